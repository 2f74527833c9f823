//! `elizacloud.auth.capabilities`: Reports which elizaOS Cloud command families the key unlocks, verified by free read-only probes.

use super::NoArgs;
use crate::command::prelude::*;
use crate::pack::{CapabilitiesOutput, capabilities_report};
use crate::skills::elizacloud::{API_KEY, FAMILIES, RUNTIME};

/// `elizacloud.auth.capabilities`.
#[derive(Debug, Clone, Copy)]
pub struct Capabilities;

impl Command for Capabilities {
    const ID: &'static str = "elizacloud.auth.capabilities";
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str = "Reports which elizaOS Cloud command families the key unlocks, verified by free read-only probes.";
    const SERVICE: Service = RUNTIME;
    const SECRETS: &'static [SecretNeed] = &[SecretNeed::optional(API_KEY)];
    // In dry-run no probe is sent, so no secret value is asked of the host either.
    const OFFLINE_IN_DRY_RUN: bool = true;
    type Args = NoArgs;
    type Output = CapabilitiesOutput;

    async fn run(&self, ctx: &Ctx<'_>, _args: NoArgs) -> Result<CapabilitiesOutput, Error> {
        Ok(capabilities_report(ctx, FAMILIES, &json!({})).await)
    }
}
