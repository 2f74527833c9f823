//! What a run of the binary prints and how it exits, built without touching the real stdout.

use serde_json::Value;

use crate::error::Error;
use crate::runtime::Response;

/// What the process prints and how it exits.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Everything for stdout.
    pub stdout: String,
    /// Everything for stderr.
    pub stderr: String,
    /// The exit status.
    pub status: u8,
}

impl Outcome {
    pub(super) fn json(value: &Value, status: u8, pretty: bool) -> Self {
        let text = if pretty {
            serde_json::to_string_pretty(value)
        } else {
            serde_json::to_string(value)
        };
        let mut stdout = text.unwrap_or_else(|_| "null".into());
        stdout.push('\n');
        Self {
            stdout,
            stderr: String::new(),
            status,
        }
    }

    pub(super) fn response(response: Response, pretty: bool) -> Self {
        let status = response.exit_status();
        Self::json(&response.into_json(), status, pretty)
    }

    pub(super) fn error(error: Error, pretty: bool) -> Self {
        Self::response(Response::failure(None, None, error), pretty)
    }
}

/// A build-tool subcommand that could not do its job: the reason on stderr, exit status 1.
pub(super) fn tool_failure(reason: &str) -> Outcome {
    Outcome {
        stdout: String::new(),
        stderr: format!("{reason}\n"),
        status: 1,
    }
}
