//! The MONGODB-OIDC credential whose tokens come from a callback given in code.

use mongo_auth_core::Mechanism;
use mongo_auth_core::rules::CredentialParts;

use crate::config::sealed::Sealed;
use crate::config::states::{AuthenticatesOver, CredentialState, TlsState};

/// A `MONGODB-OIDC` credential whose access tokens come from a callback given to the
/// [`Authenticator`](crate::Authenticator) ([`with_oidc_callback`] for the machine flow,
/// [`with_oidc_human_callback`] for the human one). It has no password, no source (always
/// `$external`) and no `ENVIRONMENT`; the optional user name is passed to the callback (and, in the
/// human flow, to the server, which may pick the identity provider by it).
///
/// The built-in environments need no code: a connection string says
/// `authMechanism=MONGODB-OIDC&authMechanismProperties=ENVIRONMENT:azure,TOKEN_RESOURCE:<resource>`
/// (or `test`, `gcp`, `k8s`).
///
/// [`with_oidc_callback`]: crate::Authenticator::with_oidc_callback
/// [`with_oidc_human_callback`]: crate::Authenticator::with_oidc_human_callback
///
/// ```
/// use mongo_auth::{Auth, ClientConfig};
/// let config = ClientConfig::builder()
///     .hosts(["db.example.com"])
///     .credential(Auth::oidc().username("app"))
///     .build()
///     .unwrap();
/// assert_eq!(config.credential().unwrap().source, "$external");
/// ```
#[derive(Clone, Debug)]
pub struct OidcCredential {
    pub(crate) username: Option<String>,
}

impl OidcCredential {
    /// The user name passed to the callback (optional).
    ///
    /// ```
    /// let credential = mongo_auth::Auth::oidc().username("app");
    /// # let _ = credential;
    /// ```
    pub fn username(mut self, username: impl Into<String>) -> Self {
        self.username = Some(username.into());
        self
    }
}

impl<T: TlsState> AuthenticatesOver<T> for OidcCredential {
    fn into_parts(self) -> Option<CredentialParts> {
        Some({
            let mut parts = CredentialParts::default();
            parts.mechanism = Some(Mechanism::MongodbOidc);
            parts.username = self.username;
            parts.oidc_callback_in_code = true;
            parts
        })
    }
}

impl Sealed for OidcCredential {}
impl CredentialState for OidcCredential {}
