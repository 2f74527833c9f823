//! `elizacloud.media.generateImage`: generates images and returns their bytes. Paid. It
//! serves OpenClaw's own image generation (`image_generate`, `openclaw infer image generate
//! --model elizacloud/<model>`) through the plugin, and is not an agent tool.
//!
//! `POST /api/v1/generate-image` (the request `elizacloud.images.generate` sends, sent once)
//! → `{images: [{image?: <data URL>, url}], model, cost}`. Each image's bytes come from its
//! inline data URL, else from a download of its `url` (no credentials, https and public hosts
//! only); at most 6 MiB each, OpenClaw's cap for images. Billed per image to the USD balance
//! at the catalogue price (`elizacloud.pricing`); the images also land in the gallery.

use crate::command::prelude::*;

use super::charged;
use crate::error::{Error, ErrorCode};
use crate::media::{self, GeneratedMedia};
use crate::providers::{IMAGE_MAX_BYTES, Slot};
use crate::skills::elizacloud::inference::{ImagesArgs, images_request};
use crate::skills::elizacloud::{API, KEY_REQUIRED, preview, send_json};

/// Arguments of `elizacloud.media.generateImage`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GenerateImageArgs {
    /// Image model, e.g. `google/nano-banana-2/text-to-image` (the server's default when
    /// absent); an unsupported one is refused with the list of supported models.
    #[schemars(length(min = 1, max = 200))]
    pub model: Option<String>,
    /// What to draw (1-4000 characters).
    #[schemars(length(min = 1, max = 4000))]
    pub prompt: String,
    /// How many images (1-4).
    #[schemars(range(min = 1, max = 4))]
    pub count: Option<u32>,
    /// Aspect ratio, e.g. `16:9`.
    #[schemars(length(min = 1, max = 16))]
    pub aspect_ratio: Option<String>,
    /// Width in pixels (128-4096; with `height`).
    #[schemars(range(min = 128, max = 4096))]
    pub width: Option<u32>,
    /// Height in pixels (128-4096; with `width`).
    #[schemars(range(min = 128, max = 4096))]
    pub height: Option<u32>,
    /// How long the whole call may take, in ms (10000-3600000, default 300000): generation
    /// and downloads.
    #[schemars(range(min = 10_000, max = 3_600_000))]
    pub timeout_ms: Option<u64>,
}

/// `elizacloud.media.generateImage`.
#[derive(Debug, Clone, Copy)]
pub struct GenerateImage;

fn images_args(args: &GenerateImageArgs) -> ImagesArgs {
    ImagesArgs {
        prompt: args.prompt.clone(),
        model: args.model.clone(),
        num_images: args.count,
        aspect_ratio: args.aspect_ratio.clone(),
        style_preset: None,
        width: args.width,
        height: args.height,
        include_image_data: Some(true),
    }
}

impl Command for GenerateImage {
    const ID: &'static str = "elizacloud.media.generateImage";
    const EFFECT: Effect = Effect::Paid;
    const SUMMARY: &'static str = "Generates images from a prompt and returns their bytes (base64) for OpenClaw's image generation.";
    const SERVICE: Service = API;
    const SECRETS: &'static [SecretNeed] = KEY_REQUIRED;
    const AGENT_TOOL: bool = false;
    type Args = GenerateImageArgs;
    type Output = GeneratedMedia;

    async fn run(&self, ctx: &Ctx<'_>, args: GenerateImageArgs) -> Result<GeneratedMedia, Error> {
        let deadline = media::deadline(args.timeout_ms, Slot::Image);
        let request = images_request(&images_args(&args))
            .timeout(deadline.saturating_duration_since(tokio::time::Instant::now()));
        let answer = tokio::time::timeout_at(deadline, send_json(ctx, &request))
            .await
            .map_err(|_| {
                Error::new(ErrorCode::Timeout, "the images were not answered before the call's deadline")
                    .with_hint("They may have been generated and charged: check the organization's gallery before generating again.")
            })??;
        let images = answer
            .get("images")
            .and_then(Value::as_array)
            .filter(|images| !images.is_empty())
            .ok_or_else(|| {
                charged(
                    Error::new(ErrorCode::InvalidResponse, "the answer lists no images"),
                    "request",
                )
            })?;
        let mut files = Vec::new();
        for (i, image) in images.iter().take(4).enumerate() {
            let inline = image
                .get("image")
                .and_then(Value::as_str)
                .and_then(media::data_url);
            let downloaded = match (inline, image.get("url").and_then(Value::as_str)) {
                (Some(inline), _) => media::capped(inline, IMAGE_MAX_BYTES),
                (None, Some(url)) => ctx.media().fetch(url, IMAGE_MAX_BYTES, deadline).await,
                (None, None) => Err(Error::new(
                    ErrorCode::InvalidResponse,
                    format!("image {i} of the answer has neither inline data nor a url"),
                )),
            };
            let file = downloaded
                .and_then(|m| media::media_file(&m, Slot::Image, &format!("elizacloud-image-{i}")))
                .map_err(|e| charged(e, "image"))?;
            files.push(file);
        }
        Ok(GeneratedMedia {
            model: answer
                .get("model")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .or(args.model)
                .unwrap_or_default(),
            request_id: None,
            media: files,
            cost: answer.get("cost").cloned(),
        })
    }

    fn preview(&self, ctx: &Ctx<'_>, args: &GenerateImageArgs) -> Result<Preview, Error> {
        Ok(preview(ctx, &images_request(&images_args(args)))?
            .note("Then takes each image from the answer, or downloads it from its url (no credentials sent; at most 6 MiB each).")
            .cost_hint(json!({"unit": "image", "see": "elizacloud.pricing"})))
    }

    fn example() -> Value {
        json!({"prompt": "a lighthouse at dawn, watercolor", "model": "google/nano-banana-2/text-to-image", "count": 1})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_request_is_the_images_request_with_the_count() {
        let args: GenerateImageArgs =
            serde_json::from_value(json!({"prompt": "p", "count": 2, "width": 512, "height": 512}))
                .unwrap();
        let request = images_request(&images_args(&args));
        assert_eq!(
            request.json_body(),
            Some(&json!({"prompt": "p", "numImages": 2, "width": 512, "height": 512}))
        );
    }

    #[test]
    fn the_schema_refuses_bad_values() {
        let validator =
            crate::schema::compile(&crate::schema::input_schema::<GenerateImageArgs>()).unwrap();
        assert!(validator.is_valid(&GenerateImage::example()));
        for bad in [
            json!({"prompt": ""}),
            json!({"prompt": "p", "count": 5}),
            json!({"prompt": "p", "numImages": 1}),
        ] {
            assert!(!validator.is_valid(&bad), "{bad}");
        }
    }
}
