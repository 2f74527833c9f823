//! Running agents: `/api/v1/eliza/agents` (`spec/elizacloud.md` §6.8). Dedicated tiers are
//! billed hourly while running ($0.01/h, $0.0025/h idle, $0.02 minimum per activation, at
//! least $0.10 balance); the server asks for the price to be accepted first (HTTP 428 →
//! `ELIZACLOUD_PRICE_CONFIRMATION_REQUIRED`), which `acceptDedicatedPrice` does. Create,
//! suspend, resume and delete may answer 202 with a job to follow with
//! `elizacloud.jobs.pollUntilDone`.
//!
//! Jobs (`GET /api/v1/jobs/{id}`): what agent provisioning, suspend, resume and delete queue.
//! `elizacloud.jobs.pollUntilDone` checks one until it completes or fails, backing off as it
//! ages like `theta.ondemand.pollUntilDone`: the gap is `max(2 s, age / 4)`, at most 60 s and
//! at most the caller's `intervalMs`; it gives up at `timeoutMs` (default 10 minutes) or
//! `maxAttempts`. Each check is reported on stderr (never stdout). Read-only and free.

mod create;
mod delete;
mod get;
mod jobs_get;
mod list;
mod poll_until_done;
mod resume;
mod suspend;

pub use create::{Create, CreateArgs};
pub use delete::Delete;
pub use get::Get;
pub use jobs_get::JobsGet;
pub use list::List;
pub use poll_until_done::{PollArgs, PollOutput, PollUntilDone};
pub use resume::{Resume, ResumeArgs};
pub use suspend::Suspend;

use super::{ID_PATTERN, send};
use crate::command::{Ctx, Effect};
use crate::error::Error;
use crate::http::ApiRequest;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

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

/// Arguments naming one agent.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AgentArgs {
    /// The agent id (from elizacloud.agents.list).
    #[schemars(regex(pattern = ID_PATTERN))]
    pub agent_id: String,
}

fn with_price(request: ApiRequest, price: Option<&str>) -> ApiRequest {
    match price {
        Some(price) => request.header(PRICE_HEADER, price),
        None => request,
    }
}

const HOSTING_COST: &str = "Dedicated tiers bill hourly while running ($0.01/h running, $0.0025/h idle, $0.02 minimum per activation; at least $0.10 balance).";

fn action(id: &str, verb: &str, effect: Effect) -> ApiRequest {
    ApiRequest::post(&["api", "v1", "eliza", "agents"], effect)
        .segment(id)
        .segment(verb)
}

/// Arguments naming one job.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct JobArgs {
    /// The job id (`data.jobId` of a 202 answer).
    #[schemars(regex(pattern = ID_PATTERN))]
    pub job_id: String,
}

fn job_request(id: &str) -> ApiRequest {
    ApiRequest::get(&["api", "v1", "jobs"]).segment(id)
}
