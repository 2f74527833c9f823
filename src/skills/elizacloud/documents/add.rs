//! `elizacloud.documents.add`: Adds a text document to the caller's (or a character's) store.

use crate::command::prelude::*;
use crate::skills::elizacloud::{API, ID_PATTERN, KEY_REQUIRED, preview, send_json};

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
