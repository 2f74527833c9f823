//! `theta.ai.agent.document.create`: adds a knowledge document to an AI agent.
//!
//! `POST https://controller.thetaedgecloud.com/chatbot/<chatbotId>/document`, multipart form
//! `project_id`, `metadata`, `file`, with `x-api-key`. The file content comes from the
//! arguments (UTF-8 or base64), never from disk. Mutating: sent once; the dry-run preview
//! shows the form with the content masked. The answer is returned as is.

use crate::command::prelude::*;
use crate::skills::theta;
use crate::skills::theta::ThetaConfig;
use serde_json::{Map, Value, json};

use crate::error::{Error, ErrorCode};
use crate::schema::{IDENTIFIER_PATTERN, PROJECT_ID_PATTERN};

use super::{DocumentFile, upload_form};

/// Arguments.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DocumentCreateArgs {
    /// The agent's id, from `theta.ai.agent.list`.
    #[schemars(regex(pattern = IDENTIFIER_PATTERN), length(min = 1, max = 128))]
    pub chatbot_id: String,
    /// The document to upload.
    pub file: DocumentFile,
    /// Metadata stored with the document (sent as JSON text; default `{}`).
    pub metadata: Option<Map<String, Value>>,
    /// Project id (`prj_...`); defaults to THETA_EC_PROJECT_ID.
    #[schemars(regex(pattern = PROJECT_ID_PATTERN), length(max = 128))]
    pub project_id: Option<String>,
}

/// `theta.ai.agent.document.create`.
#[derive(Debug, Clone, Copy)]
pub struct DocumentCreate;

impl Command for DocumentCreate {
    const ID: &'static str = "theta.ai.agent.document.create";
    const EFFECT: Effect = Effect::Mutating;
    const SUMMARY: &'static str =
        "Uploads a knowledge document, given as text or base64 content, to an AI agent.";
    const SERVICE: Service = theta::CONTROLLER;
    const SECRETS: &'static [SecretNeed] = &[SecretNeed::required(theta::EC_API_KEY)];
    type Args = DocumentCreateArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: DocumentCreateArgs) -> Result<Value, Error> {
        ctx.client(theta::CONTROLLER)?
            .send(&request(ctx, &args)?)
            .await?
            .json_or_status()
    }

    fn preview(&self, ctx: &Ctx<'_>, args: &DocumentCreateArgs) -> Result<Preview, Error> {
        Ok(Preview::request(
            ctx.client(theta::CONTROLLER)?
                .preview(&request(ctx, args)?)?,
        ))
    }

    fn example() -> Value {
        json!({
            "chatbotId": "cb_example",
            "projectId": "prj_example",
            "file": {"filename": "faq.md", "content": "# FAQ\nOpening hours: 9-17.", "contentType": "text/markdown"},
            "metadata": {"source": "faq"}
        })
    }

    fn field_code(field: &str) -> Option<ErrorCode> {
        super::super::field_code(field)
    }
}

fn request(ctx: &Ctx<'_>, args: &DocumentCreateArgs) -> Result<ApiRequest, Error> {
    let project = ctx.config().project_id(args.project_id.as_deref())?;
    let form = upload_form(&project, args.metadata.as_ref(), &args.file)?;
    Ok(
        ApiRequest::post(&["chatbot", &args.chatbot_id, "document"], Effect::Mutating)
            .multipart(form),
    )
}
