//! `elizacloud.models.list`: Lists the catalogue model ids that elizacloud.chat and elizacloud.embeddings accept.

use crate::command::prelude::*;
use crate::skills::elizacloud::meta::NoArgs;
use crate::skills::elizacloud::{API, send_json};

/// `elizacloud.models.list`: `GET /api/v1/models` → `{object:"list", data:[…]}`.
#[derive(Debug, Clone, Copy)]
pub struct ModelsList;

impl Command for ModelsList {
    const ID: &'static str = "elizacloud.models.list";
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str =
        "Lists the catalogue model ids that elizacloud.chat and elizacloud.embeddings accept.";
    const SERVICE: Service = API;
    type Args = NoArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, _args: NoArgs) -> Result<Value, Error> {
        send_json(
            ctx,
            &ApiRequest::get(&["api", "v1", "models"]).without_auth(),
        )
        .await
    }
}
