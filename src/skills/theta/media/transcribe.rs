//! `theta.media.transcribe`: transcribes a recording with an on-demand speech model
//! (`whisper`) and returns the text. Paid. It serves OpenClaw's own audio transcription
//! (`openclaw infer audio transcribe`, media understanding) through the plugin, and is not an
//! agent tool.
//!
//! The recording comes inline (`audioBase64`, at most [`crate::media::MAX_INLINE_BYTES`]
//! decoded: what fits in one request), never from a local file. Three requests:
//! 1. `POST /infer_request/<model>/input_presigned_urls` with `{input_fields: [<field>]}`
//!    (mutating: an upload slot), the request `theta.ondemand.inputPresignedUrls` sends;
//! 2. `PUT` of the bytes to the slot's `upload_url` (no credentials: the URL is signed; https
//!    and public hosts only), sent once;
//! 3. `POST /infer_request/<model>?wait=<s>` with `{input: {<field>: <filename>, language?}}`
//!    (paid, sent once), then `GET /infer_request/<id>` until the job ends or `timeoutMs`
//!    passes (the error then names the job's id).
//!
//! The text is the output's `text` (or `transcript`, `transcription`, `result`, the output
//! itself when it is a string, or its `segments[].text` joined). Prices: the embedded
//! catalog's, in the preview (whisper: a small fraction of a USD cent per clip, observed).

use crate::command::prelude::*;
use bytes::Bytes;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::job;
use crate::error::{Error, ErrorCode};
use crate::http::{RequestPreview, sha256_hex};
use crate::media;
use crate::providers::{AUDIO_MAX_BYTES, Slot};
use crate::schema::IDENTIFIER_PATTERN;
use crate::skills::theta;
use crate::skills::theta::ondemand::{InputPresignedUrlsArgs, presigned_urls_request};

/// The input field a speech service takes its recording in when the arguments name none.
const DEFAULT_FIELD: &str = "audio_filename";

/// The most base64 characters `audioBase64` may hold.
const MAX_BASE64_CHARS: usize = AUDIO_MAX_BYTES.div_ceil(3) * 4;

/// Arguments of `theta.media.transcribe`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TranscribeArgs {
    /// The on-demand speech-recognition service, e.g. `whisper`.
    #[schemars(regex(pattern = IDENTIFIER_PATTERN), length(min = 1, max = 128))]
    pub model: String,
    /// The recording, base64 (at most about 12 MiB once decoded: what fits in one request).
    #[schemars(length(min = 4, max = MAX_BASE64_CHARS))]
    pub audio_base64: String,
    /// The recording's file name, e.g. `note.wav` (shown in previews only).
    #[schemars(length(min = 1, max = 255))]
    pub file_name: Option<String>,
    /// The recording's media type, e.g. `audio/wav`; read from its first bytes otherwise.
    #[schemars(regex(pattern = "^[a-z]+/[A-Za-z0-9.+-]+$"), length(max = 100))]
    pub mime_type: Option<String>,
    /// The spoken language, e.g. `en`, when the service takes one.
    #[schemars(regex(pattern = "^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})?$"))]
    pub language: Option<String>,
    /// The service's input field for the recording (default `audio_filename`, whisper's).
    #[schemars(regex(pattern = IDENTIFIER_PATTERN), length(min = 1, max = 128))]
    pub input_field: Option<String>,
    /// How long the whole call may take, in ms (10000-3600000, default 180000): upload,
    /// submit, wait. Past it the job may still run (and be charged); the error names its id.
    #[schemars(range(min = 10_000, max = 3_600_000))]
    pub timeout_ms: Option<u64>,
}

/// The transcript.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TranscribeOutput {
    /// The service that ran.
    pub model: String,
    /// The job's id.
    pub request_id: String,
    /// What was said.
    pub text: String,
    /// The cost, as the job reported it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost: Option<Value>,
}

/// `theta.media.transcribe`.
#[derive(Debug, Clone, Copy)]
pub struct Transcribe;

impl TranscribeArgs {
    fn field(&self) -> &str {
        self.input_field.as_deref().unwrap_or(DEFAULT_FIELD)
    }

    fn presigned(&self) -> InputPresignedUrlsArgs {
        InputPresignedUrlsArgs {
            service: self.model.clone(),
            input_fields: Some(vec![self.field().to_owned()]),
            input_fields_snake: None,
            input_field: None,
            input_field_snake: None,
        }
    }

    fn infer_args(&self, filename: &str) -> crate::skills::theta::ondemand::InferArgs {
        let mut input = Map::new();
        input.insert(self.field().to_owned(), json!(filename));
        if let Some(language) = &self.language {
            input.insert("language".into(), json!(language));
        }
        job::infer_args(
            &self.model,
            input,
            None,
            job::wait_secs(self.timeout_ms, Slot::Transcription),
        )
    }

    /// The recording's bytes and media type.
    fn recording(&self) -> Result<(Vec<u8>, String), Error> {
        let bytes = media::inline_bytes(
            "audioBase64",
            &self.audio_base64,
            media::MAX_INLINE_BYTES.min(AUDIO_MAX_BYTES),
        )?;
        let kind = self
            .mime_type
            .clone()
            .or_else(|| media::sniff(&bytes).map(str::to_owned))
            .unwrap_or_else(|| "application/octet-stream".to_owned());
        Ok((bytes, kind))
    }
}

/// The slot's `upload_url` and `filename` in the answer of step 1.
fn slot(answer: &Value, field: &str) -> Result<(String, String), Error> {
    let entry = &answer["body"]["urls"][field];
    match (entry["upload_url"].as_str(), entry["filename"].as_str()) {
        (Some(url), Some(name)) if !url.is_empty() && !name.is_empty() => {
            Ok((url.to_owned(), name.to_owned()))
        }
        _ => Err(Error::new(
            ErrorCode::InvalidResponse,
            format!("the upload answer has no `body.urls.{field}` with an upload_url and a filename"),
        )
        .with_hint("Check that the service takes its recording in this input field (inputField); nothing was uploaded or billed.")),
    }
}

/// The transcript in a finished job's output.
fn transcript(request: &Value) -> Option<String> {
    let output = request.get("output")?;
    if let Some(text) = output.as_str() {
        return Some(text.to_owned());
    }
    for key in ["text", "transcript", "transcription", "result"] {
        if let Some(text) = output.get(key).and_then(Value::as_str) {
            return Some(text.to_owned());
        }
    }
    let segments = output.get("segments")?.as_array()?;
    let parts: Vec<&str> = segments
        .iter()
        .filter_map(|s| s.get("text").and_then(Value::as_str))
        .map(str::trim)
        .collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}

impl Command for Transcribe {
    const ID: &'static str = "theta.media.transcribe";
    const EFFECT: Effect = Effect::Paid;
    const SUMMARY: &'static str = "Uploads a recording (base64) to an on-demand speech model, waits for the job and returns the transcript, for OpenClaw's audio transcription.";
    const SERVICE: Service = theta::ONDEMAND;
    const SECRETS: &'static [SecretNeed] = &[SecretNeed::required(theta::ONDEMAND_TOKEN)];
    const AGENT_TOOL: bool = false;
    type Args = TranscribeArgs;
    type Output = TranscribeOutput;

    async fn run(&self, ctx: &Ctx<'_>, args: TranscribeArgs) -> Result<TranscribeOutput, Error> {
        let deadline = media::deadline(args.timeout_ms, Slot::Transcription);
        let (bytes, kind) = args.recording()?;
        let client = ctx.client(theta::ONDEMAND)?;
        let answer = tokio::time::timeout_at(
            deadline,
            client.send(&presigned_urls_request(&args.presigned())),
        )
        .await
        .map_err(|_| {
            Error::new(
                ErrorCode::Timeout,
                "the upload slot was not created before the call's deadline",
            )
        })??
        .json_value()?;
        let (upload_url, filename) = slot(&answer, args.field())?;
        ctx.media()
            .put(&upload_url, Bytes::from(bytes), &kind, deadline)
            .await?;
        let finished = job::run(ctx, &args.infer_args(&filename), deadline).await?;
        let text = transcript(&finished.request).ok_or_else(|| {
            job::with_id(
                Error::new(
                    ErrorCode::InvalidResponse,
                    "the transcription job succeeded but its output holds no text",
                ),
                &finished.id,
            )
        })?;
        Ok(TranscribeOutput {
            model: args.model,
            cost: finished.request.get("cost").cloned(),
            request_id: finished.id,
            text,
        })
    }

    fn preview(&self, ctx: &Ctx<'_>, args: &TranscribeArgs) -> Result<Preview, Error> {
        let (bytes, kind) = args.recording()?;
        let client = ctx.client(theta::ONDEMAND)?;
        let mut preview = job::preview(
            ctx,
            &args.infer_args("<filename from the upload answer>"),
            "and returns the text of its output.",
        )?;
        let upload = RequestPreview {
            method: "PUT".to_owned(),
            url: format!(
                "<body.urls.{}.upload_url of the first answer>",
                args.field()
            ),
            headers: [("content-type".to_owned(), kind)].into_iter().collect(),
            body: Some(json!({
                "filename": args.file_name.as_deref().unwrap_or("recording"),
                "bytes": bytes.len(),
                "sha256": sha256_hex(&bytes),
                "content": "***",
            })),
            timeout_ms: u64::try_from(
                media::deadline(args.timeout_ms, Slot::Transcription)
                    .saturating_duration_since(tokio::time::Instant::now())
                    .as_millis(),
            )
            .unwrap_or(u64::MAX),
        };
        let slot = client.preview(&presigned_urls_request(&args.presigned()))?;
        preview.requests.splice(0..0, [slot, upload]);
        preview.notes.insert(
            0,
            "First creates an upload slot (mutating, free) and uploads the recording to it (no credentials sent); then the transcription job (paid).".to_owned(),
        );
        Ok(preview)
    }

    fn example() -> Value {
        json!({
            "model": "whisper",
            "audioBase64": "UklGRiQAAABXQVZFZm10IBAAAAABAAEAQB8AAIA+AAACABAAZGF0YQAAAAA=",
            "fileName": "note.wav",
            "language": "en"
        })
    }

    fn field_code(field: &str) -> Option<ErrorCode> {
        super::field_code(field)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(value: Value) -> TranscribeArgs {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn the_recording_is_typed_from_its_bytes_and_bounded() {
        let example = args(Transcribe::example());
        let (bytes, kind) = example.recording().unwrap();
        assert_eq!((bytes.len(), kind.as_str()), (44, "audio/wav"));
        let typed =
            args(json!({"model": "whisper", "audioBase64": "AAAA", "mimeType": "audio/ogg"}));
        assert_eq!(typed.recording().unwrap().1, "audio/ogg");
        let bad = args(json!({"model": "whisper", "audioBase64": "not base64!"}));
        assert_eq!(bad.recording().unwrap_err().code(), ErrorCode::InvalidField);
    }

    #[test]
    fn the_job_names_the_uploaded_file_in_the_field() {
        let example = args(Transcribe::example());
        let infer = example.infer_args("abc.wav");
        assert_eq!(
            json!(infer.input.unwrap()),
            json!({"audio_filename": "abc.wav", "language": "en"})
        );
        assert_eq!(
            example.presigned().fields(),
            vec!["audio_filename"],
            "the slot is asked for the same field"
        );
    }

    #[test]
    fn transcripts_are_read_from_the_usual_fields() {
        for (output, text) in [
            (json!("hello"), "hello"),
            (json!({"text": "hi there"}), "hi there"),
            (json!({"transcription": "t"}), "t"),
            (json!({"segments": [{"text": " a "}, {"text": "b"}]}), "a b"),
        ] {
            assert_eq!(
                transcript(&json!({"output": output})).as_deref(),
                Some(text)
            );
        }
        assert_eq!(transcript(&json!({"output": {"url": "x"}})), None);
    }

    #[test]
    fn an_answer_without_the_slot_is_refused() {
        let good = json!({"body": {"urls": {"audio_filename": {"upload_url": "https://s3.example/u", "filename": "f.wav"}}}});
        assert_eq!(
            slot(&good, "audio_filename").unwrap(),
            ("https://s3.example/u".to_owned(), "f.wav".to_owned())
        );
        assert_eq!(
            slot(&json!({"body": {}}), "audio_filename")
                .unwrap_err()
                .code(),
            ErrorCode::InvalidResponse
        );
    }
}
