//! TLS for MongoDB connections (rustls with the *ring* provider) and the MONGODB-X509 subject.
//!
//! A [`TlsConnector`] is built once per configuration from its [`TlsSettings`]: it reads the CA
//! file (or takes the bundled Mozilla roots), the client certificate and key (one PEM file or two,
//! PKCS#8 keys encrypted with PBES2 decrypted with the key password), the CRL file, and applies the
//! dangerous switches. Every connection of that configuration then calls
//! [`TlsConnector::connect`]. A file that cannot be read or holds nothing usable is an error that
//! names the option, the file and what was wrong; nothing is skipped silently.
//!
//! What the dangerous switches relax, exactly:
//!
//! - `tlsAllowInvalidCertificates`: the server's certificate chain is not checked at all (issuer,
//!   validity dates, revocation, host name). The handshake signatures are still verified, so the
//!   peer must hold the key of the certificate it presents.
//! - `tlsAllowInvalidHostnames`: only the host-name check is skipped. The chain must still lead to
//!   a trusted CA, be within its validity dates and not be revoked.
//!
//! ```no_run
//! # async fn run(settings: &mongo_auth::TlsSettings) -> Result<(), Box<dyn std::error::Error>> {
//! use mongo_auth::tls::TlsConnector;
//!
//! let connector = TlsConnector::new(settings)?; // once per configuration
//! let tcp = tokio::net::TcpStream::connect("db.example.com:27017").await?;
//! let stream = connector.connect("db.example.com", tcp).await?; // per connection
//! # drop(stream);
//! # Ok(())
//! # }
//! ```

mod error;
pub(crate) mod files;
mod openssl_names;
pub(crate) mod subject;
mod verify;

use std::path::Path;
use std::sync::Arc;

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::ServerCertVerifier;
use rustls_pki_types::ServerName;
use tokio::io::{AsyncRead, AsyncWrite};

pub use error::{CertificateProblem, FileProblem, TlsError};
/// A TLS stream over `IO` (for example a `tokio::net::TcpStream`), as returned by
/// [`TlsConnector::connect`].
pub use tokio_rustls::client::TlsStream;

use crate::config::{CaSource, TlsSettings};

/// The option names used in error messages.
pub(crate) mod option {
    /// The CA bundle.
    pub(crate) const CA_FILE: &str = "tlsCAFile";
    /// The client certificate (and key).
    pub(crate) const CERTIFICATE_KEY_FILE: &str = "tlsCertificateKeyFile";
    /// The password of the client key.
    pub(crate) const KEY_PASSWORD: &str = "tlsCertificateKeyFilePassword";
    /// The certificate revocation lists.
    pub(crate) const CRL_FILE: &str = "tlsCRLFile";
}

/// Makes TLS connections for one configuration: the roots, the client certificate and the
/// verification policy are loaded once, then shared by every connection.
///
/// Cloning is cheap (the rustls configuration is behind an [`Arc`]).
///
/// ```no_run
/// # async fn run(settings: &mongo_auth::TlsSettings) -> Result<(), mongo_auth::tls::TlsError> {
/// use mongo_auth::tls::TlsConnector;
///
/// let connector = TlsConnector::new(settings)?;
/// let tcp = tokio::net::TcpStream::connect("127.0.0.1:27017").await.unwrap();
/// let tls = connector.connect("127.0.0.1", tcp).await?;
/// # drop(tls);
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct TlsConnector {
    connector: tokio_rustls::TlsConnector,
    /// The client certificate's file and RFC 2253 subject, when one is configured.
    client_certificate: Option<ClientIdentity>,
}

#[derive(Clone, Debug)]
struct ClientIdentity {
    file: std::path::PathBuf,
    subject: String,
}

impl std::fmt::Debug for TlsConnector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsConnector")
            .field(
                "client_certificate_subject",
                &self.client_certificate.as_ref().map(|c| &c.subject),
            )
            .finish_non_exhaustive()
    }
}

impl TlsConnector {
    /// Loads the files the settings name and builds the rustls client configuration.
    ///
    /// # Errors
    ///
    /// A [`TlsError`] naming the option and the file when a file cannot be read or holds no usable
    /// certificate, key or CRL, when an encrypted key has no password or the wrong one, or when the
    /// key does not belong to the certificate.
    pub fn new(settings: &TlsSettings) -> Result<Self, TlsError> {
        let provider = Arc::new(crypto_provider());

        let roots = match &settings.ca {
            CaSource::System => {
                let mut roots = rustls::RootCertStore::empty();
                roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
                roots
            }
            CaSource::File(path) => files::load_roots(path)?,
        };
        let crls = match &settings.crl_file {
            Some(path) => files::load_crls(path)?,
            None => Vec::new(),
        };

        let verifier: Arc<dyn ServerCertVerifier> = if settings.allow_invalid_certificates {
            Arc::new(verify::NoChainCheck::new(provider.clone()))
        } else {
            let mut builder =
                WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone());
            if !crls.is_empty() {
                // A CRL past its nextUpdate no longer says what is revoked: refuse, don't use it.
                builder = builder
                    .with_crls(crls)
                    .only_check_end_entity_revocation()
                    .enforce_revocation_expiration();
            }
            let webpki = builder.build().map_err(|e| TlsError::Verifier {
                reason: e.to_string(),
            })?;
            if settings.allow_invalid_hostnames {
                Arc::new(verify::NoHostnameCheck::new(webpki))
            } else {
                webpki
            }
        };

        let builder = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| TlsError::Verifier {
                reason: e.to_string(),
            })?
            .dangerous()
            .with_custom_certificate_verifier(verifier);

        let (config, client_certificate) = match &settings.client_certificate {
            None => (builder.with_no_client_auth(), None),
            Some(client) => {
                let identity = files::load_client_identity(
                    &client.certificate_file,
                    client.key_file.as_deref(),
                    client.key_password.as_ref(),
                )?;
                let config = builder
                    .with_client_auth_cert(identity.chain, identity.key)
                    .map_err(|e| error::client_certificate_error(&client.certificate_file, &e))?;
                (
                    config,
                    Some(ClientIdentity {
                        file: client.certificate_file.clone(),
                        subject: identity.subject,
                    }),
                )
            }
        };

        Ok(Self {
            connector: tokio_rustls::TlsConnector::from(Arc::new(config)),
            client_certificate,
        })
    }

    /// Runs the TLS handshake with `host` over an established stream.
    ///
    /// `host` is the name the server's certificate must be valid for: a DNS name, an IPv4 address or
    /// an IPv6 address (with or without brackets). It is also sent as SNI when it is a DNS name.
    ///
    /// # Errors
    ///
    /// [`TlsError::InvalidHost`] for a host that is not a DNS name or IP address,
    /// [`TlsError::ServerCertificate`] when the server's certificate is rejected,
    /// [`TlsError::Refused`] when the server ends the handshake with an alert (for example because it
    /// requires a client certificate), [`TlsError::Handshake`] for other failures.
    pub async fn connect<IO>(&self, host: &str, stream: IO) -> Result<TlsStream<IO>, TlsError>
    where
        IO: AsyncRead + AsyncWrite + Unpin,
    {
        let name = server_name(host)?;
        self.connector
            .connect(name, stream)
            .await
            .map_err(|e| self.describe_io_error(host, e))
    }

    /// Classifies an I/O error from a TLS stream of this connector.
    ///
    /// With TLS 1.3, a server that rejects the client certificate says so only after the client
    /// finished its handshake, so the alert arrives on the first read. Runtime code that reads from
    /// a [`TlsStream`] can pass its error here to get the same explanation as a failed
    /// [`connect`](Self::connect). Errors that carry no TLS error come back unchanged as
    /// [`TlsError::Handshake`].
    pub fn describe_io_error(&self, host: &str, error: std::io::Error) -> TlsError {
        error::describe_io_error(
            host,
            error,
            self.client_certificate.as_ref().map(|c| c.file.as_path()),
        )
    }

    /// The RFC 2253 subject of the configured client certificate, if there is one: the user name
    /// MONGODB-X509 authenticates as.
    pub fn client_certificate_subject(&self) -> Option<&str> {
        self.client_certificate.as_ref().map(|c| c.subject.as_str())
    }

    /// The shared rustls client configuration.
    pub fn rustls_config(&self) -> Arc<rustls::ClientConfig> {
        self.connector.config().clone()
    }
}

/// rustls' crypto provider: ring unless only the `aws-lc-rs` feature is on.
#[cfg(feature = "ring")]
pub(crate) fn crypto_provider() -> rustls::crypto::CryptoProvider {
    rustls::crypto::ring::default_provider()
}

/// rustls' crypto provider: aws-lc-rs (the `ring` feature is off).
#[cfg(all(feature = "aws-lc-rs", not(feature = "ring")))]
pub(crate) fn crypto_provider() -> rustls::crypto::CryptoProvider {
    rustls::crypto::aws_lc_rs::default_provider()
}

#[cfg(not(any(feature = "ring", feature = "aws-lc-rs")))]
compile_error!(
    "mongo-auth's `runtime` feature needs a crypto provider for rustls: enable the `ring` (default) \
     or the `aws-lc-rs` feature"
);

/// `host` as a TLS server name: an IP address (brackets stripped) or a DNS name.
pub(crate) fn server_name(host: &str) -> Result<ServerName<'static>, TlsError> {
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    if let Ok(ip) = bare.parse::<std::net::IpAddr>() {
        return Ok(ServerName::IpAddress(ip.into()));
    }
    ServerName::try_from(bare.to_owned()).map_err(|_| TlsError::InvalidHost {
        host: host.to_owned(),
    })
}

/// The RFC 2253 subject of the first certificate in a PEM file, as MONGODB-X509 expects it in the
/// `user` field (for example `CN=client,OU=clients,O=mongo-auth,L=Reykjavik,ST=Capital,C=IS`).
///
/// The server derives the user from the certificate itself, so sending it is optional; this is for
/// applications that want to send it, or to print which user a certificate authenticates as.
///
/// The form is RFC 2253's, as `openssl x509 -subject -nameopt RFC2253` prints it for the usual
/// attributes (CN, OU, O, L, ST, C, DC, UID). Two differences from OpenSSL: attribute types outside
/// RFC 2253's short names are written as a dotted OID with a `#`-hex value (OpenSSL prints its own
/// names, such as `emailAddress` or `street`), and non-ASCII characters are kept as UTF-8 (OpenSSL
/// escapes their bytes as `\XX`).
///
/// ```no_run
/// let user = mongo_auth::tls::certificate_subject("client.pem")?;
/// println!("authenticating as {user}");
/// # Ok::<(), mongo_auth::tls::TlsError>(())
/// ```
///
/// # Errors
///
/// [`TlsError::ReadFile`] when the file cannot be read, [`TlsError::InvalidFile`] when it holds no PEM
/// certificate or the certificate is not valid DER.
pub fn certificate_subject(path: impl AsRef<Path>) -> Result<String, TlsError> {
    files::first_certificate_subject(path.as_ref(), option::CERTIFICATE_KEY_FILE)
}

/// The RFC 2253 subject of a DER-encoded certificate (what a TLS peer presents).
///
/// ```
/// # let der: &[u8] = &[];
/// // `der` is, for example, the first of `rustls::ServerConnection::peer_certificates()`
/// let subject = mongo_auth::tls::certificate_subject_der(der);
/// # assert!(subject.is_err());
/// ```
///
/// # Errors
///
/// [`TlsError::InvalidCertificateDer`] when the DER does not hold a certificate with a subject.
pub fn certificate_subject_der(certificate: &[u8]) -> Result<String, TlsError> {
    subject::rfc2253_subject(certificate)
        .map_err(|reason| TlsError::InvalidCertificateDer { reason })
}

impl TlsSettings {
    /// The RFC 2253 subject of the configured client certificate, or `None` when no client
    /// certificate is configured.
    ///
    /// # Errors
    ///
    /// As [`certificate_subject`].
    pub fn client_certificate_subject(&self) -> Result<Option<String>, TlsError> {
        self.client_certificate
            .as_ref()
            .map(|c| certificate_subject(&c.certificate_file))
            .transpose()
    }
}

#[cfg(test)]
mod tests;
