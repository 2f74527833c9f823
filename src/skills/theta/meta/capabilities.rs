//! `theta.auth.capabilities`: which command families the configured credentials unlock.
//!
//! One record per family of the pack ([`crate::skills::theta::FAMILIES`], where each family
//! lists its commands, what it requires and its probe): whether its commands exist in this
//! build (`available`), whether its credentials are configured (and which are `missing`), and
//! whether a live probe `verified` them. Probes never spend money; in dry-run none is sent, so
//! a dry-run report never claims a verification. The report itself is built by the core
//! ([`crate::pack::capabilities_report`]).

use crate::command::prelude::*;

use crate::pack::{CapabilitiesOutput, capabilities_report};
use crate::schema::IDENTIFIER_PATTERN;
use crate::skills::theta;

/// Arguments of `theta.auth.capabilities`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CapabilitiesArgs {
    /// Organization id for the billing probe; defaults to THETA_ORG_ID.
    #[schemars(regex(pattern = IDENTIFIER_PATTERN), length(min = 1, max = 128))]
    pub org_id: Option<String>,
}

/// `theta.auth.capabilities`.
#[derive(Debug, Clone, Copy)]
pub struct Capabilities;

impl Command for Capabilities {
    const ID: &'static str = "theta.auth.capabilities";
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str = "Reports which command families the configured credentials unlock, verified by money-free live probes.";
    const SERVICE: Service = theta::RUNTIME;
    const SECRETS: &'static [SecretNeed] = theta::ALL_OPTIONAL;
    // In dry-run no probe is sent, so no secret value is asked of the host either.
    const OFFLINE_IN_DRY_RUN: bool = true;
    type Args = CapabilitiesArgs;
    type Output = CapabilitiesOutput;

    async fn run(
        &self,
        ctx: &Ctx<'_>,
        args: CapabilitiesArgs,
    ) -> Result<CapabilitiesOutput, Error> {
        let args = json!({ "orgId": args.org_id });
        Ok(capabilities_report(ctx, theta::FAMILIES, &args).await)
    }
}
