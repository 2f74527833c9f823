//! Generated files: `schemas/`, the skill folder `skill/` and the ClawHub bundle `dist/`.
//!
//! Generators return one pack's complete file set as a map from relative path to content,
//! every path under a folder of that pack's own (`<pack>/`, `<skill>/`, `<skill>-plugin/`); [`sync`]
//! either writes it (removing files the generator no longer produces in those folders) or
//! checks that they hold exactly that set, which is what CI's freshness check runs. Another
//! pack's folders beside them are left alone, so every pack's binary writes to the same
//! `schemas/`, `skill/` and `dist/`.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::pack::Pack;
use crate::runtime::registry::catalog;

pub mod npm;
pub mod plugin;
pub mod providers;
pub mod release;
pub mod skill;

/// Relative path → file content.
pub type FileSet = BTreeMap<PathBuf, String>;

/// Pretty JSON with a trailing newline, the form every generated JSON file takes.
pub fn pretty(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_else(|_| "null".to_owned());
    text.push('\n');
    text
}

/// `schemas/<pack>/<id>.json` for every command and `schemas/<pack>/index.json`.
pub fn schema_files(pack: &Pack) -> FileSet {
    let root = PathBuf::from(pack.name);
    let mut files = FileSet::new();
    for command in pack.commands() {
        files.insert(
            root.join(format!("{}.json", command.id())),
            pretty(&command.input_schema()),
        );
    }
    files.insert(
        root.join("index.json"),
        pretty(&json!({ "commands": catalog(pack) })),
    );
    files
}

/// `skill/<skill>/`: the skill as OpenClaw reads it from a skills folder.
pub fn skill_files(pack: &Pack) -> FileSet {
    skill_files_for(pack, &[])
}

/// [`skill_files`] whose install specs add the release's `downloads` (see [`release`]).
pub fn skill_files_for(pack: &Pack, downloads: &[release::Download]) -> FileSet {
    let root = PathBuf::from(pack.skill.name);
    let mut files = FileSet::new();
    files.insert(root.join("SKILL.md"), skill::skill_md_for(pack, downloads));
    files.insert(
        root.join("references/commands.md"),
        skill::commands_md(pack),
    );
    files
}

/// `dist/`: the clean ClawHub skill folder (the skill plus every schema) and the OpenClaw
/// plugin, kept in separate folders (ClawHub refuses a skill folder that looks like a plugin).
pub fn bundle_files(pack: &Pack) -> FileSet {
    bundle_files_for(pack, &[])
}

/// [`bundle_files`] whose skill's install specs add the release's `downloads`.
pub fn bundle_files_for(pack: &Pack, downloads: &[release::Download]) -> FileSet {
    let mut files = skill_files_for(pack, downloads);
    let schemas = PathBuf::from(pack.skill.name).join("schemas");
    for (path, content) in schema_files(pack) {
        let name = path.file_name().map(PathBuf::from).unwrap_or(path);
        files.insert(schemas.join(name), content);
    }
    let plugin_dir = PathBuf::from(plugin::plugin_dir(pack));
    files.insert(
        plugin_dir.join("openclaw.plugin.json"),
        pretty(&plugin::manifest(pack)),
    );
    files.insert(
        plugin_dir.join("package.json"),
        pretty(&plugin::package_json(pack)),
    );
    files.insert(plugin_dir.join("index.js"), plugin::index_js(pack));
    files.insert(plugin_dir.join("README.md"), plugin::readme(pack));
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

/// Writes `files` under `dir`, or with `check` only compares. Only the top-level folders the
/// set names are the generator's: a file in them that the set lacks is extra; files elsewhere
/// under `dir` are another generator's. Paths in the report are relative to `dir`.
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
    let roots: std::collections::BTreeSet<&std::ffi::OsStr> =
        files.keys().filter_map(|path| path.iter().next()).collect();
    let mut existing_files = Vec::new();
    for root in roots {
        existing_files.extend(
            list_files(&dir.join(root))?
                .into_iter()
                .map(|p| Path::new(root).join(p)),
        );
    }
    for existing in existing_files {
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
    use crate::testing::DEMO;

    #[test]
    fn sync_writes_checks_and_prunes_only_its_own_folders() {
        let dir = std::env::temp_dir().join(format!("skill-sync-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let mut files = FileSet::new();
        files.insert(PathBuf::from("mine/a.json"), "{}\n".into());
        files.insert(PathBuf::from("mine/sub/b.md"), "b\n".into());

        let first = sync(&dir, &files, true).unwrap();
        assert_eq!(first.changed.len(), 2);
        assert!(!first.is_fresh());
        sync(&dir, &files, false).unwrap();
        assert!(sync(&dir, &files, true).unwrap().is_fresh());

        fs::create_dir_all(dir.join("other")).unwrap();
        fs::write(dir.join("other/theirs.json"), "x").unwrap();
        fs::write(dir.join("mine/stale.json"), "x").unwrap();
        fs::write(dir.join("mine/a.json"), "edited by hand").unwrap();
        let check = sync(&dir, &files, true).unwrap();
        assert_eq!(check.changed, vec![PathBuf::from("mine/a.json")]);
        assert_eq!(check.extra, vec![PathBuf::from("mine/stale.json")]);
        sync(&dir, &files, false).unwrap();
        assert!(sync(&dir, &files, true).unwrap().is_fresh());
        assert!(!dir.join("mine/stale.json").exists());
        assert!(
            dir.join("other/theirs.json").exists(),
            "another pack's file stays"
        );
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_skill_folder_never_looks_like_a_plugin() {
        for path in bundle_files(&DEMO).keys() {
            if path.starts_with(DEMO.skill.name) {
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
        let files = schema_files(&DEMO);
        let count = DEMO.commands().count();
        assert_eq!(files.len(), count + 1);
        let index: Value = serde_json::from_str(&files[&PathBuf::from("demo/index.json")]).unwrap();
        assert_eq!(index["commands"].as_array().map(Vec::len), Some(count));
    }
}
