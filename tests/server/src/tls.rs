//! The server's TLS side: a rustls server configuration from PEM files, client certificates that are
//! not asked for, optional or required (verified against a CA file), and the accept step that hands
//! the connection handler the RFC 2253 subject of the client's certificate — the MONGODB-X509 user.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::server::WebPkiClientVerifier;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_rustls::TlsAcceptor;

/// A server-side TLS stream.
pub type ServerTlsStream<IO> = tokio_rustls::server::TlsStream<IO>;

/// Whether the server asks for a client certificate.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum ClientAuth {
    /// No client certificate is requested (MONGODB-X509 then fails with "no certificate").
    #[default]
    None,
    /// A client certificate is requested and verified if sent; clients without one are let in
    /// (mongod's `tlsAllowConnectionsWithoutCertificates`).
    Optional {
        /// The CA that must have issued client certificates.
        ca: PathBuf,
    },
    /// A client certificate issued by `ca` is required to connect.
    Required {
        /// The CA that must have issued client certificates.
        ca: PathBuf,
    },
}

/// The TLS settings of a conformance-server listener.
#[derive(Clone, Debug)]
pub struct TlsOptions {
    /// The server's certificate chain followed by its private key, in one PEM file.
    pub certificate_key_file: PathBuf,
    /// Whether and how client certificates are asked for.
    pub client_auth: ClientAuth,
}

fn invalid(path: &Path, what: &str, e: impl std::fmt::Display) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("{what} `{}`: {e}", path.display()),
    )
}

impl TlsOptions {
    /// Server TLS with this certificate and key and no client certificates.
    pub fn new(certificate_key_file: impl Into<PathBuf>) -> Self {
        Self {
            certificate_key_file: certificate_key_file.into(),
            client_auth: ClientAuth::None,
        }
    }

    /// Sets how client certificates are asked for.
    pub fn client_auth(mut self, client_auth: ClientAuth) -> Self {
        self.client_auth = client_auth;
        self
    }

    /// Builds the acceptor (reads the files once).
    pub fn acceptor(&self) -> io::Result<TlsAcceptor> {
        Ok(TlsAcceptor::from(Arc::new(self.server_config()?)))
    }

    /// Builds the rustls server configuration.
    pub fn server_config(&self) -> io::Result<rustls::ServerConfig> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let path = &self.certificate_key_file;
        let chain = CertificateDer::pem_file_iter(path)
            .map_err(|e| invalid(path, "server certificate file", e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| invalid(path, "server certificate file", e))?;
        if chain.is_empty() {
            return Err(invalid(path, "server certificate file", "no certificate"));
        }
        let key =
            PrivateKeyDer::from_pem_file(path).map_err(|e| invalid(path, "server key in", e))?;

        let verifier = match &self.client_auth {
            ClientAuth::None => WebPkiClientVerifier::no_client_auth(),
            ClientAuth::Optional { ca } | ClientAuth::Required { ca } => {
                let mut roots = rustls::RootCertStore::empty();
                for certificate in CertificateDer::pem_file_iter(ca)
                    .map_err(|e| invalid(ca, "client CA file", e))?
                {
                    let certificate = certificate.map_err(|e| invalid(ca, "client CA file", e))?;
                    roots
                        .add(certificate)
                        .map_err(|e| invalid(ca, "client CA file", e))?;
                }
                let builder =
                    WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider.clone());
                let builder = if matches!(self.client_auth, ClientAuth::Optional { .. }) {
                    builder.allow_unauthenticated()
                } else {
                    builder
                };
                builder
                    .build()
                    .map_err(|e| invalid(ca, "client CA file", e))?
            }
        };

        rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(io::Error::other)?
            .with_client_cert_verifier(verifier)
            .with_single_cert(chain, key)
            .map_err(|e| invalid(path, "server certificate and key in", e))
    }
}

/// Runs the TLS handshake on an accepted connection and returns the stream with the RFC 2253
/// subject of the client's certificate, if it presented one.
pub async fn accept<IO>(
    acceptor: &TlsAcceptor,
    stream: IO,
) -> io::Result<(ServerTlsStream<IO>, Option<String>)>
where
    IO: AsyncRead + AsyncWrite + Unpin,
{
    let tls = acceptor.accept(stream).await?;
    let subject = peer_subject(&tls)?;
    Ok((tls, subject))
}

/// The RFC 2253 subject of the client certificate of an established TLS connection.
pub fn peer_subject<IO>(tls: &ServerTlsStream<IO>) -> io::Result<Option<String>> {
    let Some(certificate) = tls.get_ref().1.peer_certificates().and_then(|c| c.first()) else {
        return Ok(None);
    };
    mongo_auth::tls::certificate_subject_der(certificate)
        .map(Some)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))
}
