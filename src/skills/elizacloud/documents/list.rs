//! `elizacloud.documents.list`: Lists the documents in the caller's (or a character's) store.

use crate::command::prelude::*;
use crate::skills::elizacloud::{API, ID_PATTERN, KEY_REQUIRED, send_json};

/// Arguments of `elizacloud.documents.list`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ListArgs {
    /// A character's store instead of the caller's own (it must belong to the caller).
    #[schemars(regex(pattern = ID_PATTERN))]
    pub character_id: Option<String>,
    /// Page size (1-200, default 100).
    #[schemars(range(min = 1, max = 200))]
    pub limit: Option<u32>,
    /// Entries to skip.
    #[schemars(range(min = 0, max = 100_000))]
    pub offset: Option<u32>,
}

/// `elizacloud.documents.list`: `GET /api/v1/documents`.
#[derive(Debug, Clone, Copy)]
pub struct List;

impl Command for List {
    const ID: &'static str = "elizacloud.documents.list";
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str = "Lists the documents in the caller's (or a character's) store.";
    const SERVICE: Service = API;
    const SECRETS: &'static [SecretNeed] = KEY_REQUIRED;
    type Args = ListArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: ListArgs) -> Result<Value, Error> {
        let request = ApiRequest::get(&["api", "v1", "documents"])
            .query_opt("characterId", args.character_id.as_deref())
            .query_opt("limit", args.limit)
            .query_opt("offset", args.offset);
        send_json(ctx, &request).await
    }

    fn example() -> Value {
        json!({"limit": 20})
    }
}
