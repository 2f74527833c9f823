//! `theta.ai.agent.update`: changes an AI agent's settings.
//!
//! `PUT https://controller.thetaedgecloud.com/chatbot/<chatbotId>` with `x-api-key` and the
//! JSON payload, `project_id` set from `projectId`, `payload.project_id` or
//! THETA_EC_PROJECT_ID. Mutating: sent once, previewed in dry-run. The answer is the parsed
//! body (`{"status":"success"}` when the controller sends none).

use crate::command::prelude::*;
use crate::skills::theta;
use serde_json::{Map, Value, json};

use crate::error::{Error, ErrorCode};
use crate::schema::{IDENTIFIER_PATTERN, PROJECT_ID_PATTERN};
use crate::skills::theta::controller::payload_with_project;

/// Arguments.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AgentUpdateArgs {
    /// The agent's id, from `theta.ai.agent.list`.
    #[schemars(regex(pattern = IDENTIFIER_PATTERN), length(min = 1, max = 128))]
    pub chatbot_id: String,
    /// The settings to change, as the controller's `PUT /chatbot/<id>` takes them.
    /// `project_id` is filled in.
    pub payload: Map<String, Value>,
    /// Project id (`prj_...`); defaults to `payload.project_id`, then THETA_EC_PROJECT_ID.
    #[schemars(regex(pattern = PROJECT_ID_PATTERN), length(max = 128))]
    pub project_id: Option<String>,
}

/// `theta.ai.agent.update`.
#[derive(Debug, Clone, Copy)]
pub struct AgentUpdate;

impl Command for AgentUpdate {
    const ID: &'static str = "theta.ai.agent.update";
    const EFFECT: Effect = Effect::Mutating;
    const SUMMARY: &'static str = "Changes an AI agent's (RAG chatbot's) settings.";
    const SERVICE: Service = theta::CONTROLLER;
    const IDEMPOTENT: bool = true;
    const SECRETS: &'static [SecretNeed] = &[SecretNeed::required(theta::EC_API_KEY)];
    type Args = AgentUpdateArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: AgentUpdateArgs) -> Result<Value, Error> {
        ctx.client(theta::CONTROLLER)?
            .send(&request(ctx, &args)?)
            .await?
            .json_or_status()
    }

    fn preview(&self, ctx: &Ctx<'_>, args: &AgentUpdateArgs) -> Result<Preview, Error> {
        Ok(Preview::request(
            ctx.client(theta::CONTROLLER)?
                .preview(&request(ctx, args)?)?,
        ))
    }

    fn example() -> Value {
        json!({
            "chatbotId": "cb_example",
            "projectId": "prj_example",
            "payload": {"description": "Answers from the 2026 FAQ"}
        })
    }

    fn field_code(field: &str) -> Option<ErrorCode> {
        super::field_code(field)
    }
}

fn request(ctx: &Ctx<'_>, args: &AgentUpdateArgs) -> Result<ApiRequest, Error> {
    let (payload, _) = payload_with_project(
        ctx,
        &args.payload,
        args.project_id.as_deref(),
        ErrorCode::InvalidField,
    )?;
    Ok(
        ApiRequest::put(&["chatbot", &args.chatbot_id], Effect::Mutating)
            .json(Value::Object(payload)),
    )
}
