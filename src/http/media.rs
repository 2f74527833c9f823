//! Media on hosts an upstream names at run time: downloading a finished output (an image, a
//! video, audio) from the URL a generation answered with, and uploading a recording to a
//! presigned URL. OpenClaw's providers want bytes, and the network stays in the binary.
//!
//! Such a host is not one of the pack's services, so its rules are its own:
//! - **https only**, no userinfo; an IP-literal host must be a public address, and a name is
//!   checked again at connect time ([`super::endpoint::SafeResolver`]: a name that resolves to
//!   a loopback or private address is refused). With the `local-endpoints` feature (tests
//!   only) `http://127.0.0.1:<port>` passes too, as for base URLs.
//! - **No credential is sent**: no `Authorization`, no API key; a presigned URL carries its
//!   own signature. Errors show the URL without its query, so a signature never lands in
//!   an answer.
//! - **Size**: a download stops at the caller's cap (OpenClaw's cap for the kind, see
//!   [`crate::providers::Slot::max_bytes`]) with `MEDIA_TOO_LARGE`, before reading more; a
//!   body past the small size takes the request's large-body slot ([`super::budget`]).
//! - **Time**: everything ends by the caller's deadline (`TIMEOUT` past it).
//! - **Retries**: a download is a read and is retried as one ([`super::retry`]); redirects
//!   are followed (at most [`MAX_REDIRECTS`]), each target checked like the first URL. An
//!   upload is sent once unless the connection was never made, and redirects are refused.

use std::net::IpAddr;
use std::time::Duration;

use bytes::Bytes;
use reqwest::Url;
use reqwest::header::{ACCEPT, CONTENT_TYPE, RETRY_AFTER, USER_AGENT};
use tokio::time::Instant;
use url::Host;

use super::HttpSettings;
use super::budget::{Lease, SMALL_BODY_BYTES};
use super::client::Transport;
use super::endpoint::{Refusal, is_public};
use super::failure::{Failure, classify_transport};
use super::response::header_string;
use super::retry;
use crate::error::{Error, ErrorCode};
use crate::vocab::{Effect, Service, ServiceDef};

/// Redirects a download follows.
pub const MAX_REDIRECTS: usize = 5;

/// The service named in the errors of media hosts.
pub const MEDIA_HOST: Service = Service::new(&ServiceDef {
    name: "media-host",
    accept: "*/*",
    ..ServiceDef::NONE
});

/// A downloaded output.
#[derive(Debug, Clone)]
pub struct Media {
    /// The bytes.
    pub bytes: Bytes,
    /// The `content-type` the host sent, if any.
    pub content_type: Option<String>,
}

/// Downloads and uploads on media hosts, for one run (its transport, settings and lease).
#[derive(Debug)]
pub struct MediaClient<'a> {
    transport: &'a Transport,
    settings: HttpSettings,
    lease: Lease,
}

/// Checks a media URL: https, no userinfo, and a host that is a name or a public address.
pub fn check_media_url(url: &Url) -> Result<(), Refusal> {
    if cfg!(feature = "local-endpoints") && super::endpoint::is_local_test_endpoint(url) {
        return Ok(());
    }
    if url.scheme() != "https" {
        return Err(Refusal::NotHttps);
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Refusal::Userinfo);
    }
    let ip = match url.host() {
        None => return Err(Refusal::NoHost),
        Some(Host::Domain(_)) => return Ok(()),
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip),
    };
    if is_public(ip) {
        Ok(())
    } else {
        Err(Refusal::ForbiddenAddress(ip))
    }
}

/// `url` without its query and fragment: what errors may show of a (presigned) URL.
pub fn shown(url: &Url) -> String {
    let mut shown = url.clone();
    shown.set_query(None);
    shown.set_fragment(None);
    shown.to_string()
}

fn parse(url: &str, what: &str) -> Result<Url, Error> {
    let parsed = Url::parse(url.trim()).map_err(|_| {
        Error::new(
            ErrorCode::InvalidResponse,
            format!("the {what} URL the upstream answered with is not a URL"),
        )
    })?;
    check(&parsed, what)?;
    Ok(parsed)
}

fn check(url: &Url, what: &str) -> Result<(), Error> {
    check_media_url(url).map_err(|refusal| {
        Error::new(
            ErrorCode::UnsafeEndpoint,
            format!("refused the {what} URL {}: {refusal}", shown(url)),
        )
        .with_service(MEDIA_HOST)
        .with_endpoint(shown(url))
        .with_hint(
            "Outputs are fetched only over https from public hosts; nothing was sent to this one.",
        )
    })
}

fn mib(bytes: usize) -> String {
    let mib = bytes as f64 / (1024.0 * 1024.0);
    if mib >= 10.0 {
        format!("{mib:.0} MiB")
    } else {
        format!("{mib:.1} MiB")
    }
}

/// The `MEDIA_TOO_LARGE` error of a download.
fn too_large(url: &Url, size: Option<u64>, max: usize) -> Error {
    let size = match size {
        Some(size) => format!("is {}", mib(usize::try_from(size).unwrap_or(usize::MAX))),
        None => format!("is over {}", mib(max)),
    };
    Error::new(
        ErrorCode::MediaTooLarge,
        format!(
            "the output {size}, more than the {} OpenClaw accepts for it; it was not downloaded",
            mib(max)
        ),
    )
    .with_service(MEDIA_HOST)
    .with_endpoint(shown(url))
    .with_hint("The generation itself ran and may have been charged; ask for a smaller output (resolution, duration, format).")
}

fn timed_out(url: &Url, what: &str, effect: Effect) -> Error {
    let hint = if effect == Effect::ReadOnly {
        "Give the call more time (timeoutMs), or fetch the output again."
    } else {
        "The upload may have arrived; start over with a new upload URL."
    };
    Error::new(
        ErrorCode::Timeout,
        format!("the {what} did not finish before the call's deadline"),
    )
    .with_service(MEDIA_HOST)
    .with_endpoint(shown(url))
    .with_retriable(effect == Effect::ReadOnly)
    .with_hint(hint)
}

impl<'a> MediaClient<'a> {
    pub(crate) fn new(transport: &'a Transport, settings: HttpSettings, lease: Lease) -> Self {
        Self {
            transport,
            settings,
            lease,
        }
    }

    fn user_agent(&self) -> String {
        format!("{}/{}", self.settings.binary, env!("CARGO_PKG_VERSION"))
    }

    /// Downloads `url` (see the module docs for the rules), at most `max_bytes`, by
    /// `deadline`.
    pub async fn fetch(
        &self,
        url: &str,
        max_bytes: usize,
        deadline: Instant,
    ) -> Result<Media, Error> {
        let client = self.transport.client()?;
        let mut url = parse(url, "output")?;
        let mut redirects = 0usize;
        let mut retry = 0u32;
        loop {
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                return Err(timed_out(&url, "download", Effect::ReadOnly));
            }
            let attempt = client
                .get(url.clone())
                .timeout(remaining)
                .header(USER_AGENT, self.user_agent())
                .header(ACCEPT, "*/*")
                .send()
                .await;
            let failure = match attempt {
                Ok(response) if response.status().is_redirection() => {
                    let next = header_string(response.headers(), "location")
                        .and_then(|location| url.join(&location).ok());
                    let Some(next) = next.filter(|_| redirects < MAX_REDIRECTS) else {
                        return Err(Error::new(
                            ErrorCode::RedirectRefused,
                            format!(
                                "the output host answered HTTP {} without a usable target, or after {MAX_REDIRECTS} redirects",
                                response.status().as_u16()
                            ),
                        )
                        .with_service(MEDIA_HOST)
                        .with_endpoint(shown(&url))
                        .with_status(response.status().as_u16()));
                    };
                    check(&next, "output")?;
                    redirects += 1;
                    url = next;
                    continue;
                }
                Ok(response) if response.status().is_success() => {
                    match self.read(response, &url, max_bytes).await {
                        Ok(media) => return Ok(media),
                        Err(Read::TooLarge(error)) => return Err(*error),
                        Err(Read::Failed(failure)) => failure,
                    }
                }
                Ok(response) => failed_status(response).await,
                Err(e) => Failure::Transport(classify_transport(&e)),
            };
            self.wait_to_retry(
                failure,
                &url,
                Effect::ReadOnly,
                &mut retry,
                deadline,
                remaining,
            )
            .await?;
        }
    }

    /// Uploads `bytes` with `PUT` to the presigned `url` (see the module docs), by `deadline`.
    pub async fn put(
        &self,
        url: &str,
        bytes: Bytes,
        content_type: &str,
        deadline: Instant,
    ) -> Result<(), Error> {
        let client = self.transport.client()?;
        let url = parse(url, "upload")?;
        let mut retry = 0u32;
        loop {
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                return Err(timed_out(&url, "upload", Effect::Mutating));
            }
            let attempt = client
                .put(url.clone())
                .timeout(remaining)
                .header(USER_AGENT, self.user_agent())
                .header(CONTENT_TYPE, content_type)
                .body(bytes.clone())
                .send()
                .await;
            let failure = match attempt {
                Ok(response) if response.status().is_success() => return Ok(()),
                Ok(response) if response.status().is_redirection() => Failure::Redirect {
                    status: response.status().as_u16(),
                    location: None,
                },
                Ok(response) => failed_status(response).await,
                Err(e) => Failure::Transport(classify_transport(&e)),
            };
            self.wait_to_retry(
                failure,
                &url,
                Effect::Mutating,
                &mut retry,
                deadline,
                remaining,
            )
            .await?;
        }
    }

    /// After a failed attempt: sleeps before the next one when the retry rules allow it
    /// (`retry::decide` for `effect`) and the wait ends before `deadline`; otherwise the error.
    async fn wait_to_retry(
        &self,
        failure: Failure,
        url: &Url,
        effect: Effect,
        retry: &mut u32,
        deadline: Instant,
        remaining: Duration,
    ) -> Result<(), Error> {
        let decision = retry::decide(
            failure.outcome(),
            effect,
            failure.retry_after(),
            *retry,
            self.settings.max_retries,
            self.settings.retry_backoff,
        );
        match decision.retry_after {
            Some(wait) if Instant::now() + wait < deadline => {
                tokio::time::sleep(wait).await;
                *retry += 1;
                Ok(())
            }
            _ => Err(self.error(failure, url, effect, remaining)),
        }
    }

    fn error(&self, failure: Failure, url: &Url, effect: Effect, timeout: Duration) -> Error {
        let mut bare = url.clone();
        bare.set_query(None);
        bare.set_fragment(None);
        failure.into_error(MEDIA_HOST, &bare, effect, timeout, self.settings.env_prefix)
    }

    /// Reads a success body under `max` bytes.
    async fn read(
        &self,
        mut response: reqwest::Response,
        url: &Url,
        max: usize,
    ) -> Result<Media, Read> {
        let content_type = header_string(response.headers(), CONTENT_TYPE.as_str());
        let length = response.content_length();
        if length.is_some_and(|len| len > max as u64) {
            return Err(Read::TooLarge(Box::new(too_large(url, length, max))));
        }
        if length.is_some_and(|len| len > SMALL_BODY_BYTES as u64) {
            self.lease.hold_large().await;
        }
        let mut body = Vec::new();
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len() + chunk.len() > max {
                        return Err(Read::TooLarge(Box::new(too_large(url, None, max))));
                    }
                    body.extend_from_slice(&chunk);
                    if body.len() > SMALL_BODY_BYTES {
                        self.lease.hold_large().await;
                    }
                }
                Ok(None) => {
                    return Ok(Media {
                        bytes: Bytes::from(body),
                        content_type,
                    });
                }
                Err(e) => return Err(Read::Failed(Failure::Transport(classify_transport(&e)))),
            }
        }
    }
}

/// Why a success body could not be read.
enum Read {
    TooLarge(Box<Error>),
    Failed(Failure),
}

/// A non-success answer, with at most 64 KiB of its body (for the excerpt).
async fn failed_status(mut response: reqwest::Response) -> Failure {
    let status = response.status().as_u16();
    let retry_after = header_string(response.headers(), RETRY_AFTER.as_str())
        .map(|v| retry::parse_retry_after(&v, std::time::SystemTime::now()))
        .unwrap_or_default();
    let headers = response.headers().clone();
    let mut body = Vec::new();
    while let Ok(Some(chunk)) = response.chunk().await {
        body.extend_from_slice(&chunk);
        if body.len() > 64 * 1024 {
            body.truncate(64 * 1024);
            break;
        }
    }
    Failure::Status {
        status,
        capacity_exhausted: false,
        retry_after,
        body: String::from_utf8_lossy(&body).into_owned(),
        headers,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::budget::MemoryBudget;
    use std::sync::LazyLock;
    use wiremock::matchers::{header_exists, method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    static TRANSPORT: LazyLock<Transport> = LazyLock::new(Transport::new);

    fn client() -> MediaClient<'static> {
        MediaClient::new(
            &TRANSPORT,
            HttpSettings {
                max_retries: 2,
                retry_backoff: Duration::from_millis(10),
                ..HttpSettings::default()
            },
            MemoryBudget::default().lease(),
        )
    }

    fn soon() -> Instant {
        Instant::now() + Duration::from_secs(10)
    }

    #[test]
    fn media_urls_are_https_and_public() {
        let ok = |u: &str| check_media_url(&Url::parse(u).unwrap());
        assert_eq!(ok("https://cdn.example.com/a.png?sig=1"), Ok(()));
        assert_eq!(ok("https://8.8.8.8/a.png"), Ok(()));
        assert_eq!(ok("http://cdn.example.com/a.png"), Err(Refusal::NotHttps));
        assert_eq!(
            ok("https://u:p@cdn.example.com/a.png"),
            Err(Refusal::Userinfo)
        );
        // Every hostile URL whose scheme, userinfo or address is wrong is refused here; names
        // (any domain may host outputs) are judged at connect time.
        for (url, _) in crate::http::endpoint::hostile_urls() {
            let parsed = Url::parse(url).unwrap();
            let named = matches!(parsed.host(), Some(Host::Domain(_)));
            let clean = parsed.scheme() == "https" && parsed.username().is_empty();
            match check_media_url(&parsed) {
                Ok(()) => assert!(
                    (named && clean) || *url == "https://8.8.8.8",
                    "{url} passed"
                ),
                Err(_) => assert!(!(named && clean), "{url} refused"),
            }
        }
    }

    #[test]
    fn errors_never_show_a_query() {
        let url = Url::parse("https://s3.example.com/up/a.wav?X-Amz-Signature=abc123#f").unwrap();
        assert_eq!(shown(&url), "https://s3.example.com/up/a.wav");
    }

    #[tokio::test]
    async fn a_download_sends_no_credential_and_follows_checked_redirects() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/moved"))
            .respond_with(ResponseTemplate::new(302).insert_header("location", "/out.png"))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/out.png"))
            .respond_with(
                ResponseTemplate::new(200).set_body_raw(b"\x89PNG-bytes".to_vec(), "image/png"),
            )
            .mount(&server)
            .await;
        let media = client()
            .fetch(&format!("{}/moved", server.uri()), 1024, soon())
            .await
            .unwrap();
        assert_eq!(&media.bytes[..], b"\x89PNG-bytes");
        assert_eq!(media.content_type.as_deref(), Some("image/png"));
        for request in server.received_requests().await.unwrap() {
            for name in ["authorization", "x-api-key", "cookie"] {
                assert!(!request.headers.contains_key(name), "{name} sent");
            }
        }
        // A redirect to a forbidden host is refused before anything is sent there.
        let refuse = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(
                ResponseTemplate::new(302).insert_header("location", "https://10.0.0.1/x.png"),
            )
            .mount(&refuse)
            .await;
        let error = client()
            .fetch(&refuse.uri(), 1024, soon())
            .await
            .unwrap_err();
        assert_eq!(error.code(), ErrorCode::UnsafeEndpoint);
    }

    #[tokio::test]
    async fn a_download_stops_at_the_cap_whatever_the_length_header_says() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200).set_body_bytes(vec![7u8; 5000]))
            .mount(&server)
            .await;
        let error = client()
            .fetch(&server.uri(), 4096, soon())
            .await
            .unwrap_err();
        assert_eq!(error.code(), ErrorCode::MediaTooLarge);
        assert!(
            error.message().contains("more than the"),
            "{}",
            error.message()
        );
        assert!(!error.retriable());
        assert_eq!(
            server.received_requests().await.unwrap().len(),
            1,
            "not fetched again"
        );
        // Exactly at the cap is fine.
        let media = client().fetch(&server.uri(), 5000, soon()).await.unwrap();
        assert_eq!(media.bytes.len(), 5000);
    }

    #[tokio::test]
    async fn a_failing_download_is_retried_as_a_read_and_names_no_query() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(503))
            .mount(&server)
            .await;
        let error = client()
            .fetch(
                &format!("{}/o.mp4?token=signature-value", server.uri()),
                1024,
                soon(),
            )
            .await
            .unwrap_err();
        assert_eq!(error.code(), ErrorCode::Http(503));
        assert_eq!(server.received_requests().await.unwrap().len(), 3);
        let shown = serde_json::to_string(&error.endpoint()).unwrap();
        assert!(!shown.contains("signature-value"), "{shown}");
    }

    #[tokio::test]
    async fn an_upload_is_sent_once_with_its_type_and_no_credential() {
        let server = MockServer::start().await;
        Mock::given(method("PUT"))
            .and(path("/slot/a.wav"))
            .and(header_exists("content-type"))
            .respond_with(ResponseTemplate::new(200))
            .mount(&server)
            .await;
        client()
            .put(
                &format!("{}/slot/a.wav?X-Amz-Signature=s", server.uri()),
                Bytes::from_static(b"RIFF"),
                "audio/wav",
                soon(),
            )
            .await
            .unwrap();
        let received = server.received_requests().await.unwrap();
        assert_eq!(received.len(), 1);
        assert_eq!(received[0].body, b"RIFF");
        assert_eq!(received[0].headers["content-type"], "audio/wav");
        assert!(!received[0].headers.contains_key("authorization"));

        let failing = MockServer::start().await;
        Mock::given(method("PUT"))
            .respond_with(ResponseTemplate::new(500))
            .mount(&failing)
            .await;
        let error = client()
            .put(
                &failing.uri(),
                Bytes::from_static(b"x"),
                "audio/wav",
                soon(),
            )
            .await
            .unwrap_err();
        assert_eq!(error.code(), ErrorCode::Http(500));
        assert!(!error.retriable());
        assert_eq!(
            failing.received_requests().await.unwrap().len(),
            1,
            "sent once"
        );
    }

    #[tokio::test]
    async fn a_deadline_that_passed_sends_nothing() {
        let server = MockServer::start().await;
        let error = client()
            .fetch(&server.uri(), 1024, Instant::now())
            .await
            .unwrap_err();
        assert_eq!(error.code(), ErrorCode::Timeout);
        assert!(server.received_requests().await.unwrap().is_empty());
    }
}
