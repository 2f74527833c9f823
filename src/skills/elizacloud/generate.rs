//! Paid generation besides chat: embeddings, images and video (`spec/elizacloud.md`
//! §6.2–6.4). Each is billed to the USD balance and sent once; a failure after the request
//! may have reached the server is reported, never re-sent.

use std::time::Duration;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{API, KEY_REQUIRED, at_least, preview, send, send_json};
use crate::command::{Command, Ctx, Effect, Preview, SecretNeed, Service};
use crate::error::Error;
use crate::http::ApiRequest;

// ----- Embeddings -----

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

// ----- Images -----

/// Arguments of `elizacloud.images.generate`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ImagesArgs {
    /// What to draw (1-4000 characters).
    #[schemars(length(min = 1, max = 4000))]
    pub prompt: String,
    /// Image model (default `google/nano-banana-2/text-to-image`); an unsupported one is
    /// refused with the list of supported models.
    #[schemars(length(min = 1, max = 200))]
    pub model: Option<String>,
    /// How many images (1-4).
    #[schemars(range(min = 1, max = 4))]
    pub num_images: Option<u32>,
    /// Aspect ratio, e.g. `16:9`.
    #[schemars(length(min = 1, max = 16))]
    pub aspect_ratio: Option<String>,
    /// Style preset.
    #[schemars(length(min = 1, max = 64))]
    pub style_preset: Option<String>,
    /// Width in pixels (128-4096; with `height`).
    #[schemars(range(min = 128, max = 4096))]
    pub width: Option<u32>,
    /// Height in pixels (128-4096; with `width`).
    #[schemars(range(min = 128, max = 4096))]
    pub height: Option<u32>,
    /// Keep each image's inline data URL (large); by default only its `url` is returned.
    pub include_image_data: Option<bool>,
}

fn images_request(args: &ImagesArgs) -> ApiRequest {
    let mut body = json!({ "prompt": args.prompt });
    let mut put = |key: &str, value: Option<Value>| {
        if let Some(value) = value {
            body[key] = value;
        }
    };
    put("model", args.model.as_ref().map(|v| json!(v)));
    put("numImages", args.num_images.map(|v| json!(v)));
    put("aspectRatio", args.aspect_ratio.as_ref().map(|v| json!(v)));
    put("stylePreset", args.style_preset.as_ref().map(|v| json!(v)));
    put("width", args.width.map(|v| json!(v)));
    put("height", args.height.map(|v| json!(v)));
    ApiRequest::post(&["api", "v1", "generate-image"], Effect::Paid)
        .timeout(Duration::from_secs(120))
        .json(body)
}

/// `elizacloud.images.generate`: `POST /api/v1/generate-image` → `{success, model,
/// images:[{url, text}], cost}`. Paid per request; images are also stored in the gallery.
#[derive(Debug, Clone, Copy)]
pub struct ImagesGenerate;

impl Command for ImagesGenerate {
    const ID: &'static str = "elizacloud.images.generate";
    const EFFECT: Effect = Effect::Paid;
    const SUMMARY: &'static str = "Generates images from a prompt and returns their URLs and cost.";
    const SERVICE: Service = API;
    const SECRETS: &'static [SecretNeed] = KEY_REQUIRED;
    type Args = ImagesArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: ImagesArgs) -> Result<Value, Error> {
        let request = images_request(&args).timeout(at_least(ctx, Duration::from_secs(120)));
        let mut answer = send_json(ctx, &request).await?;
        if !args.include_image_data.unwrap_or(false)
            && let Some(images) = answer.get_mut("images").and_then(Value::as_array_mut)
        {
            for image in images {
                let has_url = image.get("url").is_some_and(|u| !u.is_null());
                if let (true, Some(map)) = (has_url, image.as_object_mut()) {
                    map.remove("image");
                }
            }
        }
        Ok(answer)
    }

    fn preview(&self, ctx: &Ctx<'_>, args: &ImagesArgs) -> Result<Preview, Error> {
        Ok(preview(ctx, &images_request(args))?
            .cost_hint(json!({"unit": "image", "see": "elizacloud.pricing"})))
    }

    fn example() -> Value {
        json!({"prompt": "a lighthouse at dawn, watercolor", "numImages": 1})
    }
}

// ----- Video -----

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

fn video_request(args: &VideoArgs, timeout: Duration) -> ApiRequest {
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
