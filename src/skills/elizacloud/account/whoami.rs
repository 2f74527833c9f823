//! `elizacloud.whoami`: Shows the user and organization the elizaOS Cloud key belongs to.

use crate::command::prelude::*;
use crate::skills::elizacloud::meta::NoArgs;
use crate::skills::elizacloud::{API, KEY_REQUIRED, send_json};

/// `elizacloud.whoami`: `GET /api/v1/user`. Read-only and free; works without an
/// organization. The profile is returned as the server sends it (with
/// `organization.credit_balance` as a numeric string, in USD).
#[derive(Debug, Clone, Copy)]
pub struct Whoami;

impl Command for Whoami {
    const ID: &'static str = "elizacloud.whoami";
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str =
        "Shows the user and organization the elizaOS Cloud key belongs to.";
    const SERVICE: Service = API;
    const SECRETS: &'static [SecretNeed] = KEY_REQUIRED;
    type Args = NoArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, _args: NoArgs) -> Result<Value, Error> {
        send_json(ctx, &ApiRequest::get(&["api", "v1", "user"])).await
    }
}
