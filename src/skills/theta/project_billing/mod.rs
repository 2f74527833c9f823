//! Project billing on the v1 controller (`spec/theta-gpu-api.md` §3, R12–R15): the credit
//! balance of the organization behind the project, the project's usage, the organization's
//! top-ups, and prices. All read-only and free. Base URL, credentials and answers: see
//! [`super::controller_v1`]. The older `theta.billing.balance` (platform API, by org id) is
//! unchanged.

mod pricing;
mod project_balance;
mod top_ups_list;
mod usage;

pub use pricing::Pricing;
pub use project_balance::ProjectBalance;
pub use top_ups_list::{TopUpsList, TopUpsListArgs};
pub use usage::{Usage, UsageArgs};
