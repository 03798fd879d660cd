//! The connection-string parser (see [`crate::uri`] for the grammar).

use std::fmt;

use crate::ConnectionString;
use crate::error::{Error, ErrorKind, Errors};

pub(crate) fn parse(input: &str) -> Result<ConnectionString, Errors> {
    Err(Error::new(
        ErrorKind::NotImplemented,
        0..input.len(),
        "connection-string parsing is not implemented yet",
    )
    .into())
}

pub(crate) fn display(uri: &ConnectionString, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let _ = uri;
    f.write_str("mongodb://")
}
