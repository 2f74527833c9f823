//! The elizaOS Cloud skill pack (`elizacloud.*`): its service, secret, error codes and
//! families, declared here; its commands, one folder per family and one file per command.
//!
//! - **Base URL**: `https://api.eliza.app` (paths are absolute, `/api/v1/…`); the
//!   `ELIZACLOUD_BASE_URL` override must be an https origin under `eliza.app` or
//!   `elizacloud.ai` (loopback only in test builds, the `local-endpoints` feature).
//! - **Credentials**: `ELIZACLOUD_API_KEY`, host secret first, then the environment, sent as
//!   `X-API-Key` only (never also as Bearer: the self-revoke route refuses two credentials). A
//!   key that does not look like `eliza_` + 64 hex is used anyway, with a warning.
//! - **Errors**: [`errors`] maps the server's shapes onto the runtime's codes; a 503 whose
//!   code says the service is warming (`*_warming`) or its rate limiter is unavailable, or
//!   that gives `retryAfterSeconds`, was not processed and is retried even for paid requests
//!   (the service's capacity rule, decided from those fields, never from the message).
//! - **Idempotency**: the commands that send an `Idempotency-Key` (chat, checkout) take it
//!   as the `idempotencyKey` argument, generate it when absent, and put it in every failure's
//!   `details.idempotencyKey` (`keep_key`), so a retry after an ambiguous failure reuses it.
//!
//! The contract these commands follow is `spec/elizacloud.md` (§2–6 for the server, §10 for
//! the command surface).

pub mod a2a;
pub mod account;
pub mod agents;
pub mod catalog;
pub mod characters;
pub mod codes;
pub mod containers;
pub mod documents;
pub mod errors;
pub mod inference;
pub mod media;
pub mod meta;
pub mod providers;
pub mod voice;

use std::time::Duration;

use futures_util::future::BoxFuture;
use serde_json::Value;

use crate::command::{Ctx, Preview, SecretNeed};
use crate::error::Error;
use crate::http::{ApiRequest, ApiResponse, ServiceClient};
use crate::pack::{CapabilityProbe, Checklist, Family, Pack, SkillMeta, Step, sample_of};
use crate::vocab::{
    AuthScheme, CapacityRule, CapacitySignal, HostRule, Need, Origin, SecretDef, SecretName,
    Service, ServiceDef,
};

// ----- Hosts -----

/// The elizaOS Cloud origins an override may name: `eliza.app`, `elizacloud.ai` and the
/// names under them.
pub const ELIZA_ORIGINS: HostRule = HostRule {
    domains: &["eliza.app", "elizacloud.ai"],
};

/// The default origin.
pub const DEFAULT_ORIGIN: &str = "https://api.eliza.app";

/// The dashboard, for people.
pub const DASHBOARD: &str = "https://cloud.eliza.app";

// ----- Secrets -----

/// The API key (`X-API-Key`).
pub const API_KEY: SecretName = SecretName::new(&SecretDef {
    names: &["ELIZACLOUD_API_KEY"],
    description: "elizaOS Cloud API key (eliza_ followed by 64 hex characters; dashboard: API Keys).",
    plugin_key: "apiKey",
    missing_code: codes::MISSING_API_KEY,
    missing_message: "ELIZACLOUD_API_KEY is missing.",
    missing_hint: "Set ELIZACLOUD_API_KEY (OpenClaw: skills.entries.elizacloud.apiKey, or the plugin's apiKey). Create the key in the elizaOS Cloud dashboard (https://cloud.eliza.app) under API Keys.",
});

/// The key, required.
pub const KEY_REQUIRED: &[SecretNeed] = &[SecretNeed::required(API_KEY)];

// ----- Services -----

/// `https://api.eliza.app`, the whole API.
pub const API: Service = Service::new(&ServiceDef {
    name: "elizacloud-api",
    origin: Origin::Fixed {
        default: DEFAULT_ORIGIN,
        override_var: "ELIZACLOUD_BASE_URL",
        hosts: ELIZA_ORIGINS,
        invalid_code: codes::INVALID_BASE_URL,
    },
    auth: AuthScheme::Headers(&[("x-api-key", API_KEY)]),
    accept: "application/json, text/event-stream;q=0.9, */*;q=0.8",
    status_hints: &[],
    capacity: Some(CapacityRule {
        status: 503,
        signal: CapacitySignal::Fields(errors::not_processed),
        code: codes::SERVICE_WARMING,
        message: "elizaOS Cloud is warming up and did not process the request",
        hint: "Nothing was processed: wait a few seconds and call again.",
    }),
    read_status: Some(errors::read_status),
    ..ServiceDef::NONE
});

/// No upstream: the runtime itself.
pub const RUNTIME: Service = Service::new(&ServiceDef {
    name: "elizacloud-runtime",
    ..ServiceDef::NONE
});

// ----- Helpers the commands share -----

/// Whether `key` looks like an elizaOS Cloud API key: `eliza_` then 64 lower-case hex digits.
pub fn looks_like_key(key: &str) -> bool {
    key.strip_prefix("eliza_").is_some_and(|hex| {
        hex.len() == 64
            && hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

/// The API client, warning (not failing) when the key does not look like a key.
pub(crate) fn client<'c>(ctx: &'c Ctx<'c>) -> Result<ServiceClient<'c>, Error> {
    if ctx.secrets().value_matches(API_KEY, looks_like_key) == Some(false) {
        ctx.warn("ELIZACLOUD_API_KEY does not look like an elizaOS Cloud key (eliza_ followed by 64 hex characters); the server may reject it.");
    }
    ctx.client(API)
}

/// Sends `request` and decodes its JSON answer.
pub(crate) async fn send_json(ctx: &Ctx<'_>, request: &ApiRequest) -> Result<Value, Error> {
    client(ctx)?.send(request).await?.json_or_status()
}

/// Sends `request` and returns the whole response (status and headers too).
pub(crate) async fn send(ctx: &Ctx<'_>, request: &ApiRequest) -> Result<ApiResponse, Error> {
    client(ctx)?.send(request).await
}

/// The preview of one request.
pub(crate) fn preview(ctx: &Ctx<'_>, request: &ApiRequest) -> Result<Preview, Error> {
    Ok(Preview::request(ctx.client(API)?.preview(request)?))
}

/// At least `floor`, or the configured timeout when longer (slow routes: chat, video).
pub(crate) fn at_least(ctx: &Ctx<'_>, floor: Duration) -> Duration {
    ctx.config().http.timeout.max(floor)
}

/// Refuses a map argument whose values are not all strings (environment variables).
pub(crate) fn string_values(
    map: Option<&serde_json::Map<String, Value>>,
    field: &str,
) -> Result<(), Error> {
    match map.and_then(|m| m.iter().find(|(_, v)| !v.is_string())) {
        Some((key, _)) => Err(Error::invalid_field(
            crate::error::ErrorCode::InvalidField,
            &format!("{field}/{key}"),
            "environment variable values must be strings",
        )),
        None => Ok(()),
    }
}

/// A fresh `Idempotency-Key` (`elizacloud-` and 32 random hex digits).
pub(crate) fn idempotency_key() -> String {
    let mut bytes = [0u8; 16];
    if getrandom::fill(&mut bytes).is_err() {
        bytes = fastrand::u128(..).to_le_bytes();
    }
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("elizacloud-{hex}")
}

/// Puts the `Idempotency-Key` a request was sent with into its failure, as
/// `details.idempotencyKey`, with a hint to pass it back: after a failure that may have
/// reached the server (a 502, a reset, a timeout, a cut stream), a retry under a fresh key
/// could bill or create the same thing twice.
pub(crate) fn keep_key(error: Error, key: &str) -> Error {
    let retry = format!(
        "To retry, pass idempotencyKey \"{key}\" (details.idempotencyKey) so elizaOS Cloud can recognise the repeat instead of doing it twice."
    );
    let hint = match error.hint() {
        Some(hint) => format!("{hint} {retry}"),
        None => retry,
    };
    error
        .with_detail("idempotencyKey", Value::String(key.to_owned()))
        .with_hint(hint)
}

/// The pattern of an `Idempotency-Key` the server accepts.
pub const IDEMPOTENCY_KEY_PATTERN: &str = "^[A-Za-z0-9][A-Za-z0-9._:-]{7,127}$";

/// The pattern of an id in a path (uuids, `job_…`, container ids).
pub const ID_PATTERN: &str = "^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$";

// ----- Families -----

/// A free `GET` probe.
fn probe_get<'a>(
    ctx: &'a Ctx<'a>,
    path: &'static [&'static str],
) -> BoxFuture<'a, Result<CapabilityProbe, Error>> {
    Box::pin(async move {
        let answer = send_json(ctx, &ApiRequest::get(path).max_retries(0)).await?;
        Ok(CapabilityProbe::Verified {
            probe: format!("GET /{}", path.join("/")),
            sample: sample_of(&answer),
        })
    })
}

fn account_probe<'a>(
    ctx: &'a Ctx<'a>,
    _: &'a Value,
) -> BoxFuture<'a, Result<CapabilityProbe, Error>> {
    probe_get(ctx, &["api", "v1", "credits", "balance"])
}
fn catalog_probe<'a>(
    ctx: &'a Ctx<'a>,
    _: &'a Value,
) -> BoxFuture<'a, Result<CapabilityProbe, Error>> {
    Box::pin(async move {
        let request = ApiRequest::get(&["api", "v1", "pricing", "summary"])
            .without_auth()
            .max_retries(0);
        let answer = send_json(ctx, &request).await?;
        Ok(CapabilityProbe::Verified {
            probe: "GET /api/v1/pricing/summary".to_owned(),
            sample: sample_of(&answer),
        })
    })
}
fn inference_probe<'a>(
    ctx: &'a Ctx<'a>,
    _: &'a Value,
) -> BoxFuture<'a, Result<CapabilityProbe, Error>> {
    probe_get(ctx, &["api", "v1", "voice", "list"])
}
fn voice_probe<'a>(
    ctx: &'a Ctx<'a>,
    _: &'a Value,
) -> BoxFuture<'a, Result<CapabilityProbe, Error>> {
    probe_get(ctx, &["api", "v1", "voice", "jobs"])
}
fn characters_probe<'a>(
    ctx: &'a Ctx<'a>,
    _: &'a Value,
) -> BoxFuture<'a, Result<CapabilityProbe, Error>> {
    probe_get(ctx, &["api", "my-agents", "characters"])
}
fn documents_probe<'a>(
    ctx: &'a Ctx<'a>,
    _: &'a Value,
) -> BoxFuture<'a, Result<CapabilityProbe, Error>> {
    probe_get(ctx, &["api", "v1", "documents"])
}
fn agents_probe<'a>(
    ctx: &'a Ctx<'a>,
    _: &'a Value,
) -> BoxFuture<'a, Result<CapabilityProbe, Error>> {
    probe_get(ctx, &["api", "v1", "eliza", "agents"])
}
fn containers_probe<'a>(
    ctx: &'a Ctx<'a>,
    _: &'a Value,
) -> BoxFuture<'a, Result<CapabilityProbe, Error>> {
    probe_get(ctx, &["api", "v1", "containers", "quota"])
}

const KEY: &[Need] = &[Need::Secret(API_KEY)];

/// The families, each with its commands: the skill's sections, the capabilities report's
/// records, and the command registry (in this order).
pub static FAMILIES: &[Family] = &[
    Family {
        name: "firstRun",
        title: "First run",
        blurb: "Configuration checklist (offline, no key) and which families the key unlocks.",
        example: "elizacloud.auth.capabilities",
        reported: false,
        commands: &[&meta::Setup, &meta::Capabilities],
        ..Family::EMPTY
    },
    Family {
        name: "account",
        title: "Account, credits and billing",
        blurb: "The key's user, the USD credit balance, transactions, auto top-up settings, a checkout link for a human to add credits, and revoking the key itself. Needs ELIZACLOUD_API_KEY.",
        example: "elizacloud.credits.balance",
        needs: KEY,
        probe: Some(account_probe),
        commands: &[
            &account::Whoami,
            &account::Balance,
            &account::Summary,
            &account::Transactions,
            &account::Checkout,
            &account::BillingGet,
            &account::BillingSet,
            &account::RevokeCurrentKey,
        ],
        ..Family::EMPTY
    },
    Family {
        name: "catalog",
        title: "Models, pricing and discovery",
        blurb: "The public model catalogue, the price list and the service directory; no key needed.",
        example: "elizacloud.models.list",
        probe: Some(catalog_probe),
        commands: &[&catalog::ModelsList, &catalog::Pricing, &catalog::Discovery],
        ..Family::EMPTY
    },
    Family {
        name: "inference",
        title: "Chat, embeddings, images, video and voice",
        blurb: "Paid generation billed to the organization's USD balance: OpenAI-style chat with tools and streaming, embeddings, images, video, text to speech; and the media commands behind OpenClaw's own image and video providers (elizacloud.media.generateImage and elizacloud.media.generateVideo, which return bytes and are not agent tools). Needs ELIZACLOUD_API_KEY.",
        example: "elizacloud.chat",
        needs: KEY,
        probe: Some(inference_probe),
        commands: &[
            &inference::Chat,
            &inference::Embeddings,
            &inference::ImagesGenerate,
            &inference::VideoGenerate,
            &inference::Tts,
            &media::GenerateImage,
            &media::GenerateVideo,
        ],
        ..Family::EMPTY
    },
    Family {
        name: "voice",
        title: "Voices: cloning and speech to text",
        blurb: "The organization's voices (list, inspect, rename, delete), cloning a voice from local recordings (paid; only with the speaker's consent), its jobs, and transcribing a local audio file (paid). Only voice.clone and voice.transcribe read local files. Needs ELIZACLOUD_API_KEY.",
        example: "elizacloud.voice.list",
        needs: KEY,
        probe: Some(voice_probe),
        commands: &[
            &voice::VoiceList,
            &voice::Get,
            &voice::Jobs,
            &voice::CloneVoice,
            &voice::Update,
            &voice::Delete,
            &voice::Transcribe,
        ],
        ..Family::EMPTY
    },
    Family {
        name: "documents",
        title: "Documents",
        blurb: "The organization's (or a character's) document store: list, add text, lexical query. Free. Needs ELIZACLOUD_API_KEY.",
        example: "elizacloud.documents.query",
        needs: KEY,
        probe: Some(documents_probe),
        commands: &[&documents::List, &documents::Add, &documents::Query],
        ..Family::EMPTY
    },
    Family {
        name: "agents",
        title: "Running agents and jobs",
        blurb: "Hosted elizaOS agents (billed hourly while running on dedicated compute): list, inspect, create, suspend, resume, delete, and the jobs that provision them. Needs ELIZACLOUD_API_KEY.",
        example: "elizacloud.agents.list",
        needs: KEY,
        probe: Some(agents_probe),
        commands: &[
            &agents::List,
            &agents::Get,
            &agents::Create,
            &agents::Suspend,
            &agents::Resume,
            &agents::Delete,
            &agents::JobsGet,
            &agents::PollUntilDone,
        ],
        ..Family::EMPTY
    },
    Family {
        name: "containers",
        title: "Containers",
        blurb: "Containers from allow-listed images (billed daily while running): list, inspect, quota, deploy (idempotent per project), stop, restart, delete. Needs ELIZACLOUD_API_KEY.",
        example: "elizacloud.containers.list",
        needs: KEY,
        probe: Some(containers_probe),
        commands: &[
            &containers::List,
            &containers::Get,
            &containers::Quota,
            &containers::Deploy,
            &containers::Stop,
            &containers::Restart,
            &containers::Delete,
        ],
        ..Family::EMPTY
    },
    Family {
        name: "characters",
        title: "Characters",
        blurb: "The organization's own elizaOS characters: list (search, category, sort, pages), inspect, create, update (fields merged into the stored character) and delete. Free; secrets are masked in every result. Needs ELIZACLOUD_API_KEY.",
        example: "elizacloud.characters.list",
        needs: KEY,
        probe: Some(characters_probe),
        commands: &[
            &characters::List,
            &characters::Get,
            &characters::Create,
            &characters::Update,
            &characters::Delete,
        ],
        ..Family::EMPTY
    },
    Family {
        name: "a2a",
        title: "Agent to agent (A2A)",
        blurb: "JSON-RPC tasks with the elizaOS Cloud platform agent (its card, send a message as a task, read or cancel a task) and chat with a public agent through its own A2A endpoint (card, info, paid chat). Cards need no key; the rest needs ELIZACLOUD_API_KEY.",
        example: "elizacloud.a2a.card",
        needs: KEY,
        probe: Some(a2a::probe),
        commands: &[
            &a2a::Card,
            &a2a::SendMessage,
            &a2a::TasksGet,
            &a2a::TasksCancel,
            &a2a::AgentCard,
            &a2a::AgentInfo,
            &a2a::AgentChat,
        ],
        ..Family::EMPTY
    },
];

/// The elizaOS Cloud pack.
pub static PACK: Pack = Pack {
    name: "elizacloud",
    binary: "elizacloud-skill",
    title: "elizaOS Cloud",
    env_prefix: "ELIZACLOUD_",
    runtime: RUNTIME,
    services: &[API],
    secrets: &[API_KEY],
    settings: &[],
    families: FAMILIES,
    field_code: |_| None,
    endpoint_arg: None,
    // Voice cloning and speech to text upload audio files the caller names.
    reads_local_files: true,
    help_examples: "  elizacloud-skill run elizacloud.setup
  elizacloud-skill run elizacloud.chat '{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}' --dry-run
  echo '{\"command\":\"elizacloud.auth.capabilities\",\"args\":{}}' | elizacloud-skill
  elizacloud-skill list",
    skill: SkillMeta {
        name: "elizacloud",
        description: "elizaOS Cloud from OpenClaw: chat, images, video, voice cloning, documents, agents, characters, A2A, containers and credits, with dry-runs.",
        homepage: crate::artifacts::release::REPOSITORY,
        emoji: "☁️",
        primary: API_KEY,
        body: include_str!("skill_body.md"),
        plugin_name: "elizaOS Cloud",
        plugin_description: "elizaOS Cloud tools (chat, generation, voices, documents, agents, characters, A2A, containers, credits) backed by the elizacloud-skill binary.",
        package_name: "elizacloud-openclaw-plugin",
    },
    providers: providers::PROVIDERS,
    checklist: Checklist {
        steps: &[
            Step {
                title: "Sign in at https://cloud.eliza.app (new organizations get a small welcome credit; the balance is in USD).",
                needs: &[],
                optional: false,
            },
            Step {
                title: "Create an API key under API Keys (it looks like eliza_ followed by 64 hex characters) and set it as ELIZACLOUD_API_KEY (in OpenClaw: skills.entries.elizacloud.apiKey, or the plugin's apiKey).",
                needs: KEY,
                optional: false,
            },
            Step {
                title: "Run elizacloud.auth.capabilities to verify which command families the key unlocks, then elizacloud.credits.balance to see the balance.",
                needs: &[],
                optional: false,
            },
        ],
        links: &[("dashboard", DASHBOARD), ("api", DEFAULT_ORIGIN)],
        notes: &[
            "Voice cloning (elizacloud.voice.clone) copies a person's voice: use it only for a speaker who agreed (the user's own voice, or with the speaker's permission), and say so with speakerConsent: true. It and elizacloud.voice.transcribe read the local audio files you name (regular files, size and type checked before anything is sent); no other command reads files.",
        ],
    },
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn the_description_fits_openclaw_advice() {
        assert!(PACK.skill.description.chars().count() < 160);
    }

    #[test]
    fn keys_are_eliza_and_64_hex() {
        assert!(looks_like_key(&format!("eliza_{}", "a1".repeat(32))));
        assert!(!looks_like_key(&format!("eliza_{}", "A1".repeat(32))));
        assert!(!looks_like_key("ek_123"));
        assert!(!looks_like_key(&format!("eliza_{}", "a".repeat(63))));
    }

    #[test]
    fn idempotency_keys_match_the_server_pattern() {
        let key = idempotency_key();
        assert_eq!(key.len(), "elizacloud-".len() + 32);
        assert_ne!(key, idempotency_key());
        assert!(key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
    }

    #[test]
    fn the_base_url_is_an_https_eliza_origin() {
        let c = Config::from_lookup(&PACK, |_| None);
        assert_eq!(
            c.base_url(API).map(|u| u.to_string()).ok().as_deref(),
            Some("https://api.eliza.app/")
        );
        for (value, ok) in [
            ("https://api.elizacloud.ai", true),
            ("https://www.eliza.app/", true),
            ("http://api.eliza.app", false),
            ("https://evil.example.com", false),
            ("https://eliza.app.evil.net", false),
        ] {
            let c = Config::from_lookup(&PACK, |k| {
                (k == "ELIZACLOUD_BASE_URL").then(|| value.to_owned())
            });
            match c.base_url(API) {
                Ok(_) => assert!(ok, "{value} accepted"),
                Err(e) => {
                    assert!(!ok, "{value} refused");
                    assert_eq!(e.code(), codes::INVALID_BASE_URL);
                }
            }
        }
    }
}
