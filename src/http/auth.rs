//! How each service authenticates. This and `client.rs` are the only places a secret value is
//! exposed, and only to become a header.

use std::fmt;

use reqwest::RequestBuilder;
use reqwest::header::HeaderValue;
use secrecy::{ExposeSecret, SecretString};

use crate::command::Service;
use crate::secrets::redact::MASK;
use crate::secrets::{SecretName, Secrets};

/// The credentials one request carries.
#[derive(Clone, Copy)]
pub(crate) enum Auth<'a> {
    /// No credentials.
    None,
    /// `Authorization: Bearer <token>`.
    Bearer(&'a SecretString),
    /// `Authorization: Basic base64(user:pass)`.
    Basic {
        user: &'a SecretString,
        pass: &'a SecretString,
    },
    /// `x-api-key: <key>`.
    ApiKey(&'a SecretString),
    /// `x-tva-sa-id` and `x-tva-sa-secret`.
    Video {
        id: &'a SecretString,
        secret: &'a SecretString,
    },
}

impl fmt::Debug for Auth<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = match self {
            Auth::None => "None",
            Auth::Bearer(_) => "Bearer",
            Auth::Basic { .. } => "Basic",
            Auth::ApiKey(_) => "ApiKey",
            Auth::Video { .. } => "Video",
        };
        f.debug_tuple("Auth").field(&scheme).finish()
    }
}

impl<'a> Auth<'a> {
    /// The credentials `service` uses, from what was resolved for this run. Absent secrets
    /// mean no header: required ones were already enforced by the dispatcher.
    pub(crate) fn for_service(service: Service, secrets: &'a Secrets) -> Self {
        match service {
            Service::Ondemand => secrets
                .get(SecretName::OndemandToken)
                .map_or(Auth::None, Auth::Bearer),
            Service::Controller | Service::Platform => secrets
                .get(SecretName::EcApiKey)
                .map_or(Auth::None, Auth::ApiKey),
            Service::Dedicated => {
                if let Some(token) = secrets.get(SecretName::InferenceToken) {
                    Auth::Bearer(token)
                } else if let (Some(user), Some(pass)) = (
                    secrets.get(SecretName::InferenceUser),
                    secrets.get(SecretName::InferencePass),
                ) {
                    Auth::Basic { user, pass }
                } else {
                    Auth::None
                }
            }
            Service::Video => match (
                secrets.get(SecretName::VideoSaId),
                secrets.get(SecretName::VideoSaSecret),
            ) {
                (Some(id), Some(secret)) => Auth::Video { id, secret },
                _ => Auth::None,
            },
            Service::Runtime => Auth::None,
        }
    }

    /// Adds the credential headers to a request.
    pub(crate) fn apply(self, builder: RequestBuilder) -> RequestBuilder {
        match self {
            Auth::None => builder,
            // reqwest marks both of these sensitive.
            Auth::Bearer(token) => builder.bearer_auth(token.expose_secret()),
            Auth::Basic { user, pass } => {
                // An upstream may echo the header value without its `Basic ` prefix.
                crate::secrets::redact::remember_basic(user, pass);
                builder.basic_auth(user.expose_secret(), Some(pass.expose_secret()))
            }
            Auth::ApiKey(key) => builder.header("x-api-key", sensitive(key.expose_secret())),
            Auth::Video { id, secret } => builder
                .header("x-tva-sa-id", sensitive(id.expose_secret()))
                .header("x-tva-sa-secret", sensitive(secret.expose_secret())),
        }
    }

    /// The header names this auth sends, with masked values, for dry-run previews.
    pub(crate) fn preview_headers(self) -> Vec<(&'static str, String)> {
        match self {
            Auth::None => Vec::new(),
            Auth::Bearer(_) => vec![("authorization", format!("Bearer {MASK}"))],
            Auth::Basic { .. } => vec![("authorization", format!("Basic {MASK}"))],
            Auth::ApiKey(_) => vec![("x-api-key", MASK.to_owned())],
            Auth::Video { .. } => vec![
                ("x-tva-sa-id", MASK.to_owned()),
                ("x-tva-sa-secret", MASK.to_owned()),
            ],
        }
    }

    /// The credential headers `service` would send, each marked with the variable to set, for
    /// a preview of a request whose credentials are not configured. The dedicated endpoint may
    /// legitimately run without credentials, so it shows none.
    pub(crate) fn missing_preview_headers(service: Service) -> Vec<(&'static str, String)> {
        let missing = |name: SecretName| format!("<missing {}>", name.canonical());
        match service {
            Service::Ondemand => vec![("authorization", missing(SecretName::OndemandToken))],
            Service::Controller | Service::Platform => {
                vec![("x-api-key", missing(SecretName::EcApiKey))]
            }
            Service::Video => vec![
                ("x-tva-sa-id", missing(SecretName::VideoSaId)),
                ("x-tva-sa-secret", missing(SecretName::VideoSaSecret)),
            ],
            Service::Dedicated | Service::Runtime => Vec::new(),
        }
    }

    /// Whether any credential is attached.
    pub(crate) fn is_some(self) -> bool {
        !matches!(self, Auth::None)
    }
}

/// A header value marked sensitive, so hyper never prints it. Secrets with characters that
/// cannot appear in a header (e.g. a newline) become an empty value, which the server rejects
/// as unauthorised — never a panic, never the value in an error message.
fn sensitive(value: &str) -> HeaderValue {
    let mut header = HeaderValue::from_str(value).unwrap_or_else(|_| HeaderValue::from_static(""));
    header.set_sensitive(true);
    header
}
