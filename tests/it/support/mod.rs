//! What the integration tests share: the conformance server's set-ups ([`conformance`]), the PyMongo
//! interpreters ([`pymongo`]), the test KDC's scenarios ([`kdc`]), one test run again in a child
//! process ([`child`]), the captured `tracing` events ([`events`]), and the rule for a test that
//! cannot run here ([`skip`]).

pub(crate) mod child;
pub(crate) mod conformance;

use std::io::Write as _;

/// Whether this is a CI run (`CI=true`, as `scripts/test-all.sh` is run there), where a test that
/// cannot run fails instead of skipping.
pub(crate) fn ci() -> bool {
    std::env::var("CI").is_ok_and(|value| value == "true")
}

/// What a test that cannot run on this machine does: it says `reason` and what to do about it
/// (`fix`) on stderr and returns, so that the test passes without having checked anything; under
/// `CI=true` it fails with that text instead. Nothing is skipped silently.
///
/// The line goes to the process's stderr itself, past the test harness's capture, so that it shows
/// in the output of a passing run too.
pub(crate) fn skip(reason: &str, fix: &str) {
    let thread = std::thread::current();
    let test = thread.name().unwrap_or("a test");
    assert!(
        !ci(),
        "{test} cannot run: {reason}; {fix} (CI=true: a test that cannot run fails)"
    );
    let _ = writeln!(
        std::io::stderr(),
        "skipped {test}: {reason}; {fix} (with CI=true this fails)"
    );
}
#[cfg(feature = "tracing")]
pub(crate) mod events;
#[cfg(feature = "gssapi")]
pub(crate) mod kdc;
pub(crate) mod pymongo;

/// The path of the test `name` declared in the module `module` (`module_path!()`), as the test
/// harness names it: the module path without the crate's name.
pub(crate) fn test_path_in(module: &str, name: &str) -> String {
    match module.split_once("::") {
        Some((_crate, path)) => format!("{path}::{name}"),
        None => name.to_owned(),
    }
}

/// The harness name of the test function `$name` of the calling module, for [`child`].
macro_rules! test_path {
    ($name:literal) => {
        $crate::support::test_path_in(module_path!(), $name)
    };
}
pub(crate) use test_path;

/// A tokio runtime with two worker threads, as `#[tokio::test(flavor = "multi_thread",
/// worker_threads = 2)]` makes, for a test body that runs in a child process.
pub(crate) fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

/// A proptest configuration with `cases` cases that keeps failures in `<module>.proptest-regressions`
/// next to the module's file. (Proptest's default looks for a `main.rs` above the file and would use
/// `tests/proptest-regressions/<module>.txt`.)
pub(crate) fn proptest_config(cases: u32) -> proptest::test_runner::Config {
    proptest::test_runner::Config {
        cases,
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::WithSource("proptest-regressions"),
        )),
        ..proptest::test_runner::Config::default()
    }
}
