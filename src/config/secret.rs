//! Secrets in config files: given inline, or as a reference to an environment variable or a file.

use std::path::PathBuf;

use mongo_auth_core::Password;
use serde::{Deserialize, Serialize};

/// Where a secret of a config file comes from, when it is not written inline: what `Serialize` writes
/// back in place of the secret.
///
/// In a file: `password = { env = "MONGO_PASSWORD" }` or `password = { file = "/run/secrets/mongo" }`
/// (the file's content, without one trailing newline).
///
/// ```
/// use mongo_auth::config::SecretRef;
/// let reference: SecretRef = serde_json::from_str(r#"{ "env": "MONGO_PASSWORD" }"#).unwrap();
/// assert_eq!(reference, SecretRef::Env("MONGO_PASSWORD".into()));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", deny_unknown_fields)]
#[non_exhaustive]
pub enum SecretRef {
    /// The value of this environment variable.
    Env(String),
    /// The content of this file, without one trailing newline (`\n` or `\r\n`).
    File(PathBuf),
}

impl SecretRef {
    /// Reads the secret. The error message names the variable or the file, never a secret.
    ///
    /// ```
    /// use mongo_auth::config::SecretRef;
    /// let error = SecretRef::Env("MONGO_AUTH_DOC_UNSET_VARIABLE".into()).resolve().unwrap_err();
    /// assert_eq!(error, "environment variable `MONGO_AUTH_DOC_UNSET_VARIABLE` is not set");
    /// ```
    pub fn resolve(&self) -> Result<Password, String> {
        match self {
            SecretRef::Env(name) => match std::env::var(name) {
                Ok(value) => Ok(Password::new(value)),
                Err(std::env::VarError::NotPresent) => {
                    Err(format!("environment variable `{name}` is not set"))
                }
                Err(std::env::VarError::NotUnicode(_)) => {
                    Err(format!("environment variable `{name}` is not valid UTF-8"))
                }
            },
            SecretRef::File(path) => match std::fs::read_to_string(path) {
                Ok(mut value) => {
                    if value.ends_with('\n') {
                        value.pop();
                        if value.ends_with('\r') {
                            value.pop();
                        }
                    }
                    Ok(Password::new(value))
                }
                Err(e) => Err(format!("cannot read secret file `{}`: {e}", path.display())),
            },
        }
    }
}

/// The references the secrets of a configuration came from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct SecretRefs {
    /// The credential's password.
    pub(crate) password: Option<SecretRef>,
    /// The client certificate key's password.
    pub(crate) key_password: Option<SecretRef>,
}
