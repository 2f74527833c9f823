//! `theta.media.generateVideo`: generates a video with an on-demand model and returns its
//! bytes. Paid, and long (minutes). It serves OpenClaw's own video generation
//! (`video_generate`, `openclaw infer video generate --model theta/<service>`) through the
//! plugin, and is not an agent tool.
//!
//! `POST /infer_request/<model>?wait=<s>` with `{input: {prompt, frames?, fps?}}`, sent once;
//! `durationSeconds` becomes `frames` at 10 per second with `fps: 10`, as step_video takes
//! them (`spec/theta-api.md` §3.5). Then `GET /infer_request/<id>` on the adaptive schedule
//! (a check lands where the render should end) until the job ends or `timeoutMs` passes — the
//! job keeps running after that (Theta has no cancel) and the error names its id — then a
//! download of the video (no credentials, https and public hosts only, at most 16 MiB:
//! OpenClaw's cap for videos). Prices: the embedded catalog's, in the preview (step_video:
//! 0.20 USD / video, observed).

use crate::command::prelude::*;
use serde_json::{Map, Value, json};

use super::job;
use crate::error::{Error, ErrorCode};
use crate::media::{self, GeneratedMedia};
use crate::providers::Slot;
use crate::schema::IDENTIFIER_PATTERN;
use crate::skills::theta;

/// Frames per second the duration is converted at (step_video's default).
const FPS: u64 = 10;

/// Arguments of `theta.media.generateVideo`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GenerateVideoArgs {
    /// The on-demand video service, e.g. `step_video` (see `theta.ondemand.listServices`).
    #[schemars(regex(pattern = IDENTIFIER_PATTERN), length(min = 1, max = 128))]
    pub model: String,
    /// What happens in the video (1-4000 characters).
    #[schemars(length(min = 1, max = 4000))]
    pub prompt: String,
    /// Length in seconds (1-20), sent as `frames` at 10 per second; the service's default
    /// otherwise (step_video: 30 frames).
    #[schemars(range(min = 1, max = 20))]
    pub duration_seconds: Option<u64>,
    /// Model variant; the service's default otherwise.
    #[schemars(regex(pattern = IDENTIFIER_PATTERN), length(min = 1, max = 128))]
    pub variant: Option<String>,
    /// How long the whole call may take, in ms (10000-3600000, default 900000): submit, wait,
    /// download. Past it the job may still run (and be charged); the error names its id.
    #[schemars(range(min = 10_000, max = 3_600_000))]
    pub timeout_ms: Option<u64>,
}

/// `theta.media.generateVideo`.
#[derive(Debug, Clone, Copy)]
pub struct GenerateVideo;

fn infer_args(args: &GenerateVideoArgs) -> crate::skills::theta::ondemand::InferArgs {
    let mut input = Map::new();
    input.insert("prompt".into(), json!(args.prompt));
    if let Some(seconds) = args.duration_seconds {
        input.insert("frames".into(), json!(seconds * FPS));
        input.insert("fps".into(), json!(FPS));
    }
    job::infer_args(
        &args.model,
        input,
        args.variant.as_ref(),
        job::wait_secs(args.timeout_ms, Slot::Video),
    )
}

impl Command for GenerateVideo {
    const ID: &'static str = "theta.media.generateVideo";
    const EFFECT: Effect = Effect::Paid;
    const SUMMARY: &'static str = "Generates a video with an on-demand model, waits for it (minutes) and returns its bytes (base64) for OpenClaw's video generation.";
    const SERVICE: Service = theta::ONDEMAND;
    const SECRETS: &'static [SecretNeed] = &[SecretNeed::required(theta::ONDEMAND_TOKEN)];
    const AGENT_TOOL: bool = false;
    type Args = GenerateVideoArgs;
    type Output = GeneratedMedia;

    async fn run(&self, ctx: &Ctx<'_>, args: GenerateVideoArgs) -> Result<GeneratedMedia, Error> {
        let deadline = media::deadline(args.timeout_ms, Slot::Video);
        job::generate(ctx, &infer_args(&args), Slot::Video, deadline).await
    }

    fn preview(&self, ctx: &Ctx<'_>, args: &GenerateVideoArgs) -> Result<Preview, Error> {
        job::preview(
            ctx,
            &infer_args(args),
            "then downloads the video it names (no credentials sent; at most 16 MiB).",
        )
    }

    fn example() -> Value {
        json!({"model": "step_video", "prompt": "a paper boat on a river", "durationSeconds": 3})
    }

    fn field_code(field: &str) -> Option<ErrorCode> {
        super::field_code(field)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_duration_becomes_frames_at_ten_per_second() {
        let args: GenerateVideoArgs = serde_json::from_value(GenerateVideo::example()).unwrap();
        let input = infer_args(&args).input.unwrap();
        assert_eq!(
            json!(input),
            json!({"prompt": "a paper boat on a river", "frames": 30, "fps": 10})
        );
        let plain: GenerateVideoArgs =
            serde_json::from_value(json!({"model": "step_video", "prompt": "x"})).unwrap();
        assert_eq!(
            json!(infer_args(&plain).input.unwrap()),
            json!({"prompt": "x"})
        );
    }

    #[test]
    fn the_schema_refuses_bad_values() {
        let validator =
            crate::schema::compile(&crate::schema::input_schema::<GenerateVideoArgs>()).unwrap();
        assert!(validator.is_valid(&GenerateVideo::example()));
        for bad in [
            json!({"model": "step_video", "prompt": "x", "durationSeconds": 0}),
            json!({"model": "step_video", "prompt": "x", "durationSeconds": 21}),
            json!({"prompt": "x"}),
        ] {
            assert!(!validator.is_valid(&bad), "{bad}");
        }
    }
}
