//! `theta.setup`: the first-run checklist, judged by the core ([`crate::checklist`]) from the
//! pack's declarations and its checklist's words (`PACK.checklist`). No network and no
//! credentials needed: values are never shown, only whether they are set (and, for a setting
//! with a rule, usable).

use crate::checklist::{SetupOutput, report};
use crate::command::prelude::*;
use crate::skills::theta;

/// `theta.setup`.
#[derive(Debug, Clone, Copy)]
pub struct Setup;

impl Command for Setup {
    const ID: &'static str = "theta.setup";
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str = "Shows the first-run checklist: which Theta credentials are set and where to get the missing ones.";
    const SERVICE: Service = theta::RUNTIME;
    // A checklist reports presence only: no secret value is ever asked of the host.
    const SECRETS: &'static [SecretNeed] = theta::ALL_PRESENCE;
    type Args = NoArgs;
    type Output = SetupOutput;

    async fn run(&self, ctx: &Ctx<'_>, _args: NoArgs) -> Result<SetupOutput, Error> {
        Ok(report(ctx, &theta::PACK))
    }
}
