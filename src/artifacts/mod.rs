//! Generated files: `schemas/`, the skill folder `skill/` and the ClawHub bundle `dist/`.
//!
//! Generators return the complete file set as a map from relative path to content;
//! [`sync`] either writes it (removing files the generator no longer produces) or checks that
//! the folder holds exactly that set, which is what CI's freshness check runs.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::runtime::registry::{COMMANDS, catalog};

pub mod plugin;
pub mod skill;

/// Relative path → file content.
pub type FileSet = BTreeMap<PathBuf, String>;

/// Pretty JSON with a trailing newline, the form every generated JSON file takes.
pub fn pretty(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_else(|_| "null".to_owned());
    text.push('\n');
    text
}

/// `schemas/<id>.json` for every command and `schemas/index.json`.
pub fn schema_files() -> FileSet {
    let mut files = FileSet::new();
    for command in COMMANDS {
        files.insert(
            PathBuf::from(format!("{}.json", command.id())),
            pretty(&command.input_schema()),
        );
    }
    files.insert(
        PathBuf::from("index.json"),
        pretty(&json!({ "commands": catalog() })),
    );
    files
}

/// `skill/`: the skill as OpenClaw reads it from a skills folder.
pub fn skill_files() -> FileSet {
    let root = PathBuf::from(skill::SKILL_NAME);
    let mut files = FileSet::new();
    files.insert(root.join("SKILL.md"), skill::skill_md());
    files.insert(root.join("references/commands.md"), skill::commands_md());
    files
}

/// `dist/`: the clean ClawHub skill folder (the skill plus every schema) and the OpenClaw
/// plugin, kept in separate folders (ClawHub refuses a skill folder that looks like a plugin).
pub fn bundle_files() -> FileSet {
    let mut files = skill_files();
    let schemas = PathBuf::from(skill::SKILL_NAME).join("schemas");
    for (path, content) in schema_files() {
        files.insert(schemas.join(path), content);
    }
    let plugin_dir = PathBuf::from("openclaw-plugin");
    files.insert(
        plugin_dir.join("openclaw.plugin.json"),
        pretty(&plugin::manifest()),
    );
    files.insert(
        plugin_dir.join("package.json"),
        pretty(&plugin::package_json()),
    );
    files.insert(plugin_dir.join("index.js"), plugin::index_js());
    files.insert(plugin_dir.join("README.md"), plugin::readme());
    files
}

/// What [`sync`] found or did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// Files written (write mode) or that differ from the generator (check mode).
    pub changed: Vec<PathBuf>,
    /// Files the generator does not produce: removed (write mode) or reported (check mode).
    pub extra: Vec<PathBuf>,
    /// Files already up to date.
    pub unchanged: usize,
}

impl SyncReport {
    /// Whether the folder matched the generator exactly.
    pub fn is_fresh(&self) -> bool {
        self.changed.is_empty() && self.extra.is_empty()
    }
}

/// Writes `files` under `dir`, or with `check` only compares. Paths in the report are
/// relative to `dir`.
pub fn sync(dir: &Path, files: &FileSet, check: bool) -> io::Result<SyncReport> {
    let mut report = SyncReport::default();
    for (path, content) in files {
        let full = dir.join(path);
        let current = fs::read_to_string(&full).ok();
        if current.as_deref() == Some(content.as_str()) {
            report.unchanged += 1;
            continue;
        }
        report.changed.push(path.clone());
        if !check {
            if let Some(parent) = full.parent() {
                fs::create_dir_all(parent)?;
            }
            fs::write(&full, content)?;
        }
    }
    for existing in list_files(dir)? {
        if !files.contains_key(&existing) {
            if !check {
                fs::remove_file(dir.join(&existing))?;
            }
            report.extra.push(existing);
        }
    }
    Ok(report)
}

/// Every regular file under `dir`, relative to it (empty when `dir` does not exist).
fn list_files(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(relative) = stack.pop() {
        let entries = match fs::read_dir(dir.join(&relative)) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        for entry in entries {
            let entry = entry?;
            let path = relative.join(entry.file_name());
            let kind = entry.file_type()?;
            if kind.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sync_writes_checks_and_prunes() {
        let dir = std::env::temp_dir().join(format!("theta-skill-sync-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let mut files = FileSet::new();
        files.insert(PathBuf::from("a.json"), "{}\n".into());
        files.insert(PathBuf::from("sub/b.md"), "b\n".into());

        let first = sync(&dir, &files, true).unwrap();
        assert_eq!(first.changed.len(), 2);
        assert!(!first.is_fresh());
        sync(&dir, &files, false).unwrap();
        assert!(sync(&dir, &files, true).unwrap().is_fresh());

        fs::write(dir.join("stale.json"), "x").unwrap();
        fs::write(dir.join("a.json"), "edited by hand").unwrap();
        let check = sync(&dir, &files, true).unwrap();
        assert_eq!(check.changed, vec![PathBuf::from("a.json")]);
        assert_eq!(check.extra, vec![PathBuf::from("stale.json")]);
        sync(&dir, &files, false).unwrap();
        assert!(sync(&dir, &files, true).unwrap().is_fresh());
        assert!(!dir.join("stale.json").exists());
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_skill_folder_never_looks_like_a_plugin() {
        for path in bundle_files().keys() {
            if path.starts_with(skill::SKILL_NAME) {
                let name = path
                    .file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or_default();
                assert!(
                    name != "openclaw.plugin.json" && name != "package.json",
                    "{}",
                    path.display()
                );
            }
        }
    }

    #[test]
    fn every_command_has_a_schema_file_and_an_index_entry() {
        let files = schema_files();
        assert_eq!(files.len(), COMMANDS.len() + 1);
        let index: Value = serde_json::from_str(&files[&PathBuf::from("index.json")]).unwrap();
        assert_eq!(
            index["commands"].as_array().map(Vec::len),
            Some(COMMANDS.len())
        );
    }
}
