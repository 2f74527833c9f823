//! The command-line front end (design §2).
//!
//! [`execute`] turns arguments and stdin into what the process prints and its exit status,
//! without touching the real stdout, so it is tested directly. For `run` and for a bare
//! request envelope on stdin, stdout always receives exactly one JSON document — including
//! for argument errors of any subcommand (`<binary> bogus`, `--bogus`,
//! `serve --secret-timeout abc`), which clap would otherwise print as text. Only `--help` and
//! `--version` print text.

use std::ffi::OsString;
use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use serde_json::{Value, json};
use tracing_subscriber::filter::Targets;
use tracing_subscriber::prelude::*;

use crate::artifacts::{self, release};
use crate::bounds::MAX_REQUEST_BYTES;
use crate::error::{Error, ErrorCode};
use crate::pack::Pack;
use crate::runtime::{self, Hooks, ProgressSink, Response, Runtime, registry};
use crate::secrets::redact;

/// The `--help` text after the options: the pack's examples, exit statuses, environment.
fn after_help(pack: &Pack) -> String {
    format!(
        "Examples:\n{}\n\nExit status: 0 success; 1 the command failed; 2 the request was bad.\nEnvironment: {prefix}DRY_RUN=1 previews every paid or mutating command; {prefix}LOG=debug logs to stderr.",
        pack.help_examples.trim_end(),
        prefix = pack.env_prefix,
    )
}

/// Command-line arguments. The binary's name, about line and examples come from its pack.
#[derive(Debug, Parser)]
#[command(version)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Cmd>,
}

#[derive(Debug, Subcommand)]
enum Cmd {
    /// Run one command and print one JSON document.
    Run {
        /// Command id, alias or tool name (`list` shows them).
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
        /// cargo-dist's `dist-manifest.json` of this version's release: adds a `download`
        /// install spec with its `sha256` per archive (the release workflow's bundle).
        #[arg(long)]
        release_manifest: Option<PathBuf>,
    },
    /// Write the npm packages that carry the binary (one per platform, and the package that
    /// installs the right one) from extracted release archives.
    Npm {
        /// Folder holding the extracted release archives, one folder per archive named after it
        /// (`<app>-<target>`).
        #[arg(long)]
        archives: PathBuf,
        /// Folder to write the package folders in.
        #[arg(long, default_value = "npm")]
        out: PathBuf,
        /// Fail unless every platform a release ships has a binary.
        #[arg(long)]
        all_platforms: bool,
    },
    /// Serve JSON Lines over stdio: one request per line, one answer line per request.
    Serve {
        /// Seconds to wait for the host's answer to a secret request.
        #[arg(long, default_value_t = 5)]
        secret_timeout: u64,
        #[command(flatten)]
        in_flight: InFlight,
    },
    /// Serve MCP over stdio: one tool per command, same dispatcher, dry-run gate and
    /// redaction. Credentials come from the environment only.
    Mcp {
        #[command(flatten)]
        in_flight: InFlight,
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

/// The backpressure of `serve` and `mcp`: one flag, one default.
#[derive(Debug, Clone, Copy, clap::Args)]
struct InFlight {
    /// Most requests running at once; reading pauses while that many run and as many wait.
    #[arg(long, default_value_t = crate::runtime::serve::DEFAULT_MAX_IN_FLIGHT as u64, value_parser = clap::value_parser!(u64).range(1..=65536))]
    max_in_flight: u64,
}

impl InFlight {
    fn get(self) -> usize {
        usize::try_from(self.max_in_flight).unwrap_or(usize::MAX)
    }
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
        let mut stdout = text.unwrap_or_else(|_| "null".into());
        stdout.push('\n');
        Self {
            stdout,
            stderr: String::new(),
            status,
        }
    }

    fn response(response: Response, pretty: bool) -> Self {
        let status = response.exit_status();
        Self::json(&response.into_json(), status, pretty)
    }

    fn error(error: Error, pretty: bool) -> Self {
        Self::response(Response::failure(None, None, error), pretty)
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

/// The whole binary of `pack`: parse arguments, read stdin, run, print, exit. Each pack's
/// `main` is this one call.
///
/// A panic anywhere still ends with exactly one JSON document on stdout: the work runs under
/// `catch_unwind`, the panic message goes (redacted) to stderr, and an `INTERNAL` error is
/// printed instead of a result.
pub fn main(pack: &'static Pack) -> ExitCode {
    init_logging(pack);
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

/// Logs (JSON lines, redacted) go to stderr, and only when `<PREFIX>LOG` or `RUST_LOG` asks.
fn init_logging(pack: &Pack) {
    let Some(filter) = [pack.var("LOG"), "RUST_LOG".to_owned()]
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
    // `level` or `target=level` pairs, comma-separated: the form `RUST_LOG` takes for
    // anything but span and field filters (which a skill's logs do not need).
    let filter: Targets = filter.parse().unwrap_or_else(|_| {
        Targets::new().with_default(tracing_subscriber::filter::LevelFilter::WARN)
    });
    let logs = tracing_subscriber::fmt::layer()
        .json()
        .with_current_span(false)
        .with_span_list(false)
        .with_writer(|| RedactingStderr);
    let _ = tracing_subscriber::registry()
        .with(logs.with_filter(filter))
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

/// The clap command for `pack`'s binary.
fn command_for(pack: &Pack) -> clap::Command {
    Cli::command()
        .name(pack.binary)
        .bin_name(pack.binary)
        .about(format!(
            "OpenClaw skill runtime for {}: one JSON request in, one JSON document out.",
            pack.title
        ))
        .after_help(after_help(pack))
        .version(release::VERSION_LINE)
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
        Some(Cmd::List { json }) => list(pack, json, pretty),
        Some(Cmd::Npm {
            archives,
            out,
            all_platforms,
        }) => npm_packages(pack, &archives, &out, all_platforms),
        Some(Cmd::Serve {
            secret_timeout,
            in_flight,
        }) => serve(pack, secret_timeout, in_flight.get()),
        Some(Cmd::Mcp { in_flight }) => mcp(pack, in_flight.get()),
        Some(Cmd::Schema { command }) => match registry::find(pack, &command) {
            Some(found) => Outcome::json(&found.input_schema(), 0, true),
            None => Outcome::error(registry::unknown_command(pack, &command), pretty),
        },
        Some(Cmd::Schemas { out, check }) => {
            sync_files(&out, &artifacts::schema_files(pack), check)
        }
        Some(Cmd::Bundle {
            out,
            skill_out,
            check,
            release_manifest,
        }) => {
            let downloads = match release_manifest.as_deref().map(release::read_manifest) {
                None => Vec::new(),
                Some(Ok(downloads)) => downloads,
                Some(Err(e)) => return tool_failure(&format!("--release-manifest: {e}")),
            };
            if release_manifest.is_some()
                && release::downloads_of(pack.binary, &downloads)
                    .next()
                    .is_none()
            {
                return tool_failure(&format!(
                    "--release-manifest: {}",
                    release::ReleaseError::NoArchive(pack.binary.to_owned())
                ));
            }
            let mut outcome = sync_files(
                &skill_out,
                &artifacts::skill_files_for(pack, &downloads),
                check,
            );
            let bundle = sync_files(&out, &artifacts::bundle_files_for(pack, &downloads), check);
            outcome.stdout.push_str(&bundle.stdout);
            outcome.stderr.push_str(&bundle.stderr);
            outcome.status = outcome.status.max(bundle.status);
            outcome
        }
    }
}

/// `npm`: the binary's npm packages from extracted release archives.
fn npm_packages(
    pack: &Pack,
    archives: &std::path::Path,
    out: &std::path::Path,
    all: bool,
) -> Outcome {
    let found = match artifacts::npm::find_binaries(pack.binary, archives) {
        Ok(found) => found,
        Err(e) => return tool_failure(&format!("{}: {e}", archives.display())),
    };
    let missing: Vec<String> = release::PLATFORMS
        .iter()
        .filter(|p| !found.iter().any(|f| f.platform == **p))
        .map(|p| p.id())
        .collect();
    if found.is_empty() || (all && !missing.is_empty()) {
        return tool_failure(&format!(
            "{}: no {} binary for {} in the extracted archives",
            archives.display(),
            pack.binary,
            missing.join(", ")
        ));
    }
    match artifacts::npm::write_packages(pack, &found, out) {
        Ok(folders) => Outcome {
            stdout: folders
                .iter()
                .map(|f| format!("{}\n", f.display()))
                .collect(),
            ..Outcome::default()
        },
        Err(e) => tool_failure(&format!("{}: {e}", out.display())),
    }
}

/// A build-tool subcommand that could not do its job: the reason on stderr, exit status 1.
fn tool_failure(reason: &str) -> Outcome {
    Outcome {
        stdout: String::new(),
        stderr: format!("{reason}\n"),
        status: 1,
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

fn serve(pack: &'static Pack, secret_timeout: u64, max_in_flight: usize) -> Outcome {
    let tokio = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return Outcome::error(Error::internal(format!("async runtime: {e}")), false),
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

fn mcp(pack: &'static Pack, max_in_flight: usize) -> Outcome {
    let tokio = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return Outcome::error(Error::internal(format!("async runtime: {e}")), false),
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

/// What the runtime is asked to do.
enum Job {
    Envelope(Value),
    Run {
        command: String,
        args: Value,
        dry_run: bool,
    },
}

fn execute_job(pack: &'static Pack, job: Job, pretty: bool) -> Outcome {
    // Test builds can force a panic to prove the "one JSON document, panics included" rule.
    #[cfg(feature = "local-endpoints")]
    if std::env::var_os(pack.var("SKILL_DEBUG_PANIC")).is_some() {
        panic!("{} is set", pack.var("SKILL_DEBUG_PANIC"));
    }
    let tokio = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return Outcome::error(Error::internal(format!("async runtime: {e}")), pretty),
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

fn read_stdin(pack: &Pack, input: &mut Input<'_>) -> Result<String, Error> {
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

fn parse_request(text: &str) -> Result<Value, Error> {
    runtime::parse_json(text, "request")
}

fn parse_args(text: &str) -> Result<Value, Error> {
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

fn list(pack: &Pack, as_json: bool, pretty: bool) -> Outcome {
    if as_json {
        return Outcome::json(&Value::Array(registry::catalog(pack)), 0, pretty);
    }
    let width = pack.commands().map(|c| c.id().len()).max().unwrap_or(0);
    let mut out = String::new();
    for command in pack.commands() {
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
