//! The skill packs: each folder declares one skill's services, secrets, settings and
//! families, and holds its commands. A pack's binary is its own package, `bins/<binary>/`,
//! whose `main` is one call to [`crate::cli::main`] with its pack.
//!
//! [`PACKS`] is the one list of packs: every suite that must hold for every pack (the
//! invariants, the canaries, the fault matrix, the freshness checks, the `serve`/`mcp`
//! contracts) loops over it, so a new pack is covered on its first run.

use crate::pack::Pack;

pub mod elizacloud;
pub mod theta;
#[cfg(feature = "example-pack")]
pub mod tiny;

/// Every pack this build carries, each with its own binary (`Pack::binary`). A new pack is
/// its folder, one line here and its binary's package under `bins/`.
pub const PACKS: &[&Pack] = &[
    &theta::PACK,
    &elizacloud::PACK,
    // The example pack: test builds only (the crate's dev-dependency on itself turns the
    // feature on), never in a release.
    #[cfg(feature = "example-pack")]
    &tiny::PACK,
];

/// The packs built only as examples for the suites: in [`PACKS`], never published, so their
/// generated files (`schemas/`, `skill/`, `dist/`) are not checked in.
pub const EXAMPLES: &[&Pack] = &[
    #[cfg(feature = "example-pack")]
    &tiny::PACK,
];
