//! TLS settings as types: [`Tls<WithoutClientCert>`] verifies the server, [`Tls<WithClientCert>`] also
//! presents a client certificate (what MONGODB-X509 needs). The switches that weaken verification sit
//! behind [`Tls::dangerous`].

use std::fmt;
use std::marker::PhantomData;
use std::path::{Path, PathBuf};

use mongo_auth_core::Password;

use super::sealed::Sealed;

/// TLS settings for a configuration builder: trusted roots, an optional client certificate, a CRL file,
/// and (behind [`Tls::dangerous`]) the switches that weaken verification.
///
/// `S` says whether a client certificate is present: [`WithoutClientCert`] or [`WithClientCert`].
/// Files are not read here; the connector reads them when it is built.
///
/// ```
/// use mongo_auth::Tls;
/// // verify the server with the bundled Mozilla roots (webpki-roots)
/// let tls = Tls::enabled();
/// // verify with a private CA and present a client certificate (cert and key in one PEM file)
/// let tls = Tls::enabled().client_cert("client.pem").ca_file("ca.pem");
/// // certificate and key in two files, the key encrypted
/// let tls = Tls::enabled().client_cert_and_key("client.crt", "client.key").key_password("secret");
/// # let _ = tls;
/// ```
pub struct Tls<S> {
    pub(crate) settings: TlsSettings,
    state: PhantomData<fn() -> S>,
}

impl<S> Clone for Tls<S> {
    fn clone(&self) -> Self {
        Self::from_settings(self.settings.clone())
    }
}

impl<S> fmt::Debug for Tls<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Tls").field(&self.settings).finish()
    }
}

impl<S> Tls<S> {
    pub(crate) fn from_settings(settings: TlsSettings) -> Self {
        Self {
            settings,
            state: PhantomData,
        }
    }

    /// `tlsCAFile`: trust the CA certificates in this PEM file instead of the Mozilla root certificates bundled with this library (webpki-roots), not the operating system's store
    /// (as the official Rust driver does; a CA installed only in the system's store needs this).
    ///
    /// ```
    /// let tls = mongo_auth::Tls::enabled().client_cert("client.pem").ca_file("ca.pem");
    /// # let _ = tls;
    /// ```
    pub fn ca_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.settings.ca = CaSource::File(path.into());
        self
    }

    /// `tlsCRLFile`: refuse server certificates revoked by the CRLs in this PEM file.
    ///
    /// ```
    /// let tls = mongo_auth::Tls::enabled().crl_file("revoked.pem");
    /// # let _ = tls;
    /// ```
    pub fn crl_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.settings.crl_file = Some(path.into());
        self
    }

    /// The door to the switches that weaken verification. Each one makes the connection open to a
    /// machine in the middle; use them for tests, never in production.
    ///
    /// ```
    /// let tls = mongo_auth::Tls::enabled().dangerous().allow_invalid_hostnames();
    /// # let _ = tls;
    /// ```
    pub fn dangerous(self) -> DangerousTls<S> {
        DangerousTls { tls: self }
    }

    /// The settings, with the state erased.
    ///
    /// ```
    /// let settings = mongo_auth::Tls::enabled().ca_file("ca.pem").into_settings();
    /// assert_eq!(settings.ca_file(), Some(std::path::Path::new("ca.pem")));
    /// ```
    pub fn into_settings(self) -> TlsSettings {
        self.settings
    }
}

impl Tls<WithoutClientCert> {
    /// TLS (`tls=true`) that verifies the server against the Mozilla root certificates bundled with this library (webpki-roots), not the operating system's store.
    ///
    /// ```
    /// let tls = mongo_auth::Tls::enabled();
    /// # let _ = tls;
    /// ```
    pub fn enabled() -> Self {
        Self::from_settings(TlsSettings::default())
    }

    /// `tlsCertificateKeyFile`: present a client certificate, with its key in the same PEM file (what
    /// MONGODB-X509 needs).
    ///
    /// ```
    /// let tls = mongo_auth::Tls::enabled().ca_file("ca.pem").client_cert("client.pem");
    /// # let _ = tls;
    /// ```
    pub fn client_cert(self, certificate_key_file: impl Into<PathBuf>) -> Tls<WithClientCert> {
        self.with_certificate(ClientCertificate {
            certificate_file: certificate_key_file.into(),
            key_file: None,
            key_password: None,
        })
    }

    /// Present a client certificate chain and its private key from two PEM files.
    ///
    /// ```
    /// let tls = mongo_auth::Tls::enabled().client_cert_and_key("client.crt", "client.key");
    /// # let _ = tls;
    /// ```
    pub fn client_cert_and_key(
        self,
        certificate_file: impl Into<PathBuf>,
        key_file: impl Into<PathBuf>,
    ) -> Tls<WithClientCert> {
        self.with_certificate(ClientCertificate {
            certificate_file: certificate_file.into(),
            key_file: Some(key_file.into()),
            key_password: None,
        })
    }

    fn with_certificate(mut self, certificate: ClientCertificate) -> Tls<WithClientCert> {
        self.settings.client_certificate = Some(certificate);
        Tls::from_settings(self.settings)
    }
}

impl Tls<WithClientCert> {
    /// `tlsCertificateKeyFilePassword`: the password of an encrypted PKCS#8 private key.
    ///
    /// ```
    /// let tls = mongo_auth::Tls::enabled().client_cert("client.pem").key_password("secret");
    /// # let _ = tls;
    /// ```
    pub fn key_password(mut self, password: impl Into<Password>) -> Self {
        if let Some(certificate) = self.settings.client_certificate.as_mut() {
            certificate.key_password = Some(password.into());
        }
        self
    }
}

/// The switches that weaken TLS verification, reached through [`Tls::dangerous`].
///
/// ```
/// let tls = mongo_auth::Tls::enabled().ca_file("ca.pem")
///     .dangerous()
///     .allow_invalid_hostnames();
/// # let _ = tls;
/// ```
#[derive(Debug)]
pub struct DangerousTls<S> {
    tls: Tls<S>,
}

impl<S> DangerousTls<S> {
    /// `tlsAllowInvalidCertificates`: accept any server certificate chain (no verification at all of
    /// who the server is).
    ///
    /// ```
    /// let tls = mongo_auth::Tls::enabled().dangerous().allow_invalid_certificates();
    /// # let _ = tls;
    /// ```
    pub fn allow_invalid_certificates(mut self) -> Tls<S> {
        self.tls.settings.allow_invalid_certificates = true;
        self.tls
    }

    /// `tlsAllowInvalidHostnames`: verify the chain but accept a certificate issued for another name.
    ///
    /// ```
    /// let tls = mongo_auth::Tls::enabled().ca_file("ca.pem").dangerous().allow_invalid_hostnames();
    /// # let _ = tls;
    /// ```
    pub fn allow_invalid_hostnames(mut self) -> Tls<S> {
        self.tls.settings.allow_invalid_hostnames = true;
        self.tls
    }

    /// `tlsInsecure`: both of the above.
    ///
    /// ```
    /// let tls = mongo_auth::Tls::enabled().dangerous().insecure();
    /// # let _ = tls;
    /// ```
    pub fn insecure(mut self) -> Tls<S> {
        self.tls.settings.allow_invalid_certificates = true;
        self.tls.settings.allow_invalid_hostnames = true;
        self.tls
    }
}

// ---- the states ---------------------------------------------------------------------------------

/// State: TLS without a client certificate (the server is verified; the client is anonymous).
///
/// ```
/// let _: mongo_auth::Tls<mongo_auth::config::states::WithoutClientCert> = mongo_auth::Tls::enabled().ca_file("ca.pem");
/// ```
#[derive(Debug)]
pub enum WithoutClientCert {}

/// State: TLS with a client certificate, as MONGODB-X509 needs.
///
/// ```
/// let _: mongo_auth::Tls<mongo_auth::config::states::WithClientCert> = mongo_auth::Tls::enabled().client_cert("client.pem");
/// ```
#[derive(Debug)]
pub enum WithClientCert {}

/// State: no TLS (plain TCP).
///
/// ```
/// use mongo_auth::config::ClientConfigBuilder;
/// use mongo_auth::config::states::{NoCredential, WithoutTls};
/// let _: ClientConfigBuilder<NoCredential, WithoutTls> = mongo_auth::ClientConfig::builder();
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct WithoutTls;

/// State: no TLS, and the user opted in to sending a PLAIN password in clear
/// ([`allow_plain_password_without_tls`](super::DangerousClientConfigBuilder::allow_plain_password_without_tls)).
///
/// ```
/// use mongo_auth::{Auth, ClientConfig};
/// let config = ClientConfig::builder()
///     .hosts(["ldap-proxy.internal"])
///     .credential(Auth::plain().username("u").password("p"))
///     .dangerous()
///     .allow_plain_password_without_tls()
///     .build()
///     .unwrap();
/// # let _ = config;
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct WithoutTlsClearTextAllowed;

/// A TLS state a configuration builder can hold: [`WithoutTls`], [`WithoutTlsClearTextAllowed`],
/// [`Tls<WithoutClientCert>`] or [`Tls<WithClientCert>`]. Sealed.
///
/// ```
/// fn takes<T: mongo_auth::config::states::TlsState>(_: T) {}
/// takes(mongo_auth::Tls::enabled());
/// takes(mongo_auth::config::states::WithoutTls);
/// ```
pub trait TlsState: Sealed {
    #[doc(hidden)]
    fn into_settings(self) -> Option<TlsSettings>;
    #[doc(hidden)]
    fn allows_plain_password_in_clear(&self) -> bool {
        false
    }
}

impl Sealed for WithoutTls {}
impl TlsState for WithoutTls {
    fn into_settings(self) -> Option<TlsSettings> {
        None
    }
}

impl Sealed for WithoutTlsClearTextAllowed {}
impl TlsState for WithoutTlsClearTextAllowed {
    fn into_settings(self) -> Option<TlsSettings> {
        None
    }
    fn allows_plain_password_in_clear(&self) -> bool {
        true
    }
}

impl Sealed for Tls<WithoutClientCert> {}
impl TlsState for Tls<WithoutClientCert> {
    fn into_settings(self) -> Option<TlsSettings> {
        Some(self.settings)
    }
}

impl Sealed for Tls<WithClientCert> {}
impl TlsState for Tls<WithClientCert> {
    fn into_settings(self) -> Option<TlsSettings> {
        Some(self.settings)
    }
}

// ---- the settings the typestates produce -------------------------------------------------------

/// TLS settings, checked but not yet loaded: files are read when the connector is built.
///
/// A configuration's settings come from [`ClientConfig::tls`](crate::ClientConfig::tls); a [`Tls`] builder state gives its own
/// through `into_settings()`. Debug never shows the key password.
///
/// ```
/// use std::path::Path;
/// let config: mongo_auth::ClientConfig =
///     "mongodb://db/?tls=true&tlsCAFile=ca.pem&tlsCertificateKeyFile=client.pem".parse()?;
/// let tls = config.tls().unwrap();
/// assert_eq!(tls.ca_file(), Some(Path::new("ca.pem")));
/// assert_eq!(tls.certificate_file(), Some(Path::new("client.pem")));
/// assert!(!tls.has_key_password());
/// assert!(!tls.allows_invalid_certificates());
///
/// let settings = mongo_auth::Tls::enabled().client_cert("client.pem").key_password("pencil").into_settings();
/// assert!(settings.has_key_password());
/// assert!(!format!("{settings:?}").contains("pencil"));
/// # Ok::<(), mongo_auth::ConfigError>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TlsSettings {
    /// Where trusted roots come from.
    pub(crate) ca: CaSource,
    /// The client certificate, for MONGODB-X509 or servers that require one.
    pub(crate) client_certificate: Option<ClientCertificate>,
    /// `tlsCRLFile`: a PEM file of certificate revocation lists.
    pub(crate) crl_file: Option<PathBuf>,
    /// `tlsAllowInvalidCertificates`: skip chain validation (dangerous).
    pub(crate) allow_invalid_certificates: bool,
    /// `tlsAllowInvalidHostnames`: skip only the hostname check (dangerous).
    pub(crate) allow_invalid_hostnames: bool,
}

/// Where trusted roots come from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) enum CaSource {
    /// The bundled Mozilla root store.
    #[default]
    System,
    /// `tlsCAFile`: a PEM bundle.
    File(PathBuf),
}

/// A client certificate and its private key: one PEM file holding both, or two files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ClientCertificate {
    /// The certificate chain (and the key, when `key_file` is `None`).
    pub(crate) certificate_file: PathBuf,
    /// The private key, when it is in a file of its own.
    pub(crate) key_file: Option<PathBuf>,
    /// The password of an encrypted PKCS#8 key.
    pub(crate) key_password: Option<Password>,
}

impl TlsSettings {
    /// `tlsCAFile`, or `None` for the Mozilla root certificates bundled with this library (webpki-roots), not the operating system's store.
    ///
    /// ```
    /// let settings = mongo_auth::Tls::enabled().ca_file("ca.pem").into_settings();
    /// assert_eq!(settings.ca_file(), Some(std::path::Path::new("ca.pem")));
    /// ```
    pub fn ca_file(&self) -> Option<&Path> {
        match &self.ca {
            CaSource::System => None,
            CaSource::File(path) => Some(path),
        }
    }

    /// The client certificate file (`tlsCertificateKeyFile`; it also holds the key unless
    /// [`key_file`](Self::key_file) is set).
    ///
    /// ```
    /// let settings = mongo_auth::Tls::enabled().client_cert("client.pem").into_settings();
    /// assert_eq!(settings.certificate_file(), Some(std::path::Path::new("client.pem")));
    /// ```
    pub fn certificate_file(&self) -> Option<&Path> {
        self.client_certificate
            .as_ref()
            .map(|c| c.certificate_file.as_path())
    }

    /// The private key file, when the key is not in the certificate file.
    ///
    /// ```
    /// let settings = mongo_auth::Tls::enabled().client_cert_and_key("client.crt", "client.key").into_settings();
    /// assert_eq!(settings.key_file(), Some(std::path::Path::new("client.key")));
    /// ```
    pub fn key_file(&self) -> Option<&Path> {
        self.client_certificate
            .as_ref()
            .and_then(|c| c.key_file.as_deref())
    }

    /// Whether the private key has a password (the password itself is never shown).
    ///
    /// ```
    /// let settings = mongo_auth::Tls::enabled().client_cert("client.pem").key_password("secret").into_settings();
    /// assert!(settings.has_key_password());
    /// ```
    pub fn has_key_password(&self) -> bool {
        self.client_certificate
            .as_ref()
            .is_some_and(|c| c.key_password.is_some())
    }

    /// `tlsCRLFile`.
    ///
    /// ```
    /// let settings = mongo_auth::Tls::enabled().crl_file("crl.pem").into_settings();
    /// assert_eq!(settings.crl_file(), Some(std::path::Path::new("crl.pem")));
    /// ```
    pub fn crl_file(&self) -> Option<&Path> {
        self.crl_file.as_deref()
    }

    /// `tlsAllowInvalidCertificates`.
    ///
    /// ```
    /// let settings = mongo_auth::Tls::enabled().dangerous().allow_invalid_certificates().into_settings();
    /// assert!(settings.allows_invalid_certificates());
    /// ```
    pub fn allows_invalid_certificates(&self) -> bool {
        self.allow_invalid_certificates
    }

    /// `tlsAllowInvalidHostnames`.
    ///
    /// ```
    /// let settings = mongo_auth::Tls::enabled().dangerous().allow_invalid_hostnames().into_settings();
    /// assert!(settings.allows_invalid_hostnames());
    /// ```
    pub fn allows_invalid_hostnames(&self) -> bool {
        self.allow_invalid_hostnames
    }
}
