//! `theta.ai.*` against a local fake controller shaped like `spec/theta-api.md` §2.6.2 and
//! §2.7: the serving-template allow-list with each degraded case, the resource listings, and
//! agents with their multipart document uploads checked field by field.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test"
)]

mod common;
mod controller_common;

use base64::Engine as _;
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use common::{Env, err, ok};
use controller_common::{
    KEY, PROJECT, assert_controller_headers, catch_all, env, fixture, header, json_answer,
    multipart_parts, query, received, received_at,
};

const STANDARD: &str = "/deployment_template/list_standard_templates";
const CUSTOM: &str = "/deployment_template/list_custom_templates";

fn pairs(q: &[(&str, &str)]) -> Vec<(String, String)> {
    q.iter().map(|(k, v)| ((*k).into(), (*v).into())).collect()
}

/// A page of standard serving templates named `names`.
fn template_page(names: &[String]) -> Value {
    let templates: Vec<Value> = names
        .iter()
        .enumerate()
        .map(|(i, name)| json!({"id": format!("tpl_{i}"), "name": name, "category": "serving"}))
        .collect();
    json!({"status": "success", "body": {"templates": templates}})
}

/// Standard pages: `full` pages of 50, then one of `last` templates; page 0 holds
/// "vLLM Llama 3.1 8B". Later pages are empty.
async fn mount_standard_pages(server: &MockServer, full: usize, last: usize) {
    for page in 0..20 {
        let count = if page < full {
            50
        } else if page == full {
            last
        } else {
            0
        };
        let mut names: Vec<String> = (0..count).map(|i| format!("Template {page}-{i}")).collect();
        if page == 0 && count > 0 {
            names[0] = "vLLM Llama 3.1 8B".into();
        }
        Mock::given(method("GET"))
            .and(path(STANDARD))
            .and(query_param("category", "serving"))
            .and(query_param("page", page.to_string()))
            .and(query_param("number", "50"))
            .respond_with(json_answer(template_page(&names)))
            .mount(server)
            .await;
    }
}

async fn mount_list_and_custom(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path("/deployment/list"))
        .and(query_param("project_id", PROJECT))
        .respond_with(json_answer(fixture("deployment_list")))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path(CUSTOM))
        .and(query_param("project_id", PROJECT))
        .respond_with(json_answer(fixture("custom_templates")))
        .mount(server)
        .await;
}

fn template_names(result: &Value) -> Vec<&str> {
    result["body"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["TemplateName"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn dedicated_deployments_keep_only_serving_templates() {
    let server = MockServer::start().await;
    mount_standard_pages(&server, 1, 2).await;
    mount_list_and_custom(&server).await;
    catch_all(&server).await;
    let response = env(&server)
        .run("theta.ai.dedicatedDeployments.list", json!({}))
        .await;
    let result = ok(&response);
    // Kept: a standard serving template, a custom serving one; dropped: notebook, GPU node,
    // a custom prototyping template.
    assert_eq!(
        template_names(result),
        ["vLLM Llama 3.1 8B", "My Custom LLM"]
    );
    assert_eq!(result["status"], "success");
    // 52 standard names, plus the custom serving one and the one without a category.
    assert_eq!(
        result["filter"],
        json!({"mode": "serving-template-allowlist", "templateCount": 54, "degraded": false})
    );
    assert!(result.get("warnings").is_none());
    assert!(response.get("warnings").is_none());
    // Pages are fetched four at a time; page 1 is short, so the first batch is the last.
    let pages = received_at(&server, "GET", STANDARD).await;
    assert_eq!(pages.len(), 4);
    let mut numbers: Vec<String> = pages
        .iter()
        .map(|r| query(r).into_iter().find(|(k, _)| k == "page").unwrap().1)
        .collect();
    numbers.sort();
    assert_eq!(numbers, ["0", "1", "2", "3"]);
    for request in received(&server).await {
        assert_controller_headers(&request);
    }
}

#[tokio::test]
async fn template_paging_continues_while_pages_are_full() {
    let server = MockServer::start().await;
    mount_standard_pages(&server, 5, 1).await;
    mount_list_and_custom(&server).await;
    catch_all(&server).await;
    let response = env(&server)
        .run("theta.ai.dedicatedDeployments.list", json!({}))
        .await;
    let result = ok(&response);
    assert_eq!(result["filter"]["templateCount"], 5 * 50 + 1 + 2);
    // Batches 0-3 and 4-7: page 5 is the short one.
    assert_eq!(received_at(&server, "GET", STANDARD).await.len(), 8);
}

#[tokio::test]
async fn a_failed_standard_catalog_degrades_to_the_custom_templates() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(STANDARD))
        .respond_with(ResponseTemplate::new(500).set_body_string("catalog down"))
        .mount(&server)
        .await;
    mount_list_and_custom(&server).await;
    catch_all(&server).await;
    let response = env(&server)
        .set("THETA_HTTP_MAX_RETRIES", "0")
        .run("theta.ai.dedicatedDeployments.list", json!({}))
        .await;
    let result = ok(&response);
    assert_eq!(template_names(result), ["My Custom LLM"]);
    assert_eq!(
        result["filter"],
        json!({"mode": "serving-template-allowlist", "templateCount": 2, "degraded": true})
    );
    let warning = result["warnings"][0].as_str().unwrap();
    assert!(
        warning.starts_with("Failed to fetch standard serving templates: HTTP_500"),
        "{warning}"
    );
    assert_eq!(
        response["warnings"], result["warnings"],
        "the envelope says it too"
    );
}

#[tokio::test]
async fn a_failed_custom_catalog_degrades_to_the_standard_templates() {
    let server = MockServer::start().await;
    mount_standard_pages(&server, 0, 3).await;
    Mock::given(method("GET"))
        .and(path(CUSTOM))
        .respond_with(ResponseTemplate::new(403))
        .mount(&server)
        .await;
    mount_list_and_custom(&server).await;
    catch_all(&server).await;
    let response = env(&server)
        .run("theta.ai.dedicatedDeployments.list", json!({}))
        .await;
    let result = ok(&response);
    assert_eq!(template_names(result), ["vLLM Llama 3.1 8B"]);
    assert_eq!(result["filter"]["degraded"], true);
    assert_eq!(result["filter"]["templateCount"], 3);
    let warnings = result["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1);
    assert!(
        warnings[0]
            .as_str()
            .unwrap()
            .starts_with("Failed to fetch custom serving templates: HTTP_403")
    );
}

#[tokio::test]
async fn with_no_allow_list_the_deployments_are_returned_unfiltered() {
    let server = MockServer::start().await;
    for at in [STANDARD, CUSTOM] {
        Mock::given(method("GET"))
            .and(path(at))
            .respond_with(ResponseTemplate::new(502))
            .mount(&server)
            .await;
    }
    mount_list_and_custom(&server).await;
    catch_all(&server).await;
    let response = env(&server)
        .set("THETA_HTTP_MAX_RETRIES", "0")
        .run("theta.ai.dedicatedDeployments.list", json!({}))
        .await;
    let result = ok(&response);
    assert_eq!(result["body"], fixture("deployment_list")["body"]);
    assert_eq!(
        result["filter"],
        json!({"mode": "unfiltered-fallback", "templateCount": 0, "degraded": true})
    );
    let warnings: Vec<&str> = result["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    assert_eq!(warnings.len(), 3);
    assert!(warnings[0].starts_with("Failed to fetch standard"));
    assert!(warnings[1].starts_with("Failed to fetch custom"));
    assert_eq!(
        warnings[2],
        "Template allowlist unavailable; returning unfiltered deployment list for visibility."
    );
}

#[tokio::test]
async fn an_empty_catalog_with_a_template_shaped_answer_is_not_an_error() {
    let server = MockServer::start().await;
    mount_standard_pages(&server, 0, 0).await;
    Mock::given(method("GET"))
        .and(path(CUSTOM))
        .respond_with(json_answer(
            json!({"status": "success", "body": {"templates": []}}),
        ))
        .mount(&server)
        .await;
    mount_list_and_custom(&server).await;
    catch_all(&server).await;
    let response = env(&server)
        .run("theta.ai.dedicatedDeployments.list", json!({}))
        .await;
    let result = ok(&response);
    assert_eq!(result["filter"]["mode"], "unfiltered-fallback");
    assert_eq!(result["filter"]["degraded"], false);
    assert_eq!(result["warnings"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_failed_deployment_list_fails_the_command() {
    let server = MockServer::start().await;
    mount_standard_pages(&server, 0, 1).await;
    Mock::given(method("GET"))
        .and(path("/deployment/list"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    mount_list_and_custom(&server).await;
    catch_all(&server).await;
    let response = env(&server)
        .run("theta.ai.dedicatedDeployments.list", json!({}))
        .await;
    err(&response, "HTTP_401");
}

// ----- resource listings -----

#[tokio::test]
async fn notebooks_and_gpu_nodes_filter_the_list_by_template_name() {
    for (command, template) in [
        ("theta.ai.jupyter.list", "Jupyter Notebook"),
        ("theta.ai.gpuNode.list", "GPU Node"),
    ] {
        let server = MockServer::start().await;
        let answer =
            json!({"status": "success", "body": [{"TemplateName": template, "Suffix": "s1"}]});
        Mock::given(method("GET"))
            .and(path("/deployment/list"))
            .and(query_param("template_name", template))
            .respond_with(json_answer(answer.clone()))
            .expect(1)
            .mount(&server)
            .await;
        catch_all(&server).await;
        let response = env(&server).run(command, json!({})).await;
        assert_eq!(ok(&response), &answer);
        let request = &received(&server).await[0];
        assert_controller_headers(request);
        assert_eq!(
            query(request),
            pairs(&[("project_id", PROJECT), ("template_name", template)])
        );
        assert!(request.url.as_str().contains(&template.replace(' ', "+")));
    }
}

#[tokio::test]
async fn clusters_and_storage_are_listed_for_the_project() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/cluster/list"))
        .and(query_param("project_id", PROJECT))
        .respond_with(json_answer(fixture("cluster_list")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/volume/claim"))
        .respond_with(json_answer(fixture("volume_claims")))
        .expect(2)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let env = env(&server);
    let response = env.run("theta.ai.gpuCluster.list", json!({})).await;
    assert_eq!(ok(&response), &fixture("cluster_list"));
    let response = env.run("theta.ai.storage.list", json!({})).await;
    assert_eq!(ok(&response), &fixture("volume_claims"));
    let response = env
        .run(
            "theta.ai.storage.list",
            json!({"projectId": "prj_other", "page": 3, "number": 5}),
        )
        .await;
    ok(&response);
    let storage = received_at(&server, "GET", "/volume/claim").await;
    // This endpoint takes `projectId`, not `project_id`.
    assert_eq!(
        query(&storage[0]),
        pairs(&[("projectId", PROJECT), ("page", "1"), ("number", "20")])
    );
    assert_eq!(
        query(&storage[1]),
        pairs(&[("projectId", "prj_other"), ("page", "3"), ("number", "5")])
    );
    let response = env.run("theta.ai.storage.list", json!({"page": 0})).await;
    err(&response, "INVALID_PAGE");
}

// ----- agents -----

#[tokio::test]
async fn agents_are_listed_and_read() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/chatbot/list"))
        .respond_with(json_answer(fixture("chatbot_list")))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/chatbot/cb_42xy"))
        .and(query_param("project_id", PROJECT))
        .respond_with(json_answer(fixture("chatbot")))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let env = env(&server);
    let response = env.run("theta.ai.agent.list", json!({})).await;
    assert_eq!(ok(&response), &fixture("chatbot_list"));
    let response = env
        .run("theta.ai.agent.list", json!({"page": 2, "number": 10}))
        .await;
    ok(&response);
    let response = env
        .run("theta.ai.agent.get", json!({"chatbotId": "cb_42xy"}))
        .await;
    assert_eq!(ok(&response), &fixture("chatbot"));
    let lists = received_at(&server, "GET", "/chatbot/list").await;
    assert_eq!(
        query(&lists[0]),
        pairs(&[("project_id", PROJECT), ("page", "0"), ("number", "100")])
    );
    assert_eq!(
        query(&lists[1]),
        pairs(&[("project_id", PROJECT), ("page", "2"), ("number", "10")])
    );
    for request in received(&server).await {
        assert_controller_headers(&request);
    }
}

#[tokio::test]
async fn agents_are_created_and_updated_with_the_project_in_the_body() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/chatbot"))
        .respond_with(json_answer(fixture("chatbot")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/chatbot/cb_42xy"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let env = env(&server);
    let response = env
        .run(
            "theta.ai.agent.create",
            json!({"payload": {"name": "Support bot", "max_tokens": 512}}),
        )
        .await;
    assert_eq!(ok(&response), &fixture("chatbot"));
    let response = env
        .run(
            "theta.ai.agent.update",
            json!({"chatbotId": "cb_42xy", "payload": {"temperature": 0.1}, "projectId": PROJECT}),
        )
        .await;
    assert_eq!(ok(&response), &json!({"status": "success"}));
    let create = &received_at(&server, "POST", "/chatbot").await[0];
    assert_controller_headers(create);
    let body: Value = serde_json::from_slice(&create.body).unwrap();
    assert_eq!(
        body,
        json!({"name": "Support bot", "max_tokens": 512, "project_id": PROJECT})
    );
    let update = &received_at(&server, "PUT", "/chatbot/cb_42xy").await[0];
    let body: Value = serde_json::from_slice(&update.body).unwrap();
    assert_eq!(body, json!({"temperature": 0.1, "project_id": PROJECT}));
}

#[tokio::test]
async fn agent_ids_never_reach_a_path_unencoded() {
    let server = MockServer::start().await;
    catch_all(&server).await;
    let env = env(&server);
    for id in ["../secrets", "cb%2F..", "a/b", ".", "", "cb 1"] {
        let response = env
            .run("theta.ai.agent.get", json!({"chatbotId": id}))
            .await;
        err(&response, "INVALID_IDENTIFIER");
        let response = env
            .run(
                "theta.ai.agent.document.get",
                json!({"chatbotId": "cb_1", "documentId": id}),
            )
            .await;
        err(&response, "INVALID_IDENTIFIER");
    }
    // `list` would address the listing, not a document.
    let response = env
        .run(
            "theta.ai.agent.document.get",
            json!({"chatbotId": "cb_1", "documentId": "list"}),
        )
        .await;
    let error = err(&response, "INVALID_IDENTIFIER");
    assert_eq!(error["problems"][0]["path"], "/documentId");
    assert!(received(&server).await.is_empty());
}

// ----- documents -----

fn faq_file() -> Value {
    json!({"filename": "faq.md", "content": "# FAQ\nOpening hours: 9-17.", "contentType": "text/markdown"})
}

#[tokio::test]
async fn a_text_document_is_uploaded_as_a_three_field_form() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/chatbot/cb_42xy/document"))
        .respond_with(json_answer(fixture("chatbot_document")))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let response = env(&server)
        .run(
            "theta.ai.agent.document.create",
            json!({"chatbotId": "cb_42xy", "file": faq_file(), "metadata": {"source": "faq", "lang": "en"}}),
        )
        .await;
    assert_eq!(ok(&response), &fixture("chatbot_document"));
    let request = &received(&server).await[0];
    assert_controller_headers(request);
    assert!(
        request.url.query().is_none(),
        "the project goes in the form"
    );
    let parts = multipart_parts(request);
    let names: Vec<&str> = parts.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["project_id", "metadata", "file"]);
    assert_eq!(parts[0].body, PROJECT.as_bytes());
    assert!(parts[0].filename.is_none());
    let metadata: Value = serde_json::from_slice(&parts[1].body).unwrap();
    assert_eq!(metadata, json!({"source": "faq", "lang": "en"}));
    assert_eq!(parts[2].filename.as_deref(), Some("faq.md"));
    assert_eq!(parts[2].content_type.as_deref(), Some("text/markdown"));
    assert_eq!(parts[2].body, b"# FAQ\nOpening hours: 9-17.");
}

#[tokio::test]
async fn a_base64_document_is_decoded_to_its_exact_bytes() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/chatbot/cb_42xy/document/doc_7m3n"))
        .respond_with(json_answer(fixture("chatbot_document")))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let bytes: Vec<u8> = vec![0x25, 0x50, 0x44, 0x46, 0x00, 0xff, 0xfe, 0x0d, 0x0a, 0x80];
    let encoded = base64::engine::general_purpose::STANDARD.encode(&bytes);
    let response = env(&server)
        .run(
            "theta.ai.agent.document.update",
            json!({
                "chatbotId": "cb_42xy",
                "documentId": "doc_7m3n",
                "file": {"filename": "faq.pdf", "content": encoded, "encoding": "base64", "contentType": "application/pdf"}
            }),
        )
        .await;
    ok(&response);
    let parts = multipart_parts(&received(&server).await[0]);
    assert_eq!(parts[1].body, b"{}", "metadata defaults to an empty object");
    assert_eq!(parts[2].filename.as_deref(), Some("faq.pdf"));
    assert_eq!(parts[2].content_type.as_deref(), Some("application/pdf"));
    assert_eq!(parts[2].body, bytes);
}

#[tokio::test]
async fn upload_arguments_are_checked_before_sending() {
    let server = MockServer::start().await;
    catch_all(&server).await;
    let env = env(&server);
    let with_file = |file: Value| json!({"chatbotId": "cb_42xy", "file": file});
    for (args, code) in [
        (
            with_file(json!({"filename": "x.bin", "content": "@@@@", "encoding": "base64"})),
            "INVALID_FIELD",
        ),
        (
            with_file(json!({"filename": "../etc/passwd", "content": "x"})),
            "INVALID_FIELD",
        ),
        (
            with_file(json!({"filename": "a\\b", "content": "x"})),
            "INVALID_FIELD",
        ),
        (
            with_file(json!({"filename": "a\u{7}b", "content": "x"})),
            "INVALID_FIELD",
        ),
        (
            with_file(
                json!({"filename": "a.txt", "content": "x", "contentType": "text/plain\r\nX-Evil: 1"}),
            ),
            "INVALID_FIELD",
        ),
        (
            with_file(json!({"filename": "a.txt", "path": "/etc/passwd"})),
            "INVALID_ARGS",
        ),
        (json!({"chatbotId": "cb_42xy"}), "MISSING_REQUIRED_FIELD"),
    ] {
        let response = env
            .run("theta.ai.agent.document.create", args.clone())
            .await;
        err(&response, code);
    }
    assert!(received(&server).await.is_empty());
}

#[tokio::test]
async fn a_failed_upload_is_sent_once_and_reported_redacted() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/chatbot/cb_42xy/document"))
        .respond_with(
            ResponseTemplate::new(500).set_body_string(format!("ingest failed; x-api-key: {KEY}")),
        )
        .mount(&server)
        .await;
    catch_all(&server).await;
    let response = env(&server)
        .set("THETA_HTTP_MAX_RETRIES", "3")
        .run(
            "theta.ai.agent.document.create",
            json!({"chatbotId": "cb_42xy", "file": faq_file()}),
        )
        .await;
    let error = err(&response, "HTTP_500");
    assert_eq!(error["retriable"], false);
    assert_eq!(error["service"], "edgecloud-controller");
    assert!(error["message"].as_str().unwrap().contains("ingest failed"));
    assert!(!response.to_string().contains(KEY));
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn documents_are_read_and_listed() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/chatbot/cb_42xy/document/doc_7m3n"))
        .respond_with(json_answer(fixture("chatbot_document")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/chatbot/cb_42xy/document/list"))
        .respond_with(json_answer(fixture("chatbot_document_list")))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let env = env(&server);
    let response = env
        .run(
            "theta.ai.agent.document.get",
            json!({"chatbotId": "cb_42xy", "documentId": "doc_7m3n"}),
        )
        .await;
    assert_eq!(ok(&response), &fixture("chatbot_document"));
    let response = env
        .run(
            "theta.ai.agent.document.list",
            json!({"chatbotId": "cb_42xy"}),
        )
        .await;
    assert_eq!(ok(&response), &fixture("chatbot_document_list"));
    let requests = received(&server).await;
    assert!(
        requests[0].url.query().is_none(),
        "a document is read without a project"
    );
    assert_eq!(
        query(&requests[1]),
        pairs(&[("project_id", PROJECT), ("page", "0"), ("number", "30")])
    );
    for request in &requests {
        assert_eq!(header(request, "x-api-key"), Some(KEY));
    }
}

#[tokio::test]
async fn gated_agent_commands_preview_without_sending() {
    let server = MockServer::start().await;
    catch_all(&server).await;
    let env = Env::all_services(&server).set("THETA_EC_PROJECT_ID", PROJECT);
    let secret_text = "Opening hours: 9-17.";
    let response = env
        .dry_run(
            "theta.ai.agent.document.create",
            json!({"chatbotId": "cb_42xy", "file": faq_file()}),
        )
        .await;
    let preview = ok(&response);
    let request = &preview["requests"][0];
    assert_eq!(request["method"], "POST");
    assert_eq!(
        request["url"],
        format!("{}/chatbot/cb_42xy/document", server.uri())
    );
    assert_eq!(request["body"]["multipart"]["project_id"], PROJECT);
    assert_eq!(request["body"]["multipart"]["metadata"], "{}");
    assert_eq!(
        request["body"]["multipart"]["file"],
        json!({"filename": "faq.md", "contentType": "text/markdown", "bytes": 26,
            "sha256": "a1592592663f649175fd53a211469872afd28854d5960640e576fe1faef75ba8", "content": "***"})
    );
    assert!(!response.to_string().contains(secret_text));

    let response = env
        .dry_run(
            "theta.ai.agent.document.update",
            json!({"chatbotId": "cb_42xy", "documentId": "doc_7m3n", "file": faq_file()}),
        )
        .await;
    assert_eq!(ok(&response)["requests"][0]["method"], "PUT");
    let response = env
        .dry_run("theta.ai.agent.create", json!({"payload": {"name": "bot"}}))
        .await;
    assert_eq!(
        ok(&response)["requests"][0]["body"],
        json!({"name": "bot", "project_id": PROJECT})
    );
    let response = env
        .dry_run(
            "theta.ai.agent.update",
            json!({"chatbotId": "cb_42xy", "payload": {"name": "bot 2"}}),
        )
        .await;
    assert_eq!(
        ok(&response)["requests"][0]["url"],
        format!("{}/chatbot/cb_42xy", server.uri())
    );
    assert!(received(&server).await.is_empty());
}
