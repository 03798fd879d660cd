//! End-to-end PLAIN, MONGODB-CR and MONGODB-X509 (and SCRAM over old OP_QUERY servers) against the
//! conformance server.

use bson::doc;
use mongo_auth::{Auth, ClientConfig, Error, Mechanism, Tls};
use mongo_auth_test_server::certs::{CLIENT_SUBJECT, TestPki};
use mongo_auth_test_server::tls::ClientAuth;
use mongo_auth_test_server::{ServerConfig, User};

use crate::support::conformance::{
    PLAIN_PASSWORD, PLAIN_USER, authenticated_users, mongodb_2_6, over_tls, required, start,
    x509_and_plain_over_tls,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_over_tls_and_with_the_clear_text_opt_in() {
    let pki = TestPki::generate_temporary().unwrap();
    let server = start(x509_and_plain_over_tls(&pki, ClientAuth::None)).await;
    let host = server.addr().to_string();
    let config = ClientConfig::builder()
        .host(host.clone())
        .credential(Auth::plain().username(PLAIN_USER).password(PLAIN_PASSWORD))
        .tls(Tls::enabled().ca_file(&pki.ca))
        .build()
        .unwrap();
    let mut connection = mongo_auth::connect(&config).await.unwrap();
    assert_eq!(connection.authenticated_mechanism(), Some(Mechanism::Plain));
    assert_eq!(connection.handshake_round_trips(), 2, "hello + saslStart");
    assert_eq!(
        authenticated_users(&mut connection).await,
        [format!("{PLAIN_USER}@$external")]
    );

    // Wrong password over TLS: an authentication failure.
    let config = ClientConfig::builder()
        .host(host)
        .credential(Auth::plain().username(PLAIN_USER).password("nope"))
        .tls(Tls::enabled().ca_file(&pki.ca))
        .build()
        .unwrap();
    assert!(matches!(
        mongo_auth::connect(&config).await,
        Err(Error::Authentication(_))
    ));
    server.shutdown().await;

    // Plain TCP: only with the explicit opt-in.
    let server = start(ServerConfig::new().user(User::plain(PLAIN_USER, PLAIN_PASSWORD))).await;
    let refused: Result<ClientConfig, _> = server
        .uri_for(PLAIN_USER, PLAIN_PASSWORD, "$external", Some("PLAIN"))
        .parse();
    assert!(
        refused.is_err(),
        "PLAIN without TLS must not build without the opt-in"
    );
    let config = ClientConfig::builder()
        .host(server.addr().to_string())
        .credential(Auth::plain().username(PLAIN_USER).password(PLAIN_PASSWORD))
        .dangerous()
        .allow_plain_password_without_tls()
        .build()
        .unwrap();
    let connection = mongo_auth::connect(&config).await.unwrap();
    assert_eq!(connection.authenticated_mechanism(), Some(Mechanism::Plain));
    server.shutdown().await;
}

/// Servers before 3.4 need the X509 user name; when the configuration gives none, the subject of
/// the configured client certificate is sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn x509_on_a_server_older_than_3_4_sends_the_certificate_subject() {
    let pki = TestPki::generate_temporary().unwrap();
    let server = start(x509_and_plain_over_tls(&pki, required(&pki)).max_wire_version(4)).await;
    let config = ClientConfig::builder()
        .host(server.addr().to_string())
        .credential(Auth::x509())
        .tls(Tls::enabled().ca_file(&pki.ca).client_cert(&pki.client.pem))
        .build()
        .unwrap();
    let mut connection = mongo_auth::connect(&config).await.unwrap();
    assert_eq!(
        connection.authenticated_mechanism(),
        Some(Mechanism::MongodbX509)
    );
    assert!(connection.uses_op_query());
    assert_eq!(connection.authenticated_user(), Some(CLIENT_SUBJECT));
    assert_eq!(
        authenticated_users(&mut connection).await,
        [format!("{CLIENT_SUBJECT}@$external")]
    );
    // (The server refuses an authenticate without the user at this wire version, as 3.2 did.)
    assert_eq!(server.stats().authentication_failures, 0);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn x509_with_and_without_a_user_name_speculative_on_and_off() {
    let pki = TestPki::generate_temporary().unwrap();
    for speculative in [true, false] {
        let server = start(
            x509_and_plain_over_tls(&pki, required(&pki)).speculative_authentication(speculative),
        )
        .await;
        for username in [None, Some(CLIENT_SUBJECT)] {
            let credential = match username {
                None => Auth::x509(),
                Some(subject) => Auth::x509().username(subject),
            };
            let config = ClientConfig::builder()
                .host(server.addr().to_string())
                .credential(credential)
                .tls(Tls::enabled().ca_file(&pki.ca).client_cert(&pki.client.pem))
                .build()
                .unwrap();
            let mut connection = mongo_auth::connect(&config).await.unwrap();
            assert_eq!(
                connection.authenticated_mechanism(),
                Some(Mechanism::MongodbX509)
            );
            assert_eq!(connection.authenticated_user(), Some(CLIENT_SUBJECT));
            let expected = if speculative { 1 } else { 2 };
            assert_eq!(
                connection.handshake_round_trips(),
                expected,
                "speculative {speculative}"
            );
            assert_eq!(
                authenticated_users(&mut connection).await,
                [format!("{CLIENT_SUBJECT}@$external")]
            );
        }
        // A user name that is not the certificate's subject is refused.
        let config = ClientConfig::builder()
            .host(server.addr().to_string())
            .credential(Auth::x509().username("CN=someone-else"))
            .tls(Tls::enabled().ca_file(&pki.ca).client_cert(&pki.client.pem))
            .build()
            .unwrap();
        assert!(matches!(
            mongo_auth::connect(&config).await,
            Err(Error::Authentication(_))
        ));
        server.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn x509_against_a_server_that_asks_for_no_certificate_is_a_clear_error() {
    let pki = TestPki::generate_temporary().unwrap();
    let server = start(x509_and_plain_over_tls(&pki, ClientAuth::None)).await;
    let config = ClientConfig::builder()
        .host(server.addr().to_string())
        .credential(Auth::x509())
        .tls(Tls::enabled().ca_file(&pki.ca).client_cert(&pki.client.pem))
        .build()
        .unwrap();
    match mongo_auth::connect(&config).await {
        Err(Error::Authentication(e)) => {
            assert_eq!(e.mechanism, Mechanism::MongodbX509);
            assert!(e.message.contains("subject"), "{}", e.message);
            let hint = e.hint.as_deref().unwrap_or_default();
            assert!(hint.contains("no client certificate"), "{hint}");
        }
        other => panic!("{other:?}"),
    }
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mongodb_cr_explicit_and_negotiated_on_an_old_server() {
    let server = start(mongodb_2_6()).await;
    for mechanism in [Some("MONGODB-CR")] {
        let config: ClientConfig = server
            .uri_for("old", "pencil", "admin", mechanism)
            .parse()
            .unwrap();
        let authenticator = mongo_auth::Authenticator::new(&config).unwrap();
        let mut connection = authenticator.connect().await.unwrap();
        assert_eq!(
            connection.authenticated_mechanism(),
            Some(Mechanism::MongodbCr),
            "{mechanism:?}"
        );
        assert!(connection.uses_op_query());
        // isMaster + getnonce + authenticate, after the refused OP_MSG hello on a first connection.
        assert_eq!(connection.handshake_round_trips(), 3);
        assert_eq!(authenticated_users(&mut connection).await, ["old@admin"]);
        // The host is remembered as old: the next connection starts with OP_QUERY directly.
        let before = server.connections().len();
        authenticator.connect().await.unwrap();
        assert_eq!(
            server.connections().len(),
            before + 1,
            "no OP_MSG attempt the second time"
        );
        assert_eq!(server.connections()[before].commands[0], "isMaster");
    }
    let config: ClientConfig = server
        .uri_for("old", "wrong", "admin", Some("MONGODB-CR"))
        .parse()
        .unwrap();
    assert!(matches!(
        mongo_auth::connect(&config).await,
        Err(Error::Authentication(_))
    ));
    server.shutdown().await;
}

/// Over clear TCP a man in the middle could answer as a 2.6 server and downgrade SCRAM to
/// MONGODB-CR (one MD5 per password guess): a credential without a mechanism negotiates
/// MONGODB-CR only over TLS (or a Unix socket), and otherwise says how to ask for it by name.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mongodb_cr_is_negotiated_only_over_tls() {
    let server = start(mongodb_2_6()).await;
    let config: ClientConfig = server
        .uri_for("old", "pencil", "admin", None)
        .parse()
        .unwrap();
    match mongo_auth::connect(&config).await {
        Err(Error::NotSupported(e)) => {
            assert!(e.what.contains("authMechanism=MONGODB-CR"), "{e}");
            assert!(!e.to_string().contains("pencil"));
        }
        other => panic!("{other:?}"),
    }
    let commands = server.commands();
    assert!(
        !commands
            .iter()
            .any(|c| c == "getnonce" || c == "authenticate"),
        "{commands:?}"
    );
    server.shutdown().await;

    let pki = TestPki::generate_temporary().unwrap();
    let server = start(over_tls(mongodb_2_6(), &pki, ClientAuth::None)).await;
    let ca = pki.ca.display().to_string();
    for (user, password, outcome) in [("old", "pencil", true), ("nobody", "pencil", false)] {
        let uri = format!(
            "{}&tls=true&tlsCAFile={}",
            server.uri_for(user, password, "admin", None),
            ca.replace('/', "%2F")
        );
        let config: ClientConfig = uri.parse().unwrap();
        match mongo_auth::connect(&config).await {
            Ok(mut connection) if outcome => {
                assert_eq!(
                    connection.authenticated_mechanism(),
                    Some(Mechanism::MongodbCr)
                );
                assert_eq!(authenticated_users(&mut connection).await, ["old@admin"]);
            }
            Err(Error::Authentication(_)) if !outcome => {}
            other => panic!("{user}: {other:?}"),
        }
    }
    server.shutdown().await;
}

/// A Unix socket is never TLS-wrapped: TLS settings in the configuration do not make PLAIN's
/// password safe to send over it (without the clear-text opt-in it is refused before saslStart),
/// and a negotiated MONGODB-CR, which only a man in the middle on the network could abuse, is
/// allowed over it.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_unix_socket_is_a_clear_channel_whatever_the_tls_settings() {
    let pki = TestPki::generate_temporary().unwrap();
    let server = start(
        ServerConfig::new()
            .max_wire_version(2)
            .user(User::plain(PLAIN_USER, PLAIN_PASSWORD))
            .user(User::mongodb_cr("old", "admin", "pencil")),
    )
    .await;
    // The conformance server listens on TCP: a socket in front of it forwards each connection.
    let dir = tempfile_dir();
    let socket = dir.join("mongodb.sock");
    let listener = tokio::net::UnixListener::bind(&socket).unwrap();
    let target = server.addr();
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            tokio::spawn(async move {
                if let Ok(mut upstream) = tokio::net::TcpStream::connect(target).await {
                    let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
                }
            });
        }
    });
    let socket_host = socket.display().to_string();
    // The socket first, then a TCP host with TLS: the settings are for the TCP host only.
    let config = ClientConfig::builder()
        .hosts([socket_host.as_str(), "127.0.0.1:9"])
        .credential(Auth::plain().username(PLAIN_USER).password(PLAIN_PASSWORD))
        .tls(Tls::enabled().ca_file(&pki.ca))
        .build()
        .unwrap();
    match mongo_auth::connect(&config).await {
        Err(Error::NotSupported(e)) => assert!(e.what.contains("Unix socket"), "{e}"),
        other => panic!("{other:?}"),
    }
    let commands = server.commands();
    assert!(!commands.iter().any(|c| c == "saslStart"), "{commands:?}");

    let uri = format!(
        "mongodb://old:pencil@{}/?authSource=admin",
        socket_host.replace('/', "%2F")
    );
    let config: ClientConfig = uri.parse().unwrap();
    let mut connection = mongo_auth::connect(&config).await.unwrap();
    assert_eq!(
        connection.authenticated_mechanism(),
        Some(Mechanism::MongodbCr)
    );
    assert_eq!(authenticated_users(&mut connection).await, ["old@admin"]);
    server.shutdown().await;
    let _ = std::fs::remove_dir_all(dir);
}

/// A fresh directory under the system's temporary directory.
#[cfg(unix)]
fn tempfile_dir() -> std::path::PathBuf {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "mongo-auth-socket-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scram_sha_1_over_op_query_on_a_3_4_server() {
    let server = start(
        ServerConfig::new().max_wire_version(5).user(
            User::new("app", "admin")
                .password("pencil")
                .mechanisms([Mechanism::ScramSha1]),
        ),
    )
    .await;
    for mechanism in [Some("SCRAM-SHA-1"), None] {
        let config: ClientConfig = server
            .uri_for("app", "pencil", "admin", mechanism)
            .parse()
            .unwrap();
        let mut connection = mongo_auth::connect(&config).await.unwrap();
        assert_eq!(
            connection.authenticated_mechanism(),
            Some(Mechanism::ScramSha1)
        );
        assert!(connection.uses_op_query());
        connection
            .run_command("admin", doc! { "ping": 1 })
            .await
            .unwrap();
    }
    let config: ClientConfig = server
        .uri_for("app", "wrong", "admin", Some("SCRAM-SHA-1"))
        .parse()
        .unwrap();
    assert!(matches!(
        mongo_auth::connect(&config).await,
        Err(Error::Authentication(_))
    ));
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_over_a_caller_stream_needs_the_stream_to_be_declared_encrypted() {
    // The configuration has TLS settings, but the caller's stream is plain TCP: TLS in the
    // configuration says nothing about that stream, so PLAIN is refused before any saslStart.
    let pki = TestPki::generate_temporary().unwrap();
    let server = start(ServerConfig::new().user(User::plain(PLAIN_USER, PLAIN_PASSWORD))).await;
    let host = server.addr().to_string();
    let config = ClientConfig::builder()
        .host(host.clone())
        .credential(Auth::plain().username(PLAIN_USER).password(PLAIN_PASSWORD))
        .tls(Tls::enabled().ca_file(&pki.ca))
        .build()
        .unwrap();
    let stream = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
    match mongo_auth::authenticate(stream, &config, &host).await {
        Err(Error::NotSupported(e)) => {
            assert!(e.what.contains("authenticate_over_tls"), "{e}");
            assert!(!e.to_string().contains(PLAIN_PASSWORD));
        }
        other => panic!("{other:?}"),
    }
    let sasl_starts = server
        .commands()
        .iter()
        .filter(|c| *c == "saslStart")
        .count();
    assert_eq!(sasl_starts, 0, "the password never left the client");

    // The caller asserting the stream is encrypted is what lets PLAIN go (the test server's
    // stream is plain TCP; only the assertion is under test here).
    let stream = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
    let mut connection = mongo_auth::authenticate_over_tls(stream, &config, &host)
        .await
        .unwrap();
    assert_eq!(connection.authenticated_mechanism(), Some(Mechanism::Plain));
    assert_eq!(
        authenticated_users(&mut connection).await,
        [format!("{PLAIN_USER}@$external")]
    );
    server.shutdown().await;
}
