//! The fake's voice routes (`spec/elizacloud.md` §6.5 and the §10 rows 25–30): a strict
//! multipart reader that logs every part (name, file name, type, size, SHA-256), voice clone
//! with its validation order, `Idempotency-Key` replay and conflict, its failure modes, clone
//! jobs, voice get/patch/delete (soft), and speech to text with its body cap before auth and
//! its sniffing.

use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};
use wiremock::{Request, ResponseTemplate};

use super::{State, e1, header, ok_json};

/// What `POST /api/v1/voice/clone` does besides validating.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CloneMode {
    /// Clones (201).
    #[default]
    Done,
    /// The provider rejected the work: 500, refunded, nothing stored for the key.
    Rejected,
    /// The provider may have accepted it: 500, charged, a `reconciliation_required` job.
    Reconciliation,
    /// Professional voices are at the provider's limit (400 for professional clones).
    ProfessionalLimit,
}

/// One multipart part as the fake received it (the proof of what was sent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartLog {
    /// The route.
    pub route: &'static str,
    /// Field name.
    pub name: String,
    /// File name, for a file part.
    pub filename: Option<String>,
    /// Declared content type.
    pub content_type: Option<String>,
    /// Size in bytes.
    pub size: usize,
    /// SHA-256 of the content, hex.
    pub sha256: String,
}

/// One part of a multipart body.
#[derive(Debug, Clone)]
pub struct Part {
    pub name: String,
    pub filename: Option<String>,
    pub content_type: Option<String>,
    pub bytes: Vec<u8>,
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Parses `multipart/form-data` strictly: the boundary from the header, CRLF line ends, a
/// `Content-Disposition: form-data; name=…` on every part, the closing delimiter. `None` when
/// anything is off.
pub fn multipart(request: &Request) -> Option<Vec<Part>> {
    let content_type = header(request, "content-type")?;
    let boundary = content_type
        .strip_prefix("multipart/form-data")?
        .split(';')
        .find_map(|p| p.trim().strip_prefix("boundary="))?
        .trim_matches('"');
    let delimiter = format!("--{boundary}").into_bytes();
    let body = &request.body;
    let find = |hay: &[u8], needle: &[u8], from: usize| {
        hay.get(from..)?
            .windows(needle.len())
            .position(|w| w == needle)
            .map(|p| p + from)
    };
    let mut at = find(body, &delimiter, 0)?;
    if at != 0 {
        return None;
    }
    let mut parts = Vec::new();
    loop {
        at += delimiter.len();
        if body.get(at..at + 2)? == b"--" {
            return Some(parts);
        }
        if body.get(at..at + 2)? != b"\r\n" {
            return None;
        }
        at += 2;
        let head_end = find(body, b"\r\n\r\n", at)?;
        let head = std::str::from_utf8(&body[at..head_end]).ok()?;
        let mut next_delimiter = b"\r\n".to_vec();
        next_delimiter.extend_from_slice(&delimiter);
        let content_end = find(body, &next_delimiter, head_end + 4)?;
        let mut name = None;
        let mut filename = None;
        let mut part_type = None;
        for line in head.split("\r\n") {
            let (key, value) = line.split_once(':')?;
            match key.trim().to_ascii_lowercase().as_str() {
                "content-disposition" => {
                    let mut fields = value.split(';').map(str::trim);
                    if fields.next()? != "form-data" {
                        return None;
                    }
                    for field in fields {
                        let (k, v) = field.split_once('=')?;
                        let v = v.trim_matches('"').to_owned();
                        match k {
                            "name" => name = Some(v),
                            "filename" => filename = Some(v),
                            _ => {}
                        }
                    }
                }
                "content-type" => part_type = Some(value.trim().to_owned()),
                _ => {}
            }
        }
        parts.push(Part {
            name: name?,
            filename,
            content_type: part_type,
            bytes: body[head_end + 4..content_end].to_vec(),
        });
        at = content_end + 2;
    }
}

fn log(state: &mut State, route: &'static str, parts: &[Part]) {
    state.parts.extend(parts.iter().map(|p| PartLog {
        route,
        name: p.name.clone(),
        filename: p.filename.clone(),
        content_type: p.content_type.clone(),
        size: p.bytes.len(),
        sha256: sha256_hex(&p.bytes),
    }));
}

fn text_of<'a>(parts: &'a [Part], name: &str) -> Option<&'a str> {
    parts
        .iter()
        .find(|p| p.name == name && p.filename.is_none())
        .and_then(|p| std::str::from_utf8(&p.bytes).ok())
}

fn validation(message: &str) -> ResponseTemplate {
    e1(400, message, "validation_error")
}

const MIB: usize = 1024 * 1024;

/// The voices the fake starts with.
pub fn seed_voices() -> Vec<Value> {
    (0..3)
        .map(|i| json!({"id": format!("00000000-0000-4000-8000-00000000000{i}"), "elevenlabsVoiceId": format!("el_{i}"), "name": format!("Voice {i}"), "cloneType": "instant", "isActive": true, "settings": {}}))
        .collect()
}

/// `POST /api/v1/voice/clone`.
pub fn clone(state: &mut State, request: &Request) -> ResponseTemplate {
    let Some(parts) = multipart(request) else {
        return ResponseTemplate::new(500).set_body_json(json!({"success": false, "error": "Failed to create voice clone. Credits have been refunded.", "code": "internal_error", "details": {"outcome": "voice_clone_request_failed"}}));
    };
    log(state, "clone", &parts);
    let name = text_of(&parts, "name").filter(|n| !n.is_empty());
    let Some(name) = name else {
        return validation("Missing required field: name");
    };
    let clone_type = text_of(&parts, "cloneType").unwrap_or_default();
    if !["instant", "professional"].contains(&clone_type) {
        return validation("Invalid cloneType. Must be 'instant' or 'professional'");
    }
    let settings = text_of(&parts, "settings");
    if let Some(s) = settings
        && serde_json::from_str::<serde_json::Map<String, Value>>(s).is_err()
    {
        return validation("Invalid settings JSON");
    }
    let files: Vec<&Part> = parts
        .iter()
        .filter(|p| p.name.starts_with("file") && p.filename.is_some())
        .collect();
    if files.is_empty() {
        return validation("At least one audio file is required");
    }
    if files.len() > 10 {
        return validation("Maximum 10 files allowed");
    }
    let mut total = 0;
    for file in &files {
        let n = file.filename.as_deref().unwrap_or_default();
        if file.bytes.is_empty() {
            return validation(&format!("File \"{n}\" is empty"));
        }
        if file.bytes.len() > 10 * MIB {
            return validation(&format!("File \"{n}\" exceeds maximum size of 10MB"));
        }
        let t = file.content_type.as_deref().unwrap_or_default();
        if !(t.is_empty() || t.starts_with("audio/") || t.starts_with("video/mp4")) {
            return validation(&format!(
                "File \"{n}\" has invalid type \"{t}\". Only audio files are allowed."
            ));
        }
        total += file.bytes.len();
    }
    if total > 100 * MIB {
        return validation("Total file size exceeds 100MB limit");
    }
    let Some(key) = header(request, "idempotency-key")
        .map(str::trim)
        .filter(|k| (1..=128).contains(&k.len()))
    else {
        return validation("A valid Idempotency-Key header is required");
    };
    let mut digest = format!(
        "{clone_type}|{name}|{}|{}",
        text_of(&parts, "description").unwrap_or_default(),
        settings.unwrap_or_default()
    );
    for file in &files {
        digest.push_str(&format!(
            "|{}:{}:{}:{}",
            file.filename.as_deref().unwrap_or_default(),
            file.bytes.len(),
            file.content_type.as_deref().unwrap_or_default(),
            sha256_hex(&file.bytes)
        ));
    }
    if let Some((stored_digest, stored)) = state.clone_keys.get(key) {
        if *stored_digest != digest {
            return ResponseTemplate::new(409).set_body_json(json!({"success": false, "error": "Idempotency-Key was already used with a different voice-clone payload", "code": "idempotency_conflict"}));
        }
        return match stored {
            Some((status, body)) => ResponseTemplate::new(*status).set_body_json(body.clone()),
            None => {
                let job = state
                    .clone_jobs
                    .iter()
                    .find(|j| j["idempotencyKey"] == key)
                    .cloned()
                    .unwrap_or(Value::Null);
                ResponseTemplate::new(202).set_body_json(json!({"success": false, "error": "Voice clone request is already recorded", "code": "idempotency_replay", "job": {"id": job["id"], "status": job["status"], "progress": 0}, "reconciliationRequired": job["reconciliationRequired"] == true}))
            }
        };
    }
    if state.clone_mode == CloneMode::ProfessionalLimit && clone_type == "professional" {
        return validation(
            "Professional voice limit reached. Delete an existing professional voice or use instant cloning instead.",
        );
    }
    let price = if clone_type == "instant" {
        0.504
    } else {
        2.004
    };
    if state.balance < price {
        let body = json!({"success": false, "error": "Insufficient balance", "code": "insufficient_credits", "details": {"required": price, "cloneType": clone_type}});
        state
            .clone_keys
            .insert(key.to_owned(), (digest, Some((402, body.clone()))));
        return ResponseTemplate::new(402).set_body_json(body);
    }
    let job_id = state.id("vjob");
    match state.clone_mode {
        CloneMode::Rejected => {
            state.clone_keys.insert(key.to_owned(), (digest, None));
            return ResponseTemplate::new(500).set_body_json(json!({"success": false, "error": "Failed to create voice clone. Credits have been refunded.", "code": "internal_error", "details": {"outcome": "provider_request_rejected", "jobId": job_id}}));
        }
        CloneMode::Reconciliation => {
            state.debit(price, "voice clone (reconciliation)");
            state.clone_keys.insert(key.to_owned(), (digest, None));
            state.clone_jobs.push(json!({"id": job_id, "voiceName": name, "jobType": clone_type, "status": "reconciliation_required", "progress": 40, "errorMessage": null, "reconciliationRequired": true, "providerState": "submission_unknown", "providerStep": "create", "providerVoiceId": null, "idempotencyKey": key}));
            return ResponseTemplate::new(500).set_body_json(json!({"success": false, "error": "Voice clone provider work could not be completed. It is retained for reconciliation.", "code": "internal_error", "details": {"outcome": "provider_submission_unknown", "jobId": job_id}}));
        }
        CloneMode::Done | CloneMode::ProfessionalLimit => {}
    }
    state.debit(price, "voice clone");
    let n = state.next_id;
    let id = format!("{n:08x}-0000-4000-8000-0000000c1000");
    let voice = json!({"id": id, "elevenlabsVoiceId": format!("el_{n}"), "name": name, "description": text_of(&parts, "description"), "cloneType": clone_type, "status": "completed", "sampleCount": files.len(), "createdAt": "2026-01-01T00:00:00.000Z", "isActive": true, "settings": settings.and_then(|s| serde_json::from_str::<Value>(s).ok()).unwrap_or(json!({}))});
    state.voices.push(voice.clone());
    let body = json!({"success": true, "voice": voice, "job": {"id": job_id, "status": "completed", "progress": 100}, "creditsDeducted": price, "estimatedCompletionTime": if clone_type == "instant" { "30 seconds" } else { "30-60 minutes" }});
    state
        .clone_keys
        .insert(key.to_owned(), (digest, Some((201, body.clone()))));
    ResponseTemplate::new(201).set_body_json(body)
}

/// `GET /api/v1/voice/list`.
pub fn list(state: &State, query: &std::collections::HashMap<String, String>) -> ResponseTemplate {
    let inactive = query.get("includeInactive").map(String::as_str) == Some("true");
    let voices: Vec<Value> = state
        .voices
        .iter()
        .filter(|v| inactive || v["isActive"] == true)
        .filter(|v| {
            query
                .get("cloneType")
                .is_none_or(|t| v["cloneType"] == t.as_str())
        })
        .cloned()
        .collect();
    let limit: usize = query
        .get("limit")
        .and_then(|l| l.parse().ok())
        .unwrap_or(50);
    let offset: usize = query
        .get("offset")
        .and_then(|l| l.parse().ok())
        .unwrap_or(0);
    let total = voices.len();
    let page: Vec<Value> = voices.into_iter().skip(offset).take(limit).collect();
    ok_json(
        json!({"success": true, "voices": page, "total": total, "limit": limit, "offset": offset, "hasMore": offset + limit < total}),
    )
}

/// `GET /api/v1/voice/jobs`.
pub fn jobs(state: &State) -> ResponseTemplate {
    let jobs: Vec<Value> = state
        .clone_jobs
        .iter()
        .filter(|j| {
            ["processing", "pending", "reconciliation_required"]
                .contains(&j["status"].as_str().unwrap_or_default())
        })
        .map(|j| {
            let mut j = j.clone();
            if let Some(o) = j.as_object_mut() {
                o.remove("idempotencyKey");
            }
            j
        })
        .collect();
    ok_json(json!({"success": true, "total": jobs.len(), "jobs": jobs}))
}

fn is_uuid(id: &str) -> bool {
    let groups: Vec<&str> = id.split('-').collect();
    groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        && groups
            .iter()
            .all(|g| g.chars().all(|c| c.is_ascii_hexdigit()))
}

/// `GET`, `PATCH`, `DELETE /api/v1/voice/{id}`.
pub fn one(state: &mut State, method: &str, id: &str, request: &Request) -> ResponseTemplate {
    if !is_uuid(id) {
        return ResponseTemplate::new(400).set_body_json(json!({"error": "Invalid voice ID format", "message": "Please use the internal voice ID (UUID format) from the 'List Voices' endpoint.", "hint": "Call GET /api/v1/voice/list to get your voice IDs"}));
    }
    let Some(voice) = state.voices.iter_mut().find(|v| v["id"] == id) else {
        let body = if method == "PATCH" {
            json!({"error": "Voice not found"})
        } else {
            json!({"error": "Voice not found", "message": "Voice not found in your organization. It may have been deleted."})
        };
        return ResponseTemplate::new(404).set_body_json(body);
    };
    match method {
        "GET" => ok_json(json!({"success": true, "voice": voice})),
        "PATCH" => {
            let Ok(Value::Object(body)) = serde_json::from_slice::<Value>(&request.body) else {
                return ResponseTemplate::new(400)
                    .set_body_json(json!({"error": "Invalid JSON body"}));
            };
            let typed = body.iter().all(|(k, v)| match k.as_str() {
                "name" | "description" => v.is_string(),
                "settings" => v.is_object(),
                "isActive" => v.is_boolean(),
                _ => true,
            });
            if !typed {
                return ResponseTemplate::new(400).set_body_json(
                    json!({"error": "Invalid request body", "details": {"fieldErrors": {}}}),
                );
            }
            for key in ["name", "description", "settings", "isActive"] {
                if let Some(v) = body.get(key) {
                    voice[key] = v.clone();
                }
            }
            ok_json(json!({"success": true, "voice": voice}))
        }
        _ => {
            if voice["isActive"] == false {
                return ResponseTemplate::new(404).set_body_json(json!({"error": "Voice not found", "message": "The provider has no such voice."}));
            }
            voice["isActive"] = json!(false);
            ok_json(json!({"success": true, "message": "Voice deleted successfully"}))
        }
    }
}

/// Whether the TTS voice may speak (deleted voices no longer do).
pub fn speaks(state: &State, voice_id: Option<&str>) -> bool {
    voice_id.is_none_or(|id| {
        !state
            .voices
            .iter()
            .any(|v| v["id"] == id && v["isActive"] == false)
    })
}

/// The STT body cap, checked before authentication.
pub fn stt_too_large(state: &State, request: &Request) -> Option<ResponseTemplate> {
    (request.body.len() > state.stt_max_body).then(|| {
        ResponseTemplate::new(413).set_body_json(
            json!({"error": "STT multipart request body too large", "maxBytes": state.stt_max_body}),
        )
    })
}

const STT_DECLARED: [&str; 8] = [
    "audio/mp3",
    "audio/mpeg",
    "audio/mp4",
    "audio/m4a",
    "audio/wav",
    "audio/x-wav",
    "audio/webm",
    "audio/ogg",
];

/// What the first bytes say, like the server's `file-type`.
fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WAVE" {
        Some("audio/wav")
    } else if bytes.starts_with(b"ID3")
        || (bytes.len() > 1 && bytes[0] == 0xFF && bytes[1] & 0xE0 == 0xE0)
    {
        Some("audio/mpeg")
    } else if bytes.len() >= 8 && &bytes[4..8] == b"ftyp" {
        Some("audio/mp4")
    } else if bytes.starts_with(b"OggS") {
        Some("audio/ogg")
    } else if bytes.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]) {
        Some("audio/webm")
    } else if bytes.starts_with(b"fLaC") {
        Some("audio/x-flac")
    } else if bytes.starts_with(b"%PDF") {
        Some("application/pdf")
    } else {
        None
    }
}

/// `POST /api/v1/voice/stt` (after the body cap and authentication).
pub fn stt(state: &mut State, request: &Request) -> ResponseTemplate {
    let declared = header(request, "content-type").unwrap_or_default();
    if !declared.contains("multipart/form-data") {
        return ResponseTemplate::new(400)
            .set_body_json(json!({"error": "Expected multipart form data with audio field"}));
    }
    let Some(parts) = multipart(request) else {
        return ResponseTemplate::new(500)
            .set_body_json(json!({"error": "Failed to transcribe audio. Please try again."}));
    };
    log(state, "stt", &parts);
    let Some(audio) = parts
        .iter()
        .find(|p| p.name == "audio" && p.filename.is_some())
    else {
        return ResponseTemplate::new(400)
            .set_body_json(json!({"error": "No audio file provided"}));
    };
    let kind = audio
        .content_type
        .as_deref()
        .unwrap_or_default()
        .split(';')
        .next()
        .unwrap_or_default()
        .trim();
    if !STT_DECLARED.contains(&kind) {
        return ResponseTemplate::new(400).set_body_json(json!({"error": format!("Unsupported audio format: {kind}. Supported: mp3, mp4, m4a, wav, webm, ogg")}));
    }
    match sniff(&audio.bytes) {
        None => {
            return ResponseTemplate::new(400).set_body_json(json!({"error": "Unable to verify file type. The file may be corrupted or of an unsupported format."}));
        }
        Some(found)
            if ![
                "audio/mpeg",
                "audio/mp4",
                "audio/wav",
                "audio/webm",
                "audio/ogg",
            ]
            .contains(&found) =>
        {
            return ResponseTemplate::new(400).set_body_json(json!({"error": format!("File content does not match the declared format. Detected: {found}, Expected audio format.")}));
        }
        Some(_) => {}
    }
    let seconds = (audio.bytes.len() as f64 * 8.0 / 128_000.0).max(1.0);
    if !state.stt_whisper {
        let required = seconds / 60.0 * 0.0044;
        if state.balance < required {
            return ResponseTemplate::new(402).set_body_json(
                json!({"error": "Insufficient credits for speech-to-text", "required": required}),
            );
        }
        state.debit(required, "speech to text");
    }
    let language = text_of(&parts, "languageCode").unwrap_or("en");
    let mut answer = json!({"transcript": format!("hello from the fake ({language})"), "duration_ms": (seconds * 1000.0) as u64});
    if state.stt_whisper {
        answer["segments"] = json!([{"text": "hello from the fake", "startMs": 0, "endMs": 900}]);
    }
    ok_json(answer)
}
