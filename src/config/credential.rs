//! Credentials as types: one type per mechanism, in which the fields a mechanism does not take do not
//! exist, and builder states that say what is still missing.
//!
//! | mechanism | constructor | type |
//! |---|---|---|
//! | negotiated SCRAM (no `authMechanism`) | [`Credential::scram`] | [`PasswordCredential<NegotiatedScram>`] |
//! | `SCRAM-SHA-1` | [`Credential::scram_sha_1`] | [`PasswordCredential<ScramSha1>`] |
//! | `SCRAM-SHA-256` | [`Credential::scram_sha_256`] | [`PasswordCredential<ScramSha256>`] |
//! | `MONGODB-CR` | [`Credential::mongodb_cr`] | [`PasswordCredential<MongodbCr>`] |
//! | `PLAIN` | [`Credential::plain`] | [`PasswordCredential<Plain>`] |
//! | `MONGODB-X509` | [`Credential::x509`] | [`X509Credential`] |
//! | `GSSAPI` | [`Credential::gssapi`] | [`GssapiCredential`] |
//!
//! The password mechanisms move from [`NoUsername`] to [`HasUsername`] and from [`NoPassword`] to
//! [`HasPassword`]; [`ClientConfigBuilder::build`](super::ClientConfigBuilder::build) only exists for a
//! credential that has both. Methods that a mechanism does not take (a password on MONGODB-X509, a
//! source on GSSAPI, `SERVICE_NAME` on SCRAM) fail to compile with the rule in MongoDB's words.

use std::fmt;
use std::marker::PhantomData;

use mongo_auth_core::rules::CredentialParts;
use mongo_auth_core::{Canonicalize, GssapiProperties, Mechanism, Password};

use super::sealed::Sealed;
use super::tls::{Tls, TlsState, WithClientCert, WithoutTlsClearTextAllowed};

/// The entry points of the credential builders, one per mechanism.
///
/// `Credential` itself has no values: it only names the constructors. MONGODB-AWS and MONGODB-OIDC
/// take their credentials from the environment; when the runtime supports them they get constructors
/// here and types of their own (the state traits are sealed, so adding them breaks no one).
///
/// ```
/// use mongo_auth::Credential;
/// let scram = Credential::scram_sha_256().username("app").password("pencil").source("admin");
/// let x509 = Credential::x509();
/// let kerberos = Credential::gssapi("mongodbuser@EXAMPLE.COM").service_name("myservicename");
/// # let _ = (scram, x509, kerberos);
/// ```
#[derive(Debug)]
pub enum Credential {}

impl Credential {
    /// SCRAM with the variant negotiated with the server (SCRAM-SHA-256 when offered, else SCRAM-SHA-1):
    /// what a connection string without `authMechanism` means.
    ///
    /// ```
    /// use mongo_auth::Credential;
    /// let credential = Credential::scram().username("app").password("pencil");
    /// # let _ = credential;
    /// ```
    pub fn scram() -> PasswordCredential<NegotiatedScram, NoUsername, NoPassword> {
        PasswordCredential::new()
    }

    /// `SCRAM-SHA-1`.
    ///
    /// ```
    /// use mongo_auth::Credential;
    /// let credential = Credential::scram_sha_1().username("user").password("password").source("the_db");
    /// # let _ = credential;
    /// ```
    pub fn scram_sha_1() -> PasswordCredential<ScramSha1, NoUsername, NoPassword> {
        PasswordCredential::new()
    }

    /// `SCRAM-SHA-256`.
    ///
    /// ```
    /// use mongo_auth::Credential;
    /// let credential = Credential::scram_sha_256().username("app").password("pencil").source("admin");
    /// # let _ = credential;
    /// ```
    pub fn scram_sha_256() -> PasswordCredential<ScramSha256, NoUsername, NoPassword> {
        PasswordCredential::new()
    }

    /// `MONGODB-CR`, the challenge-response mechanism of servers before 4.0.
    ///
    /// ```
    /// use mongo_auth::Credential;
    /// let credential = Credential::mongodb_cr().username("user").password("password");
    /// # let _ = credential;
    /// ```
    pub fn mongodb_cr() -> PasswordCredential<MongodbCr, NoUsername, NoPassword> {
        PasswordCredential::new()
    }

    /// `PLAIN` (SASL PLAIN, usually LDAP proxy authentication). The source defaults to `$external`. The
    /// password travels in clear inside the connection, so a configuration with PLAIN needs TLS.
    ///
    /// ```
    /// use mongo_auth::Credential;
    /// let credential = Credential::plain().username("ldapuser").password("ldappassword");
    /// # let _ = credential;
    /// ```
    pub fn plain() -> PasswordCredential<Plain, NoUsername, NoPassword> {
        PasswordCredential::new()
    }

    /// `MONGODB-X509`: the TLS client certificate is the credential. It takes no password and no
    /// source (always `$external`); a configuration with it needs TLS with a client certificate.
    ///
    /// ```
    /// use mongo_auth::Credential;
    /// let credential = Credential::x509();
    /// # let _ = credential;
    /// ```
    pub fn x509() -> X509Credential {
        X509Credential { username: None }
    }

    /// `GSSAPI` (Kerberos) for `principal` (`user@REALM`). The source is always `$external`.
    ///
    /// ```
    /// use mongo_auth::Credential;
    /// let credential = Credential::gssapi("mongodbuser@EXAMPLE.COM").service_name("myservicename");
    /// # let _ = credential;
    /// ```
    pub fn gssapi(principal: impl Into<String>) -> GssapiCredential {
        GssapiCredential {
            principal: principal.into(),
            password: None,
            properties: GssapiProperties::default(),
        }
    }
}

// ---- mechanism markers ----------------------------------------------------------------------------

/// The mechanisms that authenticate a user name with a password.
///
/// Sealed: implemented by [`NegotiatedScram`], [`ScramSha1`], [`ScramSha256`], [`MongodbCr`] and
/// [`Plain`].
///
/// ```
/// use mongo_auth::config::{PasswordMechanism, ScramSha256};
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
    /// use mongo_auth::config::{NoPassword, NoUsername};
    /// let _: mongo_auth::config::PasswordCredential<mongo_auth::config::NegotiatedScram, NoUsername, NoPassword> =
    ///     mongo_auth::Credential::scram();
    /// ```
    NegotiatedScram => None
);
password_mechanism!(
    /// `SCRAM-SHA-1`.
    ///
    /// ```
    /// use mongo_auth::config::{NoPassword, NoUsername};
    /// let _: mongo_auth::config::PasswordCredential<mongo_auth::config::ScramSha1, NoUsername, NoPassword> =
    ///     mongo_auth::Credential::scram_sha_1();
    /// ```
    ScramSha1 => Some(Mechanism::ScramSha1)
);
password_mechanism!(
    /// `SCRAM-SHA-256`.
    ///
    /// ```
    /// use mongo_auth::config::{NoPassword, NoUsername};
    /// let _: mongo_auth::config::PasswordCredential<mongo_auth::config::ScramSha256, NoUsername, NoPassword> =
    ///     mongo_auth::Credential::scram_sha_256();
    /// ```
    ScramSha256 => Some(Mechanism::ScramSha256)
);
password_mechanism!(
    /// `MONGODB-CR`.
    ///
    /// ```
    /// use mongo_auth::config::{NoPassword, NoUsername};
    /// let _: mongo_auth::config::PasswordCredential<mongo_auth::config::MongodbCr, NoUsername, NoPassword> =
    ///     mongo_auth::Credential::mongodb_cr();
    /// ```
    MongodbCr => Some(Mechanism::MongodbCr)
);
password_mechanism!(
    /// `PLAIN`.
    ///
    /// ```
    /// use mongo_auth::config::{NoPassword, NoUsername};
    /// let _: mongo_auth::config::PasswordCredential<mongo_auth::config::Plain, NoUsername, NoPassword> =
    ///     mongo_auth::Credential::plain();
    /// ```
    Plain => Some(Mechanism::Plain)
);

// ---- username / password states -------------------------------------------------------------------

/// State: no user name given yet.
///
/// ```
/// use mongo_auth::config::{NoPassword, NoUsername, PasswordCredential, ScramSha256};
/// let _: PasswordCredential<ScramSha256, NoUsername, NoPassword> = mongo_auth::Credential::scram_sha_256();
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct NoUsername;

/// State: the user name is given.
///
/// ```
/// use mongo_auth::config::{HasUsername, NoPassword, PasswordCredential, ScramSha256};
/// let _: PasswordCredential<ScramSha256, HasUsername, NoPassword> =
///     mongo_auth::Credential::scram_sha_256().username("app");
/// ```
#[derive(Clone, Debug)]
pub struct HasUsername(pub(crate) String);

/// State: no password given yet.
///
/// ```
/// use mongo_auth::config::{HasUsername, NoPassword, PasswordCredential, ScramSha1};
/// let _: PasswordCredential<ScramSha1, HasUsername, NoPassword> =
///     mongo_auth::Credential::scram_sha_1().username("app");
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct NoPassword;

/// State: the password is given. `Debug` prints `<redacted>`.
///
/// ```
/// use mongo_auth::config::{HasPassword, HasUsername, PasswordCredential, ScramSha1};
/// let _: PasswordCredential<ScramSha1, HasUsername, HasPassword> =
///     mongo_auth::Credential::scram_sha_1().username("app").password("pencil");
/// ```
#[derive(Clone, Debug)]
pub struct HasPassword(pub(crate) Password);

/// A user name is given. Implemented only by [`HasUsername`].
///
/// ```text
/// use mongo_auth::{ClientConfig, Credential};
/// // error: the credential has no username: add `.username(…)`
/// ClientConfig::builder().hosts(["localhost"]).credential(Credential::scram_sha_256().password("pencil")).build();
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
/// use mongo_auth::{ClientConfig, Credential};
/// // error: the credential has no password: add `.password(…)`
/// ClientConfig::builder().hosts(["localhost"]).credential(Credential::scram_sha_256().username("app")).build();
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
    /// let _ = mongo_auth::Credential::x509().password("pencil");
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
    /// let _ = mongo_auth::Credential::x509().source("admin");
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
    /// let _ = mongo_auth::Credential::x509().service_name("mongodb");
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
    /// let _ = mongo_auth::Credential::gssapi("user@EXAMPLE.COM").source("admin");
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
    /// let _ = mongo_auth::Credential::scram_sha_256().service_name("mongodb");
    /// ```
    /// (does not compile; pinned with its compiler message by `ui-tests/builder-fail/gssapi_property_on_other_mechanism.rs`)
    GssapiPropertyOnPasswordMechanism,
    "SERVICE_NAME, CANONICALIZE_HOST_NAME, SERVICE_REALM and SERVICE_HOST are GSSAPI properties: SCRAM-SHA-1, SCRAM-SHA-256, MONGODB-CR and PLAIN take no mechanism properties",
    "remove this property, or use `Credential::gssapi(principal)`"
);

// ---- the password mechanisms ----------------------------------------------------------------------

/// A credential for a mechanism that authenticates a user name with a password: SCRAM (negotiated,
/// SHA-1, SHA-256), MONGODB-CR and PLAIN.
///
/// `U` is [`NoUsername`] or [`HasUsername`], `P` is [`NoPassword`] or [`HasPassword`]; a configuration
/// can only be built from `PasswordCredential<M, HasUsername, HasPassword>`. There are no mechanism
/// properties.
///
/// ```
/// use mongo_auth::Credential;
/// let credential = Credential::scram_sha_256().username("app").password("pencil").source("admin");
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
    /// let credential = mongo_auth::Credential::scram_sha_256().username("app");
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
    /// let credential = mongo_auth::Credential::scram_sha_256().username("app").password(secret);
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
    /// let credential = mongo_auth::Credential::scram_sha_1().username("user").password("pw").source("the_db");
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

// ---- MONGODB-X509 ---------------------------------------------------------------------------------

/// A `MONGODB-X509` credential: the TLS client certificate is the credential.
///
/// There is no password, no source (always `$external`) and no mechanism property. The optional user
/// name is the certificate's RFC 2253 subject; the server derives it when it is left out.
///
/// ```
/// use mongo_auth::Credential;
/// let credential = Credential::x509().username("CN=client,OU=kerneluser,O=10Gen,L=New York City,ST=New York,C=US");
/// # let _ = credential;
/// ```
#[derive(Clone, Debug)]
pub struct X509Credential {
    pub(crate) username: Option<String>,
}

impl X509Credential {
    /// The certificate's subject in RFC 2253 form. Optional: servers 3.4+ take it from the certificate.
    ///
    /// ```
    /// let credential = mongo_auth::Credential::x509().username("CN=client,O=Example");
    /// # let _ = credential;
    /// ```
    pub fn username(mut self, subject: impl Into<String>) -> Self {
        self.username = Some(subject.into());
        self
    }

    /// Does not compile: MONGODB-X509 takes no password.
    #[doc(hidden)]
    pub fn password<A: X509TakesNoPassword>(self, refused: A) -> Self {
        refused.refused()
    }

    /// Does not compile: MONGODB-X509 takes no source.
    #[doc(hidden)]
    pub fn source<A: X509TakesNoSource>(self, refused: A) -> Self {
        refused.refused()
    }

    /// Does not compile: MONGODB-X509 takes no mechanism properties.
    #[doc(hidden)]
    pub fn service_name<A: X509TakesNoProperties>(self, refused: A) -> Self {
        refused.refused()
    }

    /// Does not compile: MONGODB-X509 takes no mechanism properties.
    #[doc(hidden)]
    pub fn canonicalize_host_name<A: X509TakesNoProperties>(self, refused: A) -> Self {
        refused.refused()
    }

    /// Does not compile: MONGODB-X509 takes no mechanism properties.
    #[doc(hidden)]
    pub fn service_realm<A: X509TakesNoProperties>(self, refused: A) -> Self {
        refused.refused()
    }

    /// Does not compile: MONGODB-X509 takes no mechanism properties.
    #[doc(hidden)]
    pub fn service_host<A: X509TakesNoProperties>(self, refused: A) -> Self {
        refused.refused()
    }
}

// ---- GSSAPI ---------------------------------------------------------------------------------------

/// A `GSSAPI` (Kerberos) credential: a principal, an optional password, and the GSSAPI properties. The
/// source is always `$external`; there is no method to set another.
///
/// ```
/// use mongo_auth::Credential;
/// use mongo_auth::core::Canonicalize;
/// let credential = Credential::gssapi("mongodbuser@EXAMPLE.COM")
///     .service_name("myservicename")
///     .canonicalize_host_name(Canonicalize::ForwardAndReverse)
///     .service_realm("otherrealm");
/// # let _ = credential;
/// ```
#[derive(Clone, Debug)]
pub struct GssapiCredential {
    pub(crate) principal: String,
    pub(crate) password: Option<Password>,
    pub(crate) properties: GssapiProperties,
}

impl GssapiCredential {
    /// A password for the principal, when no Kerberos ticket is in the cache (optional).
    ///
    /// ```
    /// let credential = mongo_auth::Credential::gssapi("user@EXAMPLE.COM").password("pencil");
    /// # let _ = credential;
    /// ```
    pub fn password(mut self, password: impl Into<Password>) -> Self {
        self.password = Some(password.into());
        self
    }

    /// `SERVICE_NAME`: the service part of the server's principal (default `mongodb`).
    ///
    /// ```
    /// let credential = mongo_auth::Credential::gssapi("user@EXAMPLE.COM").service_name("myservicename");
    /// # let _ = credential;
    /// ```
    pub fn service_name(mut self, service_name: impl Into<String>) -> Self {
        self.properties.service_name = service_name.into();
        self
    }

    /// `CANONICALIZE_HOST_NAME`: how the host in the server's principal is derived (default `none`).
    ///
    /// ```
    /// use mongo_auth::core::Canonicalize;
    /// let credential =
    ///     mongo_auth::Credential::gssapi("user@EXAMPLE.COM").canonicalize_host_name(Canonicalize::Forward);
    /// # let _ = credential;
    /// ```
    pub fn canonicalize_host_name(mut self, canonicalize: Canonicalize) -> Self {
        self.properties.canonicalize_host_name = canonicalize;
        self
    }

    /// `SERVICE_REALM`: the realm of the server's principal, for cross-realm authentication.
    ///
    /// ```
    /// let credential = mongo_auth::Credential::gssapi("user@EXAMPLE.COM").service_realm("OTHER.EXAMPLE.COM");
    /// # let _ = credential;
    /// ```
    pub fn service_realm(mut self, realm: impl Into<String>) -> Self {
        self.properties.service_realm = Some(realm.into());
        self
    }

    /// `SERVICE_HOST`: the host put in the server's principal in place of the connection's host.
    ///
    /// ```
    /// let credential = mongo_auth::Credential::gssapi("user@EXAMPLE.COM").service_host("db.internal");
    /// # let _ = credential;
    /// ```
    pub fn service_host(mut self, host: impl Into<String>) -> Self {
        self.properties.service_host = Some(host.into());
        self
    }

    /// Does not compile: GSSAPI's source is always `$external`.
    #[doc(hidden)]
    pub fn source<A: GssapiSourceIsExternal>(self, refused: A) -> Self {
        refused.refused()
    }
}

// ---- no credential --------------------------------------------------------------------------------

/// State: no credential; the connection does not authenticate.
///
/// ```
/// use mongo_auth::config::{ClientConfigBuilder, NoCredential, WithoutTls};
/// let _: ClientConfigBuilder<NoCredential, WithoutTls> = mongo_auth::ClientConfig::builder();
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct NoCredential;

// ---- lowering ---------------------------------------------------------------------------------------

/// A credential state a configuration builder can hold: [`NoCredential`], a [`PasswordCredential`] in
/// any state, an [`X509Credential`] or a [`GssapiCredential`]. Sealed.
///
/// ```
/// fn takes<C: mongo_auth::config::CredentialState>(_: C) {}
/// takes(mongo_auth::Credential::x509());
/// takes(mongo_auth::Credential::scram_sha_256()); // incomplete credentials are states too
/// ```
pub trait CredentialState: Sealed {}

impl Sealed for NoCredential {}
impl CredentialState for NoCredential {}
impl<M: PasswordMechanism, U: Sealed, P: Sealed> Sealed for PasswordCredential<M, U, P> {}
impl<M: PasswordMechanism, U: Sealed, P: Sealed> CredentialState for PasswordCredential<M, U, P> {}
impl Sealed for X509Credential {}
impl CredentialState for X509Credential {}
impl Sealed for GssapiCredential {}
impl CredentialState for GssapiCredential {}

/// The credential `Self` can authenticate over the transport `T`: complete, and the transport is one
/// the mechanism accepts. [`ClientConfigBuilder::build`](super::ClientConfigBuilder::build) requires it.
///
/// When it does not hold, the compiler names the missing piece (the username, the password, TLS with
/// a client certificate for MONGODB-X509, TLS for PLAIN).
///
/// ```
/// use mongo_auth::config::{AuthenticatesOver, Tls, WithClientCert, X509Credential};
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

fn password_parts<M: PasswordMechanism, U: UsernameGiven, P: PasswordGiven>(
    credential: PasswordCredential<M, U, P>,
) -> Option<CredentialParts> {
    Some(CredentialParts {
        mechanism: M::MECHANISM,
        username: Some(credential.username.into_username()),
        password: Some(credential.password.into_password()),
        source: credential.source,
        ..CredentialParts::default()
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

impl<T: CarriesClientCertificate> AuthenticatesOver<T> for X509Credential {
    fn into_parts(self) -> Option<CredentialParts> {
        Some(CredentialParts {
            mechanism: Some(Mechanism::MongodbX509),
            username: self.username,
            ..CredentialParts::default()
        })
    }
}

impl<T: TlsState> AuthenticatesOver<T> for GssapiCredential {
    fn into_parts(self) -> Option<CredentialParts> {
        Some(CredentialParts {
            mechanism: Some(Mechanism::Gssapi),
            username: Some(self.principal),
            password: self.password,
            properties: gssapi_pairs(self.properties),
            ..CredentialParts::default()
        })
    }
}

/// GSSAPI properties by their spec names, for the rulebook to check and type them once.
pub(crate) fn gssapi_pairs(p: GssapiProperties) -> Vec<(String, String)> {
    let mut pairs = vec![
        ("SERVICE_NAME".to_owned(), p.service_name),
        (
            "CANONICALIZE_HOST_NAME".to_owned(),
            p.canonicalize_host_name.as_str().to_owned(),
        ),
    ];
    if let Some(realm) = p.service_realm {
        pairs.push(("SERVICE_REALM".to_owned(), realm));
    }
    if let Some(host) = p.service_host {
        pairs.push(("SERVICE_HOST".to_owned(), host));
    }
    pairs
}

/// The transport carries a TLS client certificate, as MONGODB-X509 needs. Implemented only by
/// [`Tls<WithClientCert>`].
///
/// ```text
/// use mongo_auth::{ClientConfig, Credential, Tls};
/// // error: MONGODB-X509 needs TLS with a client certificate
/// ClientConfig::builder().hosts(["db"]).credential(Credential::x509()).tls(Tls::with_ca_file("ca.pem")).build();
/// ```
/// (does not compile; pinned with its compiler message by `ui-tests/builder-fail/x509_without_client_cert.rs`)
#[diagnostic::on_unimplemented(
    message = "MONGODB-X509 needs TLS with a client certificate: add `.tls(Tls::client_cert(\"client.pem\"))`",
    label = "MONGODB-X509 cannot authenticate without a client certificate",
    note = "the certificate is the credential: the server reads the user from its subject; \
            TLS settings without one gain it with `.with_client_cert(\"client.pem\")`"
)]
pub trait CarriesClientCertificate: TlsState {}

impl CarriesClientCertificate for Tls<WithClientCert> {}

/// The transport keeps PLAIN's password from travelling in clear: TLS, or the explicit opt-in
/// [`allow_plain_password_without_tls`](super::DangerousClientConfigBuilder::allow_plain_password_without_tls).
///
/// ```text
/// use mongo_auth::{ClientConfig, Credential};
/// // error: PLAIN sends the password in clear: add `.tls(…)`
/// ClientConfig::builder().hosts(["ldap"]).credential(Credential::plain().username("u").password("p")).build();
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
