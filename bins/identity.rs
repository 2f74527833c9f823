//! Each skill binary introduces itself under its own package's name and version: `--version`
//! and MCP's `serverInfo` (every package under `bins/` runs this test, `[[test]] path =
//! "../identity.rs"`). Having an integration test is also what makes `cargo test` build the
//! binary, which the library's suites spawn.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test"
)]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

const NAME: &str = env!("CARGO_PKG_NAME");
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// This package's binary: `target/<profile>/<name>`, beside the `deps/` folder of this test.
fn binary() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let profile = exe.parent().and_then(|deps| deps.parent()).unwrap();
    profile.join(format!("{NAME}{}", std::env::consts::EXE_SUFFIX))
}

#[test]
fn version_names_this_binary() {
    let out = Command::new(binary()).arg("--version").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let line = String::from_utf8(out.stdout).unwrap();
    assert!(
        line.starts_with(&format!("{NAME} {VERSION} (commit ")),
        "{line}"
    );
}

#[test]
fn mcp_server_info_names_this_binary() {
    let mut child = Command::new(binary())
        .arg("mcp")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let initialize = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"identity-test","version":"1"}}}"#;
    let mut stdin = child.stdin.take().unwrap();
    writeln!(stdin, "{initialize}").unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let answer: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!(answer["result"]["serverInfo"]["name"], NAME, "{text}");
    assert_eq!(answer["result"]["serverInfo"]["version"], VERSION, "{text}");
}
