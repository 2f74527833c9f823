//! `elizacloud.pricing`: Shows the price list in USD: images, video, chat tokens, text to speech and more.

use crate::command::prelude::*;
use crate::skills::elizacloud::meta::NoArgs;
use crate::skills::elizacloud::{API, send_json};

/// `elizacloud.pricing`: `GET /api/v1/pricing/summary`.
#[derive(Debug, Clone, Copy)]
pub struct Pricing;

impl Command for Pricing {
    const ID: &'static str = "elizacloud.pricing";
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str =
        "Shows the price list in USD: images, video, chat tokens, text to speech and more.";
    const SERVICE: Service = API;
    type Args = NoArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, _args: NoArgs) -> Result<Value, Error> {
        let request = ApiRequest::get(&["api", "v1", "pricing", "summary"]).without_auth();
        send_json(ctx, &request).await
    }
}
