//! The subcommands for people and build tools: `list`, and the generators of the published
//! files (`schemas`, `bundle`, `npm`), which write a folder or check it is fresh.

use std::path::Path;

use serde_json::Value;

use super::Outcome;
use super::outcome::tool_failure;
use crate::artifacts::{self, release};
use crate::pack::Pack;
use crate::runtime::registry;

/// `npm`: the binary's npm packages from extracted release archives.
// Never inlined, like each generator here: their frames stay off the path of every `run`
// (see `servers::serve`).
#[inline(never)]
pub(super) fn npm_packages(pack: &Pack, archives: &Path, out: &Path, all: bool) -> Outcome {
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

/// `bundle`: the skill folder and the ClawHub bundle, written or checked; with a release
/// manifest, each archive's `download` install spec with its `sha256`.
#[inline(never)]
pub(super) fn bundle(
    pack: &Pack,
    out: &Path,
    skill_out: &Path,
    check: bool,
    release_manifest: Option<&Path>,
) -> Outcome {
    let downloads = match release_manifest.map(|path| release::read_manifest(path, pack.binary)) {
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
        skill_out,
        &artifacts::skill_files_for(pack, &downloads),
        check,
    );
    let bundle = sync_files(out, &artifacts::bundle_files_for(pack, &downloads), check);
    outcome.stdout.push_str(&bundle.stdout);
    outcome.stderr.push_str(&bundle.stderr);
    outcome.status = outcome.status.max(bundle.status);
    outcome
}

#[inline(never)]
pub(super) fn list(pack: &Pack, as_json: bool, pretty: bool) -> Outcome {
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

#[inline(never)]
pub(super) fn sync_files(dir: &Path, files: &artifacts::FileSet, check: bool) -> Outcome {
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
