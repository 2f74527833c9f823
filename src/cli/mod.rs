//! The command-line front end (design §2).
//!
//! [`execute`] turns arguments and stdin into what the process prints and its exit status,
//! without touching the real stdout, so it is tested directly. For `run` and for a bare
//! request envelope on stdin, stdout always receives exactly one JSON document — including
//! for argument errors of any subcommand (`<binary> bogus`, `--bogus`,
//! `serve --secret-timeout abc`), which clap would otherwise print as text. Only `--help` and
//! `--version` print text.
//!
//! One job per file: [`args`] is the command line as clap reads it, [`outcome`] what the
//! process prints and how it exits, [`job`] `run` and the stdin envelope, [`servers`] `serve`
//! and `mcp`, [`tools`] `list` and the generators, [`logging`] the logs; this file is the
//! process (panics, printing) and the routing from a subcommand to its room.

mod args;
mod job;
mod logging;
mod outcome;
mod servers;
mod tools;

use std::ffi::OsString;
use std::io::{IsTerminal, Read, Write};
use std::process::ExitCode;

use clap::FromArgMatches;
use serde_json::json;

pub use self::args::Cli;
use self::args::{Cmd, after_help, command_for, first_line, usage_line};
use self::job::{Job, execute_job, parse_args, parse_request, read_stdin};
pub use self::outcome::Outcome;
use crate::artifacts;
use crate::error::{Error, ErrorCode};
use crate::pack::Pack;
use crate::runtime::{Response, registry};
use crate::secrets::redact;

/// Where the request comes from.
#[allow(missing_debug_implementations, reason = "holds a `dyn Read`")]
pub struct Input<'a> {
    /// Standard input.
    pub stdin: &'a mut dyn Read,
    /// Whether stdin is a terminal (then it is never read: nothing would ever arrive).
    pub stdin_is_terminal: bool,
    /// Whether stdout is a terminal (then JSON is pretty-printed for people).
    pub stdout_is_terminal: bool,
}

/// The whole binary of `pack`: parse arguments, read stdin, run, print, exit. Each pack's
/// `main` is this one call.
///
/// A panic anywhere still ends with exactly one JSON document on stdout: the work runs under
/// `catch_unwind`, the panic message goes (redacted) to stderr, and an `INTERNAL` error is
/// printed instead of a result.
pub fn main(pack: &'static Pack) -> ExitCode {
    logging::init_logging(pack);
    let binary = pack.binary;
    std::panic::set_hook(Box::new(move |info| {
        let message = redact::redact_text(&info.to_string()).into_owned();
        let _ = writeln!(std::io::stderr(), "{binary}: internal error: {message}");
    }));
    // The pack is immutable static data: nothing it holds can be left half-updated by a panic.
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        // Not locked: `serve` reads stdin through tokio, which takes the lock per read.
        let mut stdin = std::io::stdin();
        let args: Vec<_> = std::env::args_os().collect();
        execute(
            pack,
            &args,
            Input {
                stdin_is_terminal: std::io::stdin().is_terminal(),
                stdout_is_terminal: std::io::stdout().is_terminal(),
                stdin: &mut stdin,
            },
        )
    }));
    let outcome = outcome.unwrap_or_else(|_| {
        let error = Error::new(
            ErrorCode::Internal,
            format!("{binary} hit an internal error (a bug); see stderr."),
        );
        let doc = Response::failure(None, None, error).to_json();
        Outcome {
            stdout: format!("{doc}\n"),
            stderr: String::new(),
            status: 1,
        }
    });
    // clap's text may quote what was typed: it is redacted like everything printed.
    let _ = std::io::stderr().write_all(redact::redact_text(&outcome.stderr).as_bytes());
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

/// The current-thread runtime every mode runs on (`run`, the envelope, `serve`, `mcp`).
fn async_runtime() -> Result<tokio::runtime::Runtime, Error> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::internal(format!("async runtime: {e}")))
}

/// Runs `pack`'s CLI for `args` (including the program name).
pub fn execute(pack: &'static Pack, args: &[OsString], mut input: Input<'_>) -> Outcome {
    let pretty = input.stdout_is_terminal;
    let is_run = args.get(1).is_some_and(|a| a == "run");
    let parsed = command_for(pack)
        .try_get_matches_from(args)
        .and_then(|matches| Cli::from_arg_matches(&matches));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            let rendered = e.render().to_string();
            if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
                return Outcome {
                    stdout: rendered,
                    stderr: String::new(),
                    status: 0,
                };
            }
            // A usage error is still one JSON document on stdout (exit status 2), for `run`
            // and for every other subcommand and flag; clap's text goes to stderr.
            let hint = if is_run {
                format!("Usage: {} run <command> [ARGS|-] [--dry-run]", pack.binary)
            } else {
                usage_line(&rendered).map_or_else(
                    || format!("Run `{} --help` to see every subcommand.", pack.binary),
                    |usage| format!("{usage}; `{} --help` lists every subcommand.", pack.binary),
                )
            };
            let mut outcome = Outcome::error(
                Error::new(ErrorCode::InvalidCommandArgs, first_line(&rendered)).with_hint(hint),
                pretty,
            );
            outcome.stderr = rendered;
            return outcome;
        }
    };
    match cli.command {
        None => match read_stdin(pack, &mut input) {
            Ok(text) => match parse_request(&text) {
                Ok(envelope) => execute_job(pack, Job::Envelope(envelope), pretty),
                Err(error) => Outcome::error(error, pretty),
            },
            Err(error) => {
                let mut outcome = Outcome::error(error, pretty);
                outcome.stderr = format!("{}\n", after_help(pack));
                outcome
            }
        },
        Some(Cmd::Run {
            command,
            args,
            dry_run,
        }) => {
            let args = match args.as_deref() {
                None => Ok(json!({})),
                Some("-") => read_stdin(pack, &mut input).and_then(|text| parse_args(&text)),
                Some(text) => parse_args(text),
            };
            match args {
                Ok(args) => execute_job(
                    pack,
                    Job::Run {
                        command,
                        args,
                        dry_run,
                    },
                    pretty,
                ),
                Err(error) => Outcome::error(error, pretty),
            }
        }
        Some(Cmd::List { json }) => tools::list(pack, json, pretty),
        Some(Cmd::Npm {
            archives,
            out,
            all_platforms,
        }) => tools::npm_packages(pack, &archives, &out, all_platforms),
        Some(Cmd::Serve {
            secret_timeout,
            in_flight,
        }) => servers::serve(pack, secret_timeout, in_flight.get()),
        Some(Cmd::Mcp { in_flight }) => servers::mcp(pack, in_flight.get()),
        Some(Cmd::Schema { command }) => match registry::find(pack, &command) {
            Some(found) => Outcome::json(&found.input_schema(), 0, true),
            None => Outcome::error(registry::unknown_command(pack, &command), pretty),
        },
        Some(Cmd::Schemas { out, check }) => {
            tools::sync_files(&out, &artifacts::schema_files(pack), check)
        }
        Some(Cmd::Bundle {
            out,
            skill_out,
            check,
            release_manifest,
        }) => tools::bundle(pack, &out, &skill_out, check, release_manifest.as_deref()),
    }
}
