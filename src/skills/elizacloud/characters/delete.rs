//! `elizacloud.characters.delete`: Destructive: deletes one of the organization's characters; this cannot be undone.

use super::{CHARACTERS, CharacterArgs};
use crate::command::prelude::*;
use crate::skills::elizacloud::{API, KEY_REQUIRED, preview, send_json};

fn delete_request(id: &str) -> ApiRequest {
    ApiRequest::delete(CHARACTERS, Effect::Mutating).segment(id)
}

/// `elizacloud.characters.delete`: `DELETE /api/my-agents/characters/{id}` → `{success, data:
/// {message}}`. A hard delete; a second one is a 404.
#[derive(Debug, Clone, Copy)]
pub struct Delete;

impl Command for Delete {
    const ID: &'static str = "elizacloud.characters.delete";
    const EFFECT: Effect = Effect::Mutating;
    const SUMMARY: &'static str =
        "Destructive: deletes one of the organization's characters; this cannot be undone.";
    const SERVICE: Service = API;
    const DESTRUCTIVE: bool = true;
    const IDEMPOTENT: bool = true;
    const SECRETS: &'static [SecretNeed] = KEY_REQUIRED;
    type Args = CharacterArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: CharacterArgs) -> Result<Value, Error> {
        send_json(ctx, &delete_request(&args.character_id)).await
    }

    fn preview(&self, ctx: &Ctx<'_>, args: &CharacterArgs) -> Result<Preview, Error> {
        Ok(preview(ctx, &delete_request(&args.character_id))?
            .note("The character is deleted for good."))
    }

    fn example() -> Value {
        json!({"characterId": "5f0c1a2b-0000-4000-8000-00000000c001"})
    }
}
