//! `theta.video.videoCreate`: transcodes an uploaded (or remote) video.
//!
//! `POST https://api.thetavideoapi.com/video` with `payload` as the JSON body and the
//! service-account headers. The payload names its source: `source_upload_id` (from
//! `theta.video.uploadCreate`) or `source_uri` (a public URL); other fields
//! (`playback_policy`, `metadata`, `nft_collection`, `drm_rules`, …) are passed through. The
//! answer's `body.videos[0]` is the new video; follow it with `theta.video.videoGet`. Paid
//! (transcoding is billed), sent once; gated by dry-run.

use crate::command::prelude::*;
use crate::skills::theta;
use crate::skills::theta::codes;
use serde_json::{Map, Value, json};

use super::SECRETS;
use crate::error::{Error, ErrorCode};

/// Arguments.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VideoCreateArgs {
    /// The video to create, sent as the JSON body: `source_upload_id` (from
    /// theta.video.uploadCreate) or `source_uri`, plus optional `playback_policy`
    /// (`public`/`private`), `metadata`, `nft_collection`, `drm_rules`, ….
    pub payload: Map<String, Value>,
}

/// `theta.video.videoCreate`.
#[derive(Debug, Clone, Copy)]
pub struct VideoCreate;

impl Command for VideoCreate {
    const ID: &'static str = "theta.video.videoCreate";
    const EFFECT: Effect = Effect::Paid;
    const SUMMARY: &'static str =
        "Creates a Theta Video API video from an upload or a source URL and starts transcoding it.";
    const SERVICE: Service = theta::VIDEO;
    const SECRETS: &'static [SecretNeed] = SECRETS;
    type Args = VideoCreateArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: VideoCreateArgs) -> Result<Value, Error> {
        let request = request(args.payload)?;
        ctx.client(theta::VIDEO)?.send(&request).await?.json_value()
    }

    fn preview(&self, ctx: &Ctx<'_>, args: &VideoCreateArgs) -> Result<Preview, Error> {
        let request = request(args.payload.clone())?;
        Ok(Preview::request(
            ctx.client(theta::VIDEO)?.preview(&request)?,
        ))
    }

    fn example() -> Value {
        json!({"payload": {
            "source_upload_id": "upload_4ew0k8xm6zgqrbhs3nv4tnbf0",
            "playback_policy": "public",
            "metadata": {"title": "Product demo"}
        }})
    }

    fn field_code(field: &str) -> Option<ErrorCode> {
        match field {
            "payload" => Some(codes::INVALID_VIDEO_PAYLOAD),
            other => crate::skills::theta::default_field_code(other),
        }
    }
}

fn request(payload: Map<String, Value>) -> Result<ApiRequest, Error> {
    let has_source = ["source_upload_id", "source_uri"].iter().any(|key| {
        payload
            .get(*key)
            .and_then(Value::as_str)
            .is_some_and(|v| !v.trim().is_empty())
    });
    if !has_source {
        return Err(Error::invalid_field(
            codes::INVALID_VIDEO_PAYLOAD,
            "payload",
            "payload needs its source: source_upload_id (from theta.video.uploadCreate) or source_uri",
        ));
    }
    Ok(ApiRequest::post(&["video"], Effect::Paid).json(Value::Object(payload)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema;

    #[test]
    fn a_payload_needs_a_source() {
        let payload = |v: Value| match v {
            Value::Object(map) => map,
            other => panic!("not an object: {other}"),
        };
        assert!(request(payload(json!({"source_uri": "https://x/v.mp4"}))).is_ok());
        for bad in [
            json!({}),
            json!({"playback_policy": "public"}),
            json!({"source_upload_id": ""}),
            json!({"source_upload_id": 7}),
        ] {
            let error = request(payload(bad.clone())).unwrap_err();
            assert_eq!(error.code(), codes::INVALID_VIDEO_PAYLOAD, "{bad}");
        }
        let validator = schema::compile(&schema::input_schema::<VideoCreateArgs>()).unwrap();
        assert!(!validator.is_valid(&json!({"payload": "x"})));
        assert!(!validator.is_valid(&json!({})));
    }
}
