//! `elizacloud.agents.create`: Creates (or reuses) a hosted agent; dedicated tiers are billed hourly and need the price accepted.

use super::{Accepted, HOSTING_COST, PRICE_PATTERN, accepted, with_price};
use crate::command::prelude::*;
use crate::skills::elizacloud::{API, ID_PATTERN, KEY_REQUIRED, preview};
use serde_json::{Map, Value, json};

/// Arguments of `elizacloud.agents.create`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CreateArgs {
    /// The agent's name (1-100 characters).
    #[schemars(length(min = 1, max = 100))]
    pub agent_name: String,
    /// A character of the organization to run.
    #[schemars(regex(pattern = ID_PATTERN))]
    pub character_id: Option<String>,
    /// Agent configuration, passed through.
    pub agent_config: Option<Map<String, Value>>,
    /// Environment variables for the agent (string values).
    pub environment_vars: Option<Map<String, Value>>,
    /// A custom image (must be allowed; maybe digest-pinned).
    #[schemars(regex(pattern = "^[A-Za-z0-9._/:@-]+$"), length(min = 1, max = 512))]
    pub docker_image: Option<String>,
    /// Keep it running (dedicated, billed hourly).
    pub always_on: Option<bool>,
    /// Keep runtime state across restarts.
    pub stateful_runtime: Option<bool>,
    /// Provision now (default true).
    pub auto_provision: Option<bool>,
    /// Accept the dedicated compute price: the `acceptanceValue` a previous 428 answer named.
    #[schemars(regex(pattern = PRICE_PATTERN))]
    pub accept_dedicated_price: Option<String>,
}

fn create_request(args: &CreateArgs) -> Result<ApiRequest, Error> {
    crate::skills::elizacloud::string_values(args.environment_vars.as_ref(), "environmentVars")?;
    let mut body = json!({ "agentName": args.agent_name });
    let mut put = |key: &str, value: Option<Value>| {
        if let Some(value) = value {
            body[key] = value;
        }
    };
    put("characterId", args.character_id.as_ref().map(|v| json!(v)));
    put("agentConfig", args.agent_config.as_ref().map(|v| json!(v)));
    put(
        "environmentVars",
        args.environment_vars.as_ref().map(|v| json!(v)),
    );
    put("dockerImage", args.docker_image.as_ref().map(|v| json!(v)));
    put("alwaysOn", args.always_on.map(|v| json!(v)));
    put("statefulRuntime", args.stateful_runtime.map(|v| json!(v)));
    put("autoProvision", args.auto_provision.map(|v| json!(v)));
    Ok(with_price(
        ApiRequest::post(&["api", "v1", "eliza", "agents"], Effect::Paid).json(body),
        args.accept_dedicated_price.as_deref(),
    ))
}

/// `elizacloud.agents.create`: `POST /api/v1/eliza/agents`. Paid on dedicated tiers: 200
/// reuses the organization's live agent, 201 creates, 202 queues a provisioning job.
#[derive(Debug, Clone, Copy)]
pub struct Create;

impl Command for Create {
    const ID: &'static str = "elizacloud.agents.create";
    const EFFECT: Effect = Effect::Paid;
    const SUMMARY: &'static str = "Creates (or reuses) a hosted agent; dedicated tiers are billed hourly and need the price accepted.";
    const SERVICE: Service = API;
    const SECRETS: &'static [SecretNeed] = KEY_REQUIRED;
    type Args = CreateArgs;
    type Output = Accepted;

    async fn run(&self, ctx: &Ctx<'_>, args: CreateArgs) -> Result<Accepted, Error> {
        accepted(ctx, &create_request(&args)?).await
    }

    fn preview(&self, ctx: &Ctx<'_>, args: &CreateArgs) -> Result<Preview, Error> {
        Ok(preview(ctx, &create_request(args)?)?
            .note(HOSTING_COST)
            .cost_hint(json!({"hourlyRateUsd": 0.01, "idleHourlyRateUsd": 0.0025, "minimumActivationChargeUsd": 0.02})))
    }

    fn example() -> Value {
        json!({"agentName": "support-bot"})
    }
}
