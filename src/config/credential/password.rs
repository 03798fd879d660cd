//! The password mechanisms' credential: SCRAM (negotiated, SHA-1, SHA-256), MONGODB-CR and PLAIN.

use std::fmt;
use std::marker::PhantomData;

use mongo_auth_core::rules::CredentialParts;
use mongo_auth_core::{Mechanism, Password};

use crate::config::sealed::Sealed;
use crate::config::states::{
    AuthenticatesOver, CredentialState, GssapiPropertyOnPasswordMechanism, HasPassword,
    HasUsername, MongodbCr, NegotiatedScram, NoPassword, NoUsername, PasswordGiven,
    PasswordMechanism, Plain, ProtectsPlainPassword, ScramSha1, ScramSha256, TlsState,
    UsernameGiven,
};

// ---- the password mechanisms ----------------------------------------------------------------------

/// A credential for a mechanism that authenticates a user name with a password: SCRAM (negotiated,
/// SHA-1, SHA-256), MONGODB-CR and PLAIN.
///
/// `U` is [`NoUsername`] or [`HasUsername`], `P` is [`NoPassword`] or [`HasPassword`]; a configuration
/// can only be built from `PasswordCredential<M, HasUsername, HasPassword>`. There are no mechanism
/// properties.
///
/// ```
/// use mongo_auth::Auth;
/// let credential = Auth::scram_sha_256().username("app").password("pencil").source("admin");
/// assert_eq!(
///     format!("{credential:?}"),
///     r#"PasswordCredential { mechanism: "SCRAM-SHA-256", username: HasUsername("app"), password: HasPassword(Password(<redacted>)), source: Some("admin") }"#
/// );
/// ```
pub struct PasswordCredential<M, U, P> {
    pub(crate) username: U,
    pub(crate) password: P,
    pub(crate) source: Option<String>,
    pub(crate) mechanism: PhantomData<fn() -> M>,
}

impl<M, U: Clone, P: Clone> Clone for PasswordCredential<M, U, P> {
    fn clone(&self) -> Self {
        Self {
            username: self.username.clone(),
            password: self.password.clone(),
            source: self.source.clone(),
            mechanism: PhantomData,
        }
    }
}

impl<M: PasswordMechanism, U: fmt::Debug, P: fmt::Debug> fmt::Debug
    for PasswordCredential<M, U, P>
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PasswordCredential")
            .field(
                "mechanism",
                &M::MECHANISM.map_or("DEFAULT", Mechanism::as_str),
            )
            .field("username", &self.username)
            .field("password", &self.password)
            .field("source", &self.source)
            .finish()
    }
}

impl<M: PasswordMechanism> PasswordCredential<M, NoUsername, NoPassword> {
    pub(crate) fn new() -> Self {
        Self {
            username: NoUsername,
            password: NoPassword,
            source: None,
            mechanism: PhantomData,
        }
    }
}

impl<M: PasswordMechanism, P> PasswordCredential<M, NoUsername, P> {
    /// The user name, exactly as the server knows it (never SASLprep'd).
    ///
    /// ```
    /// let credential = mongo_auth::Auth::scram_sha_256().username("app");
    /// # let _ = credential;
    /// ```
    pub fn username(self, username: impl Into<String>) -> PasswordCredential<M, HasUsername, P> {
        PasswordCredential {
            username: HasUsername(username.into()),
            password: self.password,
            source: self.source,
            mechanism: PhantomData,
        }
    }
}

impl<M: PasswordMechanism, U> PasswordCredential<M, U, NoPassword> {
    /// The password. An empty password is a password (`Some("")` is not `None`).
    ///
    /// ```
    /// let secret = String::from("pencil"); // e.g. std::env::var("MONGO_PASSWORD")?
    /// let credential = mongo_auth::Auth::scram_sha_256().username("app").password(secret);
    /// # let _ = credential;
    /// ```
    pub fn password(self, password: impl Into<Password>) -> PasswordCredential<M, U, HasPassword> {
        PasswordCredential {
            username: self.username,
            password: HasPassword(password.into()),
            source: self.source,
            mechanism: PhantomData,
        }
    }
}

impl<M: PasswordMechanism, U, P> PasswordCredential<M, U, P> {
    /// The database that holds the user (`authSource`). Defaults to `admin` (`$external` for PLAIN).
    ///
    /// ```
    /// let credential = mongo_auth::Auth::scram_sha_1().username("user").password("pw").source("the_db");
    /// # let _ = credential;
    /// ```
    pub fn source(mut self, source: impl Into<String>) -> Self {
        self.source = Some(source.into());
        self
    }

    /// Does not compile: `SERVICE_NAME` is a GSSAPI property.
    #[doc(hidden)]
    pub fn service_name<A: GssapiPropertyOnPasswordMechanism>(self, refused: A) -> Self {
        refused.refused()
    }

    /// Does not compile: `CANONICALIZE_HOST_NAME` is a GSSAPI property.
    #[doc(hidden)]
    pub fn canonicalize_host_name<A: GssapiPropertyOnPasswordMechanism>(self, refused: A) -> Self {
        refused.refused()
    }

    /// Does not compile: `SERVICE_REALM` is a GSSAPI property.
    #[doc(hidden)]
    pub fn service_realm<A: GssapiPropertyOnPasswordMechanism>(self, refused: A) -> Self {
        refused.refused()
    }

    /// Does not compile: `SERVICE_HOST` is a GSSAPI property.
    #[doc(hidden)]
    pub fn service_host<A: GssapiPropertyOnPasswordMechanism>(self, refused: A) -> Self {
        refused.refused()
    }
}

fn password_parts<M: PasswordMechanism, U: UsernameGiven, P: PasswordGiven>(
    credential: PasswordCredential<M, U, P>,
) -> Option<CredentialParts> {
    Some({
        let mut parts = CredentialParts::default();
        parts.mechanism = M::MECHANISM;
        parts.username = Some(credential.username.into_username());
        parts.password = Some(credential.password.into_password());
        parts.source = credential.source;
        parts
    })
}

macro_rules! any_transport {
    ($($mechanism:ty),*) => {$(
        impl<U: UsernameGiven, P: PasswordGiven, T: TlsState> AuthenticatesOver<T>
            for PasswordCredential<$mechanism, U, P>
        {
            fn into_parts(self) -> Option<CredentialParts> {
                password_parts(self)
            }
        }
    )*};
}
any_transport!(NegotiatedScram, ScramSha1, ScramSha256, MongodbCr);

impl<U: UsernameGiven, P: PasswordGiven, T: ProtectsPlainPassword> AuthenticatesOver<T>
    for PasswordCredential<Plain, U, P>
{
    fn into_parts(self) -> Option<CredentialParts> {
        password_parts(self)
    }
}

impl<M: PasswordMechanism, U: Sealed, P: Sealed> Sealed for PasswordCredential<M, U, P> {}
impl<M: PasswordMechanism, U: Sealed, P: Sealed> CredentialState for PasswordCredential<M, U, P> {}
