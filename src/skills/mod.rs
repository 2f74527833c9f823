//! The skill packs: each folder declares one skill's services, secrets, settings and
//! families, and holds its commands. A pack's binary (`src/bin/<binary>.rs`) is one call to
//! [`crate::cli::main`] with its pack.

pub mod elizacloud;
pub mod theta;
