//! The on-demand family (`theta.ondemand.*`) against local fakes shaped like
//! `spec/theta-api.md` §2.5 and the official MCP server's types (§5.1).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test"
)]

mod common;

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde_json::{Value, json};
use skill_runtime::error::{Error, ErrorCode};
use skill_runtime::skills::theta::ondemand::{PollPlan, Progress, TerminalState, poll_loop};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use common::{Env, err, ok};

const TOKEN: &str = "od-test-token-5f3a9c";

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/ondemand/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn json_fixture(name: &str) -> Value {
    serde_json::from_str(&fixture(name)).unwrap()
}

fn json_answer(name: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json_fixture(name))
}

fn sse_answer(name: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(fixture(name), "text/event-stream")
}

/// Every service pointed at `server`, the on-demand token set, fast retries.
fn env(server: &MockServer) -> Env {
    Env::all_services(server).set("THETA_ONDEMAND_API_TOKEN", TOKEN)
}

async fn received(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap()
}

fn body_of(request: &Request) -> Value {
    serde_json::from_slice(&request.body).unwrap()
}

fn bearer(request: &Request) -> Option<String> {
    request
        .headers
        .get("authorization")
        .map(|v| v.to_str().unwrap().to_owned())
}

// ----- listServices -----

#[tokio::test]
async fn list_services_summarises_the_live_list_by_rank() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/service/list"))
        .and(query_param("expand", "template_id"))
        .respond_with(json_answer("service_list.json"))
        .expect(1)
        .mount(&server)
        .await;
    let response = Env::all_services(&server)
        .run("theta.ondemand.listServices", json!({}))
        .await;
    let result = ok(&response);
    assert_eq!(result["source"], json!("live"));
    assert_eq!(result["catalogFallbackAvailable"], json!(true));
    let aliases: Vec<&str> = result["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["alias"].as_str().unwrap())
        .collect();
    assert_eq!(
        aliases,
        ["glm_5_3", "whisper", "flux", "qwen3"],
        "by rank, internal services hidden"
    );
    assert_eq!(result["count"], json!(4));
    let glm = &result["services"][0];
    assert_eq!(glm["category"], json!("text"), "GLM is a chat model");
    assert_eq!(
        glm["inputFields"],
        json!(["messages", "max_tokens", "temperature", "stream"])
    );
    assert_eq!(
        glm["inputExample"],
        json!({"messages": [{"role": "user", "content": "Hello"}], "max_tokens": 5000, "temperature": 0.5, "stream": true})
    );
    assert_eq!(
        glm["pricing"],
        json!({"cost": {"input": 154, "output": 484}, "costDivisor": 1_000_000})
    );
    let whisper = &result["services"][1];
    assert_eq!(whisper["category"], json!("audio"));
    assert_eq!(
        whisper["inputExample"],
        json!({"audio_filename": "https://example.com/file", "language": "en"})
    );
    let flux = &result["services"][2];
    assert_eq!(flux["category"], json!("image"));
    assert_eq!(
        flux["inputFields"],
        json!(["prompt", "seed", "num_steps"]),
        "by index"
    );
    assert_eq!(flux["variants"], json!(["default", "quantized"]));
    assert_eq!(flux["templateId"], json!("tmpl_flux_schnell"));
    assert!(response.get("warnings").is_none(), "{response}");
    // No token configured: the public list is fetched without credentials.
    assert_eq!(bearer(&received(&server).await[0]), None);
}

#[tokio::test]
async fn list_services_sends_the_token_when_there_is_one_and_filters_by_category() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/service/list"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(json_answer("service_list.json"))
        .expect(1)
        .mount(&server)
        .await;
    let response = env(&server)
        .run("list_services", json!({"category": "text"}))
        .await;
    let result = ok(&response);
    assert_eq!(result["category"], json!("text"));
    let aliases: Vec<&Value> = result["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| &s["alias"])
        .collect();
    assert_eq!(aliases, [&json!("glm_5_3"), &json!("qwen3")]);
    let bad = env(&server)
        .run("list_services", json!({"category": "music"}))
        .await;
    err(&bad, "INVALID_ARGS");
}

async fn fallback(env: &Env, reason: &str) -> Value {
    let response = env.run("theta.ondemand.listServices", json!({})).await;
    let result = ok(&response).clone();
    assert_eq!(result["source"], json!("catalog"), "{result:#}");
    assert_eq!(result["fallbackReason"], json!(reason));
    assert_eq!(result["catalogAsOf"], json!("2026-08-31"));
    let warning = result["warning"].as_str().unwrap();
    assert!(warning.contains("embedded catalog"), "{warning}");
    assert_eq!(
        response["warnings"],
        json!([warning]),
        "the warning reaches the envelope"
    );
    let services = result["services"].as_array().unwrap();
    assert!(services.len() >= 19);
    assert_eq!(services[0]["alias"], json!("glm_5_3_flash"), "newest first");
    assert!(services.iter().all(|s| s["source"] == json!("catalog")));
    let glm = services
        .iter()
        .find(|s| s["alias"] == json!("glm_5_3"))
        .unwrap();
    assert_eq!(glm["category"], json!("text"));
    result
}

#[tokio::test]
async fn an_empty_live_list_falls_back_to_the_catalog() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/service/list"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"status": "success", "body": {"services": []}})),
        )
        .mount(&server)
        .await;
    let result = fallback(&Env::all_services(&server), "live-empty").await;
    assert!(result.get("error").is_none());
}

#[tokio::test]
async fn an_unreadable_or_unreachable_live_list_falls_back_to_the_catalog() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/service/list"))
        .respond_with(ResponseTemplate::new(200).set_body_string("<html>maintenance</html>"))
        .mount(&server)
        .await;
    let result = fallback(&Env::all_services(&server), "network-or-parse-error").await;
    assert_eq!(result["error"]["code"], json!("INVALID_RESPONSE"));

    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let closed = Env::new()
        .set(
            "THETA_ONDEMAND_API_BASE_URL",
            &format!("http://127.0.0.1:{port}"),
        )
        .set("THETA_HTTP_MAX_RETRIES", "0");
    let result = fallback(&closed, "network-or-parse-error").await;
    assert_eq!(result["error"]["code"], json!("NETWORK_ERROR"));
}

#[tokio::test]
async fn an_http_error_falls_back_to_the_catalog_with_the_status() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/service/list"))
        .respond_with(ResponseTemplate::new(503).set_body_string("upstream down"))
        .mount(&server)
        .await;
    let env = Env::all_services(&server).set("THETA_HTTP_MAX_RETRIES", "1");
    let result = fallback(&env, "live-http-error").await;
    assert_eq!(result["error"]["code"], json!("HTTP_503"));
    assert_eq!(result["error"]["status"], json!(503));
    assert_eq!(result["category"], Value::Null);
    assert_eq!(
        received(&server).await.len(),
        2,
        "the read was retried first"
    );

    let filtered = env
        .run("theta.ondemand.listServices", json!({"category": "audio"}))
        .await;
    let aliases: Vec<&Value> = ok(&filtered)["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| &s["alias"])
        .collect();
    assert_eq!(aliases, [&json!("whisper"), &json!("voice_cloning")]);
}

#[tokio::test]
async fn an_unusable_base_url_is_reported_not_hidden() {
    let response = Env::new()
        .set("THETA_ONDEMAND_API_BASE_URL", "https://evil.example.com")
        .run("theta.ondemand.listServices", json!({}))
        .await;
    err(&response, "INVALID_THETA_BASE_URL");
}

// ----- infer -----

#[tokio::test]
async fn infer_posts_the_input_and_returns_the_answer() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/infer_request/flux"))
        .and(query_param("wait", "30"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(body_json(json!({"input": {"prompt": "a red fox in the snow, watercolor"}, "variant": "quantized"})))
        .respond_with(json_answer("infer_flux_success.json"))
        .expect(1)
        .mount(&server)
        .await;
    let response = env(&server)
        .run(
            "theta.ondemand.infer",
            json!({"service": "flux", "payload": {"prompt": "a red fox in the snow, watercolor"}, "wait": 30, "variant": "quantized"}),
        )
        .await;
    assert_eq!(ok(&response), &json_fixture("infer_flux_success.json"));
    assert!(response.get("warnings").is_none());
}

/// Issue 17, defect 14: like Theta's official `infer` tool, a call without `wait` asks the
/// server to hold the request 30 s, so a job done by then is answered in one round trip; its
/// timeout covers the wait. The preview shows the same URL.
#[tokio::test]
async fn infer_waits_thirty_seconds_by_default_like_the_official_tool() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/infer_request/flux"))
        .and(query_param("wait", "30"))
        .respond_with(json_answer("infer_flux_success.json"))
        .expect(1)
        .mount(&server)
        .await;
    let args = json!({"service": "flux", "input": {"prompt": "a red fox"}});
    let response = env(&server)
        .set("THETA_HTTP_TIMEOUT_MS", "1000")
        .run("theta.ondemand.infer", args.clone())
        .await;
    assert_eq!(ok(&response), &json_fixture("infer_flux_success.json"));
    let preview = env(&server).dry_run("theta.ondemand.infer", args).await;
    let request = &ok(&preview)["requests"][0];
    assert_eq!(
        request["url"],
        json!(format!("{}/infer_request/flux?wait=30", server.uri()))
    );
    assert!(
        request["timeoutMs"].as_u64().unwrap() >= 45_000,
        "{request}"
    );
}

#[tokio::test]
async fn an_unfinished_request_comes_back_with_a_pointer_to_poll_it() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/infer_request/step_video"))
        .and(query_param("wait", "0"))
        .respond_with(json_answer("infer_step_video_pending.json"))
        .mount(&server)
        .await;
    let response = env(&server)
        .run(
            "infer",
            json!({"service": "step_video", "input": {"prompt": "a paper boat on a river", "frames": 30, "fps": 10}, "wait": 0}),
        )
        .await;
    let result = ok(&response);
    assert_eq!(
        result["body"]["infer_requests"][0]["state"],
        json!("pending")
    );
    let warning = response["warnings"][0].as_str().unwrap();
    assert!(
        warning.contains("theta.ondemand.pollUntilDone")
            && warning.contains("infr_rqst_video00000001"),
        "{warning}"
    );
}

#[tokio::test]
async fn a_streamed_infer_answer_is_aggregated_into_the_infer_shape() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/infer_request/qwen3"))
        .respond_with(sse_answer("qwen3_stream.sse"))
        .mount(&server)
        .await;
    let response = env(&server)
        .run(
            "theta.ondemand.infer",
            json!({"service": "qwen3", "input": {"messages": [{"role": "user", "content": "Hi"}], "stream": true}}),
        )
        .await;
    let result = ok(&response);
    let first = &result["body"]["infer_requests"][0];
    assert_eq!(result["body"]["stream"], json!(true));
    assert_eq!(first["id"], json!("chatcmpl-q3"));
    assert_eq!(first["state"], json!("success"));
    assert_eq!(first["output"]["message"], json!("Hello there!"));
    assert_eq!(
        first["metadata"]["reasoning"],
        json!("Greeting; answer briefly.")
    );
    assert_eq!(first["usage"]["total_tokens"], json!(13));
}

#[tokio::test]
async fn capacity_exhaustion_is_retried_for_infer() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/infer_request/qwen3"))
        .respond_with(
            ResponseTemplate::new(409)
                .set_body_json(json!({"status": "error", "message": "No instances available"})),
        )
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/infer_request/qwen3"))
        .respond_with(json_answer("qwen3_job_success.json"))
        .mount(&server)
        .await;
    let args =
        json!({"service": "qwen3", "input": {"messages": [{"role": "user", "content": "Hello"}]}});
    let response = env(&server).run("theta.ondemand.infer", args.clone()).await;
    ok(&response);
    let requests = received(&server).await;
    assert_eq!(requests.len(), 3);
    assert!(requests.iter().all(|r| body_of(r) == body_of(&requests[0])));

    // Still exhausted after the retries: the dedicated code, marked retriable.
    let busy = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(409).set_body_string("No instances available"))
        .mount(&busy)
        .await;
    let response = env(&busy)
        .set("THETA_HTTP_MAX_RETRIES", "1")
        .run("theta.ondemand.infer", args)
        .await;
    let error = err(&response, "THETA_ONDEMAND_CAPACITY_EXHAUSTED");
    assert_eq!(error["retriable"], json!(true));
    assert_eq!(error["status"], json!(409));
    assert_eq!(error["service"], json!("theta-ondemand-api"));
    assert_eq!(received(&busy).await.len(), 2);
}

#[tokio::test]
async fn a_paid_post_is_never_resent_after_a_502_or_a_timeout() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/infer_request/flux"))
        .respond_with(ResponseTemplate::new(502).set_body_string("bad gateway"))
        .mount(&server)
        .await;
    let args = json!({"service": "flux", "input": {"prompt": "cat"}});
    let response = env(&server).run("theta.ondemand.infer", args.clone()).await;
    let error = err(&response, "HTTP_502");
    assert_eq!(error["retriable"], json!(false));
    assert!(
        error["hint"]
            .as_str()
            .unwrap()
            .contains("may have been processed"),
        "{error}"
    );
    assert_eq!(received(&server).await.len(), 1);

    let slow = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            json_answer("infer_flux_success.json").set_delay(Duration::from_millis(2_500)),
        )
        .mount(&slow)
        .await;
    // `wait: 0`: the default 30 s wait would stretch the timeout past the delay.
    let mut no_wait = args;
    no_wait["wait"] = json!(0);
    let response = env(&slow)
        .set("THETA_HTTP_TIMEOUT_MS", "1000")
        .run("theta.ondemand.infer", no_wait)
        .await;
    let error = err(&response, "TIMEOUT");
    assert_eq!(error["retriable"], json!(false));
    assert_eq!(received(&slow).await.len(), 1);
}

#[tokio::test]
async fn infer_without_a_token_names_where_to_get_one() {
    let server = MockServer::start().await;
    let response = Env::all_services(&server)
        .run(
            "theta.ondemand.infer",
            json!({"service": "flux", "input": {"prompt": "cat"}}),
        )
        .await;
    let error = err(&response, "MISSING_THETA_ONDEMAND_API_TOKEN");
    let hint = error["hint"].as_str().unwrap();
    assert!(hint.contains("THETA_ONDEMAND_API_TOKEN"), "{hint}");
    assert!(hint.contains("On-demand Model APIs"), "{hint}");
    assert!(received(&server).await.is_empty());
}

#[tokio::test]
async fn infer_argument_problems_are_reported_before_any_request() {
    let server = MockServer::start().await;
    let env = env(&server);
    let bad_service = env
        .run(
            "theta.ondemand.infer",
            json!({"service": "flux/../x", "input": {}}),
        )
        .await;
    err(&bad_service, "INVALID_ONDEMAND_SERVICE");
    let no_input = env
        .run("theta.ondemand.infer", json!({"service": "flux"}))
        .await;
    err(&no_input, "MISSING_REQUIRED_FIELD");
    let both = env
        .run(
            "theta.ondemand.infer",
            json!({"service": "flux", "input": {}, "payload": {}}),
        )
        .await;
    err(&both, "INVALID_FIELD");
    assert!(received(&server).await.is_empty());
}

// ----- chat -----

#[tokio::test]
async fn chat_normalises_a_whole_chat_completion() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/infer_request/chat/completions"))
        .and(body_json(json!({
            "messages": [{"role": "user", "content": "What is Theta EdgeCloud?"}],
            "max_tokens": 1800, "temperature": 0.5, "top_p": 0.7, "stream": false,
            "reasoning_effort": "low", "model": "gpt_oss_120b"
        })))
        .respond_with(json_answer("gpt_oss_completion.json"))
        .expect(1)
        .mount(&server)
        .await;
    let response = env(&server)
        .run(
            "theta.ondemand.chat",
            json!({"service": "gpt_oss_120b", "messages": [{"role": "user", "content": "What is Theta EdgeCloud?"}]}),
        )
        .await;
    let result = ok(&response);
    assert_eq!(result["state"], json!("success"));
    assert_eq!(result["route"], json!("chat/completions"));
    assert_eq!(
        result["text"],
        json!("Theta EdgeCloud is a distributed GPU cloud.")
    );
    assert_eq!(result["reasoning"], json!("The user wants one sentence."));
    assert_eq!(result["finishReason"], json!("stop"));
    assert_eq!(
        result["usage"]["total_tokens"],
        json!(55),
        "token counts are not redacted"
    );
    assert_eq!(result["requestId"], json!("chatcmpl-5e1f0a"));
    assert_eq!(result["streamed"], json!(false));
    assert_eq!(result["toolCalls"], json!([]));
    let first = &result["body"]["infer_requests"][0];
    assert_eq!(first["output"]["message"], result["text"]);
    assert_eq!(first["metadata"]["reasoning_length"], json!(28));
    assert_eq!(
        result["body"]["chat_completions"],
        json_fixture("gpt_oss_completion.json"),
        "the raw completion is kept"
    );
}

#[tokio::test]
async fn glm_tool_calls_stream_through_chat_completions() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/infer_request/chat/completions"))
        .respond_with(sse_answer("glm_tool_stream.sse"))
        .expect(1)
        .mount(&server)
        .await;
    let tools = json!([{"type": "function", "function": {"name": "get_weather",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}]);
    let response = env(&server)
        .run(
            "theta.ondemand.chat",
            json!({"service": "glm_5_3", "stream": true, "tools": tools, "tool_choice": "auto",
                   "messages": [{"role": "user", "content": "Weather in Oslo?"}]}),
        )
        .await;
    let result = ok(&response);
    assert_eq!(result["streamed"], json!(true));
    assert_eq!(result["finishReason"], json!("tool_calls"));
    assert_eq!(result["reasoning"], json!("Need the weather tool."));
    assert_eq!(
        result["toolCalls"],
        json!([{"type": "function", "id": "call_w1",
                "function": {"name": "get_weather", "arguments": "{\"city\":\"Oslo\"}"}}])
    );
    assert_eq!(
        result["body"]["infer_requests"][0]["output"]["message"],
        Value::Null
    );
    let sent = body_of(&received(&server).await[0]);
    assert_eq!(sent["model"], json!("glm_5_3"));
    assert_eq!(sent["max_tokens"], json!(5000));
    assert_eq!(sent["tools"], tools);
    assert_eq!(sent["tool_choice"], json!("auto"));
}

#[tokio::test]
async fn qwen3_streams_on_the_job_route_by_default() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/infer_request/qwen3"))
        .and(query_param("wait", "60"))
        .and(query_param("prediction", "completions"))
        .respond_with(sse_answer("qwen3_stream.sse"))
        .expect(1)
        .mount(&server)
        .await;
    let response = env(&server)
        .run(
            "theta.ondemand.chat",
            json!({"messages": [{"role": "user", "content": "Hi"}]}),
        )
        .await;
    let result = ok(&response);
    assert_eq!(result["service"], json!("qwen3"));
    assert_eq!(result["route"], json!("infer_request"));
    assert_eq!(result["text"], json!("Hello there!"));
    assert_eq!(result["usage"]["completion_tokens"], json!(4));
    let sent = body_of(&received(&server).await[0]);
    assert_eq!(sent["input"]["stream"], json!(true));
}

#[tokio::test]
async fn a_job_route_chat_reads_the_output_or_reports_the_failure() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/infer_request/llama_3_1_70b"))
        .respond_with(json_answer("qwen3_job_success.json"))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/infer_request/llama_3_8b"))
        .respond_with(json_answer("qwen3_job_error.json"))
        .mount(&server)
        .await;
    let messages = json!([{"role": "user", "content": "Hello"}]);
    let response = env(&server)
        .run(
            "theta.ondemand.chat",
            json!({"service": "llama_3_1_70b", "messages": messages}),
        )
        .await;
    let result = ok(&response);
    assert_eq!(result["text"], json!("Hello! How can I help?"));
    assert_eq!(result["requestId"], json!("infr_rqst_qwen3000001"));
    assert_eq!(result["usage"]["total_tokens"], json!(16));
    assert_eq!(
        result["body"]["infer_requests"][0]["state"],
        json!("success"),
        "the job answer's body is kept"
    );
    let failed = env(&server)
        .run(
            "theta.ondemand.chat",
            json!({"service": "llama_3_8b", "messages": messages}),
        )
        .await;
    let error = err(&failed, "OPERATION_FAILED");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("CUDA out of memory"),
        "{error}"
    );
}

#[tokio::test]
async fn chat_refuses_unknown_services_and_bad_messages_without_a_request() {
    let server = MockServer::start().await;
    let env = env(&server);
    let unknown = env
        .run(
            "theta.ondemand.chat",
            json!({"service": "flux", "messages": [{"role": "user", "content": "x"}]}),
        )
        .await;
    let error = err(&unknown, "INVALID_ONDEMAND_SERVICE");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("allowUnknownService")
    );
    let blank = env
        .run(
            "theta.ondemand.chat",
            json!({"messages": [{"role": "user", "content": ""}]}),
        )
        .await;
    let error = err(&blank, "INVALID_CHAT_BODY");
    assert_eq!(error["problems"][0]["path"], json!("/messages/0"));
    let empty = env
        .run("theta.ondemand.chat", json!({"messages": []}))
        .await;
    err(&empty, "INVALID_CHAT_BODY");
    assert!(received(&server).await.is_empty());
}

/// A one-shot HTTP/1.1 server that answers with `pieces` as separate chunks, each flushed
/// after a pause so the client reads them separately; `clean_end` sends the terminating
/// chunk, otherwise the connection is dropped mid-body. Returns the base URL.
async fn chunked_sse_server(pieces: Vec<String>, clean_end: bool) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut request = Vec::new();
        let mut buf = [0u8; 4096];
        // Read the head, then as much body as Content-Length says.
        loop {
            let n = socket.read(&mut buf).await.unwrap();
            request.extend_from_slice(&buf[..n]);
            if let Some(end) = request.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&request[..end]).to_ascii_lowercase();
                let length: usize = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .map_or(0, |v| v.trim().parse().unwrap());
                while request.len() < end + 4 + length {
                    let n = socket.read(&mut buf).await.unwrap();
                    request.extend_from_slice(&buf[..n]);
                }
                break;
            }
        }
        socket
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n")
            .await
            .unwrap();
        for piece in pieces {
            let chunk = format!("{:x}\r\n{piece}\r\n", piece.len());
            socket.write_all(chunk.as_bytes()).await.unwrap();
            socket.flush().await.unwrap();
            tokio::time::sleep(Duration::from_millis(30)).await;
        }
        if clean_end {
            socket.write_all(b"0\r\n\r\n").await.unwrap();
        }
        socket.flush().await.unwrap();
    });
    url
}

fn ondemand_at(url: &str) -> Env {
    Env::new()
        .set("THETA_ONDEMAND_API_BASE_URL", url)
        .set("THETA_ONDEMAND_API_TOKEN", TOKEN)
}

#[tokio::test]
async fn events_split_across_reads_are_aggregated() {
    let stream = fixture("glm_tool_stream.sse");
    // Cut inside JSON, inside "data:", and between the two newlines of an event.
    let cuts = [7, 150, 151, 300, 420, stream.len() - 9, stream.len() - 1];
    let mut pieces = Vec::new();
    let mut at = 0;
    for cut in cuts {
        pieces.push(stream[at..cut].to_owned());
        at = cut;
    }
    pieces.push(stream[at..].to_owned());
    let url = chunked_sse_server(pieces, true).await;
    let response = ondemand_at(&url)
        .run(
            "theta.ondemand.chat",
            json!({"service": "glm_5_3_flash", "stream": true, "tools": [{"type": "function", "function": {"name": "get_weather"}}],
                   "messages": [{"role": "user", "content": "Weather in Oslo?"}]}),
        )
        .await;
    let result = ok(&response);
    assert_eq!(
        result["toolCalls"][0]["function"]["arguments"],
        json!("{\"city\":\"Oslo\"}")
    );
    assert_eq!(result["finishReason"], json!("tool_calls"));
}

#[tokio::test]
async fn a_stream_cut_short_is_an_error_not_a_success() {
    let stream = fixture("qwen3_stream.sse");
    // Everything up to (not including) the finish_reason event: the server then ends the
    // body cleanly, without a terminal chunk or [DONE].
    let cut = stream.find("data: {\"id\":\"chatcmpl-q3\",\"object\":\"chat.completion.chunk\",\"model\":\"qwen3\",\"choices\":[{\"index\":0,\"delta\":{},").unwrap();
    let url = chunked_sse_server(vec![stream[..cut].to_owned()], true).await;
    let args = json!({"service": "glm_5_3", "stream": true, "messages": [{"role": "user", "content": "Hi"}]});
    let response = ondemand_at(&url)
        .run("theta.ondemand.chat", args.clone())
        .await;
    let error = err(&response, "INCOMPLETE_STREAM");
    assert_eq!(error["retriable"], json!(false));

    // The connection dropped mid-body: a transport error, not a success either.
    let url = chunked_sse_server(vec![stream[..cut].to_owned()], false).await;
    let response = ondemand_at(&url).run("theta.ondemand.chat", args).await;
    assert_eq!(response["ok"], json!(false), "{response:#}");
}

// ----- status and pollUntilDone -----

#[tokio::test]
async fn status_returns_the_request_and_its_alias_takes_request_id() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/infer_request/infr_rqst_video00000001"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(json_answer("status_success.json"))
        .expect(2)
        .mount(&server)
        .await;
    let env = env(&server);
    let canonical = env
        .run(
            "theta.ondemand.status",
            json!({"requestId": "infr_rqst_video00000001"}),
        )
        .await;
    assert_eq!(ok(&canonical), &json_fixture("status_success.json"));
    let alias = env
        .run(
            "get_request_status",
            json!({"request_id": "infr_rqst_video00000001"}),
        )
        .await;
    assert_eq!(ok(&alias), ok(&canonical));
    assert_eq!(alias["command"], json!("theta.ondemand.status"));
    let bad = env
        .run(
            "get_request_status",
            json!({"request_id": "../../service/list"}),
        )
        .await;
    err(&bad, "INVALID_ONDEMAND_REQUEST_ID");
}

#[tokio::test]
async fn status_errors_carry_the_status_and_service() {
    let server = MockServer::start().await;
    // The fake echoes the token it was sent, plain and inside a header line, as some
    // upstreams do in their error bodies: the redaction has something to remove.
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "message": format!("invalid api key {TOKEN}"),
            "request": format!("authorization: Bearer {TOKEN}")
        })))
        .mount(&server)
        .await;
    let response = env(&server)
        .run("theta.ondemand.status", json!({"requestId": "infr_rqst_1"}))
        .await;
    let message = response["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("invalid api key ***"),
        "the echoed body reached the error, masked: {message}"
    );
    let error = err(&response, "HTTP_401");
    assert_eq!(error["service"], json!("theta-ondemand-api"));
    assert!(
        error["hint"]
            .as_str()
            .unwrap()
            .contains("THETA_ONDEMAND_API_TOKEN")
    );
    assert!(
        !response.to_string().contains(TOKEN),
        "the token never appears"
    );
}

#[tokio::test]
async fn poll_until_done_checks_until_the_request_finishes() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/infer_request/infr_rqst_video00000001"))
        .respond_with(json_answer("status_processing.json"))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/infer_request/infr_rqst_video00000001"))
        .respond_with(json_answer("status_success.json"))
        .mount(&server)
        .await;
    let response = env(&server)
        .run(
            "theta.ondemand.pollUntilDone",
            json!({"requestId": "infr_rqst_video00000001", "options": {"intervalMs": 100}}),
        )
        .await;
    let result = ok(&response);
    assert_eq!(result["attempts"], json!(3));
    assert_eq!(result["terminalState"], json!("success"));
    assert_eq!(result["result"], json_fixture("status_success.json"));
    assert_eq!(
        result["timeoutSource"],
        json!("adaptive"),
        "30 frames at 10 fps"
    );
    assert_eq!(result["timeoutMs"], json!(420_000));
    assert!(result["elapsedMs"].as_u64().unwrap() >= 200);
}

#[tokio::test]
async fn poll_options_are_clamped_with_a_warning_and_validated() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(json_answer("status_processing.json"))
        .mount(&server)
        .await;
    let env = env(&server);
    let response = env
        .run(
            "theta.ondemand.pollUntilDone",
            json!({"requestId": "infr_rqst_video00000001", "options": {"maxAttempts": 0, "intervalMs": 1}}),
        )
        .await;
    let result = ok(&response);
    assert_eq!(result["terminalState"], json!("max-attempts"));
    assert_eq!(result["attempts"], json!(1));
    assert_eq!(response["warnings"].as_array().unwrap().len(), 2);
    let bad = env
        .run(
            "theta.ondemand.pollUntilDone",
            json!({"requestId": "r", "options": {"intervalMs": "fast"}}),
        )
        .await;
    err(&bad, "INVALID_POLL_OPTIONS");
}

/// A simulated job for the polling loop: `processing` until `done` has passed (never, when
/// `None`), then `final_state`; counts the checks.
struct Job {
    start: tokio::time::Instant,
    done: Option<Duration>,
    final_state: &'static str,
    input: Value,
    calls: AtomicU64,
}

impl Job {
    fn new(done: Option<Duration>, final_state: &'static str, input: Value) -> Self {
        Self {
            start: tokio::time::Instant::now(),
            done,
            final_state,
            input,
            calls: AtomicU64::new(0),
        }
    }

    fn fetch(&self) -> std::future::Ready<Result<Value, Error>> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let finished = self.done.is_some_and(|d| self.start.elapsed() >= d);
        let state = if finished {
            self.final_state
        } else {
            "processing"
        };
        std::future::ready(Ok(json!({"status": "success", "body": {"infer_requests": [
            {"id": "infr_rqst_sim", "state": state, "input": self.input}
        ]}})))
    }

    fn calls(&self) -> u64 {
        self.calls.load(Ordering::SeqCst)
    }
}

async fn poll(
    plan: PollPlan,
    job: &Job,
) -> (
    skill_runtime::skills::theta::ondemand::PollOutcome,
    Vec<Progress>,
) {
    let mut seen = Vec::new();
    let mut progress = |p: &Progress| seen.push(p.clone());
    let outcome = poll_loop(plan, || job.fetch(), &mut progress)
        .await
        .unwrap();
    (outcome, seen)
}

fn video(frames: u64, fps: u64) -> Value {
    json!({"prompt": "a paper boat", "frames": frames, "fps": fps})
}

#[tokio::test(start_paused = true)]
async fn a_three_minute_job_takes_nineteen_status_calls() {
    // step_video, 30 frames at 10 fps: expected 180 s, and it takes exactly that.
    let job = Job::new(Some(Duration::from_secs(180)), "success", video(30, 10));
    let (outcome, progress) = poll(PollPlan::default(), &job).await;
    assert_eq!(
        outcome.terminal_state,
        TerminalState::Finished("success".into())
    );
    assert_eq!(job.calls(), 19);
    assert_eq!(outcome.attempts, 19);
    assert_eq!(
        outcome.elapsed_ms, 180_000,
        "noticed the moment it finished"
    );
    assert_eq!(progress.len(), 19, "one progress line per check");
    assert_eq!(progress.last().unwrap().next_check_ms, None);

    // The same job without frames/fps in its input: the age-based back-off alone.
    let job = Job::new(
        Some(Duration::from_secs(180)),
        "success",
        json!({"prompt": "x"}),
    );
    let plan = PollPlan {
        timeout: Some(Duration::from_secs(600)),
        ..PollPlan::default()
    };
    let (outcome, _) = poll(plan, &job).await;
    assert_eq!(job.calls(), 19);
    assert!(
        outcome.elapsed_ms - 180_000 <= 45_000,
        "within a quarter of its age"
    );

    // The JavaScript skill's fixed 3 s interval for comparison.
    let job = Job::new(Some(Duration::from_secs(180)), "success", video(30, 10));
    let (_, _) = poll(
        PollPlan {
            interval: Some(Duration::from_secs(3)),
            ..PollPlan::default()
        },
        &job,
    )
    .await;
    assert!(job.calls() >= 61, "a 3 s cap needs {} calls", job.calls());
    eprintln!(
        "3-minute job: 19 status calls adaptive, {} with intervalMs 3000",
        job.calls()
    );
}

#[tokio::test(start_paused = true)]
async fn every_terminal_state_ends_the_loop() {
    for state in ["success", "error", "failed", "cancelled"] {
        let job = Job::new(Some(Duration::from_secs(10)), state, json!({}));
        let (outcome, _) = poll(PollPlan::default(), &job).await;
        assert_eq!(
            outcome.terminal_state,
            TerminalState::Finished(state.into())
        );
        assert_eq!(
            outcome.result["body"]["infer_requests"][0]["state"],
            json!(state)
        );
    }
}

#[tokio::test(start_paused = true)]
async fn timeouts_default_follow_the_frames_or_the_caller() {
    // No frames: the 120 s default.
    let job = Job::new(None, "success", json!({"prompt": "x"}));
    let (outcome, _) = poll(PollPlan::default(), &job).await;
    assert_eq!(outcome.terminal_state, TerminalState::Timeout);
    assert_eq!(outcome.elapsed_ms, 120_000);
    assert_eq!(outcome.timeout_ms, 120_000);
    assert_eq!(json!(outcome.timeout_source), json!("default"));
    assert_eq!(
        outcome.result["body"]["infer_requests"][0]["state"],
        json!("processing")
    );

    // Frames 51 at 10 fps: the adaptive timeout of the spec (600 s), with a last check at it.
    let job = Job::new(None, "success", video(51, 10));
    let (outcome, _) = poll(PollPlan::default(), &job).await;
    assert_eq!(outcome.terminal_state, TerminalState::Timeout);
    assert_eq!((outcome.elapsed_ms, outcome.timeout_ms), (600_000, 600_000));
    assert_eq!(json!(outcome.timeout_source), json!("adaptive"));

    // The caller's timeout wins over the frames.
    let job = Job::new(None, "success", video(51, 10));
    let plan = PollPlan {
        timeout: Some(Duration::from_secs(30)),
        ..PollPlan::default()
    };
    let (outcome, _) = poll(plan, &job).await;
    assert_eq!((outcome.elapsed_ms, outcome.timeout_ms), (30_000, 30_000));
    assert_eq!(json!(outcome.timeout_source), json!("caller"));
}

#[tokio::test(start_paused = true)]
async fn max_attempts_ends_the_loop() {
    let job = Job::new(None, "success", json!({}));
    let plan = PollPlan {
        max_attempts: 4,
        ..PollPlan::default()
    };
    let (outcome, _) = poll(plan, &job).await;
    assert_eq!(outcome.terminal_state, TerminalState::MaxAttempts);
    assert_eq!((outcome.attempts, job.calls()), (4, 4));
    assert_eq!(outcome.elapsed_ms, 6_000, "three 2 s gaps");
}

#[tokio::test(start_paused = true)]
async fn a_failed_check_ends_the_loop_with_the_progress_so_far() {
    let calls = AtomicU64::new(0);
    let fetch = || {
        let n = calls.fetch_add(1, Ordering::SeqCst);
        std::future::ready(if n < 2 {
            Ok(json!({"body": {"infer_requests": [{"state": "processing"}]}}))
        } else {
            Err(Error::new(ErrorCode::Http(503), "unavailable"))
        })
    };
    let error = poll_loop(PollPlan::default(), fetch, &mut |_: &Progress| {})
        .await
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::Http(503));
    let body = json!(error.to_body());
    assert_eq!(body["details"]["attempts"], json!(2));
    assert_eq!(body["details"]["lastState"], json!("processing"));
}

// ----- inputPresignedUrls -----

#[tokio::test]
async fn presigned_urls_are_returned_as_the_server_sent_them() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/infer_request/whisper/input_presigned_urls"))
        .and(body_json(json!({"input_fields": ["audio_filename"]})))
        .respond_with(json_answer("presigned_urls.json"))
        .expect(1)
        .mount(&server)
        .await;
    let response = env(&server)
        .run(
            "theta.ondemand.inputPresignedUrls",
            json!({"service": "whisper", "inputFields": ["audio_filename"]}),
        )
        .await;
    let result = ok(&response);
    assert_eq!(result, &json_fixture("presigned_urls.json"));
    assert_eq!(
        result["body"]["urls"]["audio_filename"]["filename"],
        json!("7d1c2f.wav")
    );
}

#[tokio::test]
async fn creating_upload_slots_is_not_retried_after_a_502() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(502))
        .mount(&server)
        .await;
    let response = env(&server)
        .run(
            "get_upload_url",
            json!({"service": "whisper", "input_field": "audio_filename"}),
        )
        .await;
    let error = err(&response, "HTTP_502");
    assert_eq!(error["retriable"], json!(false));
    assert_eq!(received(&server).await.len(), 1);
}

// ----- aliases -----

/// Runs `command` and `alias` against fresh fake servers and returns the request each sent.
async fn request_sent(name: &str, args: Value, answer: ResponseTemplate) -> Request {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(answer)
        .mount(&server)
        .await;
    let response = env(&server).run(name, args).await;
    ok(&response);
    let mut requests = received(&server).await;
    assert_eq!(requests.len(), 1, "{name}");
    requests.remove(0)
}

#[tokio::test]
async fn every_alias_sends_exactly_the_request_of_its_command() {
    let cases = [
        (
            "theta.ondemand.listServices",
            json!({"category": "image"}),
            "list_services",
            json!({"category": "image"}),
            json_answer("service_list.json"),
        ),
        (
            "theta.ondemand.infer",
            json!({"service": "flux", "input": {"prompt": "cat"}, "wait": 30, "variant": "quantized", "prediction": "generate_image"}),
            "infer",
            json!({"service": "flux", "input": {"prompt": "cat"}, "wait": 30, "variant": "quantized", "prediction": "generate_image"}),
            json_answer("infer_flux_success.json"),
        ),
        (
            "theta.ondemand.status",
            json!({"requestId": "infr_rqst_7hq2k4m9x1"}),
            "get_request_status",
            json!({"request_id": "infr_rqst_7hq2k4m9x1"}),
            json_answer("status_success.json"),
        ),
        (
            "theta.ondemand.inputPresignedUrls",
            json!({"service": "whisper", "inputFields": ["audio_filename"]}),
            "get_upload_url",
            json!({"service": "whisper", "input_field": "audio_filename"}),
            json_answer("presigned_urls.json"),
        ),
    ];
    for (command, command_args, alias, alias_args, answer) in cases {
        let a = request_sent(command, command_args, answer.clone()).await;
        let b = request_sent(alias, alias_args, answer).await;
        assert_eq!(a.method, b.method, "{alias}");
        assert_eq!(
            (a.url.path(), a.url.query()),
            (b.url.path(), b.url.query()),
            "{alias}"
        );
        assert_eq!(a.body, b.body, "{alias}");
        assert_eq!(bearer(&a), bearer(&b), "{alias}");
        assert_eq!(bearer(&a), Some(format!("Bearer {TOKEN}")), "{alias}");
    }
}

// ----- dry-run -----

#[tokio::test]
async fn dry_run_previews_every_gated_command_without_a_request() {
    let server = MockServer::start().await;
    let with_token = env(&server);
    let cases = [
        (
            "theta.ondemand.infer",
            json!({"service": "step_video", "input": {"prompt": "boat", "frames": 51}, "wait": 0}),
        ),
        (
            "infer",
            json!({"service": "flux", "input": {"prompt": "cat"}}),
        ),
        (
            "theta.ondemand.chat",
            json!({"service": "glm_5_3", "messages": [{"role": "user", "content": "hi"}]}),
        ),
        (
            "theta.ondemand.inputPresignedUrls",
            json!({"service": "whisper", "inputField": "audio_filename"}),
        ),
        (
            "get_upload_url",
            json!({"service": "blip", "input_field": "input_img"}),
        ),
    ];
    for (name, args) in &cases {
        for env in [&with_token, &Env::all_services(&server)] {
            let response = env.dry_run(name, args.clone()).await;
            let result = ok(&response);
            assert_eq!(response["dryRun"], json!(true));
            assert_eq!(result["requests"].as_array().unwrap().len(), 1, "{name}");
        }
    }
    assert!(received(&server).await.is_empty(), "dry-run sent a request");

    let preview = with_token.dry_run(cases[0].0, cases[0].1.clone()).await;
    let preview = ok(&preview);
    let request = &preview["requests"][0];
    assert_eq!(request["method"], json!("POST"));
    assert_eq!(
        request["url"],
        json!(format!("{}/infer_request/step_video?wait=0", server.uri()))
    );
    assert_eq!(
        request["body"],
        json!({"input": {"prompt": "boat", "frames": 51}})
    );
    assert_eq!(
        request["timeoutMs"],
        json!(150_000),
        "step_video: 120 s + 51 × 0.5 s"
    );
    assert_eq!(request["headers"]["authorization"], json!("Bearer ***"));
    assert_eq!(
        preview["costHint"]["pricing"],
        json!("0.20 USD / video (observed)")
    );
    assert_eq!(
        preview["credentials"],
        json!([{"name": "THETA_ONDEMAND_API_TOKEN", "present": true, "required": true}])
    );
    assert!(!preview.to_string().contains(TOKEN));

    let chat = with_token.dry_run(cases[2].0, cases[2].1.clone()).await;
    let chat = ok(&chat);
    assert_eq!(
        chat["requests"][0]["url"],
        json!(format!("{}/infer_request/chat/completions", server.uri()))
    );
    assert_eq!(chat["requests"][0]["body"]["model"], json!("glm_5_3"));
    assert_eq!(chat["details"]["route"], json!("chat/completions"));
    assert!(
        chat["costHint"]["pricing"]
            .as_str()
            .unwrap()
            .contains("154")
    );

    let missing = Env::all_services(&server)
        .dry_run(cases[1].0, cases[1].1.clone())
        .await;
    assert_eq!(
        ok(&missing)["credentials"][0]["present"],
        json!(false),
        "dry-run needs no secret and says it is missing"
    );
}

// ----- capabilities -----

fn capability<'a>(response: &'a Value, name: &str) -> &'a Value {
    ok(response)["capabilities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == json!(name))
        .unwrap()
}

#[tokio::test]
async fn capabilities_verify_the_catalog_and_the_token_without_spending() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/service/list"))
        .respond_with(json_answer("service_list.json"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(
            "/infer_request/infr_rqst_skill_runtime_capability_probe",
        ))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(
            ResponseTemplate::new(404).set_body_json(json!({"message": "infer request not found"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let response = env(&server).run("theta.auth.capabilities", json!({})).await;
    let catalog = capability(&response, "ondemand.catalog");
    assert_eq!(catalog["verified"], json!(true), "{catalog}");
    assert_eq!(catalog["sample"], json!({"services": 4}));
    let inference = capability(&response, "ondemand.inference");
    assert_eq!(inference["verified"], json!(true), "{inference}");
    assert_eq!(
        inference["commands"],
        json!([
            "theta.ondemand.infer",
            "theta.ondemand.chat",
            "theta.ondemand.status",
            "theta.ondemand.pollUntilDone",
            "theta.ondemand.inputPresignedUrls",
            "theta.media.generateImage",
            "theta.media.generateVideo",
            "theta.media.transcribe"
        ])
    );
    assert!(
        received(&server)
            .await
            .iter()
            .all(|r| r.method.as_str() == "GET"),
        "the probes only read"
    );
}

#[tokio::test]
async fn capabilities_never_verify_a_rejected_token_or_the_embedded_catalog() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/service/list"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(
            "/infer_request/infr_rqst_skill_runtime_capability_probe",
        ))
        .respond_with(
            ResponseTemplate::new(401).set_body_json(json!({"message": "invalid api key"})),
        )
        .mount(&server)
        .await;
    let response = env(&server)
        .set("THETA_HTTP_MAX_RETRIES", "0")
        .run("theta.auth.capabilities", json!({}))
        .await;
    let catalog = capability(&response, "ondemand.catalog");
    assert_eq!(catalog["verified"], json!(false));
    assert!(
        catalog["error"]
            .as_str()
            .unwrap()
            .contains("embedded catalog"),
        "{catalog}"
    );
    let inference = capability(&response, "ondemand.inference");
    assert_eq!(inference["verified"], json!(false));
    assert!(
        inference["error"].as_str().unwrap().starts_with("HTTP_401"),
        "{inference}"
    );
}

#[tokio::test]
async fn capabilities_in_dry_run_send_no_probe_and_verify_nothing() {
    let server = MockServer::start().await;
    let response = env(&server)
        .dry_run("theta.auth.capabilities", json!({}))
        .await;
    for name in ["ondemand.catalog", "ondemand.inference"] {
        let record = capability(&response, name);
        assert_eq!(record["verified"], json!(false), "{record}");
        assert!(
            record["notes"].as_str().unwrap().contains("dry-run"),
            "{record}"
        );
    }
    assert!(received(&server).await.is_empty());
}
