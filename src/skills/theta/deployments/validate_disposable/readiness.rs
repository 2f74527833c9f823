//! Readiness polling and the smoke call against the new deployment's endpoint.
//!
//! The poll loop is generic over the probe (a closure returning one attempt's answer), so it
//! runs against a fake under a paused clock in tests; in a real run each attempt is one
//! `GET <endpoint>/v1/models` (OpenAI-compatible) or `GET <endpoint>/config` (Gradio) with the
//! deployment's Basic-auth credentials, its timeout bounded by the time left.

use std::future::Future;
use std::time::Duration;

use reqwest::Url;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tokio::time::Instant;

use crate::command::Effect;
use crate::error::Error;
use crate::http::ApiRequest;
use crate::http::endpoint::{self};
use crate::skills::theta::controller::find_value;

/// How readiness is probed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Probe {
    /// an OpenAI-compatible server, probed with `GET /v1/models` (allows the smoke call)
    #[default]
    Openai,
    /// a Gradio app, probed with `GET /config`
    Gradio,
}

impl Probe {
    /// The path probed.
    pub(crate) fn path(self) -> &'static str {
        match self {
            Probe::Openai => "/v1/models",
            Probe::Gradio => "/config",
        }
    }

    /// One probe request: one attempt, so each probe the report counts is one request on
    /// the wire (the poll schedule does the waiting, not the HTTP layer's retries).
    pub(crate) fn request(self) -> ApiRequest {
        match self {
            Probe::Openai => ApiRequest::get(&["v1", "models"]),
            Probe::Gradio => ApiRequest::get(&["config"]),
        }
        .max_retries(0)
    }
}

/// At most this many attempts are kept in the report (the latest ones).
const KEPT_ATTEMPTS: usize = 20;

/// The readiness step of the report.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Readiness {
    /// `ready`, `notReady`, `skipped`, `cancelled`, or `pending` (not reached).
    pub(crate) status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) reason: Option<String>,
    pub(crate) probe: Probe,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) endpoint: Option<String>,
    pub(crate) path: &'static str,
    pub(crate) timeout_ms: u64,
    pub(crate) interval_ms: u64,
    pub(crate) elapsed_ms: u64,
    pub(crate) attempt_count: usize,
    /// The latest attempts (at most 20).
    pub(crate) attempts: Vec<Attempt>,
    /// The answer that proved readiness (for Gradio, a summary of its keys).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) response: Option<Value>,
}

impl Readiness {
    pub(crate) fn pending(probe: Probe, timeout: Duration, interval: Duration) -> Self {
        Self {
            status: "pending",
            reason: None,
            probe,
            endpoint: None,
            path: probe.path(),
            timeout_ms: millis(timeout),
            interval_ms: millis(interval),
            elapsed_ms: 0,
            attempt_count: 0,
            attempts: Vec::new(),
            response: None,
        }
    }

    fn record(&mut self, attempt: Attempt) {
        self.attempt_count += 1;
        if self.attempts.len() == KEPT_ATTEMPTS {
            self.attempts.remove(0);
        }
        self.attempts.push(attempt);
    }
}

/// One probe attempt.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Attempt {
    pub(crate) attempt: usize,
    pub(crate) ok: bool,
    pub(crate) elapsed_ms: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) message: Option<String>,
}

/// Probes until one attempt succeeds or `timeout` has passed, sleeping `interval` (never past
/// the deadline) between attempts. `probe` receives the time left, to bound its own request.
/// Progress is written into `readiness` as it happens, so an interrupted poll still reports
/// the attempts it made.
pub(crate) async fn poll<F, Fut>(
    readiness: &mut Readiness,
    timeout: Duration,
    interval: Duration,
    mut probe: F,
) where
    F: FnMut(Duration) -> Fut,
    Fut: Future<Output = Result<Value, Error>>,
{
    let started = Instant::now();
    loop {
        let left = timeout.saturating_sub(started.elapsed());
        if left.is_zero() {
            break;
        }
        let attempt_started = Instant::now();
        let outcome = probe(left).await;
        let number = readiness.attempt_count + 1;
        let elapsed_ms = millis(attempt_started.elapsed());
        readiness.elapsed_ms = millis(started.elapsed());
        match outcome {
            Ok(response) => {
                readiness.record(Attempt {
                    attempt: number,
                    ok: true,
                    elapsed_ms,
                    status: None,
                    code: None,
                    message: None,
                });
                readiness.status = "ready";
                readiness.response = Some(response);
                return;
            }
            Err(error) => readiness.record(Attempt {
                attempt: number,
                ok: false,
                elapsed_ms,
                status: error.status(),
                code: Some(error.code().to_string()),
                message: Some(crate::secrets::summary(&error, 200)),
            }),
        }
        let left = timeout.saturating_sub(started.elapsed());
        if left.is_zero() {
            break;
        }
        tokio::time::sleep(interval.min(left)).await;
    }
    readiness.elapsed_ms = millis(started.elapsed());
    readiness.status = "notReady";
    readiness.reason = Some(format!(
        "no successful {} answer within {} ms ({} attempts)",
        readiness.path,
        millis(timeout),
        readiness.attempt_count
    ));
}

/// The endpoint a create answer named, as a URL the probe may call: `https`, a Theta
/// EdgeCloud host (`*.thetaedgecloud.com` / `*.onthetaedgecloud.com`), no credentials, query
/// or fragment. A bare host name gets `https://`.
pub(crate) fn endpoint_url(raw: &str) -> Result<Url, String> {
    let raw = raw.trim();
    let full = if raw.contains("://") {
        raw.to_owned()
    } else {
        format!("https://{raw}")
    };
    let url = Url::parse(full.trim_end_matches('/'))
        .map_err(|e| format!("the endpoint `{raw}` is not a URL: {e}"))?;
    endpoint::check_url(&url, crate::skills::theta::DEDICATED_HOSTS)
        .map_err(|reason| format!("the endpoint `{raw}` is refused: {reason}"))?;
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!(
            "the endpoint `{raw}` carries a query or fragment, which is refused"
        ));
    }
    Ok(url)
}

/// The smoke step of the report.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Smoke {
    /// `ok`, `failed`, `skipped`, `cancelled`, or `pending` (not reached).
    pub(crate) status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) model: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) response: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) error: Option<String>,
}

impl Smoke {
    pub(crate) fn with_status(status: &'static str, reason: Option<String>) -> Self {
        Self {
            status,
            reason,
            model: None,
            response: None,
            error: None,
        }
    }
}

/// The model for the smoke call: the one asked for, else the first model the readiness answer
/// lists, else `default`.
pub(crate) fn smoke_model(asked: Option<&str>, readiness_answer: Option<&Value>) -> String {
    asked
        .map(str::to_owned)
        .or_else(|| {
            readiness_answer
                .and_then(|answer| find_value(answer, &["id", "model"]))
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .unwrap_or_else(|| "default".to_owned())
}

/// `POST /v1/chat/completions` with one short user message. Paid: sent once.
pub(crate) fn smoke_request(model: &str, message: &str, timeout: Duration) -> ApiRequest {
    ApiRequest::post(&["v1", "chat", "completions"], Effect::Paid)
        .json(json!({
            "model": model,
            "messages": [{"role": "user", "content": message}],
            "max_tokens": 32,
            "stream": false,
        }))
        .timeout(timeout)
}

/// Whether a chat answer is a usable completion (a non-empty `choices` array).
pub(crate) fn has_choices(answer: &Value) -> bool {
    answer
        .get("choices")
        .and_then(Value::as_array)
        .is_some_and(|c| !c.is_empty())
}

pub(crate) fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use std::cell::Cell;

    fn unready(status: u16) -> Error {
        Error::new(ErrorCode::Http(status), "warming up").with_status(status)
    }

    /// The live warm-up pattern (404, then 502 twice, then 200) under a paused clock: four
    /// attempts, `interval` apart, and the readiness answer kept.
    #[tokio::test(start_paused = true)]
    async fn polls_through_warm_up_until_ready() {
        let calls = Cell::new(0u32);
        let mut readiness = Readiness::pending(
            Probe::Openai,
            Duration::from_secs(120),
            Duration::from_secs(10),
        );
        let started = Instant::now();
        poll(
            &mut readiness,
            Duration::from_secs(120),
            Duration::from_secs(10),
            |left| {
                let n = calls.get();
                calls.set(n + 1);
                assert!(left <= Duration::from_secs(120));
                async move {
                    match n {
                        0 => Err(unready(404)),
                        1 | 2 => Err(unready(502)),
                        _ => Ok(json!({"data": [{"id": "llama-3"}]})),
                    }
                }
            },
        )
        .await;
        assert_eq!(readiness.status, "ready");
        assert_eq!(readiness.attempt_count, 4);
        assert_eq!(started.elapsed(), Duration::from_secs(30));
        let statuses: Vec<_> = readiness.attempts.iter().map(|a| a.status).collect();
        assert_eq!(statuses, [Some(404), Some(502), Some(502), None]);
        assert_eq!(smoke_model(None, readiness.response.as_ref()), "llama-3");
    }

    /// Never ready: the loop stops at the deadline, never sleeping past it, and keeps only the
    /// latest attempts.
    #[tokio::test(start_paused = true)]
    async fn gives_up_at_the_deadline() {
        let mut readiness = Readiness::pending(
            Probe::Gradio,
            Duration::from_secs(300),
            Duration::from_secs(7),
        );
        let started = Instant::now();
        poll(
            &mut readiness,
            Duration::from_secs(300),
            Duration::from_secs(7),
            |_| async { Err::<Value, _>(unready(503)) },
        )
        .await;
        assert_eq!(readiness.status, "notReady");
        assert_eq!(started.elapsed(), Duration::from_secs(300));
        // Attempts at 0, 7, …, 294 s: 43 of them.
        assert_eq!(readiness.attempt_count, 43);
        assert_eq!(readiness.attempts.len(), KEPT_ATTEMPTS);
        assert_eq!(readiness.attempts[KEPT_ATTEMPTS - 1].attempt, 43);
        assert!(
            readiness
                .reason
                .as_deref()
                .unwrap_or_default()
                .contains("/config")
        );
    }

    /// A slow probe is bounded by the time left.
    #[tokio::test(start_paused = true)]
    async fn each_attempt_gets_only_the_time_left() {
        let mut readiness = Readiness::pending(
            Probe::Openai,
            Duration::from_secs(25),
            Duration::from_secs(10),
        );
        let mut lefts = Vec::new();
        poll(
            &mut readiness,
            Duration::from_secs(25),
            Duration::from_secs(10),
            |left| {
                lefts.push(left);
                async move {
                    tokio::time::sleep(Duration::from_secs(3)).await;
                    Err::<Value, _>(unready(502))
                }
            },
        )
        .await;
        // 25 s left at t=0; the attempt fails at 3 s, the next starts at 13 s with 12 s left,
        // fails at 16 s, and the 9 s sleep ends at the deadline.
        assert_eq!(lefts, [Duration::from_secs(25), Duration::from_secs(12)]);
        assert_eq!(readiness.status, "notReady");
    }

    #[test]
    fn endpoints_must_be_theta_https_hosts() {
        assert_eq!(
            endpoint_url("abc.onthetaedgecloud.com/").unwrap().as_str(),
            "https://abc.onthetaedgecloud.com/"
        );
        assert!(endpoint_url("https://x.thetaedgecloud.com/prefix").is_ok());
        for bad in [
            "http://x.thetaedgecloud.com",
            "https://evil.example.com",
            "https://u:p@x.thetaedgecloud.com",
            "https://10.0.0.1",
            "https://x.thetaedgecloud.com/?a=1",
            "",
        ] {
            assert!(endpoint_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn smoke_requests_are_small_and_single_shot() {
        let request = smoke_request("m", "hi", Duration::from_secs(60));
        assert_eq!(request.effect(), Effect::Paid);
        assert_eq!(
            request.json_body(),
            Some(&json!({
                "model": "m",
                "messages": [{"role": "user", "content": "hi"}],
                "max_tokens": 32,
                "stream": false
            }))
        );
        assert_eq!(smoke_model(Some("asked"), None), "asked");
        assert_eq!(smoke_model(None, None), "default");
        assert!(has_choices(&json!({"choices": [{}]})));
        assert!(!has_choices(&json!({"choices": []})));
    }
}
