//! Secrets handed over by the OpenClaw host with the request (the envelope's `secrets` map).

use std::collections::HashMap;
use std::fmt;

use futures_util::future::BoxFuture;
use secrecy::SecretString;

use super::{SecretName, SecretProvider, accept};
use crate::error::Error;

/// The envelope's `secrets` map, keyed by variable name (`ACME_API_KEY`, …).
#[derive(Default)]
pub struct HostSecrets {
    values: HashMap<String, SecretString>,
}

impl fmt::Debug for HostSecrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut names: Vec<_> = self.values.keys().collect();
        names.sort_unstable();
        f.debug_struct("HostSecrets")
            .field("names", &names)
            .finish_non_exhaustive()
    }
}

impl HostSecrets {
    /// Builds the map from name/value pairs; blank values are dropped.
    pub fn from_pairs<K: Into<String>, V: AsRef<str>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        let values = pairs
            .into_iter()
            .filter_map(|(k, v)| accept(v.as_ref()).map(|v| (k.into(), v)))
            .collect();
        Self { values }
    }

    /// Whether the host sent anything at all.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
}

impl SecretProvider for HostSecrets {
    fn get(&self, name: SecretName) -> BoxFuture<'_, Result<Option<SecretString>, Error>> {
        let found = name
            .env_names()
            .iter()
            .find_map(|alias| self.values.get(*alias).cloned());
        Box::pin(async move { Ok(found) })
    }
}
