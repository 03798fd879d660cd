//! The MONGODB-OIDC credential: tokens from a callback given in code, or from a built-in
//! environment.

use mongo_auth_core::Mechanism;
use mongo_auth_core::rules::CredentialParts;

use crate::config::sealed::Sealed;
use crate::config::states::{AuthenticatesOver, CredentialState, TlsState};

/// A `MONGODB-OIDC` credential. Its access tokens come from a callback given to the
/// [`Authenticator`](crate::Authenticator) ([`with_oidc_callback`] for the machine flow,
/// [`with_oidc_human_callback`] for the human one), or, with
/// [`environment`](OidcCredential::environment), from a built-in environment (what a connection
/// string says with `authMechanismProperties=ENVIRONMENT:…`). It has no password and no source
/// (always `$external`); the optional user name is passed to the callback (and, in the human flow,
/// to the server, which may pick the identity provider by it), or is Azure's client id.
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
    pub(crate) environment: Option<OidcEnvironment>,
}

/// A built-in source of MONGODB-OIDC access tokens (the auth spec's `ENVIRONMENT`), with what
/// each one needs: Azure and GCP cannot be named without their token resource.
///
/// ```
/// use mongo_auth::config::OidcEnvironment;
/// use mongo_auth::{Auth, ClientConfig};
/// let config = ClientConfig::builder()
///     .hosts(["db.example.com"])
///     .credential(Auth::oidc().environment(OidcEnvironment::Azure {
///         token_resource: "api://mongodb".into(),
///     }))
///     .build()?;
/// assert_eq!(
///     config.to_string(),
///     "mongodb://db.example.com/?authMechanism=MONGODB-OIDC&authMechanismProperties=ENVIRONMENT:azure,TOKEN_RESOURCE:api://mongodb"
/// );
/// // the same as the connection string says
/// assert_eq!(config, config.to_string().parse()?);
/// # Ok::<(), mongo_auth::ConfigError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum OidcEnvironment {
    /// `test`: the token is read from the file `OIDC_TOKEN_FILE` names.
    Test,
    /// `azure`: the token is asked of the Azure instance metadata service for `token_resource`
    /// (the user name, when given, is the managed identity's client id).
    Azure {
        /// The application ID URI the token is for (`TOKEN_RESOURCE`).
        token_resource: String,
    },
    /// `gcp`: the token is asked of the GCP metadata server for the audience `token_resource`.
    Gcp {
        /// The audience the token is for (`TOKEN_RESOURCE`).
        token_resource: String,
    },
    /// `k8s`: the pod's service account token.
    K8s,
}

impl OidcEnvironment {
    /// The `authMechanismProperties` pairs that say the same.
    fn properties(self) -> Vec<(String, String)> {
        let (name, resource) = match self {
            OidcEnvironment::Test => ("test", None),
            OidcEnvironment::Azure { token_resource } => ("azure", Some(token_resource)),
            OidcEnvironment::Gcp { token_resource } => ("gcp", Some(token_resource)),
            OidcEnvironment::K8s => ("k8s", None),
        };
        let mut properties = vec![("ENVIRONMENT".to_owned(), name.to_owned())];
        if let Some(resource) = resource {
            properties.push(("TOKEN_RESOURCE".to_owned(), resource));
        }
        properties
    }
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

    /// Takes the tokens from a built-in environment instead of a callback (an authenticator given
    /// a callback as well refuses to connect).
    ///
    /// ```
    /// use mongo_auth::Auth;
    /// use mongo_auth::config::OidcEnvironment;
    /// let credential = Auth::oidc().environment(OidcEnvironment::K8s);
    /// # let _ = credential;
    /// ```
    pub fn environment(mut self, environment: OidcEnvironment) -> Self {
        self.environment = Some(environment);
        self
    }
}

impl<T: TlsState> AuthenticatesOver<T> for OidcCredential {
    fn into_parts(self) -> Option<CredentialParts> {
        Some({
            let mut parts = CredentialParts::default();
            parts.mechanism = Some(Mechanism::MongodbOidc);
            parts.username = self.username;
            match self.environment {
                Some(environment) => parts.properties = environment.properties(),
                None => parts.oidc_callback_in_code = true,
            }
            parts
        })
    }
}

impl Sealed for OidcCredential {}
impl CredentialState for OidcCredential {}
