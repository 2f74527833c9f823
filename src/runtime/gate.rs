//! The dry-run gate (design §5): the only code that reads the dry-run flag.
//!
//! Dry-run is on when `THETA_DRY_RUN` is true or the request says `"dryRun": true`; a request
//! can turn it on, never off. In dry-run every command that is not read-only is stopped
//! before the network and returns its preview instead; read-only commands run normally.

use crate::command::{Ctx, Effect};
use crate::config::Config;

/// Whether dry-run is on for a request.
pub(crate) fn dry_run(config: &Config, requested: bool) -> bool {
    config.dry_run || requested
}

/// Whether a command with `effect` must be stopped (previewed) in this run.
pub(crate) fn stops(ctx: &Ctx<'_>, effect: Effect) -> bool {
    effect != Effect::ReadOnly && ctx.dry_run()
}

/// Whether a credential probe (a money-free request whose only purpose is to show that a
/// credential works, as `theta.auth.capabilities` sends) must be skipped in this run. In
/// dry-run it is, even when the probe is a read: a dry-run report must never claim a
/// verification, and it sends no credential anywhere.
pub(crate) fn stops_probes(ctx: &Ctx<'_>) -> bool {
    ctx.dry_run()
}
