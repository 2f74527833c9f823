//! Billing: the organization's credit balance (`spec/theta-api.md` §2.6).
//!
//! - **Base URL**: the platform API, `https://api.thetaedgecloud.com` (`GET /balance?orgID=`).
//! - **Credentials**: `x-api-key: <THETA_EC_API_KEY>`.
//! - **Organization**: `args.orgId`, else THETA_ORG_ID; it must be an identifier
//!   (`MISSING_THETA_ORG_ID` / `INVALID_THETA_ORG_ID`).
//!
//! Both commands are read-only and free. `balanceSnapshot` never fails: it is what paid flows
//! (`theta.deployments.validateDisposable`) use to report what a run cost.

mod balance;
mod balance_snapshot;

pub use balance::{Balance, BalanceArgs, capability_probe};
pub use balance_snapshot::{BalanceSnapshot, Snapshot};

pub(crate) use balance::balance_request;
pub(crate) use balance_snapshot::{balance_delta, snapshot};
