//! Answers of the on-demand POST endpoints (`spec/theta-api.md` §3.4).
//!
//! `POST /infer_request/<service>` normally answers JSON
//! `{status, body: {infer_requests: [{id, state, output, …}]}}`, but chat models asked to
//! stream answer server-sent events, and a few endpoints answer plain text. [`decode`] tells
//! them apart by content (JSON if it parses, SSE if a line starts with `data:`, text
//! otherwise); an SSE answer is aggregated by [`crate::http::sse`], so a stream cut short is
//! an `INCOMPLETE_STREAM` error rather than a truncated success.
//!
//! [`infer_shape`] presents an aggregated chat answer in the infer-response shape, so a
//! caller reads `body.infer_requests[0].output.message` whichever way the answer came.

use serde_json::{Map, Value, json};

use crate::error::Error;
use crate::http::ApiResponse;
use crate::http::sse::{self, ChatAggregate};

/// What an on-demand POST answered.
#[derive(Debug, Clone, PartialEq)]
pub enum Decoded {
    /// A JSON document.
    Json(Value),
    /// A chat stream, aggregated.
    Stream(ChatAggregate),
    /// Anything else, as text.
    Text(String),
}

/// Decodes a buffered answer by its content.
pub async fn decode(response: &ApiResponse) -> Result<Decoded, Error> {
    decode_text(&response.text()).await
}

/// Decodes an answer body by its content.
pub async fn decode_text(text: &str) -> Result<Decoded, Error> {
    if crate::http::too_many_json_values(text.as_bytes()) {
        return Err(Error::new(
            crate::code::ErrorCode::ResponseTooLarge,
            format!(
                "the response holds more than {} JSON values",
                crate::http::MAX_JSON_VALUES
            ),
        ));
    }
    if let Ok(value) = serde_json::from_str::<Value>(text) {
        return Ok(Decoded::Json(value));
    }
    if sse::looks_like_sse(text) {
        return sse::aggregate_text(text).await.map(Decoded::Stream);
    }
    Ok(Decoded::Text(text.to_owned()))
}

impl Decoded {
    /// The answer as the infer command returns it: JSON as is, a stream in the
    /// infer-response shape, text as `{status: "success", raw}`.
    pub fn into_infer_result(self) -> Value {
        match self {
            Decoded::Json(value) => value,
            Decoded::Stream(aggregate) => infer_shape(&aggregate, true, None),
            Decoded::Text(raw) => json!({"status": "success", "raw": raw}),
        }
    }
}

/// One infer request built from an aggregated chat answer.
pub fn infer_request(aggregate: &ChatAggregate, fallback_id: &str) -> Value {
    let mut output = Map::new();
    let message = if aggregate.text.is_empty() && !aggregate.tool_calls.is_empty() {
        Value::Null
    } else {
        Value::String(aggregate.text.clone())
    };
    output.insert("message".into(), message);
    if !aggregate.tool_calls.is_empty() {
        output.insert(
            "tool_calls".into(),
            Value::Array(aggregate.tool_calls.clone()),
        );
    }
    let mut request = Map::new();
    request.insert(
        "id".into(),
        json!(aggregate.id.as_deref().unwrap_or(fallback_id)),
    );
    request.insert("state".into(), json!("success"));
    request.insert("output".into(), Value::Object(output));
    if let Some(model) = &aggregate.model {
        request.insert("model".into(), json!(model));
    }
    if let Some(reason) = &aggregate.finish_reason {
        request.insert("finish_reason".into(), json!(reason));
    }
    if let Some(usage) = &aggregate.usage {
        request.insert("usage".into(), usage.clone());
    }
    request.insert(
        "metadata".into(),
        json!({
            "reasoning": aggregate.reasoning,
            "reasoning_length": aggregate.reasoning.chars().count(),
            "content_length": aggregate.text.chars().count(),
        }),
    );
    Value::Object(request)
}

/// `{status: "success", body: {infer_requests: [..]}}` for an aggregated answer; `streamed`
/// adds `body.stream: true`, `completion` keeps a whole OpenAI answer as
/// `body.chat_completions`.
pub fn infer_shape(aggregate: &ChatAggregate, streamed: bool, completion: Option<Value>) -> Value {
    let fallback = if streamed {
        "streaming-response"
    } else {
        "chat-completions-response"
    };
    let mut body = Map::new();
    if streamed {
        body.insert("stream".into(), json!(true));
    }
    if let Some(raw) = completion {
        body.insert("chat_completions".into(), raw);
    }
    body.insert(
        "infer_requests".into(),
        json!([infer_request(aggregate, fallback)]),
    );
    json!({"status": "success", "body": Value::Object(body)})
}

/// The first infer request of a job-style answer (`body.infer_requests[0]`).
pub fn first_infer_request(answer: &Value) -> Option<&Value> {
    answer
        .pointer("/body/infer_requests/0")
        .or_else(|| answer.pointer("/infer_requests/0"))
}

/// Reads a job-style chat answer's output into a [`ChatAggregate`]: the output may be an
/// OpenAI completion (`choices`), or carry the text under `message`, `text` or `content`.
/// More than [`sse::MAX_TOOL_CALLS`] tool calls is an `INVALID_RESPONSE`, as in a stream.
pub fn aggregate_output(request: &Value) -> Result<ChatAggregate, Error> {
    let output = request.get("output").unwrap_or(&Value::Null);
    if output.get("choices").is_some() {
        let mut aggregate = sse::aggregate_completion(output)?;
        if aggregate.id.is_none() {
            aggregate.id = text(request.get("id"));
        }
        return Ok(aggregate);
    }
    let first_text = |keys: &[&str]| keys.iter().find_map(|k| text(output.get(*k)));
    let tool_calls = output
        .get("tool_calls")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if tool_calls.len() > sse::MAX_TOOL_CALLS {
        return Err(sse::too_many_tool_calls());
    }
    Ok(ChatAggregate {
        id: text(request.get("id")),
        model: text(output.get("model")).or_else(|| text(request.get("model"))),
        text: first_text(&["message", "text", "content", "response"]).unwrap_or_default(),
        reasoning: first_text(&["reasoning", "reasoning_content"]).unwrap_or_default(),
        finish_reason: text(output.get("finish_reason"))
            .or_else(|| text(request.get("finish_reason"))),
        usage: output
            .get("usage")
            .or_else(|| request.get("usage"))
            .filter(|u| !u.is_null())
            .cloned(),
        tool_calls,
        chunks: 0,
        done_marker: false,
    })
}

fn text(value: Option<&Value>) -> Option<String> {
    value.and_then(Value::as_str).map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn bodies_are_told_apart_by_content() {
        let json_body = decode_text(r#"{"status":"success","body":{"infer_requests":[]}}"#)
            .await
            .unwrap();
        assert!(matches!(json_body, Decoded::Json(_)));
        let text_body = decode_text("queued").await.unwrap();
        assert_eq!(
            text_body.into_infer_result(),
            json!({"status": "success", "raw": "queued"})
        );
        let stream = "data: {\"id\":\"r1\",\"model\":\"qwen3\",\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\ndata: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":{\"total_tokens\":3}}\n\ndata: [DONE]\n\n";
        let result = decode_text(stream).await.unwrap().into_infer_result();
        assert_eq!(result["body"]["stream"], json!(true));
        let request = &result["body"]["infer_requests"][0];
        assert_eq!(request["id"], json!("r1"));
        assert_eq!(request["state"], json!("success"));
        assert_eq!(request["output"]["message"], json!("Hi"));
        assert_eq!(request["finish_reason"], json!("stop"));
        assert_eq!(request["usage"]["total_tokens"], json!(3));
        assert_eq!(request["metadata"]["content_length"], json!(2));
        let cut = decode_text("data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\n")
            .await
            .unwrap_err();
        assert_eq!(cut.code(), crate::error::ErrorCode::IncompleteStream);
    }

    #[test]
    fn job_outputs_are_read_whatever_their_shape() {
        let plain = json!({"id": "infr_rqst_1", "state": "success",
            "output": {"message": "Bonjour", "usage": {"total_tokens": 7}, "finish_reason": "stop"}});
        let a = aggregate_output(&plain).unwrap();
        assert_eq!(
            (a.id.as_deref(), a.text.as_str()),
            (Some("infr_rqst_1"), "Bonjour")
        );
        assert_eq!(a.finish_reason.as_deref(), Some("stop"));
        assert_eq!(a.usage, Some(json!({"total_tokens": 7})));
        let openai = json!({"id": "infr_rqst_2", "output": {"choices": [{"message": {"content": "Hej"}, "finish_reason": "stop"}]}});
        let a = aggregate_output(&openai).unwrap();
        assert_eq!(
            (a.id.as_deref(), a.text.as_str()),
            (Some("infr_rqst_2"), "Hej")
        );
        let empty = aggregate_output(&json!({"id": "x", "output": {"message": null}})).unwrap();
        assert_eq!(empty.text, "");
    }

    #[test]
    fn tool_only_answers_have_a_null_message() {
        let aggregate = ChatAggregate {
            tool_calls: vec![json!({"id": "call_1"})],
            ..ChatAggregate::default()
        };
        let request = infer_request(&aggregate, "fallback");
        assert_eq!(request["id"], json!("fallback"));
        assert_eq!(request["output"]["message"], Value::Null);
        assert_eq!(request["output"]["tool_calls"][0]["id"], json!("call_1"));
    }
}
