//! `elizacloud.agents.delete`: Destructive: deletes a hosted agent and its runtime; this cannot be undone.

use super::{Accepted, AgentArgs, accepted};
use crate::command::prelude::*;
use crate::skills::elizacloud::{API, KEY_REQUIRED, preview};

/// `elizacloud.agents.delete`: `DELETE /{id}` → 200 (shared runtime) or 202 job. Destructive.
#[derive(Debug, Clone, Copy)]
pub struct Delete;

fn delete_request(id: &str) -> ApiRequest {
    ApiRequest::delete(&["api", "v1", "eliza", "agents"], Effect::Mutating).segment(id)
}

impl Command for Delete {
    const ID: &'static str = "elizacloud.agents.delete";
    const EFFECT: Effect = Effect::Mutating;
    const SUMMARY: &'static str =
        "Destructive: deletes a hosted agent and its runtime; this cannot be undone.";
    const SERVICE: Service = API;
    const DESTRUCTIVE: bool = true;
    const IDEMPOTENT: bool = true;
    const SECRETS: &'static [SecretNeed] = KEY_REQUIRED;
    type Args = AgentArgs;
    type Output = Accepted;

    async fn run(&self, ctx: &Ctx<'_>, args: AgentArgs) -> Result<Accepted, Error> {
        accepted(ctx, &delete_request(&args.agent_id)).await
    }

    fn preview(&self, ctx: &Ctx<'_>, args: &AgentArgs) -> Result<Preview, Error> {
        Ok(preview(ctx, &delete_request(&args.agent_id))?
            .note("The agent and its runtime are deleted."))
    }

    fn example() -> Value {
        json!({"agentId": "2b0e7c1a-0000-4000-8000-000000000001"})
    }
}
