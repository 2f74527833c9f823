//! `elizacloud.agents.a2a.info`: Asks a public agent for its name, bio, category, tags and pricing (free, needs the key).

use super::{AgentArgs, agent_post, call, rpc};
use crate::command::prelude::*;
use crate::skills::elizacloud::{API, KEY_REQUIRED};

/// `elizacloud.agents.a2a.info`: `POST /api/agents/{id}/a2a` JSON-RPC `getAgentInfo` →
/// `{name, bio, category, tags, monetizationEnabled, markupPercentage}`. A POST that changes
/// nothing: read-only, free, retried like a read.
#[derive(Debug, Clone, Copy)]
pub struct AgentInfo;

impl Command for AgentInfo {
    const ID: &'static str = "elizacloud.agents.a2a.info";
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str =
        "Asks a public agent for its name, bio, category, tags and pricing (free, needs the key).";
    const SERVICE: Service = API;
    const SECRETS: &'static [SecretNeed] = KEY_REQUIRED;
    type Args = AgentArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: AgentArgs) -> Result<Value, Error> {
        let request = rpc(
            agent_post(&args.agent_id, Effect::ReadOnly),
            "getAgentInfo",
            json!({}),
        );
        call(ctx, &request).await
    }

    fn example() -> Value {
        json!({"agentId": "5f0c1a2b-0000-4000-8000-00000000c001"})
    }
}
