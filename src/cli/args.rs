//! The command line as clap reads it: subcommands and flags, the binary's name, about line and
//! examples from its pack, and the pieces of clap's usage errors that the JSON error keeps.

use std::path::PathBuf;

use clap::{CommandFactory, Parser, Subcommand};

use crate::artifacts::release;
use crate::pack::Pack;

/// The `--help` text after the options: the pack's examples, exit statuses, environment.
pub(super) fn after_help(pack: &Pack) -> String {
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
    pub(super) command: Option<Cmd>,
}

// `defer`: a subcommand's arguments are built only when it is the one called (its name and
// about line always are, for `--help`), so a `run` does not build the other seven.
#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub(super) enum Cmd {
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

// The backpressure of `serve` and `mcp`: one flag, one default. (A `//` comment: under
// `defer`, a flattened struct's doc comment would replace the subcommand's about line.)
#[derive(Debug, Clone, Copy, clap::Args)]
pub(super) struct InFlight {
    /// Most requests running at once; reading pauses while that many run and as many wait.
    #[arg(long, default_value_t = crate::runtime::serve::DEFAULT_MAX_IN_FLIGHT as u64, value_parser = clap::value_parser!(u64).range(1..=65536))]
    max_in_flight: u64,
}

impl InFlight {
    pub(super) fn get(self) -> usize {
        usize::try_from(self.max_in_flight).unwrap_or(usize::MAX)
    }
}

/// The clap command for `pack`'s binary.
pub(super) fn command_for(pack: &Pack) -> clap::Command {
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

/// clap's `Usage: …` line, when its message has one.
pub(super) fn usage_line(text: &str) -> Option<String> {
    text.lines()
        .map(str::trim)
        .find(|line| line.starts_with("Usage:"))
        .map(str::to_owned)
}

/// clap's message without its usage block, on one line.
pub(super) fn first_line(text: &str) -> String {
    let message: Vec<&str> = text
        .lines()
        .take_while(|line| !line.starts_with("Usage:"))
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect();
    message.join(" ").trim_start_matches("error: ").to_owned()
}

#[cfg(test)]
mod tests {
    use super::command_for;
    use crate::testing::DEMO;

    /// Under `defer` a subcommand's arguments are built when it is called: its `--help` must
    /// still open with its own about line (a flattened struct's doc comment once replaced it).
    #[test]
    fn each_subcommand_help_opens_with_its_own_about_line() {
        let subcommands: Vec<(String, String)> = command_for(&DEMO)
            .get_subcommands()
            .map(|sub| {
                let about = sub.get_about().map(ToString::to_string).unwrap_or_default();
                (sub.get_name().to_owned(), about)
            })
            .collect();
        assert!(subcommands.len() >= 8, "{subcommands:?}");
        for (name, about) in subcommands {
            assert!(!about.is_empty(), "{name} has no about line");
            let help = command_for(&DEMO)
                .try_get_matches_from([DEMO.binary, name.as_str(), "--help"])
                .unwrap_err()
                .render()
                .to_string();
            assert_eq!(help.lines().next(), Some(about.as_str()), "{name} --help");
        }
    }
}
