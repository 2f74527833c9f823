//! `theta.ondemand.infer` (alias `infer`): run one on-demand inference request. Paid.
//!
//! `POST https://ondemand.thetaedgecloud.com/infer_request/<service>?wait=<s>[&prediction=<p>]`
//! with the Bearer token and the body `{input: {...}, variant?, webhook?}`. `wait` defaults to
//! 30 s, as Theta's official MCP server's `infer` tool always sends it (`spec/theta-api.md`
//! §5.1): the server holds the request open that long, so a job that finishes in time comes
//! back in one round trip instead of `pending` and a poll; `wait: 0` asks for the request id
//! at once.
//!
//! The body comes from `input` (the official MCP server's argument) or `payload` (the
//! JavaScript skill's): a `payload` whose `input` is an object is already a body and is sent
//! as is; any other `payload` is the input itself and is wrapped as `{input: payload}`.
//! `variant` and `webhook` go to the top level of the body. A chat input (`input.messages`
//! is an array) without `stream` gets `stream: false`, so the answer is one JSON document.
//!
//! The answer is returned as the server sent it (`{status, body: {infer_requests: [{id,
//! state, output, …}]}}`); a streamed answer is aggregated into that shape and a text answer
//! becomes `{status: "success", raw}` (`response`). A request still `pending` or
//! `processing` when `wait` ran out comes back with its id and a warning pointing at
//! `theta.ondemand.pollUntilDone`.
//!
//! The timeout follows the service (`timeouts::submit_timeout`: step_video's frames, chat
//! inputs, `wait`). The POST is sent once unless the server provably did not take it: 409
//! "No instances available" (`THETA_ONDEMAND_CAPACITY_EXHAUSTED`), 429 and connect failures
//! are retried; a 502 or a timeout is not, since the request may be running and billed.

use crate::command::prelude::*;
use crate::skills::theta;
use serde_json::{Map, Value, json};

use super::response::{decode, first_infer_request};
use super::{catalog, timeouts};
use crate::error::{Error, ErrorCode};
use crate::schema::IDENTIFIER_PATTERN;

/// Arguments of `theta.ondemand.infer`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct InferArgs {
    /// Service slug from `theta.ondemand.listServices`, e.g. `flux`, `whisper`, `qwen3`.
    #[schemars(regex(pattern = IDENTIFIER_PATTERN), length(min = 1, max = 128))]
    pub service: String,
    /// The service's input fields, e.g. `{"prompt": "a red fox"}`; see `inputExample` in
    /// `theta.ondemand.listServices`. Give `input` or `payload`, not both.
    pub input: Option<Map<String, Value>>,
    /// The request body `{"input": {...}, "variant"?, "webhook"?}`, or just the input fields
    /// (then wrapped as `{"input": payload}`). Give `input` or `payload`, not both.
    pub payload: Option<Map<String, Value>>,
    /// Seconds the server may hold the request open for the result (0-60, default 30, as
    /// Theta's official `infer` tool sends): a job done within it is answered at once. With
    /// 0, or when the time runs out, the answer carries the request id to poll.
    #[schemars(range(min = 0, max = 60))]
    pub wait: Option<u32>,
    /// The service's prediction (function) when it has several, e.g. `generate_image`;
    /// the service's default otherwise.
    #[schemars(regex(pattern = IDENTIFIER_PATTERN), length(min = 1, max = 128))]
    pub prediction: Option<String>,
    /// Model variant, e.g. `quantized`; see `variants` in `theta.ondemand.listServices`.
    #[schemars(regex(pattern = IDENTIFIER_PATTERN), length(min = 1, max = 128))]
    pub variant: Option<String>,
    /// URL the service calls when the request finishes.
    #[schemars(regex(pattern = "^https?://[^\\s]+$"), length(max = 2048))]
    pub webhook: Option<String>,
    /// `wait` and `prediction` as the JavaScript skill 0.1.26 took them; prefer the top-level
    /// fields.
    pub options: Option<InferOptions>,
}

/// `wait` and `prediction`, nested (JavaScript skill 0.1.26).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct InferOptions {
    /// Same as the top-level `wait`.
    #[schemars(range(min = 0, max = 60))]
    pub wait: Option<u32>,
    /// Same as the top-level `prediction`.
    #[schemars(regex(pattern = IDENTIFIER_PATTERN), length(min = 1, max = 128))]
    pub prediction: Option<String>,
}

/// `theta.ondemand.infer`.
#[derive(Debug, Clone, Copy)]
pub struct Infer;

impl Command for Infer {
    const ID: &'static str = "theta.ondemand.infer";
    const ALIASES: &'static [&'static str] = &["infer"];
    const EFFECT: Effect = Effect::Paid;
    const SUMMARY: &'static str = "Runs an on-demand model (image, audio, video, text) with the given input and returns its result or the request id to poll.";
    const SERVICE: Service = theta::ONDEMAND;
    const SECRETS: &'static [SecretNeed] = &[SecretNeed::required(theta::ONDEMAND_TOKEN)];
    type Args = InferArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: InferArgs) -> Result<Value, Error> {
        let client = ctx.client(theta::ONDEMAND)?;
        let request = request(&args, client.settings().timeout)?;
        let response = client.send(&request).await?;
        let result = decode(&response).await?.into_infer_result();
        if let Some(first) = first_infer_request(&result) {
            warn_unfinished(ctx, first);
        }
        Ok(result)
    }

    fn preview(&self, ctx: &Ctx<'_>, args: &InferArgs) -> Result<Preview, Error> {
        let client = ctx.client(theta::ONDEMAND)?;
        let request = request(args, client.settings().timeout)?;
        let mut preview = Preview::request(client.preview(&request)?);
        match catalog::cost_hint(&args.service) {
            Some(hint) => preview = preview.cost_hint(hint),
            None if catalog::entry(&args.service).is_none() => {
                preview = preview.note(format!(
                    "`{}` is not in the embedded catalog; run theta.ondemand.listServices to check the live list and its prices.",
                    args.service
                ));
            }
            None => {}
        }
        Ok(preview)
    }

    fn example() -> Value {
        json!({"service": "flux", "input": {"prompt": "a red fox in the snow, watercolor"}, "wait": 30})
    }

    fn field_code(field: &str) -> Option<ErrorCode> {
        super::field_code(field)
    }
}

/// The `wait` sent when the arguments give none: what Theta's official `infer` tool sends.
pub(super) const DEFAULT_WAIT: u32 = 30;

/// The request a run sends and a preview shows. Its timeout covers the `wait` (plus a margin,
/// `timeouts::submit_timeout`).
pub(crate) fn request(
    args: &InferArgs,
    http_timeout: std::time::Duration,
) -> Result<ApiRequest, Error> {
    let options = args.options.as_ref();
    let wait = one_of("wait", args.wait, options.and_then(|o| o.wait))?.unwrap_or(DEFAULT_WAIT);
    let prediction = one_of(
        "prediction",
        args.prediction.clone(),
        options.and_then(|o| o.prediction.clone()),
    )?;
    let body = body(args)?;
    let timeout = timeouts::submit_timeout(&args.service, &body, http_timeout, Some(wait));
    Ok(
        ApiRequest::post(&["infer_request", args.service.trim()], Effect::Paid)
            .query("wait", wait)
            .query_opt("prediction", prediction)
            .json(body)
            .timeout(timeout),
    )
}

/// A value given at the top level or in `options`, not both (unless equal).
fn one_of<T: PartialEq>(
    field: &str,
    top: Option<T>,
    nested: Option<T>,
) -> Result<Option<T>, Error> {
    match (top, nested) {
        (Some(a), Some(b)) if a != b => Err(Error::invalid_field(
            ErrorCode::InvalidField,
            "options",
            format!(
                "`{field}` is given both at the top level and in `options`, with different values; give it once"
            ),
        )),
        (top, nested) => Ok(top.or(nested)),
    }
}

/// The JSON body: `{input, variant?, webhook?, …}`.
fn body(args: &InferArgs) -> Result<Value, Error> {
    let mut body = match (&args.input, &args.payload) {
        (Some(_), Some(_)) => {
            return Err(Error::invalid_field(
                ErrorCode::InvalidField,
                "payload",
                "give the input either as `input` or as `payload`, not both",
            ));
        }
        (None, None) => {
            return Err(Error::invalid_field(
                ErrorCode::MissingRequiredField,
                "input",
                "`input` (the service's input fields) or `payload` is required",
            ));
        }
        (Some(input), None) => {
            let mut body = Map::new();
            body.insert("input".into(), Value::Object(input.clone()));
            body
        }
        (None, Some(payload)) if payload.get("input").is_some_and(Value::is_object) => {
            payload.clone()
        }
        (None, Some(payload)) => {
            let mut body = Map::new();
            body.insert("input".into(), Value::Object(payload.clone()));
            body
        }
    };
    for (field, value) in [("variant", &args.variant), ("webhook", &args.webhook)] {
        let Some(value) = value else { continue };
        match body.get(field) {
            Some(existing) if existing != &json!(value) => {
                return Err(Error::invalid_field(
                    ErrorCode::InvalidField,
                    field,
                    format!("`{field}` differs from the one inside `payload`; give it once"),
                ));
            }
            _ => {
                body.insert(field.into(), json!(value));
            }
        }
    }
    if let Some(Value::Object(input)) = body.get_mut("input")
        && input.get("messages").is_some_and(Value::is_array)
        && !input.contains_key("stream")
    {
        // A chat input without `stream` is asked for one JSON answer, as the spec's clients
        // did; callers who want a stream say so.
        input.insert("stream".into(), json!(false));
    }
    Ok(Value::Object(body))
}

/// A warning when the request has not finished (or failed) by the time the server answered.
fn warn_unfinished(ctx: &Ctx<'_>, first: &Value) {
    let state = first.get("state").and_then(Value::as_str).unwrap_or("");
    let id = first.get("id").and_then(Value::as_str).unwrap_or("");
    match state {
        "pending" | "processing" if !id.is_empty() => ctx.warn(format!(
            "Request {id} is still {state}; poll it with theta.ondemand.pollUntilDone {{\"requestId\": \"{id}\"}} (it keeps running and is billed either way)."
        )),
        "error" | "failed" => ctx.warn(format!(
            "Request {id} ended in state {state}; see body.infer_requests[0].error."
        )),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    const HTTP: Duration = Duration::from_millis(20_000);

    fn args(value: Value) -> InferArgs {
        serde_json::from_value(value).unwrap()
    }

    fn body_of(value: Value) -> Result<Value, Error> {
        body(&args(value))
    }

    #[test]
    fn input_and_payload_become_the_same_body() {
        let from_input = body_of(json!({"service": "flux", "input": {"prompt": "cat"}})).unwrap();
        let wrapped = body_of(json!({"service": "flux", "payload": {"prompt": "cat"}})).unwrap();
        let whole =
            body_of(json!({"service": "flux", "payload": {"input": {"prompt": "cat"}}})).unwrap();
        assert_eq!(from_input, json!({"input": {"prompt": "cat"}}));
        assert_eq!(wrapped, from_input);
        assert_eq!(whole, from_input);
    }

    #[test]
    fn a_payload_whose_input_is_not_an_object_is_the_input_itself() {
        let body = body_of(json!({"service": "x", "payload": {"input": "text", "n": 1}})).unwrap();
        assert_eq!(body, json!({"input": {"input": "text", "n": 1}}));
    }

    #[test]
    fn variant_and_webhook_go_to_the_top_level() {
        let body = body_of(json!({
            "service": "flux", "input": {"prompt": "cat"},
            "variant": "quantized", "webhook": "https://example.com/hook"
        }))
        .unwrap();
        assert_eq!(
            body,
            json!({"input": {"prompt": "cat"}, "variant": "quantized", "webhook": "https://example.com/hook"})
        );
        let same = body_of(json!({
            "service": "flux", "payload": {"input": {"prompt": "cat"}, "variant": "quantized"},
            "variant": "quantized"
        }))
        .unwrap();
        assert_eq!(same["variant"], json!("quantized"));
        let clash = body_of(json!({
            "service": "flux", "payload": {"input": {}, "variant": "default"}, "variant": "quantized"
        }))
        .unwrap_err();
        assert_eq!(clash.code(), ErrorCode::InvalidField);
    }

    #[test]
    fn chat_inputs_default_to_one_json_answer() {
        let body = body_of(
            json!({"service": "qwen3", "input": {"messages": [{"role": "user", "content": "hi"}]}}),
        )
        .unwrap();
        assert_eq!(body["input"]["stream"], json!(false));
        let streamed =
            body_of(json!({"service": "qwen3", "input": {"messages": [], "stream": true}}))
                .unwrap();
        assert_eq!(streamed["input"]["stream"], json!(true));
        let not_chat = body_of(json!({"service": "flux", "input": {"prompt": "x"}})).unwrap();
        assert!(not_chat["input"].get("stream").is_none());
    }

    #[test]
    fn missing_or_doubled_input_is_refused() {
        let missing = body_of(json!({"service": "flux"})).unwrap_err();
        assert_eq!(missing.code(), ErrorCode::MissingRequiredField);
        assert_eq!(missing.problems()[0].path, "/input");
        let both = body_of(json!({"service": "flux", "input": {}, "payload": {}})).unwrap_err();
        assert_eq!(both.code(), ErrorCode::InvalidField);
        assert_eq!(both.exit_status(), 2);
    }

    #[test]
    fn wait_and_prediction_come_from_the_top_level_or_options() {
        let top = request(
            &args(
                json!({"service": "flux", "input": {}, "wait": 10, "prediction": "generate_image"}),
            ),
            HTTP,
        )
        .unwrap();
        let nested = request(
            &args(json!({"service": "flux", "input": {}, "options": {"wait": 10, "prediction": "generate_image"}})),
            HTTP,
        )
        .unwrap();
        assert_eq!(format!("{top:?}"), format!("{nested:?}"));
        let clash = request(
            &args(json!({"service": "flux", "input": {}, "wait": 10, "options": {"wait": 20}})),
            HTTP,
        )
        .unwrap_err();
        assert_eq!(clash.code(), ErrorCode::InvalidField);
    }

    /// Issue 17, defect 14: without `wait` the official server's 30 s is sent, and the
    /// timeout covers it; `wait: 0` is sent as asked.
    #[test]
    fn wait_defaults_to_the_official_thirty_seconds() {
        let plain = request(&args(json!({"service": "flux", "input": {}})), HTTP).unwrap();
        let thirty = request(
            &args(json!({"service": "flux", "input": {}, "wait": 30})),
            HTTP,
        )
        .unwrap();
        assert_eq!(format!("{plain:?}"), format!("{thirty:?}"));
        let url = |request: &ApiRequest| {
            request
                .url(
                    &reqwest::Url::parse("https://od.example").unwrap(),
                    None,
                    true,
                )
                .unwrap()
                .to_string()
        };
        assert_eq!(url(&plain), "https://od.example/infer_request/flux?wait=30");
        let none = request(
            &args(json!({"service": "flux", "input": {}, "options": {"wait": 0}})),
            HTTP,
        )
        .unwrap();
        assert_eq!(url(&none), "https://od.example/infer_request/flux?wait=0");
        assert!(plain.timeout >= Some(Duration::from_secs(30) + timeouts::WAIT_MARGIN));
    }

    #[test]
    fn the_schema_refuses_bad_values() {
        let validator =
            crate::schema::compile(&crate::schema::input_schema::<InferArgs>()).unwrap();
        assert!(validator.is_valid(&Infer::example()));
        for bad in [
            json!({"service": "../x", "input": {}}),
            json!({"service": "flux", "input": {}, "wait": 61}),
            json!({"service": "flux", "input": {}, "wait": -1}),
            json!({"service": "flux", "input": "a cat"}),
            json!({"service": "flux", "input": {}, "webhook": "ftp://x"}),
            json!({"service": "flux", "input": {}, "endpoint": "https://x"}),
        ] {
            assert!(!validator.is_valid(&bad), "{bad}");
        }
    }
}
