//! `elizacloud.agents.list`: Lists the organization's hosted agents with their status and hosting cost.

use super::agents;
use crate::command::prelude::*;
use crate::skills::elizacloud::{API, KEY_REQUIRED, send_json};

/// `elizacloud.agents.list`.
#[derive(Debug, Clone, Copy)]
pub struct List;

impl Command for List {
    const ID: &'static str = "elizacloud.agents.list";
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str =
        "Lists the organization's hosted agents with their status and hosting cost.";
    const SERVICE: Service = API;
    const SECRETS: &'static [SecretNeed] = KEY_REQUIRED;
    type Args = crate::skills::elizacloud::meta::NoArgs;
    type Output = Value;

    async fn run(
        &self,
        ctx: &Ctx<'_>,
        _args: crate::skills::elizacloud::meta::NoArgs,
    ) -> Result<Value, Error> {
        send_json(ctx, &agents()).await
    }
}
