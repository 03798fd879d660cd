//! The authenticator against the conformance server: what the runtime refuses whatever the
//! configuration says, and what a `mongodb+srv` lookup changes.

use crate::{Auth, Authenticator, ClientConfig, Error};
use mongo_auth_test_server::{Server, ServerConfig, User};

#[test]
fn authenticators_are_shared_and_connections_move_between_tasks() {
    fn shared<T: Send + Sync + 'static>() {}
    fn movable<T: Send + 'static>() {}
    shared::<Authenticator>();
    movable::<crate::Connection>();
}

#[tokio::test]
async fn plain_is_never_sent_without_tls_or_the_opt_in() {
    let server = Server::start(ServerConfig::new().user(User::plain("ldap", "secret")))
        .await
        .unwrap();
    let mut config = ClientConfig::builder()
        .host(server.addr().to_string())
        .credential(Auth::plain().username("ldap").password("secret"))
        .dangerous()
        .allow_plain_password_without_tls()
        .build()
        .unwrap();
    // A configuration that reached the runtime without TLS and without the opt-in (the typed
    // builders cannot make one; the runtime refuses it all the same).
    config.options.allow_plain_without_tls = false;
    let error = Authenticator::new(&config)
        .unwrap()
        .connect()
        .await
        .unwrap_err();
    match &error {
        Error::NotSupported(e) => assert!(e.what.contains("allow_plain_without_tls"), "{e}"),
        other => panic!("{other:?}"),
    }
    let commands = server.commands();
    assert!(!commands.iter().any(|c| c == "saslStart"), "{commands:?}");
    // With the opt-in it authenticates.
    config.options.allow_plain_without_tls = true;
    Authenticator::new(&config)
        .unwrap()
        .connect()
        .await
        .unwrap();
    server.shutdown().await;
}

/// What a `mongodb+srv` lookup found reaches the conversation: the TXT `authSource` becomes the
/// source and the TXT `loadBalanced=true` makes the first command `hello` (with
/// `loadBalanced: true`).
#[tokio::test]
async fn the_txt_record_reaches_the_handshake() {
    let server =
        Server::start(ServerConfig::new().user(User::new("app", "shop").password("pencil")))
            .await
            .unwrap();
    let config = ClientConfig::builder()
        .host(server.addr().to_string())
        .credential(Auth::scram_sha_256().username("app").password("pencil"))
        .build()
        .unwrap();
    let mut authenticator = Authenticator::new(&config).unwrap();
    authenticator.srv = true;
    let resolution = crate::srv::Resolution {
        hosts: config.hosts.clone(),
        txt: mongo_auth_core::srv::TxtOptions::parse("authSource=shop&loadBalanced=true").unwrap(),
    };
    let resolved = crate::srv::apply(
        "cluster0.example.com",
        resolution,
        config.credential.as_ref(),
        &config.options,
    )
    .unwrap();
    assert_eq!(resolved.options.load_balanced, Some(true));
    authenticator.srv_resolution.set(resolved).unwrap();
    let connection = authenticator.connect().await.unwrap();
    assert_eq!(
        connection.authenticated_mechanism(),
        Some(mongo_auth_core::Mechanism::ScramSha256)
    );
    let records = server.connections();
    assert_eq!(records[0].commands[0], "hello", "{:?}", records[0].commands);
    assert_eq!(records[0].authenticated, ["app@shop"]);
    server.shutdown().await;
}

/// `socketTimeoutMS` bounds the commands of a handed-over connection; without it the
/// handshake timeout does.
#[tokio::test]
async fn socket_timeout_is_the_operation_timeout() {
    let server =
        Server::start(ServerConfig::new().user(User::new("app", "admin").password("pencil")))
            .await
            .unwrap();
    let uri = |options: &str| {
        format!("mongodb://app:pencil@{}/?{options}", server.addr())
            .parse::<ClientConfig>()
            .unwrap()
    };
    let connection = Authenticator::new(&uri("socketTimeoutMS=1234"))
        .unwrap()
        .connect()
        .await
        .unwrap();
    assert_eq!(
        connection.operation_timeout(),
        std::time::Duration::from_millis(1234)
    );
    let config = uri("appName=x");
    let connection = Authenticator::new(&config)
        .unwrap()
        .connect()
        .await
        .unwrap();
    assert_eq!(
        connection.operation_timeout(),
        config.options.handshake_timeout
    );
    server.shutdown().await;
}
