//! `elizacloud.agents.a2a.chat`: Paid: chats with a public agent through its A2A endpoint, billed to the caller's balance.
//!
//! `POST /api/agents/{id}/a2a` JSON-RPC `chat` `{messages, model?}` → `{content, model, usage,
//! cost: {base, markup, total}}`. The agent's own system prompt is used; the answer is at most
//! about 500 tokens; the estimate plus the creator's markup is reserved first. Short of
//! credits, the agent answers HTTP 200 with −32003: `ELIZACLOUD_INSUFFICIENT_CREDITS`, never
//! retried. Sent once.

use super::{agent_post, call, rpc};
use crate::command::prelude::*;
use crate::skills::elizacloud::{API, ID_PATTERN, KEY_REQUIRED, at_least, preview};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Who speaks.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ChatRole {
    /// The caller.
    User,
    /// The agent, in an earlier turn.
    Assistant,
    /// The agent (A2A's name for it).
    Agent,
}

/// One turn of the conversation.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChatTurn {
    /// `user`, `assistant` or `agent` (no `system`: the agent has its own).
    pub role: ChatRole,
    /// The text (1-20000 characters).
    #[schemars(length(min = 1, max = 20_000))]
    pub content: String,
}

/// Arguments of `elizacloud.agents.a2a.chat`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AgentChatArgs {
    /// The public character's id (the `{id}` of an `a2aEndpoint` from elizacloud.discovery).
    #[schemars(regex(pattern = ID_PATTERN))]
    pub agent_id: String,
    /// The conversation so far, ending with the user's message (1-100 turns).
    #[schemars(length(min = 1, max = 100))]
    pub messages: Vec<ChatTurn>,
    /// A catalogue model id (default `gpt-5-mini`).
    #[schemars(length(min = 1, max = 128), regex(pattern = "^[A-Za-z0-9._:/-]+$"))]
    pub model: Option<String>,
}

fn chat_request(args: &AgentChatArgs, timeout: Duration) -> ApiRequest {
    let mut params = json!({"messages": args.messages});
    if let Some(model) = &args.model {
        params["model"] = json!(model);
    }
    rpc(agent_post(&args.agent_id, Effect::Paid), "chat", params).timeout(timeout)
}

fn timeout(ctx: &Ctx<'_>) -> Duration {
    at_least(ctx, Duration::from_secs(120))
}

/// `elizacloud.agents.a2a.chat`.
#[derive(Debug, Clone, Copy)]
pub struct AgentChat;

impl Command for AgentChat {
    const ID: &'static str = "elizacloud.agents.a2a.chat";
    const EFFECT: Effect = Effect::Paid;
    const SUMMARY: &'static str =
        "Paid: chats with a public agent through its A2A endpoint, billed to the caller's balance.";
    const SERVICE: Service = API;
    const SECRETS: &'static [SecretNeed] = KEY_REQUIRED;
    type Args = AgentChatArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: AgentChatArgs) -> Result<Value, Error> {
        call(ctx, &chat_request(&args, timeout(ctx))).await
    }

    fn preview(&self, ctx: &Ctx<'_>, args: &AgentChatArgs) -> Result<Preview, Error> {
        Ok(preview(ctx, &chat_request(args, timeout(ctx)))?
            .cost_hint(json!({"type": "token-based", "inputUsdPer1k": 0.005, "outputUsdPer1k": 0.015, "maxOutputTokens": 500, "plus": "the agent creator's markup (elizacloud.agents.a2a.info)"}))
            .note("Billed to the caller's organization; sent once."))
    }

    fn example() -> Value {
        json!({"agentId": "5f0c1a2b-0000-4000-8000-00000000c001", "messages": [{"role": "user", "content": "What can you help me with?"}]})
    }
}
