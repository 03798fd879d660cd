//! GSSAPI (Kerberos) authentication, RFC 4752 as MongoDB runs it (cargo feature `gssapi`).
//!
//! The conversation, on the `$external` database:
//!
//! 1. `saslStart {mechanism: "GSSAPI", payload: <first context token>, autoAuthorize: 1}`;
//! 2. `saslContinue` with each token `gss_init_sec_context` produces from the server's payload,
//!    until the security context is established (an empty token is still sent);
//! 3. the server's next payload is its wrapped 4-byte security-layer offer; the client unwraps it and
//!    answers with the wrapped "no security layer" reply `[0x01, 0, 0, 0] ++ user name`
//!    (integrity only, no confidentiality);
//! 4. the server answers `done: true`.
//!
//! The service principal is `SERVICE_NAME` (default `mongodb`) at `SERVICE_HOST`, or else at the
//! host used to connect, canonicalised per `CANONICALIZE_HOST_NAME`, and in `SERVICE_REALM` when
//! one is set ([`ServicePrincipal`]). The client's credentials come from the ticket cache
//! (`kinit`, `KRB5CCNAME`) or, when the credential has a password, from the KDC directly into a
//! private in-memory cache (MIT's `gss_acquire_cred_with_password`).
//!
//! [`GssapiClient`] is the conversation without I/O. Every GSSAPI call can block (it may talk to the
//! KDC), so the async driver runs them, and the DNS lookups of `CANONICALIZE_HOST_NAME`, on tokio's
//! blocking pool. GSSAPI is implemented on Unix (MIT krb5 or Heimdal); elsewhere every entry point
//! returns [`GssapiError::NotSupported`].
//!
//! ```no_run
//! use mongo_auth::rulebook::{Credential, GssapiProperties, Mechanism, MechanismProperties};
//! use mongo_auth::gssapi::{GssapiClient, ServicePrincipal};
//!
//! let properties = GssapiProperties::default();
//! let credential = Credential::from_parts(
//!     Some("mongodbuser@EXAMPLE.COM".to_owned()),
//!     None,
//!     "$external".to_owned(),
//!     Some(Mechanism::Gssapi),
//!     MechanismProperties::Gssapi(properties.clone()),
//! );
//! let principal = ServicePrincipal::resolve(&properties, "db.example.com");
//! let (mut client, first_token) = GssapiClient::start(&credential, &principal)?;
//! // send `first_token` in saslStart, then feed each server payload to `client.step`
//! # let server_payload: &[u8] = &[];
//! let step = client.step(server_payload)?;
//! # let _ = (first_token, step);
//! # Ok::<(), mongo_auth::gssapi::GssapiError>(())
//! ```

#[cfg(unix)]
pub(crate) mod conversation;
pub(crate) mod error;
mod principal;
pub(crate) mod sasl;

use std::future::Future;

use mongo_auth_core::{Credential, GssapiProperties, MechanismProperties};

pub use error::{CredentialSource, GssStatus, GssapiError};
pub use principal::ServicePrincipal;
pub(crate) use sasl::{BlockingCall, BlockingDone, SaslNext, SaslState};

/// What the client sends next in the conversation.
///
/// [`GssapiClient::step`] gives one per server payload. This needs a KDC, so it is not run here.
///
/// ```no_run
/// use mongo_auth::gssapi::{GssapiClient, GssapiError, ServicePrincipal};
/// # fn run(credential: &mongo_auth::rulebook::Credential, server_payloads: &[Vec<u8>]) -> Result<(), GssapiError> {
/// let principal = ServicePrincipal::new(&Default::default(), "db.example.com");
/// let (mut client, _first_token) = GssapiClient::start(credential, &principal)?;
/// for payload in server_payloads {
///     let step = client.step(payload)?;
///     // send `step.payload` in saslContinue, even when it is empty
///     if step.done {
///         assert!(client.is_finished()); // the server must now answer done: true
///         break;
///     }
/// }
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct GssapiStep {
    /// The `saslContinue` payload (possibly empty, and still to be sent).
    pub payload: Vec<u8>,
    /// Whether this is the client's last message: the server must answer it with `done: true`.
    pub done: bool,
}

/// The client side of a GSSAPI conversation, without I/O.
///
/// Created by [`GssapiClient::start`], which also gives the `saslStart` payload; each server
/// payload then goes to [`GssapiClient::step`] until it returns a step with `done: true`.
/// Every call may block on the network (the KDC): in async code run them on a blocking pool.
///
/// ```no_run
/// # use mongo_auth::rulebook::{Credential, GssapiProperties};
/// # use mongo_auth::gssapi::{GssapiClient, ServicePrincipal};
/// # fn run(credential: &Credential, mut exchange: impl FnMut(&[u8]) -> Vec<u8>) -> Result<(), Box<dyn std::error::Error>> {
/// let principal = ServicePrincipal::new(&GssapiProperties::default(), "localhost");
/// let (mut client, mut payload) = GssapiClient::start(credential, &principal)?;
/// loop {
///     let reply = exchange(&payload); // saslStart / saslContinue
///     let step = client.step(&reply)?;
///     payload = step.payload;
///     if step.done {
///         exchange(&payload); // the server answers done: true
///         break;
///     }
/// }
/// # Ok(()) }
/// ```
pub struct GssapiClient {
    #[cfg(unix)]
    conversation: conversation::Conversation,
}

impl std::fmt::Debug for GssapiClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GssapiClient").finish_non_exhaustive()
    }
}

impl GssapiClient {
    /// Acquires the client's credentials (the ticket cache, or the credential's password), starts
    /// a security context with `principal`, and returns the conversation with the `saslStart`
    /// payload.
    pub fn start(
        credential: &Credential,
        principal: &ServicePrincipal,
    ) -> Result<(Self, Vec<u8>), GssapiError> {
        #[cfg(unix)]
        {
            let (conversation, first) = conversation::Conversation::start(credential, principal)?;
            Ok((Self { conversation }, first))
        }
        #[cfg(not(unix))]
        {
            let _ = (credential, principal);
            Err(GssapiError::NotSupported)
        }
    }

    /// Consumes one server payload and returns what to send next.
    pub fn step(&mut self, server_payload: &[u8]) -> Result<GssapiStep, GssapiError> {
        #[cfg(unix)]
        {
            self.conversation.step(server_payload)
        }
        #[cfg(not(unix))]
        {
            let _ = server_payload;
            Err(GssapiError::NotSupported)
        }
    }

    /// Whether the client has sent its last message (the security-layer reply).
    pub fn is_finished(&self) -> bool {
        #[cfg(unix)]
        {
            self.conversation.is_finished()
        }
        #[cfg(not(unix))]
        {
            false
        }
    }
}

/// The GSSAPI properties of a credential (the defaults when it has none).
pub(crate) fn properties(credential: &Credential) -> GssapiProperties {
    match &credential.properties {
        MechanismProperties::Gssapi(properties) => properties.clone(),
        _ => GssapiProperties::default(),
    }
}

/// The server's answer to one SASL command of the conversation.
///
/// A [`SaslTransport`] makes one from the server's `saslStart` or `saslContinue` reply:
///
/// ```
/// use bson::{doc, spec::BinarySubtype, Binary};
/// use mongo_auth::Mechanism;
/// use mongo_auth::gssapi::SaslStepReply;
/// use mongo_auth::mechanism::SaslReply;
/// let payload = Binary { subtype: BinarySubtype::Generic, bytes: vec![0x60, 0x82] };
/// let reply = doc! { "conversationId": 1, "done": false, "payload": payload, "ok": 1 };
/// let reply = SaslReply::parse(&reply, "saslStart", Mechanism::Gssapi)?;
/// let step = SaslStepReply { done: reply.done, payload: reply.payload };
/// assert_eq!(step, SaslStepReply { done: false, payload: vec![0x60, 0x82] });
/// # Ok::<(), mongo_auth::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SaslStepReply {
    /// The server's `done`.
    pub done: bool,
    /// The server's `payload`.
    pub payload: Vec<u8>,
}

/// Moves the GSSAPI conversation's SASL commands to a server: `saslStart` (mechanism `GSSAPI`,
/// `autoAuthorize: 1`) and `saslContinue` on `$external`, keeping the `conversationId` between them.
///
/// The connection runtime implements it over its connection; a refusal (`ok: 0`) is the
/// implementation's own error.
///
/// ```no_run
/// use mongo_auth::gssapi::{GssapiError, SaslStepReply, SaslTransport};
///
/// /// Hands each payload to a function that talks to the server.
/// struct Commands<F>(F);
///
/// impl<F: FnMut(&str, Vec<u8>) -> SaslStepReply + Send> SaslTransport for Commands<F> {
///     type Error = GssapiError;
///     async fn sasl_start(&mut self, payload: Vec<u8>) -> Result<SaslStepReply, GssapiError> {
///         Ok((self.0)("saslStart", payload))
///     }
///     async fn sasl_continue(&mut self, payload: Vec<u8>) -> Result<SaslStepReply, GssapiError> {
///         Ok((self.0)("saslContinue", payload))
///     }
/// }
/// ```
pub trait SaslTransport: Send {
    /// The transport's error, which also carries [`GssapiError`].
    type Error: From<GssapiError> + Send;

    /// Sends `saslStart` with the first payload.
    fn sasl_start(
        &mut self,
        payload: Vec<u8>,
    ) -> impl Future<Output = Result<SaslStepReply, Self::Error>> + Send;

    /// Sends `saslContinue` with a payload.
    fn sasl_continue(
        &mut self,
        payload: Vec<u8>,
    ) -> impl Future<Output = Result<SaslStepReply, Self::Error>> + Send;
}

/// Runs `f` on tokio's blocking pool.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, GssapiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| GssapiError::Worker {
            problem: if e.is_panic() {
                "a GSSAPI call panicked".to_owned()
            } else {
                "the runtime shut down during a GSSAPI call".to_owned()
            },
        })
}

/// Authenticates `credential` with GSSAPI over `transport`, for a connection to `connect_host` (the
/// host as written in the configuration, without the port). Canonicalisation, credential
/// acquisition and every context step run on tokio's blocking pool.
///
/// Returns the service principal that was used.
///
/// ```no_run
/// # async fn run(transport: &mut impl mongo_auth::gssapi::SaslTransport<Error = mongo_auth::gssapi::GssapiError>)
/// # -> Result<(), mongo_auth::gssapi::GssapiError> {
/// use mongo_auth::rulebook::{Credential, GssapiProperties, Mechanism, MechanismProperties};
/// let credential = Credential::from_parts(
///     Some("mongodbuser@EXAMPLE.COM".to_owned()),
///     None, // the ticket cache
///     "$external".to_owned(),
///     Some(Mechanism::Gssapi),
///     MechanismProperties::Gssapi(GssapiProperties::default()),
/// );
/// let principal = mongo_auth::gssapi::authenticate(transport, &credential, "db.example.com").await?;
/// assert_eq!(principal.to_string(), "mongodb@db.example.com");
/// # Ok(()) }
/// ```
pub async fn authenticate<T: SaslTransport>(
    transport: &mut T,
    credential: &Credential,
    connect_host: &str,
) -> Result<ServicePrincipal, T::Error> {
    let (mut state, mut next) = SaslState::start(credential, connect_host);
    loop {
        (state, next) = match next {
            SaslNext::Call(call) => {
                let done = blocking(move || call.run()).await?;
                state.called(done)?
            }
            SaslNext::Start(token) => {
                let reply = transport.sasl_start(token).await?;
                state.server_step(reply.done, reply.payload)?
            }
            SaslNext::Continue(token) => {
                let reply = transport.sasl_continue(token).await?;
                state.server_step(reply.done, reply.payload)?
            }
            SaslNext::Done => {
                return state.principal().cloned().ok_or_else(|| {
                    GssapiError::Worker {
                        problem: "the conversation ended before it started".to_owned(),
                    }
                    .into()
                });
            }
        };
    }
}
