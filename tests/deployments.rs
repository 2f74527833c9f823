//! `theta.deployments.*` (except validateDisposable, in `tests/validate_disposable.rs`) against
//! a local fake controller and platform API shaped like `spec/theta-api.md` §2.6 and §5.2.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test"
)]

mod common;
mod controller_common;

use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use common::{Env, err, ok};
use controller_common::{
    KEY, PROJECT, assert_controller_headers, catch_all, env, fixture, header, json_answer, query,
    received, received_at,
};

async fn fake() -> MockServer {
    let server = MockServer::start().await;
    catch_all(&server).await;
    server
}

// ----- list -----

#[tokio::test]
async fn list_sends_the_project_key_and_browser_headers() {
    let server = fake().await;
    Mock::given(method("GET"))
        .and(path("/deployment/list"))
        .and(query_param("project_id", PROJECT))
        .respond_with(json_answer(fixture("deployment_list")))
        .expect(1)
        .mount(&server)
        .await;
    let response = env(&server).run("theta.deployments.list", json!({})).await;
    assert_eq!(ok(&response), &fixture("deployment_list"));
    assert!(response.get("warnings").is_none());
    let requests = received(&server).await;
    assert_eq!(requests.len(), 1);
    assert_controller_headers(&requests[0]);
    assert_eq!(query(&requests[0]), [("project_id".into(), PROJECT.into())]);
}

#[tokio::test]
async fn the_project_argument_beats_the_environment() {
    let server = fake().await;
    Mock::given(method("GET"))
        .and(path("/deployment/list"))
        .and(query_param("project_id", "prj_other"))
        .respond_with(json_answer(json!({"status": "success", "body": []})))
        .expect(1)
        .mount(&server)
        .await;
    let response = env(&server)
        .run("theta.deployments.list", json!({"projectId": "prj_other"}))
        .await;
    assert_eq!(ok(&response)["body"], json!([]));
}

#[tokio::test]
async fn list_falls_back_to_the_plural_route_on_404_and_405() {
    for status in [404, 405] {
        let server = fake().await;
        Mock::given(method("GET"))
            .and(path("/deployment/list"))
            .respond_with(ResponseTemplate::new(status))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/deployments/list"))
            .and(query_param("project_id", PROJECT))
            .respond_with(json_answer(fixture("deployment_list")))
            .expect(1)
            .mount(&server)
            .await;
        let response = env(&server).run("theta.deployments.list", json!({})).await;
        assert_eq!(ok(&response), &fixture("deployment_list"));
        let warning = response["warnings"][0].as_str().unwrap();
        assert!(warning.contains(&format!("HTTP {status}")), "{warning}");
        assert!(warning.contains("/deployments/"), "{warning}");
        let requests = received(&server).await;
        assert_eq!(requests.len(), 2, "{status}");
        assert_controller_headers(&requests[1]);
    }
}

#[tokio::test]
async fn when_both_routes_are_missing_the_singular_error_is_reported() {
    let server = fake().await;
    Mock::given(method("GET"))
        .and(path("/deployment/list"))
        .respond_with(
            ResponseTemplate::new(404).set_body_json(json!({"message": "project not found"})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/deployments/list"))
        .respond_with(ResponseTemplate::new(404).set_body_string("404 page not found"))
        .mount(&server)
        .await;
    let response = env(&server).run("theta.deployments.list", json!({})).await;
    let error = err(&response, "HTTP_404");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("project not found")
    );
    assert!(
        error["endpoint"]
            .as_str()
            .unwrap()
            .contains("/deployment/list")
    );
    assert!(error["hint"].as_str().unwrap().contains("/deployments/"));
    assert_eq!(error["service"], "edgecloud-controller");
}

#[tokio::test]
async fn other_failures_do_not_fall_back_and_reads_are_retried() {
    let server = fake().await;
    Mock::given(method("GET"))
        .and(path("/deployment/list"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let response = env(&server)
        .set("THETA_HTTP_MAX_RETRIES", "2")
        .run("theta.deployments.list", json!({}))
        .await;
    let error = err(&response, "HTTP_503");
    assert_eq!(error["retriable"], true);
    assert_eq!(
        received_at(&server, "GET", "/deployment/list").await.len(),
        3
    );
    assert!(
        received_at(&server, "GET", "/deployments/list")
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn missing_and_malformed_configuration_are_named_errors_before_any_request() {
    let server = fake().await;
    // No key.
    let response = Env::all_services(&server)
        .set("THETA_EC_PROJECT_ID", PROJECT)
        .run("theta.deployments.list", json!({}))
        .await;
    let error = err(&response, "MISSING_THETA_EC_API_KEY");
    assert!(error["hint"].as_str().unwrap().contains("Create API Key"));
    // No project.
    let response = Env::all_services(&server)
        .set("THETA_EC_API_KEY", KEY)
        .run("theta.deployments.list", json!({}))
        .await;
    let error = err(&response, "MISSING_THETA_EC_PROJECT_ID");
    assert!(error["hint"].as_str().unwrap().contains("prj_"));
    // A project id from the environment that is not prj_….
    let response = env(&server)
        .set("THETA_EC_PROJECT_ID", "project-1")
        .run("theta.deployments.list", json!({}))
        .await;
    err(&response, "INVALID_THETA_EC_PROJECT_ID");
    // …and from the arguments: a request error (exit status 2).
    let response = env(&server)
        .run("theta.deployments.list", json!({"projectId": "prj_../x"}))
        .await;
    let error = err(&response, "INVALID_THETA_EC_PROJECT_ID");
    assert_eq!(error["problems"][0]["path"], "/projectId");
    assert!(received(&server).await.is_empty());
}

#[tokio::test]
async fn a_rejected_key_says_which_credential_to_check() {
    let server = fake().await;
    Mock::given(method("GET"))
        .and(path("/deployment/list"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(json!({"message": "invalid api key ec-key-test-0123456789"})),
        )
        .mount(&server)
        .await;
    let response = env(&server).run("theta.deployments.list", json!({})).await;
    let error = err(&response, "HTTP_401");
    assert!(error["hint"].as_str().unwrap().contains("THETA_EC_API_KEY"));
    let text = response.to_string();
    assert!(!text.contains(KEY), "the key is redacted: {text}");
}

// ----- listVm, listStandard, listCustom -----

#[tokio::test]
async fn the_vm_list_is_public() {
    let server = fake().await;
    Mock::given(method("GET"))
        .and(path("/resource/vm/list"))
        .respond_with(json_answer(fixture("vm_list")))
        .expect(2)
        .mount(&server)
        .await;
    // Even with a key configured, none is sent; and none is needed.
    let response = env(&server)
        .run("theta.deployments.listVm", json!({}))
        .await;
    assert_eq!(ok(&response), &fixture("vm_list"));
    let request = &received(&server).await[0];
    assert!(header(request, "x-api-key").is_none());
    assert!(
        header(request, "user-agent")
            .unwrap()
            .starts_with("Mozilla/5.0")
    );
    let response = Env::all_services(&server)
        .run("theta.deployments.listVm", json!({}))
        .await;
    ok(&response);
}

#[tokio::test]
async fn standard_templates_take_category_and_paging() {
    let server = fake().await;
    let page = json!({"status": "success", "body": {"templates": [
        {"id": "tpl_1", "name": "vLLM Llama 3.1 8B", "category": "serving"}
    ]}});
    Mock::given(method("GET"))
        .and(path("/deployment_template/list_standard_templates"))
        .respond_with(json_answer(page.clone()))
        .mount(&server)
        .await;
    let env = env(&server);
    let response = env
        .run(
            "theta.deployments.listStandard",
            json!({"category": "serving"}),
        )
        .await;
    assert_eq!(ok(&response), &page);
    let response = env
        .run(
            "theta.deployments.listStandard",
            json!({"category": "prototyping", "page": 2, "number": 10}),
        )
        .await;
    ok(&response);
    let requests = received(&server).await;
    assert_controller_headers(&requests[0]);
    let pairs = |q: &[(&str, &str)]| -> Vec<(String, String)> {
        q.iter().map(|(k, v)| ((*k).into(), (*v).into())).collect()
    };
    assert_eq!(
        query(&requests[0]),
        pairs(&[("category", "serving"), ("page", "0"), ("number", "50")])
    );
    assert_eq!(
        query(&requests[1]),
        pairs(&[("category", "prototyping"), ("page", "2"), ("number", "10")])
    );
}

#[tokio::test]
async fn template_arguments_are_validated_with_their_codes() {
    let server = fake().await;
    let env = env(&server);
    for (args, code) in [
        (
            json!({"category": "../serving"}),
            "INVALID_TEMPLATE_CATEGORY",
        ),
        (
            json!({"category": "serving%2F"}),
            "INVALID_TEMPLATE_CATEGORY",
        ),
        (json!({"category": "serving", "page": -1}), "INVALID_PAGE"),
        (
            json!({"category": "serving", "number": 0}),
            "INVALID_PAGE_SIZE",
        ),
        (json!({}), "MISSING_REQUIRED_FIELD"),
    ] {
        let response = env
            .run("theta.deployments.listStandard", args.clone())
            .await;
        err(&response, code);
    }
    assert!(received(&server).await.is_empty());
}

#[tokio::test]
async fn custom_templates_are_listed_for_the_project() {
    let server = fake().await;
    Mock::given(method("GET"))
        .and(path("/deployment_template/list_custom_templates"))
        .and(query_param("project_id", PROJECT))
        .respond_with(json_answer(fixture("custom_templates")))
        .expect(1)
        .mount(&server)
        .await;
    let response = env(&server)
        .run("theta.deployments.listCustom", json!({}))
        .await;
    assert_eq!(ok(&response), &fixture("custom_templates"));
    assert_controller_headers(&received(&server).await[0]);
}

// ----- routeProbe -----

#[tokio::test]
async fn route_probe_reports_the_first_route_that_answers() {
    let server = fake().await;
    Mock::given(method("GET"))
        .and(path("/deployment/list"))
        .respond_with(json_answer(fixture("deployment_list")))
        .mount(&server)
        .await;
    let response = env(&server)
        .run("theta.deployments.routeProbe", json!({}))
        .await;
    let result = ok(&response);
    assert_eq!(result["ok"], true);
    assert_eq!(result["selectedRoute"], "/deployment/list");
    assert_eq!(
        result["attempts"],
        json!([{"route": "/deployment/list", "ok": true}])
    );
    assert_eq!(result["response"], fixture("deployment_list"));
}

#[tokio::test]
async fn route_probe_tries_the_plural_route_and_never_fails_on_http_errors() {
    let server = fake().await;
    Mock::given(method("GET"))
        .and(path("/deployment/list"))
        .respond_with(ResponseTemplate::new(405))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/deployments/list"))
        .respond_with(json_answer(json!({"status": "success", "body": []})))
        .mount(&server)
        .await;
    let response = env(&server)
        .run("theta.deployments.routeProbe", json!({}))
        .await;
    let result = ok(&response);
    assert_eq!(result["selectedRoute"], "/deployments/list");
    assert_eq!(result["attempts"][0]["status"], 405);
    assert_eq!(result["attempts"][0]["code"], "HTTP_405");
    assert_eq!(result["attempts"][1]["ok"], true);

    let server = server_with_failing_routes().await;
    let response = env(&server)
        .set("THETA_HTTP_MAX_RETRIES", "0")
        .run("theta.deployments.routeProbe", json!({}))
        .await;
    let result = ok(&response);
    assert_eq!(result["ok"], false);
    assert!(result.get("selectedRoute").is_none());
    let attempts = result["attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 2);
    assert_eq!(attempts[0]["status"], 404);
    assert_eq!(attempts[1]["status"], 500);
    assert_eq!(attempts[1]["code"], "HTTP_500");
}

async fn server_with_failing_routes() -> MockServer {
    let server = fake().await;
    Mock::given(method("GET"))
        .and(path("/deployment/list"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/deployments/list"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    server
}

// ----- create -----

fn create_payload() -> Value {
    json!({"deployment_template_id": "tpl_vllm_llama31_8b", "vm_id": "vm_gt1", "replicas": 1})
}

#[tokio::test]
async fn create_posts_the_payload_with_the_project() {
    let server = fake().await;
    let created = fixture("deployment_create");
    Mock::given(method("POST"))
        .and(path("/deployment"))
        .respond_with(json_answer(created.clone()))
        .expect(1)
        .mount(&server)
        .await;
    let response = env(&server)
        .run(
            "theta.deployments.create",
            json!({"payload": create_payload()}),
        )
        .await;
    assert_eq!(ok(&response), &created);
    let request = &received(&server).await[0];
    assert_controller_headers(request);
    assert_eq!(header(request, "content-type"), Some("application/json"));
    let body: Value = serde_json::from_slice(&request.body).unwrap();
    assert_eq!(
        body,
        json!({"deployment_template_id": "tpl_vllm_llama31_8b", "vm_id": "vm_gt1", "replicas": 1, "project_id": PROJECT})
    );
}

#[tokio::test]
async fn create_takes_the_project_from_the_payload_and_refuses_two_different_ones() {
    let server = fake().await;
    Mock::given(method("POST"))
        .and(path("/deployment"))
        .respond_with(json_answer(json!({"status": "success"})))
        .mount(&server)
        .await;
    let mut payload = create_payload();
    payload["project_id"] = json!("prj_payload");
    let response = Env::all_services(&server)
        .set("THETA_EC_API_KEY", KEY)
        .run("theta.deployments.create", json!({"payload": payload}))
        .await;
    ok(&response);
    let body: Value = serde_json::from_slice(&received(&server).await[0].body).unwrap();
    assert_eq!(body["project_id"], "prj_payload");

    let response = env(&server)
        .run(
            "theta.deployments.create",
            json!({"payload": payload, "projectId": "prj_other"}),
        )
        .await;
    let error = err(&response, "INVALID_DEPLOYMENT_PAYLOAD");
    assert_eq!(error["problems"][0]["path"], "/payload/project_id");
    let mut bad = create_payload();
    bad["project_id"] = json!("../prj");
    let response = env(&server)
        .run("theta.deployments.create", json!({"payload": bad}))
        .await;
    err(&response, "INVALID_THETA_EC_PROJECT_ID");
    let response = env(&server)
        .run(
            "theta.deployments.create",
            json!({"payload": "not an object"}),
        )
        .await;
    err(&response, "INVALID_DEPLOYMENT_PAYLOAD");
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn a_failed_create_is_sent_once_and_says_it_may_have_been_processed() {
    for (failure, code) in [
        (ResponseTemplate::new(502), "HTTP_502"),
        (
            ResponseTemplate::new(200).set_delay(std::time::Duration::from_millis(1_500)),
            "TIMEOUT",
        ),
    ] {
        let server = fake().await;
        Mock::given(method("POST"))
            .and(path("/deployment"))
            .respond_with(failure)
            .mount(&server)
            .await;
        let response = env(&server)
            .set("THETA_HTTP_MAX_RETRIES", "3")
            .set("THETA_HTTP_TIMEOUT_MS", "1000")
            .run(
                "theta.deployments.create",
                json!({"payload": create_payload()}),
            )
            .await;
        assert_eq!(response["ok"], false, "{response:#}");
        assert_eq!(response["error"]["code"], code, "{response:#}");
        assert_eq!(response["error"]["retriable"], false);
        assert!(
            response["error"]["hint"].as_str().unwrap().contains("may"),
            "{response:#}"
        );
        assert_eq!(
            received(&server).await.len(),
            1,
            "paid requests are sent once"
        );
    }
}

#[tokio::test]
async fn create_in_dry_run_previews_the_post_without_sending_or_needing_the_key() {
    let server = fake().await;
    let response = Env::all_services(&server)
        .dry_run(
            "theta.deployments.create",
            json!({"payload": create_payload(), "projectId": PROJECT}),
        )
        .await;
    let preview = ok(&response);
    assert_eq!(response["dryRun"], true);
    let request = &preview["requests"][0];
    assert_eq!(request["method"], "POST");
    assert_eq!(request["url"], format!("{}/deployment", server.uri()));
    assert_eq!(request["body"]["project_id"], PROJECT);
    assert_eq!(
        request["headers"]["user-agent"]
            .as_str()
            .map(|a| a.starts_with("Mozilla")),
        Some(true)
    );
    assert_eq!(
        preview["credentials"],
        json!([{"name": "THETA_EC_API_KEY", "present": false, "required": true}])
    );
    assert!(preview["costHint"]["billing"].is_string());
    assert!(received(&server).await.is_empty());
}

// ----- start / stop -----

#[tokio::test]
async fn start_and_stop_put_on_shard_and_suffix() {
    for action in ["start", "stop"] {
        let server = fake().await;
        Mock::given(method("PUT"))
            .and(path(format!("/deployment/2/cu5t0m/{action}")))
            .and(query_param("project_id", PROJECT))
            .respond_with(ResponseTemplate::new(200))
            .expect(1)
            .mount(&server)
            .await;
        let response = env(&server)
            .run(
                &format!("theta.deployments.{action}"),
                json!({"shard": 2, "suffix": "cu5t0m"}),
            )
            .await;
        // An empty answer reads as success.
        assert_eq!(ok(&response), &json!({"status": "success"}));
        let request = &received(&server).await[0];
        assert_controller_headers(request);
        assert!(request.body.is_empty());
    }
}

#[tokio::test]
async fn lifecycle_calls_fall_back_only_when_the_route_is_missing() {
    let server = fake().await;
    Mock::given(method("PUT"))
        .and(path("/deployment/0/x8k2p4/stop"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/deployments/0/x8k2p4/stop"))
        .and(query_param("project_id", PROJECT))
        .respond_with(json_answer(
            json!({"status": "success", "body": {"Status": "Stopping"}}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let response = env(&server)
        .run(
            "theta.deployments.stop",
            json!({"shard": 0, "suffix": "x8k2p4"}),
        )
        .await;
    assert_eq!(ok(&response)["body"]["Status"], "Stopping");
    assert!(
        response["warnings"][0]
            .as_str()
            .unwrap()
            .contains("/deployments/")
    );

    // A 500 may mean the stop was processed: no fallback, no retry, one request.
    let server = fake().await;
    Mock::given(method("PUT"))
        .and(path("/deployment/0/x8k2p4/start"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    let response = env(&server)
        .set("THETA_HTTP_MAX_RETRIES", "3")
        .run(
            "theta.deployments.start",
            json!({"shard": 0, "suffix": "x8k2p4"}),
        )
        .await;
    let error = err(&response, "HTTP_500");
    assert_eq!(error["retriable"], false);
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn lifecycle_arguments_are_validated() {
    let server = fake().await;
    let env = env(&server);
    for (args, code) in [
        (json!({"shard": -1, "suffix": "abc"}), "INVALID_SHARD"),
        (json!({"shard": "0", "suffix": "abc"}), "INVALID_SHARD"),
        (json!({"shard": 0, "suffix": "../admin"}), "INVALID_SUFFIX"),
        (json!({"shard": 0, "suffix": "a%2Fb"}), "INVALID_SUFFIX"),
        (json!({"shard": 0, "suffix": ".."}), "INVALID_SUFFIX"),
        (json!({"shard": 0}), "MISSING_REQUIRED_FIELD"),
    ] {
        for command in ["theta.deployments.start", "theta.deployments.stop"] {
            let response = env.run(command, args.clone()).await;
            let error = err(&response, code);
            assert_eq!(
                error["problems"].as_array().map(Vec::len),
                Some(1),
                "{args}"
            );
        }
    }
    assert!(received(&server).await.is_empty());
}

#[tokio::test]
async fn stop_in_dry_run_names_the_route_and_its_fallback() {
    let server = fake().await;
    let response = Env::all_services(&server)
        .dry_run(
            "theta.deployments.stop",
            json!({"shard": 1, "suffix": "n0t3b0", "projectId": PROJECT}),
        )
        .await;
    let preview = ok(&response);
    assert_eq!(preview["requests"][0]["method"], "PUT");
    assert_eq!(
        preview["requests"][0]["url"],
        format!(
            "{}/deployment/1/n0t3b0/stop?project_id={PROJECT}",
            server.uri()
        )
    );
    let note = preview["notes"][0].as_str().unwrap();
    assert!(note.contains("/deployments/1/n0t3b0/stop"), "{note}");
    assert!(received(&server).await.is_empty());
}

// ----- delete -----

#[tokio::test]
async fn delete_by_id_or_by_shard_and_suffix() {
    let server = fake().await;
    Mock::given(method("DELETE"))
        .and(path("/deployment/base/dpl_7f3k2m9q"))
        .and(query_param("project_id", PROJECT))
        .respond_with(json_answer(json!({"status": "success"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/deployment/0/x8k2p4"))
        .and(query_param("project_id", PROJECT))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let env = env(&server);
    let response = env
        .run(
            "theta.deployments.delete",
            json!({"deploymentId": "dpl_7f3k2m9q"}),
        )
        .await;
    assert_eq!(ok(&response), &json!({"status": "success"}));
    let response = env
        .run(
            "theta.deployments.delete",
            json!({"shard": 0, "suffix": "x8k2p4"}),
        )
        .await;
    assert_eq!(ok(&response), &json!({"status": "success"}));
    for request in received(&server).await {
        assert_controller_headers(&request);
    }
}

#[tokio::test]
async fn delete_falls_back_to_the_plural_route() {
    let server = fake().await;
    Mock::given(method("DELETE"))
        .and(path("/deployment/base/dpl_1"))
        .respond_with(ResponseTemplate::new(405))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/deployments/base/dpl_1"))
        .respond_with(ResponseTemplate::new(200).set_body_string("deleted"))
        .expect(1)
        .mount(&server)
        .await;
    let response = env(&server)
        .run("theta.deployments.delete", json!({"deploymentId": "dpl_1"}))
        .await;
    assert_eq!(
        ok(&response),
        &json!({"status": "success", "raw": "deleted"})
    );
}

#[tokio::test]
async fn delete_needs_exactly_one_target() {
    let server = fake().await;
    let env = env(&server);
    let response = env.run("theta.deployments.delete", json!({})).await;
    let error = err(&response, "MISSING_DEPLOYMENT_DELETE_TARGET");
    assert!(error["hint"].as_str().unwrap().contains("Shard"));
    let response = env
        .run("theta.deployments.delete", json!({"shard": 1}))
        .await;
    err(&response, "MISSING_DEPLOYMENT_DELETE_TARGET");
    let response = env
        .run(
            "theta.deployments.delete",
            json!({"deploymentId": "dpl_1", "shard": 1, "suffix": "x"}),
        )
        .await;
    err(&response, "INVALID_FIELD");
    let response = env
        .run(
            "theta.deployments.delete",
            json!({"deploymentId": "dpl/../../x"}),
        )
        .await;
    err(&response, "INVALID_DEPLOYMENT_ID");
    let response = env
        .run(
            "theta.deployments.delete",
            json!({"deploymentId": "%2E%2E"}),
        )
        .await;
    err(&response, "INVALID_DEPLOYMENT_ID");
    // Dry-run checks the same.
    let response = env.dry_run("theta.deployments.delete", json!({})).await;
    err(&response, "MISSING_DEPLOYMENT_DELETE_TARGET");
    assert!(received(&server).await.is_empty());
}

#[tokio::test]
async fn identifiers_with_dots_and_colons_stay_one_segment() {
    let server = fake().await;
    Mock::given(method("DELETE"))
        .and(path("/deployment/base/dpl.v2:a-b_c"))
        .respond_with(json_answer(json!({"status": "success"})))
        .expect(1)
        .mount(&server)
        .await;
    let response = env(&server)
        .run(
            "theta.deployments.delete",
            json!({"deploymentId": "dpl.v2:a-b_c"}),
        )
        .await;
    ok(&response);
}

#[tokio::test]
async fn delete_in_dry_run_sends_nothing() {
    let server = fake().await;
    let response = env(&server)
        .dry_run("theta.deployments.delete", json!({"deploymentId": "dpl_1"}))
        .await;
    let preview = ok(&response);
    assert_eq!(preview["requests"][0]["method"], "DELETE");
    assert_eq!(
        preview["requests"][0]["url"],
        format!(
            "{}/deployment/base/dpl_1?project_id={PROJECT}",
            server.uri()
        )
    );
    assert_eq!(preview["requests"][0]["headers"]["x-api-key"], "***");
    assert!(!response.to_string().contains(KEY));
    assert!(received(&server).await.is_empty());
}
