//! `elizacloud.media.generateVideo`: generates a video and returns its bytes. Paid, and long
//! (minutes). It serves OpenClaw's own video generation (`video_generate`, `openclaw infer
//! video generate --model elizacloud/<model>`) through the plugin, and is not an agent tool.
//!
//! `POST /api/v1/generate-video` (the request `elizacloud.video.generate` sends, sent once;
//! synchronous, it answers when the video is done) → `{id, requestId, video: {url}, cost}`,
//! then a download of `video.url` (no credentials, https and public hosts only, at most
//! 16 MiB: OpenClaw's cap for videos). A 202 (`pending`: credits reserved, settled later;
//! `submission_unknown`: charged) is `ELIZACLOUD_VIDEO_NOT_DELIVERED` with both ids, never
//! re-sent. Billed per video at the catalogue price (`elizacloud.pricing`).

use crate::command::prelude::*;

use super::charged;
use crate::error::{Error, ErrorCode};
use crate::media::{self, GeneratedMedia};
use crate::providers::{Slot, VIDEO_MAX_BYTES};
use crate::skills::elizacloud::inference::{VideoArgs, video_request};
use crate::skills::elizacloud::{API, KEY_REQUIRED, codes, preview, send};

/// Arguments of `elizacloud.media.generateVideo`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GenerateVideoArgs {
    /// Video model, e.g. `vidu/q3-turbo/text-to-video`; the server's default chain when absent.
    #[schemars(length(min = 1, max = 200))]
    pub model: Option<String>,
    /// What happens in the video (1-4000 characters).
    #[schemars(length(min = 1, max = 4000))]
    pub prompt: String,
    /// Length in seconds (1-30).
    #[schemars(range(min = 1, max = 30))]
    pub duration_seconds: Option<u32>,
    /// Resolution, e.g. `720p`.
    #[schemars(length(min = 1, max = 32))]
    pub resolution: Option<String>,
    /// Generate an audio track, for models that can.
    pub audio: Option<bool>,
    /// How long the whole call may take, in ms (10000-3600000, default 900000): generation
    /// and download.
    #[schemars(range(min = 10_000, max = 3_600_000))]
    pub timeout_ms: Option<u64>,
}

/// `elizacloud.media.generateVideo`.
#[derive(Debug, Clone, Copy)]
pub struct GenerateVideo;

fn video_args(args: &GenerateVideoArgs) -> VideoArgs {
    VideoArgs {
        prompt: args.prompt.clone(),
        model: args.model.clone(),
        reference_url: None,
        duration_seconds: args.duration_seconds,
        resolution: args.resolution.clone(),
        audio: args.audio,
    }
}

/// The 202 answers: what they mean, with both ids.
fn not_delivered(answer: &Value) -> Error {
    let status = answer
        .get("status")
        .and_then(Value::as_str)
        .unwrap_or("pending");
    let message = if status == "submission_unknown" {
        "the video provider may or may not have received the request (submission_unknown); it was charged"
    } else {
        "the video is still rendering upstream (pending); credits stay reserved and are settled later"
    };
    Error::new(codes::VIDEO_NOT_DELIVERED, message)
        .with_details(json!({
            "status": status,
            "id": answer.get("id").cloned().unwrap_or(Value::Null),
            "requestId": answer.get("requestId").cloned().unwrap_or(Value::Null),
        }))
        .with_hint("Do not generate it again: the video lands in the organization's gallery when done (details.id, details.requestId).")
}

impl Command for GenerateVideo {
    const ID: &'static str = "elizacloud.media.generateVideo";
    const EFFECT: Effect = Effect::Paid;
    const SUMMARY: &'static str = "Generates a video from a prompt (minutes) and returns its bytes (base64) for OpenClaw's video generation.";
    const SERVICE: Service = API;
    const SECRETS: &'static [SecretNeed] = KEY_REQUIRED;
    const AGENT_TOOL: bool = false;
    type Args = GenerateVideoArgs;
    type Output = GeneratedMedia;

    async fn run(&self, ctx: &Ctx<'_>, args: GenerateVideoArgs) -> Result<GeneratedMedia, Error> {
        let deadline = media::deadline(args.timeout_ms, Slot::Video);
        let request = video_request(
            &video_args(&args),
            deadline.saturating_duration_since(tokio::time::Instant::now()),
        );
        let response = tokio::time::timeout_at(deadline, send(ctx, &request))
            .await
            .map_err(|_| {
                Error::new(ErrorCode::Timeout, "the video was not answered before the call's deadline")
                    .with_hint("It may still render and be charged: check the organization's gallery before generating again.")
            })??;
        let answer = response.json_value()?;
        if response.status() == 202 {
            return Err(not_delivered(&answer));
        }
        let url = answer
            .pointer("/video/url")
            .and_then(Value::as_str)
            .ok_or_else(|| {
                charged(
                    Error::new(ErrorCode::InvalidResponse, "the answer names no video.url"),
                    "video",
                )
            })?;
        let request_id = answer
            .get("requestId")
            .or_else(|| answer.get("id"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        let file = ctx
            .media()
            .fetch(url, VIDEO_MAX_BYTES, deadline)
            .await
            .and_then(|m| {
                media::media_file(
                    &m,
                    Slot::Video,
                    request_id.as_deref().unwrap_or("elizacloud-video"),
                )
            })
            .map_err(|e| {
                let e = charged(e, "video");
                match &request_id {
                    Some(id) => e.with_detail("requestId", json!(id)),
                    None => e,
                }
            })?;
        Ok(GeneratedMedia {
            model: args.model.unwrap_or_default(),
            request_id,
            media: vec![file],
            cost: answer.get("cost").cloned(),
        })
    }

    fn preview(&self, ctx: &Ctx<'_>, args: &GenerateVideoArgs) -> Result<Preview, Error> {
        let timeout = media::deadline(args.timeout_ms, Slot::Video)
            .saturating_duration_since(tokio::time::Instant::now());
        Ok(preview(ctx, &video_request(&video_args(args), timeout))?
            .note("May take minutes; then downloads the video from video.url (no credentials sent; at most 16 MiB). A 202 pending or submission_unknown answer is reported and never re-sent.")
            .cost_hint(json!({"unit": "video", "see": "elizacloud.pricing"})))
    }

    fn example() -> Value {
        json!({"prompt": "a paper boat drifting down a rainy street", "model": "vidu/q3-turbo/text-to-video", "durationSeconds": 5})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_202_names_both_ids_and_is_never_a_success() {
        let error = not_delivered(
            &json!({"success": false, "status": "submission_unknown", "id": "vid_3", "requestId": "req_3"}),
        );
        assert_eq!(error.code(), codes::VIDEO_NOT_DELIVERED);
        assert!(error.message().contains("charged"));
        assert_eq!(error.details().unwrap()["requestId"], json!("req_3"));
        assert!(!error.retriable());
    }

    #[test]
    fn the_request_is_the_video_request() {
        let args: GenerateVideoArgs = serde_json::from_value(GenerateVideo::example()).unwrap();
        let request = video_request(&video_args(&args), std::time::Duration::from_secs(1));
        assert_eq!(
            request.json_body(),
            Some(
                &json!({"prompt": "a paper boat drifting down a rainy street", "model": "vidu/q3-turbo/text-to-video", "durationSeconds": 5})
            )
        );
    }
}
