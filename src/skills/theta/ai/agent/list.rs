//! `theta.ai.agent.list`: the project's AI agents (RAG chatbots).
//!
//! `GET https://controller.thetaedgecloud.com/chatbot/list?project_id=<p>&page=<n>&number=<m>`
//! with `x-api-key`. Read-only and free; the answer is returned as is.

use crate::command::prelude::*;
use crate::skills::theta;
use crate::skills::theta::ThetaConfig;

use crate::error::{Error, ErrorCode};
use crate::schema::PROJECT_ID_PATTERN;

/// Arguments.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AgentListArgs {
    /// Project id (`prj_...`); defaults to THETA_EC_PROJECT_ID.
    #[schemars(regex(pattern = PROJECT_ID_PATTERN), length(max = 128))]
    pub project_id: Option<String>,
    /// Page number, from 0 (default 0).
    #[schemars(range(max = 100_000))]
    pub page: Option<u32>,
    /// Agents per page (default 100).
    #[schemars(range(min = 1, max = 500))]
    pub number: Option<u32>,
}

/// `theta.ai.agent.list`.
#[derive(Debug, Clone, Copy)]
pub struct AgentList;

impl Command for AgentList {
    const ID: &'static str = "theta.ai.agent.list";
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str = "Lists the project's AI agents (RAG chatbots).";
    const SERVICE: Service = theta::CONTROLLER;
    const SECRETS: &'static [SecretNeed] = &[SecretNeed::required(theta::EC_API_KEY)];
    type Args = AgentListArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: AgentListArgs) -> Result<Value, Error> {
        let project = ctx.config().project_id(args.project_id.as_deref())?;
        let request = list_request(&project, args.page.unwrap_or(0), args.number.unwrap_or(100));
        ctx.client(theta::CONTROLLER)?
            .send(&request)
            .await?
            .json_value()
    }

    fn example() -> Value {
        json!({"projectId": "prj_example", "page": 0, "number": 100})
    }

    fn field_code(field: &str) -> Option<ErrorCode> {
        super::field_code(field)
    }
}

fn list_request(project: &str, page: u32, number: u32) -> ApiRequest {
    ApiRequest::get(&["chatbot", "list"])
        .query("project_id", project)
        .query("page", page)
        .query("number", number)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::skills::theta::controller::testing::controller_url;

    #[test]
    fn the_request_pages() {
        assert_eq!(
            controller_url(&list_request("prj_a", 0, 100)),
            "https://controller.thetaedgecloud.com/chatbot/list?project_id=prj_a&page=0&number=100"
        );
    }
}
