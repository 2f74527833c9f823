//! `elizacloud.embeddings`: Embeds texts with an elizaOS Cloud embedding model and returns the vectors and token usage.

use crate::command::prelude::*;
use crate::skills::elizacloud::{API, KEY_REQUIRED, preview, send_json};
use serde::{Deserialize, Serialize};

/// Arguments of `elizacloud.embeddings`.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EmbeddingsArgs {
    /// Embedding model id, e.g. `openai/text-embedding-3-small`.
    #[schemars(length(min = 1, max = 200))]
    pub model: String,
    /// The texts to embed (1-2048, each non-empty).
    #[schemars(length(min = 1, max = 2048))]
    pub input: Vec<String>,
    /// Output dimensions, for models that support shortening.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 8192))]
    pub dimensions: Option<u32>,
}

fn embeddings_request(args: &EmbeddingsArgs) -> Result<ApiRequest, Error> {
    if let Some(i) = args.input.iter().position(|s| s.trim().is_empty()) {
        return Err(Error::invalid_field(
            crate::error::ErrorCode::InvalidField,
            &format!("input/{i}"),
            "input strings cannot be empty",
        ));
    }
    Ok(ApiRequest::post(&["api", "v1", "embeddings"], Effect::Paid).json(json!(args)))
}

/// `elizacloud.embeddings`: `POST /api/v1/embeddings` → the OpenAI list
/// `{object:"list", data:[{embedding, index}], model, usage}`. Paid per token.
#[derive(Debug, Clone, Copy)]
pub struct Embeddings;

impl Command for Embeddings {
    const ID: &'static str = "elizacloud.embeddings";
    const EFFECT: Effect = Effect::Paid;
    const SUMMARY: &'static str = "Embeds texts with an elizaOS Cloud embedding model and returns the vectors and token usage.";
    const SERVICE: Service = API;
    const SECRETS: &'static [SecretNeed] = KEY_REQUIRED;
    type Args = EmbeddingsArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: EmbeddingsArgs) -> Result<Value, Error> {
        send_json(ctx, &embeddings_request(&args)?).await
    }

    fn preview(&self, ctx: &Ctx<'_>, args: &EmbeddingsArgs) -> Result<Preview, Error> {
        Ok(preview(ctx, &embeddings_request(args)?)?
            .cost_hint(json!({"unit": "1k tokens", "see": "elizacloud.pricing"})))
    }

    fn example() -> Value {
        json!({"model": "openai/text-embedding-3-small", "input": ["hello world"]})
    }
}
