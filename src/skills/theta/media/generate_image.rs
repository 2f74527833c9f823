//! `theta.media.generateImage`: generates an image with an on-demand model and returns its
//! bytes. Paid. It serves OpenClaw's own image generation (`image_generate`, `openclaw infer
//! image generate --model theta/<service>`) through the plugin, and is not an agent tool.
//!
//! `POST /infer_request/<model>?wait=<s>` with `{input: {prompt}, variant?}` — the request
//! `theta.ondemand.infer` sends, sent once — then `GET /infer_request/<id>` until the job ends
//! or `timeoutMs` passes (Theta has no cancel: the job may still run, and its id is in the
//! error), then a download of every output URL the finished job names (no credentials, https
//! and public hosts only, at most 6 MiB each: OpenClaw's cap for images). The answer is
//! [`crate::media::GeneratedMedia`]: the files as base64, the request id and the cost the job
//! reported. Prices: the embedded catalog's, in the preview (flux: 0.01 USD / image, observed).

use crate::command::prelude::*;
use serde_json::{Map, Value, json};

use super::job;
use crate::error::{Error, ErrorCode};
use crate::media::{self, GeneratedMedia};
use crate::providers::Slot;
use crate::schema::IDENTIFIER_PATTERN;
use crate::skills::theta;

/// Arguments of `theta.media.generateImage`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GenerateImageArgs {
    /// The on-demand image service, e.g. `flux` or `stable_diffusion_xl_turbo` (see
    /// `theta.ondemand.listServices`).
    #[schemars(regex(pattern = IDENTIFIER_PATTERN), length(min = 1, max = 128))]
    pub model: String,
    /// What to draw (1-4000 characters).
    #[schemars(length(min = 1, max = 4000))]
    pub prompt: String,
    /// Model variant, e.g. `quantized`; the service's default otherwise.
    #[schemars(regex(pattern = IDENTIFIER_PATTERN), length(min = 1, max = 128))]
    pub variant: Option<String>,
    /// How long the whole call may take, in ms (10000-3600000, default 300000): submit, wait,
    /// download. Past it the job may still run (and be charged); the error names its id.
    #[schemars(range(min = 10_000, max = 3_600_000))]
    pub timeout_ms: Option<u64>,
}

/// `theta.media.generateImage`.
#[derive(Debug, Clone, Copy)]
pub struct GenerateImage;

fn infer_args(args: &GenerateImageArgs) -> crate::skills::theta::ondemand::InferArgs {
    let mut input = Map::new();
    input.insert("prompt".into(), json!(args.prompt));
    job::infer_args(
        &args.model,
        input,
        args.variant.as_ref(),
        job::wait_secs(args.timeout_ms, Slot::Image),
    )
}

impl Command for GenerateImage {
    const ID: &'static str = "theta.media.generateImage";
    const EFFECT: Effect = Effect::Paid;
    const SUMMARY: &'static str = "Generates an image with an on-demand model, waits for it and returns its bytes (base64) for OpenClaw's image generation.";
    const SERVICE: Service = theta::ONDEMAND;
    const SECRETS: &'static [SecretNeed] = &[SecretNeed::required(theta::ONDEMAND_TOKEN)];
    const AGENT_TOOL: bool = false;
    type Args = GenerateImageArgs;
    type Output = GeneratedMedia;

    async fn run(&self, ctx: &Ctx<'_>, args: GenerateImageArgs) -> Result<GeneratedMedia, Error> {
        let deadline = media::deadline(args.timeout_ms, Slot::Image);
        job::generate(ctx, &infer_args(&args), Slot::Image, deadline).await
    }

    fn preview(&self, ctx: &Ctx<'_>, args: &GenerateImageArgs) -> Result<Preview, Error> {
        job::preview(
            ctx,
            &infer_args(args),
            "then downloads the image it names (no credentials sent; at most 6 MiB).",
        )
    }

    fn example() -> Value {
        json!({"model": "flux", "prompt": "a red fox in the snow, watercolor"})
    }

    fn field_code(field: &str) -> Option<ErrorCode> {
        super::field_code(field)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_job_is_the_infer_request_of_the_prompt() {
        let args: GenerateImageArgs = serde_json::from_value(
            json!({"model": "flux", "prompt": "cat", "variant": "quantized"}),
        )
        .unwrap();
        let infer = infer_args(&args);
        assert_eq!(infer.service, "flux");
        assert_eq!(
            infer.input,
            Some(json!({"prompt": "cat"}).as_object().unwrap().clone())
        );
        assert_eq!(infer.variant.as_deref(), Some("quantized"));
        assert_eq!(infer.wait, Some(30));
    }

    #[test]
    fn the_schema_refuses_bad_values() {
        let validator =
            crate::schema::compile(&crate::schema::input_schema::<GenerateImageArgs>()).unwrap();
        assert!(validator.is_valid(&GenerateImage::example()));
        for bad in [
            json!({"model": "flux"}),
            json!({"model": "../x", "prompt": "a"}),
            json!({"model": "flux", "prompt": ""}),
            json!({"model": "flux", "prompt": "a", "timeoutMs": 5}),
            json!({"model": "flux", "prompt": "a", "count": 2}),
        ] {
            assert!(!validator.is_valid(&bad), "{bad}");
        }
    }
}
