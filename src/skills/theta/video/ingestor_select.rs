//! `theta.video.ingestor.select`: attaches an edge ingestor to a live stream.
//!
//! `PUT https://api.thetavideoapi.com/ingestor/<ingestorId>/select` with the JSON body
//! `{"tva_stream": "<stream id>", …}` and the service-account headers. The stream is given as
//! `streamId` (or as `body.tva_stream`); `body` passes any other field through. The answer's
//! `body` holds the RTMP `stream_server` and `stream_key` to push video to (the stream key is
//! the user's to use, so it is returned as is). Mutating; gated by dry-run.

use crate::command::prelude::*;
use crate::skills::theta;
use crate::skills::theta::codes;
use serde_json::{Map, Value, json};

use super::SECRETS;
use crate::error::{Error, ErrorCode};
use crate::schema::IDENTIFIER_PATTERN;

/// Arguments.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct IngestorSelectArgs {
    /// The ingestor id (`ingestor_…`), from theta.video.ingestor.list.
    #[schemars(regex(pattern = IDENTIFIER_PATTERN), length(min = 1, max = 128))]
    pub ingestor_id: String,
    /// The live stream to attach (`stream_…`, from theta.video.streamCreate); sent as
    /// `tva_stream`.
    #[schemars(regex(pattern = IDENTIFIER_PATTERN), length(min = 1, max = 128))]
    pub stream_id: Option<String>,
    /// The JSON body, for fields beyond the stream (default `{}`); may carry the stream as
    /// `tva_stream` instead of `streamId`.
    pub body: Option<Map<String, Value>>,
}

/// `theta.video.ingestor.select`.
#[derive(Debug, Clone, Copy)]
pub struct IngestorSelect;

impl Command for IngestorSelect {
    const ID: &'static str = "theta.video.ingestor.select";
    const EFFECT: Effect = Effect::Mutating;
    const SUMMARY: &'static str = "Attaches a Theta edge ingestor to a live stream and returns the RTMP server and stream key to push to.";
    const SERVICE: Service = theta::VIDEO;
    const SECRETS: &'static [SecretNeed] = SECRETS;
    type Args = IngestorSelectArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: IngestorSelectArgs) -> Result<Value, Error> {
        let request = request(&args)?;
        ctx.client(theta::VIDEO)?
            .send(&request)
            .await?
            .json_or_status()
    }

    fn preview(&self, ctx: &Ctx<'_>, args: &IngestorSelectArgs) -> Result<Preview, Error> {
        let request = request(args)?;
        Ok(Preview::request(
            ctx.client(theta::VIDEO)?.preview(&request)?,
        ))
    }

    fn example() -> Value {
        json!({
            "ingestorId": "ingestor_0x8e1b2f3a4c5d",
            "streamId": "stream_8d2s9n6p2g0kqz0x3v2r5t8y1"
        })
    }

    fn field_code(field: &str) -> Option<ErrorCode> {
        match field {
            "body" => Some(codes::INVALID_INGESTOR_BODY),
            other => crate::skills::theta::default_field_code(other),
        }
    }
}

fn request(args: &IngestorSelectArgs) -> Result<ApiRequest, Error> {
    let mut body = args.body.clone().unwrap_or_default();
    let given = body.get("tva_stream").cloned();
    match (&args.stream_id, given) {
        (Some(id), Some(Value::String(other))) if other != *id => {
            return Err(Error::invalid_field(
                codes::INVALID_INGESTOR_BODY,
                "body/tva_stream",
                "body.tva_stream names another stream than streamId",
            ));
        }
        (Some(id), _) => {
            body.insert("tva_stream".into(), Value::String(id.clone()));
        }
        (None, Some(Value::String(id))) if !id.trim().is_empty() => {}
        (None, _) => {
            return Err(Error::invalid_field(
                codes::INVALID_INGESTOR_BODY,
                "streamId",
                "the stream to attach is missing: pass streamId (or body.tva_stream)",
            ));
        }
    }
    Ok(
        ApiRequest::put(&["ingestor", &args.ingestor_id, "select"], Effect::Mutating)
            .json(Value::Object(body)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema;

    fn args(value: Value) -> IngestorSelectArgs {
        serde_json::from_value(value).unwrap()
    }

    fn body_of(value: Value) -> Result<Value, ErrorCode> {
        request(&args(value))
            .map(|r| r.json_body().cloned().unwrap_or_default())
            .map_err(|e| e.code())
    }

    #[test]
    fn the_stream_comes_from_stream_id_or_the_body() {
        assert_eq!(
            body_of(json!({"ingestorId": "i1", "streamId": "s1"})),
            Ok(json!({"tva_stream": "s1"}))
        );
        assert_eq!(
            body_of(json!({"ingestorId": "i1", "body": {"tva_stream": "s2", "x": 1}})),
            Ok(json!({"tva_stream": "s2", "x": 1}))
        );
        assert_eq!(
            body_of(json!({"ingestorId": "i1", "streamId": "s1", "body": {"tva_stream": "s1"}})),
            Ok(json!({"tva_stream": "s1"}))
        );
        for bad in [
            json!({"ingestorId": "i1"}),
            json!({"ingestorId": "i1", "body": {}}),
            json!({"ingestorId": "i1", "body": {"tva_stream": ""}}),
            json!({"ingestorId": "i1", "streamId": "s1", "body": {"tva_stream": "s2"}}),
        ] {
            assert_eq!(
                body_of(bad.clone()),
                Err(codes::INVALID_INGESTOR_BODY),
                "{bad}"
            );
        }
    }

    #[test]
    fn ids_are_identifiers() {
        let validator = schema::compile(&schema::input_schema::<IngestorSelectArgs>()).unwrap();
        assert!(validator.is_valid(&IngestorSelect::example()));
        assert!(!validator.is_valid(&json!({"ingestorId": "a/b", "streamId": "s"})));
        assert!(!validator.is_valid(&json!({"ingestorId": "i", "streamId": ".."})));
        assert!(!validator.is_valid(&json!({"ingestorId": "i", "body": []})));
    }
}
