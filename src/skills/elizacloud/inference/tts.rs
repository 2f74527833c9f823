//! `elizacloud.voice.tts`: Turns text into speech and returns the audio as base64 with its content type.

use crate::command::prelude::*;
use crate::error::{Error, ErrorCode};
use crate::skills::elizacloud::{API, ID_PATTERN, KEY_REQUIRED, preview, send};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use std::time::Duration;

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
        // The route answers audio; JSON or text under a 200 is not speech (and may be
        // broken), so it is reported rather than passed off as audio bytes.
        if let Some(kind) = response
            .content_type()
            .filter(|ct| ct.contains("json") || ct.starts_with("text/"))
        {
            return Err(Error::new(
                ErrorCode::InvalidResponse,
                format!(
                    "the speech answer is {kind}, not audio: {}",
                    crate::secrets::excerpt(&response.text(), 200)
                ),
            )
            .with_endpoint(response.url().to_owned())
            .with_status(response.status())
            .with_hint("The request was processed and may have been charged; retry once, or pick another voice or model."));
        }
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
