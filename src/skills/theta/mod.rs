//! The Theta EdgeCloud skill pack (`theta.*`): its services, secrets, settings and families,
//! declared here; its commands, one module per family and one file per command.
//!
//! Everything Theta-specific lives under this folder: the origins and host rules
//! (`*.thetaedgecloud.com`, `*.thetavideoapi.com`), how each service authenticates, the
//! credential names and where to create them, the error codes ([`codes`]), the project and
//! organization ids ([`ThetaConfig`]) and the skill's text (`skill_body.md`).

pub mod ai;
pub mod billing;
pub mod codes;
mod controller;
mod controller_v1;
pub mod deployments;
pub mod gpu;
pub mod inference;
pub mod media;
pub mod meta;
pub mod ondemand;
pub mod project_billing;
pub mod providers;
pub mod video;

use crate::command::SecretNeed;
use crate::config::{Config, is_identifier};
use crate::error::Error;
use crate::pack::{Checklist, Family, Pack, Setting, SettingCheck, SkillMeta, Step};
use crate::vocab::{
    AuthScheme, CapacityRule, CapacitySignal, HostRule, Need, Origin, SecretDef, SecretName,
    Service, ServiceDef, UserAgent,
};

pub use codes::default_field_code;

// ----- Hosts -----

/// The fixed Theta API origins: `*.thetaedgecloud.com`, `*.onthetaedgecloud.com`,
/// `*.thetavideoapi.com` (and the bare domains).
pub const THETA_ORIGINS: HostRule = HostRule {
    domains: &[
        "thetaedgecloud.com",
        "onthetaedgecloud.com",
        "thetavideoapi.com",
    ],
};

/// A dedicated inference endpoint: the host is, or ends with, `.thetaedgecloud.com` or
/// `.onthetaedgecloud.com` (`spec/theta-api.md` §3.8, the L rule).
pub const DEDICATED_HOSTS: HostRule = HostRule {
    domains: &["thetaedgecloud.com", "onthetaedgecloud.com"],
};

// ----- Secrets -----

/// Project API key for the controller and platform API (`x-api-key`).
pub const EC_API_KEY: SecretName = SecretName::new(&SecretDef {
    names: &["THETA_EC_API_KEY"],
    description: "Project API key (Theta dashboard: Account -> Projects -> Create API Key).",
    plugin_key: "ecApiKey",
    missing_code: codes::MISSING_THETA_EC_API_KEY,
    missing_message: "THETA_EC_API_KEY is missing.",
    missing_hint: "Set THETA_EC_API_KEY (OpenClaw: skills.entries.theta-edgecloud.apiKey, or the plugin's ecApiKey). Create the key on https://www.thetaedgecloud.com/ under Account -> Projects -> select your project -> Create API Key.",
});

/// Bearer token for the on-demand model API (`spec/theta-api.md` §3.1–3.2 alias order).
pub const ONDEMAND_TOKEN: SecretName = SecretName::new(&SecretDef {
    names: &[
        "THETA_ONDEMAND_API_TOKEN",
        "THETA_ONDEMAND_API_KEY",
        "THETA_API_KEY",
    ],
    description: "On-demand model API key (Theta dashboard: On-demand Model APIs -> API Key).",
    plugin_key: "ondemandApiToken",
    missing_code: codes::MISSING_THETA_ONDEMAND_API_TOKEN,
    missing_message: "On-demand API key/token is missing.",
    missing_hint: "Set THETA_ONDEMAND_API_TOKEN (or THETA_ONDEMAND_API_KEY / THETA_API_KEY), or add it to the OpenClaw plugin config. Create it on the Theta dashboard under On-demand Model APIs -> API Key (https://www.thetaedgecloud.com/dashboard/api-keys).",
});

const INFERENCE_MISSING_HINT: &str = "Set THETA_INFERENCE_AUTH_TOKEN, or THETA_INFERENCE_AUTH_USER and THETA_INFERENCE_AUTH_PASS, from the deployment's details on the Theta dashboard.";

/// Bearer token for a dedicated inference endpoint.
pub const INFERENCE_TOKEN: SecretName = SecretName::new(&SecretDef {
    names: &["THETA_INFERENCE_AUTH_TOKEN"],
    description: "Access token of a dedicated inference endpoint (sent as the Authorization header).",
    plugin_key: "inferenceAuthToken",
    missing_code: crate::code::ErrorCode::ConfigError,
    missing_message: "Dedicated endpoint credentials are missing.",
    missing_hint: INFERENCE_MISSING_HINT,
});

/// Basic-auth user for a dedicated inference endpoint.
pub const INFERENCE_USER: SecretName = SecretName::new(&SecretDef {
    names: &["THETA_INFERENCE_AUTH_USER"],
    description: "Basic-auth user of a dedicated inference endpoint.",
    plugin_key: "inferenceAuthUser",
    missing_code: crate::code::ErrorCode::ConfigError,
    missing_message: "Dedicated endpoint credentials are missing.",
    missing_hint: INFERENCE_MISSING_HINT,
});

/// Basic-auth password for a dedicated inference endpoint.
pub const INFERENCE_PASS: SecretName = SecretName::new(&SecretDef {
    names: &["THETA_INFERENCE_AUTH_PASS"],
    description: "Basic-auth password of a dedicated inference endpoint.",
    plugin_key: "inferenceAuthPass",
    missing_code: crate::code::ErrorCode::ConfigError,
    missing_message: "Dedicated endpoint credentials are missing.",
    missing_hint: INFERENCE_MISSING_HINT,
});

const VIDEO_MISSING_HINT: &str = "Set THETA_VIDEO_SA_ID and THETA_VIDEO_SA_SECRET from the service account on the Theta Video API dashboard (https://www.thetavideoapi.com/).";

/// Video API service account id (`x-tva-sa-id`).
pub const VIDEO_SA_ID: SecretName = SecretName::new(&SecretDef {
    names: &["THETA_VIDEO_SA_ID"],
    description: "Theta Video API service account id.",
    plugin_key: "videoSaId",
    missing_code: codes::MISSING_THETA_VIDEO_CREDENTIALS,
    missing_message: "Theta Video API credentials are missing.",
    missing_hint: VIDEO_MISSING_HINT,
});

/// Video API service account secret (`x-tva-sa-secret`).
pub const VIDEO_SA_SECRET: SecretName = SecretName::new(&SecretDef {
    names: &["THETA_VIDEO_SA_SECRET"],
    description: "Theta Video API service account secret.",
    plugin_key: "videoSaSecret",
    missing_code: codes::MISSING_THETA_VIDEO_CREDENTIALS,
    missing_message: "Theta Video API credentials are missing.",
    missing_hint: VIDEO_MISSING_HINT,
});

/// Every secret, each optional: for commands that use whatever is configured.
pub const ALL_OPTIONAL: &[SecretNeed] = &[
    SecretNeed::optional(EC_API_KEY),
    SecretNeed::optional(ONDEMAND_TOKEN),
    SecretNeed::optional(INFERENCE_TOKEN),
    SecretNeed::optional(INFERENCE_USER),
    SecretNeed::optional(INFERENCE_PASS),
    SecretNeed::optional(VIDEO_SA_ID),
    SecretNeed::optional(VIDEO_SA_SECRET),
];

/// Every secret, presence only: for the checklist, which never reads a value.
pub const ALL_PRESENCE: &[SecretNeed] = &[
    SecretNeed::presence(EC_API_KEY),
    SecretNeed::presence(ONDEMAND_TOKEN),
    SecretNeed::presence(INFERENCE_TOKEN),
    SecretNeed::presence(INFERENCE_USER),
    SecretNeed::presence(INFERENCE_PASS),
    SecretNeed::presence(VIDEO_SA_ID),
    SecretNeed::presence(VIDEO_SA_SECRET),
];

// ----- Services -----

/// What Cloudflare in front of the controller accepts (`spec/theta-api.md` §2.6).
const BROWSER_USER_AGENT: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const BROWSER_ACCEPT: &str = "application/json, text/plain, */*";

const STATUS_HINTS: &[(u16, &str)] = &[(
    402,
    "Payment required: check the organization's credit balance on the Theta dashboard.",
)];

const EC_KEY_NOTE: &str =
    " (keys are project-scoped: the key must belong to the project you address)";

/// `https://controller.thetaedgecloud.com` (deployments, templates, agents).
pub const CONTROLLER: Service = Service::new(&ServiceDef {
    name: "edgecloud-controller",
    origin: Origin::Fixed {
        default: "https://controller.thetaedgecloud.com",
        override_var: "THETA_CONTROLLER_BASE_URL",
        hosts: THETA_ORIGINS,
        invalid_code: codes::INVALID_THETA_BASE_URL,
    },
    auth: AuthScheme::Headers(&[("x-api-key", EC_API_KEY)]),
    user_agent: UserAgent::Fixed(BROWSER_USER_AGENT),
    accept: BROWSER_ACCEPT,
    credential_note: EC_KEY_NOTE,
    status_hints: STATUS_HINTS,
    ..ServiceDef::NONE
});

/// `https://api.thetaedgecloud.com` (VM types, balance).
pub const PLATFORM: Service = Service::new(&ServiceDef {
    name: "edgecloud-platform",
    origin: Origin::Fixed {
        default: "https://api.thetaedgecloud.com",
        override_var: "THETA_PLATFORM_BASE_URL",
        hosts: THETA_ORIGINS,
        invalid_code: codes::INVALID_THETA_BASE_URL,
    },
    auth: AuthScheme::Headers(&[("x-api-key", EC_API_KEY)]),
    user_agent: UserAgent::Fixed(BROWSER_USER_AGENT),
    accept: BROWSER_ACCEPT,
    credential_note: EC_KEY_NOTE,
    status_hints: STATUS_HINTS,
    ..ServiceDef::NONE
});

/// `https://controller-beta.thetaedgecloud.com`: the project-scoped v1 controller
/// (`/v1/projects/{project}/…`: GPU nodes, project billing), the only host that serves it
/// while those APIs are beta (`spec/theta-gpu-api.md` §1). Same key and Cloudflare front as
/// the controller; `THETA_CONTROLLER_BASE_URL` does not move it.
pub const CONTROLLER_V1: Service = Service::new(&ServiceDef {
    name: "edgecloud-controller-v1",
    origin: Origin::Fixed {
        default: "https://controller-beta.thetaedgecloud.com",
        override_var: "THETA_CONTROLLER_V1_BASE_URL",
        hosts: THETA_ORIGINS,
        invalid_code: codes::INVALID_THETA_BASE_URL,
    },
    auth: AuthScheme::Headers(&[("x-api-key", EC_API_KEY)]),
    user_agent: UserAgent::Fixed(BROWSER_USER_AGENT),
    accept: BROWSER_ACCEPT,
    credential_note: EC_KEY_NOTE,
    status_hints: STATUS_HINTS,
    ..ServiceDef::NONE
});

/// `https://ondemand.thetaedgecloud.com` (on-demand model API). A 409 "No instances
/// available" was not processed: it has its own code and is retried even for a paid request.
pub const ONDEMAND: Service = Service::new(&ServiceDef {
    name: "theta-ondemand-api",
    origin: Origin::Fixed {
        default: "https://ondemand.thetaedgecloud.com",
        override_var: "THETA_ONDEMAND_API_BASE_URL",
        hosts: THETA_ORIGINS,
        invalid_code: codes::INVALID_THETA_BASE_URL,
    },
    auth: AuthScheme::Bearer(ONDEMAND_TOKEN),
    status_hints: STATUS_HINTS,
    capacity: Some(CapacityRule {
        status: 409,
        signal: CapacitySignal::Phrases(&["noinstancesavailable"]),
        code: codes::THETA_ONDEMAND_CAPACITY_EXHAUSTED,
        message: "Temporary Theta on-demand capacity exhaustion",
        hint: "No instances are free right now; retry in a minute, or pick another service or variant.",
    }),
    ..ServiceDef::NONE
});

/// The dedicated inference endpoint in `THETA_INFERENCE_ENDPOINT`.
pub const DEDICATED: Service = Service::new(&ServiceDef {
    name: "edgecloud-inference",
    origin: Origin::Configured {
        var: "THETA_INFERENCE_ENDPOINT",
        hosts: DEDICATED_HOSTS,
        missing_code: codes::MISSING_THETA_INFERENCE_ENDPOINT,
        missing_hint: "Set THETA_INFERENCE_ENDPOINT to your dedicated deployment's URL (Theta dashboard -> AI Services -> your deployment -> Endpoint).",
        invalid_code: codes::INVALID_THETA_INFERENCE_ENDPOINT,
        invalid_hint: "Use the https:// endpoint URL shown for your deployment on the Theta dashboard.",
    },
    auth: AuthScheme::BearerOrBasic {
        token: INFERENCE_TOKEN,
        user: INFERENCE_USER,
        pass: INFERENCE_PASS,
    },
    status_hints: STATUS_HINTS,
    ..ServiceDef::NONE
});

/// `https://api.thetavideoapi.com`.
pub const VIDEO: Service = Service::new(&ServiceDef {
    name: "theta-video",
    origin: Origin::Fixed {
        default: "https://api.thetavideoapi.com",
        override_var: "THETA_VIDEO_API_BASE_URL",
        hosts: THETA_ORIGINS,
        invalid_code: codes::INVALID_THETA_BASE_URL,
    },
    auth: AuthScheme::Headers(&[
        ("x-tva-sa-id", VIDEO_SA_ID),
        ("x-tva-sa-secret", VIDEO_SA_SECRET),
    ]),
    status_hints: STATUS_HINTS,
    ..ServiceDef::NONE
});

/// No upstream: the runtime itself.
pub const RUNTIME: Service = Service::new(&ServiceDef {
    name: "theta-runtime",
    ..ServiceDef::NONE
});

// ----- Settings -----

/// The project id variable.
pub const PROJECT_ID_VAR: &str = "THETA_EC_PROJECT_ID";
/// The organization id variable.
pub const ORG_ID_VAR: &str = "THETA_ORG_ID";
/// The dedicated endpoint variable.
pub const INFERENCE_ENDPOINT_VAR: &str = "THETA_INFERENCE_ENDPOINT";

/// The project and organization ids, read from the pack's settings.
pub trait ThetaConfig {
    /// The project id: `arg` when given, else THETA_EC_PROJECT_ID; it must look like `prj_…`.
    fn project_id(&self, arg: Option<&str>) -> Result<String, Error>;
    /// The organization id: `arg` when given, else THETA_ORG_ID; it must be an identifier.
    fn org_id(&self, arg: Option<&str>) -> Result<String, Error>;
}

impl ThetaConfig for Config {
    fn project_id(&self, arg: Option<&str>) -> Result<String, Error> {
        let from_arg = arg.map(str::trim).filter(|a| !a.is_empty());
        let id = from_arg.or(self.setting(PROJECT_ID_VAR)).ok_or_else(|| {
            Error::new(
                codes::MISSING_THETA_EC_PROJECT_ID,
                "projectId missing. Set THETA_EC_PROJECT_ID or pass args.projectId.",
            )
            .with_hint("Find the project id (prj_...) on https://www.thetaedgecloud.com/ under Account -> Projects.")
        })?;
        if !is_project_id(id) {
            let source = if from_arg.is_some() {
                "args.projectId"
            } else {
                PROJECT_ID_VAR
            };
            return Err(Error::new(
                codes::INVALID_THETA_EC_PROJECT_ID,
                format!("{source} must look like prj_... (letters, digits and underscores)."),
            )
            .with_hint("Copy the project id from Account -> Projects on the Theta dashboard."));
        }
        Ok(id.to_owned())
    }

    fn org_id(&self, arg: Option<&str>) -> Result<String, Error> {
        let from_arg = arg.map(str::trim).filter(|a| !a.is_empty());
        let id = from_arg.or(self.setting(ORG_ID_VAR)).ok_or_else(|| {
            Error::new(
                codes::MISSING_THETA_ORG_ID,
                "orgId is required (set THETA_ORG_ID or pass args.orgId).",
            )
            .with_hint(
                "Find the organization id on the Theta dashboard under Account -> Organization.",
            )
        })?;
        if !is_identifier(id) {
            let error = Error::new(
                codes::INVALID_THETA_ORG_ID,
                "orgId must contain only letters, numbers, dot, underscore, colon, and hyphen.",
            );
            return Err(if from_arg.is_some() {
                error.bad_request()
            } else {
                error
            });
        }
        Ok(id.to_owned())
    }
}

/// Whether `id` looks like a project id (`prj_` then letters, digits, underscores).
pub fn is_project_id(id: &str) -> bool {
    id.strip_prefix("prj_").is_some_and(|rest| {
        !rest.is_empty() && rest.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

// ----- Families -----

/// What the project-scoped families need: the project's key and its id.
const CONTROLLER_NEEDS: &[Need] = &[Need::Secret(EC_API_KEY), Need::Setting(&PROJECT_ID)];

/// What billing needs: the key and the organization (or `orgId`).
const BILLING_NEEDS: &[Need] = &[Need::Secret(EC_API_KEY), Need::Setting(&ORG_ID)];

/// What a dedicated endpoint needs: its URL, and a token or a user and a password.
const INFERENCE_NEEDS: &[Need] = &[
    Need::Setting(&INFERENCE_ENDPOINT),
    Need::AnyOf(&[
        Need::Secret(INFERENCE_TOKEN),
        Need::AllOf(&[Need::Secret(INFERENCE_USER), Need::Secret(INFERENCE_PASS)]),
    ]),
];

/// What the Video API needs: the service account's id and secret.
const VIDEO_NEEDS: &[Need] = &[Need::Secret(VIDEO_SA_ID), Need::Secret(VIDEO_SA_SECRET)];

/// The families, each with its commands: the skill's sections, the capabilities report's
/// records, and the command registry (in this order).
pub static FAMILIES: &[Family] = &[
    Family {
        name: "firstRun",
        title: "First run and diagnostics",
        blurb: "Configuration checklist, platform health, and which families the credentials unlock.",
        example: "theta.auth.capabilities",
        reported: false,
        commands: &[&meta::Setup, &meta::Health, &meta::Capabilities],
        ..Family::EMPTY
    },
    Family {
        name: "ondemand.catalog",
        title: "On-demand model catalog",
        blurb: "Public on-demand model catalog: the serverless models (image, video, speech, chat) and their variants; no credentials needed.",
        example: "theta.ondemand.listServices",
        probe: Some(ondemand::probes::catalog_probe),
        commands: &[&ondemand::ListServices],
        ..Family::EMPTY
    },
    Family {
        name: "ondemand.inference",
        title: "On-demand models",
        blurb: "On-demand inference billed per call: run a model, chat, follow and poll long jobs, get upload URLs; and the media commands behind OpenClaw's own image, video and transcription providers (theta.media.generateImage, theta.media.generateVideo and theta.media.transcribe, which return bytes and are not agent tools). Needs THETA_ONDEMAND_API_TOKEN.",
        example: "theta.ondemand.infer",
        needs: &[Need::Secret(ONDEMAND_TOKEN)],
        probe: Some(ondemand::probes::inference_probe),
        commands: &[
            &ondemand::Infer,
            &ondemand::Chat,
            &ondemand::Status,
            &ondemand::PollUntilDone,
            &ondemand::InputPresignedUrls,
            &media::GenerateImage,
            &media::GenerateVideo,
            &media::Transcribe,
        ],
        ..Family::EMPTY
    },
    Family {
        name: "controller.project",
        title: "Deployments and AI services",
        blurb: "Project-scoped controller APIs: GPU deployments (templates, VM types, create, start, stop, delete), dedicated model deployments, Jupyter notebooks, GPU nodes and clusters, storage, and RAG agents with their documents. Needs THETA_EC_API_KEY and THETA_EC_PROJECT_ID.",
        example: "theta.deployments.list",
        needs: CONTROLLER_NEEDS,
        probe: Some(deployments::capability_probe),
        commands: &[
            &deployments::List,
            &deployments::ListVm,
            &deployments::ListStandard,
            &deployments::ListCustom,
            &deployments::RouteProbe,
            &deployments::Create,
            &deployments::Start,
            &deployments::Stop,
            &deployments::Delete,
            &deployments::ValidateDisposable,
            &ai::DedicatedDeploymentsList,
            &ai::JupyterList,
            &ai::GpuNodeList,
            &ai::GpuClusterList,
            &ai::StorageList,
            &ai::agent::AgentList,
            &ai::agent::AgentGet,
            &ai::agent::AgentCreate,
            &ai::agent::AgentUpdate,
            &ai::agent::document::DocumentCreate,
            &ai::agent::document::DocumentUpdate,
            &ai::agent::document::DocumentGet,
            &ai::agent::document::DocumentList,
        ],
        ..Family::EMPTY
    },
    Family {
        name: "controller.v1",
        title: "GPU nodes and project billing (v1 controller, beta)",
        blurb: "Project-scoped v1 controller (beta host; THETA_CONTROLLER_V1_BASE_URL overrides it): hosted and community GPU resources with hourly prices, GPU node templates, GPU node deployments (create, start, stop, delete, events, logs) by stable id, and the project's balance, usage, top-ups and prices. Needs THETA_EC_API_KEY and THETA_EC_PROJECT_ID. The aliases are the official Theta MCP tool names; create, start, stop and delete also take `confirm`: `false` returns the dry-run preview instead of sending. Set `max_price_per_hour_usd` on a community resource.",
        example: "theta.gpu.resources.list",
        needs: CONTROLLER_NEEDS,
        probe: Some(gpu::capability_probe),
        commands: &[
            &gpu::ResourcesList,
            &gpu::ResourcesGet,
            &gpu::TemplatesList,
            &gpu::deployments::List,
            &gpu::deployments::Get,
            &gpu::deployments::Create,
            &gpu::deployments::Start,
            &gpu::deployments::Stop,
            &gpu::deployments::Delete,
            &gpu::deployments::Events,
            &gpu::deployments::Logs,
            &project_billing::ProjectBalance,
            &project_billing::Usage,
            &project_billing::TopUpsList,
            &project_billing::Pricing,
        ],
        ..Family::EMPTY
    },
    Family {
        name: "billing.balance",
        title: "Billing",
        blurb: "The organization's credit balance. Needs THETA_EC_API_KEY and THETA_ORG_ID.",
        example: "theta.billing.balance",
        needs: BILLING_NEEDS,
        probe: Some(billing::capability_probe),
        commands: &[&billing::Balance, &billing::BalanceSnapshot],
        ..Family::EMPTY
    },
    Family {
        name: "inference.endpoint",
        title: "Dedicated inference endpoints",
        blurb: "An OpenAI-compatible dedicated deployment at THETA_INFERENCE_ENDPOINT: list models, wait until ready, chat.",
        example: "theta.inference.chat",
        needs: INFERENCE_NEEDS,
        probe: Some(inference::probe),
        commands: &[&inference::Models, &inference::Chat, &inference::Ready],
        ..Family::EMPTY
    },
    Family {
        name: "video.api",
        title: "Video API",
        blurb: "Theta Video API: videos, uploads, live streams and edge ingestors. Needs THETA_VIDEO_SA_ID and THETA_VIDEO_SA_SECRET.",
        example: "theta.video.list",
        needs: VIDEO_NEEDS,
        probe: Some(video::probe),
        commands: &[
            &video::List,
            &video::UploadCreate,
            &video::VideoCreate,
            &video::VideoGet,
            &video::StreamCreate,
            &video::StreamGet,
            &video::IngestorList,
            &video::IngestorSelect,
        ],
        ..Family::EMPTY
    },
];

/// The Theta EdgeCloud pack.
pub static PACK: Pack = Pack {
    name: "theta",
    binary: "theta-skill",
    title: "Theta EdgeCloud",
    env_prefix: "THETA_",
    runtime: RUNTIME,
    services: &[CONTROLLER, CONTROLLER_V1, PLATFORM, ONDEMAND, DEDICATED, VIDEO],
    secrets: &[
        EC_API_KEY,
        ONDEMAND_TOKEN,
        INFERENCE_TOKEN,
        INFERENCE_USER,
        INFERENCE_PASS,
        VIDEO_SA_ID,
        VIDEO_SA_SECRET,
    ],
    settings: &[PROJECT_ID, ORG_ID, INFERENCE_ENDPOINT],
    families: FAMILIES,
    field_code: default_field_code,
    endpoint_arg: Some((
        codes::INFERENCE_ENDPOINT_OVERRIDE_DISABLED,
        "args.endpoint override is disabled for security. Set THETA_INFERENCE_ENDPOINT instead.",
        "Set THETA_INFERENCE_ENDPOINT in the environment or the OpenClaw skill config.",
    )),
    // The Theta skill reads no local file: uploads come from the arguments.
    reads_local_files: false,
    help_examples: "  theta-skill run theta.setup
  theta-skill run theta.ondemand.infer '{\"service\":\"flux\",\"payload\":{\"prompt\":\"a cat\"}}' --dry-run
  echo '{\"command\":\"theta.auth.capabilities\",\"args\":{}}' | theta-skill
  theta-skill list",
    skill: SkillMeta {
        name: "theta-edgecloud",
        description: "Theta EdgeCloud from OpenClaw: on-demand AI models, dedicated endpoints, GPU deployments, video and billing, with dry-run previews.",
        homepage: crate::artifacts::release::REPOSITORY,
        emoji: "🟣",
        primary: EC_API_KEY,
        body: include_str!("skill_body.md"),
        plugin_name: "Theta EdgeCloud",
        plugin_description: "Theta EdgeCloud tools (on-demand models, deployments, dedicated endpoints, video, billing) backed by the theta-skill binary.",
        package_name: "theta-edgecloud-openclaw-plugin",
    },
    providers: providers::PROVIDERS,
    checklist: Checklist {
        steps: &[
            Step {
                title: "Log in at https://www.thetaedgecloud.com/ (create an account if needed).",
                needs: &[],
                optional: false,
            },
            Step {
                title: "Open Account -> Projects, select (or create) a project and copy its id (prj_...) into THETA_EC_PROJECT_ID.",
                needs: &[Need::Setting(&PROJECT_ID)],
                optional: false,
            },
            Step {
                title: "In that project, Create API Key and set it as THETA_EC_API_KEY (in OpenClaw: skills.entries.theta-edgecloud.apiKey, or the plugin's ecApiKey).",
                needs: &[Need::Secret(EC_API_KEY)],
                optional: false,
            },
            Step {
                title: "Optional, for billing: set THETA_ORG_ID to your organization id.",
                needs: &[Need::Setting(&ORG_ID)],
                optional: true,
            },
            Step {
                title: "Optional, for GPU nodes and project billing (theta.gpu.*, theta.billing.projectBalance/usage/topUps.list/pricing): nothing more to set; they use THETA_EC_API_KEY and THETA_EC_PROJECT_ID on Theta's v1 controller, which is beta (https://controller-beta.thetaedgecloud.com; THETA_CONTROLLER_V1_BASE_URL overrides it, THETA_CONTROLLER_BASE_URL does not).",
                needs: CONTROLLER_NEEDS,
                optional: true,
            },
            Step {
                title: "Optional, for on-demand models: create a key under On-demand Model APIs -> API Key (https://www.thetaedgecloud.com/dashboard/api-keys) and set THETA_ONDEMAND_API_TOKEN (or THETA_ONDEMAND_API_KEY).",
                needs: &[Need::Secret(ONDEMAND_TOKEN)],
                optional: true,
            },
            Step {
                title: "Optional, for a dedicated inference endpoint: set THETA_INFERENCE_ENDPOINT and THETA_INFERENCE_AUTH_TOKEN (or THETA_INFERENCE_AUTH_USER and THETA_INFERENCE_AUTH_PASS).",
                needs: INFERENCE_NEEDS,
                optional: true,
            },
            Step {
                title: "Optional, for the Video API: set THETA_VIDEO_SA_ID and THETA_VIDEO_SA_SECRET from your service account at https://www.thetavideoapi.com/.",
                needs: VIDEO_NEEDS,
                optional: true,
            },
            Step {
                title: "Run theta.auth.capabilities to verify which command families your credentials unlock.",
                needs: &[],
                optional: false,
            },
        ],
        links: &[
            ("thetaDashboard", "https://www.thetaedgecloud.com/"),
            ("apiKeyDoc", "https://docs.thetatoken.org/docs/edgecloud-api-keys"),
            ("ondemandApiKeys", "https://www.thetaedgecloud.com/dashboard/api-keys"),
            ("videoApi", "https://www.thetavideoapi.com/"),
        ],
        notes: &[
            "confirm: false on theta.gpu.deployments.create/start/stop/delete previews that call without sending it.",
        ],
    },
};

/// The project id (`prj_…`) of the project-scoped commands, or their `projectId`.
pub const PROJECT_ID: Setting = Setting {
    plugin_key: Some("ecProjectId"),
    arg: Some("projectId"),
    check: Some(SettingCheck {
        usable: is_project_id,
        expected: "it must look like prj_... (letters, digits and underscores)",
    }),
    ..Setting::new(
        PROJECT_ID_VAR,
        "Project id (prj_...) for the controller commands.",
    )
};

/// The organization id of the billing commands, or their `orgId`.
pub const ORG_ID: Setting = Setting {
    plugin_key: Some("orgId"),
    arg: Some("orgId"),
    check: Some(SettingCheck {
        usable: is_identifier,
        expected: "letters, numbers, dot, underscore, colon and hyphen only",
    }),
    ..Setting::new(ORG_ID_VAR, "Organization id for billing.")
};

/// The URL of a dedicated inference deployment.
pub const INFERENCE_ENDPOINT: Setting = Setting {
    plugin_key: Some("inferenceEndpoint"),
    ..Setting::new(
        INFERENCE_ENDPOINT_VAR,
        "URL of a dedicated inference deployment (https, *.thetaedgecloud.com).",
    )
};

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn the_description_fits_openclaw_advice() {
        assert!(PACK.skill.description.chars().count() < 160);
    }

    #[test]
    fn project_and_org_ids_resolve_from_args_then_env() {
        let c = Config::from_lookup(&PACK, |k| match k {
            "THETA_EC_PROJECT_ID" => Some("prj_env".into()),
            "THETA_ORG_ID" => Some("org_1".into()),
            _ => None,
        });
        let none = Config::from_lookup(&PACK, |_| None);
        assert_eq!(c.project_id(None).ok().as_deref(), Some("prj_env"));
        assert_eq!(
            c.project_id(Some(" prj_arg ")).ok().as_deref(),
            Some("prj_arg")
        );
        assert_eq!(
            c.project_id(Some("project-1")).err().map(|e| e.code()),
            Some(codes::INVALID_THETA_EC_PROJECT_ID)
        );
        assert_eq!(
            none.project_id(None).err().map(|e| e.code()),
            Some(codes::MISSING_THETA_EC_PROJECT_ID)
        );
        assert_eq!(c.org_id(None).ok().as_deref(), Some("org_1"));
        assert_eq!(
            c.org_id(Some("../x")).err().map(|e| e.code()),
            Some(codes::INVALID_THETA_ORG_ID)
        );
        assert_eq!(
            none.org_id(None).err().map(|e| e.code()),
            Some(codes::MISSING_THETA_ORG_ID)
        );
    }

    #[test]
    fn project_ids() {
        assert!(is_project_id("prj_abc_123"));
        assert!(!is_project_id("prj_"));
        assert!(!is_project_id("prj_a-b"));
    }

    #[test]
    fn base_urls_default_to_theta_and_refuse_other_origins() {
        let c = Config::from_lookup(&PACK, |k| match k {
            "THETA_CONTROLLER_BASE_URL" => Some("https://evil.example.com".into()),
            "THETA_VIDEO_API_BASE_URL" => Some("https://api-beta.thetaedgecloud.com/".into()),
            _ => None,
        });
        assert_eq!(
            c.base_url(ONDEMAND).map(|u| u.to_string()).ok().as_deref(),
            Some("https://ondemand.thetaedgecloud.com/")
        );
        assert_eq!(
            c.base_url(CONTROLLER).err().map(|e| e.code()),
            Some(codes::INVALID_THETA_BASE_URL)
        );
        assert!(c.base_url(VIDEO).is_ok());
    }
}
