//! `elizacloud.a2a.tasks.cancel`: Cancels an A2A task that has not finished yet.

use super::{TaskArgs, TaskOutput, call, platform};
use crate::command::prelude::*;
use crate::skills::elizacloud::{API, KEY_REQUIRED, preview};

fn cancel_request(id: &str) -> ApiRequest {
    platform("tasks/cancel", json!({"id": id}), Effect::Mutating)
}

/// `elizacloud.a2a.tasks.cancel`: `POST /api/a2a` JSON-RPC `tasks/cancel` `{id}` → the task,
/// `canceled`. A task that already ended is `ELIZACLOUD_A2A_TASK_TERMINAL`; an unknown one
/// `ELIZACLOUD_A2A_NOT_FOUND`. Mutating, free.
#[derive(Debug, Clone, Copy)]
pub struct TasksCancel;

impl Command for TasksCancel {
    const ID: &'static str = "elizacloud.a2a.tasks.cancel";
    const EFFECT: Effect = Effect::Mutating;
    const SUMMARY: &'static str = "Cancels an A2A task that has not finished yet.";
    const SERVICE: Service = API;
    const SECRETS: &'static [SecretNeed] = KEY_REQUIRED;
    type Args = TaskArgs;
    type Output = TaskOutput;

    async fn run(&self, ctx: &Ctx<'_>, args: TaskArgs) -> Result<TaskOutput, Error> {
        let task = call(ctx, &cancel_request(&args.task_id)).await?;
        Ok(TaskOutput::new(task, None))
    }

    fn preview(&self, ctx: &Ctx<'_>, args: &TaskArgs) -> Result<Preview, Error> {
        Ok(preview(ctx, &cancel_request(&args.task_id))?
            .note("Free; a task that already ended cannot be canceled."))
    }

    fn example() -> Value {
        json!({"taskId": "3c9e7a10-0000-4000-8000-0000000a2a01"})
    }
}
