//! `elizacloud.jobs.get`: Shows one job's status (pending, in_progress, completed, failed) and result.

use super::{JobArgs, job_request};
use crate::command::prelude::*;
use crate::skills::elizacloud::{API, KEY_REQUIRED, send_json};

/// `elizacloud.jobs.get`.
#[derive(Debug, Clone, Copy)]
pub struct JobsGet;

impl Command for JobsGet {
    const ID: &'static str = "elizacloud.jobs.get";
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str =
        "Shows one job's status (pending, in_progress, completed, failed) and result.";
    const SERVICE: Service = API;
    const SECRETS: &'static [SecretNeed] = KEY_REQUIRED;
    type Args = JobArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: JobArgs) -> Result<Value, Error> {
        send_json(ctx, &job_request(&args.job_id)).await
    }

    fn example() -> Value {
        json!({"jobId": "job_123"})
    }
}
