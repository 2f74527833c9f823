//! The long-lived modes: `serve` (JSON Lines for the OpenClaw plugin) and `mcp` (an MCP
//! server), each on a current-thread runtime that stops on SIGINT or SIGTERM.

use super::Outcome;
use crate::pack::Pack;
use crate::runtime::Runtime;
use crate::secrets::redact;

// Never inlined (nor `mcp`, nor the generators in `tools`): a mode's server future lives on
// its caller's stack frame, ~20 KB that every start of the binary would otherwise touch page
// by page (a stack probe) in `cli::execute`, which routes to it.
#[inline(never)]
pub(super) fn serve(pack: &'static Pack, secret_timeout: u64, max_in_flight: usize) -> Outcome {
    let tokio = match super::async_runtime() {
        Ok(rt) => rt,
        Err(error) => return Outcome::error(error, false),
    };
    let runtime = std::sync::Arc::new(Runtime::from_env(pack));
    let options = crate::runtime::serve::ServeOptions {
        secret_timeout: std::time::Duration::from_secs(secret_timeout),
        max_in_flight,
        ..Default::default()
    };
    let served = tokio.block_on(crate::runtime::serve::serve_until(
        runtime,
        tokio::io::stdin(),
        tokio::io::stdout(),
        options,
        shutdown_signal(),
    ));
    // The stdin reader may still be blocked in a read that will never return (input still
    // open after a signal): do not wait for it.
    tokio.shutdown_background();
    match served {
        Ok(()) => Outcome::default(),
        Err(e) => Outcome {
            stderr: format!("{} serve: {e}\n", pack.binary),
            status: 1,
            ..Outcome::default()
        },
    }
}

#[inline(never)]
pub(super) fn mcp(pack: &'static Pack, max_in_flight: usize) -> Outcome {
    let tokio = match super::async_runtime() {
        Ok(rt) => rt,
        Err(error) => return Outcome::error(error, false),
    };
    let runtime = std::sync::Arc::new(Runtime::from_env(pack));
    let options = crate::mcp::McpOptions {
        max_in_flight,
        ..Default::default()
    };
    let served = tokio.block_on(async {
        let (input, output) = rmcp::transport::io::stdio_pipes();
        crate::mcp::serve_until(runtime, input, output, options, shutdown_signal()).await
    });
    // As in `serve`: a stdin read may still be pending; do not wait for it.
    tokio.shutdown_background();
    match served {
        Ok(()) => Outcome::default(),
        Err(e) => Outcome {
            stderr: format!(
                "{} mcp: {}\n",
                pack.binary,
                redact::redact_text(&e.to_string())
            ),
            status: 1,
            ..Outcome::default()
        },
    }
}

/// SIGINT or SIGTERM. Once a command listens for signals the default "terminate" action is
/// gone for the whole process, so `serve` owns them too and stops gracefully.
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    if tokio::signal::ctrl_c().await.is_err() {
        std::future::pending::<()>().await;
    }
}
