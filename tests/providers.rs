//! The commands behind OpenClaw's own providers (issue 21): `theta.media.*` and
//! `elizacloud.media.*` against local fakes that serve finished outputs as bytes, as the
//! clouds' CDNs do. Each generation is sent once; the output is downloaded with no credential,
//! within OpenClaw's cap for its kind; every failure after the job was sent names its id; a job
//! still running at the call's deadline is reported, not waited for.
//!
//! The plugin's side (registrations, contracts, the real OpenClaw) is in
//! `src/artifacts/providers.rs`, `tests/e2e/plugin_contract.mjs` and `tests/e2e/providers_e2e.py`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test"
)]

mod common;
mod elizacloud_fake;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TOKEN: &str = "od-provider-token-7c21";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR-provider-test";
const MP4: &[u8] = b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom-provider-test";

fn theta(server: &MockServer) -> common::Env {
    common::Env::all_services(server).set("THETA_ONDEMAND_API_TOKEN", TOKEN)
}

fn eliza(server: &MockServer) -> elizacloud_fake::Env {
    elizacloud_fake::Env::new()
        .set("ELIZACLOUD_BASE_URL", &server.uri())
        .set("ELIZACLOUD_API_KEY", elizacloud_fake::KEY)
}

async fn received(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap()
}

fn posts(requests: &[Request]) -> Vec<&Request> {
    requests
        .iter()
        .filter(|r| r.method.as_str() == "POST")
        .collect()
}

fn credentials(request: &Request) -> Vec<&str> {
    ["authorization", "x-api-key"]
        .into_iter()
        .filter(|name| request.headers.contains_key(*name))
        .collect()
}

fn job(id: &str, state: &str, output: Option<Value>) -> Value {
    let mut request =
        json!({"id": id, "state": state, "input": {"prompt": "x", "frames": 10, "fps": 10}});
    if let Some(output) = output {
        request["output"] = output;
        request["cost"] = json!({"input": 0, "output": 10000});
    }
    json!({"status": "success", "body": {"infer_requests": [request]}})
}

async fn serve_bytes(server: &MockServer, at: &str, bytes: &[u8], content_type: &str) {
    Mock::given(method("GET"))
        .and(path(at))
        .respond_with(ResponseTemplate::new(200).set_body_raw(bytes.to_vec(), content_type))
        .mount(server)
        .await;
}

fn decoded(file: &Value) -> Vec<u8> {
    STANDARD.decode(file["base64"].as_str().unwrap()).unwrap()
}

// ----- Theta -----

#[tokio::test]
async fn a_theta_image_is_generated_once_and_its_bytes_come_back() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/infer_request/flux"))
        .respond_with(ResponseTemplate::new(200).set_body_json(job(
            "infr_rqst_img_1",
            "success",
            Some(json!({"image_url": format!("{}/outputs/a.png?sig=s", server.uri())})),
        )))
        .mount(&server)
        .await;
    // A CDN that does not name the type: the bytes do.
    serve_bytes(&server, "/outputs/a.png", PNG, "application/octet-stream").await;
    let response = theta(&server)
        .run(
            "theta.media.generateImage",
            json!({"model": "flux", "prompt": "a red fox"}),
        )
        .await;
    let result = common::ok(&response);
    assert_eq!(result["requestId"], json!("infr_rqst_img_1"));
    assert_eq!(result["cost"], json!({"input": 0, "output": 10000}));
    let file = &result["media"][0];
    assert_eq!(file["mimeType"], json!("image/png"));
    assert_eq!(file["fileName"], json!("infr_rqst_img_1-0.png"));
    assert_eq!(decoded(file), PNG);
    let requests = received(&server).await;
    let sent = posts(&requests);
    assert_eq!(sent.len(), 1, "one paid POST");
    assert_eq!(sent[0].url.query(), Some("wait=30"));
    assert_eq!(
        serde_json::from_slice::<Value>(&sent[0].body).unwrap(),
        json!({"input": {"prompt": "a red fox"}})
    );
    assert_eq!(
        sent[0].headers["authorization"],
        format!("Bearer {TOKEN}").as_str()
    );
    let download = requests
        .iter()
        .find(|r| r.url.path() == "/outputs/a.png")
        .unwrap();
    assert!(
        credentials(download).is_empty(),
        "no credential to the output host"
    );
}

#[tokio::test]
async fn a_theta_video_job_is_waited_for_then_downloaded() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/infer_request/step_video"))
        .respond_with(ResponseTemplate::new(200).set_body_json(job(
            "infr_rqst_vid_1",
            "pending",
            None,
        )))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/infer_request/infr_rqst_vid_1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(job(
            "infr_rqst_vid_1",
            "processing",
            None,
        )))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/infer_request/infr_rqst_vid_1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(job(
            "infr_rqst_vid_1",
            "success",
            Some(json!({"video_url": format!("{}/outputs/v.mp4", server.uri())})),
        )))
        .mount(&server)
        .await;
    serve_bytes(&server, "/outputs/v.mp4", MP4, "video/mp4").await;
    let response = theta(&server)
        .run(
            "theta.media.generateVideo",
            json!({"model": "step_video", "prompt": "a boat", "durationSeconds": 2}),
        )
        .await;
    let result = common::ok(&response);
    assert_eq!(result["media"][0]["mimeType"], json!("video/mp4"));
    assert_eq!(decoded(&result["media"][0]), MP4);
    let requests = received(&server).await;
    let sent = posts(&requests);
    assert_eq!(sent.len(), 1, "one paid POST");
    assert_eq!(
        serde_json::from_slice::<Value>(&sent[0].body).unwrap()["input"],
        json!({"prompt": "a boat", "frames": 20, "fps": 10})
    );
    let checks = requests
        .iter()
        .filter(|r| r.url.path() == "/infer_request/infr_rqst_vid_1")
        .count();
    assert_eq!(checks, 2, "checked until it finished");
}

#[tokio::test]
async fn a_theta_job_still_running_at_the_deadline_is_reported_with_its_id() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(job(
            "infr_rqst_slow",
            "pending",
            None,
        )))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(job(
            "infr_rqst_slow",
            "processing",
            None,
        )))
        .mount(&server)
        .await;
    let started = std::time::Instant::now();
    let response = theta(&server)
        .run(
            "theta.media.generateImage",
            json!({"model": "flux", "prompt": "x", "timeoutMs": 10000}),
        )
        .await;
    let elapsed = started.elapsed();
    let error = common::err(&response, "TIMEOUT");
    assert_eq!(error["details"]["requestId"], json!("infr_rqst_slow"));
    let hint = error["hint"].as_str().unwrap();
    assert!(hint.contains("theta.ondemand.pollUntilDone"), "{hint}");
    assert!(hint.contains("may have been charged"), "{hint}");
    assert!(
        elapsed < std::time::Duration::from_secs(15),
        "{elapsed:?}: the deadline holds"
    );
    assert_eq!(posts(&received(&server).await).len(), 1, "never sent again");
}

#[tokio::test]
async fn failures_after_the_job_was_sent_name_it_and_send_nothing_more() {
    let big = vec![0u8; skill_runtime::providers::IMAGE_MAX_BYTES + 1];
    for (name, output, code) in [
        ("failed", None, "UPSTREAM_ERROR"),
        ("too-large", Some("/outputs/big.png"), "MEDIA_TOO_LARGE"),
        (
            "not-an-image",
            Some("/outputs/page.html"),
            "INVALID_RESPONSE",
        ),
        (
            "forbidden",
            Some("https://10.0.0.1/x.png"),
            "UNSAFE_ENDPOINT",
        ),
        ("no-file", Some(""), "INVALID_RESPONSE"),
    ] {
        let server = MockServer::start().await;
        let answer = match output {
            None => {
                let mut failed = job("infr_rqst_f", "error", None);
                failed["body"]["infer_requests"][0]["error"] = json!("CUDA out of memory");
                failed
            }
            Some("") => job("infr_rqst_f", "success", Some(json!({"seed": 1}))),
            Some(url) if url.starts_with("https://") => {
                job("infr_rqst_f", "success", Some(json!({"image_url": url})))
            }
            Some(at) => job(
                "infr_rqst_f",
                "success",
                Some(json!({"image_url": format!("{}{at}", server.uri())})),
            ),
        };
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(200).set_body_json(answer))
            .mount(&server)
            .await;
        serve_bytes(&server, "/outputs/big.png", &big, "image/png").await;
        serve_bytes(
            &server,
            "/outputs/page.html",
            b"<html>oops</html>",
            "text/html",
        )
        .await;
        let response = theta(&server)
            .run(
                "theta.media.generateImage",
                json!({"model": "flux", "prompt": "x"}),
            )
            .await;
        let error = common::err(&response, code);
        assert_eq!(
            error["details"]["requestId"],
            json!("infr_rqst_f"),
            "{name}"
        );
        assert!(
            error["hint"]
                .as_str()
                .unwrap()
                .contains("theta.ondemand.status"),
            "{name}: {error}"
        );
        assert_eq!(
            posts(&received(&server).await).len(),
            1,
            "{name}: sent once"
        );
    }
}

#[tokio::test]
async fn a_theta_transcription_uploads_the_recording_then_runs_the_job() {
    let server = MockServer::start().await;
    let wav = b"RIFF\x24\0\0\0WAVEfmt provider-test-recording".to_vec();
    Mock::given(method("POST"))
        .and(path("/infer_request/whisper/input_presigned_urls"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"status": "success", "body": {"urls": {
            "audio_filename": {"upload_url": format!("{}/up/rec.wav?X-Amz-Signature=sig", server.uri()), "filename": "rec.wav"}
        }}})))
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/up/rec.wav"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/infer_request/whisper"))
        .respond_with(ResponseTemplate::new(200).set_body_json(job(
            "infr_rqst_stt",
            "success",
            Some(json!({"text": "hello there"})),
        )))
        .mount(&server)
        .await;
    let response = theta(&server)
        .run(
            "theta.media.transcribe",
            json!({"model": "whisper", "audioBase64": STANDARD.encode(&wav), "language": "en"}),
        )
        .await;
    let result = common::ok(&response);
    assert_eq!(result["text"], json!("hello there"));
    assert_eq!(result["requestId"], json!("infr_rqst_stt"));
    let requests = received(&server).await;
    let paths: Vec<(&str, &str)> = requests
        .iter()
        .map(|r| (r.method.as_str(), r.url.path()))
        .collect();
    assert_eq!(
        paths,
        [
            ("POST", "/infer_request/whisper/input_presigned_urls"),
            ("PUT", "/up/rec.wav"),
            ("POST", "/infer_request/whisper")
        ]
    );
    assert_eq!(
        serde_json::from_slice::<Value>(&requests[0].body).unwrap(),
        json!({"input_fields": ["audio_filename"]})
    );
    assert_eq!(requests[1].body, wav, "the recording, as sent");
    assert_eq!(requests[1].headers["content-type"], "audio/wav");
    assert!(
        credentials(&requests[1]).is_empty(),
        "the upload URL is signed; no key"
    );
    assert_eq!(
        serde_json::from_slice::<Value>(&requests[2].body).unwrap()["input"],
        json!({"audio_filename": "rec.wav", "language": "en"})
    );
}

#[tokio::test]
async fn media_commands_preview_every_request_and_their_price_in_dry_run() {
    let server = MockServer::start().await;
    let response = theta(&server)
        .dry_run(
            "theta.media.transcribe",
            json!({"model": "whisper", "audioBase64": STANDARD.encode(b"RIFF0000WAVEdata")}),
        )
        .await;
    let preview = common::ok(&response);
    let methods: Vec<&str> = preview["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["method"].as_str().unwrap())
        .collect();
    assert_eq!(methods, ["POST", "PUT", "POST"]);
    assert_eq!(preview["requests"][1]["body"]["content"], json!("***"));
    assert!(preview["costHint"]["pricing"].is_string(), "{preview}");
    let response = theta(&server)
        .dry_run(
            "theta.media.generateImage",
            json!({"model": "flux", "prompt": "x"}),
        )
        .await;
    assert_eq!(
        common::ok(&response)["costHint"]["pricing"],
        json!("0.01 USD / image (observed)")
    );
    assert!(received(&server).await.is_empty(), "nothing sent");
}

// ----- elizaOS Cloud -----

#[tokio::test]
async fn eliza_image_bytes_come_inline_or_from_their_url() {
    let server = MockServer::start().await;
    let inline = format!("data:image/png;base64,{}", STANDARD.encode(PNG));
    Mock::given(method("POST"))
        .and(path("/api/v1/generate-image"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "success": true, "model": "fal-ai/flux/schnell",
            "images": [{"image": inline, "url": "https://cdn.example/never-fetched.png"}, {"url": format!("{}/media/b.png", server.uri())}],
            "cost": {"totalCost": 0.08}
        })))
        .mount(&server)
        .await;
    serve_bytes(&server, "/media/b.png", PNG, "image/png").await;
    let response = eliza(&server)
        .run(
            "elizacloud.media.generateImage",
            json!({"prompt": "two squares", "count": 2, "model": "fal-ai/flux/schnell"}),
        )
        .await;
    let result = elizacloud_fake::ok(&response);
    assert_eq!(result["media"].as_array().unwrap().len(), 2);
    for file in result["media"].as_array().unwrap() {
        assert_eq!(decoded(file), PNG);
        assert_eq!(file["mimeType"], json!("image/png"));
    }
    assert_eq!(result["cost"], json!({"totalCost": 0.08}));
    let requests = received(&server).await;
    assert_eq!(posts(&requests).len(), 1, "one paid POST");
    assert_eq!(
        serde_json::from_slice::<Value>(&posts(&requests)[0].body).unwrap()["numImages"],
        json!(2)
    );
    assert_eq!(
        credentials(posts(&requests)[0]),
        ["x-api-key"],
        "the key once, as X-API-Key"
    );
    let download = requests
        .iter()
        .find(|r| r.url.path() == "/media/b.png")
        .unwrap();
    assert!(credentials(download).is_empty());
    assert_eq!(requests.len(), 2, "the inline image is not fetched");
}

#[tokio::test]
async fn an_eliza_video_is_downloaded_and_a_202_is_reported_never_resent() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/generate-video"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "success": true, "id": "vid_1", "requestId": "req_1",
            "video": {"url": format!("{}/media/v.mp4", server.uri())}, "cost": 0.5
        })))
        .mount(&server)
        .await;
    serve_bytes(&server, "/media/v.mp4", MP4, "video/mp4").await;
    let response = eliza(&server)
        .run(
            "elizacloud.media.generateVideo",
            json!({"prompt": "a boat"}),
        )
        .await;
    let result = elizacloud_fake::ok(&response);
    assert_eq!(decoded(&result["media"][0]), MP4);
    assert_eq!(result["requestId"], json!("req_1"));

    // The fake's 202: still rendering, credits reserved.
    let fake = elizacloud_fake::Fake::start().await;
    fake.with(|s| s.video = elizacloud_fake::VideoMode::Unknown);
    let response = fake
        .env()
        .run(
            "elizacloud.media.generateVideo",
            json!({"prompt": "a boat"}),
        )
        .await;
    let error = elizacloud_fake::err(&response, "ELIZACLOUD_VIDEO_NOT_DELIVERED");
    assert_eq!(error["details"]["requestId"], json!("req_3"));
    assert!(error["message"].as_str().unwrap().contains("charged"));
    let sent = fake.requests().await;
    assert_eq!(
        sent.iter()
            .filter(|r| r.url.path() == "/api/v1/generate-video")
            .count(),
        1,
        "never re-sent"
    );
}

#[tokio::test]
async fn eliza_images_from_the_fake_arrive_inline() {
    let fake = elizacloud_fake::Fake::start().await;
    let response = fake
        .env()
        .run(
            "elizacloud.media.generateImage",
            json!({"prompt": "a lighthouse"}),
        )
        .await;
    let result = elizacloud_fake::ok(&response);
    assert_eq!(result["media"][0]["mimeType"], json!("image/png"));
    assert_eq!(result["model"], json!("google/nano-banana-2/text-to-image"));
    assert!(
        (fake.read(|s| s.balance) - 4.96).abs() < 1e-9,
        "one image billed"
    );
}

// ----- The plugin offers them to OpenClaw, not to agents -----

fn packs() -> [&'static skill_runtime::Pack; 2] {
    [
        &skill_runtime::skills::theta::PACK,
        &skill_runtime::skills::elizacloud::PACK,
    ]
}

/// OpenClaw fails silently when a registration and its contract disagree: every id the
/// plugin's table registers is in its contract, and every contract id is registered.
#[test]
fn every_provider_registration_is_in_its_contract_and_the_reverse() {
    use skill_runtime::artifacts::{plugin, providers};
    for pack in packs() {
        let mut registered: std::collections::BTreeMap<String, Vec<String>> = Default::default();
        for entry in providers::registrations(pack) {
            registered
                .entry(entry["registrar"].as_str().unwrap().to_owned())
                .or_default()
                .push(pack.providers.id.to_owned());
        }
        let problems = providers::contract_mismatches(&registered, &plugin::manifest(pack));
        assert_eq!(problems, Vec::<String>::new(), "{}", pack.name);
    }
}

/// Each command behind a slot takes the arguments the plugin maps OpenClaw's request onto,
/// and needs a key; each slot is filled once.
#[test]
fn every_command_behind_a_slot_takes_what_the_slot_sends() {
    for pack in packs() {
        let mut slots = std::collections::BTreeSet::new();
        for capability in pack.providers.capabilities {
            assert!(slots.insert(capability.slot), "{:?} twice", capability.slot);
            let skill_runtime::providers::Route::Command(id) = capability.route else {
                continue;
            };
            let command = pack.commands().find(|c| c.id() == id).unwrap();
            let schema = command.input_schema();
            for arg in capability.slot.command_args() {
                assert!(
                    schema["properties"].get(*arg).is_some(),
                    "{id} takes no `{arg}`"
                );
            }
            assert!(
                command.secrets().iter().any(|s| s.required),
                "{id} needs a key"
            );
            assert_ne!(
                command.effect(),
                skill_runtime::Effect::ReadOnly,
                "{id} is gated"
            );
        }
    }
}

#[test]
fn the_plugins_declare_what_each_cloud_fills() {
    use skill_runtime::artifacts::providers::{manifest_fields, readme_section, registrations};
    let theta = manifest_fields(&skill_runtime::skills::theta::PACK);
    assert_eq!(
        theta["contracts"],
        json!({"imageGenerationProviders": ["theta"], "videoGenerationProviders": ["theta"], "mediaUnderstandingProviders": ["theta"]})
    );
    assert_eq!(
        theta["modelCatalog"]["providers"]["theta"]["baseUrl"],
        json!("https://ondemand.thetaedgecloud.com/infer_request")
    );
    assert_eq!(
        theta["mediaUnderstandingProviderMetadata"]["theta"]["defaultModels"]["audio"],
        json!("whisper")
    );
    let eliza = manifest_fields(&skill_runtime::skills::elizacloud::PACK);
    assert_eq!(
        eliza["contracts"],
        json!({"imageGenerationProviders": ["elizacloud"], "videoGenerationProviders": ["elizacloud"], "speechProviders": ["elizacloud"], "embeddingProviders": ["elizacloud"]})
    );
    assert_eq!(
        eliza["modelCatalog"]["providers"]["elizacloud"]["baseUrl"],
        json!("https://api.eliza.app/api/v1")
    );
    let table = registrations(&skill_runtime::skills::elizacloud::PACK);
    let image = table.iter().find(|e| e["slot"] == "image").unwrap();
    assert_eq!(image["limits"]["maxCount"], json!(4));
    assert_eq!(image["limits"]["supportsSize"], json!(true));
    let table = registrations(&skill_runtime::skills::theta::PACK);
    let image = table.iter().find(|e| e["slot"] == "image").unwrap();
    assert_eq!(image["limits"]["maxCount"], json!(1));
    assert_eq!(image["defaultModel"], json!("flux"));
    assert_eq!(image["secrets"], json!(["THETA_ONDEMAND_API_TOKEN"]));
    let video = table.iter().find(|e| e["slot"] == "video").unwrap();
    assert_eq!(video["limits"]["maxDurationSeconds"], json!(20));

    let readme = readme_section(&skill_runtime::skills::theta::PACK);
    for line in [
        "agents.defaults.mediaModels.image.primary: \"theta/flux\"",
        "agents.defaults.mediaModels.video.primary: \"theta/step_video\"",
        "tools.media.models",
        "agents.defaults.model.primary: \"theta/",
        "0.01 USD / image",
    ] {
        assert!(readme.contains(line), "{line}");
    }
    let readme = readme_section(&skill_runtime::skills::elizacloud::PACK);
    for line in [
        "tts.provider: \"elizacloud\"",
        "memory.search.provider: \"elizacloud\"",
        "models.providers.elizacloud.apiKey",
        "elizacloud.pricing",
    ] {
        assert!(readme.contains(line), "{line}");
    }
}

#[test]
fn media_commands_are_providers_not_agent_tools() {
    for pack in packs() {
        let manifest = skill_runtime::artifacts::plugin::manifest(pack);
        let tools = manifest["contracts"]["tools"].as_array().unwrap();
        for command in pack.commands().filter(|c| c.id().contains(".media.")) {
            assert!(!command.agent_tool(), "{}", command.id());
            let name = skill_runtime::runtime::registry::tool_name(command.id());
            assert!(!tools.contains(&json!(name)), "{name} is no tool");
        }
        for capability in pack.providers.capabilities {
            if let skill_runtime::providers::Route::Command(id) = capability.route {
                assert!(
                    pack.commands().any(|c| c.id() == id),
                    "{} serves {:?} with a command it has",
                    pack.name,
                    capability.slot
                );
            }
        }
    }
}
