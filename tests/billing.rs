//! `theta.billing.*` against a local fake platform API (`spec/theta-api.md` §2.6, §5.2), and
//! the `controller.project` / `billing.balance` records of `theta.auth.capabilities`.

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

use common::{Env, err, family_ids, ok};
use controller_common::{
    KEY, ORG, PROJECT, assert_controller_headers, catch_all, env, fixture, json_answer, query,
    received,
};

async fn balance_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/balance"))
        .respond_with(json_answer(fixture("balance")))
        .mount(&server)
        .await;
    catch_all(&server).await;
    server
}

#[tokio::test]
async fn the_balance_is_read_for_the_organization() {
    let server = balance_server().await;
    let env = env(&server).set("THETA_ORG_ID", ORG);
    let response = env.run("theta.billing.balance", json!({})).await;
    assert_eq!(ok(&response), &fixture("balance"));
    let response = env
        .run("theta.billing.balance", json!({"orgId": "org_other"}))
        .await;
    ok(&response);
    let requests = received(&server).await;
    assert_controller_headers(&requests[0]);
    assert_eq!(query(&requests[0]), [("orgID".to_owned(), ORG.to_owned())]);
    assert_eq!(
        query(&requests[1]),
        [("orgID".to_owned(), "org_other".to_owned())]
    );
}

#[tokio::test]
async fn the_balance_needs_a_key_and_a_valid_organization() {
    let server = balance_server().await;
    let response = env(&server).run("theta.billing.balance", json!({})).await;
    let error = err(&response, "MISSING_THETA_ORG_ID");
    assert!(error["hint"].as_str().unwrap().contains("Organization"));
    let response = Env::all_services(&server)
        .set("THETA_ORG_ID", ORG)
        .run("theta.billing.balance", json!({}))
        .await;
    err(&response, "MISSING_THETA_EC_API_KEY");
    let response = env(&server)
        .run("theta.billing.balance", json!({"orgId": "org/../x"}))
        .await;
    let error = err(&response, "INVALID_THETA_ORG_ID");
    assert_eq!(error["problems"][0]["path"], "/orgId");
    let response = env(&server)
        .set("THETA_ORG_ID", "org id")
        .run("theta.billing.balance", json!({}))
        .await;
    err(&response, "INVALID_THETA_ORG_ID");
    assert!(received(&server).await.is_empty());
}

#[tokio::test]
async fn a_snapshot_extracts_the_value() {
    let server = balance_server().await;
    let response = env(&server)
        .run("theta.billing.balanceSnapshot", json!({"orgId": ORG}))
        .await;
    assert_eq!(
        ok(&response),
        &json!({"skipped": false, "orgId": ORG, "value": 42.5, "response": fixture("balance")})
    );
}

#[tokio::test]
async fn a_snapshot_never_fails() {
    let server = balance_server().await;
    // No organization, no key: skipped without a request.
    let response = env(&server)
        .run("theta.billing.balanceSnapshot", json!({}))
        .await;
    assert_eq!(
        ok(&response),
        &json!({"skipped": true, "reason": "missing_org_id", "value": null})
    );
    let response = Env::all_services(&server)
        .run("theta.billing.balanceSnapshot", json!({"orgId": ORG}))
        .await;
    assert_eq!(ok(&response)["reason"], "missing_THETA_EC_API_KEY");
    let response = env(&server)
        .set("THETA_ORG_ID", "bad org")
        .run("theta.billing.balanceSnapshot", json!({}))
        .await;
    assert_eq!(ok(&response)["reason"], "invalid_org_id");
    assert!(received(&server).await.is_empty());

    // A failing lookup is reported, not raised.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/balance"))
        .respond_with(ResponseTemplate::new(503).set_body_string("maintenance"))
        .mount(&server)
        .await;
    let response = env(&server)
        .set("THETA_HTTP_MAX_RETRIES", "0")
        .run("theta.billing.balanceSnapshot", json!({"orgId": ORG}))
        .await;
    let result = ok(&response);
    assert_eq!(result["skipped"], true);
    assert_eq!(result["reason"], "balance_lookup_failed");
    assert_eq!(result["orgId"], ORG);
    assert!(result["error"].as_str().unwrap().starts_with("HTTP_503"));

    // An answer without a figure is a reading without a value.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/balance"))
        .respond_with(json_answer(
            json!({"status": "success", "body": {"balances": []}}),
        ))
        .mount(&server)
        .await;
    let response = env(&server)
        .run("theta.billing.balanceSnapshot", json!({"orgId": ORG}))
        .await;
    let result = ok(&response);
    assert_eq!(result["skipped"], false);
    assert_eq!(result["value"], Value::Null);
}

// ----- theta.auth.capabilities -----

fn record<'a>(result: &'a Value, name: &str) -> &'a Value {
    result["capabilities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .unwrap()
}

#[tokio::test]
async fn capabilities_probe_the_project_and_the_balance() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/deployment/list"))
        .and(query_param("project_id", PROJECT))
        .respond_with(json_answer(fixture("deployment_list")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/balance"))
        .and(query_param("orgID", "org_arg"))
        .respond_with(json_answer(fixture("balance")))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let response = env(&server)
        .set("THETA_ORG_ID", ORG)
        .run("theta.auth.capabilities", json!({"orgId": "org_arg"}))
        .await;
    let result = ok(&response);
    let controller = record(result, "controller.project");
    assert_eq!(controller["available"], true);
    assert_eq!(controller["verified"], true);
    assert_eq!(controller["probe"], "GET /deployment/list");
    assert_eq!(controller["sample"], json!({"keys": ["status", "body"]}));
    let commands = controller["commands"].as_array().unwrap();
    assert!(commands.contains(&json!("theta.deployments.validateDisposable")));
    assert!(commands.contains(&json!("theta.ai.agent.document.create")));
    assert!(commands.contains(&json!("theta.deployments.listVm")));
    assert_eq!(
        controller["commands"],
        family_ids("controller.project"),
        "the family's commands"
    );
    let billing = record(result, "billing.balance");
    assert_eq!(billing["verified"], true);
    assert_eq!(billing["probe"], "GET /balance");
    assert_eq!(
        billing["commands"],
        json!(["theta.billing.balance", "theta.billing.balanceSnapshot"])
    );
    assert!(!response.to_string().contains(KEY));
}

#[tokio::test]
async fn capabilities_report_failed_and_unconfigured_probes() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/deployment/list"))
        .respond_with(
            ResponseTemplate::new(403)
                .set_body_json(json!({"message": "key does not belong to project"})),
        )
        .mount(&server)
        .await;
    catch_all(&server).await;
    let response = env(&server).run("theta.auth.capabilities", json!({})).await;
    let result = ok(&response);
    let controller = record(result, "controller.project");
    assert_eq!(controller["configured"], true);
    assert_eq!(controller["verified"], false);
    assert!(
        controller["error"]
            .as_str()
            .unwrap()
            .starts_with("HTTP_403")
    );
    let billing = record(result, "billing.balance");
    assert_eq!(billing["configured"], false);
    assert_eq!(billing["missing"], json!(["THETA_ORG_ID"]));
    assert!(billing.get("probe").is_none());
    assert!(
        received(&server)
            .await
            .iter()
            .all(|r| r.url.path() != "/balance")
    );
}
