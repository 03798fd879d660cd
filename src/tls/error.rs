//! TLS errors: each names the option, the file or host, and the fix.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use rustls::{AlertDescription, CertificateError};

use super::option;

/// Why TLS could not be set up or a TLS connection could not be made.
///
/// Messages name the option (`tlsCAFile`, `tlsCertificateKeyFile`, …) and what fixes the problem.
/// The key password never appears in them.
///
/// ```
/// use mongo_auth::Tls;
/// use mongo_auth::tls::{TlsConnector, TlsError};
/// // the connector reads the files when it is built (as `Authenticator::new` does)
/// let settings = Tls::enabled().ca_file("/nonexistent/ca.pem").into_settings();
/// let error = TlsConnector::new(&settings).unwrap_err();
/// assert!(matches!(error, TlsError::ReadFile { option: "tlsCAFile", .. }));
/// assert!(error.to_string().starts_with("cannot read tlsCAFile `/nonexistent/ca.pem`"));
/// ```
#[non_exhaustive]
pub enum TlsError {
    /// A file named by a TLS option could not be read.
    ReadFile {
        /// The option that names the file (`tlsCAFile`, `tlsCertificateKeyFile`, `tlsCRLFile`).
        option: &'static str,
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        source: io::Error,
    },
    /// A file named by a TLS option was read but holds nothing usable.
    InvalidFile {
        /// The option that names the file.
        option: &'static str,
        /// The file.
        path: PathBuf,
        /// What was wrong with it.
        problem: FileProblem,
    },
    /// The client key is encrypted and no `tlsCertificateKeyFilePassword` was given.
    KeyPasswordMissing {
        /// The file holding the encrypted key.
        path: PathBuf,
    },
    /// `tlsCertificateKeyFilePassword` did not decrypt the client key.
    KeyPasswordWrong {
        /// The file holding the encrypted key.
        path: PathBuf,
    },
    /// rustls refused the client certificate and key (for example, the key does not belong to the
    /// certificate, or its algorithm is not supported).
    ClientCertificate {
        /// The certificate file.
        path: PathBuf,
        /// What rustls reported.
        reason: String,
    },
    /// The verifier could not be built from the CA and CRL files.
    Verifier {
        /// What rustls reported.
        reason: String,
    },
    /// The host is neither a DNS name nor an IP address, so no certificate can be checked against it.
    InvalidHost {
        /// The host as given.
        host: String,
    },
    /// The server's certificate was rejected.
    ServerCertificate {
        /// The host connected to.
        host: String,
        /// What is wrong with the certificate.
        problem: CertificateProblem,
    },
    /// The server ended the handshake with a TLS alert.
    Refused {
        /// The host connected to.
        host: String,
        /// The alert the server sent.
        alert: AlertDescription,
        /// The configured client certificate file, if any.
        client_certificate: Option<PathBuf>,
    },
    /// The TLS handshake failed for another reason (connection closed, protocol error, I/O).
    Handshake {
        /// The host connected to.
        host: String,
        /// The underlying error.
        source: io::Error,
    },
    /// A DER certificate (for example one presented by a TLS peer) could not be read up to its
    /// subject.
    InvalidCertificateDer {
        /// What was malformed.
        reason: &'static str,
    },
}

/// What was wrong with a file named by a TLS option.
///
/// ```
/// use mongo_auth::Tls;
/// use mongo_auth::tls::{FileProblem, TlsConnector, TlsError};
/// let path = std::env::temp_dir().join("mongo-auth-doc-file-problem.pem");
/// std::fs::write(&path, "not a certificate")?;
/// let error = TlsConnector::new(&Tls::enabled().ca_file(&path).into_settings()).unwrap_err();
/// assert!(matches!(error, TlsError::InvalidFile { problem: FileProblem::NoCertificate, .. }));
/// # std::fs::remove_file(&path)?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FileProblem {
    /// No `-----BEGIN CERTIFICATE-----` section.
    NoCertificate,
    /// No private key section (`PRIVATE KEY`, `RSA PRIVATE KEY`, `EC PRIVATE KEY` or
    /// `ENCRYPTED PRIVATE KEY`).
    NoPrivateKey,
    /// No `-----BEGIN X509 CRL-----` section.
    NoCrl,
    /// The PEM structure itself is broken (bad base64, a section without its end line, …).
    MalformedPem(String),
    /// A certificate is not valid DER or not usable as a trust anchor.
    InvalidCertificate(String),
    /// A CRL could not be parsed.
    InvalidCrl(String),
    /// The key uses OpenSSL's legacy PEM encryption (`Proc-Type: 4,ENCRYPTED`).
    LegacyEncryptedKey,
    /// The encrypted key uses a scheme that is not supported (only PBES2 is).
    UnsupportedKeyEncryption(String),
}

/// What is wrong with the server's certificate.
///
/// It arrives in [`TlsError::ServerCertificate`], from [`TlsConnector::connect`] or, for an error
/// read from a TLS stream, from [`TlsConnector::describe_io_error`].
///
/// [`TlsConnector::connect`]: crate::tls::TlsConnector::connect
/// [`TlsConnector::describe_io_error`]: crate::tls::TlsConnector::describe_io_error
///
/// ```
/// use mongo_auth::Tls;
/// use mongo_auth::tls::{CertificateProblem, TlsConnector, TlsError};
/// use rustls::{CertificateError, Error::InvalidCertificate};
/// let connector = TlsConnector::new(&Tls::enabled().into_settings())?;
/// // how rustls reports a chain that leads to no trusted CA
/// let io = std::io::Error::other(InvalidCertificate(CertificateError::UnknownIssuer));
/// let error = connector.describe_io_error("db.example.com", io);
/// let TlsError::ServerCertificate { problem, .. } = error else { unreachable!() };
/// assert_eq!(problem, CertificateProblem::UnknownIssuer);
/// # Ok::<(), TlsError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CertificateProblem {
    /// Its chain does not lead to a trusted CA.
    UnknownIssuer,
    /// It (or a certificate in its chain) has expired.
    Expired,
    /// It is not valid yet.
    NotValidYet,
    /// It is not valid for the host name connected to.
    WrongHost {
        /// The names the certificate is valid for, when known.
        presented: Vec<String>,
    },
    /// It is listed as revoked in the CRL file.
    Revoked,
    /// No CRL in the CRL file covers its issuer.
    UnknownRevocationStatus,
    /// A CRL in the CRL file is past its next-update time.
    ExpiredCrl,
    /// A signature does not verify: the chain is not signed by the keys it names, or the server
    /// signed the handshake with a key that is not its certificate's.
    BadSignature,
    /// Something else (bad signature, bad encoding, wrong key usage, …).
    Other(String),
}

impl fmt::Display for FileProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoCertificate => f.write_str(
                "it holds no PEM certificate (expected a `-----BEGIN CERTIFICATE-----` section)",
            ),
            Self::NoPrivateKey => f.write_str(
                "it holds no private key (expected a `-----BEGIN PRIVATE KEY-----`, `RSA PRIVATE KEY`, \
                 `EC PRIVATE KEY` or `ENCRYPTED PRIVATE KEY` section; append the key to the \
                 certificate file or configure a key file)",
            ),
            Self::NoCrl => {
                f.write_str("it holds no CRL (expected a `-----BEGIN X509 CRL-----` section)")
            }
            Self::MalformedPem(reason) => write!(f, "it is not valid PEM: {reason}"),
            Self::InvalidCertificate(reason) => write!(f, "a certificate is invalid: {reason}"),
            Self::InvalidCrl(reason) => write!(f, "a CRL is invalid: {reason}"),
            Self::LegacyEncryptedKey => f.write_str(
                "the key uses legacy OpenSSL PEM encryption (`Proc-Type: 4,ENCRYPTED`), which is not \
                 supported; convert it to an encrypted PKCS#8 key with \
                 `openssl pkcs8 -topk8 -v2 aes-256-cbc -in key.pem -out key-pkcs8.pem`",
            ),
            Self::UnsupportedKeyEncryption(reason) => write!(
                f,
                "the key's encryption is not supported ({reason}); re-encrypt it with PBES2, for \
                 example `openssl pkcs8 -topk8 -v2 aes-256-cbc`"
            ),
        }
    }
}

impl fmt::Display for TlsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ReadFile {
                option,
                path,
                source,
            } => write!(
                f,
                "cannot read {option} `{}`: {source} (check the path and its permissions)",
                path.display()
            ),
            Self::InvalidFile {
                option,
                path,
                problem,
            } => write!(f, "{option} `{}` is unusable: {problem}", path.display()),
            Self::KeyPasswordMissing { path } => write!(
                f,
                "the private key in {} `{}` is encrypted: set {} to decrypt it",
                option::CERTIFICATE_KEY_FILE,
                path.display(),
                option::KEY_PASSWORD
            ),
            Self::KeyPasswordWrong { path } => write!(
                f,
                "{} does not decrypt the private key in `{}` (check the password, or that the \
                 file is not corrupt)",
                option::KEY_PASSWORD,
                path.display()
            ),
            Self::ClientCertificate { path, reason } => write!(
                f,
                "the client certificate in {} `{}` cannot be used: {reason}",
                option::CERTIFICATE_KEY_FILE,
                path.display()
            ),
            Self::Verifier { reason } => write!(
                f,
                "cannot build the TLS verifier from {} and {}: {reason}",
                option::CA_FILE,
                option::CRL_FILE
            ),
            Self::InvalidHost { host } => write!(
                f,
                "`{host}` is not a DNS name or IP address, so its TLS certificate cannot be checked"
            ),
            Self::ServerCertificate { host, problem } => {
                write!(f, "the TLS certificate of `{host}` ")?;
                match problem {
                    CertificateProblem::UnknownIssuer => write!(
                        f,
                        "is not signed by a trusted certificate authority (set {} to the CA that \
                         issued it, or tlsAllowInvalidCertificates=true to skip the check, which \
                         is dangerous)",
                        option::CA_FILE
                    ),
                    CertificateProblem::Expired => f.write_str(
                        "has expired (renew the server's certificate, or set \
                         tlsAllowInvalidCertificates=true to skip the check, which is dangerous)",
                    ),
                    CertificateProblem::NotValidYet => f.write_str(
                        "is not valid yet (check the clocks, or set \
                         tlsAllowInvalidCertificates=true to skip the check, which is dangerous)",
                    ),
                    CertificateProblem::WrongHost { presented } => {
                        f.write_str("is not valid for this host")?;
                        if !presented.is_empty() {
                            write!(f, " (it is valid for {})", presented.join(", "))?;
                        }
                        f.write_str(
                            "; connect with a name in the certificate, or set \
                             tlsAllowInvalidHostnames=true to skip only the host-name check, \
                             which is dangerous",
                        )
                    }
                    CertificateProblem::Revoked => {
                        write!(f, "has been revoked (it is listed in {})", option::CRL_FILE)
                    }
                    CertificateProblem::UnknownRevocationStatus => write!(
                        f,
                        "cannot be checked for revocation: no CRL in {} is from its issuer \
                         (add the issuer's CRL to the file)",
                        option::CRL_FILE
                    ),
                    CertificateProblem::ExpiredCrl => write!(
                        f,
                        "cannot be checked for revocation: a CRL in {} has expired (refresh it)",
                        option::CRL_FILE
                    ),
                    CertificateProblem::BadSignature => f.write_str(
                        "comes with a signature that does not verify (the server may not hold the \
                         certificate's private key; this is checked even with \
                         tlsAllowInvalidCertificates)",
                    ),
                    CertificateProblem::Other(reason) => write!(f, "is invalid: {reason}"),
                }
            }
            Self::Refused {
                host,
                alert,
                client_certificate,
            } => {
                write!(f, "`{host}` refused the TLS connection ({alert:?})")?;
                match (alert, client_certificate) {
                    (AlertDescription::CertificateRequired, _) => write!(
                        f,
                        ": the server requires a client certificate (set {})",
                        option::CERTIFICATE_KEY_FILE
                    ),
                    (AlertDescription::HandshakeFailure, None) => write!(
                        f,
                        ": the server may require a client certificate (set {})",
                        option::CERTIFICATE_KEY_FILE
                    ),
                    (
                        AlertDescription::UnknownCA
                        | AlertDescription::BadCertificate
                        | AlertDescription::CertificateUnknown
                        | AlertDescription::CertificateExpired
                        | AlertDescription::CertificateRevoked
                        | AlertDescription::DecryptError,
                        Some(path),
                    ) => write!(
                        f,
                        ": the server does not accept the client certificate in {} `{}` (use a \
                         certificate issued by a CA the server trusts, still valid)",
                        option::CERTIFICATE_KEY_FILE,
                        path.display()
                    ),
                    _ => Ok(()),
                }
            }
            Self::Handshake { host, source } => {
                write!(f, "TLS handshake with `{host}` failed: {source}")
            }
            Self::InvalidCertificateDer { reason } => {
                write!(f, "the certificate is not valid DER: {reason}")
            }
        }
    }
}

impl std::error::Error for TlsError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::ReadFile { source, .. } | Self::Handshake { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// The error for a client certificate and key that rustls refused.
pub(crate) fn client_certificate_error(path: &Path, error: &rustls::Error) -> TlsError {
    let reason = match error {
        rustls::Error::InconsistentKeys(rustls::InconsistentKeys::KeyMismatch) => {
            "the private key does not belong to the certificate".to_owned()
        }
        other => other.to_string(),
    };
    TlsError::ClientCertificate {
        path: path.to_owned(),
        reason,
    }
}

/// Classifies an I/O error from a TLS handshake or stream.
pub(crate) fn describe_io_error(
    host: &str,
    error: io::Error,
    client_certificate: Option<&Path>,
) -> TlsError {
    let host = host.to_owned();
    let Some(tls) = error
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
    else {
        return TlsError::Handshake {
            host,
            source: error,
        };
    };
    match tls {
        rustls::Error::InvalidCertificate(problem) => TlsError::ServerCertificate {
            host,
            problem: certificate_problem(problem),
        },
        rustls::Error::AlertReceived(alert) => TlsError::Refused {
            host,
            alert: *alert,
            client_certificate: client_certificate.map(Path::to_owned),
        },
        _ => TlsError::Handshake {
            host,
            source: error,
        },
    }
}

fn certificate_problem(error: &CertificateError) -> CertificateProblem {
    match error {
        CertificateError::UnknownIssuer => CertificateProblem::UnknownIssuer,
        CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
            CertificateProblem::Expired
        }
        CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
            CertificateProblem::NotValidYet
        }
        CertificateError::NotValidForName => CertificateProblem::WrongHost {
            presented: Vec::new(),
        },
        CertificateError::NotValidForNameContext { presented, .. } => {
            CertificateProblem::WrongHost {
                presented: presented.clone(),
            }
        }
        CertificateError::Revoked => CertificateProblem::Revoked,
        CertificateError::BadSignature => CertificateProblem::BadSignature,
        CertificateError::UnknownRevocationStatus => CertificateProblem::UnknownRevocationStatus,
        CertificateError::ExpiredRevocationList
        | CertificateError::ExpiredRevocationListContext { .. } => CertificateProblem::ExpiredCrl,
        other => CertificateProblem::Other(format!("{other:?}")),
    }
}

debug_shows_display!(TlsError);
