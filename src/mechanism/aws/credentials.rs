//! AWS credentials for MONGODB-AWS: an access key id, its secret and an optional session token.
//! [`AwsCredentials::from_environment`] reads the environment's keys; the spec's other sources (web
//! identity, ECS, EC2) are fetched by the [`Authenticator`](crate::Authenticator).

use std::future::Future;
use std::pin::Pin;

use zeroize::Zeroizing;

use crate::mechanism::error::ConversationError;

/// An AWS access key (id and secret) and, for temporary credentials, the session token. `Debug`
/// shows the key id only.
///
/// ```
/// use mongo_auth::mechanism::aws::AwsCredentials;
/// let credentials = AwsCredentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI", Some("FwoGZXIvEXAMPLE".into()));
/// assert_eq!(credentials.access_key_id(), "AKIDEXAMPLE");
/// let shown = format!("{credentials:?}");
/// assert!(shown.contains("AKIDEXAMPLE"));
/// assert!(!shown.contains("wJalrXUtnFEMI") && !shown.contains("FwoGZXIvEXAMPLE"));
/// ```
#[derive(Clone)]
pub struct AwsCredentials {
    access_key_id: String,
    secret_access_key: Zeroizing<String>,
    session_token: Option<Zeroizing<String>>,
}

impl std::fmt::Debug for AwsCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AwsCredentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"<redacted>")
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

impl AwsCredentials {
    /// Credentials from their parts.
    pub fn new(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
        session_token: Option<String>,
    ) -> Self {
        Self {
            access_key_id: access_key_id.into(),
            secret_access_key: Zeroizing::new(secret_access_key.into()),
            session_token: session_token.map(Zeroizing::new),
        }
    }

    /// The credentials the environment holds now: `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`,
    /// with `AWS_SESSION_TOKEN` when set. An error names what is missing. The spec's other sources
    /// (web identity, the ECS container endpoint, EC2 instance metadata) are fetched by the
    /// [`Authenticator`](crate::Authenticator), not here.
    ///
    /// ```no_run
    /// let credentials = mongo_auth::mechanism::aws::AwsCredentials::from_environment()?;
    /// println!("authenticating as {}", credentials.access_key_id());
    /// # Ok::<(), mongo_auth::mechanism::ConversationError>(())
    /// ```
    pub fn from_environment() -> Result<Self, ConversationError> {
        Self::from_environment_variables()?.ok_or_else(|| {
            let get = |name| std::env::var_os(name).is_some_and(|value| !value.is_empty());
            let source = if get("AWS_WEB_IDENTITY_TOKEN_FILE") {
                "a web identity token (AWS_WEB_IDENTITY_TOKEN_FILE)"
            } else if get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")
                || get("AWS_CONTAINER_CREDENTIALS_FULL_URI")
            {
                "the ECS container endpoint"
            } else {
                "EC2 instance metadata"
            };
            ConversationError::not_supported(format!(
                "MONGODB-AWS found no AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the \
                 environment, and AwsCredentials::from_environment does not fetch credentials \
                 from {source} (an Authenticator does): set AWS_ACCESS_KEY_ID and \
                 AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary credentials)"
            ))
        })
    }

    /// The environment's `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` (with `AWS_SESSION_TOKEN`),
    /// `None` when neither is set, an error naming the missing one when only one is.
    pub(crate) fn from_environment_variables() -> Result<Option<Self>, ConversationError> {
        Self::from_variables(|name| std::env::var(name).ok().filter(|value| !value.is_empty()))
    }

    fn from_variables(
        get: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<Self>, ConversationError> {
        match (get("AWS_ACCESS_KEY_ID"), get("AWS_SECRET_ACCESS_KEY")) {
            (Some(id), Some(secret)) => Ok(Some(Self::new(id, secret, get("AWS_SESSION_TOKEN")))),
            (Some(_), None) => Err(ConversationError::credential(
                "MONGODB-AWS found AWS_ACCESS_KEY_ID but not AWS_SECRET_ACCESS_KEY in the \
                 environment: set both",
            )),
            (None, Some(_)) => Err(ConversationError::credential(
                "MONGODB-AWS found AWS_SECRET_ACCESS_KEY but not AWS_ACCESS_KEY_ID in the \
                 environment: set both",
            )),
            (None, None) => Ok(None),
        }
    }

    /// The access key id (`AKIA…` or `ASIA…`).
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    pub(crate) fn secret_access_key(&self) -> &str {
        &self.secret_access_key
    }

    pub(crate) fn session_token(&self) -> Option<&str> {
        self.session_token.as_deref().map(String::as_str)
    }
}

/// Where an [`Authenticator`](crate::Authenticator) gets MONGODB-AWS credentials instead of the
/// environment: a secrets manager, a credential process, an SDK's provider chain. Asked once per
/// authentication; cache inside the provider if fetching is expensive.
///
/// ```
/// use std::future::Future;
/// use std::pin::Pin;
/// use mongo_auth::mechanism::aws::{AwsCredentialProvider, AwsCredentials};
///
/// struct FromVault;
///
/// impl AwsCredentialProvider for FromVault {
///     fn credentials(
///         &self,
///     ) -> Pin<Box<dyn Future<Output = Result<AwsCredentials, Box<dyn std::error::Error + Send + Sync>>> + Send + '_>>
///     {
///         Box::pin(async { Ok(AwsCredentials::new("AKIDEXAMPLE", "secret from the vault", None)) })
///     }
/// }
/// # fn run(config: &mongo_auth::ClientConfig) -> Result<(), mongo_auth::Error> {
/// let authenticator = mongo_auth::Authenticator::new(config)?
///     .with_aws_credential_provider(std::sync::Arc::new(FromVault));
/// # let _ = authenticator; Ok(()) }
/// ```
pub trait AwsCredentialProvider: Send + Sync {
    /// The credentials to sign the next authentication with.
    #[allow(clippy::type_complexity)]
    fn credentials(
        &self,
    ) -> Pin<
        Box<
            dyn Future<Output = Result<AwsCredentials, Box<dyn std::error::Error + Send + Sync>>>
                + Send
                + '_,
        >,
    >;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(variables: &[(&str, &str)]) -> Result<Option<AwsCredentials>, ConversationError> {
        AwsCredentials::from_variables(|name| {
            variables
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_owned())
        })
    }

    #[test]
    fn the_environment_gives_the_key_and_the_optional_token() {
        let credentials = from(&[
            ("AWS_ACCESS_KEY_ID", "AKID"),
            ("AWS_SECRET_ACCESS_KEY", "secret"),
        ])
        .unwrap()
        .unwrap();
        assert_eq!(credentials.session_token(), None);
        let credentials = from(&[
            ("AWS_ACCESS_KEY_ID", "AKID"),
            ("AWS_SECRET_ACCESS_KEY", "secret"),
            ("AWS_SESSION_TOKEN", "token"),
        ])
        .unwrap()
        .unwrap();
        assert_eq!(credentials.session_token(), Some("token"));
        assert!(from(&[]).unwrap().is_none());
    }

    #[test]
    fn half_a_key_is_named() {
        for (set, missing) in [
            ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"),
            ("AWS_SECRET_ACCESS_KEY", "AWS_ACCESS_KEY_ID"),
        ] {
            match from(&[(set, "x")]) {
                Err(ConversationError::Credential(e)) => {
                    assert!(e.problem.contains(&format!("not {missing}")), "{e}")
                }
                other => panic!("{other:?}"),
            }
        }
    }
}
