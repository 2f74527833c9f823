//! `elizacloud.voice.jobs`: Lists voice clone jobs still running or awaiting reconciliation.

use super::VOICE;
use crate::command::prelude::*;
use crate::skills::elizacloud::meta::NoArgs;
use crate::skills::elizacloud::{API, KEY_REQUIRED, send_json};

/// `elizacloud.voice.jobs`: `GET /api/v1/voice/jobs` → `{jobs, total}`: only jobs still
/// `pending`, `processing` or `reconciliation_required` (clones are synchronous, so the list
/// is normally empty; a clone whose provider outcome is unknown waits here). Read-only, free.
#[derive(Debug, Clone, Copy)]
pub struct Jobs;

impl Command for Jobs {
    const ID: &'static str = "elizacloud.voice.jobs";
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str =
        "Lists voice clone jobs still running or awaiting reconciliation.";
    const SERVICE: Service = API;
    const SECRETS: &'static [SecretNeed] = KEY_REQUIRED;
    type Args = NoArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, _args: NoArgs) -> Result<Value, Error> {
        send_json(ctx, &ApiRequest::get(VOICE).segment("jobs")).await
    }
}
