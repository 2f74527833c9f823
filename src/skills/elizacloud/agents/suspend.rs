//! `elizacloud.agents.suspend`: Suspends a hosted agent (stops it and its hourly billing); it can be resumed later.

use super::{Accepted, AgentArgs, accepted, action};
use crate::command::prelude::*;
use crate::skills::elizacloud::{API, KEY_REQUIRED, preview};

/// `elizacloud.agents.suspend`: `POST /{id}/suspend` → 202 job, or 200 when already stopped.
#[derive(Debug, Clone, Copy)]
pub struct Suspend;

impl Command for Suspend {
    const ID: &'static str = "elizacloud.agents.suspend";
    const EFFECT: Effect = Effect::Mutating;
    const SUMMARY: &'static str =
        "Suspends a hosted agent (stops it and its hourly billing); it can be resumed later.";
    const SERVICE: Service = API;
    const IDEMPOTENT: bool = true;
    const SECRETS: &'static [SecretNeed] = KEY_REQUIRED;
    type Args = AgentArgs;
    type Output = Accepted;

    async fn run(&self, ctx: &Ctx<'_>, args: AgentArgs) -> Result<Accepted, Error> {
        accepted(ctx, &action(&args.agent_id, "suspend", Effect::Mutating)).await
    }

    fn preview(&self, ctx: &Ctx<'_>, args: &AgentArgs) -> Result<Preview, Error> {
        preview(ctx, &action(&args.agent_id, "suspend", Effect::Mutating))
    }

    fn example() -> Value {
        json!({"agentId": "2b0e7c1a-0000-4000-8000-000000000001"})
    }
}
