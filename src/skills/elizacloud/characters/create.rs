//! `elizacloud.characters.create`: Creates a character from its JSON (name, bio, examples, style, settings, secrets).

use super::{CHARACTERS, CharacterFields, mask_secrets, masked};
use crate::command::prelude::*;
use crate::skills::elizacloud::{API, KEY_REQUIRED, preview, send_json};

/// Arguments of `elizacloud.characters.create`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CreateArgs {
    /// The character (`name` required).
    #[schemars(extend("required" = ["name"]))]
    pub character: CharacterFields,
    /// Whether other users may see it (default false).
    pub is_public: Option<bool>,
}

fn create_request(args: &CreateArgs) -> Result<ApiRequest, Error> {
    let mut body = args.character.to_body("character")?;
    if let Some(public) = args.is_public {
        body.insert("isPublic".into(), json!(public));
    }
    Ok(ApiRequest::post(CHARACTERS, Effect::Mutating).json(Value::Object(body)))
}

/// `elizacloud.characters.create`: `POST /api/my-agents/characters` with the character →
/// 200 with the character as stored (its secrets masked here). An organization at its quota
/// gets a 403 `agent_quota_exceeded`. Mutating, free.
#[derive(Debug, Clone, Copy)]
pub struct Create;

impl Command for Create {
    const ID: &'static str = "elizacloud.characters.create";
    const EFFECT: Effect = Effect::Mutating;
    const SUMMARY: &'static str =
        "Creates a character from its JSON (name, bio, examples, style, settings, secrets).";
    const SERVICE: Service = API;
    const SECRETS: &'static [SecretNeed] = KEY_REQUIRED;
    type Args = CreateArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: CreateArgs) -> Result<Value, Error> {
        let mut answer = send_json(ctx, &create_request(&args)?).await?;
        mask_secrets(&mut answer);
        Ok(answer)
    }

    fn preview(&self, ctx: &Ctx<'_>, args: &CreateArgs) -> Result<Preview, Error> {
        let mut request = create_request(args)?;
        if let Some(body) = request.json_body().cloned() {
            request = request.json(masked(body));
        }
        Ok(preview(ctx, &request)?
            .note("Free. Secret values are masked in this preview; they are sent as given."))
    }

    fn example() -> Value {
        json!({"character": {
            "name": "Ada",
            "bio": ["A patient guide to the organization's documents."],
            "adjectives": ["precise", "friendly"],
            "style": {"chat": ["Answer in two sentences or fewer."]}
        }})
    }
}
