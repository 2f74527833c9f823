//! The real binary: exit statuses, exactly one JSON document on stdout, logs on stderr only,
//! secrets never printed.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test"
)]

use std::time::Duration;

use assert_cmd::Command;
use serde_json::{Value, json};
use skill_runtime::skills::theta::PACK;
use skill_runtime::{Effect, Pack};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

mod local_files;
mod upstream_fault;

/// The binary with a clean environment (no THETA_* leaking in from the machine).
fn bin() -> Command {
    pack_bin(&PACK)
}

/// stdout must be exactly one JSON document.
fn one_document(stdout: &[u8]) -> Value {
    let text = String::from_utf8(stdout.to_vec()).expect("utf-8 stdout");
    let mut stream = serde_json::Deserializer::from_str(&text).into_iter::<Value>();
    let first = stream.next().expect("a document").expect("valid JSON");
    assert!(
        stream.next().is_none(),
        "more than one document on stdout: {text}"
    );
    first
}

#[test]
fn run_prints_one_document_and_exits_zero() {
    let out = bin().args(["run", "theta.setup"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let doc = one_document(&out.stdout);
    assert_eq!(doc["ok"], json!(true));
    assert_eq!(doc["command"], json!("theta.setup"));
    assert_eq!(doc["dryRun"], json!(false));
    assert!(
        out.stderr.is_empty(),
        "logs are off by default: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn absent_args_never_wait_for_stdin() {
    // stdin stays open and empty: reading it would hang until the timeout.
    let out = bin()
        .args(["run", "theta.setup"])
        .write_stdin(Vec::<u8>::new())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn args_can_come_from_stdin() {
    let out = bin()
        .args(["run", "theta.auth.capabilities", "-"])
        .write_stdin(r#"{"orgId": "bad/org"}"#)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let doc = one_document(&out.stdout);
    assert_eq!(doc["error"]["code"], json!("INVALID_THETA_ORG_ID"));
    assert_eq!(doc["error"]["problems"][0]["path"], json!("/orgId"));
}

#[test]
fn an_envelope_on_stdin_echoes_its_id() {
    let out = bin()
        .write_stdin(r#"{"id": "req-1", "command": "theta_setup", "args": {}}"#)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let doc = one_document(&out.stdout);
    assert_eq!(doc["id"], json!("req-1"));
    assert_eq!(
        doc["command"],
        json!("theta.setup"),
        "tool names resolve to the canonical id"
    );
}

#[test]
fn bad_requests_exit_two_with_one_document() {
    let cases: Vec<(Vec<&str>, Option<&str>, &str)> = vec![
        (vec!["run", "theta.nope"], None, "UNKNOWN_COMMAND"),
        (
            vec!["run", "theta.setup", "[1,2]"],
            None,
            "INVALID_COMMAND_ARGS",
        ),
        (
            vec!["run", "theta.setup", "{not json"],
            None,
            "INVALID_COMMAND_ARGS",
        ),
        (
            vec!["run", "theta.setup", r#"{"x":1}"#],
            None,
            "INVALID_ARGS",
        ),
        (vec!["run"], None, "INVALID_COMMAND_ARGS"),
        (
            vec!["run", "theta.setup", "--bogus-flag"],
            None,
            "INVALID_COMMAND_ARGS",
        ),
        (vec![], Some("not json"), "INVALID_COMMAND_ARGS"),
        (vec![], Some(""), "INVALID_COMMAND_ARGS"),
        (vec![], Some(r#"{"args":{}}"#), "MISSING_REQUIRED_FIELD"),
        (
            vec![],
            Some(r#"{"command":"theta.setup","args":{"endpoint":"https://evil"}}"#),
            "INFERENCE_ENDPOINT_OVERRIDE_DISABLED",
        ),
    ];
    for (args, stdin, code) in cases {
        let mut cmd = bin();
        cmd.args(&args);
        if let Some(input) = stdin {
            cmd.write_stdin(input);
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?} {stdin:?}");
        let doc = one_document(&out.stdout);
        assert_eq!(doc["ok"], json!(false));
        assert_eq!(
            doc["error"]["code"],
            json!(code),
            "{args:?} {stdin:?}: {doc}"
        );
    }
}

/// Issue 13, defect 9: usage errors of any subcommand print one JSON document on stdout (exit
/// status 2), not only clap's text on stderr; help and version stay text.
#[test]
fn usage_errors_print_one_document() {
    let cases: Vec<Vec<&str>> = vec![
        vec!["bogus"],
        vec!["--bogus"],
        vec!["serve", "--secret-timeout", "abc"],
        vec!["serve", "--max-in-flight", "0"],
        vec!["list", "--bogus"],
        vec!["schema"],
        vec!["schemas", "--out"],
    ];
    for args in cases {
        let out = bin().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let doc = one_document(&out.stdout);
        assert_eq!(doc["ok"], json!(false), "{args:?}: {doc}");
        assert_eq!(
            doc["error"]["code"],
            json!("INVALID_COMMAND_ARGS"),
            "{args:?}: {doc}"
        );
        let message = doc["error"]["message"].as_str().unwrap();
        assert!(!message.is_empty() && !message.contains('\n'), "{message}");
        assert!(
            doc["error"]["hint"]
                .as_str()
                .unwrap()
                .contains("theta-skill"),
            "{args:?}: {doc}"
        );
        assert!(!out.stderr.is_empty(), "clap's text still goes to stderr");
    }
    let doc = one_document(&bin().arg("bogus").output().unwrap().stdout);
    assert!(
        doc["error"]["message"].as_str().unwrap().contains("bogus"),
        "{doc}"
    );
}

#[test]
fn unknown_commands_list_the_closest_ids() {
    let out = bin()
        .args(["run", "theta.auth.capabilites"])
        .output()
        .unwrap();
    let doc = one_document(&out.stdout);
    assert_eq!(
        doc["error"]["details"]["suggestions"][0],
        json!("theta.auth.capabilities")
    );
}

#[test]
fn a_panic_still_prints_one_document() {
    let out = bin()
        .args(["run", "theta.setup"])
        .env("THETA_SKILL_DEBUG_PANIC", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc = one_document(&out.stdout);
    assert_eq!(doc["error"]["code"], json!("INTERNAL"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("internal error"));
}

#[test]
fn help_and_version_work() {
    let help = bin().arg("--help").output().unwrap();
    assert_eq!(help.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&help.stdout).contains("theta-skill run"));
    let version = bin().arg("--version").output().unwrap();
    assert!(String::from_utf8_lossy(&version.stdout).contains(env!("CARGO_PKG_VERSION")));
}

#[test]
fn list_and_schema() {
    let out = bin().args(["list", "--json"]).output().unwrap();
    let list = one_document(&out.stdout);
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["id"].as_str())
        .collect();
    assert!(ids.contains(&"theta.auth.capabilities"));
    let out = bin()
        .args(["schema", "theta.auth.capabilities"])
        .output()
        .unwrap();
    let schema = one_document(&out.stdout);
    assert_eq!(schema["type"], json!("object"));
    let out = bin().args(["schema", "theta.nope"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// `pack`'s binary with a clean environment.
fn pack_bin(pack: &Pack) -> Command {
    let mut cmd = Command::new(upstream_fault::binary(pack));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .timeout(Duration::from_secs(30));
    cmd
}

/// Where `pack`'s generated files are checked in: the repository for a published pack; for an
/// example pack (`skills::EXAMPLES`, never published) a scratch folder its binary first writes
/// them to, so its generators still run and must agree with their own `--check`.
fn generated_root(pack: &Pack, what: &str) -> std::path::PathBuf {
    let repo = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    if !skill_runtime::skills::EXAMPLES
        .iter()
        .any(|example| std::ptr::eq(*example, pack))
    {
        return repo;
    }
    let root = std::env::temp_dir().join(format!(
        "theta-skill-generated-{}-{what}-{}",
        pack.name,
        std::process::id()
    ));
    let root_text = root.to_string_lossy().into_owned();
    let args: Vec<String> = match what {
        "schemas" => vec![
            "schemas".into(),
            "--out".into(),
            format!("{root_text}/schemas"),
        ],
        _ => vec![
            "bundle".into(),
            "--out".into(),
            format!("{root_text}/dist"),
            "--skill-out".into(),
            format!("{root_text}/skill"),
        ],
    };
    let out = pack_bin(pack).args(&args).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}: {out:?}", pack.binary);
    root
}

#[test]
fn checked_in_schemas_are_fresh() {
    for pack in skill_runtime::skills::PACKS {
        let dir = generated_root(pack, "schemas").join("schemas");
        let out = pack_bin(pack)
            .args(["schemas", "--check", "--out", &dir.to_string_lossy()])
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "schemas/ is stale; run `cargo run --bin {name} -- schemas --out schemas`: {}",
            String::from_utf8_lossy(&out.stderr),
            name = pack.binary
        );
    }
}

#[test]
fn checked_in_skill_and_bundle_are_fresh() {
    for pack in skill_runtime::skills::PACKS {
        let root = generated_root(pack, "bundle");
        let root = root.to_string_lossy();
        let out = pack_bin(pack)
            .args([
                "bundle",
                "--check",
                "--out",
                &format!("{root}/dist"),
                "--skill-out",
                &format!("{root}/skill"),
            ])
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "skill/ or dist/ is stale; run `cargo run --bin {name} -- bundle --out dist --skill-out skill`: {}",
            String::from_utf8_lossy(&out.stderr),
            name = pack.binary
        );
    }
}

/// The command-line contract, for every pack's binary: `list --json` lists every command,
/// `schema` prints a command's published schema, an unknown command and a request that is not
/// JSON exit 2, a gated command's `--dry-run` previews, and `--version` names the binary; each
/// prints exactly one JSON document.
#[test]
fn every_binary_keeps_the_command_line_contract() {
    for pack in skill_runtime::skills::PACKS {
        let name = pack.binary;
        let out = pack_bin(pack).args(["list", "--json"]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{name}");
        let listed = one_document(&out.stdout);
        let ids: Vec<&str> = listed
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap())
            .collect();
        let declared: Vec<&str> = pack.commands().map(|c| c.id()).collect();
        assert_eq!(ids, declared, "{name}");

        let first = pack.commands().next().unwrap();
        let out = pack_bin(pack)
            .args(["schema", first.id()])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{name}");
        assert_eq!(one_document(&out.stdout), first.input_schema(), "{name}");

        let unknown = format!("{}.notACommand", pack.name);
        let out = pack_bin(pack).args(["run", &unknown]).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{name}");
        assert_eq!(
            one_document(&out.stdout)["error"]["code"],
            json!("UNKNOWN_COMMAND")
        );

        let out = pack_bin(pack).write_stdin("not json").output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{name}");
        assert_eq!(one_document(&out.stdout)["ok"], json!(false), "{name}");

        if let Some(gated) = pack.commands().find(|c| c.effect() != Effect::ReadOnly) {
            let args = local_files::runnable_example(gated).to_string();
            let out = pack_bin(pack)
                .args(["run", gated.id(), &args, "--dry-run"])
                .output()
                .unwrap();
            let document = one_document(&out.stdout);
            assert_eq!(document["dryRun"], json!(true), "{name}: {document:#}");
            assert_eq!(document["command"], json!(gated.id()), "{name}");
        }

        let out = pack_bin(pack).arg("--version").output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{name}");
        assert!(
            String::from_utf8_lossy(&out.stdout).contains(name),
            "{name}"
        );
    }
}

#[test]
fn serve_answers_each_line_of_a_piped_session() {
    let out = bin()
        .args(["serve", "--secret-timeout", "1"])
        .write_stdin("{\"id\":1,\"command\":\"theta.setup\"}\nnot json\n{\"id\":2,\"command\":\"theta.nope\"}\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let lines: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .filter(|v: &Value| v["type"] != json!("secret"))
        .collect();
    assert_eq!(lines.len(), 3, "{lines:#?}");
    assert!(
        lines
            .iter()
            .any(|l| l["id"] == json!(1) && l["ok"] == json!(true))
    );
    assert!(
        lines
            .iter()
            .any(|l| l["id"] == json!(2) && l["error"]["code"] == json!("UNKNOWN_COMMAND"))
    );
    assert!(
        lines
            .iter()
            .any(|l| l.get("id").is_none() && l["error"]["code"] == json!("INVALID_COMMAND_ARGS"))
    );
}

/// Issue 13, defect 1: a line that is not UTF-8, or over the length limit, is answered and
/// the process keeps serving (it used to stop reading and drop every later request).
#[test]
fn serve_keeps_serving_after_bad_bytes() {
    let mut input = Vec::new();
    input.extend_from_slice(b"{\"id\":1,\"command\":\"theta.setup\"}\n\xff\n");
    input.extend_from_slice(b"{\"id\":2,\"command\":\"theta.setup\"}\n\xc3\x28 \xe2\x82\n");
    input.extend_from_slice(b"{\"id\":3,\"command\":\"theta.setup\"}\n");
    let out = bin()
        .args(["serve", "--secret-timeout", "1"])
        .write_stdin(input)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let lines: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .filter(|v: &Value| v["type"] != json!("secret"))
        .collect();
    assert_eq!(lines.len(), 5, "{lines:#?}");
    for id in 1..=3 {
        assert!(
            lines
                .iter()
                .any(|l| l["id"] == json!(id) && l["ok"] == json!(true)),
            "request {id} answered: {lines:#?}"
        );
    }
    let bad: Vec<&Value> = lines.iter().filter(|l| l.get("id").is_none()).collect();
    assert_eq!(bad.len(), 2);
    for line in bad {
        assert_eq!(line["error"]["code"], json!("INVALID_COMMAND_ARGS"));
        assert!(line["error"]["message"].as_str().unwrap().contains("UTF-8"));
    }
}

/// The key reaches the server as a header but never the output or the logs, even when the
/// server echoes it back in its error body.
#[tokio::test(flavor = "multi_thread")]
async fn secrets_never_reach_stdout_or_logs() {
    let server = MockServer::start().await;
    let key = "ec-key-very-secret-42";
    Mock::given(method("GET"))
        .and(path("/resource/vm/list"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"status": "success", "body": {"vms": [{}]}})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/deployment/list"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_string(format!("bad key {key} for x-api-key: {key}")),
        )
        .mount(&server)
        .await;
    let uri = server.uri();
    let out = tokio::task::spawn_blocking(move || {
        bin()
            .env("THETA_PLATFORM_BASE_URL", &uri)
            .env("THETA_CONTROLLER_BASE_URL", &uri)
            .env("THETA_EC_PROJECT_ID", "prj_test")
            .env("THETA_LOG", "debug")
            .write_stdin(format!(
                r#"{{"command":"theta.health","secrets":{{"THETA_EC_API_KEY":"{key}"}}}}"#
            ))
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stdout.contains(key), "{stdout}");
    assert!(!stderr.contains(key), "{stderr}");
    let doc = one_document(&out.stdout);
    assert_eq!(doc["result"]["authVerified"], json!(false));
    assert!(
        doc["result"]["authError"].as_str().unwrap().contains("***"),
        "{doc}"
    );
    // The key was really sent.
    let received = server.received_requests().await.unwrap();
    let controller = received
        .iter()
        .find(|r| r.url.path() == "/deployment/list")
        .unwrap();
    assert_eq!(controller.headers.get("x-api-key").unwrap(), key);
    // Logs are JSON lines on stderr.
    assert!(!stderr.is_empty());
    for line in stderr.lines() {
        serde_json::from_str::<Value>(line)
            .unwrap_or_else(|e| panic!("log line is not JSON ({e}): {line}"));
    }
}

/// SIGTERM stops a serve process gracefully: it answers what it was asked and exits 0.
#[test]
fn serve_stops_on_sigterm_after_answering() {
    use std::io::{BufRead, BufReader, Write};
    use std::process::{Command as Process, Stdio};
    let mut child = Process::new(upstream_fault::binary(&PACK))
        .args(["serve", "--secret-timeout", "1"])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    writeln!(stdin, r#"{{"id":"a","command":"theta.nope"}}"#).unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first: Value = serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
    assert_eq!(first["id"], json!("a"));
    // stdin stays open: only the signal can end the process.
    let killed = Process::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "serve ignored SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(0));
    drop(stdin);
}
