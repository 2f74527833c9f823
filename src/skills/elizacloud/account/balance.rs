//! `elizacloud.credits.balance`: Shows the organization's elizaOS Cloud credit balance in USD.

use crate::command::prelude::*;
use crate::skills::elizacloud::meta::NoArgs;
use crate::skills::elizacloud::{API, KEY_REQUIRED, send_json};

/// `elizacloud.credits.balance`: `GET /api/v1/credits/balance` → `{balance}` (USD).
#[derive(Debug, Clone, Copy)]
pub struct Balance;

impl Command for Balance {
    const ID: &'static str = "elizacloud.credits.balance";
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str = "Shows the organization's elizaOS Cloud credit balance in USD.";
    const SERVICE: Service = API;
    const SECRETS: &'static [SecretNeed] = KEY_REQUIRED;
    type Args = NoArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, _args: NoArgs) -> Result<Value, Error> {
        send_json(ctx, &ApiRequest::get(&["api", "v1", "credits", "balance"])).await
    }
}
