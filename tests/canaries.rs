//! Canaries (issue 13): every command of both packs × every upstream fault, through the real
//! binaries with debug logs on and a distinct canary for every secret of the pack; no
//! 6-character piece of any canary may appear in stdout or stderr.
//!
//! The fakes are hostile: every answer echoes the whole request back (its URL, every header,
//! its body) in the body of the answer, the credential headers also in `Retry-After`,
//! `X-RateLimit-*` and a redirect's `Location`, inside an SSE stream's content and a body cut
//! short. Faults: the fault matrix's (404, 409, capacity 409, five kinds of 429, 500, 502, 503,
//! 504, a timeout, a reset, bad JSON, a truncated body, a truncated SSE stream, a redirect;
//! not the 17 MiB body) and an echoing success.
//!
//! Three ways secrets reach the runtime, one `serve` session per pack × fault × way, each
//! sending every command of the pack as a line (every line must be answered, once):
//! - `host`: the session asks its host (this test) for each secret over stdio;
//! - `envelope`: each line carries the `secrets` map;
//! - `environment`: the variables, without the dedicated endpoint's token, so that Basic
//!   (base64 of `user:pass`) is sent and must be masked in that form too.
//!
//! Then `mcp` (issue 17), one session per pack × fault with the canaries in the environment
//! (the only way MCP has; without the dedicated endpoint's token, so Basic is sent): every
//! command as a `tools/call`, every gated one also with `dryRun: true`, then unknown tool names
//! carrying each canary (the error quoted them whole). Every call is answered once and every
//! stdout line is one JSON-RPC message.
//!
//! Then the CLI: `run` for every command with the canaries in the environment, against a 401,
//! a 500 and a success that echo, and with `--dry-run` (the previews). Each run prints exactly
//! one JSON document.
//!
//! A canary is a fixed tag and 32 random characters; the random part alternates letters from
//! `g`–`z` with letters and digits, so a piece of it is never hex (request ids, idempotency
//! keys) and never a number. Only windows of the random part are checked (the tags are
//! public); for Basic, every window of the base64 of `user:pass`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test"
)]

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine as _;
use futures_util::StreamExt as _;
use serde_json::{Map, Value, json};
use theta_skill::runtime::registry::tool_name;
use theta_skill::{DynCommand, Pack};
use tokio::io::AsyncWriteExt as _;
use tokio::net::TcpListener;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

mod local_files;
mod upstream_fault;
use upstream_fault::{COMMON, Fault, binary, packs, read_request, services_at};

/// Sessions or runs at once.
const PARALLEL: usize = 4;
/// The configured timeout; the timeout fault answers after twice as long.
const TIMEOUT_MS: u64 = 1_000;
/// A session that takes longer has hung.
const SESSION_LIMIT: Duration = Duration::from_secs(120);

/// Every fault of the matrix but the 17 MiB body, a cut event stream, and a success.
fn faults() -> Vec<Fault> {
    COMMON
        .into_iter()
        .chain([Fault::TruncatedSse, Fault::Success])
        .collect()
}

/// How a `serve` session receives the secrets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Way {
    Host,
    Envelope,
    Environment,
}

/// The canaries of one pack.
#[derive(Debug)]
struct Canaries {
    /// Secret name → value.
    values: BTreeMap<&'static str, String>,
    /// The texts whose every 6-character window must stay unprinted.
    checked: Vec<(String, String)>,
}

const TAIL_LETTERS: &[u8] = b"ghijkmnpqrstuvwxyz";
const TAIL_ANY: &[u8] = b"ghijkmnpqrstuvwxyz23456789";

fn random_part(rng: &mut fastrand::Rng) -> String {
    (0..32)
        .map(|i| {
            let set = if i % 2 == 0 { TAIL_LETTERS } else { TAIL_ANY };
            char::from(set[rng.usize(..set.len())])
        })
        .collect()
}

fn canaries(pack: &'static Pack, rng: &mut fastrand::Rng) -> Canaries {
    let mut values = BTreeMap::new();
    let mut checked = Vec::new();
    for secret in pack.secrets {
        let name = secret.canonical();
        let random = random_part(rng);
        let tag: String = name
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect();
        let value = if name == "ELIZACLOUD_API_KEY" {
            format!("eliza_{random}")
        } else {
            format!("cnry{tag}{random}")
        };
        values.insert(name, value);
        checked.push((name.to_owned(), random));
    }
    if let (Some(user), Some(pass)) = (
        values.get("THETA_INFERENCE_AUTH_USER"),
        values.get("THETA_INFERENCE_AUTH_PASS"),
    ) {
        let basic = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"));
        checked.push(("Basic user:pass".to_owned(), basic));
    }
    Canaries { values, checked }
}

/// The pieces of any canary found in `text`.
fn leaks(canaries: &Canaries, text: &str) -> Vec<String> {
    let mut found = BTreeSet::new();
    for (name, secret) in &canaries.checked {
        let chars: Vec<char> = secret.chars().collect();
        for window in chars.windows(6) {
            let piece: String = window.iter().collect();
            if text.contains(&piece) {
                found.insert(format!("{name}: {piece:?}"));
            }
        }
    }
    found.into_iter().collect()
}

// ----- The echoing fakes -----

/// The request as the fake saw it, and the values of its credential headers.
fn echo_of(method: &str, url: &str, headers: &[(String, String)], body: &[u8]) -> (Value, String) {
    let map: Map<String, Value> = headers
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    let credentials: Vec<&str> = headers
        .iter()
        .filter(|(k, _)| {
            let k = k.to_ascii_lowercase();
            k == "authorization" || k.contains("key") || k.contains("secret") || k.contains("-sa-")
        })
        .map(|(_, v)| v.as_str())
        .collect();
    let echo = json!({
        "method": method,
        "url": url,
        "headers": map,
        "body": String::from_utf8_lossy(body),
    });
    (echo, credentials.join(" "))
}

/// A status answer whose every text field is the echo.
fn echo_body(echo: &Value) -> Value {
    let text = echo.to_string();
    json!({
        "success": false,
        "error": text,
        "message": text,
        "code": "echo",
        "details": echo,
        "body": {"status": "error", "message": text}
    })
}

/// A success that carries the echo in every field a command might print.
fn echo_success(echo: &Value) -> Value {
    let text = echo.to_string();
    json!({
        "success": true,
        "status": "success",
        "id": text,
        "message": text,
        "data": [echo],
        "body": {
            "status": "success",
            "message": text,
            "infer_requests": [{"id": text, "state": "success", "output": echo}],
            "deployments": [echo],
        },
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}
    })
}

struct Echoer(Fault);

impl Respond for Echoer {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let headers: Vec<(String, String)> = request
            .headers
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let (echo, credentials) = echo_of(
            request.method.as_str(),
            request.url.as_str(),
            &headers,
            &request.body,
        );
        let status = |code: u16| ResponseTemplate::new(code).set_body_json(echo_body(&echo));
        let header_safe: String = credentials
            .chars()
            .filter(|c| c.is_ascii_graphic() || *c == ' ')
            .collect();
        match self.0 {
            Fault::NotFound => status(404),
            Fault::Conflict => status(409),
            Fault::Capacity => ResponseTemplate::new(409).set_body_json(json!({
                "message": format!("No instances available {}", echo),
                "details": echo,
            })),
            Fault::TooMany => status(429)
                .insert_header("x-ratelimit-limit", header_safe.as_str())
                .insert_header("x-ratelimit-remaining", header_safe.as_str()),
            Fault::TooManySmall => status(429).insert_header("retry-after", "1"),
            Fault::TooManyHuge => {
                status(429).insert_header("retry-after", "99999999999999999999999")
            }
            Fault::TooManyDate => status(429).insert_header(
                "retry-after",
                httpdate::fmt_http_date(std::time::SystemTime::now()).as_str(),
            ),
            Fault::TooManyGarbage => status(429)
                .insert_header("retry-after", header_safe.as_str())
                .insert_header("x-ratelimit-reset", header_safe.as_str()),
            Fault::S500 => status(500),
            Fault::S502 => status(502),
            Fault::S503 => status(503),
            Fault::S504 => status(504),
            Fault::BadJson => ResponseTemplate::new(200).set_body_raw(
                format!("{{\"broken\": {echo}, \"message\": \"{header_safe}").into_bytes(),
                "application/json",
            ),
            Fault::Redirect => ResponseTemplate::new(302).insert_header(
                "location",
                format!(
                    "http://127.0.0.1:9/next?echo={}",
                    header_safe.replace(' ', "+")
                )
                .as_str(),
            ),
            Fault::Success => ResponseTemplate::new(200).set_body_json(echo_success(&echo)),
            Fault::Timeout => ResponseTemplate::new(200)
                .set_body_json(echo_success(&echo))
                .set_delay(Duration::from_millis(TIMEOUT_MS * 2)),
            Fault::Reset | Fault::Truncated | Fault::TruncatedSse => {
                unreachable!("served by the raw listener")
            }
            Fault::Oversized => unreachable!("not a canary fault: its 17 MiB echo nothing"),
            Fault::Warming
            | Fault::LimiterDown
            | Fault::RetryAfterSeconds
            | Fault::WarmingInText => unreachable!("not a canary fault: the fault matrix's 503s"),
        }
    }
}

/// A raw fake: reads each request, then resets, or answers with the echo cut short.
async fn raw_fake(fault: Fault, seen: Seen) -> (String, tokio::task::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let uri = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let seen = Arc::clone(&seen);
            tokio::spawn(async move {
                let Some((head, body)) = read_request(&mut stream).await else {
                    return;
                };
                seen.lock()
                    .unwrap()
                    .push(format!("{head}{}", String::from_utf8_lossy(&body)));
                let mut lines = head.lines();
                let request_line = lines.next().unwrap_or_default().to_owned();
                let mut parts = request_line.split(' ');
                let method = parts.next().unwrap_or_default();
                let target = parts.next().unwrap_or_default();
                let headers: Vec<(String, String)> = lines
                    .filter_map(|l| l.split_once(':'))
                    .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
                    .collect();
                let (echo, _) = echo_of(method, target, &headers, &body);
                let reply = match fault {
                    Fault::Reset => Vec::new(),
                    Fault::Truncated => {
                        let text = echo_success(&echo).to_string();
                        let cut = &text[..text.len() - 2];
                        format!(
                            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{cut}",
                            text.len() + 100
                        )
                        .into_bytes()
                    }
                    Fault::TruncatedSse => {
                        let chunk = json!({
                            "id": "c1", "object": "chat.completion.chunk", "model": "m",
                            "choices": [{"index": 0, "delta": {"role": "assistant", "content": echo.to_string()}, "finish_reason": null}]
                        });
                        format!(
                            "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\ndata: {chunk}\n\ndata: {{\"id\":\"c1\",\"choi"
                        )
                        .into_bytes()
                    }
                    _ => unreachable!("served by wiremock"),
                };
                let _ = stream.write_all(&reply).await;
                let _ = stream.flush().await;
            });
        }
    });
    (uri, server)
}

/// The requests a raw fake received, as text.
type Seen = Arc<Mutex<Vec<String>>>;

/// A fake for `fault`: its URI, and what to drop when done.
enum Fake {
    Mock(MockServer),
    Raw(tokio::task::JoinHandle<()>, Seen),
}

async fn start_fake(fault: Fault) -> (String, Fake) {
    match fault {
        fault if fault.below_http() => {
            let seen = Seen::default();
            let (uri, handle) = raw_fake(fault, Arc::clone(&seen)).await;
            (uri, Fake::Raw(handle, seen))
        }
        _ => {
            let server = MockServer::start().await;
            Mock::given(any())
                .respond_with(Echoer(fault))
                .mount(&server)
                .await;
            (server.uri(), Fake::Mock(server))
        }
    }
}

/// Stops the fake; returns how many of the requests it received carried a canary (in the
/// URL, a header or the body, plain or as Basic): the proof that the canaries were sent.
async fn stop_fake(fake: Fake, canaries: &Canaries) -> usize {
    let carries = |text: &str| {
        canaries.values.values().any(|v| text.contains(v.as_str()))
            || canaries
                .checked
                .iter()
                .any(|(_, c)| text.contains(c.as_str()))
    };
    match fake {
        Fake::Raw(handle, seen) => {
            handle.abort();
            let seen = seen.lock().unwrap();
            seen.iter().filter(|r| carries(r)).count()
        }
        Fake::Mock(server) => {
            let requests = server.received_requests().await.unwrap_or_default();
            let carrying = requests
                .iter()
                .filter(|r| {
                    let headers: Vec<String> = r
                        .headers
                        .values()
                        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
                        .collect();
                    carries(&format!(
                        "{} {} {}",
                        r.url,
                        headers.join(" "),
                        String::from_utf8_lossy(&r.body)
                    ))
                })
                .count();
            upstream_fault::stop(server).await;
            carrying
        }
    }
}

// ----- The binaries -----

/// The environment of a run: debug logs, every service at `uri`, short waits.
fn base_env(pack: &'static Pack, uri: &str) -> Vec<(String, String)> {
    let mut vars = vec![
        (pack.var("LOG"), "debug".to_owned()),
        (pack.var("HTTP_MAX_RETRIES"), "1".to_owned()),
        (pack.var("HTTP_RETRY_BACKOFF_MS"), "10".to_owned()),
        (pack.var("HTTP_TIMEOUT_MS"), TIMEOUT_MS.to_string()),
    ];
    vars.extend(services_at(pack, uri));
    if pack.binary == "theta-skill" {
        vars.push(("THETA_PROJECT_ID".into(), "prj_canaries000".into()));
        vars.push(("THETA_ORG_ID".into(), "org_canaries000".into()));
    }
    vars
}

/// The example of `command`, with every wait, timeout and interval its schema has at its
/// smallest, so that polling commands give up within a second or two.
fn hastened_example(command: &dyn DynCommand) -> Value {
    fn hasten(schema: &Value, args: &mut Value) {
        let Some(properties) = schema["properties"].as_object() else {
            return;
        };
        let Some(args) = args.as_object_mut() else {
            return;
        };
        for (name, property) in properties {
            let fast = match name.as_str() {
                n if n.ends_with("imeoutMs") => Some(json!(1_000)),
                "intervalMs" => Some(json!(500)),
                "wait" => Some(json!(0)),
                "maxAttempts" => Some(json!(2)),
                _ => None,
            };
            if let Some(value) = fast {
                args.insert(name.clone(), value);
            } else if property["type"] == "object" && property.get("properties").is_some() {
                let entry = args.entry(name.clone()).or_insert_with(|| json!({}));
                hasten(property, entry);
            }
        }
    }
    let mut args = local_files::runnable_example(command);
    hasten(&command.input_schema(), &mut args);
    args
}

/// What a session or run printed.
struct Printed {
    stdout: String,
    stderr: String,
    /// How many answers each request id got (`serve`, `mcp`).
    answers: BTreeMap<String, usize>,
    /// stdout lines that are not what the mode prints (`mcp`: one JSON-RPC message each).
    malformed: Vec<String>,
    hung: bool,
}

fn spawn(pack: &'static Pack, env: &[(String, String)], args: &[&str]) -> Child {
    Command::new(binary(pack))
        .env_clear()
        .envs(env.iter().cloned())
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn collect_stderr(child: &mut Child) -> std::thread::JoinHandle<String> {
    let mut stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    })
}

fn write_line(stdin: &Mutex<Option<ChildStdin>>, line: &str) {
    if let Some(stdin) = stdin.lock().unwrap().as_mut() {
        let _ = stdin.write_all(line.as_bytes());
        let _ = stdin.write_all(b"\n");
        let _ = stdin.flush();
    }
}

/// One `serve` session: every line sent, the host's part played (secrets answered from
/// `host`, or `null`), until every request has its answer.
fn serve_session(
    pack: &'static Pack,
    env: &[(String, String)],
    lines: Vec<String>,
    host: Option<&BTreeMap<&'static str, String>>,
) -> Printed {
    let mut child = spawn(pack, env, &["serve"]);
    let stderr = collect_stderr(&mut child);
    let stdin = Arc::new(Mutex::new(child.stdin.take()));
    let expected = lines.len();
    {
        let stdin = Arc::clone(&stdin);
        std::thread::spawn(move || {
            for line in lines {
                write_line(&stdin, &line);
            }
        });
    }
    let (tx, rx) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + SESSION_LIMIT;
    let mut printed = String::new();
    let mut answers: BTreeMap<String, usize> = BTreeMap::new();
    let mut hung = false;
    while answers.values().sum::<usize>() < expected {
        let Some(left) = deadline.checked_duration_since(Instant::now()) else {
            hung = true;
            break;
        };
        let Ok(line) = rx.recv_timeout(left) else {
            hung = true;
            break;
        };
        printed.push_str(&line);
        printed.push('\n');
        let Ok(message) = serde_json::from_str::<Value>(&line) else {
            continue;
        };
        match message["type"].as_str() {
            Some("secret") => {
                let name = message["name"].as_str().unwrap_or_default();
                let value = host
                    .and_then(|h| h.get(name))
                    .map_or(Value::Null, |v| Value::String(v.clone()));
                let reply = json!({"type": "secret", "id": message["id"], "value": value});
                write_line(&stdin, &reply.to_string());
            }
            Some("progress") => {}
            _ => *answers.entry(message["id"].to_string()).or_default() += 1,
        }
    }
    // End of input: the session ends once it has nothing left to answer.
    stdin.lock().unwrap().take();
    if hung {
        let _ = child.kill();
    }
    let _ = child.wait();
    while let Ok(line) = rx.recv_timeout(Duration::from_secs(5)) {
        printed.push_str(&line);
        printed.push('\n');
    }
    Printed {
        stdout: printed,
        stderr: stderr.join().unwrap(),
        answers,
        malformed: Vec::new(),
        hung,
    }
}

/// One `mcp` session: the handshake, every call, and once each call has its answer the
/// `probes` (also calls), until every one of them is answered.
fn mcp_session(
    pack: &'static Pack,
    env: &[(String, String)],
    calls: Vec<Value>,
    probes: Vec<Value>,
) -> Printed {
    let mut child = spawn(pack, env, &["mcp"]);
    let stderr = collect_stderr(&mut child);
    let stdin = Arc::new(Mutex::new(child.stdin.take()));
    let handshake = [
        json!({"jsonrpc": "2.0", "id": "init", "method": "initialize", "params": {
            "protocolVersion": "2025-11-25", "capabilities": {},
            "clientInfo": {"name": "canaries", "version": "1"}}}),
        json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
    ];
    let first = calls.len() + 1;
    let expected = first + probes.len();
    {
        let stdin = Arc::clone(&stdin);
        std::thread::spawn(move || {
            for message in handshake.iter().chain(&calls) {
                write_line(&stdin, &message.to_string());
            }
        });
    }
    let (tx, rx) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + SESSION_LIMIT;
    let mut printed = String::new();
    let mut answers: BTreeMap<String, usize> = BTreeMap::new();
    let mut malformed = Vec::new();
    let mut probes = Some(probes);
    let mut hung = false;
    let answered = |answers: &BTreeMap<String, usize>| answers.values().sum::<usize>();
    while answered(&answers) < expected {
        if answered(&answers) >= first
            && let Some(probes) = probes.take()
        {
            for probe in probes {
                write_line(&stdin, &probe.to_string());
            }
        }
        let Some(left) = deadline.checked_duration_since(Instant::now()) else {
            hung = true;
            break;
        };
        let Ok(line) = rx.recv_timeout(left) else {
            hung = true;
            break;
        };
        printed.push_str(&line);
        printed.push('\n');
        match serde_json::from_str::<Value>(&line) {
            Ok(message) if message["jsonrpc"] == json!("2.0") => {
                if message.get("id").is_some() {
                    *answers.entry(message["id"].to_string()).or_default() += 1;
                }
            }
            _ => malformed.push(line),
        }
    }
    stdin.lock().unwrap().take();
    if hung {
        let _ = child.kill();
    }
    let _ = child.wait();
    while let Ok(line) = rx.recv_timeout(Duration::from_secs(5)) {
        printed.push_str(&line);
        printed.push('\n');
        if !serde_json::from_str::<Value>(&line).is_ok_and(|m| m["jsonrpc"] == json!("2.0")) {
            malformed.push(line);
        }
    }
    Printed {
        stdout: printed,
        stderr: stderr.join().unwrap(),
        answers,
        malformed,
        hung,
    }
}

/// One CLI run: `args` on the command line, nothing on stdin.
fn cli_run(pack: &'static Pack, env: &[(String, String)], args: &[&str]) -> Printed {
    let mut child = spawn(pack, env, args);
    drop(child.stdin.take());
    let stderr = collect_stderr(&mut child);
    let mut stdout = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    let _ = child.wait();
    Printed {
        stdout,
        stderr: stderr.join().unwrap(),
        answers: BTreeMap::new(),
        malformed: Vec::new(),
        hung: false,
    }
}

// ----- The suite -----

/// What a job does with the fake's URI: what it printed, and for a session how many lines
/// it sent.
type Run = Box<dyn FnOnce(&str) -> (Printed, Option<usize>) + Send>;

/// One session or run: its label, its pack, the fault its fake plays.
type Job = (String, &'static Pack, Fault, Run);

/// Checks one session or run; returns its problems.
fn check(label: &str, canaries: &Canaries, printed: &Printed) -> Vec<String> {
    let mut problems = Vec::new();
    for (stream, text) in [("stdout", &printed.stdout), ("stderr", &printed.stderr)] {
        let found = leaks(canaries, text);
        if !found.is_empty() {
            let first = &found[0];
            let piece = first
                .rsplit(' ')
                .next()
                .unwrap_or_default()
                .trim_matches('"');
            let at = text.find(piece).unwrap_or(0);
            let context: String = text[at.saturating_sub(200)..].chars().take(400).collect();
            problems.push(format!(
                "{label}: {} piece(s) in {stream}, first {first} in …{context}…",
                found.len()
            ));
        }
    }
    if printed.hung {
        problems.push(format!("{label}: hung"));
    }
    if let Some(line) = printed.malformed.first() {
        let line: String = line.chars().take(300).collect();
        problems.push(format!(
            "{label}: {} stdout line(s) not what the mode prints, first: {line}",
            printed.malformed.len()
        ));
    }
    problems
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_piece_of_any_canary_is_ever_printed() {
    let started = Instant::now();
    let mut rng = fastrand::Rng::new();
    let mut jobs: Vec<Job> = Vec::new();
    let mut canary_count = 0;
    let mut command_count = 0;
    let mut all_canaries = Vec::new();
    for pack in packs() {
        let canaries = Arc::new(canaries(pack, &mut rng));
        canary_count += canaries.values.len();
        command_count += pack.commands().count();
        all_canaries.push((pack.name, Arc::clone(&canaries)));
        let commands: Vec<(String, Value)> = pack
            .commands()
            .map(|c| (c.id().to_owned(), hastened_example(c)))
            .collect();
        for fault in faults() {
            for way in [Way::Host, Way::Envelope, Way::Environment] {
                let canaries = Arc::clone(&canaries);
                let commands = commands.clone();
                jobs.push((
                    format!("serve {} × {fault:?} × {way:?}", pack.name),
                    pack,
                    fault,
                    Box::new(move |uri: &str| {
                        let mut env = base_env(pack, uri);
                        if way == Way::Environment {
                            env.extend(
                                canaries
                                    .values
                                    .iter()
                                    .filter(|(n, _)| **n != "THETA_INFERENCE_AUTH_TOKEN")
                                    .map(|(n, v)| ((*n).to_owned(), v.clone())),
                            );
                        }
                        let lines: Vec<String> = commands
                            .iter()
                            .enumerate()
                            .map(|(i, (id, args))| {
                                let mut line = json!({"id": i, "command": id, "args": args});
                                if way == Way::Envelope {
                                    line["secrets"] = json!(canaries.values);
                                }
                                line.to_string()
                            })
                            .collect();
                        let host = (way == Way::Host).then_some(&canaries.values);
                        let expected = lines.len();
                        (serve_session(pack, &env, lines, host), Some(expected))
                    }),
                ));
            }
        }
        for fault in faults() {
            let canaries = Arc::clone(&canaries);
            let mut calls = Vec::new();
            for command in pack.commands() {
                let args = hastened_example(command);
                let mut dry = args.clone();
                let gated = command.effect() != theta_skill::Effect::ReadOnly;
                for arguments in std::iter::once(args).chain(gated.then(|| {
                    dry["dryRun"] = json!(true);
                    dry
                })) {
                    calls.push(json!({
                        "jsonrpc": "2.0", "id": calls.len(), "method": "tools/call",
                        "params": {"name": tool_name(command.id()), "arguments": arguments}
                    }));
                }
            }
            // Only secrets the session holds can be masked: not the token left out for Basic.
            let probes: Vec<Value> = canaries
                .values
                .iter()
                .filter(|(name, _)| **name != "THETA_INFERENCE_AUTH_TOKEN")
                .map(|(_, value)| value)
                .enumerate()
                .flat_map(|(n, value)| {
                    [
                        format!("{}_{value}", pack.name),
                        format!("{}{value}", "x".repeat(60)),
                    ]
                    .into_iter()
                    .enumerate()
                    .map(move |(k, name)| {
                        json!({"jsonrpc": "2.0", "id": format!("probe-{n}-{k}"), "method": "tools/call",
                            "params": {"name": name, "arguments": {}}})
                    })
                })
                .collect();
            jobs.push((
                format!("mcp {} × {fault:?}", pack.name),
                pack,
                fault,
                Box::new(move |uri: &str| {
                    let mut env = base_env(pack, uri);
                    env.extend(
                        canaries
                            .values
                            .iter()
                            .filter(|(n, _)| **n != "THETA_INFERENCE_AUTH_TOKEN")
                            .map(|(n, v)| ((*n).to_owned(), v.clone())),
                    );
                    let expected = calls.len() + probes.len() + 1;
                    (mcp_session(pack, &env, calls, probes), Some(expected))
                }),
            ));
        }
        for (id, args) in &commands {
            for (fault, dry_run) in [
                (Fault::NotFound, false),
                (Fault::S500, false),
                (Fault::Success, false),
                (Fault::Success, true),
            ] {
                let canaries = Arc::clone(&canaries);
                let (id, args) = (id.clone(), args.to_string());
                jobs.push((
                    format!(
                        "run {id} × {fault:?}{}",
                        if dry_run { " --dry-run" } else { "" }
                    ),
                    pack,
                    fault,
                    Box::new(move |uri: &str| {
                        let mut env = base_env(pack, uri);
                        env.extend(
                            canaries
                                .values
                                .iter()
                                .map(|(n, v)| ((*n).to_owned(), v.clone())),
                        );
                        let mut argv = vec!["run", id.as_str(), args.as_str()];
                        if dry_run {
                            argv.push("--dry-run");
                        }
                        (cli_run(pack, &env, &argv), None)
                    }),
                ));
            }
        }
    }
    let total = jobs.len();
    let canaries_of = |pack: &'static Pack| {
        Arc::clone(
            &all_canaries
                .iter()
                .find(|(name, _)| *name == pack.name)
                .unwrap()
                .1,
        )
    };
    let results: Vec<(String, Vec<String>, usize, usize)> =
        futures_util::stream::iter(jobs.into_iter().map(|(label, pack, fault, job)| {
            let canaries = canaries_of(pack);
            async move {
                let (uri, fake) = start_fake(fault).await;
                let (printed, lines) = tokio::task::spawn_blocking(move || job(&uri))
                    .await
                    .unwrap();
                let carried = stop_fake(fake, &canaries).await;
                let mut problems = check(&label, &canaries, &printed);
                match lines {
                    // Every line of a session is answered once, in one JSON line each.
                    Some(expected) => {
                        if carried == 0 {
                            problems.push(format!("{label}: no request carried a canary"));
                        }
                        let answered = printed.answers.len();
                        let twice: Vec<_> =
                            printed.answers.iter().filter(|(_, n)| **n > 1).collect();
                        if answered != expected || !twice.is_empty() {
                            problems.push(format!(
                                "{label}: {answered} of {expected} lines answered, twice: {twice:?}"
                            ));
                        }
                    }
                    // A run prints exactly one JSON document.
                    None => {
                        let mut documents = serde_json::Deserializer::from_str(&printed.stdout)
                            .into_iter::<Value>();
                        let one = matches!(documents.next(), Some(Ok(Value::Object(_))))
                            && documents.next().is_none();
                        if !one {
                            problems.push(format!(
                                "{label}: stdout is not one JSON document: {}",
                                printed.stdout
                            ));
                        }
                    }
                }
                let bytes = printed.stdout.len() + printed.stderr.len();
                (label, problems, bytes, carried)
            }
        }))
        .buffer_unordered(PARALLEL)
        .collect()
        .await;

    let sessions = results
        .iter()
        .filter(|(l, ..)| l.starts_with("serve"))
        .count();
    let mcp_sessions = results
        .iter()
        .filter(|(l, ..)| l.starts_with("mcp"))
        .count();
    let printed_bytes: usize = results.iter().map(|(_, _, b, _)| b).sum();
    let carried: usize = results.iter().map(|(.., c)| c).sum();
    let problems: Vec<String> = results.into_iter().flat_map(|(_, p, ..)| p).collect();
    println!(
        "canaries: {command_count} commands, {canary_count} canaries; {sessions} serve sessions (every command × {} faults × 3 ways), {mcp_sessions} mcp sessions (every command × every fault) and {} CLI runs; {carried} requests carried a canary to the echoing fakes; {:.1} MB of stdout and stderr checked; {} problems; {:.1} s",
        faults().len(),
        total - sessions - mcp_sessions,
        printed_bytes as f64 / 1e6,
        problems.len(),
        started.elapsed().as_secs_f64()
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The check itself finds a canary printed whole, cut, or in the Basic form.
#[test]
fn the_check_finds_a_piece_of_a_canary() {
    let mut rng = fastrand::Rng::with_seed(7);
    let canaries = canaries(&theta_skill::skills::theta::PACK, &mut rng);
    let key = &canaries.values["THETA_EC_API_KEY"];
    assert!(leaks(&canaries, "nothing here").is_empty());
    assert!(!leaks(&canaries, key).is_empty());
    let cut = &key[key.len() - 6..];
    assert_eq!(leaks(&canaries, &format!("…{cut}")).len(), 1);
    let basic = base64::engine::general_purpose::STANDARD.encode(format!(
        "{}:{}",
        canaries.values["THETA_INFERENCE_AUTH_USER"], canaries.values["THETA_INFERENCE_AUTH_PASS"]
    ));
    assert!(!leaks(&canaries, &basic[10..16]).is_empty());
    // The tags are public: a canary's name is not a leak.
    assert!(leaks(&canaries, "cnrythetaecapikey").is_empty());
}
