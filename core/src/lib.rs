//! `mongo-auth-core`: the rulebook of mongo-auth.
//!
//! Connection-string grammar, the URI-options table, the mechanism × credential rules, source defaults
//! and the library's stricter layer of rules, with errors that carry the byte range of the offending
//! input. No I/O: the runtime crate, the `mongo_uri!` macro and serde loading all call into this crate.
//!
//! - [`ConnectionString::parse`] applies the spec layer: grammar ([`uri`]), options ([`options`]) and
//!   credential rules ([`rules`]). It returns every problem at once ([`Errors`]) and the spec's warnings
//!   as data ([`ConnectionString::warnings`]).
//! - [`ConnectionStringRef::parse`] applies the same spec layer and reads the common shape of a
//!   connection string in place, without copying it; anything else goes to the full parser.
//! - [`ConnectionString::check_library_rules`] applies the library layer ([`library`]).
//! - [`rules::validate_credential`], [`Options::from_pairs`] and [`library::check_credential`] apply the
//!   same rules to input that is not a connection string (config tables, builders).
//!
//! ```
//! use mongo_auth_core::{ConnectionString, Mechanism};
//! let uri = ConnectionString::parse(
//!     "mongodb://mongodbuser%40EXAMPLE.COM@example.com/?authMechanism=GSSAPI\
//!      &authMechanismProperties=SERVICE_NAME:myservicename",
//! )
//! .unwrap();
//! let credential = uri.credential().unwrap();
//! assert_eq!(credential.username.as_deref(), Some("mongodbuser@EXAMPLE.COM"));
//! assert_eq!(credential.mechanism, Some(Mechanism::Gssapi));
//! assert_eq!(credential.source, "$external");
//! ```
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod credential;
mod decode;
mod error;
mod host;
pub mod library;
mod mechanism;
pub mod options;
mod parse;
pub mod render;
pub mod rules;
mod secret;
pub mod srv;
pub mod uri;

pub use credential::{Credential, MechanismProperties};
pub use error::{Error, ErrorKind, Errors, Rendered, Warning, WarningKind};
pub use host::{Host, HostKind};
pub use mechanism::{
    Canonicalize, GssapiProperties, InvalidCanonicalize, Mechanism, UnknownMechanism,
};
pub use options::{EffectiveTls, OptionEntry, OptionValue, Options};
pub use parse::{ConnectionStringRef, HostRef, OptionRef};
pub use secret::Password;
pub use uri::ConnectionString;
