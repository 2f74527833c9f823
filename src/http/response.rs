//! Responses: a buffered body under the size cap, or a stream read chunk by chunk.

use bytes::Bytes;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::budget::{Lease, SMALL_BODY_BYTES, is_large};
use super::failure::{Failure, classify_transport, too_large, transport_error};
use crate::bounds::{MAX_BODY_BYTES, MAX_JSON_VALUES, too_many_json_values};
use crate::error::{Error, ErrorCode};
use crate::vocab::{Effect, Service};

/// A buffered response with a success status.
#[derive(Debug, Clone)]
pub struct ApiResponse {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) content_type: Option<String>,
    pub(crate) body: Bytes,
    pub(crate) url: String,
}

impl ApiResponse {
    /// The HTTP status (always 2xx).
    pub fn status(&self) -> u16 {
        self.status
    }
    /// The URL that answered.
    pub fn url(&self) -> &str {
        &self.url
    }
    /// The `content-type`, if sent.
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }
    /// A response header, if sent and readable as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
    /// The raw body.
    pub fn bytes(&self) -> &[u8] {
        &self.body
    }
    /// The body as text (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The `RESPONSE_TOO_LARGE` error for a body with too many JSON values.
    fn too_many_values(&self) -> Error {
        Error::new(
            ErrorCode::ResponseTooLarge,
            format!("the response holds more than {MAX_JSON_VALUES} JSON values"),
        )
        .with_endpoint(self.url.clone())
        .with_status(self.status)
        .with_hint("Narrow the request (page size, filters).")
    }

    /// Decodes the body; a mismatch names the JSON path that failed. A body with more than
    /// [`MAX_JSON_VALUES`] values is refused before it is parsed.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        if too_many_json_values(&self.body) {
            return Err(self.too_many_values());
        }
        let mut de = serde_json::Deserializer::from_slice(&self.body);
        serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let path = e.path().to_string();
            Error::new(
                ErrorCode::InvalidResponse,
                format!(
                    "the response could not be decoded at `{path}`: {}",
                    e.inner()
                ),
            )
            .with_endpoint(self.url.clone())
            .with_status(self.status)
        })
    }

    /// The body as JSON, whatever its shape.
    pub fn json_value(&self) -> Result<Value, Error> {
        self.json()
    }

    /// JSON when the server sent JSON; otherwise `{"status":"success"}` for an empty body or
    /// `{"status":"success","raw":<text>}` (for PUT/DELETE endpoints that answer with text).
    pub fn json_or_status(&self) -> Result<Value, Error> {
        let is_json = self
            .content_type
            .as_deref()
            .is_some_and(|ct| ct.contains("json"));
        if too_many_json_values(&self.body) {
            return Err(self.too_many_values());
        }
        let text = self.text();
        if is_json && !text.trim().is_empty() {
            return self.json_value();
        }
        if text.trim().is_empty() {
            Ok(json!({"status": "success"}))
        } else {
            Ok(serde_json::from_str(&text)
                .unwrap_or_else(|_| json!({"status": "success", "raw": text})))
        }
    }
}

/// A response whose body is read incrementally (server-sent events).
#[derive(Debug)]
pub struct StreamingResponse {
    pub(crate) response: reqwest::Response,
    pub(crate) status: u16,
    pub(crate) content_type: Option<String>,
    pub(crate) url: String,
    pub(crate) service: Service,
    pub(crate) effect: Effect,
    pub(crate) received: usize,
    pub(crate) env_prefix: &'static str,
    /// The request's claim on the memory budget: a stream past the small size takes a slot.
    pub(crate) lease: Lease,
}

impl StreamingResponse {
    /// The HTTP status (always 2xx).
    pub fn status(&self) -> u16 {
        self.status
    }
    /// The `content-type`, if sent.
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }
    /// The URL that answered.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The next chunk of the body, `None` at the end. Stops with `RESPONSE_TOO_LARGE` past the
    /// body cap; a broken or timed-out stream is an error, never a silent end.
    pub async fn next_chunk(&mut self) -> Result<Option<Bytes>, Error> {
        match self.response.chunk().await {
            Ok(Some(chunk)) => {
                self.received += chunk.len();
                if self.received > MAX_BODY_BYTES {
                    return Err(too_large(self.service, &self.url));
                }
                if self.received > SMALL_BODY_BYTES {
                    self.lease.hold_large().await;
                }
                Ok(Some(chunk))
            }
            Ok(None) => Ok(None),
            Err(e) => {
                let failure = classify_transport(&e);
                Err(transport_error(
                    self.service,
                    &self.url,
                    &failure,
                    self.effect,
                    self.env_prefix,
                ))
            }
        }
    }
}

pub(crate) fn header_string(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Reads a whole body under the cap. A failure is classified for the retry policy: a body
/// cut short is [`Failure::Transport`] (a read-only request may be sent again), an oversized
/// one [`Failure::TooLarge`]. A body that turns out large (bytes, or values once complete)
/// takes the request's large-body slot first ([`super::budget`]): reading pauses until one is
/// free.
pub(crate) async fn read_body(
    mut response: reqwest::Response,
    lease: &Lease,
) -> Result<Bytes, Failure> {
    if response
        .content_length()
        .is_some_and(|len| len > MAX_BODY_BYTES as u64)
    {
        return Err(Failure::TooLarge);
    }
    if response
        .content_length()
        .is_some_and(|len| len > SMALL_BODY_BYTES as u64)
    {
        lease.hold_large().await;
    }
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if body.len() + chunk.len() > MAX_BODY_BYTES {
                    return Err(Failure::TooLarge);
                }
                body.extend_from_slice(&chunk);
                if is_large(&body, false) {
                    lease.hold_large().await;
                }
            }
            Ok(None) => {
                if is_large(&body, true) {
                    lease.hold_large().await;
                }
                return Ok(Bytes::from(body));
            }
            Err(e) => return Err(Failure::Transport(classify_transport(&e))),
        }
    }
}
