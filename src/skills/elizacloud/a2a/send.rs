//! `elizacloud.a2a.send`: Paid: sends a message to the elizaOS Cloud platform agent, which runs one of its skills as a task.
//!
//! `POST /api/a2a` JSON-RPC `message/send` with `{message: {role: "user", parts}}`: a text part
//! with `text`, and a data part `{skill, params, taskId?, contextId?}` naming the card's
//! skill to run (`elizacloud.a2a.card` lists them; without one the agent lists its
//! capabilities). The answer is the Task; the current server runs it at once (born
//! `completed`), others may answer `submitted`/`working`: follow it with
//! `elizacloud.a2a.tasks.get` (`waitUntilDone`).
//!
//! Treated as paid: a skill whose card says `billing.effect: credit_debit`
//! (`cloud.agents.chat`, `cloud.apps.chat`) spends the balance. Sent once, never re-sent once
//! it may have been received; errors inside the HTTP 200 map to the pack's codes
//! (insufficient credits included).

use super::{TaskOutput, call, platform};
use crate::command::prelude::*;
use crate::error::{Error, ErrorCode};
use crate::skills::elizacloud::{API, ID_PATTERN, KEY_REQUIRED, at_least, preview};
use serde_json::{Map, Value, json};
use std::time::Duration;

/// Arguments of `elizacloud.a2a.send`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SendArgs {
    /// The message text (passed to the skill as its `text`).
    #[schemars(length(min = 1, max = 20_000))]
    pub text: Option<String>,
    /// The skill to run, e.g. `cloud.credits.summary` (the `skills[].id` of
    /// elizacloud.a2a.card); without one the agent lists its capabilities.
    #[schemars(regex(pattern = "^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*){1,5}$"))]
    pub skill: Option<String>,
    /// The skill's parameters (an object).
    pub params: Option<Map<String, Value>>,
    /// Continue the conversation of an earlier task (its `contextId`).
    #[schemars(regex(pattern = ID_PATTERN))]
    pub context_id: Option<String>,
    /// The id to give the task (default: one the agent picks).
    #[schemars(regex(pattern = ID_PATTERN))]
    pub task_id: Option<String>,
}

fn send_request(args: &SendArgs, timeout: Duration) -> Result<ApiRequest, Error> {
    if args.text.is_none() && args.skill.is_none() && args.params.is_none() {
        return Err(Error::invalid_field(
            ErrorCode::MissingRequiredField,
            "text",
            "Pass `text`, a `skill` (with its `params`), or both.",
        ));
    }
    let mut parts = Vec::new();
    if let Some(text) = &args.text {
        parts.push(json!({"type": "text", "text": text}));
    }
    let mut data = Map::new();
    if let Some(skill) = &args.skill {
        data.insert("skill".into(), json!(skill));
    }
    if let Some(params) = &args.params {
        data.insert("params".into(), Value::Object(params.clone()));
    }
    if let Some(task) = &args.task_id {
        data.insert("taskId".into(), json!(task));
    }
    if let Some(context) = &args.context_id {
        data.insert("contextId".into(), json!(context));
    }
    if !data.is_empty() {
        parts.push(json!({"type": "data", "data": data}));
    }
    let params = json!({"message": {"role": "user", "parts": parts}});
    Ok(platform("message/send", params, Effect::Paid).timeout(timeout))
}

fn timeout(ctx: &Ctx<'_>) -> Duration {
    at_least(ctx, Duration::from_secs(120))
}

/// `elizacloud.a2a.send`.
#[derive(Debug, Clone, Copy)]
pub struct SendMessage;

impl Command for SendMessage {
    const ID: &'static str = "elizacloud.a2a.send";
    const EFFECT: Effect = Effect::Paid;
    const SUMMARY: &'static str = "Paid: sends a message to the elizaOS Cloud platform agent, which runs one of its skills as a task.";
    const SERVICE: Service = API;
    const SECRETS: &'static [SecretNeed] = KEY_REQUIRED;
    type Args = SendArgs;
    type Output = TaskOutput;

    async fn run(&self, ctx: &Ctx<'_>, args: SendArgs) -> Result<TaskOutput, Error> {
        let task = call(ctx, &send_request(&args, timeout(ctx))?).await?;
        Ok(TaskOutput::new(task, None))
    }

    fn preview(&self, ctx: &Ctx<'_>, args: &SendArgs) -> Result<Preview, Error> {
        Ok(preview(ctx, &send_request(args, timeout(ctx))?)?
            .cost_hint(json!({"dependsOn": "the skill's billing.effect in elizacloud.a2a.card", "billed": ["cloud.agents.chat", "cloud.apps.chat"], "free": "skills whose billing.effect is none"}))
            .note("Sent once: a message that may have been received is never re-sent."))
    }

    fn example() -> Value {
        json!({"skill": "cloud.credits.summary", "text": "What is my balance?"})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_use_type_and_carry_the_skill_in_a_data_part() {
        let args: SendArgs = serde_json::from_value(json!({"text": "hi", "skill": "cloud.credits.summary", "params": {"limit": 2}, "contextId": "ctx-1"})).unwrap();
        let request = send_request(&args, Duration::from_secs(1)).unwrap();
        let body = request.json_body().unwrap();
        assert_eq!(body["method"], json!("message/send"));
        assert_eq!(body["jsonrpc"], json!("2.0"));
        assert_eq!(
            body["params"],
            json!({"message": {"role": "user", "parts": [
                {"type": "text", "text": "hi"},
                {"type": "data", "data": {"skill": "cloud.credits.summary", "params": {"limit": 2}, "contextId": "ctx-1"}}
            ]}})
        );
        assert!(!body.to_string().contains("\"kind\""));
        let empty: SendArgs = serde_json::from_value(json!({})).unwrap();
        assert_eq!(
            send_request(&empty, Duration::from_secs(1))
                .unwrap_err()
                .code(),
            ErrorCode::MissingRequiredField
        );
    }
}
