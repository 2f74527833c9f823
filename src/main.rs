//! The `theta-skill` binary: parse arguments, read stdin, run, print, exit.
//!
//! A panic anywhere still ends with exactly one JSON document on stdout: the work runs under
//! `catch_unwind`, the panic message goes (redacted) to stderr, and an `INTERNAL` error is
//! printed instead of a result.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use theta_skill::cli::{self, Input};
use theta_skill::error::{Error, ErrorCode};
use theta_skill::runtime::Response;
use theta_skill::secrets::redact;

fn main() -> ExitCode {
    init_logging();
    std::panic::set_hook(Box::new(|info| {
        let message = redact::redact_text(&info.to_string()).into_owned();
        let _ = writeln!(std::io::stderr(), "theta-skill: internal error: {message}");
    }));
    let outcome = std::panic::catch_unwind(|| {
        // Not locked: `serve` reads stdin through tokio, which takes the lock per read.
        let mut stdin = std::io::stdin();
        let args: Vec<_> = std::env::args_os().collect();
        cli::execute(
            &args,
            Input {
                stdin_is_terminal: std::io::stdin().is_terminal(),
                stdout_is_terminal: std::io::stdout().is_terminal(),
                stdin: &mut stdin,
            },
        )
    });
    let outcome = outcome.unwrap_or_else(|_| {
        let error = Error::new(
            ErrorCode::Internal,
            "theta-skill hit an internal error (a bug); see stderr.",
        );
        let doc = Response::failure(None, None, error).to_json();
        cli::Outcome {
            stdout: format!("{doc}\n"),
            stderr: String::new(),
            status: 1,
        }
    });
    let _ = std::io::stderr().write_all(outcome.stderr.as_bytes());
    let mut stdout = std::io::stdout().lock();
    if stdout
        .write_all(outcome.stdout.as_bytes())
        .and_then(|()| stdout.flush())
        .is_err()
    {
        // stdout is gone (closed pipe): nothing more can be reported there.
        return ExitCode::from(outcome.status.max(1));
    }
    ExitCode::from(outcome.status)
}

/// Logs (JSON lines, redacted) go to stderr, and only when THETA_LOG or RUST_LOG asks.
fn init_logging() {
    let Some(filter) = ["THETA_LOG", "RUST_LOG"]
        .iter()
        .find_map(|var| std::env::var(var).ok().filter(|v| !v.trim().is_empty()))
    else {
        return;
    };
    // rmcp logs whole requests (tool arguments included) at debug and info: keep it at warn
    // unless asked for by name.
    let filter = if filter.contains("rmcp") {
        filter
    } else {
        format!("{filter},rmcp=warn")
    };
    let filter = tracing_subscriber::EnvFilter::try_new(filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter)
        .with_current_span(false)
        .with_span_list(false)
        .with_writer(|| RedactingStderr)
        .try_init();
}

/// stderr, with every known secret masked in each log line.
struct RedactingStderr;

impl Write for RedactingStderr {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        std::io::stderr().write_all(redact::redact_text(&text).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        std::io::stderr().flush()
    }
}
