//! Failures: transport errors and non-success answers, classified for the retry policy and
//! turned into errors with `service`, `endpoint`, `status`, `retriable` and a hint.

use std::time::Duration;

use reqwest::Url;
use serde_json::Value;

use super::endpoint::ForbiddenResolution;
use super::retry::{self, Outcome, RetryAfter};
use crate::bounds::{MAX_BODY_BYTES, too_many_json_values};
use crate::error::{Error, ErrorCode};
use crate::secrets::excerpt;
use crate::vocab::{Effect, Service, StatusReading, UpstreamAnswer};

/// A transport failure, classified.
#[derive(Debug)]
pub(crate) struct TransportFailure {
    pub(crate) outcome: Outcome,
    /// A connect that timed out: reported as a timeout, retried as a connect failure.
    pub(crate) timed_out: bool,
    pub(crate) forbidden: Option<String>,
    pub(crate) detail: String,
}

pub(crate) fn classify_transport(e: &reqwest::Error) -> TransportFailure {
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

pub(crate) fn transport_error(
    service: Service,
    url: &str,
    failure: &TransportFailure,
    effect: Effect,
    env_prefix: &str,
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
        .with_hint("Only the skill's public endpoints can be called; check DNS for this host.")
    } else if failure.timed_out {
        let message = if failure.outcome == Outcome::ConnectFailed {
            format!("connecting to {host} timed out")
        } else {
            format!("{} did not answer in time", service.as_str())
        };
        let hint = if retriable {
            format!("Retry; if it keeps timing out, raise {env_prefix}HTTP_TIMEOUT_MS.")
        } else {
            "The request was sent and may still be processed upstream: check its status before sending it again.".to_owned()
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
pub(crate) enum Failure {
    Transport(TransportFailure),
    Status {
        status: u16,
        capacity_exhausted: bool,
        retry_after: RetryAfter,
        body: String,
        headers: reqwest::header::HeaderMap,
    },
    /// The body exceeded the size cap.
    TooLarge,
    Redirect {
        status: u16,
        location: Option<String>,
    },
}

impl Failure {
    pub(crate) fn outcome(&self) -> Outcome {
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
            Failure::Redirect { .. } | Failure::TooLarge => Outcome::Refused,
        }
    }

    pub(crate) fn retry_after(&self) -> &RetryAfter {
        const ABSENT: &RetryAfter = &RetryAfter::Absent;
        match self {
            Failure::Status { retry_after, .. } => retry_after,
            _ => ABSENT,
        }
    }

    pub(crate) fn into_error(
        self,
        service: Service,
        url: &Url,
        effect: Effect,
        timeout: Duration,
        env_prefix: &str,
    ) -> Error {
        let retriable = retry::retriable(self.outcome(), effect);
        match self {
            Failure::Transport(t) => {
                let error = transport_error(service, url.as_str(), &t, effect, env_prefix);
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
            Failure::TooLarge => too_large(service, url.as_str()),
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
            .with_hint("This API does not redirect; check the base URL."),
            Failure::Status {
                status,
                capacity_exhausted,
                retry_after,
                body,
                headers,
            } => {
                let header = |name: &str| {
                    headers
                        .get(name)
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned)
                };
                let answer = UpstreamAnswer {
                    status,
                    body: &body,
                    header: &header,
                };
                let reading = service.read_status.and_then(|read| read(&answer));
                let detail = match reading.as_ref().and_then(|r| r.detail.as_deref()) {
                    Some(own) => one_line_excerpt(own),
                    None => body_excerpt(&body),
                };
                let capacity = service.capacity.filter(|_| capacity_exhausted);
                let (code, message) = match capacity {
                    Some(rule) => (rule.code, format!("{}: {detail}", rule.message)),
                    None if detail.is_empty() => (
                        ErrorCode::Http(status),
                        format!("{} answered HTTP {status}", service.as_str()),
                    ),
                    None => (
                        ErrorCode::Http(status),
                        format!("{} answered HTTP {status}: {detail}", service.as_str()),
                    ),
                };
                let mut hint = status_hint(service, status, capacity_exhausted, retriable);
                match retry_after {
                    RetryAfter::Wait(wait) if retriable => {
                        hint = format!("{hint} The server asked to wait {} s.", wait.as_secs());
                    }
                    RetryAfter::Unusable(raw) if retriable => {
                        hint = format!(
                            "{hint} The server asked to wait (Retry-After: {raw}) longer than this command waits by itself; retry later."
                        );
                    }
                    _ => {}
                }
                let error = Error::new(code, message)
                    .with_status(status)
                    .with_service(service)
                    .with_endpoint(url.as_str())
                    .with_retriable(retriable);
                match reading {
                    Some(reading) => apply_reading(error, reading, hint),
                    None => error.with_hint(hint),
                }
            }
        }
    }
}

/// The pack's reading replaces the code, message and hint it names and adds its details.
fn apply_reading(error: Error, reading: StatusReading, hint: String) -> Error {
    let code = reading.code.unwrap_or_else(|| error.code());
    let message = reading
        .message
        .unwrap_or_else(|| error.message().to_owned());
    let error = error
        .recode(code, message)
        .with_hint(reading.hint.unwrap_or(hint));
    match reading.details {
        Some(details) => error.with_details(details),
        None => error,
    }
}

/// A short, single-line excerpt of an error body: the `message`/`error` field of a JSON body
/// when there is one, otherwise the text, whitespace collapsed, at most 300 characters.
pub(crate) fn body_excerpt(body: &str) -> String {
    let parsed = (!too_many_json_values(body.as_bytes()))
        .then(|| serde_json::from_str::<Value>(body).ok())
        .flatten();
    let from_json = parsed.and_then(|v| {
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
    one_line_excerpt(&from_json.unwrap_or_else(|| body.to_owned()))
}

/// `text` on one line (whitespace collapsed), redacted, at most 300 characters.
fn one_line_excerpt(text: &str) -> String {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    excerpt(&collapsed, 300)
}

fn status_hint(service: Service, status: u16, capacity: bool, retriable: bool) -> String {
    if let Some(rule) = service.capacity.filter(|_| capacity) {
        return rule.hint.to_owned();
    }
    if let Some((_, hint)) = service.status_hints.iter().find(|(s, _)| *s == status) {
        return (*hint).to_owned();
    }
    match status {
        401 | 403 => format!(
            "The credentials were rejected: check {}{}.",
            service.auth.credentials(),
            service.credential_note
        ),
        404 => "Not found: check the id or name; the resource may not exist (any more).".to_owned(),
        429 => "Rate limited: wait, then retry.".to_owned(),
        400 | 422 => "The upstream rejected the request: check the arguments against the message.".to_owned(),
        402 => "Payment required: check the account's credit balance.".to_owned(),
        _ if retriable => "The upstream is failing; retry later.".to_owned(),
        408 | 425 | 500..=599 => "The request reached the upstream, which failed; it may have been processed. Check its status before sending it again.".to_owned(),
        _ => "See the message for the upstream's answer.".to_owned(),
    }
}

pub(crate) fn too_large(service: Service, url: &str) -> Error {
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

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn a_secret_at_the_cut_is_masked_whole() {
        let secret = "excerpt-canary-secret-7a1b9c";
        crate::secrets::remember(&secrecy::SecretString::from(secret));
        // The secret starts at character 276 and would be cut after its 23rd character.
        let body = format!("{} {secret} trailing", "p".repeat(275));
        let excerpt = body_excerpt(&body);
        assert!(excerpt.chars().count() <= 300, "{excerpt}");
        assert!(!excerpt.contains(&secret[..6]), "{excerpt}");
        assert!(excerpt.starts_with(&"p".repeat(275)));
    }
}
