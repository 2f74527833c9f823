//! `theta.ai.agent.create`: creates an AI agent (RAG chatbot).
//!
//! `POST https://controller.thetaedgecloud.com/chatbot` with `x-api-key` and the JSON payload,
//! `project_id` set from `projectId`, `payload.project_id` or THETA_EC_PROJECT_ID. Mutating:
//! sent once, previewed in dry-run. The answer is returned as is.

use crate::command::prelude::*;
use crate::skills::theta;
use serde_json::{Map, Value, json};

use crate::error::{Error, ErrorCode};
use crate::schema::PROJECT_ID_PATTERN;
use crate::skills::theta::controller::payload_with_project;

/// Arguments.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AgentCreateArgs {
    /// The agent's settings, as the controller's `POST /chatbot` takes them (name, model,
    /// instructions, …). `project_id` is filled in.
    pub payload: Map<String, Value>,
    /// Project id (`prj_...`); defaults to `payload.project_id`, then THETA_EC_PROJECT_ID.
    #[schemars(regex(pattern = PROJECT_ID_PATTERN), length(max = 128))]
    pub project_id: Option<String>,
}

/// `theta.ai.agent.create`.
#[derive(Debug, Clone, Copy)]
pub struct AgentCreate;

impl Command for AgentCreate {
    const ID: &'static str = "theta.ai.agent.create";
    const EFFECT: Effect = Effect::Mutating;
    const SUMMARY: &'static str = "Creates an AI agent (RAG chatbot) in the project.";
    const SERVICE: Service = theta::CONTROLLER;
    const SECRETS: &'static [SecretNeed] = &[SecretNeed::required(theta::EC_API_KEY)];
    type Args = AgentCreateArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: AgentCreateArgs) -> Result<Value, Error> {
        ctx.client(theta::CONTROLLER)?
            .send(&request(ctx, &args)?)
            .await?
            .json_or_status()
    }

    fn preview(&self, ctx: &Ctx<'_>, args: &AgentCreateArgs) -> Result<Preview, Error> {
        Ok(Preview::request(
            ctx.client(theta::CONTROLLER)?
                .preview(&request(ctx, args)?)?,
        ))
    }

    fn example() -> Value {
        json!({
            "projectId": "prj_example",
            "payload": {"name": "Support bot", "description": "Answers from our FAQ"}
        })
    }

    fn field_code(field: &str) -> Option<ErrorCode> {
        super::field_code(field)
    }
}

fn request(ctx: &Ctx<'_>, args: &AgentCreateArgs) -> Result<ApiRequest, Error> {
    let (payload, _) = payload_with_project(
        ctx,
        &args.payload,
        args.project_id.as_deref(),
        ErrorCode::InvalidField,
    )?;
    Ok(ApiRequest::post(&["chatbot"], Effect::Mutating).json(Value::Object(payload)))
}
