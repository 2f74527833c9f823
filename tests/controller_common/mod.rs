//! Helpers for the controller-family tests (`tests/deployments.rs`, `tests/ai.rs`,
//! `tests/billing.rs`): fixtures shaped like `spec/theta-api.md` §2.6–2.7, an environment with
//! a project key, a catch-all that answers what no test expected, and a multipart reader.

#![allow(dead_code, unreachable_pub, clippy::unwrap_used, clippy::expect_used)]

use serde_json::Value;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::common::Env;

/// The project API key every test configures.
pub const KEY: &str = "ec-key-test-0123456789";
/// The project every test configures.
pub const PROJECT: &str = "prj_test";
/// The organization of the billing tests.
pub const ORG: &str = "org_test";

/// A fixture from `tests/fixtures/controller/<name>.json`.
pub fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/tests/fixtures/controller/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Every service pointed at `server`, with the project key and project id set.
pub fn env(server: &MockServer) -> Env {
    Env::all_services(server)
        .set("THETA_EC_API_KEY", KEY)
        .set("THETA_EC_PROJECT_ID", PROJECT)
}

/// Answers any request no test expected with 418, so a missing expectation is never mistaken
/// for a 404 (which the route fallback would act on).
pub async fn catch_all(server: &MockServer) {
    Mock::given(any())
        .respond_with(ResponseTemplate::new(418).set_body_string("unexpected request"))
        .with_priority(250)
        .mount(server)
        .await;
}

/// A 200 answer with a JSON body.
pub fn json_answer(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

/// Every request received, in order.
pub async fn received(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap_or_default()
}

/// The requests with this method and path.
pub async fn received_at(server: &MockServer, method: &str, path: &str) -> Vec<Request> {
    received(server)
        .await
        .into_iter()
        .filter(|r| r.method.as_str() == method && r.url.path() == path)
        .collect()
}

/// A header's value as text.
pub fn header<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request.headers.get(name).and_then(|v| v.to_str().ok())
}

/// Asserts the request carries the project key and the browser-like headers Cloudflare
/// accepts (`spec/theta-api.md` §2.6).
pub fn assert_controller_headers(request: &Request) {
    assert_eq!(header(request, "x-api-key"), Some(KEY), "{}", request.url);
    let agent = header(request, "user-agent").unwrap_or_default();
    assert!(
        agent.starts_with("Mozilla/5.0") && agent.contains("Chrome/"),
        "{agent}"
    );
    assert_eq!(
        header(request, "accept"),
        Some("application/json, text/plain, */*")
    );
}

/// The query pairs of a request, in order.
pub fn query(request: &Request) -> Vec<(String, String)> {
    request
        .url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// One part of a multipart body.
#[derive(Debug)]
pub struct Part {
    pub name: String,
    pub filename: Option<String>,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

/// Splits a `multipart/form-data` body into its parts, in order.
pub fn multipart_parts(request: &Request) -> Vec<Part> {
    let content_type = header(request, "content-type").unwrap();
    assert!(
        content_type.starts_with("multipart/form-data"),
        "{content_type}"
    );
    let boundary = content_type
        .split("boundary=")
        .nth(1)
        .unwrap()
        .trim_matches('"');
    let delimiter = format!("--{boundary}");
    let body = &request.body;
    let mut parts = Vec::new();
    let mut sections = split(body, delimiter.as_bytes());
    sections.remove(0); // preamble
    for section in sections {
        if section.starts_with(b"--") {
            break; // the closing delimiter
        }
        let section = section.strip_prefix(b"\r\n").unwrap_or(section);
        let split_at = find(section, b"\r\n\r\n").unwrap();
        let head = String::from_utf8_lossy(&section[..split_at]).into_owned();
        let mut content = &section[split_at + 4..];
        content = content.strip_suffix(b"\r\n").unwrap_or(content);
        let mut part = Part {
            name: String::new(),
            filename: None,
            content_type: None,
            body: content.to_vec(),
        };
        for line in head.split("\r\n") {
            let lower = line.to_ascii_lowercase();
            if lower.starts_with("content-disposition:") {
                part.name = attribute(line, "name").unwrap();
                part.filename = attribute(line, "filename");
            } else if lower.starts_with("content-type:") {
                part.content_type = Some(line["content-type:".len()..].trim().to_owned());
            }
        }
        parts.push(part);
    }
    parts
}

fn attribute(line: &str, key: &str) -> Option<String> {
    line.split(';').map(str::trim).find_map(|piece| {
        piece
            .strip_prefix(key)
            .and_then(|rest| rest.strip_prefix('='))
            .map(|v| v.trim_matches('"').to_owned())
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn split<'a>(mut haystack: &'a [u8], delimiter: &[u8]) -> Vec<&'a [u8]> {
    let mut out = Vec::new();
    while let Some(at) = find(haystack, delimiter) {
        out.push(&haystack[..at]);
        haystack = &haystack[at + delimiter.len()..];
    }
    out.push(haystack);
    out
}
