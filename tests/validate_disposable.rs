//! `theta.deployments.validateDisposable` end to end against one local fake standing in for
//! the controller, the platform API and the new deployment's endpoint (`spec/theta-api.md`
//! §2.6.1): the happy path, and a failing probe, smoke call, delete, verification and create —
//! each still attempting the cleanup and reporting it, with every DELETE counted.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test"
)]

mod common;
mod controller_common;
mod upstream_fault;

use std::time::Duration;

use base64::Engine as _;
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use common::{Env, err, ok};
use controller_common::{
    KEY, ORG, PROJECT, catch_all, env, fixture, header, json_answer, received, received_at,
};

const COMMAND: &str = "theta.deployments.validateDisposable";
const DELETE_PATH: &str = "/deployment/3/q1w2e3";

/// The create answer, its endpoint pointing back at the fake.
fn created(server: &MockServer) -> Value {
    let text = fixture("deployment_create")
        .to_string()
        .replace("ENDPOINT_PLACEHOLDER", &server.uri());
    serde_json::from_str(&text).unwrap()
}

fn args() -> Value {
    json!({
        "payload": {"deployment_template_id": "tpl_vllm_llama31_8b", "vm_id": "vm_gt1"},
        "orgId": ORG,
        "readyTimeoutMs": 1_000,
        "intervalMs": 500,
        "smokeMessage": "Say OK."
    })
}

fn run_env(server: &MockServer) -> Env {
    env(server).set("THETA_HTTP_MAX_RETRIES", "0")
}

/// A fake where every step succeeds; tests mount failing mocks first to override a step
/// (wiremock answers with the first mounted mock that matches).
async fn mount_happy_path(server: &MockServer) {
    let balance = |value: f64| {
        json_answer(
            json!({"status": "success", "body": {"balances": [{"org_id": ORG, "balance": value}]}}),
        )
    };
    Mock::given(method("GET"))
        .and(path("/balance"))
        .and(query_param("orgID", ORG))
        .respond_with(balance(42.5))
        .up_to_n_times(1)
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/balance"))
        .and(query_param("orgID", ORG))
        .respond_with(balance(41.0))
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path("/deployment"))
        .respond_with(json_answer(created(server)))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .respond_with(json_answer(fixture("models")))
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(json_answer(fixture("chat_completion")))
        .mount(server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(DELETE_PATH))
        .and(query_param("project_id", PROJECT))
        .respond_with(json_answer(json!({"status": "success"})))
        .mount(server)
        .await;
    // The list no longer shows the new deployment.
    Mock::given(method("GET"))
        .and(path("/deployment/list"))
        .and(query_param("project_id", PROJECT))
        .respond_with(json_answer(fixture("deployment_list")))
        .mount(server)
        .await;
    catch_all(server).await;
}

async fn deletes(server: &MockServer) -> usize {
    received(server)
        .await
        .iter()
        .filter(|r| r.method.as_str() == "DELETE")
        .count()
}

/// The generated credentials, as the create request carried them.
async fn generated_credentials(server: &MockServer) -> (String, String) {
    let create = &received_at(server, "POST", "/deployment").await[0];
    let body: Value = serde_json::from_slice(&create.body).unwrap();
    (
        body["auth_username"].as_str().unwrap().to_owned(),
        body["auth_password"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test]
async fn a_healthy_deployment_passes_and_is_deleted_and_verified() {
    let server = MockServer::start().await;
    mount_happy_path(&server).await;
    let response = run_env(&server).run(COMMAND, args()).await;
    let report = ok(&response);
    assert_eq!(report["passed"], true, "{report:#}");
    assert!(report.get("failedStep").is_none());
    assert_eq!(report["cleanupConfirmed"], true);
    assert_eq!(report["projectId"], PROJECT);
    let steps = &report["steps"];
    assert_eq!(steps["balanceBefore"]["value"], 42.5);
    assert_eq!(steps["create"]["status"], "ok");
    assert_eq!(steps["readiness"]["status"], "ready");
    assert_eq!(steps["readiness"]["attemptCount"], 1);
    assert_eq!(steps["readiness"]["response"], fixture("models"));
    assert_eq!(steps["smoke"]["status"], "ok");
    assert_eq!(steps["smoke"]["model"], "meta-llama/Llama-3.1-8B-Instruct");
    assert_eq!(steps["delete"]["status"], "deleted");
    assert_eq!(steps["delete"]["requests"].as_array().unwrap().len(), 1);
    assert_eq!(steps["verify"]["status"], "absent");
    assert_eq!(steps["balanceAfter"]["value"], 41.0);
    assert_eq!(
        report["balance"],
        json!({"before": 42.5, "after": 41.0, "delta": -1.5})
    );
    assert_eq!(
        report["deployment"],
        json!({"shard": "3", "suffix": "q1w2e3", "deploymentId": "dpl_new5x7z9", "endpoint": server.uri()})
    );
    assert_eq!(
        report["endpointAuth"],
        json!({"scheme": "basic", "userFrom": "generated", "passwordFrom": "generated"})
    );
    let summary = report["summary"].as_str().unwrap();
    assert!(summary.contains("became ready"), "{summary}");
    assert!(
        summary.contains("deleted and its absence verified"),
        "{summary}"
    );
    assert_eq!(deletes(&server).await, 1);

    // The create carried generated Basic-auth credentials and the project…
    let create = &received_at(&server, "POST", "/deployment").await[0];
    assert_eq!(header(create, "x-api-key"), Some(KEY));
    let body: Value = serde_json::from_slice(&create.body).unwrap();
    assert_eq!(body["project_id"], PROJECT);
    assert_eq!(body["vm_id"], "vm_gt1");
    let (user, pass) = generated_credentials(&server).await;
    assert!(user.starts_with("openclaw_") && user.len() == 17, "{user}");
    assert_eq!(pass.len(), 24);
    // …which the probe and the smoke call used, and the controller never saw elsewhere.
    let basic = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"))
    );
    let probe = &received_at(&server, "GET", "/v1/models").await[0];
    assert_eq!(header(probe, "authorization"), Some(basic.as_str()));
    assert!(header(probe, "x-api-key").is_none());
    let smoke = &received_at(&server, "POST", "/v1/chat/completions").await[0];
    assert_eq!(header(smoke, "authorization"), Some(basic.as_str()));
    let smoke_body: Value = serde_json::from_slice(&smoke.body).unwrap();
    assert_eq!(
        smoke_body,
        json!({
            "model": "meta-llama/Llama-3.1-8B-Instruct",
            "messages": [{"role": "user", "content": "Say OK."}],
            "max_tokens": 32,
            "stream": false
        })
    );
    let delete = &received_at(&server, "DELETE", DELETE_PATH).await[0];
    assert_eq!(header(delete, "x-api-key"), Some(KEY));
    // Neither credential appears anywhere in the output.
    let text = response.to_string();
    assert!(!text.contains(&user) && !text.contains(&pass), "{text}");
}

#[tokio::test]
async fn payload_credentials_are_used_and_the_password_is_masked() {
    let server = MockServer::start().await;
    mount_happy_path(&server).await;
    let mut args = args();
    args["payload"]["auth_username"] = json!("alice");
    args["payload"]["auth_password"] = json!("correct-horse-battery");
    let response = run_env(&server).run(COMMAND, args).await;
    let report = ok(&response);
    assert_eq!(report["endpointAuth"]["passwordFrom"], "payload");
    assert_eq!(
        generated_credentials(&server).await,
        ("alice".into(), "correct-horse-battery".into())
    );
    assert!(!response.to_string().contains("correct-horse-battery"));
}

#[tokio::test]
async fn a_probe_that_never_answers_still_ends_in_a_verified_delete() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .respond_with(ResponseTemplate::new(503).set_body_string("upstream connect error"))
        .mount(&server)
        .await;
    mount_happy_path(&server).await;
    // Retries are on: each probe attempt must still be exactly one request.
    let response = env(&server)
        .set("THETA_HTTP_MAX_RETRIES", "3")
        .run(COMMAND, args())
        .await;
    let report = ok(&response);
    assert_eq!(report["passed"], false);
    assert_eq!(report["failedStep"], "readiness");
    assert_eq!(report["cleanupConfirmed"], true);
    let readiness = &report["steps"]["readiness"];
    assert_eq!(readiness["status"], "notReady");
    let attempts = readiness["attemptCount"].as_u64().unwrap();
    assert!((2..=3).contains(&attempts), "{readiness:#}");
    let probes = received_at(&server, "GET", "/v1/models").await.len() as u64;
    assert_eq!(probes, attempts, "one request per reported attempt");
    assert_eq!(readiness["attempts"][0]["status"], 503);
    assert_eq!(readiness["attempts"][0]["code"], "HTTP_503");
    assert_eq!(report["steps"]["smoke"]["status"], "skipped");
    assert_eq!(report["steps"]["delete"]["status"], "deleted");
    assert_eq!(report["steps"]["verify"]["status"], "absent");
    assert!(
        report["summary"]
            .as_str()
            .unwrap()
            .contains("did not become ready within 1000 ms")
    );
    assert_eq!(deletes(&server).await, 1);
    assert!(
        received_at(&server, "POST", "/v1/chat/completions")
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn a_failing_smoke_call_is_sent_once_and_still_cleaned_up() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(
            ResponseTemplate::new(500)
                .set_body_json(json!({"error": {"message": "CUDA out of memory"}})),
        )
        .mount(&server)
        .await;
    mount_happy_path(&server).await;
    let response = run_env(&server)
        .set("THETA_HTTP_MAX_RETRIES", "3")
        .run(COMMAND, args())
        .await;
    let report = ok(&response);
    assert_eq!(report["passed"], false);
    assert_eq!(report["failedStep"], "smoke");
    assert_eq!(report["steps"]["readiness"]["status"], "ready");
    let smoke = &report["steps"]["smoke"];
    assert_eq!(smoke["status"], "failed");
    assert!(
        smoke["error"]
            .as_str()
            .unwrap()
            .contains("CUDA out of memory"),
        "{smoke:#}"
    );
    assert_eq!(report["cleanupConfirmed"], true);
    assert_eq!(
        received_at(&server, "POST", "/v1/chat/completions")
            .await
            .len(),
        1
    );
    assert_eq!(deletes(&server).await, 1);
}

#[tokio::test]
async fn a_delete_that_keeps_failing_is_retried_then_reported_loudly_with_the_handle() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(500).set_body_string("controller exploded"))
        .mount(&server)
        .await;
    // The deployment is still listed.
    let mut listed = fixture("deployment_list");
    listed["body"]
        .as_array_mut()
        .unwrap()
        .push(json!({"ID": "dpl_new5x7z9", "Shard": 3, "Suffix": "q1w2e3", "Status": "Running"}));
    Mock::given(method("GET"))
        .and(path("/deployment/list"))
        .respond_with(json_answer(listed))
        .mount(&server)
        .await;
    mount_happy_path(&server).await;
    let response = run_env(&server).run(COMMAND, args()).await;
    let error = err(&response, "OPERATION_FAILED");
    let message = error["message"].as_str().unwrap();
    assert!(message.contains("could not be deleted"), "{message}");
    assert!(message.contains("theta.deployments.delete"), "{message}");
    assert!(message.contains("q1w2e3"), "{message}");
    assert!(error["hint"].as_str().unwrap().contains("billed"));
    assert_eq!(
        error["details"]["manualDelete"],
        json!([
            {"shard": 3, "suffix": "q1w2e3", "projectId": PROJECT},
            {"deploymentId": "dpl_new5x7z9", "projectId": PROJECT}
        ])
    );
    let report = &error["details"]["report"];
    assert_eq!(report["passed"], false);
    assert_eq!(report["failedStep"], "delete");
    assert_eq!(report["cleanupConfirmed"], false);
    assert_eq!(report["steps"]["smoke"]["status"], "ok");
    assert_eq!(report["steps"]["delete"]["status"], "failed");
    assert_eq!(report["steps"]["verify"]["status"], "stillListed");
    assert_eq!(report["steps"]["verify"]["checks"], 3);
    assert_eq!(report["steps"]["verify"]["listed"]["Suffix"], "q1w2e3");
    assert!(
        report["summary"]
            .as_str()
            .unwrap()
            .contains("could NOT be deleted")
    );
    // Four rounds, each trying shard/suffix then the id; a 500 is not a reason to try the
    // plural route.
    let sent = report["steps"]["delete"]["requests"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(deletes(&server).await, 8);
    assert_eq!(sent, 8);
    assert_eq!(received_at(&server, "DELETE", DELETE_PATH).await.len(), 4);
    assert_eq!(
        received_at(&server, "DELETE", "/deployment/base/dpl_new5x7z9")
            .await
            .len(),
        4
    );
    assert!(
        received_at(&server, "DELETE", "/deployments/3/q1w2e3")
            .await
            .is_empty()
    );
    // The balance after is still taken.
    assert_eq!(report["balance"]["delta"], -1.5);
}

#[tokio::test]
async fn a_refused_delete_is_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(403).set_body_string("forbidden"))
        .mount(&server)
        .await;
    mount_happy_path(&server).await;
    let response = run_env(&server).run(COMMAND, args()).await;
    let error = err(&response, "OPERATION_FAILED");
    assert_eq!(
        error["details"]["report"]["steps"]["delete"]["status"],
        "failed"
    );
    assert_eq!(deletes(&server).await, 1);
}

#[tokio::test]
async fn a_delete_route_that_moved_is_found_on_the_plural_route() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path(DELETE_PATH))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/deployments/3/q1w2e3"))
        .respond_with(json_answer(json!({"status": "success"})))
        .mount(&server)
        .await;
    mount_happy_path(&server).await;
    let response = run_env(&server).run(COMMAND, args()).await;
    let report = ok(&response);
    assert_eq!(report["passed"], true);
    let requests = report["steps"]["delete"]["requests"].as_array().unwrap();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0]["status"], 404);
    assert_eq!(requests[1]["ok"], true);
    assert_eq!(deletes(&server).await, 2);
}

#[tokio::test]
async fn an_unverifiable_deletion_is_an_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/deployment/list"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    mount_happy_path(&server).await;
    let response = run_env(&server).run(COMMAND, args()).await;
    let error = err(&response, "OPERATION_FAILED");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("could not be verified")
    );
    let report = &error["details"]["report"];
    assert_eq!(report["failedStep"], "verify");
    assert_eq!(report["steps"]["delete"]["status"], "deleted");
    assert_eq!(report["steps"]["verify"]["status"], "failed");
    assert_eq!(deletes(&server).await, 1);
}

#[tokio::test]
async fn a_create_answer_without_an_endpoint_is_still_cleaned_up() {
    for endpoint in [Value::Null, json!("https://evil.example.com")] {
        let server = MockServer::start().await;
        let mut answer = created(&server);
        answer["body"]["deployment"]["Endpoint"] = endpoint.clone();
        Mock::given(method("POST"))
            .and(path("/deployment"))
            .respond_with(json_answer(answer))
            .mount(&server)
            .await;
        mount_happy_path(&server).await;
        let response = run_env(&server).run(COMMAND, args()).await;
        let report = ok(&response);
        assert_eq!(report["failedStep"], "readiness", "{endpoint}");
        let readiness = &report["steps"]["readiness"];
        assert_eq!(readiness["status"], "skipped");
        let reason = readiness["reason"].as_str().unwrap();
        if endpoint.is_null() {
            assert!(reason.contains("no endpoint"), "{reason}");
        } else {
            assert!(reason.contains("is not an allowed domain"), "{reason}");
        }
        assert_eq!(report["steps"]["smoke"]["status"], "skipped");
        assert_eq!(report["cleanupConfirmed"], true);
        assert_eq!(deletes(&server).await, 1);
        assert!(received_at(&server, "GET", "/v1/models").await.is_empty());
    }
}

#[tokio::test]
async fn a_create_answer_without_any_handle_is_a_loud_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/deployment"))
        .respond_with(json_answer(
            json!({"status": "success", "body": {"endpoint": server.uri()}}),
        ))
        .mount(&server)
        .await;
    mount_happy_path(&server).await;
    let response = run_env(&server).run(COMMAND, args()).await;
    let error = err(&response, "OPERATION_FAILED");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("may still exist")
    );
    assert_eq!(error["details"]["manualDelete"], json!([]));
    assert_eq!(
        error["details"]["report"]["steps"]["delete"]["status"],
        "noHandle"
    );
    assert_eq!(
        error["details"]["report"]["steps"]["verify"]["status"],
        "skipped"
    );
    assert_eq!(deletes(&server).await, 0);
}

#[tokio::test]
async fn a_failed_create_says_whether_a_deployment_may_exist() {
    for (status, may_exist) in [(500, true), (400, false)] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/deployment"))
            .respond_with(
                ResponseTemplate::new(status).set_body_json(json!({"message": "quota exceeded"})),
            )
            .mount(&server)
            .await;
        mount_happy_path(&server).await;
        let response = run_env(&server)
            .set("THETA_HTTP_MAX_RETRIES", "3")
            .run(COMMAND, args())
            .await;
        let error = err(&response, &format!("HTTP_{status}"));
        assert!(
            error["message"]
                .as_str()
                .unwrap()
                .starts_with("Creating the disposable deployment failed")
        );
        assert_eq!(error["details"]["deploymentMayExist"], may_exist);
        assert_eq!(
            error["details"]["report"]["steps"]["create"]["status"],
            "failed"
        );
        assert_eq!(
            error["hint"]
                .as_str()
                .unwrap_or_default()
                .contains("theta.deployments.list"),
            may_exist
        );
        assert_eq!(received_at(&server, "POST", "/deployment").await.len(), 1);
        assert_eq!(deletes(&server).await, 0);
        assert!(received_at(&server, "GET", "/v1/models").await.is_empty());
    }
}

#[tokio::test]
async fn without_an_organization_the_balance_steps_are_skipped() {
    let server = MockServer::start().await;
    mount_happy_path(&server).await;
    let mut args = args();
    args.as_object_mut().unwrap().remove("orgId");
    let response = run_env(&server).run(COMMAND, args).await;
    let report = ok(&response);
    assert_eq!(
        report["steps"]["balanceBefore"],
        json!({"skipped": true, "reason": "missing_org_id", "value": null})
    );
    assert_eq!(report["balance"]["delta"], Value::Null);
    assert!(received_at(&server, "GET", "/balance").await.is_empty());
}

/// Dropping the run half-way (a cancelled future) still deletes the deployment: the guard
/// does it on its own thread before the drop returns.
#[tokio::test]
async fn a_run_dropped_half_way_still_deletes_the_deployment() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .respond_with(json_answer(fixture("models")).set_delay(Duration::from_secs(30)))
        .mount(&server)
        .await;
    mount_happy_path(&server).await;
    let mut args = args();
    args["readyTimeoutMs"] = json!(60_000);
    let env = run_env(&server).set("THETA_HTTP_TIMEOUT_MS", "60000");
    let outcome = tokio::time::timeout(Duration::from_millis(1_500), env.run(COMMAND, args)).await;
    assert!(outcome.is_err(), "the run was still probing");
    assert_eq!(received_at(&server, "POST", "/deployment").await.len(), 1);
    assert_eq!(deletes(&server).await, 1);
    assert_eq!(received_at(&server, "DELETE", DELETE_PATH).await.len(), 1);
}

#[tokio::test]
async fn dry_run_shows_the_plan_and_sends_nothing() {
    let server = MockServer::start().await;
    catch_all(&server).await;
    let response = Env::all_services(&server)
        .set("THETA_EC_PROJECT_ID", PROJECT)
        .dry_run(COMMAND, args())
        .await;
    let preview = ok(&response);
    assert_eq!(response["dryRun"], true);
    let create = &preview["requests"][0];
    assert_eq!(create["method"], "POST");
    assert_eq!(create["url"], format!("{}/deployment", server.uri()));
    assert_eq!(create["body"]["project_id"], PROJECT);
    assert!(
        create["body"]["auth_username"]
            .as_str()
            .unwrap()
            .contains("generated at run time")
    );
    assert_eq!(create["body"]["auth_password"], "***");
    let plan = preview["details"]["plan"].as_array().unwrap();
    assert_eq!(plan.len(), 7);
    assert!(plan[2].as_str().unwrap().contains("/v1/models"));
    assert!(plan[4].as_str().unwrap().contains("DELETE"));
    assert_eq!(preview["details"]["smokeCall"], true);
    assert_eq!(preview["details"]["orgIdConfigured"], true);
    assert_eq!(preview["details"]["readyTimeoutMs"], 1_000);
    assert_eq!(
        preview["credentials"],
        json!([{"name": "THETA_EC_API_KEY", "present": false, "required": true}])
    );
    assert!(received(&server).await.is_empty());
}

#[tokio::test]
async fn arguments_are_validated_before_anything_is_created() {
    let server = MockServer::start().await;
    catch_all(&server).await;
    let env = run_env(&server);
    let with = |key: &str, value: Value| {
        let mut args = args();
        args[key] = value;
        args
    };
    for (args, code) in [
        (with("readyTimeoutMs", json!(999)), "INVALID_POLL_OPTIONS"),
        (with("intervalMs", json!(60_001)), "INVALID_POLL_OPTIONS"),
        (with("probe", json!("grpc")), "INVALID_ARGS"),
        (with("payload", json!([])), "INVALID_DEPLOYMENT_PAYLOAD"),
        (
            with("payload", json!({"auth_password": 12345678})),
            "INVALID_DEPLOYMENT_PAYLOAD",
        ),
        (with("orgId", json!("org/../x")), "INVALID_THETA_ORG_ID"),
    ] {
        let response = env.run(COMMAND, args.clone()).await;
        err(&response, code);
    }
    assert!(received(&server).await.is_empty());
}

/// The real binary, interrupted with SIGTERM while it polls the endpoint: it still deletes the
/// deployment, verifies it is gone, and prints one document saying so.
#[cfg(unix)]
#[tokio::test]
async fn sigterm_during_the_probe_still_deletes_and_reports() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    mount_happy_path(&server).await;
    let mut args = args();
    args["readyTimeoutMs"] = json!(120_000);
    let mut command =
        std::process::Command::new(upstream_fault::binary(&skill_runtime::skills::theta::PACK));
    command
        .args(["run", COMMAND, &args.to_string()])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("THETA_EC_API_KEY", KEY)
        .env("THETA_EC_PROJECT_ID", PROJECT)
        .env("THETA_HTTP_MAX_RETRIES", "0")
        .env("THETA_HTTP_RETRY_BACKOFF_MS", "25")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    for var in common::base_url_vars() {
        command.env(var, server.uri());
    }
    let child = command.spawn().unwrap();
    let pid = child.id().to_string();
    // Wait until it is polling the new deployment.
    let started = std::time::Instant::now();
    while received_at(&server, "GET", "/v1/models").await.is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the run never probed"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    let output = tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let document: Value = serde_json::from_slice(&output.stdout).unwrap();
    let error = err(&document, "OPERATION_FAILED");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("Interrupted by SIGTERM"),
        "{error:#}"
    );
    let report = &error["details"]["report"];
    assert_eq!(report["cancelled"], "SIGTERM");
    assert_eq!(report["steps"]["readiness"]["status"], "cancelled");
    assert_eq!(report["steps"]["delete"]["status"], "deleted");
    assert_eq!(report["steps"]["verify"]["status"], "absent");
    assert_eq!(deletes(&server).await, 1);
    let (user, pass) = generated_credentials(&server).await;
    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(!printed.contains(&user) && !printed.contains(&pass));
}
