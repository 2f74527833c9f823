//! Deployments: listings, templates, VM types, the lifecycle (create, start, stop, delete) and
//! the disposable end-to-end validation (`spec/theta-api.md` §2.6).
//!
//! - **Base URLs**: the controller, `https://controller.thetaedgecloud.com`, for everything but
//!   `listVm`, which calls the public platform API `https://api.thetaedgecloud.com`. The
//!   controller sits behind Cloudflare: the HTTP layer sends a browser-like `User-Agent` and
//!   `Accept` on every controller and platform call.
//! - **Credentials**: `x-api-key: <THETA_EC_API_KEY>` (a project-scoped key); missing gives
//!   `MISSING_THETA_EC_API_KEY` with a hint saying where to create it.
//! - **Project**: `args.projectId`, else THETA_EC_PROJECT_ID (for payload commands, also
//!   `payload.project_id`); it must look like `prj_…` (`MISSING_THETA_EC_PROJECT_ID` /
//!   `INVALID_THETA_EC_PROJECT_ID`).
//! - **Route drift**: some controller versions serve `/deployments/...` instead of
//!   `/deployment/...`. Listings and lifecycle calls try the singular route and, when it
//!   answers 404 or 405 — which proves nothing was done — send the same request once to the
//!   plural route.
//! - **Effects**: `create` and `validateDisposable` are paid; `start`, `stop` and `delete` are
//!   mutating; each is sent once (never retried once it may have reached the controller) and
//!   previewed in dry-run.

mod create;
mod delete;
mod list;
mod list_custom;
mod list_standard;
mod list_vm;
mod route_probe;
mod start;
mod stop;
mod validate_disposable;

use crate::skills::theta;
use crate::skills::theta::ThetaConfig;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

pub use create::{Create, CreateArgs};
pub use delete::{Delete, DeleteArgs};
pub use list::{List, capability_probe};
pub use list_custom::ListCustom;
pub use list_standard::{ListStandard, ListStandardArgs};
pub use list_vm::{ListVm, ListVmArgs};
pub use route_probe::{RouteAttempt, RouteProbe, RouteProbeOutput};
pub use start::Start;
pub use stop::Stop;
pub use validate_disposable::{
    Probe, ValidateDisposable, ValidateDisposableArgs, ValidateDisposableReport,
};

pub(crate) use delete::DeleteTarget;
pub(crate) use list::{list_deployments, list_request};
pub(crate) use list_custom::custom_templates_request;
pub(crate) use list_standard::standard_templates_request;
pub(crate) use list_vm::vm_list_request;

use crate::command::{Ctx, Effect, Preview};
use crate::error::Error;
use crate::http::ApiRequest;
use crate::schema::{IDENTIFIER_PATTERN, PROJECT_ID_PATTERN};
use crate::skills::theta::controller::{PLURAL, SINGULAR, send_with_route_fallback};

/// Arguments of `start` and `stop`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct LifecycleArgs {
    /// The deployment's shard: `Shard` in `theta.deployments.list` (a non-negative integer).
    #[schemars(range(max = 1_000_000))]
    pub shard: u32,
    /// The deployment's suffix: `Suffix` in `theta.deployments.list`.
    #[schemars(regex(pattern = IDENTIFIER_PATTERN), length(min = 1, max = 128))]
    pub suffix: String,
    /// Project id (`prj_...`); defaults to THETA_EC_PROJECT_ID.
    #[schemars(regex(pattern = PROJECT_ID_PATTERN), length(max = 128))]
    pub project_id: Option<String>,
}

/// A lifecycle action on a running or stopped deployment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DeploymentAction {
    /// `PUT …/start`.
    Start,
    /// `PUT …/stop`.
    Stop,
}

impl DeploymentAction {
    fn segment(self) -> &'static str {
        match self {
            DeploymentAction::Start => "start",
            DeploymentAction::Stop => "stop",
        }
    }
}

/// `PUT /<route>/<shard>/<suffix>/<action>?project_id=`.
fn action_request(
    route: &str,
    action: DeploymentAction,
    args: &LifecycleArgs,
    project: &str,
) -> ApiRequest {
    let shard = args.shard.to_string();
    ApiRequest::put(
        &[route, &shard, args.suffix.trim(), action.segment()],
        Effect::Mutating,
    )
    .query("project_id", project)
}

async fn run_lifecycle(
    ctx: &Ctx<'_>,
    action: DeploymentAction,
    args: &LifecycleArgs,
) -> Result<Value, Error> {
    let project = ctx.config().project_id(args.project_id.as_deref())?;
    send_with_route_fallback(ctx, |route| action_request(route, action, args, &project))
        .await?
        .json_or_status()
}

fn lifecycle_preview(
    ctx: &Ctx<'_>,
    action: DeploymentAction,
    args: &LifecycleArgs,
) -> Result<Preview, Error> {
    let project = ctx.config().project_id(args.project_id.as_deref())?;
    let client = ctx.client(theta::CONTROLLER)?;
    let fallback = client.url(&action_request(PLURAL, action, args, &project))?;
    Ok(
        Preview::request(client.preview(&action_request(SINGULAR, action, args, &project))?)
            .note(format!(
                "If the controller answers 404 or 405 (nothing was done), the same PUT is sent once to {fallback}."
            )),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::skills::theta::controller::testing::preview;
    use serde_json::json;

    #[test]
    fn lifecycle_requests_are_puts_on_shard_and_suffix() {
        let args: LifecycleArgs =
            serde_json::from_value(json!({"shard": 4, "suffix": "abc"})).unwrap();
        let shown = preview(
            theta::CONTROLLER,
            &action_request(SINGULAR, DeploymentAction::Stop, &args, "prj_a"),
        );
        assert_eq!(shown.method, "PUT");
        assert_eq!(
            shown.url,
            "https://controller.thetaedgecloud.com/deployment/4/abc/stop?project_id=prj_a"
        );
        assert!(shown.body.is_none());
        let shown = preview(
            theta::CONTROLLER,
            &action_request(PLURAL, DeploymentAction::Start, &args, "prj_a"),
        );
        assert_eq!(
            shown.url,
            "https://controller.thetaedgecloud.com/deployments/4/abc/start?project_id=prj_a"
        );
    }
}
