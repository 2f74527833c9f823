//! `elizacloud.documents.query`: Searches the document store and returns the best-matching fragments.

use crate::command::prelude::*;
use crate::skills::elizacloud::{API, ID_PATTERN, KEY_REQUIRED, send_json};

/// Arguments of `elizacloud.documents.query`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct QueryArgs {
    /// What to look for.
    #[schemars(length(min = 1, max = 2000))]
    pub query: String,
    /// Most results (1-25, default 5).
    #[schemars(range(min = 1, max = 25))]
    pub limit: Option<u32>,
    /// Search this character's store instead of the caller's.
    #[schemars(regex(pattern = ID_PATTERN))]
    pub character_id: Option<String>,
}

/// `elizacloud.documents.query`: `POST /api/v1/documents/query` → `{results:[{id, content,
/// similarity, metadata}], total}`. Lexical scoring, free; a POST that only reads, so it is
/// retried like a read.
#[derive(Debug, Clone, Copy)]
pub struct Query;

impl Command for Query {
    const ID: &'static str = "elizacloud.documents.query";
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str =
        "Searches the document store and returns the best-matching fragments.";
    const SERVICE: Service = API;
    const SECRETS: &'static [SecretNeed] = KEY_REQUIRED;
    type Args = QueryArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: QueryArgs) -> Result<Value, Error> {
        let mut body = json!({ "query": args.query });
        if let Some(limit) = args.limit {
            body["limit"] = json!(limit);
        }
        if let Some(id) = &args.character_id {
            body["characterId"] = json!(id);
        }
        let request =
            ApiRequest::post(&["api", "v1", "documents", "query"], Effect::ReadOnly).json(body);
        send_json(ctx, &request).await
    }

    fn example() -> Value {
        json!({"query": "opening hours", "limit": 3})
    }
}
