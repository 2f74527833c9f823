//! `elizacloud.characters.get`: Shows one of the organization's characters, its secrets masked.

use super::{CharacterArgs, character, mask_secrets};
use crate::command::prelude::*;
use crate::skills::elizacloud::{API, KEY_REQUIRED, send_json};

/// `elizacloud.characters.get`: `GET /api/my-agents/characters/{id}` → `{success, data:
/// {character}}`; another organization's or an unknown id is a 404. Read-only, free.
#[derive(Debug, Clone, Copy)]
pub struct Get;

impl Command for Get {
    const ID: &'static str = "elizacloud.characters.get";
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str = "Shows one of the organization's characters, its secrets masked.";
    const SERVICE: Service = API;
    const SECRETS: &'static [SecretNeed] = KEY_REQUIRED;
    type Args = CharacterArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: CharacterArgs) -> Result<Value, Error> {
        let mut answer = send_json(ctx, &character(&args.character_id)).await?;
        mask_secrets(&mut answer);
        Ok(answer)
    }

    fn example() -> Value {
        json!({"characterId": "5f0c1a2b-0000-4000-8000-00000000c001"})
    }
}
