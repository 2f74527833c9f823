//! `elizacloud.containers.restart`: Restarts a container (billing pauses while it redeploys).

use super::{ContainerArgs, item};
use crate::command::prelude::*;
use crate::skills::elizacloud::{API, KEY_REQUIRED, preview, send_json};

/// `elizacloud.containers.restart`: `PATCH /{id}` `{action:"restart"}`.
#[derive(Debug, Clone, Copy)]
pub struct Restart;

fn restart_request(id: &str) -> ApiRequest {
    item(id, Effect::Mutating)
        .1
        .json(json!({"action": "restart"}))
}

impl Command for Restart {
    const ID: &'static str = "elizacloud.containers.restart";
    const EFFECT: Effect = Effect::Mutating;
    const SUMMARY: &'static str = "Restarts a container (billing pauses while it redeploys).";
    const SERVICE: Service = API;
    const SECRETS: &'static [SecretNeed] = KEY_REQUIRED;
    type Args = ContainerArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: ContainerArgs) -> Result<Value, Error> {
        send_json(ctx, &restart_request(&args.container_id)).await
    }

    fn preview(&self, ctx: &Ctx<'_>, args: &ContainerArgs) -> Result<Preview, Error> {
        preview(ctx, &restart_request(&args.container_id))
    }

    fn example() -> Value {
        json!({"containerId": "ctr_123"})
    }
}
