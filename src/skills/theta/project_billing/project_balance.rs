//! `theta.billing.projectBalance` (alias `get_billing_balance`): the credit balance of the
//! organization behind the project (no organization id needed, unlike
//! `theta.billing.balance`).
//!
//! `GET https://controller-beta.thetaedgecloud.com/v1/projects/<p>/billing/balance` with
//! `x-api-key`. Read-only and free; the result is the envelope's `body`.

use crate::command::prelude::*;
use crate::skills::theta;

use crate::error::{Error, ErrorCode};
use crate::skills::theta::controller_v1::{self, project_request};
use crate::skills::theta::gpu::V1ProjectArgs;

/// `theta.billing.projectBalance`.
#[derive(Debug, Clone, Copy)]
pub struct ProjectBalance;

impl Command for ProjectBalance {
    const ID: &'static str = "theta.billing.projectBalance";
    const ALIASES: &'static [&'static str] = &["get_billing_balance"];
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str = "Shows the credit balance of the organization behind the project, with no organization id needed.";
    const SERVICE: Service = theta::CONTROLLER_V1;
    const SECRETS: &'static [SecretNeed] = crate::skills::theta::gpu::SECRETS;
    type Args = V1ProjectArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: V1ProjectArgs) -> Result<Value, Error> {
        let project = controller_v1::project(ctx, args.project_id.as_deref())?;
        let request = project_request("GET", &project, &["billing", "balance"], Effect::ReadOnly);
        controller_v1::send(ctx, &request).await
    }

    fn example() -> Value {
        json!({"projectId": "prj_example"})
    }

    fn field_code(field: &str) -> Option<ErrorCode> {
        controller_v1::field_code(field)
    }
}
