//! Running agents: `/api/v1/eliza/agents` (`spec/elizacloud.md` §6.8). Dedicated tiers are
//! billed hourly while running ($0.01/h, $0.0025/h idle, $0.02 minimum per activation, at
//! least $0.10 balance); the server asks for the price to be accepted first (HTTP 428 →
//! `ELIZACLOUD_PRICE_CONFIRMATION_REQUIRED`), which `acceptDedicatedPrice` does. Create,
//! suspend, resume and delete may answer 202 with a job to follow with
//! `elizacloud.jobs.pollUntilDone`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::{API, ID_PATTERN, KEY_REQUIRED, preview, send, send_json};
use crate::command::{Command, Ctx, Effect, Preview, SecretNeed, Service};
use crate::error::Error;
use crate::http::ApiRequest;

/// The price-acceptance header.
const PRICE_HEADER: &str = "x-eliza-dedicated-price";
/// Its value's pattern (`dedicated-compute-v1:USD:<hourly>:<minimum>`).
const PRICE_PATTERN: &str = "^[A-Za-z0-9][A-Za-z0-9.:_-]{0,127}$";

fn agents() -> ApiRequest {
    ApiRequest::get(&["api", "v1", "eliza", "agents"])
}

/// A job-returning answer, with the HTTP status the server chose (200 no-op or reuse, 201
/// created, 202 job queued).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Accepted {
    /// The HTTP status.
    pub http_status: u16,
    /// The job to follow (`elizacloud.jobs.pollUntilDone`), when one was queued.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job_id: Option<Value>,
    /// The server's answer.
    pub response: Value,
}

async fn accepted(ctx: &Ctx<'_>, request: &ApiRequest) -> Result<Accepted, Error> {
    let response = send(ctx, request).await?;
    let value = response.json_or_status()?;
    let job_id = value
        .pointer("/data/jobId")
        .cloned()
        .filter(|v| !v.is_null());
    Ok(Accepted {
        http_status: response.status(),
        job_id,
        response: value,
    })
}

/// `elizacloud.agents.list`.
#[derive(Debug, Clone, Copy)]
pub struct List;

impl Command for List {
    const ID: &'static str = "elizacloud.agents.list";
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str =
        "Lists the organization's hosted agents with their status and hosting cost.";
    const SERVICE: Service = API;
    const SECRETS: &'static [SecretNeed] = KEY_REQUIRED;
    type Args = super::meta::NoArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, _args: super::meta::NoArgs) -> Result<Value, Error> {
        send_json(ctx, &agents()).await
    }
}

/// Arguments naming one agent.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AgentArgs {
    /// The agent id (from elizacloud.agents.list).
    #[schemars(regex(pattern = ID_PATTERN))]
    pub agent_id: String,
}

/// `elizacloud.agents.get`.
#[derive(Debug, Clone, Copy)]
pub struct Get;

impl Command for Get {
    const ID: &'static str = "elizacloud.agents.get";
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str = "Shows one hosted agent: status, tier, wallet and errors.";
    const SERVICE: Service = API;
    const SECRETS: &'static [SecretNeed] = KEY_REQUIRED;
    type Args = AgentArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: AgentArgs) -> Result<Value, Error> {
        send_json(ctx, &agents().segment(&args.agent_id)).await
    }

    fn example() -> Value {
        json!({"agentId": "2b0e7c1a-0000-4000-8000-000000000001"})
    }
}

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
    super::string_values(args.environment_vars.as_ref(), "environmentVars")?;
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

fn with_price(request: ApiRequest, price: Option<&str>) -> ApiRequest {
    match price {
        Some(price) => request.header(PRICE_HEADER, price),
        None => request,
    }
}

const HOSTING_COST: &str = "Dedicated tiers bill hourly while running ($0.01/h running, $0.0025/h idle, $0.02 minimum per activation; at least $0.10 balance).";

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

/// Arguments of `elizacloud.agents.resume`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ResumeArgs {
    /// The agent id.
    #[schemars(regex(pattern = ID_PATTERN))]
    pub agent_id: String,
    /// Accept the dedicated compute price: the `acceptanceValue` a previous 428 answer named.
    #[schemars(regex(pattern = PRICE_PATTERN))]
    pub accept_dedicated_price: Option<String>,
}

fn action(id: &str, verb: &str, effect: Effect) -> ApiRequest {
    ApiRequest::post(&["api", "v1", "eliza", "agents"], effect)
        .segment(id)
        .segment(verb)
}

/// `elizacloud.agents.suspend`: `POST /{id}/suspend` → 202 job, or 200 when already stopped.
#[derive(Debug, Clone, Copy)]
pub struct Suspend;

impl Command for Suspend {
    const ID: &'static str = "elizacloud.agents.suspend";
    const EFFECT: Effect = Effect::Mutating;
    const SUMMARY: &'static str =
        "Suspends a hosted agent (stops it and its hourly billing); it can be resumed later.";
    const SERVICE: Service = API;
    const SECRETS: &'static [SecretNeed] = KEY_REQUIRED;
    type Args = AgentArgs;
    type Output = Accepted;

    async fn run(&self, ctx: &Ctx<'_>, args: AgentArgs) -> Result<Accepted, Error> {
        accepted(ctx, &action(&args.agent_id, "suspend", Effect::Mutating)).await
    }

    fn preview(&self, ctx: &Ctx<'_>, args: &AgentArgs) -> Result<Preview, Error> {
        preview(ctx, &action(&args.agent_id, "suspend", Effect::Mutating))
    }

    fn example() -> Value {
        json!({"agentId": "2b0e7c1a-0000-4000-8000-000000000001"})
    }
}

/// `elizacloud.agents.resume`: `POST /{id}/resume`. Paid: billing restarts (428 until the
/// price is accepted, 402 below the minimum balance, 409 when a resume is already queued).
#[derive(Debug, Clone, Copy)]
pub struct Resume;

fn resume_request(args: &ResumeArgs) -> ApiRequest {
    with_price(
        action(&args.agent_id, "resume", Effect::Paid),
        args.accept_dedicated_price.as_deref(),
    )
}

impl Command for Resume {
    const ID: &'static str = "elizacloud.agents.resume";
    const EFFECT: Effect = Effect::Paid;
    const SUMMARY: &'static str =
        "Resumes a suspended hosted agent, restarting its hourly billing.";
    const SERVICE: Service = API;
    const SECRETS: &'static [SecretNeed] = KEY_REQUIRED;
    type Args = ResumeArgs;
    type Output = Accepted;

    async fn run(&self, ctx: &Ctx<'_>, args: ResumeArgs) -> Result<Accepted, Error> {
        accepted(ctx, &resume_request(&args)).await
    }

    fn preview(&self, ctx: &Ctx<'_>, args: &ResumeArgs) -> Result<Preview, Error> {
        Ok(preview(ctx, &resume_request(args))?.note(HOSTING_COST))
    }

    fn example() -> Value {
        json!({"agentId": "2b0e7c1a-0000-4000-8000-000000000001"})
    }
}

/// `elizacloud.agents.delete`: `DELETE /{id}` → 200 (shared runtime) or 202 job. Destructive.
#[derive(Debug, Clone, Copy)]
pub struct Delete;

fn delete_request(id: &str) -> ApiRequest {
    ApiRequest::delete(&["api", "v1", "eliza", "agents"], Effect::Mutating).segment(id)
}

impl Command for Delete {
    const ID: &'static str = "elizacloud.agents.delete";
    const EFFECT: Effect = Effect::Mutating;
    const SUMMARY: &'static str =
        "Destructive: deletes a hosted agent and its runtime; this cannot be undone.";
    const SERVICE: Service = API;
    const SECRETS: &'static [SecretNeed] = KEY_REQUIRED;
    type Args = AgentArgs;
    type Output = Accepted;

    async fn run(&self, ctx: &Ctx<'_>, args: AgentArgs) -> Result<Accepted, Error> {
        accepted(ctx, &delete_request(&args.agent_id)).await
    }

    fn preview(&self, ctx: &Ctx<'_>, args: &AgentArgs) -> Result<Preview, Error> {
        Ok(preview(ctx, &delete_request(&args.agent_id))?
            .note("Destructive: the agent and its runtime are deleted."))
    }

    fn example() -> Value {
        json!({"agentId": "2b0e7c1a-0000-4000-8000-000000000001"})
    }
}
