//! `serve`: many requests in one process, JSON Lines over stdio (design §2).
//!
//! Every input line is one request envelope, answered by exactly one output line carrying the
//! same `id`. Requests run concurrently, so answers may come back in any order. A line that is
//! not a JSON object is answered with an error line and the process keeps serving. At end of
//! input the process finishes the requests in flight, then exits.
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

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use futures_util::StreamExt;
use futures_util::future::BoxFuture;
use secrecy::SecretString;
use serde_json::{Value, json};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinSet;
use tokio_util::codec::{FramedRead, LinesCodec, LinesCodecError};

use super::{Hooks, ProgressSink, Response, Runtime};
use crate::error::{Error, ErrorCode};
use crate::secrets::{self, SecretName, SecretProvider};

/// Serve-mode limits.
#[derive(Debug, Clone, Copy)]
pub struct ServeOptions {
    /// How long a lazy secret request waits for the host's answer.
    pub secret_timeout: Duration,
    /// Longest accepted input line, in bytes.
    pub max_line_bytes: usize,
}

impl Default for ServeOptions {
    fn default() -> Self {
        Self {
            secret_timeout: Duration::from_secs(5),
            max_line_bytes: 64 * 1024 * 1024,
        }
    }
}

/// State shared by the reader and every request's secret provider.
#[derive(Debug)]
struct Host {
    out: mpsc::UnboundedSender<Value>,
    pending: std::sync::Mutex<HashMap<u64, oneshot::Sender<Option<String>>>>,
    next_ask: AtomicU64,
    open: AtomicBool,
    timeout: Duration,
}

impl Host {
    /// Delivers the host's answer to a secret request.
    fn answer(&self, ask: u64, value: Option<String>) {
        let waiter = self.pending.lock().ok().and_then(|mut p| p.remove(&ask));
        match waiter {
            Some(waiter) => {
                let _ = waiter.send(value);
            }
            None => tracing::warn!(ask, "answer to an unknown or expired secret request"),
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
            let message = json!({
                "type": "secret",
                "id": ask,
                "name": name.canonical(),
                "requestId": self.request_id,
            });
            if self.host.out.send(message).is_err() {
                return Ok(None);
            }
            match tokio::time::timeout(self.host.timeout, rx).await {
                Ok(Ok(value)) => Ok(value.as_deref().and_then(secrets::accept)),
                Ok(Err(_)) => Ok(None),
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
    let (out_tx, out_rx) = mpsc::unbounded_channel::<Value>();
    let writer = tokio::spawn(write_lines(output, out_rx));
    let host = Arc::new(Host {
        out: out_tx.clone(),
        pending: std::sync::Mutex::new(HashMap::new()),
        next_ask: AtomicU64::new(1),
        open: AtomicBool::new(true),
        timeout: options.secret_timeout,
    });
    let mut lines = FramedRead::new(
        input,
        LinesCodec::new_with_max_length(options.max_line_bytes),
    );
    let mut tasks = JoinSet::new();
    let mut ids: HashMap<tokio::task::Id, Option<Value>> = HashMap::new();

    loop {
        tokio::select! {
            () = &mut shutdown => {
                tracing::info!("shutdown signal: finishing the requests in flight");
                break;
            }
            line = lines.next() => {
                let Some(line) = line else { break };
                let text = match line {
                    Ok(text) => text,
                    Err(LinesCodecError::MaxLineLengthExceeded) => {
                        let error = Error::new(
                            ErrorCode::InvalidCommandArgs,
                            format!("The request line exceeds {} bytes.", options.max_line_bytes),
                        );
                        let _ = out_tx.send(Response::failure(None, None, error).to_json());
                        continue;
                    }
                    Err(LinesCodecError::Io(e)) => {
                        tracing::warn!(error = %e, "stdin failed; finishing the requests in flight");
                        break;
                    }
                };
                if text.trim().is_empty() {
                    continue;
                }
                let value: Value = match serde_json::from_str(&text) {
                    Ok(value) => value,
                    Err(e) => {
                        let error = Error::new(
                            ErrorCode::InvalidCommandArgs,
                            format!("The request line is not valid JSON: {e}."),
                        );
                        let _ = out_tx.send(Response::failure(None, None, error).to_json());
                        continue;
                    }
                };
                if value.get("type").and_then(Value::as_str) == Some("secret") {
                    match value.get("id").and_then(Value::as_u64) {
                        Some(ask) => host.answer(ask, value.get("value").and_then(Value::as_str).map(str::to_owned)),
                        None => tracing::warn!("secret answer without a numeric id"),
                    }
                    continue;
                }
                let request_id = value.get("id").cloned();
                let runtime = Arc::clone(&runtime);
                let out = out_tx.clone();
                let ask = AskHost { host: Arc::clone(&host), request_id: request_id.clone() };
                let progress = progress_sink(out.clone(), request_id.clone());
                let handle = tasks.spawn(async move {
                    let response = runtime.handle_observed(value, Some(&ask), Hooks { progress: Some(progress), cancel: None }).await;
                    let _ = out.send(response.to_json());
                });
                ids.insert(handle.id(), request_id);
            }
            Some(done) = tasks.join_next_with_id(), if !tasks.is_empty() => {
                report_panic(done, &mut ids, &out_tx);
            }
        }
    }

    host.close();
    while let Some(done) = tasks.join_next_with_id().await {
        report_panic(done, &mut ids, &out_tx);
    }
    drop(out_tx);
    drop(host);
    writer
        .await
        .unwrap_or_else(|e| Err(std::io::Error::other(e)))
}

/// Progress reports of one request as `{"type":"progress","requestId":…,"message":…}` lines.
fn progress_sink(out: mpsc::UnboundedSender<Value>, request_id: Option<Value>) -> ProgressSink {
    ProgressSink::new(move |message| {
        let _ = out.send(json!({"type": "progress", "requestId": request_id, "message": message}));
    })
}

/// A request task that panicked still gets its one answer line.
fn report_panic(
    done: Result<(tokio::task::Id, ()), tokio::task::JoinError>,
    ids: &mut HashMap<tokio::task::Id, Option<Value>>,
    out: &mpsc::UnboundedSender<Value>,
) {
    match done {
        Ok((id, ())) => {
            ids.remove(&id);
        }
        Err(e) => {
            let request_id = ids.remove(&e.id()).flatten();
            let error = Error::internal("the request hit an internal error (a bug); see stderr");
            let _ = out.send(Response::failure(request_id, None, error).to_json());
        }
    }
}

async fn write_lines<W: AsyncWrite + Unpin>(
    mut output: W,
    mut lines: mpsc::UnboundedReceiver<Value>,
) -> std::io::Result<()> {
    while let Some(value) = lines.recv().await {
        // Secret requests carry no values; responses are already redacted.
        let mut line = serde_json::to_string(&value).unwrap_or_else(|_| "null".to_owned());
        line.push('\n');
        output.write_all(line.as_bytes()).await?;
        output.flush().await?;
    }
    output.shutdown().await
}
