//! Proof by a client nobody here wrote: PyMongo authenticates against the conformance server.
//!
//! `MONGO_AUTH_PYTHON` names a Python with PyMongo 4.x, `MONGO_AUTH_PYTHON_LEGACY` one with PyMongo
//! 3.x (the last with MONGODB-CR); `scripts/python-clients.sh` makes both and `scripts/test-all.sh`
//! sets the variables (`support::pymongo`). Without them the tests say why on stderr and pass, unless
//! `CI=true`: then they fail.

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;

use mongo_auth::Mechanism;
use mongo_auth_test_server::{RunningServer, ServerConfig, User, demo};
use serde_json::json;

use crate::support::{conformance, pymongo};

struct Case {
    name: &'static str,
    uri: String,
    /// `user@db`, or `None` for an authentication error.
    expect: Option<&'static str>,
}

fn case(name: &'static str, uri: String, expect: Option<&'static str>) -> Case {
    Case { name, uri, expect }
}

/// Runs the PyMongo script over `cases`; returns the PyMongo version it printed.
async fn run_pymongo(python: &Path, cases: &[Case]) -> String {
    let spec: Vec<_> = cases
        .iter()
        .map(
            |c| json!({ "name": c.name, "uri": c.uri, "expect": c.expect.unwrap_or("auth-error") }),
        )
        .collect();
    let child = tokio::process::Command::new(python)
        .arg(pymongo::script("pymongo_auth.py"))
        .arg(serde_json::to_string(&spec).unwrap())
        .kill_on_drop(true)
        .output();
    // A guard against a wedged interpreter, not a timed assertion: PyMongo's own timeouts are 10 s.
    let output = tokio::time::timeout(Duration::from_secs(300), child)
        .await
        .expect("the PyMongo script finishes")
        .expect("python runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "PyMongo script failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
    let mut lines = stdout.lines();
    let version = lines
        .next()
        .and_then(|l| l.strip_prefix("pymongo "))
        .expect("the script prints the PyMongo version first")
        .to_owned();
    eprintln!("PyMongo {version} ({})", python.display());
    let results: Vec<&str> = lines.collect();
    assert_eq!(results.len(), cases.len(), "{stdout}");
    for (line, case) in results.iter().zip(cases) {
        let expected = format!("ok {} {}", case.name, case.expect.unwrap_or("error-18"));
        assert_eq!(*line, expected);
        eprintln!("  {line}");
    }
    version
}

/// Every (user@db, mechanism) the server authenticated.
fn authentications(server: &RunningServer) -> BTreeSet<(String, String)> {
    server
        .connections()
        .into_iter()
        .flat_map(|c| c.authenticated.into_iter().zip(c.mechanisms))
        .collect()
}

/// Prints, per authenticated connection, the commands PyMongo needed up to and including the one
/// that authenticated (the handshake and authentication round trips).
fn print_round_trips(server: &RunningServer) {
    const HANDSHAKE: [&str; 7] = [
        "ismaster",
        "isMaster",
        "hello",
        "saslStart",
        "saslContinue",
        "getnonce",
        "authenticate",
    ];
    for record in server
        .connections()
        .iter()
        .filter(|c| !c.authenticated.is_empty())
    {
        let trips = record
            .commands
            .iter()
            .rposition(|c| HANDSHAKE.contains(&c.as_str()))
            .map_or(0, |i| i + 1);
        eprintln!(
            "  round trips {trips} for {} {}: {:?}",
            record.mechanisms.join(","),
            record.authenticated.join(","),
            &record.commands[..trips]
        );
    }
}

fn pairs(items: &[(&str, &str)]) -> BTreeSet<(String, String)> {
    items
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

fn modern_users() -> ServerConfig {
    ServerConfig::new()
        .user(User::new("app", "admin").password("pencil"))
        .user(
            User::new("old", "admin")
                .password("sha1-only")
                .mechanisms([Mechanism::ScramSha1]),
        )
        .user(User::new("us:er@x", "shop").password("p@ss:w/rd%"))
        // Stored as SASLprep("I\u{AD}X") = "IX"; PyMongo SASLpreps the password it is given.
        .user(
            User::new("IX", "admin")
                .password("IX")
                .mechanisms([Mechanism::ScramSha256]),
        )
        .user(User::plain(demo::PLAIN_USER, demo::PLAIN_PASSWORD))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pymongo_4_authenticates_with_scram_plain_and_negotiation() {
    let Some(python) = pymongo::python(pymongo::CURRENT) else {
        return;
    };
    let server = conformance::start(modern_users()).await;
    let cases = [
        case(
            "scram-sha-1",
            server.uri_for("app", "pencil", "admin", Some("SCRAM-SHA-1")),
            Some("app@admin"),
        ),
        case(
            "scram-sha-256",
            server.uri_for("app", "pencil", "admin", Some("SCRAM-SHA-256")),
            Some("app@admin"),
        ),
        case(
            "negotiated-sha-256",
            server.uri_for("app", "pencil", "admin", None),
            Some("app@admin"),
        ),
        case(
            "negotiated-sha-1",
            server.uri_for("old", "sha1-only", "admin", None),
            Some("old@admin"),
        ),
        case(
            "escaped-credentials",
            server.uri_for("us:er@x", "p@ss:w/rd%", "shop", None),
            Some("us:er@x@shop"),
        ),
        case(
            "saslprep",
            server.uri_for("IX", "I\u{AD}X", "admin", Some("SCRAM-SHA-256")),
            Some("IX@admin"),
        ),
        case(
            "plain",
            server.uri_for(
                demo::PLAIN_USER,
                demo::PLAIN_PASSWORD,
                "$external",
                Some("PLAIN"),
            ),
            Some("demo-plain@$external"),
        ),
        case(
            "wrong-password-sha-256",
            server.uri_for("app", "wrong", "admin", Some("SCRAM-SHA-256")),
            None,
        ),
        case(
            "wrong-password-sha-1",
            server.uri_for("app", "wrong", "admin", Some("SCRAM-SHA-1")),
            None,
        ),
        case(
            "unknown-user",
            server.uri_for("nobody", "pencil", "admin", None),
            None,
        ),
        case(
            "wrong-password-plain",
            server.uri_for(demo::PLAIN_USER, "wrong", "$external", Some("PLAIN")),
            None,
        ),
    ];
    let version = run_pymongo(&python, &cases).await;
    print_round_trips(&server);
    assert!(
        version.starts_with("4."),
        "MONGO_AUTH_PYTHON has PyMongo {version}, expected 4.x"
    );

    // The server agrees on who authenticated, and with which mechanism negotiation chose.
    assert_eq!(
        authentications(&server),
        pairs(&[
            ("app@admin", "SCRAM-SHA-1"),
            ("app@admin", "SCRAM-SHA-256"),
            ("old@admin", "SCRAM-SHA-1"),
            ("us:er@x@shop", "SCRAM-SHA-256"),
            ("IX@admin", "SCRAM-SHA-256"),
            ("demo-plain@$external", "PLAIN"),
        ])
    );
    // PyMongo speculates with SCRAM-SHA-256 in its handshake, and skipEmptyExchange makes SCRAM
    // one more round trip: the handshake, then one saslContinue.
    let speculative = server
        .connections()
        .into_iter()
        .filter(|c| c.speculative > 0 && !c.authenticated.is_empty())
        .collect::<Vec<_>>();
    assert!(
        !speculative.is_empty(),
        "PyMongo never authenticated speculatively"
    );
    for record in &speculative {
        assert_eq!(record.commands[1], "saslContinue", "{record:?}");
        assert!(
            !record.commands.iter().any(|c| c == "saslStart"),
            "{record:?}"
        );
    }
    // Each failing case failed at the server at least once (a failed speculative attempt and the
    // full conversation that follows it count separately).
    assert!(
        server.stats().authentication_failures >= 4,
        "{:?}",
        server.stats()
    );
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pymongo_4_handles_the_long_conversation_of_a_4_4_server() {
    let Some(python) = pymongo::python(pymongo::CURRENT) else {
        return;
    };
    let server = conformance::start(
        modern_users()
            .max_wire_version(9)
            .speculative_authentication(false)
            .skip_empty_exchange(false),
    )
    .await;
    let cases = [
        case(
            "scram-sha-1-long",
            server.uri_for("app", "pencil", "admin", Some("SCRAM-SHA-1")),
            Some("app@admin"),
        ),
        case(
            "negotiated-long",
            server.uri_for("app", "pencil", "admin", None),
            Some("app@admin"),
        ),
        case(
            "wrong-password-long",
            server.uri_for("app", "wrong", "admin", None),
            None,
        ),
    ];
    run_pymongo(&python, &cases).await;
    print_round_trips(&server);
    assert_eq!(
        authentications(&server),
        pairs(&[("app@admin", "SCRAM-SHA-1"), ("app@admin", "SCRAM-SHA-256")])
    );
    for record in server
        .connections()
        .iter()
        .filter(|c| !c.authenticated.is_empty())
    {
        let sasl: Vec<&str> = record
            .commands
            .iter()
            .map(String::as_str)
            .filter(|c| c.starts_with("sasl"))
            .collect();
        assert_eq!(
            sasl,
            ["saslStart", "saslContinue", "saslContinue"],
            "{record:?}"
        );
    }
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pymongo_3_authenticates_with_mongodb_cr_on_an_old_server() {
    let Some(python) = pymongo::python(pymongo::LEGACY) else {
        return;
    };
    let server = conformance::start(ServerConfig::demo_legacy()).await;
    let cases = [
        case(
            "mongodb-cr",
            server.uri_for(
                demo::CR_USER,
                demo::CR_PASSWORD,
                "admin",
                Some("MONGODB-CR"),
            ),
            Some("demo-cr@admin"),
        ),
        case(
            "negotiated-cr",
            server.uri_for(demo::CR_USER, demo::CR_PASSWORD, "admin", None),
            Some("demo-cr@admin"),
        ),
        case(
            "wrong-password-cr",
            server.uri_for(demo::CR_USER, "wrong", "admin", Some("MONGODB-CR")),
            None,
        ),
    ];
    let version = run_pymongo(&python, &cases).await;
    print_round_trips(&server);
    assert!(
        version.starts_with("3."),
        "MONGO_AUTH_PYTHON_LEGACY has PyMongo {version}, expected 3.x"
    );
    assert_eq!(
        authentications(&server),
        pairs(&[("demo-cr@admin", "MONGODB-CR")])
    );
    // A 2.6 server speaks OP_QUERY only; PyMongo 3 never tried OP_MSG on it.
    for record in server.connections() {
        assert!(
            !record.commands.iter().any(|c| c == "<OP_MSG refused>"),
            "{record:?}"
        );
    }
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pymongo_3_authenticates_with_scram_over_op_query_and_op_msg() {
    let Some(python) = pymongo::python(pymongo::LEGACY) else {
        return;
    };
    // 3.4 (wire 5): OP_QUERY, SCRAM-SHA-1 by default. 4.2 (wire 8): OP_MSG, negotiation.
    for (wire, negotiated) in [(5, "SCRAM-SHA-1"), (8, "SCRAM-SHA-256")] {
        let server = conformance::start(modern_users().max_wire_version(wire)).await;
        let cases = [
            case(
                "scram-sha-1",
                server.uri_for("app", "pencil", "admin", Some("SCRAM-SHA-1")),
                Some("app@admin"),
            ),
            case(
                "negotiated",
                server.uri_for("app", "pencil", "admin", None),
                Some("app@admin"),
            ),
            case(
                "wrong-password",
                server.uri_for("app", "wrong", "admin", None),
                None,
            ),
        ];
        run_pymongo(&python, &cases).await;
        print_round_trips(&server);
        let expected = if negotiated == "SCRAM-SHA-1" {
            pairs(&[("app@admin", "SCRAM-SHA-1")])
        } else {
            pairs(&[("app@admin", "SCRAM-SHA-1"), ("app@admin", negotiated)])
        };
        assert_eq!(authentications(&server), expected, "wire {wire}");
        // Below wire version 6 PyMongo 3 speaks OP_QUERY only: the server never had to refuse OP_MSG.
        for record in server.connections() {
            assert!(
                !record.commands.iter().any(|c| c == "<OP_MSG refused>"),
                "{record:?}"
            );
        }
        server.shutdown().await;
    }
}
