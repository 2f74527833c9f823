//! Tiny Cloud: an example pack, built only with the `example-pack` feature (which the test
//! build turns on through the crate's own dev-dependency), so it is in [`super::PACKS`] for
//! every suite and in no release. One service (`TINY_BASE_URL`, Bearer `TINY_TOKEN`), one
//! setting, its first-run checklist and capabilities report, one read-only and one paid
//! command: a complete small pack. Every suite that loops over the packs covers it;
//! `tests/pack.rs` checks its behaviour, and `docs/adding-a-skill.md` quotes it (a test
//! checks that the guide's code is this code).

use futures_util::future::BoxFuture;

use crate::checklist::{self, SetupOutput};
use crate::code::ErrorCode;
use crate::command::prelude::*;
use crate::pack::{
    CapabilitiesOutput, CapabilityProbe, Checklist, Family, Pack, Setting, SkillMeta, Step,
    capabilities_report, sample_of,
};
use crate::vocab::{AuthScheme, HostRule, Need, Origin, SecretDef, SecretName, ServiceDef};

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

/// What the things need: the token.
const TOKEN_NEEDED: &[Need] = &[Need::Secret(TOKEN)];

/// `tiny.setup`: the first-run checklist, judged by the core from `PACK.checklist`.
#[derive(Debug, Clone, Copy)]
pub struct Setup;

impl Command for Setup {
    const ID: &'static str = "tiny.setup";
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str = "Shows the first-run checklist (offline, no token needed).";
    const SERVICE: Service = RUNTIME;
    const SECRETS: &'static [SecretNeed] = &[SecretNeed::presence(TOKEN)];
    type Args = NoArgs;
    type Output = SetupOutput;

    async fn run(&self, ctx: &Ctx<'_>, _args: NoArgs) -> Result<SetupOutput, Error> {
        Ok(checklist::report(ctx, &PACK))
    }
}

/// `tiny.auth.capabilities`: which families the token unlocks, verified by free probes.
#[derive(Debug, Clone, Copy)]
pub struct Capabilities;

impl Command for Capabilities {
    const ID: &'static str = "tiny.auth.capabilities";
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str =
        "Reports which families the token unlocks, verified by free probes.";
    const SERVICE: Service = RUNTIME;
    const SECRETS: &'static [SecretNeed] = &[SecretNeed::optional(TOKEN)];
    // In dry-run no probe is sent, so no secret value is asked of the host either.
    const OFFLINE_IN_DRY_RUN: bool = true;
    type Args = NoArgs;
    type Output = CapabilitiesOutput;

    async fn run(&self, ctx: &Ctx<'_>, _args: NoArgs) -> Result<CapabilitiesOutput, Error> {
        Ok(capabilities_report(ctx, PACK.families, &json!({})).await)
    }
}

/// The things' probe: `GET /me`, free.
fn probe<'a>(ctx: &'a Ctx<'a>, _args: &'a Value) -> BoxFuture<'a, Result<CapabilityProbe, Error>> {
    Box::pin(async move {
        let answer = ctx
            .client(API)?
            .send(&ApiRequest::get(&["me"]).max_retries(0))
            .await?
            .json_value()?;
        Ok(CapabilityProbe::Verified {
            probe: "GET /me".to_owned(),
            sample: sample_of(&answer),
        })
    })
}

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
    families: &[
        Family {
            name: "firstRun",
            title: "First run",
            blurb: "The first-run checklist and which families the token unlocks.",
            example: "tiny.setup",
            reported: false,
            commands: &[&Setup, &Capabilities],
            ..Family::EMPTY
        },
        Family {
            name: "things",
            title: "Things",
            blurb: "Things. Needs TINY_TOKEN.",
            example: "tiny.things.get",
            needs: TOKEN_NEEDED,
            probe: Some(probe),
            commands: &[&Get, &Buy],
            ..Family::EMPTY
        },
    ],
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
        steps: &[
            Step {
                title: "Create a token in the Tiny console and set it as TINY_TOKEN.",
                needs: TOKEN_NEEDED,
                optional: false,
            },
            Step {
                title: "Run tiny.auth.capabilities to check what the token unlocks.",
                needs: &[],
                optional: false,
            },
        ],
        links: &[("console", "https://tiny.example/console")],
        notes: &[],
    },
};
