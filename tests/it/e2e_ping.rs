//! `Authenticator::connect_and_ping` against the conformance server: the ping goes out in the same
//! write as the conversation's last message when the mechanism knows which one that is, the server
//! sees it right behind that message, and a refused authentication is still the error returned.

use mongo_auth::{Auth, Authenticator, ClientConfig, Error, Mechanism, Tls};
use mongo_auth_test_server::certs::TestPki;
use mongo_auth_test_server::{ConnectionRecord, RunningServer, ServerConfig, User};

use crate::support::conformance::{
    PLAIN_PASSWORD, PLAIN_USER, authenticated_users, mongodb_2_6, required, start,
    x509_and_plain_over_tls,
};

const USER: &str = "app";
const PASSWORD: &str = "pencil";

fn scram_server() -> ServerConfig {
    ServerConfig::new()
        .require_auth(true)
        .user(User::new(USER, "admin").password(PASSWORD))
}

/// Connects with `connect_and_ping` and returns the connection and what the server saw on it.
async fn connect_and_ping(
    server: &RunningServer,
    config: &ClientConfig,
) -> (mongo_auth::Connection, ConnectionRecord) {
    let before = server.connections().len();
    let authenticator = Authenticator::new(config).unwrap();
    let connection = authenticator
        .connect_and_ping()
        .await
        .unwrap_or_else(|e| panic!("connect_and_ping: {e}"));
    let record = server.connections().pop().unwrap();
    assert_eq!(server.connections().len(), before + 1, "one connection");
    (connection, record)
}

/// Hands a fresh TCP stream to `server` to `handshake` (one of the methods that take the caller's
/// stream) and returns the connection and what the server saw on it.
async fn on_a_fresh_stream<Handshake>(
    server: &RunningServer,
    handshake: impl FnOnce(tokio::net::TcpStream) -> Handshake,
) -> (mongo_auth::Connection, ConnectionRecord)
where
    Handshake: std::future::Future<Output = Result<mongo_auth::Connection, Error>>,
{
    let stream = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
    let connection = handshake(stream)
        .await
        .unwrap_or_else(|e| panic!("over the caller's stream: {e}"));
    (connection, server.connections().pop().unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scram_sends_the_ping_with_the_client_final_message() {
    let server = start(scram_server()).await;
    for mechanism in ["SCRAM-SHA-1", "SCRAM-SHA-256"] {
        let config: ClientConfig = server
            .uri_for(USER, PASSWORD, "admin", Some(mechanism))
            .parse()
            .unwrap();
        let (mut connection, record) = connect_and_ping(&server, &config).await;
        assert_eq!(connection.handshake_round_trips(), 2, "{mechanism}");
        assert_eq!(
            record.commands,
            ["isMaster", "saslContinue", "ping"],
            "{mechanism}"
        );
        assert_eq!(
            record.read_ahead, 1,
            "{mechanism}: the ping came with saslContinue"
        );
        // the connection is authenticated and in step: the next command gets its own reply
        assert_eq!(authenticated_users(&mut connection).await, ["app@admin"]);
    }
    // `connect` sends no ping
    let config: ClientConfig = server
        .uri_for(USER, PASSWORD, "admin", Some("SCRAM-SHA-256"))
        .parse()
        .unwrap();
    Authenticator::new(&config)
        .unwrap()
        .connect()
        .await
        .unwrap();
    let record = server.connections().pop().unwrap();
    assert_eq!(record.commands, ["isMaster", "saslContinue"]);
    assert_eq!(record.read_ahead, 0);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_authentication_is_the_error_not_the_ping() {
    let server = start(scram_server()).await;
    for mechanism in ["SCRAM-SHA-1", "SCRAM-SHA-256"] {
        let config: ClientConfig = server
            .uri_for(USER, "Wr0ng-Pa55", "admin", Some(mechanism))
            .parse()
            .unwrap();
        let authenticator = Authenticator::new(&config).unwrap();
        match authenticator.connect_and_ping().await {
            Err(Error::Authentication(e)) => {
                assert!(!e.to_string().contains("Wr0ng-Pa55"), "{e}");
            }
            other => panic!("{mechanism}: {other:?}"),
        }
    }
    server.shutdown().await;
}

/// Servers that do not skip SCRAM's empty exchange (before 4.4, or one that departs from 4.4's
/// protocol) still get one ping, answered and checked, and the conversation finishes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn servers_without_skip_empty_exchange_still_finish_and_answer_the_ping() {
    // (maxWireVersion, skipEmptyExchange honoured, the commands the server sees, read ahead)
    let cases: [(i32, bool, &[&str], u32); 3] = [
        // 4.0: the ping rides with the empty exchange that ends the long conversation
        (
            7,
            true,
            &[
                "isMaster",
                "saslStart",
                "saslContinue",
                "saslContinue",
                "ping",
            ],
            1,
        ),
        // a 4.4+ server that ignores skipEmptyExchange: the ping that rode with the client-final
        // message was answered mid-conversation, so it rides again with the empty exchange
        (
            21,
            false,
            &["isMaster", "saslContinue", "ping", "saslContinue", "ping"],
            2,
        ),
        (21, true, &["isMaster", "saslContinue", "ping"], 1),
    ];
    for (wire, skip, commands, read_ahead) in cases {
        let server = start(
            scram_server()
                .max_wire_version(wire)
                .skip_empty_exchange(skip),
        )
        .await;
        let config: ClientConfig = server
            .uri_for(USER, PASSWORD, "admin", Some("SCRAM-SHA-256"))
            .parse()
            .unwrap();
        let (mut connection, record) = connect_and_ping(&server, &config).await;
        assert_eq!(record.commands, commands, "wire {wire} skip {skip}");
        assert_eq!(record.read_ahead, read_ahead, "wire {wire} skip {skip}");
        assert_eq!(
            connection.authenticated_mechanism(),
            Some(Mechanism::ScramSha256)
        );
        assert_eq!(authenticated_users(&mut connection).await, ["app@admin"]);
        server.shutdown().await;
    }
}

/// PLAIN's only message went out with the ping behind it, and the connection is the PLAIN user's.
async fn plain_sent_the_ping_with_its_message(
    connection: &mut mongo_auth::Connection,
    record: &ConnectionRecord,
) {
    assert_eq!(record.commands, ["isMaster", "saslStart", "ping"]);
    assert_eq!(record.read_ahead, 1);
    assert_eq!(
        authenticated_users(connection).await,
        [format!("{PLAIN_USER}@$external")]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_and_mongodb_cr_send_the_ping_with_their_last_message() {
    let pki = TestPki::generate_temporary().unwrap();
    // PLAIN over TLS: hello, then saslStart with the ping behind it
    let server =
        start(x509_and_plain_over_tls(&pki, required(&pki)).speculative_authentication(false))
            .await;
    let plain = ClientConfig::builder()
        .host(server.addr().to_string())
        .credential(Auth::plain().username(PLAIN_USER).password(PLAIN_PASSWORD))
        .tls(Tls::enabled().ca_file(&pki.ca).client_cert(&pki.client.pem))
        .build()
        .unwrap();
    let (mut connection, record) = connect_and_ping(&server, &plain).await;
    plain_sent_the_ping_with_its_message(&mut connection, &record).await;
    server.shutdown().await;

    // MONGODB-CR on an old server (OP_QUERY): authenticate with the ping behind it
    let server = start(mongodb_2_6()).await;
    let config: ClientConfig = server
        .uri_for("old", "pencil", "admin", Some("MONGODB-CR"))
        .parse()
        .unwrap();
    let authenticator = Authenticator::new(&config).unwrap();
    // the first connection learns that the host refuses OP_MSG
    authenticator.connect_and_ping().await.unwrap();
    let before = server.connections().len();
    let mut connection = authenticator.connect_and_ping().await.unwrap();
    let record = server.connections()[before].clone();
    assert!(connection.uses_op_query());
    assert_eq!(
        record.commands,
        ["isMaster", "getnonce", "authenticate", "ping"]
    );
    assert_eq!(record.read_ahead, 1);
    assert_eq!(authenticated_users(&mut connection).await, ["old@admin"]);
    server.shutdown().await;
}

/// Without a credential, and with a speculative MONGODB-X509 that the hello finishes, the ping goes
/// out with the hello: one round trip in all. When the server does not take the speculative step,
/// the ping it answered before the authentication is sent again with `authenticate`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_credential_or_with_speculative_x509_the_ping_goes_with_the_hello() {
    let server = start(ServerConfig::new()).await;
    let config: ClientConfig = server.uri().parse().unwrap();
    let (connection, record) = connect_and_ping(&server, &config).await;
    assert_eq!(connection.handshake_round_trips(), 1);
    assert_eq!(record.commands, ["isMaster", "ping"]);
    assert_eq!(record.read_ahead, 1);
    server.shutdown().await;

    // A server before 3.6 hangs up on the OP_MSG hello (and the ping behind it): the second
    // connection speaks OP_QUERY, the ping too.
    let server = start(ServerConfig::new().max_wire_version(2)).await;
    let config: ClientConfig = server.uri().parse().unwrap();
    let connection = Authenticator::new(&config)
        .unwrap()
        .connect_and_ping()
        .await
        .unwrap();
    assert!(connection.uses_op_query());
    let records = server.connections();
    assert_eq!(records.len(), 2, "{records:?}");
    assert_eq!(records[1].commands, ["isMaster", "ping"]);
    assert_eq!(records[1].read_ahead, 1);
    server.shutdown().await;

    let pki = TestPki::generate_temporary().unwrap();
    let x509 = ClientConfig::builder()
        .credential(Auth::x509())
        .tls(Tls::enabled().ca_file(&pki.ca).client_cert(&pki.client.pem));
    for speculative in [true, false] {
        let server = start(
            x509_and_plain_over_tls(&pki, required(&pki)).speculative_authentication(speculative),
        )
        .await;
        let config = x509
            .clone()
            .host(server.addr().to_string())
            .build()
            .unwrap();
        let (mut connection, record) = connect_and_ping(&server, &config).await;
        if speculative {
            assert_eq!(connection.handshake_round_trips(), 1);
            assert_eq!(record.commands, ["isMaster", "ping"]);
            assert_eq!(record.read_ahead, 1);
            assert_eq!(record.speculative, 1);
        } else {
            assert_eq!(connection.handshake_round_trips(), 2);
            assert_eq!(
                record.commands,
                ["isMaster", "ping", "authenticate", "ping"]
            );
            assert_eq!(record.read_ahead, 2);
        }
        assert_eq!(
            authenticated_users(&mut connection).await,
            [format!(
                "{}@$external",
                mongo_auth_test_server::certs::CLIENT_SUBJECT
            )]
        );
        server.shutdown().await;
    }
}

/// Over a stream of the caller's, `authenticate_and_ping` sends the ping as `connect_and_ping`
/// does (behind SCRAM's client-final message), `authenticate` sends none, a wrong password is the
/// error returned, and `authenticate_over_tls_and_ping` lets PLAIN go with the ping behind its only
/// message.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_a_caller_stream_the_ping_rides_with_the_last_message() {
    let server = start(scram_server().user(User::plain(PLAIN_USER, PLAIN_PASSWORD))).await;
    let host = server.addr().to_string();
    let config: ClientConfig = server
        .uri_for(USER, PASSWORD, "admin", Some("SCRAM-SHA-256"))
        .parse()
        .unwrap();
    let authenticator = Authenticator::new(&config).unwrap();
    let (mut connection, record) = on_a_fresh_stream(&server, |stream| {
        authenticator.authenticate_and_ping(stream, &host)
    })
    .await;
    assert_eq!(connection.handshake_round_trips(), 2);
    assert_eq!(record.commands, ["isMaster", "saslContinue", "ping"]);
    assert_eq!(record.read_ahead, 1, "the ping came with saslContinue");
    assert_eq!(authenticated_users(&mut connection).await, ["app@admin"]);

    let (_, record) =
        on_a_fresh_stream(&server, |stream| authenticator.authenticate(stream, &host)).await;
    assert_eq!(record.commands, ["isMaster", "saslContinue"]);
    assert_eq!(record.read_ahead, 0);

    let wrong: ClientConfig = server
        .uri_for(USER, "Wr0ng-Pa55", "admin", Some("SCRAM-SHA-256"))
        .parse()
        .unwrap();
    let stream = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
    match Authenticator::new(&wrong)
        .unwrap()
        .authenticate_and_ping(stream, &host)
        .await
    {
        Err(Error::Authentication(e)) => assert!(!e.to_string().contains("Wr0ng-Pa55"), "{e}"),
        other => panic!("{other:?}"),
    }

    // PLAIN on a stream the caller declares encrypted (plain TCP here: only the declaration is
    // under test; the configuration's TLS settings say nothing about the caller's stream)
    let pki = TestPki::generate_temporary().unwrap();
    let plain = ClientConfig::builder()
        .host(host.clone())
        .credential(Auth::plain().username(PLAIN_USER).password(PLAIN_PASSWORD))
        .tls(Tls::enabled().ca_file(&pki.ca))
        .build()
        .unwrap();
    let authenticator = Authenticator::new(&plain).unwrap();
    let (mut connection, record) = on_a_fresh_stream(&server, |stream| {
        authenticator.authenticate_over_tls_and_ping(stream, &host)
    })
    .await;
    plain_sent_the_ping_with_its_message(&mut connection, &record).await;
    server.shutdown().await;
}
