//! A fake elizaOS Cloud (`spec/elizacloud.md` §6 and the fake-server checklist of §10): one
//! wiremock responder on 127.0.0.1 holding the whole server state behind `Arc<Mutex<…>>`:
//! key auth (X-API-Key wins; two credentials refused on self-revoke), the per-route error
//! shapes (E1–E9), a USD ledger, SSE chat (content and tool-call deltas, usage chunk,
//! `[DONE]`, the error-chunk and cut modes), jobs that advance over polls, idempotent
//! container deploys by `projectName`, checkout sessions by `Idempotency-Key`, and rate limits
//! with their headers; voices (multipart clone and speech to text, [`voice`]), characters
//! ([`characters`]) and A2A ([`a2a`]). Tests switch modes through [`State`].

#![allow(dead_code, unreachable_pub, clippy::unwrap_used, clippy::expect_used)]

pub mod a2a;
pub mod characters;
pub mod voice;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use skill_runtime::Runtime;
use skill_runtime::config::Config;
use skill_runtime::secrets::EnvSecrets;
use skill_runtime::skills::elizacloud::PACK;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// The key the fake accepts; also the canary that must never be printed.
pub const KEY: &str = "eliza_c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00";

/// A key the fake also accepts although it does not look like one (a legacy format).
pub const ODD_KEY: &str = "eliza_legacy_key_0001";

/// What `/api/v1/chat/completions` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ChatMode {
    /// Answers normally (tool calls when `tools` were sent).
    #[default]
    Normal,
    /// Streams one chunk, then the server's error chunk and `[DONE]`.
    ErrorChunk,
    /// Streams one chunk and stops (no finish, no `[DONE]`).
    Cut,
    /// Answers this status (E2).
    Fail(u16),
}

/// What `/api/v1/generate-video` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum VideoMode {
    /// 200 with a video.
    #[default]
    Done,
    /// 202 pending.
    Pending,
    /// 202 submission_unknown.
    Unknown,
    /// 503 provider failure.
    Fail,
}

/// The server state.
#[derive(Debug)]
pub struct State {
    /// USD balance.
    pub balance: f64,
    /// Ledger rows (debits negative).
    pub ledger: Vec<Value>,
    /// Whether the key was revoked.
    pub revoked: bool,
    /// Chat behaviour.
    pub chat: ChatMode,
    /// Video behaviour.
    pub video: VideoMode,
    /// The next N inference requests answer 503 warming.
    pub warming: u32,
    /// `/api/v1/models` answers 503.
    pub models_down: bool,
    /// Per-route limits: route → (limit, used).
    pub limits: HashMap<&'static str, (u32, u32)>,
    /// Checkout sessions by idempotency key.
    pub checkouts: HashMap<String, Value>,
    /// Auto top-up settings.
    pub auto_top_up: Value,
    /// Whether the org has a payment method.
    pub has_payment_method: bool,
    /// Documents.
    pub documents: Vec<Value>,
    /// Agents.
    pub agents: Vec<Value>,
    /// Jobs: id → (polls so far, ends in failure).
    pub jobs: HashMap<String, (u32, bool)>,
    /// Containers.
    pub containers: Vec<Value>,
    /// Ids handed out.
    pub next_id: u32,
    /// Voices (clone adds, delete deactivates).
    pub voices: Vec<Value>,
    /// Voice clone jobs (the ones still in flight or awaiting reconciliation are listed).
    pub clone_jobs: Vec<Value>,
    /// Voice clones by `Idempotency-Key`: the payload digest and the stored answer (`None`:
    /// recorded, no answer stored).
    pub clone_keys: HashMap<String, (String, Option<(u16, Value)>)>,
    /// What a clone does.
    pub clone_mode: voice::CloneMode,
    /// The speech-to-text body cap (bytes), checked before authentication.
    pub stt_max_body: usize,
    /// Speech to text runs on the free Whisper lane (else billed).
    pub stt_whisper: bool,
    /// Every multipart part received.
    pub parts: Vec<voice::PartLog>,
    /// Characters.
    pub characters: Vec<Value>,
    /// The organization's character quota.
    pub character_max: usize,
    /// A2A tasks: id → (task, `tasks/get` calls so far).
    pub tasks: HashMap<String, (Value, u32)>,
    /// A2A tasks are born `completed` (production) instead of `submitted`.
    pub a2a_sync: bool,
    /// `tasks/get` calls after which a task completes.
    pub a2a_task_polls: u32,
}

impl Default for State {
    fn default() -> Self {
        Self {
            balance: 5.0,
            ledger: vec![
                json!({"id": "tx_0", "amount": 5.0, "type": "credit", "description": "Welcome bonus", "created_at": "2026-01-01T00:00:00.000Z"}),
            ],
            revoked: false,
            chat: ChatMode::Normal,
            video: VideoMode::Done,
            warming: 0,
            models_down: false,
            limits: HashMap::new(),
            checkouts: HashMap::new(),
            auto_top_up: json!({"enabled": false, "amount": 10, "threshold": 2}),
            has_payment_method: false,
            documents: Vec::new(),
            agents: Vec::new(),
            jobs: HashMap::new(),
            containers: Vec::new(),
            next_id: 1,
            voices: voice::seed_voices(),
            clone_jobs: Vec::new(),
            clone_keys: HashMap::new(),
            clone_mode: voice::CloneMode::Done,
            stt_max_body: 26_214_400,
            stt_whisper: false,
            parts: Vec::new(),
            characters: characters::seed(),
            character_max: 5,
            tasks: HashMap::new(),
            a2a_sync: false,
            a2a_task_polls: 2,
        }
    }
}

impl State {
    fn id(&mut self, prefix: &str) -> String {
        self.next_id += 1;
        format!("{prefix}_{}", self.next_id)
    }

    fn debit(&mut self, amount: f64, description: &str) {
        self.balance -= amount;
        let id = self.id("tx");
        self.ledger.push(json!({"id": id, "amount": -amount, "type": "debit", "description": description, "created_at": "2026-01-01T00:00:01.000Z"}));
    }

    fn job(&mut self, fail: bool) -> String {
        let id = self.id("job");
        self.jobs.insert(id.clone(), (0, fail));
        id
    }
}

/// The fake, started.
pub struct Fake {
    /// The mock server.
    pub server: MockServer,
    /// Its state.
    pub state: Arc<Mutex<State>>,
}

impl Fake {
    /// Starts a fake with the default state.
    pub async fn start() -> Self {
        let server = MockServer::start().await;
        let state = Arc::new(Mutex::new(State::default()));
        Mock::given(any())
            .respond_with(Cloud {
                state: Arc::clone(&state),
            })
            .mount(&server)
            .await;
        Self { server, state }
    }

    /// Changes the state.
    pub fn with(&self, f: impl FnOnce(&mut State)) {
        f(&mut self.state.lock().unwrap());
    }

    /// Reads the state.
    pub fn read<T>(&self, f: impl FnOnce(&State) -> T) -> T {
        f(&self.state.lock().unwrap())
    }

    /// The requests received, in order.
    pub async fn requests(&self) -> Vec<Request> {
        self.server.received_requests().await.unwrap_or_default()
    }

    /// An environment pointed at this fake, with the key.
    pub fn env(&self) -> Env {
        Env::new()
            .set("ELIZACLOUD_BASE_URL", &self.server.uri())
            .set("ELIZACLOUD_API_KEY", KEY)
    }

    /// The test hook: a human paid checkout `session`; its amount is credited.
    pub fn pay(&self, session: &str) {
        self.with(|s| {
            let amount = s
                .checkouts
                .values()
                .find(|c| c["sessionId"] == session)
                .map(|c| c["amountUsd"].as_f64().unwrap_or_default());
            if let Some(amount) = amount {
                s.balance += amount;
                s.ledger.push(json!({"id": "tx_paid", "amount": amount, "type": "credit", "description": "Stripe checkout", "created_at": "2026-01-01T00:00:02.000Z"}));
            }
        });
    }
}

/// A fixed environment for one test.
#[derive(Debug, Clone, Default)]
pub struct Env {
    vars: HashMap<String, String>,
}

impl Env {
    /// Empty, with fast retries.
    pub fn new() -> Self {
        Self::default().set("ELIZACLOUD_HTTP_RETRY_BACKOFF_MS", "25")
    }
    /// Sets a variable.
    pub fn set(mut self, name: &str, value: &str) -> Self {
        self.vars.insert(name.to_owned(), value.to_owned());
        self
    }
    /// Removes a variable.
    pub fn unset(mut self, name: &str) -> Self {
        self.vars.remove(name);
        self
    }
    /// A runtime reading only this environment.
    pub fn runtime(&self) -> Runtime {
        let vars = self.vars.clone();
        Runtime::new(
            &PACK,
            Config::from_lookup(&PACK, move |k| vars.get(k).cloned()),
            EnvSecrets::from_pairs(self.vars.clone()),
        )
    }
    /// Runs a command.
    pub async fn run(&self, command: &str, args: Value) -> Value {
        self.runtime().run(command, args, false).await.to_json()
    }
    /// Runs a command in dry-run.
    pub async fn dry_run(&self, command: &str, args: Value) -> Value {
        self.runtime().run(command, args, true).await.to_json()
    }
}

/// Asserts success and returns the result.
pub fn ok(response: &Value) -> &Value {
    assert_eq!(
        response["ok"],
        json!(true),
        "expected success: {response:#}"
    );
    &response["result"]
}

/// Asserts a failure with `code` and returns the error.
pub fn err<'a>(response: &'a Value, code: &str) -> &'a Value {
    assert_eq!(
        response["ok"],
        json!(false),
        "expected failure: {response:#}"
    );
    assert_eq!(
        response["error"]["code"],
        json!(code),
        "wrong code: {response:#}"
    );
    &response["error"]
}

/// A request's JSON body.
pub fn body(request: &Request) -> Value {
    serde_json::from_slice(&request.body).unwrap_or(Value::Null)
}

/// A request header.
pub fn header<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request.headers.get(name).and_then(|v| v.to_str().ok())
}

// ----- The responder -----

struct Cloud {
    state: Arc<Mutex<State>>,
}

/// The key check of a handler that authenticates itself (A2A): `None` without a
/// credential, else whether the key is valid.
fn authenticated(state: &State, request: &Request) -> Option<bool> {
    let key = header(request, "x-api-key").or_else(|| {
        header(request, "authorization")
            .and_then(|b| b.strip_prefix("Bearer "))
            .filter(|k| k.starts_with("eliza_"))
    })?;
    Some((key == KEY || key == ODD_KEY) && !state.revoked)
}

fn e1(status: u16, error: &str, code: &str) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .set_body_json(json!({"success": false, "error": error, "code": code}))
}

fn e2(status: u16, message: &str, kind: &str, code: Option<&str>) -> ResponseTemplate {
    let mut error = json!({"message": message, "type": kind});
    if let Some(code) = code {
        error["code"] = json!(code);
    }
    ResponseTemplate::new(status).set_body_json(json!({"error": error}))
}

fn ok_json(value: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(value)
}

const MODELS: [&str; 3] = [
    "openai/gpt-4o-mini",
    "anthropic/claude-sonnet-4",
    "openai/text-embedding-3-small",
];
const IMAGE_MODELS: [&str; 2] = ["google/nano-banana-2/text-to-image", "fal-ai/flux/schnell"];
const ALLOWED_IMAGES: [&str; 2] = ["nginx:1.27", "ghcr.io/elizaos/eliza:latest"];
const PRICE: &str = "dedicated-compute-v1:USD:0.010000:0.020000";

impl Respond for Cloud {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut state = self.state.lock().unwrap();
        let method = request.method.as_str().to_owned();
        let path = request.url.path().to_owned();
        let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        let query: HashMap<String, String> = request.url.query_pairs().into_owned().collect();
        let body = body(request);

        // Public routes.
        match (method.as_str(), segments.as_slice()) {
            ("GET", ["api", "v1", "models"]) => {
                if state.models_down {
                    return e2(503, "Service unavailable", "service_unavailable", None);
                }
                let data: Vec<Value> = MODELS
                    .iter()
                    .map(|m| json!({"id": m, "object": "model", "owned_by": m.split('/').next()}))
                    .collect();
                return ok_json(json!({"object": "list", "data": data}))
                    .insert_header("cache-control", "public, s-maxage=3600");
            }
            ("GET", ["api", "v1", "pricing", "summary"]) => {
                return ok_json(json!({"asOf": "2026-01-01", "pricing": {
                    "generate-image": {"unit": "image", "cost": 0.04, "description": "per image"},
                    "chat-completions": {"unit": "1k tokens", "isVariable": true},
                    "voice-tts": {"unit": "1k chars", "cost": 0.03}
                }}));
            }
            ("GET", ["api", "v1", "discovery"]) => return discovery(&query),
            // Public prefixes whose handlers authenticate each call themselves.
            ("GET", ["api", "a2a"]) => return a2a::platform_card(),
            ("POST", ["api", "a2a"]) => return a2a::platform(&mut state, request),
            ("GET", ["api", "agents", id, "a2a"]) => return a2a::agent_card(id),
            ("POST", ["api", "agents", id, "a2a"]) => {
                let id = (*id).to_owned();
                return a2a::agent_call(&mut state, &id, request);
            }
            // The speech-to-text body cap answers before authentication.
            ("POST", ["api", "v1", "voice", "stt"]) => {
                if let Some(answer) = voice::stt_too_large(&state, request) {
                    return answer;
                }
            }
            _ => {}
        }

        // Authentication (the global middleware, then the handler's key check).
        let api_key = header(request, "x-api-key");
        let bearer = header(request, "authorization");
        if path == "/api/v1/api-keys/current" && api_key.is_some() && bearer.is_some() {
            return e1(
                401,
                "Present exactly one API key credential",
                "authentication_required",
            );
        }
        let Some(key) = api_key.or_else(|| {
            bearer
                .and_then(|b| b.strip_prefix("Bearer eliza_"))
                .map(|_| "")
        }) else {
            return e1(401, "Unauthorized", "authentication_required");
        };
        let revoke = method == "DELETE" && path == "/api/v1/api-keys/current";
        if (key != KEY && key != ODD_KEY) || (state.revoked && !revoke) {
            if path == "/api/v1/chat/completions" {
                return e2(
                    401,
                    "Invalid or expired API key",
                    "authentication_error",
                    None,
                );
            }
            return e1(401, "Invalid or expired API key", "authentication_required");
        }

        // Rate limits.
        let route = match (method.as_str(), segments.as_slice()) {
            ("POST", ["api", "v1", "chat", "completions"]) => Some("chat"),
            ("POST", ["api", "v1", "generate-image"]) => Some("image"),
            ("GET", ["api", "v1", "credits", "balance"]) => Some("balance"),
            ("POST", ["api", "v1", "voice", "clone"]) => Some("clone"),
            _ => None,
        };
        if let Some(route) = route
            && let Some((limit, used)) = state.limits.get_mut(route)
        {
            if *used >= *limit {
                let limit = *limit;
                let answer = ResponseTemplate::new(429)
                    .insert_header("retry-after", "60")
                    .insert_header("x-ratelimit-limit", limit.to_string().as_str())
                    .set_body_json(json!({"success": false, "error": "Too many requests", "code": "rate_limit_exceeded", "message": format!("Rate limit exceeded. Maximum {limit} requests per 60 seconds."), "retryAfter": 60}));
                return if route == "chat" {
                    answer.insert_header("x-ratelimit-policy", "cloudflare-native")
                } else {
                    answer
                        .insert_header("x-ratelimit-remaining", "0")
                        .insert_header("x-ratelimit-reset", "2026-01-01T00:01:00.000Z")
                        .insert_header("x-ratelimit-policy", "redis")
                };
            }
            *used += 1;
        }

        // Warming, on the inference routes.
        let inference = matches!(
            segments.as_slice(),
            ["api", "v1", "chat", "completions"]
                | ["api", "v1", "embeddings"]
                | ["api", "v1", "generate-image"]
                | ["api", "v1", "generate-video"]
                | ["api", "v1", "voice", "tts"]
        );
        if inference && state.warming > 0 {
            state.warming -= 1;
            return e2(
                503,
                "Auth cache warming; retry shortly",
                "service_unavailable",
                Some("auth_cache_warming"),
            );
        }

        match (method.as_str(), segments.as_slice()) {
            ("GET", ["api", "v1", "user"]) => ok_json(json!({
                "success": true,
                "data": {"id": "user_1", "email": "dev@example.com"},
                "id": "user_1", "email": "dev@example.com", "name": "Dev",
                "organization": {"id": "org_1", "name": "Dev Org", "credit_balance": format!("{:.4}", state.balance)}
            })),
            ("GET", ["api", "v1", "credits", "balance"]) => {
                ok_json(json!({"balance": (state.balance * 1e6).round() / 1e6}))
                    .insert_header("cache-control", "no-store")
            }
            ("GET", ["api", "v1", "credits", "summary"]) => {
                let recent: Vec<Value> = state.ledger.iter().rev().take(10).cloned().collect();
                ok_json(json!({
                    "success": true,
                    "organization": {"id": "org_1", "name": "Dev Org", "creditBalance": state.balance, "autoTopUpEnabled": state.auto_top_up["enabled"], "hasPaymentMethod": state.has_payment_method},
                    "recentTransactions": recent,
                    "pricing": {"creditsPerDollar": 100, "minimumTopUp": 5, "x402Enabled": true}
                }))
            }
            ("GET", ["api", "credits", "transactions"]) => {
                let limit: usize = query.get("limit").and_then(|l| l.parse().ok()).unwrap_or(100);
                let rows: Vec<Value> = state.ledger.iter().rev().take(limit).cloned().collect();
                ok_json(json!({"transactions": rows, "total": rows.len(), "period": {"start": "2026-01-01T00:00:00.000Z", "end": "2026-01-02T00:00:00.000Z"}}))
            }
            ("POST", ["api", "v1", "credits", "checkout"]) => checkout(&mut state, request, &body),
            ("GET", ["api", "v1", "billing", "settings"]) => ok_json(json!({"success": true, "settings": {
                "autoTopUp": {"enabled": state.auto_top_up["enabled"], "amount": state.auto_top_up["amount"], "threshold": state.auto_top_up["threshold"], "hasPaymentMethod": state.has_payment_method},
                "payAsYouGoFromEarnings": false,
                "limits": {"minAmount": 1, "maxAmount": 1000, "minThreshold": 0, "maxThreshold": 1000}
            }})),
            ("PUT", ["api", "v1", "billing", "settings"]) => {
                let allowed = ["autoTopUp", "payAsYouGoFromEarnings"];
                if body.as_object().is_none_or(|o| o.keys().any(|k| !allowed.contains(&k.as_str()))) {
                    return ResponseTemplate::new(400).set_body_json(json!({"success": false, "error": "Invalid request data", "details": {}}));
                }
                if body["autoTopUp"]["enabled"] == json!(true) && !state.has_payment_method {
                    return e1(400, "Cannot enable auto top-up without a saved payment method", "validation_error");
                }
                if let Some(auto) = body["autoTopUp"].as_object() {
                    for (k, v) in auto {
                        state.auto_top_up[k] = v.clone();
                    }
                }
                ok_json(json!({"success": true, "message": "Billing settings updated successfully", "settings": {"autoTopUp": state.auto_top_up, "payAsYouGoFromEarnings": false}}))
            }
            ("POST", ["api", "v1", "chat", "completions"]) => chat(&mut state, &body),
            ("POST", ["api", "v1", "embeddings"]) => {
                let (Some(model), Some(input)) = (body["model"].as_str(), body["input"].as_array()) else {
                    return e2(400, "Missing required fields: model and input", "invalid_request_error", Some("missing_required_parameter"));
                };
                if state.balance < 0.001 {
                    return e2(402, "Insufficient balance", "insufficient_quota", Some("insufficient_balance"));
                }
                state.debit(0.0001, "embeddings");
                let data: Vec<Value> = input.iter().enumerate().map(|(i, _)| json!({"object": "embedding", "index": i, "embedding": [0.1, 0.2, 0.3]})).collect();
                ok_json(json!({"object": "list", "data": data, "model": model, "usage": {"prompt_tokens": 3, "total_tokens": 3}}))
            }
            ("POST", ["api", "v1", "generate-image"]) => {
                let model = body["model"].as_str().unwrap_or(IMAGE_MODELS[0]);
                if !IMAGE_MODELS.contains(&model) {
                    return ResponseTemplate::new(400).set_body_json(json!({"success": false, "error": format!("Unsupported image model: {model}"), "code": "validation_error", "details": {"supportedModels": IMAGE_MODELS}}));
                }
                let n = body["numImages"].as_u64().unwrap_or(1);
                let cost = 0.04 * n as f64;
                if state.balance < cost {
                    return ResponseTemplate::new(402).set_body_json(json!({"success": false, "error": "Insufficient credits", "required": cost}));
                }
                state.debit(cost, "image");
                let images: Vec<Value> = (0..n).map(|i| json!({"image": "data:image/png;base64,iVBORw0KGgo=", "url": format!("https://cdn.eliza.app/img/{i}.png"), "text": ""})).collect();
                ok_json(json!({"success": true, "model": model, "images": images, "cost": {"totalCost": cost}}))
            }
            ("POST", ["api", "v1", "generate-video"]) => match state.video {
                VideoMode::Done => {
                    state.debit(0.5, "video");
                    ok_json(json!({"success": true, "id": "vid_1", "requestId": "req_1", "video": {"url": "https://cdn.eliza.app/v/1.mp4", "content_type": "video/mp4"}, "seed": 7, "cost": 0.5}))
                }
                VideoMode::Pending => ResponseTemplate::new(202).set_body_json(json!({"success": false, "status": "pending", "id": "vid_2", "requestId": "req_2", "error": "Video is still generating. Credits stay reserved."})),
                VideoMode::Unknown => ResponseTemplate::new(202).set_body_json(json!({"success": false, "status": "submission_unknown", "id": "vid_3", "requestId": "req_3", "error": "Submission outcome unknown; not safe to retry automatically."})),
                VideoMode::Fail => ResponseTemplate::new(503).set_body_json(json!({"success": false, "error": "Video provider request failed", "code": "internal_error", "details": {"provider": "fal"}})),
            },
            ("POST", ["api", "v1", "voice", "tts"]) => {
                let text = body["text"].as_str().unwrap_or_default();
                if text.is_empty() {
                    return ResponseTemplate::new(400).set_body_json(json!({"error": "No text provided"}));
                }
                if text.chars().count() > 5000 {
                    return ResponseTemplate::new(400).set_body_json(json!({"error": "Text too long. Maximum length is 5000 characters"}));
                }
                if !voice::speaks(&state, body["voiceId"].as_str()) {
                    return ResponseTemplate::new(400).set_body_json(json!({"error": "Invalid voice ID. The voice may have been deleted."}));
                }
                let wav = body["format"] == "wav";
                ResponseTemplate::new(200)
                    .set_body_raw(b"ID3\x04fake-audio".to_vec(), if wav { "audio/wav" } else { "audio/mpeg" })
                    .insert_header("x-eliza-tts-provider", "kokoro")
            }
            ("GET", ["api", "v1", "voice", "list"]) => voice::list(&state, &query),
            ("GET", ["api", "v1", "voice", "jobs"]) => voice::jobs(&state),
            ("POST", ["api", "v1", "voice", "clone"]) => voice::clone(&mut state, request),
            ("POST", ["api", "v1", "voice", "stt"]) => voice::stt(&mut state, request),
            ("GET" | "PATCH" | "DELETE", ["api", "v1", "voice", id]) => {
                let id = (*id).to_owned();
                voice::one(&mut state, &method, &id, request)
            }
            ("GET", ["api", "my-agents", "characters"]) => characters::list(&state, &query),
            ("POST", ["api", "my-agents", "characters"]) => characters::create(&mut state, request),
            ("GET" | "PUT" | "DELETE", ["api", "my-agents", "characters", id]) => {
                let id = (*id).to_owned();
                characters::one(&mut state, &method, &id, request)
            }
            ("GET", ["api", "v1", "documents"]) => {
                if let Some(c) = query.get("characterId").filter(|c| *c != "char_1") {
                    let _ = c;
                    return ResponseTemplate::new(404).set_body_json(json!({"success": false, "error": "Character not found"}));
                }
                let docs = state.documents.clone();
                ok_json(json!({"success": true, "documents": docs, "total": docs.len()}))
            }
            ("POST", ["api", "v1", "documents"]) => {
                let Some(content) = body["content"].as_str() else {
                    return ResponseTemplate::new(400).set_body_json(json!({"success": false, "error": "content is required"}));
                };
                let id = state.id("doc");
                let doc = json!({"id": id, "content": {"text": content}, "createdAt": 1_767_225_600_000_u64, "metadata": {"filename": body["filename"].as_str().unwrap_or("text-document.txt")}});
                state.documents.push(doc.clone());
                ok_json(json!({"success": true, "message": "Document uploaded successfully", "document": doc}))
            }
            ("POST", ["api", "v1", "documents", "query"]) => {
                let Some(q) = body["query"].as_str() else {
                    return ResponseTemplate::new(400).set_body_json(json!({"success": false, "error": "query is required"}));
                };
                let q = q.to_lowercase();
                let terms: Vec<&str> = q.split_whitespace().collect();
                let mut results: Vec<Value> = state.documents.iter().filter_map(|d| {
                    let text = d["content"]["text"].as_str().unwrap_or_default().to_lowercase();
                    let similarity = if text.contains(&q) { 1.0 } else {
                        terms.iter().filter(|t| text.contains(**t)).count() as f64 / terms.len().max(1) as f64
                    };
                    (similarity > 0.0).then(|| json!({"id": d["id"], "content": d["content"]["text"], "similarity": similarity, "metadata": d["metadata"]}))
                }).collect();
                results.truncate(body["limit"].as_u64().unwrap_or(5) as usize);
                ok_json(json!({"success": true, "total": results.len(), "results": results}))
            }
            ("GET", ["api", "v1", "eliza", "agents"]) => {
                ok_json(json!({"success": true, "data": state.agents, "hostingSummary": {"running": state.agents.len()}}))
            }
            ("GET", ["api", "v1", "eliza", "agents", id]) => match state.agents.iter().find(|a| a["id"] == *id) {
                Some(agent) => ok_json(json!({"success": true, "data": agent})),
                None => ResponseTemplate::new(404).set_body_json(json!({"success": false, "error": "Agent not found"})),
            },
            ("POST", ["api", "v1", "eliza", "agents"]) => create_agent(&mut state, request, &body),
            ("POST", ["api", "v1", "eliza", "agents", id, verb]) => {
                let id = (*id).to_owned();
                if !state.agents.iter().any(|a| a["id"] == id) {
                    return ResponseTemplate::new(404).set_body_json(json!({"success": false, "error": "Agent not found"}));
                }
                if *verb == "resume" && header(request, "x-eliza-dedicated-price") != Some(PRICE) {
                    return price_required();
                }
                let job = state.job(false);
                ResponseTemplate::new(202).set_body_json(json!({"success": true, "created": true, "data": {"agentId": id, "action": verb, "jobId": job, "status": "pending"}}))
            }
            ("DELETE", ["api", "v1", "eliza", "agents", id]) => {
                let id = (*id).to_owned();
                let before = state.agents.len();
                state.agents.retain(|a| a["id"] != id);
                if state.agents.len() == before {
                    return ResponseTemplate::new(404).set_body_json(json!({"success": false, "error": "Agent not found"}));
                }
                let job = state.job(false);
                ResponseTemplate::new(202).set_body_json(json!({"success": true, "data": {"agentId": id, "jobId": job, "status": "pending"}, "polling": {"endpoint": format!("/api/v1/jobs/{job}"), "intervalMs": 5000, "expectedDurationMs": 30000}}))
            }
            ("GET", ["api", "v1", "jobs", id]) => {
                let Some((polls, fail)) = state.jobs.get_mut(*id) else {
                    return ResponseTemplate::new(404).set_body_json(json!({"success": false, "error": "Job not found"}));
                };
                *polls += 1;
                let status = match (*polls, *fail) {
                    (1, _) => "pending",
                    (2, _) => "in_progress",
                    (_, false) => "completed",
                    (_, true) => "failed",
                };
                let polling = if matches!(status, "completed" | "failed") { json!({"shouldContinue": false}) } else { json!({"intervalMs": 5000, "shouldContinue": true}) };
                ok_json(json!({"success": true, "data": {"id": id, "type": "agent_provision", "status": status, "result": null, "error": if *fail { json!("provisioning failed") } else { Value::Null }, "attempts": *polls}, "polling": polling}))
            }
            ("GET", ["api", "v1", "containers"]) => ok_json(json!({"success": true, "data": state.containers})),
            ("GET", ["api", "v1", "containers", "quota"]) => {
                let current = state.containers.len();
                ok_json(json!({"success": true, "quota": {"allowed": current < 2, "current": current, "max": 2}}))
            }
            ("GET", ["api", "v1", "containers", id]) => match state.containers.iter().find(|c| c["id"] == *id) {
                Some(c) => ok_json(json!({"success": true, "data": c})),
                None => container_not_found(),
            },
            ("POST", ["api", "v1", "containers"]) => deploy(&mut state, &body),
            ("DELETE", ["api", "v1", "containers", id]) => {
                let id = (*id).to_owned();
                let Some(pos) = state.containers.iter().position(|c| c["id"] == id) else {
                    return container_not_found();
                };
                if query.get("mode").map(String::as_str) == Some("stop") {
                    state.containers[pos]["status"] = json!("stopped");
                    ok_json(json!({"success": true, "container": state.containers[pos]}))
                } else {
                    state.containers.remove(pos);
                    ok_json(json!({"success": true, "deleted": true}))
                }
            }
            ("PATCH", ["api", "v1", "containers", id]) => {
                let id = (*id).to_owned();
                let Some(c) = state.containers.iter_mut().find(|c| c["id"] == id) else {
                    return container_not_found();
                };
                if body["action"] != "restart" {
                    return ResponseTemplate::new(400).set_body_json(json!({"success": false, "code": "invalid_input", "error": "Unknown action"}));
                }
                c["status"] = json!("deploying");
                ok_json(json!({"success": true, "container": {"id": id, "name": c["name"], "projectName": c["project_name"], "status": "deploying"}}))
            }
            ("DELETE", ["api", "v1", "api-keys", "current"]) => {
                state.revoked = true;
                ok_json(json!({"success": true, "credentialId": "key_1", "revokedAt": "2026-01-01T00:00:00.000Z"}))
            }
            ("POST" | "GET" | "PUT" | "DELETE", ["api", "v1", "api-keys", ..]) => {
                e1(401, "A signed-in user session is required to manage API keys.", "session_auth_required")
            }
            _ => ResponseTemplate::new(404).set_body_json(json!({"success": false, "error": format!("fake elizaOS Cloud has no route {method} {path}")})),
        }
    }
}

fn container_not_found() -> ResponseTemplate {
    ResponseTemplate::new(404).set_body_json(
        json!({"success": false, "code": "container_not_found", "error": "Container not found"}),
    )
}

fn price_required() -> ResponseTemplate {
    ResponseTemplate::new(428).set_body_json(json!({"success": false, "code": "DEDICATED_PRICE_CONFIRMATION_REQUIRED", "error": "Dedicated compute requires price confirmation", "pricing": {"currency": "USD", "hourlyRateUsd": 0.01, "minimumActivationChargeUsd": 0.02, "acceptanceHeader": "X-Eliza-Dedicated-Price", "acceptanceValue": PRICE}}))
}

fn discovery(query: &HashMap<String, String>) -> ResponseTemplate {
    let types: Vec<&str> = query
        .get("types")
        .map(|t| t.split(',').collect())
        .unwrap_or_default();
    if types.iter().any(|t| !["agent", "mcp"].contains(t)) {
        return ResponseTemplate::new(400).set_body_json(
            json!({"error": "Invalid parameters", "details": {"types": "agent,mcp"}}),
        );
    }
    let limit: u32 = query
        .get("limit")
        .and_then(|l| l.parse().ok())
        .unwrap_or(50);
    let offset: u32 = query
        .get("offset")
        .and_then(|l| l.parse().ok())
        .unwrap_or(0);
    if limit + offset > 1000 {
        return ResponseTemplate::new(400).set_body_json(
            json!({"error": "Invalid parameters", "details": {"offset": "offset+limit <= 1000"}}),
        );
    }
    let services = vec![
        json!({"id": "s1", "name": "Atlas", "type": "agent", "tags": [], "active": true, "x402Support": false}),
        json!({"id": "s2", "name": "Weather MCP", "type": "mcp", "tags": ["weather"], "active": true, "x402Support": true}),
    ];
    let services: Vec<Value> = services
        .into_iter()
        .filter(|s| types.is_empty() || types.contains(&s["type"].as_str().unwrap_or_default()))
        .collect();
    ok_json(
        json!({"services": services, "total": services.len(), "hasMore": false, "pagination": {"limit": limit, "offset": offset}, "cached": false}),
    )
}

fn checkout(state: &mut State, request: &Request, body: &Value) -> ResponseTemplate {
    let Some(key) = header(request, "idempotency-key") else {
        return e1(
            400,
            "Idempotency-Key header is required",
            "validation_error",
        );
    };
    let valid = key.len() >= 8
        && key.len() <= 128
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._:-".contains(c));
    if !valid {
        return e1(400, "Idempotency-Key header is invalid", "validation_error");
    }
    let amount = body["amountUsd"].as_f64().unwrap_or_default();
    if !(1.0..=1000.0).contains(&amount) {
        return ResponseTemplate::new(400).set_body_json(
            json!({"error": "Invalid request", "details": {"amountUsd": "1-1000"}}),
        );
    }
    for field in ["success_url", "cancel_url"] {
        if let Some(url) = body[field].as_str()
            && !url.starts_with("https://cloud.eliza.app/")
        {
            return ResponseTemplate::new(400).set_body_json(
                json!({"error": format!("Invalid {field}: must be on a platform origin")}),
            );
        }
    }
    if let Some(existing) = state.checkouts.get(key) {
        return ok_json(json!({"url": existing["url"], "sessionId": existing["sessionId"]}));
    }
    let session = state.id("cs_test");
    let session_record = json!({"url": format!("https://checkout.stripe.com/c/pay/{session}"), "sessionId": session, "amountUsd": amount});
    state
        .checkouts
        .insert(key.to_owned(), session_record.clone());
    ok_json(json!({"url": session_record["url"], "sessionId": session}))
}

fn sse(events: &[Value]) -> String {
    let mut out = String::new();
    for event in events {
        out.push_str(&format!("data: {event}\n\n"));
    }
    out
}

fn chat(state: &mut State, body: &Value) -> ResponseTemplate {
    let (Some(model), Some(messages)) = (body["model"].as_str(), body["messages"].as_array())
    else {
        return e2(
            400,
            "Missing required fields: model and messages",
            "invalid_request_error",
            Some("missing_required_parameter"),
        );
    };
    if messages.is_empty() {
        return e2(
            400,
            "Missing required fields: model and messages",
            "invalid_request_error",
            Some("missing_required_parameter"),
        );
    }
    if !MODELS.contains(&model) {
        return e2(
            400,
            &format!("model '{model}' is not available on this deployment"),
            "invalid_request_error",
            Some("model_not_available"),
        );
    }
    if let ChatMode::Fail(status) = state.chat {
        return e2(status, "Upstream provider failed", "api_error", None);
    }
    let reserve = 0.01;
    if state.balance < reserve {
        return e2(
            402,
            &format!("Insufficient credits. Required: ${reserve:.4}"),
            "insufficient_quota",
            Some("insufficient_credits"),
        );
    }
    state.debit(0.002, "chat");
    let tools = body["tools"].as_array().is_some_and(|t| !t.is_empty());
    let usage = json!({"prompt_tokens": 12, "completion_tokens": 5, "total_tokens": 17});
    let id = "chatcmpl-1700000000000";
    if body["stream"] != json!(true) {
        let message = if tools {
            json!({"role": "assistant", "content": null, "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}}]})
        } else {
            json!({"role": "assistant", "content": "Hello!"})
        };
        let finish = if tools { "tool_calls" } else { "stop" };
        return ok_json(
            json!({"id": id, "object": "chat.completion", "created": 1_700_000_000, "model": model, "choices": [{"index": 0, "message": message, "finish_reason": finish}], "usage": usage}),
        );
    }
    let include_usage = body["stream_options"]["include_usage"] == json!(true);
    let chunk = |delta: Value, finish: Value| {
        let mut c = json!({"id": id, "object": "chat.completion.chunk", "created": 1_700_000_000, "model": model, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]});
        if include_usage {
            c["usage"] = Value::Null;
        }
        c
    };
    let mut events = Vec::new();
    if tools {
        events.push(chunk(json!({"tool_calls": [{"index": 0, "id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": ""}}]}), Value::Null));
        events.push(chunk(
            json!({"tool_calls": [{"index": 0, "function": {"arguments": "{\"city\":"}}]}),
            Value::Null,
        ));
        events.push(chunk(
            json!({"tool_calls": [{"index": 0, "function": {"arguments": "\"Paris\"}"}}]}),
            Value::Null,
        ));
    } else {
        events.push(chunk(json!({"content": "Hel"}), Value::Null));
        events.push(chunk(json!({"content": "lo!"}), Value::Null));
    }
    let mut text = match state.chat {
        ChatMode::ErrorChunk => {
            let mut t = sse(&events[..1]);
            t.push_str(&sse(&[json!({"error": {"message": "Provider stream failed", "type": "api_error", "code": 502}})]));
            t.push_str("data: [DONE]\n\n");
            t
        }
        ChatMode::Cut => sse(&events[..1]),
        _ => {
            events.push(chunk(
                json!({}),
                json!(if tools { "tool_calls" } else { "stop" }),
            ));
            if include_usage {
                events.push(json!({"id": id, "object": "chat.completion.chunk", "created": 1_700_000_000, "model": model, "choices": [], "usage": usage}));
            }
            let mut t = sse(&events);
            t.push_str("data: [DONE]\n\n");
            t
        }
    };
    text.insert_str(0, ": keep-alive\n\n");
    ResponseTemplate::new(200).set_body_raw(text.into_bytes(), "text/event-stream")
}

fn create_agent(state: &mut State, request: &Request, body: &Value) -> ResponseTemplate {
    let Some(name) = body["agentName"].as_str().filter(|n| !n.is_empty()) else {
        return ResponseTemplate::new(400).set_body_json(json!({"success": false, "error": "Validation failed", "code": "validation_error", "details": {"issues": [{"path": ["agentName"], "message": "Required"}]}}));
    };
    if let Some(image) = body["dockerImage"].as_str()
        && !ALLOWED_IMAGES.contains(&image)
    {
        return e1(
            403,
            &format!("Image '{image}' is not allowed"),
            "agent_image_not_allowed",
        );
    }
    let dedicated = body["alwaysOn"] == json!(true);
    if dedicated {
        if header(request, "x-eliza-dedicated-price") != Some(PRICE) {
            return price_required();
        }
        if state.balance < 0.1 {
            return ResponseTemplate::new(402).set_body_json(json!({"success": false, "code": "insufficient_credits", "error": "Insufficient credits to start a dedicated agent", "requiredBalance": 0.1, "currentBalance": state.balance}));
        }
    }
    if let Some(live) = state.agents.first() {
        return ok_json(json!({"success": true, "created": false, "data": live}));
    }
    let id = state.id("agent");
    let agent = json!({"id": id, "agentId": id, "agentName": name, "status": if dedicated { "provisioning" } else { "running" }, "executionTier": if dedicated { "dedicated-always" } else { "shared" }});
    state.agents.push(agent.clone());
    if dedicated {
        state.debit(0.02, "agent activation");
        let job = state.job(false);
        let mut data = agent;
        data["jobId"] = json!(job);
        return ResponseTemplate::new(202).set_body_json(json!({"success": true, "created": true, "message": "Provisioning", "data": data, "polling": {"endpoint": format!("/api/v1/jobs/{job}"), "intervalMs": 5000, "expectedDurationMs": 90000}}));
    }
    ResponseTemplate::new(201).set_body_json(
        json!({"success": true, "created": true, "source": "shared_runtime", "data": agent}),
    )
}

fn deploy(state: &mut State, body: &Value) -> ResponseTemplate {
    let (Some(name), Some(image)) = (body["name"].as_str(), body["image"].as_str()) else {
        return ResponseTemplate::new(400)
            .set_body_json(json!({"success": false, "error": "name and image are required"}));
    };
    if let Some(env) = body["environmentVars"].as_object() {
        let reserved: Vec<&String> = env
            .keys()
            .filter(|k| ["PORT", "DATABASE_URL"].contains(&k.as_str()))
            .collect();
        if !reserved.is_empty() {
            return ResponseTemplate::new(400).set_body_json(json!({"success": false, "code": "RESERVED_ENV_KEYS", "error": format!("environmentVars may not set platform-reserved keys: {}", reserved.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", "))}));
        }
    }
    let project = body["projectName"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| name.to_lowercase().replace(' ', "-"));
    if let Some(live) = state
        .containers
        .iter()
        .find(|c| c["project_name"] == project && c["status"] != "stopped")
    {
        return ok_json(json!({"success": true, "data": live}));
    }
    if !ALLOWED_IMAGES.contains(&image) {
        return ResponseTemplate::new(403).set_body_json(json!({"success": false, "code": "CONTAINER_IMAGE_NOT_ALLOWED", "error": format!("Image '{image}' is not permitted")}));
    }
    if state.containers.len() >= 2 {
        return ResponseTemplate::new(402).set_body_json(json!({"success": false, "error": "Container quota exceeded", "quota": {"allowed": false, "current": 2, "max": 2}}));
    }
    let id = state.id("ctr");
    let container = json!({"id": id, "name": name, "project_name": project, "status": "running", "image_tag": image, "port": body["port"].as_u64().unwrap_or(3000), "public_hostname": format!("{project}.containers.eliza.app"), "total_billed": "0.00"});
    state.containers.push(container.clone());
    ResponseTemplate::new(201).set_body_json(json!({"success": true, "data": container}))
}
