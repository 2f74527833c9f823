//! An agent's knowledge documents: `theta.ai.agent.document.{create,update,get,list}`.
//!
//! Controller `https://controller.thetaedgecloud.com/chatbot/<chatbotId>/document…`,
//! `x-api-key: <THETA_EC_API_KEY>`. Uploads are `multipart/form-data` with the fields
//! `project_id`, `metadata` (a JSON string, `{}` by default) and `file`, sent through the
//! same HTTP layer as every other call (redaction, error model, no retry once sent). The
//! file's bytes come from the arguments only — UTF-8 text, or base64 — never from disk.

mod create;
mod get;
mod list;
mod update;

pub use create::{DocumentCreate, DocumentCreateArgs};
pub use get::{DocumentGet, DocumentGetArgs};
pub use list::{DocumentList, DocumentListArgs};
pub use update::{DocumentUpdate, DocumentUpdateArgs};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD_PAD_INDIFFERENT, URL_SAFE_PAD_INDIFFERENT};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::error::{Error, ErrorCode};
use crate::http::{FormPart, FormValue};

/// Largest `content` accepted, in characters (32 MiB of text; 24 MiB once base64 is decoded).
const MAX_CONTENT_CHARS: usize = 32 * 1024 * 1024;

/// How a document's `content` is written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ContentEncoding {
    /// plain text, sent as UTF-8
    #[default]
    Utf8,
    /// base64 (standard or URL-safe alphabet, padding optional, line breaks ignored)
    Base64,
}

/// A document to upload.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DocumentFile {
    /// The file name sent with the upload, e.g. `faq.md` (a name, not a path).
    #[schemars(regex(pattern = r#"^[^/\\"]+$"#), length(min = 1, max = 255))]
    pub filename: String,
    /// The file's content: the text itself, or base64 when `encoding` is `base64`. It is
    /// never a path: no local file is read.
    #[schemars(length(max = MAX_CONTENT_CHARS))]
    pub content: String,
    /// How `content` is written (default `utf8`).
    pub encoding: Option<ContentEncoding>,
    /// The file's MIME type (default `text/plain`), e.g. `application/pdf`.
    #[schemars(
        regex(
            pattern = r"^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*( *;[ -~]*)?$"
        ),
        length(max = 255)
    )]
    pub content_type: Option<String>,
}

impl DocumentFile {
    /// The bytes to upload.
    fn bytes(&self) -> Result<Vec<u8>, Error> {
        match self.encoding.unwrap_or_default() {
            ContentEncoding::Utf8 => Ok(self.content.as_bytes().to_vec()),
            ContentEncoding::Base64 => {
                let compact: Vec<u8> = self
                    .content
                    .bytes()
                    .filter(|b| !b.is_ascii_whitespace())
                    .collect();
                STANDARD_PAD_INDIFFERENT
                    .decode(&compact)
                    .or_else(|_| URL_SAFE_PAD_INDIFFERENT.decode(&compact))
                    .map_err(|e| {
                        Error::invalid_field(
                            ErrorCode::InvalidField,
                            "file/content",
                            format!("file.content is not valid base64: {e}"),
                        )
                    })
            }
        }
    }

    fn checked_filename(&self) -> Result<&str, Error> {
        let name = self.filename.as_str();
        let bad = name.trim().is_empty()
            || name == "."
            || name == ".."
            || name.chars().any(char::is_control);
        if bad {
            return Err(Error::invalid_field(
                ErrorCode::InvalidField,
                "file/filename",
                "file.filename must be a plain file name without control characters.",
            ));
        }
        Ok(name)
    }
}

/// The multipart form of an upload: `project_id`, `metadata` (JSON text), `file`.
pub(crate) fn upload_form(
    project: &str,
    metadata: Option<&Map<String, Value>>,
    file: &DocumentFile,
) -> Result<Vec<FormPart>, Error> {
    let metadata = serde_json::to_string(&metadata.cloned().unwrap_or_default())
        .map_err(|e| Error::internal(format!("metadata not serializable: {e}")))?;
    Ok(vec![
        FormPart {
            name: "project_id".into(),
            value: FormValue::Text(project.to_owned()),
        },
        FormPart {
            name: "metadata".into(),
            value: FormValue::Text(metadata),
        },
        FormPart {
            name: "file".into(),
            value: FormValue::File {
                filename: file.checked_filename()?.to_owned(),
                content_type: file
                    .content_type
                    .clone()
                    .unwrap_or_else(|| "text/plain".to_owned()),
                bytes: file.bytes()?,
            },
        },
    ])
}

/// Refuses `list` as a document id: `/document/list` is the listing, not a document.
pub(crate) fn checked_document_id(id: &str) -> Result<&str, Error> {
    if id.eq_ignore_ascii_case("list") {
        return Err(Error::invalid_field(
            ErrorCode::InvalidIdentifier,
            "documentId",
            "`list` is not a document id (it names the listing endpoint).",
        ));
    }
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn file(value: Value) -> DocumentFile {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn base64_content_is_decoded_leniently() {
        let f = file(json!({"filename": "a.bin", "content": "aGVs\nbG8=", "encoding": "base64"}));
        assert_eq!(f.bytes().unwrap(), b"hello");
        let f = file(json!({"filename": "a.bin", "content": "_-8", "encoding": "base64"}));
        assert_eq!(f.bytes().unwrap(), [0xff, 0xef]);
        let f = file(json!({"filename": "a.bin", "content": "not base64!", "encoding": "base64"}));
        let error = f.bytes().unwrap_err();
        assert_eq!(error.problems()[0].path, "/file/content");
    }

    #[test]
    fn the_form_has_three_fields_in_order() {
        let f =
            file(json!({"filename": "faq.md", "content": "# FAQ", "contentType": "text/markdown"}));
        let mut metadata = Map::new();
        metadata.insert("lang".into(), json!("en"));
        let form = upload_form("prj_a", Some(&metadata), &f).unwrap();
        let names: Vec<_> = form.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["project_id", "metadata", "file"]);
        assert!(matches!(&form[1].value, FormValue::Text(t) if t == r#"{"lang":"en"}"#));
        match &form[2].value {
            FormValue::File {
                filename,
                content_type,
                bytes,
            } => {
                assert_eq!(filename, "faq.md");
                assert_eq!(content_type, "text/markdown");
                assert_eq!(bytes, b"# FAQ");
            }
            other => panic!("file is not an in-memory file part: {other:?}"),
        }
        let form = upload_form(
            "prj_a",
            None,
            &file(json!({"filename": "x", "content": ""})),
        )
        .unwrap();
        assert!(matches!(&form[1].value, FormValue::Text(t) if t == "{}"));
    }

    #[test]
    fn odd_names_and_the_list_id_are_refused() {
        let f = file(json!({"filename": "a\nb", "content": "x"}));
        assert!(upload_form("prj_a", None, &f).is_err());
        assert!(checked_document_id("LIST").is_err());
        assert_eq!(checked_document_id("doc_1").unwrap(), "doc_1");
    }
}
