//! The GSSAPI (Kerberos) credential: a principal, an optional password, the GSSAPI properties.

use mongo_auth_core::rules::CredentialParts;
use mongo_auth_core::{Canonicalize, GssapiProperties, Mechanism, Password};

use crate::config::sealed::Sealed;
use crate::config::states::{AuthenticatesOver, CredentialState, GssapiSourceIsExternal, TlsState};

// ---- GSSAPI ---------------------------------------------------------------------------------------

/// A `GSSAPI` (Kerberos) credential: a principal, an optional password, and the GSSAPI properties. The
/// source is always `$external`; there is no method to set another.
///
/// ```
/// use mongo_auth::Auth;
/// use mongo_auth::rulebook::Canonicalize;
/// let credential = Auth::gssapi("mongodbuser@EXAMPLE.COM")
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
    /// let credential = mongo_auth::Auth::gssapi("user@EXAMPLE.COM").password("pencil");
    /// # let _ = credential;
    /// ```
    pub fn password(mut self, password: impl Into<Password>) -> Self {
        self.password = Some(password.into());
        self
    }

    /// `SERVICE_NAME`: the service part of the server's principal (default `mongodb`).
    ///
    /// ```
    /// let credential = mongo_auth::Auth::gssapi("user@EXAMPLE.COM").service_name("myservicename");
    /// # let _ = credential;
    /// ```
    pub fn service_name(mut self, service_name: impl Into<String>) -> Self {
        self.properties.service_name = service_name.into();
        self
    }

    /// `CANONICALIZE_HOST_NAME`: how the host in the server's principal is derived (default `none`).
    ///
    /// ```
    /// use mongo_auth::rulebook::Canonicalize;
    /// let credential =
    ///     mongo_auth::Auth::gssapi("user@EXAMPLE.COM").canonicalize_host_name(Canonicalize::Forward);
    /// # let _ = credential;
    /// ```
    pub fn canonicalize_host_name(mut self, canonicalize: Canonicalize) -> Self {
        self.properties.canonicalize_host_name = canonicalize;
        self
    }

    /// `SERVICE_REALM`: the realm of the server's principal, for cross-realm authentication.
    ///
    /// ```
    /// let credential = mongo_auth::Auth::gssapi("user@EXAMPLE.COM").service_realm("OTHER.EXAMPLE.COM");
    /// # let _ = credential;
    /// ```
    pub fn service_realm(mut self, realm: impl Into<String>) -> Self {
        self.properties.service_realm = Some(realm.into());
        self
    }

    /// `SERVICE_HOST`: the host put in the server's principal in place of the connection's host.
    ///
    /// ```
    /// let credential = mongo_auth::Auth::gssapi("user@EXAMPLE.COM").service_host("db.internal");
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

impl<T: TlsState> AuthenticatesOver<T> for GssapiCredential {
    fn into_parts(self) -> Option<CredentialParts> {
        Some({
            let mut parts = CredentialParts::default();
            parts.mechanism = Some(Mechanism::Gssapi);
            parts.username = Some(self.principal);
            parts.password = self.password;
            parts.properties = gssapi_pairs(self.properties);
            parts
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

impl Sealed for GssapiCredential {}
impl CredentialState for GssapiCredential {}
