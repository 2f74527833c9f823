//! The key's user (`elizacloud.whoami`) and revoking the key itself
//! (`elizacloud.keys.revokeCurrent`).
//!
//! Credits: the USD balance, the summary, the ledger and a checkout link
//! (`spec/elizacloud.md` §6.10). All read-only and free except `checkout`, which creates a
//! Stripe session (money moves only when a human pays).
//!
//! Auto top-up settings: `GET`/`PUT /api/v1/billing/settings` (`spec/elizacloud.md` §6.10).

mod balance;
mod billing_get;
mod billing_set;
mod checkout;
mod revoke_current;
mod summary;
mod transactions;
mod whoami;

pub use balance::Balance;
pub use billing_get::BillingGet;
pub use billing_set::{AutoTopUp, BillingSet, BillingSetArgs};
pub use checkout::{Checkout, CheckoutArgs, CheckoutOutput};
pub use revoke_current::RevokeCurrentKey;
pub use summary::Summary;
pub use transactions::{Transactions, TransactionsArgs};
pub use whoami::Whoami;
