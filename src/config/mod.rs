//! The validated client configuration that builders, `mongo_uri!`, config files and runtime strings
//! all produce, and that the authenticator consumes.
//!
//! Three ways in, one rulebook:
//!
//! ```
//! use mongo_auth::{Auth, ClientConfig, ConfigError, Tls};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // a builder chain: an invalid combination has no method to call, or no `build()`
//! let built = ClientConfig::builder()
//!     .hosts(["db.example.com"])
//!     .credential(Auth::scram_sha_256().username("app").password("pencil").source("admin"))
//!     .tls(Tls::enabled())
//!     .build()?;
//!
//! // a connection string at run time: the same rules, with errors that say what to add
//! let parsed: ClientConfig =
//!     "mongodb://app:pencil@db.example.com/?authSource=admin&authMechanism=SCRAM-SHA-256&tls=true".parse()?;
//! assert_eq!(built.credential(), parsed.credential());
//!
//! // a config file (TOML, JSON, YAML, …) through serde, loaded with `config::from_deserializer`:
//! // its errors give the field path and the rule, never the file's text
//! #[derive(serde::Deserialize)]
//! struct App {
//!     mongodb: ClientConfig,
//! }
//! let text = r#"
//!     [mongodb]
//!     hosts = ["db.example.com"]
//!     tls = true
//!     auth = { mechanism = "SCRAM-SHA-256", username = "app", password = "pencil", source = "admin" }
//! "#;
//! // a TOML syntax error: `message()` leaves out the source line that toml's Display shows
//! let document = toml::Deserializer::parse(text).map_err(|e| ConfigError::from_message(e.message()))?;
//! let app: App = mongo_auth::config::from_deserializer(document)?;
//! assert_eq!(app.mongodb.credential(), built.credential());
//! # Ok(()) }
//! ```
//!
//! # Errors and secrets
//!
//! [`ConfigError`] never holds a secret: the rulebook's messages name options, not values, and
//! [`from_deserializer`] builds a config file's errors from the field path and the rule alone. A
//! format library's own error does not promise that: `toml`'s Display quotes the offending source line
//! (a line that may hold a password), and serde's `invalid type` messages quote the value
//! (`integer \`123456\``). So load files with [`from_deserializer`] rather than `toml::from_str`,
//! `serde_yaml::from_str` or `serde_json::from_str`, and for TOML report a syntax error of
//! `toml::Deserializer::parse` by its `message()` (and `span()`), not its Display:
//!
//! ```
//! use mongo_auth::{ClientConfig, ConfigError};
//! #[derive(Debug, serde::Deserialize)]
//! struct App {
//!     mongodb: ClientConfig,
//! }
//! // a misspelt field beside an inline password
//! let text = r#"mongodb = { hosts = ["db"], auth = { username = "app", password = "pencil", sorce = "admin" } }"#;
//! let shown = toml::from_str::<App>(text).unwrap_err().to_string();
//! assert!(shown.contains("pencil")); // toml quotes the line
//! let document = toml::Deserializer::parse(text).map_err(|e| ConfigError::from_message(e.message()))?;
//! let error = mongo_auth::config::from_deserializer::<App, _>(document).unwrap_err();
//! assert!(!error.to_string().contains("pencil"));
//! assert!(error.to_string().starts_with("mongodb.auth.sorce: unknown field `sorce`"));
//!
//! // a password that is not a string: the value is not repeated, the fix is given
//! let yaml = "mongodb:\n  hosts: [db]\n  auth: { username: app, password: 123456 }\n";
//! let error = mongo_auth::config::from_deserializer::<App, _>(serde_yaml::Deserializer::from_str(yaml))
//!     .unwrap_err();
//! assert!(!error.to_string().contains("123456"));
//! assert!(error.fields()[0].message().starts_with(
//!     r#"the password must be a string (quote it) or { env = "VAR" } / { file = "path" }"#
//! ));
//! # Ok::<(), ConfigError>(())
//! ```
//!
//! The typestates ([`ClientConfigBuilder`], [`PasswordCredential`], [`Tls`]) make these fail to compile,
//! each with a message in MongoDB's words: a password, a source or properties on MONGODB-X509; a source
//! on GSSAPI; GSSAPI properties on another mechanism; SCRAM, MONGODB-CR or PLAIN without a username or a
//! password; MONGODB-X509 without TLS and a client certificate; PLAIN without TLS (unless
//! [`DangerousClientConfigBuilder::allow_plain_password_without_tls`]).

mod assemble;
mod builder;
mod client;
mod credential;
mod display;
mod error;
mod hosts;
pub(crate) mod options;
mod parse;
mod sealed;
mod secret;
mod serde;
mod server_api;
pub mod states;
mod tls;
mod wording;

pub use self::builder::{ClientConfigBuilder, DangerousClientConfigBuilder};
pub use self::client::ClientConfig;
pub use self::credential::{
    Auth, AwsCredential, GssapiCredential, OidcCredential, OidcEnvironment, PasswordCredential,
    X509Credential,
};
pub use self::error::{ConfigError, FieldError};
pub use self::parse::AwaitingPassword;
pub use self::secret::{SecretError, SecretRef, SecretRefresh};
pub use self::serde::from_deserializer;
pub use self::server_api::{ServerApi, UnknownServerApi};
pub use self::tls::{DangerousTls, Tls, TlsSettings};

pub(crate) use self::hosts::HostEntry;
pub(crate) use self::options::ConnectOptions;
pub(crate) use self::secret::SecretRefs;
pub(crate) use self::tls::{CaSource, ClientCertificate};
