//! `theta.video.uploadCreate`: a signed URL to upload one video file to.
//!
//! `POST https://api.thetavideoapi.com/upload` with body `{}` and the service-account headers.
//! The answer's `body.uploads[0]` holds the upload `id` and a `presigned_url`: PUT the file's
//! bytes there (outside the skill; it reads no local files), then pass the id to
//! `theta.video.videoCreate` as `source_upload_id`. Mutating (creates an upload slot), free;
//! gated by dry-run.

use crate::command::prelude::*;
use crate::skills::theta;

use super::SECRETS;

/// No arguments.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UploadCreateArgs {}

/// `theta.video.uploadCreate`.
#[derive(Debug, Clone, Copy)]
pub struct UploadCreate;

impl Command for UploadCreate {
    const ID: &'static str = "theta.video.uploadCreate";
    const EFFECT: Effect = Effect::Mutating;
    const SUMMARY: &'static str =
        "Creates a Theta Video API upload slot and returns its id and presigned upload URL.";
    const SERVICE: Service = theta::VIDEO;
    const SECRETS: &'static [SecretNeed] = SECRETS;
    type Args = UploadCreateArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, _args: UploadCreateArgs) -> Result<Value, Error> {
        ctx.client(theta::VIDEO)?
            .send(&request())
            .await?
            .json_value()
    }

    fn preview(&self, ctx: &Ctx<'_>, _args: &UploadCreateArgs) -> Result<Preview, Error> {
        Ok(
            Preview::request(ctx.client(theta::VIDEO)?.preview(&request())?).note(
                "The answer's body.uploads[0] holds the upload id and a presigned_url: PUT the file there, then run theta.video.videoCreate with source_upload_id.",
            ),
        )
    }
}

fn request() -> ApiRequest {
    ApiRequest::post(&["upload"], Effect::Mutating).json(json!({}))
}
