//! The line transport of `mcp`: JSON-RPC lines read and checked here, in front of rmcp, so
//! that every request line is answered whatever it holds, and no input can cost more than the
//! bounds say (issue 17, defects 3, 4, 9 and 10).
//!
//! Reading: the bounded line reader of `serve` ([`LineReader`]), scanning the `id` of lines too
//! long to keep. Each line is then checked before anything is built from it:
//! - a line over [`McpOptions::max_line_bytes`], or a message over the request bounds of
//!   [`bounds`] (too many values, nested too deep), is refused before it is parsed: `-32600`
//!   naming the request's id when a linear scan can read it (`null` otherwise), with
//!   `data.code: "REQUEST_TOO_LARGE"`;
//! - a line that is not UTF-8 or not JSON: `-32700` with id `null`;
//! - JSON that is not one MCP message (an array — batches are gone since MCP 2025-06-18 —, a
//!   scalar, an object without `"jsonrpc": "2.0"`, or one rmcp cannot read): `-32600`, or
//!   `-32602` for a request whose method is readable but whose parameters are not, with the
//!   request's id when it has a readable one. A notification (a string `method`, no `id`) or
//!   a response (`result` or `error`, no `method`) that rmcp cannot read is ignored, as
//!   JSON-RPC says: neither is ever answered.
//!
//! Before a lifecycle begins (an `initialize`, or a first request carrying the 2026-07-28
//! metadata), rmcp accepts requests only: anything else ended the server (exit 1 and a Debug
//! dump of the message, defect 9). Notifications and client responses that early are ignored
//! here, so the `initialize` that follows works.
//!
//! Backpressure, as in `serve` (defect 4): at most [`McpOptions::max_in_flight`] requests are
//! with rmcp at once, each holding a slot from when it is handed over until its handler has
//! ended *and* its answer is in the writer's queue (a client that stops reading stdout stops
//! the server reading). An answer keeps what its request holds — its claim on the memory
//! budget for large bodies (`http::budget`) among it — until the writer has written it. Up to as many more wait here, read and parsed; then reading pauses. Request lines
//! held (waiting or running) count against [`McpOptions::max_buffered_bytes`], and reading also
//! pauses while they exceed it. Notifications are not held back by waiting requests, so a
//! `notifications/cancelled` reaches a running call; one cancelling a request still waiting
//! here drops that request (a cancelled call gets no response). Memory is therefore bounded
//! by the options, however long the input.
//!
//! Writing: every line — rmcp's and the answers made here — goes through one writer task, one
//! message per line, and through redaction first (a known secret in any string is masked;
//! the JSON stays whole). stdout carries nothing else.

use std::borrow::Cow;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};

use rmcp::RoleServer;
use rmcp::model::{
    ClientJsonRpcMessage, ClientNotification, ClientRequest, ErrorData, Extensions, GetExtensions,
    GetMeta, JsonRpcMessage, ProtocolVersion, RequestId, ServerJsonRpcMessage,
};
use rmcp::transport::Transport;
use serde_json::{Value, json};
use tokio::io::AsyncRead;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc};

use crate::bounds;
use crate::runtime::Held;
use crate::runtime::id_scan::IdScan;
use crate::runtime::lines::{Line, LineReader};
use crate::runtime::serve::Outgoing;
use crate::secrets::{self, redact};

/// `mcp` limits; the defaults are those of `serve` (one definition for both).
#[derive(Debug, Clone, Copy)]
pub struct McpOptions {
    /// Most requests with rmcp at once (`--max-in-flight`): running, or answered and waiting
    /// for the writer. When that many run and as many more wait, reading pauses.
    pub max_in_flight: usize,
    /// Longest accepted input line, in bytes.
    pub max_line_bytes: usize,
    /// Most bytes of request lines held at once, running or waiting; reading pauses above it
    /// (a single line is always admitted when nothing else is held).
    pub max_buffered_bytes: usize,
}

impl Default for McpOptions {
    fn default() -> Self {
        let serve = crate::runtime::serve::ServeOptions::default();
        Self {
            max_in_flight: serve.max_in_flight,
            max_line_bytes: serve.max_line_bytes,
            max_buffered_bytes: serve.max_buffered_bytes,
        }
    }
}

/// Lines waiting for the writer; senders wait (and their calls keep their slots) when full.
pub(super) const OUTPUT_QUEUE: usize = 256;

/// Longest part of an unreadable method name quoted back.
const QUOTED_CHARS: usize = 64;

/// What a request holds while it is with rmcp: a call slot and its line's bytes, and once
/// its handler has answered, what the answer holds until it is written (the secrets it is
/// redacted with, its claim on the memory budget: [`Held`]). Freed when the last holder lets
/// go: the handler's context (its extensions), and the table of requests whose answer has
/// not reached the writer's queue; the answer's [`Held`] then goes on with the line.
#[derive(Debug)]
struct Slot {
    _call: OwnedSemaphorePermit,
    _bytes: OwnedSemaphorePermit,
    answer: Mutex<Held>,
}

/// A [`Slot`] as a request extension: dropped with the handler's context.
#[derive(Debug, Clone)]
struct CallSlot {
    slot: Arc<Slot>,
}

/// Keeps what a call's answer holds (`held`) until that answer is written: the handler of a
/// request that came through this transport calls it with its context's extensions.
pub(super) fn keep_until_written(extensions: &Extensions, held: Held) {
    match extensions.get::<CallSlot>() {
        Some(call) => *lock(&call.slot.answer) = held,
        None => tracing::debug!("a call without a slot: its answer holds nothing past it"),
    }
}

/// The slots of requests whose answer has not reached the writer's queue, by request id.
type Unanswered = Arc<Mutex<HashMap<RequestId, Arc<Slot>>>>;

/// A request read and checked, waiting for a slot.
#[derive(Debug)]
struct Waiting {
    message: ClientJsonRpcMessage,
    id: RequestId,
    size: u32,
    bytes: Option<OwnedSemaphorePermit>,
}

/// The transport rmcp serves over (see the module docs).
#[derive(Debug)]
pub(super) struct LineTransport<R> {
    lines: LineReader<R>,
    out: mpsc::Sender<Outgoing>,
    /// Answers made here, waiting for room in the writer's queue.
    answers: VecDeque<String>,
    waiting: VecDeque<Waiting>,
    calls: Arc<Semaphore>,
    bytes: Arc<Semaphore>,
    budget: u32,
    max_waiting: usize,
    unanswered: Unanswered,
    supported: Vec<ProtocolVersion>,
    max_line_bytes: usize,
    /// rmcp has begun a lifecycle: it reads every kind of message.
    lifecycle: bool,
    eof: bool,
}

impl<R: AsyncRead + Unpin> LineTransport<R> {
    /// A transport reading `input`, writing to `out` (the writer task's queue); `supported`
    /// are the protocol versions the server accepts (to know when a lifecycle begins).
    pub(super) fn new(
        input: R,
        out: mpsc::Sender<Outgoing>,
        options: McpOptions,
        supported: Vec<ProtocolVersion>,
    ) -> Self {
        let max_in_flight = options.max_in_flight.max(1);
        let budget = u32::try_from(options.max_buffered_bytes.max(1)).unwrap_or(u32::MAX);
        Self {
            lines: LineReader::new(input, options.max_line_bytes).scanning_ids(),
            out,
            answers: VecDeque::new(),
            waiting: VecDeque::new(),
            calls: Arc::new(Semaphore::new(max_in_flight)),
            bytes: Arc::new(Semaphore::new(budget as usize)),
            budget,
            max_waiting: max_in_flight,
            unanswered: Arc::default(),
            supported,
            max_line_bytes: options.max_line_bytes,
            lifecycle: false,
            eof: false,
        }
    }

    /// The next message for rmcp; `None` at the end of input (or when stdout is gone).
    /// Cancel-safe: rmcp polls it inside `select!`; every await is cancel-safe and every state
    /// change happens between them.
    async fn next_message(&mut self) -> Option<ClientJsonRpcMessage> {
        loop {
            if !self.answers.is_empty() {
                let room = self.out.reserve().await.ok()?;
                if let Some(line) = self.answers.pop_front() {
                    room.send(Outgoing::from(line));
                }
                continue;
            }
            if self.out.is_closed() {
                return None;
            }
            if self.eof {
                // Calls still waiting would only be cancelled with the ones running.
                self.waiting.clear();
                return None;
            }
            let need = self
                .waiting
                .back()
                .filter(|w| w.bytes.is_none())
                .map(|w| w.size.min(self.budget));
            let front_ready = self.waiting.front().is_some_and(|w| w.bytes.is_some());
            let reading = need.is_none() && self.waiting.len() < self.max_waiting;
            tokio::select! {
                biased;
                call = Arc::clone(&self.calls).acquire_owned(), if front_ready => {
                    let call = call.ok()?;
                    if let Some(message) = self.hand_over(call) {
                        return Some(message);
                    }
                }
                bytes = Arc::clone(&self.bytes).acquire_many_owned(need.unwrap_or(0)), if need.is_some() => {
                    if let Some(last) = self.waiting.back_mut() {
                        last.bytes = Some(bytes.ok()?);
                    }
                }
                line = self.lines.next(), if reading => match line {
                    Ok(Some(line)) => {
                        if let Some(message) = self.admit(line) {
                            return Some(message);
                        }
                    }
                    Ok(None) => self.eof = true,
                    Err(e) => {
                        tracing::warn!(error = %e, "stdin failed; ending the mcp session");
                        self.eof = true;
                    }
                },
            }
        }
    }

    /// The first waiting request, with its slot: it now counts as with rmcp.
    fn hand_over(&mut self, call: OwnedSemaphorePermit) -> Option<ClientJsonRpcMessage> {
        let Waiting {
            mut message,
            id,
            bytes,
            ..
        } = self.waiting.pop_front()?;
        let slot = Arc::new(Slot {
            _call: call,
            _bytes: bytes?,
            answer: Mutex::default(),
        });
        if let JsonRpcMessage::Request(request) = &mut message {
            if !self.lifecycle && opens_lifecycle(&request.request, &self.supported) {
                self.lifecycle = true;
            }
            request.request.extensions_mut().insert(CallSlot {
                slot: Arc::clone(&slot),
            });
        }
        lock(&self.unanswered).insert(id, slot);
        Some(message)
    }

    /// Checks one line: a message for rmcp now (notifications, client responses), a request
    /// to wait for a slot, or an answer made here.
    fn admit(&mut self, line: Line) -> Option<ClientJsonRpcMessage> {
        let text = match line {
            Line::Text(text) => text,
            Line::TooLong => {
                let id = self.lines.take_scanned_id();
                let message = format!(
                    "The message exceeds {} bytes; it was not read.",
                    self.max_line_bytes
                );
                self.answer(id.as_ref().and_then(request_id), too_large(message));
                return None;
            }
            Line::NotUtf8 => {
                self.answer(
                    None,
                    ErrorData::parse_error("Parse error: the message is not valid UTF-8.", None),
                );
                return None;
            }
        };
        // RFC 8259 lets a parser skip a byte order mark (rmcp's own reader does).
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        if text.trim().is_empty() {
            return None;
        }
        if let Err(excess) = bounds::check_request(text.as_bytes()) {
            let id = IdScan::of(text.as_bytes());
            self.answer(
                id.as_ref().and_then(request_id),
                too_large(format!("The message {excess}; it was not read.")),
            );
            return None;
        }
        match serde_json::from_str::<ClientJsonRpcMessage>(text) {
            Ok(message) => self.route(message, text.len()),
            Err(error) => {
                self.unreadable(text, &error);
                None
            }
        }
    }

    /// Where a readable message goes.
    fn route(
        &mut self,
        message: ClientJsonRpcMessage,
        size: usize,
    ) -> Option<ClientJsonRpcMessage> {
        match message {
            JsonRpcMessage::Request(request) => {
                let id = request.id.clone();
                let size = u32::try_from(size).unwrap_or(u32::MAX);
                let bytes = Arc::clone(&self.bytes)
                    .try_acquire_many_owned(size.min(self.budget))
                    .ok();
                self.waiting.push_back(Waiting {
                    message: JsonRpcMessage::Request(request),
                    id,
                    size,
                    bytes,
                });
                None
            }
            JsonRpcMessage::Notification(notification) => {
                if !self.lifecycle {
                    tracing::debug!("a notification before the lifecycle began: ignored");
                    return None;
                }
                if let ClientNotification::CancelledNotification(cancelled) =
                    &notification.notification
                    && let Some(id) = &cancelled.params.request_id
                {
                    if let Some(at) = self.waiting.iter().position(|w| &w.id == id) {
                        // Never started: dropped here, and (like any cancelled call) unanswered.
                        self.waiting.remove(at);
                        return None;
                    }
                    // rmcp sends no answer for a cancelled call: its slot goes with its handler.
                    lock(&self.unanswered).remove(id);
                }
                Some(JsonRpcMessage::Notification(notification))
            }
            // A client's answer to a server request (this server sends none before a lifecycle).
            other => self.lifecycle.then_some(other),
        }
    }

    /// Answers a line that is JSON (within bounds) but not a message rmcp can read, or not
    /// JSON at all.
    fn unreadable(&mut self, text: &str, error: &serde_json::Error) {
        use serde_json::error::Category;
        if matches!(error.classify(), Category::Syntax | Category::Eof) {
            self.answer(
                None,
                ErrorData::parse_error("Parse error: the message is not valid JSON.", None),
            );
            return;
        }
        let Ok(value) = serde_json::from_str::<Value>(text) else {
            self.answer(
                None,
                ErrorData::parse_error("Parse error: the message is not valid JSON.", None),
            );
            return;
        };
        let Value::Object(map) = &value else {
            let message = if value.is_array() {
                "Batches are not supported (MCP 2025-06-18 and later): send one JSON-RPC message per line."
            } else {
                "A JSON-RPC message is an object: {\"jsonrpc\": \"2.0\", \"id\", \"method\", \"params\"}."
            };
            self.answer(None, ErrorData::invalid_request(message, None));
            return;
        };
        let id = map.get("id").and_then(request_id);
        let method = map.get("method").and_then(Value::as_str);
        let detail = secrets::excerpt(&error.to_string(), 160);
        let answer = if map.get("jsonrpc") != Some(&json!("2.0")) {
            ErrorData::invalid_request(
                "Invalid request: a JSON-RPC 2.0 message has \"jsonrpc\": \"2.0\".",
                None,
            )
        } else if let (Some(method), Some(_)) = (method, &id) {
            ErrorData::invalid_params(
                format!(
                    "Invalid params for `{}`: {detail}",
                    secrets::excerpt(method, QUOTED_CHARS)
                ),
                None,
            )
        } else if method.is_some() && !map.contains_key("id") {
            // A notification: never answered, even when it cannot be read.
            tracing::debug!(%detail, "an unreadable notification: ignored");
            return;
        } else if !map.contains_key("method")
            && (map.contains_key("result") || map.contains_key("error"))
        {
            // A response (to a request this server never sent): never answered either.
            tracing::debug!(%detail, "an unreadable response: ignored");
            return;
        } else {
            ErrorData::invalid_request(format!("Invalid request: {detail}"), None)
        };
        self.answer(id, answer);
    }

    /// Queues an error answer made here, to `id` or `null`.
    fn answer(&mut self, id: Option<RequestId>, error: ErrorData) {
        self.answers
            .push_back(render(&ServerJsonRpcMessage::error(error, id)));
    }
}

impl<R: AsyncRead + Send + Unpin + 'static> Transport<RoleServer> for LineTransport<R> {
    type Error = std::io::Error;

    fn send(
        &mut self,
        item: ServerJsonRpcMessage,
    ) -> impl Future<Output = Result<(), Self::Error>> + Send + 'static {
        let answered = match &item {
            JsonRpcMessage::Response(response) => Some(response.id.clone()),
            JsonRpcMessage::Error(error) => error.id.clone(),
            JsonRpcMessage::Request(_) | JsonRpcMessage::Notification(_) => None,
        };
        let line = render(&item);
        drop(item);
        let slot = answered.and_then(|id| lock(&self.unanswered).remove(&id));
        let held = slot
            .as_ref()
            .map(|slot| std::mem::take(&mut *lock(&slot.answer)))
            .unwrap_or_default();
        let out = self.out.clone();
        async move {
            let sent = out.send(Outgoing::new(line, held)).await.map_err(|_| {
                std::io::Error::new(std::io::ErrorKind::BrokenPipe, "stdout is closed")
            });
            // The call's slot is free once its answer is in the writer's queue (and its
            // handler has ended): while the queue is full, reading stays paused. What the
            // answer holds goes on with the line until the writer has written it.
            drop(slot);
            sent
        }
    }

    fn receive(&mut self) -> impl Future<Output = Option<ClientJsonRpcMessage>> + Send {
        self.next_message()
    }

    async fn close(&mut self) -> Result<(), Self::Error> {
        Ok(())
    }
}

/// Whether rmcp, before any lifecycle, begins one with `request`: an `initialize`, or a
/// request other than `ping` and `server/discover` carrying complete 2026-07-28 metadata with
/// a supported version (rmcp answers the others and keeps waiting).
fn opens_lifecycle(request: &ClientRequest, supported: &[ProtocolVersion]) -> bool {
    match request {
        ClientRequest::InitializeRequest(_) => true,
        ClientRequest::PingRequest(_) | ClientRequest::DiscoverRequest(_) => false,
        other => {
            let meta = other.get_meta();
            meta.missing_required_keys(&ProtocolVersion::V_2026_07_28)
                .is_empty()
                && meta
                    .protocol_version()
                    .is_some_and(|version| supported.contains(&version))
        }
    }
}

/// A JSON-RPC id rmcp can answer: a string, or an integer within `i64`.
fn request_id(value: &Value) -> Option<RequestId> {
    match value {
        Value::String(s) => Some(RequestId::String(s.as_str().into())),
        Value::Number(n) => n.as_i64().map(RequestId::Number),
        _ => None,
    }
}

/// `-32600`, with the runtime's code for a request over its bounds.
fn too_large(message: String) -> ErrorData {
    ErrorData::invalid_request(
        message,
        Some(json!({
            "code": "REQUEST_TOO_LARGE",
            "hint": "Send less in one request: fewer or smaller arguments (large content goes through the upload commands).",
        })),
    )
}

/// One output line: the message as compact JSON, with every known secret masked. The text is
/// searched once; only when something is found is the message redacted string by string, so
/// that a mask never cuts through JSON syntax. An error answering no readable id carries
/// `"id": null`, as JSON-RPC requires (rmcp leaves the member out).
pub(super) fn render(message: &ServerJsonRpcMessage) -> String {
    if let JsonRpcMessage::Error(error) = message
        && error.id.is_none()
    {
        let mut value = json!({"jsonrpc": "2.0", "id": null, "error": error.error});
        redact_strings(&mut value);
        return value.to_string();
    }
    let line = match serde_json::to_string(message) {
        Ok(line) => line,
        Err(e) => {
            tracing::error!(error = %e, "an answer could not be serialized");
            return r#"{"jsonrpc":"2.0","id":null,"error":{"code":-32603,"message":"Internal error: an answer could not be serialized."}}"#.to_owned();
        }
    };
    if matches!(redact::redact_text(&line), Cow::Borrowed(_)) {
        return line;
    }
    match serde_json::to_value(message) {
        Ok(mut value) => {
            redact_strings(&mut value);
            value.to_string()
        }
        Err(_) => line,
    }
}

/// Masks known secrets in every string and key of `value` (the text rule of redaction only:
/// a tool's schema may well name a property `token`).
fn redact_strings(value: &mut Value) {
    match value {
        Value::String(s) => {
            if let Cow::Owned(masked) = redact::redact_text(s) {
                *s = masked;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_strings),
        Value::Object(map) => {
            let entries = std::mem::take(map);
            for (key, mut item) in entries {
                redact_strings(&mut item);
                map.insert(redact::redact_text(&key).into_owned(), item);
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
