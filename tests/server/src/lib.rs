//! The mongo-auth conformance server: a MongoDB authentication peer that listens on 127.0.0.1 only.
//!
//! It speaks the real wire protocol (OP_MSG, and OP_QUERY/OP_REPLY for old servers), answers the
//! handshake (`isMaster`/`hello` with `saslSupportedMechs` and `speculativeAuthenticate`), runs
//! SCRAM-SHA-1, SCRAM-SHA-256 and PLAIN conversations, MONGODB-CR on old-server mode, MONGODB-X509
//! from a TLS peer's certificate subject, and `ping`, `buildInfo`, `connectionStatus`,
//! `endSessions`. Users are stored as mongod stores them: SCRAM salt, iteration count, StoredKey and
//! ServerKey, never the password. Knobs change the wire version and protocol features, and
//! [`Misbehaviour`]s make it a hostile peer for client tests.
//!
//! It is a development tool: tests, the PyMongo interop test and `cargo run --example quickstart`
//! start it in-process.
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! use mongo_auth_test_server::{Server, ServerConfig, User};
//!
//! let server = Server::start(
//!     ServerConfig::new().user(User::new("app", "admin").password("pencil")),
//! )
//! .await?;
//! let uri = server.uri_for("app", "pencil", "admin", Some("SCRAM-SHA-256"));
//! // ... connect a client to `uri` or to `server.addr()` ...
//! # let _ = uri;
//! assert_eq!(server.stats().connections, 0);
//! server.shutdown().await;
//! # Ok::<(), mongo_auth_test_server::ServerError>(())
//! # }).unwrap();
//! ```
//!
//! # Extending it
//!
//! - A TLS listener wraps accepted streams in `server.rs` (`serve_tcp`) and passes the client
//!   certificate's RFC 2253 subject to `connection::serve_connection`, which MONGODB-X509 uses.
//! - A GSSAPI acceptor implements [`SaslMechanism`] and is registered with
//!   [`ServerConfig::sasl_mechanism`]; `saslStart` with its name is dispatched to it.
#![forbid(unsafe_code)]

pub mod aws;
pub mod certs;
mod config;
mod connection;
mod conversation;
pub mod dns;
#[cfg(feature = "gssapi")]
pub mod gssapi;
pub mod hostile;
pub mod oidc;
mod scram;
mod server;
pub mod tls;
mod users;

pub use config::{DEFAULT_MAX_WIRE_VERSION, Misbehaviour, ServerConfig, Stage};
pub use conversation::{SaslConversation, SaslMechanism, SaslStep};
pub use server::{ConnectionRecord, RunningServer, Server, ServerError, ServerStats};
pub use users::{
    DEFAULT_SCRAM_SHA_1_ITERATIONS, DEFAULT_SCRAM_SHA_256_ITERATIONS, Role, User, UserError,
};

/// The users of [`ServerConfig::demo`] and [`ServerConfig::demo_legacy`]. The passwords are public:
/// the server only ever listens on 127.0.0.1.
pub mod demo {
    /// A SCRAM user in `admin` with SCRAM-SHA-1 and SCRAM-SHA-256 credentials and role `root`.
    pub const SCRAM_USER: &str = "demo";
    /// [`SCRAM_USER`]'s password.
    pub const SCRAM_PASSWORD: &str = "demo-password";
    /// A user in `admin` with only a SCRAM-SHA-256 credential.
    pub const SCRAM_SHA_256_USER: &str = "demo-sha256";
    /// [`SCRAM_SHA_256_USER`]'s password.
    pub const SCRAM_SHA_256_PASSWORD: &str = "demo-sha256-password";
    /// A PLAIN user in `$external`.
    pub const PLAIN_USER: &str = "demo-plain";
    /// [`PLAIN_USER`]'s password.
    pub const PLAIN_PASSWORD: &str = "demo-plain-password";
    /// The RFC 2253 subject of the X509 demo user in `$external`; a TLS client certificate with
    /// this subject authenticates as it.
    pub const X509_SUBJECT: &str = "CN=demo-client,OU=clients,O=mongo-auth";
    /// The ARN of the MONGODB-AWS demo user in `$external`.
    pub const AWS_ARN: &str = "arn:aws:iam::000000000000:user/demo-aws";
    /// The access key id that authenticates as [`AWS_ARN`] (the server stands in for STS).
    pub const AWS_ACCESS_KEY_ID: &str = "AKIADEMOACCESSKEY000";
    /// [`AWS_ACCESS_KEY_ID`]'s secret.
    pub const AWS_SECRET_ACCESS_KEY: &str = "demo-aws-secret-access-key";
    /// The MONGODB-OIDC demo user in `$external`: the `sub` of the tokens
    /// [`OidcIssuer::demo`](crate::oidc::OidcIssuer::demo) mints for it.
    pub const OIDC_USER: &str = "demo-oidc";
    /// A MONGODB-CR user in `admin`, on [`ServerConfig::demo_legacy`](crate::ServerConfig::demo_legacy).
    pub const CR_USER: &str = "demo-cr";
    /// [`CR_USER`]'s password.
    pub const CR_PASSWORD: &str = "demo-cr-password";
}
