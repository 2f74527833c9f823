//! `theta.video.streamCreate`: a live stream.
//!
//! `POST https://api.thetavideoapi.com/stream` with `payload` as the JSON body (`name` is
//! required) and the service-account headers. The answer's `body` is the stream (`id`,
//! `status`, playback URLs). To go live, pick an ingestor with `theta.video.ingestor.list` and
//! attach it with `theta.video.ingestor.select`, which returns the RTMP server and stream key.
//! Mutating (billing starts only when video is streamed); gated by dry-run.

use crate::command::prelude::*;
use crate::skills::theta;
use crate::skills::theta::codes;
use serde_json::{Map, Value, json};

use super::SECRETS;
use crate::error::{Error, ErrorCode};

/// Arguments.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StreamCreateArgs {
    /// The stream to create, sent as the JSON body: `name` (required) and any other field the
    /// Video API accepts (e.g. `nft_collection`).
    pub payload: Map<String, Value>,
}

/// `theta.video.streamCreate`.
#[derive(Debug, Clone, Copy)]
pub struct StreamCreate;

impl Command for StreamCreate {
    const ID: &'static str = "theta.video.streamCreate";
    const EFFECT: Effect = Effect::Mutating;
    const SUMMARY: &'static str = "Creates a Theta Video API live stream.";
    const SERVICE: Service = theta::VIDEO;
    const SECRETS: &'static [SecretNeed] = SECRETS;
    type Args = StreamCreateArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: StreamCreateArgs) -> Result<Value, Error> {
        let request = request(args.payload)?;
        ctx.client(theta::VIDEO)?.send(&request).await?.json_value()
    }

    fn preview(&self, ctx: &Ctx<'_>, args: &StreamCreateArgs) -> Result<Preview, Error> {
        let request = request(args.payload.clone())?;
        Ok(Preview::request(
            ctx.client(theta::VIDEO)?.preview(&request)?,
        ))
    }

    fn example() -> Value {
        json!({"payload": {"name": "Launch livestream"}})
    }

    fn field_code(field: &str) -> Option<ErrorCode> {
        match field {
            "payload" => Some(codes::INVALID_STREAM_PAYLOAD),
            other => crate::skills::theta::default_field_code(other),
        }
    }
}

fn request(payload: Map<String, Value>) -> Result<ApiRequest, Error> {
    let named = payload
        .get("name")
        .and_then(Value::as_str)
        .is_some_and(|name| !name.trim().is_empty());
    if !named {
        return Err(Error::invalid_field(
            codes::INVALID_STREAM_PAYLOAD,
            "payload/name",
            "payload.name must be a non-empty string",
        ));
    }
    Ok(ApiRequest::post(&["stream"], Effect::Mutating).json(Value::Object(payload)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stream_needs_a_name() {
        let payload = |v: Value| match v {
            Value::Object(map) => map,
            other => panic!("not an object: {other}"),
        };
        assert!(request(payload(json!({"name": "demo"}))).is_ok());
        for bad in [json!({}), json!({"name": " "}), json!({"name": 3})] {
            let error = request(payload(bad.clone())).unwrap_err();
            assert_eq!(error.code(), codes::INVALID_STREAM_PAYLOAD, "{bad}");
            assert_eq!(error.problems()[0].path, "/payload/name");
        }
    }
}
