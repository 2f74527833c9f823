//! Releases through the real binaries (issue 20): `--version` names the commit, `bundle
//! --release-manifest` adds checked downloads (and refuses a manifest it cannot trust), `npm`
//! writes packages whose launcher runs the binary through module resolution.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test"
)]

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};
use skill_runtime::Pack;
use skill_runtime::skills::{EXAMPLES, PACKS};

mod upstream_fault;

const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The packs a release ships (every pack but the examples).
fn released() -> impl Iterator<Item = &'static Pack> {
    PACKS
        .iter()
        .copied()
        .filter(|pack| !EXAMPLES.iter().any(|example| example.name == pack.name))
}

fn bin(name: &str) -> Command {
    let pack = released()
        .find(|pack| pack.binary == name)
        .expect("a released pack's binary");
    Command::new(upstream_fault::binary(pack))
}

/// `<binary> bundle --release-manifest <manifest>` into `dir/dist` and `dir/skill`.
fn bundle(name: &str, manifest: &Path, dir: &Path) -> std::process::Output {
    bin(name)
        .args(["bundle", "--release-manifest"])
        .arg(manifest)
        .arg("--out")
        .arg(dir.join("dist"))
        .arg("--skill-out")
        .arg(dir.join("skill"))
        .output()
        .unwrap()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("release-it-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `npm-scope` from Cargo.toml, the one place it is written.
fn npm_scope() -> String {
    let manifest =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml")).unwrap();
    let line = manifest
        .lines()
        .find(|l| l.trim_start().starts_with("npm-scope"))
        .unwrap();
    line.split('"').nth(1).unwrap().to_owned()
}

fn metadata(skill_md: &Path) -> Value {
    let text = std::fs::read_to_string(skill_md).unwrap();
    let line = text.lines().find(|l| l.starts_with("metadata: ")).unwrap();
    serde_json::from_str(&line["metadata: ".len()..]).unwrap()
}

/// A cargo-dist manifest as the workspace makes it: one release per binary (its package under
/// `bins/`), each with a Linux archive and a Windows zip holding that binary.
fn manifest(version: &str, linux_sha: &str) -> Value {
    let mut manifest = json!({"dist_version": "0.34.0", "releases": [], "artifacts": {}});
    for pack in released() {
        let app = pack.binary;
        let linux = format!("{app}-x86_64-unknown-linux-musl.tar.gz");
        let windows = format!("{app}-x86_64-pc-windows-msvc.zip");
        manifest["releases"]
            .as_array_mut()
            .unwrap()
            .push(json!({"app_name": app, "app_version": version, "artifacts": [linux, windows]}));
        manifest["artifacts"][&linux] = json!({"name": linux, "kind": "executable-zip",
            "target_triples": ["x86_64-unknown-linux-musl"],
            "assets": [{"name": app, "kind": "executable"}, {"name": "README.md", "kind": "readme"}],
            "checksums": {"sha256": linux_sha}});
        manifest["artifacts"][&windows] = json!({"name": windows, "kind": "executable-zip",
            "target_triples": ["x86_64-pc-windows-msvc"],
            "assets": [{"name": format!("{app}.exe"), "kind": "executable"}],
            "checksums": {"sha256": "b".repeat(64)}});
    }
    manifest
}

#[test]
fn version_names_the_version_and_the_commit() {
    let head = Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim()[..12].to_owned());
    for name in released().map(|pack| pack.binary) {
        let out = bin(name).arg("--version").output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        let line = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        match &head {
            Some(commit) => assert_eq!(line, format!("{name} {VERSION} (commit {commit})")),
            None => assert_eq!(
                line,
                format!("{name} {VERSION} (commit unknown: not built from a git checkout)")
            ),
        }
    }
}

#[test]
fn a_release_manifest_adds_one_checked_download_per_archive() {
    let dir = scratch("bundle");
    let path = dir.join("dist-manifest.json");
    std::fs::write(&path, manifest(VERSION, &"a".repeat(64)).to_string()).unwrap();
    for name in released().map(|pack| pack.binary) {
        let out = bundle(name, &path, &dir);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let skill = metadata(&dir.join("dist/theta-edgecloud/SKILL.md"));
    let install = skill["openclaw"]["install"].as_array().unwrap();
    assert_eq!(install[0]["kind"], json!("node"));
    assert_eq!(
        install[0]["package"],
        json!(format!("{}/theta-skill@{VERSION}", npm_scope()))
    );
    let downloads: Vec<&Value> = install.iter().filter(|s| s["kind"] == "download").collect();
    assert_eq!(downloads.len(), 2);
    assert_eq!(downloads[0]["os"], json!(["linux"]));
    assert_eq!(downloads[0]["sha256"], json!("a".repeat(64)));
    assert!(downloads[0]["url"].as_str().unwrap().ends_with(&format!(
        "/releases/download/v{VERSION}/theta-skill-x86_64-unknown-linux-musl.tar.gz"
    )));
    assert_eq!(downloads[1]["os"], json!(["win32"]));
    // The other binary's skill gets its own release's archives.
    let eliza = metadata(&dir.join("skill/elizacloud/SKILL.md"));
    assert_eq!(
        eliza["openclaw"]["install"][1]["bins"],
        json!(["elizacloud-skill"])
    );
    assert!(
        eliza["openclaw"]["install"][1]["url"]
            .as_str()
            .unwrap()
            .ends_with("/elizacloud-skill-x86_64-unknown-linux-musl.tar.gz")
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_manifest_it_cannot_trust_writes_nothing() {
    let dir = scratch("refuse");
    for (case, doc) in [
        ("other version", manifest("9.9.9", &"a".repeat(64))),
        ("not a checksum", manifest(VERSION, "not-hex")),
    ] {
        let path = dir.join("dist-manifest.json");
        std::fs::write(&path, doc.to_string()).unwrap();
        let out = bundle("theta-skill", &path, &dir);
        assert_eq!(out.status.code(), Some(1), "{case}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("--release-manifest"),
            "{case}"
        );
        assert!(!dir.join("dist").exists(), "{case}: nothing is written");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn npm_packages_run_the_binary_through_module_resolution() {
    let dir = scratch("npm");
    let target = "x86_64-unknown-linux-musl";
    let extracted = dir.join("archives").join(format!("theta-skill-{target}"));
    std::fs::create_dir_all(&extracted).unwrap();
    std::fs::copy(
        upstream_fault::binary(&skill_runtime::skills::theta::PACK),
        extracted.join("theta-skill"),
    )
    .unwrap();
    let out_dir = dir.join("npm");
    let out = bin("theta-skill")
        .args(["npm", "--archives"])
        .arg(dir.join("archives"))
        .arg("--out")
        .arg(&out_dir)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let all = bin("theta-skill")
        .args(["npm", "--all-platforms", "--archives"])
        .arg(dir.join("archives"))
        .arg("--out")
        .arg(dir.join("npm-all"))
        .output()
        .unwrap();
    assert_eq!(
        all.status.code(),
        Some(1),
        "one platform is not all of them"
    );
    assert!(String::from_utf8_lossy(&all.stderr).contains("darwin-arm64"));

    // What npm would lay out: both packages under node_modules/@scope/.
    if !cfg!(all(target_os = "linux", target_arch = "x86_64")) {
        return;
    }
    let Some(node) = which("node") else {
        eprintln!("node is not on PATH: the launcher is not run");
        return;
    };
    let scope = npm_scope();
    let modules = dir.join("project/node_modules").join(&scope);
    std::fs::create_dir_all(&modules).unwrap();
    for (from, to) in [
        ("theta-skill", "theta-skill"),
        ("theta-skill-linux-x64", "theta-skill-linux-x64"),
    ] {
        copy_dir(&out_dir.join(from), &modules.join(to));
    }
    let launcher = modules.join("theta-skill/bin/theta-skill.js");
    let run = Command::new(&node)
        .arg(&launcher)
        .args(["run", "nope.command"])
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2), "the binary's exit status");
    let doc: Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(doc["error"]["code"], json!("UNKNOWN_COMMAND"));
    let path = Command::new(&node)
        .arg("-e")
        .arg("console.log(require(process.argv[1]).binaryPath())")
        .arg(modules.join("theta-skill"))
        .output()
        .unwrap();
    assert_eq!(
        PathBuf::from(String::from_utf8_lossy(&path.stdout).trim()),
        modules.join("theta-skill-linux-x64/bin/theta-skill")
    );
    let _ = std::fs::remove_dir_all(&dir);
}

fn which(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(name))
            .find(|p| p.is_file())
    })
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}
