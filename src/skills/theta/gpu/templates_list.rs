//! `theta.gpu.templates.list` (alias `list_gpu_deployment_templates`): GPU node templates and
//! the container images each allows.
//!
//! `GET https://controller-beta.thetaedgecloud.com/v1/projects/<p>/gpu-deployment-templates`
//! with `x-api-key`. Read-only and free (also the `controller.v1` capability probe); the
//! result is the envelope's `body`.

use crate::command::prelude::*;
use crate::skills::theta;

use crate::error::{Error, ErrorCode};
use crate::skills::theta::controller_v1::{self, project_request};

use super::V1ProjectArgs;

/// `theta.gpu.templates.list`.
#[derive(Debug, Clone, Copy)]
pub struct TemplatesList;

impl Command for TemplatesList {
    const ID: &'static str = "theta.gpu.templates.list";
    const ALIASES: &'static [&'static str] = &["list_gpu_deployment_templates"];
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str =
        "Lists the GPU node deployment templates and the container images each one allows.";
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

/// `GET /v1/projects/<p>/gpu-deployment-templates`.
pub(crate) fn request(project: &str) -> ApiRequest {
    project_request(
        "GET",
        project,
        &["gpu-deployment-templates"],
        Effect::ReadOnly,
    )
}
