//! `elizacloud.video.generate`: Generates a video from a prompt (minutes); reports pending or unknown submissions instead of re-sending them.

use crate::command::prelude::*;
use crate::skills::elizacloud::{API, KEY_REQUIRED, at_least, preview, send};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Arguments of `elizacloud.video.generate`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct VideoArgs {
    /// What happens in the video (1-4000 characters).
    #[schemars(length(min = 1, max = 4000))]
    pub prompt: String,
    /// Video model; by default the server tries its default chain.
    #[schemars(length(min = 1, max = 200))]
    pub model: Option<String>,
    /// A reference image URL (required by image-to-video models).
    #[schemars(regex(pattern = "^https://[^\\s]+$"), length(max = 4096))]
    pub reference_url: Option<String>,
    /// Length in seconds (1-30).
    #[schemars(range(min = 1, max = 30))]
    pub duration_seconds: Option<u32>,
    /// Resolution, e.g. `720p`.
    #[schemars(length(min = 1, max = 32))]
    pub resolution: Option<String>,
    /// Generate an audio track, for models that can.
    pub audio: Option<bool>,
}

pub(crate) fn video_request(args: &VideoArgs, timeout: Duration) -> ApiRequest {
    let mut body = json!({ "prompt": args.prompt });
    let mut put = |key: &str, value: Option<Value>| {
        if let Some(value) = value {
            body[key] = value;
        }
    };
    put("model", args.model.as_ref().map(|v| json!(v)));
    put(
        "referenceUrl",
        args.reference_url.as_ref().map(|v| json!(v)),
    );
    put("durationSeconds", args.duration_seconds.map(|v| json!(v)));
    put("resolution", args.resolution.as_ref().map(|v| json!(v)));
    put("audio", args.audio.map(|v| json!(v)));
    ApiRequest::post(&["api", "v1", "generate-video"], Effect::Paid)
        .timeout(timeout)
        .json(body)
}

/// The video outcome.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VideoOutput {
    /// `completed`, `pending` (still rendering; credits stay reserved) or `submission_unknown`
    /// (the server cannot tell whether the provider got it; charged).
    pub status: String,
    /// The generation id.
    pub id: Value,
    /// The provider request id.
    pub request_id: Value,
    /// The video (`url`, `content_type`, …) when completed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub video: Option<Value>,
    /// The cost, when completed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost: Option<Value>,
    /// The server's explanation for a 202.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<Value>,
    /// What to do next.
    pub next: &'static str,
}

/// `elizacloud.video.generate`: `POST /api/v1/generate-video`, synchronous (up to several
/// minutes). 200 → `completed`; 202 → `pending` or `submission_unknown`, reported as such and
/// **never re-sent** (a resend would pay twice).
#[derive(Debug, Clone, Copy)]
pub struct VideoGenerate;

const VIDEO_TIMEOUT: Duration = Duration::from_secs(330);

impl Command for VideoGenerate {
    const ID: &'static str = "elizacloud.video.generate";
    const EFFECT: Effect = Effect::Paid;
    const SUMMARY: &'static str = "Generates a video from a prompt (minutes); reports pending or unknown submissions instead of re-sending them.";
    const SERVICE: Service = API;
    const SECRETS: &'static [SecretNeed] = KEY_REQUIRED;
    type Args = VideoArgs;
    type Output = VideoOutput;

    async fn run(&self, ctx: &Ctx<'_>, args: VideoArgs) -> Result<VideoOutput, Error> {
        let request = video_request(&args, at_least(ctx, VIDEO_TIMEOUT));
        let response = send(ctx, &request).await?;
        let answer = response.json_value()?;
        let field = |key: &str| answer.get(key).cloned();
        let status = if response.status() == 202 {
            field("status")
                .and_then(|s| s.as_str().map(str::to_owned))
                .unwrap_or_else(|| "pending".to_owned())
        } else {
            "completed".to_owned()
        };
        let next = match status.as_str() {
            "completed" => "The video is ready at video.url.",
            "submission_unknown" => {
                "The server could not tell whether the provider received the request and charged it; do not send it again. Check the gallery or ask support with the ids."
            }
            _ => {
                "Still rendering upstream; credits stay reserved and the result is settled later. Do not send it again; check the gallery later."
            }
        };
        Ok(VideoOutput {
            id: field("id").unwrap_or(Value::Null),
            request_id: field("requestId").unwrap_or(Value::Null),
            video: field("video"),
            cost: field("cost"),
            message: (status != "completed").then(|| field("error")).flatten(),
            status,
            next,
        })
    }

    fn preview(&self, ctx: &Ctx<'_>, args: &VideoArgs) -> Result<Preview, Error> {
        Ok(preview(ctx, &video_request(args, at_least(ctx, VIDEO_TIMEOUT)))?
            .note("May take minutes; a 202 pending or submission_unknown answer is reported and never re-sent.")
            .cost_hint(json!({"unit": "video", "see": "elizacloud.pricing"})))
    }

    fn example() -> Value {
        json!({"prompt": "a paper boat drifting down a rainy street", "durationSeconds": 5})
    }
}
