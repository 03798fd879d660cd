//! What the server is told before it starts: users, protocol knobs and misbehaviours.

use std::fmt;
use std::sync::Arc;

use mongo_auth::wire::DEFAULT_MAX_MESSAGE_SIZE;

use crate::conversation::SaslMechanism;
use crate::users::{Role, User};

/// The `maxWireVersion` a server reports unless told otherwise (MongoDB 7.0).
pub const DEFAULT_MAX_WIRE_VERSION: i32 = 21;

/// Where in a connection's life a [`Misbehaviour`] strikes: the first command of that kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Stage {
    /// The handshake: `hello`, `isMaster` or `ismaster`.
    Hello,
    /// `saslStart`.
    SaslStart,
    /// `saslContinue`.
    SaslContinue,
    /// `authenticate` (MONGODB-X509, MONGODB-CR).
    Authenticate,
    /// `getnonce` (MONGODB-CR).
    Getnonce,
}

impl Stage {
    pub(crate) fn of(command: &str) -> Option<Self> {
        match command {
            "hello" | "isMaster" | "ismaster" => Some(Self::Hello),
            "saslStart" => Some(Self::SaslStart),
            "saslContinue" => Some(Self::SaslContinue),
            "authenticate" => Some(Self::Authenticate),
            "getnonce" => Some(Self::Getnonce),
            _ => None,
        }
    }
}

/// A way the server departs from the protocol, to test that clients reject it cleanly.
///
/// ```
/// use mongo_auth_test_server::{Misbehaviour, ServerConfig, Stage};
/// let config = ServerConfig::new()
///     .misbehave(Misbehaviour::LowIterationCount(1024))
///     .misbehave(Misbehaviour::Stall { at: Stage::SaslContinue });
/// # let _ = config;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Misbehaviour {
    /// SCRAM server-first announces this iteration count (below 4096 to test the client's floor).
    LowIterationCount(u32),
    /// SCRAM server-first carries a nonce that does not start with the client's.
    NonceNotExtended,
    /// SCRAM server-final carries a server signature that does not verify.
    WrongServerSignature,
    /// The server closes the connection instead of answering the first command of this stage
    /// (`Stage::SaslContinue` drops it mid-conversation).
    DropConnection {
        /// When.
        at: Stage,
    },
    /// The server reads the first command of this stage and never answers, keeping the connection
    /// open until the client or the server closes it.
    Stall {
        /// When.
        at: Stage,
    },
    /// The server answers the first command of this stage with a header that declares a
    /// 2 GiB - 1 message, then sends nothing more.
    OversizedFrameHeader {
        /// When.
        at: Stage,
    },
    /// The server answers the first command of this stage with a frame whose BSON is malformed.
    MalformedReply {
        /// When.
        at: Stage,
    },
}

impl Misbehaviour {
    pub(crate) fn stage(self) -> Option<Stage> {
        match self {
            Self::DropConnection { at }
            | Self::Stall { at }
            | Self::OversizedFrameHeader { at }
            | Self::MalformedReply { at } => Some(at),
            Self::LowIterationCount(_) | Self::NonceNotExtended | Self::WrongServerSignature => {
                None
            }
        }
    }
}

/// The configuration of a conformance server.
///
/// Defaults: no users, `maxWireVersion` 21 (MongoDB 7.0), speculative authentication and
/// `skipEmptyExchange` honoured, commands allowed without authentication (as mongod allows `ping`),
/// no misbehaviour.
///
/// Protocol behaviour follows the wire version, as real servers did:
///
/// | maxWireVersion | behaviour |
/// |---|---|
/// | < 3 (2.6) | MONGODB-CR (`getnonce`, `authenticate`); no SCRAM |
/// | ≥ 3 (3.0) | SCRAM-SHA-1; MONGODB-CR gone from this server |
/// | < 6 (< 3.6) | OP_QUERY only: an OP_MSG is answered by closing the connection |
/// | ≥ 7 (4.0) | SCRAM-SHA-256, `saslSupportedMechs` |
/// | ≥ 9 (4.4) | `hello`, `helloOk`, `speculativeAuthenticate`, `skipEmptyExchange` |
/// | ≥ 14 (5.1) | OP_QUERY refused except for `isMaster`/`hello` |
///
/// ```
/// use mongo_auth_test_server::{ServerConfig, User};
/// let config = ServerConfig::new()
///     .user(User::new("app", "admin").password("pencil"))
///     .max_wire_version(8)
///     .speculative_authentication(false);
/// # let _ = config;
/// ```
#[derive(Clone)]
pub struct ServerConfig {
    pub(crate) users: Vec<User>,
    pub(crate) max_wire_version: i32,
    pub(crate) speculative_authentication: bool,
    pub(crate) skip_empty_exchange: bool,
    pub(crate) require_auth: bool,
    pub(crate) misbehaviours: Vec<Misbehaviour>,
    pub(crate) sasl_mechanisms: Vec<Arc<dyn SaslMechanism>>,
    pub(crate) max_message_size: usize,
    pub(crate) tls: Option<crate::tls::TlsOptions>,
}

impl fmt::Debug for ServerConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerConfig")
            .field("users", &self.users)
            .field("max_wire_version", &self.max_wire_version)
            .field(
                "speculative_authentication",
                &self.speculative_authentication,
            )
            .field("skip_empty_exchange", &self.skip_empty_exchange)
            .field("require_auth", &self.require_auth)
            .field("tls", &self.tls)
            .field("misbehaviours", &self.misbehaviours)
            .field(
                "sasl_mechanisms",
                &self
                    .sasl_mechanisms
                    .iter()
                    .map(|m| m.name())
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self::new()
    }
}

impl ServerConfig {
    /// A server with no users and the defaults above.
    pub fn new() -> Self {
        Self {
            users: Vec::new(),
            max_wire_version: DEFAULT_MAX_WIRE_VERSION,
            speculative_authentication: true,
            skip_empty_exchange: true,
            require_auth: false,
            misbehaviours: Vec::new(),
            sasl_mechanisms: Vec::new(),
            max_message_size: DEFAULT_MAX_MESSAGE_SIZE,
            tls: None,
        }
    }

    /// A server with one demo user per mechanism it serves, named in [`crate::demo`]:
    /// a SCRAM user (SHA-1 and SHA-256), a SCRAM-SHA-256-only user, a PLAIN user and an X509
    /// user. MONGODB-CR needs an old server: see [`demo_legacy`](Self::demo_legacy).
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use mongo_auth_test_server::{demo, Server, ServerConfig};
    /// let server = Server::start(ServerConfig::demo()).await?;
    /// let uri = server.uri_for(demo::SCRAM_USER, demo::SCRAM_PASSWORD, "admin", None);
    /// assert!(uri.starts_with("mongodb://demo:"));
    /// server.shutdown().await;
    /// # Ok::<(), mongo_auth_test_server::ServerError>(())
    /// # }).unwrap();
    /// ```
    pub fn demo() -> Self {
        use crate::demo;
        use mongo_auth::Mechanism;
        Self::new()
            .user(
                User::new(demo::SCRAM_USER, "admin")
                    .password(demo::SCRAM_PASSWORD)
                    .role(Role::new("root", "admin")),
            )
            .user(
                User::new(demo::SCRAM_SHA_256_USER, "admin")
                    .password(demo::SCRAM_SHA_256_PASSWORD)
                    .mechanisms([Mechanism::ScramSha256])
                    .role(Role::new("readWrite", "test")),
            )
            .user(
                User::plain(demo::PLAIN_USER, demo::PLAIN_PASSWORD).role(Role::new("read", "test")),
            )
            .user(User::x509(demo::X509_SUBJECT).role(Role::new("readWrite", "test")))
            .user(User::aws(demo::AWS_ARN).role(Role::new("read", "test")))
            .sasl_mechanism(std::sync::Arc::new(crate::aws::AwsSts::new().key(
                demo::AWS_ACCESS_KEY_ID,
                demo::AWS_SECRET_ACCESS_KEY,
                None,
                demo::AWS_ARN,
            )))
            .user(User::oidc(demo::OIDC_USER).role(Role::new("read", "test")))
            .sasl_mechanism(std::sync::Arc::new(
                crate::oidc::OidcIdp::trusting(&crate::oidc::OidcIssuer::demo())
                    .idp_info(crate::oidc::DEMO_CLIENT_ID, &["openid"]),
            ))
    }

    /// An old server (maxWireVersion 2, MongoDB 2.6: OP_QUERY only) with the MONGODB-CR demo user
    /// [`demo::CR_USER`](crate::demo::CR_USER).
    pub fn demo_legacy() -> Self {
        use crate::demo;
        Self::new().max_wire_version(2).user(
            User::mongodb_cr(demo::CR_USER, "admin", demo::CR_PASSWORD)
                .role(Role::new("root", "admin")),
        )
    }

    /// Adds a user. Its credentials are derived when the server starts.
    pub fn user(mut self, user: User) -> Self {
        self.users.push(user);
        self
    }

    /// The `maxWireVersion` to report; the server's behaviour follows it (see the table above).
    pub fn max_wire_version(mut self, version: i32) -> Self {
        self.max_wire_version = version;
        self
    }

    /// Whether `speculativeAuthenticate` in the handshake is honoured (only at wire version 9+).
    pub fn speculative_authentication(mut self, enabled: bool) -> Self {
        self.speculative_authentication = enabled;
        self
    }

    /// Whether `options.skipEmptyExchange` is honoured (only at wire version 9+). When not, every
    /// SCRAM conversation ends with the empty exchange.
    pub fn skip_empty_exchange(mut self, enabled: bool) -> Self {
        self.skip_empty_exchange = enabled;
        self
    }

    /// Whether commands other than the handshake and authentication commands need an
    /// authenticated user (`Unauthorized`, code 13). Stricter than mongod, which serves `ping`,
    /// `buildInfo` and `connectionStatus` to anyone.
    pub fn require_auth(mut self, required: bool) -> Self {
        self.require_auth = required;
        self
    }

    /// Adds a misbehaviour.
    pub fn misbehave(mut self, misbehaviour: Misbehaviour) -> Self {
        self.misbehaviours.push(misbehaviour);
        self
    }

    /// Registers a SASL mechanism implemented outside the built-in ones (the GSSAPI acceptor).
    pub fn sasl_mechanism(mut self, mechanism: Arc<dyn SaslMechanism>) -> Self {
        self.sasl_mechanisms.push(mechanism);
        self
    }

    /// Serves TLS only, with this certificate and client-certificate policy. MONGODB-X509
    /// authenticates the RFC 2253 subject of the verified client certificate.
    ///
    /// ```no_run
    /// use mongo_auth_test_server::ServerConfig;
    /// use mongo_auth_test_server::certs::TestPki;
    /// use mongo_auth_test_server::tls::{ClientAuth, TlsOptions};
    /// let pki = TestPki::generate_temporary().unwrap();
    /// let config = ServerConfig::demo().tls(
    ///     TlsOptions::new(&pki.server.pem).client_auth(ClientAuth::Optional { ca: pki.ca.clone() }),
    /// );
    /// # let _ = config;
    /// ```
    pub fn tls(mut self, options: crate::tls::TlsOptions) -> Self {
        self.tls = Some(options);
        self
    }

    /// The largest message the server accepts (default 48,000,000, reported as
    /// `maxMessageSizeBytes`).
    pub fn max_message_size(mut self, bytes: usize) -> Self {
        self.max_message_size = bytes;
        self
    }
}
