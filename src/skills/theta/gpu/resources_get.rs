//! `theta.gpu.resources.get` (alias `get_gpu_resource`): one GPU resource.
//!
//! `GET https://controller-beta.thetaedgecloud.com/v1/projects/<p>/gpu-resources/<resource_id>[?region=]`
//! with `x-api-key`; the id is one encoded segment (`community_node/1` →
//! `community_node%2F1`). Read-only and free; the result is the envelope's `body`.

use crate::command::prelude::*;
use crate::skills::theta;

use crate::error::{Error, ErrorCode};
use crate::schema::PROJECT_ID_PATTERN;
use crate::skills::theta::controller_v1::{self, NO_CONTROL_PATTERN, check_id, project_request};

/// Arguments.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResourcesGetArgs {
    /// The resource id from `theta.gpu.resources.list` (hosted, or community such as
    /// `community_node/1`; `/` is allowed and sent encoded).
    #[schemars(length(min = 1, max = 256), regex(pattern = NO_CONTROL_PATTERN))]
    pub resource_id: String,
    /// Region of a hosted resource; needed when the same hosted resource id exists in several
    /// regions.
    #[schemars(length(min = 1, max = 128), regex(pattern = NO_CONTROL_PATTERN))]
    pub region: Option<String>,
    /// Project id (`prj_...`); defaults to THETA_EC_PROJECT_ID.
    #[serde(rename = "projectId")]
    #[schemars(regex(pattern = PROJECT_ID_PATTERN), length(max = 128))]
    pub project_id: Option<String>,
}

/// `theta.gpu.resources.get`.
#[derive(Debug, Clone, Copy)]
pub struct ResourcesGet;

impl Command for ResourcesGet {
    const ID: &'static str = "theta.gpu.resources.get";
    const ALIASES: &'static [&'static str] = &["get_gpu_resource"];
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str =
        "Shows one GPU resource (hosted or community) by id, optionally in one region.";
    const SERVICE: Service = theta::CONTROLLER_V1;
    const SECRETS: &'static [SecretNeed] = super::SECRETS;
    type Args = ResourcesGetArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: ResourcesGetArgs) -> Result<Value, Error> {
        let request = request(ctx, &args)?;
        controller_v1::send(ctx, &request).await
    }

    fn example() -> Value {
        json!({"projectId": "prj_example", "resource_id": "community_node/1"})
    }

    fn field_code(field: &str) -> Option<ErrorCode> {
        controller_v1::field_code(field)
    }
}

fn request(ctx: &Ctx<'_>, args: &ResourcesGetArgs) -> Result<ApiRequest, Error> {
    let id = check_id("resource_id", &args.resource_id)?;
    let region = args
        .region
        .as_deref()
        .map(|r| check_id("region", r))
        .transpose()?;
    let project = controller_v1::project(ctx, args.project_id.as_deref())?;
    Ok(
        project_request("GET", &project, &["gpu-resources", &id], Effect::ReadOnly)
            .query_opt("region", region),
    )
}
