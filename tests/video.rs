//! `theta.video.*` against a local fake of the Theta Video API (`spec/theta-api.md` §2.8):
//! every request and result, the service-account headers (and that their values never appear
//! in any output), error codes, single attempts for gated commands, and dry-run.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test"
)]

mod common;

use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use common::{Env, err, ok};

const SA_ID: &str = "srvacc_7yk2n5rq3xh0pjvt4bwd";
const SA_SECRET: &str = "tva-secret-9c7e5a3b1d8f";

fn fixture(name: &str) -> Value {
    let text = std::fs::read_to_string(format!(
        "{}/tests/fixtures/video/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    serde_json::from_str(&text).unwrap()
}

fn env(server: &MockServer) -> Env {
    Env::all_services(server)
        .set("THETA_VIDEO_SA_ID", SA_ID)
        .set("THETA_VIDEO_SA_SECRET", SA_SECRET)
}

async fn received(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap()
}

/// Neither service-account value appears anywhere in a response document.
fn assert_no_secrets(response: &Value) {
    let text = response.to_string();
    assert!(!text.contains(SA_ID), "service-account id leaked: {text}");
    assert!(
        !text.contains(SA_SECRET),
        "service-account secret leaked: {text}"
    );
}

/// One row per command: id, args, HTTP method, path, the JSON body it must send, the fixture
/// it gets back.
struct Case {
    command: &'static str,
    args: Value,
    method: &'static str,
    path: String,
    body: Option<Value>,
    answer: &'static str,
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            command: "theta.video.list",
            args: json!({}),
            method: "GET",
            path: format!("/video/{SA_ID}/list"),
            body: None,
            answer: "list.json",
        },
        Case {
            command: "theta.video.uploadCreate",
            args: json!({}),
            method: "POST",
            path: "/upload".into(),
            body: Some(json!({})),
            answer: "upload.json",
        },
        Case {
            command: "theta.video.videoCreate",
            args: json!({"payload": {"source_upload_id": "upload_4ew0k8xm6zgqrbhs3nv4tnbf0", "playback_policy": "public", "metadata": {"title": "Product demo"}}}),
            method: "POST",
            path: "/video".into(),
            body: Some(
                json!({"source_upload_id": "upload_4ew0k8xm6zgqrbhs3nv4tnbf0", "playback_policy": "public", "metadata": {"title": "Product demo"}}),
            ),
            answer: "video_create.json",
        },
        Case {
            command: "theta.video.videoGet",
            args: json!({"videoId": "video_1sz1dd6rq9mfhtfzxu6b4yv1ae"}),
            method: "GET",
            path: "/video/video_1sz1dd6rq9mfhtfzxu6b4yv1ae".into(),
            body: None,
            answer: "video_get.json",
        },
        Case {
            command: "theta.video.streamCreate",
            args: json!({"payload": {"name": "Launch livestream"}}),
            method: "POST",
            path: "/stream".into(),
            body: Some(json!({"name": "Launch livestream"})),
            answer: "stream_create.json",
        },
        Case {
            command: "theta.video.streamGet",
            args: json!({"streamId": "stream_8d2s9n6p2g0kqz0x3v2r5t8y1"}),
            method: "GET",
            path: "/stream/stream_8d2s9n6p2g0kqz0x3v2r5t8y1".into(),
            body: None,
            answer: "stream_get.json",
        },
        Case {
            command: "theta.video.ingestor.list",
            args: json!({}),
            method: "GET",
            path: "/ingestor/filter".into(),
            body: None,
            answer: "ingestors.json",
        },
        Case {
            command: "theta.video.ingestor.select",
            args: json!({"ingestorId": "ingestor_0x8e1b2f3a4c5d", "streamId": "stream_8d2s9n6p2g0kqz0x3v2r5t8y1"}),
            method: "PUT",
            path: "/ingestor/ingestor_0x8e1b2f3a4c5d/select".into(),
            body: Some(json!({"tva_stream": "stream_8d2s9n6p2g0kqz0x3v2r5t8y1"})),
            answer: "ingestor_select.json",
        },
    ]
}

#[tokio::test]
async fn every_command_sends_its_request_with_the_service_account_headers() {
    for case in cases() {
        let server = MockServer::start().await;
        let mut mock = Mock::given(method(case.method))
            .and(path(case.path.as_str()))
            .and(header("x-tva-sa-id", SA_ID))
            .and(header("x-tva-sa-secret", SA_SECRET));
        if let Some(body) = &case.body {
            mock = mock
                .and(header("content-type", "application/json"))
                .and(body_json(body.clone()));
        }
        mock.respond_with(ResponseTemplate::new(200).set_body_json(fixture(case.answer)))
            .expect(1)
            .mount(&server)
            .await;
        let response = env(&server).run(case.command, case.args.clone()).await;
        let result = ok(&response);
        assert_eq!(result["status"], json!("success"), "{}", case.command);
        assert_eq!(
            result["body"]
                .as_object()
                .unwrap()
                .keys()
                .collect::<Vec<_>>(),
            fixture(case.answer)["body"]
                .as_object()
                .unwrap()
                .keys()
                .collect::<Vec<_>>(),
            "{}",
            case.command
        );
        assert_no_secrets(&response);
        assert_eq!(received(&server).await.len(), 1, "{}", case.command);
    }
}

#[tokio::test]
async fn results_keep_what_the_user_needs_and_mask_only_the_service_account() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/video/{SA_ID}/list")))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("list.json")))
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/ingestor/ingestor_0x8e1b2f3a4c5d/select"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("ingestor_select.json")))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/upload"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("upload.json")))
        .mount(&server)
        .await;

    let response = env(&server).run("theta.video.list", json!({})).await;
    let video = &ok(&response)["body"]["videos"][0];
    assert_eq!(video["id"], json!("video_1sz1dd6rq9mfhtfzxu6b4yv1ae"));
    assert_eq!(video["state"], json!("success"));
    assert_eq!(video["service_account_id"], json!("***"));
    assert_eq!(
        video["player_uri"],
        json!("https://player.thetavideoapi.com/video/video_1sz1dd6rq9mfhtfzxu6b4yv1ae")
    );

    // The stream key is for the user to push video with: it is returned, not masked.
    let response = env(&server)
        .run(
            "theta.video.ingestor.select",
            json!({"ingestorId": "ingestor_0x8e1b2f3a4c5d", "streamId": "stream_8d2s9n6p2g0kqz0x3v2r5t8y1"}),
        )
        .await;
    assert_eq!(
        ok(&response)["body"],
        fixture("ingestor_select.json")["body"]
    );

    // The presigned upload URL is kept whole.
    let response = env(&server)
        .run("theta.video.uploadCreate", json!({}))
        .await;
    assert_eq!(
        ok(&response)["body"]["uploads"][0]["presigned_url"],
        fixture("upload.json")["body"]["uploads"][0]["presigned_url"]
    );
}

#[tokio::test]
async fn list_pages_and_takes_an_explicit_service_account() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/video/{SA_ID}/list")))
        .and(query_param("page", "1"))
        .and(query_param("number", "10"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("list.json")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/video/srvacc_other_account/list"))
        .and(query_param("page", "3"))
        .and(query_param("number", "25"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"status": "success", "body": {"videos": []}})),
        )
        .expect(1)
        .mount(&server)
        .await;
    ok(&env(&server).run("theta.video.list", json!({})).await);
    let response = env(&server)
        .run(
            "theta.video.list",
            json!({"serviceAccountId": "srvacc_other_account", "page": 3, "number": 25}),
        )
        .await;
    assert_eq!(ok(&response)["body"]["videos"], json!([]));
}

#[tokio::test]
async fn upstream_errors_never_show_the_service_account() {
    for case in cases() {
        let server = MockServer::start().await;
        Mock::given(method(case.method))
            .respond_with(
                ResponseTemplate::new(401).set_body_json(fixture("error_unauthorized.json")),
            )
            .mount(&server)
            .await;
        let response = env(&server).run(case.command, case.args.clone()).await;
        let error = err(&response, "HTTP_401");
        assert_eq!(error["service"], json!("theta-video"));
        assert_eq!(error["status"], json!(401));
        assert!(
            error["hint"]
                .as_str()
                .unwrap()
                .contains("THETA_VIDEO_SA_ID"),
            "{error}"
        );
        assert!(
            error["message"]
                .as_str()
                .unwrap()
                .contains("invalid service account credentials"),
            "{error}"
        );
        assert_no_secrets(&response);
        assert_eq!(received(&server).await.len(), 1, "{}", case.command);
    }
    // The account id in the list URL is masked in the error's endpoint.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    let response = env(&server).run("theta.video.list", json!({})).await;
    let error = err(&response, "HTTP_404");
    assert_eq!(
        error["endpoint"],
        json!(format!("{}/video/***/list?page=1&number=10", server.uri()))
    );
}

#[tokio::test]
async fn credentials_from_the_host_are_used_and_masked() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/ingestor/filter"))
        .and(header("x-tva-sa-id", "srvacc_from_host_01"))
        .and(header("x-tva-sa-secret", "host-secret-5d4c3b2a"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"status": "success", "body": {"ingestors": [], "echo": "srvacc_from_host_01 host-secret-5d4c3b2a"}})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let response = env(&server)
        .handle(json!({
            "command": "theta.video.ingestor.list",
            "secrets": {"THETA_VIDEO_SA_ID": "srvacc_from_host_01", "THETA_VIDEO_SA_SECRET": "host-secret-5d4c3b2a"}
        }))
        .await;
    let result = ok(&response);
    assert_eq!(result["body"]["echo"], json!("*** ***"));
}

#[tokio::test]
async fn missing_credentials_stop_every_command_before_the_network() {
    let server = MockServer::start().await;
    let partial = [
        Env::all_services(&server),
        Env::all_services(&server).set("THETA_VIDEO_SA_ID", SA_ID),
        Env::all_services(&server).set("THETA_VIDEO_SA_SECRET", SA_SECRET),
    ];
    for env in &partial {
        for case in cases() {
            let response = env.run(case.command, case.args.clone()).await;
            let error = err(&response, "MISSING_THETA_VIDEO_CREDENTIALS");
            assert!(
                error["hint"]
                    .as_str()
                    .unwrap()
                    .contains("THETA_VIDEO_SA_SECRET"),
                "{error}"
            );
            assert_no_secrets(&response);
        }
    }
    assert!(received(&server).await.is_empty());
}

#[tokio::test]
async fn gated_commands_preview_in_dry_run_without_requests_or_secret_values() {
    let server = MockServer::start().await;
    let gated: Vec<Case> = cases().into_iter().filter(|c| c.method != "GET").collect();
    assert_eq!(gated.len(), 4);
    for case in &gated {
        let response = env(&server).dry_run(case.command, case.args.clone()).await;
        let result = ok(&response);
        assert_eq!(response["dryRun"], json!(true));
        let request = &result["requests"][0];
        assert_eq!(request["method"], json!(case.method), "{}", case.command);
        assert_eq!(
            request["url"],
            json!(format!("{}{}", server.uri(), case.path)),
            "{}",
            case.command
        );
        assert_eq!(
            request["body"],
            case.body.clone().unwrap(),
            "{}",
            case.command
        );
        assert_eq!(request["headers"]["x-tva-sa-id"], json!("***"));
        assert_eq!(request["headers"]["x-tva-sa-secret"], json!("***"));
        let present: Vec<(&Value, &Value)> = result["credentials"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (&c["name"], &c["present"]))
            .collect();
        assert_eq!(
            present,
            [
                (&json!("THETA_VIDEO_SA_ID"), &json!(true)),
                (&json!("THETA_VIDEO_SA_SECRET"), &json!(true))
            ]
        );
        assert_no_secrets(&response);

        // Without any credential the preview still answers, and says what is missing.
        let bare = Env::all_services(&server)
            .dry_run(case.command, case.args.clone())
            .await;
        let credentials = &ok(&bare)["credentials"];
        assert_eq!(
            credentials,
            &json!([
                {"name": "THETA_VIDEO_SA_ID", "present": false, "required": true},
                {"name": "THETA_VIDEO_SA_SECRET", "present": false, "required": true}
            ]),
            "{}",
            case.command
        );
    }
    assert!(received(&server).await.is_empty());
}

#[tokio::test]
async fn list_previews_never_carry_the_account_id() {
    // Read-only commands run in dry-run; the upstream echoes the account id back.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/video/{SA_ID}/list")))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("list.json")))
        .expect(1)
        .mount(&server)
        .await;
    let response = env(&server).dry_run("theta.video.list", json!({})).await;
    ok(&response);
    assert_no_secrets(&response);
}

#[tokio::test]
async fn gated_video_requests_are_sent_once_and_reads_are_retried() {
    let server = MockServer::start().await;
    for gated in ["POST", "PUT"] {
        Mock::given(method(gated))
            .respond_with(ResponseTemplate::new(502))
            .mount(&server)
            .await;
    }
    Mock::given(method("GET"))
        .and(path("/video/video_1sz1dd6rq9mfhtfzxu6b4yv1ae"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/video/video_1sz1dd6rq9mfhtfzxu6b4yv1ae"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("video_get.json")))
        .mount(&server)
        .await;
    let env = env(&server).set("THETA_HTTP_MAX_RETRIES", "3");
    let gated: Vec<Case> = cases().into_iter().filter(|c| c.method != "GET").collect();
    assert!(
        gated
            .iter()
            .any(|c| c.command == "theta.video.ingestor.select"),
        "the PUT is covered"
    );
    for case in gated {
        let before = received(&server).await.len();
        let response = env.run(case.command, case.args.clone()).await;
        let error = err(&response, "HTTP_502");
        assert_eq!(error["retriable"], json!(false), "{}", case.command);
        assert_eq!(
            received(&server).await.len(),
            before + 1,
            "{}",
            case.command
        );
    }
    let before = received(&server).await.len();
    let response = env
        .run(
            "theta.video.videoGet",
            json!({"videoId": "video_1sz1dd6rq9mfhtfzxu6b4yv1ae"}),
        )
        .await;
    assert_eq!(ok(&response)["body"]["videos"][0]["progress"], json!(42.5));
    assert_eq!(received(&server).await.len(), before + 2);
}

#[tokio::test]
async fn bad_arguments_get_their_codes_without_a_request() {
    let server = MockServer::start().await;
    let env = env(&server);
    for (command, args, code) in [
        (
            "theta.video.list",
            json!({"serviceAccountId": "a b"}),
            "INVALID_SERVICE_ACCOUNT_ID",
        ),
        ("theta.video.list", json!({"page": 0}), "INVALID_PAGE"),
        (
            "theta.video.list",
            json!({"number": 500}),
            "INVALID_PAGE_SIZE",
        ),
        (
            "theta.video.videoGet",
            json!({"videoId": "../etc"}),
            "INVALID_VIDEO_ID",
        ),
        ("theta.video.videoGet", json!({}), "MISSING_REQUIRED_FIELD"),
        (
            "theta.video.streamGet",
            json!({"streamId": "a/b"}),
            "INVALID_STREAM_ID",
        ),
        (
            "theta.video.videoCreate",
            json!({"payload": "x"}),
            "INVALID_VIDEO_PAYLOAD",
        ),
        (
            "theta.video.videoCreate",
            json!({"payload": {"playback_policy": "public"}}),
            "INVALID_VIDEO_PAYLOAD",
        ),
        (
            "theta.video.streamCreate",
            json!({"payload": []}),
            "INVALID_STREAM_PAYLOAD",
        ),
        (
            "theta.video.streamCreate",
            json!({"payload": {}}),
            "INVALID_STREAM_PAYLOAD",
        ),
        (
            "theta.video.ingestor.select",
            json!({"ingestorId": "x/y", "streamId": "s"}),
            "INVALID_INGESTOR_ID",
        ),
        (
            "theta.video.ingestor.select",
            json!({"ingestorId": "i", "streamId": "s", "body": []}),
            "INVALID_INGESTOR_BODY",
        ),
        (
            "theta.video.ingestor.select",
            json!({"ingestorId": "i"}),
            "INVALID_INGESTOR_BODY",
        ),
        (
            "theta.video.ingestor.select",
            json!({"ingestorId": "i", "streamId": ".."}),
            "INVALID_STREAM_ID",
        ),
        (
            "theta.video.uploadCreate",
            json!({"extra": 1}),
            "INVALID_ARGS",
        ),
    ] {
        let response = env.run(command, args.clone()).await;
        let error = err(&response, code);
        assert!(
            !error["problems"].as_array().unwrap().is_empty(),
            "{command} {args}"
        );
        // The same in dry-run: a preview of a bad request is refused too.
        let response = env.dry_run(command, args.clone()).await;
        err(&response, code);
    }
    assert!(received(&server).await.is_empty());
}

#[tokio::test]
async fn capabilities_verifies_the_video_api_with_a_one_item_list() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/video/{SA_ID}/list")))
        .and(query_param("page", "1"))
        .and(query_param("number", "1"))
        .and(header("x-tva-sa-secret", SA_SECRET))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("list.json")))
        .expect(1)
        .mount(&server)
        .await;
    let response = env(&server).run("theta.auth.capabilities", json!({})).await;
    let record = ok(&response)["capabilities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == json!("video.api"))
        .unwrap()
        .clone();
    assert_eq!(record["configured"], json!(true));
    assert_eq!(record["verified"], json!(true), "{record}");
    assert_eq!(record["sample"], json!({"keys": ["status", "body"]}));
    assert_eq!(record["commands"].as_array().unwrap().len(), 8);
    assert_no_secrets(&response);

    // Unconfigured: no probe, and it says what to set.
    let response = Env::all_services(&server)
        .set("THETA_VIDEO_SA_ID", SA_ID)
        .run("theta.auth.capabilities", json!({}))
        .await;
    let record = ok(&response)["capabilities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == json!("video.api"))
        .unwrap()
        .clone();
    assert_eq!(record["configured"], json!(false));
    assert_eq!(record["missing"], json!(["THETA_VIDEO_SA_SECRET"]));
    // Other families probe the same fake server; count only the video API's requests.
    let video_requests = received(&server)
        .await
        .into_iter()
        .filter(|r| r.url.path().starts_with("/video/"))
        .count();
    assert_eq!(video_requests, 1);
}
