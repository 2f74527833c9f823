//! `elizacloud.credits.summary`: Shows the credit summary: balance, auto top-up, agents and apps spending, and the last transactions.

use crate::command::prelude::*;
use crate::skills::elizacloud::meta::NoArgs;
use crate::skills::elizacloud::{API, KEY_REQUIRED, send_json};

/// `elizacloud.credits.summary`: `GET /api/v1/credits/summary` (organization, auto top-up,
/// recent transactions, pricing with `creditsPerDollar`, display only).
#[derive(Debug, Clone, Copy)]
pub struct Summary;

impl Command for Summary {
    const ID: &'static str = "elizacloud.credits.summary";
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str = "Shows the credit summary: balance, auto top-up, agents and apps spending, and the last transactions.";
    const SERVICE: Service = API;
    const SECRETS: &'static [SecretNeed] = KEY_REQUIRED;
    type Args = NoArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, _args: NoArgs) -> Result<Value, Error> {
        send_json(ctx, &ApiRequest::get(&["api", "v1", "credits", "summary"])).await
    }
}
