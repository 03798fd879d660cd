//! The type states of the configuration builders, and the traits that say what a state allows.
//!
//! A user rarely names these: they appear in the types of partly built values
//! (`PasswordCredential<ScramSha256, HasUsername, NoPassword>`,
//! `ClientConfigBuilder<X509Credential, Tls<WithClientCert>>`) and in compiler messages. The refusal
//! traits (`X509TakesNoPassword`, …) are implemented by no type: a call bounded by one does not
//! compile, and the compiler shows the rule in MongoDB's words. Every trait here is sealed.
//!
//! | what | states | trait |
//! |---|---|---|
//! | password mechanism | [`NegotiatedScram`], [`ScramSha1`], [`ScramSha256`], [`MongodbCr`], [`Plain`] | [`PasswordMechanism`] |
//! | user name | [`NoUsername`], [`HasUsername`] | [`UsernameGiven`] |
//! | password | [`NoPassword`], [`HasPassword`] | [`PasswordGiven`] |
//! | credential | [`NoCredential`], the credential builders | [`CredentialState`], [`AuthenticatesOver`] |
//! | TLS | [`WithoutTls`], [`WithoutTlsClearTextAllowed`], [`Tls<WithoutClientCert>`](super::Tls), [`Tls<WithClientCert>`](super::Tls) | [`TlsState`], [`CarriesClientCertificate`], [`ProtectsPlainPassword`] |
//! | refusals | — | [`X509TakesNoPassword`], [`X509TakesNoSource`], [`X509TakesNoProperties`], [`GssapiSourceIsExternal`], [`GssapiPropertyOnPasswordMechanism`], [`AwsTakesNoUsername`], [`AwsTakesNoPassword`], [`AwsTakesNoSource`] |

use mongo_auth_core::rules::CredentialParts;
use mongo_auth_core::{Mechanism, Password};

use super::sealed::Sealed;
use super::tls::Tls;
pub use super::tls::{
    TlsState, WithClientCert, WithoutClientCert, WithoutTls, WithoutTlsClearTextAllowed,
};

// ---- mechanism markers ----------------------------------------------------------------------------

/// The mechanisms that authenticate a user name with a password.
///
/// Sealed: implemented by [`NegotiatedScram`], [`ScramSha1`], [`ScramSha256`], [`MongodbCr`] and
/// [`Plain`].
///
/// ```
/// use mongo_auth::config::states::{PasswordMechanism, ScramSha256};
/// assert_eq!(ScramSha256::MECHANISM, Some(mongo_auth::Mechanism::ScramSha256));
/// ```
pub trait PasswordMechanism: Sealed {
    /// The mechanism, or `None` for SCRAM negotiated with the server.
    const MECHANISM: Option<Mechanism>;
}

macro_rules! password_mechanism {
    ($(#[$doc:meta])* $name:ident => $mechanism:expr) => {
        $(#[$doc])*
        #[derive(Debug)]
        pub enum $name {}
        impl Sealed for $name {}
        impl PasswordMechanism for $name {
            const MECHANISM: Option<Mechanism> = $mechanism;
        }
    };
}

password_mechanism!(
    /// SCRAM negotiated with the server: no `authMechanism` given.
    ///
    /// ```
    /// use mongo_auth::config::states::{NoPassword, NoUsername};
    /// let _: mongo_auth::config::PasswordCredential<mongo_auth::config::states::NegotiatedScram, NoUsername, NoPassword> =
    ///     mongo_auth::Auth::scram();
    /// ```
    NegotiatedScram => None
);
password_mechanism!(
    /// `SCRAM-SHA-1`.
    ///
    /// ```
    /// use mongo_auth::config::states::{NoPassword, NoUsername};
    /// let _: mongo_auth::config::PasswordCredential<mongo_auth::config::states::ScramSha1, NoUsername, NoPassword> =
    ///     mongo_auth::Auth::scram_sha_1();
    /// ```
    ScramSha1 => Some(Mechanism::ScramSha1)
);
password_mechanism!(
    /// `SCRAM-SHA-256`.
    ///
    /// ```
    /// use mongo_auth::config::states::{NoPassword, NoUsername};
    /// let _: mongo_auth::config::PasswordCredential<mongo_auth::config::states::ScramSha256, NoUsername, NoPassword> =
    ///     mongo_auth::Auth::scram_sha_256();
    /// ```
    ScramSha256 => Some(Mechanism::ScramSha256)
);
password_mechanism!(
    /// `MONGODB-CR`.
    ///
    /// ```
    /// use mongo_auth::config::states::{NoPassword, NoUsername};
    /// let _: mongo_auth::config::PasswordCredential<mongo_auth::config::states::MongodbCr, NoUsername, NoPassword> =
    ///     mongo_auth::Auth::mongodb_cr();
    /// ```
    MongodbCr => Some(Mechanism::MongodbCr)
);
password_mechanism!(
    /// `PLAIN`.
    ///
    /// ```
    /// use mongo_auth::config::states::{NoPassword, NoUsername};
    /// let _: mongo_auth::config::PasswordCredential<mongo_auth::config::states::Plain, NoUsername, NoPassword> =
    ///     mongo_auth::Auth::plain();
    /// ```
    Plain => Some(Mechanism::Plain)
);

// ---- username / password states -------------------------------------------------------------------

/// State: no user name given yet.
///
/// ```
/// use mongo_auth::config::PasswordCredential;
/// use mongo_auth::config::states::{NoPassword, NoUsername, ScramSha256};
/// let _: PasswordCredential<ScramSha256, NoUsername, NoPassword> = mongo_auth::Auth::scram_sha_256();
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct NoUsername;

/// State: the user name is given.
///
/// ```
/// use mongo_auth::config::PasswordCredential;
/// use mongo_auth::config::states::{HasUsername, NoPassword, ScramSha256};
/// let _: PasswordCredential<ScramSha256, HasUsername, NoPassword> =
///     mongo_auth::Auth::scram_sha_256().username("app");
/// ```
#[derive(Clone, Debug)]
pub struct HasUsername(pub(crate) String);

/// State: no password given yet.
///
/// ```
/// use mongo_auth::config::PasswordCredential;
/// use mongo_auth::config::states::{HasUsername, NoPassword, ScramSha1};
/// let _: PasswordCredential<ScramSha1, HasUsername, NoPassword> =
///     mongo_auth::Auth::scram_sha_1().username("app");
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct NoPassword;

/// State: the password is given. `Debug` prints `<redacted>`.
///
/// ```
/// use mongo_auth::config::PasswordCredential;
/// use mongo_auth::config::states::{HasPassword, HasUsername, ScramSha1};
/// let _: PasswordCredential<ScramSha1, HasUsername, HasPassword> =
///     mongo_auth::Auth::scram_sha_1().username("app").password("pencil");
/// ```
#[derive(Clone, Debug)]
pub struct HasPassword(pub(crate) Password);

/// A user name is given. Implemented only by [`HasUsername`].
///
/// ```text
/// use mongo_auth::{Auth, ClientConfig};
/// // error: the credential has no username: add `.username(…)`
/// ClientConfig::builder().hosts(["localhost"]).credential(Auth::scram_sha_256().password("pencil")).build();
/// ```
/// (does not compile; pinned with its compiler message by `ui-tests/builder-fail/missing_username.rs`)
#[diagnostic::on_unimplemented(
    message = "the credential has no username: add `.username(…)`",
    label = "this config would authenticate without a username",
    note = "SCRAM-SHA-1, SCRAM-SHA-256, MONGODB-CR and PLAIN authenticate a named user"
)]
pub trait UsernameGiven: Sealed {
    #[doc(hidden)]
    fn into_username(self) -> String;
}

impl Sealed for HasUsername {}
impl Sealed for NoUsername {}
impl UsernameGiven for HasUsername {
    fn into_username(self) -> String {
        self.0
    }
}

/// A password is given. Implemented only by [`HasPassword`].
///
/// ```text
/// use mongo_auth::{Auth, ClientConfig};
/// // error: the credential has no password: add `.password(…)`
/// ClientConfig::builder().hosts(["localhost"]).credential(Auth::scram_sha_256().username("app")).build();
/// ```
/// (does not compile; pinned with its compiler message by `ui-tests/builder-fail/missing_password.rs`)
#[diagnostic::on_unimplemented(
    message = "the credential has no password: add `.password(…)` before `.build()`",
    label = "this config would authenticate without a password",
    note = "SCRAM-SHA-1, SCRAM-SHA-256, MONGODB-CR and PLAIN prove the user's password; \
            to read it at run time: `.password(std::env::var(\"MONGO_PASSWORD\")?)`"
)]
pub trait PasswordGiven: Sealed {
    #[doc(hidden)]
    fn into_password(self) -> Password;
}

impl Sealed for HasPassword {}
impl Sealed for NoPassword {}
impl PasswordGiven for HasPassword {
    fn into_password(self) -> Password {
        self.0
    }
}

// ---- refusals: methods a mechanism does not take ----------------------------------------------------

/// Defines a trait that is implemented by no type, with the message the compiler shows when a method
/// bounded by it is called. The refused methods below take their argument as a generic `A` bounded by
/// such a trait: any call fails to compile with the rule as its message.
macro_rules! refusal {
    ($(#[$doc:meta])* $name:ident, $message:literal, $label:literal) => {
        $(#[$doc])*
        #[diagnostic::on_unimplemented(message = $message, label = $label)]
        pub trait $name: Sealed {
            /// Never called: no type implements this trait.
            #[doc(hidden)]
            fn refused<T>(self) -> T;
        }
    };
}

refusal!(
    /// MONGODB-X509 takes no password. Implemented by no type.
    ///
    /// ```text
    /// // error: MONGODB-X509 takes no password (the client certificate is the credential)
    /// let _ = mongo_auth::Auth::x509().password("pencil");
    /// ```
    /// (does not compile; pinned with its compiler message by `ui-tests/builder-fail/x509_password.rs`)
    X509TakesNoPassword,
    "MONGODB-X509 takes no password (the client certificate is the credential)",
    "remove this password: MONGODB-X509 proves the identity with the TLS client certificate"
);
refusal!(
    /// MONGODB-X509 takes no source. Implemented by no type.
    ///
    /// ```text
    /// // error: MONGODB-X509 always authenticates against `$external`: it takes no source
    /// let _ = mongo_auth::Auth::x509().source("admin");
    /// ```
    /// (does not compile; pinned with its compiler message by `ui-tests/builder-fail/x509_source.rs`)
    X509TakesNoSource,
    "MONGODB-X509 always authenticates against `$external`: it takes no source",
    "remove this source"
);
refusal!(
    /// MONGODB-X509 takes no mechanism properties. Implemented by no type.
    ///
    /// ```text
    /// // error: MONGODB-X509 takes no mechanism properties
    /// let _ = mongo_auth::Auth::x509().service_name("mongodb");
    /// ```
    /// (does not compile; pinned with its compiler message by `ui-tests/builder-fail/x509_properties.rs`)
    X509TakesNoProperties,
    "MONGODB-X509 takes no mechanism properties (SERVICE_NAME, CANONICALIZE_HOST_NAME, SERVICE_REALM and SERVICE_HOST are GSSAPI properties)",
    "remove this property"
);
refusal!(
    /// GSSAPI's source is always `$external`. Implemented by no type.
    ///
    /// ```text
    /// // error: GSSAPI always authenticates against `$external`: there is no other source to set
    /// let _ = mongo_auth::Auth::gssapi("user@EXAMPLE.COM").source("admin");
    /// ```
    /// (does not compile; pinned with its compiler message by `ui-tests/builder-fail/gssapi_source.rs`)
    GssapiSourceIsExternal,
    "GSSAPI always authenticates against `$external`: there is no other source to set",
    "remove this source: Kerberos users live in `$external`"
);
refusal!(
    /// GSSAPI properties on a password mechanism. Implemented by no type.
    ///
    /// ```text
    /// // error: SERVICE_NAME, CANONICALIZE_HOST_NAME, SERVICE_REALM and SERVICE_HOST are GSSAPI properties
    /// let _ = mongo_auth::Auth::scram_sha_256().service_name("mongodb");
    /// ```
    /// (does not compile; pinned with its compiler message by `ui-tests/builder-fail/gssapi_property_on_other_mechanism.rs`)
    GssapiPropertyOnPasswordMechanism,
    "SERVICE_NAME, CANONICALIZE_HOST_NAME, SERVICE_REALM and SERVICE_HOST are GSSAPI properties: SCRAM-SHA-1, SCRAM-SHA-256, MONGODB-CR and PLAIN take no mechanism properties",
    "remove this property, or use `Auth::gssapi(principal)`"
);
refusal!(
    /// MONGODB-AWS takes no user name. Implemented by no type.
    ///
    /// ```text
    /// // error: MONGODB-AWS takes its credentials from the environment …
    /// let _ = mongo_auth::Auth::aws().username("AKIAIOSFODNN7EXAMPLE");
    /// ```
    /// (does not compile; pinned with its compiler message by `ui-tests/builder-fail/aws_credentials.rs`)
    AwsTakesNoUsername,
    "MONGODB-AWS takes its credentials from the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, web identity, ECS, EC2), never from the configuration",
    "remove this user name: set AWS_ACCESS_KEY_ID, or give the Authenticator a credential provider"
);
refusal!(
    /// MONGODB-AWS takes no password. Implemented by no type.
    ///
    /// ```text
    /// // error: MONGODB-AWS takes its credentials from the environment …
    /// let _ = mongo_auth::Auth::aws().password("secret");
    /// ```
    /// (does not compile; pinned with its compiler message by `ui-tests/builder-fail/aws_credentials.rs`)
    AwsTakesNoPassword,
    "MONGODB-AWS takes its credentials from the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, web identity, ECS, EC2), never from the configuration",
    "remove this password: set AWS_SECRET_ACCESS_KEY, or give the Authenticator a credential provider"
);
refusal!(
    /// MONGODB-AWS's source is always `$external`. Implemented by no type.
    ///
    /// ```text
    /// // error: MONGODB-AWS always authenticates against `$external`: it takes no source
    /// let _ = mongo_auth::Auth::aws().source("admin");
    /// ```
    /// (does not compile; pinned with its compiler message by `ui-tests/builder-fail/aws_credentials.rs`)
    AwsTakesNoSource,
    "MONGODB-AWS always authenticates against `$external`: it takes no source",
    "remove this source"
);

// ---- no credential --------------------------------------------------------------------------------

/// State: no credential; the connection does not authenticate.
///
/// ```
/// use mongo_auth::config::ClientConfigBuilder;
/// use mongo_auth::config::states::{NoCredential, WithoutTls};
/// let _: ClientConfigBuilder<NoCredential, WithoutTls> = mongo_auth::ClientConfig::builder();
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct NoCredential;

// ---- lowering ---------------------------------------------------------------------------------------

/// A credential state a configuration builder can hold: [`NoCredential`], a [`PasswordCredential`](super::PasswordCredential) in
/// any state, an [`X509Credential`](super::X509Credential) or a [`GssapiCredential`](super::GssapiCredential). Sealed.
///
/// ```
/// fn takes<C: mongo_auth::config::states::CredentialState>(_: C) {}
/// takes(mongo_auth::Auth::x509());
/// takes(mongo_auth::Auth::scram_sha_256()); // incomplete credentials are states too
/// ```
pub trait CredentialState: Sealed {}

impl Sealed for NoCredential {}
impl CredentialState for NoCredential {}

/// The credential `Self` can authenticate over the transport `T`: complete, and the transport is one
/// the mechanism accepts. [`ClientConfigBuilder::build`](super::ClientConfigBuilder::build) requires it.
///
/// When it does not hold, the compiler names the missing piece (the username, the password, TLS with
/// a client certificate for MONGODB-X509, TLS for PLAIN).
///
/// ```
/// use mongo_auth::config::{Tls, X509Credential};
/// use mongo_auth::config::states::{AuthenticatesOver, WithClientCert};
/// fn ok<C: AuthenticatesOver<T>, T>() {}
/// ok::<X509Credential, Tls<WithClientCert>>();
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot authenticate over `{T}`",
    label = "this configuration is not complete"
)]
pub trait AuthenticatesOver<T>: CredentialState {
    #[doc(hidden)]
    fn into_parts(self) -> Option<CredentialParts>;
}

impl<T: TlsState> AuthenticatesOver<T> for NoCredential {
    fn into_parts(self) -> Option<CredentialParts> {
        None
    }
}

/// [`Tls<WithClientCert>`].
///
/// ```text
/// use mongo_auth::{Auth, ClientConfig, Tls};
/// // error: MONGODB-X509 needs TLS with a client certificate
/// ClientConfig::builder().hosts(["db"]).credential(Auth::x509()).tls(Tls::enabled().ca_file("ca.pem")).build();
/// ```
/// (does not compile; pinned with its compiler message by `ui-tests/builder-fail/x509_without_client_cert.rs`)
#[diagnostic::on_unimplemented(
    message = "MONGODB-X509 needs TLS with a client certificate: add `.tls(Tls::enabled().client_cert(\"client.pem\"))`",
    label = "MONGODB-X509 cannot authenticate without a client certificate",
    note = "the certificate is the credential: the server reads the user from its subject; \
            TLS settings without one gain it with `.client_cert(\"client.pem\")`"
)]
pub trait CarriesClientCertificate: TlsState {}

impl CarriesClientCertificate for Tls<WithClientCert> {}

/// The transport keeps PLAIN's password from travelling in clear: TLS, or the explicit opt-in
/// [`allow_plain_password_without_tls`](super::DangerousClientConfigBuilder::allow_plain_password_without_tls).
///
/// ```text
/// use mongo_auth::{Auth, ClientConfig};
/// // error: PLAIN sends the password in clear: add `.tls(…)`
/// ClientConfig::builder().hosts(["ldap"]).credential(Auth::plain().username("u").password("p")).build();
/// ```
/// (does not compile; pinned with its compiler message by `ui-tests/builder-fail/plain_without_tls.rs`)
#[diagnostic::on_unimplemented(
    message = "PLAIN sends the password in clear: add `.tls(…)`, or opt in with `.dangerous().allow_plain_password_without_tls()`",
    label = "the PLAIN password would travel unencrypted",
    note = "PLAIN (LDAP) puts the password itself on the wire; only TLS protects it"
)]
pub trait ProtectsPlainPassword: TlsState {}

impl<S> ProtectsPlainPassword for Tls<S> where Tls<S>: TlsState {}
impl ProtectsPlainPassword for WithoutTlsClearTextAllowed {}
