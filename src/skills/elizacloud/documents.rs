//! Documents (formerly "knowledge"): the caller's store, or a character's
//! (`spec/elizacloud.md` §6.6). Free: list and query are read-only, add is mutating.

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{API, ID_PATTERN, KEY_REQUIRED, preview, send_json};
use crate::command::{Command, Ctx, Effect, Preview, SecretNeed, Service};
use crate::error::Error;
use crate::http::ApiRequest;

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

/// Arguments of `elizacloud.documents.add`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AddArgs {
    /// The text (stored in 4000-character fragments).
    #[schemars(length(min = 1, max = 1_000_000))]
    pub content: String,
    /// File name shown in listings (default `text-document.txt`).
    #[schemars(length(min = 1, max = 255))]
    pub filename: Option<String>,
    /// MIME type (default `text/plain`).
    #[schemars(length(min = 1, max = 128))]
    pub content_type: Option<String>,
    /// Add to this character's store instead of the caller's.
    #[schemars(regex(pattern = ID_PATTERN))]
    pub character_id: Option<String>,
}

fn add_request(args: &AddArgs) -> ApiRequest {
    let mut body = json!({ "content": args.content });
    if let Some(v) = &args.filename {
        body["filename"] = json!(v);
    }
    if let Some(v) = &args.content_type {
        body["contentType"] = json!(v);
    }
    if let Some(v) = &args.character_id {
        body["characterId"] = json!(v);
    }
    ApiRequest::post(&["api", "v1", "documents"], Effect::Mutating).json(body)
}

/// `elizacloud.documents.add`: `POST /api/v1/documents`. Mutating, free.
#[derive(Debug, Clone, Copy)]
pub struct Add;

impl Command for Add {
    const ID: &'static str = "elizacloud.documents.add";
    const EFFECT: Effect = Effect::Mutating;
    const SUMMARY: &'static str = "Adds a text document to the caller's (or a character's) store.";
    const SERVICE: Service = API;
    const SECRETS: &'static [SecretNeed] = KEY_REQUIRED;
    type Args = AddArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: AddArgs) -> Result<Value, Error> {
        send_json(ctx, &add_request(&args)).await
    }

    fn preview(&self, ctx: &Ctx<'_>, args: &AddArgs) -> Result<Preview, Error> {
        preview(ctx, &add_request(args))
    }

    fn example() -> Value {
        json!({"content": "Our office opens at 9am.", "filename": "hours.txt"})
    }
}

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
