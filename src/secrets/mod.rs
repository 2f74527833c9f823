//! Secrets: the OpenClaw host first, then the environment (design §4).
//!
//! Every credential the runtime reads is a [`SecretName`], with its environment alias list
//! next to it, so "which variables does this read?" is answered in this file. A value counts
//! only when it is non-empty after trimming. Values stay [`SecretString`] from the provider
//! to the code in `src/http/` that turns them into a header; every value resolved here is
//! also remembered by [`redact`] so it is masked wherever it might appear in output or logs.

mod env;
mod host;
pub mod redact;

use std::collections::HashMap;
use std::fmt;

use futures_util::future::BoxFuture;
use secrecy::SecretString;
use serde::Serialize;

use crate::error::{Error, ErrorCode};

pub use env::EnvSecrets;
pub use host::HostSecrets;

/// A credential the runtime can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SecretName {
    /// Project API key for the controller and platform API (`x-api-key`).
    EcApiKey,
    /// Bearer token for the on-demand model API.
    OndemandToken,
    /// Bearer token for a dedicated inference endpoint.
    InferenceToken,
    /// Basic-auth user for a dedicated inference endpoint.
    InferenceUser,
    /// Basic-auth password for a dedicated inference endpoint.
    InferencePass,
    /// Video API service account id (`x-tva-sa-id`).
    VideoSaId,
    /// Video API service account secret (`x-tva-sa-secret`).
    VideoSaSecret,
}

impl SecretName {
    /// Every secret, in a stable order.
    pub const ALL: [SecretName; 7] = [
        SecretName::EcApiKey,
        SecretName::OndemandToken,
        SecretName::InferenceToken,
        SecretName::InferenceUser,
        SecretName::InferencePass,
        SecretName::VideoSaId,
        SecretName::VideoSaSecret,
    ];

    /// The names this secret is looked up under, in order, in the host map and then in the
    /// environment (`spec/theta-api.md` §3.1–3.2). The first is the canonical name.
    pub fn env_names(self) -> &'static [&'static str] {
        match self {
            SecretName::EcApiKey => &["THETA_EC_API_KEY"],
            SecretName::OndemandToken => &[
                "THETA_ONDEMAND_API_TOKEN",
                "THETA_ONDEMAND_API_KEY",
                "THETA_API_KEY",
            ],
            SecretName::InferenceToken => &["THETA_INFERENCE_AUTH_TOKEN"],
            SecretName::InferenceUser => &["THETA_INFERENCE_AUTH_USER"],
            SecretName::InferencePass => &["THETA_INFERENCE_AUTH_PASS"],
            SecretName::VideoSaId => &["THETA_VIDEO_SA_ID"],
            SecretName::VideoSaSecret => &["THETA_VIDEO_SA_SECRET"],
        }
    }

    /// What the secret is, for generated documentation.
    pub fn description(self) -> &'static str {
        match self {
            SecretName::EcApiKey => {
                "Project API key (Theta dashboard: Account -> Projects -> Create API Key)."
            }
            SecretName::OndemandToken => {
                "On-demand model API key (Theta dashboard: On-demand Model APIs -> API Key)."
            }
            SecretName::InferenceToken => "Bearer token of a dedicated inference endpoint.",
            SecretName::InferenceUser => "Basic-auth user of a dedicated inference endpoint.",
            SecretName::InferencePass => "Basic-auth password of a dedicated inference endpoint.",
            SecretName::VideoSaId => "Theta Video API service account id.",
            SecretName::VideoSaSecret => "Theta Video API service account secret.",
        }
    }

    /// The canonical variable name.
    pub fn canonical(self) -> &'static str {
        self.env_names()[0]
    }

    /// The named error for this secret being absent, with a hint saying where to get it.
    pub fn missing_error(self) -> Error {
        let (code, message, hint) = match self {
            SecretName::EcApiKey => (
                ErrorCode::MissingThetaEcApiKey,
                "THETA_EC_API_KEY is missing.",
                "Set THETA_EC_API_KEY (OpenClaw: skills.entries.theta-edgecloud.apiKey, or the plugin's ecApiKey). Create the key on https://www.thetaedgecloud.com/ under Account -> Projects -> select your project -> Create API Key.",
            ),
            SecretName::OndemandToken => (
                ErrorCode::MissingThetaOndemandApiToken,
                "On-demand API key/token is missing.",
                "Set THETA_ONDEMAND_API_TOKEN (or THETA_ONDEMAND_API_KEY / THETA_API_KEY), or add it to the OpenClaw plugin config. Create it on the Theta dashboard under On-demand Model APIs -> API Key (https://www.thetaedgecloud.com/dashboard/api-keys).",
            ),
            SecretName::InferenceToken | SecretName::InferenceUser | SecretName::InferencePass => (
                ErrorCode::ConfigError,
                "Dedicated endpoint credentials are missing.",
                "Set THETA_INFERENCE_AUTH_TOKEN, or THETA_INFERENCE_AUTH_USER and THETA_INFERENCE_AUTH_PASS, from the deployment's details on the Theta dashboard.",
            ),
            SecretName::VideoSaId | SecretName::VideoSaSecret => (
                ErrorCode::MissingThetaVideoCredentials,
                "Theta Video API credentials are missing.",
                "Set THETA_VIDEO_SA_ID and THETA_VIDEO_SA_SECRET from the service account on the Theta Video API dashboard (https://www.thetavideoapi.com/).",
            ),
        };
        Error::new(code, message).with_hint(hint)
    }
}

impl fmt::Display for SecretName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.canonical())
    }
}

impl Serialize for SecretName {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.canonical())
    }
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
/// here, so every resolved secret is remembered for redaction.
pub(crate) fn accept(raw: &str) -> Option<SecretString> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return None;
    }
    let secret = SecretString::from(trimmed);
    redact::remember(&secret);
    Some(secret)
}

/// The secrets resolved for one command run.
#[derive(Default, Clone)]
pub struct Secrets {
    values: HashMap<SecretName, SecretString>,
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
        let values = unique
            .into_iter()
            .zip(found)
            .filter_map(|(name, value)| value.map(|v| (name, v)))
            .collect();
        Ok(Self { values })
    }

    /// Builds a set from literal values (tests, and flows that generate credentials).
    pub fn from_values(values: impl IntoIterator<Item = (SecretName, SecretString)>) -> Self {
        let values = values
            .into_iter()
            .inspect(|(_, v)| redact::remember(v))
            .collect();
        Self { values }
    }

    /// The value, when present. Only `src/http/` exposes it.
    pub fn get(&self, name: SecretName) -> Option<&SecretString> {
        self.values.get(&name)
    }

    /// Whether the secret is present.
    pub fn contains(&self, name: SecretName) -> bool {
        self.values.contains_key(&name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    #[tokio::test]
    async fn host_beats_environment_and_aliases_are_tried_in_order() {
        let host = HostSecrets::from_pairs([("THETA_ONDEMAND_API_KEY", "from-host")]);
        let env = EnvSecrets::from_pairs([
            ("THETA_ONDEMAND_API_TOKEN", "from-env"),
            ("THETA_EC_API_KEY", "  ec-env  "),
        ]);
        let chain = Chain::new(vec![&host, &env]);
        let got = chain.get(SecretName::OndemandToken).await.unwrap().unwrap();
        assert_eq!(got.expose_secret(), "from-host");
        let ec = chain.get(SecretName::EcApiKey).await.unwrap().unwrap();
        assert_eq!(ec.expose_secret(), "ec-env", "values are trimmed");
        assert!(chain.get(SecretName::VideoSaId).await.unwrap().is_none());
    }

    /// With every alias set at once, the first in the documented order wins, in the host's
    /// map and in the environment alike; removing it promotes the next.
    #[tokio::test]
    async fn the_first_alias_set_wins_when_several_are() {
        let all = [
            ("THETA_API_KEY", "third"),
            ("THETA_ONDEMAND_API_KEY", "second"),
            ("THETA_ONDEMAND_API_TOKEN", "first"),
        ];
        let order = SecretName::OndemandToken.env_names();
        assert_eq!(
            order,
            [
                "THETA_ONDEMAND_API_TOKEN",
                "THETA_ONDEMAND_API_KEY",
                "THETA_API_KEY"
            ]
        );
        for skip in 0..order.len() {
            let pairs: Vec<(&str, &str)> = all
                .iter()
                .copied()
                .filter(|(name, _)| !order[..skip].contains(name))
                .collect();
            let expected = ["first", "second", "third"][skip];
            let env = EnvSecrets::from_pairs(pairs.clone());
            let got = env.get(SecretName::OndemandToken).await.unwrap().unwrap();
            assert_eq!(got.expose_secret(), expected, "environment, {pairs:?}");
            let host = HostSecrets::from_pairs(pairs.clone());
            let got = host.get(SecretName::OndemandToken).await.unwrap().unwrap();
            assert_eq!(got.expose_secret(), expected, "host, {pairs:?}");
        }
    }

    #[tokio::test]
    async fn blank_values_do_not_count() {
        let host = HostSecrets::from_pairs([("THETA_ONDEMAND_API_TOKEN", "   ")]);
        let env = EnvSecrets::from_pairs([("THETA_API_KEY", "fallback-token")]);
        let chain = Chain::new(vec![&host, &env]);
        let got = chain.get(SecretName::OndemandToken).await.unwrap().unwrap();
        assert_eq!(got.expose_secret(), "fallback-token");
    }

    #[tokio::test]
    async fn debug_never_shows_values() {
        let env = EnvSecrets::from_pairs([("THETA_EC_API_KEY", "very-secret-value")]);
        let secrets = Secrets::resolve(&env, [SecretName::EcApiKey])
            .await
            .unwrap();
        let shown = format!("{secrets:?} {env:?}");
        assert!(!shown.contains("very-secret-value"), "{shown}");
        assert!(shown.contains("THETA_EC_API_KEY"));
    }

    #[test]
    fn missing_errors_are_named_with_hints() {
        let err = SecretName::OndemandToken.missing_error();
        assert_eq!(err.code(), ErrorCode::MissingThetaOndemandApiToken);
        assert!(
            err.hint()
                .unwrap_or_default()
                .contains("On-demand Model APIs")
        );
        assert_eq!(
            SecretName::VideoSaSecret.missing_error().code(),
            ErrorCode::MissingThetaVideoCredentials
        );
    }
}
