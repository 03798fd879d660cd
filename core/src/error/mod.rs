//! Errors and warnings of the rulebook.
//!
//! Every [`Error`] and [`Warning`] carries the byte range of the offending part of the original input
//! ([`Error::span`]), so that the `mongo_uri!` macro can point at it and a run-time caller can underline
//! it. Input that did not come from a connection string (a config table, a builder) has empty spans
//! (`0..0`).
//!
//! Messages are lower-case, have no trailing period, name the option and say how to fix it. They never
//! contain a password: neither the userinfo password, nor `tlsCertificateKeyFilePassword`, nor
//! `proxyPassword`. A message quotes input only where it cannot hold a secret, and the parts of a
//! connection string that can ([`Errors::secret_spans`],
//! [`ConnectionString::secret_spans`](crate::ConnectionString::secret_spans)) are for a caller that
//! shows the input around a span to leave out.

mod errors;
mod kind;
mod problem;
mod report;

pub use self::errors::{Errors, Rendered};
pub use self::kind::{ErrorKind, WarningKind};
pub use self::problem::{Error, Warning};
pub(crate) use self::report::{MAY_HOLD_A_PASSWORD, Report, describe_char};
