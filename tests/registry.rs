//! What the Theta pack promises beyond the invariants every pack keeps (`tests/invariants.rs`):
//! its gated commands, and no local file read.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test"
)]

use skill_runtime::Effect;
use skill_runtime::runtime::registry::find;
use skill_runtime::skills::theta::PACK;

/// The Theta pack's gated commands that must exist (the invariants check every gated command
/// of every pack previews offline, `tests/invariants.rs`): the paid and mutating ones.
#[test]
fn the_commands_the_skill_promises_are_gated() {
    for id in [
        "theta.ondemand.infer",
        "theta.ondemand.chat",
        "theta.deployments.create",
        "theta.deployments.delete",
        "theta.inference.chat",
        "theta.video.ingestor.select",
    ] {
        let command = find(&PACK, id).unwrap_or_else(|| panic!("{id} is not registered"));
        assert_ne!(command.effect(), Effect::ReadOnly, "{id}");
    }
}

/// The Theta skill promises to read no local file (uploads come from the arguments): the pack
/// declares none, no command declares one, and no Theta source asks for file access, so the
/// dispatcher could never grant it (`src/files.rs`).
#[test]
fn the_skill_runtime_reads_no_local_file() {
    assert!(!PACK.reads_local_files);
    for command in PACK.commands() {
        assert!(!command.reads_local_files(), "{}", command.id());
    }
    fn sources(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    sources(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/skills/theta"),
        &mut files,
    );
    assert!(files.len() > 20, "{} sources", files.len());
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for word in [
            "file_access",
            "READS_LOCAL_FILES",
            "crate::files",
            "std::fs::",
        ] {
            assert!(!text.contains(word), "{} uses {word}", file.display());
        }
    }
}
