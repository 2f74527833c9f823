//! The fake's A2A routes (`spec/elizacloud.md` §6.12 and §10 rows 35–36).
//!
//! `/api/a2a`: the platform card; JSON-RPC one object or a batch; 400 only for bad JSON or
//! `[]`; every method error inside HTTP 200 (−32000 with the server's messages, −32601);
//! tasks asynchronous by default (a send answers `submitted`, each `tasks/get` moves it on:
//! `working`, then `completed` after `a2a_task_polls` gets) so polling and cancel can be
//! tested, or born `completed` with `a2a_sync` (production); a billed skill
//! (`cloud.agents.chat`) debits the ledger or fails "Insufficient credits".
//!
//! `/api/agents/{id}/a2a`: public characters as agents (`agent_pub`; `agent_off` has A2A
//! disabled; `agent_private` is not public); the strict envelope; auth as −32002 with its HTTP
//! status; `chat` (−32602 on bad messages, **HTTP 200 −32003** when short of credits) and
//! `getAgentInfo`; anything else 400 −32601.

use serde_json::{Value, json};
use wiremock::{Request, ResponseTemplate};

use super::{State, authenticated, ok_json};

/// Skills of the platform card (a few of the real 21).
const SKILLS: [(&str, &str); 4] = [
    ("cloud.capabilities.list", "none"),
    ("cloud.account.profile", "none"),
    ("cloud.credits.summary", "none"),
    ("cloud.agents.chat", "credit_debit"),
];

fn card() -> Value {
    let skills: Vec<Value> = SKILLS
        .iter()
        .map(|(id, effect)| json!({"id": id, "name": id, "description": format!("The {id} skill"), "tags": ["cloud"], "inputModes": ["application/json", "text/plain"], "outputModes": ["application/json"], "billing": {"effect": effect, "account": "organization"}}))
        .collect();
    json!({"name": "Eliza Cloud", "description": "The elizaOS Cloud platform agent", "url": "https://cloud.eliza.app/api/a2a", "provider": {"organization": "Eliza Cloud", "url": "https://cloud.eliza.app"}, "version": "1.0.0", "capabilities": {"streaming": false, "pushNotifications": false, "stateTransitionHistory": true}, "authentication": {"schemes": [{"scheme": "bearer"}]}, "skills": skills})
}

/// `GET /api/a2a`.
pub fn platform_card() -> ResponseTemplate {
    ok_json(card()).insert_header("cache-control", "public, max-age=300")
}

fn rpc_error(id: &Value, code: i64, message: &str) -> Value {
    json!({"jsonrpc": "2.0", "error": {"code": code, "message": message}, "id": id})
}

fn rpc_result(id: &Value, result: Value) -> Value {
    let mut answer = json!({"jsonrpc": "2.0", "id": id});
    answer["result"] = result;
    answer
}

/// `POST /api/a2a`.
pub fn platform(state: &mut State, request: &Request) -> ResponseTemplate {
    let Ok(body) = serde_json::from_slice::<Value>(&request.body) else {
        return ResponseTemplate::new(400).set_body_json(rpc_error(
            &Value::Null,
            -32700,
            "Parse error",
        ));
    };
    let auth = authenticated(state, request);
    match body {
        Value::Array(calls) if calls.is_empty() => ResponseTemplate::new(400)
            .set_body_json(rpc_error(&Value::Null, -32600, "Invalid Request")),
        Value::Array(calls) => {
            let answers: Vec<Value> = calls
                .iter()
                .map(|c| platform_call(state, auth, c))
                .collect();
            ok_json(Value::Array(answers))
        }
        call => ok_json(platform_call(state, auth, &call)),
    }
}

fn platform_call(state: &mut State, auth: Option<bool>, call: &Value) -> Value {
    let id = call.get("id").cloned().unwrap_or(Value::Null);
    let method = call["method"].as_str().unwrap_or_default();
    let params = &call["params"];
    if ![
        "message/send",
        "tasks/get",
        "tasks/cancel",
        "agent/getAuthenticatedExtendedCard",
    ]
    .contains(&method)
    {
        return rpc_error(&id, -32601, &format!("Unsupported A2A method: {method}"));
    }
    match auth {
        None => return rpc_error(&id, -32000, "Authentication required"),
        Some(false) => return rpc_error(&id, -32000, "Invalid or expired API key"),
        Some(true) => {}
    }
    match method {
        "agent/getAuthenticatedExtendedCard" => rpc_result(&id, card()),
        "message/send" => send(state, &id, params),
        "tasks/get" => {
            let task_id = params["id"].as_str().unwrap_or_default().to_owned();
            let polls = state.a2a_task_polls;
            let Some((task, gets)) = state.tasks.get_mut(&task_id) else {
                return rpc_error(&id, -32000, &format!("Task not found: {task_id}"));
            };
            if task["status"]["state"] == "submitted" || task["status"]["state"] == "working" {
                *gets += 1;
                let next = if *gets >= polls {
                    "completed"
                } else {
                    "working"
                };
                task["status"]["state"] = json!(next);
            }
            let mut shown = task.clone();
            if let Some(n) = params["historyLength"].as_u64()
                && let Some(history) = shown["history"].as_array_mut()
            {
                let keep = history.len().saturating_sub(n as usize);
                history.drain(..keep);
            }
            rpc_result(&id, shown)
        }
        _ => {
            let task_id = params["id"].as_str().unwrap_or_default().to_owned();
            let Some((task, _)) = state.tasks.get_mut(&task_id) else {
                return rpc_error(&id, -32000, &format!("Task not found: {task_id}"));
            };
            let current = task["status"]["state"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            if ["completed", "canceled", "failed", "rejected"].contains(&current.as_str()) {
                return rpc_error(
                    &id,
                    -32000,
                    &format!("Task {task_id} is already in terminal state: {current}"),
                );
            }
            task["status"] = json!({"state": "canceled", "message": {"role": "agent", "parts": [{"type": "text", "text": "Task canceled"}]}, "timestamp": "2026-01-01T00:00:01.000Z"});
            rpc_result(&id, task.clone())
        }
    }
}

fn send(state: &mut State, id: &Value, params: &Value) -> Value {
    let message = &params["message"];
    let parts = message["parts"].as_array().cloned().unwrap_or_default();
    // Parts are read by `type` only; `kind`-only parts are ignored.
    let data = parts
        .iter()
        .find(|p| p["type"] == "data")
        .map(|p| p["data"].clone())
        .unwrap_or(Value::Null);
    let text: Vec<&str> = parts
        .iter()
        .filter(|p| p["type"] == "text")
        .filter_map(|p| p["text"].as_str())
        .collect();
    let skill = data["skill"]
        .as_str()
        .or_else(|| params["metadata"]["skill"].as_str())
        .unwrap_or("cloud.capabilities.list")
        .to_owned();
    let Some((_, effect)) = SKILLS.iter().find(|(s, _)| *s == skill) else {
        return rpc_error(id, -32000, &format!("Unknown Cloud A2A skill: {skill}"));
    };
    if *effect == "credit_debit" {
        if state.balance < 0.01 {
            return rpc_error(id, -32000, "Insufficient credits");
        }
        state.debit(0.01, "a2a cloud.agents.chat");
    }
    let result = match skill.as_str() {
        "cloud.capabilities.list" => {
            json!({"capabilities": SKILLS.iter().map(|(s, _)| s).collect::<Vec<_>>()})
        }
        "cloud.credits.summary" => json!({"balance": state.balance}),
        _ => json!({"ok": true, "text": text.join("\n")}),
    };
    let task_id = data["taskId"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| state.id("task"));
    let state_name = if state.a2a_sync {
        "completed"
    } else {
        "submitted"
    };
    let agent = json!({"role": "agent", "parts": [{"type": "text", "text": format!("Completed {skill}")}, {"type": "data", "data": result}]});
    let task = json!({"id": task_id, "contextId": data["contextId"], "status": {"state": state_name, "message": agent, "timestamp": "2026-01-01T00:00:00.000Z"}, "metadata": {"skill": skill}, "history": [message, agent], "artifacts": [{"parts": [{"type": "data", "data": result}], "name": skill, "index": 0}]});
    state.tasks.insert(task_id, (task.clone(), 0));
    rpc_result(id, task)
}

/// The public agents: id → (public, A2A enabled).
const AGENTS: [(&str, bool, bool); 3] = [
    ("agent_pub", true, true),
    ("agent_off", true, false),
    ("agent_private", false, true),
];

/// `GET /api/agents/{id}/a2a`.
pub fn agent_card(id: &str) -> ResponseTemplate {
    match AGENTS.iter().find(|(a, ..)| *a == id) {
        None => ResponseTemplate::new(404).set_body_json(json!({"error": "Agent not found"})),
        Some((_, false, _)) => {
            ResponseTemplate::new(403).set_body_json(json!({"error": "Agent is not public"}))
        }
        Some((_, _, false)) => ResponseTemplate::new(403)
            .set_body_json(json!({"error": "A2A not enabled for this agent"})),
        Some(_) => ok_json(
            json!({"name": "Atlas", "description": "A helpful public agent", "version": "1.0.0", "capabilities": {"streaming": true}, "skills": [{"id": "chat", "name": "Chat", "pricing": {"type": "token-based", "inputCostPer1k": 0.005, "outputCostPer1k": 0.015}}], "pricing": {"currency": "USD", "paymentMethods": ["api_key_credits"], "minimumPayment": 0.001}}),
        ),
    }
}

/// `POST /api/agents/{id}/a2a`.
pub fn agent_call(state: &mut State, id: &str, request: &Request) -> ResponseTemplate {
    let reply = |status: u16, body: Value| ResponseTemplate::new(status).set_body_json(body);
    match AGENTS.iter().find(|(a, ..)| *a == id) {
        None => return reply(404, rpc_error(&Value::Null, -32001, "Agent not found")),
        Some((_, false, _) | (_, _, false)) => {
            return reply(403, rpc_error(&Value::Null, -32001, "Agent not accessible"));
        }
        Some(_) => {}
    }
    let Ok(body) = serde_json::from_slice::<Value>(&request.body) else {
        return reply(400, rpc_error(&Value::Null, -32700, "Parse error"));
    };
    let rpc_id = body.get("id").cloned().unwrap_or(Value::Null);
    let strict = body.as_object().is_some_and(|o| {
        o.get("jsonrpc") == Some(&json!("2.0"))
            && o.get("method")
                .and_then(Value::as_str)
                .is_some_and(|m| !m.is_empty())
            && o.get("params").is_none_or(Value::is_object)
            && o.get("id")
                .is_some_and(|i| i.is_string() || i.is_number() || i.is_null())
            && o.keys()
                .all(|k| ["jsonrpc", "method", "params", "id"].contains(&k.as_str()))
    });
    if !strict {
        return reply(400, rpc_error(&rpc_id, -32600, "Invalid Request"));
    }
    match authenticated(state, request) {
        Some(true) => {}
        _ => return reply(401, rpc_error(&rpc_id, -32002, "Authentication required")),
    }
    match body["method"].as_str().unwrap_or_default() {
        "getAgentInfo" => ok_json(rpc_result(
            &rpc_id,
            json!({"name": "Atlas", "bio": "A helpful public agent", "category": "assistant", "tags": ["help"], "monetizationEnabled": true, "markupPercentage": 10}),
        )),
        "chat" => {
            let messages = body["params"]["messages"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            let valid = !messages.is_empty()
                && messages.iter().all(|m| {
                    m.as_object()
                        .is_some_and(|o| o.keys().all(|k| k == "role" || k == "content"))
                        && ["user", "assistant", "agent"]
                            .contains(&m["role"].as_str().unwrap_or_default())
                        && m["content"].as_str().is_some_and(|c| !c.is_empty())
                });
            if !valid {
                return reply(
                    400,
                    rpc_error(&rpc_id, -32602, "valid messages are required"),
                );
            }
            let cost = 0.0123;
            if state.balance < cost {
                // Short of credits: inside an HTTP 200.
                return ok_json(rpc_error(
                    &rpc_id,
                    -32003,
                    &format!("Insufficient credits. Required: ${cost}"),
                ));
            }
            state.debit(cost, "a2a chat");
            let model = body["params"]["model"].as_str().unwrap_or("gpt-5-mini");
            ok_json(rpc_result(
                &rpc_id,
                json!({"content": "Hello from Atlas.", "model": model, "usage": {"prompt_tokens": 20, "completion_tokens": 5, "total_tokens": 25}, "cost": {"base": 0.0112, "markup": 0.0011, "total": cost}}),
            ))
        }
        _ => reply(400, rpc_error(&rpc_id, -32601, "Method not found")),
    }
}
