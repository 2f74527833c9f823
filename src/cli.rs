//! The command-line front end (design §2).
//!
//! [`execute`] turns arguments and stdin into what the process prints and its exit status,
//! without touching the real stdout, so it is tested directly. For `run` and for a bare
//! request envelope on stdin, stdout always receives exactly one JSON document — including
//! for argument errors of any subcommand (`theta-skill bogus`, `--bogus`,
//! `serve --secret-timeout abc`), which clap would otherwise print as text. Only `--help` and
//! `--version` print text.

use std::ffi::OsString;
use std::io::Read;
use std::path::PathBuf;

use clap::{Parser, Subcommand};
use serde_json::{Value, json};

use crate::artifacts;
use crate::error::{Error, ErrorCode};
use crate::runtime::{Response, Runtime, registry};

/// Largest request accepted on stdin.
const MAX_STDIN_BYTES: u64 = 64 * 1024 * 1024;

const ABOUT: &str =
    "OpenClaw skill runtime for Theta EdgeCloud: one JSON request in, one JSON document out.";

const AFTER_HELP: &str = "\
Examples:
  theta-skill run theta.setup
  theta-skill run theta.ondemand.infer '{\"service\":\"flux\",\"payload\":{\"prompt\":\"a cat\"}}' --dry-run
  echo '{\"command\":\"theta.auth.capabilities\",\"args\":{}}' | theta-skill
  theta-skill list

Exit status: 0 success; 1 the command failed; 2 the request was bad.
Environment: THETA_DRY_RUN=1 previews every paid or mutating command; THETA_LOG=debug logs to stderr.";

/// Command-line arguments.
#[derive(Debug, Parser)]
#[command(name = "theta-skill", version, about = ABOUT, after_help = AFTER_HELP)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Cmd>,
}

#[derive(Debug, Subcommand)]
enum Cmd {
    /// Run one command and print one JSON document.
    Run {
        /// Command id or alias, e.g. theta.setup.
        command: String,
        /// Arguments as a JSON object; `-` reads them from stdin; absent means `{}`.
        args: Option<String>,
        /// Preview paid and mutating commands instead of sending them.
        #[arg(long)]
        dry_run: bool,
    },
    /// List every command: id, aliases, effect, summary and credentials.
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Print one command's input JSON Schema.
    Schema {
        /// Command id or alias.
        command: String,
    },
    /// Write the skill folder and the ClawHub bundle (skill + plugin), or check them.
    Bundle {
        /// Folder for the ClawHub bundle.
        #[arg(long, default_value = "dist")]
        out: PathBuf,
        /// Folder for the skill as OpenClaw reads it.
        #[arg(long, default_value = "skill")]
        skill_out: PathBuf,
        /// Fail if either folder differs instead of writing.
        #[arg(long)]
        check: bool,
    },
    /// Serve JSON Lines over stdio: one request per line, one answer line per request.
    Serve {
        /// Seconds to wait for the host's answer to a secret request.
        #[arg(long, default_value_t = 5)]
        secret_timeout: u64,
        /// Most requests running at once; reading pauses while that many run and as many wait.
        #[arg(long, default_value_t = crate::runtime::serve::DEFAULT_MAX_IN_FLIGHT as u64, value_parser = clap::value_parser!(u64).range(1..=65536))]
        max_in_flight: u64,
    },
    /// Write every command's schema and index.json, or check they are up to date.
    Schemas {
        /// Folder to write or check.
        #[arg(long, default_value = "schemas")]
        out: PathBuf,
        /// Fail if the folder differs instead of writing.
        #[arg(long)]
        check: bool,
    },
}

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
    fn json(value: &Value, status: u8, pretty: bool) -> Self {
        let text = if pretty {
            serde_json::to_string_pretty(value)
        } else {
            serde_json::to_string(value)
        };
        Self {
            stdout: format!("{}\n", text.unwrap_or_else(|_| "null".into())),
            stderr: String::new(),
            status,
        }
    }

    fn response(response: &Response, pretty: bool) -> Self {
        Self::json(&response.to_json(), response.exit_status(), pretty)
    }

    fn error(error: Error, pretty: bool) -> Self {
        Self::response(&Response::failure(None, None, error), pretty)
    }
}

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

/// Runs the CLI for `args` (including the program name).
pub fn execute(args: &[OsString], mut input: Input<'_>) -> Outcome {
    let pretty = input.stdout_is_terminal;
    let is_run = args.get(1).is_some_and(|a| a == "run");
    let cli = match Cli::try_parse_from(args) {
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
                "Usage: theta-skill run <command> [ARGS|-] [--dry-run]".to_owned()
            } else {
                usage_line(&rendered).map_or_else(
                    || "Run `theta-skill --help` to see every subcommand.".to_owned(),
                    |usage| format!("{usage}; `theta-skill --help` lists every subcommand."),
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
        None => match read_stdin(&mut input) {
            Ok(text) => match parse_request(&text) {
                Ok(envelope) => execute_job(Job::Envelope(envelope), pretty),
                Err(error) => Outcome::error(error, pretty),
            },
            Err(error) => {
                let mut outcome = Outcome::error(error, pretty);
                outcome.stderr = format!("{AFTER_HELP}\n");
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
                Some("-") => read_stdin(&mut input).and_then(|text| parse_args(&text)),
                Some(text) => parse_args(text),
            };
            match args {
                Ok(args) => execute_job(
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
        Some(Cmd::List { json }) => list(json, pretty),
        Some(Cmd::Serve {
            secret_timeout,
            max_in_flight,
        }) => serve(secret_timeout, max_in_flight),
        Some(Cmd::Schema { command }) => match registry::find(&command) {
            Some(found) => Outcome::json(&found.input_schema(), 0, true),
            None => Outcome::error(registry::unknown_command(&command), pretty),
        },
        Some(Cmd::Schemas { out, check }) => sync_files(&out, &artifacts::schema_files(), check),
        Some(Cmd::Bundle {
            out,
            skill_out,
            check,
        }) => {
            let mut outcome = sync_files(&skill_out, &artifacts::skill_files(), check);
            let bundle = sync_files(&out, &artifacts::bundle_files(), check);
            outcome.stdout.push_str(&bundle.stdout);
            outcome.stderr.push_str(&bundle.stderr);
            outcome.status = outcome.status.max(bundle.status);
            outcome
        }
    }
}

/// clap's `Usage: …` line, when its message has one.
fn usage_line(text: &str) -> Option<String> {
    text.lines()
        .map(str::trim)
        .find(|line| line.starts_with("Usage:"))
        .map(str::to_owned)
}

/// clap's message without its usage block, on one line.
fn first_line(text: &str) -> String {
    let message: Vec<&str> = text
        .lines()
        .take_while(|line| !line.starts_with("Usage:"))
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect();
    message.join(" ").trim_start_matches("error: ").to_owned()
}

fn serve(secret_timeout: u64, max_in_flight: u64) -> Outcome {
    let tokio = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return Outcome::error(Error::internal(format!("async runtime: {e}")), false),
    };
    let runtime = std::sync::Arc::new(Runtime::from_env());
    let options = crate::runtime::serve::ServeOptions {
        secret_timeout: std::time::Duration::from_secs(secret_timeout),
        max_in_flight: usize::try_from(max_in_flight).unwrap_or(usize::MAX),
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
            stderr: format!("theta-skill serve: {e}\n"),
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

/// What the runtime is asked to do.
enum Job {
    Envelope(Value),
    Run {
        command: String,
        args: Value,
        dry_run: bool,
    },
}

fn execute_job(job: Job, pretty: bool) -> Outcome {
    // Test builds can force a panic to prove the "one JSON document, panics included" rule.
    #[cfg(feature = "local-endpoints")]
    if std::env::var_os("THETA_SKILL_DEBUG_PANIC").is_some() {
        panic!("THETA_SKILL_DEBUG_PANIC is set");
    }
    let tokio = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return Outcome::error(Error::internal(format!("async runtime: {e}")), pretty),
    };
    let runtime = Runtime::from_env();
    let response = tokio.block_on(async {
        match job {
            Job::Envelope(envelope) => runtime.handle(envelope).await,
            Job::Run {
                command,
                args,
                dry_run,
            } => runtime.run(&command, args, dry_run).await,
        }
    });
    Outcome::response(&response, pretty)
}

fn read_stdin(input: &mut Input<'_>) -> Result<String, Error> {
    if input.stdin_is_terminal {
        return Err(Error::new(
            ErrorCode::InvalidCommandArgs,
            "No request on stdin (it is a terminal).",
        )
        .with_hint("Pipe a request: echo '{\"command\":\"theta.setup\"}' | theta-skill, or use: theta-skill run theta.setup"));
    }
    let mut bytes = Vec::new();
    input
        .stdin
        .take(MAX_STDIN_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| {
            Error::new(
                ErrorCode::InvalidCommandArgs,
                format!("stdin could not be read: {e}"),
            )
        })?;
    if bytes.len() as u64 > MAX_STDIN_BYTES {
        return Err(Error::new(
            ErrorCode::InvalidCommandArgs,
            format!(
                "The request exceeds {} MiB.",
                MAX_STDIN_BYTES / (1024 * 1024)
            ),
        ));
    }
    String::from_utf8(bytes).map_err(|_| {
        Error::new(
            ErrorCode::InvalidCommandArgs,
            "The request is not valid UTF-8.",
        )
    })
}

fn parse_json(text: &str, what: &str) -> Result<Value, Error> {
    if text.trim().is_empty() {
        return Err(Error::new(
            ErrorCode::InvalidCommandArgs,
            format!("No {what} was given (empty input)."),
        ));
    }
    serde_json::from_str(text).map_err(|e| {
        Error::new(
            ErrorCode::InvalidCommandArgs,
            format!("The {what} is not valid JSON: {e}."),
        )
    })
}

fn parse_request(text: &str) -> Result<Value, Error> {
    parse_json(text, "request")
}

fn parse_args(text: &str) -> Result<Value, Error> {
    let value = parse_json(text, "arguments")?;
    if value.is_object() {
        Ok(value)
    } else {
        Err(Error::new(
            ErrorCode::InvalidCommandArgs,
            "Command args must be an object.",
        ))
    }
}

fn list(as_json: bool, pretty: bool) -> Outcome {
    if as_json {
        return Outcome::json(&Value::Array(registry::catalog()), 0, pretty);
    }
    let width = registry::COMMANDS
        .iter()
        .map(|c| c.id().len())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for command in registry::COMMANDS {
        let aliases = if command.aliases().is_empty() {
            String::new()
        } else {
            format!(" (alias: {})", command.aliases().join(", "))
        };
        out.push_str(&format!(
            "{:<width$}  {:<9}  {}{aliases}\n",
            command.id(),
            command.effect().as_str(),
            command.summary(),
        ));
    }
    Outcome {
        stdout: out,
        stderr: String::new(),
        status: 0,
    }
}

fn sync_files(dir: &std::path::Path, files: &artifacts::FileSet, check: bool) -> Outcome {
    match artifacts::sync(dir, files, check) {
        Ok(report) if check && !report.is_fresh() => {
            let mut stderr = format!(
                "{} is out of date; regenerate it with the same command without --check.\n",
                dir.display()
            );
            for path in &report.changed {
                stderr.push_str(&format!("  differs: {}\n", path.display()));
            }
            for path in &report.extra {
                stderr.push_str(&format!("  not generated: {}\n", path.display()));
            }
            Outcome {
                stdout: String::new(),
                stderr,
                status: 1,
            }
        }
        Ok(report) => Outcome {
            stdout: if check {
                format!(
                    "{} is up to date ({} files).\n",
                    dir.display(),
                    report.unchanged
                )
            } else {
                format!(
                    "{}: {} written, {} removed, {} unchanged.\n",
                    dir.display(),
                    report.changed.len(),
                    report.extra.len(),
                    report.unchanged
                )
            },
            stderr: String::new(),
            status: 0,
        },
        Err(e) => Outcome {
            stdout: String::new(),
            stderr: format!("{}: {e}\n", dir.display()),
            status: 1,
        },
    }
}
