//! `elizacloud.images.generate`: Generates images from a prompt and returns their URLs and cost.

use crate::command::prelude::*;
use crate::skills::elizacloud::{API, KEY_REQUIRED, at_least, preview, send_json};
use std::time::Duration;

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

pub(crate) fn images_request(args: &ImagesArgs) -> ApiRequest {
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
