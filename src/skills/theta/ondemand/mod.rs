//! The on-demand model family (`theta.ondemand.*`): discover services, run inference, chat,
//! check and poll requests, and get upload URLs for input files.
//!
//! - Base URL: `https://ondemand.thetaedgecloud.com` (`THETA_ONDEMAND_API_BASE_URL` may point
//!   at another https Theta origin; see [`crate::config`]).
//! - Credential: `Authorization: Bearer <token>`, the token from the OpenClaw host, then
//!   `THETA_ONDEMAND_API_TOKEN`, `THETA_ONDEMAND_API_KEY`, `THETA_API_KEY`. Every command but
//!   `theta.ondemand.listServices` (public; the token is sent when there is one) fails with
//!   `MISSING_THETA_ONDEMAND_API_TOKEN` without it, outside dry-run.
//! - Money: `infer` and `chat` are paid; `inputPresignedUrls` creates upload slots
//!   (mutating); all three are stopped by dry-run and show the exact request instead, with a
//!   cost hint from the embedded [`catalog`] where it has one. `listServices`, `status` and
//!   `pollUntilDone` are read-only.
//! - Retries (`src/http/retry.rs`): a paid or mutating POST is sent once unless the server
//!   provably did not process it (connect failure, 429, 409 "No instances available", which
//!   becomes `THETA_ONDEMAND_CAPACITY_EXHAUSTED`); reads retry on 5xx and timeouts.
//!
//! Shared pieces: [`catalog`] (the embedded fallback catalog, parsed only by the commands that
//! need it), [`timeouts`] (service-aware submit and poll timeouts, `spec/theta-api.md` §3.5),
//! [`response`] (JSON / SSE / text answers and the chat-completions normalisation, §3.4) and
//! [`probes`] (the money-free checks `theta.auth.capabilities` runs).

pub mod catalog;
mod chat;
mod infer;
mod input_presigned_urls;
mod list_services;
mod poll_until_done;
pub mod probes;
pub mod response;
mod status;
pub mod timeouts;

pub use catalog::Category as ServiceCategory;
pub use catalog::ChatRoute;
pub use chat::{Chat, ChatArgs, ChatMessage, ChatOutput, ReasoningEffort};
pub use infer::{Infer, InferArgs, InferOptions};
pub use input_presigned_urls::{InputPresignedUrls, InputPresignedUrlsArgs};
pub use list_services::{ListServices, ListServicesArgs, ListServicesOutput};
pub use poll_until_done::{
    PollOptions, PollOutcome, PollPlan, PollUntilDone, PollUntilDoneArgs, Progress, Schedule,
    TerminalState, poll_loop,
};
pub use status::{Status, StatusArgs};

// The pieces the media commands (`crate::skills::theta::media`) run a job with.
pub(crate) use infer::request as infer_request;
pub(crate) use input_presigned_urls::request as presigned_urls_request;
pub(crate) use poll_until_done::progress_message;
pub(crate) use status::request as status_request;

use crate::error::ErrorCode;
use crate::skills::theta::codes;
use crate::skills::theta::default_field_code;

/// Field codes shared by the family: a bad `service` is `INVALID_ONDEMAND_SERVICE`.
fn field_code(field: &str) -> Option<ErrorCode> {
    match field {
        "service" => Some(codes::INVALID_ONDEMAND_SERVICE),
        _ => default_field_code(field),
    }
}
