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
//!
//! The command is here; [`plan`] decides what is sent, [`answer`] reads what came back.

use crate::command::prelude::*;
use crate::skills::theta;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

mod answer;
mod plan;

use super::catalog::{self, ChatRoute};
use super::response::decode;
use crate::error::{Error, ErrorCode};
use crate::schema::IDENTIFIER_PATTERN;
use answer::{Answer, send_streaming};
use plan::plan;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_accepts_the_example_and_refuses_empty_conversations() {
        let validator = crate::schema::compile(&crate::schema::input_schema::<ChatArgs>()).unwrap();
        assert!(validator.is_valid(&Chat::example()));
        assert!(!validator.is_valid(&json!({"messages": []})));
        assert!(!validator.is_valid(&json!({"messages": [{"content": "x"}]})));
        assert!(!validator.is_valid(&json!({"messages": [{"role": "user", "content": "Hello"}], "reasoning_effort": "extreme"})));
    }
}
