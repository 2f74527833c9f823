//! AI agents (RAG chatbots): `theta.ai.agent.*` and their knowledge documents,
//! `theta.ai.agent.document.*` (`spec/theta-api.md` §2.7).
//!
//! Controller `https://controller.thetaedgecloud.com`, `x-api-key: <THETA_EC_API_KEY>`,
//! project from `projectId`, `payload.project_id` (create/update) or THETA_EC_PROJECT_ID.
//! Agent ids and document ids are identifiers; each is one percent-encoded path segment.

mod create;
pub mod document;
mod get;
mod list;
mod update;

pub use create::{AgentCreate, AgentCreateArgs};
pub use get::{AgentGet, AgentGetArgs};
pub use list::{AgentList, AgentListArgs};
pub use update::{AgentUpdate, AgentUpdateArgs};

use crate::error::ErrorCode;
use crate::skills::theta::default_field_code;

/// Codes for the agent families' own argument names.
pub(crate) fn field_code(field: &str) -> Option<ErrorCode> {
    match field {
        "chatbotId" | "documentId" => Some(ErrorCode::InvalidIdentifier),
        "payload" | "file" | "metadata" => Some(ErrorCode::InvalidField),
        other => default_field_code(other),
    }
}
