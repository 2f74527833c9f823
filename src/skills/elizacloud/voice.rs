//! Voice: text to speech (paid; free on the self-hosted Kokoro voices) and the voice list
//! (`spec/elizacloud.md` §6.5). Audio comes back in the result as base64; nothing is written
//! to disk.

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{API, ID_PATTERN, KEY_REQUIRED, preview, send, send_json};
use crate::command::{Command, Ctx, Effect, Preview, SecretNeed, Service};
use crate::error::Error;
use crate::http::ApiRequest;

/// An audio format.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum AudioFormat {
    /// MPEG audio.
    Mp3,
    /// WAV.
    Wav,
}

/// Arguments of `elizacloud.voice.tts`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TtsArgs {
    /// The text to speak (1-5000 characters).
    #[schemars(length(min = 1, max = 5000))]
    pub text: String,
    /// Voice id (see elizacloud.voice.list); the server picks a default when absent.
    #[schemars(regex(pattern = ID_PATTERN))]
    pub voice_id: Option<String>,
    /// Model id of the voice provider.
    #[schemars(length(min = 1, max = 128))]
    pub model_id: Option<String>,
    /// `mp3` or `wav`.
    pub audio_format: Option<AudioFormat>,
}

fn tts_request(args: &TtsArgs) -> ApiRequest {
    let mut body = json!({ "text": args.text });
    if let Some(voice) = &args.voice_id {
        body["voiceId"] = json!(voice);
    }
    if let Some(model) = &args.model_id {
        body["modelId"] = json!(model);
    }
    if let Some(fmt) = args.audio_format {
        body["format"] = json!(fmt);
    }
    ApiRequest::post(&["api", "v1", "voice", "tts"], Effect::Paid)
        .timeout(Duration::from_secs(60))
        .json(body)
}

/// The synthesized audio.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TtsOutput {
    /// `audio/mpeg`, `audio/wav`, …
    pub content_type: String,
    /// The audio bytes, base64.
    pub audio_base64: String,
    /// Size in bytes.
    pub bytes: usize,
    /// Which provider spoke (`X-Eliza-TTS-Provider`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
}

/// `elizacloud.voice.tts`: `POST /api/v1/voice/tts` → binary audio.
#[derive(Debug, Clone, Copy)]
pub struct Tts;

impl Command for Tts {
    const ID: &'static str = "elizacloud.voice.tts";
    const EFFECT: Effect = Effect::Paid;
    const SUMMARY: &'static str =
        "Turns text into speech and returns the audio as base64 with its content type.";
    const SERVICE: Service = API;
    const SECRETS: &'static [SecretNeed] = KEY_REQUIRED;
    type Args = TtsArgs;
    type Output = TtsOutput;

    async fn run(&self, ctx: &Ctx<'_>, args: TtsArgs) -> Result<TtsOutput, Error> {
        let response = send(ctx, &tts_request(&args)).await?;
        Ok(TtsOutput {
            content_type: response
                .content_type()
                .unwrap_or("application/octet-stream")
                .to_owned(),
            audio_base64: STANDARD.encode(response.bytes()),
            bytes: response.bytes().len(),
            provider: response.header("x-eliza-tts-provider").map(str::to_owned),
        })
    }

    fn preview(&self, ctx: &Ctx<'_>, args: &TtsArgs) -> Result<Preview, Error> {
        Ok(preview(ctx, &tts_request(args))?
            .cost_hint(json!({"unit": "1k chars", "characters": args.text.chars().count(), "see": "elizacloud.pricing"})))
    }

    fn example() -> Value {
        json!({"text": "Hello from elizaOS Cloud.", "audioFormat": "mp3"})
    }
}

/// A clone type.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum CloneType {
    /// Instant clones.
    Instant,
    /// Professional clones.
    Professional,
}

/// Arguments of `elizacloud.voice.list`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct VoiceListArgs {
    /// Page size (1-100, default 50).
    #[schemars(range(min = 1, max = 100))]
    pub limit: Option<u32>,
    /// Entries to skip.
    #[schemars(range(min = 0, max = 100_000))]
    pub offset: Option<u32>,
    /// Only this clone type.
    pub clone_type: Option<CloneType>,
    /// Include inactive voices.
    pub include_inactive: Option<bool>,
}

/// `elizacloud.voice.list`: `GET /api/v1/voice/list` → `{voices, total, limit, offset,
/// hasMore}`. Read-only and free.
#[derive(Debug, Clone, Copy)]
pub struct VoiceList;

impl Command for VoiceList {
    const ID: &'static str = "elizacloud.voice.list";
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str = "Lists the organization's voices, page by page.";
    const SERVICE: Service = API;
    const SECRETS: &'static [SecretNeed] = KEY_REQUIRED;
    type Args = VoiceListArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: VoiceListArgs) -> Result<Value, Error> {
        let clone_type = args.clone_type.map(|t| match t {
            CloneType::Instant => "instant",
            CloneType::Professional => "professional",
        });
        let request = ApiRequest::get(&["api", "v1", "voice", "list"])
            .query_opt("limit", args.limit)
            .query_opt("offset", args.offset)
            .query_opt("cloneType", clone_type)
            .query_opt("includeInactive", args.include_inactive.filter(|i| *i));
        send_json(ctx, &request).await
    }

    fn example() -> Value {
        json!({"limit": 10})
    }
}
