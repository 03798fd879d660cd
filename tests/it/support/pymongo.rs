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

/// Runs a prepared Python command and returns whether it succeeded, with its stdout and stderr.
/// The five minutes are a guard against a wedged interpreter, not a timed assertion: PyMongo's own
/// timeouts are 10 s.
pub(crate) async fn run(mut command: tokio::process::Command) -> (bool, String) {
    let child = command.kill_on_drop(true).output();
    let output = tokio::time::timeout(std::time::Duration::from_secs(300), child)
        .await
        .expect("the PyMongo script finishes")
        .expect("python runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}
