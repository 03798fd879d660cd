//! The listener, the state shared by connections, and the handle tests hold.

use std::fmt;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use mongo_auth::wire::WireError;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::User;
use crate::config::{Misbehaviour, ServerConfig};
use crate::conversation::{Authenticated, SaslMechanism};
use crate::users::{StoredUser, UserError};

/// The server could not start.
#[derive(Debug)]
#[non_exhaustive]
pub enum ServerError {
    /// Binding 127.0.0.1 failed.
    Bind(std::io::Error),
    /// A configured user could not be stored.
    User(UserError),
    /// The TLS certificate, key or client CA file could not be loaded.
    Tls(std::io::Error),
}

impl fmt::Display for ServerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Bind(e) => write!(f, "cannot listen on 127.0.0.1: {e}"),
            Self::User(e) => write!(f, "cannot create a user: {e}"),
            Self::Tls(e) => write!(f, "cannot set up TLS: {e}"),
        }
    }
}

impl std::error::Error for ServerError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Bind(e) => Some(e),
            Self::User(e) => Some(e),
            Self::Tls(e) => Some(e),
        }
    }
}

/// What the server saw on one connection.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ConnectionRecord {
    /// The connection's id (also reported as `connectionId` in the handshake reply), from 1.
    pub id: u64,
    /// The names of the commands received, in order (one per round trip). A refused OP_MSG on an
    /// old server is recorded as `"<OP_MSG refused>"`.
    pub commands: Vec<String>,
    /// `user@db` of each successful authentication on this connection.
    pub authenticated: Vec<String>,
    /// The mechanism of each entry of `authenticated`, for example `SCRAM-SHA-256`.
    pub mechanisms: Vec<String>,
    /// How many authentications completed inside the handshake (speculative authentication).
    pub speculative: u32,
    /// How many commands had already arrived, in the bytes read with the command before them,
    /// when that one was answered: the client wrote them behind it without waiting for its reply
    /// (a pipelined `ping`).
    pub read_ahead: u32,
    /// The wire error that ended the connection, if one did.
    pub wire_error: Option<String>,
    /// Whether the connection has been closed.
    pub closed: bool,
}

impl ConnectionRecord {
    /// How many round trips the connection took: one per command.
    pub fn round_trips(&self) -> usize {
        self.commands.len()
    }
}

/// Counters over the server's whole life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ServerStats {
    /// Connections accepted.
    pub connections: u64,
    /// SASL conversations started (SCRAM, PLAIN or plugged), speculative ones included.
    pub sasl_conversations: u64,
    /// Successful authentications, of any mechanism.
    pub authentications: u64,
    /// Failed authentication attempts.
    pub authentication_failures: u64,
    /// Connection handlers that panicked. Always 0 unless the server has a bug; tests that feed it
    /// hostile input check it after [`RunningServer::shutdown`].
    pub connection_panics: u64,
}

#[derive(Default)]
pub(crate) struct Records {
    pub(crate) stats: ServerStats,
    pub(crate) connections: Vec<ConnectionRecord>,
}

/// How many connections may wait to be accepted. The 128 of `TcpListener::bind` drops the SYNs of
/// a burst of connections beyond it, and each dropped one costs its client a one-second
/// retransmission; the kernel caps this at `net.core.somaxconn`.
const ACCEPT_BACKLOG: u32 = 4096;

/// A listener on 127.0.0.1 with a port the system picks and room for a burst of connections.
fn listen_on_loopback() -> std::io::Result<TcpListener> {
    let socket = tokio::net::TcpSocket::new_v4()?;
    socket.set_reuseaddr(true)?;
    socket.bind((std::net::Ipv4Addr::LOCALHOST, 0).into())?;
    socket.listen(ACCEPT_BACKLOG)
}

/// State shared by the listener and every connection.
pub(crate) struct Shared {
    /// The users; [`RunningServer::replace_user`] changes one while the server runs.
    pub(crate) users: std::sync::RwLock<Vec<Arc<StoredUser>>>,
    pub(crate) max_wire_version: i32,
    pub(crate) speculative_authentication: bool,
    pub(crate) skip_empty_exchange: bool,
    pub(crate) require_auth: bool,
    pub(crate) misbehaviours: Vec<Misbehaviour>,
    pub(crate) sasl_mechanisms: Vec<Arc<dyn SaslMechanism>>,
    pub(crate) max_message_size: usize,
    /// How many of the next commands on authenticated connections fail with
    /// `ReauthenticationRequired` (391); see [`RunningServer::require_reauthentication`].
    pub(crate) reauthentication_required: AtomicU64,
    records: Mutex<Records>,
    shutdown: watch::Receiver<bool>,
}

impl Shared {
    pub(crate) fn records(&self) -> MutexGuard<'_, Records> {
        // A panic while holding the lock cannot leave the records inconsistent in a way that
        // matters to a test server: keep going.
        self.records.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn with_connection(&self, id: u64, f: impl FnOnce(&mut ConnectionRecord)) {
        let mut records = self.records();
        // ids are handed out under this lock, from 1, in the order records are pushed
        let index = usize::try_from(id - 1).expect("a record's index fits in usize");
        if let Some(record) = records.connections.get_mut(index) {
            debug_assert_eq!(record.id, id);
            f(record);
        }
    }

    pub(crate) fn shutdown_signal(&self) -> watch::Receiver<bool> {
        self.shutdown.clone()
    }

    pub(crate) fn open_connection(&self) -> u64 {
        let mut records = self.records();
        // the id is the record's position plus one, so that finding a record is an index
        let id = records.connections.len() as u64 + 1;
        records.stats.connections += 1;
        records.connections.push(ConnectionRecord {
            id,
            ..ConnectionRecord::default()
        });
        id
    }

    pub(crate) fn close_connection(&self, id: u64) {
        self.with_connection(id, |c| c.closed = true);
    }

    pub(crate) fn record_read_ahead(&self, id: u64) {
        self.with_connection(id, |c| c.read_ahead += 1);
    }

    pub(crate) fn record_command(&self, id: u64, name: &str) {
        self.with_connection(id, |c| c.commands.push(name.to_owned()));
    }

    pub(crate) fn record_wire_error(&self, id: u64, error: &WireError) {
        self.with_connection(id, |c| c.wire_error = Some(error.to_string()));
    }

    /// Counts a connection handler that panicked (a server bug that tests must see).
    fn record_join(&self, joined: Result<(), tokio::task::JoinError>) {
        if joined.is_err_and(|e| e.is_panic()) {
            self.records().stats.connection_panics += 1;
        }
    }

    pub(crate) fn record_sasl_conversation(&self) {
        self.records().stats.sasl_conversations += 1;
    }

    pub(crate) fn record_failure(&self) {
        self.records().stats.authentication_failures += 1;
    }

    pub(crate) fn record_speculative(&self, id: u64) {
        self.with_connection(id, |c| c.speculative += 1);
    }

    pub(crate) fn record_authentication(&self, id: u64, user: &Authenticated) {
        self.records().stats.authentications += 1;
        self.with_connection(id, |c| {
            c.authenticated.push(format!("{}@{}", user.user, user.db));
            c.mechanisms.push(user.mechanism.clone());
        });
    }
}

/// The conformance server. See the crate documentation for an example.
#[derive(Debug)]
#[non_exhaustive]
pub struct Server;

impl Server {
    /// Derives the configured users' credentials, binds 127.0.0.1 on an ephemeral port and starts
    /// accepting connections on the current tokio runtime.
    pub async fn start(mut config: ServerConfig) -> Result<RunningServer, ServerError> {
        let tls = config
            .tls
            .as_ref()
            .map(crate::tls::TlsOptions::acceptor)
            .transpose()
            .map_err(ServerError::Tls)?;
        let users = std::mem::take(&mut config.users);
        // PBKDF2 for every user: keep it off the async worker.
        let users = tokio::task::spawn_blocking(move || {
            users
                .into_iter()
                .map(|u| u.store())
                .collect::<Result<Vec<_>, _>>()
        })
        .await
        .expect("storing users does not panic")
        .map_err(ServerError::User)?;
        let listener = listen_on_loopback().map_err(ServerError::Bind)?;
        let addr = listener.local_addr().map_err(ServerError::Bind)?;
        let (stop, shared) = Shared::new(config, users);
        let accept = tokio::spawn(accept_loop(listener, Arc::clone(&shared), tls));
        Ok(RunningServer {
            addr,
            shared,
            stop,
            accept: Some(accept),
        })
    }
}

#[cfg(test)]
impl Shared {
    /// The state of a server that is not listening, for driving `serve_connection` directly.
    pub(crate) fn for_tests(mut config: ServerConfig) -> (Arc<Self>, watch::Sender<bool>) {
        let users = std::mem::take(&mut config.users)
            .into_iter()
            .map(|u| u.store())
            .collect::<Result<Vec<_>, _>>()
            .expect("test users store");
        let (stop, shared) = Shared::new(config, users);
        (shared, stop)
    }
}

impl Shared {
    /// The state shared by a server's connections: `config`'s settings (its `users` are not read)
    /// with `users` as stored, and the sender that tells the connections to stop.
    fn new(config: ServerConfig, users: Vec<StoredUser>) -> (watch::Sender<bool>, Arc<Self>) {
        let (stop, shutdown) = watch::channel(false);
        let shared = Arc::new(Shared {
            users: std::sync::RwLock::new(users.into_iter().map(Arc::new).collect()),
            max_wire_version: config.max_wire_version,
            speculative_authentication: config.speculative_authentication,
            skip_empty_exchange: config.skip_empty_exchange,
            require_auth: config.require_auth,
            misbehaviours: config.misbehaviours,
            sasl_mechanisms: config.sasl_mechanisms,
            max_message_size: config.max_message_size,
            reauthentication_required: AtomicU64::new(0),
            records: Mutex::new(Records::default()),
            shutdown,
        });
        (stop, shared)
    }
}

async fn accept_loop(
    listener: TcpListener,
    shared: Arc<Shared>,
    tls: Option<tokio_rustls::TlsAcceptor>,
) {
    let mut shutdown = shared.shutdown_signal();
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = shutdown.wait_for(|stop| *stop) => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(serve_tcp(stream, Arc::clone(&shared), tls.clone()));
                }
                // Transient accept failures (out of descriptors, aborted handshakes): keep serving.
                Err(_) => continue,
            },
            // Reap finished connections so the set does not grow without bound.
            Some(joined) = connections.join_next(), if !connections.is_empty() => {
                shared.record_join(joined);
            }
        }
    }
    // Connections watch the same signal and close; wait for them.
    while let Some(joined) = connections.join_next().await {
        shared.record_join(joined);
    }
}

/// Serves one accepted TCP connection. A TLS listener wraps the stream here and passes the client
/// certificate's RFC 2253 subject to [`serve_connection`](crate::connection::serve_connection).
async fn serve_tcp(stream: TcpStream, shared: Arc<Shared>, tls: Option<tokio_rustls::TlsAcceptor>) {
    let _ = stream.set_nodelay(true);
    let Some(acceptor) = tls else {
        crate::connection::serve_connection(stream, None, shared).await;
        return;
    };
    let mut shutdown = shared.shutdown_signal();
    let accepted = tokio::select! {
        _ = shutdown.wait_for(|stop| *stop) => return,
        accepted = crate::tls::accept(&acceptor, stream) => accepted,
    };
    // A failed handshake (untrusted or missing client certificate, wrong CA on the client) has
    // already been reported to the client with a TLS alert.
    if let Ok((stream, subject)) = accepted {
        crate::connection::serve_connection(stream, subject, shared).await;
    }
}

/// A server running on 127.0.0.1. Dropping it stops accepting and closes every connection.
pub struct RunningServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
    accept: Option<tokio::task::JoinHandle<()>>,
}

impl fmt::Debug for RunningServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RunningServer")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters, for URI userinfo.
fn percent_encode(text: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

impl RunningServer {
    /// The address the server listens on (127.0.0.1, ephemeral port).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `mongodb://127.0.0.1:<port>/?directConnection=true`: no credential.
    pub fn uri(&self) -> String {
        format!("mongodb://{}/?directConnection=true", self.addr)
    }

    /// A URI for `user`/`password` with `authSource=source` and, if given, `authMechanism`.
    /// User and password are percent-encoded.
    ///
    /// ```no_run
    /// # async fn f(server: mongo_auth_test_server::RunningServer) {
    /// let uri = server.uri_for("app", "p@ss:word", "admin", Some("SCRAM-SHA-256"));
    /// // mongodb://app:p%40ss%3Aword@127.0.0.1:PORT/?directConnection=true&authSource=admin&authMechanism=SCRAM-SHA-256
    /// # }
    /// ```
    pub fn uri_for(
        &self,
        user: &str,
        password: &str,
        source: &str,
        mechanism: Option<&str>,
    ) -> String {
        let mut uri = format!(
            "mongodb://{}:{}@{}/?directConnection=true&authSource={}",
            percent_encode(user),
            percent_encode(password),
            self.addr,
            percent_encode(source),
        );
        if let Some(mechanism) = mechanism {
            uri.push_str("&authMechanism=");
            uri.push_str(mechanism);
        }
        uri
    }

    /// Makes the next command (not an authentication command) on an authenticated connection fail
    /// with `ReauthenticationRequired` (391) and drop that connection's authentication, as mongod
    /// does when the OIDC token a connection authenticated with expires. The client must run the
    /// SASL conversation again on that connection.
    pub fn require_reauthentication(&self) {
        self.shared
            .reauthentication_required
            .fetch_add(1, Ordering::SeqCst);
    }

    /// Counters over the server's life so far.
    pub fn stats(&self) -> ServerStats {
        self.shared.records().stats
    }

    /// What the server saw on each connection, in the order they were accepted. A command is
    /// recorded before its reply is sent, so once a client has its reply the record includes it.
    pub fn connections(&self) -> Vec<ConnectionRecord> {
        self.shared.records().connections.clone()
    }

    /// Every command the server received, on all connections, in order of connection.
    pub fn commands(&self) -> Vec<String> {
        self.shared
            .records()
            .connections
            .iter()
            .flat_map(|c| c.commands.iter().cloned())
            .collect()
    }

    /// The `maxWireVersion` this server reports.
    pub fn max_wire_version(&self) -> i32 {
        self.shared.max_wire_version
    }

    /// Also accepts connections on a Unix domain socket at `path`, served as the TCP ones are
    /// (without TLS, as mongod serves its socket) until the server shuts down. A file already at
    /// `path` is replaced; the socket file is removed when the server shuts down.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use mongo_auth_test_server::{Server, ServerConfig};
    /// let server = Server::start(ServerConfig::new()).await?;
    /// let path = std::env::temp_dir().join(format!("mongo-auth-doc-{}.sock", std::process::id()));
    /// server.listen_on_unix_socket(&path)?;
    /// assert!(path.exists());
    /// server.shutdown().await;
    /// # Ok::<(), mongo_auth_test_server::ServerError>(())
    /// # }).unwrap();
    /// ```
    #[cfg(unix)]
    pub fn listen_on_unix_socket(
        &self,
        path: impl AsRef<std::path::Path>,
    ) -> Result<(), ServerError> {
        let path = path.as_ref().to_owned();
        let _ = std::fs::remove_file(&path);
        let listener = tokio::net::UnixListener::bind(&path).map_err(ServerError::Bind)?;
        let shared = Arc::clone(&self.shared);
        tokio::spawn(async move {
            let mut shutdown = shared.shutdown_signal();
            let mut connections = JoinSet::new();
            loop {
                tokio::select! {
                    _ = shutdown.wait_for(|stop| *stop) => break,
                    accepted = listener.accept() => if let Ok((stream, _)) = accepted {
                        connections.spawn(crate::connection::serve_connection(
                            stream,
                            None,
                            Arc::clone(&shared),
                        ));
                    },
                    Some(joined) = connections.join_next(), if !connections.is_empty() => {
                        shared.record_join(joined);
                    }
                }
            }
            while let Some(joined) = connections.join_next().await {
                shared.record_join(joined);
            }
            let _ = std::fs::remove_file(&path);
        });
        Ok(())
    }

    /// Replaces the user of the same name and database (or adds it), as `db.updateUser` would: a
    /// password rotated under a running server. Connections that already authenticated keep their
    /// session; new conversations see the new credentials.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use mongo_auth_test_server::{Server, ServerConfig, User};
    /// let server = Server::start(ServerConfig::new().user(User::new("app", "admin").password("old"))).await.unwrap();
    /// server.replace_user(User::new("app", "admin").password("new")).await.unwrap();
    /// server.shutdown().await;
    /// # }
    /// ```
    pub async fn replace_user(&self, user: User) -> Result<(), ServerError> {
        let stored = tokio::task::spawn_blocking(move || user.store())
            .await
            .expect("storing a user does not panic")
            .map_err(ServerError::User)?;
        let mut users = self.shared.users.write().unwrap_or_else(|p| p.into_inner());
        users.retain(|u| !(u.db == stored.db && u.name == stored.name));
        users.push(Arc::new(stored));
        Ok(())
    }

    /// Stops accepting, closes every connection (stalled ones included), waits for them, and
    /// returns the final counters.
    pub async fn shutdown(mut self) -> ServerStats {
        let _ = self.stop.send(true);
        if let Some(accept) = self.accept.take() {
            let _ = accept.await;
        }
        self.stats()
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

#[cfg(test)]
mod tests {
    use super::percent_encode;

    #[test]
    fn userinfo_is_percent_encoded() {
        assert_eq!(percent_encode("a:b@c/d%e"), "a%3Ab%40c%2Fd%25e");
        assert_eq!(percent_encode("I\u{00AD}X"), "I%C2%ADX");
        assert_eq!(percent_encode("plain-._~"), "plain-._~");
    }
}
