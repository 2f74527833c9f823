//! `elizacloud.credits.transactions`: Lists credit transactions (debits negative, USD), newest first.

use crate::command::prelude::*;
use crate::skills::elizacloud::{API, KEY_REQUIRED, send_json};

/// Arguments of `elizacloud.credits.transactions`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TransactionsArgs {
    /// Most rows (1-1000, server default 100).
    #[schemars(range(min = 1, max = 1000))]
    pub limit: Option<u32>,
    /// Only rows from the last this many hours (1-8760).
    #[schemars(range(min = 1, max = 8760))]
    pub hours: Option<u32>,
}

/// `elizacloud.credits.transactions`: `GET /api/credits/transactions?limit&hours` (no `v1`:
/// the v1 path does not exist). Debits are negative.
#[derive(Debug, Clone, Copy)]
pub struct Transactions;

impl Command for Transactions {
    const ID: &'static str = "elizacloud.credits.transactions";
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str = "Lists credit transactions (debits negative, USD), newest first.";
    const SERVICE: Service = API;
    const SECRETS: &'static [SecretNeed] = KEY_REQUIRED;
    type Args = TransactionsArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: TransactionsArgs) -> Result<Value, Error> {
        let request = ApiRequest::get(&["api", "credits", "transactions"])
            .query_opt("limit", args.limit)
            .query_opt("hours", args.hours);
        send_json(ctx, &request).await
    }

    fn example() -> Value {
        json!({"limit": 20, "hours": 24})
    }
}
