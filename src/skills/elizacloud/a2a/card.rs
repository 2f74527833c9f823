//! `elizacloud.a2a.card`: Shows the elizaOS Cloud platform agent's A2A card: its skills, their billing and how to call them.

use super::PLATFORM;
use crate::command::prelude::*;
use crate::skills::elizacloud::meta::NoArgs;
use crate::skills::elizacloud::{API, send_json};

/// `elizacloud.a2a.card`: `GET /api/a2a` → the platform Agent Card (`skills[]`, each with its
/// id, description, REST route and `billing.effect`). Public: no key is sent. Read-only, free.
#[derive(Debug, Clone, Copy)]
pub struct Card;

impl Command for Card {
    const ID: &'static str = "elizacloud.a2a.card";
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str = "Shows the elizaOS Cloud platform agent's A2A card: its skills, their billing and how to call them.";
    const SERVICE: Service = API;
    type Args = NoArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, _args: NoArgs) -> Result<Value, Error> {
        send_json(ctx, &ApiRequest::get(PLATFORM).without_auth()).await
    }
}
