//! Credentials as types: one type per mechanism, in which the fields a mechanism does not take do not
//! exist, and builder states that say what is still missing.
//!
//! | mechanism | constructor | type |
//! |---|---|---|
//! | negotiated SCRAM (no `authMechanism`) | [`Auth::scram`] | [`PasswordCredential<NegotiatedScram>`](PasswordCredential) |
//! | `SCRAM-SHA-1` | [`Auth::scram_sha_1`] | [`PasswordCredential<ScramSha1>`](PasswordCredential) |
//! | `SCRAM-SHA-256` | [`Auth::scram_sha_256`] | [`PasswordCredential<ScramSha256>`](PasswordCredential) |
//! | `MONGODB-CR` | [`Auth::mongodb_cr`] | [`PasswordCredential<MongodbCr>`](PasswordCredential) |
//! | `PLAIN` | [`Auth::plain`] | [`PasswordCredential<Plain>`](PasswordCredential) |
//! | `MONGODB-X509` | [`Auth::x509`] | [`X509Credential`] |
//! | `GSSAPI` | [`Auth::gssapi`] | [`GssapiCredential`] |
//! | `MONGODB-AWS` (credentials from the environment) | [`Auth::aws`] | [`AwsCredential`] |
//! | `MONGODB-OIDC` (a callback in code, or a built-in environment) | [`Auth::oidc`] | [`OidcCredential`] |
//!
//! The password mechanisms move from [`NoUsername`](super::states::NoUsername) to [`HasUsername`](super::states::HasUsername) and from [`NoPassword`](super::states::NoPassword) to
//! [`HasPassword`](super::states::HasPassword); [`ClientConfigBuilder::build`](super::ClientConfigBuilder::build) only exists for a
//! credential that has both (the states and the markers live in [`states`](super::states)). Methods that a mechanism does not take (a password on MONGODB-X509, a
//! source on GSSAPI, `SERVICE_NAME` on SCRAM) fail to compile with the rule in MongoDB's words.

use mongo_auth_core::GssapiProperties;

use super::states::{
    MongodbCr, NegotiatedScram, NoPassword, NoUsername, Plain, ScramSha1, ScramSha256,
};

mod aws;
mod gssapi;
mod oidc;
mod password;
mod x509;

pub use self::aws::AwsCredential;
pub use self::gssapi::GssapiCredential;
pub use self::oidc::{OidcCredential, OidcEnvironment};
pub use self::password::PasswordCredential;
pub use self::x509::X509Credential;

/// The entry points of the credential builders, one per mechanism.
///
/// `Auth` has no values: it only names the constructors. What a built configuration holds is a
/// [`Credential`](crate::Credential) ([`ClientConfig::credential`](crate::ClientConfig::credential)).
/// [`Auth::aws`] finds its AWS credentials at run time (the environment, or a provider given to the
/// [`Authenticator`](crate::Authenticator)); MONGODB-OIDC's built-in environments are set in a
/// connection string, and [`Auth::oidc`] is MONGODB-OIDC with a callback given in code.
///
/// ```
/// use mongo_auth::Auth;
/// let scram = Auth::scram_sha_256().username("app").password("pencil").source("admin");
/// let x509 = Auth::x509();
/// let kerberos = Auth::gssapi("mongodbuser@EXAMPLE.COM").service_name("myservicename");
/// # let _ = (scram, x509, kerberos);
/// ```
#[derive(Debug)]
pub enum Auth {}

impl Auth {
    /// SCRAM with the variant negotiated with the server (SCRAM-SHA-256 when offered, else SCRAM-SHA-1):
    /// what a connection string without `authMechanism` means.
    ///
    /// ```
    /// use mongo_auth::Auth;
    /// let credential = Auth::scram().username("app").password("pencil");
    /// # let _ = credential;
    /// ```
    pub fn scram() -> PasswordCredential<NegotiatedScram, NoUsername, NoPassword> {
        PasswordCredential::new()
    }

    /// `SCRAM-SHA-1`.
    ///
    /// ```
    /// use mongo_auth::Auth;
    /// let credential = Auth::scram_sha_1().username("user").password("password").source("the_db");
    /// # let _ = credential;
    /// ```
    pub fn scram_sha_1() -> PasswordCredential<ScramSha1, NoUsername, NoPassword> {
        PasswordCredential::new()
    }

    /// `SCRAM-SHA-256`.
    ///
    /// ```
    /// use mongo_auth::Auth;
    /// let credential = Auth::scram_sha_256().username("app").password("pencil").source("admin");
    /// # let _ = credential;
    /// ```
    pub fn scram_sha_256() -> PasswordCredential<ScramSha256, NoUsername, NoPassword> {
        PasswordCredential::new()
    }

    /// `MONGODB-CR`, the challenge-response mechanism of servers before 4.0.
    ///
    /// ```
    /// use mongo_auth::Auth;
    /// let credential = Auth::mongodb_cr().username("user").password("password");
    /// # let _ = credential;
    /// ```
    pub fn mongodb_cr() -> PasswordCredential<MongodbCr, NoUsername, NoPassword> {
        PasswordCredential::new()
    }

    /// `PLAIN` (SASL PLAIN, usually LDAP proxy authentication). The source defaults to `$external`. The
    /// password travels in clear inside the connection, so a configuration with PLAIN needs TLS.
    ///
    /// ```
    /// use mongo_auth::Auth;
    /// let credential = Auth::plain().username("ldapuser").password("ldappassword");
    /// # let _ = credential;
    /// ```
    pub fn plain() -> PasswordCredential<Plain, NoUsername, NoPassword> {
        PasswordCredential::new()
    }

    /// `MONGODB-X509`: the TLS client certificate is the credential. It takes no password and no
    /// source (always `$external`); a configuration with it needs TLS with a client certificate.
    ///
    /// ```
    /// use mongo_auth::Auth;
    /// let credential = Auth::x509();
    /// # let _ = credential;
    /// ```
    pub fn x509() -> X509Credential {
        X509Credential { username: None }
    }

    /// `MONGODB-AWS`: the AWS credentials are found at run time (a provider given to the
    /// [`Authenticator`](crate::Authenticator), the environment, web identity, ECS, EC2), never
    /// configured; see [`AwsCredential`]. The source is always `$external`.
    ///
    /// ```
    /// use mongo_auth::Auth;
    /// let credential = Auth::aws();
    /// # let _ = credential;
    /// ```
    pub fn aws() -> AwsCredential {
        AwsCredential { _private: () }
    }

    /// `MONGODB-OIDC` with access tokens from a callback given to the
    /// [`Authenticator`](crate::Authenticator), or from a built-in environment
    /// ([`OidcCredential::environment`]; see [`OidcCredential`]).
    ///
    /// ```
    /// use mongo_auth::Auth;
    /// let credential = Auth::oidc().username("app");
    /// # let _ = credential;
    /// ```
    pub fn oidc() -> OidcCredential {
        OidcCredential {
            username: None,
            environment: None,
        }
    }

    /// `GSSAPI` (Kerberos) for `principal` (`user@REALM`). The source is always `$external`.
    ///
    /// ```
    /// use mongo_auth::Auth;
    /// let credential = Auth::gssapi("mongodbuser@EXAMPLE.COM").service_name("myservicename");
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
