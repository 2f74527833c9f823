//! `theta.gpu.deployments.get` (alias `get_gpu_deployment`): one GPU node deployment's
//! status and safe details.
//!
//! `GET https://controller-beta.thetaedgecloud.com/v1/projects/<p>/gpu-deployments/<id>` with
//! `x-api-key`; the id is one encoded path segment. Read-only and free; the result is the
//! envelope's `body`.

use crate::command::prelude::*;
use crate::skills::theta;

use crate::error::{Error, ErrorCode};
use crate::skills::theta::controller_v1;

use super::{DeploymentArgs, read_request};

/// `theta.gpu.deployments.get`.
#[derive(Debug, Clone, Copy)]
pub struct Get;

impl Command for Get {
    const ID: &'static str = "theta.gpu.deployments.get";
    const ALIASES: &'static [&'static str] = &["get_gpu_deployment"];
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str =
        "Shows one GPU node deployment's status and safe details by its stable id.";
    const SERVICE: Service = theta::CONTROLLER_V1;
    const SECRETS: &'static [SecretNeed] = crate::skills::theta::gpu::SECRETS;
    type Args = DeploymentArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: DeploymentArgs) -> Result<Value, Error> {
        let request = read_request(ctx, &args, None)?;
        controller_v1::send(ctx, &request).await
    }

    fn example() -> Value {
        json!({"projectId": "prj_example", "deployment_id": "dplb_example"})
    }

    fn field_code(field: &str) -> Option<ErrorCode> {
        controller_v1::field_code(field)
    }
}
