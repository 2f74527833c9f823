//! `serve`: JSON Lines over stdio, concurrent answers matched by id, malformed lines answered,
//! lazy secrets asked of the host. The contract every pack keeps loops over `skills::PACKS`;
//! the rest runs the Theta pack.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test"
)]

mod common;
mod local_files;
mod upstream_fault;

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use skill_runtime::runtime::serve::{ServeOptions, serve, serve_until};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, DuplexStream};

use common::Env;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

struct Session {
    to_server: Option<DuplexStream>,
    from_server: tokio::io::Lines<BufReader<DuplexStream>>,
    done: tokio::task::JoinHandle<std::io::Result<()>>,
}

fn start(env: &Env, secret_timeout: Duration) -> Session {
    start_with(
        env,
        ServeOptions {
            secret_timeout,
            max_line_bytes: 4096,
            ..ServeOptions::default()
        },
    )
}

fn start_with(env: &Env, options: ServeOptions) -> Session {
    start_runtime(env.runtime(), options)
}

fn start_runtime(runtime: skill_runtime::Runtime, options: ServeOptions) -> Session {
    let (to_server, server_in) = tokio::io::duplex(1 << 20);
    let (server_out, from_server) = tokio::io::duplex(1 << 20);
    let runtime = Arc::new(runtime);
    let done = tokio::spawn(serve(runtime, server_in, server_out, options));
    Session {
        to_server: Some(to_server),
        from_server: BufReader::new(from_server).lines(),
        done,
    }
}

impl Session {
    async fn send(&mut self, line: &str) {
        let input = self.to_server.as_mut().unwrap();
        input.write_all(line.as_bytes()).await.unwrap();
        input.write_all(b"\n").await.unwrap();
    }

    async fn next(&mut self) -> Value {
        let line = tokio::time::timeout(Duration::from_secs(10), self.from_server.next_line())
            .await
            .expect("an answer within 10 s")
            .unwrap()
            .expect("a line");
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"))
    }

    async fn close(mut self) -> Vec<Value> {
        drop(self.to_server.take());
        let mut rest = Vec::new();
        while let Ok(Some(line)) = self.from_server.next_line().await {
            rest.push(serde_json::from_str(&line).unwrap());
        }
        self.done.await.unwrap().unwrap();
        rest
    }
}

/// The `serve` contract for every pack (`skills::PACKS`): every gated command of the pack (and
/// every probe that stays offline in dry-run) sent as a line in dry-run, with every service at a
/// closed local port and no secret, and a line that is not JSON: each line is answered exactly
/// once, with its id, its command and a dry-run success; the one without an id is
/// `INVALID_COMMAND_ARGS`; the host is asked for no secret.
#[tokio::test]
async fn every_pack_answers_every_line_once() {
    for pack in upstream_fault::packs() {
        let mut vars = upstream_fault::services_at(pack, "http://127.0.0.1:9");
        vars.push((pack.var("HTTP_MAX_RETRIES"), "0".to_owned()));
        let lookup = vars.clone();
        let runtime = skill_runtime::Runtime::new(
            pack,
            skill_runtime::config::Config::from_lookup(*pack, move |k| {
                lookup.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
            }),
            skill_runtime::secrets::EnvSecrets::from_pairs(Vec::<(String, String)>::new()),
        );
        let mut session = start_runtime(
            runtime,
            ServeOptions {
                secret_timeout: Duration::from_millis(200),
                ..ServeOptions::default()
            },
        );
        // The commands that answer from the process in dry-run (the read-only ones run, and
        // meet every fault of the canaries' `serve` sessions).
        let commands: Vec<_> = pack
            .commands()
            .filter(|c| c.effect() != skill_runtime::Effect::ReadOnly || c.offline_in_dry_run())
            .collect();
        for (n, command) in commands.iter().enumerate() {
            let line = json!({"id": n, "command": command.id(),
                "args": local_files::runnable_example(*command), "dryRun": true});
            session.send(&line.to_string()).await;
        }
        session.send("this is not json").await;
        let mut answers = Vec::new();
        let mut asked = Vec::new();
        while answers.len() < commands.len() + 1 {
            let line = session.next().await;
            if line["type"] == json!("progress") {
                continue;
            }
            if line["type"] == json!("secret") {
                asked.push(line["requestId"].clone());
                session
                    .send(&json!({"type": "secret", "id": line["id"], "value": null}).to_string())
                    .await;
            } else {
                answers.push(line);
            }
        }
        assert!(
            session.close().await.is_empty(),
            "{}: no extra lines",
            pack.name
        );
        for (n, command) in commands.iter().enumerate() {
            let mine: Vec<&Value> = answers.iter().filter(|a| a["id"] == json!(n)).collect();
            assert_eq!(mine.len(), 1, "{}: {answers:#?}", command.id());
            assert_eq!(mine[0]["command"], json!(command.id()), "{:#}", mine[0]);
            assert_eq!(mine[0]["ok"], json!(true), "{:#}", mine[0]);
            assert_eq!(mine[0]["dryRun"], json!(true), "{:#}", mine[0]);
        }
        let anonymous: Vec<&Value> = answers.iter().filter(|a| a.get("id").is_none()).collect();
        assert_eq!(anonymous.len(), 1, "{}: {anonymous:#?}", pack.name);
        assert_eq!(anonymous[0]["error"]["code"], json!("INVALID_COMMAND_ARGS"));
        assert_eq!(
            asked,
            Vec::<Value>::new(),
            "{}: a dry-run asks for no secret",
            pack.name
        );
    }
}

#[tokio::test]
async fn every_request_gets_one_answer_with_its_id() {
    let mut session = start(&Env::new(), Duration::from_millis(200));
    session
        .send(r#"{"id": 1, "command": "theta.setup", "secrets": {}}"#)
        .await;
    session.send("this is not json").await;
    session.send(r#"[1, 2]"#).await;
    session
        .send(r#"{"id": "two", "command": "theta.nope"}"#)
        .await;
    session.send("").await;
    session
        .send(&format!(
            r#"{{"id": 3, "command": "theta.setup", "args": {{"pad": "{}"}}}}"#,
            "x".repeat(5000)
        ))
        .await;
    // Answer any secret requests with "no value" so nothing waits for the timeout.
    let mut answers = Vec::new();
    while answers.len() < 5 {
        let line = session.next().await;
        if line["type"] == json!("secret") {
            session
                .send(&json!({"type": "secret", "id": line["id"], "value": null}).to_string())
                .await;
        } else {
            answers.push(line);
        }
    }
    assert!(session.close().await.is_empty(), "no extra lines");
    let by_id = |id: Value| answers.iter().filter(|a| a.get("id") == Some(&id)).count();
    assert_eq!(by_id(json!(1)), 1);
    assert_eq!(by_id(json!("two")), 1);
    let anonymous: Vec<&Value> = answers.iter().filter(|a| a.get("id").is_none()).collect();
    assert_eq!(anonymous.len(), 3, "{answers:#?}");
    let mut codes: Vec<&str> = anonymous
        .iter()
        .map(|a| a["error"]["code"].as_str().unwrap())
        .collect();
    codes.sort_unstable();
    assert_eq!(
        codes,
        [
            "INVALID_COMMAND_ARGS",
            "INVALID_COMMAND_ARGS",
            "REQUEST_TOO_LARGE"
        ]
    );
    let one = answers.iter().find(|a| a["id"] == json!(1)).unwrap();
    assert_eq!(one["ok"], json!(true));
}

/// Issue 17, defect 11: a line carrying `"type":"secret"` that is not an answer to an
/// outstanding secret request is answered (without echoing its id, which names no request
/// of the host's), and the requests around it are answered too.
#[tokio::test]
async fn stray_secret_lines_are_answered() {
    let mut session = start(&Env::new(), Duration::from_millis(200));
    for stray in [
        r#"{"type":"secret","id":7,"command":"theta.setup"}"#,
        r#"{"type":"secret","command":"theta.setup"}"#,
        r#"{"type":"secret","id":99,"value":"late-answer"}"#,
        r#"{"type":"secret","id":"x","value":null}"#,
    ] {
        session.send(stray).await;
    }
    session
        .send(r#"{"id": 5, "command": "theta.setup", "secrets": {}}"#)
        .await;
    let mut answers = Vec::new();
    while answers.len() < 5 {
        let line = session.next().await;
        if line["type"] == json!("secret") {
            session
                .send(&json!({"type": "secret", "id": line["id"], "value": null}).to_string())
                .await;
        } else {
            answers.push(line);
        }
    }
    assert!(session.close().await.is_empty(), "no extra lines");
    let strays: Vec<&Value> = answers.iter().filter(|a| a.get("id").is_none()).collect();
    assert_eq!(strays.len(), 4, "{answers:#?}");
    for stray in strays {
        assert_eq!(stray["ok"], json!(false));
        assert_eq!(stray["error"]["code"], json!("INVALID_COMMAND_ARGS"));
        assert!(!stray.to_string().contains("late-answer"), "{stray}");
    }
    assert_eq!(answers.iter().filter(|a| a["id"] == json!(5)).count(), 1);
}

/// Reads lines, answering every secret request with `answer(name)`, until a response
/// arrives; returns it and the names asked.
async fn answer_secrets(
    session: &mut Session,
    answer: impl Fn(&str) -> Option<&'static str>,
) -> (Value, Vec<String>) {
    let mut asked = Vec::new();
    loop {
        let line = session.next().await;
        if line["type"] != json!("secret") {
            return (line, asked);
        }
        let name = line["name"].as_str().unwrap().to_owned();
        session
            .send(&json!({"type": "secret", "id": line["id"], "value": answer(&name)}).to_string())
            .await;
        asked.push(name);
    }
}

#[tokio::test]
async fn missing_secrets_are_asked_of_the_host_and_used() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/deployment/list"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"status": "success", "body": []})),
        )
        .mount(&server)
        .await;
    let env = Env::new()
        .set("THETA_EC_PROJECT_ID", "prj_x")
        .set("THETA_CONTROLLER_BASE_URL", &server.uri());
    let mut session = start(&env, Duration::from_secs(5));
    session
        .send(r#"{"id": "r1", "command": "theta.deployments.list"}"#)
        .await;
    let (answer, asked) = answer_secrets(&mut session, |name| {
        (name == "THETA_EC_API_KEY").then_some("host-ec-key-1")
    })
    .await;
    assert_eq!(
        asked,
        vec!["THETA_EC_API_KEY".to_owned()],
        "only what the command needs"
    );
    assert_eq!(answer["id"], json!("r1"));
    assert_eq!(answer["ok"], json!(true), "{answer:#}");
    assert!(!answer.to_string().contains("host-ec-key-1"));

    session
        .send(r#"{"id": "r2", "command": "theta.deployments.list", "secrets": {"THETA_EC_API_KEY": "env-key-22"}}"#)
        .await;
    let (answer, asked) = answer_secrets(&mut session, |_| None).await;
    assert!(
        asked.is_empty(),
        "the envelope already carried it: {asked:?}"
    );
    assert_eq!(answer["ok"], json!(true), "{answer:#}");
    session.close().await;

    let keys: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| {
            r.headers
                .get("x-api-key")
                .unwrap()
                .to_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(keys, vec!["host-ec-key-1", "env-key-22"]);
}

#[tokio::test]
async fn a_dry_run_or_a_checklist_asks_the_host_for_no_secret() {
    let server = MockServer::start().await;
    let mut session = start(&Env::all_services(&server), Duration::from_secs(5));
    let create = skill_runtime::runtime::registry::find(
        &skill_runtime::skills::theta::PACK,
        "theta.deployments.create",
    )
    .unwrap()
    .example();
    session.send(r#"{"id": 1, "command": "theta.setup"}"#).await;
    session
        .send(&json!({"id": 2, "command": "theta.deployments.create", "args": create, "dryRun": true}).to_string())
        .await;
    session
        .send(r#"{"id": 3, "command": "theta.auth.capabilities", "dryRun": true}"#)
        .await;
    let mut answers = Vec::new();
    for _ in 0..3 {
        let line = session.next().await;
        assert_ne!(
            line["type"],
            json!("secret"),
            "a secret was asked: {line:#}"
        );
        answers.push(line);
    }
    let by_id = |id: i64| answers.iter().find(|a| a["id"] == json!(id)).unwrap();
    let key_step = by_id(1)["result"]["checklist"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["env"] == json!(["THETA_EC_API_KEY"]))
        .unwrap()
        .clone();
    assert_eq!(key_step["status"], json!("host"), "{key_step:#}");
    let credentials = &by_id(2)["result"]["credentials"];
    assert_eq!(
        credentials,
        &json!([{"name": "THETA_EC_API_KEY", "present": false, "required": true, "askedAtRunTime": true}]),
        "{:#}",
        by_id(2)
    );
    assert_eq!(by_id(3)["ok"], json!(true));
    session.close().await;
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_silent_host_costs_one_timeout_not_one_per_secret() {
    // Every fake answers 404: the probes fail fast, so the time is the secret wait.
    let server = MockServer::start().await;
    let mut session = start(&Env::all_services(&server), Duration::from_millis(300));
    let started = std::time::Instant::now();
    session
        .send(r#"{"id": 9, "command": "theta.auth.capabilities"}"#)
        .await;
    let mut asked = 0;
    let answer = loop {
        let line = session.next().await;
        if line["type"] != json!("secret") {
            break line;
        }
        asked += 1;
    };
    assert_eq!(asked, 7, "every secret the report reads is asked");
    assert_eq!(answer["id"], json!(9));
    assert_eq!(answer["ok"], json!(true));
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    session.close().await;
}

#[tokio::test]
async fn end_of_input_finishes_the_requests_in_flight() {
    let mut session = start(&Env::new(), Duration::from_secs(30));
    for id in 0..5 {
        session
            .send(&format!(r#"{{"id": {id}, "command": "theta.setup"}}"#))
            .await;
    }
    // Close without answering any secret request: the host is gone, so nothing waits.
    let rest = session.close().await;
    let answers: Vec<&Value> = rest
        .iter()
        .filter(|l| l["type"] != json!("secret"))
        .collect();
    assert_eq!(answers.len(), 5, "{rest:#?}");
}

impl Session {
    async fn send_bytes(&mut self, bytes: &[u8]) {
        let input = self.to_server.as_mut().unwrap();
        input.write_all(bytes).await.unwrap();
    }
}

/// Issue 13, defect 1: a line that is not UTF-8 and a line over the limit are each answered,
/// and the requests after them still run.
#[tokio::test]
async fn bad_lines_are_answered_and_serving_goes_on() {
    let mut session = start(&Env::new(), Duration::from_millis(100));
    session.send(r#"{"id": 1, "command": "theta.setup"}"#).await;
    session.send_bytes(b"\xff\xfe{\"id\": 99}\n").await;
    session.send(&"x".repeat(10_000)).await;
    session.send_bytes(&[b'y'; 5000]).await;
    session.send_bytes(b"\n").await;
    session.send(r#"{"id": 2, "command": "theta.setup"}"#).await;
    let rest = session.close().await;
    let answers: Vec<&Value> = rest
        .iter()
        .filter(|l| l["type"] != json!("secret"))
        .collect();
    assert_eq!(answers.len(), 5, "{answers:#?}");
    for id in [1, 2] {
        assert_eq!(
            answers
                .iter()
                .filter(|a| a["id"] == json!(id) && a["ok"] == json!(true))
                .count(),
            1,
            "{answers:#?}"
        );
    }
    let messages: Vec<&str> = answers
        .iter()
        .filter(|a| a.get("id").is_none())
        .map(|a| {
            let code = &a["error"]["code"];
            assert!(
                code == "INVALID_COMMAND_ARGS" || code == "REQUEST_TOO_LARGE",
                "{a}"
            );
            a["error"]["message"].as_str().unwrap()
        })
        .collect();
    assert_eq!(messages.len(), 3);
    assert_eq!(
        messages.iter().filter(|m| m.contains("UTF-8")).count(),
        1,
        "{messages:?}"
    );
    assert_eq!(
        messages.iter().filter(|m| m.contains("4096 bytes")).count(),
        2,
        "{messages:?}"
    );
}

/// How long the slow fake upstream holds each request.
const UPSTREAM_DELAY: Duration = Duration::from_millis(1500);

/// The number of requests the slow upstream holds once `expected` have arrived (waiting up
/// to a second for them, then a little longer for any extra one that should not come).
async fn upstream_holds(server: &wiremock::MockServer, expected: usize) -> usize {
    let count = || async { server.received_requests().await.unwrap_or_default().len() };
    let started = std::time::Instant::now();
    while count().await < expected && started.elapsed() < Duration::from_secs(1) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(250)).await;
    count().await
}

/// Issue 13, defect 3: at most `max_in_flight` requests reach the upstream at once; the rest
/// wait and are all answered.
#[tokio::test]
async fn requests_in_flight_are_capped() {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/service/list"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"status": "success", "body": {"services": []}}))
                .set_delay(UPSTREAM_DELAY),
        )
        .mount(&server)
        .await;
    let mut session = start_with(
        &Env::all_services(&server),
        ServeOptions {
            max_in_flight: 3,
            ..ServeOptions::default()
        },
    );
    let started = std::time::Instant::now();
    for id in 0..9 {
        session
            .send(&format!(
                r#"{{"id": {id}, "command": "theta.ondemand.listServices", "secrets": {{"THETA_ONDEMAND_API_TOKEN": "tok-cap-test"}}}}"#
            ))
            .await;
    }
    // While the first three wait on the slow upstream, no fourth request may have been sent.
    assert_eq!(upstream_holds(&server, 3).await, 3);
    let mut answered = Vec::new();
    while answered.len() < 9 {
        let line = session.next().await;
        assert_ne!(line["type"], json!("secret"), "{line}");
        answered.push(line["id"].as_u64().unwrap());
    }
    // Three rounds of the upstream delay: never all nine at once (that would be one round).
    assert!(
        started.elapsed() >= UPSTREAM_DELAY * 3,
        "{:?}",
        started.elapsed()
    );
    answered.sort_unstable();
    assert_eq!(answered, (0..9).collect::<Vec<u64>>());
    assert_eq!(server.received_requests().await.unwrap().len(), 9);
    assert!(session.close().await.is_empty());
}

/// Issue 13, defect 3: the bytes of request lines held at once are bounded too, not only
/// their number: with a budget of about 2.5 lines, the third line read fills it and reading
/// pauses, whatever `max_in_flight` allows.
#[tokio::test]
async fn buffered_request_bytes_are_capped() {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/service/list"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"status": "success", "body": {"services": []}}))
                .set_delay(UPSTREAM_DELAY),
        )
        .mount(&server)
        .await;
    let mut session = start_with(
        &Env::all_services(&server),
        ServeOptions {
            max_in_flight: 64,
            max_buffered_bytes: 8_000,
            ..ServeOptions::default()
        },
    );
    for n in 0..6 {
        // The id pads each line to about 3 KB.
        let id = format!("{n}-{}", "p".repeat(3_000));
        session
            .send(
                &json!({"id": id, "command": "theta.ondemand.listServices",
                "secrets": {"THETA_ONDEMAND_API_TOKEN": "tok-budget-test"}})
                .to_string(),
            )
            .await;
    }
    assert_eq!(upstream_holds(&server, 3).await, 3);
    let mut answered = 0;
    while answered < 6 {
        let line = session.next().await;
        assert_eq!(line["ok"], json!(true), "{line}");
        answered += 1;
    }
    assert_eq!(server.received_requests().await.unwrap().len(), 6);
    assert!(session.close().await.is_empty());
}

/// A host that answers secret requests while every slot is taken is still read: requests
/// waiting for a slot do not block the answers behind them.
#[tokio::test]
async fn secret_answers_are_read_while_every_slot_is_taken() {
    let mut session = start_with(
        &Env::new(),
        ServeOptions {
            secret_timeout: Duration::from_secs(20),
            max_in_flight: 1,
            ..ServeOptions::default()
        },
    );
    let started = std::time::Instant::now();
    session.send(r#"{"id": 1, "command": "theta.setup"}"#).await;
    session.send(r#"{"id": 2, "command": "theta.setup"}"#).await;
    let mut answers = Vec::new();
    while answers.len() < 2 {
        let line = session.next().await;
        if line["type"] == json!("secret") {
            session
                .send(&json!({"type": "secret", "id": line["id"], "value": null}).to_string())
                .await;
        } else {
            answers.push(line["id"].clone());
        }
    }
    assert_eq!(answers, vec![json!(1), json!(2)], "one at a time, in order");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    session.close().await;
}

/// Issue 17, defect 17: a shutdown signal while a request waits for the host's answer to a
/// secret request lets that request finish with the host's answer (it is in flight like any
/// other), instead of failing it as missing.
#[tokio::test]
async fn a_shutdown_lets_a_request_waiting_for_a_secret_finish() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/deployment/list"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"status": "success", "body": []})),
        )
        .mount(&server)
        .await;
    let env = Env::new()
        .set("THETA_EC_PROJECT_ID", "prj_x")
        .set("THETA_CONTROLLER_BASE_URL", &server.uri());
    let (to_server, server_in) = tokio::io::duplex(1 << 16);
    let (server_out, from_server) = tokio::io::duplex(1 << 16);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let done = tokio::spawn(serve_until(
        Arc::new(env.runtime()),
        server_in,
        server_out,
        ServeOptions {
            secret_timeout: Duration::from_secs(5),
            ..ServeOptions::default()
        },
        async move {
            let _ = stopped.await;
        },
    ));
    let mut session = Session {
        to_server: Some(to_server),
        from_server: BufReader::new(from_server).lines(),
        done,
    };
    session
        .send(r#"{"id": "r1", "command": "theta.deployments.list"}"#)
        .await;
    let ask = session.next().await;
    assert_eq!(ask["type"], json!("secret"), "{ask}");
    stop.send(()).unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    session
        .send(&json!({"type": "secret", "id": ask["id"], "value": "late-host-key-7"}).to_string())
        .await;
    let answer = session.next().await;
    assert_eq!(answer["id"], json!("r1"));
    assert_eq!(answer["ok"], json!(true), "{answer:#}");
    let rest = session.close().await;
    assert!(rest.is_empty(), "{rest:?}");
    let sent = server.received_requests().await.unwrap();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].headers.get("x-api-key").unwrap(), "late-host-key-7");
}
