//! `theta.health`: is the Theta platform reachable, and do the project credentials work?
//!
//! `GET https://api.thetaedgecloud.com/resource/vm/list` (public, no credentials); if that
//! fails the command fails. Then, when THETA_EC_API_KEY and the project id are configured,
//! `GET https://controller.thetaedgecloud.com/deployment/list?project_id=…` with `x-api-key`
//! (the request `theta.deployments.list` sends, with its `/deployments/list` fallback on
//! 404/405) verifies them; a failure there is reported in `authError`, not thrown. Read-only,
//! free.

use crate::skills::theta;
use crate::skills::theta::ThetaConfig;
use std::time::SystemTime;

use crate::command::prelude::*;
use serde::{Deserialize, Serialize};

use crate::skills::theta::deployments;

/// No arguments.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HealthArgs {}

/// The health report.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HealthOutput {
    /// True when the platform answered and, if credentials are configured, they work.
    ok: bool,
    public_api_reachable: bool,
    auth_configured: bool,
    auth_verified: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    auth_error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    vm_count: Option<usize>,
    timestamp: String,
}

/// `theta.health`.
#[derive(Debug, Clone, Copy)]
pub struct Health;

impl Command for Health {
    const ID: &'static str = "theta.health";
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str = "Checks that the Theta platform API is reachable and, when configured, that the project API key works.";
    const SERVICE: Service = theta::PLATFORM;
    const SECRETS: &'static [SecretNeed] = &[SecretNeed::optional(theta::EC_API_KEY)];
    type Args = HealthArgs;
    type Output = HealthOutput;

    async fn run(&self, ctx: &Ctx<'_>, _args: HealthArgs) -> Result<HealthOutput, Error> {
        let vms: Value = ctx
            .client(theta::PLATFORM)?
            .send(&deployments::vm_list_request())
            .await?
            .json_value()?;
        let vm_count = vms
            .pointer("/body/vms")
            .or_else(|| vms.get("vms"))
            .and_then(Value::as_array)
            .map(Vec::len);

        let project = ctx.config().project_id(None).ok();
        let auth_configured = ctx.secrets().contains(theta::EC_API_KEY) && project.is_some();
        let mut auth_error = None;
        if let Some(project) = project.filter(|_| auth_configured)
            && let Err(error) = deployments::list_deployments(ctx, &project, &[]).await
        {
            auth_error = Some(crate::secrets::summary(&error, 220));
        }
        let auth_verified = auth_configured && auth_error.is_none();
        Ok(HealthOutput {
            ok: !auth_configured || auth_verified,
            public_api_reachable: true,
            auth_configured,
            auth_verified,
            auth_error,
            vm_count,
            timestamp: humantime::format_rfc3339_millis(SystemTime::now()).to_string(),
        })
    }
}
