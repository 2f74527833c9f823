//! `elizacloud.characters.update`: Changes some fields of a character, keeping the others (read, merge, replace).

use super::{CHARACTERS, CharacterFields, character, mask_secrets, masked};
use crate::command::prelude::*;
use crate::error::{Error, ErrorCode};
use crate::skills::elizacloud::{API, ID_PATTERN, KEY_REQUIRED, codes, preview, send_json};
use serde_json::{Map, Value, json};

/// Arguments of `elizacloud.characters.update`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UpdateArgs {
    /// The character id (from elizacloud.characters.list).
    #[schemars(regex(pattern = ID_PATTERN))]
    pub character_id: String,
    /// The fields to change. Lists replace the current ones; `settings`, `secrets` and `style`
    /// are merged key by key; fields not given are kept.
    pub changes: CharacterFields,
}

/// Maps merged key by key rather than replaced.
const MERGED: [&str; 3] = ["settings", "secrets", "style"];

/// `current` with `changes` applied: top-level fields replaced, the maps of [`MERGED`] merged.
fn merge(mut current: Map<String, Value>, changes: Map<String, Value>) -> Map<String, Value> {
    for (key, value) in changes {
        match (current.get_mut(&key), value) {
            (Some(Value::Object(existing)), Value::Object(new))
                if MERGED.contains(&key.as_str()) =>
            {
                existing.extend(new);
            }
            (_, value) => {
                current.insert(key, value);
            }
        }
    }
    // The id is the path's; `isPublic` is never changed by a PUT.
    current.remove("id");
    current.remove("isPublic");
    current
}

fn put_request(id: &str, body: Map<String, Value>) -> ApiRequest {
    ApiRequest::put(CHARACTERS, Effect::Mutating)
        .segment(id)
        .json(Value::Object(body))
}

fn changes(args: &UpdateArgs) -> Result<Map<String, Value>, Error> {
    let changes = args.changes.to_body("changes")?;
    if changes.is_empty() {
        return Err(Error::new(
            codes::EMPTY_UPDATE,
            "Nothing to update: `changes` names no field.",
        ));
    }
    Ok(changes)
}

/// `elizacloud.characters.update`: `GET /api/my-agents/characters/{id}`, then `PUT` of the
/// whole character with the changes merged in (the server's PUT replaces the character:
/// anything left out would be wiped). → the character as stored, its secrets masked. Two
/// requests: the read is retried like any read, the write is sent once. Mutating, free.
#[derive(Debug, Clone, Copy)]
pub struct Update;

impl Command for Update {
    const ID: &'static str = "elizacloud.characters.update";
    const EFFECT: Effect = Effect::Mutating;
    const SUMMARY: &'static str =
        "Changes some fields of a character, keeping the others (read, merge, replace).";
    const SERVICE: Service = API;
    const IDEMPOTENT: bool = true;
    const SECRETS: &'static [SecretNeed] = KEY_REQUIRED;
    type Args = UpdateArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: UpdateArgs) -> Result<Value, Error> {
        let changes = changes(&args)?;
        let answer = send_json(ctx, &character(&args.character_id)).await?;
        let Some(Value::Object(current)) = answer.pointer("/data/character").cloned() else {
            return Err(Error::new(
                ErrorCode::InvalidResponse,
                "the character read before the update has no `data.character` object",
            ));
        };
        let body = merge(current, changes);
        let mut stored = send_json(ctx, &put_request(&args.character_id, body)).await?;
        mask_secrets(&mut stored);
        Ok(stored)
    }

    fn preview(&self, ctx: &Ctx<'_>, args: &UpdateArgs) -> Result<Preview, Error> {
        let changes = masked(Value::Object(changes(args)?));
        let Value::Object(changes) = changes else {
            return Err(Error::internal("changes are not an object"));
        };
        let read = ctx.client(API)?.preview(&character(&args.character_id))?;
        let mut preview = preview(ctx, &put_request(&args.character_id, changes))?;
        preview.requests.insert(0, read);
        Ok(preview
            .note("Two requests: a GET of the current character, then a PUT of the whole character with these changes merged in (the body shown is only the changes).")
            .note("Free. Secret values are masked in this preview; they are sent as given."))
    }

    fn example() -> Value {
        json!({"characterId": "5f0c1a2b-0000-4000-8000-00000000c001", "changes": {"topics": ["billing", "onboarding"], "settings": {"model": "openai/gpt-4o-mini"}}})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_replace_lists_and_merge_maps() {
        let current = json!({"id": "c1", "name": "Ada", "bio": ["Old."], "topics": ["a"], "isPublic": true,
            "settings": {"model": "m1", "voice": "v"}, "secrets": {"A": "1"}, "style": {"all": ["x"]}});
        let changes =
            json!({"topics": ["b", "c"], "settings": {"model": "m2"}, "secrets": {"B": "2"}});
        let Value::Object(current) = current else {
            unreachable!()
        };
        let Value::Object(changes) = changes else {
            unreachable!()
        };
        let merged = Value::Object(merge(current, changes));
        assert_eq!(
            merged,
            json!({"name": "Ada", "bio": ["Old."], "topics": ["b", "c"],
                "settings": {"model": "m2", "voice": "v"}, "secrets": {"A": "1", "B": "2"}, "style": {"all": ["x"]}})
        );
    }
}
