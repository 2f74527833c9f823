//! `elizacloud.agents.get`: Shows one hosted agent: status, tier, wallet and errors.

use super::{AgentArgs, agents};
use crate::command::prelude::*;
use crate::skills::elizacloud::{API, KEY_REQUIRED, send_json};

/// `elizacloud.agents.get`.
#[derive(Debug, Clone, Copy)]
pub struct Get;

impl Command for Get {
    const ID: &'static str = "elizacloud.agents.get";
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str = "Shows one hosted agent: status, tier, wallet and errors.";
    const SERVICE: Service = API;
    const SECRETS: &'static [SecretNeed] = KEY_REQUIRED;
    type Args = AgentArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: AgentArgs) -> Result<Value, Error> {
        send_json(ctx, &agents().segment(&args.agent_id)).await
    }

    fn example() -> Value {
        json!({"agentId": "2b0e7c1a-0000-4000-8000-000000000001"})
    }
}
