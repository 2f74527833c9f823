//! `theta.deployments.listCustom`: the project's own deployment templates.
//!
//! `GET https://controller.thetaedgecloud.com/deployment_template/list_custom_templates?project_id=<p>`
//! with `x-api-key`. Read-only and free. The answer is returned as is.

use crate::command::prelude::*;
use crate::skills::theta;
use crate::skills::theta::ThetaConfig;

use crate::skills::theta::controller::ProjectArgs;

/// `theta.deployments.listCustom`.
#[derive(Debug, Clone, Copy)]
pub struct ListCustom;

impl Command for ListCustom {
    const ID: &'static str = "theta.deployments.listCustom";
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str = "Lists the project's custom deployment templates.";
    const SERVICE: Service = theta::CONTROLLER;
    const SECRETS: &'static [SecretNeed] = &[SecretNeed::required(theta::EC_API_KEY)];
    type Args = ProjectArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: ProjectArgs) -> Result<Value, Error> {
        let project = ctx.config().project_id(args.project_id.as_deref())?;
        ctx.client(theta::CONTROLLER)?
            .send(&custom_templates_request(&project))
            .await?
            .json_value()
    }

    fn example() -> Value {
        json!({"projectId": "prj_example"})
    }
}

/// `GET /deployment_template/list_custom_templates?project_id=`.
pub(crate) fn custom_templates_request(project: &str) -> ApiRequest {
    ApiRequest::get(&["deployment_template", "list_custom_templates"]).query("project_id", project)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::skills::theta::controller::testing::controller_url;

    #[test]
    fn the_request_names_the_project() {
        assert_eq!(
            controller_url(&custom_templates_request("prj_x")),
            "https://controller.thetaedgecloud.com/deployment_template/list_custom_templates?project_id=prj_x"
        );
    }
}
