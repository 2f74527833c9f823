//! `theta.inference.ready`: waits until the dedicated endpoint serves.
//!
//! Probes `GET <THETA_INFERENCE_ENDPOINT>/v1/models` (`probe: "openai"`, the default) or
//! `GET <THETA_INFERENCE_ENDPOINT>/config` (`probe: "gradio"`) until one answers 2xx with JSON
//! or the deadline (`timeoutMs`, default 120 s) passes. A fresh deployment answers 404, then
//! 502/503, for a minute or more: every failure counts as "not ready yet", except a rejection
//! of the credentials (401/403) or a refused endpoint, which waiting cannot fix. Waits between
//! attempts start at `intervalMs` (default 5 s) and grow by half each time, up to 30 s (or
//! `intervalMs` when larger); the last attempt is made at the deadline. Each attempt is one
//! HTTP request (no hidden retries), and every attempt is reported.
//!
//! Read-only and free; runs in dry-run too. Not being ready is a result (`ready: false`), not
//! an error.

use crate::skills::theta;
use std::future::Future;
use std::time::Duration;

use crate::command::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use tokio::time::Instant;

use super::{SECRETS, client, openai_path, segments};
use crate::error::{Error, ErrorCode};
use crate::hooks::seconds;

/// Default deadline.
const DEFAULT_TIMEOUT: Duration = Duration::from_millis(120_000);
/// Default first wait between attempts.
const DEFAULT_INTERVAL: Duration = Duration::from_millis(5_000);
/// Longest wait between attempts (unless `intervalMs` is longer).
const MAX_INTERVAL: Duration = Duration::from_secs(30);
/// Each wait is this much longer than the one before.
const GROWTH: f64 = 1.5;
/// Shortest timeout of one attempt, even right at the deadline.
const MIN_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(1);

/// What to probe.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Probe {
    /// `GET /v1/models`, for OpenAI-compatible servers (vLLM, TGI, …)
    #[default]
    Openai,
    /// `GET /config`, for Gradio apps, which have no `/v1` routes
    Gradio,
}

/// Arguments.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ReadyArgs {
    /// What to probe: `openai` (default) or `gradio`.
    pub probe: Option<Probe>,
    /// How long to keep probing, in milliseconds (default 120000; fresh deployments of large
    /// models can need 10 minutes or more).
    #[schemars(range(min = 1_000, max = 1_800_000))]
    pub timeout_ms: Option<u64>,
    /// The first wait between attempts, in milliseconds (default 5000); each later wait is 1.5
    /// times longer, up to 30 s.
    #[schemars(range(min = 500, max = 60_000))]
    pub interval_ms: Option<u64>,
}

/// When to probe: a pure description of the schedule, so it can be tested without time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    /// Probing stops once this much time has passed.
    pub deadline: Duration,
    /// The first wait.
    pub interval: Duration,
    /// The longest wait.
    pub max_interval: Duration,
}

impl Schedule {
    /// The schedule for a deadline and a first wait.
    pub fn new(deadline: Duration, interval: Duration) -> Self {
        Self {
            deadline,
            interval,
            max_interval: interval.max(MAX_INTERVAL),
        }
    }

    /// The wait after failed attempt number `attempt` (1-based) that ended `elapsed` after
    /// the start, or `None` when the deadline has passed. The wait never runs past the
    /// deadline, so the last attempt is made at the deadline.
    pub fn next_wait(&self, attempt: u32, elapsed: Duration) -> Option<Duration> {
        let remaining = self
            .deadline
            .checked_sub(elapsed)
            .filter(|r| !r.is_zero())?;
        let exponent = i32::try_from(attempt.saturating_sub(1).min(30)).unwrap_or(30);
        let grown =
            Duration::try_from_secs_f64(self.interval.as_secs_f64() * GROWTH.powi(exponent))
                .unwrap_or(self.max_interval)
                .min(self.max_interval);
        Some(grown.min(remaining))
    }

    /// The timeout of an attempt starting `elapsed` after the start: the HTTP timeout, cut to
    /// the time left, but at least one second.
    pub fn attempt_timeout(&self, http_timeout: Duration, elapsed: Duration) -> Duration {
        http_timeout
            .min(self.deadline.saturating_sub(elapsed))
            .max(MIN_ATTEMPT_TIMEOUT)
    }
}

/// One probe attempt, as reported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Attempt {
    /// 1, 2, …
    pub attempt: u32,
    /// Whether the endpoint answered as ready.
    pub ok: bool,
    /// When the attempt started, in milliseconds after the first.
    pub started_ms: u64,
    /// When its answer (or failure) came, in milliseconds after the first attempt started.
    pub elapsed_ms: u64,
    /// The HTTP status of a failed attempt, when there was one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// The error code of a failed attempt.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// What went wrong.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// Why probing stopped without the endpoint being ready.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stopped {
    /// The deadline passed.
    Deadline,
    /// The endpoint rejected the credentials (401/403); waiting will not change that.
    CredentialsRejected,
    /// The runtime refused the endpoint or its answer (unsafe address, redirect, …).
    Refused,
}

/// The report.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReadyOutput {
    /// Whether the endpoint answered as ready.
    pub ready: bool,
    /// What was probed.
    pub probe: Probe,
    /// The URL probed.
    pub url: String,
    /// Time from the first attempt to the last answer, in milliseconds.
    pub elapsed_ms: u64,
    /// The deadline that applied, in milliseconds.
    pub timeout_ms: u64,
    /// Every attempt, in order.
    pub attempts: Vec<Attempt>,
    /// Why probing stopped, when the endpoint is not ready.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopped: Option<Stopped>,
    /// The model ids the endpoint serves (`openai` probe).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub models: Option<Vec<String>>,
    /// The ready answer: the model list (`openai`), or the scalar fields of the Gradio config
    /// (`gradio`; its component tree is left out).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response: Option<Value>,
    /// What to do next, when the endpoint is not ready.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

/// What [`poll_until_ready`] found.
#[derive(Debug, Clone)]
pub struct Polled {
    /// The ready answer, if any.
    pub response: Option<Value>,
    /// Every attempt.
    pub attempts: Vec<Attempt>,
    /// Why probing stopped without an answer.
    pub stopped: Option<Stopped>,
    /// Time from the first attempt to the last answer.
    pub elapsed: Duration,
}

/// The probing loop: calls `attempt` (given the timeout for that attempt) until it succeeds,
/// a failure that waiting cannot fix occurs, or `schedule`'s deadline passes, sleeping
/// between attempts as the schedule says. Uses tokio's clock, so tests run it under
/// `tokio::time::pause()` against a fake `attempt`.
pub async fn poll_until_ready<F, Fut>(
    schedule: Schedule,
    http_timeout: Duration,
    mut attempt: F,
) -> Polled
where
    F: FnMut(Duration) -> Fut,
    Fut: Future<Output = Result<Value, Error>>,
{
    let started = Instant::now();
    let mut attempts = Vec::new();
    let mut number = 0u32;
    loop {
        number += 1;
        let started_at = started.elapsed();
        let outcome = attempt(schedule.attempt_timeout(http_timeout, started_at)).await;
        let elapsed = started.elapsed();
        let mut record = Attempt {
            attempt: number,
            ok: outcome.is_ok(),
            started_ms: millis(started_at),
            elapsed_ms: millis(elapsed),
            status: None,
            code: None,
            message: None,
        };
        let error = match outcome {
            Ok(response) => {
                attempts.push(record);
                return Polled {
                    response: Some(response),
                    attempts,
                    stopped: None,
                    elapsed,
                };
            }
            Err(error) => error,
        };
        record.status = error.status();
        record.code = Some(error.code().as_str().into_owned());
        record.message = Some(crate::secrets::excerpt(error.message(), 240));
        attempts.push(record);
        let stopped = match final_failure(&error) {
            Some(reason) => Some(reason),
            None => match schedule.next_wait(number, elapsed) {
                Some(wait) => {
                    tokio::time::sleep(wait).await;
                    None
                }
                None => Some(Stopped::Deadline),
            },
        };
        if stopped.is_some() {
            return Polled {
                response: None,
                attempts,
                stopped,
                elapsed,
            };
        }
    }
}

/// The progress report after one attempt: its outcome, the time elapsed, and when the next
/// probe comes (the loop's own schedule).
fn progress_message(
    schedule: &Schedule,
    attempt: u32,
    elapsed: Duration,
    outcome: &Result<Value, Error>,
) -> String {
    let Err(error) = outcome else {
        return format!(
            "Endpoint ready after {} (attempt {attempt}).",
            seconds(elapsed)
        );
    };
    let next = match (final_failure(error), schedule.next_wait(attempt, elapsed)) {
        (None, Some(wait)) => format!("; next probe in {}", seconds(wait)),
        _ => String::new(),
    };
    format!(
        "Endpoint not ready after {} (attempt {attempt}: {}; deadline {}){next}.",
        seconds(elapsed),
        error.code(),
        seconds(schedule.deadline),
    )
}

/// Failures that waiting does not fix. Everything else (404, 5xx, timeouts, connection
/// errors, a 200 that is not JSON yet) is a deployment still warming up.
fn final_failure(error: &Error) -> Option<Stopped> {
    match (error.code(), error.status()) {
        (ErrorCode::Http(_), Some(401 | 403)) => Some(Stopped::CredentialsRejected),
        (
            ErrorCode::UnsafeEndpoint
            | ErrorCode::RedirectRefused
            | ErrorCode::ConfigError
            | ErrorCode::ResponseTooLarge
            | ErrorCode::InvalidIdentifier,
            _,
        ) => Some(Stopped::Refused),
        _ => None,
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// `theta.inference.ready`.
#[derive(Debug, Clone, Copy)]
pub struct Ready;

impl Command for Ready {
    const ID: &'static str = "theta.inference.ready";
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str = "Waits until the dedicated inference endpoint serves, probing with backoff until a deadline and reporting every attempt.";
    const SERVICE: Service = theta::DEDICATED;
    const SECRETS: &'static [SecretNeed] = SECRETS;
    type Args = ReadyArgs;
    type Output = ReadyOutput;

    async fn run(&self, ctx: &Ctx<'_>, args: ReadyArgs) -> Result<ReadyOutput, Error> {
        let probe = args.probe.unwrap_or_default();
        let timeout = args
            .timeout_ms
            .map_or(DEFAULT_TIMEOUT, Duration::from_millis);
        let interval = args
            .interval_ms
            .map_or(DEFAULT_INTERVAL, Duration::from_millis);
        let schedule = Schedule::new(timeout, interval);
        let client = client(ctx)?;
        let path = match probe {
            Probe::Openai => openai_path(&client, &["models"]),
            Probe::Gradio => vec!["config".to_owned()],
        };
        // One call, one attempt: the schedule does the waiting, and reports it.
        let request = ApiRequest::get(&segments(&path)).max_retries(0);
        let url = client.url(&request)?.to_string();
        let client = &client;
        let started = Instant::now();
        let mut number = 0u32;
        let polled = poll_until_ready(schedule, client.settings().timeout, |attempt_timeout| {
            let request = request.clone().timeout(attempt_timeout);
            number += 1;
            let attempt = number;
            async move {
                let outcome = client.send(&request).await.and_then(|r| r.json_value());
                ctx.progress(progress_message(
                    &schedule,
                    attempt,
                    started.elapsed(),
                    &outcome,
                ));
                outcome
            }
        })
        .await;
        Ok(report(probe, url, timeout, polled))
    }

    fn example() -> Value {
        json!({"probe": "openai", "timeoutMs": 300_000, "intervalMs": 5_000})
    }
}

fn report(probe: Probe, url: String, timeout: Duration, polled: Polled) -> ReadyOutput {
    let Polled {
        response,
        attempts,
        stopped,
        elapsed,
    } = polled;
    let models = match (probe, &response) {
        (Probe::Openai, Some(answer)) => Some(model_ids(answer)),
        _ => None,
    };
    let response = response.map(|answer| match probe {
        Probe::Openai => answer,
        Probe::Gradio => scalar_fields(&answer),
    });
    let hint = stopped.map(|reason| not_ready_hint(reason, probe, &attempts, timeout));
    ReadyOutput {
        ready: response.is_some(),
        probe,
        url,
        elapsed_ms: millis(elapsed),
        timeout_ms: millis(timeout),
        attempts,
        stopped,
        models,
        response,
        hint,
    }
}

fn model_ids(answer: &Value) -> Vec<String> {
    answer
        .get("data")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|m| m.get("id").and_then(Value::as_str).map(str::to_owned))
        .collect()
}

/// The top-level strings, numbers and booleans of a Gradio config (version, mode, title, …);
/// its component tree and dependency graph can run to megabytes.
fn scalar_fields(answer: &Value) -> Value {
    match answer {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| v.is_string() || v.is_number() || v.is_boolean())
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect::<Map<String, Value>>(),
        ),
        other => other.clone(),
    }
}

fn not_ready_hint(
    reason: Stopped,
    probe: Probe,
    attempts: &[Attempt],
    timeout: Duration,
) -> String {
    match reason {
        Stopped::CredentialsRejected => "The endpoint rejected the credentials: check THETA_INFERENCE_AUTH_TOKEN, or THETA_INFERENCE_AUTH_USER and THETA_INFERENCE_AUTH_PASS, against the deployment's details on the Theta dashboard. A warming deployment answers 404/502/503, not 401/403.".to_owned(),
        Stopped::Refused => "The endpoint or its answer was refused; see the last attempt's message.".to_owned(),
        Stopped::Deadline => {
            let mut hint = format!(
                "Not ready after {} s. Fresh deployments can take several minutes (large models 10 or more): run theta.inference.ready again with a longer timeoutMs, and check the deployment's status on the Theta dashboard.",
                timeout.as_secs()
            );
            let all_404 = !attempts.is_empty() && attempts.iter().all(|a| a.status == Some(404));
            if probe == Probe::Openai && all_404 {
                hint.push_str(" Every attempt answered 404: if the deployment is a Gradio app, probe \"gradio\" instead.");
            }
            hint
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;
    use std::sync::{Arc, Mutex};

    use super::*;
    use crate::schema;

    fn http(status: u16) -> Error {
        Error::new(
            ErrorCode::Http(status),
            format!("edgecloud-inference answered HTTP {status}"),
        )
        .with_status(status)
    }

    fn models() -> Value {
        json!({"object": "list", "data": [{"id": "deepseek-r1", "object": "model"}]})
    }

    type Timeouts = Arc<Mutex<Vec<Duration>>>;

    /// A fake endpoint answering from a script, recording the timeout of every attempt.
    fn scripted(
        answers: Vec<Result<Value, Error>>,
    ) -> (
        impl FnMut(Duration) -> std::future::Ready<Result<Value, Error>>,
        Timeouts,
    ) {
        let answers = Arc::new(Mutex::new(VecDeque::from(answers)));
        let timeouts = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&timeouts);
        let attempt = move |timeout| {
            seen.lock().unwrap().push(timeout);
            let next = answers.lock().unwrap().pop_front();
            std::future::ready(next.unwrap_or_else(|| Err(http(502))))
        };
        (attempt, timeouts)
    }

    #[test]
    fn waits_grow_by_half_are_capped_and_stop_at_the_deadline() {
        let s = Schedule::new(Duration::from_secs(120), Duration::from_secs(5));
        let secs = |attempt, at: u64| s.next_wait(attempt, Duration::from_secs(at));
        assert_eq!(secs(1, 0), Some(Duration::from_millis(5_000)));
        assert_eq!(secs(2, 5), Some(Duration::from_millis(7_500)));
        assert_eq!(secs(3, 12), Some(Duration::from_millis(11_250)));
        assert_eq!(secs(9, 60), Some(MAX_INTERVAL), "capped at 30 s");
        assert_eq!(secs(1_000, 60), Some(MAX_INTERVAL), "no overflow");
        assert_eq!(
            secs(3, 115),
            Some(Duration::from_secs(5)),
            "cut to the deadline"
        );
        assert_eq!(secs(3, 120), None);
        assert_eq!(secs(3, 500), None);
        // A first wait longer than the cap is kept.
        let slow = Schedule::new(Duration::from_secs(600), Duration::from_secs(60));
        assert_eq!(
            slow.next_wait(4, Duration::ZERO),
            Some(Duration::from_secs(60))
        );
    }

    #[test]
    fn attempts_never_outlive_the_deadline_by_more_than_a_second() {
        let s = Schedule::new(Duration::from_secs(120), Duration::from_secs(5));
        let http = Duration::from_secs(20);
        assert_eq!(s.attempt_timeout(http, Duration::ZERO), http);
        assert_eq!(
            s.attempt_timeout(http, Duration::from_secs(110)),
            Duration::from_secs(10)
        );
        assert_eq!(
            s.attempt_timeout(http, Duration::from_secs(120)),
            MIN_ATTEMPT_TIMEOUT
        );
    }

    /// The warm-up observed on a fresh deployment (spec §2.4): 404, 502, 502, then 200.
    #[tokio::test(start_paused = true)]
    async fn rides_out_the_warm_up_sequence() {
        let (attempt, timeouts) = scripted(vec![
            Err(http(404)),
            Err(http(502)),
            Err(http(502)),
            Ok(models()),
        ]);
        let schedule = Schedule::new(Duration::from_secs(120), Duration::from_secs(5));
        let polled = poll_until_ready(schedule, Duration::from_secs(20), attempt).await;
        assert!(polled.response.is_some());
        assert_eq!(polled.stopped, None);
        let at: Vec<u64> = polled.attempts.iter().map(|a| a.started_ms).collect();
        assert_eq!(
            at,
            [0, 5_000, 12_500, 23_750],
            "waits of 5, 7.5 and 11.25 s"
        );
        let statuses: Vec<Option<u16>> = polled.attempts.iter().map(|a| a.status).collect();
        assert_eq!(statuses, [Some(404), Some(502), Some(502), None]);
        let oks: Vec<bool> = polled.attempts.iter().map(|a| a.ok).collect();
        assert_eq!(oks, [false, false, false, true]);
        assert_eq!(polled.attempts[1].code.as_deref(), Some("HTTP_502"));
        assert_eq!(polled.elapsed, Duration::from_millis(23_750));
        assert_eq!(timeouts.lock().unwrap().len(), 4);

        let out = report(Probe::Openai, "u".into(), Duration::from_secs(120), polled);
        assert!(out.ready);
        assert_eq!(out.models, Some(vec!["deepseek-r1".to_owned()]));
        assert_eq!(out.hint, None);
    }

    #[tokio::test(start_paused = true)]
    async fn keeps_probing_until_the_deadline_then_reports_every_attempt() {
        let (attempt, timeouts) = scripted(Vec::new());
        let schedule = Schedule::new(Duration::from_secs(20), Duration::from_secs(5));
        let started = Instant::now();
        let polled = poll_until_ready(schedule, Duration::from_secs(20), attempt).await;
        assert!(polled.response.is_none());
        assert_eq!(polled.stopped, Some(Stopped::Deadline));
        let at: Vec<u64> = polled.attempts.iter().map(|a| a.started_ms).collect();
        assert_eq!(
            at,
            [0, 5_000, 12_500, 20_000],
            "the last attempt is at the deadline"
        );
        assert_eq!(started.elapsed(), Duration::from_secs(20));
        let timeouts = timeouts.lock().unwrap().clone();
        assert_eq!(timeouts[0], Duration::from_secs(20));
        assert_eq!(timeouts[1], Duration::from_secs(15), "cut to the time left");
        assert_eq!(timeouts[3], MIN_ATTEMPT_TIMEOUT);

        let out = report(Probe::Openai, "u".into(), Duration::from_secs(20), polled);
        assert!(!out.ready);
        assert!(out.hint.unwrap().contains("longer timeoutMs"));
    }

    #[tokio::test(start_paused = true)]
    async fn rejected_credentials_stop_at_once() {
        let (attempt, _) = scripted(vec![Err(http(404)), Err(http(401)), Ok(models())]);
        let schedule = Schedule::new(Duration::from_secs(120), Duration::from_secs(5));
        let polled = poll_until_ready(schedule, Duration::from_secs(20), attempt).await;
        assert_eq!(polled.stopped, Some(Stopped::CredentialsRejected));
        assert_eq!(polled.attempts.len(), 2);
        let out = report(Probe::Openai, "u".into(), Duration::from_secs(120), polled);
        assert!(out.hint.unwrap().contains("THETA_INFERENCE_AUTH_TOKEN"));
    }

    #[tokio::test(start_paused = true)]
    async fn a_gradio_app_seen_through_the_openai_probe_is_pointed_out() {
        let (attempt, _) = scripted(vec![Err(http(404)), Err(http(404)), Err(http(404))]);
        let schedule = Schedule::new(Duration::from_secs(2), Duration::from_secs(1));
        let polled = poll_until_ready(schedule, Duration::from_secs(20), attempt).await;
        let out = report(Probe::Openai, "u".into(), Duration::from_secs(2), polled);
        assert!(out.hint.unwrap().contains("gradio"));
    }

    #[test]
    fn gradio_answers_keep_only_scalar_fields() {
        let config = json!({"version": "4.44.1", "mode": "blocks", "title": "Gradio", "is_space": false, "components": [{"id": 1}], "layout": {"id": 0}});
        assert_eq!(
            scalar_fields(&config),
            json!({"version": "4.44.1", "mode": "blocks", "title": "Gradio", "is_space": false})
        );
    }

    #[test]
    fn arguments_are_bounded() {
        let validator = schema::compile(&schema::input_schema::<ReadyArgs>()).unwrap();
        assert!(validator.is_valid(&json!({})));
        assert!(validator.is_valid(&Ready::example()));
        assert!(validator.is_valid(&json!({"probe": "gradio"})));
        for bad in [
            json!({"probe": "grpc"}),
            json!({"timeoutMs": 999}),
            json!({"timeoutMs": 1_800_001}),
            json!({"intervalMs": 499}),
            json!({"intervalMs": 60_001}),
        ] {
            assert!(!validator.is_valid(&bad), "{bad}");
        }
    }
}
