//! The authenticator: built once per configuration and shared by all its connections. It owns the
//! SCRAM key cache, the TLS connector and the memory of which hosts are too old for OP_MSG. This
//! file is the host loop (SRV, deadlines, the OP_QUERY retry); `handshake` drives one stream's
//! hello and conversation ([`crate::mechanism`]); `key_cache` runs PBKDF2.

mod aws;
mod handshake;
mod http;
mod key_cache;
mod oidc;
mod one_call;
#[cfg(test)]
mod tests;

use std::collections::HashSet;
use std::sync::atomic::Ordering;
use std::sync::{Mutex, PoisonError};

use mongo_auth_core::{Credential, Host, HostKind};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::OnceCell;

use crate::config::{ClientConfig, ConnectOptions};
use crate::connection::Connection;
use crate::deadline::Deadline;
use crate::error::{Error, NoReachableHost, ProtocolViolation, TimeoutPhase};
use crate::events::event;
use crate::mechanism::aws::AwsCredentialProvider;
use crate::mechanism::conversation::Channel;
use crate::tls::TlsConnector;
use crate::transport::ByteStream;
use crate::wire::WireError;
use key_cache::KeyCache;
pub use one_call::{AuthenticateWith, authenticate, authenticate_over_tls, connect};

/// Authenticates connections for one [`ClientConfig`]. Build it once and share it (it is `Send +
/// Sync`; wrap it in an [`Arc`](std::sync::Arc)): its SCRAM key cache means PBKDF2 runs once per (mechanism,
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
    /// Where MONGODB-AWS credentials come from; `None`: the environment, then the ECS and EC2
    /// endpoints.
    aws_credentials: Option<std::sync::Arc<dyn AwsCredentialProvider>>,
    /// MONGODB-AWS credentials fetched from an endpoint, until shortly before they expire.
    aws_cache: aws::AwsCredentialCache,
    /// MONGODB-OIDC's callbacks and endpoints given in code.
    oidc_settings: oidc::OidcSettings,
    /// MONGODB-OIDC's client cache, made on the first connection that needs it.
    oidc: std::sync::OnceLock<std::sync::Arc<oidc::OidcClient>>,
    /// Where the password is read again for each new connection
    /// (`password_refresh = "per-connection"`); `None`: the configuration's password.
    password_source: Option<crate::config::SecretRef>,
    /// The hello's client metadata (driver, OS, application name): the same for every connection.
    client_metadata: bson::Document,
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
            aws_credentials: None,
            aws_cache: aws::AwsCredentialCache::default(),
            oidc_settings: oidc::OidcSettings::default(),
            oidc: std::sync::OnceLock::new(),
            password_source: match config.secret_refs.password_refresh {
                crate::config::SecretRefresh::PerConnection => config.secret_refs.password.clone(),
                _ => None,
            },
            client_metadata: crate::handshake::client_metadata(config.options.app_name.as_deref()),
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

    /// Takes MONGODB-AWS credentials from `provider` instead of the environment, for every
    /// authentication of this authenticator (see [`AwsCredentialProvider`] for an example).
    pub fn with_aws_credential_provider(
        mut self,
        provider: std::sync::Arc<dyn AwsCredentialProvider>,
    ) -> Self {
        self.aws_credentials = Some(provider);
        self
    }

    /// Takes MONGODB-OIDC access tokens from `callback` (the machine flow: a one-step conversation
    /// with the token it returns). The configuration names MONGODB-OIDC without an `ENVIRONMENT`
    /// (both is an error at the first connection). The authenticator caches the token for all its
    /// connections, calls the callback once at a time and at least 100 ms apart, gives it at most
    /// a minute (less when the connection's deadline is nearer), and calls it again when the server
    /// refuses the cached token. See [`OidcCallback`](crate::mechanism::oidc::OidcCallback) for an
    /// example callback.
    ///
    /// ```no_run
    /// # fn run(config: &mongo_auth::ClientConfig, callback: std::sync::Arc<dyn mongo_auth::mechanism::oidc::OidcCallback>) -> Result<(), mongo_auth::Error> {
    /// let authenticator = mongo_auth::Authenticator::new(config)?.with_oidc_callback(callback);
    /// # let _ = authenticator; Ok(()) }
    /// ```
    pub fn with_oidc_callback(
        mut self,
        callback: std::sync::Arc<dyn crate::mechanism::oidc::OidcCallback>,
    ) -> Self {
        self.oidc_settings.callback = Some(callback);
        self.oidc_settings.human = false;
        self
    }

    /// Takes MONGODB-OIDC access tokens from a human `callback` (the two-step flow: the server's
    /// [`IdpInfo`](crate::mechanism::oidc::IdpInfo) is passed to it, and the refresh token it
    /// returned last time, so it can sign a person in or refresh silently). It is given five
    /// minutes, during which the connection's own deadline (`connectTimeoutMS`, `timeoutMS`)
    /// stands still, and it is used only for the allowed hosts: by default `*.mongodb.net` and its
    /// siblings, `*.mongo.com`, `localhost`, `127.0.0.1` and `::1`; see
    /// [`Authenticator::with_oidc_allowed_hosts`].
    ///
    /// ```no_run
    /// # fn run(config: &mongo_auth::ClientConfig, callback: std::sync::Arc<dyn mongo_auth::mechanism::oidc::OidcCallback>) -> Result<(), mongo_auth::Error> {
    /// let authenticator = mongo_auth::Authenticator::new(config)?.with_oidc_human_callback(callback);
    /// # let _ = authenticator; Ok(()) }
    /// ```
    pub fn with_oidc_human_callback(
        mut self,
        callback: std::sync::Arc<dyn crate::mechanism::oidc::OidcCallback>,
    ) -> Self {
        self.oidc_settings.callback = Some(callback);
        self.oidc_settings.human = true;
        self
    }

    /// The hosts a MONGODB-OIDC human callback's token may be sent to (the spec's
    /// `ALLOWED_HOSTS`, which a connection string may not set): each an exact host name, or
    /// `*.domain` for any host under `domain`, compared without case. The list replaces the
    /// default one; an empty list allows no host. Connecting to another host with a human
    /// callback is an [`Error::NotSupported`] that names the list, before the callback is called.
    ///
    /// ```no_run
    /// # fn run(config: &mongo_auth::ClientConfig, callback: std::sync::Arc<dyn mongo_auth::mechanism::oidc::OidcCallback>) -> Result<(), mongo_auth::Error> {
    /// let authenticator = mongo_auth::Authenticator::new(config)?
    ///     .with_oidc_human_callback(callback)
    ///     .with_oidc_allowed_hosts(["*.corp.example", "localhost"]);
    /// # let _ = authenticator; Ok(()) }
    /// ```
    pub fn with_oidc_allowed_hosts<I>(mut self, hosts: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.oidc_settings.allowed_hosts = Some(hosts.into_iter().map(Into::into).collect());
        self
    }

    /// Asks `endpoint` (an `http://host:port` URL) instead of the instance metadata service for
    /// MONGODB-OIDC `ENVIRONMENT:azure` (default `http://169.254.169.254`) or `ENVIRONMENT:gcp`
    /// (default `http://metadata`): a proxy, or a stand-in in tests.
    ///
    /// ```no_run
    /// # fn run(config: &mongo_auth::ClientConfig) -> Result<(), mongo_auth::Error> {
    /// let authenticator = mongo_auth::Authenticator::new(config)?
    ///     .with_oidc_metadata_endpoint("http://127.0.0.1:8080");
    /// # let _ = authenticator; Ok(()) }
    /// ```
    pub fn with_oidc_metadata_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        let endpoint = endpoint.into();
        self.oidc_settings.azure_endpoint = Some(endpoint.clone());
        self.oidc_settings.gcp_endpoint = Some(endpoint);
        self
    }

    /// How many times this authenticator asked its MONGODB-OIDC token source (a callback, or the
    /// `ENVIRONMENT`'s file or endpoint) for a token: once for any number of connections while
    /// the cached token is accepted.
    ///
    /// ```no_run
    /// # fn run(authenticator: &mongo_auth::Authenticator) {
    /// println!("OIDC tokens fetched: {}", authenticator.oidc_token_fetches());
    /// # }
    /// ```
    pub fn oidc_token_fetches(&self) -> u64 {
        self.oidc.get().map_or(0, |client| client.calls())
    }

    /// The MONGODB-OIDC state for `credential`, made once.
    fn oidc_client(
        &self,
        credential: &Credential,
    ) -> Result<std::sync::Arc<oidc::OidcClient>, Error> {
        if let Some(client) = self.oidc.get() {
            return Ok(std::sync::Arc::clone(client));
        }
        let client = std::sync::Arc::new(oidc::OidcClient::new(
            credential,
            &self.oidc_settings,
            self.options.timeout.is_some(),
        )?);
        Ok(std::sync::Arc::clone(self.oidc.get_or_init(|| client)))
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
        self.connect_hosts(false).await
    }

    /// As [`Authenticator::connect`], and the server has answered a `ping` on the connection
    /// before it is handed back: the connection is known to be usable, in one round trip fewer
    /// than `connect` followed by [`Connection::run_command`] with a ping.
    ///
    /// The ping (`{ping: 1}` on `admin`, nothing else) goes out in the same write as the last
    /// message of the handshake:
    /// - the hello, when no conversation is expected to follow it: no credential, MONGODB-X509
    ///   and MONGODB-OIDC with a cached token (both finished by the hello's speculative step);
    /// - else the conversation's last message: SCRAM's client-final message when the server skips
    ///   the empty exchange (MongoDB 4.4+) and its empty last message when it does not,
    ///   MONGODB-AWS's signed request, MONGODB-CR's `authenticate`, PLAIN's and MONGODB-X509's
    ///   only message, MONGODB-OIDC's `{jwt}` step (without a cached token, or after the server
    ///   refused it), GSSAPI's security-layer reply;
    /// - else (a conversation that ends before a message it knows to be its last) a round trip of
    ///   its own after the handshake.
    ///
    /// The server answers in order, and its reply to the handshake is checked first: a refused
    /// authentication or a SCRAM server signature that does not verify is the error returned, and
    /// the ping's reply is never looked at. The ping carries no data, so sending it before the
    /// server has proved who it is gives nothing away. A ping the server answered before the
    /// conversation ended (a server that did not take the speculative step, or did not skip the
    /// empty exchange) proves nothing about the authenticated connection: it is sent again with
    /// the next last message. [`Connection::handshake_round_trips`] does not count the ping.
    ///
    /// Over a stream the caller already has, [`Authenticator::authenticate_and_ping`] and
    /// [`Authenticator::authenticate_over_tls_and_ping`] send the ping the same way.
    ///
    /// A ping the server refuses is an [`Error::Command`] and, like a network failure, makes
    /// `connect_and_ping` try the next host (with several hosts, each one's error is in
    /// [`Error::NoReachableHost`]). An authentication failure is returned at once, as by
    /// `connect`.
    ///
    /// Where it is awaited matters on a multi-threaded tokio runtime: in a task on the runtime's
    /// workers (`tokio::spawn`, a request handler), the worker that sees the socket become ready
    /// goes on with the set-up itself; from `block_on`'s own thread (the body of `#[tokio::main]`),
    /// every readiness is a wake-up of that thread from a worker, which `benches/versus_driver.rs`
    /// measures at about a third more wall time on a 2-core machine. This holds for `connect`, and
    /// for any other client.
    ///
    /// ```no_run
    /// # async fn run(authenticator: &mongo_auth::Authenticator) -> Result<(), mongo_auth::Error> {
    /// // SCRAM-SHA-256 against MongoDB 4.4+: TCP, then two round trips, the ping included.
    /// let connection = authenticator.connect_and_ping().await?;
    /// println!("{} handshake round trips", connection.handshake_round_trips());
    /// # Ok(()) }
    /// ```
    pub async fn connect_and_ping(&self) -> Result<Connection, Error> {
        self.connect_hosts(true).await
    }

    /// [`Authenticator::connect`], with a pipelined ping when `ping`.
    async fn connect_hosts(&self, ping: bool) -> Result<Connection, Error> {
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
            match self.connect_host(host, ping).await {
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
        self.authenticate_stream(Box::new(stream), host, Channel::CallerStream, false)
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
        self.authenticate_stream(Box::new(stream), host, Channel::CallerEncrypted, false)
            .await
    }

    /// As [`Authenticator::authenticate`], and the server has answered a `ping` on the stream
    /// before the connection is handed back, sent as [`Authenticator::connect_and_ping`] sends it:
    /// in the same write as the handshake's last message, so that it costs no round trip of its
    /// own where the mechanism allows (SCRAM against MongoDB 4.4+: two round trips in all). Its
    /// reply is looked at only once the handshake's has been checked: a refused authentication is
    /// the error returned, and a ping the server refuses is an [`Error::Command`].
    ///
    /// ```no_run
    /// # async fn run(authenticator: &mongo_auth::Authenticator) -> Result<(), mongo_auth::Error> {
    /// let stream = tokio::net::TcpStream::connect("127.0.0.1:27017").await?;
    /// let connection = authenticator
    ///     .authenticate_and_ping(stream, "127.0.0.1:27017")
    ///     .await?;
    /// println!("{} handshake round trips", connection.handshake_round_trips());
    /// # Ok(()) }
    /// ```
    pub async fn authenticate_and_ping<S>(&self, stream: S, host: &str) -> Result<Connection, Error>
    where
        S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        self.authenticate_stream(Box::new(stream), host, Channel::CallerStream, true)
            .await
    }

    /// As [`Authenticator::authenticate_over_tls`] (a stream the caller asserts is encrypted),
    /// with the pipelined `ping` of [`Authenticator::authenticate_and_ping`].
    ///
    /// ```no_run
    /// # async fn run(
    /// #     authenticator: &mongo_auth::Authenticator,
    /// #     tls_stream: tokio::io::DuplexStream,
    /// # ) -> Result<(), mongo_auth::Error> {
    /// // `tls_stream`: a TLS client stream the application opened (tokio-rustls, native-tls...).
    /// let connection = authenticator
    ///     .authenticate_over_tls_and_ping(tls_stream, "db.example.com:27017")
    ///     .await?;
    /// # let _ = connection; Ok(()) }
    /// ```
    pub async fn authenticate_over_tls_and_ping<S>(
        &self,
        stream: S,
        host: &str,
    ) -> Result<Connection, Error>
    where
        S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        self.authenticate_stream(Box::new(stream), host, Channel::CallerEncrypted, true)
            .await
    }

    /// The handshake over a caller's stream, with a pipelined ping when `ping`.
    async fn authenticate_stream(
        &self,
        stream: Box<dyn ByteStream>,
        host: &str,
        channel: Channel,
        ping: bool,
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
            .bound(
                host,
                self.handshake(stream, host, op_query, channel, &deadline, ping),
            )
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

    async fn connect_host(&self, host: &Host, ping: bool) -> Result<Connection, Error> {
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
            .bound(
                &name,
                self.handshake(stream, &name, op_query, channel, &deadline, ping),
            )
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
                    .bound(
                        &name,
                        self.handshake(stream, &name, true, channel, &deadline, ping),
                    )
                    .await?
                {
                    Ok(connection) => Ok(connection),
                    Err(HandshakeFailure::Failed(e) | HandshakeFailure::OpMsgRefused(e)) => Err(e),
                }
            }
        }
    }

    /// The deadline of one host's connection phase, from now: the smallest of `connectTimeoutMS`
    /// (10 s unless given; none when given as 0), `timeoutMS` (when given and not 0) and the
    /// handshake timeout.
    fn connection_deadline(&self) -> Deadline {
        let mut bound = (TimeoutPhase::Handshake, self.options.handshake_timeout);
        if let Some(connect) = self.options.connect_timeout
            && connect <= bound.1
        {
            bound = (TimeoutPhase::Connect, connect);
        }
        if let Some(Some(operation)) = self.options.timeout
            && operation < bound.1
        {
            bound = (TimeoutPhase::TimeoutMs, operation);
        }
        Deadline::after(Some(bound.1), bound.0)
    }

    /// TCP (or a Unix socket), then TLS when configured; bounded by the caller's deadline.
    async fn open(&self, host: &Host, name: &str) -> Result<Box<dyn ByteStream>, Error> {
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
            None => Ok(Box::new(tcp) as Box<dyn ByteStream>),
            Some(connector) => {
                let stream = connector.connect(&host.host, tcp).await?;
                event!(
                    debug,
                    host = %name,
                    protocol = ?stream.get_ref().1.protocol_version(),
                    client_certificate = connector.client_certificate_subject().is_some(),
                    "tls established"
                );
                Ok(Box::new(stream) as Box<dyn ByteStream>)
            }
        }
    }

    #[cfg(unix)]
    async fn open_unix(&self, host: &Host) -> Result<Box<dyn ByteStream>, Error> {
        let socket = tokio::net::UnixStream::connect(&host.host).await?;
        Ok(Box::new(socket))
    }

    #[cfg(not(unix))]
    async fn open_unix(&self, host: &Host) -> Result<Box<dyn ByteStream>, Error> {
        Err(Error::not_supported(format!(
            "unix domain sockets ({}) are not available on this platform; connect over TCP",
            host.host
        )))
    }

    /// The credential for one new connection: [`Authenticator::credential`], with the password
    /// read again when the configuration asks for that. The connection keeps this one password for
    /// its whole conversation.
    fn connection_credential(&self) -> Result<Option<std::borrow::Cow<'_, Credential>>, Error> {
        let Some(credential) = self.credential() else {
            return Ok(None);
        };
        let Some(source) = &self.password_source else {
            return Ok(Some(std::borrow::Cow::Borrowed(credential)));
        };
        let password = source.resolve().map_err(|error| {
            Error::Credential(crate::error::CredentialError {
                problem: format!(
                    "{error}: the password is read again for each new connection \
                     (password_refresh = \"per-connection\")"
                ),
            })
        })?;
        let mut credential = credential.clone();
        credential.password = Some(password);
        Ok(Some(std::borrow::Cow::Owned(credential)))
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
