//! `theta.gpu.resources.list` (alias `list_gpu_resources`): hosted and community GPU
//! capacity, with hourly prices where available.
//!
//! `GET https://controller-beta.thetaedgecloud.com/v1/projects/<p>/gpu-resources` with
//! `x-api-key`. Read-only and free; the result is the envelope's `body`.

use crate::command::prelude::*;
use crate::skills::theta;

use crate::error::{Error, ErrorCode};
use crate::skills::theta::controller_v1::{self, project_request};

use super::V1ProjectArgs;

/// `theta.gpu.resources.list`.
#[derive(Debug, Clone, Copy)]
pub struct ResourcesList;

impl Command for ResourcesList {
    const ID: &'static str = "theta.gpu.resources.list";
    const ALIASES: &'static [&'static str] = &["list_gpu_resources"];
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str = "Lists the hosted and community GPU resources the project can deploy on, with hourly prices where available.";
    const SERVICE: Service = theta::CONTROLLER_V1;
    const SECRETS: &'static [SecretNeed] = super::SECRETS;
    type Args = V1ProjectArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: V1ProjectArgs) -> Result<Value, Error> {
        let project = controller_v1::project(ctx, args.project_id.as_deref())?;
        controller_v1::send(ctx, &request(&project)).await
    }

    fn example() -> Value {
        json!({"projectId": "prj_example"})
    }

    fn field_code(field: &str) -> Option<ErrorCode> {
        controller_v1::field_code(field)
    }
}

/// `GET /v1/projects/<p>/gpu-resources`.
pub(crate) fn request(project: &str) -> ApiRequest {
    project_request("GET", project, &["gpu-resources"], Effect::ReadOnly)
}
