//! `theta.gpu.deployments.list` (alias `list_gpu_deployments`): the project's GPU node
//! deployments, running and stopped.
//!
//! `GET https://controller-beta.thetaedgecloud.com/v1/projects/<p>/gpu-deployments` with
//! `x-api-key`. Read-only and free; the result is the envelope's `body`.

use crate::command::prelude::*;
use crate::skills::theta;

use crate::error::{Error, ErrorCode};
use crate::skills::theta::controller_v1::{self, project_request};
use crate::skills::theta::gpu::V1ProjectArgs;

use super::COLLECTION;

/// `theta.gpu.deployments.list`.
#[derive(Debug, Clone, Copy)]
pub struct List;

impl Command for List {
    const ID: &'static str = "theta.gpu.deployments.list";
    const ALIASES: &'static [&'static str] = &["list_gpu_deployments"];
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str =
        "Lists the project's GPU node deployments, running and stopped, with their stable ids.";
    const SERVICE: Service = theta::CONTROLLER_V1;
    const SECRETS: &'static [SecretNeed] = crate::skills::theta::gpu::SECRETS;
    type Args = V1ProjectArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: V1ProjectArgs) -> Result<Value, Error> {
        let project = controller_v1::project(ctx, args.project_id.as_deref())?;
        let request = project_request("GET", &project, &[COLLECTION], Effect::ReadOnly);
        controller_v1::send(ctx, &request).await
    }

    fn example() -> Value {
        json!({"projectId": "prj_example"})
    }

    fn field_code(field: &str) -> Option<ErrorCode> {
        controller_v1::field_code(field)
    }
}
