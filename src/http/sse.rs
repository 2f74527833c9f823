//! OpenAI-style chat-completion streams (server-sent events), aggregated into one result.
//!
//! Used by the on-demand chat and the dedicated endpoint's chat. Each `data:` event holds a
//! chunk `{id, model, choices: [{delta: {content, reasoning, tool_calls}, finish_reason}],
//! usage}`; the aggregate joins the text, the reasoning and the streamed tool-call pieces
//! (by `index`), and keeps the first `id`/`model`, the last `usage` and the last non-null
//! `finish_reason`. A stream is complete only when it says so — a `[DONE]` event or a
//! `finish_reason` — so a connection cut short is an `INCOMPLETE_STREAM` error, never a
//! truncated success. SSE framing (split chunks, CRLF, comments, multi-line data) is
//! `eventsource-stream`'s job. A completion that arrived whole (`stream: false`) is read into
//! the same [`ChatAggregate`] by [`aggregate_completion`], so callers handle one shape.

use bytes::Bytes;
use eventsource_stream::{EventStreamError, Eventsource};
use futures_util::{Stream, StreamExt, stream};
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::response::StreamingResponse;
use crate::error::{Error, ErrorCode};

/// The whole stream, aggregated.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatAggregate {
    /// The completion id (first chunk that had one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The model (first chunk that had one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// The assistant text.
    pub text: String,
    /// The reasoning text, when the model streams it separately.
    pub reasoning: String,
    /// Why generation stopped (`stop`, `length`, `tool_calls`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finish_reason: Option<String>,
    /// Token usage, when the server sent it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage: Option<Value>,
    /// Tool calls, assembled from their streamed pieces.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tool_calls: Vec<Value>,
    /// How many chunks arrived.
    pub chunks: usize,
    /// Whether the stream ended with `[DONE]`.
    pub done_marker: bool,
}

/// Reads a streaming response to its end and aggregates it.
pub async fn aggregate_response(response: StreamingResponse) -> Result<ChatAggregate, Error> {
    let chunks = stream::unfold(response, |mut response| async move {
        response
            .next_chunk()
            .await
            .transpose()
            .map(|chunk| (chunk, response))
    });
    aggregate(chunks).await
}

/// Aggregates a body that was read whole (a server that answered SSE to a plain request).
pub async fn aggregate_text(body: &str) -> Result<ChatAggregate, Error> {
    let chunks = stream::iter([Ok::<_, Error>(Bytes::copy_from_slice(body.as_bytes()))]);
    aggregate(chunks).await
}

/// Aggregates a chat completion that arrived whole (`stream: false`): the same fields, read
/// from `choices[0].message` instead of deltas. A whole JSON answer is complete by
/// construction, so no `finish_reason` or `[DONE]` is required.
pub fn aggregate_completion(body: &Value) -> ChatAggregate {
    let mut state = Aggregator::default();
    state.push(body);
    state.assemble()
}

/// Whether a body looks like SSE rather than JSON: some line starts with `data:`.
pub fn looks_like_sse(body: &str) -> bool {
    body.lines()
        .any(|line| line.trim_start().starts_with("data:"))
}

/// Longest line, and largest event, accepted in an event stream, in bytes. A chat chunk is a
/// few hundred bytes; without a bound, a stream with no newline made the event parser rescan
/// its growing buffer on every read (about 34 s of CPU per 16 MiB, issue 13, defect 5).
pub const MAX_SSE_EVENT_BYTES: usize = 1024 * 1024;

/// Passes the chunks through, ending with a `STREAM_EVENT_TOO_LARGE` error as soon as one
/// line or one event (the lines up to a blank line) exceeds `max` bytes. Linear in the input.
fn bounded_events<S>(chunks: S, max: usize) -> impl Stream<Item = Result<Bytes, Error>>
where
    S: Stream<Item = Result<Bytes, Error>>,
{
    #[derive(Default)]
    struct Sizes {
        line: usize,
        event: usize,
        after_cr: bool,
        failed: bool,
    }
    chunks.scan(Sizes::default(), move |sizes, chunk| {
        if sizes.failed {
            return std::future::ready(None);
        }
        let Ok(bytes) = &chunk else {
            return std::future::ready(Some(chunk));
        };
        for &byte in bytes.iter() {
            let after_cr = std::mem::take(&mut sizes.after_cr);
            match byte {
                // The `\n` of a `\r\n` ends nothing more.
                b'\n' if after_cr => {}
                b'\r' | b'\n' => {
                    if sizes.line == 0 {
                        sizes.event = 0;
                    }
                    sizes.line = 0;
                    sizes.after_cr = byte == b'\r';
                }
                _ => {
                    sizes.line += 1;
                    sizes.event += 1;
                }
            }
            if sizes.line > max || sizes.event > max {
                sizes.failed = true;
                let what = if sizes.line > max { "line" } else { "event" };
                return std::future::ready(Some(Err(Error::new(
                    ErrorCode::StreamEventTooLarge,
                    format!("an event-stream {what} exceeds {max} bytes; the stream was abandoned"),
                )
                .with_hint(
                    "The request reached the model and may have been billed; the upstream sent a malformed stream.",
                ))));
            }
        }
        std::future::ready(Some(chunk))
    })
}

async fn aggregate<S>(chunks: S) -> Result<ChatAggregate, Error>
where
    S: Stream<Item = Result<Bytes, Error>>,
{
    let mut events = std::pin::pin!(bounded_events(chunks, MAX_SSE_EVENT_BYTES).eventsource());
    let mut state = Aggregator::default();
    while let Some(event) = events.next().await {
        let event = match event {
            Ok(event) => event,
            Err(EventStreamError::Transport(error)) => return Err(error),
            Err(other) => {
                return Err(Error::new(
                    ErrorCode::InvalidResponse,
                    format!("the event stream could not be parsed: {other}"),
                ));
            }
        };
        let data = event.data.trim();
        if data.is_empty() {
            continue;
        }
        if data == "[DONE]" {
            state.out.done_marker = true;
            break;
        }
        // Keep-alives and vendor lines that are not JSON are skipped, as the spec's client did.
        let Ok(chunk) = serde_json::from_str::<Value>(data) else {
            continue;
        };
        if event.event == "error"
            || (chunk.get("error").is_some() && chunk.get("choices").is_none())
        {
            let detail = chunk
                .pointer("/error/message")
                .or_else(|| chunk.get("error"))
                .or_else(|| chunk.get("message"))
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                .unwrap_or_else(|| data.to_owned());
            return Err(Error::new(
                ErrorCode::StreamError,
                format!(
                    "the stream reported an error after {} chunk(s): {detail}",
                    state.out.chunks
                ),
            ));
        }
        state.push(&chunk);
    }
    state.finish()
}

#[derive(Default)]
struct Aggregator {
    out: ChatAggregate,
    /// Tool calls by their streamed `index`.
    calls: Vec<(u64, Map<String, Value>)>,
}

impl Aggregator {
    fn push(&mut self, chunk: &Value) {
        self.out.chunks += 1;
        let text_of = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_owned);
        if self.out.id.is_none() {
            self.out.id = text_of(chunk.get("id"));
        }
        if self.out.model.is_none() {
            self.out.model = text_of(chunk.get("model"));
        }
        if let Some(usage) = chunk.get("usage").filter(|u| !u.is_null()) {
            self.out.usage = Some(usage.clone());
        }
        let Some(choice) = chunk.pointer("/choices/0") else {
            return;
        };
        if let Some(reason) = text_of(choice.get("finish_reason")) {
            self.out.finish_reason = Some(reason);
        }
        let delta = choice.get("delta").or_else(|| choice.get("message"));
        let content = delta
            .and_then(|d| d.get("content"))
            .or_else(|| choice.get("text"))
            .and_then(Value::as_str);
        if let Some(content) = content {
            self.out.text.push_str(content);
        }
        let reasoning =
            delta.and_then(|d| d.get("reasoning").or_else(|| d.get("reasoning_content")));
        if let Some(reasoning) = reasoning.and_then(Value::as_str) {
            self.out.reasoning.push_str(reasoning);
        }
        if let Some(calls) = delta
            .and_then(|d| d.get("tool_calls"))
            .and_then(Value::as_array)
        {
            for (position, call) in calls.iter().enumerate() {
                self.push_tool_call(position as u64, call);
            }
        }
    }

    fn push_tool_call(&mut self, position: u64, piece: &Value) {
        let index = piece
            .get("index")
            .and_then(Value::as_u64)
            .unwrap_or(position);
        let slot = match self.calls.iter().position(|(i, _)| *i == index) {
            Some(found) => found,
            None => {
                let mut fresh = Map::new();
                fresh.insert("type".into(), json!("function"));
                fresh.insert("function".into(), json!({"name": "", "arguments": ""}));
                self.calls.push((index, fresh));
                self.calls.len() - 1
            }
        };
        let call = &mut self.calls[slot].1;
        for key in ["id", "type"] {
            if let Some(value) = piece.get(key).filter(|v| v.is_string()) {
                call.insert(key.into(), value.clone());
            }
        }
        if let (Some(function), Some(Value::Object(target))) =
            (piece.get("function"), call.get_mut("function"))
        {
            for key in ["name", "arguments"] {
                let addition = match function.get(key) {
                    Some(Value::String(s)) => s.clone(),
                    // Some servers send complete arguments as an object.
                    Some(v @ Value::Object(_)) => v.to_string(),
                    _ => continue,
                };
                if let Some(Value::String(existing)) = target.get_mut(key) {
                    existing.push_str(&addition);
                }
            }
        }
    }

    fn finish(self) -> Result<ChatAggregate, Error> {
        if !self.out.done_marker && self.out.finish_reason.is_none() {
            return Err(Error::new(
                ErrorCode::IncompleteStream,
                format!(
                    "the stream ended after {} chunk(s) without a finish_reason or [DONE]; the answer is incomplete",
                    self.out.chunks
                ),
            )
            .with_hint(
                "The request reached the model and may have been billed; retry only if a partial answer is not enough.",
            ));
        }
        Ok(self.assemble())
    }

    fn assemble(mut self) -> ChatAggregate {
        self.calls.sort_by_key(|(index, _)| *index);
        self.out.tool_calls = self
            .calls
            .into_iter()
            .map(|(_, call)| Value::Object(call))
            .collect();
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunk(value: &Value) -> String {
        format!("data: {value}\n\n")
    }

    async fn from_pieces(pieces: Vec<&str>) -> Result<ChatAggregate, Error> {
        let owned: Vec<Result<Bytes, Error>> = pieces
            .into_iter()
            .map(|p| Ok(Bytes::copy_from_slice(p.as_bytes())))
            .collect();
        aggregate(stream::iter(owned)).await
    }

    #[tokio::test]
    async fn text_reasoning_usage_and_finish_are_aggregated() {
        let body = [
            ": keep-alive\n\n".to_owned(),
            chunk(&json!({"id": "c1", "model": "qwen3", "choices": [{"delta": {"role": "assistant", "content": "Hel"}}]})),
            chunk(&json!({"id": "c1", "choices": [{"delta": {"reasoning": "think", "content": "lo"}}]})),
            "data: not json\n\n".to_owned(),
            chunk(&json!({"choices": [{"delta": {}, "finish_reason": "stop"}], "usage": {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5}})),
            "data: [DONE]\n\n".to_owned(),
        ]
        .concat();
        let out = aggregate_text(&body).await.unwrap();
        assert_eq!(out.id.as_deref(), Some("c1"));
        assert_eq!(out.model.as_deref(), Some("qwen3"));
        assert_eq!(out.text, "Hello");
        assert_eq!(out.reasoning, "think");
        assert_eq!(out.finish_reason.as_deref(), Some("stop"));
        assert_eq!(
            out.usage,
            Some(json!({"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5}))
        );
        assert_eq!(out.chunks, 3);
        assert!(out.done_marker);
    }

    #[tokio::test]
    async fn events_split_across_reads_and_crlf_are_handled() {
        let whole = chunk(
            &json!({"choices": [{"delta": {"content": "héllo wörld"}, "finish_reason": "stop"}]}),
        )
        .replace("\n", "\r\n");
        let bytes = whole.as_bytes();
        // Split inside the JSON and inside a multi-byte character.
        let cut1 = 9;
        let cut2 = whole.find('é').unwrap() + 1;
        let pieces: Vec<Result<Bytes, Error>> = vec![
            Ok(Bytes::copy_from_slice(&bytes[..cut1])),
            Ok(Bytes::copy_from_slice(&bytes[cut1..cut2])),
            Ok(Bytes::copy_from_slice(&bytes[cut2..])),
        ];
        let out = aggregate(stream::iter(pieces)).await.unwrap();
        assert_eq!(out.text, "héllo wörld");
    }

    #[tokio::test]
    async fn tool_call_pieces_are_joined_by_index() {
        let body = [
            chunk(&json!({"choices": [{"delta": {"tool_calls": [{"index": 0, "id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\"ci"}}]}}]})),
            chunk(&json!({"choices": [{"delta": {"tool_calls": [{"index": 1, "id": "call_2", "function": {"name": "now", "arguments": "{}"}}]}}]})),
            chunk(&json!({"choices": [{"delta": {"tool_calls": [{"index": 0, "function": {"arguments": "ty\":\"Oslo\"}"}}]}}]})),
            chunk(&json!({"choices": [{"delta": {}, "finish_reason": "tool_calls"}]})),
        ]
        .concat();
        let out = aggregate_text(&body).await.unwrap();
        assert_eq!(
            out.tool_calls,
            vec![
                json!({"type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Oslo\"}"}, "id": "call_1"}),
                json!({"type": "function", "function": {"name": "now", "arguments": "{}"}, "id": "call_2"}),
            ]
        );
        assert_eq!(out.finish_reason.as_deref(), Some("tool_calls"));
        assert!(!out.done_marker);
    }

    #[tokio::test]
    async fn a_stream_cut_short_is_an_error() {
        let cut = from_pieces(vec![
            "data: {\"choices\":[{\"delta\":{\"content\":\"Hal\"}}]}\n\n",
            "data: {\"choices\":[{\"delta\":{\"content\":\"f an ans",
        ])
        .await
        .unwrap_err();
        assert_eq!(cut.code(), ErrorCode::IncompleteStream);
        assert!(!cut.retriable());
        let empty = aggregate_text("").await.unwrap_err();
        assert_eq!(empty.code(), ErrorCode::IncompleteStream);
    }

    #[tokio::test]
    async fn error_events_and_transport_errors_surface() {
        let error = aggregate_text(&chunk(&json!({"error": {"message": "model overloaded"}})))
            .await
            .unwrap_err();
        assert_eq!(error.code(), ErrorCode::StreamError);
        assert!(error.message().contains("model overloaded"));
        let broken: Vec<Result<Bytes, Error>> = vec![
            Ok(Bytes::from_static(b"data: {\"choices\":[]}\n\n")),
            Err(Error::new(ErrorCode::Timeout, "read timed out")),
        ];
        let error = aggregate(stream::iter(broken)).await.unwrap_err();
        assert_eq!(error.code(), ErrorCode::Timeout);
    }

    #[test]
    fn whole_completions_are_read_from_the_message() {
        let out = aggregate_completion(&json!({
            "id": "chatcmpl-1",
            "model": "glm_5_3",
            "choices": [{"index": 0, "message": {
                "role": "assistant",
                "content": null,
                "reasoning_content": "needs the weather",
                "tool_calls": [{"id": "call_1", "type": "function",
                    "function": {"name": "get_weather", "arguments": "{\"city\":\"Oslo\"}"}}]
            }, "finish_reason": "tool_calls"}],
            "usage": {"prompt_tokens": 9, "completion_tokens": 4, "total_tokens": 13}
        }));
        assert_eq!(out.id.as_deref(), Some("chatcmpl-1"));
        assert_eq!(out.text, "");
        assert_eq!(out.reasoning, "needs the weather");
        assert_eq!(out.finish_reason.as_deref(), Some("tool_calls"));
        assert_eq!(out.tool_calls.len(), 1);
        assert_eq!(
            out.tool_calls[0]["function"]["arguments"],
            json!("{\"city\":\"Oslo\"}")
        );
        assert_eq!(
            out.usage.as_ref().map(|u| u["total_tokens"].clone()),
            Some(json!(13))
        );
        // No finish_reason: still a whole answer, not an incomplete stream.
        let bare = aggregate_completion(&json!({"choices": [{"message": {"content": "hi"}}]}));
        assert_eq!(bare.text, "hi");
        assert_eq!(bare.finish_reason, None);
    }

    /// Issue 13, defect 5: a stream without newlines, or one endless event, stops at the bound
    /// with its own code, quickly, instead of being parsed for tens of seconds.
    #[tokio::test]
    async fn oversized_lines_and_events_are_refused() {
        let started = std::time::Instant::now();
        let no_newline: Vec<Result<Bytes, Error>> = (0..256)
            .map(|_| Ok(Bytes::from(vec![b'a'; 64 * 1024])))
            .collect();
        let error = aggregate(stream::iter(no_newline)).await.unwrap_err();
        assert_eq!(error.code(), ErrorCode::StreamEventTooLarge);
        assert!(error.message().contains("line"), "{}", error.message());
        assert!(!error.retriable());
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
        // Many short `data:` lines with no blank line between them: one endless event.
        let line = format!("data: {}\r\n", "b".repeat(1000));
        let endless: Vec<Result<Bytes, Error>> =
            (0..2000).map(|_| Ok(Bytes::from(line.clone()))).collect();
        let error = aggregate(stream::iter(endless)).await.unwrap_err();
        assert_eq!(error.code(), ErrorCode::StreamEventTooLarge);
        assert!(error.message().contains("event"), "{}", error.message());
    }

    /// Events just under the bound, with CRLF and blank lines between them, still pass: the
    /// bound is per line and per event, not per stream.
    #[tokio::test]
    async fn the_bound_is_per_event() {
        let text = "x".repeat(MAX_SSE_EVENT_BYTES - 200);
        let event =
            chunk(&json!({"choices": [{"delta": {"content": text}}]})).replace('\n', "\r\n");
        assert!(event.len() < MAX_SSE_EVENT_BYTES);
        let mut body = event.repeat(3);
        body.push_str(&chunk(
            &json!({"choices": [{"delta": {}, "finish_reason": "stop"}]}),
        ));
        let out = aggregate_text(&body).await.unwrap();
        assert_eq!(out.text.len(), 3 * text.len());
        let mut over =
            chunk(&json!({"choices": [{"delta": {"content": "x".repeat(MAX_SSE_EVENT_BYTES)}}]}));
        over.push_str("data: [DONE]\n\n");
        let error = aggregate_text(&over).await.unwrap_err();
        assert_eq!(error.code(), ErrorCode::StreamEventTooLarge);
    }

    #[test]
    fn sse_bodies_are_recognised() {
        assert!(looks_like_sse("data: {}\n\n"));
        assert!(!looks_like_sse("{\"data\": 1}"));
    }
}
