//! GPU node deployments on the v1 controller: list, get, create, start, stop, delete, events
//! and logs (`spec/theta-gpu-api.md` §3, R4–R11). Each deployment is addressed by one stable
//! id (`dplb_…`), sent as one encoded path segment.

mod create;
mod delete;
mod events;
mod get;
mod list;
mod logs;
mod start;
mod stop;

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

pub use create::{Create, CreateArgs};
pub use delete::Delete;
pub use events::Events;
pub use get::Get;
pub use list::List;
pub use logs::Logs;
pub use start::Start;
pub use stop::Stop;

use crate::command::{Ctx, Effect, Preview};
use crate::error::Error;
use crate::http::ApiRequest;
use crate::schema::PROJECT_ID_PATTERN;
use crate::skills::theta::controller_v1::{
    self, NO_CONTROL_PATTERN, check_id, lifecycle_preview, project_request,
};

/// The deployments collection, below the project.
pub(crate) const COLLECTION: &str = "gpu-deployments";

/// Arguments of the commands that read one deployment.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeploymentArgs {
    /// The deployment's stable id (`dplb_...`) from `theta.gpu.deployments.list`.
    #[schemars(length(min = 1, max = 256), regex(pattern = NO_CONTROL_PATTERN))]
    pub deployment_id: String,
    /// Project id (`prj_...`); defaults to THETA_EC_PROJECT_ID.
    #[serde(rename = "projectId")]
    #[schemars(regex(pattern = PROJECT_ID_PATTERN), length(max = 128))]
    pub project_id: Option<String>,
}

/// Arguments of `start`, `stop` and `delete`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LifecycleArgs {
    /// The deployment's stable id (`dplb_...`) from `theta.gpu.deployments.list`.
    #[schemars(length(min = 1, max = 256), regex(pattern = NO_CONTROL_PATTERN))]
    pub deployment_id: String,
    /// Optional, for callers of the official MCP tools: `false` turns this call into a
    /// dry-run preview (nothing is sent); `true` or absent changes nothing, and never turns
    /// a dry-run off. Show the preview to the user and get a yes before running it for real.
    pub confirm: Option<bool>,
    /// Project id (`prj_...`); defaults to THETA_EC_PROJECT_ID.
    #[serde(rename = "projectId")]
    #[schemars(regex(pattern = PROJECT_ID_PATTERN), length(max = 128))]
    pub project_id: Option<String>,
}

/// `GET /v1/projects/<p>/gpu-deployments/<id>[/<tail>]` for a read of one deployment.
pub(crate) fn read_request(
    ctx: &Ctx<'_>,
    args: &DeploymentArgs,
    tail: Option<&str>,
) -> Result<ApiRequest, Error> {
    let id = check_id("deployment_id", &args.deployment_id)?;
    let project = controller_v1::project(ctx, args.project_id.as_deref())?;
    let mut suffix = vec![COLLECTION, id.as_str()];
    suffix.extend(tail);
    Ok(project_request("GET", &project, &suffix, Effect::ReadOnly))
}

/// A lifecycle action on one deployment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Action {
    /// `POST …/start`: paid, billing resumes.
    Start,
    /// `POST …/stop`: stops compute, keeps the restartable configuration.
    Stop,
    /// `DELETE …`: destructive (the command declares it; the preview says so first).
    Delete,
}

impl Action {
    fn verb(self) -> &'static str {
        match self {
            Action::Start => "start",
            Action::Stop => "stop",
            Action::Delete => "delete",
        }
    }

    fn effect(self) -> Effect {
        match self {
            Action::Start => Effect::Paid,
            Action::Stop | Action::Delete => Effect::Mutating,
        }
    }

    fn note(self) -> &'static str {
        match self {
            Action::Start => {
                "Starts the GPU node again: billing resumes while it runs. Sent once: on a timeout or 5xx, check theta.gpu.deployments.get before resending."
            }
            Action::Stop => {
                "Stops the GPU node's compute; its configuration stays and it can be started again."
            }
            Action::Delete => "Deletes the deployment and its restartable configuration.",
        }
    }
}

/// The request of `action` on the deployment the arguments name.
pub(crate) fn action_request(
    ctx: &Ctx<'_>,
    action: Action,
    args: &LifecycleArgs,
) -> Result<ApiRequest, Error> {
    let id = check_id("deployment_id", &args.deployment_id)?;
    let project = controller_v1::project(ctx, args.project_id.as_deref())?;
    Ok(match action {
        Action::Start | Action::Stop => project_request(
            "POST",
            &project,
            &[COLLECTION, &id, action.verb()],
            action.effect(),
        ),
        Action::Delete => project_request("DELETE", &project, &[COLLECTION, &id], action.effect()),
    })
}

async fn run_action(ctx: &Ctx<'_>, action: Action, args: &LifecycleArgs) -> Result<Value, Error> {
    let request = action_request(ctx, action, args)?;
    controller_v1::send(ctx, &request).await
}

fn preview_action(ctx: &Ctx<'_>, action: Action, args: &LifecycleArgs) -> Result<Preview, Error> {
    let request = action_request(ctx, action, args)?;
    let id = check_id("deployment_id", &args.deployment_id)?;
    Ok(lifecycle_preview(
        controller_v1::preview(ctx, &request)?,
        args.confirm,
        action.verb(),
        action.note(),
        &id,
    ))
}
