//! Public reads, no key: the model catalogue, the price list and the service directory
//! (`spec/elizacloud.md` §6.11). Read-only and free; sent without credentials.

mod discovery;
mod models;
mod pricing;

pub use discovery::{Discovery, DiscoveryArgs, ServiceType};
pub use models::ModelsList;
pub use pricing::Pricing;
