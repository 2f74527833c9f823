//! Secrets handed over by the OpenClaw host with the request (the envelope's `secrets` map).

use std::collections::HashMap;
use std::fmt;

use futures_util::future::BoxFuture;
use secrecy::SecretString;

use super::{SecretName, SecretProvider, accept};
use crate::bounds::MAX_HOST_SECRETS;
use crate::error::{Error, ErrorCode};

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
    /// Builds the map from name/value pairs; blank values are dropped. More than
    /// [`MAX_HOST_SECRETS`] entries is `REQUEST_TOO_LARGE`, a value over the secret bound
    /// `SECRET_TOO_LONG`.
    pub fn from_pairs<K: Into<String>, V: AsRef<str>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Result<Self, Error> {
        let mut values = HashMap::new();
        for (name, value) in pairs {
            if values.len() == MAX_HOST_SECRETS {
                return Err(Error::new(
                    ErrorCode::RequestTooLarge,
                    format!("The request carries more than {MAX_HOST_SECRETS} secrets."),
                )
                .with_hint("Send only the secrets the command needs."));
            }
            let name: String = name.into();
            if let Some(value) = accept(value.as_ref(), &format!("secrets.{name}"))? {
                values.insert(name, value);
            }
        }
        Ok(Self { values })
    }

    /// Whether the host handed over no secret.
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
