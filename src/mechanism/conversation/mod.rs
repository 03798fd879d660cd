//! One authentication conversation, sans-IO, from the hello's speculative step to the last reply:
//! which mechanism runs, the SASL envelope around its messages (`saslStart`, `conversationId`, the
//! `done` flags, the long SCRAM conversation of servers that do not skip the empty exchange), and
//! the hint added to a refusal. It never touches a socket, a thread or a clock: each step says what
//! the caller does next ([`Next`]) and takes the result back.
//!
//! The caller's loop (the [`Authenticator`](crate::Authenticator)'s, in short):
//!
//! ```text
//! let (mut conversation, mut next) = Conversation::start(settings, server, speculation)?;
//! loop {
//!     next = match next {
//!         Next::Send(command)   => conversation.reply(round_trip(command)?)?,
//!         Next::DeriveKeys(req) => conversation.keys(&derive_off_thread(req)?)?,
//!         Next::Gssapi(call)    => conversation.gssapi(run_on_blocking_pool(call)?)?,
//!         Next::Done(outcome)   => break outcome,
//!     }
//! }
//! ```

use bson::{Bson, Document};
use mongo_auth_core::{Mechanism, Password};

mod hint;
mod setup;

use hint::hint;
use setup::choose;
pub(crate) use setup::{Channel, ServerHello, Settings, Speculation, negotiate};

use super::aws::{AwsClient, AwsCredentials};
use super::cr::{CrAuthenticate, CrClient};
use super::error::{ConversationError, ProtocolViolation};
use super::oidc::{IdpInfo, Token, TokenAnswer, TokenRequest};
use super::plain::PlainClient;
use super::scram::{
    ScramClientFinal, ScramClientFirst, ScramKeyRequest, ScramKeys, ScramMechanism,
};
use super::x509::X509Client;
use super::{SPECULATIVE, SaslReply, same_conversation, sasl_continue};

/// How many times one MONGODB-OIDC authentication asks for another token after a refusal (a cached
/// access token, then one from a refresh token, then a fresh one).
const MAX_OIDC_RETRIES: u8 = 2;

/// A command for the credential's source database.
#[derive(Debug)]
pub(crate) struct Command {
    pub(crate) document: Document,
    /// The command carries a secret (a password, a proof, a digest): zero it once it is sent.
    pub(crate) secret: bool,
}

/// What the caller does next.
#[derive(Debug)]
pub(crate) enum Next {
    /// Send the command to the credential's source and hand the reply to
    /// [`Conversation::reply`].
    Send(Command),
    /// Derive the SCRAM keys (PBKDF2: off the async threads, through the key cache) and hand them
    /// to [`Conversation::keys`].
    DeriveKeys(ScramKeyRequest),
    /// Look up the AWS credentials (the environment) and hand them, with the current time, to
    /// [`Conversation::aws_credentials`].
    AwsCredentials,
    /// Get a MONGODB-OIDC access token (the cache, a built-in environment, a callback) and hand
    /// it to [`Conversation::oidc_token`].
    OidcToken(TokenRequest),
    /// Run the GSSAPI call (it blocks: the KDC, DNS) and hand its result to
    /// [`Conversation::gssapi`].
    #[cfg(feature = "gssapi")]
    Gssapi(super::gssapi::BlockingCall),
    /// The conversation succeeded.
    Done(Outcome),
}

/// How a conversation ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Outcome {
    pub(crate) mechanism: Mechanism,
    /// The user the server authenticated, when the mechanism says (MONGODB-X509).
    pub(crate) user: Option<String>,
}

/// Where a conversation stands.
enum State {
    /// `saslStart` with the SCRAM client-first message was sent.
    ScramStarted(ScramClientFirst),
    /// The server-first message was checked; the keys are being derived.
    ScramKeys {
        conversation_id: Bson,
        server_first: super::scram::ScramServerFirst,
    },
    /// The client-final message was sent.
    ScramFinal {
        conversation_id: Bson,
        client_final: ScramClientFinal,
    },
    /// The client's last message was sent (SCRAM's empty exchange, MONGODB-AWS's signed request):
    /// the server must answer `done: true`.
    LastMessageSent { conversation_id: Bson },
    /// PLAIN's `saslStart` was sent.
    Plain(PlainClient),
    /// `getnonce` was sent.
    CrNonce(CrClient),
    /// MONGODB-CR's `authenticate` was sent.
    CrAuthenticate(CrAuthenticate),
    /// MONGODB-X509's `authenticate` was sent.
    X509(X509Client),
    /// MONGODB-AWS waits for its credentials.
    AwsCredentials,
    /// MONGODB-AWS's `saslStart` was sent.
    AwsStarted {
        client: AwsClient,
        credentials: AwsCredentials,
        unix_seconds: u64,
    },
    /// A GSSAPI call or command is under way.
    #[cfg(feature = "gssapi")]
    Gssapi(super::gssapi::SaslState),
    /// MONGODB-OIDC waits for a token; `conversation_id` once the server sent its `IdpInfo`.
    OidcToken {
        conversation_id: Option<Bson>,
        retries: u8,
    },
    /// MONGODB-OIDC's two-step `saslStart {n}` was sent.
    OidcPrincipal { retries: u8 },
    /// MONGODB-OIDC's `{jwt}` was sent, in `saslStart` (one step) or `saslContinue` (two steps).
    OidcJwt {
        conversation_id: Option<Bson>,
        token: Token,
        may_retry: bool,
        retries: u8,
    },
    /// Finished, or abandoned after an error.
    Over,
}

/// One authentication conversation; see the module docs for the loop that drives it.
pub(crate) struct Conversation<'a> {
    settings: Settings<'a>,
    mechanism: Mechanism,
    state: State,
    /// The server honours SCRAM's `skipEmptyExchange` (MongoDB 4.4+, wire version 9): the reply
    /// to the client-final message ends the conversation.
    skips_empty_exchange: bool,
}

impl std::fmt::Debug for Conversation<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Conversation")
            .field("mechanism", &self.mechanism)
            .finish_non_exhaustive()
    }
}

impl<'a> Conversation<'a> {
    /// Chooses the mechanism (the credential's, or negotiated from the hello) and takes the first
    /// step: the speculative reply when the hello carried the mechanism's first message and the
    /// server answered it, the first command otherwise.
    pub(crate) fn start(
        settings: Settings<'a>,
        server: ServerHello<'_>,
        speculation: Option<Speculation>,
    ) -> Result<(Self, Next), ConversationError> {
        let mechanism = choose(&settings, server)?;
        let mut conversation = Conversation {
            settings,
            mechanism,
            state: State::Over,
            skips_empty_exchange: server.max_wire_version >= 9,
        };
        // The speculative reply is used only for the mechanism that was speculated.
        let speculation = speculation.filter(|s| s.mechanism() == mechanism);
        let speculative_reply = server.speculative_reply.filter(|_| speculation.is_some());
        let next = conversation
            .first(speculation, speculative_reply, server.max_wire_version)
            .map_err(|e| conversation.explain(e))?;
        Ok((conversation, next))
    }

    /// Whether the reply to the last [`Next::Send`] command is expected to end the conversation
    /// (its `done: true`, or a refusal): the client has nothing more to send unless the server
    /// departs from the protocol. What may follow that command in the same write
    /// ([`crate::Authenticator::connect_and_ping`]) is decided by this.
    pub(crate) fn awaits_last_reply(&self) -> bool {
        match &self.state {
            State::ScramFinal { .. } => self.skips_empty_exchange,
            // MONGODB-OIDC's `{jwt}` ends the conversation unless the server refuses the token;
            // a retry with a new token is a new last message, and any ping goes again with it
            State::LastMessageSent { .. }
            | State::Plain(_)
            | State::CrAuthenticate(_)
            | State::X509(_)
            | State::OidcJwt { .. } => true,
            // GSSAPI's security-layer reply, once the context is established
            #[cfg(feature = "gssapi")]
            State::Gssapi(sasl) => sasl.sends_last_message(),
            _ => false,
        }
    }

    /// Takes the reply to the last [`Next::Send`] command.
    pub(crate) fn reply(&mut self, reply: &Document) -> Result<Next, ConversationError> {
        let state = std::mem::replace(&mut self.state, State::Over);
        self.on_reply(state, reply).map_err(|e| self.explain(e))
    }

    /// Takes the keys a [`Next::DeriveKeys`] asked for.
    pub(crate) fn keys(&mut self, keys: &ScramKeys) -> Result<Next, ConversationError> {
        let State::ScramKeys {
            conversation_id,
            server_first,
        } = std::mem::replace(&mut self.state, State::Over)
        else {
            return Err(out_of_order());
        };
        let client_final = server_first.handle_keys(keys);
        let document = sasl_continue(&conversation_id, client_final.message());
        self.state = State::ScramFinal {
            conversation_id,
            client_final,
        };
        // The client-final message carries the proof.
        Ok(send_secret(document))
    }

    /// Takes the credentials a [`Next::AwsCredentials`] asked for, and the time to sign at
    /// (seconds since the Unix epoch, UTC).
    pub(crate) fn aws_credentials(
        &mut self,
        credentials: AwsCredentials,
        unix_seconds: u64,
    ) -> Result<Next, ConversationError> {
        let State::AwsCredentials = std::mem::replace(&mut self.state, State::Over) else {
            return Err(out_of_order());
        };
        let client = AwsClient::new()?;
        let document = client.sasl_start();
        self.state = State::AwsStarted {
            client,
            credentials,
            unix_seconds,
        };
        Ok(send(document))
    }

    /// Takes the token a [`Next::OidcToken`] asked for.
    pub(crate) fn oidc_token(&mut self, answer: TokenAnswer) -> Result<Next, ConversationError> {
        let State::OidcToken {
            conversation_id,
            retries,
        } = std::mem::replace(&mut self.state, State::Over)
        else {
            return Err(out_of_order());
        };
        Ok(match (answer, conversation_id) {
            (TokenAnswer::Jwt { token, may_retry }, None) => {
                let document = super::oidc::jwt_sasl_start(&token);
                self.state = State::OidcJwt {
                    conversation_id: None,
                    token,
                    may_retry,
                    retries,
                };
                send_secret(document)
            }
            (TokenAnswer::Jwt { token, .. }, Some(conversation_id)) => {
                let document = sasl_continue(&conversation_id, &super::oidc::jwt_payload(&token));
                self.state = State::OidcJwt {
                    conversation_id: Some(conversation_id),
                    token,
                    // a token from the human callback right after IdpInfo is fresh
                    may_retry: false,
                    retries,
                };
                send_secret(document)
            }
            (TokenAnswer::PrincipalFirst, None) => {
                let document =
                    super::oidc::principal_sasl_start(self.settings.credential.username.as_deref());
                self.state = State::OidcPrincipal { retries };
                send(document)
            }
            (TokenAnswer::PrincipalFirst, Some(_)) => return Err(out_of_order()),
        })
    }

    /// Takes the result of a [`Next::Gssapi`] call.
    #[cfg(feature = "gssapi")]
    pub(crate) fn gssapi(
        &mut self,
        done: super::gssapi::BlockingDone,
    ) -> Result<Next, ConversationError> {
        let State::Gssapi(sasl) = std::mem::replace(&mut self.state, State::Over) else {
            return Err(out_of_order());
        };
        let (sasl, next) = sasl.called(done)?;
        Ok(self.gssapi_next(sasl, next))
    }

    fn first(
        &mut self,
        speculation: Option<Speculation>,
        speculative_reply: Option<&Document>,
        max_wire_version: i32,
    ) -> Result<Next, ConversationError> {
        let mechanism = self.mechanism;
        let credential = self.settings.credential;
        match mechanism {
            Mechanism::ScramSha1 | Mechanism::ScramSha256 => {
                let scram =
                    ScramMechanism::from_mechanism(mechanism).unwrap_or(ScramMechanism::Sha256);
                let (user, password) = self.username_and_password()?;
                match (speculation, speculative_reply) {
                    (Some(Speculation::Scram(first)), Some(reply)) => {
                        let server_first = SaslReply::parse(reply, SPECULATIVE, mechanism)?;
                        self.scram_server_first(first, server_first)
                    }
                    (Some(Speculation::Scram(first)), None) => Ok(self.scram_start(first)),
                    _ => {
                        let first = ScramClientFirst::new(scram, user, password)?;
                        Ok(self.scram_start(first))
                    }
                }
            }
            Mechanism::Plain => {
                let (user, password) = self.username_and_password()?;
                self.check_plain_channel()?;
                let plain = PlainClient::new(user, password);
                // The payload holds the password in clear.
                let document = plain.sasl_start();
                self.state = State::Plain(plain);
                Ok(send_secret(document))
            }
            Mechanism::MongodbCr => {
                let (user, password) = self.username_and_password()?;
                let cr = CrClient::new(user, password);
                let document = cr.getnonce();
                self.state = State::CrNonce(cr);
                Ok(send(document))
            }
            Mechanism::MongodbX509 => {
                if let (Some(Speculation::X509(x509)), Some(reply)) =
                    (speculation, speculative_reply)
                {
                    let user = x509.handle_speculative_reply(reply)?;
                    return Ok(self.done(user));
                }
                // Servers before 3.4 (wire version 5) require the user name, which is the subject
                // of the certificate: when none was given, it is taken from the certificate this
                // connection's own TLS presented (a caller's stream may carry another).
                let subject = match (&credential.username, self.settings.channel) {
                    (None, Channel::OwnTls) if max_wire_version < 5 => {
                        self.settings.client_certificate_subject
                    }
                    _ => None,
                };
                let x509 = X509Client::new(credential.username.as_deref().or(subject));
                let document = x509.authenticate();
                self.state = State::X509(x509);
                Ok(send(document))
            }
            Mechanism::Gssapi => self.gssapi_start(),
            Mechanism::MongodbAws => {
                self.state = State::AwsCredentials;
                Ok(Next::AwsCredentials)
            }
            Mechanism::MongodbOidc => {
                if let (Some(Speculation::Oidc(_)), Some(reply)) = (&speculation, speculative_reply)
                {
                    // A refusal or an unfinished speculative conversation is not an error: the
                    // spec goes on with saslStart (and does not drop the cached token).
                    match SaslReply::parse(reply, SPECULATIVE, mechanism) {
                        Ok(reply) if reply.done => return Ok(self.done(None)),
                        Ok(_) | Err(ConversationError::Authentication(_)) => {}
                        Err(e) => return Err(e),
                    }
                }
                Ok(self.oidc_ask(None, TokenRequest::Start, 0))
            }
            other => Err(ConversationError::not_supported(format!(
                "{other} is recognised but not implemented by this library's runtime; use \
                 SCRAM-SHA-256, MONGODB-X509, MONGODB-AWS, MONGODB-OIDC, GSSAPI or PLAIN"
            ))),
        }
    }

    #[cfg(feature = "gssapi")]
    fn gssapi_start(&mut self) -> Result<Next, ConversationError> {
        let (sasl, next) = super::gssapi::SaslState::start(
            self.settings.credential,
            host_without_port(self.settings.host),
        );
        Ok(self.gssapi_next(sasl, next))
    }

    /// What the GSSAPI conversation's need means for the caller.
    #[cfg(feature = "gssapi")]
    fn gssapi_next(
        &mut self,
        sasl: super::gssapi::SaslState,
        next: super::gssapi::SaslNext,
    ) -> Next {
        use super::gssapi::SaslNext;
        let next = match next {
            SaslNext::Call(call) => Next::Gssapi(call),
            SaslNext::Start(token) => send(bson::doc! {
                "saslStart": 1,
                "mechanism": Mechanism::Gssapi.as_str(),
                "payload": bson::Binary { subtype: bson::spec::BinarySubtype::Generic, bytes: token },
                "autoAuthorize": 1,
            }),
            SaslNext::Continue(token) => send(sasl_continue(&sasl.conversation_id(), &token)),
            SaslNext::Done => return self.done(None),
        };
        self.state = State::Gssapi(sasl);
        next
    }

    #[cfg(not(feature = "gssapi"))]
    fn gssapi_start(&mut self) -> Result<Next, ConversationError> {
        Err(ConversationError::not_supported(
            "GSSAPI support requires the `gssapi` feature of mongo-auth (cargo feature \"gssapi\", \
             which needs the system's MIT krb5 libraries)",
        ))
    }

    fn on_reply(&mut self, state: State, reply: &Document) -> Result<Next, ConversationError> {
        let mechanism = self.mechanism;
        match state {
            State::ScramStarted(first) => {
                let server_first = SaslReply::parse(reply, "saslStart", mechanism)?;
                self.scram_server_first(first, server_first)
            }
            State::ScramFinal {
                conversation_id,
                client_final,
            } => {
                let server_final = SaslReply::parse(reply, "saslContinue", mechanism)?;
                same_conversation(&conversation_id, &server_final, mechanism)?;
                client_final.handle_server_final(&server_final.payload)?;
                if server_final.done {
                    return Ok(self.done(None));
                }
                // The long conversation: the server did not skip the empty exchange.
                let document = sasl_continue(&conversation_id, b"");
                self.state = State::LastMessageSent { conversation_id };
                Ok(send(document))
            }
            State::LastMessageSent { conversation_id } => {
                let last = SaslReply::parse(reply, "saslContinue", mechanism)?;
                same_conversation(&conversation_id, &last, mechanism)?;
                if !last.done {
                    return Err(ConversationError::protocol(
                        Some(mechanism),
                        ProtocolViolation::ConversationNotDone,
                    ));
                }
                Ok(self.done(None))
            }
            State::Plain(plain) => {
                plain.handle_reply(reply)?;
                Ok(self.done(None))
            }
            State::CrNonce(cr) => {
                let authenticate = cr.handle_nonce(reply)?;
                let document = authenticate.command().clone();
                self.state = State::CrAuthenticate(authenticate);
                // The command carries the password's digest.
                Ok(send_secret(document))
            }
            State::CrAuthenticate(authenticate) => {
                authenticate.handle_reply(reply)?;
                Ok(self.done(None))
            }
            State::X509(x509) => {
                let user = x509.handle_reply(reply)?;
                Ok(self.done(user))
            }
            #[cfg(feature = "gssapi")]
            State::Gssapi(sasl) => {
                let (sasl, next) = sasl.replied(reply)?;
                Ok(self.gssapi_next(sasl, next))
            }
            State::AwsStarted {
                client,
                credentials,
                unix_seconds,
            } => {
                let server_first = SaslReply::parse(reply, "saslStart", mechanism)?;
                if server_first.done {
                    return Err(ConversationError::protocol(
                        Some(mechanism),
                        ProtocolViolation::ConversationEndedEarly,
                    ));
                }
                let last = client.handle_server_first(
                    &server_first.payload,
                    &credentials,
                    unix_seconds,
                )?;
                let conversation_id = server_first.conversation_id;
                let document = sasl_continue(&conversation_id, last.payload());
                self.state = State::LastMessageSent { conversation_id };
                // The signed request may carry the session token.
                Ok(send_secret(document))
            }
            State::OidcPrincipal { retries } => {
                let reply = SaslReply::parse(reply, "saslStart", mechanism)?;
                if reply.done {
                    return Err(ConversationError::protocol(
                        Some(mechanism),
                        ProtocolViolation::ConversationEndedEarly,
                    ));
                }
                let info = IdpInfo::parse(&reply.payload)?;
                Ok(self.oidc_ask(
                    Some(reply.conversation_id),
                    TokenRequest::AfterIdpInfo(info),
                    retries,
                ))
            }
            State::OidcJwt {
                conversation_id,
                token,
                may_retry,
                retries,
            } => {
                let command = if conversation_id.is_some() {
                    "saslContinue"
                } else {
                    "saslStart"
                };
                let last = match SaslReply::parse(reply, command, mechanism) {
                    Ok(last) => last,
                    // A cached (or refreshed) token the server refuses: ask for another, a few
                    // times at most (the cache may hold a newer token another connection fetched).
                    Err(ConversationError::Authentication(refused))
                        if refused.code == Some(18) && may_retry && retries < MAX_OIDC_RETRIES =>
                    {
                        return Ok(self.oidc_ask(
                            None,
                            TokenRequest::Retry { stale: token },
                            retries + 1,
                        ));
                    }
                    Err(e) => return Err(e),
                };
                if let Some(conversation_id) = &conversation_id {
                    same_conversation(conversation_id, &last, mechanism)?;
                }
                if !last.done {
                    return Err(ConversationError::protocol(
                        Some(mechanism),
                        ProtocolViolation::ConversationNotDone,
                    ));
                }
                Ok(self.done(None))
            }
            State::ScramKeys { .. }
            | State::AwsCredentials
            | State::OidcToken { .. }
            | State::Over => Err(out_of_order()),
        }
    }

    fn oidc_ask(
        &mut self,
        conversation_id: Option<Bson>,
        request: TokenRequest,
        retries: u8,
    ) -> Next {
        self.state = State::OidcToken {
            conversation_id,
            retries,
        };
        Next::OidcToken(request)
    }

    fn scram_start(&mut self, first: ScramClientFirst) -> Next {
        let document = first.sasl_start();
        self.state = State::ScramStarted(first);
        send(document)
    }

    fn scram_server_first(
        &mut self,
        first: ScramClientFirst,
        server_first: SaslReply,
    ) -> Result<Next, ConversationError> {
        if server_first.done {
            return Err(ConversationError::protocol(
                Some(self.mechanism),
                ProtocolViolation::ConversationEndedEarly,
            ));
        }
        let step =
            first.handle_server_first(&server_first.payload, self.settings.max_scram_iterations)?;
        let request = step.key_request();
        self.state = State::ScramKeys {
            conversation_id: server_first.conversation_id,
            server_first: step,
        };
        Ok(Next::DeriveKeys(request))
    }

    fn done(&mut self, user: Option<String>) -> Next {
        self.state = State::Over;
        Next::Done(Outcome {
            mechanism: self.mechanism,
            user,
        })
    }

    fn username_and_password(&self) -> Result<(&'a str, &'a Password), ConversationError> {
        let credential = self.settings.credential;
        match (&credential.username, &credential.password) {
            (Some(user), Some(password)) => Ok((user, password)),
            _ => Err(ConversationError::credential(format!(
                "{} needs a username and a password; add both to the credential",
                self.mechanism
            ))),
        }
    }

    fn check_plain_channel(&self) -> Result<(), ConversationError> {
        if self.settings.channel.encrypted() || self.settings.allow_plain_without_tls {
            return Ok(());
        }
        Err(ConversationError::not_supported(
            match self.settings.channel {
                Channel::CallerStream => {
                    "PLAIN sends the password in clear and the stream given to authenticate is not \
                 known to be encrypted; set up TLS on it and call authenticate_over_tls, or opt \
                 in to clear-text PLAIN explicitly (allow_plain_without_tls) on a trusted network"
                }
                Channel::OwnSocket => {
                    "PLAIN sends the password in clear and a Unix socket is not TLS-wrapped; connect \
                 over TCP with TLS, or opt in to clear-text PLAIN explicitly \
                 (allow_plain_without_tls) for the local socket"
                }
                _ => {
                    "PLAIN sends the password in clear and this connection has no TLS; enable TLS, or \
                 opt in to clear-text PLAIN explicitly (allow_plain_without_tls) on a trusted \
                 network"
                }
            },
        ))
    }

    /// A refusal gets what to check from the client's side.
    fn explain(&self, error: ConversationError) -> ConversationError {
        match error {
            ConversationError::Authentication(mut failure) => {
                // the subject matters only when this connection's own TLS presented the certificate
                let subject = match self.settings.channel {
                    Channel::OwnTls => self.settings.client_certificate_subject,
                    _ => None,
                };
                failure.hint = Some(hint(
                    self.settings.credential,
                    self.mechanism,
                    &failure.message,
                    subject,
                ));
                ConversationError::Authentication(failure)
            }
            other => other,
        }
    }
}

fn send(document: Document) -> Next {
    Next::Send(Command {
        document,
        secret: false,
    })
}

fn send_secret(document: Document) -> Next {
    Next::Send(Command {
        document,
        secret: true,
    })
}

/// A step handed to a conversation that is not waiting for it: a bug of the caller's loop, never
/// something a server can cause.
fn out_of_order() -> ConversationError {
    ConversationError::not_supported(
        "the authentication conversation was driven out of order (a bug in mongo-auth: please \
         report it)",
    )
}

/// The host part of `host:port` or `[v6]:port` (GSSAPI's service principal names the host only).
#[cfg_attr(not(feature = "gssapi"), allow(dead_code))]
pub(crate) fn host_without_port(host: &str) -> &str {
    if let Some(rest) = host.strip_prefix('[') {
        return rest.split(']').next().unwrap_or(rest);
    }
    match host.rsplit_once(':') {
        Some((name, port)) if !name.contains(':') && port.bytes().all(|b| b.is_ascii_digit()) => {
            name
        }
        _ => host,
    }
}

#[cfg(test)]
mod tests {
    use super::host_without_port;

    #[test]
    fn host_without_port_strips_only_the_port() {
        assert_eq!(host_without_port("db.example.com:27017"), "db.example.com");
        assert_eq!(host_without_port("db.example.com"), "db.example.com");
        assert_eq!(host_without_port("[::1]:27017"), "::1");
        assert_eq!(host_without_port("::1"), "::1");
        assert_eq!(
            host_without_port("/tmp/mongodb-27017.sock"),
            "/tmp/mongodb-27017.sock"
        );
    }
}
