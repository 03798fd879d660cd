//! The runtime error type: everything that can go wrong while connecting, shaking hands,
//! authenticating and running a command.

use std::fmt;
use std::time::Duration;

use mongo_auth_core::Mechanism;

use crate::reply::server_text;

pub use crate::mechanism::error::{
    AuthenticationError, CredentialError, NotSupported, ProtocolError, ProtocolViolation,
};

/// Why connecting, authenticating or running a command failed.
///
/// Wrong passwords and unknown users are the same kind ([`Error::Authentication`]): a server never
/// says which of the two it was, and neither does this type. A server that breaks the protocol (a
/// nonce that does not extend ours, too few iterations, a forged signature) is a
/// [`Error::Protocol`]; it is never reported as a wrong password.
///
/// No variant ever holds a password, a derived key or a proof.
///
/// ```
/// use mongo_auth::Error;
///
/// fn explain(err: &Error) -> &'static str {
///     match err {
///         Error::Authentication(_) => "check the user name, password and source",
///         Error::Protocol(_) => "the server broke the authentication protocol",
///         Error::Timeout(_) => "the server did not answer in time",
///         _ => "see the message",
///     }
/// }
/// # let _ = explain;
/// ```
#[non_exhaustive]
pub enum Error {
    /// The server refused the credential: wrong password, unknown user, or a mechanism the user
    /// has no credentials for.
    Authentication(AuthenticationError),
    /// The server broke the authentication protocol; the conversation was abandoned.
    Protocol(ProtocolError),
    /// A command (after authentication) answered `ok: 0`.
    Command(CommandError),
    /// The credential cannot be used as given (for example a SCRAM-SHA-256 password that SASLprep
    /// rejects).
    Credential(CredentialError),
    /// Reading from or writing to the connection failed.
    Io(std::io::Error),
    /// A deadline passed.
    Timeout(Timeout),
    /// A wire message could not be framed or parsed.
    Wire(crate::wire::WireError),
    /// The TLS connector could not be built or the TLS handshake failed.
    Tls(crate::tls::TlsError),
    /// `mongodb+srv` resolution failed.
    Dns(DnsError),
    /// GSSAPI (Kerberos) failed on the client's side: credentials, the service principal, the
    /// security context or the security layer.
    #[cfg(feature = "gssapi")]
    Gssapi(crate::mechanism::gssapi::error::GssapiError),
    /// The configuration asks for something this build or this server cannot do.
    NotSupported(NotSupported),
    /// No host of the configuration could be reached and authenticated against.
    NoReachableHost(NoReachableHost),
    /// A credential is configured but the server is a replica-set arbiter, which holds no users:
    /// the connection is refused rather than returned unauthenticated.
    Arbiter(ArbiterError),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Authentication(e) => e.fmt(f),
            Error::Protocol(e) => e.fmt(f),
            Error::Command(e) => e.fmt(f),
            Error::Credential(e) => e.fmt(f),
            Error::Io(e) => write!(f, "i/o error: {e}"),
            Error::Timeout(e) => e.fmt(f),
            Error::Wire(e) => write!(f, "wire protocol error: {e}"),
            Error::Tls(e) => write!(f, "tls error: {e}"),
            Error::Dns(e) => e.fmt(f),
            #[cfg(feature = "gssapi")]
            Error::Gssapi(e) => write!(f, "GSSAPI error: {e}"),
            Error::NotSupported(e) => e.fmt(f),
            Error::NoReachableHost(e) => e.fmt(f),
            Error::Arbiter(e) => e.fmt(f),
        }
    }
}

/// `Debug` prints what `Display` prints, because that is what `fn main() -> Result<(), Box<dyn
/// Error>>` shows; `{:#?}` shows the structure.
///
/// ```
/// let error = mongo_auth::Error::from(std::io::Error::other("connection reset"));
/// assert_eq!(format!("{error:?}"), "i/o error: connection reset");
/// assert!(format!("{error:#?}").starts_with("Io("));
/// ```
impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if f.alternate() {
            return match self {
                Error::Authentication(e) => f.debug_tuple("Authentication").field(e).finish(),
                Error::Protocol(e) => f.debug_tuple("Protocol").field(e).finish(),
                Error::Command(e) => f.debug_tuple("Command").field(e).finish(),
                Error::Credential(e) => f.debug_tuple("Credential").field(e).finish(),
                Error::Io(e) => f.debug_tuple("Io").field(e).finish(),
                Error::Timeout(e) => f.debug_tuple("Timeout").field(e).finish(),
                Error::Wire(e) => f.debug_tuple("Wire").field(e).finish(),
                Error::Tls(e) => f.debug_tuple("Tls").field(e).finish(),
                Error::Dns(e) => f.debug_tuple("Dns").field(e).finish(),
                #[cfg(feature = "gssapi")]
                Error::Gssapi(e) => f.debug_tuple("Gssapi").field(e).finish(),
                Error::NotSupported(e) => f.debug_tuple("NotSupported").field(e).finish(),
                Error::NoReachableHost(e) => f.debug_tuple("NoReachableHost").field(e).finish(),
                Error::Arbiter(e) => f.debug_tuple("Arbiter").field(e).finish(),
            };
        }
        // The causes' text is already part of it (`source()` gives them as values).
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io(e) => Some(e),
            Error::Wire(e) => Some(e),
            Error::Tls(e) => Some(e),
            #[cfg(feature = "gssapi")]
            Error::Gssapi(e) => Some(e),
            _ => None,
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Io(e)
    }
}

impl From<crate::mechanism::ConversationError> for Error {
    fn from(e: crate::mechanism::ConversationError) -> Self {
        use crate::mechanism::ConversationError;
        match e {
            ConversationError::Authentication(e) => Error::Authentication(e),
            ConversationError::Protocol(e) => Error::Protocol(e),
            ConversationError::Credential(e) => Error::Credential(e),
            ConversationError::NotSupported(e) => Error::NotSupported(e),
            ConversationError::Io(e) => Error::Io(e),
            #[cfg(feature = "gssapi")]
            ConversationError::Gssapi(e) => Error::Gssapi(e),
        }
    }
}

impl From<crate::wire::WireError> for Error {
    fn from(e: crate::wire::WireError) -> Self {
        Error::Wire(e)
    }
}

impl From<crate::tls::TlsError> for Error {
    fn from(e: crate::tls::TlsError) -> Self {
        Error::Tls(e)
    }
}

#[cfg(feature = "gssapi")]
impl From<crate::mechanism::gssapi::error::GssapiError> for Error {
    fn from(e: crate::mechanism::gssapi::error::GssapiError) -> Self {
        Error::Gssapi(e)
    }
}

impl Error {
    /// Whether this is the server refusing the credential (wrong password or unknown user).
    ///
    /// ```
    /// # fn check(err: mongo_auth::Error) {
    /// if err.is_authentication_failure() {
    ///     eprintln!("wrong user name or password: {err}");
    /// }
    /// # }
    /// ```
    pub fn is_authentication_failure(&self) -> bool {
        matches!(self, Error::Authentication(_))
    }

    pub(crate) fn protocol(mechanism: Option<Mechanism>, violation: ProtocolViolation) -> Self {
        Error::Protocol(ProtocolError {
            mechanism,
            violation,
        })
    }

    #[cfg(not(unix))]
    pub(crate) fn not_supported(what: impl Into<String>) -> Self {
        Error::NotSupported(NotSupported { what: what.into() })
    }
}

/// A credential is configured but the server answered hello as an arbiter (`arbiterOnly: true`).
/// Arbiters hold no users, so no authentication can happen there; rather than hand back a
/// connection that looks authenticated but is not, the handshake stops with this error.
///
/// ```
/// # fn check(err: mongo_auth::Error) {
/// if let mongo_auth::Error::Arbiter(e) = &err {
///     eprintln!("{} is an arbiter; list a data-bearing member", e.host);
/// }
/// # }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ArbiterError {
    /// The host that answered as an arbiter.
    pub host: String,
}

impl fmt::Display for ArbiterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} is an arbiter, which holds no users: connect to a data-bearing member of the \
             replica set",
            self.host
        )
    }
}

/// A command answered `ok: 0`.
///
/// ```
/// # fn check(err: mongo_auth::Error) {
/// if let mongo_auth::Error::Command(e) = &err {
///     eprintln!("{} failed with {} ({:?})", e.command, e.code, e.code_name);
/// }
/// # }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CommandError {
    /// The command's name (the first key of the command document).
    pub command: String,
    /// The server's error code (0 when it sent none).
    pub code: i32,
    /// The server's `codeName`, when it sent one.
    pub code_name: Option<String>,
    /// The server's `errmsg`.
    pub message: String,
}

impl CommandError {
    /// The error an `ok: 0` reply to `command` stands for: the reply's `code` (0 without one),
    /// `codeName` and `errmsg` (`fallback` without one).
    /// A command's reply as the result it stands for: the reply when it has an `ok` that says
    /// success, else the server's refusal as an [`Error::Command`] (`fallback` when the server
    /// gives no message).
    pub(crate) fn check(
        command: &str,
        reply: bson::Document,
        fallback: &str,
    ) -> Result<bson::Document, Error> {
        if crate::reply::reply_ok(&reply) && reply.contains_key("ok") {
            return Ok(reply);
        }
        Err(Error::Command(Self::from_reply(command, &reply, fallback)))
    }

    pub(crate) fn from_reply(command: &str, reply: &bson::Document, fallback: &str) -> Self {
        CommandError {
            command: command.to_owned(),
            code: crate::reply::reply_code(reply).unwrap_or(0),
            code_name: reply.get_str("codeName").ok().map(server_text),
            message: reply
                .get_str("errmsg")
                .map_or_else(|_| fallback.to_owned(), server_text),
        }
    }
}

impl fmt::Display for CommandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "command {} failed: {} (code {}",
            self.command, self.message, self.code
        )?;
        if let Some(name) = &self.code_name {
            write!(f, ", {name}")?;
        }
        f.write_str(")")
    }
}

/// Which deadline passed.
///
/// ```
/// # fn check(err: mongo_auth::Error) {
/// use mongo_auth::error::TimeoutPhase;
/// if let mongo_auth::Error::Timeout(t) = &err {
///     if t.phase == TimeoutPhase::Connect {
///         eprintln!("is the host reachable? {}", t.host);
///     }
/// }
/// # }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeoutPhase {
    /// The connection phase of one host — TCP, TLS, hello and authentication — bounded by
    /// `connectTimeoutMS` (10 s unless given).
    Connect,
    /// The same phase, when the handshake timeout (`handshake_timeout`) is the smaller bound.
    Handshake,
    /// One round trip of the handshake, bounded by `socketTimeoutMS`.
    Socket,
    /// `mongodb+srv` resolution.
    Dns,
    /// A command after the handshake ([`Connection::run_command`](crate::Connection::run_command),
    /// bounded by [`Connection::set_operation_timeout`](crate::Connection::set_operation_timeout)).
    Operation,
    /// `timeoutMS` (the client-side operation timeout): a connection phase, when it is nearer than
    /// `connectTimeoutMS`, or a whole command.
    TimeoutMs,
    /// A MONGODB-OIDC token source — a callback given in code, or a cloud metadata endpoint —
    /// did not answer in the time it was given; [`Timeout::host`] names it.
    Callback,
}

/// A deadline passed.
///
/// ```
/// # fn check(err: mongo_auth::Error) {
/// if let mongo_auth::Error::Timeout(t) = &err {
///     eprintln!("gave up after {:?}", t.after);
/// }
/// # }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Timeout {
    /// Which deadline.
    pub phase: TimeoutPhase,
    /// How long it was.
    pub after: Duration,
    /// The host being contacted.
    pub host: String,
}

impl fmt::Display for Timeout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.phase {
            TimeoutPhase::Connect => write!(
                f,
                "connecting to {} (TCP, TLS, hello and authentication) did not finish within {:?} \
                 (connectTimeoutMS); check that the host is a MongoDB server that answers, or raise \
                 connectTimeoutMS",
                self.host, self.after
            ),
            TimeoutPhase::Socket => write!(
                f,
                "{} did not answer within {:?} while shaking hands (socketTimeoutMS); check that \
                 the host is a MongoDB server that answers, or raise socketTimeoutMS",
                self.host, self.after
            ),
            TimeoutPhase::Handshake => write!(
                f,
                "the handshake with {} did not finish within {:?} (handshake timeout); the server \
                 stalled or is not a MongoDB server",
                self.host, self.after
            ),
            TimeoutPhase::Dns => write!(
                f,
                "resolving {} timed out after {:?}",
                self.host, self.after
            ),
            TimeoutPhase::Operation => write!(
                f,
                "{} did not answer a command within {:?} (operation timeout; raise it with \
                 Connection::set_operation_timeout); the connection is out of step with the server, \
                 open a new one",
                self.host, self.after
            ),
            TimeoutPhase::TimeoutMs => write!(
                f,
                "the work with {} did not finish within {:?} (timeoutMS); raise timeoutMS, or check \
                 that the host is a MongoDB server that answers",
                self.host, self.after
            ),
            TimeoutPhase::Callback => {
                write!(f, "{} gave no answer within {:?}", self.host, self.after)
            }
        }
    }
}

/// `mongodb+srv` resolution failed.
///
/// ```
/// # fn check(err: mongo_auth::Error) {
/// if let mongo_auth::Error::Dns(e) = &err {
///     eprintln!("check the SRV record: {e}");
/// }
/// # }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct DnsError {
    /// The name that was looked up.
    pub name: String,
    /// What went wrong.
    pub problem: String,
}

impl fmt::Display for DnsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "dns lookup of {} failed: {}", self.name, self.problem)
    }
}

/// No host could be reached and authenticated against; holds each host's error.
///
/// ```
/// # fn check(err: mongo_auth::Error) {
/// if let mongo_auth::Error::NoReachableHost(e) = &err {
///     for (host, error) in &e.attempts {
///         eprintln!("{host}: {error}");
///     }
/// }
/// # }
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub struct NoReachableHost {
    /// Each host tried, with why it failed.
    pub attempts: Vec<(String, Error)>,
}

impl fmt::Display for NoReachableHost {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.attempts.is_empty() {
            return f.write_str("no host to connect to (the configuration lists none)");
        }
        f.write_str("no host could be reached: ")?;
        for (i, (host, error)) in self.attempts.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{host}: {error}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reply::MAX_SERVER_TEXT;

    #[test]
    fn server_text_is_bounded_and_its_control_characters_escaped() {
        assert_eq!(
            server_text("Authentication failed."),
            "Authentication failed."
        );
        assert_eq!(
            server_text("bad\nuser: admin logged in\u{1b}[2J\u{202e}x"),
            "bad\\nuser: admin logged in\\u{1b}[2J\\u{202e}x"
        );
        let long = server_text(&"é".repeat(100_000));
        assert_eq!(
            long.chars().count(),
            MAX_SERVER_TEXT + "… (cut)".chars().count()
        );
        assert!(long.ends_with("… (cut)"));
        let refused = CommandError::from_reply(
            "ping",
            &bson::doc! { "ok": 0, "errmsg": "x".repeat(10_000), "codeName": "A\nB" },
            "",
        );
        assert!(refused.message.len() < 600);
        assert_eq!(refused.code_name.as_deref(), Some("A\\nB"));
    }

    #[test]
    fn errors_are_send_sync_and_static() {
        fn assert_traits<T: Send + Sync + 'static + std::error::Error>() {}
        assert_traits::<Error>();
    }

    #[test]
    fn debug_of_every_public_error_type_prints_its_display() {
        fn check(error: &(dyn std::error::Error + 'static)) {
            assert_eq!(format!("{error:?}"), error.to_string());
            assert!(!format!("{error:#?}").is_empty());
        }
        let wire = crate::wire::WireError::UnknownOpCode(7);
        let tls = crate::tls::TlsError::KeyPasswordMissing {
            path: "client.pem".into(),
        };
        check(&wire);
        check(&tls);
        check(&Error::from(crate::wire::WireError::MissingBody));
        check(&mongo_auth_core::UnknownMechanism(
            "SCRAM-SHA-512".to_owned(),
        ));
        check(&mongo_auth_core::InvalidCanonicalize(
            "sometimes".to_owned(),
        ));
        #[cfg(feature = "gssapi")]
        check(&crate::mechanism::gssapi::error::GssapiError::NotSupported);
        #[cfg(feature = "mongodb")]
        check(&crate::driver::DriverError::Refused(vec![
            crate::driver::Refusal::MongodbCr,
        ]));
        assert!(format!("{wire:#?}").starts_with("WireError("));
    }

    #[test]
    fn messages_are_lower_case_without_a_trailing_period() {
        let errors = [
            Error::protocol(
                Some(Mechanism::ScramSha256),
                ProtocolViolation::NonceNotExtended,
            ),
            Error::protocol(
                None,
                ProtocolViolation::IterationCountTooLow { iterations: 1 },
            ),
            Error::NotSupported(NotSupported { what: "x".into() }),
            Error::Timeout(Timeout {
                phase: TimeoutPhase::Handshake,
                after: Duration::from_secs(1),
                host: "h:1".into(),
            }),
            Error::NoReachableHost(NoReachableHost {
                attempts: Vec::new(),
            }),
        ];
        for error in errors {
            let text = error.to_string();
            assert!(!text.ends_with('.'), "{text}");
            let starts_well = text.starts_with(|c: char| c.is_lowercase())
                || Mechanism::ALL.iter().any(|m| text.starts_with(m.as_str()));
            assert!(starts_well, "{text}");
        }
    }
}
