//! Tiny Cloud: an example pack, built only with the `example-pack` feature (which the test
//! build turns on through the crate's own dev-dependency), so it is in [`super::PACKS`] for
//! every suite and in no release. One service (`TINY_BASE_URL`, Bearer `TINY_TOKEN`), one
//! setting, one read-only and one paid command: the smallest pack the core accepts. Every
//! suite that loops over the packs covers it; `tests/pack.rs` checks its behaviour.

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::code::ErrorCode;
use crate::command::{Command, Ctx, Preview, SecretNeed};
use crate::error::Error;
use crate::http::ApiRequest;
use crate::pack::{Checklist, Family, Pack, Setting, SkillMeta, Step};
use crate::vocab::{
    AuthScheme, Effect, HostRule, Need, Origin, SecretDef, SecretName, Service, ServiceDef,
};

/// The API token.
pub const TOKEN: SecretName = SecretName::new(&SecretDef {
    names: &["TINY_TOKEN"],
    description: "Tiny API token.",
    plugin_key: "token",
    missing_code: ErrorCode::pack_failure("MISSING_TINY_TOKEN"),
    missing_message: "TINY_TOKEN is missing.",
    missing_hint: "Create a token in the Tiny console and set TINY_TOKEN.",
});

/// The API.
pub const API: Service = Service::new(&ServiceDef {
    name: "tiny-api",
    origin: Origin::Fixed {
        default: "https://api.tiny.example",
        override_var: "TINY_BASE_URL",
        hosts: HostRule {
            domains: &["tiny.example"],
        },
        invalid_code: ErrorCode::pack_failure("INVALID_TINY_BASE_URL"),
    },
    auth: AuthScheme::Bearer(TOKEN),
    ..ServiceDef::NONE
});

/// No upstream: the runtime itself.
pub const RUNTIME: Service = Service::new(&ServiceDef {
    name: "tiny-runtime",
    ..ServiceDef::NONE
});

/// Arguments of `tiny.things.get`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetArgs {
    /// The thing's id.
    #[schemars(length(min = 1, max = 16))]
    id: String,
}

/// `tiny.things.get`: reads a thing.
#[derive(Debug, Clone, Copy)]
pub struct Get;

impl Command for Get {
    const ID: &'static str = "tiny.things.get";
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str = "Reads a thing.";
    const SERVICE: Service = API;
    const SECRETS: &'static [SecretNeed] = &[SecretNeed::required(TOKEN)];
    type Args = GetArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: GetArgs) -> Result<Value, Error> {
        ctx.client(API)?
            .send(&ApiRequest::get(&["things", &args.id]))
            .await?
            .json_value()
    }

    fn example() -> Value {
        json!({"id": "t1"})
    }
}

/// Arguments of `tiny.things.buy`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BuyArgs {
    /// How many.
    #[schemars(range(min = 1, max = 5))]
    count: u32,
}

/// `tiny.things.buy`: buys things (paid).
#[derive(Debug, Clone, Copy)]
pub struct Buy;

impl Buy {
    fn request(args: &BuyArgs) -> ApiRequest {
        ApiRequest::post(&["orders"], Effect::Paid).json(json!({"count": args.count}))
    }
}

impl Command for Buy {
    const ID: &'static str = "tiny.things.buy";
    const ALIASES: &'static [&'static str] = &["buy_things"];
    const EFFECT: Effect = Effect::Paid;
    const SUMMARY: &'static str = "Buys things (paid).";
    const SERVICE: Service = API;
    const SECRETS: &'static [SecretNeed] = &[SecretNeed::required(TOKEN)];
    type Args = BuyArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: BuyArgs) -> Result<Value, Error> {
        ctx.client(API)?
            .send(&Self::request(&args))
            .await?
            .json_value()
    }

    fn preview(&self, ctx: &Ctx<'_>, args: &BuyArgs) -> Result<Preview, Error> {
        Ok(Preview::request(
            ctx.client(API)?.preview(&Self::request(args))?,
        ))
    }

    fn example() -> Value {
        json!({"count": 2})
    }
}

/// The Tiny Cloud pack.
pub static PACK: Pack = Pack {
    name: "tiny",
    binary: "tiny-skill",
    title: "Tiny Cloud",
    env_prefix: "TINY_",
    runtime: RUNTIME,
    services: &[API],
    secrets: &[TOKEN],
    settings: &[Setting {
        plugin_key: Some("region"),
        ..Setting::new("TINY_REGION", "Region.")
    }],
    families: &[Family {
        name: "things",
        title: "Things",
        blurb: "Things. Needs TINY_TOKEN.",
        example: "tiny.things.get",
        needs: &[Need::Secret(TOKEN)],
        commands: &[&Get, &Buy],
        ..Family::EMPTY
    }],
    field_code: |field| (field == "id").then_some(ErrorCode::pack_request("INVALID_TINY_ID")),
    endpoint_arg: None,
    reads_local_files: false,
    help_examples: "  tiny-skill run tiny.things.get '{\"id\":\"t1\"}'",
    skill: SkillMeta {
        name: "tiny",
        description: "Tiny Cloud from OpenClaw.",
        homepage: "https://tiny.example",
        emoji: "🔹",
        primary: TOKEN,
        body: "# Tiny\n\n{{GATED}}\n\n{{FAMILIES}}\n",
        plugin_name: "Tiny",
        plugin_description: "Tiny tools.",
        package_name: "tiny-openclaw-plugin",
    },
    providers: crate::pack::Providers::NONE,
    checklist: Checklist {
        steps: &[Step {
            title: "Create a token in the Tiny console and set it as TINY_TOKEN.",
            needs: &[Need::Secret(TOKEN)],
            optional: false,
        }],
        links: &[("console", "https://tiny.example/console")],
        notes: &[],
    },
};
