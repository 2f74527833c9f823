//! Secrets: the OpenClaw host first, then the environment (design §4).
//!
//! Every credential is a [`SecretName`] that a skill pack declares with its environment alias
//! list, so "which variables does this read?" is answered by the pack's declarations. A value counts
//! only when it is non-empty after trimming. Values stay [`SecretString`] from the provider
//! to the code in `src/http/` that turns them into a header; every value resolved here is
//! also remembered by [`redact`] so it is masked wherever it might appear in output or logs.

mod env;
mod host;
pub mod known;
pub mod redact;

use std::collections::HashMap;
use std::fmt;

use futures_util::future::BoxFuture;
use secrecy::{ExposeSecret, SecretString};

use crate::bounds::MAX_SECRET_BYTES;
use crate::error::{Error, ErrorCode};
pub use crate::vocab::SecretName;

pub use env::EnvSecrets;
pub use host::HostSecrets;
pub use known::{Pin, remember, remember_basic};

/// At most `max` characters of `text`, every known secret masked *before* the cut: a secret
/// cut in half would no longer match the redactor and its first characters would be printed.
/// Every excerpt of upstream text (error bodies, unexpected answers) goes through here.
pub fn excerpt(text: &str, max: usize) -> String {
    crate::error::truncate_chars(&redact::redact_text(text), max)
}

/// A one-line summary of `error` (`CODE: message`), at most `max` characters, for reports
/// that embed an error inside a successful result: redacted before it is cut, like
/// [`excerpt`], so a secret cut in half is never printed.
pub fn summary(error: &Error, max: usize) -> String {
    excerpt(&format!("{}: {}", error.code(), error.message()), max)
}

/// The named error for `name` being absent, with the pack's hint saying where to get it.
pub fn missing_error(name: SecretName) -> Error {
    let def = name.def();
    Error::new(def.missing_code, def.missing_message).with_hint(def.missing_hint)
}

/// A source of secrets. Used as `&dyn SecretProvider`, so the method returns a boxed future.
pub trait SecretProvider: Send + Sync + fmt::Debug {
    /// The value of `name`, if this provider has a non-empty one.
    fn get(&self, name: SecretName) -> BoxFuture<'_, Result<Option<SecretString>, Error>>;
}

/// Tries each provider in order; the first non-empty value wins.
#[derive(Debug)]
pub struct Chain<'a> {
    providers: Vec<&'a dyn SecretProvider>,
}

impl<'a> Chain<'a> {
    /// A chain over `providers`, highest precedence first.
    pub fn new(providers: Vec<&'a dyn SecretProvider>) -> Self {
        Self { providers }
    }
}

impl SecretProvider for Chain<'_> {
    fn get(&self, name: SecretName) -> BoxFuture<'_, Result<Option<SecretString>, Error>> {
        Box::pin(async move {
            for provider in &self.providers {
                if let Some(value) = provider.get(name).await? {
                    return Ok(Some(value));
                }
            }
            Ok(None)
        })
    }
}

/// Trims a candidate value; empty means absent. Every value that leaves a provider passes
/// here, so every resolved secret is remembered for redaction. A value longer than
/// [`MAX_SECRET_BYTES`] is refused with `SECRET_TOO_LONG` before anything is done with it;
/// `source` says where it came from (a variable, an envelope entry), never what it is.
pub(crate) fn accept(raw: &str, source: &str) -> Result<Option<SecretString>, Error> {
    if raw.len() > MAX_SECRET_BYTES {
        return Err(too_long(source));
    }
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Ok(None);
    }
    let secret = SecretString::from(trimmed);
    remember(&secret);
    Ok(Some(secret))
}

/// The `SECRET_TOO_LONG` error for the value from `source`.
fn too_long(source: &str) -> Error {
    Error::new(
        ErrorCode::SecretTooLong,
        format!(
            "The secret value from {source} is longer than {MAX_SECRET_BYTES} bytes, longer than any real credential; it was not used."
        ),
    )
    .with_hint(format!(
        "Set {source} to the key or token itself, with nothing around it."
    ))
}

/// The secrets resolved for one command run. It pins each of them in the redactor's memory
/// ([`Pin`]); the runtime keeps the pins until the run's answer is printed.
#[derive(Default, Clone)]
pub struct Secrets {
    values: HashMap<SecretName, SecretString>,
    pins: Vec<Pin>,
}

impl fmt::Debug for Secrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut names: Vec<_> = self.values.keys().map(|n| n.canonical()).collect();
        names.sort_unstable();
        f.debug_struct("Secrets")
            .field("present", &names)
            .finish_non_exhaustive()
    }
}

impl Secrets {
    /// Resolves each of `names` through `provider`, concurrently (in serve mode each lookup
    /// may be a round trip to the host); absent ones are simply not present.
    pub async fn resolve(
        provider: &dyn SecretProvider,
        names: impl IntoIterator<Item = SecretName>,
    ) -> Result<Self, Error> {
        let mut unique: Vec<SecretName> = names.into_iter().collect();
        unique.sort_unstable();
        unique.dedup();
        let found =
            futures_util::future::try_join_all(unique.iter().map(|name| provider.get(*name)))
                .await?;
        let values: HashMap<SecretName, SecretString> = unique
            .into_iter()
            .zip(found)
            .filter_map(|(name, value)| value.map(|v| (name, v)))
            .collect();
        let pins = values.values().filter_map(remember).collect();
        Ok(Self { values, pins })
    }

    /// Builds a set from literal values (tests, and flows that generate credentials).
    pub fn from_values(values: impl IntoIterator<Item = (SecretName, SecretString)>) -> Self {
        let values: HashMap<SecretName, SecretString> = values.into_iter().collect();
        let pins = values.values().filter_map(remember).collect();
        Self { values, pins }
    }

    /// The value, when present. Only `src/http/` exposes it.
    pub fn get(&self, name: SecretName) -> Option<&SecretString> {
        self.values.get(&name)
    }

    /// Adds every value of `other` (the later set wins on a clash).
    pub fn extend(&mut self, other: Secrets) {
        self.values.extend(other.values);
        self.pins.extend(other.pins);
    }

    /// What keeps these secrets in the redactor's memory: held until the answer is printed.
    pub fn pins(&self) -> Vec<Pin> {
        self.pins.clone()
    }

    /// Whether the value of `name`, when present, passes `check` (a format test such as "looks
    /// like a key"); `None` when absent. The value itself never leaves this module.
    pub fn value_matches(&self, name: SecretName, check: fn(&str) -> bool) -> Option<bool> {
        self.values.get(&name).map(|v| check(v.expose_secret()))
    }

    /// Whether the secret is present.
    pub fn contains(&self, name: SecretName) -> bool {
        self.values.contains_key(&name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{DEMO_KEY, DEMO_TOKEN};
    use secrecy::ExposeSecret;

    /// A summary cut through a secret masks it whole: the cut comes after the redaction.
    #[test]
    fn a_summary_never_prints_part_of_a_secret() {
        let secret = "summary-canary-q7xk2mzt9v";
        remember(&SecretString::from(secret));
        let error = Error::new(
            crate::error::ErrorCode::NetworkError,
            format!("{}{secret} and more", "p".repeat(55)),
        );
        let short = summary(&error, 80);
        assert!(short.chars().count() <= 80, "{short}");
        // Cut first, the summary would end in "summary-c…".
        assert!(!short.contains(&secret[..6]), "{short}");
        assert!(short.contains(redact::MASK), "{short}");
    }

    #[tokio::test]
    async fn host_beats_environment_and_aliases_are_tried_in_order() {
        // DEMO_TOKEN is looked up as DEMO_TOKEN, then DEMO_TOKEN_ALIAS.
        let host = HostSecrets::from_pairs([("DEMO_TOKEN_ALIAS", "from-host")]).unwrap();
        let env = EnvSecrets::from_pairs([("DEMO_TOKEN", "from-env"), ("DEMO_KEY", "  key-env  ")]);
        let chain = Chain::new(vec![&host, &env]);
        let got = chain.get(DEMO_TOKEN).await.unwrap().unwrap();
        assert_eq!(got.expose_secret(), "from-host");
        let key = chain.get(DEMO_KEY).await.unwrap().unwrap();
        assert_eq!(key.expose_secret(), "key-env", "values are trimmed");
        assert!(
            Chain::new(vec![&host])
                .get(DEMO_KEY)
                .await
                .unwrap()
                .is_none()
        );
    }

    #[tokio::test]
    async fn the_first_alias_wins_when_several_are_set() {
        let env = EnvSecrets::from_pairs([("DEMO_TOKEN_ALIAS", "second"), ("DEMO_TOKEN", "first")]);
        let got = env.get(DEMO_TOKEN).await.unwrap().unwrap();
        assert_eq!(got.expose_secret(), "first");
        let host =
            HostSecrets::from_pairs([("DEMO_TOKEN_ALIAS", "second"), ("DEMO_TOKEN", "first")])
                .unwrap();
        let got = host.get(DEMO_TOKEN).await.unwrap().unwrap();
        assert_eq!(got.expose_secret(), "first");
    }

    #[tokio::test]
    async fn blank_values_do_not_count() {
        let host = HostSecrets::from_pairs([("DEMO_TOKEN", "   ")]).unwrap();
        let env = EnvSecrets::from_pairs([("DEMO_TOKEN_ALIAS", "fallback-token")]);
        let chain = Chain::new(vec![&host, &env]);
        let got = chain.get(DEMO_TOKEN).await.unwrap().unwrap();
        assert_eq!(got.expose_secret(), "fallback-token");
    }

    #[tokio::test]
    async fn debug_never_shows_values() {
        let env = EnvSecrets::from_pairs([("DEMO_KEY", "very-secret-value")]);
        let secrets = Secrets::resolve(&env, [DEMO_KEY]).await.unwrap();
        let shown = format!("{secrets:?} {env:?}");
        assert!(!shown.contains("very-secret-value"), "{shown}");
        assert!(shown.contains("DEMO_KEY"));
    }

    /// Issue 17, defect 1: a secret longer than any real key is refused, from every source,
    /// with an error that names where it came from and never shows it.
    #[tokio::test]
    async fn an_over_long_secret_is_refused_by_name() {
        let long = format!("K{}", "é/ +".repeat(MAX_SECRET_BYTES));
        let env = EnvSecrets::from_pairs([("DEMO_TOKEN", long.as_str())]);
        let error = env.get(DEMO_TOKEN).await.unwrap_err();
        assert_eq!(error.code(), ErrorCode::SecretTooLong);
        assert_eq!(error.exit_status(), 1);
        assert!(
            error.message().contains("DEMO_TOKEN"),
            "{}",
            error.message()
        );
        assert!(!format!("{error:?}").contains("é/ +é/ +"));
        let error = HostSecrets::from_pairs([("DEMO_KEY", long.as_str())]).unwrap_err();
        assert_eq!(error.code(), ErrorCode::SecretTooLong);
        assert!(
            error.message().contains("secrets.DEMO_KEY"),
            "{}",
            error.message()
        );
        // At the bound it is still a secret.
        let edge = "k".repeat(MAX_SECRET_BYTES);
        let env = EnvSecrets::from_pairs([("DEMO_TOKEN", edge.as_str())]);
        assert!(env.get(DEMO_TOKEN).await.unwrap().is_some());
    }

    #[test]
    fn missing_errors_are_named_with_hints() {
        let err = missing_error(DEMO_TOKEN);
        assert_eq!(err.code().as_str(), "MISSING_DEMO_TOKEN");
        assert!(err.hint().unwrap_or_default().contains("DEMO_TOKEN"));
    }
}
