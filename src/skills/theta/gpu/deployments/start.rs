//! `theta.gpu.deployments.start` (alias `start_gpu_deployment`): starts a stopped GPU node
//! deployment.
//!
//! `POST https://controller-beta.thetaedgecloud.com/v1/projects/<p>/gpu-deployments/<id>/start`
//! with `x-api-key`, no body. Paid: billing resumes. Sent once: never retried once it may
//! have reached the controller. Previewed in dry-run, and when `confirm` is `false`. The
//! result is the envelope's `body` (`null` on 204).

use crate::command::prelude::*;
use crate::skills::theta;

use crate::error::{Error, ErrorCode};
use crate::skills::theta::controller_v1;

use super::{Action, LifecycleArgs, preview_action, run_action};

/// `theta.gpu.deployments.start`.
#[derive(Debug, Clone, Copy)]
pub struct Start;

impl Command for Start {
    const ID: &'static str = "theta.gpu.deployments.start";
    const ALIASES: &'static [&'static str] = &["start_gpu_deployment"];
    const EFFECT: Effect = Effect::Paid;
    const SUMMARY: &'static str =
        "Starts a stopped GPU node deployment by its stable id; billing resumes while it runs.";
    const SERVICE: Service = theta::CONTROLLER_V1;
    const SECRETS: &'static [SecretNeed] = crate::skills::theta::gpu::SECRETS;
    type Args = LifecycleArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: LifecycleArgs) -> Result<Value, Error> {
        run_action(ctx, Action::Start, &args).await
    }

    fn preview(&self, ctx: &Ctx<'_>, args: &LifecycleArgs) -> Result<Preview, Error> {
        preview_action(ctx, Action::Start, args)
    }

    fn requests_dry_run(args: &LifecycleArgs) -> bool {
        args.confirm == Some(false)
    }

    fn example() -> Value {
        json!({"projectId": "prj_example", "deployment_id": "dplb_example", "confirm": true})
    }

    fn field_code(field: &str) -> Option<ErrorCode> {
        controller_v1::field_code(field)
    }
}
