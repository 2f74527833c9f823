//! Requests described as data: method, path segments, query, body and effect. The same
//! description is sent by the client and shown by a dry-run preview, so a preview shows
//! exactly what a real run would send.

use std::collections::BTreeMap;
use std::time::Duration;

use reqwest::{Method, Url, multipart};
use secrecy::ExposeSecret;
use serde::Serialize;
use serde_json::{Value, json};

use super::upload::{LocalFilePart, sha256_hex};
use crate::error::{Error, ErrorCode};
use crate::secrets::redact::MASK;
use crate::secrets::{Secrets, missing_error};
use crate::vocab::{Effect, SecretName};

/// A request body.
#[derive(Debug, Clone)]
pub enum Body {
    /// No body.
    Empty,
    /// A JSON body (`content-type: application/json`).
    Json(Value),
    /// A multipart form, rebuilt for each attempt.
    Multipart(Vec<FormPart>),
}

/// One field of a multipart form.
#[derive(Debug, Clone)]
pub struct FormPart {
    /// Field name.
    pub name: String,
    /// Field content.
    pub value: FormValue,
}

/// The content of a multipart field.
#[derive(Clone)]
pub enum FormValue {
    /// A text field.
    Text(String),
    /// A file field whose content came from the arguments (it is in memory already).
    /// Previews show its name, size, type and SHA-256, never its bytes.
    File {
        /// File name sent in the part's disposition.
        filename: String,
        /// MIME type.
        content_type: String,
        /// The bytes.
        bytes: Vec<u8>,
    },
    /// A file field whose content is a local file checked by [`crate::files`] (only for the
    /// commands allowed to read one): read from disk, piece by piece, each time the request
    /// is sent, and never held whole. Previews show the same as for [`FormValue::File`].
    LocalFile(LocalFilePart),
}

impl std::fmt::Debug for FormValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FormValue::Text(text) => f.debug_tuple("Text").field(&text.len()).finish(),
            FormValue::File {
                filename, bytes, ..
            } => f
                .debug_struct("File")
                .field("filename", filename)
                .field("bytes", &bytes.len())
                .finish_non_exhaustive(),
            FormValue::LocalFile(part) => f.debug_tuple("LocalFile").field(part).finish(),
        }
    }
}

/// One path segment of a request.
#[derive(Debug, Clone)]
enum Segment {
    /// Literal text, percent-encoded when the URL is built.
    Text(String),
    /// The value of a secret, inserted only when the request is sent (previews show a mask).
    Secret(SecretName),
}

/// A request, described as data so it can be sent or previewed.
#[derive(Debug, Clone)]
pub struct ApiRequest {
    pub(crate) method: Method,
    path: Vec<Segment>,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) body: Body,
    pub(crate) timeout: Option<Duration>,
    pub(crate) max_retries: Option<u32>,
    pub(crate) effect: Effect,
    pub(crate) with_auth: bool,
    /// Extra request headers (never credentials: those come from the service's auth).
    pub(crate) headers: Vec<(&'static str, String)>,
}

impl ApiRequest {
    fn new(method: Method, path: &[&str], effect: Effect) -> Self {
        Self {
            method,
            path: path
                .iter()
                .map(|s| Segment::Text((*s).to_owned()))
                .collect(),
            query: Vec::new(),
            body: Body::Empty,
            timeout: None,
            max_retries: None,
            effect,
            with_auth: true,
            headers: Vec::new(),
        }
    }

    /// A read-only `GET` of `path` (segments, each percent-encoded when the URL is built).
    pub fn get(path: &[&str]) -> Self {
        Self::new(Method::GET, path, Effect::ReadOnly)
    }
    /// A `POST` with the given effect.
    pub fn post(path: &[&str], effect: Effect) -> Self {
        Self::new(Method::POST, path, effect)
    }
    /// A `PUT` with the given effect.
    pub fn put(path: &[&str], effect: Effect) -> Self {
        Self::new(Method::PUT, path, effect)
    }
    /// A `DELETE` with the given effect.
    pub fn delete(path: &[&str], effect: Effect) -> Self {
        Self::new(Method::DELETE, path, effect)
    }

    /// Appends a path segment.
    #[must_use]
    pub fn segment(mut self, segment: &str) -> Self {
        self.path.push(Segment::Text(segment.to_owned()));
        self
    }

    /// Appends a path segment whose value is a secret of this run (the Video API wants the
    /// service-account id in some paths). The value is inserted only when the request is
    /// sent; previews show it masked, and the redactor masks it in every error URL.
    #[must_use]
    pub fn secret_segment(mut self, name: SecretName) -> Self {
        self.path.push(Segment::Secret(name));
        self
    }

    /// Adds a query parameter (form-encoded; repeated keys repeat).
    #[must_use]
    #[expect(
        clippy::needless_pass_by_value,
        reason = "callers pass numbers and strings alike"
    )]
    pub fn query(mut self, key: &str, value: impl ToString) -> Self {
        self.query.push((key.to_owned(), value.to_string()));
        self
    }

    /// Adds a query parameter when `value` is present.
    #[must_use]
    pub fn query_opt(self, key: &str, value: Option<impl ToString>) -> Self {
        match value {
            Some(v) => self.query(key, v),
            None => self,
        }
    }

    /// Sets a JSON body.
    #[must_use]
    pub fn json(mut self, body: Value) -> Self {
        self.body = Body::Json(body);
        self
    }

    /// Sets a multipart body.
    #[must_use]
    pub fn multipart(mut self, parts: Vec<FormPart>) -> Self {
        self.body = Body::Multipart(parts);
        self
    }

    /// Overrides the configured timeout for this request (service-aware timeouts).
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Overrides `<PREFIX>HTTP_MAX_RETRIES` for this request. A caller that polls on its own
    /// schedule (and reports each attempt) passes 0, so one call is exactly one attempt. The
    /// retry policy still decides which outcomes may be retried at all.
    #[must_use]
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = Some(retries);
        self
    }

    /// A `PATCH` with the given effect.
    pub fn patch(path: &[&str], effect: Effect) -> Self {
        Self::new(Method::PATCH, path, effect)
    }

    /// Adds a request header that is not a credential (an `Idempotency-Key`, a price
    /// acceptance); previews show it as is.
    #[must_use]
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    /// Sends no credentials (public endpoints).
    #[must_use]
    pub fn without_auth(mut self) -> Self {
        self.with_auth = false;
        self
    }

    /// The effect the retry policy judges this request by.
    pub fn effect(&self) -> Effect {
        self.effect
    }

    /// The JSON body, if any.
    pub fn json_body(&self) -> Option<&Value> {
        match &self.body {
            Body::Json(v) => Some(v),
            _ => None,
        }
    }

    /// The URL of this request under `base`, with secret segments either revealed (to send,
    /// from `secrets`) or masked (to preview). Every path segment is percent-encoded (`/`
    /// becomes `%2F`); empty, `.` and `..` segments are refused, since URL normalisation would
    /// silently drop them and address a different resource.
    pub(crate) fn url(
        &self,
        base: &Url,
        secrets: Option<&Secrets>,
        reveal: bool,
    ) -> Result<Url, Error> {
        let mut segments = Vec::with_capacity(self.path.len());
        for segment in &self.path {
            let text = match segment {
                Segment::Text(text) => text.as_str(),
                Segment::Secret(_) if !reveal => MASK,
                Segment::Secret(name) => secrets
                    .and_then(|s| s.get(*name))
                    .map(ExposeSecret::expose_secret)
                    .ok_or_else(|| missing_error(*name))?,
            };
            if text.is_empty() || text == "." || text == ".." {
                let shown = match segment {
                    Segment::Text(_) => format!("`{text}`"),
                    Segment::Secret(name) => format!("the value of {name}"),
                };
                return Err(Error::new(
                    ErrorCode::InvalidIdentifier,
                    format!("{shown} cannot be used as a path segment"),
                ));
            }
            segments.push(text);
        }
        let mut url = base.clone();
        url.path_segments_mut()
            .map_err(|()| Error::internal("base URL cannot take a path"))?
            .pop_if_empty()
            .extend(segments);
        if !self.query.is_empty() {
            url.query_pairs_mut().extend_pairs(&self.query);
        }
        Ok(url)
    }
}

/// What a dry-run shows for one request.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestPreview {
    /// HTTP method.
    pub method: String,
    /// The full URL, query included.
    pub url: String,
    /// Header names with values; credential values are masked.
    pub headers: BTreeMap<String, String>,
    /// The body that would be sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
    /// The timeout that would apply.
    pub timeout_ms: u64,
}

/// The form for one attempt: text and in-memory parts copied, local files opened again (see
/// [`LocalFilePart::to_part`]); a local file that changed since it was checked fails here.
pub(crate) async fn build_form(parts: &[FormPart]) -> Result<multipart::Form, Error> {
    let mut form = multipart::Form::new();
    for part in parts {
        let name = part.name.clone();
        form = match &part.value {
            FormValue::Text(text) => form.text(name, text.clone()),
            FormValue::File {
                filename,
                content_type,
                bytes,
            } => {
                let file = || multipart::Part::bytes(bytes.clone()).file_name(filename.clone());
                // An unparsable MIME type falls back to octet-stream rather than failing the call.
                form.part(
                    name,
                    file().mime_str(content_type).unwrap_or_else(|_| file()),
                )
            }
            FormValue::LocalFile(file) => form.part(name, file.to_part().await?),
        };
    }
    Ok(form)
}

pub(crate) fn preview_form(parts: &[FormPart]) -> Value {
    let fields: serde_json::Map<String, Value> = parts
        .iter()
        .map(|part| {
            let value = match &part.value {
                FormValue::Text(text) => Value::String(text.clone()),
                FormValue::File {
                    filename,
                    content_type,
                    bytes,
                } => json!({
                    "filename": filename,
                    "contentType": content_type,
                    "bytes": bytes.len(),
                    "sha256": sha256_hex(bytes),
                    "content": MASK,
                }),
                FormValue::LocalFile(file) => json!({
                    "filename": file.filename(),
                    "contentType": file.content_type(),
                    "bytes": file.size(),
                    "sha256": file.sha256(),
                    "content": MASK,
                }),
            };
            (part.name.clone(), value)
        })
        .collect();
    json!({ "multipart": fields })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_are_encoded_and_dot_segments_refused() {
        let base = Url::parse("https://api.demo.example").unwrap();
        let url = ApiRequest::get(&["deployment", "a/../b", "%2F"])
            .query("q", "a b&c")
            .url(&base, None, true)
            .unwrap();
        assert_eq!(
            url.as_str(),
            "https://api.demo.example/deployment/a%2F..%2Fb/%252F?q=a+b%26c"
        );
        for bad in ["..", ".", ""] {
            let error = ApiRequest::get(&["deployment", bad])
                .url(&base, None, true)
                .unwrap_err();
            assert_eq!(error.code(), ErrorCode::InvalidIdentifier);
        }
    }

    #[test]
    fn forms_preview_their_size_never_their_content() {
        let parts = vec![
            FormPart {
                name: "title".into(),
                value: FormValue::Text("hello".into()),
            },
            FormPart {
                name: "file".into(),
                value: FormValue::File {
                    filename: "a.bin".into(),
                    content_type: "application/octet-stream".into(),
                    bytes: vec![1, 2, 3],
                },
            },
        ];
        let preview = preview_form(&parts);
        assert_eq!(preview["multipart"]["title"], json!("hello"));
        assert_eq!(preview["multipart"]["file"]["bytes"], json!(3));
        assert_eq!(preview["multipart"]["file"]["content"], json!(MASK));
        assert_eq!(
            preview["multipart"]["file"]["sha256"],
            json!("039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81")
        );
    }
}
