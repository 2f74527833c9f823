//! `theta.ai.gpuNode.list`: the project's GPU node deployments.
//!
//! `GET https://controller.thetaedgecloud.com/deployment/list?project_id=<p>&template_name=GPU+Node`
//! with `x-api-key` (on 404/405, the same on `/deployments/list`). Read-only and free; the
//! answer is returned as is.

use crate::command::prelude::*;
use crate::skills::theta;
use crate::skills::theta::ThetaConfig;

use crate::skills::theta::controller::ProjectArgs;
use crate::skills::theta::deployments::list_deployments;

/// The template name of GPU node deployments.
pub(crate) const GPU_NODE_TEMPLATE: &str = "GPU Node";

/// `theta.ai.gpuNode.list`.
#[derive(Debug, Clone, Copy)]
pub struct GpuNodeList;

impl Command for GpuNodeList {
    const ID: &'static str = "theta.ai.gpuNode.list";
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str = "Lists the project's GPU node deployments on the older controller (theta.gpu.deployments.list is the v1 listing, by stable id).";
    const SERVICE: Service = theta::CONTROLLER;
    const SECRETS: &'static [SecretNeed] = &[SecretNeed::required(theta::EC_API_KEY)];
    type Args = ProjectArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: ProjectArgs) -> Result<Value, Error> {
        let project = ctx.config().project_id(args.project_id.as_deref())?;
        list_deployments(ctx, &project, &[("template_name", GPU_NODE_TEMPLATE)]).await
    }

    fn example() -> Value {
        json!({"projectId": "prj_example"})
    }
}
