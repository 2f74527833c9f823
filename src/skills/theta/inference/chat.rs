//! `theta.inference.chat`: an OpenAI chat completion on the dedicated endpoint.
//!
//! `POST <THETA_INFERENCE_ENDPOINT>/v1/chat/completions` with `args.body` as the JSON body,
//! verbatim, and the endpoint's credentials. Without `stream` (or with `stream: false`) the
//! upstream JSON is returned as is. With `stream: true` the server-sent events are read to
//! their end and returned as one `chat.completion` object (content, reasoning, tool calls,
//! finish reason, usage), so the result has the same shape either way; a stream that stops
//! before its `finish_reason` or `[DONE]` is an `INCOMPLETE_STREAM` error, never a truncated
//! answer.
//!
//! Paid: the request is sent once. It is retried only when it provably was not received
//! (connection refused, 429); a 404/502/503 is reported as
//! `THETA_DEDICATED_ENDPOINT_UPSTREAM_UNREADY` for the caller to retry after
//! `theta.inference.ready`. The timeout is THETA_HTTP_TIMEOUT_MS but at least 120 s, since a
//! completion can take that long to generate; a streamed answer must arrive whole within one
//! timeout too, so it gets at least 300 s (cutting a long stream short would waste the work
//! it paid for).

use crate::skills::theta;
use std::time::Duration;

use crate::command::prelude::*;
use serde_json::{Map, Value, json};

use super::{SECRETS, annotate_unready, client, openai_path, segments};
use crate::error::{Error, ErrorCode};
use crate::http::sse::{self, ChatAggregate};
use crate::http::{ApiRequest, ServiceClient, StreamingResponse};

/// Shortest timeout for a chat completion answered in one piece.
const MIN_CHAT_TIMEOUT: Duration = Duration::from_secs(120);
/// Shortest timeout for a streamed completion, which covers the whole stream.
const MIN_STREAM_TIMEOUT: Duration = Duration::from_secs(300);

/// Arguments.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChatArgs {
    /// The OpenAI chat-completions request, sent verbatim: `model`, `messages` (required,
    /// non-empty) and any other field the server accepts (`max_tokens`, `temperature`,
    /// `tools`, …). With `"stream": true` the event stream is read to its end and returned as
    /// one completion.
    pub body: Map<String, Value>,
}

/// `theta.inference.chat`.
#[derive(Debug, Clone, Copy)]
pub struct Chat;

impl Command for Chat {
    const ID: &'static str = "theta.inference.chat";
    const EFFECT: Effect = Effect::Paid;
    const SUMMARY: &'static str = "Sends an OpenAI chat-completions request to the dedicated inference endpoint, streaming or not, and returns one completion.";
    const SERVICE: Service = theta::DEDICATED;
    const SECRETS: &'static [SecretNeed] = SECRETS;
    type Args = ChatArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: ChatArgs) -> Result<Value, Error> {
        let streaming = wants_stream(&args.body)?;
        let client = client(ctx)?;
        let request = request(&client, args.body, streaming);
        if streaming {
            let response = client
                .send_streaming(&request)
                .await
                .map_err(|e| annotate_unready(e, true))?;
            from_stream(response).await
        } else {
            let response = client
                .send(&request)
                .await
                .map_err(|e| annotate_unready(e, true))?;
            let text = response.text();
            let is_json = response
                .content_type()
                .is_some_and(|ct| ct.contains("json"));
            if !is_json && sse::looks_like_sse(&text) {
                // The server streamed although it was not asked to.
                let aggregate = sse::aggregate_text(&text)
                    .await
                    .map_err(|e| e.with_endpoint(response.url()))?;
                return Ok(completion(aggregate));
            }
            response.json_value()
        }
    }

    fn preview(&self, ctx: &Ctx<'_>, args: &ChatArgs) -> Result<Preview, Error> {
        let streaming = wants_stream(&args.body)?;
        let client = client(ctx)?;
        let preview =
            Preview::request(client.preview(&request(&client, args.body.clone(), streaming))?);
        Ok(if streaming {
            preview.note("stream: true — the event stream would be read to its end and returned as one chat.completion object.")
        } else {
            preview
        })
    }

    fn example() -> Value {
        json!({"body": {
            "model": "deepseek-ai/DeepSeek-R1-Distill-Qwen-7B",
            "messages": [{"role": "user", "content": "Say hello in five words."}],
            "max_tokens": 64
        }})
    }

    fn field_code(field: &str) -> Option<ErrorCode> {
        match field {
            "body" => Some(ErrorCode::InvalidChatBody),
            other => crate::skills::theta::default_field_code(other),
        }
    }
}

fn request(client: &ServiceClient<'_>, body: Map<String, Value>, streaming: bool) -> ApiRequest {
    let floor = if streaming {
        MIN_STREAM_TIMEOUT
    } else {
        MIN_CHAT_TIMEOUT
    };
    let timeout = client.settings().timeout.max(floor);
    ApiRequest::post(
        &segments(&openai_path(client, &["chat", "completions"])),
        Effect::Paid,
    )
    .json(Value::Object(body))
    .timeout(timeout)
}

/// Checks what the runtime itself relies on (the rest is the server's to judge) and says
/// whether the body asks for a stream.
fn wants_stream(body: &Map<String, Value>) -> Result<bool, Error> {
    let messages_ok = body
        .get("messages")
        .and_then(Value::as_array)
        .is_some_and(|m| !m.is_empty());
    if !messages_ok {
        return Err(Error::invalid_field(
            ErrorCode::InvalidChatBody,
            "body/messages",
            "body.messages must be a non-empty array of chat messages",
        ));
    }
    match body.get("stream") {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(stream)) => Ok(*stream),
        Some(_) => Err(Error::invalid_field(
            ErrorCode::InvalidChatBody,
            "body/stream",
            "body.stream must be true or false",
        )),
    }
}

/// Reads a streamed answer. A server that ignored `stream: true` and answered JSON is
/// returned as is.
async fn from_stream(mut response: StreamingResponse) -> Result<Value, Error> {
    let url = response.url().to_owned();
    let is_json = response
        .content_type()
        .is_some_and(|ct| ct.contains("json"));
    if is_json {
        let mut body = Vec::new();
        while let Some(chunk) = response.next_chunk().await? {
            body.extend_from_slice(&chunk);
        }
        let mut de = serde_json::Deserializer::from_slice(&body);
        return serde_path_to_error::deserialize(&mut de).map_err(|e| {
            Error::new(
                ErrorCode::InvalidResponse,
                format!(
                    "the response could not be decoded at `{}`: {}",
                    e.path(),
                    e.inner()
                ),
            )
            .with_endpoint(url)
        });
    }
    let aggregate = sse::aggregate_response(response)
        .await
        .map_err(|e| e.with_endpoint(url))?;
    Ok(completion(aggregate))
}

/// The aggregate as an OpenAI `chat.completion` object, plus `streamed` (how many chunks
/// arrived, and whether the stream ended with `[DONE]`).
fn completion(aggregate: ChatAggregate) -> Value {
    let ChatAggregate {
        id,
        model,
        text,
        reasoning,
        finish_reason,
        usage,
        tool_calls,
        chunks,
        done_marker,
    } = aggregate;
    let mut message = Map::new();
    message.insert("role".into(), json!("assistant"));
    let content = if text.is_empty() && !tool_calls.is_empty() {
        Value::Null
    } else {
        Value::String(text)
    };
    message.insert("content".into(), content);
    if !reasoning.is_empty() {
        message.insert("reasoning_content".into(), Value::String(reasoning));
    }
    if !tool_calls.is_empty() {
        message.insert("tool_calls".into(), Value::Array(tool_calls));
    }
    let mut out = Map::new();
    if let Some(id) = id {
        out.insert("id".into(), Value::String(id));
    }
    out.insert("object".into(), json!("chat.completion"));
    if let Some(model) = model {
        out.insert("model".into(), Value::String(model));
    }
    out.insert(
        "choices".into(),
        json!([{"index": 0, "message": message, "finish_reason": finish_reason}]),
    );
    if let Some(usage) = usage {
        out.insert("usage".into(), usage);
    }
    out.insert(
        "streamed".into(),
        json!({"chunks": chunks, "doneMarker": done_marker}),
    );
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema;

    fn body(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            other => panic!("not an object: {other}"),
        }
    }

    #[test]
    fn body_must_be_an_object() {
        let validator = schema::compile(&schema::input_schema::<ChatArgs>()).unwrap();
        assert!(validator.is_valid(&Chat::example()));
        assert!(!validator.is_valid(&json!({})));
        assert!(!validator.is_valid(&json!({"body": "hello"})));
        assert!(!validator.is_valid(&json!({"body": [1]})));
        assert_eq!(Chat::field_code("body"), Some(ErrorCode::InvalidChatBody));
    }

    #[test]
    fn messages_and_stream_are_checked() {
        let ok = |v| wants_stream(&body(v));
        assert_eq!(
            ok(json!({"messages": [{"role": "user", "content": "hi"}]})).ok(),
            Some(false)
        );
        assert_eq!(
            ok(json!({"messages": [{}], "stream": true})).ok(),
            Some(true)
        );
        for bad in [
            json!({}),
            json!({"messages": []}),
            json!({"messages": "hi"}),
            json!({"messages": [{}], "stream": "yes"}),
        ] {
            let error = ok(bad.clone()).unwrap_err();
            assert_eq!(error.code(), ErrorCode::InvalidChatBody, "{bad}");
            assert_eq!(error.exit_status(), 2);
        }
    }

    #[test]
    fn aggregates_become_completions() {
        let aggregate = ChatAggregate {
            id: Some("c1".into()),
            model: Some("m".into()),
            text: String::new(),
            reasoning: "think".into(),
            finish_reason: Some("tool_calls".into()),
            usage: Some(json!({"total_tokens": 5})),
            tool_calls: vec![json!({"id": "call_1"})],
            chunks: 3,
            done_marker: true,
        };
        let out = completion(aggregate);
        assert_eq!(out["object"], "chat.completion");
        assert_eq!(out["choices"][0]["message"]["content"], Value::Null);
        assert_eq!(out["choices"][0]["message"]["reasoning_content"], "think");
        assert_eq!(out["choices"][0]["finish_reason"], "tool_calls");
        assert_eq!(out["usage"]["total_tokens"], 5);
        assert_eq!(out["streamed"], json!({"chunks": 3, "doneMarker": true}));
    }
}
