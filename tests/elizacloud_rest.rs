//! The rest of the elizaOS Cloud skill (issue 18) against the fake elizaOS Cloud
//! (`tests/elizacloud_fake`): voices (clone from local files with consent, idempotent replay
//! and its failure modes, jobs, get, update, delete, speech to text), characters (list, get,
//! create, update by read-merge-put, delete, secrets masked) and A2A (the platform agent's
//! card, tasks sent, polled and canceled; a public agent's card, info and paid chat), with the
//! exact requests on the wire, the error codes and the number of requests each failure costs.
//! Files are read from a scratch folder; neither their path nor their bytes may show.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test"
)]

mod elizacloud_fake;
mod upstream_fault;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{Value, json};

use elizacloud_fake::voice::{CloneMode, sha256_hex};
use elizacloud_fake::{Env, Fake, KEY, body, err, header, ok};

/// A fresh scratch folder, removed when dropped (also when the test panics).
struct Scratch(PathBuf);

impl std::ops::Deref for Scratch {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn scratch() -> Scratch {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "elizacloud-rest-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    Scratch(dir)
}

/// Bytes no answer or log may contain.
const MARKER: &[u8] = b"speaker-audio-bytes-never-printed";

fn wav() -> Vec<u8> {
    let mut bytes = b"RIFF\x24\x00\x00\x00WAVEfmt ".to_vec();
    bytes.extend_from_slice(MARKER);
    bytes
}

fn mp3() -> Vec<u8> {
    let mut bytes = b"ID3\x04\x00\x00".to_vec();
    bytes.extend_from_slice(MARKER);
    bytes
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.to_string_lossy().into_owned()
}

fn clone_args(files: &[String]) -> Value {
    json!({"speakerConsent": true, "name": "Narrator", "cloneType": "instant", "files": files, "settings": {"language": "en"}})
}

/// Neither the folder nor the file bytes show in `text`.
fn assert_private(text: &str, dir: &Path) {
    assert!(
        !text.contains(&*dir.to_string_lossy()),
        "the path shows: {text}"
    );
    assert!(
        !text.contains(std::str::from_utf8(MARKER).unwrap()),
        "the bytes show: {text}"
    );
    assert!(!text.contains(KEY), "the key shows: {text}");
}

// ----- Voice clone -----

#[tokio::test]
async fn a_clone_sends_each_file_once_under_its_basename_and_the_voice_is_listed() {
    let fake = Fake::start().await;
    let dir = scratch();
    let files = [
        write(&dir, "take-1.wav", &wav()),
        write(&dir, "Take 2.MP3", &mp3()),
    ];
    let response = fake
        .env()
        .run("elizacloud.voice.clone", clone_args(&files))
        .await;
    let result = ok(&response).clone();
    assert_private(&response.to_string(), &dir);
    let requests = fake.requests().await;
    assert_eq!(requests.len(), 1, "sent once");
    assert_eq!(requests[0].url.path(), "/api/v1/voice/clone");
    assert_eq!(header(&requests[0], "x-api-key"), Some(KEY));
    let key = result["idempotencyKey"].as_str().unwrap();
    assert_eq!(header(&requests[0], "idempotency-key"), Some(key));
    let parts = fake.read(|s| s.parts.clone());
    let names: Vec<&str> = parts.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["name", "cloneType", "settings", "file0", "file1"]);
    assert!(!names.contains(&"speakerConsent"), "consent is not sent");
    for (part, (name, bytes, kind)) in parts[3..].iter().zip([
        ("take-1.wav", wav(), "audio/wav"),
        ("Take 2.MP3", mp3(), "audio/mpeg"),
    ]) {
        assert_eq!(part.filename.as_deref(), Some(name));
        assert_eq!(part.content_type.as_deref(), Some(kind));
        assert_eq!(part.size, bytes.len());
        assert_eq!(
            part.sha256,
            sha256_hex(&bytes),
            "the file's own bytes were sent"
        );
    }
    assert_eq!(result["files"][1]["name"], json!("Take 2.MP3"));
    assert_eq!(result["files"][1]["sha256"], json!(sha256_hex(&mp3())));
    assert_eq!(result["files"][0]["contentType"], json!("audio/wav"));
    assert_eq!(result["speakerConsent"], json!(true));
    assert_eq!(result["creditsDeducted"], json!(0.504));
    assert!((fake.read(|s| s.balance) - (5.0 - 0.504)).abs() < 1e-9);
    let voice = result["voice"]["id"].as_str().unwrap().to_owned();
    let list = fake.env().run("elizacloud.voice.list", json!({})).await;
    assert!(
        ok(&list)["voices"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v["id"] == voice)
    );
}

#[tokio::test]
async fn the_same_key_replays_the_clone_and_other_files_under_it_conflict() {
    let fake = Fake::start().await;
    let dir = scratch();
    let env = fake.env();
    let mut args = clone_args(&[write(&dir, "a.wav", &wav())]);
    args["idempotencyKey"] = json!("clone-key-0001");
    let first = ok(&env.run("elizacloud.voice.clone", args.clone()).await).clone();
    let again = env.run("elizacloud.voice.clone", args.clone()).await;
    assert_eq!(ok(&again)["voice"]["id"], first["voice"]["id"]);
    assert!(
        (fake.read(|s| s.balance) - (5.0 - 0.504)).abs() < 1e-9,
        "charged once"
    );
    args["files"] = json!([write(&dir, "b.mp3", &mp3())]);
    let response = env
        .set("ELIZACLOUD_HTTP_MAX_RETRIES", "3")
        .run("elizacloud.voice.clone", args)
        .await;
    let error = err(&response, "ELIZACLOUD_IDEMPOTENCY_CONFLICT");
    assert_eq!(error["status"], json!(409));
    assert_eq!(error["retriable"], json!(false));
    assert_eq!(fake.requests().await.len(), 3);
}

#[tokio::test]
async fn consent_is_refused_before_any_file_is_read_or_request_sent() {
    let fake = Fake::start().await;
    let env = fake.env();
    let missing = ["/no/such/folder/voice.wav".to_owned()];
    let mut args = clone_args(&missing);
    for consent in [json!(false), json!("yes"), json!(1)] {
        args["speakerConsent"] = consent.clone();
        let response = env.run("elizacloud.voice.clone", args.clone()).await;
        let error = err(&response, "ELIZACLOUD_SPEAKER_CONSENT_REQUIRED");
        assert_eq!(
            error["problems"][0]["path"],
            json!("/speakerConsent"),
            "{consent}"
        );
        let preview = env.dry_run("elizacloud.voice.clone", args.clone()).await;
        err(&preview, "ELIZACLOUD_SPEAKER_CONSENT_REQUIRED");
    }
    args.as_object_mut().unwrap().remove("speakerConsent");
    err(
        &env.run("elizacloud.voice.clone", args).await,
        "MISSING_REQUIRED_FIELD",
    );
    assert!(fake.requests().await.is_empty());
}

#[test]
fn the_binary_refuses_a_clone_without_consent_with_exit_status_2() {
    let out = std::process::Command::new(upstream_fault::binary(
        &skill_runtime::skills::elizacloud::PACK,
    ))
    .args([
        "run",
        "elizacloud.voice.clone",
        r#"{"speakerConsent":false,"name":"x","cloneType":"instant","files":["/no/such.wav"]}"#,
    ])
    .env_clear()
    .env("ELIZACLOUD_BASE_URL", "http://127.0.0.1:9")
    .env("ELIZACLOUD_API_KEY", KEY)
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        doc["error"]["code"],
        json!("ELIZACLOUD_SPEAKER_CONSENT_REQUIRED")
    );
}

#[tokio::test]
async fn files_are_checked_locally_and_refused_before_anything_is_sent() {
    let fake = Fake::start().await;
    let dir = scratch();
    let big = dir.join("long.wav");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(10 * 1024 * 1024 + 1)
        .unwrap();
    let cases = [
        (
            big.to_string_lossy().into_owned(),
            "FILE_TOO_LARGE",
            "10 MiB per file",
        ),
        (write(&dir, "empty.wav", b""), "FILE_EMPTY", "\"empty.wav\""),
        (
            write(&dir, "notes.txt", b"hello"),
            "UNSUPPORTED_FILE_TYPE",
            ".flac",
        ),
        (
            write(&dir, "fake.wav", &mp3()),
            "FILE_TYPE_MISMATCH",
            "WAV audio",
        ),
        (
            dir.join("gone.wav").to_string_lossy().into_owned(),
            "FILE_UNREADABLE",
            "does not exist",
        ),
        (
            dir.to_string_lossy().into_owned(),
            "FILE_UNREADABLE",
            "directory",
        ),
        (
            "/dev/null".to_owned(),
            "FILE_UNREADABLE",
            "not a regular file",
        ),
    ];
    let env = fake.env();
    for (path, code, says) in cases {
        for response in [
            env.run(
                "elizacloud.voice.clone",
                clone_args(std::slice::from_ref(&path)),
            )
            .await,
            env.dry_run(
                "elizacloud.voice.clone",
                clone_args(std::slice::from_ref(&path)),
            )
            .await,
        ] {
            let error = err(&response, code);
            assert!(error["message"].as_str().unwrap().contains(says), "{error}");
            assert_eq!(error["problems"][0]["path"], json!("/files/0"));
            assert_private(&response.to_string(), &dir);
        }
    }
    let stt = env
        .run(
            "elizacloud.voice.transcribe",
            json!({"file": write(&dir, "voice.flac", b"fLaC\0\0")}),
        )
        .await;
    let error = err(&stt, "UNSUPPORTED_FILE_TYPE");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .ends_with("accepted: .wav, .mp3, .m4a, .mp4, .ogg, .webm."),
        "FLAC is clone-only: {error}"
    );
    let eleven: Vec<String> = (0..11)
        .map(|i| write(&dir, &format!("{i}.wav"), &wav()))
        .collect();
    err(
        &env.run("elizacloud.voice.clone", clone_args(&eleven)).await,
        "INVALID_ARGS",
    );
    assert!(fake.requests().await.is_empty(), "nothing was sent");
}

#[tokio::test]
async fn a_clone_preview_shows_each_files_name_size_type_and_digest_and_sends_nothing() {
    let fake = Fake::start().await;
    let dir = scratch();
    let path = write(&dir, "me.wav", &wav());
    let response = Env::new()
        .set("ELIZACLOUD_BASE_URL", &fake.server.uri())
        .dry_run("elizacloud.voice.clone", clone_args(&[path]))
        .await;
    let result = ok(&response);
    assert_eq!(response["dryRun"], json!(true));
    let file = &result["requests"][0]["body"]["multipart"]["file0"];
    assert_eq!(file["filename"], json!("me.wav"));
    assert_eq!(file["bytes"], json!(wav().len()));
    assert_eq!(file["contentType"], json!("audio/wav"));
    assert_eq!(file["sha256"], json!(sha256_hex(&wav())));
    assert_eq!(result["costHint"]["usd"], json!(0.504));
    assert_private(&response.to_string(), &dir);
    assert!(fake.requests().await.is_empty());
}

#[tokio::test]
async fn clone_failures_have_their_codes_and_a_charged_one_is_never_resent() {
    let fake = Fake::start().await;
    let dir = scratch();
    let env = fake.env().set("ELIZACLOUD_HTTP_MAX_RETRIES", "3");
    let file = [write(&dir, "a.wav", &wav())];

    fake.with(|s| s.balance = 0.1);
    let response = env.run("elizacloud.voice.clone", clone_args(&file)).await;
    let error = err(&response, "ELIZACLOUD_INSUFFICIENT_CREDITS");
    assert_eq!(error["details"]["requiredBalanceUsd"], json!(0.504));
    assert_eq!(fake.requests().await.len(), 1);

    fake.with(|s| {
        s.balance = 5.0;
        s.clone_mode = CloneMode::Reconciliation;
    });
    let mut args = clone_args(&file);
    args["idempotencyKey"] = json!("clone-key-recon");
    let response = env.run("elizacloud.voice.clone", args.clone()).await;
    let error = err(&response, "ELIZACLOUD_RECONCILIATION_REQUIRED");
    assert_eq!(error["retriable"], json!(false));
    let job = error["details"]["jobId"].clone();
    assert!(job.is_string(), "{error}");
    assert_eq!(
        fake.requests().await.len(),
        2,
        "a charged clone is sent once"
    );
    let jobs = env.run("elizacloud.voice.jobs", json!({})).await;
    assert_eq!(ok(&jobs)["jobs"][0]["id"], job);
    assert_eq!(
        ok(&jobs)["jobs"][0]["status"],
        json!("reconciliation_required")
    );
    let replay = env.run("elizacloud.voice.clone", args).await;
    let error = err(&replay, "ELIZACLOUD_REQUEST_IN_PROGRESS");
    assert_eq!(error["status"], json!(202));
    assert_eq!(error["details"]["job"]["id"], job);

    fake.with(|s| s.clone_mode = CloneMode::Rejected);
    let response = env.run("elizacloud.voice.clone", clone_args(&file)).await;
    let error = err(&response, "HTTP_500");
    assert_eq!(
        error["details"]["outcome"],
        json!("provider_request_rejected")
    );
    assert!(error["hint"].as_str().unwrap().contains("refunded"));

    fake.with(|s| s.clone_mode = CloneMode::ProfessionalLimit);
    let mut pro = clone_args(&file);
    pro["cloneType"] = json!("professional");
    let response = env.run("elizacloud.voice.clone", pro).await;
    assert!(
        err(&response, "HTTP_400")["message"]
            .as_str()
            .unwrap()
            .contains("Professional voice limit")
    );

    // STRICT 10/min: a 429 was not processed, so even this paid upload is sent again.
    fake.with(|s| {
        s.clone_mode = CloneMode::Done;
        s.limits.insert("clone", (0, 0));
    });
    let before = fake.requests().await.len();
    let response = env
        .set("ELIZACLOUD_HTTP_MAX_RETRIES", "1")
        .run("elizacloud.voice.clone", clone_args(&file))
        .await;
    err(&response, "HTTP_429");
    assert_eq!(
        fake.requests().await.len() - before,
        1,
        "Retry-After 60 s is too long to wait"
    );
}

// ----- Voices -----

const VOICE_0: &str = "00000000-0000-4000-8000-000000000000";

#[tokio::test]
async fn voices_are_read_renamed_and_deleted_softly() {
    let fake = Fake::start().await;
    let env = fake.env();
    let got = env
        .run("elizacloud.voice.get", json!({"voiceId": VOICE_0}))
        .await;
    assert_eq!(ok(&got)["voice"]["name"], json!("Voice 0"));
    let updated = env
        .run(
            "elizacloud.voice.update",
            json!({"voiceId": VOICE_0, "name": "Calm", "settings": {"stability": 0.5}}),
        )
        .await;
    assert_eq!(ok(&updated)["voice"]["name"], json!("Calm"));
    let patch = fake.requests().await.pop().unwrap();
    assert_eq!(patch.method.as_str(), "PATCH");
    assert_eq!(
        body(&patch),
        json!({"name": "Calm", "settings": {"stability": 0.5}})
    );
    err(
        &env.run("elizacloud.voice.update", json!({"voiceId": VOICE_0}))
            .await,
        "ELIZACLOUD_EMPTY_UPDATE",
    );
    err(
        &env.run(
            "elizacloud.voice.update",
            json!({"voiceId": VOICE_0, "isActive": true}),
        )
        .await,
        "INVALID_ARGS",
    );
    err(
        &env.run("elizacloud.voice.get", json!({"voiceId": "el_0"}))
            .await,
        "INVALID_ARGS",
    );
    let sent = fake.requests().await.len();

    let deleted = env
        .run("elizacloud.voice.delete", json!({"voiceId": VOICE_0}))
        .await;
    assert_eq!(ok(&deleted)["message"], json!("Voice deleted successfully"));
    let list = env.run("elizacloud.voice.list", json!({})).await;
    assert!(
        ok(&list)["voices"]
            .as_array()
            .unwrap()
            .iter()
            .all(|v| v["id"] != VOICE_0)
    );
    let still = env
        .run("elizacloud.voice.get", json!({"voiceId": VOICE_0}))
        .await;
    assert_eq!(ok(&still)["voice"]["isActive"], json!(false));
    err(
        &env.run(
            "elizacloud.voice.tts",
            json!({"text": "hi", "voiceId": VOICE_0}),
        )
        .await,
        "HTTP_400",
    );
    let again = env
        .run("elizacloud.voice.delete", json!({"voiceId": VOICE_0}))
        .await;
    assert_eq!(err(&again, "HTTP_404")["retriable"], json!(false));
    assert_eq!(fake.requests().await.len(), sent + 5);
    let unknown = env
        .run(
            "elizacloud.voice.get",
            json!({"voiceId": "11111111-2222-4333-8444-555555555555"}),
        )
        .await;
    err(&unknown, "HTTP_404");
    let jobs = env.run("elizacloud.voice.jobs", json!({})).await;
    assert_eq!(ok(&jobs)["total"], json!(0));

    let preview = env
        .dry_run("elizacloud.voice.delete", json!({"voiceId": VOICE_0}))
        .await;
    assert!(
        ok(&preview)["notes"][0]
            .as_str()
            .unwrap()
            .starts_with("Destructive")
    );
}

// ----- Speech to text -----

#[tokio::test]
async fn a_transcription_sends_the_audio_part_once_and_returns_the_transcript() {
    let fake = Fake::start().await;
    let dir = scratch();
    let path = write(&dir, "meeting.mp3", &mp3());
    let env = fake.env();
    let response = env
        .run(
            "elizacloud.voice.transcribe",
            json!({"file": path, "languageCode": "pt-BR"}),
        )
        .await;
    let result = ok(&response).clone();
    assert_private(&response.to_string(), &dir);
    assert_eq!(result["transcript"], json!("hello from the fake (pt-BR)"));
    assert!(result["duration_ms"].is_u64());
    assert_eq!(result["file"]["name"], json!("meeting.mp3"));
    assert_eq!(result["file"]["sha256"], json!(sha256_hex(&mp3())));
    let parts = fake.read(|s| s.parts.clone());
    assert_eq!(parts.len(), 2);
    assert_eq!(
        (parts[0].name.as_str(), parts[0].filename.as_deref()),
        ("audio", Some("meeting.mp3"))
    );
    assert_eq!(parts[0].content_type.as_deref(), Some("audio/mpeg"));
    assert_eq!(parts[0].sha256, sha256_hex(&mp3()));
    assert_eq!(parts[1].name, "languageCode");
    assert!(fake.read(|s| s.balance) < 5.0, "the paid lane debits");

    fake.with(|s| s.stt_whisper = true);
    let before = fake.read(|s| s.balance);
    let free = env
        .run("elizacloud.voice.transcribe", json!({"file": path}))
        .await;
    assert!(ok(&free)["segments"].is_array());
    assert_eq!(fake.read(|s| s.balance), before, "Whisper is free");

    let preview = env
        .dry_run("elizacloud.voice.transcribe", json!({"file": path}))
        .await;
    let result = ok(&preview);
    assert_eq!(
        result["requests"][0]["body"]["multipart"]["audio"]["sha256"],
        json!(sha256_hex(&mp3()))
    );
    assert_eq!(result["costHint"]["usdPerMinute"], json!(0.0044));
    assert_eq!(fake.requests().await.len(), 2, "the preview sent nothing");
}

#[tokio::test]
async fn transcription_failures_are_sent_once() {
    let fake = Fake::start().await;
    let dir = scratch();
    let env = fake.env().set("ELIZACLOUD_HTTP_MAX_RETRIES", "3");
    let path = write(&dir, "long.wav", &[wav(), vec![0; 4096]].concat());
    fake.with(|s| s.stt_max_body = 1024);
    let response = env
        .run("elizacloud.voice.transcribe", json!({"file": path}))
        .await;
    err(&response, "HTTP_413");
    assert_eq!(fake.requests().await.len(), 1);
    fake.with(|s| {
        s.stt_max_body = 26_214_400;
        s.balance = 0.0;
    });
    let response = env
        .run("elizacloud.voice.transcribe", json!({"file": path}))
        .await;
    let error = err(&response, "ELIZACLOUD_INSUFFICIENT_CREDITS");
    assert!(
        error["details"]["requiredBalanceUsd"].is_number(),
        "{error}"
    );
    assert_eq!(fake.requests().await.len(), 2);
    let response = fake
        .env()
        .set("ELIZACLOUD_API_KEY", "eliza_wrong")
        .run("elizacloud.voice.transcribe", json!({"file": path}))
        .await;
    err(&response, "HTTP_401");
}

#[tokio::test]
async fn the_binary_keeps_paths_file_bytes_and_the_key_out_of_stdout_stderr_and_logs() {
    let fake = Fake::start().await;
    let dir = scratch();
    let wav_path = write(&dir, "me.wav", &wav());
    let mp3_path = write(&dir, "talk.mp3", &mp3());
    fake.with(|s| s.clone_mode = CloneMode::Reconciliation);
    for (command, args, dry) in [
        (
            "elizacloud.voice.clone",
            clone_args(std::slice::from_ref(&wav_path)),
            false,
        ),
        (
            "elizacloud.voice.clone",
            clone_args(std::slice::from_ref(&wav_path)),
            true,
        ),
        (
            "elizacloud.voice.transcribe",
            json!({"file": mp3_path}),
            false,
        ),
        (
            "elizacloud.voice.transcribe",
            json!({"file": dir.join("nope.mp3")}),
            false,
        ),
    ] {
        let mut cmd = std::process::Command::new(upstream_fault::binary(
            &skill_runtime::skills::elizacloud::PACK,
        ));
        cmd.args(["run", command, &args.to_string()])
            .env_clear()
            .env("ELIZACLOUD_BASE_URL", fake.server.uri())
            .env("ELIZACLOUD_API_KEY", KEY)
            .env("ELIZACLOUD_LOG", "trace");
        if dry {
            cmd.arg("--dry-run");
        }
        let out = cmd.output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let doc: Value = serde_json::from_str(&stdout).unwrap();
        assert!(doc["ok"].is_boolean(), "{stdout}");
        assert_private(&stdout, &dir);
        assert_private(&stderr, &dir);
    }
}

// ----- Characters -----

#[tokio::test]
async fn characters_are_listed_and_read_with_their_secrets_masked() {
    let fake = Fake::start().await;
    let env = fake.env();
    let list = env
        .run(
            "elizacloud.characters.list",
            json!({"search": "docs", "sortBy": "name", "order": "asc", "page": 1, "limit": 5}),
        )
        .await;
    let result = ok(&list);
    assert_eq!(result["data"]["characters"][0]["id"], json!("char_1"));
    assert_eq!(result["data"]["pagination"]["totalCount"], json!(1));
    assert_eq!(
        fake.requests().await[0].url.query(),
        Some("search=docs&sortBy=name&order=asc&page=1&limit=5")
    );
    let got = env
        .run(
            "elizacloud.characters.get",
            json!({"characterId": "char_1"}),
        )
        .await;
    let character = &ok(&got)["data"]["character"];
    assert_eq!(character["secrets"]["OPENAI_API_KEY"], json!("***"));
    assert_eq!(character["secrets"]["WEBHOOK"], json!("***"));
    assert!(!got.to_string().contains("fake-character-secret"));
    err(
        &env.run("elizacloud.characters.list", json!({"category": "unknown"}))
            .await,
        "HTTP_400",
    );
    err(
        &env.run("elizacloud.characters.list", json!({"sortBy": "stars"}))
            .await,
        "INVALID_ARGS",
    );
    err(
        &env.run("elizacloud.characters.list", json!({"limit": 1001}))
            .await,
        "INVALID_ARGS",
    );
    err(
        &env.run("elizacloud.characters.get", json!({"characterId": "nope"}))
            .await,
        "HTTP_404",
    );
    err(
        &env.run("elizacloud.characters.get", json!({"characterId": "../x"}))
            .await,
        "INVALID_ARGS",
    );
    assert_eq!(fake.requests().await.len(), 4);
}

#[tokio::test]
async fn a_character_is_created_updated_by_merging_and_deleted() {
    let fake = Fake::start().await;
    let env = fake.env();
    let args = json!({"character": {
        "name": "Ada", "bio": ["Counts."], "topics": ["math"], "postExamples": ["1 + 1 = 2"],
        "messageExamples": [[{"name": "{{user1}}", "content": {"text": "Hi"}}, {"name": "Ada", "content": {"text": "Hello."}}]],
        "settings": {"model": "m1", "voice": "v1"}, "secrets": {"TOKEN_FOR_ADA": "ada-secret-value"},
        "style": {"all": ["Be exact."]}
    }, "isPublic": false});
    let preview = env
        .dry_run("elizacloud.characters.create", args.clone())
        .await;
    assert_eq!(
        ok(&preview)["requests"][0]["body"]["secrets"]["TOKEN_FOR_ADA"],
        json!("***")
    );
    assert!(fake.requests().await.is_empty());
    let created = env.run("elizacloud.characters.create", args.clone()).await;
    let character = ok(&created).clone();
    assert!(!created.to_string().contains("ada-secret-value"));
    let sent = body(&fake.requests().await[0]);
    let mut expected = args["character"].clone();
    expected["isPublic"] = json!(false);
    assert_eq!(sent, expected, "the character as given, secrets included");
    let id = character["id"].as_str().unwrap().to_owned();

    let update =
        json!({"characterId": id, "changes": {"topics": ["logic"], "settings": {"model": "m2"}}});
    let preview = env
        .dry_run("elizacloud.characters.update", update.clone())
        .await;
    let requests = ok(&preview)["requests"].as_array().unwrap().clone();
    assert_eq!(
        requests
            .iter()
            .map(|r| r["method"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["GET", "PUT"]
    );
    assert_eq!(fake.requests().await.len(), 1);
    let updated = env.run("elizacloud.characters.update", update).await;
    let result = ok(&updated);
    assert_eq!(result["topics"], json!(["logic"]));
    assert_eq!(
        result["postExamples"],
        json!(["1 + 1 = 2"]),
        "kept, not wiped"
    );
    assert_eq!(result["settings"], json!({"model": "m2", "voice": "v1"}));
    assert_eq!(result["secrets"]["TOKEN_FOR_ADA"], json!("***"));
    let requests = fake.requests().await;
    assert_eq!(requests[1].method.as_str(), "GET");
    assert_eq!(requests[2].method.as_str(), "PUT");
    let put = body(&requests[2]);
    assert_eq!(
        put["secrets"]["TOKEN_FOR_ADA"],
        json!("ada-secret-value"),
        "kept at the server"
    );
    assert_eq!(put["messageExamples"], args["character"]["messageExamples"]);
    assert!(put.get("id").is_none() && put.get("isPublic").is_none());

    err(
        &env.run(
            "elizacloud.characters.update",
            json!({"characterId": id, "changes": {}}),
        )
        .await,
        "ELIZACLOUD_EMPTY_UPDATE",
    );
    err(
        &env.run(
            "elizacloud.characters.update",
            json!({"characterId": id, "changes": {"secrets": {"A": 1}}}),
        )
        .await,
        "INVALID_FIELD",
    );
    let before = fake.requests().await.len();
    let missing = env
        .run(
            "elizacloud.characters.update",
            json!({"characterId": "nope", "changes": {"name": "x"}}),
        )
        .await;
    err(&missing, "HTTP_404");
    assert_eq!(
        fake.requests().await.len(),
        before + 1,
        "no PUT after a failed read"
    );

    let deleted = env
        .run("elizacloud.characters.delete", json!({"characterId": id}))
        .await;
    assert_eq!(
        ok(&deleted)["data"]["message"],
        json!("Character deleted successfully")
    );
    err(
        &env.run("elizacloud.characters.get", json!({"characterId": id}))
            .await,
        "HTTP_404",
    );
    err(
        &env.run("elizacloud.characters.delete", json!({"characterId": id}))
            .await,
        "HTTP_404",
    );
}

#[tokio::test]
async fn character_json_is_checked_and_the_quota_has_its_answer() {
    let fake = Fake::start().await;
    let env = fake.env();
    for bad in [
        json!({"character": {"bio": ["no name"]}}),
        json!({"character": {"name": "x", "bio": "a string"}}),
        json!({"character": {"name": "x", "unknown": 1}}),
        json!({"character": {"name": "x", "messageExamples": [[{"name": "a", "content": {}}]]}}),
        json!({"character": {"name": "x", "avatarUrl": "http://plain.example/a.png"}}),
    ] {
        let response = env.run("elizacloud.characters.create", bad.clone()).await;
        assert_eq!(response["ok"], json!(false), "{bad}");
        assert_eq!(
            response["error"]["problems"][0]["path"]
                .as_str()
                .map(|p| p.starts_with("/character")),
            Some(true),
            "{response}"
        );
    }
    assert!(fake.requests().await.is_empty());
    fake.with(|s| s.character_max = 1);
    let response = env
        .run(
            "elizacloud.characters.create",
            json!({"character": {"name": "Two"}}),
        )
        .await;
    let error = err(&response, "HTTP_403");
    assert_eq!(
        error["details"]["serverCode"],
        json!("agent_quota_exceeded")
    );
}

// ----- A2A: the platform agent -----

#[tokio::test]
async fn the_platform_card_needs_no_key() {
    let fake = Fake::start().await;
    let response = Env::new()
        .set("ELIZACLOUD_BASE_URL", &fake.server.uri())
        .run("elizacloud.a2a.card", json!({}))
        .await;
    assert_eq!(
        ok(&response)["skills"][3]["billing"]["effect"],
        json!("credit_debit")
    );
    let requests = fake.requests().await;
    assert_eq!(requests[0].url.path(), "/api/a2a");
    assert!(header(&requests[0], "x-api-key").is_none());
}

#[tokio::test]
async fn a_task_is_sent_once_polled_until_done_and_read() {
    let fake = Fake::start().await;
    let env = fake.env();
    let sent = env
        .run(
            "elizacloud.a2a.send",
            json!({"skill": "cloud.credits.summary", "text": "balance?", "contextId": "ctx-1"}),
        )
        .await;
    let result = ok(&sent).clone();
    assert_eq!(
        (result["state"].as_str(), result["terminal"].as_bool()),
        (Some("submitted"), Some(false))
    );
    let request = body(&fake.requests().await[0]);
    assert_eq!(request["method"], json!("message/send"));
    assert_eq!(
        request["params"]["message"]["parts"],
        json!([{"type": "text", "text": "balance?"}, {"type": "data", "data": {"skill": "cloud.credits.summary", "contextId": "ctx-1"}}])
    );
    let task = result["taskId"].as_str().unwrap().to_owned();
    let done = env
        .run(
            "elizacloud.a2a.tasks.get",
            json!({"taskId": task, "waitUntilDone": true, "intervalMs": 100, "historyLength": 1}),
        )
        .await;
    let done = ok(&done);
    assert_eq!(done["state"], json!("completed"));
    assert_eq!(done["checks"], json!(2));
    assert_eq!(done["task"]["history"].as_array().unwrap().len(), 1);
    assert_eq!(fake.requests().await.len(), 3);
    let once = env
        .run("elizacloud.a2a.tasks.get", json!({"taskId": task}))
        .await;
    assert_eq!(ok(&once)["terminal"], json!(true));
    assert!(ok(&once).get("checks").is_none());

    fake.with(|s| s.a2a_sync = true);
    let born = env
        .run("elizacloud.a2a.send", json!({"text": "what can you do?"}))
        .await;
    assert_eq!(ok(&born)["state"], json!("completed"));
    assert!(ok(&born)["task"]["artifacts"][0]["parts"][0]["data"]["capabilities"].is_array());
}

#[tokio::test]
async fn a_task_is_canceled_once_and_an_ended_or_unknown_one_has_its_code() {
    let fake = Fake::start().await;
    let env = fake.env();
    let sent = env
        .run(
            "elizacloud.a2a.send",
            json!({"skill": "cloud.account.profile"}),
        )
        .await;
    let task = ok(&sent)["taskId"].as_str().unwrap().to_owned();
    let preview = env
        .dry_run("elizacloud.a2a.tasks.cancel", json!({"taskId": task}))
        .await;
    assert_eq!(
        ok(&preview)["requests"][0]["body"]["method"],
        json!("tasks/cancel")
    );
    let canceled = env
        .run("elizacloud.a2a.tasks.cancel", json!({"taskId": task}))
        .await;
    assert_eq!(ok(&canceled)["state"], json!("canceled"));
    let again = env
        .run("elizacloud.a2a.tasks.cancel", json!({"taskId": task}))
        .await;
    let error = err(&again, "ELIZACLOUD_A2A_TASK_TERMINAL");
    assert_eq!(error["status"], json!(200));
    assert_eq!(error["details"]["rpcCode"], json!(-32000));
    let unknown = env
        .run(
            "elizacloud.a2a.tasks.get",
            json!({"taskId": "task-unknown"}),
        )
        .await;
    assert_eq!(
        err(&unknown, "ELIZACLOUD_A2A_NOT_FOUND")["retriable"],
        json!(false)
    );
    assert_eq!(fake.requests().await.len(), 4);
}

#[tokio::test]
async fn a2a_errors_inside_http_200_have_their_codes_and_a_paid_send_is_never_resent() {
    let fake = Fake::start().await;
    let env = fake.env().set("ELIZACLOUD_HTTP_MAX_RETRIES", "3");
    let unknown = env
        .run(
            "elizacloud.a2a.send",
            json!({"skill": "cloud.nothing.here"}),
        )
        .await;
    let error = err(&unknown, "ELIZACLOUD_A2A_ERROR");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("Unknown Cloud A2A skill")
    );
    assert_eq!(error["retriable"], json!(false));
    fake.with(|s| s.balance = 0.001);
    let broke = env
        .run(
            "elizacloud.a2a.send",
            json!({"skill": "cloud.agents.chat", "text": "hi"}),
        )
        .await;
    let error = err(&broke, "ELIZACLOUD_INSUFFICIENT_CREDITS");
    assert_eq!(
        (error["status"].clone(), error["retriable"].clone()),
        (json!(200), json!(false))
    );
    assert!(
        error["hint"]
            .as_str()
            .unwrap()
            .contains("elizacloud.credits.checkout")
    );
    assert_eq!(fake.requests().await.len(), 2, "each sent once");
    let bad_key = env
        .clone()
        .set("ELIZACLOUD_API_KEY", "eliza_wrong")
        .run("elizacloud.a2a.send", json!({"text": "hi"}))
        .await;
    err(&bad_key, "ELIZACLOUD_A2A_UNAUTHORIZED");
    err(
        &env.run("elizacloud.a2a.send", json!({})).await,
        "MISSING_REQUIRED_FIELD",
    );
    err(
        &env.run("elizacloud.a2a.send", json!({"skill": "Cloud X"}))
            .await,
        "INVALID_ARGS",
    );
    assert_eq!(fake.requests().await.len(), 3);
}

// ----- A2A: a public agent -----

#[tokio::test]
async fn a_public_agent_is_read_and_chatted_with_and_billed() {
    let fake = Fake::start().await;
    let env = fake.env();
    let card = env
        .run(
            "elizacloud.agents.a2a.card",
            json!({"agentId": "agent_pub"}),
        )
        .await;
    assert_eq!(ok(&card)["skills"][0]["id"], json!("chat"));
    assert!(
        header(&fake.requests().await[0], "x-api-key").is_none(),
        "the card is public"
    );
    let info = env
        .run(
            "elizacloud.agents.a2a.info",
            json!({"agentId": "agent_pub"}),
        )
        .await;
    assert_eq!(ok(&info)["markupPercentage"], json!(10));
    let chat = env
        .run("elizacloud.agents.a2a.chat", json!({"agentId": "agent_pub", "messages": [{"role": "user", "content": "Hi"}], "model": "gpt-5-mini"}))
        .await;
    assert_eq!(ok(&chat)["content"], json!("Hello from Atlas."));
    assert_eq!(ok(&chat)["cost"]["total"], json!(0.0123));
    let requests = fake.requests().await;
    assert_eq!(requests[2].url.path(), "/api/agents/agent_pub/a2a");
    assert_eq!(
        body(&requests[2]),
        json!({"jsonrpc": "2.0", "method": "chat", "params": {"messages": [{"role": "user", "content": "Hi"}], "model": "gpt-5-mini"}, "id": 1})
    );
    assert!((fake.read(|s| s.balance) - (5.0 - 0.0123)).abs() < 1e-9);
}

#[tokio::test]
async fn a_public_agent_short_of_credits_answers_200_and_is_not_retried() {
    let fake = Fake::start().await;
    fake.with(|s| s.balance = 0.001);
    let env = fake.env().set("ELIZACLOUD_HTTP_MAX_RETRIES", "3");
    let chat = json!({"agentId": "agent_pub", "messages": [{"role": "user", "content": "Hi"}]});
    let response = env.run("elizacloud.agents.a2a.chat", chat.clone()).await;
    let error = err(&response, "ELIZACLOUD_INSUFFICIENT_CREDITS");
    assert_eq!(error["status"], json!(200));
    assert_eq!(error["retriable"], json!(false));
    assert_eq!(error["details"]["rpcCode"], json!(-32003));
    assert_eq!(error["details"]["requiredBalanceUsd"], json!(0.0123));
    assert_eq!(fake.requests().await.len(), 1);

    let off = env
        .run(
            "elizacloud.agents.a2a.card",
            json!({"agentId": "agent_off"}),
        )
        .await;
    err(&off, "HTTP_403");
    let mut gone = chat.clone();
    gone["agentId"] = json!("agent_none");
    let response = env.run("elizacloud.agents.a2a.chat", gone).await;
    let error = err(&response, "HTTP_404");
    assert_eq!(error["details"]["rpcCode"], json!(-32001));
    assert_eq!(error["retriable"], json!(false));
    let response = env
        .clone()
        .set("ELIZACLOUD_API_KEY", "eliza_wrong")
        .run(
            "elizacloud.agents.a2a.info",
            json!({"agentId": "agent_pub"}),
        )
        .await;
    assert_eq!(
        err(&response, "HTTP_401")["details"]["rpcCode"],
        json!(-32002)
    );
    let preview = env.dry_run("elizacloud.agents.a2a.chat", chat).await;
    assert_eq!(ok(&preview)["costHint"]["maxOutputTokens"], json!(500));
    err(
        &env.run(
            "elizacloud.agents.a2a.chat",
            json!({"agentId": "agent_pub", "messages": [{"role": "system", "content": "x"}]}),
        )
        .await,
        "INVALID_ARGS",
    );
    assert_eq!(fake.requests().await.len(), 4);
}

// ----- First run knows the new families -----

#[tokio::test]
async fn setup_and_capabilities_know_voices_characters_and_a2a() {
    let fake = Fake::start().await;
    let setup = fake.env().run("elizacloud.setup", json!({})).await;
    let families: Vec<&str> = ok(&setup)["families"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    for name in ["voice", "characters", "a2a"] {
        assert!(families.contains(&name), "{families:?}");
    }
    assert!(fake.requests().await.is_empty(), "setup is offline");
    let response = fake
        .env()
        .run("elizacloud.auth.capabilities", json!({}))
        .await;
    let records = ok(&response)["capabilities"].as_array().unwrap().clone();
    for (name, probe) in [
        ("voice", "GET /api/v1/voice/jobs"),
        ("characters", "GET /api/my-agents/characters"),
        ("a2a", "POST /api/a2a agent/getAuthenticatedExtendedCard"),
    ] {
        let record = records.iter().find(|r| r["name"] == name).unwrap();
        assert_eq!(record["verified"], json!(true), "{record}");
        assert_eq!(record["probe"], json!(probe));
    }
    assert_eq!(fake.read(|s| s.balance), 5.0, "probes are free");
    assert!(
        fake.read(|s| s.tasks.is_empty()),
        "the A2A probe runs no task"
    );
}
