//! `theta.ai.agent.document.update`: replaces one of an AI agent's knowledge documents.
//!
//! `PUT https://controller.thetaedgecloud.com/chatbot/<chatbotId>/document/<documentId>`,
//! multipart form `project_id`, `metadata`, `file`, with `x-api-key`. The file content comes
//! from the arguments (UTF-8 or base64), never from disk. Mutating: sent once; the dry-run
//! preview shows the form with the content masked. The answer is the parsed body.

use crate::command::prelude::*;
use crate::skills::theta;
use crate::skills::theta::ThetaConfig;
use serde_json::{Map, Value, json};

use crate::error::{Error, ErrorCode};
use crate::schema::{IDENTIFIER_PATTERN, PROJECT_ID_PATTERN};

use super::{DocumentFile, checked_document_id, upload_form};

/// Arguments.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DocumentUpdateArgs {
    /// The agent's id, from `theta.ai.agent.list`.
    #[schemars(regex(pattern = IDENTIFIER_PATTERN), length(min = 1, max = 128))]
    pub chatbot_id: String,
    /// The document's id, from `theta.ai.agent.document.list`.
    #[schemars(regex(pattern = IDENTIFIER_PATTERN), length(min = 1, max = 128))]
    pub document_id: String,
    /// The new content of the document.
    pub file: DocumentFile,
    /// Metadata stored with the document (sent as JSON text; default `{}`).
    pub metadata: Option<Map<String, Value>>,
    /// Project id (`prj_...`); defaults to THETA_EC_PROJECT_ID.
    #[schemars(regex(pattern = PROJECT_ID_PATTERN), length(max = 128))]
    pub project_id: Option<String>,
}

/// `theta.ai.agent.document.update`.
#[derive(Debug, Clone, Copy)]
pub struct DocumentUpdate;

impl Command for DocumentUpdate {
    const ID: &'static str = "theta.ai.agent.document.update";
    const EFFECT: Effect = Effect::Mutating;
    const SUMMARY: &'static str = "Destructive: replaces an AI agent's knowledge document with new text or base64 content; the old content is gone.";
    const SERVICE: Service = theta::CONTROLLER;
    const DESTRUCTIVE: bool = true;
    const IDEMPOTENT: bool = true;
    const SECRETS: &'static [SecretNeed] = &[SecretNeed::required(theta::EC_API_KEY)];
    type Args = DocumentUpdateArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: DocumentUpdateArgs) -> Result<Value, Error> {
        ctx.client(theta::CONTROLLER)?
            .send(&request(ctx, &args)?)
            .await?
            .json_or_status()
    }

    fn preview(&self, ctx: &Ctx<'_>, args: &DocumentUpdateArgs) -> Result<Preview, Error> {
        Ok(Preview::request(
            ctx.client(theta::CONTROLLER)?
                .preview(&request(ctx, args)?)?,
        ))
    }

    fn example() -> Value {
        json!({
            "chatbotId": "cb_example",
            "documentId": "doc_example",
            "projectId": "prj_example",
            "file": {"filename": "faq.pdf", "content": "JVBERi0xLjQK", "encoding": "base64", "contentType": "application/pdf"}
        })
    }

    fn field_code(field: &str) -> Option<ErrorCode> {
        super::super::field_code(field)
    }
}

fn request(ctx: &Ctx<'_>, args: &DocumentUpdateArgs) -> Result<ApiRequest, Error> {
    let document = checked_document_id(&args.document_id)?;
    let project = ctx.config().project_id(args.project_id.as_deref())?;
    let form = upload_form(&project, args.metadata.as_ref(), &args.file)?;
    Ok(ApiRequest::put(
        &["chatbot", &args.chatbot_id, "document", document],
        Effect::Mutating,
    )
    .multipart(form))
}
