//! `theta.ai.agent.document.list`: an AI agent's knowledge documents.
//!
//! `GET https://controller.thetaedgecloud.com/chatbot/<chatbotId>/document/list?project_id=<p>&page=<n>&number=<m>`
//! with `x-api-key`. Read-only and free; the answer is returned as is.

use crate::command::prelude::*;
use crate::skills::theta;
use crate::skills::theta::ThetaConfig;

use crate::error::{Error, ErrorCode};
use crate::schema::{IDENTIFIER_PATTERN, PROJECT_ID_PATTERN};

/// Arguments.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DocumentListArgs {
    /// The agent's id, from `theta.ai.agent.list`.
    #[schemars(regex(pattern = IDENTIFIER_PATTERN), length(min = 1, max = 128))]
    pub chatbot_id: String,
    /// Project id (`prj_...`); defaults to THETA_EC_PROJECT_ID.
    #[schemars(regex(pattern = PROJECT_ID_PATTERN), length(max = 128))]
    pub project_id: Option<String>,
    /// Page number, from 0 (default 0).
    #[schemars(range(max = 100_000))]
    pub page: Option<u32>,
    /// Documents per page (default 30).
    #[schemars(range(min = 1, max = 500))]
    pub number: Option<u32>,
}

/// `theta.ai.agent.document.list`.
#[derive(Debug, Clone, Copy)]
pub struct DocumentList;

impl Command for DocumentList {
    const ID: &'static str = "theta.ai.agent.document.list";
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str = "Lists an AI agent's knowledge documents.";
    const SERVICE: Service = theta::CONTROLLER;
    const SECRETS: &'static [SecretNeed] = &[SecretNeed::required(theta::EC_API_KEY)];
    type Args = DocumentListArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: DocumentListArgs) -> Result<Value, Error> {
        let project = ctx.config().project_id(args.project_id.as_deref())?;
        let request = ApiRequest::get(&["chatbot", &args.chatbot_id, "document", "list"])
            .query("project_id", project)
            .query("page", args.page.unwrap_or(0))
            .query("number", args.number.unwrap_or(30));
        ctx.client(theta::CONTROLLER)?
            .send(&request)
            .await?
            .json_value()
    }

    fn example() -> Value {
        json!({"chatbotId": "cb_example", "projectId": "prj_example"})
    }

    fn field_code(field: &str) -> Option<ErrorCode> {
        super::super::field_code(field)
    }
}
