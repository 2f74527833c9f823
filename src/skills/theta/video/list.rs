//! `theta.video.list`: the videos of a service account, one page at a time.
//!
//! `GET https://api.thetavideoapi.com/video/<serviceAccountId>/list?page=<page>&number=<number>`
//! with the service-account headers. `serviceAccountId` defaults to THETA_VIDEO_SA_ID, which
//! is then inserted into the path by the HTTP layer and masked in every output. Read-only and
//! free.

use crate::command::prelude::*;
use crate::skills::theta;

use super::SECRETS;
use crate::schema::IDENTIFIER_PATTERN;

/// Default page.
const DEFAULT_PAGE: u32 = 1;
/// Default page size.
const DEFAULT_NUMBER: u32 = 10;

/// Arguments.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ListArgs {
    /// The service account whose videos to list (`srvacc_…`); defaults to THETA_VIDEO_SA_ID.
    #[schemars(regex(pattern = IDENTIFIER_PATTERN), length(min = 1, max = 128))]
    pub service_account_id: Option<String>,
    /// Page number, from 1 (default 1).
    #[schemars(range(min = 1, max = 100_000))]
    pub page: Option<u32>,
    /// Videos per page, 1 to 100 (default 10).
    #[schemars(range(min = 1, max = 100))]
    pub number: Option<u32>,
}

/// `theta.video.list`.
#[derive(Debug, Clone, Copy)]
pub struct List;

impl Command for List {
    const ID: &'static str = "theta.video.list";
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str =
        "Lists the videos of a Theta Video API service account, one page at a time.";
    const SERVICE: Service = theta::VIDEO;
    const SECRETS: &'static [SecretNeed] = SECRETS;
    type Args = ListArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: ListArgs) -> Result<Value, Error> {
        ctx.client(theta::VIDEO)?
            .send(&request(&args))
            .await?
            .json_value()
    }

    fn example() -> Value {
        json!({"page": 1, "number": 10})
    }
}

fn request(args: &ListArgs) -> ApiRequest {
    let account = ApiRequest::get(&["video"]);
    let account = match args.service_account_id.as_deref() {
        Some(id) => account.segment(id),
        None => account.secret_segment(theta::VIDEO_SA_ID),
    };
    account
        .segment("list")
        .query("page", args.page.unwrap_or(DEFAULT_PAGE))
        .query("number", args.number.unwrap_or(DEFAULT_NUMBER))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema;
    use crate::skills::theta::{codes, default_field_code};

    #[test]
    fn arguments_are_checked() {
        let validator = schema::compile(&schema::input_schema::<ListArgs>()).unwrap();
        assert!(validator.is_valid(&json!({})));
        assert!(validator.is_valid(&List::example()));
        assert!(validator.is_valid(&json!({"serviceAccountId": "srvacc_abc"})));
        for bad in [
            json!({"serviceAccountId": "../x"}),
            json!({"serviceAccountId": ""}),
            json!({"page": 0}),
            json!({"number": 0}),
            json!({"number": 101}),
            json!({"page": "1"}),
        ] {
            assert!(!validator.is_valid(&bad), "{bad}");
        }
        assert_eq!(
            default_field_code("serviceAccountId"),
            Some(codes::INVALID_SERVICE_ACCOUNT_ID)
        );
    }
}
