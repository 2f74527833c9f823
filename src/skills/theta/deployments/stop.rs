//! `theta.deployments.stop`: stops a running deployment.
//!
//! `PUT https://controller.thetaedgecloud.com/deployment/<shard>/<suffix>/stop?project_id=<p>`
//! with `x-api-key`; on 404/405 the same request once on `/deployments/...` (route drift; a
//! 404/405 proves nothing was done). Mutating. The answer is the parsed body
//! (`{"status":"success"}` when the controller sends none).

use crate::command::prelude::*;
use crate::skills::theta;

use super::{DeploymentAction, LifecycleArgs, lifecycle_preview, run_lifecycle};

/// `theta.deployments.stop`.
#[derive(Debug, Clone, Copy)]
pub struct Stop;

impl Command for Stop {
    const ID: &'static str = "theta.deployments.stop";
    const EFFECT: Effect = Effect::Mutating;
    const SUMMARY: &'static str = "Stops a running deployment by shard and suffix.";
    const SERVICE: Service = theta::CONTROLLER;
    const IDEMPOTENT: bool = true;
    const SECRETS: &'static [SecretNeed] = &[SecretNeed::required(theta::EC_API_KEY)];
    type Args = LifecycleArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: LifecycleArgs) -> Result<Value, Error> {
        run_lifecycle(ctx, DeploymentAction::Stop, &args).await
    }

    fn preview(&self, ctx: &Ctx<'_>, args: &LifecycleArgs) -> Result<Preview, Error> {
        lifecycle_preview(ctx, DeploymentAction::Stop, args)
    }

    fn example() -> Value {
        json!({"projectId": "prj_example", "shard": 0, "suffix": "a1b2c3"})
    }
}
