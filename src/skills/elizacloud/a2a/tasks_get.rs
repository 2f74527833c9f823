//! `elizacloud.a2a.tasks.get`: Reads an A2A task, optionally waiting until it finishes.

use super::{TaskOutput, call, platform};
use crate::command::prelude::*;
use crate::poll::Schedule;
use crate::skills::elizacloud::{API, ID_PATTERN, KEY_REQUIRED};
use serde_json::{Map, Value, json};
use std::time::Duration;

/// Arguments of `elizacloud.a2a.tasks.get`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TasksGetArgs {
    /// The task id (`taskId` from elizacloud.a2a.send).
    #[schemars(regex(pattern = ID_PATTERN))]
    pub task_id: String,
    /// Keep only the last N messages of the history (0-100).
    #[schemars(range(min = 0, max = 100))]
    pub history_length: Option<u32>,
    /// Check again until the task finishes (completed, canceled, failed or rejected), backing
    /// off as it ages, up to `timeoutMs`.
    pub wait_until_done: Option<bool>,
    /// With `waitUntilDone`: give up after this many ms (1000-600000, default 120000).
    #[schemars(range(min = 1_000, max = 600_000))]
    pub timeout_ms: Option<u64>,
    /// With `waitUntilDone`: longest gap between two checks, in ms (100-60000).
    #[schemars(range(min = 100, max = 60_000))]
    pub interval_ms: Option<u64>,
}

/// One check, as progress (state, elapsed, next check; never the task id): to the caller in
/// `serve` and `mcp`, to stderr in `run`.
fn report(ctx: &Ctx<'_>, state: &str, checks: u64, elapsed: Duration, next: Option<Duration>) {
    ctx.progress(match next {
        Some(gap) => format!(
            "Task {state} after {:.1} s (check {checks}); next check in {:.1} s.",
            elapsed.as_secs_f64(),
            gap.as_secs_f64()
        ),
        None => format!(
            "Task {state} after {:.1} s (check {checks}).",
            elapsed.as_secs_f64()
        ),
    });
}

/// `elizacloud.a2a.tasks.get`: `POST /api/a2a` JSON-RPC `tasks/get` `{id, historyLength?}` →
/// the task. A POST that changes nothing: read-only, free, retried like a read. With
/// `waitUntilDone` it checks on the core's adaptive schedule ([`Schedule`]) until the task
/// finishes or `timeoutMs` passes (then it answers with the last state, `terminal: false`),
/// reporting each check as progress.
#[derive(Debug, Clone, Copy)]
pub struct TasksGet;

impl Command for TasksGet {
    const ID: &'static str = "elizacloud.a2a.tasks.get";
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str = "Reads an A2A task, optionally waiting until it finishes.";
    const SERVICE: Service = API;
    const SECRETS: &'static [SecretNeed] = KEY_REQUIRED;
    type Args = TasksGetArgs;
    type Output = TaskOutput;

    async fn run(&self, ctx: &Ctx<'_>, args: TasksGetArgs) -> Result<TaskOutput, Error> {
        let mut params = Map::new();
        params.insert("id".into(), json!(args.task_id));
        if let Some(n) = args.history_length {
            params.insert("historyLength".into(), json!(n));
        }
        let request = platform("tasks/get", Value::Object(params), Effect::ReadOnly);
        if args.wait_until_done != Some(true) {
            return Ok(TaskOutput::new(call(ctx, &request).await?, None));
        }
        let schedule = Schedule {
            interval: args.interval_ms.map(Duration::from_millis),
        };
        let timeout = Duration::from_millis(args.timeout_ms.unwrap_or(120_000));
        let start = tokio::time::Instant::now();
        let mut checks = 0u64;
        loop {
            let task = TaskOutput::new(call(ctx, &request).await?, Some(checks + 1));
            checks += 1;
            let elapsed = start.elapsed();
            let done = task.terminal || elapsed >= timeout;
            let gap = schedule
                .next_gap(elapsed, None)
                .min(timeout.saturating_sub(elapsed));
            report(ctx, &task.state, checks, elapsed, (!done).then_some(gap));
            if done {
                return Ok(task);
            }
            tokio::time::sleep(gap).await;
        }
    }

    fn example() -> Value {
        json!({"taskId": "3c9e7a10-0000-4000-8000-0000000a2a01", "waitUntilDone": true, "timeoutMs": 60000})
    }
}
