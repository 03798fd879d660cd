//! What can go wrong in a GSSAPI conversation, with the GSSAPI library's own status text.

use std::fmt;

/// A GSSAPI status: the major and minor codes and the library's text for both
/// (`gss_display_status`), captured when the call failed.
///
/// ```
/// use mongo_auth::gssapi::GssStatus;
/// let status = GssStatus::new(0x000d_0000, 2_529_638_919, "Unspecified GSS failure. (Server not found)");
/// assert_eq!(status.major(), 0x000d_0000);
/// assert!(status.to_string().contains("Server not found"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GssStatus {
    major: u32,
    minor: u32,
    message: String,
}

impl GssStatus {
    /// A status from its codes and text.
    pub fn new(major: u32, minor: u32, message: impl Into<String>) -> Self {
        Self {
            major,
            minor,
            message: message.into(),
        }
    }

    /// The GSS-API major status code.
    pub fn major(&self) -> u32 {
        self.major
    }

    /// The mechanism's (Kerberos') minor status code.
    pub fn minor(&self) -> u32 {
        self.minor
    }

    /// The library's text for both codes.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for GssStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (major {:#x}, minor {})",
            self.message.trim_end(),
            self.major,
            self.minor
        )
    }
}

/// Where the client's Kerberos credentials were to come from.
///
/// It tells the two [`GssapiError::Credentials`] failures apart, and so what the user should do:
///
/// ```
/// use mongo_auth::gssapi::{CredentialSource, GssStatus, GssapiError};
/// fn advice(error: &GssapiError) -> &'static str {
///     match error {
///         GssapiError::Credentials { source: CredentialSource::TicketCache, .. } => "run kinit",
///         GssapiError::Credentials { source: CredentialSource::Password, .. } => "check the password",
///         _ => "see the message",
///     }
/// }
/// let status = GssStatus::new(0x0007_0000, 0, "No credentials were supplied");
/// let source = CredentialSource::TicketCache;
/// let error = GssapiError::Credentials { principal: "mongodbuser@EXAMPLE.COM".into(), source, status };
/// assert_eq!(advice(&error), "run kinit");
/// assert!(error.to_string().contains("run `kinit mongodbuser@EXAMPLE.COM`"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CredentialSource {
    /// The ticket cache (`kinit`, `KRB5CCNAME`).
    TicketCache,
    /// The password in the configuration (an initial ticket is requested from the KDC into a
    /// private in-memory cache).
    Password,
}

/// Why a GSSAPI (Kerberos) authentication failed on the client's side.
///
/// Refusals by the server (`ok: 0`) are not this type: they are the runtime's authentication
/// error. No variant holds the password.
///
/// ```
/// # fn check(err: mongo_auth::gssapi::GssapiError) {
/// use mongo_auth::gssapi::GssapiError;
/// match &err {
///     GssapiError::Credentials { principal, .. } => eprintln!("kinit {principal}, then retry"),
///     GssapiError::SecurityContext { service_principal, .. } => {
///         eprintln!("is {service_principal} the server's principal?")
///     }
///     _ => eprintln!("{err}"),
/// }
/// # }
/// ```
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum GssapiError {
    /// This platform has no GSSAPI support in this library (Windows SSPI is not implemented).
    NotSupported,
    /// The credential has no user name; GSSAPI needs the client principal.
    MissingUsername,
    /// A principal name could not be imported.
    BadName {
        /// The name as given.
        name: String,
        /// The library's status.
        status: GssStatus,
    },
    /// The client's Kerberos credentials could not be acquired.
    Credentials {
        /// The client principal (the credential's user name).
        principal: String,
        /// Where they were to come from.
        source: CredentialSource,
        /// The library's status.
        status: GssStatus,
    },
    /// Establishing the security context with the service failed (unknown service principal,
    /// expired ticket, KDC unreachable, a token the library rejects).
    SecurityContext {
        /// The service principal the client asked a ticket for.
        service_principal: String,
        /// The library's status.
        status: GssStatus,
    },
    /// The server's security-layer message could not be unwrapped, or the client's reply wrapped.
    Wrap {
        /// `"unwrap"` or `"wrap"`.
        operation: &'static str,
        /// The library's status.
        status: GssStatus,
    },
    /// The server's security-layer offer is malformed or does not offer "no security layer".
    SecurityLayer {
        /// What is wrong with it.
        problem: String,
    },
    /// The server sent another step after the conversation had finished on the client's side.
    ConversationFinished,
    /// A blocking GSSAPI call could not complete on its worker thread.
    Worker {
        /// What happened to the worker.
        problem: String,
    },
}

impl fmt::Display for GssapiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GssapiError::NotSupported => f.write_str(
                "GSSAPI is not supported on this platform (mongo-auth implements Kerberos through \
                 MIT or Heimdal GSSAPI on Unix; use another authMechanism here)",
            ),
            GssapiError::MissingUsername => f.write_str(
                "GSSAPI needs a user name: the Kerberos principal, e.g. mongodbuser@EXAMPLE.COM \
                 (set it in the connection string as mongodbuser%40EXAMPLE.COM@host)",
            ),
            GssapiError::BadName { name, status } => {
                write!(f, "GSSAPI cannot use the name `{name}`: {status}")
            }
            GssapiError::Credentials {
                principal,
                source: CredentialSource::TicketCache,
                status,
            } => write!(
                f,
                "no usable Kerberos ticket for {principal} in the ticket cache: {status} (run \
                 `kinit {principal}` or set KRB5CCNAME, or give the password in the credential)"
            ),
            GssapiError::Credentials {
                principal,
                source: CredentialSource::Password,
                status,
            } => write!(
                f,
                "could not get a Kerberos ticket for {principal} with the configured password: \
                 {status} (check the password and that the KDC in KRB5_CONFIG is reachable)"
            ),
            GssapiError::SecurityContext {
                service_principal,
                status,
            } => write!(
                f,
                "GSSAPI could not establish a security context with {service_principal}: {status} \
                 (check SERVICE_NAME, SERVICE_HOST, SERVICE_REALM and CANONICALIZE_HOST_NAME in \
                 authMechanismProperties, and that the client's ticket is valid)"
            ),
            GssapiError::Wrap { operation, status } => write!(
                f,
                "GSSAPI could not {operation} the security-layer message: {status}"
            ),
            GssapiError::SecurityLayer { problem } => {
                write!(f, "the server's GSSAPI security-layer offer {problem}")
            }
            GssapiError::ConversationFinished => f.write_str(
                "the server continued the GSSAPI conversation after the client's security-layer \
                 reply",
            ),
            GssapiError::Worker { problem } => {
                write!(f, "the GSSAPI worker thread failed: {problem}")
            }
        }
    }
}

impl std::error::Error for GssapiError {}

debug_shows_display!(GssapiError);
