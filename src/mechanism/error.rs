//! What can go wrong inside an authentication conversation, as [`ConversationError`]: the server
//! refused the credential, broke the protocol, the credential cannot be used, or the mechanism
//! cannot run here. The runtime's [`Error`](crate::Error) wraps each kind in the variant of the same
//! name; the kinds are public in `mongo_auth::error`.

use std::fmt;

use mongo_auth_core::Mechanism;

/// The server refused the credential.
///
/// ```
/// # fn check(err: mongo_auth::Error) {
/// if let mongo_auth::Error::Authentication(failure) = &err {
///     eprintln!("{} failed: {} (code {:?})", failure.mechanism, failure.message, failure.code);
/// }
/// # }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct AuthenticationError {
    /// The mechanism of the conversation that failed.
    pub mechanism: Mechanism,
    /// The server's error code (18 is `AuthenticationFailed`), when the server sent one.
    pub code: Option<i32>,
    /// The server's `codeName`, when it sent one.
    pub code_name: Option<String>,
    /// The server's text (`errmsg`, or the SCRAM `e=` attribute).
    pub message: String,
    /// What to check, from the client's side (for example the source the credential used).
    pub hint: Option<String>,
}

impl fmt::Display for AuthenticationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} authentication failed: {}",
            self.mechanism, self.message
        )?;
        match (&self.code_name, self.code) {
            (Some(name), Some(code)) => write!(f, " ({name}, code {code})"),
            (None, Some(code)) => write!(f, " (code {code})"),
            (Some(name), None) => write!(f, " ({name})"),
            (None, None) => Ok(()),
        }?;
        match &self.hint {
            Some(hint) => write!(f, "; {hint}"),
            None => Ok(()),
        }
    }
}

/// The server broke the authentication protocol.
///
/// ```
/// # fn check(err: mongo_auth::Error) {
/// use mongo_auth::error::ProtocolViolation;
/// if let mongo_auth::Error::Protocol(e) = &err {
///     if matches!(e.violation, ProtocolViolation::ServerSignatureMismatch) {
///         eprintln!("the server could not prove it knows the password");
///     }
/// }
/// # }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProtocolError {
    /// The mechanism of the conversation, if one had started.
    pub mechanism: Option<Mechanism>,
    /// What the server did wrong.
    pub violation: ProtocolViolation,
}

impl fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.mechanism {
            Some(m) => write!(
                f,
                "{m} protocol violation by the server: {}",
                self.violation
            ),
            None => write!(f, "protocol violation by the server: {}", self.violation),
        }
    }
}

/// What a server did that the authentication protocol forbids.
///
/// ```
/// use mongo_auth::error::ProtocolViolation;
/// let violation = ProtocolViolation::IterationCountTooLow { iterations: 1024 };
/// assert!(violation.to_string().contains("fewer than the minimum of 4096"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProtocolViolation {
    /// The SCRAM server nonce does not start with the client's nonce, or adds nothing to it.
    NonceNotExtended,
    /// The SCRAM iteration count is below the spec's minimum of 4096.
    IterationCountTooLow {
        /// The count the server sent.
        iterations: u32,
    },
    /// The SCRAM iteration count is above the configured ceiling.
    IterationCountTooHigh {
        /// The count the server sent.
        iterations: u32,
        /// The configured ceiling (`max_scram_iterations`).
        maximum: u32,
    },
    /// The server's SCRAM signature (`v=`) does not match the one the password gives.
    ServerSignatureMismatch,
    /// The server asked for a mandatory SCRAM extension (`m=`), which no client supports.
    MandatoryExtension,
    /// A SCRAM message could not be parsed.
    MalformedScramMessage {
        /// Which message (`server-first-message` or `server-final-message`).
        message: &'static str,
        /// What was wrong with it.
        problem: String,
    },
    /// A reply lacks a field the protocol requires, or has it with the wrong type.
    MalformedReply {
        /// The command that was answered.
        command: &'static str,
        /// What was wrong with the reply.
        problem: String,
    },
    /// The reply came with another opcode than the request's framing calls for (an OP_REPLY to an
    /// OP_MSG, or the reverse).
    UnexpectedReplyOpCode {
        /// The opcode of the reply.
        received: i32,
    },
    /// The SASL conversation did not finish when it had to (`done: true` never came).
    ConversationNotDone,
    /// The server said the conversation was done before the client could verify it.
    ConversationEndedEarly,
    /// The speculative authentication reply does not belong to the mechanism that was speculated.
    SpeculativeReplyMismatch,
    /// A step of a SASL conversation carries a `conversationId` other than the one the
    /// conversation started with.
    ConversationIdChanged,
}

impl fmt::Display for ProtocolViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProtocolViolation::NonceNotExtended => f.write_str(
                "the server nonce does not extend the client nonce (possible replay or man in the middle)",
            ),
            ProtocolViolation::IterationCountTooLow { iterations } => write!(
                f,
                "the server asked for {iterations} SCRAM iterations, fewer than the minimum of 4096 \
                 (possible downgrade attack)"
            ),
            ProtocolViolation::IterationCountTooHigh {
                iterations,
                maximum,
            } => write!(
                f,
                "the server asked for {iterations} SCRAM iterations, more than max_scram_iterations \
                 ({maximum}); raise max_scram_iterations if the server is trusted"
            ),
            ProtocolViolation::ServerSignatureMismatch => f.write_str(
                "the server signature does not match (the server does not know the password)",
            ),
            ProtocolViolation::MandatoryExtension => {
                f.write_str("the server requires an unsupported mandatory SCRAM extension (m=)")
            }
            ProtocolViolation::MalformedScramMessage { message, problem } => {
                write!(f, "malformed SCRAM {message}: {problem}")
            }
            ProtocolViolation::MalformedReply { command, problem } => {
                write!(f, "malformed reply to {command}: {problem}")
            }
            ProtocolViolation::UnexpectedReplyOpCode { received } => write!(
                f,
                "the reply has opcode {received}, not the one that answers the request's framing"
            ),
            ProtocolViolation::ConversationNotDone => {
                f.write_str("the SASL conversation did not finish (done: true never came)")
            }
            ProtocolViolation::ConversationEndedEarly => f.write_str(
                "the server ended the SASL conversation before the client could verify it",
            ),
            ProtocolViolation::SpeculativeReplyMismatch => f.write_str(
                "the speculative authentication reply does not match the speculated mechanism",
            ),
            ProtocolViolation::ConversationIdChanged => f.write_str(
                "a reply of the SASL conversation carries another conversationId than the one it \
                 started with",
            ),
        }
    }
}

/// The credential cannot be used as given.
///
/// ```
/// # fn check(err: mongo_auth::Error) {
/// if let mongo_auth::Error::Credential(e) = &err {
///     eprintln!("fix the credential: {e}");
/// }
/// # }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CredentialError {
    /// What is wrong and how to fix it (never the secret itself).
    pub problem: String,
}

impl fmt::Display for CredentialError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.problem)
    }
}

/// Something this build or this server cannot do.
///
/// ```
/// # fn check(err: mongo_auth::Error) {
/// if let mongo_auth::Error::NotSupported(e) = &err {
///     eprintln!("{e}");
/// }
/// # }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct NotSupported {
    /// What is not supported, and what to do instead.
    pub what: String,
}

impl fmt::Display for NotSupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.what)
    }
}

/// Why an authentication conversation stopped: what [`crate::mechanism`]'s steps return. The
/// runtime's [`Error`](crate::Error) holds each kind in the variant of the same name (`?` converts).
///
/// ```
/// use mongo_auth::mechanism::{ConversationError, SaslReply};
/// use mongo_auth::Mechanism;
/// let refused = bson::doc! { "ok": 0, "errmsg": "Authentication failed.", "code": 18 };
/// match SaslReply::parse(&refused, "saslStart", Mechanism::ScramSha256) {
///     Err(ConversationError::Authentication(failure)) => assert_eq!(failure.code, Some(18)),
///     other => panic!("{other:?}"),
/// }
/// ```
#[non_exhaustive]
pub enum ConversationError {
    /// The server refused the credential.
    Authentication(AuthenticationError),
    /// The server broke the authentication protocol.
    Protocol(ProtocolError),
    /// The credential cannot be used as given.
    Credential(CredentialError),
    /// The mechanism cannot run in this build or on this connection.
    NotSupported(NotSupported),
    /// The operating system could not provide what the conversation needs (random bytes for a
    /// nonce).
    Io(std::io::Error),
    /// GSSAPI failed on the client's side.
    #[cfg(feature = "gssapi")]
    Gssapi(crate::mechanism::gssapi::error::GssapiError),
}

impl ConversationError {
    /// Whether this is the server refusing the credential (wrong password or unknown user), as
    /// [`Error::is_authentication_failure`](crate::Error::is_authentication_failure).
    ///
    /// ```
    /// use mongo_auth::mechanism::x509::X509Client;
    /// let refused = bson::doc! { "ok": 0, "errmsg": "No verified subject", "code": 18 };
    /// assert!(X509Client::new(None).handle_reply(&refused).unwrap_err().is_authentication_failure());
    /// ```
    pub fn is_authentication_failure(&self) -> bool {
        matches!(self, ConversationError::Authentication(_))
    }

    pub(crate) fn protocol(mechanism: Option<Mechanism>, violation: ProtocolViolation) -> Self {
        ConversationError::Protocol(ProtocolError {
            mechanism,
            violation,
        })
    }

    pub(crate) fn not_supported(what: impl Into<String>) -> Self {
        ConversationError::NotSupported(NotSupported { what: what.into() })
    }

    pub(crate) fn credential(problem: impl Into<String>) -> Self {
        ConversationError::Credential(CredentialError {
            problem: problem.into(),
        })
    }
}

impl fmt::Display for ConversationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConversationError::Authentication(e) => e.fmt(f),
            ConversationError::Protocol(e) => e.fmt(f),
            ConversationError::Credential(e) => e.fmt(f),
            ConversationError::NotSupported(e) => e.fmt(f),
            ConversationError::Io(e) => write!(f, "i/o error: {e}"),
            #[cfg(feature = "gssapi")]
            ConversationError::Gssapi(e) => write!(f, "GSSAPI error: {e}"),
        }
    }
}

debug_shows_display!(ConversationError);

impl std::error::Error for ConversationError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ConversationError::Io(e) => Some(e),
            #[cfg(feature = "gssapi")]
            ConversationError::Gssapi(e) => Some(e),
            _ => None,
        }
    }
}

#[cfg(feature = "gssapi")]
impl From<crate::mechanism::gssapi::error::GssapiError> for ConversationError {
    fn from(e: crate::mechanism::gssapi::error::GssapiError) -> Self {
        ConversationError::Gssapi(e)
    }
}
