//! `theta.setup`, `theta.health` and `theta.auth.capabilities` against local fakes.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test"
)]

mod common;

use serde_json::json;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use common::{Env, err, ok};

fn vm_list() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "status": "success",
        "body": {"vms": [{"id": "vm_gt1", "name": "GT1"}, {"id": "vm_gt2", "name": "GT2"}]}
    }))
}

#[tokio::test]
async fn setup_reports_what_is_left_to_do() {
    let result = Env::new().run("theta.setup", json!({})).await;
    let result = ok(&result);
    assert_eq!(result["ready"], json!(false));
    assert_eq!(result["next"], json!("theta.auth.capabilities"));
    assert_eq!(
        result["links"]["apiKeyDoc"],
        json!("https://docs.thetatoken.org/docs/edgecloud-api-keys"),
        "links stay intact"
    );
    let status_of = |var: &str| {
        result["checklist"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["env"].as_array().is_some_and(|e| e.contains(&json!(var))))
            .map(|s| s["status"].clone())
            .unwrap()
    };
    assert_eq!(status_of("THETA_EC_API_KEY"), json!("todo"));

    let env = Env::new()
        .set("THETA_EC_API_KEY", "k-123456")
        .set("THETA_EC_PROJECT_ID", "not-a-project");
    let response = env.run("theta.setup", json!({})).await;
    let result = ok(&response);
    let step = |n: usize| result["checklist"][n - 1]["status"].clone();
    assert_eq!(step(2), json!("invalid"));
    assert_eq!(step(3), json!("done"));

    // Host secrets count as set, like the environment.
    let response = Env::new()
        .set("THETA_EC_PROJECT_ID", "prj_abc")
        .handle(json!({"command": "theta.setup", "secrets": {"THETA_EC_API_KEY": "host-key-1"}}))
        .await;
    assert_eq!(ok(&response)["ready"], json!(true));
}

#[tokio::test]
async fn health_without_credentials_only_checks_the_public_api() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/resource/vm/list"))
        .respond_with(vm_list())
        .expect(1)
        .mount(&server)
        .await;
    let response = Env::all_services(&server)
        .run("theta.health", json!({}))
        .await;
    let result = ok(&response);
    assert_eq!(result["ok"], json!(true));
    assert_eq!(result["vmCount"], json!(2));
    assert_eq!(result["authConfigured"], json!(false));
    let received = server.received_requests().await.unwrap();
    assert!(
        received[0].headers.get("x-api-key").is_none(),
        "the VM list is public"
    );
}

#[tokio::test]
async fn health_verifies_the_project_key_on_the_controller() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/resource/vm/list"))
        .respond_with(vm_list())
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/deployment/list"))
        .and(query_param("project_id", "prj_test"))
        .and(header("x-api-key", "ec-key-123"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"status": "success", "body": []})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let env = Env::all_services(&server)
        .set("THETA_EC_API_KEY", "ec-key-123")
        .set("THETA_EC_PROJECT_ID", "prj_test");
    let response = env.run("theta.health", json!({})).await;
    let result = ok(&response);
    assert_eq!(result["authVerified"], json!(true));
    assert_eq!(result["ok"], json!(true));
    let received = server.received_requests().await.unwrap();
    let controller = received
        .iter()
        .find(|r| r.url.path() == "/deployment/list")
        .unwrap();
    let agent = controller
        .headers
        .get("user-agent")
        .unwrap()
        .to_str()
        .unwrap();
    assert!(
        agent.starts_with("Mozilla/5.0"),
        "Cloudflare wants a browser UA: {agent}"
    );
    let accept = controller.headers.get("accept").unwrap().to_str().unwrap();
    assert_eq!(accept, "application/json, text/plain, */*");
}

#[tokio::test]
async fn health_reports_a_rejected_key_without_failing() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/resource/vm/list"))
        .respond_with(vm_list())
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/deployment/list"))
        .respond_with(
            ResponseTemplate::new(403).set_body_json(json!({"message": "project mismatch"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let env = Env::all_services(&server)
        .set("THETA_EC_API_KEY", "ec-key-123")
        .set("THETA_EC_PROJECT_ID", "prj_test");
    let response = env.run("theta.health", json!({})).await;
    let result = ok(&response);
    assert_eq!(result["ok"], json!(false));
    assert_eq!(result["authVerified"], json!(false));
    let auth_error = result["authError"].as_str().unwrap();
    assert!(auth_error.starts_with("HTTP_403"), "{auth_error}");
    assert!(auth_error.contains("project mismatch"), "{auth_error}");
}

#[tokio::test]
async fn read_only_requests_are_retried_on_5xx() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/resource/vm/list"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/resource/vm/list"))
        .respond_with(vm_list())
        .mount(&server)
        .await;
    let response = Env::all_services(&server)
        .run("theta.health", json!({}))
        .await;
    assert_eq!(ok(&response)["vmCount"], json!(2));
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn exhausted_retries_report_the_status_and_that_a_retry_may_help() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/resource/vm/list"))
        .respond_with(ResponseTemplate::new(502).set_body_string("bad gateway"))
        .mount(&server)
        .await;
    let env = Env::all_services(&server).set("THETA_HTTP_MAX_RETRIES", "1");
    let response = env.run("theta.health", json!({})).await;
    let error = err(&response, "HTTP_502");
    assert_eq!(error["retriable"], json!(true));
    assert_eq!(error["status"], json!(502));
    assert_eq!(error["service"], json!("edgecloud-platform"));
    assert_eq!(
        error["endpoint"],
        json!(format!("{}/resource/vm/list", server.uri()))
    );
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        2,
        "1 + THETA_HTTP_MAX_RETRIES"
    );
}

#[tokio::test]
async fn timeouts_are_reported_as_timeouts() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/resource/vm/list"))
        .respond_with(vm_list().set_delay(std::time::Duration::from_millis(3_000)))
        .mount(&server)
        .await;
    let env = Env::all_services(&server)
        .set("THETA_HTTP_TIMEOUT_MS", "1000")
        .set("THETA_HTTP_MAX_RETRIES", "0");
    let response = env.run("theta.health", json!({})).await;
    let error = err(&response, "TIMEOUT");
    assert_eq!(
        error["retriable"],
        json!(true),
        "a read-only request may be retried"
    );
    assert!(
        error["message"].as_str().unwrap().contains("1000 ms"),
        "{error}"
    );
}

#[tokio::test]
async fn redirects_are_refused() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/resource/vm/list"))
        .respond_with(
            ResponseTemplate::new(302).insert_header("location", "https://elsewhere.example/"),
        )
        .mount(&server)
        .await;
    let response = Env::all_services(&server)
        .run("theta.health", json!({}))
        .await;
    let error = err(&response, "REDIRECT_REFUSED");
    assert_eq!(error["retriable"], json!(false));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn refused_connections_are_network_errors() {
    // A port nothing listens on.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let env = Env::new()
        .set(
            "THETA_PLATFORM_BASE_URL",
            &format!("http://127.0.0.1:{port}"),
        )
        .set("THETA_HTTP_MAX_RETRIES", "1");
    let response = env.run("theta.health", json!({})).await;
    let error = err(&response, "NETWORK_ERROR");
    assert_eq!(error["retriable"], json!(true), "nothing was sent");
}

#[tokio::test]
async fn capabilities_reports_every_family() {
    // Probes go to a local fake (which answers 404), never to the real services.
    let server = MockServer::start().await;
    let response = Env::all_services(&server)
        .set("THETA_EC_API_KEY", "k-123456")
        .set("THETA_EC_PROJECT_ID", "prj_x")
        .run("theta.auth.capabilities", json!({}))
        .await;
    let result = ok(&response);
    let names: Vec<&str> = result["capabilities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "ondemand.catalog",
            "ondemand.inference",
            "controller.project",
            "controller.v1",
            "billing.balance",
            "inference.endpoint",
            "video.api"
        ]
    );
    let billing = &result["capabilities"][4];
    assert_eq!(billing["configured"], json!(false));
    assert_eq!(billing["missing"], json!(["THETA_ORG_ID"]));
    for record in result["capabilities"].as_array().unwrap() {
        if record["available"] == json!(false) {
            assert_eq!(record["verified"], json!(false), "{record}");
            assert_eq!(record["commands"], json!([]), "{record}");
        }
    }
    assert_eq!(result["summary"]["total"], json!(7));
}

#[tokio::test]
async fn capabilities_refuses_an_endpoint_override() {
    let response = Env::new()
        .run(
            "theta.auth.capabilities",
            json!({"endpoint": "https://x.thetaedgecloud.com"}),
        )
        .await;
    err(&response, "INFERENCE_ENDPOINT_OVERRIDE_DISABLED");
}

/// With every family configured, a dry-run capabilities report sends no probe and claims no
/// verification.
#[tokio::test]
async fn capabilities_in_dry_run_sends_no_probe_and_verifies_nothing() {
    let server = MockServer::start().await;
    let env = Env::all_services(&server)
        .set("THETA_EC_API_KEY", "k-123456")
        .set("THETA_EC_PROJECT_ID", "prj_x")
        .set("THETA_ORG_ID", "org_x")
        .set("THETA_ONDEMAND_API_TOKEN", "t-123456")
        .set("THETA_INFERENCE_AUTH_TOKEN", "i-123456")
        .set("THETA_VIDEO_SA_ID", "srvacc_123456")
        .set("THETA_VIDEO_SA_SECRET", "s-123456");
    let response = env.dry_run("theta.auth.capabilities", json!({})).await;
    let result = ok(&response);
    for record in result["capabilities"].as_array().unwrap() {
        assert_eq!(record["verified"], json!(false), "{record}");
        if record["available"] == json!(true) && record["configured"] == json!(true) {
            assert!(
                record["notes"].as_str().unwrap().contains("dry-run"),
                "{record}"
            );
        }
    }
    assert_eq!(result["summary"]["verified"], json!(0));
    assert!(server.received_requests().await.unwrap().is_empty());
}
