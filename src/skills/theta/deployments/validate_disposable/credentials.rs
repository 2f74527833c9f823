//! The endpoint credentials of a disposable deployment: taken from the payload, or generated
//! from the operating system's cryptographically secure source (`getrandom`), and remembered
//! for redaction so they never appear in any output.

use crate::skills::theta::codes;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use secrecy::SecretString;
use serde_json::{Map, Value};

use crate::error::{Error, ErrorCode};
use crate::secrets;

/// Where a credential came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    /// Given in `payload`.
    Payload,
    /// Generated for this run.
    Generated,
}

impl Origin {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Origin::Payload => "payload",
            Origin::Generated => "generated",
        }
    }
}

/// Basic-auth credentials for the deployment's endpoint.
pub(crate) struct EndpointCredentials {
    pub(crate) user: SecretString,
    pub(crate) pass: SecretString,
    pub(crate) user_origin: Origin,
    pub(crate) pass_origin: Origin,
}

impl std::fmt::Debug for EndpointCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EndpointCredentials")
            .field("user_origin", &self.user_origin)
            .field("pass_origin", &self.pass_origin)
            .finish_non_exhaustive()
    }
}

/// The payload's `auth_username` / `auth_password`, each a non-empty string when present.
fn payload_credential<'a>(
    payload: &'a Map<String, Value>,
    key: &str,
) -> Result<Option<&'a str>, Error> {
    match payload.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(Some(s.as_str())),
        Some(_) => Err(Error::invalid_field(
            codes::INVALID_DEPLOYMENT_PAYLOAD,
            &format!("payload/{key}"),
            format!("payload.{key} must be a non-empty string when given."),
        )),
    }
}

/// Whether the payload's credentials are usable, without generating anything (dry-run).
pub(crate) fn check_payload(payload: &Map<String, Value>) -> Result<(Origin, Origin), Error> {
    let origin = |v: Option<&str>| v.map_or(Origin::Generated, |_| Origin::Payload);
    Ok((
        origin(payload_credential(payload, "auth_username")?),
        origin(payload_credential(payload, "auth_password")?),
    ))
}

/// Fills the payload's missing `auth_username` / `auth_password` with fresh values (user
/// `openclaw_` + 8 hex characters, password 18 random bytes in base64url: 24 characters) and
/// returns both as secrets for the probe's Basic auth. Every generated value, and a password
/// given in the payload, is remembered for redaction; a user name given in the payload is not
/// (it is not secret, and masking a common word everywhere would garble the report).
pub(crate) fn resolve(payload: &mut Map<String, Value>) -> Result<EndpointCredentials, Error> {
    let (user, user_origin) = match payload_credential(payload, "auth_username")? {
        Some(user) => (user.to_owned(), Origin::Payload),
        None => (
            format!("openclaw_{}", hex(&random::<4>()?)),
            Origin::Generated,
        ),
    };
    let (pass, pass_origin) = match payload_credential(payload, "auth_password")? {
        Some(pass) => (pass.to_owned(), Origin::Payload),
        None => (URL_SAFE_NO_PAD.encode(random::<18>()?), Origin::Generated),
    };
    let user_secret = SecretString::from(user.clone());
    let pass_secret = SecretString::from(pass.clone());
    if user_origin == Origin::Generated {
        secrets::remember(&user_secret);
    }
    secrets::remember(&pass_secret);
    payload.insert("auth_username".into(), Value::String(user));
    payload.insert("auth_password".into(), Value::String(pass));
    Ok(EndpointCredentials {
        user: user_secret,
        pass: pass_secret,
        user_origin,
        pass_origin,
    })
}

fn random<const N: usize>() -> Result<[u8; N], Error> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| {
        Error::new(
            ErrorCode::Internal,
            format!("the system's secure random source failed: {e}"),
        )
    })?;
    Ok(bytes)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            other => panic!("not an object: {other}"),
        }
    }

    #[test]
    fn generated_credentials_have_the_documented_shape_and_differ() {
        let mut first = Map::new();
        let creds = resolve(&mut first).unwrap();
        let mut second = Map::new();
        resolve(&mut second).unwrap();
        assert_eq!(creds.user_origin, Origin::Generated);
        assert_eq!(creds.pass_origin, Origin::Generated);
        let user = first["auth_username"].as_str().unwrap().to_owned();
        assert!(user.starts_with("openclaw_") && user.len() == 17, "{user}");
        assert!(user[9..].chars().all(|c| c.is_ascii_hexdigit()));
        let pass = first["auth_password"].as_str().unwrap().to_owned();
        assert_eq!(pass.len(), 24);
        assert!(
            pass.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
        assert_ne!(first["auth_password"], second["auth_password"]);
        assert_ne!(first["auth_username"], second["auth_username"]);
        // Both are masked in every output from now on.
        let text = format!("user {user} pass {pass}");
        let shown = crate::secrets::redact::redact_text(&text);
        assert!(!shown.contains(&user) && !shown.contains(&pass), "{shown}");
    }

    #[test]
    fn payload_credentials_are_kept_and_checked() {
        let mut payload =
            map(json!({"auth_username": "alice", "auth_password": "pw-from-payload"}));
        let creds = resolve(&mut payload).unwrap();
        assert_eq!(payload["auth_username"], "alice");
        assert_eq!(payload["auth_password"], "pw-from-payload");
        assert_eq!(creds.user_origin, Origin::Payload);
        assert_eq!(creds.pass_origin, Origin::Payload);
        assert!(
            !crate::secrets::redact::redact_text("pw-from-payload").contains("pw-from-payload")
        );
        let error = resolve(&mut map(json!({"auth_password": 5}))).unwrap_err();
        assert_eq!(error.code(), codes::INVALID_DEPLOYMENT_PAYLOAD);
        assert_eq!(
            check_payload(&map(json!({"auth_username": "bob"}))).unwrap(),
            (Origin::Payload, Origin::Generated)
        );
    }
}
