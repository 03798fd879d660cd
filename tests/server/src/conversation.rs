//! SASL conversations on the server side, and the plug-in point for mechanisms implemented
//! elsewhere (GSSAPI).
//!
//! `saslStart` dispatches on the mechanism name in [`crate::connection`]: SCRAM-SHA-1/256 and PLAIN
//! are built in; any other name is looked up among the [`SaslMechanism`]s registered with
//! [`ServerConfig::sasl_mechanism`](crate::ServerConfig::sasl_mechanism). A GSSAPI acceptor
//! implements [`SaslMechanism`] (name `"GSSAPI"`) and is registered there; when its conversation
//! finishes with a principal, the server authenticates the `$external` user of that name if the user
//! was created with [`User::gssapi`](crate::User::gssapi).

use std::fmt;

use bson::{Document, doc};

use crate::scram::{ScramConversation, ScramStep};
use crate::users::{Role, StoredUser};

/// A failed command, sent as `{ok: 0, errmsg, code, codeName}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CommandError {
    pub(crate) code: i32,
    pub(crate) code_name: &'static str,
    pub(crate) errmsg: String,
}

impl CommandError {
    pub(crate) fn new(code: i32, code_name: &'static str, errmsg: impl Into<String>) -> Self {
        Self {
            code,
            code_name,
            errmsg: errmsg.into(),
        }
    }

    /// What mongod answers for a wrong password and for an unknown user alike.
    pub(crate) fn authentication_failed() -> Self {
        Self::new(18, "AuthenticationFailed", "Authentication failed.")
    }

    pub(crate) fn to_document(&self) -> Document {
        doc! { "ok": 0.0, "errmsg": &self.errmsg, "code": self.code, "codeName": self.code_name }
    }
}

/// A user authenticated on a connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Authenticated {
    pub(crate) user: String,
    pub(crate) db: String,
    pub(crate) roles: Vec<Role>,
    /// The mechanism that authenticated the user.
    pub(crate) mechanism: String,
}

impl Authenticated {
    pub(crate) fn of(user: &StoredUser, mechanism: &str) -> Self {
        Self {
            user: user.name.clone(),
            db: user.db.clone(),
            roles: user.roles.clone(),
            mechanism: mechanism.to_owned(),
        }
    }
}

/// One step of a [`SaslConversation`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SaslStep {
    /// Send this payload with `done: false`; the client answers with `saslContinue`.
    Continue(Vec<u8>),
    /// The conversation succeeded: send this payload with `done: true` and authenticate the
    /// `$external` user named `principal`.
    Done {
        /// The last server payload (often empty).
        payload: Vec<u8>,
        /// The authenticated identity, for example `user@EXAMPLE.COM`.
        principal: String,
    },
    /// The conversation failed: the client receives `AuthenticationFailed`. The reason is for the
    /// server's own diagnostics and is not sent.
    Failed(String),
}

/// A conversation of a mechanism implemented outside this module.
pub trait SaslConversation: Send {
    /// Consumes the client's `saslContinue` payload.
    fn step(&mut self, payload: &[u8]) -> SaslStep;
}

/// A SASL mechanism implemented outside this module, registered with
/// [`ServerConfig::sasl_mechanism`](crate::ServerConfig::sasl_mechanism).
///
/// ```
/// use mongo_auth_test_server::{SaslConversation, SaslMechanism, SaslStep};
///
/// /// Accepts any client that sends its name in one payload (for illustration only).
/// struct Echo;
/// struct Done;
/// impl SaslConversation for Done {
///     fn step(&mut self, _payload: &[u8]) -> SaslStep {
///         SaslStep::Failed("already done".into())
///     }
/// }
/// impl SaslMechanism for Echo {
///     fn name(&self) -> &str {
///         "X-ECHO"
///     }
///     fn start(&self, payload: &[u8]) -> (Box<dyn SaslConversation>, SaslStep) {
///         let principal = String::from_utf8_lossy(payload).into_owned();
///         (Box::new(Done), SaslStep::Done { payload: Vec::new(), principal })
///     }
/// }
/// ```
pub trait SaslMechanism: Send + Sync {
    /// The mechanism's wire name, as the client sends it in `saslStart` (for example `"GSSAPI"`).
    fn name(&self) -> &str;
    /// Starts a conversation with the client's `saslStart` payload.
    fn start(&self, payload: &[u8]) -> (Box<dyn SaslConversation>, SaslStep);
}

/// The conversation a connection is in, between `saslStart` and the last `saslContinue`.
pub(crate) enum ServerConversation {
    Scram(Box<ScramConversation>),
    /// A registered mechanism (GSSAPI), with the database the conversation started on.
    Plugged {
        mechanism: String,
        db: String,
        conversation: Box<dyn SaslConversation>,
    },
}

impl fmt::Debug for ServerConversation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Scram(_) => f.write_str("Scram"),
            Self::Plugged { mechanism, .. } => write!(f, "Plugged({mechanism})"),
        }
    }
}

/// What one step of any conversation produced, in the server's terms.
pub(crate) enum Step {
    Continue(Vec<u8>),
    /// Done; `None` when a plugged mechanism named a principal that is not a user here.
    Done(Vec<u8>, Option<Authenticated>),
}

impl ServerConversation {
    /// Runs one `saslContinue` step. `find_external` resolves a plugged mechanism's principal to a
    /// stored user that has that mechanism.
    pub(crate) fn step(
        &mut self,
        payload: &[u8],
        find_external: impl FnOnce(&str, &str, &str) -> Option<Authenticated>,
    ) -> Result<Step, CommandError> {
        match self {
            Self::Scram(scram) => Ok(match scram.step(payload)? {
                ScramStep::Continue(p) => Step::Continue(p),
                ScramStep::Done(p, user) => Step::Done(p, Some(user)),
            }),
            Self::Plugged {
                mechanism,
                db,
                conversation,
            } => plugged_step(conversation.step(payload), mechanism, db, find_external),
        }
    }
}

/// Maps a plugged mechanism's step to the server's terms.
pub(crate) fn plugged_step(
    step: SaslStep,
    mechanism: &str,
    db: &str,
    find_external: impl FnOnce(&str, &str, &str) -> Option<Authenticated>,
) -> Result<Step, CommandError> {
    match step {
        SaslStep::Continue(p) => Ok(Step::Continue(p)),
        SaslStep::Done { payload, principal } => Ok(Step::Done(
            payload,
            find_external(db, &principal, mechanism),
        )),
        SaslStep::Failed(_) => Err(CommandError::authentication_failed()),
    }
}
