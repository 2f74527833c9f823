//! `elizacloud.setup`: the first-run checklist, judged by the core ([`crate::checklist`]) from
//! the pack's declarations and its checklist's words (`PACK.checklist`).

use super::NoArgs;
use crate::checklist::{SetupOutput, report};
use crate::command::prelude::*;
use crate::skills::elizacloud::{API_KEY, PACK, RUNTIME};

/// `elizacloud.setup`.
#[derive(Debug, Clone, Copy)]
pub struct Setup;

impl Command for Setup {
    const ID: &'static str = "elizacloud.setup";
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str = "Shows the first-run checklist: whether the elizaOS Cloud key is set and how to get one (offline, no key needed).";
    const SERVICE: Service = RUNTIME;
    // A checklist reports presence only: no secret value is ever asked of the host.
    const SECRETS: &'static [SecretNeed] = &[SecretNeed::presence(API_KEY)];
    type Args = NoArgs;
    type Output = SetupOutput;

    async fn run(&self, ctx: &Ctx<'_>, _args: NoArgs) -> Result<SetupOutput, Error> {
        Ok(report(ctx, &PACK))
    }
}
