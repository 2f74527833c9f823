//! Secrets from environment variables, tried after the host.

use std::collections::HashMap;
use std::fmt;

use futures_util::future::BoxFuture;
use secrecy::SecretString;

use super::{SecretName, SecretProvider, accept};
use crate::error::Error;

/// Reads secrets from the process environment (or, in tests, from a fixed map).
#[derive(Default)]
pub struct EnvSecrets {
    fixed: Option<HashMap<String, String>>,
}

impl fmt::Debug for EnvSecrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EnvSecrets")
            .field("fixed", &self.fixed.is_some())
            .finish_non_exhaustive()
    }
}

impl EnvSecrets {
    /// Reads the real process environment at lookup time.
    pub fn process() -> Self {
        Self { fixed: None }
    }

    /// A fixed environment, for tests.
    pub fn from_pairs<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        Self {
            fixed: Some(
                pairs
                    .into_iter()
                    .map(|(k, v)| (k.into(), v.into()))
                    .collect(),
            ),
        }
    }

    fn lookup(&self, var: &str) -> Option<String> {
        match &self.fixed {
            Some(map) => map.get(var).cloned(),
            None => std::env::var(var).ok(),
        }
    }
}

impl SecretProvider for EnvSecrets {
    fn get(&self, name: SecretName) -> BoxFuture<'_, Result<Option<SecretString>, Error>> {
        let found = (|| {
            for var in name.env_names() {
                if let Some(value) = self.lookup(var)
                    && let Some(secret) = accept(&value, var)?
                {
                    return Ok(Some(secret));
                }
            }
            Ok(None)
        })();
        Box::pin(async move { found })
    }
}
