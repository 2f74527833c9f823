//! The core is pack-agnostic: the example pack `tiny` (`src/skills/tiny`, built for tests only:
//! one service on a wiremock fake, one secret, its checklist and capabilities report, one
//! read-only and one paid command) runs through
//! the same dispatcher, dry-run gate, secret chain, redaction, schema checks, CLI and artifact
//! generators as the real skills, and nothing of another pack leaks into it. Being in
//! `skills::PACKS`, it is also covered by every suite that loops over the packs.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test"
)]

use std::ffi::OsString;

use serde_json::{Value, json};
use skill_runtime::Runtime;
use skill_runtime::cli::{Input, execute};
use skill_runtime::config::Config;
use skill_runtime::secrets::{EnvSecrets, known};
use skill_runtime::skills::tiny::{API, PACK as TINY};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const CANARY: &str = "tiny-canary-token-9f8e7d";

fn runtime(server: &MockServer, extra: &[(&str, &str)]) -> Runtime {
    let mut vars: Vec<(String, String)> = vec![
        ("TINY_BASE_URL".into(), server.uri()),
        ("TINY_HTTP_RETRY_BACKOFF_MS".into(), "25".into()),
    ];
    vars.extend(extra.iter().map(|(k, v)| ((*k).into(), (*v).into())));
    let lookup = vars.clone();
    Runtime::new(
        &TINY,
        Config::from_lookup(&TINY, move |k| {
            lookup.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
        }),
        EnvSecrets::from_pairs(vars),
    )
}

async fn requests(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

#[tokio::test]
async fn a_read_runs_with_the_environment_secret_as_the_pack_declares_it() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/things/t%2F1"))
        .and(header("authorization", format!("Bearer {CANARY}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "t/1"})))
        .expect(1)
        .mount(&server)
        .await;
    let response = runtime(&server, &[("TINY_TOKEN", CANARY)])
        .run("tiny_things_get", json!({"id": "t/1"}), false)
        .await
        .to_json();
    assert_eq!(response["ok"], json!(true), "{response:#}");
    assert_eq!(response["command"], json!("tiny.things.get"));
    assert_eq!(response["result"], json!({"id": "t/1"}));
}

#[tokio::test]
async fn the_envelope_secret_beats_the_environment() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(header("authorization", "Bearer from-the-host-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    let response = runtime(&server, &[("TINY_TOKEN", "from-the-env-2")])
        .handle(json!({
            "command": "tiny.things.get",
            "args": {"id": "x"},
            "secrets": {"TINY_TOKEN": "from-the-host-1"}
        }))
        .await
        .to_json();
    assert_eq!(response["ok"], json!(true), "{response:#}");
}

#[tokio::test]
async fn a_paid_command_is_gated_by_the_pack_prefix_and_by_the_request() {
    let server = MockServer::start().await;
    for (extra, dry) in [(vec![("TINY_DRY_RUN", "yes")], false), (vec![], true)] {
        let response = runtime(&server, &extra)
            .run("buy_things", json!({"count": 2}), dry)
            .await
            .to_json();
        assert_eq!(response["ok"], json!(true), "{response:#}");
        assert_eq!(response["dryRun"], json!(true));
        let preview = &response["result"];
        assert_eq!(preview["requests"][0]["method"], json!("POST"));
        assert_eq!(
            preview["requests"][0]["url"],
            json!(format!("{}/orders", server.uri()))
        );
        assert_eq!(preview["requests"][0]["body"], json!({"count": 2}));
        assert_eq!(
            preview["requests"][0]["headers"]["authorization"],
            json!("<missing TINY_TOKEN>")
        );
        assert_eq!(
            preview["credentials"],
            json!([{"name": "TINY_TOKEN", "present": false, "required": true}])
        );
    }
    assert_eq!(requests(&server).await, 0, "a dry-run sends nothing");
}

#[tokio::test]
async fn a_paid_command_runs_once_and_a_missing_secret_is_the_packs_named_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/orders"))
        .and(body_json(json!({"count": 3})))
        .respond_with(ResponseTemplate::new(502))
        .expect(1)
        .mount(&server)
        .await;
    let response = runtime(&server, &[("TINY_TOKEN", CANARY)])
        .run("tiny.things.buy", json!({"count": 3}), false)
        .await
        .to_json();
    assert_eq!(response["error"]["code"], json!("HTTP_502"), "{response:#}");
    assert_eq!(response["error"]["retriable"], json!(false));
    assert_eq!(response["error"]["service"], json!("tiny-api"));

    let missing = runtime(&server, &[])
        .run("tiny.things.buy", json!({"count": 3}), false)
        .await;
    assert_eq!(missing.exit_status(), 1);
    let missing = missing.to_json();
    assert_eq!(missing["error"]["code"], json!("MISSING_TINY_TOKEN"));
    assert_eq!(
        missing["error"]["hint"],
        json!("Create a token in the Tiny console and set TINY_TOKEN.")
    );
}

/// A request's secrets stay masked until its answer is printed, however many other secrets
/// arrive meanwhile (a host rotating its token on every line); once printed, the answer lets
/// go of them and they can be forgotten like any other.
#[tokio::test]
async fn an_answer_is_redacted_with_its_secrets_whatever_arrives_before_it_is_printed() {
    use secrecy::SecretString;
    use skill_runtime::secrets::redact;
    let token = "tiny-pinned-token-5c4b3a";
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"echo": format!("seen {token}")})),
        )
        .mount(&server)
        .await;
    let response = runtime(&server, &[("TINY_TOKEN", token)])
        .run("tiny.things.get", json!({"id": "x"}), false)
        .await;
    let flood = |tag: &str| {
        for i in 0..known::MAX_REMEMBERED * 2 {
            known::remember(&SecretString::from(format!("{tag}-rotating-token-{i:06}")));
        }
    };
    flood("before");
    let printed = response.into_json().to_string();
    assert!(printed.contains("seen ***"), "{printed}");
    assert!(!printed.contains(token), "{printed}");
    flood("after");
    assert_eq!(redact::redact_text(token), token);
}

#[tokio::test]
async fn an_echoed_secret_is_redacted() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(json!({"message": format!("token {CANARY} is not valid")})),
        )
        .mount(&server)
        .await;
    let response = runtime(&server, &[("TINY_TOKEN", CANARY)])
        .run("tiny.things.get", json!({"id": "x"}), false)
        .await
        .to_json();
    assert_eq!(response["error"]["code"], json!("HTTP_401"));
    let text = response.to_string();
    assert!(!text.contains(CANARY), "{text}");
    assert!(
        response["error"]["hint"]
            .as_str()
            .unwrap()
            .contains("check TINY_TOKEN"),
        "{response:#}"
    );
}

#[tokio::test]
async fn schema_problems_and_unknown_names_speak_of_this_pack() {
    let server = MockServer::start().await;
    let runtime = runtime(&server, &[("TINY_TOKEN", CANARY)]);
    let bad = runtime
        .run("tiny.things.get", json!({"id": "", "extra": 1}), false)
        .await;
    assert_eq!(bad.exit_status(), 2);
    let bad = bad.to_json();
    assert_eq!(bad["error"]["code"], json!("INVALID_ARGS"));
    let problems = bad["error"]["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 2, "every problem is reported: {bad:#}");
    assert!(
        problems
            .iter()
            .any(|p| p["path"] == json!("/id") && p["code"] == json!("INVALID_TINY_ID"))
    );
    assert!(
        bad["error"]["hint"]
            .as_str()
            .unwrap()
            .contains("tiny-skill schema tiny.things.get")
    );

    let unknown = runtime
        .run("tiny.things.gte", json!({}), false)
        .await
        .to_json();
    assert_eq!(unknown["error"]["code"], json!("UNKNOWN_COMMAND"));
    assert_eq!(
        unknown["error"]["details"]["suggestions"][0],
        json!("tiny.things.get")
    );
    assert!(
        unknown["error"]["hint"]
            .as_str()
            .unwrap()
            .contains("tiny-skill list")
    );
    let other = runtime.run("theta.setup", json!({}), false).await.to_json();
    assert_eq!(
        other["error"]["code"],
        json!("UNKNOWN_COMMAND"),
        "another pack's command is not in this one"
    );
    assert_eq!(requests(&server).await, 0);
}

#[test]
fn an_override_outside_the_packs_hosts_is_refused_with_its_code() {
    let config = Config::from_lookup(&TINY, |k| {
        (k == "TINY_BASE_URL").then(|| "https://api.other.example".to_owned())
    });
    let error = config.base_url(API).unwrap_err();
    assert_eq!(error.code().as_str(), "INVALID_TINY_BASE_URL");
    let fine = Config::from_lookup(&TINY, |k| {
        (k == "TINY_BASE_URL").then(|| "https://eu.tiny.example".to_owned())
    });
    assert!(fine.base_url(API).is_ok());
}

fn cli(args: &[&str]) -> (u8, String) {
    let args: Vec<OsString> = std::iter::once("tiny-skill")
        .chain(args.iter().copied())
        .map(OsString::from)
        .collect();
    let mut stdin = std::io::empty();
    let outcome = execute(
        &TINY,
        &args,
        Input {
            stdin: &mut stdin,
            stdin_is_terminal: false,
            stdout_is_terminal: false,
        },
    );
    (outcome.status, outcome.stdout)
}

#[test]
fn the_cli_lists_describes_and_bundles_only_this_pack() {
    let (status, out) = cli(&["list", "--json"]);
    assert_eq!(status, 0);
    let list: Value = serde_json::from_str(&out).unwrap();
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "tiny.setup",
            "tiny.auth.capabilities",
            "tiny.things.get",
            "tiny.things.buy"
        ]
    );
    assert_eq!(list[3]["credentials"][0]["name"], json!("TINY_TOKEN"));

    let (status, out) = cli(&["schema", "buy_things"]);
    assert_eq!(status, 0);
    let schema: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(schema["required"], json!(["count"]));

    let (status, help) = cli(&["--help"]);
    assert_eq!(status, 0);
    assert!(
        help.contains("tiny-skill") && help.contains("TINY_DRY_RUN"),
        "{help}"
    );

    let files = skill_runtime::artifacts::bundle_files(&TINY);
    let roots: std::collections::BTreeSet<String> = files
        .keys()
        .map(|p| p.iter().next().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        roots.into_iter().collect::<Vec<_>>(),
        ["tiny", "tiny-plugin"]
    );
    let skill = &files[std::path::Path::new("tiny/SKILL.md")];
    assert!(skill.contains(r#""requires":{"bins":["tiny-skill"],"env":["TINY_TOKEN"]}"#));
    // Where releases are published (the npm scope, the repository) is the project's, not a
    // pack's: it may name the project; nothing else may name another pack.
    let unreleased = |text: &str| {
        text.replace(skill_runtime::artifacts::release::NPM_SCOPE, "@SCOPE")
            .replace(skill_runtime::artifacts::release::REPOSITORY, "REPOSITORY")
            .to_lowercase()
    };
    assert!(skill.contains("TINY_REGION") && !unreleased(skill).contains("theta"));
    assert!(skill.contains(&format!(
        "{}/tiny-skill@",
        skill_runtime::artifacts::release::NPM_SCOPE
    )));
    let plugin = &files[std::path::Path::new("tiny-plugin/index.js")];
    assert!(plugin.contains("\"tiny_things_buy\"") && !unreleased(plugin).contains("theta"));
}

#[tokio::test]
async fn the_checklist_and_the_capabilities_come_from_the_declarations() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/me"))
        .and(header("authorization", format!("Bearer {CANARY}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"user": "u1"})))
        .expect(1)
        .mount(&server)
        .await;

    let setup = runtime(&server, &[])
        .run("tiny.setup", json!({}), false)
        .await
        .to_json();
    assert_eq!(setup["result"]["ready"], json!(false), "{setup:#}");
    assert_eq!(setup["result"]["checklist"][0]["status"], json!("todo"));
    assert_eq!(
        setup["result"]["checklist"][0]["env"],
        json!(["TINY_TOKEN"])
    );
    assert_eq!(setup["result"]["checklist"][1]["status"], json!("manual"));
    assert_eq!(
        setup["result"]["env"]["baselineRequired"],
        json!(["TINY_TOKEN"])
    );
    assert_eq!(setup["result"]["next"], json!("tiny.auth.capabilities"));
    let with_token = runtime(&server, &[("TINY_TOKEN", CANARY)]);
    let setup = with_token
        .run("tiny.setup", json!({}), false)
        .await
        .to_json();
    assert_eq!(setup["result"]["ready"], json!(true), "{setup:#}");
    assert_eq!(setup["result"]["families"][0]["configured"], json!(true));

    let unset = runtime(&server, &[])
        .run("tiny.auth.capabilities", json!({}), false)
        .await
        .to_json();
    let things = &unset["result"]["capabilities"][0];
    assert_eq!(things["name"], json!("things"), "{unset:#}");
    assert_eq!(things["required"], json!(["TINY_TOKEN"]));
    assert_eq!(things["missing"], json!(["TINY_TOKEN"]));
    assert_eq!(requests(&server).await, 0, "no probe without the token");

    let dry = with_token
        .run("tiny.auth.capabilities", json!({}), true)
        .await
        .to_json();
    assert_eq!(dry["result"]["capabilities"][0]["verified"], json!(false));
    assert_eq!(requests(&server).await, 0, "no probe in dry-run");

    let live = with_token
        .run("tiny.auth.capabilities", json!({}), false)
        .await
        .to_json();
    let things = &live["result"]["capabilities"][0];
    assert_eq!(things["verified"], json!(true), "{live:#}");
    assert_eq!(things["probe"], json!("GET /me"));
    assert_eq!(things["sample"], json!({"keys": ["user"]}));
    assert_eq!(requests(&server).await, 1);
}
