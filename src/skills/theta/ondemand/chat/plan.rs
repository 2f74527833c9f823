//! How a chat turn is sent: the route the catalog (or the caller) picks, the defaults and
//! clamps of each service, the validated messages, and the one request a run sends and a
//! preview shows.

use serde_json::{Map, Value, json};

use super::super::catalog::{self, ChatProfile, ChatRoute};
use super::super::timeouts;
use super::ChatArgs;
use super::ChatMessage;
use crate::command::Effect;
use crate::error::{Error, ErrorCode};
use crate::http::ApiRequest;
use crate::skills::theta::codes;

/// Everything a run sends and a preview shows.
#[derive(Debug)]
pub(super) struct Plan {
    pub(super) service: String,
    pub(super) route: ChatRoute,
    pub(super) stream: bool,
    pub(super) request: ApiRequest,
    pub(super) warnings: Vec<String>,
}

const DEFAULT_SERVICE: &str = "qwen3";
const DEFAULT_MAX_TOKENS: u32 = 500;

pub(super) fn plan(args: &ChatArgs, http_timeout: std::time::Duration) -> Result<Plan, Error> {
    let requested = args.service.as_deref().unwrap_or(DEFAULT_SERVICE).trim();
    let entry = catalog::entry(requested);
    let profile = entry.and_then(|e| e.chat.clone());
    if profile.is_none() && args.allow_unknown_service != Some(true) {
        return Err(Error::invalid_field(
            codes::INVALID_ONDEMAND_SERVICE,
            "service",
            format!(
                "`{requested}` is not a known on-demand chat service (known: {}); pass allowUnknownService: true to call it anyway",
                catalog::chat_slugs().join(", ")
            ),
        ));
    }
    let service = entry.map_or(requested, |e| e.slug.as_str()).to_owned();
    let profile = profile.unwrap_or(ChatProfile {
        route: ChatRoute::Infer,
        max_tokens: None,
        stream: None,
        wait: None,
        reasoning_effort: None,
        tools: false,
    });
    let route = args.route.unwrap_or(profile.route);
    let mut warnings = Vec::new();
    let mut clamp = |name: &str, value: f64, min: f64, max: f64| {
        let clamped = value.clamp(min, max);
        if clamped != value {
            warnings.push(format!(
                "{name} {value} is outside {min}..{max} and was set to {clamped}."
            ));
        }
        clamped
    };
    let max_tokens = clamp(
        "max_tokens",
        f64::from(
            args.max_tokens
                .or(profile.max_tokens)
                .unwrap_or(DEFAULT_MAX_TOKENS),
        ),
        1.0,
        5000.0,
    );
    let temperature = clamp("temperature", args.temperature.unwrap_or(0.5), 0.0, 2.0);
    let top_p = clamp("top_p", args.top_p.unwrap_or(0.7), 0.0, 1.0);
    let wait = clamp(
        "wait",
        f64::from(args.wait.or(profile.wait).unwrap_or(30)),
        0.0,
        60.0,
    );
    let stream = args.stream.or(profile.stream).unwrap_or(false);
    let reasoning_effort = args
        .reasoning_effort
        .map(|r| r.as_str().to_owned())
        .or(profile.reasoning_effort.clone());

    let mut input = args.extra_input.clone().unwrap_or_default();
    input.insert("messages".into(), messages(&args.messages)?);
    input.insert("max_tokens".into(), whole(max_tokens));
    input.insert("temperature".into(), json!(temperature));
    input.insert("top_p".into(), json!(top_p));
    input.insert("stream".into(), json!(stream));
    if let Some(effort) = reasoning_effort {
        input.insert("reasoning_effort".into(), json!(effort));
    }
    if let Some(tools) = &args.tools {
        input.insert("tools".into(), json!(tools));
    }
    if let Some(choice) = &args.tool_choice {
        let value = match choice.as_str() {
            "none" | "auto" | "required" => json!(choice),
            function => json!({"type": "function", "function": {"name": function}}),
        };
        input.insert("tool_choice".into(), value);
    }

    let request = match route {
        ChatRoute::Completions => {
            for (name, given) in [
                ("wait", args.wait.is_some()),
                ("prediction", args.prediction.is_some()),
                ("variant", args.variant.is_some()),
                ("webhook", args.webhook.is_some()),
            ] {
                if given {
                    warnings.push(format!(
                        "`{name}` applies to the job route only and was not sent to chat/completions."
                    ));
                }
            }
            input.insert("model".into(), json!(service));
            ApiRequest::post(&["infer_request", "chat", "completions"], Effect::Paid)
                .json(Value::Object(input))
                .timeout(timeouts::chat_timeout(stream, http_timeout, None))
        }
        ChatRoute::Infer => {
            if args.tools.is_some() {
                return Err(Error::invalid_field(
                    ErrorCode::InvalidChatBody,
                    "tools",
                    format!(
                        "`{service}` answers chats on the job route, which returns no tool calls; use a model on chat/completions (glm_5_3, glm_5_3_flash) or pass route: completions"
                    ),
                ));
            }
            let wait = whole_u32(wait);
            let mut body = Map::new();
            body.insert("input".into(), Value::Object(input));
            if let Some(variant) = &args.variant {
                body.insert("variant".into(), json!(variant));
            }
            if let Some(webhook) = &args.webhook {
                body.insert("webhook".into(), json!(webhook));
            }
            ApiRequest::post(&["infer_request", &service], Effect::Paid)
                .query("wait", wait)
                .query(
                    "prediction",
                    args.prediction.as_deref().unwrap_or("completions"),
                )
                .json(Value::Object(body))
                .timeout(timeouts::chat_timeout(stream, http_timeout, Some(wait)))
        }
    };
    Ok(Plan {
        service,
        route,
        stream,
        request,
        warnings,
    })
}

/// Validates the messages and returns them as sent: roles trimmed, absent fields left out.
fn messages(messages: &[ChatMessage]) -> Result<Value, Error> {
    let bad = |index: usize, what: &str| {
        Error::invalid_field(
            ErrorCode::InvalidChatBody,
            "messages",
            format!("messages[{index}] {what}"),
        )
        .with_problems(vec![crate::error::Problem {
            path: format!("/messages/{index}"),
            message: what.to_owned(),
            code: Some(ErrorCode::InvalidChatBody),
        }])
    };
    let mut out = Vec::with_capacity(messages.len());
    for (index, message) in messages.iter().enumerate() {
        let role = message.role.trim();
        if role.is_empty() {
            return Err(bad(index, "needs a non-empty `role`"));
        }
        let carries_calls = message.tool_calls.as_ref().is_some_and(|c| !c.is_empty());
        let blank = message
            .content
            .as_deref()
            .is_none_or(|c| c.trim().is_empty());
        if blank && !(role == "assistant" && carries_calls) {
            return Err(bad(
                index,
                "needs a non-empty `content` (only an assistant message with `tool_calls` may leave it out)",
            ));
        }
        let mut m = Map::new();
        m.insert("role".into(), json!(role));
        if let Some(content) = &message.content {
            m.insert("content".into(), json!(content));
        }
        if let Some(name) = &message.name {
            m.insert("name".into(), json!(name));
        }
        if let Some(calls) = &message.tool_calls {
            m.insert("tool_calls".into(), json!(calls));
        }
        if let Some(id) = &message.tool_call_id {
            m.insert("tool_call_id".into(), json!(id));
        }
        out.push(Value::Object(m));
    }
    Ok(Value::Array(out))
}

fn whole_u32(value: f64) -> u32 {
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "clamped to a small non-negative range before"
    )]
    let n = value.round() as u32;
    n
}

fn whole(value: f64) -> Value {
    json!(whole_u32(value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    const HTTP: Duration = Duration::from_millis(20_000);

    fn plan_of(value: Value) -> Result<Plan, Error> {
        let args: ChatArgs = serde_json::from_value(value).unwrap();
        plan(&args, HTTP)
    }

    fn hello() -> Value {
        json!([{"role": "user", "content": "Hello"}])
    }

    fn body(plan: &Plan) -> Value {
        plan.request.json_body().cloned().unwrap()
    }

    #[test]
    fn qwen3_is_the_default_and_streams_on_the_job_route() {
        let plan = plan_of(json!({"messages": hello()})).unwrap();
        assert_eq!(plan.service, "qwen3");
        assert_eq!(plan.route, ChatRoute::Infer);
        assert!(plan.stream);
        assert_eq!(
            body(&plan),
            json!({"input": {"messages": hello(), "max_tokens": 500, "temperature": 0.5, "top_p": 0.7, "stream": true}})
        );
        let debug = format!("{:?}", plan.request);
        assert!(debug.contains("\"wait\", \"60\""), "{debug}");
        assert!(debug.contains("\"prediction\", \"completions\""), "{debug}");
    }

    #[test]
    fn gpt_oss_and_glm_use_chat_completions_with_their_defaults() {
        let gpt = plan_of(json!({"service": "gpt_oss_120b", "messages": hello()})).unwrap();
        assert_eq!(gpt.route, ChatRoute::Completions);
        assert_eq!(
            body(&gpt),
            json!({"messages": hello(), "max_tokens": 1800, "temperature": 0.5, "top_p": 0.7,
                   "stream": false, "reasoning_effort": "low", "model": "gpt_oss_120b"})
        );
        let glm = plan_of(json!({
            "service": "glm_5_3", "messages": hello(),
            "tools": [{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}],
            "tool_choice": "get_weather",
            "reasoning_effort": "max",
            "extraInput": {"enable_thinking": true, "max_tokens": 1}
        }))
        .unwrap();
        let b = body(&glm);
        assert_eq!(b["model"], json!("glm_5_3"));
        assert_eq!(
            b["max_tokens"],
            json!(5000),
            "generated fields win over extraInput"
        );
        assert_eq!(b["enable_thinking"], json!(true));
        assert_eq!(b["reasoning_effort"], json!("max"));
        assert_eq!(
            b["tool_choice"],
            json!({"type": "function", "function": {"name": "get_weather"}})
        );
        assert_eq!(b["tools"][0]["function"]["name"], json!("get_weather"));
    }

    #[test]
    fn unknown_services_need_permission_and_tools_need_chat_completions() {
        let unknown = plan_of(json!({"service": "flux", "messages": hello()})).unwrap_err();
        assert_eq!(unknown.code(), codes::INVALID_ONDEMAND_SERVICE);
        assert!(unknown.message().contains("glm_5_3"), "{unknown:?}");
        let allowed = plan_of(
            json!({"service": "my_model", "messages": hello(), "allowUnknownService": true}),
        )
        .unwrap();
        assert_eq!(allowed.route, ChatRoute::Infer);
        assert_eq!(body(&allowed)["input"]["max_tokens"], json!(500));
        let tools = plan_of(
            json!({"service": "qwen3", "messages": hello(), "tools": [{"type": "function"}]}),
        )
        .unwrap_err();
        assert_eq!(tools.code(), ErrorCode::InvalidChatBody);
        let routed = plan_of(
            json!({"service": "my_model", "messages": hello(), "allowUnknownService": true,
            "route": "completions", "tools": [{"type": "function"}]}),
        )
        .unwrap();
        assert_eq!(body(&routed)["model"], json!("my_model"));
    }

    #[test]
    fn numbers_are_clamped_with_warnings() {
        let plan = plan_of(json!({"service": "llama_3_8b", "messages": hello(),
            "max_tokens": 9000, "temperature": 3.5, "top_p": -1, "wait": 90}))
        .unwrap();
        let input = &body(&plan)["input"];
        assert_eq!(input["max_tokens"], json!(5000));
        assert_eq!(input["temperature"], json!(2.0));
        assert_eq!(input["top_p"], json!(0.0));
        assert!(format!("{:?}", plan.request).contains("\"wait\", \"60\""));
        assert_eq!(plan.warnings.len(), 4, "{:?}", plan.warnings);
    }

    #[test]
    fn messages_are_validated_by_index() {
        let blank = plan_of(
            json!({"messages": [{"role": "user", "content": "hi"}, {"role": " ", "content": "x"}]}),
        )
        .unwrap_err();
        assert_eq!(blank.code(), ErrorCode::InvalidChatBody);
        assert!(blank.message().contains("messages[1]"), "{blank:?}");
        assert_eq!(blank.problems()[0].path, "/messages/1");
        let empty = plan_of(json!({"messages": [{"role": "user", "content": "  "}]})).unwrap_err();
        assert_eq!(empty.code(), ErrorCode::InvalidChatBody);
        let tool_turn = plan_of(json!({"service": "glm_5_3", "messages": [
            {"role": "user", "content": "Weather in Oslo?"},
            {"role": "assistant", "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{}"}}]},
            {"role": "tool", "tool_call_id": "call_1", "content": "{\"temp\": 3}"}
        ]}))
        .unwrap();
        let sent = &body(&tool_turn)["messages"];
        assert!(
            sent[1].get("content").is_none(),
            "absent stays absent: {sent}"
        );
        assert_eq!(sent[2]["tool_call_id"], json!("call_1"));
    }

    #[test]
    fn job_route_only_arguments_are_reported_on_chat_completions() {
        let plan = plan_of(json!({"service": "glm_5_3_flash", "messages": hello(), "variant": "default", "wait": 10}))
            .unwrap();
        assert_eq!(plan.warnings.len(), 2, "{:?}", plan.warnings);
        assert!(body(&plan).get("variant").is_none());
    }
}
