//! GPU nodes on the project-scoped v1 controller (`spec/theta-gpu-api.md`): hosted and
//! community GPU resources, GPU node templates, and GPU node deployments with their
//! lifecycle, events and logs. The aliases are the official MCP server's tool names, and the
//! arguments keep its snake_case names, so a caller that knows those tools can call these.
//!
//! Base URL, credentials, ids and answers: see [`super::controller_v1`]. Reads may be
//! retried; `create` and `start` are paid, `stop` and `delete` mutating: each is sent once
//! once it may have reached the server, and previewed in dry-run. The four lifecycle
//! commands take an optional `confirm` (official tools require `confirm: true`): `false`
//! turns the call into a dry-run preview, `true` or absent changes nothing (it never turns a
//! dry-run off).

pub mod deployments;
mod resources_get;
mod resources_list;
mod templates_list;

use crate::skills::theta;
use futures_util::future::BoxFuture;
use schemars::JsonSchema;
use serde::Deserialize;

pub use resources_get::{ResourcesGet, ResourcesGetArgs};
pub use resources_list::ResourcesList;
pub use templates_list::TemplatesList;

use crate::command::{Ctx, Invoked, SecretNeed};
use crate::error::Error;
use crate::pack::{CapabilityProbe, sample_of};
use crate::schema::PROJECT_ID_PATTERN;

/// Every v1 command needs the project key.
pub(crate) const SECRETS: &[SecretNeed] = &[SecretNeed::required(theta::EC_API_KEY)];

/// Arguments of the v1 commands that only need a project.
#[derive(Debug, Default, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct V1ProjectArgs {
    /// Project id (`prj_...`); defaults to THETA_EC_PROJECT_ID.
    #[serde(rename = "projectId")]
    #[schemars(regex(pattern = PROJECT_ID_PATTERN), length(max = 128))]
    pub project_id: Option<String>,
}

/// The `controller.v1` capability probe: `theta.gpu.templates.list` (a free read) through
/// the dry-run gate.
pub fn capability_probe<'a>(
    ctx: &'a Ctx<'a>,
    _args: &'a serde_json::Value,
) -> BoxFuture<'a, Result<CapabilityProbe, Error>> {
    Box::pin(async move {
        Ok(
            match ctx.invoke(&TemplatesList, V1ProjectArgs::default()).await? {
                Invoked::Ran(answer) => CapabilityProbe::Verified {
                    probe: "GET /v1/projects/<project>/gpu-deployment-templates".to_owned(),
                    sample: sample_of(&answer),
                },
                Invoked::Previewed(_) => CapabilityProbe::NotSent {
                    reason: "dry-run stopped the probe".to_owned(),
                },
            },
        )
    })
}
