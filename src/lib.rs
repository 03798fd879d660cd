#![doc = include_str!("../README.md")]
// No unsafe code even with the `gssapi` feature: libgssapi wraps the GSSAPI FFI.
#![forbid(unsafe_code)]

#[doc(hidden)]
pub mod __private;
mod authenticator;
pub mod config;
mod connection;
#[cfg(feature = "mongodb")]
#[cfg_attr(docsrs, doc(cfg(feature = "mongodb")))]
pub mod driver;
pub mod error;
#[cfg(feature = "gssapi")]
pub mod gssapi;
mod handshake;
pub mod mechanism;
mod srv;
pub mod tls;
pub mod wire;

pub use authenticator::Authenticator;
pub use config::{ClientConfig, ClientConfigBuilder, ConfigError, Credential, Tls, TlsSettings};
pub use connection::{AuthenticateWith, Connection, authenticate, authenticate_over_tls, connect};
pub use error::Error;
pub use mongo_auth_core as core;
pub use mongo_auth_core::{Mechanism, Password};
pub use mongo_auth_macros::mongo_uri;
