//! `theta.ai.agent.document.get`: one of an AI agent's knowledge documents.
//!
//! `GET https://controller.thetaedgecloud.com/chatbot/<chatbotId>/document/<documentId>` with
//! `x-api-key` (this endpoint takes no project). Read-only and free; the answer is returned as
//! is.

use crate::command::prelude::*;
use crate::skills::theta;

use crate::error::{Error, ErrorCode};
use crate::schema::IDENTIFIER_PATTERN;

use super::checked_document_id;

/// Arguments.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DocumentGetArgs {
    /// The agent's id, from `theta.ai.agent.list`.
    #[schemars(regex(pattern = IDENTIFIER_PATTERN), length(min = 1, max = 128))]
    pub chatbot_id: String,
    /// The document's id, from `theta.ai.agent.document.list`.
    #[schemars(regex(pattern = IDENTIFIER_PATTERN), length(min = 1, max = 128))]
    pub document_id: String,
}

/// `theta.ai.agent.document.get`.
#[derive(Debug, Clone, Copy)]
pub struct DocumentGet;

impl Command for DocumentGet {
    const ID: &'static str = "theta.ai.agent.document.get";
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str = "Shows one of an AI agent's knowledge documents.";
    const SERVICE: Service = theta::CONTROLLER;
    const SECRETS: &'static [SecretNeed] = &[SecretNeed::required(theta::EC_API_KEY)];
    type Args = DocumentGetArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: DocumentGetArgs) -> Result<Value, Error> {
        let document = checked_document_id(&args.document_id)?;
        ctx.client(theta::CONTROLLER)?
            .send(&ApiRequest::get(&[
                "chatbot",
                &args.chatbot_id,
                "document",
                document,
            ]))
            .await?
            .json_value()
    }

    fn example() -> Value {
        json!({"chatbotId": "cb_example", "documentId": "doc_example"})
    }

    fn field_code(field: &str) -> Option<ErrorCode> {
        super::super::field_code(field)
    }
}
