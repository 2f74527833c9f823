//! `theta.ai.gpuCluster.list`: the project's GPU clusters.
//!
//! `GET https://controller.thetaedgecloud.com/cluster/list?project_id=<p>` with `x-api-key`.
//! Read-only and free; the answer is returned as is.

use crate::command::prelude::*;
use crate::skills::theta;
use crate::skills::theta::ThetaConfig;

use crate::skills::theta::controller::ProjectArgs;

/// `theta.ai.gpuCluster.list`.
#[derive(Debug, Clone, Copy)]
pub struct GpuClusterList;

impl Command for GpuClusterList {
    const ID: &'static str = "theta.ai.gpuCluster.list";
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str = "Lists the project's GPU clusters.";
    const SERVICE: Service = theta::CONTROLLER;
    const SECRETS: &'static [SecretNeed] = &[SecretNeed::required(theta::EC_API_KEY)];
    type Args = ProjectArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: ProjectArgs) -> Result<Value, Error> {
        let project = ctx.config().project_id(args.project_id.as_deref())?;
        ctx.client(theta::CONTROLLER)?
            .send(&cluster_list_request(&project))
            .await?
            .json_value()
    }

    fn example() -> Value {
        json!({"projectId": "prj_example"})
    }
}

fn cluster_list_request(project: &str) -> ApiRequest {
    ApiRequest::get(&["cluster", "list"]).query("project_id", project)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::skills::theta::controller::testing::controller_url;

    #[test]
    fn the_request_names_the_project() {
        assert_eq!(
            controller_url(&cluster_list_request("prj_a")),
            "https://controller.thetaedgecloud.com/cluster/list?project_id=prj_a"
        );
    }
}
