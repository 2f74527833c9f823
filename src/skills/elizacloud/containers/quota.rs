//! `elizacloud.containers.quota`: Shows whether the organization may deploy another container.

use super::containers;
use crate::command::prelude::*;
use crate::skills::elizacloud::meta::NoArgs;
use crate::skills::elizacloud::{API, KEY_REQUIRED, send_json};

/// `elizacloud.containers.quota`: `GET /api/v1/containers/quota` (under `quota`).
#[derive(Debug, Clone, Copy)]
pub struct Quota;

impl Command for Quota {
    const ID: &'static str = "elizacloud.containers.quota";
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str = "Shows whether the organization may deploy another container.";
    const SERVICE: Service = API;
    const SECRETS: &'static [SecretNeed] = KEY_REQUIRED;
    type Args = NoArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, _args: NoArgs) -> Result<Value, Error> {
        send_json(ctx, &containers().segment("quota")).await
    }
}
