//! An authenticated connection: [`Connection::run_command`] runs commands on it, and it tells what
//! the handshake found (mechanism, user, round trips, the hello reply).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use bson::Document;
use mongo_auth_core::Mechanism;

use crate::config::ServerApi;
use crate::deadline::Deadline;
use crate::error::{CommandError, Error, Timeout, TimeoutPhase};
use crate::transport::{ByteStream, Framing, Transport};

/// Runs a connection's authentication again after the server answered
/// `ReauthenticationRequired` (391): SASL commands only, no hello (auth spec, "Reauthentication").
/// MONGODB-OIDC is the mechanism that implements it. `deadline` bounds the reauthentication; a
/// step that waits for a person holds it.
pub(crate) trait Reauthenticate: Send + Sync {
    fn reauthenticate<'a>(
        &'a mut self,
        transport: &'a mut Transport,
        host: &'a str,
        max_wire_version: i32,
        deadline: &'a Deadline,
    ) -> Pin<Box<dyn Future<Output = Result<(), Error>> + Send + 'a>>;
}

/// The server's code for "authenticate this connection again" (an OIDC token expired).
const REAUTHENTICATION_REQUIRED: i32 = 391;

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
    /// `timeoutMS` when given and not 0: the bound on a whole [`Connection::run_command`], its
    /// reauthentication and retry included.
    pub(crate) command_timeout: Option<Duration>,
    /// A command timed out: a late reply may still arrive, so the stream is out of step.
    pub(crate) broken: bool,
    /// How to authenticate again on `ReauthenticationRequired` (MONGODB-OIDC).
    pub(crate) reauthenticate: Option<Box<dyn Reauthenticate>>,
    /// How many times the connection was authenticated again.
    pub(crate) reauthentications: u32,
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
    /// On a MONGODB-OIDC connection, `ReauthenticationRequired` (391, the token the connection
    /// authenticated with expired) is handled here: the connection's token is dropped from the
    /// authenticator's cache, the SASL conversation runs again on this connection with a new token
    /// (no hello), and the command is sent once more, whether or not it is retryable. An error of
    /// the reauthentication is returned as is.
    ///
    /// Each round trip is bounded by the operation timeout (by default the configuration's
    /// `timeoutMS`, else its `socketTimeoutMS`, else its handshake timeout; see
    /// [`Connection::set_operation_timeout`]): a server that does not answer in time gives an
    /// [`Error::Timeout`] with [`TimeoutPhase::Operation`], after which the connection refuses
    /// further commands (a late reply would be taken for the next one's). With `timeoutMS` (not 0)
    /// the whole call — reauthentication and retry included — is bounded by it too
    /// ([`TimeoutPhase::TimeoutMs`]). A reauthentication without `timeoutMS` is bounded by the
    /// operation timeout; a MONGODB-OIDC human callback stops either clock while it runs.
    ///
    /// ```no_run
    /// # async fn run(connection: &mut mongo_auth::Connection) -> Result<(), mongo_auth::Error> {
    /// let reply = connection.run_command("admin", bson::doc! { "ping": 1 }).await?;
    /// assert!(reply.contains_key("ok"));
    /// # Ok(()) }
    /// ```
    pub async fn run_command(&mut self, db: &str, command: Document) -> Result<Document, Error> {
        let Some(after) = self.command_timeout else {
            return self.run_reauthenticating(db, command, None).await;
        };
        let whole = Deadline::after(Some(after), TimeoutPhase::TimeoutMs);
        match whole
            .run(self.run_reauthenticating(db, command, Some(&whole)))
            .await
        {
            Ok(result) => result,
            Err(_) => {
                // a reply may still be on its way
                self.broken = true;
                Err(whole.expired(&self.host))
            }
        }
    }

    /// A command, and on `ReauthenticationRequired` the reauthentication and the command again;
    /// `whole` is the call's `timeoutMS` deadline.
    async fn run_reauthenticating(
        &mut self,
        db: &str,
        command: Document,
        whole: Option<&Deadline>,
    ) -> Result<Document, Error> {
        let again = self.reauthenticate.is_some().then(|| command.clone());
        match self.run_once(db, command).await {
            Err(Error::Command(refused)) if refused.code == REAUTHENTICATION_REQUIRED => {
                let (Some(command), Some(mut reauthenticate)) = (again, self.reauthenticate.take())
                else {
                    return Err(Error::Command(refused));
                };
                let own;
                let deadline = match whole {
                    Some(whole) => whole,
                    None => {
                        own =
                            Deadline::after(Some(self.operation_timeout), TimeoutPhase::Operation);
                        &own
                    }
                };
                let result = deadline
                    .run(reauthenticate.reauthenticate(
                        &mut self.transport,
                        &self.host,
                        self.max_wire_version,
                        deadline,
                    ))
                    .await
                    .unwrap_or_else(|_| {
                        self.broken = true;
                        Err(deadline.expired(&self.host))
                    });
                self.reauthenticate = Some(reauthenticate);
                result?;
                self.reauthentications += 1;
                self.run_once(db, command).await
            }
            other => other,
        }
    }

    /// How many times the connection authenticated again after `ReauthenticationRequired` (391).
    ///
    /// ```no_run
    /// # fn run(connection: &mongo_auth::Connection) {
    /// println!("reauthenticated {} times", connection.reauthentications());
    /// # }
    /// ```
    pub fn reauthentications(&self) -> u32 {
        self.reauthentications
    }

    async fn run_once(&mut self, db: &str, command: Document) -> Result<Document, Error> {
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
        CommandError::check(&name, reply, "the command failed")
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
    /// The stream leaves the reauthentication of [`Connection::run_command`] behind: on a
    /// MONGODB-OIDC connection, a server that later answers `ReauthenticationRequired` (391) on it
    /// needs a new connection (the authenticator's cached token is then refreshed as usual).
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
