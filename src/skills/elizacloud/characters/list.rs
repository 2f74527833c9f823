//! `elizacloud.characters.list`: Lists the organization's own characters, with search, category, sorting and pages.

use super::{CHARACTERS, mask_secrets};
use crate::command::prelude::*;
use crate::skills::elizacloud::{API, KEY_REQUIRED, send_json};
use serde::{Deserialize, Serialize};

/// How to sort.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SortBy {
    /// Most recently created first (the default).
    Newest,
    /// Most used first.
    Popularity,
    /// By name.
    Name,
    /// Most recently updated first.
    Updated,
}

/// Sort direction.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Order {
    /// Ascending.
    Asc,
    /// Descending (the default).
    Desc,
}

/// Arguments of `elizacloud.characters.list`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ListArgs {
    /// Text to search for in names and bios.
    #[schemars(length(min = 1, max = 200))]
    pub search: Option<String>,
    /// A category id (the server refuses unknown ones).
    #[schemars(regex(pattern = "^[a-z0-9][a-z0-9_-]{0,63}$"))]
    pub category: Option<String>,
    /// Sort key (default `newest`).
    pub sort_by: Option<SortBy>,
    /// Sort direction (default `desc`).
    pub order: Option<Order>,
    /// Page number, from 1.
    #[schemars(range(min = 1, max = 100_000))]
    pub page: Option<u32>,
    /// Page size (1-1000, default 30).
    #[schemars(range(min = 1, max = 1000))]
    pub limit: Option<u32>,
}

fn text<T: Serialize>(value: Option<T>) -> Option<String> {
    value
        .and_then(|v| serde_json::to_value(v).ok())
        .and_then(|v| v.as_str().map(str::to_owned))
}

/// `elizacloud.characters.list`: `GET /api/my-agents/characters?search&category&sortBy&order
/// &page&limit` → `{success, data: {characters, pagination: {page, limit, totalPages,
/// totalCount, hasMore}}}`. Read-only, free.
#[derive(Debug, Clone, Copy)]
pub struct List;

impl Command for List {
    const ID: &'static str = "elizacloud.characters.list";
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str =
        "Lists the organization's own characters, with search, category, sorting and pages.";
    const SERVICE: Service = API;
    const SECRETS: &'static [SecretNeed] = KEY_REQUIRED;
    type Args = ListArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: ListArgs) -> Result<Value, Error> {
        let request = ApiRequest::get(CHARACTERS)
            .query_opt("search", args.search)
            .query_opt("category", args.category)
            .query_opt("sortBy", text(args.sort_by))
            .query_opt("order", text(args.order))
            .query_opt("page", args.page)
            .query_opt("limit", args.limit);
        let mut answer = send_json(ctx, &request).await?;
        mask_secrets(&mut answer);
        Ok(answer)
    }

    fn example() -> Value {
        json!({"search": "support", "sortBy": "updated", "limit": 10})
    }
}
