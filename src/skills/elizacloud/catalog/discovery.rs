//! `elizacloud.discovery`: Searches the public directory of agents and MCP servers on elizaOS Cloud.

use crate::command::prelude::*;
use crate::skills::elizacloud::{API, codes, send_json};
use serde::{Deserialize, Serialize};

/// A directory entry type.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ServiceType {
    /// An agent (A2A).
    Agent,
    /// An MCP server.
    Mcp,
}

/// Arguments of `elizacloud.discovery`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DiscoveryArgs {
    /// Free-text search.
    #[schemars(length(min = 1, max = 200))]
    pub query: Option<String>,
    /// Only these types.
    #[schemars(length(min = 1, max = 2))]
    pub types: Option<Vec<ServiceType>>,
    /// Only these categories.
    #[schemars(length(min = 1, max = 20))]
    pub categories: Option<Vec<String>>,
    /// Only entries with these tags.
    #[schemars(length(min = 1, max = 20))]
    pub tags: Option<Vec<String>>,
    /// Only entries that accept x402 payments.
    pub x402_only: Option<bool>,
    /// Only active entries.
    pub active_only: Option<bool>,
    /// Page size (1-200, default 50); `offset + limit` may not exceed 1000.
    #[schemars(range(min = 1, max = 200))]
    pub limit: Option<u32>,
    /// Entries to skip (0-999).
    #[schemars(range(min = 0, max = 999))]
    pub offset: Option<u32>,
}

fn csv(items: Option<&[String]>) -> Option<String> {
    items.map(|items| items.join(","))
}

fn discovery_request(args: &DiscoveryArgs) -> Result<ApiRequest, Error> {
    let limit = args.limit.unwrap_or(50);
    let offset = args.offset.unwrap_or(0);
    if limit + offset > 1000 {
        return Err(Error::invalid_field(
            codes::INVALID_PAGE_WINDOW,
            "offset",
            "offset + limit may not exceed 1000",
        ));
    }
    let types = args.types.as_ref().map(|types| {
        types
            .iter()
            .map(|t| match t {
                ServiceType::Agent => "agent",
                ServiceType::Mcp => "mcp",
            })
            .collect::<Vec<_>>()
            .join(",")
    });
    Ok(ApiRequest::get(&["api", "v1", "discovery"])
        .without_auth()
        .query_opt("query", args.query.as_deref())
        .query_opt("types", types)
        .query_opt("categories", csv(args.categories.as_deref()))
        .query_opt("tags", csv(args.tags.as_deref()))
        .query_opt("x402Only", args.x402_only)
        .query_opt("activeOnly", args.active_only)
        .query_opt("limit", args.limit)
        .query_opt("offset", args.offset))
}

/// `elizacloud.discovery`: `GET /api/v1/discovery` → `{services, total, hasMore, pagination,
/// cached}`, sorted by name.
#[derive(Debug, Clone, Copy)]
pub struct Discovery;

impl Command for Discovery {
    const ID: &'static str = "elizacloud.discovery";
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str =
        "Searches the public directory of agents and MCP servers on elizaOS Cloud.";
    const SERVICE: Service = API;
    type Args = DiscoveryArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: DiscoveryArgs) -> Result<Value, Error> {
        send_json(ctx, &discovery_request(&args)?).await
    }

    fn example() -> Value {
        json!({"query": "weather", "types": ["mcp"], "limit": 10})
    }
}
