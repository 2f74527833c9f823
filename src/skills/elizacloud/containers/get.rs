//! `elizacloud.containers.get`: Shows one container: status, image, URL, health and billing.

use super::{ContainerArgs, containers};
use crate::command::prelude::*;
use crate::skills::elizacloud::{API, KEY_REQUIRED, send_json};

/// `elizacloud.containers.get`.
#[derive(Debug, Clone, Copy)]
pub struct Get;

impl Command for Get {
    const ID: &'static str = "elizacloud.containers.get";
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str = "Shows one container: status, image, URL, health and billing.";
    const SERVICE: Service = API;
    const SECRETS: &'static [SecretNeed] = KEY_REQUIRED;
    type Args = ContainerArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: ContainerArgs) -> Result<Value, Error> {
        send_json(ctx, &containers().segment(&args.container_id)).await
    }

    fn example() -> Value {
        json!({"containerId": "ctr_123"})
    }
}
