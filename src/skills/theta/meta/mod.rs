//! First run and diagnostics: `theta.setup`, `theta.health`, `theta.auth.capabilities`.
//!
//! These read configuration and secrets from every family; `theta.health` calls the platform
//! API (public) and the controller (`x-api-key`), and `theta.auth.capabilities` runs each
//! family's probe through the dry-run gate.

mod capabilities;
mod health;
mod setup;

pub use capabilities::{Capabilities, CapabilitiesArgs};
pub use health::{Health, HealthArgs, HealthOutput};
pub use setup::Setup;
