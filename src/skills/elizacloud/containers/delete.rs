//! `elizacloud.containers.delete`: Destructive: deletes a container (with purgeVolume, its data too); this cannot be undone.

use super::item;
use crate::command::prelude::*;
use crate::skills::elizacloud::{API, ID_PATTERN, KEY_REQUIRED, preview, send_json};

/// Arguments of `elizacloud.containers.delete`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DeleteArgs {
    /// The container id.
    #[schemars(regex(pattern = ID_PATTERN))]
    pub container_id: String,
    /// Also delete its volume (its data).
    pub purge_volume: Option<bool>,
}

fn delete_request(args: &DeleteArgs) -> ApiRequest {
    item(&args.container_id, Effect::Mutating)
        .0
        .query("mode", "delete")
        .query_opt("purgeVolume", args.purge_volume.filter(|p| *p))
}

/// `elizacloud.containers.delete`: `DELETE /{id}?mode=delete` → `{success, deleted:true}`.
/// Destructive.
#[derive(Debug, Clone, Copy)]
pub struct Delete;

impl Command for Delete {
    const ID: &'static str = "elizacloud.containers.delete";
    const EFFECT: Effect = Effect::Mutating;
    const SUMMARY: &'static str =
        "Destructive: deletes a container (with purgeVolume, its data too); this cannot be undone.";
    const SERVICE: Service = API;
    const DESTRUCTIVE: bool = true;
    const IDEMPOTENT: bool = true;
    const SECRETS: &'static [SecretNeed] = KEY_REQUIRED;
    type Args = DeleteArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: DeleteArgs) -> Result<Value, Error> {
        send_json(ctx, &delete_request(&args)).await
    }

    fn preview(&self, ctx: &Ctx<'_>, args: &DeleteArgs) -> Result<Preview, Error> {
        Ok(preview(ctx, &delete_request(args))?.note("The container is deleted."))
    }

    fn example() -> Value {
        json!({"containerId": "ctr_123"})
    }
}
