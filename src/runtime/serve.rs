//! `serve`: many requests in one process, JSON Lines over stdio (design §2).
//!
//! Every input line is one request envelope, answered by exactly one output line carrying the
//! same `id`. Requests run concurrently, so answers may come back in any order. A line that is
//! not a JSON object — not JSON, not UTF-8, or over the length limit — is answered with an
//! error line and the process keeps serving. At end of input the process finishes the
//! requests in flight, then exits.
//!
//! Backpressure (issue 13, defect 3): at most [`ServeOptions::max_in_flight`] requests run at
//! once (64 unless `--max-in-flight` says otherwise); up to as many more wait, read and
//! parsed, and then reading pauses until a request finishes — except while a request waits
//! for the host's answer to a secret request: that answer is ahead on the input, so reading
//! goes on (up to [`WAITING_WHILE_ASKING`] times as many waiting requests, within the byte
//! budget). Reading also pauses while the
//! lines held (waiting or running) total more than [`ServeOptions::max_buffered_bytes`], and a
//! request whose answer the writer cannot take yet keeps its slot, so a host that stops
//! reading stdout stops `serve` from reading stdin instead of growing its memory. Memory is
//! therefore bounded by the options, however long the input: held lines ≤
//! `max_buffered_bytes + max_line_bytes`, one partial line ≤ `max_line_bytes`, and at most
//! [`OUTPUT_QUEUE`] answers waiting for the writer. Input is read in large chunks and answers
//! are written in batches, one flush per burst.
//!
//! Lazy secrets: a command that needs a secret its envelope did not carry asks the host for it
//! on the same channel —
//! `{"type":"secret","id":<n>,"name":"<SECRET_NAME>","requestId":<request id>}` — and the
//! host answers `{"type":"secret","id":<n>,"value":"…"}` (or `"value":null`). Only the secrets
//! a command actually needs cross the boundary. A host that does not answer within the
//! timeout, or has closed its end, counts as "no value" and the environment is tried next.
//!
//! Progress: commands that wait (polls, readiness, disposable validation) report as they go
//! with `{"type":"progress","requestId":<request id>,"message":"…"}` lines before their answer;
//! a message never carries arguments or secrets.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use futures_util::future::BoxFuture;
use secrecy::SecretString;
use serde_json::{Value, json};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinSet;

use super::lines::{Line, LineReader};
use super::{Held, Hooks, ProgressSink, Response, Runtime};
use crate::error::{Error, ErrorCode};
use crate::secrets::{self, SecretName, SecretProvider};

/// Serve-mode limits.
#[derive(Debug, Clone, Copy)]
pub struct ServeOptions {
    /// How long a lazy secret request waits for the host's answer.
    pub secret_timeout: Duration,
    /// Longest accepted input line, in bytes.
    pub max_line_bytes: usize,
    /// Most requests running at once (`--max-in-flight`). When that many run and as many more
    /// wait, reading pauses until one finishes.
    pub max_in_flight: usize,
    /// Most bytes of request lines held at once, running or waiting; reading pauses above it
    /// (a single line is always admitted when nothing else is held).
    pub max_buffered_bytes: usize,
}

impl Default for ServeOptions {
    fn default() -> Self {
        Self {
            secret_timeout: Duration::from_secs(5),
            max_line_bytes: crate::bounds::MAX_REQUEST_BYTES,
            max_in_flight: DEFAULT_MAX_IN_FLIGHT,
            max_buffered_bytes: 48 * 1024 * 1024,
        }
    }
}

/// The default of [`ServeOptions::max_in_flight`].
pub const DEFAULT_MAX_IN_FLIGHT: usize = 64;

/// Answer lines waiting for the writer; request tasks wait (and so hold their slot) when it
/// is full, which pauses reading in turn.
const OUTPUT_QUEUE: usize = 256;

/// How many times `max_in_flight` requests may wait, read ahead, while a secret request is
/// outstanding (the host's answer may be behind them on the input).
const WAITING_WHILE_ASKING: usize = 16;

/// The writer flushes once per burst, or when this much is buffered.
const WRITE_BATCH_BYTES: usize = 256 * 1024;

/// State shared by the reader and every request's secret provider.
#[derive(Debug)]
struct Host {
    out: mpsc::Sender<Outgoing>,
    pending: std::sync::Mutex<HashMap<u64, oneshot::Sender<Option<String>>>>,
    next_ask: AtomicU64,
    open: AtomicBool,
    timeout: Duration,
    /// Wakes the reader when a secret request goes out: its answer is on the input, so
    /// reading must go on even when every slot is taken.
    asked: tokio::sync::Notify,
}

impl Host {
    /// Delivers the host's answer to a secret request; `false` when no request with that id
    /// is outstanding (never asked, already answered, or timed out).
    fn answer(&self, ask: u64, value: Option<String>) -> bool {
        let waiter = self.pending.lock().ok().and_then(|mut p| p.remove(&ask));
        match waiter {
            Some(waiter) => {
                let _ = waiter.send(value);
                true
            }
            None => false,
        }
    }

    /// The host closed its end: nobody will answer any more.
    fn close(&self) {
        self.open.store(false, Ordering::SeqCst);
        if let Ok(mut pending) = self.pending.lock() {
            for (_, waiter) in pending.drain() {
                let _ = waiter.send(None);
            }
        }
    }
}

/// The lazy secret provider of one request.
#[derive(Debug)]
struct AskHost {
    host: Arc<Host>,
    request_id: Option<Value>,
}

impl SecretProvider for AskHost {
    fn get(&self, name: SecretName) -> BoxFuture<'_, Result<Option<SecretString>, Error>> {
        Box::pin(async move {
            if !self.host.open.load(Ordering::SeqCst) {
                return Ok(None);
            }
            let ask = self.host.next_ask.fetch_add(1, Ordering::SeqCst);
            let (tx, rx) = oneshot::channel();
            if let Ok(mut pending) = self.host.pending.lock() {
                pending.insert(ask, tx);
            }
            self.host.asked.notify_one();
            let message = json!({
                "type": "secret",
                "id": ask,
                "name": name.canonical(),
                "requestId": self.request_id,
            });
            if self
                .host
                .out
                .send(message.to_string().into())
                .await
                .is_err()
            {
                return Ok(None);
            }
            match tokio::time::timeout(self.host.timeout, rx).await {
                Ok(Ok(Some(value))) => secrets::accept(
                    &value,
                    &format!("the host's answer for {}", name.canonical()),
                ),
                Ok(Ok(None) | Err(_)) => Ok(None),
                Err(_) => {
                    if let Ok(mut pending) = self.host.pending.lock() {
                        pending.remove(&ask);
                    }
                    tracing::warn!(
                        ask,
                        name = name.canonical(),
                        "the host did not answer a secret request in time"
                    );
                    Ok(None)
                }
            }
        })
    }
}

/// Progress reports of one request as `{"type":"progress","requestId":…,"message":…}` lines.
/// Progress is best-effort: while the output queue is full a report is dropped rather than
/// held, so memory stays bounded and the answers are never delayed by it.
fn progress_sink(out: mpsc::Sender<Outgoing>, request_id: Option<Value>) -> ProgressSink {
    ProgressSink::new(move |message| {
        let line = json!({"type": "progress", "requestId": request_id, "message": message});
        let _ = out.try_send(render(&line).into());
    })
}

/// Serves requests from `input` until it ends, writing one line per answer to `output`.
pub async fn serve<R, W>(
    runtime: Arc<Runtime>,
    input: R,
    output: W,
    options: ServeOptions,
) -> std::io::Result<()>
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin + Send + 'static,
{
    serve_until(runtime, input, output, options, std::future::pending()).await
}

/// Like [`serve`], and stops reading when `shutdown` completes (the binary passes SIGINT or
/// SIGTERM): the requests in flight still finish and are answered — a command that owns a
/// resource (a disposable deployment, say) sees the same signal and cleans
/// up — then the function returns.
pub async fn serve_until<R, W>(
    runtime: Arc<Runtime>,
    input: R,
    output: W,
    options: ServeOptions,
    shutdown: impl std::future::Future<Output = ()>,
) -> std::io::Result<()>
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin + Send + 'static,
{
    let mut shutdown = std::pin::pin!(shutdown);
    let max_in_flight = options.max_in_flight.max(1);
    let (out_tx, out_rx) = mpsc::channel::<Outgoing>(OUTPUT_QUEUE);
    let writer = tokio::spawn(write_lines(output, out_rx));
    let host = Arc::new(Host {
        out: out_tx.clone(),
        pending: std::sync::Mutex::new(HashMap::new()),
        next_ask: AtomicU64::new(1),
        open: AtomicBool::new(true),
        timeout: options.secret_timeout,
        asked: tokio::sync::Notify::new(),
    });
    let mut lines = LineReader::new(input, options.max_line_bytes);
    let mut tasks = JoinSet::new();
    let mut running: HashMap<tokio::task::Id, (Option<Value>, usize)> = HashMap::new();
    // Requests read while `max_in_flight` run: reading goes on while this has room, so the
    // host's answers to secret requests still arrive when every slot waits for one.
    let mut waiting: VecDeque<(Value, usize)> = VecDeque::new();
    let mut held_bytes = 0usize;
    // Input is read until it ends; after a shutdown signal it is read only for the host's
    // answers to secret requests still outstanding (new requests are answered, not run).
    let mut reading = true;
    let mut shutting_down = false;

    loop {
        while tasks.len() < max_in_flight
            && let Some((request, size)) = waiting.pop_front()
        {
            let request_id = request.get("id").cloned();
            let runtime = Arc::clone(&runtime);
            let out = out_tx.clone();
            let ask = AskHost {
                host: Arc::clone(&host),
                request_id: request_id.clone(),
            };
            let hooks = Hooks {
                progress: Some(progress_sink(out.clone(), request_id.clone())),
                cancel: None,
            };
            let handle = tasks.spawn(async move {
                let response = runtime.handle_observed(request, Some(&ask), hooks).await;
                let _ = out.send(Outgoing::answer(response)).await;
            });
            running.insert(handle.id(), (request_id, size));
        }
        if out_tx.is_closed() {
            // The writer failed (stdout is gone): nobody can read further answers.
            reading = false;
        }
        if !reading && host.open.load(Ordering::SeqCst) {
            // No more answers can arrive: secret requests get "no value" at once.
            host.close();
        }
        if (!reading || shutting_down) && tasks.is_empty() && waiting.is_empty() {
            break;
        }
        // While a secret request is outstanding its answer is somewhere ahead on the input, so
        // reading goes on past a full queue (still within the byte budget and a hard cap), and
        // after a shutdown signal.
        let asking = host.pending.lock().is_ok_and(|p| !p.is_empty());
        let room = reading
            && if shutting_down {
                asking
            } else {
                (waiting.len() < max_in_flight
                    || (asking
                        && waiting.len() < max_in_flight.saturating_mul(WAITING_WHILE_ASKING)))
                    && (held_bytes < options.max_buffered_bytes || held_bytes == 0)
            };
        tokio::select! {
            () = host.asked.notified(), if reading && !room => {}
            () = &mut shutdown, if !shutting_down => {
                tracing::info!("shutdown signal: finishing the requests in flight");
                // Requests already read still run and are answered, and the host can still
                // answer their secret requests (issue 17, defect 17).
                shutting_down = true;
            }
            line = lines.next(), if room => {
                let line = match line {
                    Ok(Some(line)) => line,
                    Ok(None) => {
                        reading = false;
                        continue;
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "stdin failed; finishing the requests in flight");
                        reading = false;
                        continue;
                    }
                };
                let size = match &line { Line::Text(text) => text.len(), _ => 0 };
                match parse_line(line, options.max_line_bytes) {
                    Parsed::Skip => {}
                    Parsed::Answer(response) => {
                        let _ = out_tx.send(render(&response.to_json()).into()).await;
                    }
                    Parsed::SecretAnswer(ask, value) => {
                        if !host.answer(ask, value) {
                            // One answer per line: a stray answer is reported, never dropped.
                            let error = stray_secret_answer(format!(
                                "No secret request with id {ask} is outstanding (never asked, already answered, or timed out); the answer was ignored."
                            ));
                            let _ = out_tx.send(render(&Response::failure(None, None, error).to_json()).into()).await;
                        }
                    }
                    Parsed::Request(request) if shutting_down => {
                        let error = Error::new(
                            ErrorCode::ShuttingDown,
                            "The process is shutting down: the request was not run.",
                        )
                        .with_retriable(true);
                        let response = Response::failure(request.get("id").cloned(), None, error);
                        let _ = out_tx.send(render(&response.to_json()).into()).await;
                    }
                    Parsed::Request(request) => {
                        held_bytes += size;
                        waiting.push_back((request, size));
                    }
                }
            }
            Some(done) = tasks.join_next_with_id(), if !tasks.is_empty() => {
                let size = finished(done, &mut running, &out_tx).await;
                held_bytes -= size;
            }
            else => break,
        }
    }

    host.close();
    drop(out_tx);
    drop(host);
    writer
        .await
        .unwrap_or_else(|e| Err(std::io::Error::other(e)))
}

/// What one input line asks for.
enum Parsed {
    /// A blank line: nothing to answer.
    Skip,
    /// A line that is not a request: its error answer.
    Answer(Response),
    /// The host's answer to a secret request.
    SecretAnswer(u64, Option<String>),
    /// A request envelope to run.
    Request(Value),
}

fn parse_line(line: Line, max_line_bytes: usize) -> Parsed {
    let text = match line {
        Line::Text(text) => text,
        Line::TooLong => {
            let error = super::envelope::line_too_long(max_line_bytes);
            return Parsed::Answer(Response::failure(None, None, error));
        }
        Line::NotUtf8 => {
            let error = Error::new(
                ErrorCode::InvalidCommandArgs,
                "The request line is not valid UTF-8.",
            );
            return Parsed::Answer(Response::failure(None, None, error));
        }
    };
    if text.trim().is_empty() {
        return Parsed::Skip;
    }
    let value = match super::parse_json(&text, "request line") {
        Ok(value) => value,
        Err(error) => return Parsed::Answer(Response::failure(None, None, error)),
    };
    if value.get("type").and_then(Value::as_str) == Some("secret") {
        return secret_answer(&value);
    }
    Parsed::Request(value)
}

/// A `{"type":"secret"}` line is the host's answer to a secret request, exactly
/// `{"type":"secret","id":<n>,"value":"…"|null}`. Anything else carrying that type is answered
/// with an error (without an `id`: the line's `id` names a secret request, not a request the
/// host is waiting on), and no secret request is touched.
fn secret_answer(line: &Value) -> Parsed {
    let fields_ok = line.as_object().is_some_and(|map| {
        map.keys()
            .all(|k| matches!(k.as_str(), "type" | "id" | "value"))
    });
    let ask = line.get("id").and_then(Value::as_u64);
    let value = match line.get("value") {
        Some(Value::String(s)) => Some(Some(s.clone())),
        Some(Value::Null) => Some(None),
        _ => None,
    };
    match (fields_ok, ask, value) {
        (true, Some(ask), Some(value)) => Parsed::SecretAnswer(ask, value),
        _ => Parsed::Answer(Response::failure(
            None,
            None,
            stray_secret_answer(
                "A `\"type\": \"secret\"` line must be an answer to a secret request: {\"type\":\"secret\",\"id\":<n>,\"value\":\"…\"|null}; it was ignored.".to_owned(),
            ),
        )),
    }
}

fn stray_secret_answer(message: String) -> Error {
    Error::new(ErrorCode::InvalidCommandArgs, message).with_hint(
        "Requests are {\"id\", \"command\", \"args\"} lines; `type: secret` lines only answer the secret requests this process sends.",
    )
}

/// Accounts for a finished request; one that panicked still gets its one answer line.
/// Returns the bytes its line held.
async fn finished(
    done: Result<(tokio::task::Id, ()), tokio::task::JoinError>,
    running: &mut HashMap<tokio::task::Id, (Option<Value>, usize)>,
    out: &mpsc::Sender<Outgoing>,
) -> usize {
    match done {
        Ok((id, ())) => running.remove(&id).map_or(0, |(_, size)| size),
        Err(e) => {
            let (request_id, size) = running.remove(&e.id()).unwrap_or((None, 0));
            let error = Error::internal("the request hit an internal error (a bug); see stderr");
            let _ = out
                .send(Outgoing::answer(Response::failure(request_id, None, error)))
                .await;
            size
        }
    }
}

/// One output line (without its newline). Secret requests carry no values; responses are
/// already redacted.
fn render(value: &Value) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned())
}

/// One line for the writer, with what its request holds until it is written: an answer
/// queued for the writer still counts against the memory budget (`crate::http::budget`).
/// `mcp` writes through the same writer.
#[derive(Debug)]
pub(crate) struct Outgoing {
    text: String,
    held: Held,
}

impl Outgoing {
    /// A rendered line and what its request holds until it is written.
    pub(crate) fn new(text: String, held: Held) -> Self {
        Self { text, held }
    }

    /// A request's answer, rendered, keeping what the request held.
    fn answer(response: Response) -> Self {
        let (document, held) = response.into_parts();
        Self {
            text: render(&document),
            held,
        }
    }

    fn append_to(self, batch: &mut Vec<u8>, holding: &mut Vec<Held>) {
        batch.extend_from_slice(self.text.as_bytes());
        batch.push(b'\n');
        holding.push(self.held);
    }
}

impl From<String> for Outgoing {
    fn from(text: String) -> Self {
        Self {
            text,
            held: Held::default(),
        }
    }
}

/// Writes answer lines, one write and one flush per burst: every line already queued joins
/// the batch, so a busy `serve` does not pay a system call (and a thread hand-off, for
/// tokio's stdout) per line.
pub(crate) async fn write_lines<W: AsyncWrite + Unpin>(
    mut output: W,
    mut lines: mpsc::Receiver<Outgoing>,
) -> std::io::Result<()> {
    let mut batch: Vec<u8> = Vec::with_capacity(WRITE_BATCH_BYTES);
    // What the batch's answers hold (their memory-budget slots) until they are written.
    let mut holding: Vec<Held> = Vec::new();
    while let Some(line) = lines.recv().await {
        line.append_to(&mut batch, &mut holding);
        while batch.len() < WRITE_BATCH_BYTES {
            match lines.try_recv() {
                Ok(line) => line.append_to(&mut batch, &mut holding),
                Err(_) => break,
            }
        }
        output.write_all(&batch).await?;
        output.flush().await?;
        holding.clear();
        batch.clear();
        if batch.capacity() > 4 * WRITE_BATCH_BYTES {
            // One huge answer does not keep its buffer for the life of the process.
            batch = Vec::with_capacity(WRITE_BATCH_BYTES);
        }
    }
    output.shutdown().await
}
