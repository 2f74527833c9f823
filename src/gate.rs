//! The dry-run gate (design §5), as a plain value: the only code that reads the dry-run flag.
//!
//! Dry-run is on when the pack's `<PREFIX>DRY_RUN` variable is true or the request says
//! `"dryRun": true`; a request can turn it on, never off. The dispatcher decides it once per
//! request and hands the [`Gate`] to the command's context. In dry-run every command that is
//! not read-only is stopped before the network and needs no secret; it returns its preview
//! instead. Read-only commands run normally.

use crate::vocab::Effect;

/// Whether this request runs for real or in dry-run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Gate {
    dry_run: bool,
}

impl Gate {
    /// The gate for a request: dry-run when the configuration or the request asks for it.
    pub fn new(configured: bool, requested: bool) -> Self {
        Self {
            dry_run: configured || requested,
        }
    }

    /// Whether dry-run is on.
    pub fn dry_run(self) -> bool {
        self.dry_run
    }

    /// Whether a command with `effect` must be stopped (previewed) in this run.
    pub fn stops(self, effect: Effect) -> bool {
        effect != Effect::ReadOnly && self.dry_run
    }

    /// The gate once the command's own arguments have had their say
    /// ([`crate::command::Command::requests_dry_run`], e.g. `confirm: false`): they can only
    /// turn dry-run on, never lift what the request or the environment asked for.
    #[must_use]
    pub fn with_args_request(self, args_request: bool) -> Self {
        Self {
            dry_run: self.dry_run || args_request,
        }
    }

    /// Like [`Gate::stops`], when the command's own arguments may also ask for a dry-run.
    pub fn stops_asked(self, effect: Effect, args_request: bool) -> bool {
        self.with_args_request(args_request).stops(effect)
    }

    /// Whether a credential probe (a money-free request whose only purpose is to show that a
    /// credential works) must be skipped. In dry-run it is, even when the probe is a read: a
    /// dry-run report never claims a verification and sends no credential anywhere.
    pub fn stops_probes(self) -> bool {
        self.dry_run
    }

    /// Whether, in this run, a command with `effect` may ask the host for secret values. A
    /// stopped command sends nothing, so it needs no value: its preview reports presence
    /// from what is at hand (the envelope, the environment) without crossing the boundary.
    pub fn asks_host(self, effect: Effect, offline_in_dry_run: bool) -> bool {
        !(self.dry_run && (effect != Effect::ReadOnly || offline_in_dry_run))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_turns_dry_run_on_never_off() {
        assert!(!Gate::new(false, false).dry_run());
        assert!(Gate::new(true, false).dry_run());
        assert!(Gate::new(false, true).dry_run());
        let gate = Gate::new(false, true);
        assert!(gate.stops(Effect::Paid) && gate.stops(Effect::Mutating));
        assert!(!gate.stops(Effect::ReadOnly));
        assert!(!Gate::new(false, false).stops(Effect::Paid));
    }

    #[test]
    fn arguments_can_turn_dry_run_on_never_off() {
        let (off, on) = (Gate::new(false, false), Gate::new(false, true));
        for effect in [Effect::Paid, Effect::Mutating] {
            assert!(!off.stops_asked(effect, false));
            assert!(off.stops_asked(effect, true), "the arguments ask for it");
            assert!(on.stops_asked(effect, false), "arguments never turn it off");
        }
        assert!(!on.stops_asked(Effect::ReadOnly, true), "reads always run");
    }

    #[test]
    fn a_stopped_command_never_asks_the_host() {
        let dry = Gate::new(true, false);
        assert!(!dry.asks_host(Effect::Paid, false));
        assert!(!dry.asks_host(Effect::ReadOnly, true));
        assert!(dry.asks_host(Effect::ReadOnly, false));
        assert!(Gate::new(false, false).asks_host(Effect::Paid, false));
    }
}
