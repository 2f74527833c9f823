//! First run: `elizacloud.setup` (the offline checklist) and `elizacloud.auth.capabilities`
//! (which families the key unlocks, verified by free probes).

mod capabilities;
mod setup;

pub use capabilities::Capabilities;
pub use setup::Setup;

use schemars::JsonSchema;
use serde::Deserialize;

/// No arguments.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoArgs {}
