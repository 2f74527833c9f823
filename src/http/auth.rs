//! How each service authenticates. This and `client.rs` are the only places a secret value is
//! exposed, and only to become a header.

use std::fmt;

use reqwest::RequestBuilder;
use reqwest::header::HeaderValue;
use secrecy::{ExposeSecret, SecretString};

use crate::secrets::Secrets;
use crate::secrets::redact::MASK;
use crate::vocab::{AuthScheme, SecretName, Service};

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
    /// One header per secret (`x-api-key`, or the Video API's id and secret pair).
    Headers {
        headers: &'static [(&'static str, SecretName)],
        secrets: &'a Secrets,
    },
}

impl fmt::Debug for Auth<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = match self {
            Auth::None => "None",
            Auth::Bearer(_) => "Bearer",
            Auth::Basic { .. } => "Basic",
            Auth::Headers { .. } => "Headers",
        };
        f.debug_tuple("Auth").field(&scheme).finish()
    }
}

impl<'a> Auth<'a> {
    /// The credentials `service` uses (its pack-declared [`AuthScheme`]), from what was
    /// resolved for this run. Absent secrets mean no header: required ones were already
    /// enforced by the dispatcher.
    pub(crate) fn for_service(service: Service, secrets: &'a Secrets) -> Self {
        match service.auth {
            AuthScheme::None => Auth::None,
            AuthScheme::Bearer(token) => secrets.get(token).map_or(Auth::None, Auth::Bearer),
            AuthScheme::Headers(headers) => {
                if headers.iter().all(|(_, name)| secrets.contains(*name)) {
                    Auth::Headers { headers, secrets }
                } else {
                    Auth::None
                }
            }
            AuthScheme::BearerOrBasic { token, user, pass } => {
                if let Some(token) = secrets.get(token) {
                    Auth::Bearer(token)
                } else if let (Some(user), Some(pass)) = (secrets.get(user), secrets.get(pass)) {
                    Auth::Basic { user, pass }
                } else {
                    Auth::None
                }
            }
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
                crate::secrets::remember_basic(user, pass);
                builder.basic_auth(user.expose_secret(), Some(pass.expose_secret()))
            }
            Auth::Headers { headers, secrets } => {
                headers.iter().fold(builder, |builder, (header, name)| {
                    match secrets.get(*name) {
                        Some(value) => builder.header(*header, sensitive(value.expose_secret())),
                        None => builder,
                    }
                })
            }
        }
    }

    /// The header names this auth sends, with masked values, for dry-run previews.
    pub(crate) fn preview_headers(self) -> Vec<(&'static str, String)> {
        match self {
            Auth::None => Vec::new(),
            Auth::Bearer(_) => vec![("authorization", format!("Bearer {MASK}"))],
            Auth::Basic { .. } => vec![("authorization", format!("Basic {MASK}"))],
            Auth::Headers { headers, .. } => headers
                .iter()
                .map(|(header, _)| (*header, MASK.to_owned()))
                .collect(),
        }
    }

    /// The credential headers `service` would send, each marked with the variable to set, for
    /// a preview of a request whose credentials are not configured. A service whose
    /// credentials are optional (a dedicated endpoint) shows none.
    pub(crate) fn missing_preview_headers(service: Service) -> Vec<(&'static str, String)> {
        let missing = |name: SecretName| format!("<missing {}>", name.canonical());
        match service.auth {
            AuthScheme::Bearer(token) => vec![("authorization", missing(token))],
            AuthScheme::Headers(headers) => headers
                .iter()
                .map(|(header, name)| (*header, missing(*name)))
                .collect(),
            AuthScheme::None | AuthScheme::BearerOrBasic { .. } => Vec::new(),
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
