//! Service clients: the only code that sends HTTP requests.
//!
//! A command describes a request as an [`ApiRequest`] and hands it to the [`ServiceClient`]
//! for its service, which builds the URL, attaches the service's credentials, applies the
//! retry policy of [`super::retry`], refuses redirects, caps the body and turns every failure
//! into an [`Error`] with `service`, `endpoint`, `status` and `retriable` filled in
//! ([`super::failure`]). The same description gives the dry-run preview
//! ([`ServiceClient::preview`]).

use std::collections::BTreeMap;
use std::sync::OnceLock;
use std::time::{Duration, Instant, SystemTime};

use reqwest::Url;
use reqwest::header::{ACCEPT, CONTENT_TYPE, RETRY_AFTER, USER_AGENT};

use super::HttpSettings;
use super::auth::Auth;
use super::budget::{Lease, MemoryBudget};
use super::endpoint::SafeResolver;
use super::failure::{Failure, classify_transport};
use super::request::{ApiRequest, Body, RequestPreview, build_form, preview_form};
use super::response::{ApiResponse, StreamingResponse, header_string, read_body};
use super::retry;
use super::upload::stopped_upload;
use crate::error::{Error, ErrorCode};
use crate::secrets::Secrets;
use crate::secrets::redact;
use crate::vocab::{Service, UserAgent};

/// How a success is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Read {
    /// The whole body, under the cap.
    Buffered,
    /// Handed back as a stream.
    Streaming,
}

/// What a successful attempt produced.
enum Sent {
    Buffered(ApiResponse),
    Streaming(reqwest::Response, Url),
}

/// The process-wide HTTP transport: one connection pool and one TLS root store, built the
/// first time a command needs the network (a command that makes no request pays nothing).
/// Every [`ServiceClient`] borrows it.
#[derive(Debug, Default)]
pub struct Transport {
    client: OnceLock<Result<reqwest::Client, Error>>,
    budget: MemoryBudget,
}

impl Transport {
    /// A transport that is built on first use, with the default [`MemoryBudget`].
    pub fn new() -> Self {
        Self::default()
    }

    /// A transport whose large response bodies share `budget`.
    pub fn with_budget(budget: MemoryBudget) -> Self {
        Self {
            client: OnceLock::new(),
            budget,
        }
    }

    /// The memory budget of every response body read through this transport.
    pub fn budget(&self) -> &MemoryBudget {
        &self.budget
    }

    pub(crate) fn client(&self) -> Result<&reqwest::Client, Error> {
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

/// A client for one service, bound to the credentials resolved for the current run.
#[derive(Debug)]
pub struct ServiceClient<'a> {
    service: Service,
    base: Url,
    transport: &'a Transport,
    auth: Auth<'a>,
    settings: HttpSettings,
    secrets: Option<&'a Secrets>,
    lease: Option<Lease>,
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
            lease: None,
        }
    }

    /// Charges large bodies to `lease` (the request's, held until its answer is printed);
    /// without one, each read takes and gives back a slot of its own.
    pub(crate) fn with_lease(mut self, lease: Lease) -> Self {
        self.lease = Some(lease);
        self
    }

    fn lease(&self) -> Lease {
        self.lease
            .clone()
            .unwrap_or_else(|| self.transport.budget().lease())
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

    /// The full URL of `request` ([`ApiRequest::url`]'s rules: every segment percent-encoded,
    /// empty and dot segments refused).
    pub fn url(&self, request: &ApiRequest) -> Result<Url, Error> {
        self.build_url(request, true)
    }

    /// The URL with secret segments either revealed (to send) or masked (to preview).
    fn build_url(&self, request: &ApiRequest, reveal: bool) -> Result<Url, Error> {
        request.url(&self.base, self.secrets, reveal)
    }

    fn timeout_for(&self, request: &ApiRequest) -> Duration {
        request.timeout.unwrap_or(self.settings.timeout)
    }

    /// `User-Agent` and `Accept`, as the service declares them.
    fn default_headers(&self) -> [(&'static str, String); 2] {
        let agent = match self.service.user_agent {
            UserAgent::Own => format!("{}/{}", self.settings.binary, env!("CARGO_PKG_VERSION")),
            UserAgent::Fixed(agent) => agent.to_owned(),
        };
        [
            (USER_AGENT.as_str(), agent),
            (ACCEPT.as_str(), self.service.accept.to_owned()),
        ]
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
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
        let auth = self.auth_for(request);
        let auth_headers = if request.with_auth && !auth.is_some() {
            Auth::missing_preview_headers(self.service)
        } else {
            auth.preview_headers()
        };
        for (name, value) in &request.headers {
            headers.insert((*name).to_owned(), value.clone());
        }
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

    /// Sends `request`, retrying as the policy allows, and buffers the (capped) body. The
    /// body is read inside the retry loop: a read-only request whose body is cut short after
    /// a success status is sent again, like any other interrupted read.
    pub async fn send(&self, request: &ApiRequest) -> Result<ApiResponse, Error> {
        let url = self.url(request)?;
        match self.send_with_retries(request, url, Read::Buffered).await? {
            Sent::Buffered(response) => Ok(response),
            Sent::Streaming(..) => Err(Error::internal("a buffered send returned a stream")),
        }
    }

    /// Sends `request` like [`Self::send`] but hands back the body as a stream once a
    /// success status arrived. Retries happen only before the status line.
    pub async fn send_streaming(&self, request: &ApiRequest) -> Result<StreamingResponse, Error> {
        let url = self.url(request)?;
        let Sent::Streaming(response, url) = self
            .send_with_retries(request, url, Read::Streaming)
            .await?
        else {
            return Err(Error::internal("a streaming send returned a buffered body"));
        };
        Ok(StreamingResponse {
            status: response.status().as_u16(),
            content_type: header_string(response.headers(), CONTENT_TYPE.as_str()),
            url: url.to_string(),
            service: self.service,
            effect: request.effect,
            received: 0,
            env_prefix: self.settings.env_prefix,
            lease: self.lease(),
            response,
        })
    }

    /// The attempt loop. After each failed attempt [`retry::decide`] says whether to wait and
    /// try again; the error reports the same decision's `retriable`.
    async fn send_with_retries(
        &self,
        request: &ApiRequest,
        url: Url,
        read: Read,
    ) -> Result<Sent, Error> {
        let client = self.transport.client()?;
        let max_retries = request.max_retries.unwrap_or(self.settings.max_retries);
        let mut retry = 0u32;
        loop {
            let started = Instant::now();
            // A multipart body is built again for each attempt (its local files are read
            // again); one whose file changed since it was checked is not sent at all.
            let form = match &request.body {
                Body::Multipart(parts) => Some(build_form(parts).await?),
                Body::Empty | Body::Json(_) => None,
            };
            let attempt = self.send_once(client, request, &url, form).await;
            let failure = match attempt {
                Ok(response) if response.status().is_success() => {
                    let status = response.status().as_u16();
                    tracing::debug!(
                        service = self.service.as_str(),
                        method = %request.method,
                        url = %redact::redact_text(url.as_str()),
                        status,
                        elapsed_ms = started.elapsed().as_millis(),
                        "http request"
                    );
                    if read == Read::Streaming {
                        return Ok(Sent::Streaming(response, url));
                    }
                    let content_type = header_string(response.headers(), CONTENT_TYPE.as_str());
                    let headers = response.headers().clone();
                    match read_body(response, &self.lease()).await {
                        Ok(body) => {
                            return Ok(Sent::Buffered(ApiResponse {
                                status,
                                headers,
                                content_type,
                                body,
                                url: url.to_string(),
                            }));
                        }
                        Err(failure) => failure,
                    }
                }
                Ok(response) => self.failed_status(response).await,
                // A file that changed while it streamed stopped the request before the server
                // had all of it: its own error, never a retry.
                Err(e) => match stopped_upload(&e) {
                    Some(error) => return Err(error),
                    None => Failure::Transport(classify_transport(&e)),
                },
            };
            let outcome = failure.outcome();
            let decision = retry::decide(
                outcome,
                request.effect,
                failure.retry_after(),
                retry,
                max_retries,
                self.settings.retry_backoff,
            );
            if let Some(wait) = decision.retry_after {
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
                elapsed_ms = started.elapsed().as_millis(),
                "http request failed"
            );
            let timeout = self.timeout_for(request);
            return Err(failure.into_error(
                self.service,
                &url,
                request.effect,
                timeout,
                self.settings.env_prefix,
            ));
        }
    }

    async fn send_once(
        &self,
        client: &reqwest::Client,
        request: &ApiRequest,
        url: &Url,
        form: Option<reqwest::multipart::Form>,
    ) -> Result<reqwest::Response, reqwest::Error> {
        let mut builder = client
            .request(request.method.clone(), url.clone())
            .timeout(self.timeout_for(request));
        for (name, value) in self.default_headers() {
            builder = builder.header(name, value);
        }
        for (name, value) in &request.headers {
            builder = builder.header(*name, value);
        }
        builder = self.auth_for(request).apply(builder);
        builder = match (&request.body, form) {
            (Body::Json(value), _) => builder.json(value),
            (_, Some(form)) => builder.multipart(form),
            (Body::Empty | Body::Multipart(_), None) => builder,
        };
        builder.send().await
    }

    async fn failed_status(&self, response: reqwest::Response) -> Failure {
        let status = response.status().as_u16();
        let retry_after = header_string(response.headers(), RETRY_AFTER.as_str())
            .map(|v| retry::parse_retry_after(&v, SystemTime::now()))
            .unwrap_or_default();
        let location = header_string(response.headers(), "location");
        let headers = response.headers().clone();
        // The error body is informative only; a failure to read it is not the error to report.
        let body = read_body(response, &self.lease())
            .await
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default();
        if (300..400).contains(&status) {
            return Failure::Redirect { status, location };
        }
        Failure::Status {
            status,
            capacity_exhausted: retry::is_capacity_exhausted(self.service, status, &body),
            retry_after,
            body,
            headers,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::MAX_BODY_BYTES;
    use crate::secrets::redact::MASK;
    use crate::testing::{DEMO_API, DEMO_DEDICATED, DEMO_KEY};
    use crate::vocab::Effect;
    use serde_json::json;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    /// A raw HTTP server on 127.0.0.1 whose first `cut` answers promise 100 bytes and close
    /// after five; later answers are whole. Returns its URL and the count of requests seen.
    async fn cutting_server(cut: usize) -> (Url, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = Url::parse(&format!("http://{}", listener.local_addr().unwrap())).unwrap();
        let seen = std::sync::Arc::new(AtomicUsize::new(0));
        let counter = std::sync::Arc::clone(&seen);
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let n = counter.fetch_add(1, Ordering::SeqCst);
                let mut buf = vec![0u8; 4096];
                let _ = socket.read(&mut buf).await;
                let answer: &[u8] = if n < cut {
                    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\nconnection: close\r\n\r\n{\"a\":"
                } else {
                    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 7\r\nconnection: close\r\n\r\n{\"a\":1}"
                };
                let _ = socket.write_all(answer).await;
                let _ = socket.shutdown().await;
            }
        });
        (url, seen)
    }

    fn client_at(base: Url, retries: u32) -> ServiceClient<'static> {
        ServiceClient::new(
            DEMO_API,
            base,
            &TRANSPORT,
            Auth::None,
            HttpSettings {
                timeout: Duration::from_millis(1_000),
                max_retries: retries,
                retry_backoff: Duration::from_millis(25),
                ..HttpSettings::default()
            },
        )
    }

    /// Issue 17, defect 5: a large body is read only while its request holds a slot of the
    /// memory budget; with every slot taken, the next large read waits until the answer
    /// holding one is done. Small bodies never wait.
    #[tokio::test]
    async fn large_bodies_wait_for_a_slot_of_the_memory_budget() {
        let server = MockServer::start().await;
        let large = format!(
            "\"{}\"",
            "x".repeat(crate::http::budget::SMALL_BODY_BYTES + 10)
        );
        Mock::given(method("GET"))
            .and(path("/large"))
            .respond_with(ResponseTemplate::new(200).set_body_raw(large, "application/json"))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/small"))
            .respond_with(ResponseTemplate::new(200).set_body_raw("[1]", "application/json"))
            .mount(&server)
            .await;
        let transport: &'static Transport =
            Box::leak(Box::new(Transport::with_budget(MemoryBudget::new(1))));
        let client_with = |lease: Lease| {
            ServiceClient::new(
                DEMO_API,
                Url::parse(&server.uri()).unwrap(),
                transport,
                Auth::None,
                HttpSettings::default(),
            )
            .with_lease(lease)
        };
        let first = transport.budget().lease();
        let held = client_with(first.clone())
            .send(&ApiRequest::get(&["large"]))
            .await
            .unwrap();
        assert!(first.holds_large());
        // Another request's small read goes on; its large read waits.
        let second = transport.budget().lease();
        client_with(second.clone())
            .send(&ApiRequest::get(&["small"]))
            .await
            .unwrap();
        assert!(!second.holds_large());
        let waiting = tokio::spawn({
            let client = client_with(second.clone());
            async move { client.send(&ApiRequest::get(&["large"])).await.map(|_| ()) }
        });
        tokio::time::sleep(Duration::from_millis(150)).await;
        assert!(!waiting.is_finished(), "the only slot is held");
        drop((held, first));
        tokio::time::timeout(Duration::from_secs(5), waiting)
            .await
            .expect("the slot came free")
            .unwrap()
            .unwrap();
        assert!(second.holds_large());
    }

    #[tokio::test]
    async fn a_read_whose_body_is_cut_after_a_success_is_sent_again() {
        use std::sync::atomic::Ordering;
        let (url, seen) = cutting_server(1).await;
        let response = client_at(url, 2)
            .send(&ApiRequest::get(&["x"]))
            .await
            .unwrap();
        assert_eq!(response.json_value().unwrap(), json!({"a": 1}));
        assert_eq!(seen.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_paid_request_whose_body_is_cut_is_not_sent_again() {
        use std::sync::atomic::Ordering;
        let (url, seen) = cutting_server(5).await;
        let request = ApiRequest::post(&["x"], Effect::Paid).json(json!({}));
        let error = client_at(url, 3).send(&request).await.unwrap_err();
        assert_eq!(error.code(), ErrorCode::NetworkError, "{error:?}");
        assert!(!error.retriable());
        assert_eq!(seen.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn an_unusable_retry_after_stops_the_retries_and_says_so() {
        for value in ["99999999999999999999999", "whenever"] {
            let server = MockServer::start().await;
            Mock::given(method("POST"))
                .respond_with(ResponseTemplate::new(429).insert_header("retry-after", value))
                .mount(&server)
                .await;
            let request = ApiRequest::post(&["x"], Effect::Paid).json(json!({}));
            let error = client(&server, 3).send(&request).await.unwrap_err();
            assert_eq!(error.code(), ErrorCode::Http(429));
            assert!(error.retriable(), "{error:?}");
            assert!(
                error.hint().unwrap_or_default().contains(value),
                "{error:?}"
            );
            assert_eq!(count(&server).await, 1, "{value}: not re-sent");
        }
    }
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    static TRANSPORT: std::sync::LazyLock<Transport> = std::sync::LazyLock::new(Transport::new);

    fn client(server: &MockServer, retries: u32) -> ServiceClient<'static> {
        ServiceClient::new(
            DEMO_API,
            Url::parse(&server.uri()).unwrap(),
            &TRANSPORT,
            Auth::None,
            HttpSettings {
                timeout: Duration::from_millis(1_000),
                max_retries: retries,
                retry_backoff: Duration::from_millis(25),
                ..HttpSettings::default()
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
        assert_eq!(
            error.code(),
            ErrorCode::pack_failure("DEMO_CAPACITY_EXHAUSTED")
        );
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
    fn secret_segments_are_sent_but_never_previewed() {
        let secrets =
            Secrets::from_values([(DEMO_KEY, secrecy::SecretString::from("segment_test_value"))]);
        let base = Url::parse("https://x.demo.example").unwrap();
        let c = ServiceClient::new(
            DEMO_DEDICATED,
            base.clone(),
            &TRANSPORT,
            Auth::None,
            HttpSettings::default(),
        )
        .with_secrets(&secrets);
        let request = ApiRequest::get(&["video"])
            .secret_segment(DEMO_KEY)
            .segment("list")
            .query("page", 1);
        assert_eq!(
            c.url(&request).unwrap().as_str(),
            "https://x.demo.example/video/segment_test_value/list?page=1"
        );
        let preview = c.preview(&request).unwrap();
        assert_eq!(
            preview.url,
            format!("https://x.demo.example/video/{MASK}/list?page=1")
        );
        let without = ServiceClient::new(
            DEMO_DEDICATED,
            base,
            &TRANSPORT,
            Auth::None,
            HttpSettings::default(),
        );
        let error = without.url(&request).unwrap_err();
        assert_eq!(error.code(), ErrorCode::pack_failure("MISSING_DEMO_KEY"));
        assert!(
            without.preview(&request).is_ok(),
            "a preview needs no secret"
        );
    }

    #[test]
    fn previews_mask_credentials_and_show_the_body() {
        let secret = secrecy::SecretString::from("tok-123456");
        let base = Url::parse("https://api.demo.example").unwrap();
        let c = ServiceClient::new(
            DEMO_API,
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
        assert_eq!(preview.url, "https://api.demo.example/infer_request/flux");
        assert_eq!(preview.headers["authorization"], format!("Bearer {MASK}"));
        assert_eq!(preview.headers["content-type"], "application/json");
        assert_eq!(preview.body, Some(json!({"input": {"prompt": "cat"}})));
        assert!(
            !serde_json::to_string(&preview)
                .unwrap()
                .contains("tok-123456")
        );
    }

    fn read_demo_status(
        answer: &crate::vocab::UpstreamAnswer<'_>,
    ) -> Option<crate::vocab::StatusReading> {
        (answer.status == 402).then(|| crate::vocab::StatusReading {
            code: Some(ErrorCode::pack_failure("DEMO_NO_CREDITS")),
            message: Some(format!("needs {}", answer.body)),
            detail: None,
            hint: (answer.header)("x-demo-hint"),
            details: Some(json!({"status": answer.status})),
        })
    }

    static READING_API: crate::vocab::ServiceDef = crate::vocab::ServiceDef {
        name: "demo-reading",
        read_status: Some(read_demo_status),
        ..crate::vocab::ServiceDef::NONE
    };

    #[tokio::test]
    async fn a_pack_reads_codes_hints_and_details_from_error_answers() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(
                ResponseTemplate::new(402)
                    .insert_header("x-demo-hint", "top up")
                    .set_body_string("$1"),
            )
            .mount(&server)
            .await;
        let client = ServiceClient::new(
            Service::new(&READING_API),
            Url::parse(&server.uri()).unwrap(),
            &TRANSPORT,
            Auth::None,
            HttpSettings::default(),
        );
        let request =
            ApiRequest::post(&["x"], Effect::Paid).header("idempotency-key", "k-12345678");
        let error = client.send(&request).await.unwrap_err();
        assert_eq!(error.code(), ErrorCode::pack_failure("DEMO_NO_CREDITS"));
        assert_eq!(error.message(), "needs $1");
        assert_eq!(error.hint(), Some("top up"));
        assert_eq!(error.status(), Some(402));
        assert!(!error.retriable(), "the policy still decides");
        let received = server.received_requests().await.unwrap();
        assert_eq!(received.len(), 1);
        assert_eq!(received[0].headers["idempotency-key"], "k-12345678");
        let preview = client.preview(&request).unwrap();
        assert_eq!(preview.headers["idempotency-key"], "k-12345678");
    }
}
