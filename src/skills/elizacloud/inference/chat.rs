//! `elizacloud.chat`: one OpenAI-style chat completion. Paid.
//!
//! `POST /api/v1/chat/completions` with `X-API-Key`, an `Idempotency-Key` (the billing
//! record's key; generated when absent) and an OpenAI body: `model` (a catalogue id from
//! `elizacloud.models.list`, never an agent id), `messages`, sampling options, `tools`,
//! `tool_choice`, `response_format`, `reasoning_effort`, `prompt_cache_key`.
//!
//! Streaming is the default: the request asks for `stream_options.include_usage`, so the
//! stream ends with a usage chunk, and the chunks are aggregated into one answer (text, tool
//! calls assembled from their deltas, finish reason, usage). A stream is complete only with a
//! `finish_reason` or `[DONE]`; the server's mid-stream error chunk
//! (`data: {"error":{…}}`) is a `STREAM_ERROR` and a cut stream an `INCOMPLETE_STREAM`. Neither
//! is re-sent: the request may have been billed. Like every paid request, it is retried only
//! when provably not processed (connect failure, 429, a 503 whose code says warming); a 502
//! is reported after one POST. A frame that is not JSON is an `INVALID_RESPONSE` (a string
//! split between the halves of a surrogate pair is joined first, as JavaScript joins it), and
//! so is an answer with more than 128 tool calls. Every failure carries the `Idempotency-Key`
//! in `details.idempotencyKey`, to be passed back as `idempotencyKey` when retrying.

use std::time::Duration;

use crate::command::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::error::{Error, ErrorCode};
use crate::http::sse::{self, ChatAggregate};
use crate::http::{ApiRequest, ServiceClient};
use crate::skills::elizacloud::{
    API, IDEMPOTENCY_KEY_PATTERN, KEY_REQUIRED, at_least, client, idempotency_key, keep_key,
    preview,
};

/// Arguments of `elizacloud.chat` (OpenAI spelling).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChatArgs {
    /// Catalogue model id, provider first, e.g. `openai/gpt-4o-mini` (see
    /// elizacloud.models.list). An agent id is not a model.
    #[schemars(length(min = 1, max = 200))]
    pub model: String,
    /// The conversation, oldest first: `[{"role": "user", "content": "Hello"}]`.
    #[schemars(length(min = 1, max = 500))]
    pub messages: Vec<ChatMessage>,
    /// Stream the answer (aggregated before it is returned). Default true.
    pub stream: Option<bool>,
    /// Sampling temperature (0-2).
    #[schemars(range(min = 0.0, max = 2.0))]
    pub temperature: Option<f64>,
    /// Nucleus sampling (0-1).
    #[schemars(range(min = 0.0, max = 1.0))]
    pub top_p: Option<f64>,
    /// Frequency penalty (-2 to 2).
    #[schemars(range(min = -2.0, max = 2.0))]
    pub frequency_penalty: Option<f64>,
    /// Presence penalty (-2 to 2).
    #[schemars(range(min = -2.0, max = 2.0))]
    pub presence_penalty: Option<f64>,
    /// Most tokens to generate (1-200000); also bounds the credit reservation.
    #[schemars(range(min = 1, max = 200_000))]
    pub max_tokens: Option<u32>,
    /// Stop sequences (1-4).
    #[schemars(length(min = 1, max = 4))]
    pub stop: Option<Vec<String>>,
    /// OpenAI tool definitions: `[{"type": "function", "function": {"name", "description", "parameters"}}]`.
    #[schemars(length(min = 1, max = 128))]
    pub tools: Option<Vec<Map<String, Value>>>,
    /// `auto`, `none`, `required`, or the name of the one function the model must call.
    #[schemars(regex(pattern = "^[A-Za-z0-9_.-]{1,64}$"))]
    pub tool_choice: Option<String>,
    /// Structured output.
    pub response_format: Option<ResponseFormat>,
    /// Reasoning effort (only some Cerebras models accept it; others answer 400).
    pub reasoning_effort: Option<ReasoningEffort>,
    /// Prompt cache key (1-1024 characters).
    #[schemars(length(min = 1, max = 1024))]
    pub prompt_cache_key: Option<String>,
    /// The billing record's idempotency key; generated when absent. After a failure, pass the
    /// one in the error's `details.idempotencyKey` to retry under the same key.
    #[serde(rename = "idempotencyKey")]
    #[schemars(regex(pattern = IDEMPOTENCY_KEY_PATTERN))]
    pub idempotency_key: Option<String>,
}

/// One message.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChatMessage {
    /// Who speaks.
    pub role: Role,
    /// The text; may be left out by an assistant message that carries `tool_calls`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// Optional participant name.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 128))]
    pub name: Option<String>,
    /// Tool calls the assistant made (when continuing a tool conversation).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tool_calls: Option<Vec<Map<String, Value>>>,
    /// For `tool` messages: the id of the call this answers.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 256))]
    pub tool_call_id: Option<String>,
}

/// A message role.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Instructions (the first one becomes the system prompt).
    System,
    /// The user.
    User,
    /// The model.
    Assistant,
    /// A tool's answer.
    Tool,
}

/// `response_format`.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResponseFormat {
    /// `text`, `json_object` or `json_schema`.
    #[serde(rename = "type")]
    pub kind: FormatKind,
    /// For `json_schema`: `{name?, description?, schema?, strict?}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub json_schema: Option<Map<String, Value>>,
}

/// The kind of `response_format`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FormatKind {
    /// Plain text.
    Text,
    /// Any JSON object.
    JsonObject,
    /// JSON matching `json_schema.schema`.
    JsonSchema,
}

/// Reasoning effort.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ReasoningEffort {
    /// none
    None,
    /// low
    Low,
    /// medium
    Medium,
    /// high
    High,
}

/// The aggregated answer.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatOutput {
    /// The completion id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The model that answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// The assistant's text (empty when it only called tools).
    pub text: String,
    /// `stop`, `length`, `tool_calls` or `content_filter`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finish_reason: Option<String>,
    /// Tool calls: `[{id, type: "function", function: {name, arguments}}]`.
    pub tool_calls: Vec<Value>,
    /// Token usage.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage: Option<Value>,
    /// Whether the answer arrived as a stream.
    pub streamed: bool,
    /// The idempotency key the request was billed under.
    pub idempotency_key: String,
}

fn body(args: &ChatArgs) -> Result<Value, Error> {
    let stream = args.stream.unwrap_or(true);
    let mut body = json!({
        "model": args.model,
        "messages": args.messages,
        "stream": stream,
    });
    if stream {
        body["stream_options"] = json!({"include_usage": true});
    }
    let mut put = |key: &str, value: Option<Value>| {
        if let Some(value) = value {
            body[key] = value;
        }
    };
    put("temperature", args.temperature.map(|v| json!(v)));
    put("top_p", args.top_p.map(|v| json!(v)));
    put(
        "frequency_penalty",
        args.frequency_penalty.map(|v| json!(v)),
    );
    put("presence_penalty", args.presence_penalty.map(|v| json!(v)));
    put("max_tokens", args.max_tokens.map(|v| json!(v)));
    put("stop", args.stop.as_ref().map(|v| json!(v)));
    put("tools", args.tools.as_ref().map(|v| json!(v)));
    put(
        "tool_choice",
        args.tool_choice.as_deref().map(|choice| match choice {
            "auto" | "none" | "required" => json!(choice),
            name => json!({"type": "function", "function": {"name": name}}),
        }),
    );
    put(
        "response_format",
        args.response_format.as_ref().map(|v| json!(v)),
    );
    put("reasoning_effort", args.reasoning_effort.map(|v| json!(v)));
    put(
        "prompt_cache_key",
        args.prompt_cache_key.as_ref().map(|v| json!(v)),
    );
    if args.tool_choice.is_some() && args.tools.is_none() {
        return Err(Error::invalid_field(
            ErrorCode::InvalidChatBody,
            "tool_choice",
            "tool_choice needs tools",
        ));
    }
    Ok(body)
}

fn request(body: Value, key: &str, timeout: Duration) -> ApiRequest {
    ApiRequest::post(&["api", "v1", "chat", "completions"], Effect::Paid)
        .header("idempotency-key", key)
        .timeout(timeout)
        .json(body)
}

/// `elizacloud.chat`.
#[derive(Debug, Clone, Copy)]
pub struct Chat;

impl Command for Chat {
    const ID: &'static str = "elizacloud.chat";
    const EFFECT: Effect = Effect::Paid;
    const SUMMARY: &'static str = "Sends a conversation to an elizaOS Cloud chat model and returns its answer, tool calls and token usage.";
    const SERVICE: Service = API;
    const SECRETS: &'static [SecretNeed] = KEY_REQUIRED;
    type Args = ChatArgs;
    type Output = ChatOutput;

    async fn run(&self, ctx: &Ctx<'_>, args: ChatArgs) -> Result<ChatOutput, Error> {
        let body = body(&args)?;
        let key = args.idempotency_key.unwrap_or_else(idempotency_key);
        let request = request(body, &key, at_least(ctx, Duration::from_secs(120)));
        match answer(&client(ctx)?, &request).await {
            Ok((answer, streamed)) => Ok(output(answer, streamed, key)),
            Err(error) => Err(keep_key(error, &key)),
        }
    }

    fn preview(&self, ctx: &Ctx<'_>, args: &ChatArgs) -> Result<Preview, Error> {
        let key = args
            .idempotency_key
            .clone()
            .unwrap_or_else(|| "<generated at run time>".to_owned());
        Ok(preview(ctx, &request(body(args)?, &key, at_least(ctx, Duration::from_secs(120))))?
            .note("Billed per token from the USD balance (reserved before, settled after). Sent once: a failure after it may have reached the server is reported, never re-sent.")
            .cost_hint(json!({"unit": "1k tokens", "see": "elizacloud.pricing"})))
    }

    fn example() -> Value {
        json!({
            "model": "openai/gpt-4o-mini",
            "messages": [{"role": "user", "content": "Say hello in one word."}],
            "max_tokens": 50
        })
    }
}

/// Sends the request and reads its answer, streamed or whole; says whether it was streamed.
async fn answer(
    client: &ServiceClient<'_>,
    request: &ApiRequest,
) -> Result<(ChatAggregate, bool), Error> {
    let mut response = client.send_streaming(request).await?;
    let is_sse = response
        .content_type()
        .is_some_and(|ct| ct.contains("event-stream"));
    let mut streamed = is_sse;
    let answer = if is_sse {
        sse::aggregate_response(response).await?
    } else {
        let mut bytes = Vec::new();
        while let Some(chunk) = response.next_chunk().await? {
            bytes.extend_from_slice(&chunk);
        }
        let text = String::from_utf8_lossy(&bytes);
        if sse::looks_like_sse(&text) {
            streamed = true;
            sse::aggregate_text(&text).await?
        } else {
            if crate::http::too_many_json_values(text.as_bytes()) {
                return Err(Error::new(
                    crate::code::ErrorCode::ResponseTooLarge,
                    format!(
                        "the response holds more than {} JSON values",
                        crate::http::MAX_JSON_VALUES
                    ),
                ));
            }
            let value: Value = serde_json::from_str(&text).map_err(|e| {
                Error::new(
                    ErrorCode::InvalidResponse,
                    format!("the chat answer is not JSON: {e}"),
                )
            })?;
            sse::aggregate_completion(&value)?
        }
    };
    Ok((answer, streamed))
}

fn output(answer: ChatAggregate, streamed: bool, key: String) -> ChatOutput {
    ChatOutput {
        id: answer.id,
        model: answer.model,
        text: answer.text,
        finish_reason: answer.finish_reason,
        tool_calls: answer.tool_calls,
        usage: answer.usage,
        streamed,
        idempotency_key: key,
    }
}
