//! `elizacloud.voice.list`: Lists the organization's voices, page by page.

use crate::command::prelude::*;
use crate::skills::elizacloud::{API, KEY_REQUIRED, send_json};
use serde::{Deserialize, Serialize};

/// A clone type.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum CloneType {
    /// Instant clones.
    Instant,
    /// Professional clones.
    Professional,
}

impl CloneType {
    /// `instant` or `professional`, as the server spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            CloneType::Instant => "instant",
            CloneType::Professional => "professional",
        }
    }
}

/// Arguments of `elizacloud.voice.list`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct VoiceListArgs {
    /// Page size (1-100, default 50).
    #[schemars(range(min = 1, max = 100))]
    pub limit: Option<u32>,
    /// Entries to skip.
    #[schemars(range(min = 0, max = 100_000))]
    pub offset: Option<u32>,
    /// Only this clone type.
    pub clone_type: Option<CloneType>,
    /// Include inactive voices.
    pub include_inactive: Option<bool>,
}

/// `elizacloud.voice.list`: `GET /api/v1/voice/list` → `{voices, total, limit, offset,
/// hasMore}`. Read-only and free.
#[derive(Debug, Clone, Copy)]
pub struct VoiceList;

impl Command for VoiceList {
    const ID: &'static str = "elizacloud.voice.list";
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str = "Lists the organization's voices, page by page.";
    const SERVICE: Service = API;
    const SECRETS: &'static [SecretNeed] = KEY_REQUIRED;
    type Args = VoiceListArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: VoiceListArgs) -> Result<Value, Error> {
        let clone_type = args.clone_type.map(CloneType::as_str);
        let request = ApiRequest::get(&["api", "v1", "voice", "list"])
            .query_opt("limit", args.limit)
            .query_opt("offset", args.offset)
            .query_opt("cloneType", clone_type)
            .query_opt("includeInactive", args.include_inactive.filter(|i| *i));
        send_json(ctx, &request).await
    }

    fn example() -> Value {
        json!({"limit": 10})
    }
}
