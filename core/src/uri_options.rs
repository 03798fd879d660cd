//! The URI-options table and the option rules (see [`crate::options`] for the documentation).

use crate::options::Options;

/// The canonical key for a key or alias, case-insensitively.
pub(crate) fn canonical_key(key: &str) -> Option<&'static str> {
    let _ = key;
    None
}

/// Whether a PyMongo 3 `ssl_*` option implies TLS.
pub(crate) fn implies_tls(options: &Options) -> bool {
    let _ = options;
    false
}
