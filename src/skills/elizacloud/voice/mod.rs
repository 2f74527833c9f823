//! Voices (`spec/elizacloud.md` §6.5): the organization's cloned voices, cloning one from the
//! caller's audio files, the clone jobs, and speech to text.
//!
//! - `GET /api/v1/voice/list`, `GET /api/v1/voice/jobs`, `GET`/`PATCH`/`DELETE
//!   /api/v1/voice/{uuid}`: free; the id is the internal UUID (`voice.id`), checked before any
//!   request. A delete removes the voice at the provider (irreversible) and hides it; a voice
//!   is never revived (`isActive` is never sent).
//! - `POST /api/v1/voice/clone` (multipart `name`, `cloneType`, `description?`, `settings?`,
//!   `file0…file9`, with an `Idempotency-Key`): **paid** ($0.504 instant, $2.004
//!   professional). It copies a person's voice, so the caller must state that the speaker
//!   consented (`speakerConsent: true`, required by the schema); the server records no
//!   consent. Sent once; the same key with the same files replays the stored answer instead
//!   of charging again.
//! - `POST /api/v1/voice/stt` (multipart `audio`, `languageCode?`): **paid** (≈ $0.0044 per
//!   minute; free when the server runs Whisper), the whole body at most 25 MiB.
//!
//! Only `clone` and `transcribe` read local files, through [`crate::files`]: regular files
//! only, size and type checked before anything is sent, sent under their basenames; the path
//! and the bytes never appear in a result, an error or a log.

mod clone;
mod delete;
mod get;
mod jobs;
mod list;
mod transcribe;
mod update;

pub use clone::{CLONE_FILES, CloneArgs, CloneOutput, CloneVoice};
pub use delete::Delete;
pub use get::Get;
pub use jobs::Jobs;
pub use list::{CloneType, VoiceList, VoiceListArgs};
pub use transcribe::{STT_FILE, Transcribe, TranscribeArgs, TranscribeOutput};
pub use update::{Update, UpdateArgs};

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::codes;
use crate::vocab::StatusReading;

/// The internal voice id: a UUID.
pub const VOICE_ID_PATTERN: &str =
    "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";

/// Arguments naming one voice.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct VoiceArgs {
    /// The voice's internal id, a UUID (`id` in elizacloud.voice.list, not `elevenlabsVoiceId`).
    #[schemars(regex(pattern = VOICE_ID_PATTERN))]
    pub voice_id: String,
}

/// `/api/v1/voice`, under which every voice route lives.
const VOICE: &[&str] = &["api", "v1", "voice"];

/// What a voice-clone answer's `code` and `details.outcome` say (the service's status reader
/// calls this for 409 and 500): a key reused with other files, or a failure after the
/// provider may have accepted the work (charged, parked for reconciliation). Decided from the
/// structured fields only.
pub(crate) fn read_outcome(
    status: u16,
    server_code: Option<&str>,
    body: &Value,
    details: &mut Map<String, Value>,
) -> StatusReading {
    match (status, server_code) {
        (409, Some("idempotency_conflict")) => StatusReading {
            code: Some(codes::IDEMPOTENCY_CONFLICT),
            hint: Some("This Idempotency-Key was already used with other files or fields. Nothing new was charged; to clone anew, call again without idempotencyKey (a fresh one is generated).".to_owned()),
            ..StatusReading::default()
        },
        (500, _) => {
            let outcome = body.pointer("/details/outcome").and_then(Value::as_str);
            if let Some(outcome) = outcome {
                details.insert("outcome".into(), json!(outcome));
            }
            if let Some(job) = body.pointer("/details/jobId") {
                details.insert("jobId".into(), job.clone());
            }
            match outcome {
                Some("provider_submission_unknown" | "provider_work_reconciliation_required") => {
                    StatusReading {
                        code: Some(codes::RECONCILIATION_REQUIRED),
                        hint: Some("The provider may have accepted the work, so it was charged and kept for reconciliation (details.jobId). Do not send it again: follow it with elizacloud.voice.jobs.".to_owned()),
                        ..StatusReading::default()
                    }
                }
                Some(_) => StatusReading {
                    hint: Some("The clone failed and the credits were refunded (details.outcome); it can be tried again.".to_owned()),
                    ..StatusReading::default()
                },
                None => StatusReading::default(),
            }
        }
        _ => StatusReading::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clone_outcomes_are_read_from_structured_fields() {
        let mut details = Map::new();
        let reading = read_outcome(409, Some("idempotency_conflict"), &json!({}), &mut details);
        assert_eq!(reading.code, Some(codes::IDEMPOTENCY_CONFLICT));
        let body = json!({"success": false, "error": "Voice clone provider work could not be completed. It is retained for reconciliation.", "code": "internal_error", "details": {"outcome": "provider_submission_unknown", "jobId": "job_9"}});
        let reading = read_outcome(500, Some("internal_error"), &body, &mut details);
        assert_eq!(reading.code, Some(codes::RECONCILIATION_REQUIRED));
        assert_eq!(details["jobId"], json!("job_9"));
        let refunded = json!({"details": {"outcome": "provider_request_rejected"}});
        assert_eq!(
            read_outcome(500, None, &refunded, &mut Map::new()).code,
            None
        );
        // Words in the message decide nothing.
        let worded =
            json!({"error": "provider_submission_unknown reconciliation idempotency_conflict"});
        assert_eq!(
            read_outcome(500, None, &worded, &mut Map::new()),
            StatusReading::default()
        );
        assert_eq!(
            read_outcome(409, None, &worded, &mut Map::new()),
            StatusReading::default()
        );
    }
}
