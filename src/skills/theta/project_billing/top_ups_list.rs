//! `theta.billing.topUps.list` (alias `list_billing_top_ups`): the organization's credit
//! top-ups, sanitized, one page at a time.
//!
//! `GET https://controller-beta.thetaedgecloud.com/v1/projects/<p>/billing/top-ups[?page=&number=]`
//! with `x-api-key`; each parameter is sent only when given. Read-only and free; the result is
//! the envelope's `body`.

use crate::command::prelude::*;
use crate::skills::theta;

use crate::error::{Error, ErrorCode};
use crate::schema::PROJECT_ID_PATTERN;
use crate::skills::theta::controller_v1::{self, project_request};

/// Arguments.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TopUpsListArgs {
    /// One-based page number (1 or more).
    #[schemars(range(min = 1, max = 1_000_000))]
    pub page: Option<u32>,
    /// Records per page, 1 to 100.
    #[schemars(range(min = 1, max = 100))]
    pub number: Option<u32>,
    /// Project id (`prj_...`); defaults to THETA_EC_PROJECT_ID.
    #[serde(rename = "projectId")]
    #[schemars(regex(pattern = PROJECT_ID_PATTERN), length(max = 128))]
    pub project_id: Option<String>,
}

/// `theta.billing.topUps.list`.
#[derive(Debug, Clone, Copy)]
pub struct TopUpsList;

impl Command for TopUpsList {
    const ID: &'static str = "theta.billing.topUps.list";
    const ALIASES: &'static [&'static str] = &["list_billing_top_ups"];
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str =
        "Lists the credit top-ups of the organization behind the project, one page at a time.";
    const SERVICE: Service = theta::CONTROLLER_V1;
    const SECRETS: &'static [SecretNeed] = crate::skills::theta::gpu::SECRETS;
    type Args = TopUpsListArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: TopUpsListArgs) -> Result<Value, Error> {
        let request = request(ctx, &args)?;
        controller_v1::send(ctx, &request).await
    }

    fn example() -> Value {
        json!({"projectId": "prj_example", "page": 1, "number": 20})
    }

    fn field_code(field: &str) -> Option<ErrorCode> {
        controller_v1::field_code(field)
    }
}

fn request(ctx: &Ctx<'_>, args: &TopUpsListArgs) -> Result<ApiRequest, Error> {
    if args.page == Some(0) {
        return Err(Error::invalid_field(
            ErrorCode::InvalidPage,
            "page",
            "page must be 1 or more.",
        ));
    }
    if args.number.is_some_and(|n| !(1..=100).contains(&n)) {
        return Err(Error::invalid_field(
            ErrorCode::InvalidPageSize,
            "number",
            "number must be between 1 and 100.",
        ));
    }
    let project = controller_v1::project(ctx, args.project_id.as_deref())?;
    Ok(
        project_request("GET", &project, &["billing", "top-ups"], Effect::ReadOnly)
            .query_opt("page", args.page)
            .query_opt("number", args.number),
    )
}
