//! The MONGODB-X509 credential: the TLS client certificate is the credential.

use mongo_auth_core::Mechanism;
use mongo_auth_core::rules::CredentialParts;

use crate::config::sealed::Sealed;
use crate::config::states::{
    AuthenticatesOver, CarriesClientCertificate, CredentialState, X509TakesNoPassword,
    X509TakesNoProperties, X509TakesNoSource,
};

// ---- MONGODB-X509 ---------------------------------------------------------------------------------

/// A `MONGODB-X509` credential: the TLS client certificate is the credential.
///
/// There is no password, no source (always `$external`) and no mechanism property. The optional user
/// name is the certificate's RFC 2253 subject; the server derives it when it is left out.
///
/// ```
/// use mongo_auth::Auth;
/// let credential = Auth::x509().username("CN=client,OU=kerneluser,O=10Gen,L=New York City,ST=New York,C=US");
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
    /// let credential = mongo_auth::Auth::x509().username("CN=client,O=Example");
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

impl<T: CarriesClientCertificate> AuthenticatesOver<T> for X509Credential {
    fn into_parts(self) -> Option<CredentialParts> {
        Some({
            let mut parts = CredentialParts::default();
            parts.mechanism = Some(Mechanism::MongodbX509);
            parts.username = self.username;
            parts
        })
    }
}

impl Sealed for X509Credential {}
impl CredentialState for X509Credential {}
