//! `<binary> mcp`: an MCP server on stdio (design §2, `spec/mcp.md`), built on `rmcp` with a
//! hand-written, data-driven tool list ([`tools`]): one tool per registered command, reached
//! by its tool name, its command's id or any alias. rmcp reads through a line transport of
//! ours (`transport`) that bounds what every line may cost, answers every request line rmcp
//! would drop or die on, and holds reading back at `--max-in-flight` calls ([`McpOptions`]).
//!
//! A `tools/call` goes through the same dispatcher as `run` ([`Runtime::handle_observed`]):
//! schema validation reporting every problem, secrets from the environment (the server's
//! `env`; MCP has no way to ask the host lazily), the dry-run gate (`<PREFIX>DRY_RUN`, or a
//! `dryRun: true` argument on a paid or mutating tool — a call can turn it on, never off),
//! and redaction ([`Response::to_json`]). What the command says — success or failure — is a
//! tool result; a failure has `isError: true` and carries the error document (code, message,
//! hint, problems) so the model can act on it. JSON-RPC errors are kept for protocol
//! problems: an unknown tool (its name quoted redacted and cut), a malformed call, a line
//! over the request bounds.
//!
//! Commands that wait report progress as `notifications/progress` when the call carries a
//! `progressToken`. `notifications/cancelled` stops the call: its future is dropped, which
//! aborts its HTTP request — except for a command that owns a resource and listens for
//! cancellation (a disposable deployment, say): it is signalled and awaited while it
//! cleans up, as on SIGTERM. rmcp sends no response for a cancelled call. stdout carries
//! nothing but JSON-RPC; logs go to stderr. End of input cancels the calls in flight the same
//! way, waits for their cleanup, and ends the server.

pub mod tools;
mod transport;

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use futures_util::FutureExt;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, ErrorData,
    Implementation, ListToolsResult, PaginatedRequestParams, ProgressNotificationParam,
    ProgressToken, ServerCapabilities, ServerConfig,
};
use rmcp::service::{Peer, RequestContext};
use rmcp::{RoleServer, ServerHandler, ServiceExt};
use serde_json::{Map, Value, json};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::{RwLock, mpsc};

use crate::command::{DynCommand, Effect};
use crate::error::{Error, Problem};
use crate::pack::Pack;
use crate::runtime::{CancelSignal, Held, Hooks, ProgressSink, Response, Runtime, registry};
use crate::secrets;
use tools::{DRY_RUN_ARG, ToolSet};
use transport::LineTransport;
pub use transport::McpOptions;

/// What the server tells the client about itself, from the pack.
fn instructions(pack: &Pack) -> String {
    let credentials: Vec<&str> = pack.secrets.iter().map(|s| s.canonical()).collect();
    let setup = format!("{}.setup", pack.name);
    let setup = if registry::find(pack, &setup).is_some() {
        format!(" `{}` lists what is missing.", registry::tool_name(&setup))
    } else {
        String::new()
    };
    format!(
        "{} tools. Read-only tools are safe to call. Paid and mutating tools accept `dryRun: true`, which returns the exact request they would send without sending it: preview first and confirm with the user. Credentials come from this server's environment ({}).{setup} A failed call returns its error document (code, message, hint) as the result.",
        pack.title,
        credentials.join(", ")
    )
}

/// The MCP server: the runtime and the tool list built from the registry.
#[derive(Debug, Clone)]
pub struct McpServer {
    runtime: Arc<Runtime>,
    tools: Arc<ToolSet>,
    /// Held (shared) by every call in flight; taken (exclusive) at the end, to wait for them.
    in_flight: Arc<RwLock<()>>,
}

impl McpServer {
    /// A server over `runtime`, offering every registered command.
    pub fn new(runtime: Arc<Runtime>) -> Self {
        Self {
            tools: Arc::new(ToolSet::from_pack(runtime.pack())),
            runtime,
            in_flight: Arc::new(RwLock::new(())),
        }
    }

    /// Resolves once no call is in flight.
    pub async fn idle(&self) {
        let _ = self.in_flight.write().await;
    }

    /// Runs `command` with the call's arguments through the dispatcher, reporting progress to
    /// `progress` when the client asked for it.
    async fn call(
        &self,
        (command, alias): tools::Resolved,
        arguments: Option<Map<String, Value>>,
        progress: Option<(ProgressToken, Peer<RoleServer>)>,
        cancel: CancelSignal,
    ) -> (CallToolResult, Held) {
        let mut args = arguments.unwrap_or_default();
        let mut dry_run = false;
        if tools::gated(command) {
            match args.remove(DRY_RUN_ARG) {
                None | Some(Value::Null) => {}
                Some(Value::Bool(requested)) => dry_run = requested,
                Some(_) => {
                    let error = Error::invalid_args(vec![Problem {
                        path: format!("/{DRY_RUN_ARG}"),
                        message: "dryRun must be true or false".into(),
                        code: None,
                    }]);
                    return result(Response::failure(None, Some(command.id()), error));
                }
            }
        }
        // Called by an alias, the dispatcher maps the alias's arguments (`alias_args`).
        let name = alias.unwrap_or(command.id());
        let envelope = json!({"command": name, "args": args, "dryRun": dry_run});
        let (sink, forward) = match progress {
            Some((token, peer)) => {
                let (sink, forward) = progress_channel(token, peer);
                (Some(sink), Some(forward))
            }
            None => (None, None),
        };
        let hooks = Hooks {
            progress: sink,
            cancel: Some(cancel),
        };
        let dispatch = self.dispatch(command, envelope, hooks);
        // The forwarder ends when the dispatch drops its sink, so every progress
        // notification is written before the result.
        let response = match forward {
            Some(forward) => tokio::join!(dispatch, forward).0,
            None => dispatch.await,
        };
        result(response)
    }
}

impl McpServer {
    /// The dispatcher; a panicking command still gets its one answer, as in `serve`.
    async fn dispatch(
        &self,
        command: &'static dyn DynCommand,
        envelope: Value,
        hooks: Hooks,
    ) -> Response {
        let outcome = AssertUnwindSafe(self.runtime.handle_observed(envelope, None, hooks))
            .catch_unwind()
            .await;
        match outcome {
            Ok(response) => response,
            Err(_) => {
                let error =
                    Error::internal("the request hit an internal error (a bug); see stderr");
                Response::failure(None, Some(command.id()), error)
            }
        }
    }
}

/// Longest part of an unknown tool's name quoted back.
const QUOTED_NAME_CHARS: usize = 64;

/// The protocol error for a call naming no tool: the name is quoted redacted, then cut (a
/// name carrying a secret printed it whole, issue 17, defect 17), with the closest tools.
fn unknown_tool(pack: &Pack, name: &str) -> ErrorData {
    let suggestions: Vec<String> = registry::suggestions(pack, name)
        .into_iter()
        .map(registry::tool_name)
        .collect();
    ErrorData::invalid_params(
        format!(
            "Unknown tool `{}`.",
            secrets::excerpt(name, QUOTED_NAME_CHARS)
        ),
        Some(json!({"suggestions": suggestions})),
    )
}

/// The tool result for a response.
///
/// One form only: the compact JSON of the normal response envelope as a single text block,
/// with no `structuredContent` and no `outputSchema`. OpenClaw renders a result as its
/// structured content *followed by* every text block, so sending both (as
/// `CallToolResult::structured` does) would show the model the same document twice; text is
/// what every client displays, and it is the same document `run` prints.
///
/// The document is moved into its text, not copied (a result may be megabytes); what the
/// request holds (its secrets for redaction, its claim on the memory budget) comes back, to
/// be kept until the answer is written.
fn result(response: Response) -> (CallToolResult, Held) {
    let ok = response.is_ok();
    let (document, held) = response.into_parts();
    let text = vec![ContentBlock::text(document.to_string())];
    let result = if ok {
        CallToolResult::success(text)
    } else {
        CallToolResult::error(text)
    };
    (result, held)
}

/// A progress sink for one call and the future that turns its reports into
/// `notifications/progress`, in order, with an increasing `progress` count.
fn progress_channel(
    token: ProgressToken,
    peer: Peer<RoleServer>,
) -> (ProgressSink, impl Future<Output = ()> + Send) {
    let (tx, mut rx) = mpsc::unbounded_channel::<String>();
    let sink = ProgressSink::new(move |message| {
        let _ = tx.send(message.to_owned());
    });
    let forward = async move {
        let mut count = 0u32;
        while let Some(message) = rx.recv().await {
            count += 1;
            let param = ProgressNotificationParam::new(token.clone(), f64::from(count))
                .with_message(message);
            // A client that went away cannot be told; the call goes on.
            if let Err(e) = peer.notify_progress(param).await {
                tracing::debug!(error = %e, "progress notification not sent");
            }
        }
    };
    (sink, forward)
}

impl ServerHandler for McpServer {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            // The binary's own name (issue 17, defect 16), never the library's.
            .with_server_info(
                Implementation::new(self.runtime.pack().binary, env!("CARGO_PKG_VERSION"))
                    .with_title(self.runtime.pack().title),
            )
            .with_instructions(instructions(self.runtime.pack()))
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        // About fifty tools: one page.
        Ok(ListToolsResult::with_all_items(self.tools.tools().to_vec()))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let Some(resolved) = self.tools.resolve(&request.name) else {
            return Err(unknown_tool(self.runtime.pack(), &request.name));
        };
        let command = resolved.0;
        let _in_flight = Arc::clone(&self.in_flight).read_owned().await;
        let progress = context
            .meta
            .get_progress_token()
            .map(|token| (token, context.peer.clone()));
        let cancel = CancelSignal::new();
        let call = self.call(resolved, request.arguments, progress, cancel.clone());
        let mut call = std::pin::pin!(call);
        tokio::select! {
            biased;
            (outcome, held) = &mut call => {
                transport::keep_until_written(&context.extensions, held);
                Ok(outcome.into())
            }
            () = context.ct.cancelled() => {
                // rmcp sends no response for a cancelled request (nor at end of input).
                cancel.cancel();
                if cancel.is_listened() {
                    tracing::warn!(command = command.id(), "call cancelled; waiting for the command to clean up");
                    let _ = call.await;
                } else if command.effect() != Effect::ReadOnly {
                    tracing::warn!(command = command.id(), "call cancelled; a request already sent cannot be recalled");
                } else {
                    tracing::info!(command = command.id(), "call cancelled");
                }
                Err(ErrorData::internal_error("the call was cancelled", None))
            }
        }
    }
}

/// Serves MCP over `input`/`output` until the input ends (or the client goes away), or until
/// `shutdown` completes (the binary passes SIGINT/SIGTERM). Calls in flight at the end are
/// dropped: nobody is left to answer. Every line is read and checked by the line transport
/// (bounds, backpressure, an answer for every request line); see `transport`.
pub async fn serve_until<R, W>(
    runtime: Arc<Runtime>,
    input: R,
    output: W,
    options: McpOptions,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()>
where
    R: AsyncRead + Send + Unpin + 'static,
    W: AsyncWrite + Send + Unpin + 'static,
{
    let server = McpServer::new(runtime);
    let calls = server.clone();
    let (out, lines) = mpsc::channel::<crate::runtime::serve::Outgoing>(transport::OUTPUT_QUEUE);
    let writer = tokio::spawn(crate::runtime::serve::write_lines(output, lines));
    let supported = ServerHandler::supported_protocol_versions(&server).into_owned();
    let transport = LineTransport::new(input, out, options, supported);
    let mut shutdown = std::pin::pin!(shutdown);
    let mut stopped = false;
    let session = async {
        let running = tokio::select! {
            started = server.serve(transport) => match started {
                Ok(running) => running,
                // Input ended (or the client left) before a lifecycle began: nothing to serve.
                Err(rmcp::service::ServerInitializeError::ConnectionClosed(reason)) => {
                    tracing::debug!(reason, "input closed before initialization");
                    return Ok(());
                }
                // The error may quote a message: its kind only.
                Err(e) => return Err(std::io::Error::other(init_failure(&e))),
            },
            () = &mut shutdown => {
                stopped = true;
                return Ok(());
            }
        };
        let token = running.cancellation_token();
        tokio::select! {
            quit = running.waiting() => match quit {
                Ok(reason) => {
                    tracing::debug!(?reason, "mcp session ended");
                    Ok(())
                }
                Err(e) => Err(std::io::Error::other(e)),
            },
            () = &mut shutdown => {
                stopped = true;
                tracing::info!("shutdown signal: ending the mcp session");
                token.cancel();
                Ok(())
            }
        }
    };
    let ended = session.await;
    // The session's end cancelled every call in flight; commands cleaning up finish first.
    calls.idle().await;
    // Everything written is flushed, unless a signal ended the session: then a client that
    // stopped reading cannot hold the process.
    if stopped {
        writer.abort();
        return ended;
    }
    let written = tokio::select! {
        written = writer => written.unwrap_or_else(|e| Err(std::io::Error::other(e))),
        () = &mut shutdown => Ok(()),
    };
    ended.and(written)
}

/// What went wrong when a session could not begin, without the message rmcp quotes.
fn init_failure(error: &rmcp::service::ServerInitializeError) -> String {
    use rmcp::service::ServerInitializeError as E;
    match error {
        E::ExpectedInitializeRequest(_) => "the client did not begin with initialize".to_owned(),
        E::UnexpectedInitializeResponse(_) => "initialize could not be answered".to_owned(),
        E::InitializeFailed(e) => {
            format!("initialize failed: {}", secrets::excerpt(&e.message, 200))
        }
        other => secrets::excerpt(&other.to_string(), 200),
    }
}
