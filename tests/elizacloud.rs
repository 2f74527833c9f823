//! `elizacloud.*` against the fake elizaOS Cloud (`tests/elizacloud_fake`): for each command
//! the arguments accepted and rejected, the exact request on the wire, the result and its
//! failure modes; the error mapping (401, 402, 403, 428, 429, 503 warming); the retry rules
//! for paid requests; and that the key never shows.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test"
)]

mod elizacloud_fake;
mod upstream_fault;

use base64::Engine as _;
use serde_json::{Value, json};
use tokio::io::AsyncReadExt as _;
use tokio::net::TcpListener;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

use elizacloud_fake::{ChatMode, Env, Fake, KEY, ODD_KEY, VideoMode, body, err, header, ok};

fn chat_args() -> Value {
    json!({"model": "openai/gpt-4o-mini", "messages": [{"role": "user", "content": "Hi"}]})
}

// ----- First run -----

#[tokio::test]
async fn setup_is_offline_and_needs_no_key() {
    let response = Env::new().run("elizacloud.setup", json!({})).await;
    let result = ok(&response);
    assert_eq!(result["ready"], json!(false));
    assert_eq!(result["checklist"][1]["status"], json!("todo"));
    let response = Env::new()
        .set("ELIZACLOUD_API_KEY", KEY)
        .run("elizacloud.setup", json!({}))
        .await;
    assert_eq!(ok(&response)["ready"], json!(true));
    assert!(!response.to_string().contains(KEY));
    let response = Env::new().run("elizacloud.setup", json!({"x": 1})).await;
    err(&response, "INVALID_ARGS");
}

#[test]
fn the_binary_runs_setup_offline_without_a_key() {
    let out = std::process::Command::new(upstream_fault::binary(
        &skill_runtime::skills::elizacloud::PACK,
    ))
    .args(["run", "elizacloud.setup"])
    .env_clear()
    .env("ELIZACLOUD_BASE_URL", "http://127.0.0.1:9")
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["ok"], json!(true));
    assert_eq!(doc["result"]["ready"], json!(false));
}

#[tokio::test]
async fn capabilities_probe_each_family_for_free() {
    let fake = Fake::start().await;
    let response = fake
        .env()
        .run("elizacloud.auth.capabilities", json!({}))
        .await;
    let records = ok(&response)["capabilities"].as_array().unwrap().clone();
    assert_eq!(records.len(), 9);
    assert!(
        records.iter().all(|r| r["verified"] == json!(true)),
        "{records:#?}"
    );
    let requests = fake.requests().await;
    // Reads only: GETs, and the A2A extended card (a JSON-RPC read, POSTed).
    assert!(requests.iter().all(|r| r.method.as_str() == "GET"
        || body(r)["method"] == json!("agent/getAuthenticatedExtendedCard")));
    assert_eq!(fake.read(|s| s.balance), 5.0, "probes are free");

    let response = Env::new()
        .set("ELIZACLOUD_BASE_URL", &fake.server.uri())
        .run("elizacloud.auth.capabilities", json!({}))
        .await;
    let records = ok(&response)["capabilities"].as_array().unwrap().clone();
    let account = records.iter().find(|r| r["name"] == "account").unwrap();
    assert_eq!(account["configured"], json!(false));
    assert_eq!(account["missing"], json!(["ELIZACLOUD_API_KEY"]));
    let catalog = records.iter().find(|r| r["name"] == "catalog").unwrap();
    assert_eq!(
        catalog["verified"],
        json!(true),
        "the public catalog needs no key"
    );

    let before = fake.requests().await.len();
    let response = fake
        .env()
        .dry_run("elizacloud.auth.capabilities", json!({}))
        .await;
    ok(&response);
    assert_eq!(
        fake.requests().await.len(),
        before,
        "dry-run sends no probe"
    );
}

// ----- Account -----

#[tokio::test]
async fn whoami_sends_only_the_api_key_header() {
    let fake = Fake::start().await;
    let response = fake.env().run("elizacloud.whoami", json!({})).await;
    assert_eq!(
        ok(&response)["organization"]["credit_balance"],
        json!("5.0000")
    );
    let requests = fake.requests().await;
    assert_eq!(requests[0].url.path(), "/api/v1/user");
    assert_eq!(header(&requests[0], "x-api-key"), Some(KEY));
    assert_eq!(header(&requests[0], "authorization"), None);
    assert!(
        response.get("warnings").is_none(),
        "a well-formed key: {response}"
    );
}

#[tokio::test]
async fn a_bad_key_is_a_401_with_a_hint_and_an_odd_one_warns() {
    let fake = Fake::start().await;
    let response = fake
        .env()
        .set("ELIZACLOUD_API_KEY", "ek_not_a_real_key")
        .run("elizacloud.whoami", json!({}))
        .await;
    let error = err(&response, "HTTP_401");
    assert!(
        error["hint"]
            .as_str()
            .unwrap()
            .contains("ELIZACLOUD_API_KEY")
    );
    assert_eq!(error["retriable"], json!(false));
    assert!(!response.to_string().contains("ek_not_a_real_key"));
    let response = fake
        .env()
        .set("ELIZACLOUD_API_KEY", ODD_KEY)
        .run("elizacloud.whoami", json!({}))
        .await;
    ok(&response);
    assert!(
        response["warnings"][0].as_str().unwrap().contains("64 hex"),
        "{response}"
    );
    assert!(!response.to_string().contains(ODD_KEY));
    let response = Env::new()
        .set("ELIZACLOUD_BASE_URL", &fake.server.uri())
        .run("elizacloud.whoami", json!({}))
        .await;
    err(&response, "MISSING_ELIZACLOUD_API_KEY");
}

#[tokio::test]
async fn base_url_overrides_must_be_elizacloud_origins() {
    for url in ["https://evil.example.com", "http://api.eliza.app"] {
        let response = Env::new()
            .set("ELIZACLOUD_BASE_URL", url)
            .set("ELIZACLOUD_API_KEY", KEY)
            .run("elizacloud.credits.balance", json!({}))
            .await;
        err(&response, "INVALID_ELIZACLOUD_BASE_URL");
    }
}

#[tokio::test]
async fn credits_balance_summary_and_transactions() {
    let fake = Fake::start().await;
    let env = fake.env();
    assert_eq!(
        ok(&env.run("elizacloud.credits.balance", json!({})).await)["balance"],
        json!(5.0)
    );
    let summary = env.run("elizacloud.credits.summary", json!({})).await;
    assert_eq!(ok(&summary)["pricing"]["creditsPerDollar"], json!(100));
    let tx = env
        .run(
            "elizacloud.credits.transactions",
            json!({"limit": 5, "hours": 24}),
        )
        .await;
    assert_eq!(ok(&tx)["total"], json!(1));
    let requests = fake.requests().await;
    assert_eq!(requests[2].url.path(), "/api/credits/transactions");
    assert_eq!(requests[2].url.query(), Some("limit=5&hours=24"));
    let bad = env
        .run("elizacloud.credits.transactions", json!({"limit": 0}))
        .await;
    err(&bad, "INVALID_ARGS");
    assert_eq!(fake.requests().await.len(), 3);
}

#[tokio::test]
async fn checkout_generates_an_idempotency_key_and_returns_a_url_for_a_human() {
    let fake = Fake::start().await;
    let env = fake.env();
    let first = env
        .run("elizacloud.credits.checkout", json!({"amountUsd": 10}))
        .await;
    let result = ok(&first).clone();
    let key = result["idempotencyKey"].as_str().unwrap().to_owned();
    assert!(key.starts_with("elizacloud-") && key.len() == 43, "{key}");
    assert!(
        result["url"]
            .as_str()
            .unwrap()
            .starts_with("https://checkout.stripe.com/")
    );
    let requests = fake.requests().await;
    assert_eq!(header(&requests[0], "idempotency-key"), Some(key.as_str()));
    assert_eq!(body(&requests[0]), json!({"amountUsd": 10.0}));

    let again = env
        .run(
            "elizacloud.credits.checkout",
            json!({"amountUsd": 10, "idempotencyKey": key}),
        )
        .await;
    assert_eq!(
        ok(&again)["sessionId"],
        result["sessionId"],
        "same key, same session"
    );
    let other = env
        .run("elizacloud.credits.checkout", json!({"amountUsd": 10}))
        .await;
    assert_ne!(ok(&other)["sessionId"], result["sessionId"]);

    fake.pay(result["sessionId"].as_str().unwrap());
    let balance = env.run("elizacloud.credits.balance", json!({})).await;
    assert_eq!(ok(&balance)["balance"], json!(15.0));

    let sent = fake.requests().await.len();
    for bad in [
        json!({"amountUsd": 0.5}),
        json!({"amountUsd": 1.005}),
        json!({"amountUsd": 5, "idempotencyKey": "short"}),
    ] {
        let response = env.run("elizacloud.credits.checkout", bad.clone()).await;
        assert_eq!(response["ok"], json!(false), "{bad}");
        assert_eq!(
            response["error"]["problems"][0]["path"]
                .as_str()
                .map(|p| p.starts_with('/')),
            Some(true),
            "{response}"
        );
    }
    assert_eq!(fake.requests().await.len(), sent);
    let response = env
        .run(
            "elizacloud.credits.checkout",
            json!({"amountUsd": 5, "success_url": "x"}),
        )
        .await;
    err(&response, "INVALID_ARGS");
    let response = env
        .run(
            "elizacloud.credits.checkout",
            json!({"amountUsd": 5, "successUrl": "https://evil.example.com/x"}),
        )
        .await;
    err(&response, "HTTP_400");
}

#[tokio::test]
async fn billing_settings_are_nested() {
    let fake = Fake::start().await;
    let env = fake.env();
    let got = env.run("elizacloud.billing.get", json!({})).await;
    assert_eq!(ok(&got)["settings"]["limits"]["maxAmount"], json!(1000));
    let set = env
        .run(
            "elizacloud.billing.set",
            json!({"autoTopUp": {"amount": 20, "threshold": 5}}),
        )
        .await;
    assert_eq!(ok(&set)["settings"]["autoTopUp"]["amount"], json!(20.0));
    let requests = fake.requests().await;
    assert_eq!(requests[1].method.as_str(), "PUT");
    assert_eq!(
        body(&requests[1]),
        json!({"autoTopUp": {"amount": 20.0, "threshold": 5.0}})
    );
    let response = env
        .run(
            "elizacloud.billing.set",
            json!({"autoTopUp": {"enabled": true}}),
        )
        .await;
    let error = err(&response, "HTTP_400");
    assert_eq!(error["details"]["serverCode"], json!("validation_error"));
    err(
        &env.run("elizacloud.billing.set", json!({})).await,
        "ELIZACLOUD_EMPTY_UPDATE",
    );
    err(
        &env.run("elizacloud.billing.set", json!({"enabled": true}))
            .await,
        "INVALID_ARGS",
    );
    err(
        &env.run(
            "elizacloud.billing.set",
            json!({"autoTopUp": {"amount": 5000}}),
        )
        .await,
        "INVALID_ARGS",
    );
}

#[tokio::test]
async fn revoking_the_key_sends_one_credential_and_the_key_stops_working() {
    let fake = Fake::start().await;
    let env = fake.env();
    let response = env.run("elizacloud.keys.revokeCurrent", json!({})).await;
    assert_eq!(ok(&response)["credentialId"], json!("key_1"));
    let requests = fake.requests().await;
    assert_eq!(requests[0].method.as_str(), "DELETE");
    assert_eq!(requests[0].url.path(), "/api/v1/api-keys/current");
    assert_eq!(header(&requests[0], "authorization"), None);
    err(&env.run("elizacloud.whoami", json!({})).await, "HTTP_401");
}

// ----- Catalog -----

#[tokio::test]
async fn public_reads_send_no_key() {
    let fake = Fake::start().await;
    let env = Env::new().set("ELIZACLOUD_BASE_URL", &fake.server.uri());
    let models = env.run("elizacloud.models.list", json!({})).await;
    assert_eq!(ok(&models)["data"][0]["id"], json!("openai/gpt-4o-mini"));
    ok(&env.run("elizacloud.pricing", json!({})).await);
    let found = env
        .run(
            "elizacloud.discovery",
            json!({"types": ["mcp", "agent"], "tags": ["a", "b"], "limit": 10}),
        )
        .await;
    assert_eq!(ok(&found)["total"], json!(2));
    let requests = fake.requests().await;
    assert!(requests.iter().all(|r| header(r, "x-api-key").is_none()));
    assert_eq!(
        requests[2].url.query(),
        Some("types=mcp%2Cagent&tags=a%2Cb&limit=10")
    );
    let response = env
        .run("elizacloud.discovery", json!({"offset": 900, "limit": 200}))
        .await;
    err(&response, "INVALID_ELIZACLOUD_PAGE_WINDOW");
    err(
        &env.run("elizacloud.discovery", json!({"types": ["app"]}))
            .await,
        "INVALID_ARGS",
    );
    assert_eq!(fake.requests().await.len(), 3);
}

#[tokio::test]
async fn a_failing_read_is_retried_and_reported() {
    let fake = Fake::start().await;
    fake.with(|s| s.models_down = true);
    let env = fake.env().set("ELIZACLOUD_HTTP_MAX_RETRIES", "2");
    let response = env.run("elizacloud.models.list", json!({})).await;
    let error = err(&response, "HTTP_503");
    assert_eq!(error["retriable"], json!(true));
    assert_eq!(fake.requests().await.len(), 3);
}

// ----- Chat -----

#[tokio::test]
async fn chat_streams_and_aggregates_with_usage() {
    let fake = Fake::start().await;
    let response = fake.env().run("elizacloud.chat", chat_args()).await;
    let result = ok(&response);
    assert_eq!(result["text"], json!("Hello!"));
    assert_eq!(result["finishReason"], json!("stop"));
    assert_eq!(result["usage"]["total_tokens"], json!(17));
    assert_eq!(result["streamed"], json!(true));
    let requests = fake.requests().await;
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].url.path(), "/api/v1/chat/completions");
    assert_eq!(
        body(&requests[0]),
        json!({"model": "openai/gpt-4o-mini", "messages": [{"role": "user", "content": "Hi"}], "stream": true, "stream_options": {"include_usage": true}})
    );
    assert_eq!(
        header(&requests[0], "idempotency-key"),
        result["idempotencyKey"].as_str()
    );
    assert!((fake.read(|s| s.balance) - 4.998).abs() < 1e-9);
}

#[tokio::test]
async fn chat_keeps_streamed_tool_calls() {
    let fake = Fake::start().await;
    let mut args = chat_args();
    args["tools"] = json!([{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}]);
    args["tool_choice"] = json!("get_weather");
    args["response_format"] = json!({"type": "json_object"});
    args["idempotencyKey"] = json!("my-key-0001");
    let response = fake.env().run("elizacloud.chat", args).await;
    let result = ok(&response);
    assert_eq!(result["finishReason"], json!("tool_calls"));
    assert_eq!(
        result["toolCalls"][0]["function"]["name"],
        json!("get_weather")
    );
    assert_eq!(
        result["toolCalls"][0]["function"]["arguments"],
        json!("{\"city\":\"Paris\"}")
    );
    let sent = body(&fake.requests().await[0]);
    assert_eq!(
        sent["tool_choice"],
        json!({"type": "function", "function": {"name": "get_weather"}})
    );
    assert_eq!(sent["response_format"], json!({"type": "json_object"}));
    assert_eq!(
        header(&fake.requests().await[0], "idempotency-key"),
        Some("my-key-0001")
    );

    let mut whole = chat_args();
    whole["stream"] = json!(false);
    whole["tools"] = args_tools();
    let response = fake.env().run("elizacloud.chat", whole).await;
    let result = ok(&response);
    assert_eq!(result["streamed"], json!(false));
    assert_eq!(result["toolCalls"][0]["id"], json!("call_1"));
    assert!(
        body(&fake.requests().await[1])
            .get("stream_options")
            .is_none()
    );
}

fn args_tools() -> Value {
    json!([{"type": "function", "function": {"name": "get_weather"}}])
}

#[tokio::test]
async fn chat_arguments_are_checked_before_sending() {
    let fake = Fake::start().await;
    let env = fake.env();
    for bad in [
        json!({"model": "m", "messages": []}),
        json!({"messages": [{"role": "user", "content": "x"}]}),
        json!({"model": "m", "messages": [{"role": "robot", "content": "x"}]}),
        json!({"model": "m", "messages": [{"role": "user", "content": "x"}], "temperature": 3}),
        json!({"model": "m", "messages": [{"role": "user", "content": "x"}], "tool_choice": "auto"}),
    ] {
        let response = env.run("elizacloud.chat", bad.clone()).await;
        assert_eq!(response["ok"], json!(false), "{bad}");
    }
    assert!(fake.requests().await.is_empty());
}

#[tokio::test]
async fn a_mid_stream_error_chunk_or_a_cut_stream_is_an_error_sent_once() {
    for (mode, code) in [
        (ChatMode::ErrorChunk, "STREAM_ERROR"),
        (ChatMode::Cut, "INCOMPLETE_STREAM"),
    ] {
        let fake = Fake::start().await;
        fake.with(|s| s.chat = mode);
        let response = fake.env().run("elizacloud.chat", chat_args()).await;
        let error = err(&response, code);
        assert_eq!(error["retriable"], json!(false));
        assert_eq!(fake.requests().await.len(), 1);
    }
}

#[tokio::test]
async fn a_paid_chat_hit_by_a_502_is_posted_once() {
    let fake = Fake::start().await;
    fake.with(|s| s.chat = ChatMode::Fail(502));
    let response = fake
        .env()
        .set("ELIZACLOUD_HTTP_MAX_RETRIES", "3")
        .run("elizacloud.chat", chat_args())
        .await;
    let error = err(&response, "HTTP_502");
    assert_eq!(error["retriable"], json!(false));
    assert_eq!(fake.requests().await.len(), 1);
}

#[tokio::test]
async fn a_warming_503_was_not_processed_and_is_retried_even_for_chat() {
    let fake = Fake::start().await;
    fake.with(|s| s.warming = 1);
    let response = fake.env().run("elizacloud.chat", chat_args()).await;
    ok(&response);
    assert_eq!(fake.requests().await.len(), 2);
    fake.with(|s| s.warming = 5);
    let response = fake
        .env()
        .set("ELIZACLOUD_HTTP_MAX_RETRIES", "1")
        .run(
            "elizacloud.embeddings",
            json!({"model": "openai/text-embedding-3-small", "input": ["a"]}),
        )
        .await;
    let error = err(&response, "ELIZACLOUD_SERVICE_WARMING");
    assert_eq!(error["retriable"], json!(true));
    assert_eq!(fake.requests().await.len(), 4);
}

/// The environment of `env` pointed at `uri`, with the key and two retries.
fn env_at(uri: &str) -> Env {
    Env::new()
        .set("ELIZACLOUD_BASE_URL", uri)
        .set("ELIZACLOUD_API_KEY", KEY)
        .set("ELIZACLOUD_HTTP_MAX_RETRIES", "2")
}

/// Issue 17, defect 6: a paid request is sent again only on the server's word that it was
/// not processed (a `*_warming` or `rate_limit_unavailable` code, a `retryAfterSeconds`
/// field, spec §3–§4), never because its message says "warming": one that quoted the user
/// ("global warming") made a paid chat POST three times.
#[tokio::test]
async fn a_503_is_retried_on_its_code_never_on_its_text() {
    let cases = [
        (
            json!({"error": {"message": "the user asked about global warming", "type": "service_unavailable"}}),
            "HTTP_503",
            1,
        ),
        (
            json!({"success": false, "error": "Service temporarily unavailable", "code": "service_unavailable", "message": "warming up; retryAfterSeconds and rate_limit_unavailable are words here"}),
            "HTTP_503",
            1,
        ),
        (
            json!({"error": {"message": "Inference admission cache warming; retry shortly", "type": "service_unavailable", "code": "inference_admission_cache_warming"}}),
            "ELIZACLOUD_SERVICE_WARMING",
            3,
        ),
        (
            json!({"success": false, "error": "Service temporarily unavailable", "code": "rate_limit_unavailable", "message": "Rate limiting is temporarily unavailable"}),
            "ELIZACLOUD_SERVICE_WARMING",
            3,
        ),
        (
            json!({"success": false, "error": "Video generation is unavailable", "code": "service_unavailable", "details": {"retryAfterSeconds": 1}}),
            "ELIZACLOUD_SERVICE_WARMING",
            3,
        ),
    ];
    for (answer, code, posts) in cases {
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(ResponseTemplate::new(503).set_body_json(answer.clone()))
            .mount(&server)
            .await;
        let response = env_at(&server.uri())
            .run("elizacloud.chat", chat_args())
            .await;
        let error = err(&response, code);
        assert_eq!(error["retriable"], json!(posts > 1), "{answer}");
        assert_eq!(
            server.received_requests().await.unwrap().len(),
            posts,
            "{answer}"
        );
    }
}

/// A fake that reads each request, then closes the connection (`reset`) or stays silent
/// until the client gives up (`silent`).
async fn raw_fake(silent: bool) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let uri = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                if upstream_fault::read_request(&mut stream).await.is_some() && silent {
                    let mut sink = [0u8; 1024];
                    while matches!(stream.read(&mut sink).await, Ok(n) if n > 0) {}
                }
            });
        }
    });
    uri
}

/// Issue 17, defect 7: a checkout or a chat that fails after it may have reached the server
/// (a 502, a reset connection, a timeout) names the `Idempotency-Key` it was sent with, and a
/// second call given that key sends the same header, so the server can recognise the repeat
/// instead of creating a second checkout. (Chat's timeout is at least 120 s: the fault
/// matrix covers it on a paused clock.)
#[tokio::test]
async fn an_ambiguous_failure_names_the_idempotency_key_to_retry_with() {
    let bad_gateway = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(502).set_body_json(json!({"error": "Bad gateway"})))
        .mount(&bad_gateway)
        .await;
    let reset = raw_fake(false).await;
    let silent = raw_fake(true).await;
    let checkout = json!({"amountUsd": 10});
    let cases = [
        (
            "elizacloud.credits.checkout",
            checkout.clone(),
            bad_gateway.uri(),
            "HTTP_502",
        ),
        (
            "elizacloud.credits.checkout",
            checkout.clone(),
            reset.clone(),
            "NETWORK_ERROR",
        ),
        (
            "elizacloud.credits.checkout",
            checkout.clone(),
            silent,
            "TIMEOUT",
        ),
        (
            "elizacloud.chat",
            chat_args(),
            bad_gateway.uri(),
            "HTTP_502",
        ),
        ("elizacloud.chat", chat_args(), reset, "NETWORK_ERROR"),
    ];
    let fake = Fake::start().await;
    for (command, args, uri, code) in cases {
        let response = env_at(&uri)
            .set("ELIZACLOUD_HTTP_TIMEOUT_MS", "1000")
            .run(command, args.clone())
            .await;
        let error = err(&response, code);
        assert_eq!(error["retriable"], json!(false), "{command} {code}");
        let key = error["details"]["idempotencyKey"]
            .as_str()
            .unwrap_or_else(|| panic!("{command} {code}: no key in {error}"))
            .to_owned();
        assert!(key.starts_with("elizacloud-"), "{key}");
        assert!(
            error["hint"].as_str().unwrap().contains(&key),
            "the hint says how to retry: {error}"
        );

        let mut again = args;
        again["idempotencyKey"] = json!(key);
        let retried = fake.env().run(command, again).await;
        assert_eq!(ok(&retried)["idempotencyKey"], json!(key));
        let sent = fake.requests().await.pop().unwrap();
        assert_eq!(header(&sent, "idempotency-key"), Some(key.as_str()));
    }
    // A key the caller chose is the one named.
    let response = env_at(&bad_gateway.uri())
        .run(
            "elizacloud.credits.checkout",
            json!({"amountUsd": 10, "idempotencyKey": "my-checkout-0001"}),
        )
        .await;
    assert_eq!(
        err(&response, "HTTP_502")["details"]["idempotencyKey"],
        json!("my-checkout-0001")
    );
}

/// Issue 17, defect 15: the message leads with the `error` string, as the cloud SDK and spec
/// §3 read it, then the `message` that details it.
#[tokio::test]
async fn error_messages_lead_with_the_error_string() {
    let cases = [
        (
            400,
            json!({"success": false, "error": "Invalid activeOnly", "message": "activeOnly must be true or false"}),
            "HTTP_400",
            "elizacloud-api answered HTTP 400: Invalid activeOnly (activeOnly must be true or false)",
        ),
        (
            404,
            json!({"success": false, "error": "Agent not found", "code": "resource_not_found"}),
            "HTTP_404",
            "elizacloud-api answered HTTP 404: Agent not found",
        ),
        (
            400,
            json!({"error": {"message": "input array cannot be empty", "type": "invalid_request_error", "code": "invalid_value"}}),
            "HTTP_400",
            "elizacloud-api answered HTTP 400: input array cannot be empty",
        ),
        (
            503,
            json!({"success": false, "error": "Service temporarily unavailable", "code": "rate_limit_unavailable", "message": "Rate limiting is temporarily unavailable"}),
            "ELIZACLOUD_SERVICE_WARMING",
            "elizaOS Cloud is warming up and did not process the request: Service temporarily unavailable (Rate limiting is temporarily unavailable)",
        ),
    ];
    for (status, answer, code, message) in cases {
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(ResponseTemplate::new(status).set_body_json(answer.clone()))
            .mount(&server)
            .await;
        let response = env_at(&server.uri())
            .set("ELIZACLOUD_HTTP_MAX_RETRIES", "0")
            .run("elizacloud.agents.list", json!({}))
            .await;
        assert_eq!(err(&response, code)["message"], json!(message), "{answer}");
    }
}

#[tokio::test]
async fn insufficient_credits_has_its_own_code_and_is_never_retried() {
    let fake = Fake::start().await;
    fake.with(|s| s.balance = 0.005);
    let response = fake
        .env()
        .set("ELIZACLOUD_HTTP_MAX_RETRIES", "3")
        .run("elizacloud.chat", chat_args())
        .await;
    let error = err(&response, "ELIZACLOUD_INSUFFICIENT_CREDITS");
    assert_eq!(error["retriable"], json!(false));
    assert_eq!(error["status"], json!(402));
    assert_eq!(error["details"]["requiredBalanceUsd"], json!(0.01));
    assert_eq!(
        error["details"]["serverCode"],
        json!("insufficient_credits")
    );
    assert!(
        error["hint"]
            .as_str()
            .unwrap()
            .contains("elizacloud.credits.checkout")
    );
    assert_eq!(fake.requests().await.len(), 1);

    fake.with(|s| s.balance = 0.0005);
    let response = fake
        .env()
        .run(
            "elizacloud.embeddings",
            json!({"model": "openai/text-embedding-3-small", "input": ["a"]}),
        )
        .await;
    let error = err(&response, "ELIZACLOUD_INSUFFICIENT_CREDITS");
    assert_eq!(
        error["details"]["serverCode"],
        json!("insufficient_balance")
    );
}

#[tokio::test]
async fn an_agent_id_is_not_a_model() {
    let fake = Fake::start().await;
    let mut args = chat_args();
    args["model"] = json!("2b0e7c1a-0000-4000-8000-000000000001");
    let response = fake.env().run("elizacloud.chat", args).await;
    let error = err(&response, "HTTP_400");
    assert!(
        error["hint"]
            .as_str()
            .unwrap()
            .contains("elizacloud.models.list")
    );
}

#[tokio::test]
async fn rate_limits_show_retry_after_and_the_limit_headers() {
    let fake = Fake::start().await;
    fake.with(|s| {
        s.limits.insert("image", (1, 0));
        s.limits.insert("chat", (0, 0));
    });
    let env = fake.env();
    ok(&env
        .run("elizacloud.images.generate", json!({"prompt": "a cat"}))
        .await);
    let response = env
        .run("elizacloud.images.generate", json!({"prompt": "a cat"}))
        .await;
    let error = err(&response, "HTTP_429");
    let hint = error["hint"].as_str().unwrap();
    assert!(hint.contains("Retry-After: 60 s"), "{hint}");
    assert!(
        hint.contains("limit=1")
            && hint.contains("remaining=0")
            && hint.contains("reset=2026-01-01T00:01:00.000Z"),
        "{hint}"
    );
    assert_eq!(error["details"]["rateLimit"]["policy"], json!("redis"));
    let response = env.run("elizacloud.chat", chat_args()).await;
    let hint = err(&response, "HTTP_429")["hint"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(hint.contains("policy=cloudflare-native"), "{hint}");
    assert_eq!(
        fake.requests().await.len(),
        3,
        "a 60 s Retry-After is reported, not slept"
    );
}

// ----- Embeddings, images, video, voice -----

#[tokio::test]
async fn embeddings_send_the_openai_body() {
    let fake = Fake::start().await;
    let args =
        json!({"model": "openai/text-embedding-3-small", "input": ["a", "b"], "dimensions": 3});
    let response = fake.env().run("elizacloud.embeddings", args.clone()).await;
    assert_eq!(ok(&response)["data"][1]["index"], json!(1));
    assert_eq!(body(&fake.requests().await[0]), args);
    err(
        &fake
            .env()
            .run(
                "elizacloud.embeddings",
                json!({"model": "m", "input": [" "]}),
            )
            .await,
        "INVALID_FIELD",
    );
    err(
        &fake
            .env()
            .run("elizacloud.embeddings", json!({"model": "m", "input": "a"}))
            .await,
        "INVALID_ARGS",
    );
}

#[tokio::test]
async fn images_return_urls_and_name_supported_models() {
    let fake = Fake::start().await;
    let env = fake.env();
    let response = env
        .run(
            "elizacloud.images.generate",
            json!({"prompt": "a cat", "numImages": 2, "width": 512, "height": 512}),
        )
        .await;
    let result = ok(&response);
    assert_eq!(
        result["images"][1]["url"],
        json!("https://cdn.eliza.app/img/1.png")
    );
    assert!(
        result["images"][0].get("image").is_none(),
        "data URLs are dropped by default"
    );
    assert_eq!(
        body(&fake.requests().await[0]),
        json!({"prompt": "a cat", "numImages": 2, "width": 512, "height": 512})
    );
    let response = env
        .run(
            "elizacloud.images.generate",
            json!({"prompt": "a cat", "includeImageData": true}),
        )
        .await;
    assert!(
        ok(&response)["images"][0]["image"]
            .as_str()
            .unwrap()
            .starts_with("data:image/png")
    );
    let response = env
        .run(
            "elizacloud.images.generate",
            json!({"prompt": "a cat", "model": "flux-pro"}),
        )
        .await;
    let error = err(&response, "HTTP_400");
    assert!(
        error["hint"]
            .as_str()
            .unwrap()
            .contains("fal-ai/flux/schnell")
    );
    assert_eq!(
        error["details"]["supportedModels"][0],
        json!("google/nano-banana-2/text-to-image")
    );
    fake.with(|s| s.balance = 0.01);
    let response = env
        .run("elizacloud.images.generate", json!({"prompt": "a cat"}))
        .await;
    let error = err(&response, "ELIZACLOUD_INSUFFICIENT_CREDITS");
    assert_eq!(error["details"]["requiredBalanceUsd"], json!(0.04));
    err(
        &env.run("elizacloud.images.generate", json!({"prompt": ""}))
            .await,
        "INVALID_ARGS",
    );
    err(
        &env.run(
            "elizacloud.images.generate",
            json!({"prompt": "x", "numImages": 5}),
        )
        .await,
        "INVALID_ARGS",
    );
}

#[tokio::test]
async fn video_reports_pending_and_unknown_submissions_without_resending() {
    let fake = Fake::start().await;
    let env = fake.env().set("ELIZACLOUD_HTTP_MAX_RETRIES", "3");
    let response = env
        .run(
            "elizacloud.video.generate",
            json!({"prompt": "a boat", "durationSeconds": 5}),
        )
        .await;
    let result = ok(&response);
    assert_eq!(result["status"], json!("completed"));
    assert_eq!(
        result["video"]["url"],
        json!("https://cdn.eliza.app/v/1.mp4")
    );
    assert_eq!(
        body(&fake.requests().await[0]),
        json!({"prompt": "a boat", "durationSeconds": 5})
    );
    for (mode, status) in [
        (VideoMode::Pending, "pending"),
        (VideoMode::Unknown, "submission_unknown"),
    ] {
        fake.with(|s| s.video = mode);
        let before = fake.requests().await.len();
        let response = env
            .run("elizacloud.video.generate", json!({"prompt": "a boat"}))
            .await;
        let result = ok(&response);
        assert_eq!(result["status"], json!(status));
        assert!(result["next"].as_str().unwrap().contains("not"));
        assert_eq!(fake.requests().await.len(), before + 1);
    }
    fake.with(|s| s.video = VideoMode::Fail);
    let before = fake.requests().await.len();
    let response = env
        .run("elizacloud.video.generate", json!({"prompt": "a boat"}))
        .await;
    assert_eq!(err(&response, "HTTP_503")["retriable"], json!(false));
    assert_eq!(fake.requests().await.len(), before + 1);
    err(
        &env.run(
            "elizacloud.video.generate",
            json!({"prompt": "x", "durationSeconds": 60}),
        )
        .await,
        "INVALID_ARGS",
    );
}

#[tokio::test]
async fn tts_returns_base64_audio_with_its_content_type() {
    let fake = Fake::start().await;
    let env = fake.env();
    let response = env
        .run(
            "elizacloud.voice.tts",
            json!({"text": "Hello", "voiceId": "voice_1", "audioFormat": "wav"}),
        )
        .await;
    let result = ok(&response);
    assert_eq!(result["contentType"], json!("audio/wav"));
    assert_eq!(result["provider"], json!("kokoro"));
    let audio = base64::engine::general_purpose::STANDARD
        .decode(result["audioBase64"].as_str().unwrap())
        .unwrap();
    assert_eq!(audio, b"ID3\x04fake-audio");
    assert_eq!(result["bytes"], json!(audio.len()));
    assert_eq!(
        body(&fake.requests().await[0]),
        json!({"text": "Hello", "voiceId": "voice_1", "format": "wav"})
    );
    let long = "a".repeat(5001);
    err(
        &env.run("elizacloud.voice.tts", json!({"text": long})).await,
        "INVALID_ARGS",
    );
    let list = env
        .run(
            "elizacloud.voice.list",
            json!({"limit": 2, "cloneType": "instant"}),
        )
        .await;
    assert_eq!(ok(&list)["hasMore"], json!(true));
    assert_eq!(
        fake.requests().await[1].url.query(),
        Some("limit=2&cloneType=instant")
    );
}

// ----- Documents -----

#[tokio::test]
async fn documents_are_added_listed_and_queried() {
    let fake = Fake::start().await;
    let env = fake.env();
    let added = env
        .run(
            "elizacloud.documents.add",
            json!({"content": "The office opens at 9am.", "filename": "hours.txt"}),
        )
        .await;
    assert_eq!(
        ok(&added)["message"],
        json!("Document uploaded successfully")
    );
    assert_eq!(
        body(&fake.requests().await[0]),
        json!({"content": "The office opens at 9am.", "filename": "hours.txt"})
    );
    ok(&env
        .run(
            "elizacloud.documents.add",
            json!({"content": "Lunch is at noon."}),
        )
        .await);
    let list = env
        .run("elizacloud.documents.list", json!({"limit": 10}))
        .await;
    assert_eq!(ok(&list)["total"], json!(2));
    let found = env
        .run(
            "elizacloud.documents.query",
            json!({"query": "office opens", "limit": 3}),
        )
        .await;
    let result = ok(&found);
    assert_eq!(result["total"], json!(1));
    assert_eq!(result["results"][0]["similarity"], json!(1.0));
    let response = env
        .run(
            "elizacloud.documents.list",
            json!({"characterId": "char_other"}),
        )
        .await;
    err(&response, "HTTP_404");
    err(
        &env.run(
            "elizacloud.documents.query",
            json!({"query": "x", "limit": 26}),
        )
        .await,
        "INVALID_ARGS",
    );
    err(
        &env.run("elizacloud.documents.add", json!({"content": ""}))
            .await,
        "INVALID_ARGS",
    );
}

// ----- Agents and jobs -----

#[tokio::test]
async fn a_dedicated_agent_needs_its_price_accepted_then_provisions_through_a_job() {
    let fake = Fake::start().await;
    let env = fake.env();
    let args = json!({"agentName": "bot", "alwaysOn": true});
    let response = env.run("elizacloud.agents.create", args.clone()).await;
    let error = err(&response, "ELIZACLOUD_PRICE_CONFIRMATION_REQUIRED");
    let value = error["details"]["pricing"]["acceptanceValue"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(error["hint"].as_str().unwrap().contains(&value));
    assert_eq!(error["retriable"], json!(false));

    let mut accepted = args.clone();
    accepted["acceptDedicatedPrice"] = json!(value);
    let response = env.run("elizacloud.agents.create", accepted).await;
    let result = ok(&response);
    assert_eq!(result["httpStatus"], json!(202));
    let job = result["jobId"].as_str().unwrap().to_owned();
    let requests = fake.requests().await;
    assert_eq!(
        header(&requests[1], "x-eliza-dedicated-price"),
        Some(value.as_str())
    );
    assert_eq!(
        body(&requests[1]),
        json!({"agentName": "bot", "alwaysOn": true})
    );

    let response = env
        .run(
            "elizacloud.jobs.pollUntilDone",
            json!({"jobId": job, "intervalMs": 100}),
        )
        .await;
    let result = ok(&response);
    assert_eq!(result["terminalState"], json!("completed"));
    assert_eq!(result["attempts"], json!(3));

    let agent = fake.read(|s| s.agents[0]["id"].as_str().unwrap().to_owned());
    let got = env
        .run("elizacloud.agents.get", json!({"agentId": agent}))
        .await;
    assert_eq!(ok(&got)["data"]["agentName"], json!("bot"));
    let listed = env.run("elizacloud.agents.list", json!({})).await;
    assert_eq!(ok(&listed)["data"].as_array().unwrap().len(), 1);
    let reused = env
        .run("elizacloud.agents.create", json!({"agentName": "other"}))
        .await;
    assert_eq!(ok(&reused)["httpStatus"], json!(200));

    let suspended = env
        .run("elizacloud.agents.suspend", json!({"agentId": agent}))
        .await;
    assert!(ok(&suspended)["jobId"].is_string());
    let response = env
        .run("elizacloud.agents.resume", json!({"agentId": agent}))
        .await;
    err(&response, "ELIZACLOUD_PRICE_CONFIRMATION_REQUIRED");
    let resumed = env
        .run(
            "elizacloud.agents.resume",
            json!({"agentId": agent, "acceptDedicatedPrice": value}),
        )
        .await;
    assert_eq!(ok(&resumed)["httpStatus"], json!(202));
    let deleted = env
        .run("elizacloud.agents.delete", json!({"agentId": agent}))
        .await;
    assert_eq!(ok(&deleted)["httpStatus"], json!(202));
    let last = fake.requests().await.pop().unwrap();
    assert_eq!(
        (last.method.as_str(), last.url.path()),
        ("DELETE", format!("/api/v1/eliza/agents/{agent}").as_str())
    );
    err(
        &env.run("elizacloud.agents.get", json!({"agentId": agent}))
            .await,
        "HTTP_404",
    );
    err(
        &env.run("elizacloud.agents.get", json!({"agentId": "../x"}))
            .await,
        "INVALID_ARGS",
    );
}

#[tokio::test]
async fn the_agent_credit_gate_and_image_rules_have_their_codes() {
    let fake = Fake::start().await;
    fake.with(|s| s.balance = 0.05);
    let env = fake.env();
    let response = env
        .run("elizacloud.agents.create", json!({"agentName": "bot", "alwaysOn": true, "acceptDedicatedPrice": "dedicated-compute-v1:USD:0.010000:0.020000"}))
        .await;
    let error = err(&response, "ELIZACLOUD_INSUFFICIENT_CREDITS");
    assert_eq!(error["details"]["requiredBalanceUsd"], json!(0.1));
    assert_eq!(error["details"]["currentBalanceUsd"], json!(0.05));
    let response = env
        .run(
            "elizacloud.agents.create",
            json!({"agentName": "bot", "dockerImage": "evil/miner:latest"}),
        )
        .await;
    err(&response, "ELIZACLOUD_IMAGE_NOT_ALLOWED");
    err(
        &env.run(
            "elizacloud.agents.create",
            json!({"agentName": "bot", "environmentVars": {"A": 1}}),
        )
        .await,
        "INVALID_FIELD",
    );
}

#[tokio::test]
async fn polling_stops_at_a_failed_job_and_reports_an_unknown_one() {
    let fake = Fake::start().await;
    fake.with(|s| {
        s.jobs.insert("job_bad".into(), (0, true));
    });
    let env = fake.env();
    let response = env
        .run(
            "elizacloud.jobs.pollUntilDone",
            json!({"jobId": "job_bad", "intervalMs": 100}),
        )
        .await;
    assert_eq!(ok(&response)["terminalState"], json!("failed"));
    let response = env
        .run(
            "elizacloud.jobs.pollUntilDone",
            json!({"jobId": "job_none", "intervalMs": 100}),
        )
        .await;
    let error = err(&response, "HTTP_404");
    assert_eq!(error["details"]["attempts"], json!(0));
    let response = env
        .run("elizacloud.jobs.get", json!({"jobId": "job_bad"}))
        .await;
    assert_eq!(ok(&response)["data"]["status"], json!("failed"));
    err(
        &env.run(
            "elizacloud.jobs.pollUntilDone",
            json!({"jobId": "j", "intervalMs": 5}),
        )
        .await,
        "INVALID_ARGS",
    );
}

// ----- Containers -----

#[tokio::test]
async fn containers_deploy_idempotently_per_project() {
    let fake = Fake::start().await;
    let env = fake.env();
    let args = json!({"name": "hello", "image": "nginx:1.27", "projectName": "hello", "port": 80, "environmentVars": {"GREETING": "hi"}});
    let first = env.run("elizacloud.containers.deploy", args.clone()).await;
    let result = ok(&first).clone();
    assert_eq!(result["created"], json!(true));
    assert_eq!(body(&fake.requests().await[0]), args);
    let again = env.run("elizacloud.containers.deploy", args.clone()).await;
    assert_eq!(ok(&again)["created"], json!(false));
    assert_eq!(ok(&again)["container"]["id"], result["container"]["id"]);
    assert_eq!(fake.read(|s| s.containers.len()), 1);

    let id = result["container"]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        ok(&env
            .run("elizacloud.containers.get", json!({"containerId": id}))
            .await)["data"]["status"],
        json!("running")
    );
    assert_eq!(
        ok(&env.run("elizacloud.containers.list", json!({})).await)["data"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        ok(&env.run("elizacloud.containers.quota", json!({})).await)["quota"]["allowed"],
        json!(true)
    );
    let restarted = env
        .run("elizacloud.containers.restart", json!({"containerId": id}))
        .await;
    assert_eq!(ok(&restarted)["container"]["status"], json!("deploying"));
    let last = fake.requests().await.pop().unwrap();
    assert_eq!(last.method.as_str(), "PATCH");
    assert_eq!(body(&last), json!({"action": "restart"}));
    let stopped = env
        .run("elizacloud.containers.stop", json!({"containerId": id}))
        .await;
    assert_eq!(ok(&stopped)["container"]["status"], json!("stopped"));
    assert_eq!(
        fake.requests().await.pop().unwrap().url.query(),
        Some("mode=stop")
    );
    let deleted = env
        .run(
            "elizacloud.containers.delete",
            json!({"containerId": id, "purgeVolume": true}),
        )
        .await;
    assert_eq!(ok(&deleted)["deleted"], json!(true));
    let last = fake.requests().await.pop().unwrap();
    assert_eq!(
        (last.method.as_str(), last.url.query()),
        ("DELETE", Some("mode=delete&purgeVolume=true"))
    );
    let response = env
        .run("elizacloud.containers.get", json!({"containerId": id}))
        .await;
    let error = err(&response, "HTTP_404");
    assert_eq!(error["details"]["serverCode"], json!("container_not_found"));
}

#[tokio::test]
async fn container_deploys_refuse_foreign_images_reserved_keys_and_an_exhausted_quota() {
    let fake = Fake::start().await;
    let env = fake.env();
    let response = env
        .run(
            "elizacloud.containers.deploy",
            json!({"name": "x", "image": "evil/miner:latest"}),
        )
        .await;
    let error = err(&response, "ELIZACLOUD_IMAGE_NOT_ALLOWED");
    assert_eq!(error["status"], json!(403));
    let response = env
        .run(
            "elizacloud.containers.deploy",
            json!({"name": "x", "image": "nginx:1.27", "environmentVars": {"PORT": "1"}}),
        )
        .await;
    assert_eq!(
        err(&response, "HTTP_400")["details"]["serverCode"],
        json!("RESERVED_ENV_KEYS")
    );
    for name in ["a", "b"] {
        ok(&env
            .run(
                "elizacloud.containers.deploy",
                json!({"name": name, "image": "nginx:1.27"}),
            )
            .await);
    }
    let response = env
        .run(
            "elizacloud.containers.deploy",
            json!({"name": "c", "image": "nginx:1.27"}),
        )
        .await;
    let error = err(&response, "ELIZACLOUD_INSUFFICIENT_CREDITS");
    assert_eq!(error["details"]["quota"]["max"], json!(2));
    err(
        &env.run(
            "elizacloud.containers.deploy",
            json!({"name": "x", "image": "a b"}),
        )
        .await,
        "INVALID_ARGS",
    );
}

// ----- The key never shows -----

#[tokio::test]
async fn the_key_never_appears_in_any_answer() {
    let fake = Fake::start().await;
    let env = fake.env();
    let mut answers = Vec::new();
    for (command, args) in [
        ("elizacloud.whoami", json!({})),
        ("elizacloud.chat", chat_args()),
        ("elizacloud.credits.checkout", json!({"amountUsd": 5})),
        ("elizacloud.agents.get", json!({"agentId": "missing"})),
    ] {
        answers.push(env.run(command, args.clone()).await);
        answers.push(env.dry_run(command, args).await);
    }
    fake.with(|s| s.chat = ChatMode::ErrorChunk);
    answers.push(env.run("elizacloud.chat", chat_args()).await);
    for answer in answers {
        assert!(!answer.to_string().contains(KEY), "{answer}");
    }
}

#[tokio::test]
async fn the_binary_keeps_the_key_out_of_stdout_stderr_and_debug_logs() {
    let fake = Fake::start().await;
    fake.with(|s| s.chat = ChatMode::Fail(401));
    for (command, args) in [
        ("elizacloud.whoami", "{}".to_owned()),
        ("elizacloud.chat", chat_args().to_string()),
        (
            "elizacloud.agents.get",
            r#"{"agentId":"missing"}"#.to_owned(),
        ),
    ] {
        let out = std::process::Command::new(upstream_fault::binary(
            &skill_runtime::skills::elizacloud::PACK,
        ))
        .args(["run", command, &args])
        .env_clear()
        .env("ELIZACLOUD_BASE_URL", fake.server.uri())
        .env("ELIZACLOUD_API_KEY", KEY)
        .env("ELIZACLOUD_LOG", "trace")
        .output()
        .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stdout.starts_with('{'), "{stdout}");
        assert!(
            !stdout.contains(KEY) && !stderr.contains(KEY),
            "{stdout}\n{stderr}"
        );
    }
}

#[test]
fn the_binary_serves_json_lines_and_previews_paid_commands() {
    use std::io::Write;
    let mut child = std::process::Command::new(upstream_fault::binary(
        &skill_runtime::skills::elizacloud::PACK,
    ))
    .arg("serve")
    .env_clear()
    .stdin(std::process::Stdio::piped())
    .stdout(std::process::Stdio::piped())
    .stderr(std::process::Stdio::null())
    .spawn()
    .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    writeln!(
        stdin,
        r#"{{"id":1,"command":"elizacloud.setup","args":{{}}}}"#
    )
    .unwrap();
    writeln!(
        stdin,
        r#"{{"id":2,"command":"elizacloud.chat","dryRun":true,"args":{}}}"#,
        chat_args()
    )
    .unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    let lines: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    for line in &lines {
        assert_eq!(line["ok"], json!(true), "{line}");
    }
    let preview = lines.iter().find(|l| l["id"] == json!(2)).unwrap();
    assert_eq!(preview["dryRun"], json!(true));
    assert_eq!(
        preview["result"]["requests"][0]["url"],
        json!("https://api.eliza.app/api/v1/chat/completions")
    );
}
