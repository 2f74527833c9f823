//! `theta.ai.jupyter.list`: the project's Jupyter notebook deployments.
//!
//! `GET https://controller.thetaedgecloud.com/deployment/list?project_id=<p>&template_name=Jupyter+Notebook`
//! with `x-api-key` (on 404/405, the same on `/deployments/list`). Read-only and free; the
//! answer is returned as is.

use crate::command::prelude::*;
use crate::skills::theta;
use crate::skills::theta::ThetaConfig;

use crate::skills::theta::controller::ProjectArgs;
use crate::skills::theta::deployments::list_deployments;

/// The template name of notebook deployments.
pub(crate) const JUPYTER_TEMPLATE: &str = "Jupyter Notebook";

/// `theta.ai.jupyter.list`.
#[derive(Debug, Clone, Copy)]
pub struct JupyterList;

impl Command for JupyterList {
    const ID: &'static str = "theta.ai.jupyter.list";
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str = "Lists the project's Jupyter notebook deployments.";
    const SERVICE: Service = theta::CONTROLLER;
    const SECRETS: &'static [SecretNeed] = &[SecretNeed::required(theta::EC_API_KEY)];
    type Args = ProjectArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: ProjectArgs) -> Result<Value, Error> {
        let project = ctx.config().project_id(args.project_id.as_deref())?;
        list_deployments(ctx, &project, &[("template_name", JUPYTER_TEMPLATE)]).await
    }

    fn example() -> Value {
        json!({"projectId": "prj_example"})
    }
}
