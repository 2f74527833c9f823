//! Agent-to-agent (A2A) JSON-RPC (`spec/elizacloud.md` §6.12).
//!
//! - `/api/a2a`, the platform agent: `GET` is its Agent Card (public); `POST` takes JSON-RPC
//!   `message/send` (runs one of the card's `cloud.*` skills as a task), `tasks/get`,
//!   `tasks/cancel`. Every method error arrives inside an HTTP 200, as −32000 with the
//!   message the server threw (or −32601 for an unknown method).
//! - `/api/agents/{id}/a2a`, one public character as an agent (`{id}` is a character id, e.g.
//!   from `elizacloud.discovery`'s `a2aEndpoint`): `GET` its card (public); `POST` `chat`
//!   (paid, billed to the caller) and `getAgentInfo`. Its errors keep their HTTP status,
//!   except −32003 (insufficient credits) and −32000 (generation failed), which arrive inside
//!   an HTTP 200.
//!
//! Messages are built with `type` parts (`{type: "text", text}`, `{type: "data", data}`), which
//! both the current server and the older port read.
//!
//! An error with a non-2xx status (the per-agent route's 400/401/403/404/429/503) is read like
//! any other answer (`HTTP_<status>`, 503 warming retried, `details.rpcCode` added by the
//! service's status reader). An `error` member in a 2xx answer maps onto the pack's codes
//! ([`rpc_error`]): −32003 and the older −32011 →
//! `ELIZACLOUD_INSUFFICIENT_CREDITS` (never retried, whatever the HTTP status); −32601 →
//! `ELIZACLOUD_A2A_METHOD_UNSUPPORTED`; −32600/−32602/−32700 → `ELIZACLOUD_A2A_INVALID_REQUEST`;
//! −32002/−32010 → `ELIZACLOUD_A2A_UNAUTHORIZED`; −32001 → `ELIZACLOUD_A2A_NOT_FOUND`; −32004 →
//! `ELIZACLOUD_SERVICE_WARMING`. The platform agent gives −32000 for everything else, with no
//! structured cause: only the fixed phrases its handlers throw, matched at the start of the
//! message ("Task not found", "Task <id> is already in terminal state", "Authentication
//! required", "Invalid or expired API key", "Insufficient credits"), choose a more precise
//! code. The choice never decides a retry: an answer inside an HTTP 200 was processed, and is
//! never sent again.

mod agent_card;
mod agent_chat;
mod agent_info;
mod card;
mod send;
mod tasks_cancel;
mod tasks_get;

pub use agent_card::AgentCard;
pub use agent_chat::{AgentChat, AgentChatArgs, ChatRole, ChatTurn};
pub use agent_info::AgentInfo;
pub use card::Card;
pub use send::{SendArgs, SendMessage};
pub use tasks_cancel::TasksCancel;
pub use tasks_get::{TasksGet, TasksGetArgs};

use futures_util::future::BoxFuture;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{ID_PATTERN, codes, errors, send as send_request};
use crate::command::{Ctx, Effect};
use crate::error::{Error, ErrorCode};
use crate::http::{ApiRequest, ApiResponse};
use crate::pack::{CapabilityProbe, sample_of};
use crate::vocab::UpstreamAnswer;

/// `/api/a2a`.
const PLATFORM: &[&str] = &["api", "a2a"];

/// `GET /api/agents/{id}/a2a`.
fn agent_get(id: &str) -> ApiRequest {
    ApiRequest::get(&["api", "agents"])
        .segment(id)
        .segment("a2a")
}

/// `POST /api/agents/{id}/a2a` with `effect`.
fn agent_post(id: &str, effect: Effect) -> ApiRequest {
    ApiRequest::post(&["api", "agents"], effect)
        .segment(id)
        .segment("a2a")
}

/// A JSON-RPC 2.0 call (one request per HTTP call, so its id is fixed).
fn rpc(request: ApiRequest, method: &str, params: Value) -> ApiRequest {
    let mut body = serde_json::Map::new();
    body.insert("jsonrpc".into(), json!("2.0"));
    body.insert("method".into(), json!(method));
    body.insert("params".into(), params);
    body.insert("id".into(), json!(1));
    request.json(Value::Object(body))
}

/// A call to the platform agent.
fn platform(method: &str, params: Value, effect: Effect) -> ApiRequest {
    rpc(ApiRequest::post(PLATFORM, effect), method, params)
}

/// Arguments naming one public agent.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AgentArgs {
    /// The public character's id (the `{id}` of an `a2aEndpoint` from elizacloud.discovery).
    #[schemars(regex(pattern = ID_PATTERN))]
    pub agent_id: String,
}

/// Arguments naming one task.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TaskArgs {
    /// The task id (`taskId` from elizacloud.a2a.send).
    #[schemars(regex(pattern = ID_PATTERN))]
    pub task_id: String,
}

/// Sends a JSON-RPC call and returns its `result`. An `error` member, whatever the HTTP status
/// (200 included), becomes the pack's code; an answer with neither is `INVALID_RESPONSE`.
async fn call(ctx: &Ctx<'_>, request: &ApiRequest) -> Result<Value, Error> {
    let response = send_request(ctx, request).await?;
    let mut body = response.json_value()?;
    if let Some(error) = body.get("error").filter(|e| !e.is_null()) {
        return Err(rpc_error(error, &response, request.effect()));
    }
    match body.get_mut("result").map(Value::take) {
        Some(result) => Ok(result),
        None => Err(Error::new(
            ErrorCode::InvalidResponse,
            "the JSON-RPC answer has neither `result` nor `error`",
        )
        .with_status(response.status())
        .with_endpoint(response.url().to_owned())),
    }
}

/// The pack's code for a JSON-RPC error: by its numeric code, and for the platform agent's
/// catch-all −32000 by the fixed phrase its message starts with.
fn classify(code: Option<i64>, message: &str) -> ErrorCode {
    match code {
        Some(-32003 | -32011) => codes::INSUFFICIENT_CREDITS,
        Some(-32601) => codes::A2A_METHOD_UNSUPPORTED,
        Some(-32600 | -32602 | -32700) => codes::A2A_INVALID_REQUEST,
        Some(-32002 | -32010) => codes::A2A_UNAUTHORIZED,
        Some(-32001) => codes::A2A_NOT_FOUND,
        Some(-32004) => codes::SERVICE_WARMING,
        Some(-32000) => {
            let starts = |phrases: &[&str]| phrases.iter().any(|p| message.starts_with(p));
            if starts(&["Task not found"]) {
                codes::A2A_NOT_FOUND
            } else if message.starts_with("Task ")
                && message.contains(" is already in terminal state")
            {
                codes::A2A_TASK_TERMINAL
            } else if starts(&[
                "Authentication required",
                "Invalid or expired API key",
                "API key has expired",
            ]) {
                codes::A2A_UNAUTHORIZED
            } else if starts(&["Insufficient credits", "Insufficient balance"]) {
                codes::INSUFFICIENT_CREDITS
            } else {
                codes::A2A_ERROR
            }
        }
        _ => codes::A2A_ERROR,
    }
}

fn hint(code: ErrorCode, effect: Effect) -> &'static str {
    match code {
        c if c == codes::A2A_NOT_FOUND => {
            "The task or agent id is unknown to this organization: take task ids from elizacloud.a2a.send, and agent ids from elizacloud.discovery (a public agent with A2A enabled)."
        }
        c if c == codes::A2A_TASK_TERMINAL => {
            "The task has already ended (completed, canceled, failed or rejected): there is nothing to cancel. Read it with elizacloud.a2a.tasks.get."
        }
        c if c == codes::A2A_UNAUTHORIZED => {
            "elizaOS Cloud did not accept ELIZACLOUD_API_KEY for this call: check the key (elizacloud.whoami) or create a new one in the dashboard."
        }
        c if c == codes::A2A_METHOD_UNSUPPORTED => "The agent does not support this A2A method.",
        c if c == codes::A2A_INVALID_REQUEST => {
            "The agent refused the request's shape; see the message, and the command's schema."
        }
        c if c == codes::SERVICE_WARMING => {
            "Nothing was processed: wait a few seconds and call again."
        }
        _ if effect == Effect::Paid => {
            "The call failed at the agent after it was received; it may have been billed. Check elizacloud.credits.transactions before sending it again."
        }
        _ => "The call failed at the agent; see the message.",
    }
}

/// A JSON-RPC `error` as the pack's error: code, the agent's message, `details.rpcCode`.
fn rpc_error(error: &Value, response: &ApiResponse, effect: Effect) -> Error {
    let rpc_code = error.get("code").and_then(Value::as_i64);
    let message = error
        .get("message")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let code = classify(rpc_code, message);
    let shown = crate::secrets::excerpt(message, 300);
    let mut details = json!({"rpcCode": rpc_code, "rpcMessage": shown});
    let mut built = Error::new(code, format!("the agent answered with an error: {shown}"))
        .with_hint(hint(code, effect));
    if code == codes::INSUFFICIENT_CREDITS {
        // The same reading as an HTTP 402: the required balance, and how to top up.
        let text = json!({"error": {"message": message}}).to_string();
        if let Some(reading) = errors::read_status(&UpstreamAnswer {
            status: 402,
            body: &text,
            header: &|_| None,
        }) {
            if let Some(message) = reading.message {
                built = built.recode(code, message);
            }
            if let Some(hint) = reading.hint {
                built = built.with_hint(hint);
            }
            if let (Some(Value::Object(extra)), Value::Object(all)) =
                (reading.details, &mut details)
            {
                all.extend(extra);
            }
        }
    }
    built
        .with_retriable(code == codes::SERVICE_WARMING)
        .with_status(response.status())
        .with_endpoint(response.url().to_owned())
        .with_details(details)
}

/// Task states after which nothing changes.
const TERMINAL: [&str; 4] = ["completed", "canceled", "failed", "rejected"];

/// A task, with its state read out.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskOutput {
    /// The task id (for elizacloud.a2a.tasks.get and .cancel).
    pub task_id: Value,
    /// `submitted`, `working`, `input-required`, `auth-required`, `completed`, `canceled`,
    /// `failed` or `rejected`.
    pub state: String,
    /// Whether the state is final.
    pub terminal: bool,
    /// Checks made while waiting.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checks: Option<u64>,
    /// The task as the agent returned it (status, history, artifacts).
    pub task: Value,
}

impl TaskOutput {
    fn new(task: Value, checks: Option<u64>) -> Self {
        let state = task
            .pointer("/status/state")
            .and_then(Value::as_str)
            .unwrap_or("unknown")
            .to_owned();
        Self {
            task_id: task.get("id").cloned().unwrap_or(Value::Null),
            terminal: TERMINAL.contains(&state.as_str()),
            state,
            checks,
            task,
        }
    }
}

/// The family's free probe: the authenticated extended card (a JSON-RPC read that needs the
/// key).
pub(crate) fn probe<'a>(
    ctx: &'a Ctx<'a>,
    _: &'a Value,
) -> BoxFuture<'a, Result<CapabilityProbe, Error>> {
    Box::pin(async move {
        let request = platform(
            "agent/getAuthenticatedExtendedCard",
            json!({}),
            Effect::ReadOnly,
        )
        .max_retries(0);
        let card = call(ctx, &request).await?;
        Ok(CapabilityProbe::Verified {
            probe: "POST /api/a2a agent/getAuthenticatedExtendedCard".to_owned(),
            sample: sample_of(&card),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn structured_codes_decide_and_only_fixed_leading_phrases_refine_32000() {
        for (code, message, expected) in [
            (
                Some(-32003),
                "Insufficient credits. Required: $0.0123",
                codes::INSUFFICIENT_CREDITS,
            ),
            (Some(-32011), "x", codes::INSUFFICIENT_CREDITS),
            (
                Some(-32601),
                "Unsupported A2A method: tasks/send",
                codes::A2A_METHOD_UNSUPPORTED,
            ),
            (
                Some(-32602),
                "valid messages are required",
                codes::A2A_INVALID_REQUEST,
            ),
            (
                Some(-32002),
                "Authentication required",
                codes::A2A_UNAUTHORIZED,
            ),
            (Some(-32001), "Agent not found", codes::A2A_NOT_FOUND),
            (
                Some(-32004),
                "Agent cache is warming; retry shortly",
                codes::SERVICE_WARMING,
            ),
            (Some(-32000), "Task not found: t1", codes::A2A_NOT_FOUND),
            (
                Some(-32000),
                "Task t1 is already in terminal state: completed",
                codes::A2A_TASK_TERMINAL,
            ),
            (
                Some(-32000),
                "Invalid or expired API key",
                codes::A2A_UNAUTHORIZED,
            ),
            (
                Some(-32000),
                "Insufficient credits",
                codes::INSUFFICIENT_CREDITS,
            ),
            (
                Some(-32000),
                "An unexpected error occurred",
                codes::A2A_ERROR,
            ),
            // A phrase anywhere but at the start (a skill name the caller chose) decides nothing.
            (
                Some(-32000),
                "Unknown Cloud A2A skill: Insufficient credits",
                codes::A2A_ERROR,
            ),
            (
                Some(-32000),
                "Unknown Cloud A2A skill: Task not found",
                codes::A2A_ERROR,
            ),
            (Some(-32603), "Insufficient credits", codes::A2A_ERROR),
            (None, "Insufficient credits", codes::A2A_ERROR),
        ] {
            assert_eq!(classify(code, message), expected, "{code:?} {message}");
        }
    }

    #[test]
    fn tasks_read_their_state() {
        let task = TaskOutput::new(json!({"id": "t1", "status": {"state": "working"}}), None);
        assert_eq!((task.state.as_str(), task.terminal), ("working", false));
        assert_eq!(task.task_id, json!("t1"));
        let done = TaskOutput::new(
            json!({"id": "t1", "status": {"state": "canceled"}}),
            Some(2),
        );
        assert!(done.terminal);
        assert_eq!(TaskOutput::new(json!({}), None).state, "unknown");
    }
}
