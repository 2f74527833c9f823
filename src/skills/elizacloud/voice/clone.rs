//! `elizacloud.voice.clone`: Paid: clones a voice from the caller's audio files; only for a speaker who agreed to it (speakerConsent).
//!
//! `POST /api/v1/voice/clone`, multipart: `name`, `cloneType`, `description?`, `settings?`
//! (JSON text) and `file0`…`file9` (the files, under their basenames), with an
//! `Idempotency-Key` (generated when absent). Costs $0.504 (instant) or $2.004 (professional,
//! trained for 30-60 minutes at the provider); the server may override the price
//! (`creditsDeducted` says what was charged).
//!
//! Consent: cloning copies a person's voice, and the server neither asks nor records whether
//! they agreed. The schema requires `speakerConsent: true` (the caller's statement that the
//! speaker agreed); anything else is refused before a file is read or a request sent. The
//! flag is not sent; the result echoes it for the audit trail.
//!
//! The files are read by the binary ([`crate::files`]): 1-10 regular files, each 1 B-10 MiB
//! and 100 MiB in all, `.wav`, `.mp3`, `.m4a`/`.mp4`, `.ogg`, `.webm` or `.flac`, confirmed
//! by their first bytes. The result and the preview show each file's basename, size, type
//! and SHA-256, never a path or a byte. Memory stays constant: each file is read once to be
//! checked and digested, then streamed from disk as the request is sent (a file changed in
//! between stops the request: `FILE_UNREADABLE`).
//!
//! Sent once: a request that may have reached the server is never re-sent. Re-running with
//! the same `idempotencyKey` and the same files returns the stored answer (no second charge);
//! a clone still running under that key is `ELIZACLOUD_REQUEST_IN_PROGRESS`, other files
//! under that key `ELIZACLOUD_IDEMPOTENCY_CONFLICT`, and a failure after the provider may have
//! accepted the work (charged, kept for reconciliation) `ELIZACLOUD_RECONCILIATION_REQUIRED`.

use super::{CloneType, VOICE};
use crate::command::prelude::*;
use crate::error::{Error, ErrorCode};
use crate::files::{self, FileInfo, FileRules, FileSummary, LocalFile, kinds};
use crate::http::{ApiRequest, FormPart, FormValue};
use crate::schema::NO_CONTROL_PATTERN;
use crate::skills::elizacloud::{
    API, IDEMPOTENCY_KEY_PATTERN, KEY_REQUIRED, at_least, codes, idempotency_key, keep_key,
    preview, send,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use std::time::Duration;

/// The files a clone takes (`spec/elizacloud.md` §6.5 and §10 notes).
pub const CLONE_FILES: FileRules = FileRules {
    kinds: &[
        kinds::WAV,
        kinds::MP3,
        kinds::MP4_AUDIO,
        kinds::OGG,
        kinds::WEBM,
        kinds::FLAC,
    ],
    min_bytes: 1,
    max_bytes: 10 * 1024 * 1024,
    max_total_bytes: Some(100 * 1024 * 1024),
};

/// Arguments of `elizacloud.voice.clone`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CloneArgs {
    /// Required, and must be `true`: the caller states that the speaker in the files agreed to
    /// having their voice cloned (the user's own voice, or with the speaker's permission).
    /// Never clone audio of someone else found on disk or on the web.
    #[schemars(extend("const" = true))]
    pub speaker_consent: bool,
    /// Name of the new voice (1-100 characters).
    #[schemars(length(min = 1, max = 100))]
    pub name: String,
    /// `instant` ($0.504, ready at once) or `professional` ($2.004, trained 30-60 minutes).
    pub clone_type: CloneType,
    /// Description of the voice (at most 1000 characters).
    #[schemars(length(max = 1000))]
    pub description: Option<String>,
    /// Provider settings, e.g. `{"language": "en"}` (sent as JSON text).
    pub settings: Option<Map<String, Value>>,
    /// Paths of 1-10 local recordings of the speaker (.wav, .mp3, .m4a, .mp4, .ogg, .webm or
    /// .flac; each 1 byte to 10 MiB, 100 MiB in all), absolute or relative to the binary's
    /// working directory. The binary reads them and sends them under their file names; the
    /// paths are never sent or shown.
    #[schemars(
        length(min = 1, max = 10),
        inner(length(min = 1, max = 4096), regex(pattern = NO_CONTROL_PATTERN))
    )]
    pub files: Vec<String>,
    /// Reuse this key (with the same files and fields) to get the stored answer instead of a
    /// second clone and charge; generated when absent.
    #[schemars(regex(pattern = IDEMPOTENCY_KEY_PATTERN))]
    pub idempotency_key: Option<String>,
}

/// A finished clone.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CloneOutput {
    /// The new voice (`voice.id` is what the other voice commands and text to speech take).
    pub voice: Value,
    /// The clone job.
    #[serde(skip_serializing_if = "Value::is_null")]
    pub job: Value,
    /// What was charged, in USD.
    #[serde(skip_serializing_if = "Value::is_null")]
    pub credits_deducted: Value,
    /// When the voice is usable (`30 seconds`, `30-60 minutes`).
    #[serde(skip_serializing_if = "Value::is_null")]
    pub estimated_completion_time: Value,
    /// The files sent: basename, size, content type, SHA-256.
    pub files: Vec<FileSummary>,
    /// The key the clone was made under; re-running with it replays this answer.
    pub idempotency_key: String,
    /// The caller's statement that the speaker consented (not sent to the server).
    pub speaker_consent: bool,
}

/// Refuses anything but `speakerConsent: true` (the schema does too; this holds if it is ever
/// loosened).
fn check_consent(args: &CloneArgs) -> Result<(), Error> {
    if args.speaker_consent {
        Ok(())
    } else {
        Err(Error::invalid_field(
            codes::SPEAKER_CONSENT_REQUIRED,
            "speakerConsent",
            "Cloning needs speakerConsent: true, the statement that the speaker agreed to having their voice cloned.",
        ))
    }
}

fn text(name: &str, value: impl Into<String>) -> FormPart {
    FormPart {
        name: name.to_owned(),
        value: FormValue::Text(value.into()),
    }
}

fn clone_request(
    args: &CloneArgs,
    files: Vec<LocalFile>,
    key: &str,
    timeout: Duration,
) -> ApiRequest {
    let mut parts = vec![
        text("name", args.name.as_str()),
        text("cloneType", args.clone_type.as_str()),
    ];
    if let Some(description) = args.description.as_deref().filter(|d| !d.is_empty()) {
        parts.push(text("description", description));
    }
    if let Some(settings) = &args.settings {
        parts.push(text(
            "settings",
            Value::Object(settings.clone()).to_string(),
        ));
    }
    parts.extend(
        files
            .into_iter()
            .enumerate()
            .map(|(i, file)| file.into_part(format!("file{i}"))),
    );
    ApiRequest::post(VOICE, Effect::Paid)
        .segment("clone")
        .header("idempotency-key", key)
        .timeout(timeout)
        .multipart(parts)
}

/// A professional clone makes three provider calls of up to 30 s each.
fn timeout(ctx: &Ctx<'_>) -> Duration {
    at_least(ctx, Duration::from_secs(180))
}

fn cost(clone_type: CloneType) -> f64 {
    match clone_type {
        CloneType::Instant => 0.504,
        CloneType::Professional => 2.004,
    }
}

/// `elizacloud.voice.clone`.
#[derive(Debug, Clone, Copy)]
pub struct CloneVoice;

impl Command for CloneVoice {
    const ID: &'static str = "elizacloud.voice.clone";
    const EFFECT: Effect = Effect::Paid;
    const SUMMARY: &'static str = "Paid: clones a voice from the caller's audio files; only for a speaker who agreed to it (speakerConsent).";
    const SERVICE: Service = API;
    const SECRETS: &'static [SecretNeed] = KEY_REQUIRED;
    const READS_LOCAL_FILES: bool = true;
    type Args = CloneArgs;
    type Output = CloneOutput;

    async fn run(&self, ctx: &Ctx<'_>, args: CloneArgs) -> Result<CloneOutput, Error> {
        check_consent(&args)?;
        let access = ctx.file_access()?;
        let files = files::read_all(access, "files", args.files.clone(), &CLONE_FILES).await?;
        let summaries: Vec<FileSummary> = files.iter().map(LocalFile::summary).collect();
        let key = args.idempotency_key.clone().unwrap_or_else(idempotency_key);
        let response = send(ctx, &clone_request(&args, files, &key, timeout(ctx)))
            .await
            .map_err(|error| keep_key(error, &key))?;
        let mut answer = response
            .json_or_status()
            .map_err(|error| keep_key(error, &key))?;
        // The same key while the first clone is unfinished (or failed without an answer):
        // 202 `idempotency_replay`, nothing charged again, nothing cloned yet.
        if answer.get("success") == Some(&json!(false)) || response.status() == 202 {
            let job = answer.get("job").cloned().unwrap_or(Value::Null);
            return Err(Error::new(
                codes::REQUEST_IN_PROGRESS,
                "elizaOS Cloud already has a voice clone under this Idempotency-Key that has not finished",
            )
            .with_status(response.status())
            .with_endpoint(response.url().to_owned())
            .with_details(json!({
                "serverCode": answer.get("code"),
                "job": job,
                "reconciliationRequired": answer.get("reconciliationRequired"),
                "idempotencyKey": key,
            }))
            .with_hint("Nothing was charged again. Follow the job with elizacloud.voice.jobs, then re-run with the same idempotencyKey to get the finished voice; do not re-send with a new key."));
        }
        let mut take = |field: &str| {
            answer
                .get_mut(field)
                .map(Value::take)
                .unwrap_or(Value::Null)
        };
        Ok(CloneOutput {
            voice: take("voice"),
            job: take("job"),
            credits_deducted: take("creditsDeducted"),
            estimated_completion_time: take("estimatedCompletionTime"),
            files: summaries,
            idempotency_key: key,
            speaker_consent: true,
        })
    }

    fn preview(&self, ctx: &Ctx<'_>, args: &CloneArgs) -> Result<Preview, Error> {
        check_consent(args)?;
        // The dry-run reads the files too (no network), once each in pieces, keeping nothing:
        // the preview shows what would be sent, and a file that would be refused is refused now.
        let files = ctx
            .file_access()?
            .inspect_all("files", &args.files, &CLONE_FILES)?
            .into_iter()
            .map(FileInfo::read)
            .collect::<Result<Vec<_>, _>>()?;
        let key = args
            .idempotency_key
            .clone()
            .unwrap_or_else(|| "<generated at run time>".to_owned());
        Ok(preview(ctx, &clone_request(args, files, &key, timeout(ctx)))?
            .cost_hint(json!({"usd": cost(args.clone_type), "cloneType": args.clone_type.as_str(), "note": "catalogue price; the server may override it (creditsDeducted)"}))
            .note("Copies a person's voice: only with the speaker's consent (speakerConsent: true states it; it is not sent).")
            .note("Sent once; re-running with the same idempotencyKey and files returns the stored answer without a second charge."))
    }

    fn example() -> Value {
        json!({
            "speakerConsent": true,
            "name": "My narrator voice",
            "cloneType": "instant",
            "files": ["/home/me/recordings/my-voice-1.wav"],
            "settings": {"language": "en"}
        })
    }

    fn field_code(field: &str) -> Option<ErrorCode> {
        (field == "speakerConsent").then_some(codes::SPEAKER_CONSENT_REQUIRED)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{compile, input_schema};

    #[test]
    fn consent_is_required_and_must_be_true() {
        let schema = input_schema::<CloneArgs>();
        assert_eq!(
            schema["properties"]["speakerConsent"]["enum"],
            json!([true])
        );
        assert!(
            schema["required"]
                .as_array()
                .unwrap()
                .contains(&json!("speakerConsent"))
        );
        let validator = compile(&schema).unwrap();
        let mut args = CloneVoice::example();
        assert!(validator.is_valid(&args));
        args["speakerConsent"] = json!(false);
        assert!(!validator.is_valid(&args));
        args.as_object_mut().unwrap().remove("speakerConsent");
        assert!(!validator.is_valid(&args));
        args["speakerConsent"] = json!("yes");
        assert!(!validator.is_valid(&args));
        let refused: CloneArgs = serde_json::from_value(json!({"speakerConsent": false, "name": "x", "cloneType": "instant", "files": ["a.wav"]})).unwrap();
        let error = check_consent(&refused).unwrap_err();
        assert_eq!(error.code(), codes::SPEAKER_CONSENT_REQUIRED);
        assert_eq!(error.exit_status(), 2);
    }

    #[test]
    fn the_form_carries_the_fields_and_never_the_consent_flag() {
        let args: CloneArgs = serde_json::from_value(CloneVoice::example()).unwrap();
        let request = clone_request(&args, Vec::new(), "k-12345678", Duration::from_secs(1));
        let crate::http::Body::Multipart(parts) = &request.body else {
            panic!("not multipart");
        };
        let names: Vec<&str> = parts.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["name", "cloneType", "settings"]);
        assert!(matches!(&parts[2].value, FormValue::Text(t) if t == r#"{"language":"en"}"#));
    }
}
