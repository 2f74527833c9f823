//! `elizacloud.setup`: Shows the first-run checklist: whether the elizaOS Cloud key is set and how to get one (offline, no key needed).

use super::NoArgs;
use crate::command::{Command, Ctx, Effect, SecretNeed, Service};
use crate::error::Error;
use crate::skills::elizacloud::{API_KEY, DASHBOARD, DEFAULT_ORIGIN, FAMILIES, RUNTIME};
use serde::Serialize;
use serde_json::{Value, json};

/// The checklist.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SetupOutput {
    mode: &'static str,
    /// Whether the API key is configured.
    ready: bool,
    checklist: Vec<Step>,
    /// Every command family, and whether what it needs is set (no probe: that is
    /// `elizacloud.auth.capabilities`).
    families: Vec<FamilyStatus>,
    env: Value,
    links: Value,
    next: &'static str,
}

/// One step of the checklist.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Step {
    step: usize,
    title: &'static str,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    env: &'static [&'static str],
    optional: bool,
    /// `done`, `todo`, `manual` or `host` (the OpenClaw host is asked when a command needs it).
    status: &'static str,
}

/// One family, as the checklist sees it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct FamilyStatus {
    name: &'static str,
    title: &'static str,
    commands: usize,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    requires: &'static [&'static str],
    /// Whether everything it requires is set.
    configured: bool,
}

/// `elizacloud.setup`.
#[derive(Debug, Clone, Copy)]
pub struct Setup;

impl Command for Setup {
    const ID: &'static str = "elizacloud.setup";
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str = "Shows the first-run checklist: whether the elizaOS Cloud key is set and how to get one (offline, no key needed).";
    const SERVICE: Service = RUNTIME;
    // A checklist reports presence only: no secret value is ever asked of the host.
    const SECRETS: &'static [SecretNeed] = &[SecretNeed::presence(API_KEY)];
    type Args = NoArgs;
    type Output = SetupOutput;

    async fn run(&self, ctx: &Ctx<'_>, _args: NoArgs) -> Result<SetupOutput, Error> {
        let has_key = ctx.secrets().contains(API_KEY);
        let key_status = if has_key {
            "done"
        } else if ctx.is_deferred(API_KEY) {
            "host"
        } else {
            "todo"
        };
        let base = ctx
            .config()
            .base_url(crate::skills::elizacloud::API)
            .map(|u| u.to_string())
            .unwrap_or_else(|e| format!("invalid: {}", e.message()));
        let checklist = vec![
            Step {
                step: 1,
                title: "Sign in at https://cloud.eliza.app (new organizations get a small welcome credit; the balance is in USD).",
                env: &[],
                optional: false,
                status: "manual",
            },
            Step {
                step: 2,
                title: "Create an API key under API Keys (it looks like eliza_ followed by 64 hex characters) and set it as ELIZACLOUD_API_KEY (in OpenClaw: skills.entries.elizacloud.apiKey, or the plugin's apiKey).",
                env: &["ELIZACLOUD_API_KEY"],
                optional: false,
                status: key_status,
            },
            Step {
                step: 3,
                title: "Optional: set ELIZACLOUD_DRY_RUN=1 so every paid or mutating command only shows what it would send.",
                env: &["ELIZACLOUD_DRY_RUN"],
                optional: true,
                status: "manual",
            },
            Step {
                step: 4,
                title: "Run elizacloud.auth.capabilities to verify which command families the key unlocks, then elizacloud.credits.balance to see the balance.",
                env: &[],
                optional: false,
                status: "manual",
            },
            Step {
                step: 5,
                title: "Voice cloning (elizacloud.voice.clone) copies a person's voice: use it only for a speaker who agreed (the user's own voice, or with the speaker's permission), and say so with speakerConsent: true. It and elizacloud.voice.transcribe read the local audio files you name (regular files, size and type checked before anything is sent); no other command reads files.",
                env: &[],
                optional: true,
                status: "manual",
            },
        ];
        let families = FAMILIES
            .iter()
            .filter(|family| family.reported)
            .map(|family| FamilyStatus {
                name: family.name,
                title: family.title,
                commands: family.commands.len(),
                requires: family.requires,
                configured: family
                    .missing
                    .is_none_or(|missing| missing(ctx, &json!({})).is_empty()),
            })
            .collect();
        Ok(SetupOutput {
            mode: "api-key-first",
            ready: has_key,
            checklist,
            families,
            env: json!({
                "baselineRequired": ["ELIZACLOUD_API_KEY"],
                "optional": {
                    "ELIZACLOUD_BASE_URL": format!("API origin (default {DEFAULT_ORIGIN}; https elizaOS Cloud origins only); now {base}"),
                    "ELIZACLOUD_DRY_RUN": "1 previews every paid or mutating command without sending it",
                    "ELIZACLOUD_HTTP_TIMEOUT_MS": "per-request timeout",
                    "ELIZACLOUD_LOG": "log filter for stderr (e.g. debug)"
                }
            }),
            links: json!({
                "dashboard": DASHBOARD,
                "api": DEFAULT_ORIGIN,
            }),
            next: "elizacloud.auth.capabilities",
        })
    }
}
