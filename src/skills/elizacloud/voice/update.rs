//! `elizacloud.voice.update`: Renames a voice or changes its description or provider settings.

use super::{VOICE, VOICE_ID_PATTERN};
use crate::command::prelude::*;
use crate::skills::elizacloud::{API, KEY_REQUIRED, codes, preview, send_json};
use serde_json::{Map, Value, json};

/// Arguments of `elizacloud.voice.update`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UpdateArgs {
    /// The voice's internal id, a UUID (from elizacloud.voice.list).
    #[schemars(regex(pattern = VOICE_ID_PATTERN))]
    pub voice_id: String,
    /// New name (1-100 characters); also pushed to the provider.
    #[schemars(length(min = 1, max = 100))]
    pub name: Option<String>,
    /// New description (at most 1000 characters).
    #[schemars(length(max = 1000))]
    pub description: Option<String>,
    /// New provider settings (an object, e.g. `{"language": "en"}`); also pushed to the provider.
    pub settings: Option<Map<String, Value>>,
}

fn update_request(args: &UpdateArgs) -> Result<ApiRequest, Error> {
    let mut body = Map::new();
    if let Some(name) = &args.name {
        body.insert("name".into(), json!(name));
    }
    if let Some(description) = &args.description {
        body.insert("description".into(), json!(description));
    }
    if let Some(settings) = &args.settings {
        body.insert("settings".into(), Value::Object(settings.clone()));
    }
    if body.is_empty() {
        return Err(Error::new(
            codes::EMPTY_UPDATE,
            "Nothing to update: pass name, description or settings.",
        )
        .bad_request());
    }
    // `isActive` is never sent: reviving a deleted voice would point at a provider voice that
    // no longer exists.
    Ok(ApiRequest::patch(VOICE, Effect::Mutating)
        .segment(&args.voice_id)
        .json(Value::Object(body)))
}

/// `elizacloud.voice.update`: `PATCH /api/v1/voice/{uuid}` `{name?, description?, settings?}`
/// → `{success, voice}`. Mutating, free.
#[derive(Debug, Clone, Copy)]
pub struct Update;

impl Command for Update {
    const ID: &'static str = "elizacloud.voice.update";
    const EFFECT: Effect = Effect::Mutating;
    const SUMMARY: &'static str =
        "Renames a voice or changes its description or provider settings.";
    const SERVICE: Service = API;
    const IDEMPOTENT: bool = true;
    const SECRETS: &'static [SecretNeed] = KEY_REQUIRED;
    type Args = UpdateArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: UpdateArgs) -> Result<Value, Error> {
        send_json(ctx, &update_request(&args)?).await
    }

    fn preview(&self, ctx: &Ctx<'_>, args: &UpdateArgs) -> Result<Preview, Error> {
        Ok(preview(ctx, &update_request(args)?)?
            .note("Free; a new name or settings also change the voice at the provider."))
    }

    fn example() -> Value {
        json!({"voiceId": "7d1c8f0e-3b2a-4c5d-8e9f-0a1b2c3d4e5f", "name": "Narrator (calm)"})
    }
}
