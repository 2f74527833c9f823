//! `elizacloud.voice.delete`: Destructive: deletes a cloned voice at the provider and hides it from the list and from speech.

use super::{VOICE, VoiceArgs};
use crate::command::prelude::*;
use crate::skills::elizacloud::{API, KEY_REQUIRED, preview, send_json};

fn delete_request(id: &str) -> ApiRequest {
    ApiRequest::delete(VOICE, Effect::Mutating).segment(id)
}

/// `elizacloud.voice.delete`: `DELETE /api/v1/voice/{uuid}` → `{success, message}`. The voice
/// is deleted at the provider (irreversible) and soft-deleted here: gone from the list and
/// from text to speech, while `elizacloud.voice.get` still shows it. A second delete is a 404.
#[derive(Debug, Clone, Copy)]
pub struct Delete;

impl Command for Delete {
    const ID: &'static str = "elizacloud.voice.delete";
    const EFFECT: Effect = Effect::Mutating;
    const SUMMARY: &'static str = "Destructive: deletes a cloned voice at the provider and hides it from the list and from speech.";
    const SERVICE: Service = API;
    const DESTRUCTIVE: bool = true;
    const IDEMPOTENT: bool = true;
    const SECRETS: &'static [SecretNeed] = KEY_REQUIRED;
    type Args = VoiceArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: VoiceArgs) -> Result<Value, Error> {
        send_json(ctx, &delete_request(&args.voice_id)).await
    }

    fn preview(&self, ctx: &Ctx<'_>, args: &VoiceArgs) -> Result<Preview, Error> {
        Ok(preview(ctx, &delete_request(&args.voice_id))?.note(
            "The provider's copy of the voice is deleted and cannot be restored; the voice leaves the list and text to speech.",
        ))
    }

    fn example() -> Value {
        json!({"voiceId": "7d1c8f0e-3b2a-4c5d-8e9f-0a1b2c3d4e5f"})
    }
}
