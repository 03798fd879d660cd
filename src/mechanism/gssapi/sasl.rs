//! The GSSAPI conversation's SASL side, sans-IO: which command carries which token, when the
//! blocking GSSAPI calls happen, and when the server may say `done`. Both drivers use it: the
//! authenticator's conversation ([`crate::mechanism`]) and [`authenticate`](super::authenticate)
//! over a caller's [`SaslTransport`](super::SaslTransport).

use bson::{Bson, Document};
use mongo_auth_core::{Credential, GssapiProperties, Mechanism};

use super::{GssapiClient, GssapiError, GssapiStep, ServicePrincipal};
use crate::mechanism::{ConversationError, SaslReply};

/// A GSSAPI call to run where blocking is allowed (it may wait on the KDC or DNS); its
/// [`BlockingCall::run`] result goes back to the conversation.
pub(crate) struct BlockingCall(Call);

enum Call {
    /// Resolve the service principal, acquire the client's credentials and start the context.
    Start {
        credential: Box<Credential>,
        properties: GssapiProperties,
        host: String,
    },
    /// Feed one server token to the context.
    Step {
        client: GssapiClient,
        payload: Vec<u8>,
    },
}

impl std::fmt::Debug for BlockingCall {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self.0 {
            Call::Start { .. } => "BlockingCall(start)",
            Call::Step { .. } => "BlockingCall(step)",
        })
    }
}

/// The result of a [`BlockingCall`].
pub(crate) struct BlockingDone(Done);

enum Done {
    Started(Result<(ServicePrincipal, GssapiClient, Vec<u8>), GssapiError>),
    Stepped(GssapiClient, Result<GssapiStep, GssapiError>),
}

impl BlockingCall {
    /// Runs the call; blocks.
    pub(crate) fn run(self) -> BlockingDone {
        BlockingDone(match self.0 {
            Call::Start {
                credential,
                properties,
                host,
            } => {
                let principal = ServicePrincipal::resolve(&properties, &host);
                Done::Started(
                    GssapiClient::start(&credential, &principal)
                        .map(|(client, first)| (principal, client, first)),
                )
            }
            Call::Step {
                mut client,
                payload,
            } => {
                let step = client.step(&payload);
                Done::Stepped(client, step)
            }
        })
    }
}

/// What the GSSAPI conversation needs next.
#[derive(Debug)]
pub(crate) enum SaslNext {
    Call(BlockingCall),
    /// `saslStart` with this token.
    Start(Vec<u8>),
    /// `saslContinue` with this token (possibly empty, and still to be sent).
    Continue(Vec<u8>),
    /// The server answered the last message with `done: true`.
    Done,
}

/// Where a GSSAPI conversation stands.
pub(crate) struct SaslState {
    /// `None` while a blocking call holds it.
    client: Option<GssapiClient>,
    principal: Option<ServicePrincipal>,
    conversation_id: Option<Bson>,
}

impl SaslState {
    /// The conversation for `credential` on a connection to `connect_host` (without the port):
    /// its first need is the blocking start.
    pub(crate) fn start(credential: &Credential, connect_host: &str) -> (Self, SaslNext) {
        let call = Call::Start {
            credential: Box::new(credential.clone()),
            properties: super::properties(credential),
            host: connect_host.to_owned(),
        };
        let state = SaslState {
            client: None,
            principal: None,
            conversation_id: None,
        };
        (state, SaslNext::Call(BlockingCall(call)))
    }

    /// The service principal the conversation used, once it started.
    pub(crate) fn principal(&self) -> Option<&ServicePrincipal> {
        self.principal.as_ref()
    }

    /// The `conversationId` the server gave in its `saslStart` reply.
    pub(crate) fn conversation_id(&self) -> Bson {
        self.conversation_id.clone().unwrap_or(Bson::Int32(1))
    }

    /// Whether the message the conversation is sending is the client's last (the security-layer
    /// reply): the server's answer to it must end the conversation.
    pub(crate) fn sends_last_message(&self) -> bool {
        self.client.as_ref().is_some_and(GssapiClient::is_finished)
    }

    /// Takes a blocking call's result.
    pub(crate) fn called(mut self, done: BlockingDone) -> Result<(Self, SaslNext), GssapiError> {
        match done.0 {
            Done::Started(started) => {
                let (principal, client, first) = started?;
                self.principal = Some(principal);
                self.client = Some(client);
                Ok((self, SaslNext::Start(first)))
            }
            Done::Stepped(client, step) => {
                self.client = Some(client);
                Ok((self, SaslNext::Continue(step?.payload)))
            }
        }
    }

    /// Takes the server's reply to the last `saslStart` or `saslContinue` as a document, checking
    /// the SASL envelope (`ok`, `conversationId`, `done`, `payload`).
    pub(crate) fn replied(self, reply: &Document) -> Result<(Self, SaslNext), ConversationError> {
        let mechanism = Mechanism::Gssapi;
        let mut state = self;
        let reply = match &state.conversation_id {
            None => {
                let reply = SaslReply::parse(reply, "saslStart", mechanism)?;
                state.conversation_id = Some(reply.conversation_id.clone());
                reply
            }
            Some(id) => {
                let reply = SaslReply::parse(reply, "saslContinue", mechanism)?;
                crate::mechanism::same_conversation(id, &reply, mechanism)?;
                reply
            }
        };
        Ok(state.server_step(reply.done, reply.payload)?)
    }

    /// Takes the server's `done` and `payload` of the last `saslStart` or `saslContinue`.
    pub(crate) fn server_step(
        mut self,
        done: bool,
        payload: Vec<u8>,
    ) -> Result<(Self, SaslNext), GssapiError> {
        let Some(client) = self.client.take() else {
            return Err(GssapiError::Worker {
                problem: "a reply arrived while a GSSAPI call was under way".to_owned(),
            });
        };
        if client.is_finished() {
            // The security-layer reply was the client's last message: the server must end here.
            return if done {
                Ok((self, SaslNext::Done))
            } else {
                Err(GssapiError::ConversationFinished)
            };
        }
        if done {
            // The server may end early only if it has nothing left to say and we have nothing
            // left to send, which never holds before the security-layer exchange.
            return Err(GssapiError::SecurityLayer {
                problem: "never came: the server ended the conversation before the \
                          security-layer exchange"
                    .to_owned(),
            });
        }
        Ok((
            self,
            SaslNext::Call(BlockingCall(Call::Step { client, payload })),
        ))
    }
}
