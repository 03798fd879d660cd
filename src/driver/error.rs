//! What can go wrong when a configuration is handed to the official driver: settings the driver
//! cannot express ([`Refusal`]), a TLS file this library's rules refuse, or the driver's own error.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use mongo_auth_core::Mechanism;

use crate::tls::TlsError;

/// The configuration could not be handed to the official `mongodb` driver.
///
/// Never holds a secret: refusals name settings and files, not passwords; the driver's own errors
/// redact credentials.
///
/// ```
/// use mongo_auth::driver::{DriverError, Refusal};
/// let config: mongo_auth::ClientConfig =
///     "mongodb://app:pencil@db/?authMechanism=MONGODB-CR&socketTimeoutMS=500".parse()?;
/// let DriverError::Refused(refusals) = config.to_driver_connection_string().unwrap_err() else {
///     unreachable!()
/// };
/// assert_eq!(refusals[0], Refusal::MongodbCr);
/// assert!(matches!(refusals[1], Refusal::SocketTimeout { .. }));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[non_exhaustive]
pub enum DriverError {
    /// Settings the driver cannot express, every one of them (never empty).
    Refused(Vec<Refusal>),
    /// A file named by a TLS option breaks this library's rules (the driver would have read it
    /// more loosely: it skips CA certificates that do not parse).
    Tls(TlsError),
    /// The driver refused the options or could not finish them (a `mongodb+srv` lookup, …).
    Driver(mongodb::error::Error),
}

impl DriverError {
    /// The refusals, if the configuration was refused for settings the driver cannot express.
    ///
    /// ```
    /// use mongo_auth::driver::Refusal;
    /// let config: mongo_auth::ClientConfig = "mongodb://app:pencil@db/?authMechanism=MONGODB-CR".parse()?;
    /// let error = config.to_driver_connection_string().unwrap_err();
    /// assert_eq!(error.refusals(), [Refusal::MongodbCr]);
    /// # Ok::<(), mongo_auth::ConfigError>(())
    /// ```
    pub fn refusals(&self) -> &[Refusal] {
        match self {
            DriverError::Refused(refusals) => refusals,
            _ => &[],
        }
    }
}

impl fmt::Display for DriverError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DriverError::Refused(refusals) => {
                f.write_str("the official mongodb driver cannot take this configuration: ")?;
                for (i, refusal) in refusals.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    write!(f, "{refusal}")?;
                }
                Ok(())
            }
            DriverError::Tls(error) => write!(f, "{error}"),
            DriverError::Driver(error) => write!(f, "the official mongodb driver: {error}"),
        }
    }
}

impl std::error::Error for DriverError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            DriverError::Refused(_) => None,
            DriverError::Tls(error) => Some(error),
            DriverError::Driver(error) => Some(error),
        }
    }
}

impl From<TlsError> for DriverError {
    fn from(error: TlsError) -> Self {
        DriverError::Tls(error)
    }
}

impl From<mongodb::error::Error> for DriverError {
    fn from(error: mongodb::error::Error) -> Self {
        DriverError::Driver(error)
    }
}

/// One setting the official driver cannot express. Each message names the setting and what to do
/// instead.
///
/// A [`DriverError::Refused`] lists every one of them, so all can be fixed at once.
///
/// ```
/// use std::time::Duration;
/// use mongo_auth::driver::Refusal;
/// let config: mongo_auth::ClientConfig =
///     "mongodb://db/?tls=true&tlsAllowInvalidHostnames=true&socketTimeoutMS=500".parse()?;
/// let error = config.to_driver_connection_string().unwrap_err();
/// let timeout = Duration::from_millis(500);
/// assert_eq!(error.refusals(), [Refusal::HostnameOnlyRelaxation, Refusal::SocketTimeout { timeout }]);
/// assert!(error.refusals()[1].to_string().starts_with("socketTimeoutMS (500 ms) is refused"));
/// # Ok::<(), mongo_auth::ConfigError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Refusal {
    /// MONGODB-CR: the driver refuses the mechanism when it authenticates.
    MongodbCr,
    /// MONGODB-AWS: this build of the driver has no `aws-auth` feature.
    AwsNotInDriver,
    /// GSSAPI: this build of the driver has no `gssapi-auth` feature.
    GssapiNotInDriver,
    /// A GSSAPI password: the driver ignores it on Unix and uses the Kerberos ticket cache.
    GssapiPassword,
    /// MONGODB-OIDC with an `ENVIRONMENT` the driver has no token provider for (`test`).
    OidcEnvironment {
        /// The `ENVIRONMENT` value.
        environment: String,
    },
    /// A mechanism this conversion does not know (added to the rulebook after it was written).
    Mechanism(Mechanism),
    /// PLAIN to a Unix socket without the clear-text opt-in: the driver does not TLS-wrap sockets
    /// and would send the password in clear.
    PlainOverUnixSocket {
        /// The socket.
        path: PathBuf,
    },
    /// A Unix socket on a platform where the driver has none.
    UnixSocketUnsupported {
        /// The socket.
        path: PathBuf,
    },
    /// `tlsCRLFile`: the driver's rustls TLS checks no revocation lists.
    CrlFile {
        /// The CRL file.
        path: PathBuf,
    },
    /// A private key in a file of its own: the driver reads certificate and key from one file.
    SeparateKeyFile {
        /// The key file.
        path: PathBuf,
    },
    /// `tlsCertificateKeyFilePassword` with a key that is not encrypted: the driver then refuses the
    /// file (it only reads `ENCRYPTED PRIVATE KEY` when a password is given).
    KeyPasswordWithoutEncryptedKey {
        /// The certificate-and-key file.
        path: PathBuf,
    },
    /// `tlsAllowInvalidHostnames` without `tlsAllowInvalidCertificates`: the driver's rustls TLS can
    /// only turn off every certificate check, not the hostname check alone.
    HostnameOnlyRelaxation,
    /// `socketTimeoutMS`: the driver refuses it.
    SocketTimeout {
        /// The timeout given.
        timeout: Duration,
    },
    /// `timeoutMS` (the client-side operation timeout): the driver does not read it.
    ClientSideTimeout {
        /// The timeout given; `None` for `timeoutMS=0`.
        timeout: Option<Duration>,
    },
    /// A handshake timeout other than the default: a setting of this library's runtime that the
    /// driver does not have.
    HandshakeTimeout {
        /// The timeout given.
        timeout: Duration,
    },
    /// A maximum SCRAM iteration count other than the default: a setting of this library's runtime
    /// that the driver does not have (it caps no iteration count).
    MaxScramIterations {
        /// The maximum given.
        iterations: u32,
    },
    /// `srvMaxHosts` beyond what the driver's `u32` holds.
    SrvMaxHosts {
        /// The value given.
        given: u64,
    },
    /// A Stable API version asked of [`ClientConfig::to_driver_connection_string`](crate::ClientConfig::to_driver_connection_string):
    /// the driver's `ConnectionString` has no field for it.
    ServerApiInConnectionString,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::MongodbCr => f.write_str(
                "MONGODB-CR is refused by the official driver when it authenticates: give the user \
                 SCRAM credentials and use SCRAM-SHA-256 or SCRAM-SHA-1, or connect with \
                 mongo_auth::connect, which still speaks MONGODB-CR",
            ),
            Refusal::AwsNotInDriver => f.write_str(
                "MONGODB-AWS needs the official driver's `aws-auth` feature, which this build does \
                 not have: add `mongodb = { version = \"3.9\", features = [\"aws-auth\"] }` to your \
                 Cargo.toml",
            ),
            Refusal::GssapiNotInDriver => f.write_str(
                "GSSAPI needs the official driver's `gssapi-auth` feature, which this build does not \
                 have: turn on mongo-auth's `gssapi` feature (it turns `gssapi-auth` on)",
            ),
            Refusal::GssapiPassword => f.write_str(
                "a GSSAPI password is ignored by the official driver on Unix (it only uses the \
                 Kerberos ticket cache): remove the password and get a ticket with `kinit` or a \
                 keytab (KRB5_CLIENT_KTNAME)",
            ),
            Refusal::OidcEnvironment { environment } => write!(
                f,
                "MONGODB-OIDC ENVIRONMENT:{environment} has no token provider in the official \
                 driver: use ENVIRONMENT:k8s, azure or gcp, or set the driver credential's \
                 oidc_callback in code"
            ),
            Refusal::Mechanism(mechanism) => write!(
                f,
                "{mechanism} has no mapping to the official driver in this version of mongo-auth: \
                 connect with mongo_auth::connect, or build the driver's Credential in code"
            ),
            Refusal::PlainOverUnixSocket { path } => write!(
                f,
                "PLAIN to the Unix socket `{}` would send the password in clear (the official \
                 driver does not TLS-wrap sockets): connect over TCP with TLS, or opt in to \
                 clear-text PLAIN explicitly (allow_plain_password_without_tls)",
                path.display()
            ),
            Refusal::UnixSocketUnsupported { path } => write!(
                f,
                "the Unix socket `{}` cannot be reached by the official driver on this platform: \
                 connect over TCP",
                path.display()
            ),
            Refusal::CrlFile { path } => write!(
                f,
                "tlsCRLFile (`{}`) is not checked by the official driver's rustls TLS: remove the \
                 CRL file, or connect with mongo_auth::connect, which checks it",
                path.display()
            ),
            Refusal::SeparateKeyFile { path } => write!(
                f,
                "a private key in a file of its own (`{}`) cannot be given to the official driver, \
                 which reads the certificate and its key from one file: put both in one PEM file \
                 and give it as tlsCertificateKeyFile",
                path.display()
            ),
            Refusal::KeyPasswordWithoutEncryptedKey { path } => write!(
                f,
                "tlsCertificateKeyFilePassword is given but the key in `{}` is not encrypted, and \
                 the official driver then refuses the file: remove the password, or encrypt the \
                 key as PKCS#8 (`ENCRYPTED PRIVATE KEY`)",
                path.display()
            ),
            Refusal::HostnameOnlyRelaxation => f.write_str(
                "tlsAllowInvalidHostnames without tlsAllowInvalidCertificates cannot be expressed \
                 with the official driver's rustls TLS (it can only turn off every certificate \
                 check): give the server a certificate for the name you connect to, or connect with \
                 mongo_auth::connect",
            ),
            Refusal::SocketTimeout { timeout } => write!(
                f,
                "socketTimeoutMS ({} ms) is refused by the official driver: remove it and bound \
                 operations in code (e.g. tokio::time::timeout)",
                timeout.as_millis()
            ),
            Refusal::ClientSideTimeout { timeout } => write!(
                f,
                "timeoutMS ({} ms) is not read by the official driver: remove it and bound \
                 operations in code (e.g. tokio::time::timeout), or connect with \
                 mongo_auth::connect, which enforces it",
                timeout.map_or(0, |timeout| timeout.as_millis())
            ),
            Refusal::HandshakeTimeout { timeout } => write!(
                f,
                "a handshake timeout of {} ms is a mongo-auth setting the official driver does not \
                 have: remove handshake_timeout (the driver bounds connecting with \
                 connectTimeoutMS and each operation with serverSelectionTimeoutMS)",
                timeout.as_millis()
            ),
            Refusal::MaxScramIterations { iterations } => write!(
                f,
                "max_scram_iterations ({iterations}) is a mongo-auth setting the official driver \
                 does not have (it caps no SCRAM iteration count): remove it, or connect with \
                 mongo_auth::connect, which enforces it"
            ),
            Refusal::SrvMaxHosts { given } => write!(
                f,
                "srvMaxHosts {given} is more than the official driver can hold ({}): give a smaller \
                 value, or 0 for no limit",
                u32::MAX
            ),
            Refusal::ServerApiInConnectionString => f.write_str(
                "a Stable API version has no place in the official driver's ConnectionString: use \
                 ClientConfig::to_driver_options, which sets it on the ClientOptions",
            ),
        }
    }
}

debug_shows_display!(DriverError);
