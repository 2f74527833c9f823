//! Build script: the facts a binary prints about itself that Cargo does not hand over.
//!
//! - `SKILL_RUNTIME_COMMIT`: the commit it was built from, for `--version`. Taken from the
//!   environment when set (the release workflow sets it from the tag's commit), else from
//!   `git rev-parse` when building inside a git checkout; absent otherwise (a build from a
//!   crates.io or source tarball), and `--version` then says so.
//! - `SKILL_RUNTIME_VERSION_LINE`: what `--version` prints after the name, the version and
//!   that commit.
//! - `SKILL_RUNTIME_NPM_SCOPE`: `npm-scope` from `[package.metadata.release]` in `Cargo.toml`,
//!   the one place (with `[package] repository`) that says where releases are published.
//!
//! (The binaries' link flags are in `bins/link.rs`, their packages' build script.)
//!
//! No dependencies: `[package.metadata.release]` is read line by line (`key = "value"`).

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=Cargo.toml");
    println!("cargo:rerun-if-env-changed=SKILL_RUNTIME_COMMIT");

    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let manifest = std::fs::read_to_string(manifest_dir.join("Cargo.toml")).unwrap_or_default();
    let scope = release_value(&manifest, "npm-scope").unwrap_or_default();
    let scope_is_valid = scope.starts_with('@')
        && scope.len() > 1
        && scope[1..].chars().all(|c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.' || c == '_'
        });
    if !scope_is_valid {
        println!(
            "cargo:warning=[package.metadata.release] npm-scope must look like \"@name\" (found {scope:?})"
        );
    }
    println!("cargo:rustc-env=SKILL_RUNTIME_NPM_SCOPE={scope}");

    let commit = std::env::var("SKILL_RUNTIME_COMMIT")
        .ok()
        .filter(|c| !c.trim().is_empty())
        .or_else(|| git_commit(&manifest_dir));
    let short = commit
        .map(|c| c.trim().chars().take(12).collect::<String>())
        .filter(|c| c.len() >= 7 && c.chars().all(|c| c.is_ascii_hexdigit()));
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    match short {
        Some(short) => {
            println!("cargo:rustc-env=SKILL_RUNTIME_COMMIT={short}");
            println!("cargo:rustc-env=SKILL_RUNTIME_VERSION_LINE={version} (commit {short})");
        }
        None => println!(
            "cargo:rustc-env=SKILL_RUNTIME_VERSION_LINE={version} (commit unknown: not built from a git checkout)"
        ),
    }
}

/// `key = "value"` under `[package.metadata.release]`.
fn release_value(manifest: &str, key: &str) -> Option<String> {
    let mut inside = false;
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            inside = line == "[package.metadata.release]";
            continue;
        }
        if !inside {
            continue;
        }
        let Some((name, value)) = line.split_once('=') else {
            continue;
        };
        if name.trim() == key {
            return Some(value.trim().trim_matches('"').to_owned());
        }
    }
    None
}

/// The checkout's `HEAD` commit, and rebuild when it moves.
fn git_commit(dir: &Path) -> Option<String> {
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .current_dir(dir)
            .output()
            .ok()
            .filter(|out| out.status.success())
            .and_then(|out| String::from_utf8(out.stdout).ok())
            .map(|s| s.trim().to_owned())
    };
    let commit = git(&["rev-parse", "HEAD"])?;
    // HEAD names the branch; the branch's ref (loose or packed) names the commit. A worktree's
    // HEAD lives in its own git dir, its refs in the common one.
    for path in [
        git(&["rev-parse", "--git-path", "HEAD"]),
        git(&["rev-parse", "--symbolic-full-name", "HEAD"])
            .and_then(|name| git(&["rev-parse", "--git-path", &name])),
        git(&["rev-parse", "--git-path", "packed-refs"]),
    ]
    .into_iter()
    .flatten()
    {
        let path = dir.join(path);
        if path.exists() {
            println!("cargo:rerun-if-changed={}", path.display());
        }
    }
    Some(commit)
}
