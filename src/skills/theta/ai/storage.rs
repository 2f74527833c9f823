//! `theta.ai.storage.list`: the project's persistent storage volumes.
//!
//! `GET https://controller.thetaedgecloud.com/volume/claim?projectId=<p>&page=<n>&number=<m>`
//! with `x-api-key` — note the camelCase `projectId` this endpoint takes. Read-only and free;
//! the answer is returned as is.

use crate::command::prelude::*;
use crate::skills::theta;
use crate::skills::theta::ThetaConfig;

use crate::schema::PROJECT_ID_PATTERN;

/// Arguments.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct StorageListArgs {
    /// Project id (`prj_...`); defaults to THETA_EC_PROJECT_ID.
    #[schemars(regex(pattern = PROJECT_ID_PATTERN), length(max = 128))]
    pub project_id: Option<String>,
    /// Page number, from 1 (default 1).
    #[schemars(range(min = 1, max = 100_000))]
    pub page: Option<u32>,
    /// Volumes per page (default 20).
    #[schemars(range(min = 1, max = 500))]
    pub number: Option<u32>,
}

/// `theta.ai.storage.list`.
#[derive(Debug, Clone, Copy)]
pub struct StorageList;

impl Command for StorageList {
    const ID: &'static str = "theta.ai.storage.list";
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str = "Lists the project's persistent storage volumes.";
    const SERVICE: Service = theta::CONTROLLER;
    const SECRETS: &'static [SecretNeed] = &[SecretNeed::required(theta::EC_API_KEY)];
    type Args = StorageListArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: StorageListArgs) -> Result<Value, Error> {
        let project = ctx.config().project_id(args.project_id.as_deref())?;
        let request = storage_request(&project, args.page.unwrap_or(1), args.number.unwrap_or(20));
        ctx.client(theta::CONTROLLER)?
            .send(&request)
            .await?
            .json_value()
    }

    fn example() -> Value {
        json!({"projectId": "prj_example", "page": 1, "number": 20})
    }
}

fn storage_request(project: &str, page: u32, number: u32) -> ApiRequest {
    ApiRequest::get(&["volume", "claim"])
        .query("projectId", project)
        .query("page", page)
        .query("number", number)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::skills::theta::controller::testing::controller_url;

    #[test]
    fn storage_uses_the_camel_case_project_parameter() {
        assert_eq!(
            controller_url(&storage_request("prj_a", 1, 20)),
            "https://controller.thetaedgecloud.com/volume/claim?projectId=prj_a&page=1&number=20"
        );
    }
}
