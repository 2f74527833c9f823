//! `theta.gpu.*` and the project billing commands of the v1 controller against a local fake
//! shaped like `spec/theta-gpu-api.md`: every command's wire request, id encoding, local
//! validation, dry-run and `confirm: false`, the `{status, body}` envelope, 204, errors and
//! retries.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test"
)]

mod common;
mod controller_common;

use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use common::{Env, err, family_ids, ok};
use controller_common::{KEY, PROJECT, catch_all, env, header, query, received};

const PREFIX: &str = "/v1/projects/prj_test";

async fn fake() -> MockServer {
    let server = MockServer::start().await;
    catch_all(&server).await;
    server
}

/// A success envelope around `body`.
fn success(body: Value) -> ResponseTemplate {
    let mut envelope = serde_json::Map::new();
    envelope.insert("status".into(), json!("success"));
    envelope.insert("body".into(), body);
    ResponseTemplate::new(200).set_body_json(Value::Object(envelope))
}

/// Answers `verb path` (the path exactly as sent, percent-encoding included) with `answer`.
async fn answer(server: &MockServer, verb: &str, at: &str, answer: ResponseTemplate) {
    Mock::given(method(verb))
        .and(path(at))
        .respond_with(answer)
        .mount(server)
        .await;
}

/// The project key in `x-api-key`, and no `Authorization` header.
fn assert_v1_headers(request: &Request) {
    assert_eq!(header(request, "x-api-key"), Some(KEY), "{}", request.url);
    assert!(
        request.headers.get("authorization").is_none(),
        "{}: no Authorization header",
        request.url
    );
}

fn body_of(request: &Request) -> Option<Value> {
    (!request.body.is_empty()).then(|| serde_json::from_slice(&request.body).unwrap())
}

fn create_args() -> Value {
    json!({
        "deployment_template_id": "dplt_abc",
        "resource_id": "community_node/1",
        "container_image": "nvidia/cuda:12.4.1-runtime-ubuntu22.04",
        "ssh_public_key": "ssh-ed25519 AAAAC3Nza me@host",
        "name": "node1",
        "display_name": "My GPU node",
        "region": "us-east",
        "ssh_port": 2222,
        "http_port": 8080,
        "max_price_per_hour_usd": 0.75,
        "confirm": true
    })
}

/// One command's expected wire request.
struct Wire {
    command: &'static str,
    args: Value,
    method: &'static str,
    path: String,
    query: Vec<(&'static str, &'static str)>,
    body: Option<Value>,
}

fn wire(command: &'static str, args: Value, method: &'static str, suffix: &str) -> Wire {
    Wire {
        command,
        args,
        method,
        path: format!("{PREFIX}/{suffix}"),
        query: Vec::new(),
        body: None,
    }
}

fn every_wire_request() -> Vec<Wire> {
    let id = || json!({"deployment_id": "dplb_1"});
    let confirmed = |id: &str| json!({"deployment_id": id, "confirm": true});
    let mut create = wire(
        "theta.gpu.deployments.create",
        create_args(),
        "POST",
        "gpu-deployments",
    );
    create.body = Some(json!({
        "name": "node1",
        "display_name": "My GPU node",
        "deployment_template_id": "dplt_abc",
        "resource_id": "community_node/1",
        "region": "us-east",
        "container_image": "nvidia/cuda:12.4.1-runtime-ubuntu22.04",
        "ssh_public_key": "ssh-ed25519 AAAAC3Nza me@host",
        "ssh_port": 2222,
        "http_port": 8080,
        "max_price_per_hour_usd": 0.75
    }));
    let mut resource = wire(
        "theta.gpu.resources.get",
        json!({"resource_id": "community_node/1", "region": "us east"}),
        "GET",
        "gpu-resources/community_node%2F1",
    );
    resource.query = vec![("region", "us east")];
    let mut usage = wire(
        "theta.billing.usage",
        json!({"start_date": "2026-10-01", "end_date": "2026-10-31"}),
        "GET",
        "billing/usage",
    );
    usage.query = vec![("start_date", "2026-10-01"), ("end_date", "2026-10-31")];
    let mut top_ups = wire(
        "theta.billing.topUps.list",
        json!({"page": 2, "number": 20}),
        "GET",
        "billing/top-ups",
    );
    top_ups.query = vec![("page", "2"), ("number", "20")];
    vec![
        wire(
            "theta.gpu.resources.list",
            json!({}),
            "GET",
            "gpu-resources",
        ),
        resource,
        wire(
            "theta.gpu.templates.list",
            json!({}),
            "GET",
            "gpu-deployment-templates",
        ),
        wire(
            "theta.gpu.deployments.list",
            json!({}),
            "GET",
            "gpu-deployments",
        ),
        wire(
            "theta.gpu.deployments.get",
            id(),
            "GET",
            "gpu-deployments/dplb_1",
        ),
        create,
        wire(
            "theta.gpu.deployments.start",
            confirmed("dplb/a"),
            "POST",
            "gpu-deployments/dplb%2Fa/start",
        ),
        wire(
            "theta.gpu.deployments.stop",
            json!({"deployment_id": "dplb_1"}),
            "POST",
            "gpu-deployments/dplb_1/stop",
        ),
        wire(
            "theta.gpu.deployments.delete",
            confirmed("dplb_1"),
            "DELETE",
            "gpu-deployments/dplb_1",
        ),
        wire(
            "theta.gpu.deployments.events",
            id(),
            "GET",
            "gpu-deployments/dplb_1/events",
        ),
        wire(
            "theta.gpu.deployments.logs",
            id(),
            "GET",
            "gpu-deployments/dplb_1/logs",
        ),
        wire(
            "theta.billing.projectBalance",
            json!({}),
            "GET",
            "billing/balance",
        ),
        usage,
        top_ups,
        wire("theta.billing.pricing", json!({}), "GET", "billing/pricing"),
    ]
}

#[tokio::test]
async fn every_command_sends_its_documented_request() {
    let expected = every_wire_request();
    assert_eq!(expected.len(), 15);
    for wire in expected {
        let server = fake().await;
        answer(
            &server,
            wire.method,
            &wire.path,
            success(json!({"answered": wire.command})),
        )
        .await;
        let response = env(&server).run(wire.command, wire.args.clone()).await;
        assert_eq!(
            ok(&response),
            &json!({"answered": wire.command}),
            "{}: the result is the envelope's body",
            wire.command
        );
        assert_eq!(response["dryRun"], json!(false), "{}", wire.command);
        let requests = received(&server).await;
        assert_eq!(requests.len(), 1, "{}", wire.command);
        let request = &requests[0];
        assert_eq!(request.method.as_str(), wire.method, "{}", wire.command);
        assert_eq!(request.url.path(), wire.path, "{}", wire.command);
        let expected_query: Vec<(String, String)> = wire
            .query
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        assert_eq!(query(request), expected_query, "{}", wire.command);
        assert_v1_headers(request);
        assert_eq!(body_of(request), wire.body, "{}", wire.command);
        assert!(
            !response.to_string().contains(KEY),
            "{}: the key never shows",
            wire.command
        );
    }
}

#[tokio::test]
async fn optional_query_parameters_are_sent_only_when_given() {
    for (command, suffix) in [
        ("theta.gpu.resources.get", "gpu-resources/h100"),
        ("theta.billing.usage", "billing/usage"),
        ("theta.billing.topUps.list", "billing/top-ups"),
    ] {
        let server = fake().await;
        answer(
            &server,
            "GET",
            &format!("{PREFIX}/{suffix}"),
            success(json!([])),
        )
        .await;
        let args = if command == "theta.gpu.resources.get" {
            json!({"resource_id": "h100"})
        } else {
            json!({})
        };
        ok(&env(&server).run(command, args).await);
        let requests = received(&server).await;
        assert_eq!(requests.len(), 1, "{command}");
        assert_eq!(requests[0].url.query(), None, "{command}");
    }
}

#[tokio::test]
async fn aliases_are_the_official_tool_names_with_the_same_arguments() {
    let server = fake().await;
    answer(
        &server,
        "GET",
        &format!("{PREFIX}/gpu-resources/community_node%2F1"),
        success(json!({"id": "community_node/1"})),
    )
    .await;
    answer(
        &server,
        "POST",
        &format!("{PREFIX}/gpu-deployments/dplb_1/stop"),
        success(json!({"status": "stopping"})),
    )
    .await;
    let response = env(&server)
        .run(
            "get_gpu_resource",
            json!({"resource_id": "community_node/1"}),
        )
        .await;
    assert_eq!(response["command"], "theta.gpu.resources.get");
    assert_eq!(ok(&response)["id"], "community_node/1");
    let response = env(&server)
        .run(
            "stop_gpu_deployment",
            json!({"deployment_id": "dplb_1", "confirm": true}),
        )
        .await;
    assert_eq!(response["command"], "theta.gpu.deployments.stop");
    assert_eq!(ok(&response)["status"], "stopping");
    assert_eq!(received(&server).await.len(), 2);
}

#[tokio::test]
async fn the_project_argument_beats_the_environment() {
    let server = fake().await;
    answer(
        &server,
        "GET",
        "/v1/projects/prj_other/gpu-deployments",
        success(json!([])),
    )
    .await;
    let response = env(&server)
        .run(
            "theta.gpu.deployments.list",
            json!({"projectId": "prj_other"}),
        )
        .await;
    assert_eq!(ok(&response), &json!([]));
}

// ----- local validation: refused before any request -----

#[tokio::test]
async fn constraints_are_enforced_locally_and_nothing_is_sent() {
    let with = |field: &str, value: Value| {
        let mut args = create_args();
        args[field] = value;
        args
    };
    let without = |field: &str| {
        let mut args = create_args();
        args.as_object_mut().unwrap().remove(field);
        args
    };
    let create = "theta.gpu.deployments.create";
    let cases: Vec<(&str, Value, &str, &str)> = vec![
        (
            create,
            without("ssh_public_key"),
            "MISSING_REQUIRED_FIELD",
            "/ssh_public_key",
        ),
        (
            create,
            without("deployment_template_id"),
            "MISSING_REQUIRED_FIELD",
            "/deployment_template_id",
        ),
        (
            create,
            with("name", json!("bad name")),
            "INVALID_FIELD",
            "/name",
        ),
        (
            create,
            with("name", json!("a".repeat(21))),
            "INVALID_FIELD",
            "/name",
        ),
        (
            create,
            with("display_name", json!("x".repeat(101))),
            "INVALID_FIELD",
            "/display_name",
        ),
        (
            create,
            with("ssh_port", json!(0)),
            "INVALID_FIELD",
            "/ssh_port",
        ),
        (
            create,
            with("ssh_port", json!(65_536)),
            "INVALID_FIELD",
            "/ssh_port",
        ),
        (
            create,
            with("http_port", json!(70_000)),
            "INVALID_FIELD",
            "/http_port",
        ),
        (
            create,
            with("max_price_per_hour_usd", json!(0)),
            "INVALID_FIELD",
            "/max_price_per_hour_usd",
        ),
        (
            create,
            with("max_price_per_hour_usd", json!(-0.5)),
            "INVALID_FIELD",
            "/max_price_per_hour_usd",
        ),
        (
            create,
            with("resource_id", json!("   ")),
            "INVALID_FIELD",
            "/resource_id",
        ),
        (
            create,
            with("ssh_public_key", json!("ssh-ed25519 AAAA\nevil")),
            "INVALID_FIELD",
            "/ssh_public_key",
        ),
        (
            create,
            with("confirm", json!("true")),
            "INVALID_FIELD",
            "/confirm",
        ),
        (
            "theta.gpu.resources.get",
            json!({"resource_id": ""}),
            "INVALID_FIELD",
            "/resource_id",
        ),
        (
            "theta.gpu.resources.get",
            json!({"resource_id": "a\u{0007}b"}),
            "INVALID_FIELD",
            "/resource_id",
        ),
        (
            "theta.gpu.deployments.get",
            json!({"deployment_id": ""}),
            "INVALID_DEPLOYMENT_ID",
            "/deployment_id",
        ),
        (
            "theta.gpu.deployments.delete",
            json!({"deployment_id": "  "}),
            "INVALID_DEPLOYMENT_ID",
            "/deployment_id",
        ),
        (
            "theta.gpu.deployments.logs",
            json!({"deployment_id": "dplb_1", "tail": 10}),
            "INVALID_ARGS",
            "/tail",
        ),
        (
            "theta.billing.usage",
            json!({"start_date": "2026/01/01"}),
            "INVALID_FIELD",
            "/start_date",
        ),
        (
            "theta.billing.usage",
            json!({"start_date": "2026-02-30"}),
            "INVALID_FIELD",
            "/start_date",
        ),
        (
            "theta.billing.usage",
            json!({"start_date": "2026-03-02", "end_date": "2026-03-01"}),
            "INVALID_FIELD",
            "/end_date",
        ),
        (
            "theta.billing.usage",
            json!({"start_date": "2025-01-01", "end_date": "2026-01-02"}),
            "INVALID_FIELD",
            "/end_date",
        ),
        (
            "theta.billing.topUps.list",
            json!({"page": 0}),
            "INVALID_PAGE",
            "/page",
        ),
        (
            "theta.billing.topUps.list",
            json!({"number": 101}),
            "INVALID_PAGE_SIZE",
            "/number",
        ),
        (
            "theta.billing.topUps.list",
            json!({"number": 0}),
            "INVALID_PAGE_SIZE",
            "/number",
        ),
        (
            "theta.gpu.resources.list",
            json!({"projectId": "project-1"}),
            "INVALID_THETA_EC_PROJECT_ID",
            "/projectId",
        ),
    ];
    let server = fake().await;
    for (command, args, code, at) in cases {
        let response = env(&server).run(command, args.clone()).await;
        let error = err(&response, code);
        let paths: Vec<&str> = error["problems"]
            .as_array()
            .unwrap_or_else(|| panic!("{command} {args}: no problems: {error:#}"))
            .iter()
            .map(|p| p["path"].as_str().unwrap())
            .collect();
        assert!(paths.contains(&at), "{command} {args}: {error:#}");
    }
    assert!(
        received(&server).await.is_empty(),
        "local validation sent a request"
    );
}

#[tokio::test]
async fn the_longest_allowed_usage_window_is_366_days() {
    let server = fake().await;
    answer(
        &server,
        "GET",
        &format!("{PREFIX}/billing/usage"),
        success(json!({})),
    )
    .await;
    let response = env(&server)
        .run(
            "theta.billing.usage",
            json!({"start_date": "2024-01-01", "end_date": "2024-12-31"}),
        )
        .await;
    ok(&response);
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn missing_credentials_are_named_errors_before_any_request() {
    let server = fake().await;
    let response = Env::all_services(&server)
        .set("THETA_EC_PROJECT_ID", PROJECT)
        .run("theta.gpu.deployments.list", json!({}))
        .await;
    err(&response, "MISSING_THETA_EC_API_KEY");
    let response = Env::all_services(&server)
        .set("THETA_EC_API_KEY", KEY)
        .run("theta.billing.pricing", json!({}))
        .await;
    let error = err(&response, "MISSING_THETA_EC_PROJECT_ID");
    assert!(error["hint"].as_str().unwrap().contains("prj_"));
    assert!(received(&server).await.is_empty());
}

// ----- dry-run and confirm -----

const LIFECYCLE: [&str; 4] = [
    "theta.gpu.deployments.create",
    "theta.gpu.deployments.start",
    "theta.gpu.deployments.stop",
    "theta.gpu.deployments.delete",
];

fn lifecycle_args(command: &str, confirm: Option<bool>) -> Value {
    let mut args = if command == "theta.gpu.deployments.create" {
        create_args()
    } else {
        json!({"deployment_id": "dplb/a"})
    };
    match confirm {
        Some(c) => args["confirm"] = json!(c),
        None => {
            args.as_object_mut().unwrap().remove("confirm");
        }
    }
    args
}

fn expected_preview(command: &str) -> (&'static str, String) {
    let id = format!("{PREFIX}/gpu-deployments/dplb%2Fa");
    match command {
        "theta.gpu.deployments.create" => ("POST", format!("{PREFIX}/gpu-deployments")),
        "theta.gpu.deployments.start" => ("POST", format!("{id}/start")),
        "theta.gpu.deployments.stop" => ("POST", format!("{id}/stop")),
        _ => ("DELETE", id),
    }
}

/// Checks a lifecycle preview against `server`'s origin and returns it.
fn assert_preview<'a>(server: &MockServer, command: &str, response: &'a Value) -> &'a Value {
    let result = ok(response);
    assert_eq!(response["dryRun"], json!(true), "{command}: {response:#}");
    let request = &result["requests"][0];
    let (verb, at) = expected_preview(command);
    assert_eq!(request["method"], verb, "{command}");
    assert_eq!(request["url"], format!("{}{at}", server.uri()), "{command}");
    assert!(request["headers"].get("authorization").is_none());
    assert!(!response.to_string().contains(KEY), "{command}");
    result
}

#[tokio::test]
async fn dry_run_previews_every_lifecycle_command_without_secrets_or_requests() {
    let server = fake().await;
    let no_key = Env::all_services(&server).set("THETA_EC_PROJECT_ID", PROJECT);
    for command in LIFECYCLE {
        let response = no_key
            .dry_run(command, lifecycle_args(command, Some(true)))
            .await;
        let result = assert_preview(&server, command, &response);
        assert_eq!(
            result["requests"][0]["headers"]["x-api-key"],
            "<missing THETA_EC_API_KEY>"
        );
        assert_eq!(
            result["credentials"],
            json!([{"name": "THETA_EC_API_KEY", "present": false, "required": true}])
        );
    }
    assert!(received(&server).await.is_empty());
}

#[tokio::test]
async fn the_create_preview_shows_the_body_the_price_ceiling_and_the_billing() {
    let server = fake().await;
    let response = env(&server)
        .dry_run(
            "theta.gpu.deployments.create",
            lifecycle_args("theta.gpu.deployments.create", None),
        )
        .await;
    let result = assert_preview(&server, "theta.gpu.deployments.create", &response);
    let request = &result["requests"][0];
    assert_eq!(request["headers"]["x-api-key"], "***");
    assert_eq!(request["body"]["resource_id"], "community_node/1");
    assert_eq!(request["body"]["max_price_per_hour_usd"], 0.75);
    assert!(request["body"].get("confirm").is_none());
    assert!(request["body"].get("projectId").is_none());
    assert_eq!(result["costHint"]["maxPricePerHourUsd"], 0.75);
    assert_eq!(result["costHint"]["effect"], "starts billable capacity");
    let notes = result["notes"].to_string();
    assert!(
        notes.contains("Starts billable capacity, at most 0.75 USD per hour"),
        "{notes}"
    );
    assert!(received(&server).await.is_empty());
}

#[tokio::test]
async fn confirm_false_turns_the_call_into_a_preview() {
    let server = fake().await;
    for command in LIFECYCLE {
        // Not a dry-run request, key configured: confirm=false alone stops it.
        let response = env(&server)
            .run(command, lifecycle_args(command, Some(false)))
            .await;
        let result = assert_preview(&server, command, &response);
        let notes = result["notes"].to_string();
        assert!(notes.contains("confirm=false"), "{command}: {notes}");
        assert!(notes.contains("confirm=true"), "{command}: {notes}");
    }
    assert!(received(&server).await.is_empty());
}

#[tokio::test]
async fn confirm_true_never_turns_a_dry_run_off() {
    let server = fake().await;
    for command in LIFECYCLE {
        // The environment's dry-run…
        let response = env(&server)
            .set("THETA_DRY_RUN", "1")
            .run(command, lifecycle_args(command, Some(true)))
            .await;
        assert_preview(&server, command, &response);
        // …and the request's.
        let response = env(&server)
            .handle(json!({
                "command": command,
                "args": lifecycle_args(command, Some(true)),
                "dryRun": true
            }))
            .await;
        assert_preview(&server, command, &response);
    }
    assert!(received(&server).await.is_empty());
}

#[tokio::test]
async fn read_only_commands_run_in_dry_run_and_take_no_confirm() {
    let server = fake().await;
    answer(
        &server,
        "GET",
        &format!("{PREFIX}/gpu-deployments/dplb_1"),
        success(json!({"id": "dplb_1"})),
    )
    .await;
    let response = env(&server)
        .dry_run(
            "theta.gpu.deployments.get",
            json!({"deployment_id": "dplb_1"}),
        )
        .await;
    assert_eq!(ok(&response)["id"], "dplb_1");
    let response = env(&server)
        .run(
            "theta.gpu.deployments.get",
            json!({"deployment_id": "dplb_1", "confirm": false}),
        )
        .await;
    let error = err(&response, "INVALID_ARGS");
    assert_eq!(error["problems"][0]["path"], "/confirm");
    assert_eq!(received(&server).await.len(), 1);
}

// ----- the community price ceiling -----

#[tokio::test]
async fn a_community_resource_without_a_price_ceiling_is_warned_about() {
    let server = fake().await;
    answer(
        &server,
        "POST",
        &format!("{PREFIX}/gpu-deployments"),
        success(json!({"id": "dplb_new"})),
    )
    .await;
    let mut args = create_args();
    args.as_object_mut()
        .unwrap()
        .remove("max_price_per_hour_usd");
    let response = env(&server)
        .run("theta.gpu.deployments.create", args.clone())
        .await;
    assert_eq!(ok(&response)["id"], "dplb_new");
    let warning = response["warnings"][0].as_str().unwrap();
    assert!(warning.contains("max_price_per_hour_usd"), "{warning}");
    // The preview warns too, and says there is no ceiling.
    let response = env(&server)
        .dry_run("theta.gpu.deployments.create", args.clone())
        .await;
    assert!(response["warnings"][0].as_str().is_some(), "{response:#}");
    assert!(
        ok(&response)["notes"]
            .to_string()
            .contains("no price ceiling")
    );
    // A hosted resource, or a ceiling, needs no warning.
    args["resource_id"] = json!("h100_us_east");
    let response = env(&server).run("theta.gpu.deployments.create", args).await;
    assert!(response.get("warnings").is_none(), "{response:#}");
    let response = env(&server)
        .run("theta.gpu.deployments.create", create_args())
        .await;
    assert!(response.get("warnings").is_none(), "{response:#}");
    assert_eq!(received(&server).await.len(), 3);
}

// ----- answers: envelope, 204, errors -----

#[tokio::test]
async fn delete_answering_204_is_success_with_a_null_result() {
    let server = fake().await;
    answer(
        &server,
        "DELETE",
        &format!("{PREFIX}/gpu-deployments/dplb_1"),
        ResponseTemplate::new(204),
    )
    .await;
    let response = env(&server)
        .run(
            "delete_gpu_deployment",
            json!({"deployment_id": "dplb_1", "confirm": true}),
        )
        .await;
    assert_eq!(ok(&response), &Value::Null);
    assert!(response.as_object().unwrap().contains_key("result"));
}

/// A result, or an error code and a piece of its message.
type Expected = Result<Value, (&'static str, &'static str)>;

#[tokio::test]
async fn the_envelope_rules_hold() {
    let list = format!("{PREFIX}/gpu-deployments");
    let cases: Vec<(ResponseTemplate, Expected)> = vec![
        (success(Value::Null), Ok(Value::Null)),
        (
            ResponseTemplate::new(200)
                .set_body_json(json!({"status": "success", "body": {"items": [1]}, "extra": 1})),
            Ok(json!({"items": [1]})),
        ),
        (
            ResponseTemplate::new(200)
                .set_body_json(json!({"status": "error", "message": "quota exceeded"})),
            Err(("UPSTREAM_ERROR", "quota exceeded")),
        ),
        (
            ResponseTemplate::new(200)
                .set_body_json(json!({"status": "failed", "error": {"reason": "nope"}})),
            Err(("UPSTREAM_ERROR", "nope")),
        ),
        (
            ResponseTemplate::new(200),
            Err(("UPSTREAM_ERROR", "unknown error")),
        ),
        (
            ResponseTemplate::new(200).set_body_json(json!({"status": "success"})),
            Err(("INVALID_RESPONSE", "without a body")),
        ),
        (
            ResponseTemplate::new(200).set_body_string("ok"),
            Err(("INVALID_RESPONSE", "not JSON")),
        ),
        (
            ResponseTemplate::new(200).set_body_json(json!([1, 2])),
            Err(("INVALID_RESPONSE", "not a JSON object")),
        ),
    ];
    for (template, expected) in cases {
        let server = fake().await;
        answer(&server, "GET", &list, template).await;
        let response = env(&server)
            .run("theta.gpu.deployments.list", json!({}))
            .await;
        match expected {
            Ok(result) => assert_eq!(ok(&response), &result),
            Err((code, text)) => {
                let error = err(&response, code);
                assert!(
                    error["message"].as_str().unwrap().contains(text),
                    "{error:#}"
                );
                assert_eq!(error["status"], 200);
                assert_eq!(error["retriable"], false);
                assert_eq!(error["service"], "edgecloud-controller-v1");
                assert_eq!(error["endpoint"], format!("{}{list}", server.uri()));
            }
        }
        assert_eq!(
            received(&server).await.len(),
            1,
            "a 2xx is never retried: {response:#}"
        );
    }
}

#[tokio::test]
async fn http_errors_carry_the_status_the_upstream_detail_and_no_key() {
    let server = fake().await;
    answer(
        &server,
        "GET",
        &format!("{PREFIX}/billing/balance"),
        ResponseTemplate::new(403).set_body_json(json!({
            "status": "error",
            "message": format!("key {KEY} does not belong to project")
        })),
    )
    .await;
    let response = env(&server)
        .run("theta.billing.projectBalance", json!({}))
        .await;
    let error = err(&response, "HTTP_403");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("does not belong to project"),
        "{error:#}"
    );
    assert!(error["hint"].as_str().unwrap().contains("THETA_EC_API_KEY"));
    assert_eq!(error["service"], "edgecloud-controller-v1");
    assert!(!response.to_string().contains(KEY));
    assert_eq!(received(&server).await.len(), 1, "403 is not retried");
}

#[tokio::test]
async fn reads_are_retried_on_502_and_a_huge_error_body_is_cut() {
    let server = fake().await;
    answer(
        &server,
        "GET",
        &format!("{PREFIX}/gpu-deployments/dplb_1/logs"),
        ResponseTemplate::new(502).set_body_string("x".repeat(10_000)),
    )
    .await;
    let response = env(&server)
        .set("THETA_HTTP_MAX_RETRIES", "2")
        .run(
            "theta.gpu.deployments.logs",
            json!({"deployment_id": "dplb_1"}),
        )
        .await;
    let error = err(&response, "HTTP_502");
    assert_eq!(error["retriable"], true);
    assert!(
        error["message"].as_str().unwrap().chars().count() < 500,
        "{}",
        error["message"].as_str().unwrap().len()
    );
    assert_eq!(received(&server).await.len(), 3, "1 + 2 retries");
}

#[tokio::test]
async fn paid_and_mutating_requests_are_sent_once_under_5xx() {
    for (command, verb, suffix) in [
        (
            "theta.gpu.deployments.create",
            "POST",
            "gpu-deployments".to_owned(),
        ),
        (
            "theta.gpu.deployments.start",
            "POST",
            "gpu-deployments/dplb%2Fa/start".to_owned(),
        ),
        (
            "theta.gpu.deployments.stop",
            "POST",
            "gpu-deployments/dplb%2Fa/stop".to_owned(),
        ),
        (
            "theta.gpu.deployments.delete",
            "DELETE",
            "gpu-deployments/dplb%2Fa".to_owned(),
        ),
    ] {
        let server = fake().await;
        answer(
            &server,
            verb,
            &format!("{PREFIX}/{suffix}"),
            ResponseTemplate::new(502).set_body_string("bad gateway"),
        )
        .await;
        let response = env(&server)
            .set("THETA_HTTP_MAX_RETRIES", "3")
            .run(command, lifecycle_args(command, None))
            .await;
        let error = err(&response, "HTTP_502");
        assert_eq!(error["retriable"], false, "{command}");
        assert!(
            error["hint"]
                .as_str()
                .unwrap()
                .contains("may have been processed"),
            "{command}: {error:#}"
        );
        assert_eq!(received(&server).await.len(), 1, "{command}: sent once");
    }
}

#[tokio::test]
async fn a_paid_create_answered_429_is_retried_since_it_was_not_processed() {
    let server = fake().await;
    Mock::given(method("POST"))
        .and(path(format!("{PREFIX}/gpu-deployments")))
        .respond_with(ResponseTemplate::new(429))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    answer(
        &server,
        "POST",
        &format!("{PREFIX}/gpu-deployments"),
        success(json!({"id": "dplb_new"})),
    )
    .await;
    let response = env(&server)
        .run("theta.gpu.deployments.create", create_args())
        .await;
    assert_eq!(ok(&response)["id"], "dplb_new");
    assert_eq!(received(&server).await.len(), 2);
}

// ----- origin -----

#[tokio::test]
async fn the_v1_origin_has_its_own_default_and_override() {
    // Default: the beta host, whatever THETA_CONTROLLER_BASE_URL says.
    let env_only = Env::new().set("THETA_EC_PROJECT_ID", PROJECT).set(
        "THETA_CONTROLLER_BASE_URL",
        "https://controller.thetaedgecloud.com",
    );
    let response = env_only
        .dry_run(
            "theta.gpu.deployments.stop",
            json!({"deployment_id": "dplb_1"}),
        )
        .await;
    assert_eq!(
        ok(&response)["requests"][0]["url"],
        "https://controller-beta.thetaedgecloud.com/v1/projects/prj_test/gpu-deployments/dplb_1/stop"
    );
    // THETA_CONTROLLER_BASE_URL moves only the older controller.
    let old = fake().await;
    let v1 = fake().await;
    answer(
        &v1,
        "GET",
        &format!("{PREFIX}/gpu-resources"),
        success(json!([])),
    )
    .await;
    let response = env(&old)
        .set("THETA_CONTROLLER_V1_BASE_URL", &v1.uri())
        .run("theta.gpu.resources.list", json!({}))
        .await;
    ok(&response);
    assert!(received(&old).await.is_empty());
    assert_eq!(received(&v1).await.len(), 1);
    // An override that is not a Theta origin is refused before any request.
    let response = env(&old)
        .set("THETA_CONTROLLER_V1_BASE_URL", "https://evil.example.com")
        .run("theta.gpu.resources.list", json!({}))
        .await;
    let error = err(&response, "INVALID_THETA_BASE_URL");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("THETA_CONTROLLER_V1_BASE_URL")
    );
    assert!(received(&old).await.is_empty());
}

// ----- setup and capabilities -----

#[tokio::test]
async fn capabilities_probe_the_v1_controller_with_the_templates_list() {
    let server = fake().await;
    answer(
        &server,
        "GET",
        &format!("{PREFIX}/gpu-deployment-templates"),
        success(json!([{"id": "dplt_1"}])),
    )
    .await;
    let response = env(&server).run("theta.auth.capabilities", json!({})).await;
    let result = ok(&response);
    let record = result["capabilities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "controller.v1")
        .unwrap();
    assert_eq!(record["configured"], true);
    assert_eq!(record["verified"], true, "{record:#}");
    assert_eq!(
        record["probe"],
        "GET /v1/projects/<project>/gpu-deployment-templates"
    );
    assert_eq!(record["sample"], json!({"items": 1}));
    assert_eq!(
        record["commands"],
        family_ids("controller.v1"),
        "the family's commands"
    );
    let probes: Vec<Request> = received(&server)
        .await
        .into_iter()
        .filter(|r| r.url.path().starts_with("/v1/projects/"))
        .collect();
    assert_eq!(probes.len(), 1);
    assert_v1_headers(&probes[0]);
    assert!(!response.to_string().contains(KEY));
}

#[tokio::test]
async fn setup_lists_the_v1_step() {
    let response = Env::new()
        .set("THETA_EC_API_KEY", "k-123456")
        .set("THETA_EC_PROJECT_ID", PROJECT)
        .run("theta.setup", json!({}))
        .await;
    let result = ok(&response);
    let step = result["checklist"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| {
            s["title"]
                .as_str()
                .unwrap()
                .contains("THETA_CONTROLLER_V1_BASE_URL")
        })
        .unwrap();
    assert_eq!(step["status"], "done");
    assert_eq!(step["optional"], true);
    let v1 = result["families"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "controller.v1")
        .unwrap();
    assert_eq!(v1["configured"], true, "{v1}");
    assert_eq!(
        v1["requires"],
        json!(["THETA_EC_API_KEY", "THETA_EC_PROJECT_ID"])
    );
}
