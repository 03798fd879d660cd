//! Authenticated connections: [`connect`] opens one from a configuration, [`authenticate`] makes
//! one from a stream the caller already has, and [`Connection::run_command`] runs commands on it.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bson::Document;
use tokio::io::{AsyncRead, AsyncWrite};

use crate::authenticator::Authenticator;
use crate::config::ClientConfig;
use crate::error::{CommandError, Error, ProtocolViolation, Timeout, TimeoutPhase};
use crate::reply::{reply_ok, wipe_document};
use crate::wire::{self, Frame, Message, OpMsg, OpQuery};
use mongo_auth_core::Mechanism;

/// Any byte stream a connection can run over (TCP, TLS, a Unix socket, an in-memory pipe).
pub(crate) trait Stream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Stream for T {}

/// How commands are framed for a server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Framing {
    /// OP_MSG, for servers with maxWireVersion ≥ 6 (MongoDB 3.6+).
    OpMsg,
    /// OP_QUERY on `<db>.$cmd`, for older servers.
    OpQuery,
}

/// The transport under a connection: a stream and the framing it speaks.
pub(crate) struct Transport {
    stream: Box<dyn Stream>,
    pub(crate) framing: Framing,
    pub(crate) max_message_size: usize,
    pub(crate) round_trips: u32,
    pub(crate) server_api: Option<String>,
    /// The bound on each round trip and the host it names (`socketTimeoutMS` during the
    /// handshake); `None`: the caller bounds the round trip.
    pub(crate) round_trip_timeout: Option<(Duration, String)>,
}

impl Transport {
    pub(crate) fn new(
        stream: Box<dyn Stream>,
        framing: Framing,
        server_api: Option<String>,
    ) -> Self {
        Self {
            stream,
            framing,
            // Until the handshake ends; then the server's maxMessageSizeBytes (at most 48 MB).
            max_message_size: wire::MAX_HANDSHAKE_MESSAGE_SIZE,
            round_trips: 0,
            server_api,
            round_trip_timeout: None,
        }
    }

    /// Sends one command to `db` and returns the reply document (whatever its `ok`).
    pub(crate) async fn round_trip(
        &mut self,
        db: &str,
        command: Document,
    ) -> Result<Document, Error> {
        let request = self.request(db, command);
        self.exchange(&request).await
    }

    /// As [`Transport::round_trip`], for a command that carries a secret (a PLAIN payload, a
    /// SCRAM client proof): once the exchange ends, however it ends (error, cancellation by a
    /// timeout), every binary and string value of the command is wiped, and the wiped command is
    /// left in `command`. The encoded frame is wiped by [`wire::write_frame`].
    pub(crate) async fn round_trip_secret(
        &mut self,
        db: &str,
        command: &mut Document,
    ) -> Result<Document, Error> {
        let mut request = WipeOnDrop(self.request(db, std::mem::take(command)));
        let result = self.exchange(&request.0).await;
        let body = match &mut request.0.message {
            Message::Msg(msg) => &mut msg.body,
            Message::Query(query) => &mut query.query,
            Message::Reply(reply) => match reply.documents.first_mut() {
                Some(document) => document,
                None => return result,
            },
        };
        wipe_document(body);
        *command = std::mem::take(body);
        result
    }

    fn request(&self, db: &str, mut command: Document) -> Frame {
        if let Some(version) = &self.server_api
            && self.framing == Framing::OpMsg
            && !command.contains_key("apiVersion")
        {
            command.insert("apiVersion", version.clone());
        }
        let message = match self.framing {
            Framing::OpMsg => {
                command.insert("$db", db);
                Message::Msg(OpMsg::new(command))
            }
            Framing::OpQuery => Message::Query(OpQuery::command(db, command)),
        };
        Frame::new(message)
    }

    async fn exchange(&mut self, request: &Frame) -> Result<Document, Error> {
        match self.round_trip_timeout.clone() {
            None => self.exchange_unbounded(request).await,
            Some((after, host)) => {
                match tokio::time::timeout(after, self.exchange_unbounded(request)).await {
                    Ok(reply) => reply,
                    Err(_) => Err(Error::Timeout(Timeout {
                        phase: TimeoutPhase::Socket,
                        after,
                        host,
                    })),
                }
            }
        }
    }

    async fn exchange_unbounded(&mut self, request: &Frame) -> Result<Document, Error> {
        let sent_bytes = wire::write_frame(&mut self.stream, request).await?;
        self.round_trips += 1;
        let (reply, received_bytes) =
            wire::read_frame_sized(&mut self.stream, self.max_message_size).await?;
        crate::events::event!(
            debug,
            command = command_name(&request.message),
            sent_bytes,
            received_bytes,
            "round trip"
        );
        #[cfg(not(feature = "tracing"))]
        let _ = (sent_bytes, received_bytes);
        if reply.response_to != request.request_id {
            return Err(Error::protocol(
                None,
                ProtocolViolation::MalformedReply {
                    command: "reply",
                    problem: format!(
                        "responseTo {} does not match the request id {}",
                        reply.response_to, request.request_id
                    ),
                },
            ));
        }
        match (self.framing, &reply.message) {
            (Framing::OpMsg, Message::Msg(_)) | (Framing::OpQuery, Message::Reply(_)) => {}
            (_, other) => {
                return Err(Error::protocol(
                    None,
                    ProtocolViolation::UnexpectedReplyOpCode {
                        received: other.op_code().as_i32(),
                    },
                ));
            }
        }
        Ok(reply.message.into_command_document()?)
    }
}

/// The name of the command a request carries (its first key), for events.
#[cfg_attr(not(feature = "tracing"), allow(dead_code))]
fn command_name(message: &Message) -> &str {
    let document = match message {
        Message::Msg(msg) => Some(&msg.body),
        Message::Query(query) => Some(&query.query),
        Message::Reply(reply) => reply.documents.first(),
    };
    document
        .and_then(|d| d.keys().next())
        .map_or("", String::as_str)
}

/// A request frame whose documents are wiped when it is dropped.
struct WipeOnDrop(Frame);

impl Drop for WipeOnDrop {
    fn drop(&mut self) {
        match &mut self.0.message {
            Message::Msg(msg) => {
                wipe_document(&mut msg.body);
                for sequence in &mut msg.sequences {
                    sequence.documents.iter_mut().for_each(wipe_document);
                }
            }
            Message::Query(query) => wipe_document(&mut query.query),
            Message::Reply(reply) => reply.documents.iter_mut().for_each(wipe_document),
        }
    }
}

/// An authenticated connection to one MongoDB server.
///
/// ```no_run
/// # async fn run(config: mongo_auth::ClientConfig) -> Result<(), mongo_auth::Error> {
/// let mut connection = mongo_auth::connect(&config).await?;
/// println!(
///     "authenticated with {:?} in {} round trips",
///     connection.authenticated_mechanism(),
///     connection.handshake_round_trips()
/// );
/// let status = connection.run_command("admin", bson::doc! { "connectionStatus": 1 }).await?;
/// println!("{status}");
/// # Ok(()) }
/// ```
pub struct Connection {
    pub(crate) transport: Transport,
    pub(crate) host: String,
    pub(crate) mechanism: Option<Mechanism>,
    pub(crate) user: Option<String>,
    pub(crate) handshake_round_trips: u32,
    pub(crate) hello_reply: Document,
    pub(crate) max_wire_version: i32,
    /// The bound on each command's round trip after the handshake.
    pub(crate) operation_timeout: Duration,
    /// A command timed out: a late reply may still arrive, so the stream is out of step.
    pub(crate) broken: bool,
}

impl fmt::Debug for Connection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Connection")
            .field("host", &self.host)
            .field("mechanism", &self.mechanism)
            .field("framing", &self.transport.framing)
            .field("max_wire_version", &self.max_wire_version)
            .finish_non_exhaustive()
    }
}

impl Connection {
    /// Runs a command on database `db`. A reply with `ok: 0` is an [`Error::Command`] with the
    /// server's code, `codeName` and `errmsg`.
    ///
    /// The round trip is bounded by the operation timeout (by default the configuration's
    /// `socketTimeoutMS`, else its handshake timeout; see [`Connection::set_operation_timeout`]): a server that does not answer
    /// in time gives an [`Error::Timeout`] with [`TimeoutPhase::Operation`], after which the
    /// connection refuses further commands (a late reply would be taken for the next one's).
    ///
    /// ```no_run
    /// # async fn run(connection: &mut mongo_auth::Connection) -> Result<(), mongo_auth::Error> {
    /// let reply = connection.run_command("admin", bson::doc! { "ping": 1 }).await?;
    /// assert!(reply.contains_key("ok"));
    /// # Ok(()) }
    /// ```
    pub async fn run_command(&mut self, db: &str, command: Document) -> Result<Document, Error> {
        if self.broken {
            return Err(Error::Io(std::io::Error::new(
                std::io::ErrorKind::NotConnected,
                format!(
                    "an earlier command to {} timed out and the connection is out of step with the \
                     server; open a new connection",
                    self.host
                ),
            )));
        }
        let name = command.keys().next().cloned().unwrap_or_default();
        let round_trip = self.transport.round_trip(db, command);
        let reply = match tokio::time::timeout(self.operation_timeout, round_trip).await {
            Ok(reply) => reply?,
            Err(_) => {
                self.broken = true;
                return Err(Error::Timeout(Timeout {
                    phase: TimeoutPhase::Operation,
                    after: self.operation_timeout,
                    host: self.host.clone(),
                }));
            }
        };
        if reply_ok(&reply) && reply.contains_key("ok") {
            return Ok(reply);
        }
        Err(Error::Command(CommandError::from_reply(
            &name,
            &reply,
            "the command failed",
        )))
    }

    /// Sets how long [`Connection::run_command`] waits for the server's reply (the request
    /// written and the reply read). It starts as the configuration's handshake timeout (30 s by
    /// default).
    ///
    /// ```no_run
    /// # async fn run(connection: &mut mongo_auth::Connection) -> Result<(), mongo_auth::Error> {
    /// connection.set_operation_timeout(std::time::Duration::from_secs(5));
    /// connection.run_command("admin", bson::doc! { "ping": 1 }).await?;
    /// # Ok(()) }
    /// ```
    pub fn set_operation_timeout(&mut self, timeout: Duration) {
        self.operation_timeout = timeout;
    }

    /// The bound on each command's round trip; see [`Connection::set_operation_timeout`].
    ///
    /// ```no_run
    /// # fn run(connection: &mongo_auth::Connection) {
    /// println!("commands time out after {:?}", connection.operation_timeout());
    /// # }
    /// ```
    pub fn operation_timeout(&self) -> Duration {
        self.operation_timeout
    }

    /// The mechanism this connection authenticated with (the negotiated one when the
    /// configuration named none), or `None` without a credential.
    ///
    /// ```no_run
    /// # async fn run(config: mongo_auth::ClientConfig) -> Result<(), mongo_auth::Error> {
    /// let connection = mongo_auth::connect(&config).await?;
    /// if let Some(mechanism) = connection.authenticated_mechanism() {
    ///     println!("authenticated with {mechanism}");
    /// }
    /// # Ok(()) }
    /// ```
    pub fn authenticated_mechanism(&self) -> Option<Mechanism> {
        self.mechanism
    }

    /// The user the server reported, when the mechanism reports one (MONGODB-X509).
    ///
    /// ```no_run
    /// # fn run(connection: &mongo_auth::Connection) {
    /// if let Some(subject) = connection.authenticated_user() { println!("{subject}"); }
    /// # }
    /// ```
    pub fn authenticated_user(&self) -> Option<&str> {
        self.user.as_deref()
    }

    /// The request/reply exchanges the handshake took on this connection, hello included: 2 for
    /// SCRAM with speculative authentication and `skipEmptyExchange`, 1 for MONGODB-X509.
    ///
    /// ```no_run
    /// # fn run(connection: &mongo_auth::Connection) {
    /// println!("handshake: {} round trips", connection.handshake_round_trips());
    /// # }
    /// ```
    pub fn handshake_round_trips(&self) -> u32 {
        self.handshake_round_trips
    }

    /// The server's reply to the first hello.
    ///
    /// ```no_run
    /// # fn run(connection: &mongo_auth::Connection) {
    /// println!("maxWireVersion {:?}", connection.hello_reply().get("maxWireVersion"));
    /// # }
    /// ```
    pub fn hello_reply(&self) -> &Document {
        &self.hello_reply
    }

    /// The host this connection is connected to, as `host:port`.
    ///
    /// ```no_run
    /// # fn run(connection: &mongo_auth::Connection) {
    /// println!("connected to {}", connection.host());
    /// # }
    /// ```
    pub fn host(&self) -> &str {
        &self.host
    }

    /// Whether commands go as legacy OP_QUERY (servers older than 3.6) rather than OP_MSG.
    ///
    /// ```no_run
    /// # fn run(connection: &mongo_auth::Connection) {
    /// if connection.uses_op_query() { println!("a server older than MongoDB 3.6"); }
    /// # }
    /// ```
    pub fn uses_op_query(&self) -> bool {
        self.transport.framing == Framing::OpQuery
    }
}

/// Opens an authenticated connection: resolves `mongodb+srv`, connects to the first reachable host
/// (TCP with the connect timeout, then TLS if configured), shakes hands and authenticates within
/// the handshake deadline.
///
/// This builds a fresh [`Authenticator`] (and so a fresh SCRAM key cache) for the one connection;
/// to open many connections with one configuration, build an `Authenticator` once and call
/// [`Authenticator::connect`].
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let config: mongo_auth::ClientConfig =
///     "mongodb://app:secret@db.example.com/shop?authMechanism=SCRAM-SHA-256".parse()?;
/// let mut connection = mongo_auth::connect(&config).await?;
/// connection.run_command("shop", bson::doc! { "ping": 1 }).await?;
/// # Ok(()) }
/// ```
pub async fn connect(config: &ClientConfig) -> Result<Connection, Error> {
    Arc::new(Authenticator::new(config)?).connect().await
}

/// Shakes hands and authenticates over a stream the caller already opened (TCP, TLS, a tunnel).
/// The stream is used as it is: any TLS must already be set up on it. PLAIN is refused on it
/// unless the configuration opted in to clear-text PLAIN; for a stream that is encrypted, call
/// [`authenticate_over_tls`]. `host` (`host:port`) names
/// the server for the per-host memory of legacy servers and for GSSAPI.
///
/// `with` is an [`Authenticator`] (shared by many streams, one SCRAM key cache) or a
/// [`ClientConfig`] (a fresh authenticator for this one stream).
///
/// ```no_run
/// # async fn run(config: mongo_auth::ClientConfig) -> Result<(), mongo_auth::Error> {
/// use mongo_auth::Authenticator;
/// // With an authenticator shared by every stream:
/// let authenticator = Authenticator::new(&config)?;
/// let stream = tokio::net::TcpStream::connect("127.0.0.1:27017").await?;
/// let connection = mongo_auth::authenticate(stream, &authenticator, "127.0.0.1:27017").await?;
/// println!("{:?}", connection.authenticated_mechanism());
/// // Or straight from the configuration:
/// let stream = tokio::net::TcpStream::connect("127.0.0.1:27017").await?;
/// let connection = mongo_auth::authenticate(stream, &config, "127.0.0.1:27017").await?;
/// # Ok(()) }
/// ```
pub async fn authenticate<S, A>(stream: S, with: A, host: &str) -> Result<Connection, Error>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    A: AuthenticateWith,
{
    match with.authenticator()? {
        AuthenticatorRef::Borrowed(authenticator) => authenticator.authenticate(stream, host).await,
        AuthenticatorRef::Owned(authenticator) => authenticator.authenticate(stream, host).await,
    }
}

/// As [`authenticate`], over a stream the caller asserts is encrypted (TLS it set up itself, an
/// SSH tunnel, an encrypting proxy). The assertion is what lets PLAIN send its password without
/// the clear-text opt-in (`allow_plain_without_tls`); plain [`authenticate`] refuses PLAIN on a
/// stream it cannot see into. This library cannot check the assertion: use it only for a stream
/// that really is encrypted.
///
/// ```no_run
/// # async fn run(
/// #     config: mongo_auth::ClientConfig,
/// #     tls_stream: tokio::io::DuplexStream,
/// # ) -> Result<(), mongo_auth::Error> {
/// // `tls_stream`: a TLS client stream the application opened (tokio-rustls, native-tls...).
/// let connection =
///     mongo_auth::authenticate_over_tls(tls_stream, &config, "db.example.com:27017").await?;
/// # let _ = connection; Ok(()) }
/// ```
pub async fn authenticate_over_tls<S, A>(
    stream: S,
    with: A,
    host: &str,
) -> Result<Connection, Error>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    A: AuthenticateWith,
{
    match with.authenticator()? {
        AuthenticatorRef::Borrowed(authenticator) => {
            authenticator.authenticate_over_tls(stream, host).await
        }
        AuthenticatorRef::Owned(authenticator) => {
            authenticator.authenticate_over_tls(stream, host).await
        }
    }
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for &crate::Authenticator {}
    impl Sealed for &std::sync::Arc<crate::Authenticator> {}
    impl Sealed for &crate::ClientConfig {}
}

/// What [`authenticate`] can authenticate with: `&Authenticator`, `&Arc<Authenticator>` or
/// `&ClientConfig`. Sealed.
///
/// ```
/// fn takes<A: mongo_auth::AuthenticateWith>(_: A) {}
/// # fn run(config: &mongo_auth::ClientConfig, authenticator: &mongo_auth::Authenticator) {
/// takes(config);
/// takes(authenticator);
/// # }
/// ```
#[diagnostic::on_unimplemented(
    message = "`authenticate` needs an `&Authenticator` or a `&ClientConfig`, not `{Self}`",
    label = "pass `&authenticator` or `&config`"
)]
pub trait AuthenticateWith: sealed::Sealed {
    #[doc(hidden)]
    fn authenticator(&self) -> Result<AuthenticatorRef<'_>, Error>;
}

/// An authenticator borrowed from the caller or built for one call.
#[doc(hidden)]
pub enum AuthenticatorRef<'a> {
    Borrowed(&'a Authenticator),
    Owned(Box<Authenticator>),
}

impl AuthenticateWith for &Authenticator {
    fn authenticator(&self) -> Result<AuthenticatorRef<'_>, Error> {
        Ok(AuthenticatorRef::Borrowed(self))
    }
}

impl AuthenticateWith for &Arc<Authenticator> {
    fn authenticator(&self) -> Result<AuthenticatorRef<'_>, Error> {
        Ok(AuthenticatorRef::Borrowed(self))
    }
}

impl AuthenticateWith for &ClientConfig {
    fn authenticator(&self) -> Result<AuthenticatorRef<'_>, Error> {
        Ok(AuthenticatorRef::Owned(Box::new(Authenticator::new(self)?)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mechanism::plain::PlainClient;
    use mongo_auth_core::Password;

    #[tokio::test]
    async fn secret_commands_are_wiped_once_sent() {
        let (client, mut server) = tokio::io::duplex(1 << 16);
        let peer = tokio::spawn(async move {
            let request = wire::read_frame(&mut server, wire::DEFAULT_MAX_MESSAGE_SIZE)
                .await
                .unwrap();
            let body = request.message.into_command_document().unwrap();
            let payload = body.get_binary_generic("payload").unwrap().clone();
            let reply = Frame::reply_to(
                request.request_id,
                Message::Msg(OpMsg::new(bson::doc! { "ok": 1.0 })),
            );
            wire::write_frame(&mut server, &reply).await.unwrap();
            payload
        });
        let mut transport = Transport::new(Box::new(client), Framing::OpMsg, None);
        let plain = PlainClient::new("user", &Password::new("pencil"));
        let mut command = plain.sasl_start();
        let reply = transport
            .round_trip_secret("$external", &mut command)
            .await
            .unwrap();
        assert_eq!(reply.get_f64("ok").unwrap(), 1.0);
        // The server got the password; the client's copy of the command holds it no more.
        assert_eq!(peer.await.unwrap(), b"\0user\0pencil");
        assert!(command.get_binary_generic("payload").unwrap().is_empty());
        assert_eq!(command.get_str("mechanism").unwrap(), "");
    }

    #[test]
    fn wiping_reaches_nested_values() {
        let mut document = bson::doc! {
            "a": "secret",
            "b": { "c": bson::Binary { subtype: bson::spec::BinarySubtype::Generic, bytes: b"xyz".to_vec() } },
            "d": ["secret"],
            "n": 5,
        };
        wipe_document(&mut document);
        assert_eq!(
            document,
            bson::doc! {
                "a": "",
                "b": { "c": bson::Binary { subtype: bson::spec::BinarySubtype::Generic, bytes: vec![] } },
                "d": [""],
                "n": 5,
            }
        );
    }
}
