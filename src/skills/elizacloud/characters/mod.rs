//! Characters: the organization's own elizaOS characters, `/api/my-agents/characters`
//! (`spec/elizacloud.md` §6.9; no `/v1`). All free; list and get are read-only, create and
//! update mutate, delete is destructive (a hard delete).
//!
//! - The character JSON a caller gives is typed ([`CharacterFields`]): the fields the server
//!   reads (`name`, `username`, `system`, `bio`, `messageExamples`, `postExamples`, `topics`,
//!   `adjectives`, `knowledge`, `plugins`, `settings`, `secrets`, `style`, `avatarUrl`) with
//!   their shapes, so a wrong shape is refused before anything is sent.
//! - `PUT /{id}` replaces the whole character (omitted lists and maps become empty), so
//!   `elizacloud.characters.update` reads the character, merges the changes into it and puts
//!   the whole back.
//! - The server returns a character's `secrets` in clear: every result (and every preview of
//!   what would be sent) masks the values of every `secrets` map, keeping the keys.

mod create;
mod delete;
mod get;
mod list;
mod update;

pub use create::{Create, CreateArgs};
pub use delete::Delete;
pub use get::Get;
pub use list::{List, ListArgs, Order, SortBy};
pub use update::{Update, UpdateArgs};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::ID_PATTERN;
use crate::error::Error;
use crate::http::ApiRequest;
use crate::secrets::redact::MASK;

/// `/api/my-agents/characters`.
const CHARACTERS: &[&str] = &["api", "my-agents", "characters"];

/// `GET /api/my-agents/characters/{id}`.
fn character(id: &str) -> ApiRequest {
    ApiRequest::get(CHARACTERS).segment(id)
}

/// Arguments naming one character.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CharacterArgs {
    /// The character id (from elizacloud.characters.list).
    #[schemars(regex(pattern = ID_PATTERN))]
    pub character_id: String,
}

/// One line of an example conversation.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ExampleMessage {
    /// Who speaks: the character's name, or `{{user1}}` for the user.
    #[schemars(length(min = 1, max = 100))]
    pub name: String,
    /// What is said.
    pub content: ExampleContent,
}

/// The content of an example message.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ExampleContent {
    /// The text (1-5000 characters).
    #[schemars(length(min = 1, max = 5000))]
    pub text: String,
    /// Actions the message triggers, e.g. `REPLY`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 20), inner(length(min = 1, max = 100)))]
    pub actions: Option<Vec<String>>,
}

/// How the character writes.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CharacterStyle {
    /// Rules for everything it writes.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 100), inner(length(min = 1, max = 1000)))]
    pub all: Option<Vec<String>>,
    /// Rules for chat.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 100), inner(length(min = 1, max = 1000)))]
    pub chat: Option<Vec<String>>,
    /// Rules for posts.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 100), inner(length(min = 1, max = 1000)))]
    pub post: Option<Vec<String>>,
}

/// An elizaOS character's fields, as the server reads them. Every field is optional here;
/// create requires `name`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CharacterFields {
    /// Display name (1-100 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 100))]
    pub name: Option<String>,
    /// Handle (letters, digits, `_`, `.`, `-`; at most 64).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = "^[A-Za-z0-9_.-]{1,64}$"))]
    pub username: Option<String>,
    /// The system prompt (at most 20000 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 20_000))]
    pub system: Option<String>,
    /// Biography, one paragraph per item (1-50 items).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 50), inner(length(min = 1, max = 2000)))]
    pub bio: Option<Vec<String>>,
    /// Example conversations: each a list of messages (at most 50 conversations).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 50), inner(length(min = 1, max = 20)))]
    pub message_examples: Option<Vec<Vec<ExampleMessage>>>,
    /// Example posts.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 100), inner(length(min = 1, max = 2000)))]
    pub post_examples: Option<Vec<String>>,
    /// Topics it knows about.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 200), inner(length(min = 1, max = 200)))]
    pub topics: Option<Vec<String>>,
    /// Adjectives that describe it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 200), inner(length(min = 1, max = 200)))]
    pub adjectives: Option<Vec<String>>,
    /// Knowledge snippets.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 500), inner(length(min = 1, max = 10_000)))]
    pub knowledge: Option<Vec<String>>,
    /// Plugin package names, e.g. `@elizaos/plugin-sql`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 100), inner(regex(pattern = "^[@A-Za-z0-9._/-]{1,214}$")))]
    pub plugins: Option<Vec<String>>,
    /// Settings (any object, e.g. `{"voice": {"model": "…"}}`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub settings: Option<Map<String, Value>>,
    /// Secrets the character's runtime reads (string values). Stored by the server and
    /// returned to the owner; this skill masks their values in every result.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secrets: Option<Map<String, Value>>,
    /// Writing style rules.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub style: Option<CharacterStyle>,
    /// Avatar image URL (https).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = "^https://[^\\s]+$"), length(max = 2048))]
    pub avatar_url: Option<String>,
}

impl CharacterFields {
    /// The fields as the JSON object the server reads; secrets must be strings (`at` is the
    /// argument holding the fields, for the error's path).
    fn to_body(&self, at: &str) -> Result<Map<String, Value>, Error> {
        super::string_values(self.secrets.as_ref(), &format!("{at}/secrets"))?;
        match serde_json::to_value(self) {
            Ok(Value::Object(map)) => Ok(map),
            _ => Err(Error::internal(
                "a character did not serialize to an object",
            )),
        }
    }
}

/// Masks the value of every entry of every `secrets` map in `value` (keys kept).
pub fn mask_secrets(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                match item {
                    Value::Object(secrets) if key == "secrets" => {
                        for secret in secrets.values_mut().filter(|v| !v.is_null()) {
                            *secret = Value::String(MASK.to_owned());
                        }
                    }
                    _ => mask_secrets(item),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(mask_secrets),
        _ => {}
    }
}

/// `value` with its secrets masked.
fn masked(mut value: Value) -> Value {
    mask_secrets(&mut value);
    value
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secrets_are_masked_wherever_they_are() {
        let mut value = json!({"success": true, "data": {"character": {
            "name": "Ada",
            "secrets": {"OPENAI_API_KEY": "sk-1", "MY_VAR": "plain", "EMPTY": null},
            "settings": {"secrets": {"DISCORD": "d-1"}, "model": "x"}
        }}});
        mask_secrets(&mut value);
        let c = &value["data"]["character"];
        assert_eq!(c["secrets"]["MY_VAR"], json!(MASK));
        assert_eq!(c["secrets"]["OPENAI_API_KEY"], json!(MASK));
        assert_eq!(c["secrets"]["EMPTY"], Value::Null);
        assert_eq!(c["settings"]["secrets"]["DISCORD"], json!(MASK));
        assert_eq!(c["settings"]["model"], json!("x"));
        assert_eq!(c["name"], json!("Ada"));
    }

    #[test]
    fn fields_serialize_with_the_servers_names_and_no_nulls() {
        let fields: CharacterFields = serde_json::from_value(json!({
            "name": "Ada", "bio": ["Mathematician."], "postExamples": ["Hi"],
            "messageExamples": [[{"name": "{{user1}}", "content": {"text": "Hello"}}]],
            "avatarUrl": "https://x.example/a.png"
        }))
        .unwrap();
        let body = Value::Object(fields.to_body("character").unwrap());
        assert_eq!(
            body,
            json!({"name": "Ada", "bio": ["Mathematician."], "messageExamples": [[{"name": "{{user1}}", "content": {"text": "Hello"}}]], "postExamples": ["Hi"], "avatarUrl": "https://x.example/a.png"})
        );
        let bad: CharacterFields = serde_json::from_value(json!({"secrets": {"A": 1}})).unwrap();
        assert_eq!(
            bad.to_body("changes").unwrap_err().problems()[0].path,
            "/changes/secrets/A"
        );
    }
}
