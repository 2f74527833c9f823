//! `theta.ondemand.chat`: one chat turn with an on-demand chat model. Paid.
//!
//! The service must be a chat service of the embedded catalog (GLM 5.3 / 5.3 Flash / 5.2,
//! qwen3, GPT OSS 120B, MiniMax M2.5, Llama 3.1 70B, Llama 3 8B) unless
//! `allowUnknownService` is set. The catalog says which route it answers on:
//!
//! - **chat/completions** (GLM models, gpt_oss_120b): `POST
//!   https://ondemand.thetaedgecloud.com/infer_request/chat/completions` with an
//!   OpenAI-style body, the input fields at the top level plus `model: <slug>`. Only this
//!   route returns structured `tool_calls`, so `tools` requires it.
//! - **infer_request** (qwen3, Llama, MiniMax): `POST /infer_request/<slug>?wait=&prediction=`
//!   with `{input: {...}, variant?, webhook?}`.
//!
//! Input: `extraInput`, overlaid with `messages`, `max_tokens` (1..5000), `temperature`
//! (0..2, default 0.5), `top_p` (0..1, default 0.7), `stream` and, when set,
//! `reasoning_effort`, `tools`, `tool_choice`. Per-service defaults from the catalog: qwen3
//! streams and waits 60 s; gpt_oss_120b uses `reasoning_effort: low` and 1800 tokens (small
//! budgets are spent on reasoning and come back empty); GLM models 5000 tokens; others 500.
//! Out-of-range numbers are clamped, with a warning.
//!
//! The answer, streamed (SSE) or whole (JSON), is aggregated into one result: `text`,
//! `reasoning`, `finishReason`, `usage`, `toolCalls`, plus `body` in the infer-response shape
//! (`body.infer_requests[0].output.message`; a whole chat completion is kept as
//! `body.chat_completions`). A stream that ends without a `finish_reason` or `[DONE]` is an
//! `INCOMPLETE_STREAM` error, never a truncated success. A job-route request still running
//! when `wait` ran out is returned with `state` and `requestId` to poll; one that ended in
//! `error` is an `OPERATION_FAILED` error.

use crate::skills::theta;
use crate::skills::theta::codes;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::catalog::{self, ChatRoute};
use super::response::{Decoded, aggregate_output, decode, first_infer_request, infer_shape};
use super::timeouts;
use crate::command::{Command, Ctx, Effect, Preview, SecretNeed, Service};
use crate::error::{Error, ErrorCode};
use crate::http::sse::{self, ChatAggregate};
use crate::http::{ApiRequest, ServiceClient};
use crate::schema::IDENTIFIER_PATTERN;

/// Arguments of `theta.ondemand.chat`. Names follow the OpenAI / JavaScript-skill spelling.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChatArgs {
    /// The conversation, oldest first: `[{"role": "user", "content": "Hello"}]`.
    #[schemars(length(min = 1, max = 500))]
    pub messages: Vec<ChatMessage>,
    /// Chat service slug (default `qwen3`): glm_5_3, glm_5_3_flash, glm_5_2, qwen3,
    /// gpt_oss_120b, minimax_m2_5, llama_3_1_70b, llama_3_8b.
    #[schemars(regex(pattern = IDENTIFIER_PATTERN), length(min = 1, max = 128))]
    pub service: Option<String>,
    /// Most tokens to generate (1-5000). Default: 5000 for GLM, 1800 for gpt_oss_120b, 500
    /// otherwise.
    pub max_tokens: Option<u32>,
    /// Sampling temperature (0-2, default 0.5).
    pub temperature: Option<f64>,
    /// Nucleus sampling (0-1, default 0.7).
    pub top_p: Option<f64>,
    /// Ask for a streamed answer (aggregated before it is returned). Default: true for
    /// qwen3, false otherwise.
    pub stream: Option<bool>,
    /// Job route only: seconds the server may hold the request (0-60). Default: 60 for
    /// qwen3, 30 otherwise.
    pub wait: Option<u32>,
    /// Job route only: the prediction (default `completions`).
    #[schemars(regex(pattern = IDENTIFIER_PATTERN), length(min = 1, max = 128))]
    pub prediction: Option<String>,
    /// Job route only: model variant, e.g. `parallax_32b_fp8` for qwen3.
    #[schemars(regex(pattern = IDENTIFIER_PATTERN), length(min = 1, max = 128))]
    pub variant: Option<String>,
    /// Job route only: URL called when the request finishes.
    #[schemars(regex(pattern = "^https?://[^\\s]+$"), length(max = 2048))]
    pub webhook: Option<String>,
    /// How hard the model thinks before answering (GLM: low/high/max; gpt_oss_120b defaults
    /// to low).
    pub reasoning_effort: Option<ReasoningEffort>,
    /// OpenAI-style tool definitions (`[{"type": "function", "function": {"name", …}}]`).
    /// Structured tool calls only come back on the chat/completions route (GLM 5.3 models).
    #[schemars(length(min = 1, max = 128))]
    pub tools: Option<Vec<Map<String, Value>>>,
    /// `none`, `auto`, `required`, or the name of the one function the model must call.
    #[schemars(regex(pattern = IDENTIFIER_PATTERN), length(min = 1, max = 128))]
    pub tool_choice: Option<String>,
    /// Override the catalog's route for this service (needed only with
    /// `allowUnknownService`).
    pub route: Option<ChatRoute>,
    /// More input fields, merged under the generated ones (e.g. `{"enable_thinking": true}`).
    #[serde(rename = "extraInput")]
    pub extra_input: Option<Map<String, Value>>,
    /// Call a service that is not a known chat service.
    #[serde(rename = "allowUnknownService")]
    pub allow_unknown_service: Option<bool>,
}

/// One chat message.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChatMessage {
    /// `system`, `user`, `assistant` or `tool`.
    #[schemars(length(min = 1, max = 64))]
    pub role: String,
    /// The text; may be left out only by an assistant message that carries `tool_calls`.
    pub content: Option<String>,
    /// Optional participant name.
    #[schemars(length(min = 1, max = 128))]
    pub name: Option<String>,
    /// Tool calls made by the assistant (when continuing a tool conversation).
    pub tool_calls: Option<Vec<Map<String, Value>>>,
    /// For `tool` messages: the id of the call this answers.
    #[schemars(length(min = 1, max = 256))]
    pub tool_call_id: Option<String>,
}

/// Reasoning effort.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ReasoningEffort {
    /// the least reasoning
    Minimal,
    /// low
    Low,
    /// medium
    Medium,
    /// high
    High,
    /// the most reasoning (GLM)
    Max,
}

impl ReasoningEffort {
    fn as_str(self) -> &'static str {
        match self {
            ReasoningEffort::Minimal => "minimal",
            ReasoningEffort::Low => "low",
            ReasoningEffort::Medium => "medium",
            ReasoningEffort::High => "high",
            ReasoningEffort::Max => "max",
        }
    }
}

/// The aggregated answer.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatOutput {
    /// `success` when an answer arrived, `pending`/`processing` when the job route's wait ran
    /// out first.
    pub state: String,
    /// The service that answered.
    pub service: String,
    /// `chat/completions` or `infer_request`.
    pub route: &'static str,
    /// The request or completion id (poll it with `theta.ondemand.pollUntilDone` when the
    /// state is not `success`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// The assistant's text.
    pub text: String,
    /// The model's reasoning, when it sends it separately.
    pub reasoning: String,
    /// Why generation stopped (`stop`, `length`, `tool_calls`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finish_reason: Option<String>,
    /// Token usage.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage: Option<Value>,
    /// Structured tool calls (`[{id, type: "function", function: {name, arguments}}]`).
    pub tool_calls: Vec<Value>,
    /// The model that answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Whether the answer arrived as a stream.
    pub streamed: bool,
    /// The answer in the infer-response shape (`infer_requests[0].output.message`).
    pub body: Value,
}

/// `theta.ondemand.chat`.
#[derive(Debug, Clone, Copy)]
pub struct Chat;

impl Command for Chat {
    const ID: &'static str = "theta.ondemand.chat";
    const EFFECT: Effect = Effect::Paid;
    const SUMMARY: &'static str = "Sends a conversation to an on-demand chat model (GLM, Qwen3, GPT OSS, Llama) and returns its answer, reasoning, usage and tool calls.";
    const SERVICE: Service = theta::ONDEMAND;
    const SECRETS: &'static [SecretNeed] = &[SecretNeed::required(theta::ONDEMAND_TOKEN)];
    type Args = ChatArgs;
    type Output = ChatOutput;

    async fn run(&self, ctx: &Ctx<'_>, args: ChatArgs) -> Result<ChatOutput, Error> {
        let client = ctx.client(theta::ONDEMAND)?;
        let plan = plan(&args, client.settings().timeout)?;
        for warning in &plan.warnings {
            ctx.warn(warning.clone());
        }
        let answer = match (plan.route, plan.stream) {
            (ChatRoute::Completions, true) => send_streaming(&client, &plan.request).await?,
            _ => {
                let response = client.send(&plan.request).await?;
                Answer::from_decoded(decode(&response).await?)?
            }
        };
        let output = answer.into_output(&plan)?;
        if output.state == "success" && output.text.is_empty() && output.tool_calls.is_empty() {
            ctx.warn(format!(
                "The model returned no text (finish_reason: {}); raise max_tokens or lower reasoning_effort.",
                output.finish_reason.as_deref().unwrap_or("none")
            ));
        }
        if output.state != "success"
            && let Some(id) = &output.request_id
        {
            ctx.warn(format!(
                "The chat request {id} is still {}; poll it with theta.ondemand.pollUntilDone {{\"requestId\": \"{id}\"}}.",
                output.state
            ));
        }
        Ok(output)
    }

    fn preview(&self, ctx: &Ctx<'_>, args: &ChatArgs) -> Result<Preview, Error> {
        let client = ctx.client(theta::ONDEMAND)?;
        let plan = plan(args, client.settings().timeout)?;
        let mut preview = Preview::request(client.preview(&plan.request)?);
        preview.details = Some(json!({
            "service": plan.service,
            "route": plan.route.as_str(),
            "stream": plan.stream,
        }));
        for warning in plan.warnings {
            preview = preview.note(warning);
        }
        if let Some(hint) = catalog::cost_hint(&plan.service) {
            preview = preview.cost_hint(hint);
        }
        Ok(preview)
    }

    fn example() -> Value {
        json!({
            "service": "glm_5_3_flash",
            "messages": [
                {"role": "system", "content": "Answer in one sentence."},
                {"role": "user", "content": "What is Theta EdgeCloud?"}
            ],
            "max_tokens": 400
        })
    }

    fn field_code(field: &str) -> Option<ErrorCode> {
        match field {
            "messages" | "tools" | "tool_choice" => Some(ErrorCode::InvalidChatBody),
            _ => super::field_code(field),
        }
    }
}

/// Everything a run sends and a preview shows.
#[derive(Debug)]
struct Plan {
    service: String,
    route: ChatRoute,
    stream: bool,
    request: ApiRequest,
    warnings: Vec<String>,
}

const DEFAULT_SERVICE: &str = "qwen3";
const DEFAULT_MAX_TOKENS: u32 = 500;

fn plan(args: &ChatArgs, http_timeout: std::time::Duration) -> Result<Plan, Error> {
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
    let profile = profile.unwrap_or(catalog::ChatProfile {
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

/// What came back, before it is shaped into a [`ChatOutput`].
enum Answer {
    /// An aggregated stream.
    Stream(ChatAggregate),
    /// A whole OpenAI chat completion.
    Completion(Value),
    /// A job-style answer `{status, body: {infer_requests: [...]}}`.
    Job(Value),
}

impl Answer {
    fn from_decoded(decoded: Decoded) -> Result<Self, Error> {
        match decoded {
            Decoded::Stream(aggregate) => Ok(Answer::Stream(aggregate)),
            Decoded::Json(value) if value.get("choices").is_some() => Ok(Answer::Completion(value)),
            Decoded::Json(value) if first_infer_request(&value).is_some() => Ok(Answer::Job(value)),
            Decoded::Json(value) => Err(Error::new(
                ErrorCode::InvalidResponse,
                format!(
                    "the chat answer has neither `choices` nor `body.infer_requests`: {}",
                    crate::secrets::excerpt(&value.to_string(), 200)
                ),
            )),
            Decoded::Text(text) => Err(Error::new(
                ErrorCode::InvalidResponse,
                format!(
                    "the chat answer is neither JSON nor an event stream: {}",
                    crate::secrets::excerpt(&text, 200)
                ),
            )),
        }
    }

    fn into_output(self, plan: &Plan) -> Result<ChatOutput, Error> {
        let (aggregate, state, request_id, streamed, body) = match self {
            Answer::Stream(aggregate) => {
                let body = infer_shape(&aggregate, true, None)["body"].take();
                let id = aggregate.id.clone();
                (aggregate, "success".to_owned(), id, true, body)
            }
            Answer::Completion(raw) => {
                let aggregate = sse::aggregate_completion(&raw)?;
                let body = infer_shape(&aggregate, false, Some(raw))["body"].take();
                let id = aggregate.id.clone();
                (aggregate, "success".to_owned(), id, false, body)
            }
            Answer::Job(mut raw) => {
                let first = first_infer_request(&raw).cloned().unwrap_or(Value::Null);
                // An answer without a state but with an output is a finished one.
                let stateless = if first.get("output").is_some_and(|o| !o.is_null()) {
                    "success"
                } else {
                    "unknown"
                };
                let state = first
                    .get("state")
                    .and_then(Value::as_str)
                    .unwrap_or(stateless)
                    .to_owned();
                let id = first.get("id").and_then(Value::as_str).map(str::to_owned);
                if matches!(
                    state.as_str(),
                    "error" | "failed" | "cancelled" | "canceled"
                ) {
                    let reason = first
                        .get("error")
                        .map(|e| e.as_str().map_or_else(|| e.to_string(), str::to_owned))
                        .unwrap_or_else(|| "no reason given".to_owned());
                    return Err(Error::new(
                        ErrorCode::OperationFailed,
                        format!(
                            "the chat request {} ended in state {state}: {reason}",
                            id.as_deref().unwrap_or("(no id)")
                        ),
                    )
                    .with_details(json!({"requestId": id, "state": state})));
                }
                let aggregate = aggregate_output(&first)?;
                let body = match raw.get_mut("body") {
                    Some(body) => body.take(),
                    None => raw,
                };
                (aggregate, state, id, false, body)
            }
        };
        Ok(ChatOutput {
            state,
            service: plan.service.clone(),
            route: plan.route.as_str(),
            request_id: request_id.or(aggregate.id.clone()),
            text: aggregate.text,
            reasoning: aggregate.reasoning,
            finish_reason: aggregate.finish_reason,
            usage: aggregate.usage,
            tool_calls: aggregate.tool_calls,
            model: aggregate.model,
            streamed,
            body,
        })
    }
}

/// Sends a streamed chat/completions request. A server that answers JSON anyway is read
/// whole; an event stream is aggregated as it arrives.
async fn send_streaming(client: &ServiceClient<'_>, request: &ApiRequest) -> Result<Answer, Error> {
    let mut response = client.send_streaming(request).await?;
    let is_json = response
        .content_type()
        .is_some_and(|ct| ct.contains("json"));
    if !is_json {
        return sse::aggregate_response(response).await.map(Answer::Stream);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.next_chunk().await? {
        body.extend_from_slice(&chunk);
    }
    let text = String::from_utf8_lossy(&body);
    Answer::from_decoded(super::response::decode_text(&text).await?)
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

    #[test]
    fn the_schema_accepts_the_example_and_refuses_empty_conversations() {
        let validator = crate::schema::compile(&crate::schema::input_schema::<ChatArgs>()).unwrap();
        assert!(validator.is_valid(&Chat::example()));
        assert!(!validator.is_valid(&json!({"messages": []})));
        assert!(!validator.is_valid(&json!({"messages": [{"content": "x"}]})));
        assert!(!validator.is_valid(&json!({"messages": hello(), "reasoning_effort": "extreme"})));
    }
}
