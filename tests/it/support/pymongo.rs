//! The Pythons with PyMongo that the interop tests drive: `scripts/python-clients.sh` makes them
//! under `target/py/`, and `scripts/test-all.sh` points these variables at them.

use std::path::{Path, PathBuf};

/// PyMongo 4.x with its Kerberos extra (`pymongo[gssapi]`).
pub(crate) const CURRENT: &str = "MONGO_AUTH_PYTHON";
/// PyMongo 3.x, the last line that speaks MONGODB-CR.
pub(crate) const LEGACY: &str = "MONGO_AUTH_PYTHON_LEGACY";

/// The Python that `variable` names, or `None` (with the reason printed) when it is not set outside
/// CI: the test then returns.
pub(crate) fn python(variable: &str) -> Option<PathBuf> {
    match std::env::var_os(variable) {
        Some(path) if !path.is_empty() => Some(PathBuf::from(path)),
        _ if std::env::var_os("CI").is_some() => panic!(
            "{variable} is not set but CI is: run scripts/test-all.sh (it creates the PyMongo \
             virtualenvs with scripts/python-clients.sh and sets {variable})"
        ),
        _ => {
            eprintln!(
                "skipping: {variable} is not set (run scripts/python-clients.sh and point \
                 {variable} at target/py/…/bin/python, or run scripts/test-all.sh)"
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
