//! End-to-end SCRAM tests: our client against the conformance server over TCP on 127.0.0.1.

use std::sync::Arc;

use bson::doc;
use mongo_auth::{Auth, Authenticator, ClientConfig, Error, Mechanism};
use mongo_auth_test_server::{RunningServer, ServerConfig, User};

use crate::support::conformance::start;

const USER: &str = "app";
const PASSWORD: &str = "pencil";

fn server_config() -> ServerConfig {
    ServerConfig::new()
        .user(User::new(USER, "admin").password(PASSWORD))
        .user(
            User::new("sha1only", "admin")
                .password("pw1")
                .mechanisms([Mechanism::ScramSha1]),
        )
        .user(
            User::new("sha256only", "admin")
                .password("pw256")
                .mechanisms([Mechanism::ScramSha256]),
        )
        .user(User::new("shopper", "shop").password("cart"))
        .user(User::new("a,b=c", "admin").password("escaped"))
        // The auth spec's SASLprep prose users.
        .user(
            User::new("IX", "admin")
                .password("IX")
                .mechanisms([Mechanism::ScramSha256]),
        )
        .user(
            User::new("\u{2168}", "admin")
                .password("I\u{00AD}V")
                .mechanisms([Mechanism::ScramSha256]),
        )
}

fn config_for(
    server: &RunningServer,
    mechanism: Option<&str>,
    user: &str,
    password: &str,
    source: &str,
) -> ClientConfig {
    let uri = server.uri_for(user, password, source, mechanism);
    uri.parse().expect("the test URI is valid")
}

/// Connects, runs `connectionStatus`, returns (mechanism, client round trips, server round trips).
async fn authenticate(
    server: &RunningServer,
    config: &ClientConfig,
) -> Result<(Mechanism, u32, usize), Error> {
    let before = server.connections().len();
    let mut connection = mongo_auth::connect(config).await?;
    let round_trips = connection.handshake_round_trips();
    let status = connection
        .run_command("admin", doc! { "connectionStatus": 1 })
        .await?;
    let users = status
        .get_document("authInfo")
        .and_then(|info| info.get_array("authenticatedUsers"))
        .map(|users| users.len())
        .unwrap_or(0);
    assert_eq!(
        users, 1,
        "connectionStatus shows the authenticated user: {status}"
    );
    let record = &server.connections()[before];
    // The server saw the handshake plus our connectionStatus.
    let server_round_trips = record.round_trips() - 1;
    Ok((
        connection
            .authenticated_mechanism()
            .expect("a credential was configured"),
        round_trips,
        server_round_trips,
    ))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scram_sha_1_sha_256_and_negotiated_on_several_wire_versions() {
    // (maxWireVersion, explicit mechanism, user, expected mechanism, expected round trips)
    // 4.0 (7): no speculative auth, no skipEmptyExchange: hello + saslStart + 2 saslContinue.
    // 4.4+ (9, 21): speculative + skipEmptyExchange: hello + 1.
    type Case<'a> = (i32, Option<&'a str>, &'a str, &'a str, Mechanism, u32);
    let cases: &[Case<'_>] = &[
        (
            21,
            Some("SCRAM-SHA-256"),
            USER,
            PASSWORD,
            Mechanism::ScramSha256,
            2,
        ),
        (
            21,
            Some("SCRAM-SHA-1"),
            USER,
            PASSWORD,
            Mechanism::ScramSha1,
            2,
        ),
        (21, None, USER, PASSWORD, Mechanism::ScramSha256, 2),
        (21, None, "sha1only", "pw1", Mechanism::ScramSha1, 3),
        (
            9,
            Some("SCRAM-SHA-256"),
            USER,
            PASSWORD,
            Mechanism::ScramSha256,
            2,
        ),
        (9, None, USER, PASSWORD, Mechanism::ScramSha256, 2),
        (
            8,
            Some("SCRAM-SHA-1"),
            USER,
            PASSWORD,
            Mechanism::ScramSha1,
            4,
        ),
        (8, None, "sha256only", "pw256", Mechanism::ScramSha256, 4),
        (
            7,
            Some("SCRAM-SHA-256"),
            USER,
            PASSWORD,
            Mechanism::ScramSha256,
            4,
        ),
        (7, None, USER, PASSWORD, Mechanism::ScramSha256, 4),
        (
            6,
            Some("SCRAM-SHA-1"),
            USER,
            PASSWORD,
            Mechanism::ScramSha1,
            4,
        ),
        (6, None, USER, PASSWORD, Mechanism::ScramSha1, 4),
    ];
    for &(wire, mechanism, user, password, expected, trips) in cases {
        let server = start(server_config().max_wire_version(wire)).await;
        let config = config_for(&server, mechanism, user, password, "admin");
        let (used, client_trips, server_trips) = authenticate(&server, &config)
            .await
            .unwrap_or_else(|e| panic!("wire {wire} {mechanism:?} {user}: {e}"));
        assert_eq!(used, expected, "wire {wire} {mechanism:?} {user}");
        assert_eq!(client_trips, trips, "wire {wire} {mechanism:?} {user}");
        assert_eq!(
            server_trips as u32, trips,
            "server-counted, wire {wire} {mechanism:?} {user}"
        );
        server.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn speculative_and_skip_empty_exchange_on_and_off() {
    // (speculative, skipEmptyExchange, round trips)
    for (speculative, skip, trips) in [
        (true, true, 2),
        (true, false, 3),
        (false, true, 3),
        (false, false, 4),
    ] {
        let server = start(
            server_config()
                .speculative_authentication(speculative)
                .skip_empty_exchange(skip),
        )
        .await;
        for mechanism in ["SCRAM-SHA-1", "SCRAM-SHA-256"] {
            let config = config_for(&server, Some(mechanism), USER, PASSWORD, "admin");
            let (_, client_trips, server_trips) = authenticate(&server, &config).await.unwrap();
            assert_eq!(
                client_trips, trips,
                "{mechanism} speculative={speculative} skip={skip}"
            );
            assert_eq!(server_trips as u32, trips);
        }
        let speculative_count: u32 = server.connections().iter().map(|c| c.speculative).sum();
        assert_eq!(speculative_count, if speculative { 2 } else { 0 });
        server.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_password_and_unknown_user_are_the_same_error_kind() {
    let server = start(server_config()).await;
    for (mechanism, user, password) in [
        (Some("SCRAM-SHA-256"), USER, "Wr0ng-Pa55"),
        (Some("SCRAM-SHA-1"), USER, "Wr0ng-Pa55"),
        (None, USER, "Wr0ng-Pa55"),
        (Some("SCRAM-SHA-256"), "nobody", "N0body-Pa55"),
        (Some("SCRAM-SHA-1"), "nobody", "N0body-Pa55"),
        (None, "nobody", "N0body-Pa55"),
        // A user that exists, but not in this source.
        (None, "shopper", "cart"),
    ] {
        let config = config_for(&server, mechanism, user, password, "admin");
        match mongo_auth::connect(&config).await {
            Err(Error::Authentication(failure)) => {
                assert!(!failure.message.is_empty());
                let text = Error::Authentication(failure).to_string();
                assert!(text.contains("authSource=admin"), "{text}");
                assert!(!text.contains(password), "the password leaks into {text}");
            }
            other => {
                panic!("{mechanism:?} {user}: expected an authentication failure, got {other:?}")
            }
        }
    }
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn source_escaping_and_saslprep_reach_the_server_correctly() {
    let server = start(server_config()).await;
    // The credential's real source goes into saslSupportedMechs and the conversation.
    let config = config_for(&server, None, "shopper", "cart", "shop");
    mongo_auth::connect(&config).await.expect("user in `shop`");
    // `,` and `=` in the user name are escaped on the wire and unescaped by the server.
    let config = config_for(&server, Some("SCRAM-SHA-256"), "a,b=c", "escaped", "admin");
    mongo_auth::connect(&config)
        .await
        .expect("escaped user name");
    let config = config_for(&server, Some("SCRAM-SHA-1"), "a,b=c", "escaped", "admin");
    mongo_auth::connect(&config)
        .await
        .expect("escaped user name, SHA-1");
    // SASLprep prose tests: IX/IX with "IX" and "I\u{00AD}X"; \u{2168} with "IV" and "I\u{00AD}V".
    for (user, password) in [
        ("IX", "IX"),
        ("IX", "I\u{00AD}X"),
        ("\u{2168}", "IV"),
        ("\u{2168}", "I\u{00AD}V"),
    ] {
        for mechanism in [Some("SCRAM-SHA-256"), None] {
            let config = config_for(&server, mechanism, user, password, "admin");
            let connection = mongo_auth::connect(&config)
                .await
                .unwrap_or_else(|e| panic!("{user:?}/{password:?} {mechanism:?}: {e}"));
            assert_eq!(
                connection.authenticated_mechanism(),
                Some(Mechanism::ScramSha256)
            );
        }
    }
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_concurrent_connections_run_pbkdf2_once_per_key() {
    let server = start(server_config()).await;
    for mechanism in ["SCRAM-SHA-256", "SCRAM-SHA-1"] {
        let config = config_for(&server, Some(mechanism), USER, PASSWORD, "admin");
        let authenticator = Arc::new(Authenticator::new(&config).unwrap());
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..200 {
            let authenticator = authenticator.clone();
            tasks.spawn(async move { authenticator.connect().await });
        }
        let mut connections = Vec::new();
        while let Some(result) = tasks.join_next().await {
            connections.push(result.expect("no panic").expect("authenticated"));
        }
        assert_eq!(connections.len(), 200);
        // One (mechanism, password, salt, iterations) key: exactly one PBKDF2.
        assert_eq!(authenticator.pbkdf2_computations(), 1, "{mechanism}");
        // A later connection reuses the cached keys too.
        authenticator.connect().await.unwrap();
        assert_eq!(authenticator.pbkdf2_computations(), 1, "{mechanism}");
    }
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_pbkdf2_per_distinct_salt_and_iterations() {
    // Two servers hold the same user with different salts (and iteration counts): two keys.
    let a = start(ServerConfig::new().user(User::new(USER, "admin").password(PASSWORD))).await;
    let b = start(
        ServerConfig::new().user(
            User::new(USER, "admin")
                .password(PASSWORD)
                .scram_iterations(5000),
        ),
    )
    .await;
    let config: ClientConfig = format!(
        "mongodb://{USER}:{PASSWORD}@{},{}/?authSource=admin&authMechanism=SCRAM-SHA-256",
        a.addr(),
        b.addr()
    )
    .parse()
    .unwrap();
    let authenticator = Authenticator::new(&config).unwrap();
    for _ in 0..3 {
        authenticator.connect().await.unwrap();
    }
    assert_eq!(
        authenticator.pbkdf2_computations(),
        1,
        "only the first host was used"
    );
    let stream = tokio::net::TcpStream::connect(b.addr()).await.unwrap();
    let host = b.addr().to_string();
    mongo_auth::authenticate(stream, &authenticator, &host)
        .await
        .unwrap();
    assert_eq!(
        authenticator.pbkdf2_computations(),
        2,
        "a second salt derives once more"
    );
    let stream = tokio::net::TcpStream::connect(b.addr()).await.unwrap();
    mongo_auth::authenticate(stream, &authenticator, &host)
        .await
        .unwrap();
    assert_eq!(authenticator.pbkdf2_computations(), 2);
    a.shutdown().await;
    b.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn authenticate_over_a_caller_stream_and_run_commands() {
    let server = start(server_config().require_auth(true)).await;
    let config = config_for(&server, Some("SCRAM-SHA-256"), USER, PASSWORD, "admin");
    let authenticator = Authenticator::new(&config).unwrap();
    let stream = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
    let mut connection =
        mongo_auth::authenticate(stream, &authenticator, &server.addr().to_string())
            .await
            .unwrap();
    assert_eq!(
        connection.authenticated_mechanism(),
        Some(Mechanism::ScramSha256)
    );
    assert!(!connection.uses_op_query());
    // Straight from the configuration, too.
    let stream = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
    let other = mongo_auth::authenticate(stream, &config, &server.addr().to_string())
        .await
        .unwrap();
    assert_eq!(
        other.authenticated_mechanism(),
        Some(Mechanism::ScramSha256)
    );
    let ping = connection
        .run_command("admin", doc! { "ping": 1 })
        .await
        .unwrap();
    assert!(ping.contains_key("ok"));
    // ok: 0 is a typed command error with the server's code.
    match connection
        .run_command("admin", doc! { "noSuchCommand": 1 })
        .await
    {
        Err(Error::Command(e)) => {
            assert_eq!(e.command, "noSuchCommand");
            assert_ne!(e.code, 0);
        }
        other => panic!("{other:?}"),
    }
    // Without authentication the strict server refuses commands.
    let unauthenticated: ClientConfig = server.uri().parse().unwrap();
    let mut anonymous = mongo_auth::connect(&unauthenticated).await.unwrap();
    assert_eq!(anonymous.authenticated_mechanism(), None);
    match anonymous
        .run_command("admin", doc! { "connectionStatus": 1 })
        .await
    {
        Err(Error::Command(e)) => assert_eq!(e.code, 13, "{e}"),
        other => panic!("{other:?}"),
    }
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn into_inner_hands_over_the_authenticated_stream() {
    use mongo_auth::wire::{Frame, Message, OpMsg, read_frame, write_frame};
    let server = start(server_config().require_auth(true)).await;
    let config = config_for(&server, Some("SCRAM-SHA-256"), USER, PASSWORD, "admin");
    let connection = mongo_auth::connect(&config).await.unwrap();
    let (mut stream, negotiated) = connection.into_inner().unwrap();
    assert_eq!(negotiated.mechanism, Some(Mechanism::ScramSha256));
    assert_eq!(negotiated.host, server.addr().to_string());
    assert_eq!(negotiated.handshake_round_trips, 2);
    assert!(!negotiated.uses_op_query);
    assert!(negotiated.max_wire_version >= 6);
    assert!(negotiated.hello_reply.contains_key("maxWireVersion"));
    // The stream is authenticated and between messages: another speaker runs a command the strict
    // server refuses to anonymous connections.
    let mut command = doc! { "connectionStatus": 1, "$db": "admin" };
    command.insert("comment", "after into_inner");
    let request = Frame::new(Message::Msg(OpMsg::new(command)));
    write_frame(&mut stream, &request).await.unwrap();
    let reply = read_frame(&mut stream, negotiated.max_message_size)
        .await
        .unwrap();
    assert_eq!(reply.response_to, request.request_id);
    let body = reply.message.into_command_document().unwrap();
    assert_eq!(body.get_f64("ok").unwrap(), 1.0, "{body}");
    let users = body
        .get_document("authInfo")
        .and_then(|info| info.get_array("authenticatedUsers"))
        .unwrap();
    assert_eq!(users.len(), 1, "{body}");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stable_api_sends_hello() {
    let server = start(server_config()).await;
    let config = ClientConfig::builder()
        .host(server.addr().to_string())
        .credential(
            Auth::scram_sha_256()
                .username(USER)
                .password(PASSWORD)
                .source("admin"),
        )
        .server_api(mongo_auth::config::ServerApi::V1)
        .build()
        .unwrap();
    let connection = mongo_auth::connect(&config).await.unwrap();
    assert_eq!(connection.handshake_round_trips(), 2);
    assert_eq!(server.connections()[0].commands[0], "hello");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreachable_hosts_are_typed_errors() {
    // Bind then drop a listener: nothing listens on that port any more.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let config: ClientConfig = format!("mongodb://127.0.0.1:{port}/").parse().unwrap();
    assert!(matches!(
        mongo_auth::connect(&config).await,
        Err(Error::Io(_))
    ));
    let server = start(server_config()).await;
    // The first host is down, the second answers.
    let config: ClientConfig = format!(
        "mongodb://{USER}:{PASSWORD}@127.0.0.1:{port},{}/?authSource=admin",
        server.addr()
    )
    .parse()
    .unwrap();
    let connection = mongo_auth::connect(&config).await.unwrap();
    assert_eq!(connection.host(), server.addr().to_string());
    server.shutdown().await;
}

#[test]
fn arbitrary_user_names_and_passwords_authenticate() {
    use proptest::prelude::*;
    use proptest::strategy::ValueTree;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    // One server holds every generated user (a prefix keeps the names unique).
    let mut config = ServerConfig::new();
    let mut cases = Vec::new();
    let mut runner = proptest::test_runner::TestRunner::default();
    let strategy = ("[a-zA-Z0-9,=@.é: ]{1,12}", "[ -~]{0,16}");
    for index in 0..24 {
        let (user, password) = strategy.new_tree(&mut runner).unwrap().current();
        let user = format!("u{index}-{user}");
        config = config.user(
            User::new(user.clone(), "admin")
                .password(password.clone())
                .scram_iterations(4096),
        );
        cases.push((user, password));
    }
    runtime.block_on(async {
        let server = start(config).await;
        for (user, password) in &cases {
            for mechanism in [Some("SCRAM-SHA-1"), Some("SCRAM-SHA-256"), None] {
                let config = config_for(&server, mechanism, user, password, "admin");
                let connection = mongo_auth::connect(&config)
                    .await
                    .unwrap_or_else(|e| panic!("{user:?} / {password:?} / {mechanism:?}: {e}"));
                assert!(connection.authenticated_mechanism().is_some());
            }
        }
        server.shutdown().await;
    });
}

/// A password file rotated together with the server's user between two connections of one
/// authenticator: the second connection reads the new password and derives new keys; a vanished
/// file is an error naming it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rotated_password_file_is_read_for_each_new_connection() {
    let server =
        start(ServerConfig::new().user(User::new("rotating", "admin").password("old-one"))).await;
    let dir = std::env::temp_dir().join(format!("mongo-auth-rotation-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("password");
    std::fs::write(&file, "old-one\n").unwrap();
    let text = serde_json::json!({
        "hosts": [server.addr().to_string()],
        "auth": {
            "mechanism": "SCRAM-SHA-256",
            "username": "rotating",
            "password": { "file": file },
            "password_refresh": "per-connection",
        },
    })
    .to_string();
    let config: ClientConfig =
        mongo_auth::config::from_deserializer(&mut serde_json::Deserializer::from_str(&text))
            .unwrap();
    assert_eq!(
        config.password_refresh(),
        mongo_auth::config::SecretRefresh::PerConnection
    );
    let authenticator = Arc::new(Authenticator::new(&config).unwrap());
    let first = authenticator.connect().await.unwrap();
    assert_eq!(authenticator.pbkdf2_computations(), 1);
    // the same password again: the cached keys
    authenticator.connect().await.unwrap();
    assert_eq!(authenticator.pbkdf2_computations(), 1);

    // rotate: the server's user and the file
    server
        .replace_user(User::new("rotating", "admin").password("new-one"))
        .await
        .unwrap();
    std::fs::write(&file, "new-one\n").unwrap();
    let mut second = authenticator.connect().await.unwrap();
    second
        .run_command("admin", doc! { "ping": 1 })
        .await
        .unwrap();
    assert_eq!(
        authenticator.pbkdf2_computations(),
        2,
        "new keys for the new password"
    );
    drop(first);

    // a configuration that read the password once keeps the old one, and the server refuses it
    let once: ClientConfig = server
        .uri_for("rotating", "old-one", "admin", Some("SCRAM-SHA-256"))
        .parse()
        .unwrap();
    match mongo_auth::connect(&once).await {
        Err(Error::Authentication(_)) => {}
        other => panic!("{other:?}"),
    }

    // the file vanishes: an error that names it, not a panic and not the stale password
    std::fs::remove_file(&file).unwrap();
    let error = authenticator.connect().await.unwrap_err();
    assert!(matches!(error, Error::Credential(_)), "{error:?}");
    let shown = error.to_string();
    assert!(shown.contains(&file.display().to_string()), "{shown}");
    assert!(shown.contains("per-connection"), "{shown}");
    assert!(
        !shown.contains("new-one") && !shown.contains("old-one"),
        "{shown}"
    );
    std::fs::remove_dir_all(&dir).ok();
    server.shutdown().await;
}
