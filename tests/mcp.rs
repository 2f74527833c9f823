//! `theta-skill mcp`: the real binary driven with JSON-RPC lines on stdin, against wiremock
//! fakes — handshake and version negotiation, the tool list against the registry, calls
//! through the dispatcher (success, upstream failure, bad arguments, dry-run), protocol
//! errors, progress notifications, cancellation, and a clean exit at end of input. Every line
//! on stdout must be a JSON-RPC message.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test"
)]

mod common;
mod controller_common;
mod local_files;
mod upstream_fault;

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use theta_skill::command::DESTRUCTIVE_NOTE;
use theta_skill::runtime::registry::tool_name;
use theta_skill::skills::theta::PACK;
use theta_skill::{Effect, Pack};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "od-mcp-token-7c41e2";
const ANSWER_WAIT: Duration = Duration::from_secs(15);

/// One `theta-skill mcp` process.
struct Mcp {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<String>,
    /// Notifications seen while waiting for responses, in order.
    notifications: Vec<Value>,
    /// Responses read while waiting for another id.
    responses: Vec<Value>,
    /// Everything written to stderr so far.
    stderr: Arc<Mutex<Vec<u8>>>,
    next_id: u64,
}

impl Mcp {
    fn start(env: &[(&str, &str)]) -> Self {
        Self::spawn(&PACK, &[], env)
    }

    /// `<binary of pack> mcp <args>` with only `env` (and `PATH`).
    fn spawn(pack: &Pack, args: &[&str], env: &[(&str, &str)]) -> Self {
        let mut command = Command::new(upstream_fault::binary(pack));
        command
            .arg("mcp")
            .args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env(pack.var("HTTP_RETRY_BACKOFF_MS"), "25")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (name, value) in env {
            command.env(name, value);
        }
        let mut child = command.spawn().expect("the binary starts");
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        // Keep stderr drained so logs can never block the server.
        let mut child_stderr = child.stderr.take().unwrap();
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&stderr);
        std::thread::spawn(move || {
            let mut chunk = [0u8; 4096];
            while let Ok(n) = child_stderr.read(&mut chunk) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&chunk[..n]);
            }
        });
        let stdin = child.stdin.take();
        Self {
            child,
            stdin,
            lines,
            notifications: Vec::new(),
            responses: Vec::new(),
            stderr,
            next_id: 100,
        }
    }

    /// A server pointed at `server` with the on-demand token set, initialized.
    fn ready(server: &MockServer, extra: &[(&str, &str)]) -> Self {
        let uri = server.uri();
        let mut env: Vec<(&str, &str)> = common::BASE_URL_VARS
            .iter()
            .map(|var| (*var, uri.as_str()))
            .collect();
        env.push(("THETA_ONDEMAND_API_TOKEN", TOKEN));
        env.extend_from_slice(extra);
        let mut mcp = Self::start(&env);
        let init = mcp.initialize("2025-11-25");
        assert_eq!(init["result"]["protocolVersion"], json!("2025-11-25"));
        mcp
    }

    fn send(&mut self, message: &Value) {
        self.send_raw(message.to_string().as_bytes());
    }

    /// Writes `line` and a newline, whatever its bytes.
    fn send_raw(&mut self, line: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin.write_all(line).unwrap();
        stdin.write_all(b"\n").unwrap();
        stdin.flush().unwrap();
    }

    /// The next stdout line, which must be one JSON-RPC 2.0 message.
    fn next_message(&mut self, wait: Duration) -> Option<Value> {
        match self.lines.recv_timeout(wait) {
            Ok(line) => {
                let value: Value = serde_json::from_str(&line)
                    .unwrap_or_else(|e| panic!("stdout line is not JSON ({e}): {line}"));
                assert_eq!(value["jsonrpc"], json!("2.0"), "not JSON-RPC: {line}");
                Some(value)
            }
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => None,
        }
    }

    /// Reads until the response to `id`, keeping notifications and other responses.
    fn response(&mut self, id: &Value) -> Value {
        if let Some(i) = self.responses.iter().position(|r| &r["id"] == id) {
            return self.responses.remove(i);
        }
        let deadline = Instant::now() + ANSWER_WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let message = self
                .next_message(left)
                .unwrap_or_else(|| panic!("no response to {id} within {ANSWER_WAIT:?}"));
            if message.get("id").is_none() {
                self.notifications.push(message);
            } else if &message["id"] == id {
                return message;
            } else {
                self.responses.push(message);
            }
        }
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = json!(self.next_id);
        let mut message = json!({"jsonrpc": "2.0", "id": id, "method": method});
        message["params"] = params;
        self.send(&message);
        self.response(&id)
    }

    fn initialize(&mut self, version: &str) -> Value {
        let answer = self.request(
            "initialize",
            json!({
                "protocolVersion": version,
                "capabilities": {},
                "clientInfo": {"name": "theta-skill-tests", "version": "1"}
            }),
        );
        self.send(&json!({"jsonrpc": "2.0", "method": "notifications/initialized"}));
        answer
    }

    /// `tools/call`: the result object, with its text parsed.
    fn call(&mut self, tool: &str, arguments: Value) -> (Value, Value) {
        let mut params = json!({"name": tool});
        params["arguments"] = arguments;
        let answer = self.request("tools/call", params);
        tool_result(&answer)
    }

    /// Closes stdin and waits for the exit; returns the status and any lines still written.
    fn finish(mut self) -> (ExitStatus, Vec<Value>) {
        drop(self.stdin.take());
        let deadline = Instant::now() + ANSWER_WAIT;
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            assert!(Instant::now() < deadline, "the server did not exit at EOF");
            std::thread::sleep(Duration::from_millis(20));
        };
        let mut rest = Vec::new();
        while let Some(message) = self.next_message(Duration::from_millis(200)) {
            rest.push(message);
        }
        (status, rest)
    }
}

impl Drop for Mcp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The `result` of a tool call and the response document in its one text block.
fn tool_result(answer: &Value) -> (Value, Value) {
    let result = answer
        .get("result")
        .unwrap_or_else(|| panic!("not a result: {answer:#}"))
        .clone();
    let content = result["content"].as_array().expect("content");
    assert_eq!(content.len(), 1, "one text block: {result:#}");
    assert_eq!(content[0]["type"], json!("text"));
    assert!(
        result.get("structuredContent").is_none(),
        "one form only: {result:#}"
    );
    let document = serde_json::from_str(content[0]["text"].as_str().unwrap()).unwrap();
    (result, document)
}

fn status_body(state: &str) -> Value {
    json!({"status": "success", "body": {"infer_requests": [
        {"id": "infr_rqst_mcp1", "state": state}
    ]}})
}

#[test]
fn initialize_answers_the_version_asked_or_the_newest_with_a_handshake() {
    let mut mcp = Mcp::start(&[]);
    let answer = mcp.initialize("2025-11-25");
    let result = &answer["result"];
    assert_eq!(result["protocolVersion"], json!("2025-11-25"));
    assert!(result["capabilities"]["tools"].is_object(), "{result:#}");
    assert_eq!(result["serverInfo"]["name"], json!("theta-skill"));
    assert_eq!(
        result["serverInfo"]["version"],
        json!(env!("CARGO_PKG_VERSION"))
    );
    assert!(
        result["instructions"].as_str().unwrap().contains("dryRun"),
        "{result:#}"
    );
    let (status, rest) = mcp.finish();
    assert!(status.success(), "{status:?}");
    assert!(rest.is_empty(), "{rest:#?}");

    // Newer than any handshake version (2026-07-28 has none; 2099 is unknown): the newest
    // version that has an initialize handshake. An older known version is echoed.
    for (asked, answered) in [
        ("2026-07-28", "2025-11-25"),
        ("2099-01-01", "2025-11-25"),
        ("2024-11-05", "2024-11-05"),
    ] {
        let mut mcp = Mcp::start(&[]);
        let answer = mcp.initialize(asked);
        assert_eq!(
            answer["result"]["protocolVersion"],
            json!(answered),
            "{asked}: {answer:#}"
        );
        assert_eq!(mcp.request("ping", json!({}))["result"], json!({}));
    }
}

/// The `2026-07-28` lifecycle has no handshake: `server/discover`, then requests carrying the
/// protocol version, client info and capabilities in `_meta`.
#[test]
fn the_stateless_lifecycle_discovers_and_calls_without_a_handshake() {
    let meta = json!({
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientInfo": {"name": "theta-skill-tests", "version": "1"},
        "io.modelcontextprotocol/clientCapabilities": {}
    });
    let mut mcp = Mcp::start(&[]);
    let discovered = mcp.request("server/discover", json!({"_meta": meta}));
    let versions = discovered["result"]["supportedVersions"]
        .as_array()
        .unwrap_or_else(|| panic!("{discovered:#}"));
    assert!(versions.contains(&json!("2026-07-28")), "{versions:?}");
    assert!(versions.contains(&json!("2025-11-25")), "{versions:?}");
    let answer = mcp.request(
        "tools/call",
        json!({"name": "theta_setup", "arguments": {}, "_meta": meta}),
    );
    let (result, document) = tool_result(&answer);
    assert_eq!(result["isError"], json!(false));
    assert_eq!(document["command"], json!("theta.setup"));
    let listed = mcp.request("tools/list", json!({"_meta": meta}));
    assert_eq!(
        listed["result"]["tools"].as_array().map(Vec::len),
        Some(PACK.commands().count())
    );
    let (status, _) = mcp.finish();
    assert!(status.success());
}

#[test]
fn tools_list_has_one_tool_per_command_with_its_published_schema_and_effect_hints() {
    let mut mcp = Mcp::start(&[]);
    mcp.initialize("2025-11-25");
    let answer = mcp.request("tools/list", json!({}));
    let tools = answer["result"]["tools"].as_array().expect("tools").clone();
    assert!(answer["result"].get("nextCursor").is_none(), "one page");
    assert_eq!(tools.len(), PACK.commands().count());
    for (tool, command) in tools.iter().zip(PACK.commands()) {
        let name = tool_name(command.id());
        assert_eq!(tool["name"], json!(name));
        assert!(
            name.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
                && name.len() <= 64,
            "{name}"
        );
        let description = tool["description"].as_str().unwrap();
        assert!(description.starts_with(command.summary()), "{description}");
        assert_eq!(tool["title"], json!(command.id()));
        assert!(tool.get("outputSchema").is_none(), "{name}");

        // The published schema; gated tools add only an optional `dryRun` boolean.
        let mut expected = command.input_schema();
        let gated = command.effect() != Effect::ReadOnly;
        if gated {
            expected["properties"]["dryRun"] = tool["inputSchema"]["properties"]["dryRun"].clone();
            assert_eq!(
                tool["inputSchema"]["properties"]["dryRun"]["type"],
                json!("boolean"),
                "{name}"
            );
            assert!(description.contains("dryRun true first"), "{description}");
        }
        assert_eq!(tool["inputSchema"], expected, "{name}");

        let hints = &tool["annotations"];
        for hint in [
            "readOnlyHint",
            "destructiveHint",
            "idempotentHint",
            "openWorldHint",
        ] {
            assert!(hints[hint].is_boolean(), "{name}: {hint} missing: {hints}");
        }
        assert_eq!(hints["readOnlyHint"], json!(!gated), "{name}");
        assert_eq!(hints["openWorldHint"], json!(true), "{name}");
        if !gated {
            assert_eq!(hints["destructiveHint"], json!(false), "{name}");
            assert_eq!(hints["idempotentHint"], json!(true), "{name}");
        }
        assert_eq!(tool["_meta"]["skill/id"], json!(command.id()));
    }
    let hints = |name: &str| {
        tools
            .iter()
            .find(|t| t["name"] == json!(name))
            .map(|t| t["annotations"].clone())
            .unwrap()
    };
    let delete = hints("theta_deployments_delete");
    assert_eq!(
        (&delete["destructiveHint"], &delete["idempotentHint"]),
        (&json!(true), &json!(true))
    );
    // A stopped deployment can be started again; a GPU deployment deleted cannot come back.
    let stop = hints("theta_deployments_stop");
    assert_eq!(stop["destructiveHint"], json!(false));
    let gpu_delete = hints("theta_gpu_deployments_delete");
    assert_eq!(gpu_delete["destructiveHint"], json!(true));
    let create = hints("theta_deployments_create");
    assert_eq!(
        (&create["destructiveHint"], &create["idempotentHint"]),
        (&json!(false), &json!(false))
    );
    let infer = hints("theta_ondemand_infer");
    assert_eq!(infer["readOnlyHint"], json!(false));
    assert_eq!(infer["idempotentHint"], json!(false));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_call_runs_through_the_dispatcher_with_the_env_token() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/infer_request/infr_rqst_mcp1"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(status_body("success")))
        .expect(1)
        .mount(&server)
        .await;
    let mut mcp = Mcp::ready(&server, &[]);
    let (result, document) = mcp.call(
        "theta_ondemand_status",
        json!({"requestId": "infr_rqst_mcp1"}),
    );
    assert_eq!(result["isError"], json!(false), "{result:#}");
    assert_eq!(document["ok"], json!(true), "{document:#}");
    assert_eq!(document["command"], json!("theta.ondemand.status"));
    assert_eq!(document["dryRun"], json!(false));
    assert!(
        !result.to_string().contains(TOKEN),
        "no secret in the result"
    );
    let (status, _) = mcp.finish();
    assert!(status.success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn command_failures_are_tool_results_carrying_the_error_document() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/infer_request/infr_rqst_denied"))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({"error": "forbidden"})))
        .expect(1)
        .mount(&server)
        .await;
    let mut mcp = Mcp::ready(&server, &[]);

    // Upstream 403.
    let (result, document) = mcp.call(
        "theta_ondemand_status",
        json!({"requestId": "infr_rqst_denied"}),
    );
    assert_eq!(result["isError"], json!(true), "{result:#}");
    assert_eq!(document["ok"], json!(false));
    assert_eq!(document["error"]["code"], json!("HTTP_403"), "{document:#}");
    assert_eq!(document["error"]["status"], json!(403));

    // Bad arguments: every problem, with its path, and no request.
    let (result, document) = mcp.call(
        "theta_ondemand_pollUntilDone",
        json!({"requestId": "../etc", "options": {"maxAttempts": "many"}, "extra": 1}),
    );
    assert_eq!(result["isError"], json!(true), "{result:#}");
    let problems = document["error"]["problems"].as_array().expect("problems");
    let paths: Vec<&str> = problems
        .iter()
        .map(|p| p["path"].as_str().unwrap())
        .collect();
    assert!(paths.contains(&"/requestId"), "{paths:?}");
    assert!(paths.contains(&"/options/maxAttempts"), "{paths:?}");
    assert!(problems.len() >= 3, "{problems:#?}");

    // A dryRun that is not a boolean is named as such.
    let (result, document) = mcp.call(
        "theta_ondemand_infer",
        json!({"service": "flux", "input": {"prompt": "x"}, "dryRun": "yes"}),
    );
    assert_eq!(result["isError"], json!(true));
    assert_eq!(document["error"]["problems"][0]["path"], json!("/dryRun"));

    // The tool result names the missing credential and where to set it.
    let mut bare = Mcp::start(&[]);
    bare.initialize("2025-11-25");
    let (result, document) = bare.call(
        "theta_ondemand_status",
        json!({"requestId": "infr_rqst_mcp1"}),
    );
    assert_eq!(result["isError"], json!(true));
    assert_eq!(
        document["error"]["code"],
        json!("MISSING_THETA_ONDEMAND_API_TOKEN"),
        "{document:#}"
    );
    assert!(document["error"]["hint"].is_string());

    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paid_calls_preview_in_dry_run_and_send_nothing() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"status": "success"})))
        .expect(0)
        .mount(&server)
        .await;
    let infer = json!({"service": "flux", "input": {"prompt": "a lighthouse"}});

    // Asked for by the call.
    let mut mcp = Mcp::ready(&server, &[]);
    let mut args = infer.clone();
    args["dryRun"] = json!(true);
    let (result, document) = mcp.call("theta_ondemand_infer", args);
    assert_eq!(result["isError"], json!(false), "{result:#}");
    assert_eq!(document["dryRun"], json!(true));
    let request = &document["result"]["requests"][0];
    assert_eq!(request["method"], json!("POST"));
    assert!(
        request["url"]
            .as_str()
            .unwrap()
            .ends_with("/infer_request/flux?wait=30"),
        "{request:#}"
    );
    assert!(
        !document.to_string().contains(TOKEN),
        "the preview masks the token"
    );
    drop(mcp);

    // Forced by THETA_DRY_RUN: a call cannot turn it off.
    let mut mcp = Mcp::ready(&server, &[("THETA_DRY_RUN", "1")]);
    let mut args = infer.clone();
    args["dryRun"] = json!(false);
    let (result, document) = mcp.call("theta_ondemand_infer", args);
    assert_eq!(result["isError"], json!(false), "{result:#}");
    assert_eq!(document["dryRun"], json!(true), "{document:#}");
    let (status, _) = mcp.finish();
    assert!(status.success());
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[test]
fn unknown_tools_and_malformed_calls_are_protocol_errors() {
    let mut mcp = Mcp::start(&[]);
    mcp.initialize("2025-11-25");
    // Ids and aliases are names too (see `every_alias_and_id_reaches_its_command`).
    for name in ["theta_nope", "theta.nope", "setup", "Theta_setup"] {
        let answer = mcp.request("tools/call", json!({"name": name, "arguments": {}}));
        assert!(answer.get("result").is_none(), "{answer:#}");
        assert_eq!(answer["error"]["code"], json!(-32602), "{name}: {answer:#}");
    }
    let answer = mcp.request("tools/call", json!({"name": "theta_setpu"}));
    assert_eq!(
        answer["error"]["data"]["suggestions"][0],
        json!("theta_setup"),
        "{answer:#}"
    );
    let answer = mcp.request("tools/call", json!({"arguments": {}}));
    assert!(answer["error"]["code"].is_i64(), "{answer:#}");
    // The session goes on.
    let (result, document) = mcp.call("theta_setup", json!({}));
    assert_eq!(result["isError"], json!(false));
    assert_eq!(document["ok"], json!(true));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_poll_reports_progress_before_its_result() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/infer_request/infr_rqst_mcp1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(status_body("running")))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/infer_request/infr_rqst_mcp1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(status_body("success")))
        .mount(&server)
        .await;
    let mut mcp = Mcp::ready(&server, &[]);
    mcp.send(&json!({
        "jsonrpc": "2.0", "id": "poll-1", "method": "tools/call",
        "params": {
            "name": "theta_ondemand_pollUntilDone",
            "arguments": {"requestId": "infr_rqst_mcp1", "options": {"intervalMs": 100}},
            "_meta": {"progressToken": "tok-9"}
        }
    }));
    let answer = mcp.response(&json!("poll-1"));
    let (result, document) = tool_result(&answer);
    assert_eq!(result["isError"], json!(false), "{result:#}");
    assert_eq!(document["result"]["attempts"], json!(3));

    let progress: Vec<&Value> = mcp
        .notifications
        .iter()
        .filter(|n| n["method"] == json!("notifications/progress"))
        .collect();
    assert_eq!(progress.len(), 3, "one per check: {progress:#?}");
    let mut last = 0.0;
    for note in &progress {
        let params = &note["params"];
        assert_eq!(params["progressToken"], json!("tok-9"));
        let value = params["progress"].as_f64().unwrap();
        assert!(value > last, "progress increases: {progress:#?}");
        last = value;
        let message = params["message"].as_str().unwrap();
        assert!(
            !message.contains("infr_rqst_mcp1") && !message.contains(TOKEN),
            "no arguments or secrets: {message}"
        );
    }
    let first = progress[0]["params"]["message"].as_str().unwrap();
    assert!(
        first.contains("running") && first.contains("next check"),
        "{first}"
    );
    let final_message = progress[2]["params"]["message"].as_str().unwrap();
    assert!(final_message.contains("success"), "{final_message}");

    // Without a token: no notifications, same result.
    mcp.notifications.clear();
    let (result, _) = mcp.call(
        "theta_ondemand_pollUntilDone",
        json!({"requestId": "infr_rqst_mcp1", "options": {"intervalMs": 100}}),
    );
    assert_eq!(result["isError"], json!(false));
    assert!(mcp.notifications.is_empty(), "{:#?}", mcp.notifications);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_call_stops_and_gets_no_response() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/infer_request/infr_rqst_mcp1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(status_body("running")))
        .mount(&server)
        .await;
    let mut mcp = Mcp::ready(&server, &[]);
    mcp.send(&json!({
        "jsonrpc": "2.0", "id": 7, "method": "tools/call",
        "params": {
            "name": "theta_ondemand_pollUntilDone",
            "arguments": {"requestId": "infr_rqst_mcp1", "options": {"intervalMs": 100, "timeoutMs": 60000}},
            "_meta": {"progressToken": 7}
        }
    }));
    // Running: a progress notification arrived.
    let deadline = Instant::now() + ANSWER_WAIT;
    while !mcp
        .notifications
        .iter()
        .any(|n| n["method"] == json!("notifications/progress"))
    {
        let message = mcp
            .next_message(deadline.saturating_duration_since(Instant::now()))
            .expect("progress while polling");
        assert!(message.get("id").is_none(), "no answer yet: {message:#}");
        mcp.notifications.push(message);
    }
    mcp.send(&json!({
        "jsonrpc": "2.0", "method": "notifications/cancelled",
        "params": {"requestId": 7, "reason": "user stopped it"}
    }));
    // The session still answers, and the cancelled call never does.
    assert_eq!(mcp.request("ping", json!({}))["result"], json!({}));
    tokio::time::sleep(Duration::from_millis(300)).await;
    let checks = server.received_requests().await.unwrap().len();
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        checks,
        "polling stopped"
    );
    let (status, rest) = mcp.finish();
    assert!(status.success(), "{status:?}");
    assert!(
        rest.iter().all(|m| m.get("id") != Some(&json!(7))),
        "no response for a cancelled call: {rest:#?}"
    );
}

/// `theta.deployments.validateDisposable` owns a deployment: cancelling the call while it
/// probes the endpoint still deletes the deployment and checks it is gone, as on SIGTERM.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_disposable_validation_still_deletes_its_deployment() {
    use controller_common::{KEY, PROJECT, catch_all, fixture, json_answer, received_at};
    let server = MockServer::start().await;
    let created = fixture("deployment_create")
        .to_string()
        .replace("ENDPOINT_PLACEHOLDER", &server.uri());
    let created: Value = serde_json::from_str(&created).unwrap();
    Mock::given(method("POST"))
        .and(path("/deployment"))
        .respond_with(json_answer(created))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/deployment/3/q1w2e3"))
        .and(query_param("project_id", PROJECT))
        .respond_with(json_answer(json!({"status": "success"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/deployment/list"))
        .and(query_param("project_id", PROJECT))
        .respond_with(json_answer(fixture("deployment_list")))
        .mount(&server)
        .await;
    catch_all(&server).await;

    let mut mcp = Mcp::ready(
        &server,
        &[
            ("THETA_EC_API_KEY", KEY),
            ("THETA_EC_PROJECT_ID", PROJECT),
            ("THETA_HTTP_MAX_RETRIES", "0"),
        ],
    );
    mcp.send(&json!({
        "jsonrpc": "2.0", "id": 11, "method": "tools/call",
        "params": {
            "name": "theta_deployments_validateDisposable",
            "arguments": {
                "payload": {"deployment_template_id": "tpl_vllm_llama31_8b", "vm_id": "vm_gt1"},
                "readyTimeoutMs": 120_000,
                "intervalMs": 500
            },
            "_meta": {"progressToken": "vd"}
        }
    }));
    let started = Instant::now();
    while received_at(&server, "GET", "/v1/models").await.is_empty() {
        assert!(started.elapsed() < ANSWER_WAIT, "the run never probed");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    mcp.send(&json!({
        "jsonrpc": "2.0", "method": "notifications/cancelled",
        "params": {"requestId": 11, "reason": "changed my mind"}
    }));
    while received_at(&server, "DELETE", "/deployment/3/q1w2e3")
        .await
        .is_empty()
    {
        assert!(
            started.elapsed() < ANSWER_WAIT,
            "the deployment was not deleted"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(mcp.request("ping", json!({}))["result"], json!({}));
    let mut seen = std::mem::take(&mut mcp.notifications);
    seen.extend(std::mem::take(&mut mcp.responses));
    let (status, rest) = mcp.finish();
    assert!(status.success(), "{status:?}");
    seen.extend(rest);
    assert!(
        !received_at(&server, "GET", "/deployment/list")
            .await
            .is_empty(),
        "its absence was checked"
    );
    assert!(
        seen.iter().all(|m| m.get("id") != Some(&json!(11))),
        "no response for a cancelled call: {seen:#?}"
    );
    let progress: Vec<&str> = seen
        .iter()
        .filter(|m| m["method"] == json!("notifications/progress"))
        .map(|m| m["params"]["message"].as_str().unwrap())
        .collect();
    assert!(
        progress.iter().any(|m| m.starts_with("Endpoint not ready")),
        "{progress:#?}"
    );
    assert!(
        progress.iter().any(|m| m.starts_with("Deleting")),
        "{progress:#?}"
    );
}

#[test]
fn end_of_input_exits_zero_before_or_after_the_handshake() {
    let mcp = Mcp::start(&[]);
    let (status, rest) = mcp.finish();
    assert!(status.success(), "{status:?}");
    assert!(rest.is_empty());

    let mut mcp = Mcp::start(&[("THETA_LOG", "debug")]);
    mcp.initialize("2025-11-25");
    let (_, document) = mcp.call("theta_setup", json!({}));
    assert_eq!(document["ok"], json!(true));
    let (_, document) = mcp.call(
        "theta_ondemand_status",
        json!({"requestId": "argument-marker-4417"}),
    );
    assert_eq!(document["ok"], json!(false));
    let stderr = Arc::clone(&mcp.stderr);
    // Debug logging is on: it all goes to stderr (next_message checks every stdout line).
    let (status, rest) = mcp.finish();
    assert!(status.success(), "{status:?}");
    assert!(rest.is_empty(), "{rest:#?}");
    let logs = String::from_utf8(stderr.lock().unwrap().clone()).unwrap();
    assert!(logs.lines().count() > 0, "debug logs were written");
    for line in logs.lines() {
        serde_json::from_str::<Value>(line).unwrap_or_else(|e| panic!("log line ({e}): {line}"));
    }
    assert!(
        !logs.contains("argument-marker-4417"),
        "rmcp's request logs (with arguments) stay off: {logs}"
    );
}

// ----- Issue 17: the MCP defects -----

/// The messages read until the response to `id` (included), in order.
fn messages_until(mcp: &mut Mcp, id: &Value) -> Vec<Value> {
    let mut seen = Vec::new();
    let deadline = Instant::now() + ANSWER_WAIT;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let message = mcp
            .next_message(left)
            .unwrap_or_else(|| panic!("no response to {id} within {ANSWER_WAIT:?}: {seen:#?}"));
        let done = &message["id"] == id;
        seen.push(message);
        if done {
            return seen;
        }
    }
}

/// Issue 17, defect 9: a notification (or a client response) before `initialize` ended the
/// server with exit 1 and a Debug dump of the message on stderr. It is ignored, and the
/// `initialize` that follows works.
#[test]
fn messages_before_initialize_that_are_not_requests_are_ignored() {
    let mut mcp = Mcp::start(&[]);
    mcp.send(&json!({"jsonrpc": "2.0", "method": "notifications/initialized"}));
    mcp.send(
        &json!({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 3}}),
    );
    mcp.send(&json!({"jsonrpc": "2.0", "method": "notifications/roots/list_changed"}));
    mcp.send(&json!({"jsonrpc": "2.0", "id": 5, "result": {}}));
    mcp.send(&json!({"jsonrpc": "2.0", "id": 6, "error": {"code": -1, "message": "x"}}));
    // A request before the lifecycle is still answered (ping is allowed; others are refused).
    assert_eq!(mcp.request("ping", json!({}))["result"], json!({}));
    let answer = mcp.initialize("2025-11-25");
    assert_eq!(answer["result"]["protocolVersion"], json!("2025-11-25"));
    let listed = mcp.request("tools/list", json!({}));
    assert_eq!(
        listed["result"]["tools"].as_array().map(Vec::len),
        Some(PACK.commands().count())
    );
    let stderr = Arc::clone(&mcp.stderr);
    let (status, rest) = mcp.finish();
    assert!(status.success(), "{status:?}");
    assert!(rest.is_empty(), "{rest:#?}");
    let stderr = String::from_utf8_lossy(&stderr.lock().unwrap()).into_owned();
    assert!(stderr.is_empty(), "{stderr}");
}

/// Issue 17, defects 10 and 3: every request line gets an answer, whatever it holds — over
/// 16 MiB (the id read by a linear scan, here last as the TypeScript SDK writes it), nested
/// too deep, too many tiny values (refused before rmcp builds anything: 8 such calls of
/// 15 MiB reached 4.5 GB), not UTF-8, not JSON, not JSON-RPC, a batch, unreadable
/// parameters — and the server keeps serving.
#[test]
fn every_request_line_is_answered_whatever_it_holds() {
    let mut mcp = Mcp::start(&[]);
    mcp.initialize("2025-11-25");
    let call = |id: u64, arguments: &str| {
        format!(
            r#"{{"method":"tools/call","params":{{"name":"theta_setup","arguments":{arguments}}},"jsonrpc":"2.0","id":{id}}}"#
        )
    };
    let huge = call(7, &format!(r#"{{"x":"{}"}}"#, "a".repeat(17 << 20)));
    let deep = call(
        8,
        &format!(r#"{{"x":{}1{}}}"#, "[".repeat(126), "]".repeat(126)),
    );
    let tiny = call(9, &format!(r#"{{"x":[{}[]]}}"#, "[],".repeat(150_000)));
    mcp.send_raw(huge.as_bytes());
    mcp.send_raw(deep.as_bytes());
    mcp.send_raw(tiny.as_bytes());
    mcp.send_raw(b"\xff\xfe not utf-8");
    mcp.send_raw(b"not json");
    mcp.send_raw(b"[{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"ping\"}]");
    mcp.send_raw(b"{\"id\":11}");
    mcp.send_raw(b"{\"jsonrpc\":\"1.0\",\"id\":12,\"method\":\"ping\"}");
    mcp.send_raw(b"{\"jsonrpc\":\"2.0\",\"id\":13,\"method\":\"tools/call\",\"params\":5}");
    mcp.send_raw(b"{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"ping\"}");
    mcp.send_raw(b"17");
    // Not requests: nothing to answer.
    mcp.send_raw(b"");
    mcp.send_raw(b"{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":5}");
    mcp.send(&json!({"jsonrpc": "2.0", "id": 99, "method": "ping"}));
    let seen = messages_until(&mut mcp, &json!(99));
    let by_id = |id: Value| {
        seen.iter()
            .find(|m| m["id"] == id)
            .unwrap_or_else(|| panic!("no answer to {id}: {seen:#?}"))
            .clone()
    };
    for id in [7, 8, 9] {
        let answer = by_id(json!(id));
        assert_eq!(answer["error"]["code"], json!(-32600), "{answer:#}");
        assert_eq!(
            answer["error"]["data"]["code"],
            json!("REQUEST_TOO_LARGE"),
            "{answer:#}"
        );
    }
    assert!(
        by_id(json!(7))["error"]["message"]
            .as_str()
            .unwrap()
            .contains("16777216 bytes")
    );
    assert!(
        by_id(json!(8))["error"]["message"]
            .as_str()
            .unwrap()
            .contains("nested deeper")
    );
    assert!(
        by_id(json!(9))["error"]["message"]
            .as_str()
            .unwrap()
            .contains("JSON values")
    );
    for id in [11, 12] {
        assert_eq!(by_id(json!(id))["error"]["code"], json!(-32600), "{id}");
    }
    assert_eq!(by_id(json!(13))["error"]["code"], json!(-32602));
    let unnamed: Vec<i64> = seen
        .iter()
        .filter(|m| m.get("id") == Some(&Value::Null))
        .map(|m| m["error"]["code"].as_i64().unwrap())
        .collect();
    assert_eq!(
        unnamed,
        vec![-32700, -32700, -32600, -32600, -32600],
        "not UTF-8, not JSON, a batch, a null id, a scalar: {seen:#?}"
    );
    assert_eq!(
        seen.len(),
        5 + 6 + 1,
        "one answer per request line: {seen:#?}"
    );
    // The session goes on.
    let (result, document) = mcp.call("theta_setup", json!({}));
    assert_eq!(result["isError"], json!(false));
    assert_eq!(document["ok"], json!(true));
    let (status, rest) = mcp.finish();
    assert!(status.success(), "{status:?}");
    assert!(rest.is_empty(), "{rest:#?}");
}

/// Arguments just inside the bounds still reach the command: the refusals above are the
/// bounds, not a smaller limit of the transport.
#[test]
fn arguments_within_the_bounds_still_run() {
    let mut mcp = Mcp::start(&[]);
    mcp.initialize("2025-11-25");
    // Nested 60 deep inside the arguments (64 with the message's own levels), 90,000 values.
    let deep = format!("{}1{}", "[".repeat(60), "]".repeat(60));
    let many = format!("[{}0]", "0,".repeat(90_000));
    let line = format!(
        r#"{{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{{"name":"theta_setup","arguments":{{"deep":{deep},"many":{many}}}}}}}"#
    );
    mcp.send_raw(line.as_bytes());
    let (result, document) = tool_result(&mcp.response(&json!(5)));
    assert_eq!(result["isError"], json!(true));
    // The dispatcher read them: it names both unknown arguments.
    assert_eq!(
        document["error"]["code"],
        json!("INVALID_ARGS"),
        "{document:#}"
    );
    let (status, _) = mcp.finish();
    assert!(status.success());
}

/// A fake upstream that answers each request after `delay`, counting the requests it is
/// holding at once: (its URL, the most held at once, requests received).
async fn counting_fake(
    delay: Duration,
) -> (
    String,
    Arc<std::sync::atomic::AtomicUsize>,
    Arc<std::sync::atomic::AtomicUsize>,
) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let held = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    let received = Arc::new(AtomicUsize::new(0));
    let (most_out, received_out) = (Arc::clone(&most), Arc::clone(&received));
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let (held, most, received) =
                (Arc::clone(&held), Arc::clone(&most), Arc::clone(&received));
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                loop {
                    // One request head (GETs carry no body).
                    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                        match stream.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                    }
                    let end = buf.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
                    buf.drain(..end);
                    received.fetch_add(1, Ordering::SeqCst);
                    let now = held.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    tokio::time::sleep(delay).await;
                    held.fetch_sub(1, Ordering::SeqCst);
                    let body = r#"{"status":"success","body":{"infer_requests":[{"id":"infr_rqst_mcp1","state":"running"}]}}"#;
                    let reply = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                        body.len()
                    );
                    if stream.write_all(reply.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    (url, most_out, received_out)
}

/// Issue 17, defect 4: 1,000 pipelined calls became 1,000 upstream requests at once. At most
/// `--max-in-flight` run (the flag and default of `serve`); the rest wait, and every call is
/// answered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_most_max_in_flight_calls_run_at_once() {
    use std::sync::atomic::Ordering;
    let (url, most, received) = counting_fake(Duration::from_millis(100)).await;
    let calls = 40u64;
    let mut mcp = Mcp::spawn(
        &PACK,
        &["--max-in-flight", "4"],
        &[
            ("THETA_ONDEMAND_API_BASE_URL", &url),
            ("THETA_ONDEMAND_API_TOKEN", TOKEN),
            ("THETA_HTTP_MAX_RETRIES", "0"),
        ],
    );
    mcp.initialize("2025-11-25");
    for id in 0..calls {
        mcp.send(&json!({
            "jsonrpc": "2.0", "id": 1000 + id, "method": "tools/call",
            "params": {"name": "theta_ondemand_status", "arguments": {"requestId": "infr_rqst_mcp1"}}
        }));
    }
    for id in 0..calls {
        let (result, document) = tool_result(&mcp.response(&json!(1000 + id)));
        assert_eq!(result["isError"], json!(false), "{document:#}");
    }
    assert_eq!(received.load(Ordering::SeqCst), 40);
    assert_eq!(
        most.load(Ordering::SeqCst),
        4,
        "at most 4 upstream requests at once, and the 4 do run side by side"
    );
    let (status, _) = mcp.finish();
    assert!(status.success());
}

/// Dry-run on, every service at a closed local port, no retries, the ids a preview needs:
/// nothing leaves the machine.
fn dry_run_env(pack: &Pack) -> Vec<(String, String)> {
    let closed = "http://127.0.0.1:9";
    let mut env: Vec<(String, String)> = vec![
        (pack.var("DRY_RUN"), "1".to_owned()),
        (pack.var("HTTP_MAX_RETRIES"), "0".to_owned()),
        ("THETA_PROJECT_ID".to_owned(), "prj_mcptests0".to_owned()),
        ("THETA_ORG_ID".to_owned(), "org_mcptests0".to_owned()),
    ];
    env.extend(upstream_fault::services_at(pack, closed));
    env
}

/// Issue 17, defect 16: `elizacloud-skill mcp` said it was `theta-skill` (the crate's name).
/// Every binary names itself.
#[test]
fn every_binary_names_itself() {
    for pack in upstream_fault::packs() {
        let mut mcp = Mcp::spawn(pack, &[], &[]);
        let answer = mcp.initialize("2025-11-25");
        let info = &answer["result"]["serverInfo"];
        assert_eq!(info["name"], json!(pack.binary), "{answer:#}");
        assert_eq!(info["title"], json!(pack.title));
        assert_eq!(info["version"], json!(env!("CARGO_PKG_VERSION")));
    }
}

/// Issue 17, defect 12: `tools/call {"name": "list_gpu_resources"}` was "Unknown tool". Every
/// alias of every pack (the official servers' tool names) and every command id reach their
/// command; `tools/list` still lists one tool per command.
#[test]
fn every_alias_and_id_reaches_its_command() {
    for pack in upstream_fault::packs() {
        let env = dry_run_env(pack);
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let mut mcp = Mcp::spawn(pack, &[], &env);
        mcp.initialize("2025-11-25");
        let listed = mcp.request("tools/list", json!({}));
        assert_eq!(
            listed["result"]["tools"].as_array().map(Vec::len),
            Some(pack.commands().count()),
            "aliases are not listed"
        );
        let mut aliases = 0;
        for command in pack.commands() {
            let names = command
                .aliases()
                .iter()
                .copied()
                .chain(std::iter::once(command.id()));
            for name in names {
                aliases += usize::from(name != command.id());
                // An argument no command has: the call reaches validation, and runs nothing.
                let answer = mcp.request(
                    "tools/call",
                    json!({"name": name, "arguments": {"notAnArgument": 1}}),
                );
                let (_, document) = tool_result(&answer);
                assert_eq!(
                    document["command"],
                    json!(command.id()),
                    "{name}: {document:#}"
                );
                assert_eq!(
                    document["error"]["code"],
                    json!("INVALID_ARGS"),
                    "{name}: {document:#}"
                );
            }
        }
        if pack.name == "theta" {
            assert!(aliases >= 15, "the official tool names: {aliases}");
        }
    }
}

/// An alias's own argument names are mapped as the dispatcher maps them for any caller:
/// `get_request_status` takes the official server's `request_id`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_alias_call_maps_the_official_argument_names() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/infer_request/infr_rqst_mcp1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(status_body("success")))
        .expect(1)
        .mount(&server)
        .await;
    let mut mcp = Mcp::ready(&server, &[]);
    let (result, document) = mcp.call(
        "get_request_status",
        json!({"request_id": "infr_rqst_mcp1"}),
    );
    assert_eq!(result["isError"], json!(false), "{document:#}");
    assert_eq!(document["command"], json!("theta.ondemand.status"));
    let (status, _) = mcp.finish();
    assert!(status.success());
}

/// Issue 17, defect 13: `theta_gpu_deployments_delete` said `destructiveHint: false` though its
/// preview said "Irreversible". Destructiveness is one declaration: for every tool of every
/// pack, read-only tools are read-only, idempotent and not destructive; a destructive tool's
/// hint is true, its summary starts with "Destructive: ", its description and its dry-run
/// preview say so; nothing else is destructive.
#[test]
fn annotations_descriptions_and_previews_follow_one_declaration() {
    for pack in upstream_fault::packs() {
        let env = dry_run_env(pack);
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let mut mcp = Mcp::spawn(pack, &[], &env);
        mcp.initialize("2025-11-25");
        let listed = mcp.request("tools/list", json!({}));
        let tools = listed["result"]["tools"].as_array().unwrap().clone();
        let mut destructive = Vec::new();
        for (tool, command) in tools.iter().zip(pack.commands()) {
            let name = tool["name"].as_str().unwrap();
            let hints = &tool["annotations"];
            let description = tool["description"].as_str().unwrap();
            let summary_says = command.summary().starts_with("Destructive: ");
            if command.effect() == Effect::ReadOnly {
                assert_eq!(hints["readOnlyHint"], json!(true), "{name}");
                assert_eq!(hints["destructiveHint"], json!(false), "{name}");
                assert_eq!(hints["idempotentHint"], json!(true), "{name}");
                assert!(!summary_says, "{name}");
                continue;
            }
            assert_eq!(hints["readOnlyHint"], json!(false), "{name}");
            assert_eq!(
                hints["destructiveHint"],
                json!(command.destructive()),
                "{name}: the hint is the declaration"
            );
            assert_eq!(
                summary_says,
                command.destructive(),
                "{name}: {}",
                command.summary()
            );
            assert_eq!(
                description.contains("Destructive"),
                command.destructive(),
                "{name}: {description}"
            );
            let mut arguments = local_files::runnable_example(command);
            arguments["dryRun"] = json!(true);
            let (_, document) = mcp.call(name, arguments);
            let notes: Vec<&str> = document["result"]["notes"]
                .as_array()
                .map(|n| n.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            assert_eq!(document["dryRun"], json!(true), "{name}: {document:#}");
            if command.destructive() {
                assert_eq!(notes.first(), Some(&DESTRUCTIVE_NOTE), "{name}: {notes:?}");
                destructive.push(command.id());
            } else {
                assert!(!notes.contains(&DESTRUCTIVE_NOTE), "{name}: {notes:?}");
            }
            for note in &notes {
                assert!(
                    command.destructive() || !note.to_lowercase().contains("irreversib"),
                    "{name} is not declared destructive but its preview says: {note}"
                );
            }
        }
        if pack.name == "theta" {
            assert!(
                destructive.contains(&"theta.gpu.deployments.delete"),
                "{destructive:?}"
            );
        }
        assert!(!destructive.is_empty(), "{}: {destructive:?}", pack.name);
    }
}

/// Issue 17, defect 17 (MCP half): the unknown-tool error quoted the name whole, so a name
/// carrying a secret printed it. The name is redacted, then cut.
#[test]
fn an_unknown_tool_name_is_quoted_redacted_and_cut() {
    let secret = "cnrymcpname7q2w9e4r6t8y1u3i5o7p";
    let mut mcp = Mcp::start(&[
        ("THETA_EC_API_KEY", secret),
        ("THETA_EC_PROJECT_ID", "prj_mcpname0"),
        ("THETA_CONTROLLER_V1_BASE_URL", "http://127.0.0.1:9"),
        ("THETA_HTTP_MAX_RETRIES", "0"),
    ]);
    mcp.initialize("2025-11-25");
    // The key is resolved (and so known to redaction) by a call that needs it.
    let (_, document) = mcp.call("theta_gpu_resources_list", json!({}));
    assert_eq!(document["ok"], json!(false));
    for name in [
        format!("theta_{secret}"),
        format!("theta_x_{secret}{}", "y".repeat(5_000)),
        format!("{}{secret}", "z".repeat(60)),
    ] {
        let answer = mcp.request("tools/call", json!({"name": name, "arguments": {}}));
        assert_eq!(answer["error"]["code"], json!(-32602), "{answer:#}");
        let printed = answer.to_string();
        for piece in secret.as_bytes().windows(6) {
            let piece = std::str::from_utf8(piece).unwrap();
            assert!(!printed.contains(piece), "{piece} in {printed}");
        }
        assert!(printed.len() < 600, "{printed}");
    }
    let (status, _) = mcp.finish();
    assert!(status.success());
}

/// Backpressure on the way out (issue 17, defect 4): a client that sends and never reads
/// stdout made the server read on and keep every answer (20,000 `tools/list` reached 1.3 GB).
/// A call holds its slot until its answer is in the writer's queue, so the server stops
/// reading instead: it takes a bounded number of lines (64 running, 64 waiting, 256 queued
/// answers, a read buffer and the pipe's), and memory stays flat.
#[test]
fn a_client_that_stops_reading_stops_the_server_reading() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    // Not `Mcp`: its reader thread drains stdout. Here stdout is read for the handshake only.
    let mut child = Command::new(upstream_fault::binary(&PACK))
        .arg("mcp")
        .env_clear()
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    writeln!(
        stdin,
        r#"{{"jsonrpc":"2.0","id":"init","method":"initialize","params":{{"protocolVersion":"2025-11-25","capabilities":{{}},"clientInfo":{{"name":"t","version":"1"}}}}}}"#
    )
    .unwrap();
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    assert!(line.contains("protocolVersion"), "{line}");
    let pad = "p".repeat(1000);
    let taken = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&taken);
    std::thread::spawn(move || {
        for id in 0..20_000 {
            let line = format!(
                r#"{{"jsonrpc":"2.0","id":{id},"method":"ping","params":{{"_meta":{{"pad":"{pad}"}}}}}}"#
            );
            if writeln!(stdin, "{line}").is_err() {
                return;
            }
            counter.fetch_add(1, Ordering::SeqCst);
        }
        // Keep stdin open: the server must not see the end of input.
        std::thread::sleep(Duration::from_secs(60));
    });
    // Wait until the server stops taking lines (or has taken them all).
    let mut last = 0;
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        std::thread::sleep(Duration::from_millis(1500));
        let now = taken.load(Ordering::SeqCst);
        if now == last || now == 20_000 || Instant::now() > deadline {
            break;
        }
        last = now;
    }
    let taken = taken.load(Ordering::SeqCst);
    assert!(
        taken < 2_000,
        "the server took {taken} lines while nobody read its answers"
    );
    #[cfg(target_os = "linux")]
    {
        let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap();
        let peak_kib: u64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap();
        assert!(peak_kib < 150 * 1024, "peak RSS {peak_kib} kB");
    }
    // Reading again, the answers flow.
    for _ in 0..20 {
        line.clear();
        stdout.read_line(&mut line).unwrap();
        let message: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(message["result"], json!({}), "{message:#}");
    }
    let _ = child.kill();
    let _ = child.wait();
}
