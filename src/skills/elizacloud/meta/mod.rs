//! First run: `elizacloud.setup` (the offline checklist) and `elizacloud.auth.capabilities`
//! (which families the key unlocks, verified by free probes).

mod capabilities;
mod setup;

pub use capabilities::Capabilities;
pub use setup::Setup;

pub use crate::command::NoArgs;
