//! One test run again in a child process of this test binary, for what a multi-threaded test process
//! cannot change safely or share: environment variables (Kerberos reads its configuration and ticket
//! cache from them), the current directory, the global `tracing` subscriber.
//!
//! The test calls [`in_child`] with its own name ([`test_path!`](super::test_path)): in the test
//! process this runs the binary again for that one test, with the variables and directory that
//! `configure` sets and a marker variable naming the test; in that child, [`in_child`] runs `body`.

use std::process::Command;

/// The variable that tells a child process which test it runs.
const CHILD: &str = "MONGO_AUTH_TEST_CHILD";

/// Whether this process is the child that runs `test`.
pub(crate) fn is_child(test: &str) -> bool {
    std::env::var(CHILD).is_ok_and(|running| running == test)
}

/// Runs `body` in a child process of this test binary that runs the test `test` alone, with the
/// command `configure` sets up; fails with the child's output when the child fails.
pub(crate) fn in_child(test: &str, configure: impl FnOnce(&mut Command), body: impl FnOnce()) {
    if is_child(test) {
        body();
        return;
    }
    let mut command = Command::new(std::env::current_exe().expect("the path of this test binary"));
    command
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD, test);
    configure(&mut command);
    let output = command.output().expect("run the test in a child process");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.contains("1 passed"),
        "{test} failed in its child process ({}):\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
        output.status
    );
}
