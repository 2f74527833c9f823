//! HTTP: per-service clients, the retry policy, endpoint safety.
//!
//! Every request the runtime makes goes through [`ServiceClient`]: commands describe requests
//! as [`ApiRequest`] values and never build a `reqwest` client or an `Authorization` header
//! themselves. TLS is rustls with the ring provider (no OpenSSL); `HTTPS_PROXY` and
//! `SSL_CERT_FILE` are honoured; redirects are refused; bodies are capped; only Theta origins
//! over HTTPS are reachable in a release build ([`endpoint`]).

mod auth;
mod client;
pub mod endpoint;
pub mod retry;
pub mod special_purpose;
pub mod sse;

pub(crate) use auth::Auth;
pub use client::{
    ApiRequest, ApiResponse, Body, FormPart, FormValue, MAX_BODY_BYTES, RequestPreview,
    ServiceClient, StreamingResponse, Transport,
};
