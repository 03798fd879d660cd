//! mongo-auth: MongoDB authentication configuration that cannot be wrong, and the authenticator that
//! runs it.
#![cfg_attr(not(feature = "gssapi"), forbid(unsafe_code))]

pub mod config;
#[doc(hidden)]
pub mod __private;
pub mod error;
pub mod mechanism;
pub mod tls;
pub mod wire;

pub use config::{ClientConfig, ClientConfigBuilder, ConfigError, Credential, Tls, TlsSettings};
pub use error::Error;
pub use mongo_auth_core as core;
pub use mongo_auth_core::{Mechanism, Password};
