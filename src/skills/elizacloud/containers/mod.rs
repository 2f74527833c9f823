//! Containers on the Hetzner-Docker pool: `/api/v1/containers` (`spec/elizacloud.md` §6.7).
//! Images must be on the platform's allow-list (403 `ELIZACLOUD_IMAGE_NOT_ALLOWED` /
//! `ELIZACLOUD_IMAGE_NOT_DIGEST_PINNED`); a deploy is idempotent per `projectName` (200 with
//! the live container, 201 when created); a running container is billed daily; stop and
//! delete stop billing.

mod delete;
mod deploy;
mod get;
mod list;
mod quota;
mod restart;
mod stop;

pub use delete::{Delete, DeleteArgs};
pub use deploy::{Deploy, DeployArgs, DeployOutput};
pub use get::Get;
pub use list::List;
pub use quota::Quota;
pub use restart::Restart;
pub use stop::Stop;

use super::ID_PATTERN;
use crate::command::Effect;
use crate::http::ApiRequest;
use schemars::JsonSchema;
use serde::Deserialize;

fn containers() -> ApiRequest {
    ApiRequest::get(&["api", "v1", "containers"])
}

/// Arguments naming one container.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ContainerArgs {
    /// The container id (from elizacloud.containers.list).
    #[schemars(regex(pattern = ID_PATTERN))]
    pub container_id: String,
}

fn item(id: &str, effect: Effect) -> (ApiRequest, ApiRequest) {
    (
        ApiRequest::delete(&["api", "v1", "containers"], effect).segment(id),
        ApiRequest::patch(&["api", "v1", "containers"], effect).segment(id),
    )
}
