//! `elizacloud.containers.stop`: Stops a container (and its daily billing) without deleting it.

use super::{ContainerArgs, item};
use crate::command::prelude::*;
use crate::skills::elizacloud::{API, KEY_REQUIRED, preview, send_json};

/// `elizacloud.containers.stop`: `DELETE /{id}?mode=stop` → `{success, container}`.
#[derive(Debug, Clone, Copy)]
pub struct Stop;

fn stop_request(id: &str) -> ApiRequest {
    item(id, Effect::Mutating).0.query("mode", "stop")
}

impl Command for Stop {
    const ID: &'static str = "elizacloud.containers.stop";
    const EFFECT: Effect = Effect::Mutating;
    const SUMMARY: &'static str = "Stops a container (and its daily billing) without deleting it.";
    const SERVICE: Service = API;
    const IDEMPOTENT: bool = true;
    const SECRETS: &'static [SecretNeed] = KEY_REQUIRED;
    type Args = ContainerArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: ContainerArgs) -> Result<Value, Error> {
        send_json(ctx, &stop_request(&args.container_id)).await
    }

    fn preview(&self, ctx: &Ctx<'_>, args: &ContainerArgs) -> Result<Preview, Error> {
        preview(ctx, &stop_request(&args.container_id))
    }

    fn example() -> Value {
        json!({"containerId": "ctr_123"})
    }
}
