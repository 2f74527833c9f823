//! `theta.auth.capabilities`: which command families the configured credentials unlock.
//!
//! One record per family: whether its commands exist in this build (`available`), whether
//! its credentials are configured (and which are `missing`), and whether a live probe
//! `verified` them. Probes never spend money; in dry-run none is sent, so a dry-run report
//! never claims a verification. A family whose commands are not in this build is reported as
//! not available, with no probe.

use std::time::SystemTime;

use futures_util::future::{BoxFuture, join_all};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::command::{Command, Ctx, Effect, SecretNeed, Service};
use crate::commands::theta::ondemand;
use crate::error::Error;
use crate::runtime::{gate, registry};
use crate::schema::IDENTIFIER_PATTERN;
use crate::secrets::SecretName;

/// Arguments of `theta.auth.capabilities`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CapabilitiesArgs {
    /// Organization id for the billing probe; defaults to THETA_ORG_ID.
    #[schemars(regex(pattern = IDENTIFIER_PATTERN), length(min = 1, max = 128))]
    pub org_id: Option<String>,
}

/// What a family's probe found.
#[derive(Debug, Clone)]
pub enum CapabilityProbe {
    /// The credentials work; `sample` describes the answer (never the answer itself).
    Verified {
        /// What was called, e.g. `GET /deployment/list`.
        probe: String,
        /// A small, secret-free description of the answer.
        sample: Value,
    },
    /// The probe was not sent (dry-run stopped a gated probe, or a precondition is missing).
    NotSent {
        /// Why.
        reason: String,
    },
}

/// A probe function: a live, money-free check of one family's credentials.
pub type ProbeFn =
    for<'a> fn(&'a Ctx<'a>, &'a CapabilitiesArgs) -> BoxFuture<'a, Result<CapabilityProbe, Error>>;

/// One command family, as `theta.auth.capabilities` reports it. Each family module defines
/// its own and [`FAMILIES`] lists them.
#[derive(Debug, Clone, Copy)]
pub struct Capability {
    /// Record name, e.g. `ondemand.inference`.
    pub name: &'static str,
    /// The variables it needs, for people (`"A or B"` where either works).
    pub required: &'static [&'static str],
    /// The command ids it unlocks.
    pub commands: &'static [&'static str],
    /// One sentence about the family.
    pub notes: &'static str,
    /// The required items that are missing (empty = configured).
    pub missing: fn(&Ctx<'_>, &CapabilitiesArgs) -> Vec<&'static str>,
    /// The live probe, when the family has one.
    pub probe: Option<ProbeFn>,
}

/// Every family, in report order.
pub static FAMILIES: &[Capability] = &[
    Capability {
        name: "controller.project",
        required: &["THETA_EC_API_KEY", "THETA_EC_PROJECT_ID"],
        commands: &[
            "theta.deployments.list",
            "theta.deployments.listStandard",
            "theta.deployments.listCustom",
            "theta.deployments.routeProbe",
            "theta.deployments.create",
            "theta.deployments.start",
            "theta.deployments.stop",
            "theta.deployments.delete",
            "theta.deployments.validateDisposable",
            "theta.ai.dedicatedDeployments.list",
            "theta.ai.jupyter.list",
            "theta.ai.gpuNode.list",
            "theta.ai.gpuCluster.list",
            "theta.ai.storage.list",
            "theta.ai.agent.list",
            "theta.ai.agent.get",
            "theta.ai.agent.create",
            "theta.ai.agent.update",
            "theta.ai.agent.document.create",
            "theta.ai.agent.document.update",
            "theta.ai.agent.document.get",
            "theta.ai.agent.document.list",
        ],
        notes: "Project-scoped controller APIs (deployments, templates, clusters, storage, agents).",
        missing: controller_missing,
        probe: Some(crate::commands::theta::deployments::capability_probe),
    },
    Capability {
        name: "billing.balance",
        required: &["THETA_EC_API_KEY", "THETA_ORG_ID"],
        commands: &["theta.billing.balance", "theta.billing.balanceSnapshot"],
        notes: "Organization credit balance.",
        missing: billing_missing,
        probe: Some(crate::commands::theta::billing::capability_probe),
    },
    Capability {
        name: "ondemand.catalog",
        required: &[],
        commands: &["theta.ondemand.listServices"],
        notes: "Public on-demand model catalog.",
        missing: nothing_missing,
        probe: Some(ondemand::probes::catalog_probe),
    },
    Capability {
        name: "ondemand.inference",
        required: &["THETA_ONDEMAND_API_TOKEN or THETA_ONDEMAND_API_KEY"],
        commands: &[
            "theta.ondemand.infer",
            "theta.ondemand.chat",
            "theta.ondemand.status",
            "theta.ondemand.pollUntilDone",
            "theta.ondemand.inputPresignedUrls",
        ],
        notes: "On-demand inference, chat, status and polling.",
        missing: ondemand_missing,
        probe: Some(ondemand::probes::inference_probe),
    },
    Capability {
        name: "inference.endpoint",
        required: &[
            "THETA_INFERENCE_ENDPOINT",
            "THETA_INFERENCE_AUTH_TOKEN or THETA_INFERENCE_AUTH_USER/PASS",
        ],
        commands: &[
            "theta.inference.models",
            "theta.inference.chat",
            "theta.inference.ready",
        ],
        notes: "Dedicated endpoint model listing, chat and readiness polling.",
        missing: inference_missing,
        probe: Some(crate::commands::theta::inference::probe),
    },
    Capability {
        name: "video.api",
        required: &["THETA_VIDEO_SA_ID", "THETA_VIDEO_SA_SECRET"],
        commands: &[
            "theta.video.list",
            "theta.video.uploadCreate",
            "theta.video.videoCreate",
            "theta.video.videoGet",
            "theta.video.streamCreate",
            "theta.video.streamGet",
            "theta.video.ingestor.list",
            "theta.video.ingestor.select",
        ],
        notes: "Theta Video API (videos, uploads, live streams, edge ingestors).",
        missing: video_missing,
        probe: Some(crate::commands::theta::video::probe),
    },
];

fn nothing_missing(_: &Ctx<'_>, _: &CapabilitiesArgs) -> Vec<&'static str> {
    Vec::new()
}

/// Missing items for the project-scoped controller APIs.
fn controller_missing(ctx: &Ctx<'_>, _: &CapabilitiesArgs) -> Vec<&'static str> {
    let mut missing = Vec::new();
    if !ctx.secrets().contains(SecretName::EcApiKey) {
        missing.push("THETA_EC_API_KEY");
    }
    if ctx.config().project_id(None).is_err() {
        missing.push("THETA_EC_PROJECT_ID");
    }
    missing
}

fn billing_missing(ctx: &Ctx<'_>, args: &CapabilitiesArgs) -> Vec<&'static str> {
    let mut missing = Vec::new();
    if !ctx.secrets().contains(SecretName::EcApiKey) {
        missing.push("THETA_EC_API_KEY");
    }
    if ctx.config().org_id(args.org_id.as_deref()).is_err() {
        missing.push("THETA_ORG_ID");
    }
    missing
}

fn ondemand_missing(ctx: &Ctx<'_>, _: &CapabilitiesArgs) -> Vec<&'static str> {
    if ctx.secrets().contains(SecretName::OndemandToken) {
        Vec::new()
    } else {
        vec!["THETA_ONDEMAND_API_TOKEN or THETA_ONDEMAND_API_KEY"]
    }
}

fn inference_missing(ctx: &Ctx<'_>, _: &CapabilitiesArgs) -> Vec<&'static str> {
    let secrets = ctx.secrets();
    let mut missing = Vec::new();
    if ctx.config().inference_endpoint.is_none() {
        missing.push("THETA_INFERENCE_ENDPOINT");
    }
    let has_auth = secrets.contains(SecretName::InferenceToken)
        || (secrets.contains(SecretName::InferenceUser)
            && secrets.contains(SecretName::InferencePass));
    if !has_auth {
        missing.push("THETA_INFERENCE_AUTH_TOKEN or THETA_INFERENCE_AUTH_USER/PASS");
    }
    missing
}

fn video_missing(ctx: &Ctx<'_>, _: &CapabilitiesArgs) -> Vec<&'static str> {
    let secrets = ctx.secrets();
    [
        (SecretName::VideoSaId, "THETA_VIDEO_SA_ID"),
        (SecretName::VideoSaSecret, "THETA_VIDEO_SA_SECRET"),
    ]
    .into_iter()
    .filter(|(name, _)| !secrets.contains(*name))
    .map(|(_, var)| var)
    .collect()
}

/// One family's record.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CapabilityRecord {
    name: &'static str,
    /// Whether the family's commands exist in this build.
    available: bool,
    configured: bool,
    verified: bool,
    required: &'static [&'static str],
    missing: Vec<&'static str>,
    commands: Vec<&'static str>,
    notes: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    probe: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sample: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// The report.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CapabilitiesOutput {
    mode: &'static str,
    timestamp: String,
    capabilities: Vec<CapabilityRecord>,
    summary: Value,
}

/// `theta.auth.capabilities`.
#[derive(Debug, Clone, Copy)]
pub struct Capabilities;

impl Command for Capabilities {
    const ID: &'static str = "theta.auth.capabilities";
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str = "Reports which command families the configured credentials unlock, verified by money-free live probes.";
    const SERVICE: Service = Service::Runtime;
    const SECRETS: &'static [SecretNeed] = SecretNeed::ALL_OPTIONAL;
    type Args = CapabilitiesArgs;
    type Output = CapabilitiesOutput;

    async fn run(
        &self,
        ctx: &Ctx<'_>,
        args: CapabilitiesArgs,
    ) -> Result<CapabilitiesOutput, Error> {
        let capabilities = join_all(FAMILIES.iter().map(|family| record(ctx, &args, family))).await;
        let count = |f: fn(&CapabilityRecord) -> bool| capabilities.iter().filter(|r| f(r)).count();
        let summary = json!({
            "total": capabilities.len(),
            "available": count(|r| r.available),
            "configured": count(|r| r.configured),
            "verified": count(|r| r.verified),
        });
        Ok(CapabilitiesOutput {
            mode: "api-key-first",
            timestamp: humantime::format_rfc3339_millis(SystemTime::now()).to_string(),
            capabilities,
            summary,
        })
    }
}

async fn record(ctx: &Ctx<'_>, args: &CapabilitiesArgs, family: &Capability) -> CapabilityRecord {
    let commands: Vec<&'static str> = family
        .commands
        .iter()
        .copied()
        .filter(|id| registry::find(id).is_some())
        .collect();
    let available = !commands.is_empty();
    let missing = (family.missing)(ctx, args);
    let configured = missing.is_empty();
    let mut record = CapabilityRecord {
        name: family.name,
        available,
        configured,
        verified: false,
        required: family.required,
        missing,
        commands,
        notes: family.notes.to_owned(),
        probe: None,
        sample: None,
        error: None,
    };
    let probe = match (available, configured, family.probe) {
        (false, _, _) => {
            record.notes = format!(
                "{} Not available in this build of theta-skill.",
                family.notes
            );
            return record;
        }
        (true, false, _) => {
            record.notes = format!(
                "{} Set {} to enable it.",
                family.notes,
                record.missing.join(", ")
            );
            return record;
        }
        (true, true, None) => return record,
        (true, true, Some(probe)) => probe,
    };
    // One rule for every family: a dry-run report sends no probe, so it never claims a
    // verification (not even from a free read).
    if gate::stops_probes(ctx) {
        record.notes = format!("{} Not verified: dry-run sends no probes.", family.notes);
        return record;
    }
    match probe(ctx, args).await {
        Ok(CapabilityProbe::Verified { probe, sample }) => {
            record.verified = true;
            record.probe = Some(probe);
            record.sample = Some(sample);
        }
        Ok(CapabilityProbe::NotSent { reason }) => {
            record.notes = format!("{} Not verified: {reason}", family.notes);
        }
        Err(error) => record.error = Some(error.summary(220)),
    }
    record
}

/// A secret-free description of a probe answer: the first eight keys of an object, or the
/// length of an array.
pub fn sample_of(value: &Value) -> Value {
    match value {
        Value::Object(map) => json!({ "keys": map.keys().take(8).collect::<Vec<_>>() }),
        Value::Array(items) => json!({ "items": items.len() }),
        other => json!({ "type": json_type(other) }),
    }
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_never_carry_values() {
        let sample = sample_of(&json!({"a": "secret-value", "b": 1}));
        assert_eq!(sample, json!({"keys": ["a", "b"]}));
        assert_eq!(sample_of(&json!([1, 2, 3])), json!({"items": 3}));
    }

    #[test]
    fn family_names_are_unique() {
        let mut names: Vec<_> = FAMILIES.iter().map(|f| f.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), FAMILIES.len());
    }
}
