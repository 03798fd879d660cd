//! One stream's handshake: the hello (with the conversation's speculative first step), then the
//! authentication conversation of [`crate::mechanism`], driven to its end: each round trip, key
//! derivation and GSSAPI call the conversation asks for, and nothing it does not.

use mongo_auth_core::{Credential, Mechanism};

use super::{Authenticator, HandshakeFailure, op_msg_refused};
use crate::config::ServerApi;
use crate::connection::Connection;
use crate::deadline::Deadline;
use crate::error::{CommandError, Error};
use crate::events::event;
use crate::handshake::{self, HelloParameters, HelloReply};
use crate::mechanism::conversation::{
    Channel, Conversation, Next, Outcome, ServerHello, Settings, Speculation,
};
use crate::mechanism::oidc::{Token, TokenAnswer};
use crate::tls::TlsConnector;
use crate::transport::{ByteStream, Framing, Transport};
use crate::wire::Frame;

impl Authenticator {
    /// Hello, then the conversation, on one stream; with `ping`, a `ping` that the server must
    /// answer, sent behind the hello when no conversation is expected to follow it, else behind
    /// the conversation's last message when the conversation knows which one that is
    /// ([`Conversation::awaits_last_reply`]), else after the conversation.
    pub(super) async fn handshake(
        &self,
        stream: Box<dyn ByteStream>,
        host: &str,
        op_query: bool,
        channel: Channel,
        deadline: &Deadline,
        ping: bool,
    ) -> Result<Connection, HandshakeFailure> {
        #[cfg(feature = "tracing")]
        let started = std::time::Instant::now();
        let framing = if op_query {
            Framing::OpQuery
        } else {
            Framing::OpMsg
        };
        let mut transport = Transport::new(stream, framing, self.options.server_api);
        // Each round trip of the handshake is bounded by socketTimeoutMS too, when given (and
        // timeoutMS is not: it replaces socketTimeoutMS).
        transport.round_trip_timeout = self
            .options
            .socket_timeout
            .filter(|_| self.options.timeout.is_none())
            .map(|after| (after, host.to_owned()));
        let connection_credential = self.connection_credential()?;
        let credential = connection_credential.as_deref();
        let oidc = match credential {
            Some(credential) if credential.mechanism == Some(Mechanism::MongodbOidc) => {
                Some(self.oidc_client(credential)?)
            }
            _ => None,
        };
        let speculation = match (credential, &oidc) {
            // MONGODB-OIDC speculates only with a cached token (the spec calls no callback here).
            (Some(_), Some(oidc)) => Speculation::oidc(oidc.cached_token()),
            (Some(credential), None) => {
                Speculation::for_credential(credential).map_err(Error::from)?
            }
            (None, _) => None,
        };
        let mut oidc_token = match &speculation {
            Some(Speculation::Oidc(token)) => Some(token.clone()),
            _ => None,
        };
        let hello = handshake::hello(&HelloParameters {
            credential,
            client_metadata: &self.client_metadata,
            server_api: self.options.server_api.map(ServerApi::as_str),
            load_balanced: self.options().load_balanced.unwrap_or(false),
            op_query,
            speculation: speculation.as_ref(),
        });
        // With no conversation to follow, or one the hello is expected to finish (MONGODB-X509,
        // MONGODB-OIDC with a cached token), the ping goes out with the hello.
        let ping_with_hello = ping
            && match (credential, &speculation) {
                (None, _) => true,
                (Some(_), Some(Speculation::X509(_) | Speculation::Oidc(_))) => true,
                (Some(_), _) => false,
            };
        let ping_frame = ping_with_hello.then(|| transport.request("admin", ping_command()));
        let sent = if oidc_token.is_some() {
            // the speculative step carries the access token: wipe it once sent
            let mut hello = hello;
            transport
                .round_trip_secret_followed("admin", &mut hello, ping_frame.as_ref())
                .await
        } else {
            transport
                .round_trip_followed("admin", hello, ping_frame.as_ref())
                .await
        };
        let mut ping = match &ping_frame {
            Some(frame) => Ping::InFlight {
                request_id: frame.request_id,
                framing: transport.framing,
            },
            None if ping => Ping::Wanted,
            None => Ping::Not,
        };
        let reply_document = match sent {
            Ok(reply) => reply,
            Err(e) if !op_query && op_msg_refused(&e) => {
                return Err(HandshakeFailure::OpMsgRefused(e));
            }
            Err(e) => return Err(self.describe(host, e).into()),
        };
        let reply = HelloReply::parse(&reply_document)?;
        event!(
            debug,
            host,
            max_wire_version = reply.max_wire_version,
            mechanisms = ?reply.sasl_supported_mechs,
            speculative_reply = reply.speculative_authenticate.is_some(),
            "hello answered"
        );
        let legacy = reply.max_wire_version < 6;
        transport.framing = if legacy {
            Framing::OpQuery
        } else {
            Framing::OpMsg
        };
        self.mark_legacy(host, legacy);
        if reply.arbiter && credential.is_some() {
            // An arbiter holds no users and cannot authenticate anyone: a connection to it is
            // never reported as authenticated. `connect` moves on to the next host.
            return Err(Error::Arbiter(crate::error::ArbiterError {
                host: host.to_owned(),
            })
            .into());
        }
        let outcome = match credential {
            Some(credential) => {
                let settings = Settings {
                    credential,
                    channel,
                    allow_plain_without_tls: self.options.allow_plain_without_tls,
                    max_scram_iterations: self.options.max_scram_iterations,
                    client_certificate_subject: self
                        .tls
                        .as_ref()
                        .and_then(TlsConnector::client_certificate_subject),
                    host,
                };
                let server = ServerHello {
                    max_wire_version: reply.max_wire_version,
                    sasl_supported_mechs: reply.sasl_supported_mechs.as_deref(),
                    speculative_reply: reply.speculative_authenticate.as_ref(),
                };
                let outcome = self
                    .converse(
                        &mut transport,
                        credential,
                        settings,
                        (server, speculation),
                        (oidc.as_deref(), &mut oidc_token, deadline),
                        &mut ping,
                    )
                    .await
                    .map_err(|e| {
                        if let Error::Authentication(refused) = &e
                            && refused.mechanism == mongo_auth_core::Mechanism::MongodbAws
                        {
                            // the next authentication fetches fresh credentials
                            self.aws_cache.forget();
                        }
                        self.describe(host, e)
                    })?;
                Some(outcome)
            }
            None => None,
        };
        let handshake_round_trips = transport.round_trips;
        ping.finish(&mut transport)
            .await
            .map_err(|e| self.describe(host, e))?;
        event!(
            info,
            host,
            mechanism = outcome.as_ref().map(|o| o.mechanism.as_str()),
            round_trips = handshake_round_trips,
            elapsed_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
            "authenticated"
        );
        // Commands after the handshake have their own bound (Connection::run_command).
        transport.round_trip_timeout = None;
        // The handshake's small cap ends here: commands get the server's maxMessageSizeBytes, never
        // more than the standard 48 MB whatever a server claims.
        transport.max_message_size = reply
            .max_message_size
            .map_or(crate::wire::DEFAULT_MAX_MESSAGE_SIZE, |size| {
                size.min(crate::wire::DEFAULT_MAX_MESSAGE_SIZE)
            });
        let (mechanism, user) = match outcome {
            Some(outcome) => (Some(outcome.mechanism), outcome.user),
            None => (None, None),
        };
        Ok(Connection {
            transport,
            host: host.to_owned(),
            mechanism,
            user,
            handshake_round_trips,
            hello_reply: reply_document,
            max_wire_version: reply.max_wire_version,
            operation_timeout: match self.options.timeout {
                Some(Some(timeout)) => timeout,
                Some(None) => std::time::Duration::MAX,
                None => self
                    .options
                    .socket_timeout
                    .unwrap_or(self.options.handshake_timeout),
            },
            command_timeout: self.options.timeout.flatten(),
            broken: false,
            reauthenticate: oidc.map(|client| {
                Box::new(super::oidc::OidcSession {
                    client,
                    token: oidc_token,
                    channel,
                }) as Box<dyn crate::connection::Reauthenticate>
            }),
            reauthentications: 0,
        })
    }

    /// Drives a conversation to its end: every command goes to the credential's source (the ones
    /// that carry a secret are wiped once sent), SCRAM keys come from the key cache, GSSAPI calls
    /// run on the blocking pool.
    async fn converse(
        &self,
        transport: &mut Transport,
        credential: &Credential,
        settings: Settings<'_>,
        // what the hello answered, and the first step it carried
        (server, speculation): (ServerHello<'_>, Option<Speculation>),
        // MONGODB-OIDC's state, the token sent, and the deadline a human callback holds
        (oidc, oidc_token, deadline): (
            Option<&super::oidc::OidcClient>,
            &mut Option<Token>,
            &Deadline,
        ),
        ping: &mut Ping,
    ) -> Result<Outcome, Error> {
        let source = credential.source.as_str();
        let (mut conversation, mut next) = Conversation::start(settings, server, speculation)?;
        loop {
            next = match next {
                Next::Send(command) => {
                    // a ping sent behind an earlier message is answered before this one
                    ping.read_answer(transport).await?;
                    let reply = match ping {
                        Ping::Wanted if conversation.awaits_last_reply() => {
                            let frame = transport.request("admin", ping_command());
                            let reply = send(transport, source, command, Some(&frame)).await?;
                            *ping = Ping::InFlight {
                                request_id: frame.request_id,
                                framing: transport.framing,
                            };
                            reply
                        }
                        _ => send(transport, source, command, None).await?,
                    };
                    conversation.reply(&reply)?
                }
                // (the steps that may ask a web service, boxed: their futures are large, and
                // every connection's handshake would carry their size)
                Next::AwsCredentials => {
                    let credentials = Box::pin(self.aws_credentials()).await?;
                    conversation.aws_credentials(credentials, super::aws::unix_now())?
                }
                Next::OidcToken(request) => {
                    let Some(oidc) = oidc else {
                        return Err(Error::NotSupported(crate::error::NotSupported {
                            what: "MONGODB-OIDC was negotiated without an OIDC credential (a bug \
                                   in mongo-auth: please report it)"
                                .to_owned(),
                        }));
                    };
                    let answer = Box::pin(oidc.token(request, settings.host, deadline)).await?;
                    if let TokenAnswer::Jwt { token, .. } = &answer {
                        *oidc_token = Some(token.clone());
                    }
                    conversation.oidc_token(answer)?
                }
                Next::DeriveKeys(request) => {
                    let keys = self.keys.get(request).await?;
                    conversation.keys(&keys)?
                }
                #[cfg(feature = "gssapi")]
                Next::Gssapi(call) => {
                    let done = crate::mechanism::gssapi::blocking(move || call.run()).await?;
                    conversation.gssapi(done)?
                }
                Next::Done(outcome) => return Ok(outcome),
            };
        }
    }
}

/// Sends a conversation's command to `source`, with `follower` behind it in the same write, and
/// returns the reply; a command that carries a secret is wiped once sent.
pub(super) async fn send(
    transport: &mut Transport,
    source: &str,
    mut command: crate::mechanism::conversation::Command,
    follower: Option<&Frame>,
) -> Result<bson::Document, Error> {
    if command.secret {
        transport
            .round_trip_secret_followed(source, &mut command.document, follower)
            .await
    } else {
        transport
            .round_trip_followed(source, command.document, follower)
            .await
    }
}

/// Where the `ping` of [`Authenticator::connect_and_ping`] stands in a handshake.
pub(super) enum Ping {
    /// No ping was asked for.
    Not,
    /// Asked for, not sent yet.
    Wanted,
    /// Sent behind a message of the conversation; its reply follows that message's.
    InFlight {
        /// The ping's request id, which its reply answers.
        request_id: i32,
        /// The framing it was sent in (the hello's, when it went out with the hello).
        framing: Framing,
    },
}

impl Ping {
    /// Before the conversation sends more: the reply of a ping in flight comes before any reply to
    /// what is sent next, so it is read now. The server answered it in the middle of the
    /// conversation (it did not end where it was expected to), before the client was
    /// authenticated, so the reply says nothing and the ping is sent again later.
    async fn read_answer(&mut self, transport: &mut Transport) -> Result<(), Error> {
        if let Ping::InFlight {
            request_id,
            framing,
        } = *self
        {
            transport.read_reply(request_id, framing).await?;
            *self = Ping::Wanted;
        }
        Ok(())
    }

    /// Once the conversation is over: the ping's reply (sent now if it was not sent yet), which
    /// must be `ok: 1`.
    async fn finish(self, transport: &mut Transport) -> Result<(), Error> {
        let reply = match self {
            Ping::Not => return Ok(()),
            Ping::Wanted => transport.round_trip("admin", ping_command()).await?,
            Ping::InFlight {
                request_id,
                framing,
            } => transport.read_reply(request_id, framing).await?,
        };
        CommandError::check("ping", reply, "the server did not answer the ping").map(drop)
    }
}

fn ping_command() -> bson::Document {
    bson::doc! { "ping": 1 }
}
