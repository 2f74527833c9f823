//! `elizacloud.agents.resume`: Resumes a suspended hosted agent, restarting its hourly billing.

use super::{Accepted, HOSTING_COST, PRICE_PATTERN, accepted, action, with_price};
use crate::command::prelude::*;
use crate::skills::elizacloud::{API, ID_PATTERN, KEY_REQUIRED, preview};

/// Arguments of `elizacloud.agents.resume`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ResumeArgs {
    /// The agent id.
    #[schemars(regex(pattern = ID_PATTERN))]
    pub agent_id: String,
    /// Accept the dedicated compute price: the `acceptanceValue` a previous 428 answer named.
    #[schemars(regex(pattern = PRICE_PATTERN))]
    pub accept_dedicated_price: Option<String>,
}

/// `elizacloud.agents.resume`: `POST /{id}/resume`. Paid: billing restarts (428 until the
/// price is accepted, 402 below the minimum balance, 409 when a resume is already queued).
#[derive(Debug, Clone, Copy)]
pub struct Resume;

fn resume_request(args: &ResumeArgs) -> ApiRequest {
    with_price(
        action(&args.agent_id, "resume", Effect::Paid),
        args.accept_dedicated_price.as_deref(),
    )
}

impl Command for Resume {
    const ID: &'static str = "elizacloud.agents.resume";
    const EFFECT: Effect = Effect::Paid;
    const SUMMARY: &'static str =
        "Resumes a suspended hosted agent, restarting its hourly billing.";
    const SERVICE: Service = API;
    const SECRETS: &'static [SecretNeed] = KEY_REQUIRED;
    type Args = ResumeArgs;
    type Output = Accepted;

    async fn run(&self, ctx: &Ctx<'_>, args: ResumeArgs) -> Result<Accepted, Error> {
        accepted(ctx, &resume_request(&args)).await
    }

    fn preview(&self, ctx: &Ctx<'_>, args: &ResumeArgs) -> Result<Preview, Error> {
        Ok(preview(ctx, &resume_request(args))?.note(HOSTING_COST))
    }

    fn example() -> Value {
        json!({"agentId": "2b0e7c1a-0000-4000-8000-000000000001"})
    }
}
