//! `theta.ondemand.pollUntilDone`: check an on-demand request until it finishes, times out
//! or runs out of attempts. Read-only and free (each check is a status lookup).
//!
//! Each check is `GET https://ondemand.thetaedgecloud.com/infer_request/<requestId>` with the
//! Bearer token. The request is finished when `body.infer_requests[0].state` is `success`,
//! `error`, `failed` or `cancelled`; the result is `{attempts, elapsedMs, terminalState,
//! result, timeoutMs, timeoutSource}` where `result` is the last status answer and
//! `terminalState` is that state, `timeout` or `max-attempts`. An HTTP error from a check
//! ends the loop with that error (after the HTTP layer's own retries), with the attempts so
//! far in its `details`.
//!
//! **When to check** ([`Schedule`], a pure function shared by every pack's polls): rather than a fixed interval, the gap
//! grows with the job's age (measured from the first check): `max(2 s, age / 4)`, at most
//! 60 s, so a finished job is noticed within a quarter of its age (2 s for young jobs) while
//! a 3-minute job costs 19 checks instead of the 61 a fixed 3 s interval needs. When the
//! request says how long it should take (step_video's `input.frames` / `input.fps`, see
//! [`super::timeouts::Render`]), a check is placed at the expected completion, and once that
//! time has passed the gap stays under an eighth of the expected duration. A caller's
//! `intervalMs` caps the gap: checks are never sparser than it.
//!
//! **When to give up**: `options.timeoutMs` when given; otherwise 120 s, recomputed after
//! every answer from the request's frames and fps (§3.5: 30 frames at 10 fps → 420 s).
//! `options` are clamped as the JavaScript skill did (`intervalMs` 100..60 000, `timeoutMs`
//! 1 000..3 600 000, `maxAttempts` 1..20 000), with a warning when a value was changed.
//!
//! **Progress** never goes to stdout. In `run` it goes to stderr: one JSON line per check when
//! stderr is not a terminal (`{"event":"poll", …}`), a sentence when it is; both pass through
//! redaction. Where the caller has a progress channel (serve lines, MCP notifications), one
//! sentence per check goes there instead, without the request id.

pub use crate::poll::Schedule;
use crate::skills::theta;
use std::future::Future;
use std::time::Duration;

use crate::command::prelude::*;
use serde::{Deserialize, Serialize};

use super::response::first_infer_request;
use super::status;
use super::timeouts::{DEFAULT_POLL, Render};
use crate::error::{Error, ErrorCode};
use crate::hooks::seconds;
use crate::schema::IDENTIFIER_PATTERN;

/// Arguments of `theta.ondemand.pollUntilDone`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PollUntilDoneArgs {
    /// The request id returned by `theta.ondemand.infer` (`body.infer_requests[0].id`).
    #[schemars(regex(pattern = IDENTIFIER_PATTERN), length(min = 1, max = 128))]
    pub request_id: String,
    /// How often and how long to check.
    pub options: Option<PollOptions>,
}

/// Polling options; out-of-range values are clamped (with a warning).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PollOptions {
    /// Longest gap between two checks, in ms (100-60000). Without it the gap adapts to the
    /// job's age: 2 s at first, a quarter of the age later, at most 60 s.
    pub interval_ms: Option<u64>,
    /// Give up after this many ms (1000-3600000). Without it: 120 s, or for video renders
    /// (`input.frames`/`input.fps`) the time the render should take plus 4 minutes.
    pub timeout_ms: Option<u64>,
    /// Give up after this many checks (1-20000, default 1000).
    pub max_attempts: Option<u64>,
}

/// The clamped options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PollPlan {
    /// The caller's cap on the gap between checks.
    pub interval: Option<Duration>,
    /// The caller's timeout (otherwise adaptive).
    pub timeout: Option<Duration>,
    /// The most checks.
    pub max_attempts: u64,
}

impl Default for PollPlan {
    fn default() -> Self {
        Self {
            interval: None,
            timeout: None,
            max_attempts: 1_000,
        }
    }
}

impl PollPlan {
    /// Clamps `options`; the second value lists what was changed, for warnings.
    pub fn from_options(options: Option<&PollOptions>) -> (Self, Vec<String>) {
        let options = options.cloned().unwrap_or_default();
        let mut changed = Vec::new();
        let mut clamp = |name: &str, value: Option<u64>, min: u64, max: u64| {
            value.map(|v| {
                let clamped = v.clamp(min, max);
                if clamped != v {
                    changed.push(format!(
                        "options.{name} {v} is outside {min}..{max} and was set to {clamped}."
                    ));
                }
                clamped
            })
        };
        let interval = clamp("intervalMs", options.interval_ms, 100, 60_000);
        let timeout = clamp("timeoutMs", options.timeout_ms, 1_000, 3_600_000);
        let max_attempts = clamp("maxAttempts", options.max_attempts, 1, 20_000).unwrap_or(1_000);
        (
            Self {
                interval: interval.map(Duration::from_millis),
                timeout: timeout.map(Duration::from_millis),
                max_attempts,
            },
            changed,
        )
    }
}

/// Where the effective timeout came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TimeoutSource {
    /// `options.timeoutMs`.
    Caller,
    /// The 120 s default (no frames in the request).
    Default,
    /// Derived from the request's frames and fps.
    Adaptive,
}

/// How polling ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TerminalState {
    /// The timeout passed first.
    Timeout,
    /// `maxAttempts` checks were made first.
    #[serde(rename = "max-attempts")]
    MaxAttempts,
    /// The request reached this state (`success`, `error`, `failed`, `cancelled`).
    #[serde(untagged)]
    Finished(String),
}

/// The result of `theta.ondemand.pollUntilDone`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PollOutcome {
    /// Status checks made.
    pub attempts: u64,
    /// Time spent, in ms.
    pub elapsed_ms: u64,
    /// The request's final state, `timeout` or `max-attempts`.
    pub terminal_state: TerminalState,
    /// The last status answer (`null` if none).
    pub result: Value,
    /// The timeout that applied, in ms.
    pub timeout_ms: u64,
    /// Where that timeout came from.
    pub timeout_source: TimeoutSource,
}

/// One check, as reported on stderr.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Progress {
    /// Always `poll`.
    pub event: &'static str,
    /// Which check this was (1-based).
    pub attempt: u64,
    /// Time since the first check, in ms.
    pub elapsed_ms: u64,
    /// The request's state (`unknown` when the answer had none).
    pub state: String,
    /// The gap before the next check, in ms (absent after the last one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_check_ms: Option<u64>,
    /// The timeout in force, in ms.
    pub timeout_ms: u64,
}

const TERMINAL: [&str; 5] = ["success", "error", "failed", "cancelled", "canceled"];

/// The polling loop, independent of HTTP: `fetch` returns one status answer per call,
/// `progress` hears about every check. Time is `tokio::time`, so tests run it under a paused
/// clock.
pub async fn poll_loop<F, Fut>(
    plan: PollPlan,
    mut fetch: F,
    progress: &mut (dyn FnMut(&Progress) + Send),
) -> Result<PollOutcome, Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Value, Error>>,
{
    let start = tokio::time::Instant::now();
    let schedule = Schedule {
        interval: plan.interval,
    };
    let (mut timeout, mut source) = match plan.timeout {
        Some(t) => (t, TimeoutSource::Caller),
        None => (DEFAULT_POLL, TimeoutSource::Default),
    };
    let mut expected = None;
    let mut attempts = 0u64;
    let mut last = Value::Null;
    let mut last_state = String::from("unknown");
    let finish = |attempts, last: Value, state, timeout: Duration, source| PollOutcome {
        attempts,
        elapsed_ms: millis(start.elapsed()),
        terminal_state: state,
        result: last,
        timeout_ms: millis(timeout),
        timeout_source: source,
    };
    loop {
        if start.elapsed() >= timeout {
            return Ok(finish(
                attempts,
                last,
                TerminalState::Timeout,
                timeout,
                source,
            ));
        }
        let answer = fetch().await.map_err(|error| {
            error.with_details(json!({
                "attempts": attempts,
                "elapsedMs": millis(start.elapsed()),
                "lastState": last_state,
            }))
        })?;
        attempts += 1;
        let first = first_infer_request(&answer);
        let state = first
            .and_then(|r| r.get("state"))
            .and_then(Value::as_str)
            .unwrap_or("unknown")
            .to_owned();
        if let Some(render) = first
            .and_then(|r| r.get("input"))
            .and_then(Render::from_input)
        {
            expected = Some(render.expected());
            if plan.timeout.is_none() {
                timeout = render.poll_timeout();
                source = TimeoutSource::Adaptive;
            }
        }
        last = answer;
        last_state.clone_from(&state);
        let elapsed = start.elapsed();
        let report = |next: Option<Duration>| Progress {
            event: "poll",
            attempt: attempts,
            elapsed_ms: millis(elapsed),
            state: state.clone(),
            next_check_ms: next.map(millis),
            timeout_ms: millis(timeout),
        };
        let lower = state.to_ascii_lowercase();
        let end = if TERMINAL.contains(&lower.as_str()) {
            Some(TerminalState::Finished(state.clone()))
        } else if elapsed >= timeout {
            Some(TerminalState::Timeout)
        } else if attempts >= plan.max_attempts {
            Some(TerminalState::MaxAttempts)
        } else {
            None
        };
        if let Some(end) = end {
            progress(&report(None));
            return Ok(finish(attempts, last, end, timeout, source));
        }
        let gap = schedule
            .next_gap(elapsed, expected)
            .min(timeout.saturating_sub(elapsed));
        progress(&report(Some(gap)));
        tokio::time::sleep(gap).await;
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// `theta.ondemand.pollUntilDone`.
#[derive(Debug, Clone, Copy)]
pub struct PollUntilDone;

impl Command for PollUntilDone {
    const ID: &'static str = "theta.ondemand.pollUntilDone";
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str = "Checks an on-demand request until it succeeds, fails, times out or runs out of attempts, backing off as the job ages.";
    const SERVICE: Service = theta::ONDEMAND;
    const SECRETS: &'static [SecretNeed] = &[SecretNeed::required(theta::ONDEMAND_TOKEN)];
    type Args = PollUntilDoneArgs;
    type Output = PollOutcome;

    async fn run(&self, ctx: &Ctx<'_>, args: PollUntilDoneArgs) -> Result<PollOutcome, Error> {
        let (plan, changed) = PollPlan::from_options(args.options.as_ref());
        for warning in changed {
            ctx.warn(warning);
        }
        let client = ctx.client(theta::ONDEMAND)?;
        let request = status::request(&args.request_id);
        let fetch = || {
            let (client, request) = (&client, &request);
            async move { client.send(request).await?.json_value() }
        };
        let mut progress = |p: &Progress| ctx.progress(progress_message(p));
        poll_loop(plan, fetch, &mut progress).await
    }

    fn example() -> Value {
        json!({"requestId": "infr_rqst_a1b2c3d4e5", "options": {"timeoutMs": 600000}})
    }

    fn field_code(field: &str) -> Option<ErrorCode> {
        match field {
            "options" => Some(ErrorCode::InvalidPollOptions),
            _ => super::field_code(field),
        }
    }
}

/// The progress report (stderr in `run`, progress lines in `serve`, notifications in `mcp`):
/// state, elapsed, next check. It names no
/// argument (not even the request id: the caller knows which call it made).
pub(crate) fn progress_message(p: &Progress) -> String {
    let ms = |ms: u64| seconds(Duration::from_millis(ms));
    let next = p
        .next_check_ms
        .map_or_else(String::new, |next| format!("; next check in {}", ms(next)));
    format!(
        "Request {} after {} (check {}, gives up at {}){next}.",
        p.state,
        ms(p.elapsed_ms),
        p.attempt,
        ms(p.timeout_ms),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const fn s(secs: u64) -> Duration {
        Duration::from_secs(secs)
    }

    #[test]
    fn options_are_clamped_with_a_note() {
        let (plan, changed) = PollPlan::from_options(Some(&PollOptions {
            interval_ms: Some(5),
            timeout_ms: Some(10_000_000),
            max_attempts: Some(0),
        }));
        assert_eq!(plan.interval, Some(Duration::from_millis(100)));
        assert_eq!(plan.timeout, Some(Duration::from_millis(3_600_000)));
        assert_eq!(plan.max_attempts, 1);
        assert_eq!(changed.len(), 3);
        let (plan, changed) = PollPlan::from_options(None);
        assert_eq!(plan, PollPlan::default());
        assert!(changed.is_empty());
    }

    /// The schedule, checked at every 100 ms of age up to an hour, with and without an
    /// expected duration and a caller's interval.
    #[test]
    fn the_schedule_keeps_its_promises_at_every_age() {
        let intervals = [
            None,
            Some(Duration::from_millis(100)),
            Some(s(3)),
            Some(s(60)),
        ];
        let expectations = [None, Some(s(30)), Some(s(180)), Some(s(1_200))];
        for interval in intervals {
            let schedule = Schedule { interval };
            for expected in expectations {
                let mut previous = Duration::ZERO;
                for tenth in 0..36_000u64 {
                    let age = Duration::from_millis(tenth * 100);
                    let gap = schedule.next_gap(age, expected);
                    let ctx = format!("age {age:?} expected {expected:?} interval {interval:?}");
                    assert!(gap > Duration::ZERO, "{ctx}");
                    assert!(gap <= Schedule::MAX_GAP, "{ctx}");
                    assert!(
                        gap <= Schedule::MIN_GAP.max(age / 4),
                        "a finished job is noticed within a quarter of its age: {ctx}"
                    );
                    if let Some(interval) = interval {
                        assert!(gap <= interval, "never sparser than intervalMs: {ctx}");
                    } else {
                        assert!(gap >= Schedule::MIN_GAP, "{ctx}");
                    }
                    if let Some(e) = expected {
                        if age < e {
                            assert!(
                                age + gap <= e.max(age + Schedule::MIN_GAP),
                                "lands on the expected end: {ctx}"
                            );
                        } else {
                            assert!(
                                gap <= Schedule::MIN_GAP.max(e / 8),
                                "overdue jobs are watched closely: {ctx}"
                            );
                        }
                    } else if interval.is_none() {
                        assert!(gap >= previous, "gaps only grow with age: {ctx}");
                    }
                    previous = gap;
                }
            }
        }
    }

    /// Simulates the checks of a job that finishes at `done`: how many, and how late.
    fn simulate(schedule: Schedule, expected: Option<Duration>, done: Duration) -> (u32, Duration) {
        let mut age = Duration::ZERO;
        let mut checks = 0;
        loop {
            checks += 1;
            if age >= done {
                return (checks, age - done);
            }
            age += schedule.next_gap(age, expected);
        }
    }

    #[test]
    fn a_three_minute_job_needs_about_twenty_checks() {
        let adaptive = Schedule::default();
        let (checks, lag) = simulate(adaptive, None, s(180));
        assert_eq!(checks, 19);
        assert!(lag <= s(45), "{lag:?}");
        let (checks, lag) = simulate(adaptive, Some(s(180)), s(180));
        assert_eq!(
            (checks, lag),
            (19, Duration::ZERO),
            "a check lands on the expected end"
        );
        let fixed = Schedule {
            interval: Some(s(3)),
        };
        let (checks, _) = simulate(fixed, None, s(180));
        assert!(checks > 60, "a 3 s interval needs {checks}");
    }

    #[test]
    fn completion_is_noticed_within_a_quarter_of_the_age() {
        for expected in [None, Some(s(60)), Some(s(180))] {
            for done_s in 1..=1_800u64 {
                let done = s(done_s);
                let (_, lag) = simulate(Schedule::default(), expected, done);
                assert!(
                    lag <= Schedule::MIN_GAP.max(done / 4),
                    "done at {done_s} s, expected {expected:?}: noticed {lag:?} late"
                );
            }
        }
    }

    #[test]
    fn terminal_states_serialise_as_the_spec_names_them() {
        assert_eq!(
            json!(TerminalState::Finished("success".into())),
            json!("success")
        );
        assert_eq!(json!(TerminalState::Timeout), json!("timeout"));
        assert_eq!(json!(TerminalState::MaxAttempts), json!("max-attempts"));
    }
}
