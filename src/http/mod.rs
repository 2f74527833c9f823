//! HTTP: per-service clients, the retry policy, endpoint safety.
//!
//! Every request the runtime makes goes through [`ServiceClient`]: commands describe requests
//! as [`ApiRequest`] values and never build a `reqwest` client or an `Authorization` header
//! themselves. TLS is rustls with the ring provider (no OpenSSL); `HTTPS_PROXY` and
//! `SSL_CERT_FILE` are honoured; redirects are refused; bodies are capped; only the origins a
//! skill pack declares, over HTTPS, are reachable in a release build ([`endpoint`]).
//!
//! - [`request`]: a request described as data (sent or previewed);
//! - [`response`]: buffered and streamed bodies under the size cap;
//! - [`budget`]: the process's memory budget for large response bodies;
//! - [`upload`](self): local files sent as multipart parts, streamed from disk and checked;
//! - [`failure`](self): transport and status failures, classified and turned into errors;
//! - [`client`](self): the per-service client with its retry loop, and the shared transport.

mod auth;
pub mod budget;
mod client;
pub mod endpoint;
mod failure;
mod request;
mod response;
pub mod retry;
pub mod special_purpose;
pub mod sse;
mod upload;

use std::time::Duration;

pub use crate::bounds::{MAX_BODY_BYTES, MAX_JSON_VALUES, too_many_json_values};
pub(crate) use auth::Auth;
pub use client::{ServiceClient, Transport};
pub use request::{ApiRequest, Body, FormPart, FormValue, RequestPreview};
pub use response::{ApiResponse, StreamingResponse};
pub(crate) use upload::hex;
pub use upload::sha256_hex;
pub use upload::{CHUNK_BYTES, LocalFilePart};

/// HTTP knobs shared by every service client of a pack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpSettings {
    /// Per-request timeout (`<PREFIX>HTTP_TIMEOUT_MS`, default 20 000, clamped to
    /// 1 000..=120 000).
    pub timeout: Duration,
    /// Extra attempts after the first for retryable failures (`<PREFIX>HTTP_MAX_RETRIES`,
    /// default 2, clamped to 0..=6). Paid and mutating requests only use them when the
    /// request provably was not processed.
    pub max_retries: u32,
    /// Base of the exponential backoff (`<PREFIX>HTTP_RETRY_BACKOFF_MS`, default 250, clamped
    /// to 25..=10 000).
    pub retry_backoff: Duration,
    /// The pack's environment prefix, for hints that name a variable.
    pub env_prefix: &'static str,
    /// The pack's binary, for the `User-Agent`.
    pub binary: &'static str,
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            timeout: Duration::from_millis(20_000),
            max_retries: 2,
            retry_backoff: Duration::from_millis(250),
            env_prefix: "",
            binary: "skill",
        }
    }
}
