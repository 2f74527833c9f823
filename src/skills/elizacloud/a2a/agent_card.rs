//! `elizacloud.agents.a2a.card`: Shows a public agent's A2A card: name, description, skills and display prices.

use super::{AgentArgs, agent_get};
use crate::command::prelude::*;
use crate::skills::elizacloud::{API, send_json};

/// `elizacloud.agents.a2a.card`: `GET /api/agents/{id}/a2a` → the card of a public character
/// with A2A enabled (404 unknown, 403 not public or A2A off). Public: no key is sent.
/// Read-only, free.
#[derive(Debug, Clone, Copy)]
pub struct AgentCard;

impl Command for AgentCard {
    const ID: &'static str = "elizacloud.agents.a2a.card";
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str =
        "Shows a public agent's A2A card: name, description, skills and display prices.";
    const SERVICE: Service = API;
    type Args = AgentArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: AgentArgs) -> Result<Value, Error> {
        send_json(ctx, &agent_get(&args.agent_id).without_auth()).await
    }

    fn example() -> Value {
        json!({"agentId": "5f0c1a2b-0000-4000-8000-00000000c001"})
    }
}
