//! `elizacloud.jobs.pollUntilDone`: Checks a job until it completes, fails, times out or runs out of attempts, backing off as it ages.

use super::job_request;
use crate::command::prelude::*;
use crate::poll::Schedule;
use crate::skills::elizacloud::{API, ID_PATTERN, KEY_REQUIRED, send_json};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Arguments of `elizacloud.jobs.pollUntilDone`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PollArgs {
    /// The job id.
    #[schemars(regex(pattern = ID_PATTERN))]
    pub job_id: String,
    /// Longest gap between two checks, in ms (100-60000).
    #[schemars(range(min = 100, max = 60_000))]
    pub interval_ms: Option<u64>,
    /// Give up after this many ms (1000-3600000, default 600000).
    #[schemars(range(min = 1_000, max = 3_600_000))]
    pub timeout_ms: Option<u64>,
    /// Give up after this many checks (1-10000, default 1000).
    #[schemars(range(min = 1, max = 10_000))]
    pub max_attempts: Option<u64>,
}

/// How polling ended.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PollOutput {
    /// Checks made.
    pub attempts: u64,
    /// Time spent, in ms.
    pub elapsed_ms: u64,
    /// The job's final status, `timeout` or `max-attempts`.
    pub terminal_state: String,
    /// The last answer.
    pub result: Value,
}

fn finished(answer: &Value) -> Option<String> {
    let status = answer.pointer("/data/status").and_then(Value::as_str);
    match status {
        Some(s @ ("completed" | "failed" | "cancelled" | "canceled")) => Some(s.to_owned()),
        _ if answer.pointer("/polling/shouldContinue") == Some(&json!(false)) => {
            Some(status.unwrap_or("stopped").to_owned())
        }
        _ => None,
    }
}

/// `elizacloud.jobs.pollUntilDone`.
#[derive(Debug, Clone, Copy)]
pub struct PollUntilDone;

impl Command for PollUntilDone {
    const ID: &'static str = "elizacloud.jobs.pollUntilDone";
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str = "Checks a job until it completes, fails, times out or runs out of attempts, backing off as it ages.";
    const SERVICE: Service = API;
    const SECRETS: &'static [SecretNeed] = KEY_REQUIRED;
    type Args = PollArgs;
    type Output = PollOutput;

    async fn run(&self, ctx: &Ctx<'_>, args: PollArgs) -> Result<PollOutput, Error> {
        // The gap grows with the job's age, capped by `intervalMs`.
        let schedule = Schedule {
            interval: args.interval_ms.map(Duration::from_millis),
        };
        let timeout = Duration::from_millis(args.timeout_ms.unwrap_or(600_000));
        let max_attempts = args.max_attempts.unwrap_or(1_000);
        let request = job_request(&args.job_id);
        let start = tokio::time::Instant::now();
        let millis = |d: Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
        let mut attempts = 0u64;
        loop {
            let answer = send_json(ctx, &request).await.map_err(|e| {
                e.with_details(json!({"attempts": attempts, "elapsedMs": millis(start.elapsed())}))
            })?;
            attempts += 1;
            let elapsed = start.elapsed();
            let state = answer
                .pointer("/data/status")
                .and_then(Value::as_str)
                .unwrap_or("unknown")
                .to_owned();
            let end = finished(&answer).or_else(|| {
                if elapsed >= timeout {
                    Some("timeout".to_owned())
                } else if attempts >= max_attempts {
                    Some("max-attempts".to_owned())
                } else {
                    None
                }
            });
            let gap = schedule
                .next_gap(elapsed, None)
                .min(timeout.saturating_sub(elapsed));
            // One sentence: state, elapsed, next check; never the job id.
            ctx.progress(match end {
                None => format!(
                    "Job {state} after {:.1} s (check {attempts}); next check in {:.1} s.",
                    elapsed.as_secs_f64(),
                    gap.as_secs_f64()
                ),
                Some(ref end) => format!(
                    "Job {state} after {:.1} s (check {attempts}): {end}.",
                    elapsed.as_secs_f64()
                ),
            });
            if let Some(end) = end {
                return Ok(PollOutput {
                    attempts,
                    elapsed_ms: millis(elapsed),
                    terminal_state: end,
                    result: answer,
                });
            }
            tokio::time::sleep(gap).await;
        }
    }

    fn example() -> Value {
        json!({"jobId": "job_123", "timeoutMs": 300000})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gap_grows_with_age_within_bounds() {
        let s = Duration::from_secs;
        assert_eq!(Schedule { interval: None }.next_gap(s(0), None), s(2));
        assert_eq!(Schedule { interval: None }.next_gap(s(40), None), s(10));
        assert_eq!(Schedule { interval: None }.next_gap(s(1000), None), s(60));
        assert_eq!(
            Schedule {
                interval: Some(s(3))
            }
            .next_gap(s(40), None),
            s(3)
        );
    }

    #[test]
    fn jobs_end_on_a_terminal_status_or_should_continue_false() {
        assert_eq!(
            finished(&json!({"data": {"status": "completed"}})).as_deref(),
            Some("completed")
        );
        assert_eq!(
            finished(
                &json!({"data": {"status": "in_progress"}, "polling": {"shouldContinue": true}})
            ),
            None
        );
        assert_eq!(
            finished(&json!({"data": {"status": "x"}, "polling": {"shouldContinue": false}}))
                .as_deref(),
            Some("x")
        );
    }
}
