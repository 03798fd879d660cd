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
    /// Reads the secret. The error names the variable or the file, never a secret.
    ///
    /// ```
    /// use mongo_auth::config::{SecretError, SecretRef};
    /// let error = SecretRef::Env("MONGO_AUTH_DOC_UNSET_VARIABLE".into()).resolve().unwrap_err();
    /// assert!(matches!(&error, SecretError::EnvUnset { variable } if variable == "MONGO_AUTH_DOC_UNSET_VARIABLE"));
    /// assert_eq!(error.to_string(), "environment variable `MONGO_AUTH_DOC_UNSET_VARIABLE` is not set");
    /// ```
    pub fn resolve(&self) -> Result<Password, SecretError> {
        match self {
            SecretRef::Env(name) => match std::env::var(name) {
                Ok(value) => Ok(Password::new(value)),
                Err(std::env::VarError::NotPresent) => Err(SecretError::EnvUnset {
                    variable: name.clone(),
                }),
                Err(std::env::VarError::NotUnicode(_)) => Err(SecretError::EnvNotUnicode {
                    variable: name.clone(),
                }),
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
                Err(source) => Err(SecretError::File {
                    path: path.clone(),
                    source,
                }),
            },
        }
    }
}

/// A secret reference that could not be read ([`SecretRef::resolve`]). Its messages name the
/// variable or the file, never a secret.
///
/// ```
/// use mongo_auth::config::SecretRef;
/// let error = SecretRef::File("/nonexistent/mongo-password".into()).resolve().unwrap_err();
/// assert!(error.to_string().starts_with("cannot read secret file `/nonexistent/mongo-password`"));
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum SecretError {
    /// The environment variable is not set.
    EnvUnset {
        /// The variable's name.
        variable: String,
    },
    /// The environment variable's value is not UTF-8.
    EnvNotUnicode {
        /// The variable's name.
        variable: String,
    },
    /// The file could not be read (missing, unreadable, not UTF-8).
    File {
        /// The file.
        path: PathBuf,
        /// Why it could not be read.
        source: std::io::Error,
    },
}

impl std::fmt::Display for SecretError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SecretError::EnvUnset { variable } => {
                write!(f, "environment variable `{variable}` is not set")
            }
            SecretError::EnvNotUnicode { variable } => {
                write!(f, "environment variable `{variable}` is not valid UTF-8")
            }
            SecretError::File { path, source } => {
                write!(f, "cannot read secret file `{}`: {source}", path.display())
            }
        }
    }
}

impl std::error::Error for SecretError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SecretError::File { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// When a password given by reference (`{ env = … }`, `{ file = … }`) is read: once, when the
/// configuration is loaded (the default), or again for each new connection, so that a secret
/// rotated under a running process (a Kubernetes or Vault secret file) is picked up.
///
/// In a config file: `password_refresh = "per-connection"` next to the password. A connection
/// reads the password once, before its handshake, and uses that one password for its whole
/// conversation; SCRAM keys are derived again for a new password, never mixed with the old.
///
/// ```
/// use mongo_auth::config::SecretRefresh;
/// let config: mongo_auth::ClientConfig = serde_json::from_str(r#"{
///     "hosts": ["db"],
///     "auth": { "username": "app", "password": { "env": "PATH" }, "password_refresh": "per-connection" }
/// }"#)?;
/// assert_eq!(config.password_refresh(), SecretRefresh::PerConnection);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SecretRefresh {
    /// Read once, when the configuration is loaded.
    #[default]
    Once,
    /// Read again for each new connection.
    PerConnection,
}

impl SecretRefresh {
    /// The name a config file uses: `once` or `per-connection`.
    ///
    /// ```
    /// assert_eq!(mongo_auth::config::SecretRefresh::PerConnection.as_str(), "per-connection");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            SecretRefresh::Once => "once",
            SecretRefresh::PerConnection => "per-connection",
        }
    }
}

/// The references the secrets of a configuration came from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct SecretRefs {
    /// The credential's password.
    pub(crate) password: Option<SecretRef>,
    /// When the password is read.
    pub(crate) password_refresh: SecretRefresh,
    /// The client certificate key's password.
    pub(crate) key_password: Option<SecretRef>,
}
