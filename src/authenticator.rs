//! The authenticator: built once per configuration and shared by all its connections. It owns the
//! SCRAM key cache, the TLS connector and the memory of which hosts are too old for OP_MSG, and it
//! drives the sans-IO conversations of [`crate::mechanism`] over a stream.

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use mongo_auth_core::{Credential, Host, HostKind, Mechanism, Password};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::OnceCell;

use crate::config::{ClientConfig, ConnectOptions};
use crate::connection::{Connection, Framing, Stream, Transport};
use crate::error::{
    CredentialError, Error, NoReachableHost, ProtocolViolation, Timeout, TimeoutPhase,
};
use crate::events::event;
use crate::handshake::{self, HelloParameters, HelloReply, Speculative};
use crate::mechanism::cr::CrClient;
use crate::mechanism::plain::PlainClient;
use crate::mechanism::scram::{ScramClientFirst, ScramKeyRequest, ScramKeys, ScramMechanism};
use crate::mechanism::x509::X509Client;
use crate::mechanism::{SPECULATIVE, SaslReply, sasl_continue};
use crate::tls::TlsConnector;
use crate::wire::WireError;

/// How many PBKDF2 derivations of one authenticator may run at once on tokio's blocking pool. A
/// derivation cannot be stopped once started, so a server that sends a new salt to every
/// connection (and connections that give up waiting) cannot occupy more blocking threads than this.
const MAX_DERIVATIONS_IN_FLIGHT: usize = 2;

/// Authenticates connections for one [`ClientConfig`]. Build it once and share it (it is `Send +
/// Sync`; wrap it in an [`Arc`]): its SCRAM key cache means PBKDF2 runs once per (mechanism,
/// password, salt, iteration count), however many connections start at the same moment, and never
/// on an async worker thread.
///
/// ```no_run
/// # async fn run(config: mongo_auth::ClientConfig) -> Result<(), mongo_auth::Error> {
/// use std::sync::Arc;
/// use mongo_auth::Authenticator;
///
/// let authenticator = Arc::new(Authenticator::new(&config)?);
/// let mut tasks = Vec::new();
/// for _ in 0..10 {
///     let authenticator = authenticator.clone();
///     tasks.push(tokio::spawn(async move { authenticator.connect().await }));
/// }
/// for task in tasks {
///     let _connection = task.await.expect("task panicked")?;
/// }
/// assert_eq!(authenticator.pbkdf2_computations(), 1);
/// # Ok(()) }
/// ```
pub struct Authenticator {
    hosts: Vec<Host>,
    srv: bool,
    credential: Option<Credential>,
    tls: Option<TlsConnector>,
    options: ConnectOptions,
    keys: KeyCache,
    legacy_hosts: Mutex<HashSet<String>>,
    /// The `mongodb+srv` lookup, done on the first connect: the hosts, and the credential and
    /// options with the TXT record's options applied.
    srv_resolution: OnceCell<crate::srv::Resolved>,
    /// Who answers the `mongodb+srv` lookups; `None`: hickory with the system's configuration.
    dns: Option<std::sync::Arc<dyn crate::dns::DnsResolver>>,
}

impl std::fmt::Debug for Authenticator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Authenticator")
            .field("hosts", &self.hosts)
            .field("mechanism", &self.credential.as_ref().map(|c| c.mechanism))
            .field("tls", &self.tls.is_some())
            .field("pbkdf2_computations", &self.pbkdf2_computations())
            .finish_non_exhaustive()
    }
}

impl Authenticator {
    /// Builds the authenticator for a configuration; loads the TLS files now, so a bad certificate
    /// path fails here rather than on the first connection.
    ///
    /// ```no_run
    /// # fn run(config: &mongo_auth::ClientConfig) -> Result<(), mongo_auth::Error> {
    /// let authenticator = mongo_auth::Authenticator::new(config)?;
    /// # let _ = authenticator; Ok(()) }
    /// ```
    pub fn new(config: &ClientConfig) -> Result<Self, Error> {
        let tls = match &config.tls {
            Some(settings) => Some(TlsConnector::new(settings)?),
            None => None,
        };
        Ok(Self {
            hosts: config.hosts.clone(),
            srv: config.srv,
            credential: config.credential.clone(),
            tls,
            options: config.options.clone(),
            keys: KeyCache::default(),
            legacy_hosts: Mutex::new(HashSet::new()),
            srv_resolution: OnceCell::new(),
            dns: None,
        })
    }

    /// Answers this authenticator's `mongodb+srv` lookups with `resolver` instead of hickory with the
    /// system's configuration: chosen name servers ([`HickoryResolver::with_nameservers`]) or any
    /// [`DnsResolver`]. The spec's rules apply to its answers as to the system's.
    ///
    /// [`HickoryResolver::with_nameservers`]: crate::dns::HickoryResolver::with_nameservers
    /// [`DnsResolver`]: crate::dns::DnsResolver
    ///
    /// ```no_run
    /// use std::sync::Arc;
    /// # fn run(config: &mongo_auth::ClientConfig) -> Result<(), mongo_auth::Error> {
    /// let resolver = mongo_auth::dns::HickoryResolver::with_nameservers(&["10.0.0.53:53".parse().unwrap()]);
    /// let authenticator = mongo_auth::Authenticator::new(config)?.with_dns_resolver(Arc::new(resolver));
    /// # let _ = authenticator; Ok(()) }
    /// ```
    pub fn with_dns_resolver(
        mut self,
        resolver: std::sync::Arc<dyn crate::dns::DnsResolver>,
    ) -> Self {
        self.dns = Some(resolver);
        self
    }

    /// How many times PBKDF2 has run for this authenticator: once per SCRAM variant, and again
    /// whenever the server sends that variant a new salt or iteration count.
    ///
    /// ```no_run
    /// # fn run(authenticator: &mongo_auth::Authenticator) {
    /// println!("PBKDF2 ran {} times", authenticator.pbkdf2_computations());
    /// # }
    /// ```
    pub fn pbkdf2_computations(&self) -> u64 {
        self.keys.computations.load(Ordering::Relaxed)
    }

    /// Opens an authenticated connection to the first reachable host of the configuration
    /// (resolving `mongodb+srv` first). An authentication failure is returned at once; network
    /// failures move on to the next host, and so does a host that answers as an arbiter when a
    /// credential is configured ([`Error::Arbiter`]: arbiters hold no users, so a connection to
    /// one is never handed back as if it were authenticated).
    ///
    /// ```no_run
    /// # async fn run(authenticator: &mongo_auth::Authenticator) -> Result<(), mongo_auth::Error> {
    /// let mut connection = authenticator.connect().await?;
    /// connection.run_command("admin", bson::doc! { "ping": 1 }).await?;
    /// # Ok(()) }
    /// ```
    pub async fn connect(&self) -> Result<Connection, Error> {
        let hosts = if self.srv {
            &self
                .srv_resolution
                .get_or_try_init(|| async {
                    let resolution =
                        crate::srv::resolve(self.dns.as_deref(), &self.hosts, &self.options)
                            .await?;
                    crate::srv::apply(
                        self.hosts.first().map_or("", |host| host.host.as_str()),
                        resolution,
                        self.credential.as_ref(),
                        &self.options,
                    )
                })
                .await?
                .hosts
        } else {
            &self.hosts
        };
        let mut attempts = Vec::new();
        for (index, host) in hosts.iter().enumerate() {
            #[cfg(not(feature = "tracing"))]
            let _ = index;
            match self.connect_host(host).await {
                Ok(connection) => return Ok(connection),
                Err(
                    e @ (Error::Authentication(_)
                    | Error::Credential(_)
                    | Error::NotSupported(_)
                    | Error::Tls(_)),
                ) => {
                    event!(warn, host = %host_name(host), error = %e, "connection failed");
                    return Err(e);
                }
                Err(e) => {
                    event!(
                        warn,
                        host = %host_name(host),
                        error = %e,
                        next_host = index + 1 < hosts.len(),
                        "connection failed"
                    );
                    attempts.push((host_name(host), e));
                }
            }
        }
        if attempts.len() == 1 {
            return Err(attempts
                .pop()
                .map(|(_, e)| e)
                .unwrap_or_else(unreachable_no_host));
        }
        Err(Error::NoReachableHost(NoReachableHost { attempts }))
    }

    /// Shakes hands and authenticates over a stream the caller already has; see
    /// [`crate::authenticate`].
    ///
    /// The stream is used as it is, and this library cannot see whether it is encrypted: PLAIN,
    /// which sends the password in clear, is refused on it unless the configuration opted in to
    /// clear-text PLAIN (`allow_plain_without_tls`), whatever the configuration's TLS settings say.
    /// For a stream that is encrypted (TLS the caller set up, an SSH tunnel), use
    /// [`Authenticator::authenticate_over_tls`]. An OP_MSG hello the server drops cannot be
    /// retried on the caller's stream; the error is returned and the next stream to `host` starts
    /// with OP_QUERY.
    ///
    /// ```no_run
    /// # async fn run(authenticator: &mongo_auth::Authenticator) -> Result<(), mongo_auth::Error> {
    /// let stream = tokio::net::TcpStream::connect("127.0.0.1:27017").await?;
    /// let connection = authenticator.authenticate(stream, "127.0.0.1:27017").await?;
    /// # let _ = connection; Ok(()) }
    /// ```
    pub async fn authenticate<S>(&self, stream: S, host: &str) -> Result<Connection, Error>
    where
        S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        self.authenticate_stream(Box::new(stream), host, Channel::CallerStream)
            .await
    }

    /// As [`Authenticator::authenticate`], over a stream the caller asserts is encrypted (TLS it
    /// set up itself, an SSH tunnel, an encrypting proxy). The assertion is what lets PLAIN send
    /// its password without the clear-text opt-in; nothing else changes. Use it only for a stream
    /// that really is encrypted: this library cannot check.
    ///
    /// ```no_run
    /// # async fn run(
    /// #     authenticator: &mongo_auth::Authenticator,
    /// #     tls_stream: tokio::io::DuplexStream,
    /// # ) -> Result<(), mongo_auth::Error> {
    /// // `tls_stream`: a TLS client stream the application opened (tokio-rustls, native-tls...).
    /// let connection = authenticator
    ///     .authenticate_over_tls(tls_stream, "db.example.com:27017")
    ///     .await?;
    /// # let _ = connection; Ok(()) }
    /// ```
    pub async fn authenticate_over_tls<S>(&self, stream: S, host: &str) -> Result<Connection, Error>
    where
        S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        self.authenticate_stream(Box::new(stream), host, Channel::CallerEncrypted)
            .await
    }

    async fn authenticate_stream(
        &self,
        stream: Box<dyn Stream>,
        host: &str,
        channel: Channel,
    ) -> Result<Connection, Error> {
        let op_query = self.is_legacy(host);
        let deadline = self.connection_deadline();
        event!(
            debug,
            host,
            caller_stream = true,
            "authenticating over the caller's stream"
        );
        let result = match deadline
            .bound(host, self.handshake(stream, host, op_query, channel))
            .await?
        {
            Ok(connection) => Ok(connection),
            Err(HandshakeFailure::Failed(e)) => Err(e),
            Err(HandshakeFailure::OpMsgRefused(e)) => {
                // The caller's stream cannot be reopened; the next stream to this host starts with
                // OP_QUERY.
                event!(
                    warn,
                    host,
                    "the server refused OP_MSG; the next stream starts with OP_QUERY"
                );
                self.mark_legacy(host, true);
                Err(e)
            }
        };
        if let Err(e) = &result {
            event!(warn, host, error = %e, "authentication failed");
            #[cfg(not(feature = "tracing"))]
            let _ = e;
        }
        result
    }

    async fn connect_host(&self, host: &Host) -> Result<Connection, Error> {
        let name = host_name(host);
        // One deadline for the whole connection phase: TCP, TLS, hello and authentication, the
        // OP_QUERY retry included.
        let deadline = self.connection_deadline();
        let op_query = self.is_legacy(&name);
        event!(
            debug,
            host = %name,
            tls = self.tls.is_some() && host.kind != HostKind::Unix,
            op_query,
            "connecting"
        );
        let stream = deadline.bound(&name, self.open(host, &name)).await??;
        let channel = self.own_channel(host);
        let first = deadline
            .bound(&name, self.handshake(stream, &name, op_query, channel))
            .await?;
        match first {
            Ok(connection) => Ok(connection),
            Err(HandshakeFailure::Failed(e)) => Err(e),
            Err(HandshakeFailure::OpMsgRefused(_)) => {
                // A server older than 3.6 drops OP_MSG: reconnect once and speak OP_QUERY.
                event!(warn, host = %name, "the server refused OP_MSG; reconnecting with OP_QUERY");
                self.mark_legacy(&name, true);
                let stream = deadline.bound(&name, self.open(host, &name)).await??;
                match deadline
                    .bound(&name, self.handshake(stream, &name, true, channel))
                    .await?
                {
                    Ok(connection) => Ok(connection),
                    Err(HandshakeFailure::Failed(e) | HandshakeFailure::OpMsgRefused(e)) => Err(e),
                }
            }
        }
    }

    /// The deadline of one host's connection phase, from now: `connectTimeoutMS` (10 s unless
    /// given; none when given as 0), never later than the handshake timeout.
    fn connection_deadline(&self) -> ConnectionDeadline {
        let handshake = self.options.handshake_timeout;
        let (phase, after) = match self.options.connect_timeout {
            Some(connect) if connect <= handshake => (TimeoutPhase::Connect, connect),
            _ => (TimeoutPhase::Handshake, handshake),
        };
        ConnectionDeadline {
            // A bound too far away to express is no bound at all.
            at: tokio::time::Instant::now().checked_add(after),
            phase,
            after,
        }
    }

    /// TCP (or a Unix socket), then TLS when configured; bounded by the caller's deadline.
    async fn open(&self, host: &Host, name: &str) -> Result<Box<dyn Stream>, Error> {
        if host.kind == HostKind::Unix {
            return self.open_unix(host).await;
        }
        let tcp = tokio::net::TcpStream::connect((host.host.as_str(), host.port_or_default()))
            .await
            .map_err(|e| {
                Error::Io(std::io::Error::new(
                    e.kind(),
                    format!("cannot connect to {name}: {e}"),
                ))
            })?;
        tcp.set_nodelay(true)?;
        match &self.tls {
            None => Ok(Box::new(tcp) as Box<dyn Stream>),
            Some(connector) => {
                let stream = connector.connect(&host.host, tcp).await?;
                event!(
                    debug,
                    host = %name,
                    protocol = ?stream.get_ref().1.protocol_version(),
                    client_certificate = connector.client_certificate_subject().is_some(),
                    "tls established"
                );
                Ok(Box::new(stream) as Box<dyn Stream>)
            }
        }
    }

    #[cfg(unix)]
    async fn open_unix(&self, host: &Host) -> Result<Box<dyn Stream>, Error> {
        let socket = tokio::net::UnixStream::connect(&host.host).await?;
        Ok(Box::new(socket))
    }

    #[cfg(not(unix))]
    async fn open_unix(&self, host: &Host) -> Result<Box<dyn Stream>, Error> {
        Err(Error::not_supported(format!(
            "unix domain sockets ({}) are not available on this platform; connect over TCP",
            host.host
        )))
    }

    /// The credential: the configuration's, with a `mongodb+srv` TXT `authSource` applied.
    fn credential(&self) -> Option<&Credential> {
        match self.srv_resolution.get() {
            Some(resolved) => resolved.credential.as_ref(),
            None => self.credential.as_ref(),
        }
    }

    /// The options: the configuration's, with a `mongodb+srv` TXT `replicaSet` and `loadBalanced`
    /// merged under them.
    fn options(&self) -> &ConnectOptions {
        match self.srv_resolution.get() {
            Some(resolved) => &resolved.options,
            None => &self.options,
        }
    }

    fn is_legacy(&self, host: &str) -> bool {
        self.legacy_hosts
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .contains(host)
    }

    fn mark_legacy(&self, host: &str, legacy: bool) {
        let mut hosts = self
            .legacy_hosts
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if legacy {
            hosts.insert(host.to_owned());
        } else {
            hosts.remove(host);
        }
    }

    /// What a stream this authenticator opened to `host` is: a Unix socket is never TLS-wrapped;
    /// a TCP stream is TLS when the configuration has TLS settings.
    fn own_channel(&self, host: &Host) -> Channel {
        if host.kind == HostKind::Unix {
            Channel::OwnSocket
        } else if self.tls.is_some() {
            Channel::OwnTls
        } else {
            Channel::OwnClear
        }
    }

    /// Hello, then the conversation, on one stream.
    async fn handshake(
        &self,
        stream: Box<dyn Stream>,
        host: &str,
        op_query: bool,
        channel: Channel,
    ) -> Result<Connection, HandshakeFailure> {
        #[cfg(feature = "tracing")]
        let started = std::time::Instant::now();
        let framing = if op_query {
            Framing::OpQuery
        } else {
            Framing::OpMsg
        };
        let mut transport = Transport::new(stream, framing, self.options.server_api.clone());
        // Each round trip of the handshake is bounded by socketTimeoutMS too, when given.
        transport.round_trip_timeout = self
            .options
            .socket_timeout
            .map(|after| (after, host.to_owned()));
        let hello = handshake::hello(&HelloParameters {
            credential: self.credential(),
            app_name: self.options.app_name.as_deref(),
            server_api: self.options.server_api.as_deref(),
            load_balanced: self.options().load_balanced.unwrap_or(false),
            op_query,
            speculative: true,
        })?;
        let reply_document = match transport.round_trip("admin", hello.command).await {
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
        if reply.arbiter && self.credential().is_some() {
            // An arbiter holds no users and cannot authenticate anyone: a connection to it is
            // never reported as authenticated. `connect` moves on to the next host.
            return Err(Error::Arbiter(crate::error::ArbiterError {
                host: host.to_owned(),
            })
            .into());
        }
        let (mechanism, user) = match self.credential() {
            Some(credential) => {
                let conversation = Conversation {
                    authenticator: self,
                    transport: &mut transport,
                    credential,
                    host,
                    channel,
                };
                conversation
                    .run(&reply, hello.speculative)
                    .await
                    .map_err(|e| self.describe(host, e))?
            }
            _ => (None, None),
        };
        let handshake_round_trips = transport.round_trips;
        event!(
            info,
            host,
            mechanism = mechanism.map(|m| m.as_str()),
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
        Ok(Connection {
            transport,
            host: host.to_owned(),
            mechanism,
            user,
            handshake_round_trips,
            hello_reply: reply_document,
            max_wire_version: reply.max_wire_version,
            operation_timeout: self
                .options
                .socket_timeout
                .unwrap_or(self.options.handshake_timeout),
            broken: false,
        })
    }

    /// Turns an I/O error under TLS into the TLS connector's explanation (a rejected client
    /// certificate arrives as an alert on the first read with TLS 1.3).
    fn describe(&self, host: &str, error: Error) -> Error {
        match (&self.tls, error) {
            (Some(connector), Error::Wire(WireError::Io(io))) if carries_tls_error(&io) => {
                Error::Tls(connector.describe_io_error(host, io))
            }
            (Some(connector), Error::Io(io)) if carries_tls_error(&io) => {
                Error::Tls(connector.describe_io_error(host, io))
            }
            (_, error) => error,
        }
    }
}

/// What to check after the server refused the credential. `subject` is the RFC 2253 subject of
/// the client certificate this authenticator presents, when it has one.
fn hint(
    credential: &Credential,
    mechanism: Mechanism,
    server_text: &str,
    subject: Option<&str>,
) -> String {
    match mechanism {
        Mechanism::MongodbX509 if server_text.contains("No verified subject") => {
            "the server received no client certificate: set the certificate (tlsCertificateKeyFile) \
             and make sure the server requests client certificates"
                .to_owned()
        }
        Mechanism::MongodbX509 if let Some(subject) = subject => {
            let mut hint = format!(
                "the certificate's subject is `{subject}`; the server has no user with that \
                 subject in $external: create one (db.getSiblingDB(\"$external\").createUser) or \
                 use the certificate of an existing user"
            );
            if let Some(username) = &credential.username
                && username != subject
            {
                hint.push_str(&format!(
                    "; the user name given (`{username}`) is not that subject: leave it out, or \
                     write the subject exactly"
                ));
            }
            hint
        }
        Mechanism::MongodbX509 => "the user name, when given, must be the certificate's RFC 2253 \
             subject exactly (leave it out to let the server read it from the certificate), and \
             the server needs a user for that subject in $external"
            .to_owned(),
        Mechanism::Gssapi => format!(
            "check that the Kerberos principal exists as a user in {}",
            credential.source
        ),
        _ => format!(
            "check the user name, the password and the source (authSource={}); an unknown user \
             and a wrong password look the same",
            credential.source
        ),
    }
}

fn carries_tls_error(error: &std::io::Error) -> bool {
    error
        .get_ref()
        .is_some_and(|inner| inner.is::<rustls::Error>())
}

/// Whether the first hello failed the way servers older than 3.6 refuse OP_MSG: by closing the
/// connection, or by answering with an OP_REPLY.
fn op_msg_refused(error: &Error) -> bool {
    match error {
        Error::Protocol(p) => {
            matches!(p.violation, ProtocolViolation::UnexpectedReplyOpCode { .. })
        }
        Error::Wire(WireError::ClosedBetweenMessages | WireError::ConnectionClosed { .. }) => true,
        Error::Wire(WireError::Io(io)) | Error::Io(io) => {
            !carries_tls_error(io)
                && matches!(
                    io.kind(),
                    std::io::ErrorKind::ConnectionReset
                        | std::io::ErrorKind::ConnectionAborted
                        | std::io::ErrorKind::BrokenPipe
                        | std::io::ErrorKind::UnexpectedEof
                )
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::{KeyCache, MAX_DERIVATIONS_IN_FLIGHT, host_without_port};
    use crate::mechanism::scram::{ScramClientFirst, ScramKeyRequest, ScramMechanism};
    use crate::{Authenticator, ClientConfig, Credential, Error, Password};
    use mongo_auth_test_server::{Server, ServerConfig, User};
    use std::sync::Arc;
    use std::sync::atomic::Ordering;

    #[test]
    fn authenticators_are_shared_and_connections_move_between_tasks() {
        fn shared<T: Send + Sync + 'static>() {}
        fn movable<T: Send + 'static>() {}
        shared::<Authenticator>();
        movable::<crate::Connection>();
    }

    #[tokio::test]
    async fn plain_is_never_sent_without_tls_or_the_opt_in() {
        let server = Server::start(ServerConfig::new().user(User::plain("ldap", "secret")))
            .await
            .unwrap();
        let mut config = ClientConfig::builder()
            .host(server.addr().to_string())
            .credential(Credential::plain().username("ldap").password("secret"))
            .dangerous()
            .allow_plain_password_without_tls()
            .build()
            .unwrap();
        // A configuration that reached the runtime without TLS and without the opt-in (the typed
        // builders cannot make one; the runtime refuses it all the same).
        config.options.allow_plain_without_tls = false;
        let error = Authenticator::new(&config)
            .unwrap()
            .connect()
            .await
            .unwrap_err();
        match &error {
            Error::NotSupported(e) => assert!(e.what.contains("allow_plain_without_tls"), "{e}"),
            other => panic!("{other:?}"),
        }
        let commands = server.commands();
        assert!(!commands.iter().any(|c| c == "saslStart"), "{commands:?}");
        // With the opt-in it authenticates.
        config.options.allow_plain_without_tls = true;
        Authenticator::new(&config)
            .unwrap()
            .connect()
            .await
            .unwrap();
        server.shutdown().await;
    }

    /// What a `mongodb+srv` lookup found reaches the conversation: the TXT `authSource` becomes the
    /// source and the TXT `loadBalanced=true` makes the first command `hello` (with
    /// `loadBalanced: true`).
    #[tokio::test]
    async fn the_txt_record_reaches_the_handshake() {
        let server =
            Server::start(ServerConfig::new().user(User::new("app", "shop").password("pencil")))
                .await
                .unwrap();
        let config = ClientConfig::builder()
            .host(server.addr().to_string())
            .credential(
                Credential::scram_sha_256()
                    .username("app")
                    .password("pencil"),
            )
            .build()
            .unwrap();
        let mut authenticator = Authenticator::new(&config).unwrap();
        authenticator.srv = true;
        let resolution = crate::srv::Resolution {
            hosts: config.hosts.clone(),
            txt: mongo_auth_core::srv::TxtOptions::parse("authSource=shop&loadBalanced=true")
                .unwrap(),
        };
        let resolved = crate::srv::apply(
            "cluster0.example.com",
            resolution,
            config.credential.as_ref(),
            &config.options,
        )
        .unwrap();
        assert_eq!(resolved.options.load_balanced, Some(true));
        authenticator.srv_resolution.set(resolved).unwrap();
        let connection = authenticator.connect().await.unwrap();
        assert_eq!(
            connection.authenticated_mechanism(),
            Some(mongo_auth_core::Mechanism::ScramSha256)
        );
        let records = server.connections();
        assert_eq!(records[0].commands[0], "hello", "{:?}", records[0].commands);
        assert_eq!(records[0].authenticated, ["app@shop"]);
        server.shutdown().await;
    }

    /// `socketTimeoutMS` bounds the commands of a handed-over connection; without it the
    /// handshake timeout does.
    #[tokio::test]
    async fn socket_timeout_is_the_operation_timeout() {
        let server =
            Server::start(ServerConfig::new().user(User::new("app", "admin").password("pencil")))
                .await
                .unwrap();
        let uri = |options: &str| {
            format!("mongodb://app:pencil@{}/?{options}", server.addr())
                .parse::<ClientConfig>()
                .unwrap()
        };
        let connection = Authenticator::new(&uri("socketTimeoutMS=1234"))
            .unwrap()
            .connect()
            .await
            .unwrap();
        assert_eq!(
            connection.operation_timeout(),
            std::time::Duration::from_millis(1234)
        );
        let config = uri("appName=x");
        let connection = Authenticator::new(&config)
            .unwrap()
            .connect()
            .await
            .unwrap();
        assert_eq!(
            connection.operation_timeout(),
            config.options.handshake_timeout
        );
        server.shutdown().await;
    }

    fn key_request(mechanism: ScramMechanism, salt: &[u8], iterations: u32) -> ScramKeyRequest {
        use base64::Engine as _;
        let server_first = format!(
            "r=abcdefX,s={},i={iterations}",
            base64::engine::general_purpose::STANDARD.encode(salt)
        );
        ScramClientFirst::with_nonce(mechanism, "app", &Password::new("pencil"), "abcdef")
            .unwrap()
            .handle_server_first(server_first.as_bytes(), 1_000_000)
            .unwrap()
            .key_request()
    }

    /// A server that sends a new salt each time replaces its variant's entry; the other
    /// variant's keys stay cached however many salts go by.
    #[tokio::test]
    async fn rotating_salts_replace_an_entry_and_keep_the_others() {
        let cache = KeyCache::default();
        cache
            .get(key_request(ScramMechanism::Sha1, b"steady", 4096))
            .await
            .unwrap();
        for i in 0..70u32 {
            let salt = format!("rotating-{i}");
            cache
                .get(key_request(ScramMechanism::Sha256, salt.as_bytes(), 4096))
                .await
                .unwrap();
        }
        let before = cache.computations.load(Ordering::Relaxed);
        cache
            .get(key_request(ScramMechanism::Sha1, b"steady", 4096))
            .await
            .unwrap();
        cache
            .get(key_request(ScramMechanism::Sha256, b"rotating-69", 4096))
            .await
            .unwrap();
        assert_eq!(cache.computations.load(Ordering::Relaxed), before);
        assert_eq!(before, 71);
    }

    /// Connections that give up waiting for keys do not leave derivations running: at most
    /// MAX_DERIVATIONS_IN_FLIGHT ever start while the others wait.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn abandoned_derivations_do_not_pile_up_on_the_blocking_pool() {
        let cache = Arc::new(KeyCache::default());
        let mut waiting = Vec::new();
        for i in 0..20u32 {
            let cache = cache.clone();
            let mechanism = if i % 2 == 0 {
                ScramMechanism::Sha1
            } else {
                ScramMechanism::Sha256
            };
            let salt = format!("salt-{i}");
            waiting.push(tokio::spawn(async move {
                // Each connection gives up at once, as one whose deadline passed would.
                let request = key_request(mechanism, salt.as_bytes(), 1_000_000);
                tokio::time::timeout(std::time::Duration::from_millis(1), cache.get(request))
                    .await
                    .is_err()
            }));
        }
        for task in waiting {
            assert!(
                task.await.unwrap(),
                "a 1,000,000-iteration derivation took under 1 ms"
            );
        }
        let started = cache.computations.load(Ordering::Relaxed);
        assert!(
            started <= MAX_DERIVATIONS_IN_FLIGHT as u64,
            "{started} derivations started"
        );
    }

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

fn unreachable_no_host() -> Error {
    Error::NoReachableHost(NoReachableHost {
        attempts: Vec::new(),
    })
}

/// `host:port` (or `[v6]:port`, or the socket path).
pub(crate) fn host_name(host: &Host) -> String {
    match host.kind {
        HostKind::Unix => host.host.clone(),
        HostKind::IpLiteral => format!("[{}]:{}", host.host, host.port_or_default()),
        _ => format!("{}:{}", host.host, host.port_or_default()),
    }
}

/// The bound on one host's connection phase and what set it.
#[derive(Clone, Copy, Debug)]
struct ConnectionDeadline {
    /// `None`: no bound.
    at: Option<tokio::time::Instant>,
    phase: TimeoutPhase,
    after: Duration,
}

impl ConnectionDeadline {
    /// Runs `work` until the deadline; past it, a timeout error that names what set it.
    async fn bound<T>(&self, host: &str, work: impl Future<Output = T>) -> Result<T, Error> {
        let Some(at) = self.at else {
            return Ok(work.await);
        };
        tokio::time::timeout_at(at, work).await.map_err(|_| {
            Error::Timeout(Timeout {
                phase: self.phase,
                after: self.after,
                host: host.to_owned(),
            })
        })
    }
}

enum HandshakeFailure {
    /// The OP_MSG hello was dropped: retry with OP_QUERY.
    OpMsgRefused(Error),
    Failed(Error),
}

impl From<Error> for HandshakeFailure {
    fn from(e: Error) -> Self {
        HandshakeFailure::Failed(e)
    }
}

/// What is known about the stream a handshake runs on, which decides whether PLAIN may send its
/// password.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Channel {
    /// Opened by the authenticator with TLS.
    OwnTls,
    /// Opened by the authenticator over TCP without TLS.
    OwnClear,
    /// A Unix socket opened by the authenticator: local, never TLS-wrapped.
    OwnSocket,
    /// The caller's stream, of unknown protection ([`Authenticator::authenticate`]).
    CallerStream,
    /// The caller's stream, asserted encrypted ([`Authenticator::authenticate_over_tls`]).
    CallerEncrypted,
}

impl Channel {
    fn encrypted(self) -> bool {
        matches!(self, Channel::OwnTls | Channel::CallerEncrypted)
    }

    /// Encrypted, or a local socket nobody on the network can sit in the middle of.
    fn private(self) -> bool {
        self.encrypted() || self == Channel::OwnSocket
    }
}

/// One authentication conversation over a transport.
struct Conversation<'a> {
    authenticator: &'a Authenticator,
    transport: &'a mut Transport,
    credential: &'a Credential,
    host: &'a str,
    channel: Channel,
}

impl Conversation<'_> {
    async fn run(
        self,
        reply: &HelloReply,
        speculative: Option<Speculative>,
    ) -> Result<(Option<Mechanism>, Option<String>), Error> {
        let mechanism = match self.credential.mechanism {
            Some(mechanism) => {
                event!(
                    debug,
                    mechanism = mechanism.as_str(),
                    reason = "configured",
                    "mechanism chosen"
                );
                mechanism
            }
            None => {
                let negotiated = handshake::negotiate(reply);
                event!(
                    debug,
                    mechanism = negotiated.as_str(),
                    reason = if reply.sasl_supported_mechs.is_some() {
                        "negotiated from saslSupportedMechs"
                    } else {
                        "negotiated from the wire version (no saslSupportedMechs)"
                    },
                    "mechanism chosen"
                );
                if negotiated == Mechanism::MongodbCr && !self.channel.private() {
                    // Over clear TCP a man in the middle could play an old server and downgrade
                    // SCRAM to MONGODB-CR: one MD5 per password guess off the wire.
                    return Err(Error::not_supported(
                        "the server offers only MONGODB-CR (a server older than 3.0), which is \
                         negotiated only over TLS or a Unix socket: over clear TCP a man in the \
                         middle could downgrade SCRAM this way; if this really is an old server, \
                         ask for it by name with authMechanism=MONGODB-CR, or enable TLS",
                    ));
                }
                negotiated
            }
        };
        let credential = self.credential;
        // the subject matters only when this authenticator's own TLS presented the certificate
        let subject = match self.channel {
            Channel::OwnTls => self
                .authenticator
                .tls
                .as_ref()
                .and_then(TlsConnector::client_certificate_subject),
            _ => None,
        };
        self.run_mechanism(mechanism, reply, speculative)
            .await
            .map_err(|error| match error {
                Error::Authentication(mut failure) => {
                    failure.hint = Some(hint(credential, mechanism, &failure.message, subject));
                    Error::Authentication(failure)
                }
                other => other,
            })
    }

    async fn run_mechanism(
        self,
        mechanism: Mechanism,
        reply: &HelloReply,
        speculative: Option<Speculative>,
    ) -> Result<(Option<Mechanism>, Option<String>), Error> {
        // The speculative reply is used only for the mechanism that was speculated.
        let speculative = speculative.filter(|s| s.mechanism() == mechanism);
        let speculative_reply = reply
            .speculative_authenticate
            .as_ref()
            .filter(|_| speculative.is_some());
        let user = match mechanism {
            Mechanism::ScramSha1 | Mechanism::ScramSha256 => {
                let scram =
                    ScramMechanism::from_mechanism(mechanism).unwrap_or(ScramMechanism::Sha256);
                let first = match speculative {
                    Some(Speculative::Scram(first)) => Some(first),
                    _ => None,
                };
                self.scram(scram, first, speculative_reply).await?;
                None
            }
            Mechanism::Plain => {
                self.plain().await?;
                None
            }
            Mechanism::MongodbCr => {
                self.cr().await?;
                None
            }
            Mechanism::MongodbX509 => self.x509(speculative_reply, reply.max_wire_version).await?,
            Mechanism::Gssapi => {
                self.gssapi().await?;
                None
            }
            other => {
                return Err(Error::not_supported(format!(
                    "{other} is recognised but not implemented by this library's runtime; use \
                     SCRAM-SHA-256, MONGODB-X509, GSSAPI or PLAIN"
                )));
            }
        };
        Ok((Some(mechanism), user))
    }

    fn username_and_password(&self, mechanism: Mechanism) -> Result<(&str, &Password), Error> {
        match (&self.credential.username, &self.credential.password) {
            (Some(user), Some(password)) => Ok((user, password)),
            _ => Err(Error::Credential(CredentialError {
                problem: format!(
                    "{mechanism} needs a username and a password; add both to the credential"
                ),
            })),
        }
    }

    async fn scram(
        self,
        scram: ScramMechanism,
        speculative: Option<ScramClientFirst>,
        speculative_reply: Option<&bson::Document>,
    ) -> Result<(), Error> {
        let mechanism = scram.mechanism();
        let (user, password) = self.username_and_password(mechanism)?;
        let source = self.credential.source.as_str();
        let (first, server_first) = match (speculative, speculative_reply) {
            (Some(first), Some(reply)) => {
                let reply = SaslReply::parse(reply, SPECULATIVE, mechanism)?;
                (first, reply)
            }
            _ => {
                let first = ScramClientFirst::new(scram, user, password)?;
                let reply = self
                    .transport
                    .round_trip(source, first.sasl_start())
                    .await?;
                (first, SaslReply::parse(&reply, "saslStart", mechanism)?)
            }
        };
        if server_first.done {
            return Err(Error::protocol(
                Some(mechanism),
                ProtocolViolation::ConversationEndedEarly,
            ));
        }
        let server_first_step = first.handle_server_first(
            &server_first.payload,
            self.authenticator.options.max_scram_iterations,
        )?;
        let keys = self
            .authenticator
            .keys
            .get(server_first_step.key_request())
            .await?;
        let client_final = server_first_step.handle_keys(&keys);
        drop(keys);
        // The client-final message carries the proof: the command is wiped once sent.
        let mut command = sasl_continue(&server_first.conversation_id, client_final.message());
        let reply = self
            .transport
            .round_trip_secret(source, &mut command)
            .await?;
        let server_final = SaslReply::parse(&reply, "saslContinue", mechanism)?;
        same_conversation(&server_first, &server_final, mechanism)?;
        client_final.handle_server_final(&server_final.payload)?;
        if !server_final.done {
            // The long conversation: the server did not skip the empty exchange.
            let reply = self
                .transport
                .round_trip(source, sasl_continue(&server_final.conversation_id, b""))
                .await?;
            let last = SaslReply::parse(&reply, "saslContinue", mechanism)?;
            same_conversation(&server_first, &last, mechanism)?;
            if !last.done {
                return Err(Error::protocol(
                    Some(mechanism),
                    ProtocolViolation::ConversationNotDone,
                ));
            }
        }
        Ok(())
    }

    async fn plain(self) -> Result<(), Error> {
        let (user, password) = self.username_and_password(Mechanism::Plain)?;
        if !self.channel.encrypted() && !self.authenticator.options.allow_plain_without_tls {
            return Err(Error::not_supported(match self.channel {
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
            }));
        }
        let plain = PlainClient::new(user, password);
        // The payload holds the password in clear: the command is wiped once sent.
        let mut command = plain.sasl_start();
        let reply = self
            .transport
            .round_trip_secret(&self.credential.source, &mut command)
            .await?;
        plain.handle_reply(&reply)
    }

    async fn cr(self) -> Result<(), Error> {
        let (user, password) = self.username_and_password(Mechanism::MongodbCr)?;
        let source = self.credential.source.as_str();
        let cr = CrClient::new(user, password);
        let reply = self.transport.round_trip(source, cr.getnonce()).await?;
        let authenticate = cr.handle_nonce(&reply)?;
        let mut command = authenticate.command().clone();
        let reply = self
            .transport
            .round_trip_secret(source, &mut command)
            .await?;
        authenticate.handle_reply(&reply)
    }

    async fn x509(
        self,
        speculative_reply: Option<&bson::Document>,
        max_wire_version: i32,
    ) -> Result<Option<String>, Error> {
        // Servers before 3.4 (wire version 5) require the user name, which is the subject of the
        // certificate: when none was given, it is taken from the certificate this authenticator's
        // own TLS presented (a caller's stream may carry another).
        let subject = match (&self.credential.username, self.channel) {
            (None, Channel::OwnTls) if max_wire_version < 5 => self
                .authenticator
                .tls
                .as_ref()
                .and_then(TlsConnector::client_certificate_subject),
            _ => None,
        };
        let x509 = X509Client::new(self.credential.username.as_deref().or(subject));
        if let Some(reply) = speculative_reply {
            return x509.handle_speculative_reply(reply);
        }
        let reply = self
            .transport
            .round_trip(&self.credential.source, x509.authenticate())
            .await?;
        x509.handle_reply(&reply)
    }

    #[cfg(feature = "gssapi")]
    async fn gssapi(self) -> Result<(), Error> {
        let mut sasl = GssapiSasl {
            transport: self.transport,
            source: self.credential.source.clone(),
            conversation_id: None,
        };
        crate::gssapi::authenticate(&mut sasl, self.credential, host_without_port(self.host))
            .await?;
        Ok(())
    }

    #[cfg(not(feature = "gssapi"))]
    async fn gssapi(self) -> Result<(), Error> {
        let _ = self.host;
        Err(Error::not_supported(
            "GSSAPI support requires the `gssapi` feature of mongo-auth (cargo feature \"gssapi\", \
             which needs the system's MIT krb5 libraries)",
        ))
    }
}

/// Every step of a SASL conversation carries the `conversationId` it started with.
fn same_conversation(
    first: &SaslReply,
    step: &SaslReply,
    mechanism: Mechanism,
) -> Result<(), Error> {
    if step.conversation_id == first.conversation_id {
        Ok(())
    } else {
        Err(Error::protocol(
            Some(mechanism),
            ProtocolViolation::ConversationIdChanged,
        ))
    }
}

/// The GSSAPI conversation's SASL commands over a connection's transport.
#[cfg(feature = "gssapi")]
struct GssapiSasl<'a> {
    transport: &'a mut Transport,
    source: String,
    conversation_id: Option<bson::Bson>,
}

#[cfg(feature = "gssapi")]
impl crate::gssapi::SaslTransport for GssapiSasl<'_> {
    type Error = Error;

    async fn sasl_start(
        &mut self,
        payload: Vec<u8>,
    ) -> Result<crate::gssapi::SaslStepReply, Error> {
        let command = bson::doc! {
            "saslStart": 1,
            "mechanism": Mechanism::Gssapi.as_str(),
            "payload": bson::Binary { subtype: bson::spec::BinarySubtype::Generic, bytes: payload },
            "autoAuthorize": 1,
        };
        let reply = self.transport.round_trip(&self.source, command).await?;
        let reply = SaslReply::parse(&reply, "saslStart", Mechanism::Gssapi)?;
        self.conversation_id = Some(reply.conversation_id);
        Ok(crate::gssapi::SaslStepReply {
            done: reply.done,
            payload: reply.payload,
        })
    }

    async fn sasl_continue(
        &mut self,
        payload: Vec<u8>,
    ) -> Result<crate::gssapi::SaslStepReply, Error> {
        let id = self.conversation_id.clone().unwrap_or(bson::Bson::Int32(1));
        let reply = self
            .transport
            .round_trip(&self.source, sasl_continue(&id, &payload))
            .await?;
        let reply = SaslReply::parse(&reply, "saslContinue", Mechanism::Gssapi)?;
        if reply.conversation_id != id {
            return Err(Error::protocol(
                Some(Mechanism::Gssapi),
                ProtocolViolation::ConversationIdChanged,
            ));
        }
        Ok(crate::gssapi::SaslStepReply {
            done: reply.done,
            payload: reply.payload,
        })
    }
}

/// The host part of `host:port` or `[v6]:port` (GSSAPI's service principal names the host only).
#[cfg_attr(not(feature = "gssapi"), allow(dead_code))]
fn host_without_port(host: &str) -> &str {
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

/// The SCRAM key cache: `ClientKey`/`ServerKey` per SCRAM variant, for the salt and iteration
/// count the server last sent (an authenticator has one credential, so the password is not part of
/// the key). Each derivation runs once even when many connections ask at the same moment, on
/// tokio's blocking pool, at most [`MAX_DERIVATIONS_IN_FLIGHT`] at a time. A server that sends a new
/// salt replaces its variant's entry; the other variant's stays.
struct KeyCache {
    /// Indexed by [`KeyCache::slot`].
    entries: Mutex<[Option<CachedKeys>; 2]>,
    computations: AtomicU64,
    derivations: Arc<tokio::sync::Semaphore>,
}

impl Default for KeyCache {
    fn default() -> Self {
        Self {
            entries: Mutex::new([None, None]),
            computations: AtomicU64::new(0),
            derivations: Arc::new(tokio::sync::Semaphore::new(MAX_DERIVATIONS_IN_FLIGHT)),
        }
    }
}

/// The keys for one salt and iteration count, derived once.
#[derive(Clone)]
struct CachedKeys {
    salt: Vec<u8>,
    iterations: u32,
    keys: Arc<OnceCell<Arc<ScramKeys>>>,
}

impl KeyCache {
    fn slot(mechanism: ScramMechanism) -> usize {
        match mechanism {
            ScramMechanism::Sha1 => 0,
            ScramMechanism::Sha256 => 1,
        }
    }

    async fn get(&self, request: ScramKeyRequest) -> Result<Arc<ScramKeys>, Error> {
        let cell = {
            let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
            let entry = &mut entries[Self::slot(request.mechanism())];
            match entry {
                Some(cached)
                    if cached.salt == request.salt()
                        && cached.iterations == request.iterations() =>
                {
                    cached.keys.clone()
                }
                _ => {
                    let cached = CachedKeys {
                        salt: request.salt().to_vec(),
                        iterations: request.iterations(),
                        keys: Arc::default(),
                    };
                    let keys = cached.keys.clone();
                    *entry = Some(cached);
                    keys
                }
            }
        };
        #[cfg(feature = "tracing")]
        let mechanism = request.mechanism();
        #[cfg(feature = "tracing")]
        let derived = std::sync::atomic::AtomicBool::new(false);
        #[cfg(feature = "tracing")]
        let started = std::time::Instant::now();
        let keys = cell
            .get_or_try_init(|| async {
                #[cfg(feature = "tracing")]
                derived.store(true, Ordering::Relaxed);
                // Waiting for a permit can be given up (the connection's deadline); a running
                // derivation cannot, so only this many ever run.
                let permit = self
                    .derivations
                    .clone()
                    .acquire_owned()
                    .await
                    .map_err(|_| Error::Io(std::io::Error::other("the key cache was closed")))?;
                self.computations.fetch_add(1, Ordering::Relaxed);
                tokio::task::spawn_blocking(move || {
                    let keys = Arc::new(ScramKeys::derive(&request));
                    drop(permit);
                    keys
                })
                .await
                .map_err(|e| {
                    Error::Io(std::io::Error::other(format!(
                        "the PBKDF2 task did not finish: {e}"
                    )))
                })
            })
            .await?;
        event!(
            debug,
            mechanism = mechanism.mechanism().as_str(),
            cache = if derived.load(Ordering::Relaxed) {
                "derived"
            } else {
                "hit"
            },
            elapsed_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
            "scram keys"
        );
        Ok(keys.clone())
    }
}
