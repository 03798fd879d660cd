//! The MONGODB-AWS credential: the AWS credentials come from the environment, never from the
//! configuration.

use mongo_auth_core::Mechanism;
use mongo_auth_core::rules::CredentialParts;

use crate::config::sealed::Sealed;
use crate::config::states::{
    AuthenticatesOver, AwsTakesNoPassword, AwsTakesNoSource, AwsTakesNoUsername, CredentialState,
    TlsState,
};

/// A `MONGODB-AWS` credential: the client signs an STS `GetCallerIdentity` request with AWS
/// credentials found at run time, in the spec's order — a provider given to the
/// [`Authenticator`](crate::Authenticator)
/// ([`with_aws_credential_provider`](crate::Authenticator::with_aws_credential_provider)), the
/// environment (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`), web identity
/// (`AWS_WEB_IDENTITY_TOKEN_FILE` and `AWS_ROLE_ARN`), the ECS container endpoint, EC2 instance
/// metadata.
///
/// So it has nothing to set: no user name, no password (secrets in a configuration are what this
/// mechanism exists to avoid) and no source (always `$external`). Each of those methods fails to
/// compile with the rule.
///
/// ```
/// use mongo_auth::{Auth, ClientConfig};
/// let config = ClientConfig::builder().hosts(["db.example.com"]).credential(Auth::aws()).build()?;
/// let credential = config.credential().unwrap();
/// assert_eq!(credential.mechanism, Some(mongo_auth::Mechanism::MongodbAws));
/// assert_eq!(credential.source, "$external");
/// # Ok::<(), mongo_auth::ConfigError>(())
/// ```
#[derive(Clone, Debug)]
pub struct AwsCredential {
    pub(crate) _private: (),
}

impl AwsCredential {
    /// Does not compile: MONGODB-AWS takes its access key from the environment.
    #[doc(hidden)]
    pub fn username<A: AwsTakesNoUsername>(self, refused: A) -> Self {
        refused.refused()
    }

    /// Does not compile: MONGODB-AWS takes its secret from the environment.
    #[doc(hidden)]
    pub fn password<A: AwsTakesNoPassword>(self, refused: A) -> Self {
        refused.refused()
    }

    /// Does not compile: MONGODB-AWS always authenticates against `$external`.
    #[doc(hidden)]
    pub fn source<A: AwsTakesNoSource>(self, refused: A) -> Self {
        refused.refused()
    }
}

impl<T: TlsState> AuthenticatesOver<T> for AwsCredential {
    fn into_parts(self) -> Option<CredentialParts> {
        let mut parts = CredentialParts::default();
        parts.mechanism = Some(Mechanism::MongodbAws);
        Some(parts)
    }
}

impl Sealed for AwsCredential {}
impl CredentialState for AwsCredential {}
