//! Service clients: the only code that sends HTTP requests.
//!
//! A command describes a request as an [`ApiRequest`] (method, path segments, query, body,
//! effect) and hands it to the [`ServiceClient`] for its service, which builds the URL
//! (percent-encoding every segment), attaches the service's credentials, applies the retry
//! policy of [`super::retry`], refuses redirects, caps the body and turns every failure into
//! an [`Error`] with `service`, `endpoint`, `status` and `retriable` filled in. The same
//! description gives the dry-run preview ([`ServiceClient::preview`]), so a preview shows
//! exactly what a real run would send.

use std::collections::BTreeMap;
use std::sync::OnceLock;
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, RETRY_AFTER, USER_AGENT};
use reqwest::{Method, Url, multipart};
use secrecy::ExposeSecret;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::auth::Auth;
use super::endpoint::{ForbiddenResolution, SafeResolver};
use super::retry::{self, Outcome};
use crate::command::{Effect, Service};
use crate::config::HttpSettings;
use crate::error::{Error, ErrorCode, truncate_chars};
use crate::secrets::SecretName;
use crate::secrets::Secrets;
use crate::secrets::redact::{self, MASK};

/// Largest response body the runtime reads.
pub const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// What Cloudflare in front of the controller accepts (`spec/theta-api.md` §2.6).
const BROWSER_USER_AGENT: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const BROWSER_ACCEPT: &str = "application/json, text/plain, */*";
const OWN_USER_AGENT: &str = concat!("theta-skill/", env!("CARGO_PKG_VERSION"));

/// The process-wide HTTP transport: one connection pool and one TLS root store, built the
/// first time a command needs the network (a command that makes no request pays nothing).
/// Every [`ServiceClient`] borrows it.
#[derive(Debug, Default)]
pub struct Transport {
    client: OnceLock<Result<reqwest::Client, Error>>,
}

impl Transport {
    /// A transport that is built on first use.
    pub fn new() -> Self {
        Self::default()
    }

    fn client(&self) -> Result<&reqwest::Client, Error> {
        self.client
            .get_or_init(build_client)
            .as_ref()
            .map_err(Clone::clone)
    }
}

fn build_client() -> Result<reqwest::Client, Error> {
    // reqwest is built without a default crypto provider (ring instead of aws-lc, see
    // ecosystem.md §3.1); installing twice is harmless.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let builder = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(10))
        .dns_resolver(SafeResolver::from_env());
    // Test builds talk to fake servers on 127.0.0.1; a proxy variable in CI must not catch them.
    #[cfg(feature = "local-endpoints")]
    let builder = builder.no_proxy();
    builder.build().map_err(|e| {
        Error::new(
            ErrorCode::ConfigError,
            format!("the HTTP client could not be built: {e}"),
        )
        .with_hint("Check SSL_CERT_FILE / SSL_CERT_DIR and the HTTPS_PROXY settings.")
    })
}

/// A request body.
#[derive(Debug, Clone)]
pub enum Body {
    /// No body.
    Empty,
    /// A JSON body (`content-type: application/json`).
    Json(Value),
    /// A multipart form, rebuilt for each attempt.
    Multipart(Vec<FormPart>),
}

/// One field of a multipart form.
#[derive(Debug, Clone)]
pub struct FormPart {
    /// Field name.
    pub name: String,
    /// Field content.
    pub value: FormValue,
}

/// The content of a multipart field.
#[derive(Clone)]
pub enum FormValue {
    /// A text field.
    Text(String),
    /// A file field; the content always comes from the arguments, never from disk.
    File {
        /// File name sent in the part's disposition.
        filename: String,
        /// MIME type.
        content_type: String,
        /// The bytes.
        bytes: Vec<u8>,
    },
}

impl std::fmt::Debug for FormValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FormValue::Text(text) => f.debug_tuple("Text").field(&text.len()).finish(),
            FormValue::File {
                filename, bytes, ..
            } => f
                .debug_struct("File")
                .field("filename", filename)
                .field("bytes", &bytes.len())
                .finish_non_exhaustive(),
        }
    }
}

/// One path segment of a request.
#[derive(Debug, Clone)]
enum Segment {
    /// Literal text, percent-encoded when the URL is built.
    Text(String),
    /// The value of a secret, inserted only when the request is sent (previews show a mask).
    Secret(SecretName),
}

/// A request, described as data so it can be sent or previewed.
#[derive(Debug, Clone)]
pub struct ApiRequest {
    method: Method,
    path: Vec<Segment>,
    query: Vec<(String, String)>,
    body: Body,
    timeout: Option<Duration>,
    max_retries: Option<u32>,
    effect: Effect,
    with_auth: bool,
}

impl ApiRequest {
    fn new(method: Method, path: &[&str], effect: Effect) -> Self {
        Self {
            method,
            path: path
                .iter()
                .map(|s| Segment::Text((*s).to_owned()))
                .collect(),
            query: Vec::new(),
            body: Body::Empty,
            timeout: None,
            max_retries: None,
            effect,
            with_auth: true,
        }
    }

    /// A read-only `GET` of `path` (segments, each percent-encoded when the URL is built).
    pub fn get(path: &[&str]) -> Self {
        Self::new(Method::GET, path, Effect::ReadOnly)
    }
    /// A `POST` with the given effect.
    pub fn post(path: &[&str], effect: Effect) -> Self {
        Self::new(Method::POST, path, effect)
    }
    /// A `PUT` with the given effect.
    pub fn put(path: &[&str], effect: Effect) -> Self {
        Self::new(Method::PUT, path, effect)
    }
    /// A `DELETE` with the given effect.
    pub fn delete(path: &[&str], effect: Effect) -> Self {
        Self::new(Method::DELETE, path, effect)
    }

    /// Appends a path segment.
    #[must_use]
    pub fn segment(mut self, segment: &str) -> Self {
        self.path.push(Segment::Text(segment.to_owned()));
        self
    }

    /// Appends a path segment whose value is a secret of this run (the Video API wants the
    /// service-account id in some paths). The value is inserted only when the request is
    /// sent; previews show it masked, and the redactor masks it in every error URL.
    #[must_use]
    pub fn secret_segment(mut self, name: SecretName) -> Self {
        self.path.push(Segment::Secret(name));
        self
    }

    /// Adds a query parameter (form-encoded; repeated keys repeat).
    #[must_use]
    #[expect(
        clippy::needless_pass_by_value,
        reason = "callers pass numbers and strings alike"
    )]
    pub fn query(mut self, key: &str, value: impl ToString) -> Self {
        self.query.push((key.to_owned(), value.to_string()));
        self
    }

    /// Adds a query parameter when `value` is present.
    #[must_use]
    pub fn query_opt(self, key: &str, value: Option<impl ToString>) -> Self {
        match value {
            Some(v) => self.query(key, v),
            None => self,
        }
    }

    /// Sets a JSON body.
    #[must_use]
    pub fn json(mut self, body: Value) -> Self {
        self.body = Body::Json(body);
        self
    }

    /// Sets a multipart body.
    #[must_use]
    pub fn multipart(mut self, parts: Vec<FormPart>) -> Self {
        self.body = Body::Multipart(parts);
        self
    }

    /// Overrides the configured timeout for this request (service-aware timeouts).
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Overrides `THETA_HTTP_MAX_RETRIES` for this request. A caller that polls on its own
    /// schedule (and reports each attempt) passes 0, so one call is exactly one attempt. The
    /// retry policy still decides which outcomes may be retried at all.
    #[must_use]
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = Some(retries);
        self
    }

    /// Sends no credentials (public endpoints).
    #[must_use]
    pub fn without_auth(mut self) -> Self {
        self.with_auth = false;
        self
    }

    /// The effect the retry policy judges this request by.
    pub fn effect(&self) -> Effect {
        self.effect
    }

    /// The JSON body, if any.
    pub fn json_body(&self) -> Option<&Value> {
        match &self.body {
            Body::Json(v) => Some(v),
            _ => None,
        }
    }
}

/// A buffered response with a success status.
#[derive(Debug, Clone)]
pub struct ApiResponse {
    status: u16,
    content_type: Option<String>,
    body: Bytes,
    url: String,
}

impl ApiResponse {
    /// The HTTP status (always 2xx).
    pub fn status(&self) -> u16 {
        self.status
    }
    /// The URL that answered.
    pub fn url(&self) -> &str {
        &self.url
    }
    /// The `content-type`, if sent.
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }
    /// The raw body.
    pub fn bytes(&self) -> &[u8] {
        &self.body
    }
    /// The body as text (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// Decodes the body; a mismatch names the JSON path that failed.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        let mut de = serde_json::Deserializer::from_slice(&self.body);
        serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let path = e.path().to_string();
            Error::new(
                ErrorCode::InvalidResponse,
                format!(
                    "the response could not be decoded at `{path}`: {}",
                    e.inner()
                ),
            )
            .with_endpoint(self.url.clone())
            .with_status(self.status)
        })
    }

    /// The body as JSON, whatever its shape.
    pub fn json_value(&self) -> Result<Value, Error> {
        self.json()
    }

    /// JSON when the server sent JSON; otherwise `{"status":"success"}` for an empty body or
    /// `{"status":"success","raw":<text>}` (for PUT/DELETE endpoints that answer with text).
    pub fn json_or_status(&self) -> Result<Value, Error> {
        let is_json = self
            .content_type
            .as_deref()
            .is_some_and(|ct| ct.contains("json"));
        let text = self.text();
        if is_json && !text.trim().is_empty() {
            return self.json_value();
        }
        if text.trim().is_empty() {
            Ok(json!({"status": "success"}))
        } else {
            Ok(serde_json::from_str(&text)
                .unwrap_or_else(|_| json!({"status": "success", "raw": text})))
        }
    }
}

/// A response whose body is read incrementally (server-sent events).
#[derive(Debug)]
pub struct StreamingResponse {
    response: reqwest::Response,
    status: u16,
    content_type: Option<String>,
    url: String,
    service: Service,
    effect: Effect,
    received: usize,
}

impl StreamingResponse {
    /// The HTTP status (always 2xx).
    pub fn status(&self) -> u16 {
        self.status
    }
    /// The `content-type`, if sent.
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }
    /// The URL that answered.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The next chunk of the body, `None` at the end. Stops with `RESPONSE_TOO_LARGE` past the
    /// body cap; a broken or timed-out stream is an error, never a silent end.
    pub async fn next_chunk(&mut self) -> Result<Option<Bytes>, Error> {
        match self.response.chunk().await {
            Ok(Some(chunk)) => {
                self.received += chunk.len();
                if self.received > MAX_BODY_BYTES {
                    return Err(too_large(self.service, &self.url));
                }
                Ok(Some(chunk))
            }
            Ok(None) => Ok(None),
            Err(e) => {
                let failure = classify_transport(&e);
                Err(transport_error(
                    self.service,
                    &self.url,
                    &failure,
                    self.effect,
                ))
            }
        }
    }
}

/// What a dry-run shows for one request.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestPreview {
    /// HTTP method.
    pub method: String,
    /// The full URL, query included.
    pub url: String,
    /// Header names with values; credential values are masked.
    pub headers: BTreeMap<String, String>,
    /// The body that would be sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
    /// The timeout that would apply.
    pub timeout_ms: u64,
}

/// A client for one service, bound to the credentials resolved for the current run.
#[derive(Debug)]
pub struct ServiceClient<'a> {
    service: Service,
    base: Url,
    transport: &'a Transport,
    auth: Auth<'a>,
    settings: HttpSettings,
    secrets: Option<&'a Secrets>,
}

impl<'a> ServiceClient<'a> {
    pub(crate) fn new(
        service: Service,
        base: Url,
        transport: &'a Transport,
        auth: Auth<'a>,
        settings: HttpSettings,
    ) -> Self {
        Self {
            service,
            base,
            transport,
            auth,
            settings,
            secrets: None,
        }
    }

    /// Lets requests use this run's secrets as path segments ([`ApiRequest::secret_segment`]).
    pub(crate) fn with_secrets(mut self, secrets: &'a Secrets) -> Self {
        self.secrets = Some(secrets);
        self
    }

    /// The service this client talks to.
    pub fn service(&self) -> Service {
        self.service
    }

    /// The base URL.
    pub fn base_url(&self) -> &Url {
        &self.base
    }

    /// The configured HTTP settings.
    pub fn settings(&self) -> HttpSettings {
        self.settings
    }

    /// The full URL of `request`. Every path segment is percent-encoded (`/` becomes `%2F`);
    /// empty, `.` and `..` segments are refused, since URL normalisation would silently drop
    /// them and address a different resource.
    pub fn url(&self, request: &ApiRequest) -> Result<Url, Error> {
        self.build_url(request, true)
    }

    /// The URL with secret segments either revealed (to send) or masked (to preview).
    fn build_url(&self, request: &ApiRequest, reveal: bool) -> Result<Url, Error> {
        let mut segments = Vec::with_capacity(request.path.len());
        for segment in &request.path {
            let text = match segment {
                Segment::Text(text) => text.as_str(),
                Segment::Secret(_) if !reveal => MASK,
                Segment::Secret(name) => self
                    .secrets
                    .and_then(|s| s.get(*name))
                    .map(ExposeSecret::expose_secret)
                    .ok_or_else(|| name.missing_error())?,
            };
            if text.is_empty() || text == "." || text == ".." {
                let shown = match segment {
                    Segment::Text(_) => format!("`{text}`"),
                    Segment::Secret(name) => format!("the value of {name}"),
                };
                return Err(Error::new(
                    ErrorCode::InvalidIdentifier,
                    format!("{shown} cannot be used as a path segment"),
                ));
            }
            segments.push(text);
        }
        let mut url = self.base.clone();
        url.path_segments_mut()
            .map_err(|()| Error::internal("base URL cannot take a path"))?
            .pop_if_empty()
            .extend(segments);
        if !request.query.is_empty() {
            url.query_pairs_mut().extend_pairs(&request.query);
        }
        Ok(url)
    }

    fn timeout_for(&self, request: &ApiRequest) -> Duration {
        request.timeout.unwrap_or(self.settings.timeout)
    }

    fn default_headers(&self) -> [(&'static str, &'static str); 2] {
        match self.service {
            Service::Controller | Service::Platform => [
                (USER_AGENT.as_str(), BROWSER_USER_AGENT),
                (ACCEPT.as_str(), BROWSER_ACCEPT),
            ],
            _ => [
                (USER_AGENT.as_str(), OWN_USER_AGENT),
                (
                    ACCEPT.as_str(),
                    "application/json, text/event-stream;q=0.9, */*;q=0.8",
                ),
            ],
        }
    }

    fn auth_for(&self, request: &ApiRequest) -> Auth<'a> {
        if request.with_auth {
            self.auth
        } else {
            Auth::None
        }
    }

    /// What a real run would send, with credential values masked.
    pub fn preview(&self, request: &ApiRequest) -> Result<RequestPreview, Error> {
        let url = self.build_url(request, false)?;
        let mut headers: BTreeMap<String, String> = self
            .default_headers()
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let auth = self.auth_for(request);
        let auth_headers = if request.with_auth && !auth.is_some() {
            Auth::missing_preview_headers(self.service)
        } else {
            auth.preview_headers()
        };
        for (name, value) in auth_headers {
            headers.insert(name.to_owned(), value);
        }
        let body = match &request.body {
            Body::Empty => None,
            Body::Json(value) => {
                headers.insert(CONTENT_TYPE.as_str().into(), "application/json".into());
                Some(value.clone())
            }
            Body::Multipart(parts) => {
                headers.insert(
                    CONTENT_TYPE.as_str().into(),
                    "multipart/form-data; boundary=…".into(),
                );
                Some(preview_form(parts))
            }
        };
        Ok(RequestPreview {
            method: request.method.to_string(),
            url: url.to_string(),
            headers,
            body,
            timeout_ms: u64::try_from(self.timeout_for(request).as_millis()).unwrap_or(u64::MAX),
        })
    }

    /// Sends `request`, retrying as the policy allows, and buffers the (capped) body.
    pub async fn send(&self, request: &ApiRequest) -> Result<ApiResponse, Error> {
        let url = self.url(request)?;
        let (response, url) = self.send_with_retries(request, url).await?;
        let status = response.status().as_u16();
        let content_type = header_string(response.headers(), CONTENT_TYPE.as_str());
        let body = read_capped(response, self.service, &url, request.effect).await?;
        Ok(ApiResponse {
            status,
            content_type,
            body,
            url: url.to_string(),
        })
    }

    /// Sends `request` like [`Self::send`] but hands back the body as a stream once a
    /// success status arrived. Retries happen only before the status line.
    pub async fn send_streaming(&self, request: &ApiRequest) -> Result<StreamingResponse, Error> {
        let url = self.url(request)?;
        let (response, url) = self.send_with_retries(request, url).await?;
        Ok(StreamingResponse {
            status: response.status().as_u16(),
            content_type: header_string(response.headers(), CONTENT_TYPE.as_str()),
            url: url.to_string(),
            service: self.service,
            effect: request.effect,
            received: 0,
            response,
        })
    }

    async fn send_with_retries(
        &self,
        request: &ApiRequest,
        url: Url,
    ) -> Result<(reqwest::Response, Url), Error> {
        let client = self.transport.client()?;
        let mut retry = 0u32;
        loop {
            let started = Instant::now();
            let attempt = self.send_once(client, request, &url).await;
            let elapsed_ms = started.elapsed().as_millis();
            let failure = match attempt {
                Ok(response) if response.status().is_success() => {
                    tracing::debug!(
                        service = self.service.as_str(),
                        method = %request.method,
                        url = %redact::redact_text(url.as_str()),
                        status = response.status().as_u16(),
                        elapsed_ms,
                        "http request"
                    );
                    return Ok((response, url));
                }
                Ok(response) => self.failed_status(response, &url, request.effect).await,
                Err(e) => Failure::Transport(classify_transport(&e)),
            };
            let outcome = failure.outcome();
            let retriable = retry::retriable(outcome, request.effect);
            let wait = failure
                .retry_after()
                .map(|ra| ra.max(retry::backoff(self.settings.retry_backoff, retry)))
                .unwrap_or_else(|| retry::backoff(self.settings.retry_backoff, retry));
            let waits_too_long = failure
                .retry_after()
                .is_some_and(|ra| ra > retry::MAX_RETRY_AFTER);
            let max_retries = request.max_retries.unwrap_or(self.settings.max_retries);
            if retriable && retry < max_retries && !waits_too_long {
                tracing::warn!(
                    service = self.service.as_str(),
                    method = %request.method,
                    url = %redact::redact_text(url.as_str()),
                    outcome = ?outcome,
                    retry = retry + 1,
                    wait_ms = wait.as_millis(),
                    "retrying"
                );
                tokio::time::sleep(wait).await;
                retry += 1;
                continue;
            }
            tracing::debug!(
                service = self.service.as_str(),
                url = %redact::redact_text(url.as_str()),
                outcome = ?outcome,
                elapsed_ms,
                "http request failed"
            );
            let timeout = self.timeout_for(request);
            return Err(failure.into_error(self.service, &url, request.effect, timeout));
        }
    }

    async fn send_once(
        &self,
        client: &reqwest::Client,
        request: &ApiRequest,
        url: &Url,
    ) -> Result<reqwest::Response, reqwest::Error> {
        let mut builder = client
            .request(request.method.clone(), url.clone())
            .timeout(self.timeout_for(request));
        for (name, value) in self.default_headers() {
            builder = builder.header(name, value);
        }
        builder = self.auth_for(request).apply(builder);
        builder = match &request.body {
            Body::Empty => builder,
            Body::Json(value) => builder.json(value),
            Body::Multipart(parts) => builder.multipart(build_form(parts)),
        };
        builder.send().await
    }

    async fn failed_status(
        &self,
        response: reqwest::Response,
        url: &Url,
        effect: Effect,
    ) -> Failure {
        let status = response.status().as_u16();
        let retry_after = header_string(response.headers(), RETRY_AFTER.as_str())
            .and_then(|v| retry::parse_retry_after(&v, SystemTime::now()));
        let location = header_string(response.headers(), "location");
        // The error body is informative only; a failure to read it is not the error to report.
        let body = read_capped(response, self.service, url, effect)
            .await
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default();
        if (300..400).contains(&status) {
            return Failure::Redirect { status, location };
        }
        Failure::Status {
            status,
            capacity_exhausted: status == 409 && retry::is_capacity_exhausted(&body),
            retry_after,
            body,
        }
    }
}

fn header_string(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

async fn read_capped(
    mut response: reqwest::Response,
    service: Service,
    url: &Url,
    effect: Effect,
) -> Result<Bytes, Error> {
    if response
        .content_length()
        .is_some_and(|len| len > MAX_BODY_BYTES as u64)
    {
        return Err(too_large(service, url.as_str()));
    }
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if body.len() + chunk.len() > MAX_BODY_BYTES {
                    return Err(too_large(service, url.as_str()));
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(Bytes::from(body)),
            Err(e) => {
                let failure = classify_transport(&e);
                return Err(transport_error(service, url.as_str(), &failure, effect));
            }
        }
    }
}

fn too_large(service: Service, url: &str) -> Error {
    Error::new(
        ErrorCode::ResponseTooLarge,
        format!(
            "the response from {} exceeded {} MiB",
            service.as_str(),
            MAX_BODY_BYTES / (1024 * 1024)
        ),
    )
    .with_service(service)
    .with_endpoint(url)
}

/// A transport failure, classified.
#[derive(Debug)]
struct TransportFailure {
    outcome: Outcome,
    /// A connect that timed out: reported as a timeout, retried as a connect failure.
    timed_out: bool,
    forbidden: Option<String>,
    detail: String,
}

fn classify_transport(e: &reqwest::Error) -> TransportFailure {
    let forbidden = find_source::<ForbiddenResolution>(e).map(ToString::to_string);
    let detail = root_cause(e);
    if forbidden.is_some() {
        return TransportFailure {
            outcome: Outcome::Refused,
            timed_out: false,
            forbidden,
            detail,
        };
    }
    let timed_out = e.is_timeout();
    let outcome = if e.is_connect() {
        Outcome::ConnectFailed
    } else if e.is_builder() {
        Outcome::Refused
    } else if timed_out {
        Outcome::TimedOut
    } else {
        Outcome::Interrupted
    };
    TransportFailure {
        outcome,
        timed_out,
        forbidden: None,
        detail,
    }
}

fn find_source<T: std::error::Error + 'static>(e: &reqwest::Error) -> Option<&T> {
    let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
    while let Some(err) = source {
        if let Some(found) = err.downcast_ref::<T>() {
            return Some(found);
        }
        source = err.source();
    }
    None
}

/// The innermost cause's message, which says what actually happened ("connection refused").
fn root_cause(e: &reqwest::Error) -> String {
    let mut last: &dyn std::error::Error = e;
    while let Some(next) = last.source() {
        last = next;
    }
    last.to_string()
}

fn transport_error(
    service: Service,
    url: &str,
    failure: &TransportFailure,
    effect: Effect,
) -> Error {
    let retriable = retry::retriable(failure.outcome, effect);
    let host = Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_default();
    let error = if let Some(forbidden) = &failure.forbidden {
        Error::new(
            ErrorCode::UnsafeEndpoint,
            format!("refused to connect: {forbidden}"),
        )
        .with_hint("Only public Theta endpoints can be called; check DNS for this host.")
    } else if failure.timed_out {
        let message = if failure.outcome == Outcome::ConnectFailed {
            format!("connecting to {host} timed out")
        } else {
            format!("{} did not answer in time", service.as_str())
        };
        let hint = if retriable {
            "Retry; if it keeps timing out, raise THETA_HTTP_TIMEOUT_MS."
        } else {
            "The request was sent and may still be processed upstream: check its status before sending it again."
        };
        Error::new(ErrorCode::Timeout, message).with_hint(hint)
    } else if failure.outcome == Outcome::Refused {
        Error::new(
            ErrorCode::ConfigError,
            format!("the request could not be built: {}", failure.detail),
        )
        .with_hint("A credential or argument contains characters that cannot be sent over HTTP.")
    } else if failure.outcome == Outcome::ConnectFailed {
        Error::new(
            ErrorCode::NetworkError,
            format!("could not connect to {host}: {}", failure.detail),
        )
        .with_hint("Check the network, HTTPS_PROXY and SSL_CERT_FILE.")
    } else {
        let hint = if retriable {
            "Retry the command."
        } else {
            "The connection broke after the request was sent; it may have been processed. Check its status before sending it again."
        };
        Error::new(
            ErrorCode::NetworkError,
            format!("the connection to {host} failed: {}", failure.detail),
        )
        .with_hint(hint)
    };
    error
        .with_service(service)
        .with_endpoint(url)
        .with_retriable(retriable)
}

/// Why an attempt did not succeed.
#[derive(Debug)]
enum Failure {
    Transport(TransportFailure),
    Status {
        status: u16,
        capacity_exhausted: bool,
        retry_after: Option<Duration>,
        body: String,
    },
    Redirect {
        status: u16,
        location: Option<String>,
    },
}

impl Failure {
    fn outcome(&self) -> Outcome {
        match self {
            Failure::Transport(t) => t.outcome,
            Failure::Status {
                status,
                capacity_exhausted,
                ..
            } => Outcome::Status {
                status: *status,
                capacity_exhausted: *capacity_exhausted,
            },
            Failure::Redirect { .. } => Outcome::Refused,
        }
    }

    fn retry_after(&self) -> Option<Duration> {
        match self {
            Failure::Status { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    fn into_error(self, service: Service, url: &Url, effect: Effect, timeout: Duration) -> Error {
        let retriable = retry::retriable(self.outcome(), effect);
        match self {
            Failure::Transport(t) => {
                let error = transport_error(service, url.as_str(), &t, effect);
                if t.timed_out && t.outcome != Outcome::ConnectFailed {
                    let message = format!(
                        "{} did not answer within {} ms",
                        service.as_str(),
                        timeout.as_millis()
                    );
                    return error.recode(ErrorCode::Timeout, message);
                }
                error
            }
            Failure::Redirect { status, location } => Error::new(
                ErrorCode::RedirectRefused,
                format!(
                    "{} answered with a redirect (HTTP {status}{}), which is refused",
                    service.as_str(),
                    location.map(|l| format!(" to {l}")).unwrap_or_default()
                ),
            )
            .with_status(status)
            .with_service(service)
            .with_endpoint(url.as_str())
            .with_hint("Theta APIs do not redirect; check the base URL."),
            Failure::Status {
                status,
                capacity_exhausted,
                retry_after,
                body,
            } => {
                let detail = body_excerpt(&body);
                let (code, message) = if capacity_exhausted {
                    (
                        ErrorCode::ThetaOndemandCapacityExhausted,
                        format!("Temporary Theta on-demand capacity exhaustion: {detail}"),
                    )
                } else if detail.is_empty() {
                    (
                        ErrorCode::Http(status),
                        format!("{} answered HTTP {status}", service.as_str()),
                    )
                } else {
                    (
                        ErrorCode::Http(status),
                        format!("{} answered HTTP {status}: {detail}", service.as_str()),
                    )
                };
                let mut hint = status_hint(service, status, capacity_exhausted, retriable);
                if let Some(ra) = retry_after.filter(|_| retriable) {
                    hint = format!("{hint} The server asked to wait {} s.", ra.as_secs());
                }
                Error::new(code, message)
                    .with_status(status)
                    .with_service(service)
                    .with_endpoint(url.as_str())
                    .with_retriable(retriable)
                    .with_hint(hint)
            }
        }
    }
}

/// A short, single-line excerpt of an error body: the `message`/`error` field of a JSON body
/// when there is one, otherwise the text, whitespace collapsed, at most 300 characters.
fn body_excerpt(body: &str) -> String {
    let from_json = serde_json::from_str::<Value>(body).ok().and_then(|v| {
        ["message", "error", "detail", "msg"]
            .iter()
            .find_map(|k| match v.get(*k) {
                Some(Value::String(s)) => Some(s.clone()),
                Some(Value::Object(o)) => {
                    o.get("message").and_then(Value::as_str).map(str::to_owned)
                }
                _ => None,
            })
    });
    let text = from_json.unwrap_or_else(|| body.to_owned());
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    truncate_chars(&collapsed, 300)
}

fn status_hint(service: Service, status: u16, capacity: bool, retriable: bool) -> String {
    let credential = match service {
        Service::Controller | Service::Platform => {
            "THETA_EC_API_KEY (keys are project-scoped: the key must belong to the project you address)"
        }
        Service::Ondemand => "THETA_ONDEMAND_API_TOKEN",
        Service::Dedicated => "THETA_INFERENCE_AUTH_TOKEN or THETA_INFERENCE_AUTH_USER/PASS",
        Service::Video => "THETA_VIDEO_SA_ID and THETA_VIDEO_SA_SECRET",
        Service::Runtime => "the credentials",
    };
    match status {
        _ if capacity => {
            "No instances are free right now; retry in a minute, or pick another service or variant.".to_owned()
        }
        401 | 403 => format!("The credentials were rejected: check {credential}."),
        404 => "Not found: check the id or name; the resource may not exist (any more).".to_owned(),
        429 => "Rate limited: wait, then retry.".to_owned(),
        400 | 422 => "The upstream rejected the request: check the arguments against the message.".to_owned(),
        402 => "Payment required: check the organization's credit balance on the Theta dashboard.".to_owned(),
        _ if retriable => "The upstream is failing; retry later.".to_owned(),
        408 | 425 | 500..=599 => "The request reached the upstream, which failed; it may have been processed. Check its status before sending it again.".to_owned(),
        _ => "See the message for the upstream's answer.".to_owned(),
    }
}

fn build_form(parts: &[FormPart]) -> multipart::Form {
    parts
        .iter()
        .fold(multipart::Form::new(), |form, part| match &part.value {
            FormValue::Text(text) => form.text(part.name.clone(), text.clone()),
            FormValue::File {
                filename,
                content_type,
                bytes,
            } => {
                let file = multipart::Part::bytes(bytes.clone()).file_name(filename.clone());
                // An unparsable MIME type falls back to octet-stream rather than failing the call.
                let file = file.mime_str(content_type).unwrap_or_else(|_| {
                    multipart::Part::bytes(bytes.clone()).file_name(filename.clone())
                });
                form.part(part.name.clone(), file)
            }
        })
}

fn preview_form(parts: &[FormPart]) -> Value {
    let fields: serde_json::Map<String, Value> = parts
        .iter()
        .map(|part| {
            let value = match &part.value {
                FormValue::Text(text) => Value::String(text.clone()),
                FormValue::File {
                    filename,
                    content_type,
                    bytes,
                } => json!({
                    "filename": filename,
                    "contentType": content_type,
                    "bytes": bytes.len(),
                    "content": MASK,
                }),
            };
            (part.name.clone(), value)
        })
        .collect();
    json!({ "multipart": fields })
}

#[cfg(test)]
mod tests {
    use super::*;
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    static TRANSPORT: std::sync::LazyLock<Transport> = std::sync::LazyLock::new(Transport::new);

    fn client(server: &MockServer, retries: u32) -> ServiceClient<'static> {
        ServiceClient::new(
            Service::Ondemand,
            Url::parse(&server.uri()).unwrap(),
            &TRANSPORT,
            Auth::None,
            HttpSettings {
                timeout: Duration::from_millis(1_000),
                max_retries: retries,
                retry_backoff: Duration::from_millis(25),
            },
        )
    }

    async fn count(server: &MockServer) -> usize {
        server.received_requests().await.unwrap().len()
    }

    #[tokio::test]
    async fn a_paid_post_is_never_resent_after_it_may_have_arrived() {
        for failure in [
            ResponseTemplate::new(502),
            ResponseTemplate::new(500),
            ResponseTemplate::new(200).set_delay(Duration::from_millis(2_500)),
        ] {
            let server = MockServer::start().await;
            Mock::given(method("POST"))
                .respond_with(failure)
                .mount(&server)
                .await;
            let request =
                ApiRequest::post(&["infer_request", "flux"], Effect::Paid).json(json!({}));
            let error = client(&server, 3).send(&request).await.unwrap_err();
            assert!(!error.retriable(), "{error:?}");
            assert_eq!(count(&server).await, 1, "{error:?}");
            assert!(
                error.hint().unwrap_or_default().contains("may"),
                "{error:?}"
            );
        }
    }

    #[tokio::test]
    async fn unprocessed_answers_are_retried_even_for_paid_requests() {
        for (status, body) in [(429, "slow down"), (409, "No instances available")] {
            let server = MockServer::start().await;
            Mock::given(method("POST"))
                .respond_with(ResponseTemplate::new(status).set_body_string(body))
                .up_to_n_times(2)
                .mount(&server)
                .await;
            Mock::given(method("POST"))
                .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": 1})))
                .mount(&server)
                .await;
            let request = ApiRequest::post(&["x"], Effect::Paid).json(json!({}));
            let response = client(&server, 2).send(&request).await.unwrap();
            assert_eq!(response.json_value().unwrap(), json!({"ok": 1}));
            assert_eq!(count(&server).await, 3);
        }
    }

    #[tokio::test]
    async fn a_request_can_take_exactly_one_attempt() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(503))
            .mount(&server)
            .await;
        let error = client(&server, 3)
            .send(&ApiRequest::get(&["models"]).max_retries(0))
            .await
            .unwrap_err();
        assert_eq!(error.code(), ErrorCode::Http(503));
        assert!(
            error.retriable(),
            "the outcome is still retriable, just not here"
        );
        assert_eq!(count(&server).await, 1);
        client(&server, 1)
            .send(&ApiRequest::get(&["models"]))
            .await
            .unwrap_err();
        assert_eq!(
            count(&server).await,
            3,
            "the configured retries still apply"
        );
    }

    #[tokio::test]
    async fn capacity_exhaustion_has_its_own_code_and_a_plain_409_does_not_retry() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/busy"))
            .respond_with(
                ResponseTemplate::new(409)
                    .set_body_json(json!({"message": "No instances available"})),
            )
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path("/conflict"))
            .respond_with(ResponseTemplate::new(409).set_body_string("already exists"))
            .mount(&server)
            .await;
        let busy = ApiRequest::post(&["busy"], Effect::Paid);
        let error = client(&server, 1).send(&busy).await.unwrap_err();
        assert_eq!(error.code(), ErrorCode::ThetaOndemandCapacityExhausted);
        assert!(error.retriable());
        assert_eq!(count(&server).await, 2);
        let conflict = ApiRequest::post(&["conflict"], Effect::Mutating);
        let error = client(&server, 1).send(&conflict).await.unwrap_err();
        assert_eq!(error.code(), ErrorCode::Http(409));
        assert!(!error.retriable());
        assert_eq!(count(&server).await, 3);
    }

    #[tokio::test]
    async fn retry_after_is_honoured_and_a_long_one_is_reported_instead() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/short"))
            .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
            .up_to_n_times(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/short"))
            .respond_with(ResponseTemplate::new(200))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/long"))
            .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "3600"))
            .mount(&server)
            .await;
        let started = Instant::now();
        client(&server, 2)
            .send(&ApiRequest::get(&["short"]))
            .await
            .unwrap();
        assert!(started.elapsed() >= Duration::from_secs(1));
        let error = client(&server, 2)
            .send(&ApiRequest::get(&["long"]))
            .await
            .unwrap_err();
        assert!(error.retriable());
        assert!(
            error.hint().unwrap_or_default().contains("3600 s"),
            "{error:?}"
        );
        assert_eq!(
            count(&server).await,
            3,
            "the long wait is not slept through"
        );
    }

    #[tokio::test]
    async fn oversized_bodies_are_refused() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200).set_body_bytes(vec![b'x'; MAX_BODY_BYTES + 1]))
            .mount(&server)
            .await;
        let error = client(&server, 0)
            .send(&ApiRequest::get(&["big"]))
            .await
            .unwrap_err();
        assert_eq!(error.code(), ErrorCode::ResponseTooLarge);
    }

    #[test]
    fn path_segments_are_encoded_and_dot_segments_refused() {
        let base = Url::parse("https://controller.thetaedgecloud.com").unwrap();
        let c = ServiceClient::new(
            Service::Controller,
            base,
            &TRANSPORT,
            Auth::None,
            HttpSettings::default(),
        );
        let url = c
            .url(&ApiRequest::get(&["deployment", "a/../b", "%2F"]).query("q", "a b&c"))
            .unwrap();
        assert_eq!(
            url.as_str(),
            "https://controller.thetaedgecloud.com/deployment/a%2F..%2Fb/%252F?q=a+b%26c"
        );
        for bad in ["..", ".", ""] {
            let error = c.url(&ApiRequest::get(&["deployment", bad])).unwrap_err();
            assert_eq!(error.code(), ErrorCode::InvalidIdentifier);
        }
    }

    #[test]
    fn secret_segments_are_sent_but_never_previewed() {
        let secrets = Secrets::from_values([(
            SecretName::VideoSaId,
            secrecy::SecretString::from("srvacc_segment_test"),
        )]);
        let base = Url::parse("https://api.thetavideoapi.com").unwrap();
        let c = ServiceClient::new(
            Service::Video,
            base.clone(),
            &TRANSPORT,
            Auth::None,
            HttpSettings::default(),
        )
        .with_secrets(&secrets);
        let request = ApiRequest::get(&["video"])
            .secret_segment(SecretName::VideoSaId)
            .segment("list")
            .query("page", 1);
        assert_eq!(
            c.url(&request).unwrap().as_str(),
            "https://api.thetavideoapi.com/video/srvacc_segment_test/list?page=1"
        );
        let preview = c.preview(&request).unwrap();
        assert_eq!(
            preview.url,
            format!("https://api.thetavideoapi.com/video/{MASK}/list?page=1")
        );
        let without = ServiceClient::new(
            Service::Video,
            base,
            &TRANSPORT,
            Auth::None,
            HttpSettings::default(),
        );
        let error = without.url(&request).unwrap_err();
        assert_eq!(error.code(), ErrorCode::MissingThetaVideoCredentials);
        assert!(
            without.preview(&request).is_ok(),
            "a preview needs no secret"
        );
    }

    #[test]
    fn previews_mask_credentials_and_show_the_body() {
        let secret = secrecy::SecretString::from("tok-123456");
        let base = Url::parse("https://ondemand.thetaedgecloud.com").unwrap();
        let c = ServiceClient::new(
            Service::Ondemand,
            base,
            &TRANSPORT,
            Auth::Bearer(&secret),
            HttpSettings::default(),
        );
        let preview = c
            .preview(
                &ApiRequest::post(&["infer_request", "flux"], Effect::Paid)
                    .json(json!({"input": {"prompt": "cat"}})),
            )
            .unwrap();
        assert_eq!(preview.method, "POST");
        assert_eq!(
            preview.url,
            "https://ondemand.thetaedgecloud.com/infer_request/flux"
        );
        assert_eq!(preview.headers["authorization"], format!("Bearer {MASK}"));
        assert_eq!(preview.headers["content-type"], "application/json");
        assert_eq!(preview.body, Some(json!({"input": {"prompt": "cat"}})));
        assert!(
            !serde_json::to_string(&preview)
                .unwrap()
                .contains("tok-123456")
        );
    }

    #[test]
    fn excerpts_prefer_json_messages_and_stay_short() {
        assert_eq!(
            body_excerpt(r#"{"message":"bad  project\n id"}"#),
            "bad project id"
        );
        assert_eq!(body_excerpt(r#"{"error":{"message":"nope"}}"#), "nope");
        assert_eq!(body_excerpt("plain\ttext"), "plain text");
        assert!(body_excerpt(&"x".repeat(1000)).chars().count() <= 300);
    }
}
