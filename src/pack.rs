//! Skill packs: what one skill declares, and what the core derives from it.
//!
//! A [`Pack`] is data plus commands. It names its services and secrets (declared with the
//! vocabulary of [`crate::vocab`]), its non-secret [`Setting`]s, its environment prefix
//! (`ACME_` → `ACME_DRY_RUN`, `ACME_HTTP_*`, `ACME_LOG`), its [`Family`]s — each with its
//! commands, so a family is declared once — and the metadata of its OpenClaw skill and plugin.
//! The core (dispatcher, gate, secrets chain, HTTP, schemas, artifacts, CLI) reads these
//! declarations and names no pack. `docs/adding-a-skill.md` walks through a real pack.
//!
//! The capabilities report (`<pack>.auth.capabilities`) is derived from the families by
//! [`capabilities_report`]: one record per reported family, its commands taken from the family
//! itself, its probe run unless dry-run is on.

use std::time::SystemTime;

use futures_util::future::{BoxFuture, join_all};
use serde::Serialize;
use serde_json::{Value, json};

use crate::code::ErrorCode;
use crate::command::{Ctx, DynCommand};
use crate::config::EnvSpec;
use crate::error::Error;
pub use crate::providers::Providers;
pub use crate::vocab::{Checklist, Need, Setting, SettingCheck, Step};
use crate::vocab::{SecretName, Service};

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
    /// The probe was not sent (a precondition is missing).
    NotSent {
        /// Why.
        reason: String,
    },
}

/// A live, money-free check of one family's credentials. `args` are the capabilities
/// command's arguments, as JSON.
pub type ProbeFn =
    for<'a> fn(&'a Ctx<'a>, &'a Value) -> BoxFuture<'a, Result<CapabilityProbe, Error>>;

/// A command family: a section of the skill, a record of the capabilities report, and the
/// commands that belong to it. Every command belongs to exactly one family.
#[derive(Debug, Clone, Copy)]
pub struct Family {
    /// Record name in the capabilities report (`controller.project`).
    pub name: &'static str,
    /// Section title in SKILL.md (`Deployments and AI services`).
    pub title: &'static str,
    /// One or two sentences about the family.
    pub blurb: &'static str,
    /// The command whose example the skill shows.
    pub example: &'static str,
    /// What its commands need (empty: nothing): the report's `required` and `missing`, and
    /// whether it is configured, all derive from it.
    pub needs: &'static [Need],
    /// The live probe, when the family has one.
    pub probe: Option<ProbeFn>,
    /// Whether the capabilities report has a record for it (the first-run family has none).
    pub reported: bool,
    /// Its commands, in the order the skill lists them.
    pub commands: &'static [&'static dyn DynCommand],
}

impl Family {
    /// A reported family with nothing required and no probe; fill in the rest with
    /// `..Family::EMPTY`.
    pub const EMPTY: Family = Family {
        name: "",
        title: "",
        blurb: "",
        example: "",
        needs: &[],
        probe: None,
        reported: true,
        commands: &[],
    };
}

/// The OpenClaw skill and plugin metadata of a pack.
#[derive(Debug, Clone, Copy)]
pub struct SkillMeta {
    /// The skill's folder name, `skills.entries` key, ClawHub slug and plugin id.
    pub name: &'static str,
    /// One line under 160 characters.
    pub description: &'static str,
    /// The skill's homepage (the packs use the repository, [`crate::artifacts::release::REPOSITORY`]).
    pub homepage: &'static str,
    /// The emoji OpenClaw shows.
    pub emoji: &'static str,
    /// The credential OpenClaw asks for first (and the one `requires.env` names).
    pub primary: SecretName,
    /// SKILL.md's body: a Markdown template with `{{GATED}}` and `{{FAMILIES}}`.
    pub body: &'static str,
    /// The plugin's display name.
    pub plugin_name: &'static str,
    /// The plugin's description.
    pub plugin_description: &'static str,
    /// The plugin's npm package name.
    pub package_name: &'static str,
}

/// One skill: its declarations and commands.
#[derive(Debug)]
pub struct Pack {
    /// The command id prefix without its dot (`acme`).
    pub name: &'static str,
    /// The binary (`acme-skill`).
    pub binary: &'static str,
    /// The product, for people (`Acme Cloud`).
    pub title: &'static str,
    /// The environment prefix (`ACME_`): `<prefix>DRY_RUN`, `<prefix>HTTP_TIMEOUT_MS`,
    /// `<prefix>HTTP_MAX_RETRIES`, `<prefix>HTTP_RETRY_BACKOFF_MS`, `<prefix>LOG`.
    pub env_prefix: &'static str,
    /// The service of commands that call no upstream (`acme-runtime`).
    pub runtime: Service,
    /// Every upstream service.
    pub services: &'static [Service],
    /// Every credential, in the order documentation lists them.
    pub secrets: &'static [SecretName],
    /// Every non-secret variable besides the core's and the services' own.
    pub settings: &'static [Setting],
    /// The families, each with its commands.
    pub families: &'static [Family],
    /// Codes for argument names that mean the same in every command of the pack.
    pub field_code: fn(&str) -> Option<ErrorCode>,
    /// Refuses an argument that would redirect a command to another endpoint (`endpoint`),
    /// with this code, message and hint. `None`: no argument is refused this way.
    pub endpoint_arg: Option<(ErrorCode, &'static str, &'static str)>,
    /// Whether any of its commands reads local files the caller names (uploads). A pack that
    /// says `false` gets no file access for any command ([`crate::files`]).
    pub reads_local_files: bool,
    /// Two or three example invocations for `--help`, one per line.
    pub help_examples: &'static str,
    /// The OpenClaw skill and plugin.
    pub skill: SkillMeta,
    /// The first-run checklist's words (`<pack>.setup`, judged by `crate::checklist`).
    pub checklist: Checklist,
    /// The OpenClaw provider the plugin registers besides its tools: which command fills
    /// which of OpenClaw's own slots ([`Providers::NONE`]: none).
    pub providers: Providers,
}

impl Pack {
    /// Every command, family by family.
    pub fn commands(&self) -> impl Iterator<Item = &'static dyn DynCommand> + '_ {
        self.families
            .iter()
            .flat_map(|family| family.commands.iter().copied())
    }

    /// The family `command` belongs to.
    pub fn family_of(&self, id: &str) -> Option<&Family> {
        self.families
            .iter()
            .find(|family| family.commands.iter().any(|c| c.id() == id))
    }

    /// Every non-secret variable this pack's binary reads, with what it does (see
    /// [`crate::config::variables`]).
    pub fn variables(
        &self,
    ) -> Vec<(
        std::borrow::Cow<'static, str>,
        std::borrow::Cow<'static, str>,
    )> {
        crate::config::variables(&self.into())
    }

    /// A variable name under this pack's prefix (`var("DRY_RUN")` → `ACME_DRY_RUN`).
    pub fn var(&self, suffix: &str) -> String {
        format!("{}{suffix}", self.env_prefix)
    }
}

impl<'a> From<&'a Pack> for EnvSpec<'a> {
    fn from(pack: &'a Pack) -> Self {
        EnvSpec {
            env_prefix: pack.env_prefix,
            binary: pack.binary,
            services: pack.services,
            settings: pack.settings,
        }
    }
}

/// One family's record in the capabilities report.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CapabilityRecord {
    name: &'static str,
    /// Whether the family's commands exist in this build.
    available: bool,
    configured: bool,
    verified: bool,
    required: Vec<String>,
    missing: Vec<String>,
    commands: Vec<&'static str>,
    notes: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    probe: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sample: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// The capabilities report.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CapabilitiesOutput {
    mode: &'static str,
    timestamp: String,
    capabilities: Vec<CapabilityRecord>,
    summary: Value,
}

/// Which of `families` the credentials of this run unlock, probing each configured family
/// concurrently. In dry-run no probe is sent, so a dry-run report never claims a
/// verification (not even from a free read) and no credential leaves the process.
pub async fn capabilities_report(
    ctx: &Ctx<'_>,
    families: &'static [Family],
    args: &Value,
) -> CapabilitiesOutput {
    let reported = families.iter().filter(|family| family.reported);
    let capabilities = join_all(reported.map(|family| record(ctx, args, family))).await;
    let count = |f: fn(&CapabilityRecord) -> bool| capabilities.iter().filter(|r| f(r)).count();
    let summary = json!({
        "total": capabilities.len(),
        "available": count(|r| r.available),
        "configured": count(|r| r.configured),
        "verified": count(|r| r.verified),
    });
    CapabilitiesOutput {
        mode: "api-key-first",
        timestamp: humantime::format_rfc3339_millis(SystemTime::now()).to_string(),
        capabilities,
        summary,
    }
}

async fn record(ctx: &Ctx<'_>, args: &Value, family: &Family) -> CapabilityRecord {
    let commands: Vec<&'static str> = family.commands.iter().map(|c| c.id()).collect();
    let available = !commands.is_empty();
    let missing: Vec<String> = unmet(ctx, args, family.needs)
        .into_iter()
        .map(|unmet| unmet.label)
        .collect();
    let configured = missing.is_empty();
    let mut record = CapabilityRecord {
        name: family.name,
        available,
        configured,
        verified: false,
        required: family.needs.iter().map(Need::label).collect(),
        missing,
        commands,
        notes: family.blurb.to_owned(),
        probe: None,
        sample: None,
        error: None,
    };
    let probe = match (available, configured, family.probe) {
        (false, _, _) => {
            record.notes = format!("{} Not available in this build.", family.blurb);
            return record;
        }
        (true, false, _) => {
            record.notes = format!(
                "{} Set {} to enable it.",
                family.blurb,
                record.missing.join(", ")
            );
            return record;
        }
        (true, true, None) => return record,
        (true, true, Some(probe)) => probe,
    };
    if ctx.gate().stops_probes() {
        record.notes = format!("{} Not verified: dry-run sends no probes.", family.blurb);
        return record;
    }
    match probe(ctx, args).await {
        Ok(CapabilityProbe::Verified { probe, sample }) => {
            record.verified = true;
            record.probe = Some(probe);
            record.sample = Some(sample);
        }
        Ok(CapabilityProbe::NotSent { reason }) => {
            record.notes = format!("{} Not verified: {reason}", family.blurb);
        }
        Err(error) => record.error = Some(crate::secrets::summary(&error, 220)),
    }
    record
}

/// One need that this run does not meet.
#[derive(Debug, Clone)]
pub struct Unmet {
    /// How people read it (`ACME_KEY`, `ACME_TOKEN or ACME_USER and ACME_PASS`).
    pub label: String,
    /// Why.
    pub why: UnmetBecause,
    /// For an unusable setting, what a usable value looks like.
    pub expected: Option<&'static str>,
}

/// Why a need is not met.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnmetBecause {
    /// Nothing is set.
    Absent,
    /// A credential the OpenClaw host may hold: not in the environment, and the host is asked
    /// only when a command needs its value (`serve`).
    AtTheHost,
    /// A setting is set, but not to a usable value.
    Invalid,
}

/// The needs among `needs` this run does not meet (empty: all are met), judged from the
/// secrets present (never their values), the settings, and `args` (a setting's argument
/// stands in for it).
pub fn unmet(ctx: &Ctx<'_>, args: &Value, needs: &[Need]) -> Vec<Unmet> {
    needs
        .iter()
        .flat_map(|need| unmet_one(ctx, args, need))
        .collect()
}

fn unmet_one(ctx: &Ctx<'_>, args: &Value, need: &Need) -> Vec<Unmet> {
    let because = |why, expected| {
        vec![Unmet {
            label: need.label(),
            why,
            expected,
        }]
    };
    match need {
        Need::Secret(secret) if ctx.secrets().contains(*secret) => Vec::new(),
        Need::Secret(secret) if ctx.is_deferred(*secret) => because(UnmetBecause::AtTheHost, None),
        Need::Secret(_) => because(UnmetBecause::Absent, None),
        Need::Setting(setting) => {
            let from_arg = setting
                .arg
                .and_then(|arg| args.get(arg))
                .and_then(Value::as_str);
            let value = from_arg
                .or_else(|| ctx.config().setting(setting.name))
                .map(str::trim)
                .filter(|v| !v.is_empty());
            match (value, setting.check) {
                (None, _) => because(UnmetBecause::Absent, None),
                (Some(value), Some(check)) if !(check.usable)(value) => {
                    because(UnmetBecause::Invalid, Some(check.expected))
                }
                (Some(_), _) => Vec::new(),
            }
        }
        Need::AllOf(needs) => unmet(ctx, args, needs),
        Need::AnyOf(needs) => {
            let each: Vec<Vec<Unmet>> = needs.iter().map(|n| unmet_one(ctx, args, n)).collect();
            if each.iter().any(Vec::is_empty) {
                Vec::new()
            } else if each
                .iter()
                .flatten()
                .all(|u| u.why == UnmetBecause::AtTheHost)
            {
                because(UnmetBecause::AtTheHost, None)
            } else {
                because(UnmetBecause::Absent, None)
            }
        }
    }
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
        assert_eq!(sample_of(&json!("x")), json!({"type": "string"}));
    }
}
