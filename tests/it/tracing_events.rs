//! The `tracing` events of a handshake, captured for every mechanism and every misbehaving-server
//! knob of the conformance server: the steps are there, and no secret is — no password, key
//! password, SCRAM proof or signature, PLAIN payload.

use std::time::Duration;

use mongo_auth::{Auth, ClientConfig, Tls};
use mongo_auth_test_server::certs::{CLIENT_SUBJECT, KEY_PASSWORD, TestPki};
use mongo_auth_test_server::{Misbehaviour, ServerConfig, Stage, User};

use crate::support::conformance::{optional, over_tls, start};
use crate::support::events::captured;
use crate::support::{child, runtime, test_path};

const SCRAM_PASSWORD: &str = "scram-Secret-4711";
const PLAIN_PASSWORD: &str = "plain-Secret-4712";
const CR_PASSWORD: &str = "cr-Secret-4713";

fn scram(server: &mongo_auth_test_server::RunningServer, mechanism: Option<&str>) -> ClientConfig {
    format!(
        "{}&connectTimeoutMS=3000",
        server.uri_for("app", SCRAM_PASSWORD, "admin", mechanism)
    )
    .parse()
    .unwrap()
}

/// Runs in a child process of its own: the global subscriber records the events of every test that
/// runs in its process.
#[test]
fn events_follow_every_mechanism_and_misbehaviour_and_hold_no_secret() {
    child::in_child(
        &test_path!("events_follow_every_mechanism_and_misbehaviour_and_hold_no_secret"),
        |_| {},
        || runtime().block_on(every_mechanism_and_misbehaviour()),
    );
}

async fn every_mechanism_and_misbehaviour() {
    let captured = captured();
    let pki = TestPki::generate_temporary().unwrap();

    // SCRAM-SHA-256, SCRAM-SHA-1 and negotiated, then a wrong password.
    let server =
        start(ServerConfig::new().user(User::new("app", "admin").password(SCRAM_PASSWORD))).await;
    for mechanism in [Some("SCRAM-SHA-256"), Some("SCRAM-SHA-1"), None] {
        // Two connections of one authenticator: the second finds the keys in the cache.
        let authenticator = mongo_auth::Authenticator::new(&scram(&server, mechanism)).unwrap();
        authenticator.connect().await.unwrap();
        authenticator.connect().await.unwrap();
        // the ping sent with the client-final message is named in its round trip's event
        authenticator.connect_and_ping().await.unwrap();
    }
    let wrong: ClientConfig = server
        .uri_for("app", "not-the-Secret-4714", "admin", None)
        .parse()
        .unwrap();
    assert!(mongo_auth::connect(&wrong).await.is_err());
    server.shutdown().await;

    // PLAIN over TLS, and MONGODB-X509 with an encrypted key.
    let server = start(over_tls(
        ServerConfig::new()
            .user(User::plain("ldap", PLAIN_PASSWORD))
            .user(User::x509(CLIENT_SUBJECT)),
        &pki,
        optional(&pki),
    ))
    .await;
    let plain = ClientConfig::builder()
        .host(server.addr().to_string())
        .credential(Auth::plain().username("ldap").password(PLAIN_PASSWORD))
        .tls(Tls::enabled().ca_file(&pki.ca))
        .build()
        .unwrap();
    mongo_auth::connect(&plain).await.unwrap();
    let x509 = ClientConfig::builder()
        .host(server.addr().to_string())
        .credential(Auth::x509())
        .tls(
            Tls::enabled()
                .ca_file(&pki.ca)
                .client_cert(&pki.client_encrypted.pem)
                .key_password(KEY_PASSWORD),
        )
        .build()
        .unwrap();
    mongo_auth::connect(&x509).await.unwrap();
    server.shutdown().await;

    // MONGODB-CR on a 2.6-era server (OP_MSG refused first: the OP_QUERY fallback).
    let server = start(
        ServerConfig::new()
            .max_wire_version(2)
            .user(User::mongodb_cr("old", "admin", CR_PASSWORD)),
    )
    .await;
    let cr: ClientConfig = server
        .uri_for("old", CR_PASSWORD, "admin", Some("MONGODB-CR"))
        .parse()
        .unwrap();
    mongo_auth::connect(&cr).await.unwrap();
    server.shutdown().await;

    // Every misbehaviour knob.
    let stages = [Stage::Hello, Stage::SaslStart, Stage::SaslContinue];
    let mut knobs = vec![
        Misbehaviour::LowIterationCount(1024),
        Misbehaviour::NonceNotExtended,
        Misbehaviour::WrongServerSignature,
    ];
    for at in stages {
        knobs.push(Misbehaviour::DropConnection { at });
        knobs.push(Misbehaviour::Stall { at });
        knobs.push(Misbehaviour::OversizedFrameHeader { at });
        knobs.push(Misbehaviour::MalformedReply { at });
    }
    for knob in knobs {
        let server = start(
            ServerConfig::new()
                .user(User::new("app", "admin").password(SCRAM_PASSWORD))
                .speculative_authentication(false)
                .misbehave(knob),
        )
        .await;
        let config: ClientConfig = format!(
            "{}&connectTimeoutMS=500",
            server.uri_for("app", SCRAM_PASSWORD, "admin", Some("SCRAM-SHA-256"))
        )
        .parse()
        .unwrap();
        let result = tokio::time::timeout(Duration::from_secs(60), mongo_auth::connect(&config))
            .await
            .expect("bounded by connectTimeoutMS");
        assert!(result.is_err(), "{knob:?}");
        server.shutdown().await;
    }

    let text = captured.text();
    for step in [
        "connecting",
        "tls established",
        "hello answered",
        "mechanism chosen",
        "round trip",
        "scram keys",
        "authenticated",
        "connection failed",
        "reconnecting with OP_QUERY",
    ] {
        assert!(text.contains(step), "no `{step}` event in:\n{text}");
    }
    for mechanism in [
        "SCRAM-SHA-256",
        "SCRAM-SHA-1",
        "PLAIN",
        "MONGODB-X509",
        "MONGODB-CR",
    ] {
        assert!(
            text.contains(&format!("mechanism=\"{mechanism}\"")),
            "no event names {mechanism}:\n{text}"
        );
    }
    assert!(
        text.contains("cache=\"hit\"") && text.contains("cache=\"derived\""),
        "{text}"
    );
    assert!(text.contains("followed_by=\"ping\""), "{text}");
    for secret in [
        SCRAM_PASSWORD,
        PLAIN_PASSWORD,
        CR_PASSWORD,
        KEY_PASSWORD,
        "not-the-Secret-4714",
    ] {
        assert!(!text.contains(secret), "`{secret}` in the events:\n{text}");
    }
    // No SCRAM message (client-first `n,,n=`, client-final `c=biws,…,p=`), no payload field and no
    // PLAIN payload.
    for marker in [
        "n,,n=",
        "c=biws",
        ",p=",
        "payload",
        "\\0ldap\\0",
        "\0ldap\0",
    ] {
        assert!(!text.contains(marker), "`{marker}` in the events:\n{text}");
    }
}
