//! `elizacloud.keys.revokeCurrent`: Destructive: revokes the elizaOS Cloud API key making the call, so it stops working immediately.

use crate::command::prelude::*;
use crate::skills::elizacloud::meta::NoArgs;
use crate::skills::elizacloud::{API, KEY_REQUIRED, preview, send_json};

fn revoke_request() -> ApiRequest {
    ApiRequest::delete(&["api", "v1", "api-keys", "current"], Effect::Mutating)
}

/// `elizacloud.keys.revokeCurrent`: `DELETE /api/v1/api-keys/current` with exactly one
/// credential header (`X-API-Key`). Destructive: the key stops working at once. A repeat
/// after the key is gone returns the stored receipt (tombstone) per the server's comments.
#[derive(Debug, Clone, Copy)]
pub struct RevokeCurrentKey;

impl Command for RevokeCurrentKey {
    const ID: &'static str = "elizacloud.keys.revokeCurrent";
    const EFFECT: Effect = Effect::Mutating;
    const SUMMARY: &'static str = "Destructive: revokes the elizaOS Cloud API key making the call, so it stops working immediately.";
    const SERVICE: Service = API;
    const DESTRUCTIVE: bool = true;
    const IDEMPOTENT: bool = true;
    const SECRETS: &'static [SecretNeed] = KEY_REQUIRED;
    type Args = NoArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, _args: NoArgs) -> Result<Value, Error> {
        send_json(ctx, &revoke_request()).await
    }

    fn preview(&self, ctx: &Ctx<'_>, _args: &NoArgs) -> Result<Preview, Error> {
        Ok(preview(ctx, &revoke_request())?
            .note("The key is revoked at once; every later command with it fails with HTTP_401."))
    }
}
