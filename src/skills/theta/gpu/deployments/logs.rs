//! `theta.gpu.deployments.logs` (alias `get_gpu_deployment_logs`): logs of a running GPU
//! node deployment.
//!
//! `GET https://controller-beta.thetaedgecloud.com/v1/projects/<p>/gpu-deployments/<id>/logs`
//! with `x-api-key`; the id is one encoded path segment. Read-only and free; the result is
//! the envelope's `body` (an answer past the runtime's 16 MiB body cap is refused with
//! `RESPONSE_TOO_LARGE`).

use crate::command::prelude::*;
use crate::skills::theta;

use crate::error::{Error, ErrorCode};
use crate::skills::theta::controller_v1;

use super::{DeploymentArgs, read_request};

/// `theta.gpu.deployments.logs`.
#[derive(Debug, Clone, Copy)]
pub struct Logs;

impl Command for Logs {
    const ID: &'static str = "theta.gpu.deployments.logs";
    const ALIASES: &'static [&'static str] = &["get_gpu_deployment_logs"];
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str = "Shows the logs of a running GPU node deployment.";
    const SERVICE: Service = theta::CONTROLLER_V1;
    const SECRETS: &'static [SecretNeed] = crate::skills::theta::gpu::SECRETS;
    type Args = DeploymentArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: DeploymentArgs) -> Result<Value, Error> {
        let request = read_request(ctx, &args, Some("logs"))?;
        controller_v1::send(ctx, &request).await
    }

    fn example() -> Value {
        json!({"projectId": "prj_example", "deployment_id": "dplb_example"})
    }

    fn field_code(field: &str) -> Option<ErrorCode> {
        controller_v1::field_code(field)
    }
}
