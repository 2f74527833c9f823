//! `run` and a request envelope on stdin: read the request, run it on a fresh runtime, and
//! answer with exactly one JSON document (progress goes to stderr).

use std::io::{IsTerminal, Read, Write};

use serde_json::{Value, json};

use super::{Input, Outcome};
use crate::bounds::MAX_REQUEST_BYTES;
use crate::error::{Error, ErrorCode};
use crate::pack::Pack;
use crate::runtime::{self, Hooks, ProgressSink, Runtime};

/// What the runtime is asked to do.
pub(super) enum Job {
    Envelope(Value),
    Run {
        command: String,
        args: Value,
        dry_run: bool,
    },
}

pub(super) fn execute_job(pack: &'static Pack, job: Job, pretty: bool) -> Outcome {
    // Test builds can force a panic to prove the "one JSON document, panics included" rule.
    #[cfg(feature = "local-endpoints")]
    if std::env::var_os(pack.var("SKILL_DEBUG_PANIC")).is_some() {
        panic!("{} is set", pack.var("SKILL_DEBUG_PANIC"));
    }
    let tokio = match super::async_runtime() {
        Ok(rt) => rt,
        Err(error) => return Outcome::error(error, pretty),
    };
    let runtime = Runtime::from_env(pack);
    let hooks = Hooks {
        progress: Some(stderr_progress(pack)),
        cancel: None,
    };
    let response = tokio.block_on(async {
        match job {
            Job::Envelope(envelope) => runtime.handle_observed(envelope, None, hooks).await,
            Job::Run {
                command,
                args,
                dry_run,
            } => runtime.run_observed(&command, args, dry_run, hooks).await,
        }
    });
    Outcome::response(response, pretty)
}

/// Progress of a command that waits, in `run`: one `{"type":"progress","message":…}` line on
/// stderr per report, or a plain sentence when stderr is a terminal. The message is the
/// sink's (redacted, state only); nothing of the arguments is added.
fn stderr_progress(pack: &Pack) -> ProgressSink {
    let binary = pack.binary;
    let human = std::io::stderr().is_terminal();
    ProgressSink::new(move |message| {
        let line = if human {
            format!("{binary}: {message}")
        } else {
            json!({"type": "progress", "message": message}).to_string()
        };
        let _ = writeln!(std::io::stderr().lock(), "{line}");
    })
}

pub(super) fn read_stdin(pack: &Pack, input: &mut Input<'_>) -> Result<String, Error> {
    if input.stdin_is_terminal {
        return Err(Error::new(
            ErrorCode::InvalidCommandArgs,
            "No request on stdin (it is a terminal).",
        )
        .with_hint(format!(
            "Pipe a request: echo '{{\"command\":\"{name}.setup\"}}' | {binary}, or use: {binary} run {name}.setup",
            name = pack.name,
            binary = pack.binary
        )));
    }
    let mut bytes = Vec::new();
    input
        .stdin
        .take(MAX_REQUEST_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| {
            Error::new(
                ErrorCode::InvalidCommandArgs,
                format!("stdin could not be read: {e}"),
            )
        })?;
    if bytes.len() > MAX_REQUEST_BYTES {
        return Err(runtime::oversize("request"));
    }
    String::from_utf8(bytes).map_err(|_| {
        Error::new(
            ErrorCode::InvalidCommandArgs,
            "The request is not valid UTF-8.",
        )
    })
}

pub(super) fn parse_request(text: &str) -> Result<Value, Error> {
    runtime::parse_json(text, "request")
}

pub(super) fn parse_args(text: &str) -> Result<Value, Error> {
    let value = runtime::parse_json(text, "arguments")?;
    if value.is_object() {
        Ok(value)
    } else {
        Err(Error::new(
            ErrorCode::InvalidCommandArgs,
            "Command args must be an object.",
        ))
    }
}
