//! `theta.deployments.listStandard`: Theta's standard deployment templates of a category.
//!
//! `GET https://controller.thetaedgecloud.com/deployment_template/list_standard_templates?category=<c>&page=<p>&number=<n>`
//! with `x-api-key`. Read-only and free. The answer is returned as is: `body.templates` lists
//! the templates (`id`, `name`, `category`, …); a template id goes into
//! `theta.deployments.create`'s `payload.deployment_template_id`.

use crate::command::prelude::*;
use crate::skills::theta;
use crate::skills::theta::codes;
use crate::skills::theta::default_field_code;

use crate::error::{Error, ErrorCode};
use crate::schema::IDENTIFIER_PATTERN;

/// Arguments.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ListStandardArgs {
    /// Template category: `serving` (inference endpoints) or `prototyping` (notebooks, GPU
    /// nodes).
    #[schemars(regex(pattern = IDENTIFIER_PATTERN), length(min = 1, max = 64))]
    pub category: String,
    /// Page number, from 0 (default 0).
    #[schemars(range(max = 100_000))]
    pub page: Option<u32>,
    /// Templates per page (default 50).
    #[schemars(range(min = 1, max = 500))]
    pub number: Option<u32>,
}

/// `theta.deployments.listStandard`.
#[derive(Debug, Clone, Copy)]
pub struct ListStandard;

impl Command for ListStandard {
    const ID: &'static str = "theta.deployments.listStandard";
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str =
        "Lists Theta's standard deployment templates of a category (serving or prototyping).";
    const SERVICE: Service = theta::CONTROLLER;
    const SECRETS: &'static [SecretNeed] = &[SecretNeed::required(theta::EC_API_KEY)];
    type Args = ListStandardArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: ListStandardArgs) -> Result<Value, Error> {
        let request = standard_templates_request(
            &args.category,
            args.page.unwrap_or(0),
            args.number.unwrap_or(DEFAULT_PAGE_SIZE),
        );
        ctx.client(theta::CONTROLLER)?
            .send(&request)
            .await?
            .json_value()
    }

    fn example() -> Value {
        json!({"category": "serving"})
    }

    fn field_code(field: &str) -> Option<ErrorCode> {
        match field {
            "category" => Some(codes::INVALID_TEMPLATE_CATEGORY),
            other => default_field_code(other),
        }
    }
}

/// The page size used when none is given.
pub(crate) const DEFAULT_PAGE_SIZE: u32 = 50;

/// `GET /deployment_template/list_standard_templates?category=&page=&number=`.
pub(crate) fn standard_templates_request(category: &str, page: u32, number: u32) -> ApiRequest {
    ApiRequest::get(&["deployment_template", "list_standard_templates"])
        .query("category", category)
        .query("page", page)
        .query("number", number)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::skills::theta::controller::testing::controller_url;

    #[test]
    fn the_request_carries_category_and_paging() {
        assert_eq!(
            controller_url(&standard_templates_request("serving", 2, 50)),
            "https://controller.thetaedgecloud.com/deployment_template/list_standard_templates?category=serving&page=2&number=50"
        );
    }

    #[test]
    fn bad_categories_have_their_own_code() {
        assert_eq!(
            ListStandard::field_code("category"),
            Some(codes::INVALID_TEMPLATE_CATEGORY)
        );
        assert_eq!(
            ListStandard::field_code("page"),
            Some(ErrorCode::InvalidPage)
        );
    }
}
