//! Progress of commands that wait, in `serve`: `{"type":"progress","requestId","message"}`
//! lines before the answer, carrying state, elapsed time and next check, never arguments or
//! secrets; in `run`, the same messages as `{"type":"progress","message"}` lines on stderr.
//! (MCP progress notifications are covered in `tests/mcp.rs`.)

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test"
)]

mod common;
mod upstream_fault;

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use skill_runtime::runtime::serve::{ServeOptions, serve};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use common::Env;

const TOKEN: &str = "od-progress-token-93b1";

/// Sends `requests` to a serve session and returns every line it writes, in order.
async fn serve_lines(env: &Env, requests: &[Value]) -> Vec<Value> {
    let (mut to_server, server_in) = tokio::io::duplex(1 << 20);
    let (server_out, from_server) = tokio::io::duplex(1 << 20);
    let options = ServeOptions {
        secret_timeout: Duration::from_millis(200),
        ..ServeOptions::default()
    };
    let done = tokio::spawn(serve(
        Arc::new(env.runtime()),
        server_in,
        server_out,
        options,
    ));
    for request in requests {
        to_server
            .write_all(format!("{request}\n").as_bytes())
            .await
            .unwrap();
    }
    drop(to_server);
    let mut lines = BufReader::new(from_server).lines();
    let mut out = Vec::new();
    while let Some(line) = tokio::time::timeout(Duration::from_secs(20), lines.next_line())
        .await
        .expect("serve ends")
        .unwrap()
    {
        out.push(serde_json::from_str(&line).unwrap());
    }
    done.await.unwrap().unwrap();
    out
}

fn status_body(state: &str) -> Value {
    json!({"status": "success", "body": {"infer_requests": [
        {"id": "infr_rqst_prog1", "state": state}
    ]}})
}

#[tokio::test]
async fn serve_reports_each_poll_before_the_answer() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/infer_request/infr_rqst_prog1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(status_body("running")))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/infer_request/infr_rqst_prog1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(status_body("success")))
        .mount(&server)
        .await;
    let env = Env::all_services(&server).set("THETA_ONDEMAND_API_TOKEN", TOKEN);
    let lines = serve_lines(
        &env,
        &[
            json!({"id": "p-1", "command": "theta.ondemand.pollUntilDone",
                   "args": {"requestId": "infr_rqst_prog1", "options": {"intervalMs": 100}}}),
            json!({"id": "s-1", "command": "theta.setup"}),
        ],
    )
    .await;
    let answer = lines
        .iter()
        .position(|l| l["id"] == json!("p-1"))
        .expect("an answer");
    assert_eq!(lines[answer]["ok"], json!(true), "{lines:#?}");
    let progress: Vec<(usize, &Value)> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l["type"] == json!("progress"))
        .collect();
    assert_eq!(progress.len(), 3, "one per check: {lines:#?}");
    for (at, line) in &progress {
        assert!(*at < answer, "progress comes before the answer");
        assert_eq!(line["requestId"], json!("p-1"));
        assert_eq!(
            line.as_object().unwrap().len(),
            3,
            "type, requestId, message"
        );
        let message = line["message"].as_str().unwrap();
        assert!(
            !message.contains("infr_rqst_prog1") && !message.contains(TOKEN),
            "{message}"
        );
    }
    assert!(
        progress[0].1["message"]
            .as_str()
            .unwrap()
            .contains("running after"),
        "{progress:#?}"
    );
    // A command that does not wait reports nothing.
    assert!(progress.iter().all(|(_, l)| l["requestId"] != json!("s-1")));
}

#[tokio::test]
async fn serve_reports_readiness_probes() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [{"id": "llama"}]})))
        .mount(&server)
        .await;
    let env = Env::all_services(&server)
        .set("THETA_HTTP_MAX_RETRIES", "0")
        .set("THETA_INFERENCE_ENDPOINT", &server.uri());
    let lines = serve_lines(
        &env,
        &[
            json!({"id": 5, "command": "theta.inference.ready", "args": {"timeoutMs": 10000, "intervalMs": 500}}),
        ],
    )
    .await;
    let messages: Vec<&str> = lines
        .iter()
        .filter(|l| l["type"] == json!("progress"))
        .map(|l| l["message"].as_str().unwrap())
        .collect();
    assert_eq!(messages.len(), 2, "{lines:#?}");
    assert!(
        messages[0].starts_with("Endpoint not ready") && messages[0].contains("HTTP_503"),
        "{messages:?}"
    );
    assert!(messages[0].contains("next probe in"), "{messages:?}");
    assert!(messages[1].starts_with("Endpoint ready"), "{messages:?}");
    let answer = lines.last().unwrap();
    assert_eq!(answer["id"], json!(5));
    assert_eq!(answer["result"]["ready"], json!(true), "{answer:#}");
}

/// Issue 17, defect 17: in `run`, progress on stderr carries the state only — not the
/// request id argument (nor the token), in either pack's poll.
#[tokio::test]
async fn run_reports_progress_on_stderr_without_arguments() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/infer_request/infr_rqst_prog1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(status_body("running")))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/infer_request/infr_rqst_prog1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(status_body("success")))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/jobs/job-prog-7f3a"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"success": true, "data": {"id": "job-prog-7f3a", "status": "completed"}}),
        ))
        .mount(&server)
        .await;
    let uri = server.uri();
    let runs = [
        (
            &skill_runtime::skills::theta::PACK,
            vec![
                ("THETA_ONDEMAND_API_BASE_URL", uri.as_str()),
                ("THETA_ONDEMAND_API_TOKEN", TOKEN),
            ],
            "theta.ondemand.pollUntilDone",
            json!({"requestId": "infr_rqst_prog1", "options": {"intervalMs": 100}}),
            "infr_rqst_prog1",
        ),
        (
            &skill_runtime::skills::elizacloud::PACK,
            vec![
                ("ELIZACLOUD_BASE_URL", uri.as_str()),
                ("ELIZACLOUD_API_KEY", TOKEN),
            ],
            "elizacloud.jobs.pollUntilDone",
            json!({"jobId": "job-prog-7f3a", "intervalMs": 100}),
            "job-prog-7f3a",
        ),
    ];
    for (pack, vars, command, args, id) in runs {
        let binary = pack.binary;
        let mut cmd = std::process::Command::new(upstream_fault::binary(pack));
        cmd.env_clear()
            .envs(vars)
            .args(["run", command, &args.to_string()]);
        let out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
            .await
            .unwrap();
        let stdout: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(stdout["ok"], json!(true), "{stdout:#}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        let lines: Vec<Value> = stderr
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect();
        assert!(!lines.is_empty(), "{binary}: no progress");
        for line in &lines {
            assert_eq!(line["type"], json!("progress"), "{line}");
            assert_eq!(line.as_object().unwrap().len(), 2, "type, message: {line}");
        }
        assert!(!stderr.contains(id) && !stderr.contains(TOKEN), "{stderr}");
    }
}
