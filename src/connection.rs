//! An authenticated connection: [`Connection::run_command`] runs commands on it, and it tells what
//! the handshake found (mechanism, user, round trips, the hello reply).

use std::fmt;
use std::time::Duration;

use bson::Document;
use mongo_auth_core::Mechanism;

use crate::config::ServerApi;
use crate::error::{CommandError, Error, Timeout, TimeoutPhase};
use crate::reply::reply_ok;
use crate::transport::{ByteStream, Framing, Transport};

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
            return Err(self.out_of_step());
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

    /// Gives the authenticated stream back, with what the handshake negotiated, so that other code
    /// (another driver, a proxy) can speak on it. The stream is between messages: the next bytes
    /// either side sends start a new message.
    ///
    /// A connection whose last command timed out is refused: a late reply may still be on its way,
    /// so the stream is out of step with the server.
    ///
    /// ```no_run
    /// # async fn run(config: mongo_auth::ClientConfig) -> Result<(), mongo_auth::Error> {
    /// let connection = mongo_auth::connect(&config).await?;
    /// let (stream, negotiated) = connection.into_inner()?;
    /// println!("{} authenticated with {:?} (maxWireVersion {})", negotiated.host, negotiated.mechanism, negotiated.max_wire_version);
    /// # let _ = stream;
    /// # Ok(()) }
    /// ```
    pub fn into_inner(self) -> Result<(Box<dyn ByteStream>, Negotiated), Error> {
        if self.broken {
            return Err(self.out_of_step());
        }
        let negotiated = Negotiated {
            host: self.host,
            mechanism: self.mechanism,
            user: self.user,
            handshake_round_trips: self.handshake_round_trips,
            max_wire_version: self.max_wire_version,
            max_message_size: self.transport.max_message_size,
            uses_op_query: self.transport.framing == Framing::OpQuery,
            server_api: self.transport.server_api,
            hello_reply: self.hello_reply,
        };
        Ok((self.transport.into_stream(), negotiated))
    }

    fn out_of_step(&self) -> Error {
        Error::Io(std::io::Error::new(
            std::io::ErrorKind::NotConnected,
            format!(
                "an earlier command to {} timed out and the connection is out of step with the \
                 server; open a new connection",
                self.host
            ),
        ))
    }
}

/// What the handshake of a connection negotiated, given back with its stream by
/// [`Connection::into_inner`].
///
/// ```no_run
/// # async fn run(config: mongo_auth::ClientConfig) -> Result<(), mongo_auth::Error> {
/// let (_stream, negotiated) = mongo_auth::connect(&config).await?.into_inner()?;
/// if negotiated.uses_op_query {
///     println!("{} is older than MongoDB 3.6: frame commands as OP_QUERY", negotiated.host);
/// }
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Negotiated {
    /// The server's address (`host:port`, or the socket's path).
    pub host: String,
    /// The mechanism the connection authenticated with, or `None` without a credential.
    pub mechanism: Option<Mechanism>,
    /// The user the server reported, when the mechanism reports one (MONGODB-X509).
    pub user: Option<String>,
    /// The request/reply exchanges the handshake took, hello included.
    pub handshake_round_trips: u32,
    /// The server's `maxWireVersion`.
    pub max_wire_version: i32,
    /// The largest message the server accepts (its `maxMessageSizeBytes`, at most 48 MB).
    pub max_message_size: usize,
    /// Whether the server needs legacy OP_QUERY framing (servers before 3.6) rather than OP_MSG.
    pub uses_op_query: bool,
    /// The stable API version every command on this connection must declare (`apiVersion`), if
    /// the configuration set one.
    pub server_api: Option<ServerApi>,
    /// The server's reply to the first hello.
    pub hello_reply: Document,
}
