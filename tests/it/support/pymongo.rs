//! The Pythons with PyMongo that the interop tests drive: `scripts/python-clients.sh` makes them
//! under `target/py/`, and `scripts/test-all.sh` points these variables at them.

use std::path::{Path, PathBuf};

/// PyMongo 4.x with its Kerberos extra (`pymongo[gssapi]`).
pub(crate) const CURRENT: &str = "MONGO_AUTH_PYTHON";
/// PyMongo 3.x, the last line that speaks MONGODB-CR.
pub(crate) const LEGACY: &str = "MONGO_AUTH_PYTHON_LEGACY";

/// The Python that `variable` names, or `None` when it is not set: the test then returns, having
/// said so ([`super::skip`]; under `CI=true` it fails instead).
pub(crate) fn python(variable: &str) -> Option<PathBuf> {
    match std::env::var_os(variable) {
        Some(path) if !path.is_empty() => Some(PathBuf::from(path)),
        _ => {
            let venv = if variable == LEGACY {
                "legacy"
            } else {
                "current"
            };
            super::skip(
                &format!("{variable} (a Python with PyMongo) is not set"),
                &format!(
                    "run scripts/python-clients.sh and set \
                     {variable}=target/py/{venv}/bin/python, or run scripts/test-all.sh"
                ),
            );
            None
        }
    }
}

/// A script of `tests/python/`.
pub(crate) fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/python")
        .join(name)
}
