//! The fault matrix (issue 13): every command family of both packs × every upstream fault,
//! asserting the error code, `retriable`, and the exact number of requests the fake received.
//!
//! Commands: per family, the first read-only command whose upstream failure is its own
//! failure, and every paid or mutating command. Faults: 404, 409, 409 capacity ("No instances
//! available"), 429 without `Retry-After` and with a small, a huge (23 digits), an HTTP-date and
//! a garbage one, 500, 502, 503, 504, a timeout, a reset after the request was read, bad JSON,
//! a truncated body, a truncated SSE stream (streaming commands), an oversized body and a
//! redirect. Each case has its own fake: wiremock for the answers with a status, a raw TCP
//! listener for the resets, the cut bodies and the silence.
//!
//! The expectations are written from the rules, not read from the runtime: `spec/theta-api.md`
//! §3.3/§3.4 and design §7 (`http::retry`). A read-only request is retried up to
//! `<PREFIX>HTTP_MAX_RETRIES` (2 here) when its outcome is retriable. A paid or mutating one is
//! sent once unless provably unprocessed: a 429 with a short or no wait, or the on-demand
//! capacity 409. A 429 whose wait is too long or unreadable is retriable but not retried. Where
//! a command has its own rule the table says so: route drift (§2.6, a 404 is asked again on the
//! plural route), the dedicated endpoint's readiness annotation (§2.4), the catalogue fallback
//! of `theta.ondemand.listServices` (§3.7), the balance read that `validateDisposable`
//! makes before its create (§2.6.1), and the read that `elizacloud.characters.update` makes
//! before its put (`spec/elizacloud.md` §6.9). Commands that read local files get a real
//! sample for each path their example names (`tests/local_files`).
//!
//! Timeouts run on a paused clock (a current-thread runtime of their own): paid inference has
//! minimum timeouts of minutes, which the clock skips instead of waiting for.
//!
//! Issue 17 adds two rules. The 503 variants of elizaOS Cloud (defect 6): a `*_warming` or
//! `rate_limit_unavailable` code, or `retryAfterSeconds`, says the request was not processed
//! and is retried like the on-demand capacity 409, while a 503 whose message only mentions
//! "warming" is a plain 503. And the `Idempotency-Key` (defect 7): every attempt of a request
//! carries the same key, and every failure of one names it in `details.idempotencyKey`.
//!
//! Every case runs twice (issue 17): through the dispatcher as `run` calls it, and as a
//! `tools/call` in an `mcp` session — of the real binary, except the timeouts, which need the
//! paused clock and so meet the same MCP server in process (`mcp::serve_until` on a pipe).
//! The MCP answer must carry the same error document, with `isError` matching it.
//!
//! `FAULT_MATRIX_ONLY=<text>` keeps the cases whose "<command> <Fault> <Via>" contains the
//! text (`Via` is `Run` or `Mcp`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test"
)]

use std::collections::BTreeSet;
use std::io::{BufRead as _, BufReader, Write as _};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use futures_util::StreamExt as _;
use serde_json::{Value, json};
use theta_skill::config::Config;
use theta_skill::runtime::registry::tool_name;
use theta_skill::secrets::EnvSecrets;
use theta_skill::{DynCommand, Effect, Pack, Runtime};
use tokio::io::{AsyncBufReadExt as _, AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpListener;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

mod local_files;
mod upstream_fault;
use upstream_fault::{COMMON, Fault, WARMING, read_request, services_at};

const MAX_RETRIES: usize = 2;
/// Generous: cases run side by side in a debug build on two cores, and only the timeout cases
/// (on a paused clock) are meant to reach it.
const TIMEOUT_MS: u64 = 10_000;
/// How many cases run at once. Most of a case is waiting (a `Retry-After` of a second, a
/// fake's answer), so more cases than cores keep both busy: 32 run the matrix through `run`
/// and `mcp` in about the time 16 took through `run` alone.
const PARALLEL: usize = 32;
/// A case that takes longer has hung.
const CASE_LIMIT: Duration = Duration::from_secs(60);

/// Commands that stream their answer (SSE) when the upstream does.
const STREAMING: &[&str] = &[
    "theta.ondemand.chat",
    "theta.inference.chat",
    "elizacloud.chat",
];

/// Commands that ask again on the plural route when the singular one answers 404/405
/// (`spec/theta-api.md` §2.6): a 404 costs two requests, neither of which did anything.
const ROUTE_DRIFT: &[&str] = &[
    "theta.deployments.list",
    "theta.deployments.start",
    "theta.deployments.stop",
    "theta.deployments.delete",
];

/// The dedicated endpoint's readiness annotation (§2.4): 404, 502 and 503 become
/// `THETA_DEDICATED_ENDPOINT_UPSTREAM_UNREADY`.
const DEDICATED: &[&str] = &["theta.inference.models", "theta.inference.chat"];

/// Answers from the embedded catalogue when the live listing fails (§3.7): never an error.
const CATALOGUE_FALLBACK: &str = "theta.ondemand.listServices";

/// Reads the balance (a read that may fail) before its paid create (§2.6.1).
const READ_THEN_CREATE: &str = "theta.deployments.validateDisposable";

/// Reads the character before it puts the whole back (`spec/elizacloud.md` §6.9): the fault
/// meets the read, which is retried as a read, and nothing is written.
const READ_THEN_PUT: &str = "elizacloud.characters.update";

/// Keeps an answer that is not JSON as `{status: "success", raw}` (§3.4): the answer to a paid
/// job is never thrown away.
const KEPT_RAW: &str = "theta.ondemand.infer";

/// What a case must produce: an error code (`None`: a success), `retriable`, and the number
/// of requests the fake received.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Expected {
    code: Option<String>,
    retriable: bool,
    requests: usize,
}

/// What the runtime answered, how many requests the fake received, and the
/// `Idempotency-Key` each of them carried.
#[derive(Debug)]
struct Outcome {
    response: Value,
    requests: usize,
    keys: Vec<Option<String>>,
}

/// The `Idempotency-Key` in a raw request head.
fn key_in_head(head: &str) -> Option<String> {
    head.lines().find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.trim()
            .eq_ignore_ascii_case("idempotency-key")
            .then(|| value.trim().to_owned())
    })
}

/// How a case reaches the runtime.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Via {
    /// The dispatcher, as `run` calls it.
    Run,
    /// A `tools/call` in an `mcp` session.
    Mcp,
}

#[derive(Clone, Copy)]
struct Target {
    pack: &'static Pack,
    command: &'static dyn DynCommand,
}

impl Target {
    fn id(&self) -> &'static str {
        self.command.id()
    }
    fn read_only(&self) -> bool {
        self.command.effect() == Effect::ReadOnly
    }
}

fn theta() -> &'static Pack {
    upstream_fault::packs()[0]
}

fn eliza() -> &'static Pack {
    upstream_fault::packs()[1]
}

/// The environment of `pack` with every service pointed at `uri` and every secret set.
fn env_for(pack: &'static Pack, uri: &str) -> Vec<(String, String)> {
    let mut vars = vec![
        (pack.var("HTTP_MAX_RETRIES"), MAX_RETRIES.to_string()),
        (pack.var("HTTP_RETRY_BACKOFF_MS"), "25".to_owned()),
        (pack.var("HTTP_TIMEOUT_MS"), TIMEOUT_MS.to_string()),
    ];
    vars.extend(services_at(pack, uri));
    if std::ptr::eq(pack, theta()) {
        for (name, value) in [
            ("THETA_PROJECT_ID", "prj_faultmatrix000"),
            ("THETA_ORG_ID", "org_faultmatrix000"),
            ("THETA_EC_API_KEY", "fault-ec-key"),
            ("THETA_ONDEMAND_API_TOKEN", "fault-ondemand"),
            ("THETA_INFERENCE_AUTH_TOKEN", "fault-inference"),
            ("THETA_VIDEO_SA_ID", "srvacct_fault"),
            ("THETA_VIDEO_SA_SECRET", "fault-video-secret"),
        ] {
            vars.push((name.to_owned(), value.to_owned()));
        }
    } else {
        vars.push((
            "ELIZACLOUD_API_KEY".into(),
            format!("eliza_{}", "ab".repeat(32)),
        ));
    }
    vars
}

/// A runtime reading only the environment of `target`'s pack pointed at `uri`.
fn runtime_for(target: Target, uri: &str) -> Runtime {
    let vars = env_for(target.pack, uri);
    let lookup = vars.clone();
    Runtime::new(
        target.pack,
        Config::from_lookup(target.pack, move |k| {
            lookup.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
        }),
        EnvSecrets::from_pairs(vars),
    )
}

/// Runs the case's command on its example: the response document.
async fn run_command(target: Target, uri: &str, via: Via, clock_paused: bool) -> Value {
    match via {
        Via::Run => runtime_for(target, uri)
            .run(
                target.id(),
                local_files::runnable_example(target.command),
                false,
            )
            .await
            .into_json(),
        Via::Mcp if clock_paused => mcp_in_process(target, uri).await,
        Via::Mcp => {
            let (pack, uri) = (target.pack, uri.to_owned());
            let (tool, args) = (
                tool_name(target.id()),
                local_files::runnable_example(target.command),
            );
            tokio::task::spawn_blocking(move || mcp_binary(pack, &uri, &tool, &args))
                .await
                .unwrap()
        }
    }
}

/// An MCP session's lines: the handshake, then one call (id 2).
fn mcp_lines(tool: &str, args: &Value) -> String {
    let messages = [
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-11-25", "capabilities": {},
            "clientInfo": {"name": "fault-matrix", "version": "1"}}}),
        json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
        json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call",
            "params": {"name": tool, "arguments": args}}),
    ];
    messages.iter().map(|m| format!("{m}\n")).collect()
}

/// The response document in the answer to the call, checked against its `isError`; what went
/// wrong otherwise, as a document no expectation matches.
fn mcp_document(answer: Option<&Value>) -> Value {
    let Some(answer) = answer else {
        return json!({"mcp": "no answer to the call"});
    };
    let result = &answer["result"];
    let Some(text) = result["content"][0]["text"].as_str() else {
        return json!({"mcp": "not a tool result", "answer": answer});
    };
    let Ok(document) = serde_json::from_str::<Value>(text) else {
        return json!({"mcp": "the text is not JSON", "answer": answer});
    };
    if result["isError"] != json!(document["ok"] == json!(false)) {
        return json!({"mcp": "isError disagrees with the document", "answer": answer});
    }
    document
}

/// The call through the pack's real binary: `<binary> mcp`, its environment only.
fn mcp_binary(pack: &'static Pack, uri: &str, tool: &str, args: &Value) -> Value {
    let mut child = Command::new(upstream_fault::binary(pack))
        .arg("mcp")
        .env_clear()
        .envs(env_for(pack, uri))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(mcp_lines(tool, args).as_bytes()).unwrap();
    stdin.flush().unwrap();
    let mut answer = None;
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let Ok(line) = line else { break };
        let message: Value = serde_json::from_str(&line)
            .unwrap_or_else(|e| json!({"stdout": line, "error": e.to_string()}));
        if message["id"] == json!(2) {
            answer = Some(message);
            break;
        }
    }
    drop(stdin);
    let _ = child.wait();
    mcp_document(answer.as_ref())
}

/// The call through the same MCP server in process, on this runtime's (paused) clock.
async fn mcp_in_process(target: Target, uri: &str) -> Value {
    let runtime = Arc::new(runtime_for(target, uri));
    let (mut to_server, server_in) = tokio::io::duplex(1 << 16);
    let (server_out, from_server) = tokio::io::duplex(1 << 16);
    let server = tokio::spawn(theta_skill::mcp::serve_until(
        runtime,
        server_in,
        server_out,
        theta_skill::mcp::McpOptions::default(),
        std::future::pending(),
    ));
    let lines = mcp_lines(
        &tool_name(target.id()),
        &local_files::runnable_example(target.command),
    );
    to_server.write_all(lines.as_bytes()).await.unwrap();
    let mut answer = None;
    let mut reader = tokio::io::BufReader::new(from_server).lines();
    while let Ok(Some(line)) = reader.next_line().await {
        let message: Value = serde_json::from_str(&line).unwrap_or(Value::Null);
        if message["id"] == json!(2) {
            answer = Some(message);
            break;
        }
    }
    drop(to_server);
    let _ = server.await;
    mcp_document(answer.as_ref())
}

fn http_date_in(seconds: u64) -> String {
    httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(seconds))
}

/// The wiremock answer of a fault that has a status. `set_body_raw` keeps the content type:
/// `set_body_string` would send `text/plain`, which the runtime reads as text, not JSON.
fn status_template(fault: Fault) -> ResponseTemplate {
    let json_body = |status: u16, message: &str| {
        ResponseTemplate::new(status).set_body_json(json!({"message": message}))
    };
    let raw_json = |body: String| {
        ResponseTemplate::new(200).set_body_raw(body.into_bytes(), "application/json")
    };
    match fault {
        Fault::NotFound => json_body(404, "not found"),
        Fault::Conflict => json_body(409, "conflict"),
        Fault::Capacity => json_body(409, "No instances available"),
        Fault::TooMany => json_body(429, "slow down"),
        Fault::TooManySmall => json_body(429, "slow down").insert_header("retry-after", "1"),
        Fault::TooManyHuge => {
            json_body(429, "slow down").insert_header("retry-after", "99999999999999999999999")
        }
        Fault::TooManyDate => {
            json_body(429, "slow down").insert_header("retry-after", http_date_in(1).as_str())
        }
        Fault::TooManyGarbage => json_body(429, "slow down").insert_header("retry-after", "soon"),
        Fault::S500 => json_body(500, "internal"),
        Fault::S502 => json_body(502, "bad gateway"),
        Fault::S503 => json_body(503, "unavailable"),
        Fault::S504 => json_body(504, "gateway timeout"),
        Fault::Warming => ResponseTemplate::new(503).set_body_json(json!({"error": {
            "message": "Auth cache warming; retry shortly",
            "type": "service_unavailable",
            "code": "auth_cache_warming"
        }})),
        Fault::LimiterDown => ResponseTemplate::new(503).set_body_json(json!({
            "success": false,
            "error": "Service temporarily unavailable",
            "code": "rate_limit_unavailable",
            "message": "Rate limiting is temporarily unavailable"
        })),
        Fault::RetryAfterSeconds => ResponseTemplate::new(503).set_body_json(json!({
            "success": false,
            "error": "Service temporarily unavailable",
            "code": "service_unavailable",
            "details": {"retryAfterSeconds": 1}
        })),
        // Every word the old substring rule looked for, in text only.
        Fault::WarmingInText => ResponseTemplate::new(503).set_body_json(json!({"error": {
            "message": "the user asked about global warming, retryAfterSeconds and rate_limit_unavailable",
            "type": "service_unavailable"
        }})),
        Fault::BadJson => raw_json("{\"data\": [1, 2,".to_owned()),
        Fault::Oversized => raw_json(format!("{{\"pad\":\"{}\"}}", "x".repeat(17 << 20))),
        Fault::Redirect => {
            ResponseTemplate::new(302).insert_header("location", "http://127.0.0.1:9/elsewhere")
        }
        Fault::Timeout | Fault::Reset | Fault::Truncated | Fault::TruncatedSse => {
            unreachable!("served by the raw listener")
        }
        Fault::Success => unreachable!("not a fault of the matrix"),
    }
}

const TRUNCATED: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\nconnection: close\r\n\r\n{\"data\": [";
const TRUNCATED_SSE: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\nconnection: close\r\n\r\ndata: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hel\"},\"finish_reason\":null}]}\n\ndata: {\"id\":\"c1\",\"choi";

/// A raw fake on the current runtime: it reads each request whole, counts it, then resets
/// the connection, cuts its answer short, or keeps silent until the client hangs up.
type Keys = Arc<Mutex<Vec<Option<String>>>>;

async fn raw_fake(fault: Fault) -> (String, Arc<AtomicUsize>, Keys, tokio::task::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let uri = format!("http://{}", listener.local_addr().unwrap());
    let count = Arc::new(AtomicUsize::new(0));
    let keys = Keys::default();
    let seen = Arc::clone(&count);
    let seen_keys = Arc::clone(&keys);
    let server = tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let seen = Arc::clone(&seen);
            let seen_keys = Arc::clone(&seen_keys);
            tokio::spawn(async move {
                let Some((head, _)) = read_request(&mut stream).await else {
                    return;
                };
                seen_keys.lock().unwrap().push(key_in_head(&head));
                seen.fetch_add(1, Ordering::SeqCst);
                let reply = match fault {
                    Fault::Reset => b"".as_slice(),
                    Fault::Truncated => TRUNCATED,
                    Fault::TruncatedSse => TRUNCATED_SSE,
                    Fault::Timeout => {
                        // Silent until the client gives up.
                        let mut sink = [0u8; 1024];
                        while matches!(stream.read(&mut sink).await, Ok(n) if n > 0) {}
                        return;
                    }
                    _ => unreachable!("served by wiremock"),
                };
                let _ = stream.write_all(reply).await;
                let _ = stream.flush().await;
            });
        }
    });
    (uri, count, keys, server)
}

async fn run_raw_case(target: Target, fault: Fault, via: Via) -> Outcome {
    let (uri, count, keys, server) = raw_fake(fault).await;
    let response = run_command(target, &uri, via, fault == Fault::Timeout).await;
    server.abort();
    let keys = keys.lock().unwrap().clone();
    Outcome {
        response,
        requests: count.load(Ordering::SeqCst),
        keys,
    }
}

async fn run_case(target: Target, fault: Fault, via: Via) -> Outcome {
    match fault {
        // Minutes of timeouts, skipped by a paused clock. Everything the case waits on (the
        // fake included) lives on that clock's runtime, so time only jumps when all of it
        // is idle.
        Fault::Timeout => tokio::task::spawn_blocking(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .start_paused(true)
                .build()
                .unwrap()
                .block_on(run_raw_case(target, fault, via))
        })
        .await
        .unwrap(),
        fault if fault.below_http() => run_raw_case(target, fault, via).await,
        _ => {
            let server = MockServer::start().await;
            Mock::given(any())
                .respond_with(status_template(fault))
                .mount(&server)
                .await;
            let response = run_command(target, &server.uri(), via, false).await;
            let received = server.received_requests().await.unwrap_or_default();
            let keys = received
                .iter()
                .map(|r| {
                    r.headers
                        .get("idempotency-key")
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned)
                })
                .collect();
            upstream_fault::stop(server).await;
            Outcome {
                response,
                requests: received.len(),
                keys,
            }
        }
    }
}

/// The rule of a service that says "not processed, retry" (a capacity rule).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    /// None: every answer keeps the rule of its status.
    None,
    /// Theta on-demand: the 409 "No instances available".
    Capacity,
    /// elizaOS Cloud: a 503 whose code or `retryAfterSeconds` says it was not processed.
    Warming,
}

/// Whether `fault` is a 503.
fn is_503(fault: Fault) -> bool {
    fault == Fault::S503 || WARMING.contains(&fault)
}

/// Whether `rule` says `fault` was not processed.
fn unprocessed(rule: Rule, fault: Fault) -> bool {
    match rule {
        Rule::Capacity => fault == Fault::Capacity,
        Rule::Warming => matches!(
            fault,
            Fault::Warming | Fault::LimiterDown | Fault::RetryAfterSeconds
        ),
        Rule::None => false,
    }
}

/// How many times a request of `effect` is sent under `fault` (the retry rules of design §7),
/// for a service with `rule`.
fn sends(read_only: bool, rule: Rule, fault: Fault) -> usize {
    let all = MAX_RETRIES + 1;
    match fault {
        _ if unprocessed(rule, fault) => all,
        // Refused before any processing, with no wait or a short one.
        Fault::TooMany | Fault::TooManySmall | Fault::TooManyDate => all,
        Fault::S500
        | Fault::S502
        | Fault::S504
        | Fault::Timeout
        | Fault::Reset
        | Fault::Truncated
            if read_only =>
        {
            all
        }
        fault if is_503(fault) && read_only => all,
        _ => 1,
    }
}

/// The error code and `retriable` of a single request under `fault`.
fn failure(read_only: bool, rule: Rule, fault: Fault) -> (String, bool) {
    let code = |c: &str| c.to_owned();
    match fault {
        _ if unprocessed(rule, fault) && rule == Rule::Capacity => {
            (code("THETA_ONDEMAND_CAPACITY_EXHAUSTED"), true)
        }
        _ if unprocessed(rule, fault) => (code("ELIZACLOUD_SERVICE_WARMING"), true),
        Fault::NotFound => (code("HTTP_404"), false),
        Fault::Conflict | Fault::Capacity => (code("HTTP_409"), false),
        Fault::TooMany
        | Fault::TooManySmall
        | Fault::TooManyHuge
        | Fault::TooManyDate
        | Fault::TooManyGarbage => (code("HTTP_429"), true),
        Fault::S500 => (code("HTTP_500"), read_only),
        Fault::S502 => (code("HTTP_502"), read_only),
        Fault::S503
        | Fault::Warming
        | Fault::LimiterDown
        | Fault::RetryAfterSeconds
        | Fault::WarmingInText => (code("HTTP_503"), read_only),
        Fault::S504 => (code("HTTP_504"), read_only),
        Fault::Timeout => (code("TIMEOUT"), read_only),
        Fault::Reset | Fault::Truncated => (code("NETWORK_ERROR"), read_only),
        Fault::TruncatedSse => (code("INCOMPLETE_STREAM"), false),
        Fault::BadJson => (code("INVALID_RESPONSE"), false),
        Fault::Oversized => (code("RESPONSE_TOO_LARGE"), false),
        Fault::Redirect => (code("REDIRECT_REFUSED"), false),
        Fault::Success => unreachable!("not a fault of the matrix"),
    }
}

/// What the rules promise for `fault` on `target`.
fn expected(target: Target, fault: Fault) -> Expected {
    let id = target.id();
    let read_only = target.read_only() || id == READ_THEN_PUT;
    let rule = match target.command.service().name() {
        "theta-ondemand-api" => Rule::Capacity,
        "elizacloud-api" => Rule::Warming,
        _ => Rule::None,
    };
    let mut requests = sends(read_only, rule, fault);
    let (mut code, mut retriable) = failure(read_only, rule, fault);

    if ROUTE_DRIFT.contains(&id) && fault == Fault::NotFound {
        requests = 2;
    }
    if DEDICATED.contains(&id) && (matches!(fault, Fault::NotFound | Fault::S502) || is_503(fault))
    {
        code = "THETA_DEDICATED_ENDPOINT_UPSTREAM_UNREADY".to_owned();
        // A 404 proves nothing was done; a 502/503 keeps the rule of its effect.
        retriable = fault == Fault::NotFound || read_only;
    }
    if id == READ_THEN_CREATE {
        // The balance read absorbs its own failure; the create's failure is the answer.
        requests += sends(true, Rule::None, fault);
        if fault == Fault::BadJson {
            // A 2xx create whose answer cannot be read may have made a deployment that
            // nothing names: the command says so (with the balance read after), and asks for
            // a delete by hand.
            code = "OPERATION_FAILED".to_owned();
            requests += 1;
        }
    }
    if id == CATALOGUE_FALLBACK || (id == KEPT_RAW && fault == Fault::BadJson) {
        return Expected {
            code: None,
            retriable: false,
            requests,
        };
    }
    Expected {
        code: Some(code),
        retriable,
        requests,
    }
}

/// The representatives of every family of `pack`: the first read-only command whose upstream
/// failure is its own, and every paid or mutating command.
fn targets(pack: &'static Pack) -> Vec<Target> {
    let mut out = Vec::new();
    for family in pack.families {
        let upstream = || {
            family
                .commands
                .iter()
                .copied()
                .filter(|c| c.service() != pack.runtime)
        };
        if let Some(read) =
            upstream().find(|c| c.effect() == Effect::ReadOnly && c.id() != CATALOGUE_FALLBACK)
        {
            out.push(Target {
                pack,
                command: read,
            });
        }
        out.extend(
            upstream()
                .filter(|c| c.effect() != Effect::ReadOnly)
                .map(|command| Target { pack, command }),
        );
    }
    out
}

fn command(pack: &'static Pack, id: &str) -> Target {
    Target {
        pack,
        command: pack.commands().find(|c| c.id() == id).unwrap(),
    }
}

fn cases() -> Vec<(Target, Fault, Via)> {
    let cases = faulted();
    let mut both: Vec<(Target, Fault, Via)> = [Via::Run, Via::Mcp]
        .into_iter()
        .flat_map(|via| cases.iter().map(move |(t, f)| (*t, *f, via)))
        .collect();
    if let Ok(only) = std::env::var("FAULT_MATRIX_ONLY") {
        both.retain(|(t, f, via)| format!("{} {f:?} {via:?}", t.id()).contains(&only));
    }
    both
}

/// Every (command, fault) case.
fn faulted() -> Vec<(Target, Fault)> {
    let mut cases = Vec::new();
    for pack in [theta(), eliza()] {
        for target in targets(pack) {
            cases.extend(COMMON.map(|fault| (target, fault)));
            cases.extend(WARMING.map(|fault| (target, fault)));
            if STREAMING.contains(&target.id()) {
                cases.push((target, Fault::TruncatedSse));
            }
        }
    }
    let fallback = command(theta(), CATALOGUE_FALLBACK);
    cases.extend(COMMON.map(|fault| (fallback, fault)));
    cases.push((command(theta(), "theta.billing.balance"), Fault::Oversized));
    cases.push((command(eliza(), "elizacloud.models.list"), Fault::Oversized));
    cases
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_family_times_every_fault() {
    let started = Instant::now();
    let cases = cases();
    let commands: BTreeSet<&str> = cases.iter().map(|(t, ..)| t.id()).collect();
    let faults: BTreeSet<Fault> = cases.iter().map(|(_, f, _)| *f).collect();
    let families: usize = theta().families.len() + eliza().families.len();
    let paid_or_mutating = cases.iter().filter(|(t, ..)| !t.read_only()).count();
    let through_mcp = cases.iter().filter(|(.., via)| *via == Via::Mcp).count();

    let results: Vec<(Target, Fault, Via, Outcome)> =
        futures_util::stream::iter(cases.into_iter().map(|(target, fault, via)| async move {
            let outcome = match tokio::time::timeout(CASE_LIMIT, run_case(target, fault, via)).await
            {
                Ok(outcome) => outcome,
                Err(_) => Outcome {
                    response: json!({"hung": format!("no answer within {CASE_LIMIT:?}")}),
                    requests: usize::MAX,
                    keys: Vec::new(),
                },
            };
            (target, fault, via, outcome)
        }))
        .buffer_unordered(PARALLEL)
        .collect()
        .await;

    let mut failures = Vec::new();
    for (target, fault, via, outcome) in &results {
        let want = expected(*target, *fault);
        let response = &outcome.response;
        let error = &response["error"];
        let got = Expected {
            code: error["code"].as_str().map(str::to_owned),
            retriable: error["retriable"].as_bool().unwrap_or(false),
            requests: outcome.requests,
        };
        // Every answer is one whole envelope; a success here is the catalogue fallback, which
        // says why it fell back, or an answer kept raw.
        let result = &response["result"];
        let shaped = match &want.code {
            Some(_) => response["ok"] == json!(false),
            None if target.id() == CATALOGUE_FALLBACK => {
                response["ok"] == json!(true)
                    && result["source"] == json!("catalog")
                    && result["fallbackReason"].is_string()
            }
            None => response["ok"] == json!(true) && result["raw"].is_string(),
        };
        if !shaped || got != want {
            failures.push(format!(
                "{} × {fault:?} via {via:?}: expected {want:?}, got {got:?}: {response}",
                target.id()
            ));
        }
        if let Some(problem) = key_problem(outcome) {
            failures.push(format!(
                "{} × {fault:?} via {via:?}: {problem}: {response}",
                target.id()
            ));
        }
    }
    failures.sort();
    println!(
        "fault matrix: {} cases ({} commands of {families} families × {} faults, {through_mcp} of them through mcp; {paid_or_mutating} cases of paid or mutating commands), {} failures, {:.1} s",
        results.len(),
        commands.len(),
        faults.len(),
        failures.len(),
        started.elapsed().as_secs_f64()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// What is wrong with the `Idempotency-Key`s of `outcome`, if anything: every attempt must
/// carry the same one, and a failure must name it in `details.idempotencyKey` (issue 17,
/// defect 7), so a retry can reuse it.
fn key_problem(outcome: &Outcome) -> Option<String> {
    let first = outcome.keys.first()?.as_deref()?;
    if outcome.keys.iter().any(|k| k.as_deref() != Some(first)) {
        return Some(format!(
            "the attempts carried different keys: {:?}",
            outcome.keys
        ));
    }
    let error = &outcome.response["error"];
    let named = &error["details"]["idempotencyKey"];
    (outcome.response["ok"] == json!(false) && named != &json!(first))
        .then(|| format!("the failure names {named} instead of the key sent, {first}"))
}

/// The table itself: a few rules that, were they wrong, would make the matrix test a lie.
#[test]
fn the_table_follows_the_retry_rules() {
    let create = command(theta(), "theta.deployments.create");
    let list = command(theta(), "theta.deployments.list");
    let infer = command(theta(), "theta.ondemand.infer");
    // A paid request is never re-sent once it could have been processed.
    for fault in [
        Fault::S500,
        Fault::S502,
        Fault::S503,
        Fault::S504,
        Fault::Timeout,
        Fault::Reset,
        Fault::Truncated,
    ] {
        assert_eq!(expected(create, fault).requests, 1, "{fault:?}");
        assert!(!expected(create, fault).retriable, "{fault:?}");
        assert_eq!(expected(list, fault).requests, MAX_RETRIES + 1, "{fault:?}");
        assert!(expected(list, fault).retriable, "{fault:?}");
    }
    // A 429 with an unusable wait is retriable and sent once, paid or not.
    for target in [create, list] {
        for fault in [Fault::TooManyHuge, Fault::TooManyGarbage] {
            assert_eq!(expected(target, fault).requests, 1);
            assert!(expected(target, fault).retriable);
        }
    }
    // Capacity is the on-demand API's rule only, warming elizaOS Cloud's, and "warming" in
    // a message is nobody's.
    assert_eq!(expected(infer, Fault::Capacity).requests, MAX_RETRIES + 1);
    let chat = command(eliza(), "elizacloud.chat");
    for fault in [Fault::Warming, Fault::LimiterDown, Fault::RetryAfterSeconds] {
        assert_eq!(expected(chat, fault).requests, MAX_RETRIES + 1, "{fault:?}");
        assert_eq!(expected(infer, fault).requests, 1, "{fault:?}");
    }
    assert_eq!(expected(chat, Fault::WarmingInText).requests, 1);
    assert_eq!(
        expected(chat, Fault::WarmingInText).code.as_deref(),
        Some("HTTP_503")
    );
    assert_eq!(
        expected(create, Fault::Capacity).code.as_deref(),
        Some("HTTP_409")
    );
    // Every family has a representative, and every paid or mutating command is one.
    let chosen: BTreeSet<&str> = faulted().iter().map(|(t, _)| t.id()).collect();
    for pack in [theta(), eliza()] {
        for family in pack.families {
            let calls_upstream = family.commands.iter().any(|c| c.service() != pack.runtime);
            assert!(
                !calls_upstream || family.commands.iter().any(|c| chosen.contains(c.id())),
                "family {} has no representative",
                family.name
            );
        }
        for c in pack.commands() {
            if c.effect() != Effect::ReadOnly && c.service() != pack.runtime {
                assert!(chosen.contains(c.id()), "{} is not in the matrix", c.id());
            }
        }
    }
}
