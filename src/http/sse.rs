//! OpenAI-style chat-completion streams (server-sent events), aggregated into one result.
//!
//! Used by every chat command, and for any answer that arrives as an event stream. Each
//! `data:` event holds a chunk `{id, model, choices: [{delta: {content, reasoning,
//! tool_calls}, finish_reason}], usage}`; the aggregate joins the text, the reasoning and the streamed tool-call pieces
//! (by `index`), and keeps the first `id`/`model`, the last `usage` and the last non-null
//! `finish_reason`. A stream is complete only when it says so — a `[DONE]` event or a
//! `finish_reason` — so a connection cut short is an `INCOMPLETE_STREAM` error, never a
//! truncated success. SSE framing (split chunks, CRLF, comments, multi-line data) is
//! `eventsource-stream`'s job; it is handed whole lines in small pieces (`LineCutter`),
//! which keeps its cost linear. A completion that arrived whole (`stream: false`) is read into
//! the same [`ChatAggregate`] by [`aggregate_completion`], so callers handle one shape.
//!
//! Every frame is read, or the stream is an error: a frame is JSON as a JavaScript server
//! writes it (a string cut between the halves of a surrogate pair is joined again, see
//! `sse/surrogates.rs`), and a `data:` frame that still is not JSON is an `INVALID_RESPONSE`,
//! never a silent gap in the answer. An answer may carry at most [`MAX_TOOL_CALLS`] tool
//! calls, gathered by `index` in a map, so a flood of pieces costs linear time.

mod surrogates;

use std::collections::BTreeMap;

use bytes::{Bytes, BytesMut};
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
/// construction, so no `finish_reason` or `[DONE]` is required; more than
/// [`MAX_TOOL_CALLS`] tool calls is an `INVALID_RESPONSE`.
pub fn aggregate_completion(body: &Value) -> Result<ChatAggregate, Error> {
    let mut state = Aggregator::default();
    state.push(body)?;
    Ok(state.assemble())
}

/// Whether a body looks like SSE rather than JSON: some line starts with `data:`.
pub fn looks_like_sse(body: &str) -> bool {
    body.lines()
        .any(|line| line.trim_start().starts_with("data:"))
}

/// Most tool calls one answer may carry. A model calls a few tools at a time, and OpenAI-style
/// APIs accept at most 128 tool definitions per request; an answer naming more distinct
/// `index`es than that is broken or hostile (240,000 of them, 3.4 MiB, cost 47 s and 424 MiB
/// when each piece searched a list, issue 17 defect 2). Past the cap the answer is refused
/// rather than cut.
pub const MAX_TOOL_CALLS: usize = 128;

/// The hint of an answer that arrived but cannot be used.
const CHARGED_HINT: &str = "The request reached the model and may have been billed; the upstream sent an answer the runtime cannot read. Check the account's usage before sending it again.";

/// The `INVALID_RESPONSE` of an answer with more than [`MAX_TOOL_CALLS`] tool calls.
pub fn too_many_tool_calls() -> Error {
    Error::new(
        ErrorCode::InvalidResponse,
        format!("the answer carries more than {MAX_TOOL_CALLS} tool calls; it was abandoned"),
    )
    .with_hint(CHARGED_HINT)
}

/// The error for `frame`, which is not JSON even as a JavaScript server writes it.
fn unreadable_frame(index: usize, frame: &str, cause: &serde_json::Error) -> Error {
    Error::new(
        ErrorCode::InvalidResponse,
        format!(
            "event-stream frame {index} is not JSON ({cause}): {}",
            crate::secrets::excerpt(frame, 200)
        ),
    )
    .with_hint(CHARGED_HINT)
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

/// Most bytes of whole lines handed to the event parser at once (a longer line goes alone).
/// `eventsource-stream` moves the rest of its buffer down after every line it reads
/// (`String::split_off`), and scans an unfinished line again from its start whenever more
/// bytes arrive. A body handed over whole (a stream read as one text) therefore cost time
/// quadratic in its size (240,000 frames in 3.8 MiB ran for eleven minutes of a debug
/// build), and so did large network reads. [`LineCutter`] hands it whole lines only, in
/// pieces this small: every line read moves at most one piece, and no line is scanned twice.
const PARSER_PIECE_BYTES: usize = 4 * 1024;

/// Cuts a byte stream into pieces that end at line ends (`\n`, `\r\n`, or a `\r` not
/// followed by `\n`), each at most [`PARSER_PIECE_BYTES`] unless it is one longer line. Linear:
/// every byte is scanned once and copied once (the pieces are views of that copy).
#[derive(Debug, Default)]
struct LineCutter {
    /// Bytes not handed over yet.
    pending: BytesMut,
    /// How far `pending` has been scanned for line ends.
    scanned: usize,
    /// The end of the last whole line in `pending` (0 when none).
    last: usize,
}

impl LineCutter {
    /// The pieces that `bytes` completes.
    fn push(&mut self, bytes: &[u8]) -> Vec<Result<Bytes, Error>> {
        self.pending.extend_from_slice(bytes);
        let mut out = Vec::new();
        while let Some(offset) = self.pending[self.scanned..]
            .iter()
            .position(|&b| b == b'\n' || b == b'\r')
        {
            let at = self.scanned + offset;
            self.scanned = match (self.pending[at], self.pending.get(at + 1)) {
                (b'\n', _) => at + 1,
                (_, Some(b'\n')) => at + 2,
                (_, Some(_)) => at + 1,
                // A `\r` at the end: whether a `\n` follows is not known yet.
                (_, None) => break,
            };
            // A line that does not fit goes in a piece of its own.
            if self.scanned > PARSER_PIECE_BYTES && self.last > 0 {
                out.push(self.take(self.last));
            }
            self.last = self.scanned;
            if self.last >= PARSER_PIECE_BYTES {
                out.push(self.take(self.last));
            }
        }
        out
    }

    /// What is left at the end: the whole lines, then the unfinished one.
    fn finish(&mut self) -> Vec<Result<Bytes, Error>> {
        let mut out = Vec::new();
        if self.last > 0 {
            out.push(self.take(self.last));
        }
        if !self.pending.is_empty() {
            out.push(self.take(self.pending.len()));
        }
        out
    }

    /// The first `end` bytes of `pending`, as a piece.
    fn take(&mut self, end: usize) -> Result<Bytes, Error> {
        let piece = self.pending.split_to(end).freeze();
        self.scanned = self.scanned.saturating_sub(end);
        self.last = self.last.saturating_sub(end);
        Ok(piece)
    }
}

/// The chunks as [`LineCutter`] pieces; a transport error comes after what preceded it.
fn in_lines<S>(chunks: S) -> impl Stream<Item = Result<Bytes, Error>>
where
    S: Stream<Item = Result<Bytes, Error>>,
{
    chunks
        .map(Some)
        .chain(stream::iter([None]))
        .scan(LineCutter::default(), |cutter, chunk| {
            let pieces = match chunk {
                Some(Ok(bytes)) => cutter.push(&bytes),
                Some(Err(error)) => {
                    let mut pieces = cutter.finish();
                    pieces.push(Err(error));
                    pieces
                }
                None => cutter.finish(),
            };
            std::future::ready(Some(pieces))
        })
        .flat_map(stream::iter)
}

async fn aggregate<S>(chunks: S) -> Result<ChatAggregate, Error>
where
    S: Stream<Item = Result<Bytes, Error>>,
{
    let pieces = in_lines(bounded_events(chunks, MAX_SSE_EVENT_BYTES));
    let mut events = std::pin::pin!(pieces.eventsource());
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
        let (text, marked) = surrogates::mark(data);
        state.marked |= marked;
        let chunk = match serde_json::from_str::<Value>(&text) {
            Ok(chunk) => chunk,
            // An error event says what went wrong even when it is not JSON.
            Err(_) if event.event == "error" => {
                return Err(state.stream_error(data.to_owned()));
            }
            Err(cause) => return Err(unreadable_frame(state.out.chunks + 1, data, &cause)),
        };
        if event.event == "error"
            || (chunk.get("error").is_some() && chunk.get("choices").is_none())
        {
            let detail = chunk
                .pointer("/error/message")
                .or_else(|| chunk.get("error"))
                .or_else(|| chunk.get("message"))
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                .unwrap_or_else(|| text.into_owned());
            return Err(state.stream_error(detail));
        }
        state.push(&chunk)?;
    }
    state.finish()
}

#[derive(Default)]
struct Aggregator {
    out: ChatAggregate,
    /// Tool calls by their streamed `index` (at most [`MAX_TOOL_CALLS`]).
    calls: BTreeMap<u64, Map<String, Value>>,
    /// Some frame carried a lone surrogate: its marker is joined when the answer is built.
    marked: bool,
}

impl Aggregator {
    /// The `STREAM_ERROR` for the server's own error event or chunk.
    fn stream_error(&self, mut detail: String) -> Error {
        if self.marked {
            surrogates::join_string(&mut detail);
        }
        Error::new(
            ErrorCode::StreamError,
            format!(
                "the stream reported an error after {} chunk(s): {detail}",
                self.out.chunks
            ),
        )
    }

    fn push(&mut self, chunk: &Value) -> Result<(), Error> {
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
            return Ok(());
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
                self.push_tool_call(position as u64, call)?;
            }
        }
        Ok(())
    }

    fn push_tool_call(&mut self, position: u64, piece: &Value) -> Result<(), Error> {
        let index = piece
            .get("index")
            .and_then(Value::as_u64)
            .unwrap_or(position);
        if !self.calls.contains_key(&index) && self.calls.len() >= MAX_TOOL_CALLS {
            return Err(too_many_tool_calls());
        }
        let call = self.calls.entry(index).or_insert_with(|| {
            let mut fresh = Map::new();
            fresh.insert("type".into(), json!("function"));
            fresh.insert("function".into(), json!({"name": "", "arguments": ""}));
            fresh
        });
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
        Ok(())
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

    fn assemble(self) -> ChatAggregate {
        let mut out = self.out;
        out.tool_calls = self.calls.into_values().map(Value::Object).collect();
        if self.marked {
            for text in [&mut out.text, &mut out.reasoning] {
                surrogates::join_string(text);
            }
            for text in [&mut out.id, &mut out.model, &mut out.finish_reason]
                .into_iter()
                .flatten()
            {
                surrogates::join_string(text);
            }
            out.usage.iter_mut().for_each(surrogates::join_value);
            out.tool_calls.iter_mut().for_each(surrogates::join_value);
        }
        out
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

    /// Issue 17, defect 8: a JavaScript chat route's own tool-call test streams an emoji cut
    /// between its two UTF-16 halves, each frame with a lone surrogate escape. The pieces are
    /// joined as JavaScript joins them: the answer holds the whole emoji, not a gap.
    #[tokio::test]
    async fn a_character_split_between_frames_is_joined() {
        let body = [
            r#"data: {"choices":[{"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"react","arguments":""}}]}}]}"#,
            r#"data: {"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"emoji\":\""}}]}}]}"#,
            r#"data: {"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\ud83d"}}]}}]}"#,
            r#"data: {"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\ude80"}}]}}]}"#,
            r#"data: {"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\"}"}}]}}]}"#,
            r#"data: {"choices":[{"delta":{"content":"launch \uD83D"}}]}"#,
            r#"data: {"choices":[{"delta":{"content":"\uDE80!"}}]}"#,
            r#"data: {"choices":[{"delta":{"content":" half \ud83d"},"finish_reason":"tool_calls"}]}"#,
            "data: [DONE]",
        ]
        .join("\n\n");
        let out = aggregate_text(&body).await.unwrap();
        let arguments = out.tool_calls[0]["function"]["arguments"].as_str().unwrap();
        assert_eq!(arguments, r#"{"emoji":"🚀"}"#);
        assert_eq!(
            serde_json::from_str::<Value>(arguments).unwrap(),
            json!({"emoji": "🚀"})
        );
        // A half that never found its partner is the replacement character, not a gap.
        assert_eq!(out.text, "launch 🚀! half \u{FFFD}");
        assert_eq!(out.chunks, 8);
    }

    /// Issue 17, defect 8: a frame that is not JSON, even as JavaScript reads it, ends the
    /// answer with an error that says the request may have been billed.
    #[tokio::test]
    async fn a_frame_that_cannot_be_read_is_an_error() {
        for broken in [
            "data: not json",
            r#"data: {"choices":[{"delta":{"content":"lo"}}"#,
            r#"data: {"choices":[{"delta":{"content":"\ud8"}}]}"#,
        ] {
            let body = [
                r#"data: {"choices":[{"delta":{"content":"Hel"}}]}"#,
                broken,
                r#"data: {"choices":[{"delta":{},"finish_reason":"stop"}]}"#,
                "data: [DONE]",
            ]
            .join("\n\n");
            let error = aggregate_text(&body).await.unwrap_err();
            assert_eq!(error.code(), ErrorCode::InvalidResponse, "{broken}");
            assert!(error.message().contains("frame 2"), "{}", error.message());
            assert!(!error.retriable());
            assert!(error.hint().unwrap().contains("may have been billed"));
        }
        // An error event is the server's own error, JSON or not.
        let error = aggregate_text("event: error\ndata: upstream exploded\n\n")
            .await
            .unwrap_err();
        assert_eq!(error.code(), ErrorCode::StreamError);
        assert!(error.message().contains("upstream exploded"));
    }

    /// Issue 17, defect 2: 240,000 distinct tool-call indexes (3.4 MiB) took 47 s and 424
    /// MiB; now the pieces are found by index in a map and the answer stops at the cap.
    #[tokio::test]
    async fn a_flood_of_tool_calls_stops_at_the_cap_quickly() {
        let started = std::time::Instant::now();
        let flood: String = (0..240_000)
            .map(|i| format!("data: {{\"choices\":[{{\"delta\":{{\"tool_calls\":[{{\"index\":{i}}}]}}}}]}}\n\n"))
            .collect();
        let error = aggregate_text(&flood).await.unwrap_err();
        assert_eq!(error.code(), ErrorCode::InvalidResponse);
        assert!(
            error
                .message()
                .contains(&format!("more than {MAX_TOOL_CALLS} tool calls")),
            "{}",
            error.message()
        );
        assert!(error.hint().unwrap().contains("may have been billed"));
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
        // Many pieces of few calls, in any order, are still joined, and exactly the cap passes.
        let mut pieces = String::new();
        for round in 0..200 {
            for index in (0..MAX_TOOL_CALLS).rev() {
                let name = if round == 0 {
                    format!("f{index}")
                } else {
                    String::new()
                };
                pieces.push_str(&chunk(&json!({"choices": [{"delta": {"tool_calls": [
                    {"index": index, "function": {"name": name, "arguments": "x"}}
                ]}}]})));
            }
        }
        pieces.push_str(&chunk(
            &json!({"choices": [{"delta": {}, "finish_reason": "tool_calls"}]}),
        ));
        let out = aggregate_text(&pieces).await.unwrap();
        assert_eq!(out.tool_calls.len(), MAX_TOOL_CALLS);
        assert_eq!(out.tool_calls[5]["function"]["name"], json!("f5"));
        assert_eq!(
            out.tool_calls[5]["function"]["arguments"],
            json!("x".repeat(200))
        );
        // A whole answer is held to the same cap.
        let calls: Vec<Value> = (0..=MAX_TOOL_CALLS)
            .map(|i| json!({"id": format!("call_{i}"), "function": {"name": "f", "arguments": "{}"}}))
            .collect();
        let whole =
            json!({"choices": [{"message": {"tool_calls": calls}, "finish_reason": "tool_calls"}]});
        let error = aggregate_completion(&whole).unwrap_err();
        assert_eq!(error.code(), ErrorCode::InvalidResponse);
    }

    /// However a body is cut into reads, the pieces are whole lines (but for an unfinished
    /// last one), each at most a parser piece unless one line is longer, and together the
    /// body.
    #[test]
    fn pieces_are_whole_lines_whatever_the_reads() {
        let long = "y".repeat(3 * PARSER_PIECE_BYTES);
        let body = format!(
            "data: a\r\n\r\ndata: {long}\n\n{}data: b\rdata: c\r\rdata: d\r\n\r\ndata: unfinished",
            "data: x\n\n".repeat(2000)
        );
        let bytes = body.as_bytes();
        for step in [1, 2, 3, 7, 100, 4095, 4096, 5000, 65_536, bytes.len()] {
            let mut cutter = LineCutter::default();
            let mut pieces: Vec<Bytes> = Vec::new();
            for read in bytes.chunks(step) {
                pieces.extend(cutter.push(read).into_iter().map(Result::unwrap));
            }
            pieces.extend(cutter.finish().into_iter().map(Result::unwrap));
            assert_eq!(pieces.concat(), bytes, "step {step}");
            let (last, whole) = pieces.split_last().unwrap();
            assert_eq!(last.as_ref(), b"data: unfinished", "step {step}");
            let mut end = 0;
            for piece in whole {
                end += piece.len();
                // A `\r` ends a piece only when no `\n` follows: a CRLF is never cut.
                let ends_a_line =
                    piece.ends_with(b"\n") || (piece.ends_with(b"\r") && bytes[end] != b'\n');
                assert!(
                    ends_a_line,
                    "step {step}: {:?}",
                    String::from_utf8_lossy(piece)
                );
                let lines = piece
                    .split(|&b| b == b'\n' || b == b'\r')
                    .filter(|l| !l.is_empty())
                    .count();
                assert!(
                    piece.len() <= PARSER_PIECE_BYTES || lines == 1,
                    "step {step}: {} bytes, {lines} lines",
                    piece.len()
                );
            }
        }
    }

    /// A long stream read whole (`aggregate_text`) costs time linear in its size: the event
    /// parser gets it in pieces of whole lines, not as one buffer it moves down after every
    /// line.
    #[tokio::test]
    async fn a_long_stream_read_whole_is_parsed_in_linear_time() {
        let event = chunk(&json!({"choices": [{"delta": {"content": "a"}}]}));
        let count = (8 << 20) / event.len();
        let mut body = event.repeat(count);
        body.push_str("data: [DONE]\n\n");
        let started = std::time::Instant::now();
        let out = aggregate_text(&body).await.unwrap();
        assert_eq!(out.text.len(), count);
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "{:?}",
            started.elapsed()
        );
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
        }))
        .unwrap();
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
        let bare =
            aggregate_completion(&json!({"choices": [{"message": {"content": "hi"}}]})).unwrap();
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
