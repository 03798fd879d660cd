//! Every misbehaviour knob of the conformance server gives a typed error: no panic, no hang, and
//! within the handshake deadline.

use std::time::Duration;

use mongo_auth::error::{ProtocolViolation, TimeoutPhase};
use mongo_auth::wire::WireError;
use mongo_auth::{Auth, ClientConfig, Error};
use mongo_auth_test_server::{Misbehaviour, RunningServer, Server, ServerConfig, Stage, User};

/// The handshake deadline when the server stalls: short, so that the test waits little.
const DEADLINE: Duration = Duration::from_millis(1500);
/// The handshake deadline otherwise: generous, so that a loaded machine never turns an expected
/// protocol error into a timeout.
const GENEROUS: Duration = Duration::from_secs(30);
/// Only a guard against a hang in a broken build; the client's own deadline is what is tested.
const HANG_GUARD: Duration = Duration::from_secs(60);

fn scram_config(server: &RunningServer, sha256: bool, deadline: Duration) -> ClientConfig {
    let builder = ClientConfig::builder()
        .host(server.addr().to_string())
        .handshake_timeout(deadline)
        .max_scram_iterations(100_000);
    if sha256 {
        builder
            .credential(
                Auth::scram_sha_256()
                    .username("app")
                    .password("pencil")
                    .source("admin"),
            )
            .build()
            .unwrap()
    } else {
        builder
            .credential(
                Auth::scram_sha_1()
                    .username("app")
                    .password("pencil")
                    .source("admin"),
            )
            .build()
            .unwrap()
    }
}

async fn run(misbehaviour: Misbehaviour, speculative: bool, sha256: bool) -> Error {
    let server = Server::start(
        ServerConfig::new()
            .user(User::new("app", "admin").password("pencil"))
            .speculative_authentication(speculative)
            .misbehave(misbehaviour),
    )
    .await
    .unwrap();
    let deadline = if matches!(misbehaviour, Misbehaviour::Stall { .. }) {
        DEADLINE
    } else {
        GENEROUS
    };
    let config = scram_config(&server, sha256, deadline);
    let result = tokio::time::timeout(HANG_GUARD, mongo_auth::connect(&config))
        .await
        .expect("the client's handshake deadline bounds every misbehaviour");
    server.shutdown().await;
    match result {
        Ok(connection) => panic!(
            "{misbehaviour:?} (speculative {speculative}): authenticated anyway: {connection:?}"
        ),
        Err(e) => {
            // Every error renders without panicking and without the password.
            let text = e.to_string();
            assert!(!text.contains("pencil"), "{text}");
            e
        }
    }
}

fn violation(e: &Error) -> Option<&ProtocolViolation> {
    match e {
        Error::Protocol(p) => Some(&p.violation),
        _ => None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scram_checks_reject_a_hostile_server() {
    for speculative in [true, false] {
        for sha256 in [true, false] {
            let e = run(Misbehaviour::LowIterationCount(1024), speculative, sha256).await;
            assert_eq!(
                violation(&e),
                Some(&ProtocolViolation::IterationCountTooLow { iterations: 1024 }),
                "{e}"
            );
            let e = run(Misbehaviour::NonceNotExtended, speculative, sha256).await;
            assert_eq!(
                violation(&e),
                Some(&ProtocolViolation::NonceNotExtended),
                "{e}"
            );
            let e = run(Misbehaviour::WrongServerSignature, speculative, sha256).await;
            assert_eq!(
                violation(&e),
                Some(&ProtocolViolation::ServerSignatureMismatch),
                "{e}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn iteration_count_above_the_ceiling_is_refused_before_pbkdf2() {
    let server = Server::start(
        ServerConfig::new().user(
            User::new("app", "admin")
                .password("pencil")
                .scram_iterations(200_000),
        ),
    )
    .await
    .unwrap();
    let config = scram_config(&server, true, GENEROUS);
    let authenticator = mongo_auth::Authenticator::new(&config).unwrap();
    let e = authenticator.connect().await.unwrap_err();
    assert_eq!(
        violation(&e),
        Some(&ProtocolViolation::IterationCountTooHigh {
            iterations: 200_000,
            maximum: 100_000
        }),
        "{e}"
    );
    assert!(e.to_string().contains("max_scram_iterations"), "{e}");
    assert_eq!(authenticator.pbkdf2_computations(), 0);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stalls_time_out_within_the_deadline_at_every_stage() {
    for (stage, speculative) in [
        (Stage::Hello, true),
        (Stage::SaslStart, false),
        (Stage::SaslContinue, true),
        (Stage::SaslContinue, false),
    ] {
        let started = tokio::time::Instant::now();
        let e = run(Misbehaviour::Stall { at: stage }, speculative, true).await;
        match &e {
            Error::Timeout(t) => {
                assert_eq!(t.phase, TimeoutPhase::Handshake);
                assert_eq!(t.after, DEADLINE);
            }
            other => panic!("{stage:?}: expected a timeout, got {other:?}"),
        }
        // Event-based: the error came from the deadline, not from the hang guard.
        assert!(started.elapsed() < HANG_GUARD);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropped_connections_are_wire_errors() {
    for (stage, speculative) in [
        (Stage::Hello, true),
        (Stage::SaslStart, false),
        (Stage::SaslContinue, true),
        (Stage::SaslContinue, false),
    ] {
        let e = run(
            Misbehaviour::DropConnection { at: stage },
            speculative,
            true,
        )
        .await;
        assert!(
            matches!(
                e,
                Error::Wire(
                    WireError::ClosedBetweenMessages
                        | WireError::ConnectionClosed { .. }
                        | WireError::Io(_)
                )
            ),
            "{stage:?}: {e:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_and_malformed_frames_are_wire_errors() {
    for (stage, speculative) in [
        (Stage::Hello, true),
        (Stage::SaslStart, false),
        (Stage::SaslContinue, true),
    ] {
        let e = run(
            Misbehaviour::OversizedFrameHeader { at: stage },
            speculative,
            true,
        )
        .await;
        assert!(
            matches!(e, Error::Wire(WireError::MessageTooLarge { .. })),
            "{stage:?}: {e:?}"
        );
        let e = run(
            Misbehaviour::MalformedReply { at: stage },
            speculative,
            false,
        )
        .await;
        assert!(matches!(e, Error::Wire(_)), "{stage:?}: {e:?}");
    }
}

/// A server that stalls is given up on when `connectTimeoutMS` says, not after the 30-second
/// handshake timeout: the connection phase (TCP, TLS, hello, authentication) is bounded by it, at
/// every stage, and the error names the option.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connect_timeout_bounds_the_whole_connection_phase() {
    for stage in [Stage::Hello, Stage::SaslContinue] {
        let server = Server::start(
            ServerConfig::new()
                .user(User::new("app", "admin").password("pencil"))
                .misbehave(Misbehaviour::Stall { at: stage }),
        )
        .await
        .unwrap();
        let config: ClientConfig = format!(
            "{}&connectTimeoutMS=2000&socketTimeoutMS=3000",
            server.uri_for("app", "pencil", "admin", Some("SCRAM-SHA-256"))
        )
        .parse()
        .unwrap();
        assert_eq!(config.handshake_timeout(), Duration::from_secs(30));
        let e = tokio::time::timeout(HANG_GUARD, mongo_auth::connect(&config))
            .await
            .expect("connectTimeoutMS bounds a stalled handshake")
            .unwrap_err();
        match &e {
            Error::Timeout(t) => {
                assert_eq!(t.phase, TimeoutPhase::Connect, "{stage:?}");
                assert_eq!(t.after, Duration::from_secs(2));
            }
            other => panic!("{stage:?}: {other:?}"),
        }
        assert!(e.to_string().contains("connectTimeoutMS"), "{e}");
        server.shutdown().await;
    }
}

/// Each round trip of the handshake is bounded by `socketTimeoutMS` when it is the smaller bound.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn socket_timeout_bounds_each_handshake_round_trip() {
    let server = Server::start(
        ServerConfig::new()
            .user(User::new("app", "admin").password("pencil"))
            .speculative_authentication(false)
            .misbehave(Misbehaviour::Stall {
                at: Stage::SaslStart,
            }),
    )
    .await
    .unwrap();
    let config: ClientConfig = format!(
        "{}&connectTimeoutMS=20000&socketTimeoutMS=500",
        server.uri_for("app", "pencil", "admin", Some("SCRAM-SHA-256"))
    )
    .parse()
    .unwrap();
    let e = tokio::time::timeout(HANG_GUARD, mongo_auth::connect(&config))
        .await
        .expect("socketTimeoutMS bounds a stalled round trip")
        .unwrap_err();
    match &e {
        Error::Timeout(t) => {
            assert_eq!(t.phase, TimeoutPhase::Socket);
            assert_eq!(t.after, Duration::from_millis(500));
        }
        other => panic!("{other:?}"),
    }
    assert!(e.to_string().contains("socketTimeoutMS"), "{e}");
    server.shutdown().await;
}

/// `connectTimeoutMS=0` means no timeout (the URI options specification), not "time out at once";
/// and a handshake timeout too large to add to the clock is no bound rather than a panic.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unbounded_timeouts_connect() {
    let server =
        Server::start(ServerConfig::new().user(User::new("app", "admin").password("pencil")))
            .await
            .unwrap();
    let config: ClientConfig = format!(
        "{}&connectTimeoutMS=0",
        server.uri_for("app", "pencil", "admin", Some("SCRAM-SHA-256"))
    )
    .parse()
    .unwrap();
    assert_eq!(config.connect_timeout(), None);
    assert!(
        config.to_string().contains("connectTimeoutMS=0"),
        "{config}"
    );
    mongo_auth::connect(&config).await.unwrap();

    let config = ClientConfig::builder()
        .host(server.addr().to_string())
        .credential(
            Auth::scram_sha_256()
                .username("app")
                .password("pencil")
                .source("admin"),
        )
        .connect_timeout(Duration::MAX)
        .handshake_timeout(Duration::MAX)
        .socket_timeout(Duration::MAX)
        .build()
        .unwrap();
    let mut connection = mongo_auth::connect(&config).await.unwrap();
    connection
        .run_command("admin", bson::doc! { "ping": 1 })
        .await
        .unwrap();
    server.shutdown().await;
}
