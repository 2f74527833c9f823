//! `theta.billing.pricing` (alias `get_billing_pricing`): prices of chatbot, storage and
//! on-demand inference (GPU prices are in `theta.gpu.resources.list`).
//!
//! `GET https://controller-beta.thetaedgecloud.com/v1/projects/<p>/billing/pricing` with
//! `x-api-key`. Read-only and free; the result is the envelope's `body`.

use crate::command::prelude::*;
use crate::skills::theta;

use crate::error::{Error, ErrorCode};
use crate::skills::theta::controller_v1::{self, project_request};
use crate::skills::theta::gpu::V1ProjectArgs;

/// `theta.billing.pricing`.
#[derive(Debug, Clone, Copy)]
pub struct Pricing;

impl Command for Pricing {
    const ID: &'static str = "theta.billing.pricing";
    const ALIASES: &'static [&'static str] = &["get_billing_pricing"];
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str = "Shows the prices of chatbot, storage and on-demand inference (GPU prices come from theta.gpu.resources.list).";
    const SERVICE: Service = theta::CONTROLLER_V1;
    const SECRETS: &'static [SecretNeed] = crate::skills::theta::gpu::SECRETS;
    type Args = V1ProjectArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: V1ProjectArgs) -> Result<Value, Error> {
        let project = controller_v1::project(ctx, args.project_id.as_deref())?;
        let request = project_request("GET", &project, &["billing", "pricing"], Effect::ReadOnly);
        controller_v1::send(ctx, &request).await
    }

    fn example() -> Value {
        json!({"projectId": "prj_example"})
    }

    fn field_code(field: &str) -> Option<ErrorCode> {
        controller_v1::field_code(field)
    }
}
