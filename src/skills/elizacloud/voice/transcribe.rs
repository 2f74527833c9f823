//! `elizacloud.voice.transcribe`: Paid: transcribes a local audio file to text (speech to text).
//!
//! `POST /api/v1/voice/stt`, multipart `audio` (the file, under its basename) and
//! `languageCode?` → `{transcript, duration_ms, segments?, words?}`. About $0.0044 per minute
//! of audio ($0.264/hour), free when the server transcribes with its own Whisper. The whole
//! request body may be at most 25 MiB, so the file at most 25 MiB less 64 KiB; `.wav`,
//! `.mp3`, `.m4a`/`.mp4`, `.ogg` or `.webm` (not FLAC), confirmed by its first bytes before
//! anything is sent. The file is read by the binary ([`crate::files`]), checked once and then
//! streamed from disk as the request is sent (never held whole); the result shows its
//! basename, size, type and SHA-256, never its path or bytes. Sent once: a 502 or 504 may
//! still have been charged.

use super::VOICE;
use crate::command::prelude::*;
use crate::files::{self, FileRules, FileSummary, LocalFile, kinds};
use crate::http::{ApiRequest, FormPart, FormValue};
use crate::schema::NO_CONTROL_PATTERN;
use crate::skills::elizacloud::{API, KEY_REQUIRED, at_least, preview, send_json};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use std::time::Duration;

/// What speech to text takes: the server's body cap (25 MiB) less room for the form's own
/// bytes.
pub const STT_FILE: FileRules = FileRules {
    kinds: &[
        kinds::WAV,
        kinds::MP3,
        kinds::MP4_AUDIO,
        kinds::OGG,
        kinds::WEBM,
    ],
    min_bytes: 1,
    max_bytes: 25 * 1024 * 1024 - 64 * 1024,
    max_total_bytes: None,
};

/// Price per minute of audio, USD (`elevenlabs/scribe_v1` $0.22/h × 1.2).
const USD_PER_MINUTE: f64 = 0.0044;

/// Arguments of `elizacloud.voice.transcribe`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TranscribeArgs {
    /// Path of a local audio file (.wav, .mp3, .m4a, .mp4, .ogg or .webm; at most about 24.9
    /// MiB), absolute or relative to the binary's working directory. The binary reads it and
    /// sends it under its file name; the path is never sent or shown.
    #[schemars(length(min = 1, max = 4096), regex(pattern = NO_CONTROL_PATTERN))]
    pub file: String,
    /// The spoken language as a BCP-47 tag, e.g. `en` or `pt-BR` (detected when absent).
    #[schemars(regex(pattern = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$"))]
    pub language_code: Option<String>,
}

/// The transcript, with the file it came from.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TranscribeOutput {
    /// The server's answer: `transcript`, `duration_ms`, and `segments`/`words` when the
    /// provider gives them.
    #[serde(flatten)]
    pub answer: Map<String, Value>,
    /// The file sent: basename, size, content type, SHA-256.
    pub file: FileSummary,
}

fn transcribe_request(file: LocalFile, language: Option<&str>, timeout: Duration) -> ApiRequest {
    let mut parts = vec![file.into_part("audio")];
    if let Some(language) = language {
        parts.push(FormPart {
            name: "languageCode".into(),
            value: FormValue::Text(language.to_owned()),
        });
    }
    ApiRequest::post(VOICE, Effect::Paid)
        .segment("stt")
        .timeout(timeout)
        .multipart(parts)
}

fn timeout(ctx: &Ctx<'_>) -> Duration {
    at_least(ctx, Duration::from_secs(120))
}

/// Minutes of audio, estimated from the size and a typical bitrate (what the server does
/// when the file's metadata has no duration).
fn estimated_minutes(summary: &FileSummary) -> f64 {
    let kbps = match summary.content_type {
        "audio/wav" => 1411.0,
        "audio/ogg" | "audio/webm" => 96.0,
        _ => 128.0,
    };
    let bits = summary.bytes as f64 * 8.0;
    (bits / (kbps * 1000.0) / 60.0).max(1.0 / 60.0)
}

/// `elizacloud.voice.transcribe`.
#[derive(Debug, Clone, Copy)]
pub struct Transcribe;

impl Command for Transcribe {
    const ID: &'static str = "elizacloud.voice.transcribe";
    const EFFECT: Effect = Effect::Paid;
    const SUMMARY: &'static str = "Paid: transcribes a local audio file to text (speech to text).";
    const SERVICE: Service = API;
    const SECRETS: &'static [SecretNeed] = KEY_REQUIRED;
    const READS_LOCAL_FILES: bool = true;
    type Args = TranscribeArgs;
    type Output = TranscribeOutput;

    async fn run(&self, ctx: &Ctx<'_>, args: TranscribeArgs) -> Result<TranscribeOutput, Error> {
        let access = ctx.file_access()?;
        let file = files::read_one(access, "file", args.file.clone(), &STT_FILE).await?;
        let summary = file.summary();
        let request = transcribe_request(file, args.language_code.as_deref(), timeout(ctx));
        let answer = match send_json(ctx, &request).await? {
            Value::Object(map) => map,
            other => Map::from_iter([("answer".to_owned(), other)]),
        };
        Ok(TranscribeOutput {
            answer,
            file: summary,
        })
    }

    fn preview(&self, ctx: &Ctx<'_>, args: &TranscribeArgs) -> Result<Preview, Error> {
        let file = ctx
            .file_access()?
            .inspect("file", &args.file, &STT_FILE)?
            .read()?;
        let minutes = estimated_minutes(&file.summary());
        let request = transcribe_request(file, args.language_code.as_deref(), timeout(ctx));
        Ok(preview(ctx, &request)?.cost_hint(json!({
            "usdPerMinute": USD_PER_MINUTE,
            "estimatedMinutes": (minutes * 100.0).round() / 100.0,
            "estimatedUsd": (minutes * USD_PER_MINUTE * 10_000.0).round() / 10_000.0,
            "note": "estimated from the file's size; free when the server transcribes with its own Whisper",
        })))
    }

    fn example() -> Value {
        json!({"file": "/home/me/recordings/meeting.mp3", "languageCode": "en"})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_minute_of_mp3_is_about_a_megabyte() {
        let summary = FileSummary {
            name: "a.mp3".into(),
            bytes: 960_000,
            content_type: "audio/mpeg",
            sha256: String::new(),
        };
        assert!((estimated_minutes(&summary) - 1.0).abs() < 1e-9);
        let tiny = FileSummary {
            bytes: 10,
            ..summary
        };
        assert!(
            (estimated_minutes(&tiny) - 1.0 / 60.0).abs() < 1e-9,
            "at least a second"
        );
    }

    #[test]
    fn the_file_fits_the_servers_body_cap_with_room_for_the_form() {
        const BODY_CAP: u64 = 26_214_400;
        const {
            assert!(STT_FILE.max_bytes < BODY_CAP);
            assert!(BODY_CAP - STT_FILE.max_bytes >= 16 * 1024);
        }
        assert!(
            !STT_FILE
                .kinds
                .iter()
                .any(|k| k.content_type == "audio/flac")
        );
    }
}
