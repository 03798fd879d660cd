//! `mongo-auth-core`: the rulebook of mongo-auth.
//!
//! Connection-string grammar, the URI-options table, the mechanism × credential rules, source defaults
//! and the library's stricter layer of rules, with errors that carry the byte range of the offending
//! input. No I/O: the runtime crate, the `mongo_uri!` macro and serde loading all call into this crate.
#![forbid(unsafe_code)]

mod credential;
mod host;
mod mechanism;
mod secret;

pub use credential::{Credential, MechanismProperties};
pub use host::{Host, HostKind};
pub use mechanism::{Canonicalize, GssapiProperties, Mechanism, UnknownMechanism};
pub use secret::Password;
