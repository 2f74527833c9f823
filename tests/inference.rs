//! `theta.inference.models`, `.chat` and `.ready` against a local fake of a dedicated
//! endpoint (`spec/theta-api.md` §2.4): every request and result, the warm-up statuses, auth
//! precedence, hostile endpoints, paid single attempts and dry-run.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test"
)]

mod common;

use serde_json::{Value, json};
use skill_runtime::http::endpoint::hostile_urls;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use common::{Env, err, ok};

const TOKEN: &str = "inf-token-5a7c9e1f3b";
const USER: &str = "infer-user";
const PASS: &str = "infer-pass-123";
/// base64("infer-user:infer-pass-123")
const BASIC: &str = "Basic aW5mZXItdXNlcjppbmZlci1wYXNzLTEyMw==";

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/inference/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn fixture_json(name: &str) -> Value {
    serde_json::from_str(&fixture(name)).unwrap()
}

fn chat_body() -> Value {
    json!({
        "model": "deepseek-ai/DeepSeek-R1-Distill-Qwen-7B",
        "messages": [{"role": "user", "content": "Say hello in five words."}],
        "max_tokens": 64,
        "temperature": 0.2
    })
}

async fn received(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap()
}

fn authorization(request: &Request) -> Option<String> {
    request
        .headers
        .get("authorization")
        .map(|v| v.to_str().unwrap().to_owned())
}

/// A fake endpoint that answers `/v1/models` from the fixture.
async fn serving_models() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture_json("models.json")))
        .mount(&server)
        .await;
    server
}

// ----- models -----

#[tokio::test]
async fn models_returns_the_upstream_list_with_the_bearer_token() {
    let server = serving_models().await;
    let env = Env::all_services(&server).set("THETA_INFERENCE_AUTH_TOKEN", TOKEN);
    let response = env.run("theta.inference.models", json!({})).await;
    assert_eq!(ok(&response), &fixture_json("models.json"));
    assert!(response.get("warnings").is_none(), "{response}");
    let requests = received(&server).await;
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].method.as_str(), "GET");
    assert_eq!(authorization(&requests[0]), Some(format!("Bearer {TOKEN}")));
}

#[tokio::test]
async fn bearer_token_beats_basic_credentials() {
    let server = serving_models().await;
    let env = Env::all_services(&server)
        .set("THETA_INFERENCE_AUTH_TOKEN", TOKEN)
        .set("THETA_INFERENCE_AUTH_USER", USER)
        .set("THETA_INFERENCE_AUTH_PASS", PASS);
    ok(&env.run("theta.inference.models", json!({})).await);
    assert_eq!(
        authorization(&received(&server).await[0]),
        Some(format!("Bearer {TOKEN}"))
    );
}

#[tokio::test]
async fn basic_credentials_are_used_without_a_token() {
    let server = serving_models().await;
    let env = Env::all_services(&server)
        .set("THETA_INFERENCE_AUTH_USER", USER)
        .set("THETA_INFERENCE_AUTH_PASS", PASS);
    ok(&env.run("theta.inference.models", json!({})).await);
    assert_eq!(
        authorization(&received(&server).await[0]),
        Some(BASIC.to_owned())
    );
}

#[tokio::test]
async fn no_credentials_means_no_header_and_half_a_pair_is_warned_about() {
    let server = serving_models().await;
    ok(&Env::all_services(&server)
        .run("theta.inference.models", json!({}))
        .await);
    let response = Env::all_services(&server)
        .set("THETA_INFERENCE_AUTH_USER", USER)
        .run("theta.inference.models", json!({}))
        .await;
    ok(&response);
    let warning = response["warnings"][0].as_str().unwrap();
    assert!(warning.contains("THETA_INFERENCE_AUTH_PASS"), "{warning}");
    for request in received(&server).await {
        assert_eq!(authorization(&request), None);
    }
}

/// Credentials from the OpenClaw host (the envelope's `secrets`) come before the environment.
#[tokio::test]
async fn host_secrets_come_before_the_environment() {
    let server = serving_models().await;
    // The environment has a token of its own (and Basic credentials): only the order of the
    // providers decides which token is sent.
    let env = Env::all_services(&server)
        .set("THETA_INFERENCE_AUTH_TOKEN", "env-token-77c1b0")
        .set("THETA_INFERENCE_AUTH_USER", USER)
        .set("THETA_INFERENCE_AUTH_PASS", PASS);
    let response = env
        .handle(json!({
            "command": "theta.inference.models",
            "secrets": {"THETA_INFERENCE_AUTH_TOKEN": "host-token-3e8d2a"}
        }))
        .await;
    ok(&response);
    assert_eq!(
        authorization(&received(&server).await[0]),
        Some("Bearer host-token-3e8d2a".to_owned())
    );
    // Without the host's value, the environment's token is the one sent.
    let response = env.run("theta.inference.models", json!({})).await;
    ok(&response);
    assert_eq!(
        authorization(&received(&server).await[1]),
        Some("Bearer env-token-77c1b0".to_owned())
    );
}

#[tokio::test]
async fn an_endpoint_given_as_its_openai_base_url_is_not_doubled() {
    let server = serving_models().await;
    let env = Env::all_services(&server)
        .set("THETA_INFERENCE_ENDPOINT", &format!("{}/v1/", server.uri()));
    ok(&env.run("theta.inference.models", json!({})).await);
    assert_eq!(received(&server).await[0].url.path(), "/v1/models");
}

#[tokio::test]
async fn models_annotates_a_warming_endpoint_and_does_not_retry_404() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .respond_with(ResponseTemplate::new(404).set_body_string("404 page not found"))
        .mount(&server)
        .await;
    let env = Env::all_services(&server).set("THETA_INFERENCE_AUTH_TOKEN", TOKEN);
    let response = env.run("theta.inference.models", json!({})).await;
    let error = err(&response, "THETA_DEDICATED_ENDPOINT_UPSTREAM_UNREADY");
    assert_eq!(error["retriable"], json!(true));
    assert_eq!(error["status"], json!(404));
    assert_eq!(error["service"], json!("edgecloud-inference"));
    assert_eq!(
        error["endpoint"],
        json!(format!("{}/v1/models", server.uri()))
    );
    assert!(
        error["hint"]
            .as_str()
            .unwrap()
            .contains("theta.inference.ready")
    );
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("404 page not found")
    );
    assert_eq!(received(&server).await.len(), 1, "404 is not retried");
}

#[tokio::test]
async fn models_retries_502_then_annotates_it() {
    for status in [502, 503] {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/v1/models"))
            .respond_with(ResponseTemplate::new(status))
            .mount(&server)
            .await;
        let env = Env::all_services(&server).set("THETA_HTTP_MAX_RETRIES", "1");
        let response = env.run("theta.inference.models", json!({})).await;
        let error = err(&response, "THETA_DEDICATED_ENDPOINT_UPSTREAM_UNREADY");
        assert_eq!(error["status"], json!(status));
        assert_eq!(received(&server).await.len(), 2, "read-only: 1 + 1 retry");
    }
}

#[tokio::test]
async fn models_rides_out_a_short_warm_up_through_http_retries() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .respond_with(ResponseTemplate::new(502))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture_json("models.json")))
        .mount(&server)
        .await;
    let response = Env::all_services(&server)
        .run("theta.inference.models", json!({}))
        .await;
    assert_eq!(ok(&response), &fixture_json("models.json"));
    assert_eq!(received(&server).await.len(), 3);
}

#[tokio::test]
async fn rejected_credentials_keep_their_status_code_and_never_show_the_token() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(json!({"message": format!("invalid bearer {TOKEN}")})),
        )
        .mount(&server)
        .await;
    let env = Env::all_services(&server).set("THETA_INFERENCE_AUTH_TOKEN", TOKEN);
    let response = env.run("theta.inference.models", json!({})).await;
    let error = err(&response, "HTTP_401");
    assert!(
        error["hint"]
            .as_str()
            .unwrap()
            .contains("THETA_INFERENCE_AUTH_TOKEN")
    );
    assert!(!response.to_string().contains(TOKEN), "{response}");
}

// ----- endpoint rules -----

#[tokio::test]
async fn hostile_endpoints_are_refused_before_any_request() {
    let server = serving_models().await;
    let port = server.address().port();
    // Forms that name the live fake server (so a request that slipped through would be seen
    // there), then the shared corpus.
    let live = [
        format!("http://localhost:{port}"),
        format!("http://LOCALHOST.:{port}"),
        format!("http://user:pw@127.0.0.1:{port}"),
        format!("http://127.0.0.1:{port}\t@evil.invalid"),
        format!("https://127.0.0.1:{port}"),
    ];
    let corpus = hostile_urls()
        .iter()
        .map(|(url, why)| ((*url).to_owned(), *why));
    let urls: Vec<(String, &str)> = live
        .into_iter()
        .map(|url| (url, "names the live fake"))
        .chain(corpus)
        .collect();
    for (url, why) in &urls {
        let env = Env::all_services(&server)
            .set("THETA_INFERENCE_ENDPOINT", url)
            .set("THETA_INFERENCE_AUTH_TOKEN", TOKEN);
        for (command, args, dry_run) in [
            ("theta.inference.models", json!({}), false),
            ("theta.inference.ready", json!({"timeoutMs": 1000}), false),
            ("theta.inference.chat", json!({"body": chat_body()}), false),
            ("theta.inference.chat", json!({"body": chat_body()}), true),
        ] {
            let response = if dry_run {
                env.dry_run(command, args).await
            } else {
                env.run(command, args).await
            };
            let error = err(&response, "INVALID_THETA_INFERENCE_ENDPOINT");
            assert!(error["hint"].is_string(), "{url} ({why}): {response}");
        }
    }
    assert!(received(&server).await.is_empty());
    // Control: the same server, named the one way test builds accept, does get the request,
    // so the empty log above is a real observation.
    let env = Env::all_services(&server).set("THETA_INFERENCE_AUTH_TOKEN", TOKEN);
    ok(&env.run("theta.inference.models", json!({})).await);
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn a_missing_endpoint_is_named_with_a_hint() {
    let env = Env::new().set("THETA_INFERENCE_AUTH_TOKEN", TOKEN);
    for command in ["theta.inference.models", "theta.inference.ready"] {
        let response = env.run(command, json!({})).await;
        let error = err(&response, "MISSING_THETA_INFERENCE_ENDPOINT");
        assert!(
            error["hint"]
                .as_str()
                .unwrap()
                .contains("THETA_INFERENCE_ENDPOINT")
        );
    }
}

#[tokio::test]
async fn an_endpoint_argument_is_refused_for_every_command() {
    let server = MockServer::start().await;
    let env = Env::all_services(&server).set("THETA_INFERENCE_AUTH_TOKEN", TOKEN);
    for (command, mut args) in [
        ("theta.inference.models", json!({})),
        ("theta.inference.ready", json!({})),
        ("theta.inference.chat", json!({"body": chat_body()})),
    ] {
        args["endpoint"] = json!("https://other.thetaedgecloud.com");
        let response = env.run(command, args).await;
        err(&response, "INFERENCE_ENDPOINT_OVERRIDE_DISABLED");
    }
    assert!(received(&server).await.is_empty());
}

// ----- chat -----

#[tokio::test]
async fn chat_sends_the_body_verbatim_and_returns_the_completion() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(header("content-type", "application/json"))
        .and(header("authorization", &*format!("Bearer {TOKEN}")))
        .and(body_json(chat_body()))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(fixture_json("chat_completion.json")),
        )
        .expect(1)
        .mount(&server)
        .await;
    let env = Env::all_services(&server).set("THETA_INFERENCE_AUTH_TOKEN", TOKEN);
    let response = env
        .run("theta.inference.chat", json!({"body": chat_body()}))
        .await;
    let result = ok(&response);
    assert_eq!(result, &fixture_json("chat_completion.json"));
    assert_eq!(
        result["usage"]["total_tokens"],
        json!(30),
        "token counts are not redacted"
    );
}

#[tokio::test]
async fn chat_aggregates_a_stream_into_one_completion() {
    let server = MockServer::start().await;
    let mut body = chat_body();
    body["stream"] = json!(true);
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(body_json(body.clone()))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(fixture("chat_stream.sse"), "text/event-stream"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let response = Env::all_services(&server)
        .run("theta.inference.chat", json!({"body": body}))
        .await;
    let result = ok(&response);
    assert_eq!(result["id"], json!("chatcmpl-77aa"));
    assert_eq!(result["object"], json!("chat.completion"));
    assert_eq!(
        result["model"],
        json!("deepseek-ai/DeepSeek-R1-Distill-Qwen-7B")
    );
    let choice = &result["choices"][0];
    assert_eq!(
        choice["message"],
        json!({"role": "assistant", "content": "Hello there, friend, welcome!", "reasoning_content": "Greet briefly."})
    );
    assert_eq!(choice["finish_reason"], json!("stop"));
    assert_eq!(
        result["usage"],
        json!({"prompt_tokens": 12, "total_tokens": 22, "completion_tokens": 10})
    );
    assert_eq!(result["streamed"], json!({"chunks": 5, "doneMarker": true}));
}

#[tokio::test]
async fn a_stream_cut_short_is_an_error_and_is_not_resent() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(fixture("chat_stream_cut.sse"), "text/event-stream"),
        )
        .mount(&server)
        .await;
    let mut body = chat_body();
    body["stream"] = json!(true);
    let response = Env::all_services(&server)
        .set("THETA_HTTP_MAX_RETRIES", "3")
        .run("theta.inference.chat", json!({"body": body}))
        .await;
    let error = err(&response, "INCOMPLETE_STREAM");
    assert_eq!(error["retriable"], json!(false));
    assert_eq!(
        error["endpoint"],
        json!(format!("{}/v1/chat/completions", server.uri()))
    );
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn a_stream_answered_to_a_plain_request_is_aggregated_too() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(fixture("chat_stream.sse"), "text/event-stream"),
        )
        .mount(&server)
        .await;
    let response = Env::all_services(&server)
        .run("theta.inference.chat", json!({"body": chat_body()}))
        .await;
    assert_eq!(
        ok(&response)["choices"][0]["message"]["content"],
        json!("Hello there, friend, welcome!")
    );
}

#[tokio::test]
async fn a_paid_chat_is_sent_once_and_a_warming_endpoint_is_annotated() {
    for status in [404, 502, 503] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/v1/chat/completions"))
            .respond_with(ResponseTemplate::new(status).set_body_string("upstream not ready"))
            .mount(&server)
            .await;
        let env = Env::all_services(&server)
            .set("THETA_HTTP_MAX_RETRIES", "3")
            .set("THETA_INFERENCE_AUTH_TOKEN", TOKEN);
        let response = env
            .run("theta.inference.chat", json!({"body": chat_body()}))
            .await;
        let error = err(&response, "THETA_DEDICATED_ENDPOINT_UPSTREAM_UNREADY");
        assert_eq!(error["status"], json!(status));
        // 404 means no route (nothing processed); a 502/503 may have reached the model.
        assert_eq!(error["retriable"], json!(status == 404), "HTTP {status}");
        let hint = error["hint"].as_str().unwrap();
        assert!(hint.contains("theta.inference.ready"), "{hint}");
        assert!(hint.contains("not resent"), "{hint}");
        assert_eq!(received(&server).await.len(), 1, "HTTP {status}: sent once");
    }
}

#[tokio::test]
async fn a_paid_chat_that_may_have_been_processed_is_not_retriable() {
    for status in [500, 504] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/v1/chat/completions"))
            .respond_with(ResponseTemplate::new(status))
            .mount(&server)
            .await;
        let response = Env::all_services(&server)
            .set("THETA_HTTP_MAX_RETRIES", "3")
            .run("theta.inference.chat", json!({"body": chat_body()}))
            .await;
        let error = err(&response, &format!("HTTP_{status}"));
        assert_eq!(error["retriable"], json!(false));
        assert!(
            error["hint"]
                .as_str()
                .unwrap()
                .contains("may have been processed")
        );
        assert_eq!(received(&server).await.len(), 1);
    }
}

#[tokio::test]
async fn a_chat_refused_before_processing_is_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(ResponseTemplate::new(429))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(fixture_json("chat_completion.json")),
        )
        .mount(&server)
        .await;
    let response = Env::all_services(&server)
        .run("theta.inference.chat", json!({"body": chat_body()}))
        .await;
    ok(&response);
    assert_eq!(received(&server).await.len(), 2, "a 429 was not processed");
}

#[tokio::test]
async fn chat_refuses_a_body_it_cannot_send_without_a_request() {
    let server = MockServer::start().await;
    let env = Env::all_services(&server);
    for args in [
        json!({}),
        json!({"body": "hello"}),
        json!({"body": {"model": "m"}}),
        json!({"body": {"messages": []}}),
        json!({"body": {"messages": [{"role": "user", "content": "hi"}], "stream": "yes"}}),
    ] {
        let response = env.run("theta.inference.chat", args.clone()).await;
        assert_eq!(response["ok"], json!(false), "{args}");
        let code = response["error"]["code"].as_str().unwrap();
        assert!(
            code == "INVALID_CHAT_BODY" || code == "MISSING_REQUIRED_FIELD",
            "{args}: {response}"
        );
    }
    let response = env
        .run("theta.inference.chat", json!({"body": {"model": "m"}}))
        .await;
    let error = err(&response, "INVALID_CHAT_BODY");
    assert_eq!(error["problems"][0]["path"], json!("/body/messages"));
    assert!(received(&server).await.is_empty());
}

#[tokio::test]
async fn chat_dry_run_previews_the_request_without_sending_or_showing_secrets() {
    let server = MockServer::start().await;
    let env = Env::all_services(&server).set("THETA_INFERENCE_AUTH_TOKEN", TOKEN);
    let mut body = chat_body();
    body["stream"] = json!(true);
    let response = env
        .dry_run("theta.inference.chat", json!({"body": body.clone()}))
        .await;
    let result = ok(&response);
    assert_eq!(response["dryRun"], json!(true));
    let request = &result["requests"][0];
    assert_eq!(request["method"], json!("POST"));
    assert_eq!(
        request["url"],
        json!(format!("{}/v1/chat/completions", server.uri()))
    );
    assert_eq!(request["body"], body);
    assert_eq!(request["headers"]["authorization"], json!("Bearer ***"));
    assert_eq!(
        request["headers"]["content-type"],
        json!("application/json")
    );
    assert_eq!(
        request["timeoutMs"],
        json!(300_000),
        "a stream must arrive whole"
    );
    assert!(result["notes"][0].as_str().unwrap().contains("stream"));
    let token = result["credentials"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == json!("THETA_INFERENCE_AUTH_TOKEN"))
        .unwrap();
    assert_eq!(token["present"], json!(true));
    assert!(!response.to_string().contains(TOKEN));

    // Through THETA_DRY_RUN as well, and with no credentials at all.
    let response = Env::all_services(&server)
        .set("THETA_DRY_RUN", "yes")
        .run("theta.inference.chat", json!({"body": chat_body()}))
        .await;
    let request = &ok(&response)["requests"][0];
    assert_eq!(request["method"], json!("POST"));
    assert_eq!(request["timeoutMs"], json!(120_000));
    assert!(request["headers"].get("authorization").is_none());
    assert!(received(&server).await.is_empty());
}

// ----- ready -----

/// The warm-up of a fresh deployment with the clock running: 404, 502, then 200. Each
/// attempt is one request (the HTTP layer's own retries are off), and each is reported.
#[tokio::test]
async fn ready_waits_out_the_warm_up_against_a_real_server() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .respond_with(ResponseTemplate::new(404))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .respond_with(ResponseTemplate::new(502).set_body_string("bad gateway"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture_json("models.json")))
        .mount(&server)
        .await;
    let env = Env::all_services(&server)
        .set("THETA_INFERENCE_AUTH_TOKEN", TOKEN)
        .set("THETA_HTTP_MAX_RETRIES", "3");
    let started = std::time::Instant::now();
    let response = env
        .run(
            "theta.inference.ready",
            json!({"timeoutMs": 20_000, "intervalMs": 500}),
        )
        .await;
    let result = ok(&response);
    assert_eq!(result["ready"], json!(true));
    assert_eq!(result["probe"], json!("openai"));
    assert_eq!(result["url"], json!(format!("{}/v1/models", server.uri())));
    assert_eq!(
        result["models"],
        json!(["deepseek-ai/DeepSeek-R1-Distill-Qwen-7B"])
    );
    assert_eq!(result["response"], fixture_json("models.json"));
    let attempts = result["attempts"].as_array().unwrap();
    let statuses: Vec<&Value> = attempts.iter().map(|a| &a["status"]).collect();
    assert_eq!(statuses, [&json!(404), &json!(502), &Value::Null]);
    assert_eq!(attempts[1]["code"], json!("HTTP_502"));
    assert_eq!(attempts[2]["ok"], json!(true));
    // Waits of 0.5 s and 0.75 s.
    let second = attempts[1]["startedMs"].as_u64().unwrap();
    let third = attempts[2]["startedMs"].as_u64().unwrap();
    assert!(second >= 500, "{attempts:?}");
    assert!(third - second >= 750, "{attempts:?}");
    assert!(started.elapsed() >= std::time::Duration::from_millis(1_250));
    let requests = received(&server).await;
    assert_eq!(requests.len(), 3, "one request per attempt");
    for request in &requests {
        assert_eq!(authorization(request), Some(format!("Bearer {TOKEN}")));
    }
}

#[tokio::test]
async fn ready_reports_every_attempt_when_the_deadline_passes() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let response = Env::all_services(&server)
        .run(
            "theta.inference.ready",
            json!({"timeoutMs": 1_000, "intervalMs": 500}),
        )
        .await;
    let result = ok(&response);
    assert_eq!(result["ready"], json!(false));
    assert_eq!(result["stopped"], json!("deadline"));
    assert_eq!(result["timeoutMs"], json!(1_000));
    let attempts = result["attempts"].as_array().unwrap();
    // At 0, 0.5 s and at the deadline (1 s).
    assert_eq!(attempts.len(), 3, "{attempts:?}");
    assert_eq!(received(&server).await.len(), 3);
    assert!(attempts.iter().all(|a| a["status"] == json!(503)));
    assert!(result["hint"].as_str().unwrap().contains("timeoutMs"));
}

#[tokio::test]
async fn ready_probes_a_gradio_app_and_keeps_its_answer_small() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/config"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture_json("gradio_config.json")))
        .expect(1)
        .mount(&server)
        .await;
    let env = Env::all_services(&server)
        .set("THETA_INFERENCE_AUTH_USER", USER)
        .set("THETA_INFERENCE_AUTH_PASS", PASS);
    let response = env
        .run("theta.inference.ready", json!({"probe": "gradio"}))
        .await;
    let result = ok(&response);
    assert_eq!(result["ready"], json!(true));
    assert_eq!(result["probe"], json!("gradio"));
    assert_eq!(result["response"]["version"], json!("4.44.1"));
    assert_eq!(result["response"]["title"], json!("Stable Diffusion"));
    assert!(result["response"].get("components").is_none());
    assert!(result.get("models").is_none());
    assert_eq!(
        authorization(&received(&server).await[0]),
        Some(BASIC.to_owned())
    );
}

#[tokio::test]
async fn ready_stops_at_once_when_the_credentials_are_rejected() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    let response = Env::all_services(&server)
        .set("THETA_INFERENCE_AUTH_TOKEN", TOKEN)
        .run("theta.inference.ready", json!({"timeoutMs": 60_000}))
        .await;
    let result = ok(&response);
    assert_eq!(result["ready"], json!(false));
    assert_eq!(result["stopped"], json!("credentials-rejected"));
    assert_eq!(result["attempts"].as_array().unwrap().len(), 1);
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn ready_is_read_only_and_runs_in_dry_run() {
    let server = serving_models().await;
    let response = Env::all_services(&server)
        .dry_run("theta.inference.ready", json!({}))
        .await;
    assert_eq!(ok(&response)["ready"], json!(true));
    assert_eq!(received(&server).await.len(), 1);
}

// ----- capabilities -----

#[tokio::test]
async fn capabilities_verifies_the_endpoint_with_the_models_probe() {
    let server = serving_models().await;
    let env = Env::all_services(&server).set("THETA_INFERENCE_AUTH_TOKEN", TOKEN);
    let response = env.run("theta.auth.capabilities", json!({})).await;
    let record = ok(&response)["capabilities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == json!("inference.endpoint"))
        .unwrap()
        .clone();
    assert_eq!(record["available"], json!(true));
    assert_eq!(record["configured"], json!(true));
    assert_eq!(record["verified"], json!(true), "{record}");
    assert_eq!(record["probe"], json!("GET /v1/models"));
    assert_eq!(record["sample"], json!({"keys": ["object", "data"]}));
    assert_eq!(
        record["commands"],
        json!([
            "theta.inference.models",
            "theta.inference.chat",
            "theta.inference.ready"
        ])
    );
    // Other families probe the same fake server; count only the endpoint's requests.
    let endpoint_requests = received(&server)
        .await
        .into_iter()
        .filter(|r| r.url.path() == "/v1/models")
        .count();
    assert_eq!(endpoint_requests, 1);
}

#[tokio::test]
async fn capabilities_reports_a_warming_endpoint_as_not_verified() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    let env = Env::all_services(&server).set("THETA_INFERENCE_AUTH_TOKEN", TOKEN);
    let response = env.run("theta.auth.capabilities", json!({})).await;
    let record = ok(&response)["capabilities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == json!("inference.endpoint"))
        .unwrap()
        .clone();
    assert_eq!(record["verified"], json!(false));
    assert!(
        record["error"]
            .as_str()
            .unwrap()
            .starts_with("THETA_DEDICATED_ENDPOINT_UPSTREAM_UNREADY"),
        "{record}"
    );
}
