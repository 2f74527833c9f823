//! A tiny pack for the core's own unit tests, so they exercise the pack declarations without
//! naming a real skill: one fixed-origin service, one configured-origin service, two secrets,
//! one setting and two commands (one read-only, one paid).

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::code::ErrorCode;
use crate::command::{Command, Ctx, NoArgs, Preview, SecretNeed};
use crate::error::Error;
use crate::http::ApiRequest;
use crate::pack::{Checklist, Family, Pack, Setting, SettingCheck, SkillMeta, Step};
use crate::vocab::{
    AuthScheme, CapacityRule, CapacitySignal, Effect, HostRule, Need, Origin, SecretDef,
    SecretName, Service, ServiceDef,
};

const HOSTS: HostRule = HostRule {
    domains: &["demo.example"],
};

pub(crate) const DEMO_TOKEN: SecretName = SecretName::new(&SecretDef {
    names: &["DEMO_TOKEN", "DEMO_TOKEN_ALIAS"],
    description: "Demo API token.",
    plugin_key: "token",
    missing_code: ErrorCode::pack_failure("MISSING_DEMO_TOKEN"),
    missing_message: "DEMO_TOKEN is missing.",
    missing_hint: "Set DEMO_TOKEN.",
});

pub(crate) const DEMO_KEY: SecretName = SecretName::new(&SecretDef {
    names: &["DEMO_KEY"],
    description: "Demo endpoint key.",
    plugin_key: "key",
    missing_code: ErrorCode::pack_failure("MISSING_DEMO_KEY"),
    missing_message: "DEMO_KEY is missing.",
    missing_hint: "Set DEMO_KEY.",
});

pub(crate) const DEMO_API: Service = Service::new(&ServiceDef {
    name: "demo-api",
    origin: Origin::Fixed {
        default: "https://api.demo.example",
        override_var: "DEMO_API_BASE_URL",
        hosts: HOSTS,
        invalid_code: ErrorCode::pack_failure("INVALID_DEMO_BASE_URL"),
    },
    auth: AuthScheme::Bearer(DEMO_TOKEN),
    headers: &[("x-demo-api-version", "2026-01-01")],
    capacity: Some(CapacityRule {
        status: 409,
        signal: CapacitySignal::Phrases(&["noinstancesavailable"]),
        code: ErrorCode::pack_failure("DEMO_CAPACITY_EXHAUSTED"),
        message: "Demo capacity exhausted",
        hint: "Retry in a minute.",
    }),
    ..ServiceDef::NONE
});

pub(crate) const DEMO_DEDICATED: Service = Service::new(&ServiceDef {
    name: "demo-dedicated",
    origin: Origin::Configured {
        var: "DEMO_ENDPOINT",
        hosts: HOSTS,
        missing_code: ErrorCode::pack_failure("MISSING_DEMO_ENDPOINT"),
        missing_hint: "Set DEMO_ENDPOINT.",
        invalid_code: ErrorCode::pack_failure("INVALID_DEMO_ENDPOINT"),
        invalid_hint: "Use an https URL on demo.example.",
    },
    auth: AuthScheme::Headers(&[("x-demo-key", DEMO_KEY)]),
    ..ServiceDef::NONE
});

pub(crate) const DEMO_RUNTIME: Service = Service::new(&ServiceDef {
    name: "demo-runtime",
    ..ServiceDef::NONE
});

/// Arguments of `demo.widgets.list`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ListArgs {}

/// `demo.widgets.list`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct List;

impl Command for List {
    const ID: &'static str = "demo.widgets.list";
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str = "Lists the widgets.";
    const SERVICE: Service = DEMO_API;
    const SECRETS: &'static [SecretNeed] = &[SecretNeed::required(DEMO_TOKEN)];
    type Args = ListArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, _args: ListArgs) -> Result<Value, Error> {
        ctx.client(DEMO_API)?
            .send(&ApiRequest::get(&["widgets"]))
            .await?
            .json_value()
    }
}

/// Arguments of `demo.widgets.create`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CreateArgs {
    /// The widget's name.
    #[schemars(length(min = 1, max = 20))]
    name: String,
}

/// `demo.widgets.create`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Create;

impl Create {
    fn request(args: &CreateArgs) -> ApiRequest {
        ApiRequest::post(&["widgets"], Effect::Paid).json(json!({"name": args.name}))
    }
}

impl Command for Create {
    const ID: &'static str = "demo.widgets.create";
    const ALIASES: &'static [&'static str] = &["make_widget"];
    const EFFECT: Effect = Effect::Paid;
    const SUMMARY: &'static str = "Creates a widget (paid).";
    const SERVICE: Service = DEMO_API;
    const SECRETS: &'static [SecretNeed] = &[SecretNeed::required(DEMO_TOKEN)];
    type Args = CreateArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: CreateArgs) -> Result<Value, Error> {
        ctx.client(DEMO_API)?
            .send(&Self::request(&args))
            .await?
            .json_value()
    }

    fn preview(&self, ctx: &Ctx<'_>, args: &CreateArgs) -> Result<Preview, Error> {
        Ok(Preview::request(
            ctx.client(DEMO_API)?.preview(&Self::request(args))?,
        ))
    }

    fn example() -> Value {
        json!({"name": "w1"})
    }
}

fn demo_models() -> Vec<crate::providers::ProviderModel> {
    vec![
        crate::providers::ProviderModel::named("w-1", "Widget One"),
        crate::providers::ProviderModel::named("w-2", "Widget Two"),
    ]
}

/// The demo provider: images from `demo.widgets.create`, and a chat model on the demo API.
pub(crate) const DEMO_PROVIDERS: crate::providers::Providers = crate::providers::Providers {
    id: "demo",
    label: "Demo Cloud",
    capabilities: &[
        crate::providers::Capability {
            slot: crate::providers::Slot::Image,
            route: crate::providers::Route::Command("demo.widgets.create"),
            models: demo_models,
            pricing: Some("One widget per image."),
        },
        crate::providers::Capability {
            slot: crate::providers::Slot::Chat,
            route: crate::providers::Route::OpenAiCompletions {
                service: DEMO_API,
                path: "/v1",
                key: DEMO_TOKEN,
            },
            models: demo_models,
            pricing: None,
        },
    ],
};

pub(crate) static DEMO: Pack = Pack {
    name: "demo",
    binary: "demo-skill",
    title: "Demo Cloud",
    env_prefix: "DEMO_",
    runtime: DEMO_RUNTIME,
    services: &[DEMO_API, DEMO_DEDICATED],
    secrets: &[DEMO_TOKEN, DEMO_KEY],
    settings: &[DEMO_ORG],
    families: &[Family {
        name: "widgets",
        title: "Widgets",
        blurb: "Widgets. Needs DEMO_TOKEN.",
        example: "demo.widgets.create",
        needs: &[Need::Secret(DEMO_TOKEN)],
        commands: &[&List, &Create],
        ..Family::EMPTY
    }],
    field_code: |_| None,
    endpoint_arg: None,
    reads_local_files: false,
    help_examples: "  demo-skill run demo.widgets.list",
    skill: SkillMeta {
        name: "demo-skill-pack",
        description: "A demo skill.",
        homepage: "https://demo.example",
        emoji: "🧪",
        primary: DEMO_TOKEN,
        body: "# Demo\n\n{{GATED}}\n\n{{FAMILIES}}\n",
        plugin_name: "Demo",
        plugin_description: "Demo tools.",
        package_name: "demo-openclaw-plugin",
    },
    providers: DEMO_PROVIDERS,
    checklist: Checklist {
        steps: &[
            Step {
                title: "Sign in to the demo console.",
                needs: &[],
                optional: false,
            },
            Step {
                title: "Set DEMO_TOKEN.",
                needs: &[Need::Secret(DEMO_TOKEN)],
                optional: false,
            },
            Step {
                title: "Optional: set DEMO_ORG, and DEMO_KEY or DEMO_TOKEN.",
                needs: &[
                    Need::Setting(&DEMO_ORG),
                    Need::AnyOf(&[Need::Secret(DEMO_KEY), Need::Secret(DEMO_TOKEN)]),
                ],
                optional: true,
            },
        ],
        links: &[("console", "https://demo.example/console")],
        notes: &["Widgets cost money."],
    },
};

/// The organization: `org_` then letters, or the `org` argument.
pub(crate) const DEMO_ORG: Setting = Setting {
    plugin_key: Some("org"),
    arg: Some("org"),
    check: Some(SettingCheck {
        usable: |org| {
            org.strip_prefix("org_")
                .is_some_and(|rest| !rest.is_empty())
        },
        expected: "it must look like org_…",
    }),
    ..Setting::new("DEMO_ORG", "Demo organization.")
};

/// `demo.files.peek`: declares that it reads local files, and asks for the permission.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Peek;

impl Command for Peek {
    const ID: &'static str = "demo.files.peek";
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str = "Asks for file access, declaring it.";
    const SERVICE: Service = DEMO_RUNTIME;
    const READS_LOCAL_FILES: bool = true;
    type Args = NoArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, _args: NoArgs) -> Result<Value, Error> {
        ctx.file_access().map(|_| json!({"granted": true}))
    }
}

/// `demo.files.nosy`: asks for file access without declaring it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Nosy;

impl Command for Nosy {
    const ID: &'static str = "demo.files.nosy";
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str = "Asks for file access without declaring it.";
    const SERVICE: Service = DEMO_RUNTIME;
    type Args = NoArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, _args: NoArgs) -> Result<Value, Error> {
        ctx.file_access().map(|_| json!({"granted": true}))
    }
}

/// A pack with the two file-access probes, declaring (or not) that it reads local files.
const fn files_pack(reads_local_files: bool) -> Pack {
    Pack {
        name: "demo",
        binary: "demo-skill",
        title: "Demo Cloud",
        env_prefix: "DEMO_",
        runtime: DEMO_RUNTIME,
        services: &[],
        secrets: &[],
        settings: &[],
        families: &[Family {
            name: "files",
            title: "Files",
            blurb: "File access probes.",
            example: "demo.files.peek",
            commands: &[&Peek, &Nosy],
            ..Family::EMPTY
        }],
        field_code: |_| None,
        endpoint_arg: None,
        reads_local_files,
        help_examples: "  demo-skill run demo.files.peek",
        skill: DEMO.skill,
        providers: crate::providers::Providers::NONE,
        checklist: DEMO.checklist,
    }
}

/// The probes in a pack that declares it reads local files.
pub(crate) static FILES_OPEN: Pack = files_pack(true);
/// The probes in a pack that does not.
pub(crate) static FILES_CLOSED: Pack = files_pack(false);

/// A fresh scratch folder for tests that read local files, removed when dropped (also when the
/// test panics).
pub(crate) struct Scratch(pub(crate) std::path::PathBuf);

impl std::ops::Deref for Scratch {
    type Target = std::path::Path;
    fn deref(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A new, empty [`Scratch`] folder under the system's temporary folder.
pub(crate) fn scratch() -> Scratch {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "skill-runtime-test-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::create_dir_all(&dir).expect("a scratch folder under the temporary folder");
    Scratch(dir)
}
