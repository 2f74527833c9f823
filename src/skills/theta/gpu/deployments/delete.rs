//! `theta.gpu.deployments.delete` (alias `delete_gpu_deployment`): deletes a GPU node
//! deployment, which cannot be undone.
//!
//! `DELETE https://controller-beta.thetaedgecloud.com/v1/projects/<p>/gpu-deployments/<id>`
//! with `x-api-key`, no body. Mutating and destructive: the deployment and its restartable
//! configuration are gone; 204 is success. Sent once: never retried once it may have reached
//! the controller. Previewed in dry-run, and when `confirm` is `false`. The result is the
//! envelope's `body` (`null` on 204).

use crate::command::prelude::*;
use crate::skills::theta;

use crate::error::{Error, ErrorCode};
use crate::skills::theta::controller_v1;

use super::{Action, LifecycleArgs, preview_action, run_action};

/// `theta.gpu.deployments.delete`.
#[derive(Debug, Clone, Copy)]
pub struct Delete;

impl Command for Delete {
    const ID: &'static str = "theta.gpu.deployments.delete";
    const ALIASES: &'static [&'static str] = &["delete_gpu_deployment"];
    const EFFECT: Effect = Effect::Mutating;
    const SUMMARY: &'static str = "Destructive: deletes a GPU node deployment and its restartable configuration by its stable id; this cannot be undone.";
    const SERVICE: Service = theta::CONTROLLER_V1;
    const DESTRUCTIVE: bool = true;
    const IDEMPOTENT: bool = true;
    const SECRETS: &'static [SecretNeed] = crate::skills::theta::gpu::SECRETS;
    type Args = LifecycleArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: LifecycleArgs) -> Result<Value, Error> {
        run_action(ctx, Action::Delete, &args).await
    }

    fn preview(&self, ctx: &Ctx<'_>, args: &LifecycleArgs) -> Result<Preview, Error> {
        preview_action(ctx, Action::Delete, args)
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
