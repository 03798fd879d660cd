//! What a conversation starts from: the stream it runs on ([`Channel`]), the settings and the
//! hello's answer, the speculative first step, and the choice of mechanism.

use bson::Document;
use mongo_auth_core::{Credential, Mechanism};

use crate::mechanism::error::ConversationError;
use crate::mechanism::scram::{ScramClientFirst, ScramMechanism};
use crate::mechanism::x509::X509Client;

/// What is known about the stream a conversation runs on; it decides whether PLAIN may send its
/// password, whether MONGODB-CR may be negotiated, and whether the client certificate's subject is
/// the one the server sees.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Channel {
    /// Opened by the authenticator with TLS.
    OwnTls,
    /// Opened by the authenticator over TCP without TLS.
    OwnClear,
    /// A Unix socket opened by the authenticator: local, never TLS-wrapped.
    OwnSocket,
    /// The caller's stream, of unknown protection ([`Authenticator::authenticate`]).
    ///
    /// [`Authenticator::authenticate`]: crate::Authenticator::authenticate
    CallerStream,
    /// The caller's stream, asserted encrypted ([`Authenticator::authenticate_over_tls`]).
    ///
    /// [`Authenticator::authenticate_over_tls`]: crate::Authenticator::authenticate_over_tls
    CallerEncrypted,
}

impl Channel {
    pub(super) fn encrypted(self) -> bool {
        matches!(self, Channel::OwnTls | Channel::CallerEncrypted)
    }

    /// Encrypted, or a local socket nobody on the network can sit in the middle of.
    pub(super) fn private(self) -> bool {
        self.encrypted() || self == Channel::OwnSocket
    }
}

/// What a conversation needs from the configuration and the connection.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Settings<'a> {
    pub(crate) credential: &'a Credential,
    pub(crate) channel: Channel,
    /// `allow_plain_without_tls`.
    pub(crate) allow_plain_without_tls: bool,
    /// `max_scram_iterations`.
    pub(crate) max_scram_iterations: u32,
    /// The RFC 2253 subject of the client certificate this connection's own TLS presented.
    pub(crate) client_certificate_subject: Option<&'a str>,
    /// The host as connected to, `host:port` (GSSAPI's service principal names the host).
    #[cfg_attr(not(feature = "gssapi"), allow(dead_code))]
    pub(crate) host: &'a str,
}

/// What the hello reply said that the conversation uses.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ServerHello<'a> {
    pub(crate) max_wire_version: i32,
    pub(crate) sasl_supported_mechs: Option<&'a [String]>,
    /// The hello's `speculativeAuthenticate` document, when it had one.
    pub(crate) speculative_reply: Option<&'a Document>,
}

/// The first step of a conversation, carried in the hello (`speculativeAuthenticate`) and kept to
/// continue the conversation with the hello's reply.
#[derive(Debug)]
pub(crate) enum Speculation {
    Scram(ScramClientFirst),
    X509(X509Client),
    /// MONGODB-OIDC with the client cache's access token (never without one: the spec does not
    /// call a callback for the hello).
    Oidc(crate::mechanism::oidc::Token),
}

impl Speculation {
    /// The speculative first step for a credential: SCRAM (SHA-256 when negotiating) or X509;
    /// `None` for the mechanisms that cannot speculate.
    pub(crate) fn for_credential(
        credential: &Credential,
    ) -> Result<Option<Self>, ConversationError> {
        let scram = match credential.mechanism {
            None => ScramMechanism::Sha256,
            Some(Mechanism::ScramSha1) => ScramMechanism::Sha1,
            Some(Mechanism::ScramSha256) => ScramMechanism::Sha256,
            Some(Mechanism::MongodbX509) => {
                return Ok(Some(Speculation::X509(X509Client::new(
                    credential.username.as_deref(),
                ))));
            }
            Some(_) => return Ok(None),
        };
        let (Some(user), Some(password)) = (&credential.username, &credential.password) else {
            return Ok(None);
        };
        match ScramClientFirst::new(scram, user, password) {
            Ok(first) => Ok(Some(Speculation::Scram(first))),
            // A password SASLprep rejects: when negotiating, SHA-1 may still work, so do not
            // speculate.
            Err(ConversationError::Credential(_)) if credential.mechanism.is_none() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// MONGODB-OIDC's speculative step: the cached access token, when there is one.
    pub(crate) fn oidc(cached: Option<crate::mechanism::oidc::Token>) -> Option<Self> {
        cached.map(Speculation::Oidc)
    }

    /// The hello's `speculativeAuthenticate` document: the first command, with its database.
    pub(crate) fn command(&self, source: &str) -> Document {
        let mut command = match self {
            Speculation::Scram(first) => first.sasl_start(),
            Speculation::X509(x509) => x509.authenticate(),
            Speculation::Oidc(token) => crate::mechanism::oidc::jwt_sasl_start(token),
        };
        command.insert("db", source);
        command
    }

    pub(crate) fn mechanism(&self) -> Mechanism {
        match self {
            Speculation::Scram(first) => first.mechanism().mechanism(),
            Speculation::X509(_) => Mechanism::MongodbX509,
            Speculation::Oidc(_) => Mechanism::MongodbOidc,
        }
    }
}

/// The mechanism to use when the credential names none (the auth spec's default-mechanism rules;
/// MONGODB-CR for servers below wire version 3 that do not list mechanisms, as PyMongo 3.5.1 did).
pub(crate) fn negotiate(
    sasl_supported_mechs: Option<&[String]>,
    max_wire_version: i32,
) -> Mechanism {
    match sasl_supported_mechs {
        Some(mechs) if mechs.iter().any(|m| m == Mechanism::ScramSha256.as_str()) => {
            Mechanism::ScramSha256
        }
        Some(_) => Mechanism::ScramSha1,
        None if max_wire_version < 3 => Mechanism::MongodbCr,
        None => Mechanism::ScramSha1,
    }
}

/// The credential's mechanism, or the one negotiated from the hello, refusing a MONGODB-CR
/// downgrade over clear TCP.
pub(super) fn choose(
    settings: &Settings<'_>,
    server: ServerHello<'_>,
) -> Result<Mechanism, ConversationError> {
    if let Some(mechanism) = settings.credential.mechanism {
        crate::events::event!(
            debug,
            mechanism = mechanism.as_str(),
            reason = "configured",
            "mechanism chosen"
        );
        return Ok(mechanism);
    }
    let negotiated = negotiate(server.sasl_supported_mechs, server.max_wire_version);
    crate::events::event!(
        debug,
        mechanism = negotiated.as_str(),
        reason = if server.sasl_supported_mechs.is_some() {
            "negotiated from saslSupportedMechs"
        } else {
            "negotiated from the wire version (no saslSupportedMechs)"
        },
        "mechanism chosen"
    );
    if negotiated == Mechanism::MongodbCr && !settings.channel.private() {
        // Over clear TCP a man in the middle could play an old server and downgrade SCRAM to
        // MONGODB-CR: one MD5 per password guess off the wire.
        return Err(ConversationError::not_supported(
            "the server offers only MONGODB-CR (a server older than 3.0), which is negotiated only \
             over TLS or a Unix socket: over clear TCP a man in the middle could downgrade SCRAM \
             this way; if this really is an old server, ask for it by name with \
             authMechanism=MONGODB-CR, or enable TLS",
        ));
    }
    Ok(negotiated)
}
