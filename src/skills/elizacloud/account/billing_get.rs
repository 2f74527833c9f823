//! `elizacloud.billing.get`: Shows the auto top-up settings and their limits.

use crate::command::prelude::*;
use crate::skills::elizacloud::meta::NoArgs;
use crate::skills::elizacloud::{API, KEY_REQUIRED, send_json};

/// `elizacloud.billing.get`.
#[derive(Debug, Clone, Copy)]
pub struct BillingGet;

impl Command for BillingGet {
    const ID: &'static str = "elizacloud.billing.get";
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str = "Shows the auto top-up settings and their limits.";
    const SERVICE: Service = API;
    const SECRETS: &'static [SecretNeed] = KEY_REQUIRED;
    type Args = NoArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, _args: NoArgs) -> Result<Value, Error> {
        send_json(ctx, &ApiRequest::get(&["api", "v1", "billing", "settings"])).await
    }
}
