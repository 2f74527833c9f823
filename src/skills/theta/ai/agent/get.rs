//! `theta.ai.agent.get`: one AI agent.
//!
//! `GET https://controller.thetaedgecloud.com/chatbot/<chatbotId>?project_id=<p>` with
//! `x-api-key`. Read-only and free; the answer is returned as is.

use crate::command::prelude::*;
use crate::skills::theta;
use crate::skills::theta::ThetaConfig;

use crate::error::{Error, ErrorCode};
use crate::schema::{IDENTIFIER_PATTERN, PROJECT_ID_PATTERN};

/// Arguments.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AgentGetArgs {
    /// The agent's id, from `theta.ai.agent.list`.
    #[schemars(regex(pattern = IDENTIFIER_PATTERN), length(min = 1, max = 128))]
    pub chatbot_id: String,
    /// Project id (`prj_...`); defaults to THETA_EC_PROJECT_ID.
    #[schemars(regex(pattern = PROJECT_ID_PATTERN), length(max = 128))]
    pub project_id: Option<String>,
}

/// `theta.ai.agent.get`.
#[derive(Debug, Clone, Copy)]
pub struct AgentGet;

impl Command for AgentGet {
    const ID: &'static str = "theta.ai.agent.get";
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str = "Shows one AI agent (RAG chatbot) and its settings.";
    const SERVICE: Service = theta::CONTROLLER;
    const SECRETS: &'static [SecretNeed] = &[SecretNeed::required(theta::EC_API_KEY)];
    type Args = AgentGetArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: AgentGetArgs) -> Result<Value, Error> {
        let project = ctx.config().project_id(args.project_id.as_deref())?;
        ctx.client(theta::CONTROLLER)?
            .send(&get_request(&args.chatbot_id, &project))
            .await?
            .json_value()
    }

    fn example() -> Value {
        json!({"chatbotId": "cb_example", "projectId": "prj_example"})
    }

    fn field_code(field: &str) -> Option<ErrorCode> {
        super::field_code(field)
    }
}

fn get_request(chatbot: &str, project: &str) -> ApiRequest {
    ApiRequest::get(&["chatbot", chatbot]).query("project_id", project)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::skills::theta::controller::testing::controller_url;

    #[test]
    fn ids_are_one_encoded_segment() {
        assert_eq!(
            controller_url(&get_request("cb_1", "prj_a")),
            "https://controller.thetaedgecloud.com/chatbot/cb_1?project_id=prj_a"
        );
        assert_eq!(
            controller_url(&get_request("a/../b", "prj_a")),
            "https://controller.thetaedgecloud.com/chatbot/a%2F..%2Fb?project_id=prj_a"
        );
    }
}
