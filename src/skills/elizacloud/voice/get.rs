//! `elizacloud.voice.get`: Shows one voice of the organization, deleted ones included.

use super::{VOICE, VoiceArgs};
use crate::command::prelude::*;
use crate::skills::elizacloud::{API, KEY_REQUIRED, send_json};

/// `elizacloud.voice.get`: `GET /api/v1/voice/{uuid}` → `{success, voice}`; a deleted voice
/// still answers (`isActive: false`). Read-only, free.
#[derive(Debug, Clone, Copy)]
pub struct Get;

impl Command for Get {
    const ID: &'static str = "elizacloud.voice.get";
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str = "Shows one voice of the organization, deleted ones included.";
    const SERVICE: Service = API;
    const SECRETS: &'static [SecretNeed] = KEY_REQUIRED;
    type Args = VoiceArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: VoiceArgs) -> Result<Value, Error> {
        send_json(ctx, &ApiRequest::get(VOICE).segment(&args.voice_id)).await
    }

    fn example() -> Value {
        json!({"voiceId": "7d1c8f0e-3b2a-4c5d-8e9f-0a1b2c3d4e5f"})
    }
}
