//! The conformance server driven with raw wire frames (not the mongo-auth client).

use std::sync::Arc;

use bson::{Bson, Document, doc};
use mongo_auth::Mechanism;
use mongo_auth::wire::{
    DEFAULT_MAX_MESSAGE_SIZE, Frame, Message, OpMsg, WireError, read_frame, write_frame,
};
use mongo_auth_test_server::{
    Misbehaviour, Role, RunningServer, SaslConversation, SaslMechanism, SaslStep, Server,
    ServerConfig, Stage, User,
};

use crate::support::{Hash, Raw, ScramClient, bin, ok, payload, sasl_continue, sasl_start, scram};

fn app_user() -> User {
    User::new("app", "admin")
        .password("pencil")
        .scram_iterations(4096)
        .role(Role::new("readWrite", "shop"))
}

async fn start(config: ServerConfig) -> RunningServer {
    Server::start(config).await.expect("server starts")
}

/// `app_user` on a server that misbehaves with `misbehaviour`.
fn misbehaving(misbehaviour: Misbehaviour) -> ServerConfig {
    ServerConfig::new().user(app_user()).misbehave(misbehaviour)
}

/// The reply to `command` on `db`.
async fn ask(raw: &mut Raw, db: &str, command: Document) -> Document {
    raw.command(db, command).await.unwrap()
}

/// A server with `config` and one raw connection to it.
async fn start_and_connect(config: ServerConfig) -> (RunningServer, Raw) {
    let server = start(config).await;
    let raw = Raw::connect(server.addr()).await;
    (server, raw)
}

/// A server with `misbehaviour` (and no users) and the error of the first isMaster sent to it, with
/// the connection it was sent on.
async fn hello_error(misbehaviour: Misbehaviour) -> (RunningServer, Raw, WireError) {
    let (server, mut raw) = start_and_connect(ServerConfig::new().misbehave(misbehaviour)).await;
    let err = raw
        .command("admin", doc! { "isMaster": 1 })
        .await
        .unwrap_err();
    (server, raw, err)
}

/// The reply to a saslStart for `mechanism` with `payload` on `db`.
async fn sasl_start_with(raw: &mut Raw, db: &str, mechanism: &str, payload: &[u8]) -> Document {
    let command = doc! { "saslStart": 1, "mechanism": mechanism, "payload": bin(payload) };
    ask(raw, db, command).await
}

/// The reply to a saslContinue with `payload` on `db` in the conversation `started` (a saslStart
/// reply or a speculativeAuthenticate document) began.
async fn continue_conversation(
    raw: &mut Raw,
    db: &str,
    started: &Document,
    payload: impl Into<Vec<u8>>,
) -> Document {
    let id = started.get("conversationId").unwrap();
    ask(raw, db, sasl_continue(id, payload.into())).await
}

/// The reply to `client`'s SCRAM saslStart on admin (asking to skip the empty exchange).
async fn scram_first(raw: &mut Raw, client: &ScramClient) -> Document {
    ask(raw, "admin", sasl_start(client, true)).await
}

/// `client`'s SCRAM conversation on admin up to the client-final; the server's answer to it.
async fn scram_final(raw: &mut Raw, client: &mut ScramClient) -> Result<Document, WireError> {
    let reply = scram_first(raw, client).await;
    let id = reply.get("conversationId").unwrap().clone();
    let final_message = client.client_final(&payload(&reply));
    raw.command("admin", sasl_continue(&id, final_message))
        .await
}

/// The reply to an isMaster (with `hello`'s other fields) that carries a speculative SCRAM-SHA-256
/// saslStart from `client` for admin.
async fn speculative_hello(raw: &mut Raw, client: &ScramClient, mut hello: Document) -> Document {
    let mut speculative = sasl_start(client, true);
    speculative.insert("db", "admin");
    hello.insert("speculativeAuthenticate", speculative);
    ask(raw, "admin", hello).await
}

/// A server with `config`, a connection to it and the reply to an isMaster on it that offers
/// helloOk and asks for admin.app's SASL mechanisms.
async fn hello_asking_for_app(config: ServerConfig) -> (RunningServer, Raw, Document) {
    let (server, mut raw) = start_and_connect(config).await;
    let reply = ask(
        &mut raw,
        "admin",
        doc! { "isMaster": 1, "helloOk": true, "saslSupportedMechs": "admin.app" },
    )
    .await;
    (server, raw, reply)
}

#[tokio::test]
async fn hello_reports_the_configured_wire_version_and_limits() {
    let (_server, mut raw, reply) =
        hello_asking_for_app(ServerConfig::new().user(app_user())).await;
    assert!(ok(&reply));
    assert_eq!(reply.get_bool("ismaster").ok(), Some(true));
    assert_eq!(reply.get_bool("helloOk").ok(), Some(true));
    assert_eq!(reply.get_i32("maxWireVersion").ok(), Some(21));
    assert_eq!(reply.get_i32("minWireVersion").ok(), Some(0));
    assert_eq!(
        reply.get_i32("maxBsonObjectSize").ok(),
        Some(16 * 1024 * 1024)
    );
    assert_eq!(reply.get_i32("maxMessageSizeBytes").ok(), Some(48_000_000));
    let mechs: Vec<&str> = reply
        .get_array("saslSupportedMechs")
        .unwrap()
        .iter()
        .filter_map(Bson::as_str)
        .collect();
    assert_eq!(mechs, ["SCRAM-SHA-1", "SCRAM-SHA-256"]);

    // An unknown user gets no saslSupportedMechs (as mongod does).
    let reply = ask(
        &mut raw,
        "admin",
        doc! { "hello": 1, "saslSupportedMechs": "admin.nobody" },
    )
    .await;
    assert_eq!(reply.get_bool("isWritablePrimary").ok(), Some(true));
    assert!(reply.get("saslSupportedMechs").is_none());
    assert!(reply.get("helloOk").is_none(), "helloOk only when asked");

    let (_old, mut raw, reply) =
        hello_asking_for_app(ServerConfig::new().user(app_user()).max_wire_version(6)).await;
    assert_eq!(reply.get_i32("maxWireVersion").ok(), Some(6));
    assert!(reply.get("helloOk").is_none(), "3.6 does not know helloOk");
    assert!(
        reply.get("saslSupportedMechs").is_none(),
        "3.6 does not know saslSupportedMechs"
    );
    let reply = ask(&mut raw, "admin", doc! { "hello": 1 }).await;
    assert_eq!(
        reply.get_i32("code").ok(),
        Some(59),
        "3.6 does not know hello"
    );
}

#[tokio::test]
async fn op_query_is_legacy_hello_only_on_modern_servers() {
    let (_server, mut raw) = start_and_connect(ServerConfig::new()).await;
    let reply = raw.query("admin", doc! { "isMaster": 1 }).await.unwrap();
    assert!(ok(&reply));
    assert_eq!(reply.get_i32("maxWireVersion").ok(), Some(21));
    let reply = raw.query("admin", doc! { "ping": 1 }).await.unwrap();
    assert!(!ok(&reply));
    assert_eq!(reply.get_i32("code").ok(), Some(352));

    // A 4.2 server still serves any command over OP_QUERY, including $query-wrapped ones.
    let (_server, mut raw) = start_and_connect(ServerConfig::new().max_wire_version(8)).await;
    let reply = raw.query("admin", doc! { "ping": 1 }).await.unwrap();
    assert!(ok(&reply));
    let reply = raw
        .query(
            "admin",
            doc! { "$query": { "buildInfo": 1 }, "$readPreference": { "mode": "primary" } },
        )
        .await
        .unwrap();
    assert_eq!(reply.get_str("version").ok(), Some("4.2.25"));
}

#[tokio::test]
async fn old_servers_hang_up_on_op_msg() {
    let (server, mut raw) = start_and_connect(ServerConfig::new().max_wire_version(5)).await;
    let err = raw
        .command("admin", doc! { "isMaster": 1 })
        .await
        .unwrap_err();
    assert!(matches!(err, WireError::ClosedBetweenMessages), "{err:?}");
    // A new connection speaking OP_QUERY works.
    let mut raw = Raw::connect(server.addr()).await;
    let reply = raw.query("admin", doc! { "isMaster": 1 }).await.unwrap();
    assert_eq!(reply.get_i32("maxWireVersion").ok(), Some(5));
    let records = server.connections();
    assert_eq!(records[0].commands, ["<OP_MSG refused>"]);
    assert_eq!(records[1].commands, ["isMaster"]);
}

#[tokio::test]
async fn scram_short_and_long_conversations() {
    for hash in [Hash::Sha1, Hash::Sha256] {
        for (skip, server_honours, expected_trips) in
            [(true, true, 2), (false, true, 3), (true, false, 3)]
        {
            let server = start(
                ServerConfig::new()
                    .user(app_user())
                    .skip_empty_exchange(server_honours),
            )
            .await;
            let mut raw = Raw::connect(server.addr()).await;
            let (reply, trips) = scram(&mut raw, "admin", hash, "app", "pencil", skip).await;
            assert!(ok(&reply), "{hash:?} skip={skip}: {reply:?}");
            assert_eq!(reply.get_bool("done").ok(), Some(true));
            assert_eq!(
                trips, expected_trips,
                "{hash:?} skip={skip} honours={server_honours}"
            );
            let status = ask(&mut raw, "admin", doc! { "connectionStatus": 1 }).await;
            let info = status.get_document("authInfo").unwrap();
            assert_eq!(
                info.get_array("authenticatedUsers").unwrap(),
                &vec![Bson::Document(doc! { "user": "app", "db": "admin" })]
            );
            assert_eq!(
                info.get_array("authenticatedUserRoles").unwrap(),
                &vec![Bson::Document(doc! { "role": "readWrite", "db": "shop" })]
            );
            assert_eq!(server.stats().authentications, 1);
            assert_eq!(server.connections()[0].authenticated, ["app@admin"]);
        }
    }
}

#[tokio::test]
async fn skip_empty_exchange_needs_wire_version_9() {
    let (_server, mut raw) =
        start_and_connect(ServerConfig::new().user(app_user()).max_wire_version(8)).await;
    let (reply, trips) = scram(&mut raw, "admin", Hash::Sha256, "app", "pencil", true).await;
    assert!(ok(&reply));
    assert_eq!(trips, 3);
}

#[tokio::test]
async fn wrong_password_and_unknown_user_fail_alike() {
    let server = start(ServerConfig::new().user(app_user())).await;
    for hash in [Hash::Sha1, Hash::Sha256] {
        let mut raw = Raw::connect(server.addr()).await;
        let (wrong, _) = scram(&mut raw, "admin", hash, "app", "wrong", true).await;
        let mut raw = Raw::connect(server.addr()).await;
        let (unknown, _) = scram(&mut raw, "admin", hash, "nobody", "pencil", true).await;
        let mut raw = Raw::connect(server.addr()).await;
        let (wrong_db, _) = scram(&mut raw, "test", hash, "app", "pencil", true).await;
        for reply in [&wrong, &unknown, &wrong_db] {
            assert!(!ok(reply));
            assert_eq!(reply.get_i32("code").ok(), Some(18));
            assert_eq!(reply.get_str("codeName").ok(), Some("AuthenticationFailed"));
            assert_eq!(reply.get_str("errmsg").ok(), Some("Authentication failed."));
        }
        // A failed user is not authenticated.
        let status = ask(&mut raw, "admin", doc! { "connectionStatus": 1 }).await;
        let users = status
            .get_document("authInfo")
            .unwrap()
            .get_array("authenticatedUsers")
            .unwrap();
        assert!(users.is_empty());
    }
    assert_eq!(server.stats().authentications, 0);
    assert_eq!(server.stats().authentication_failures, 6);
}

#[tokio::test]
async fn usernames_are_escaped_and_passwords_saslprepped() {
    let server = start(
        ServerConfig::new()
            .user(
                User::new("a,b=c", "admin")
                    .password("pw")
                    .scram_iterations(4096),
            )
            // SASLprep maps the soft hyphen to nothing: the stored password is "IX".
            .user(
                User::new("IX", "admin")
                    .password("I\u{00AD}X")
                    .mechanisms([Mechanism::ScramSha256])
                    .scram_iterations(4096),
            ),
    )
    .await;
    for hash in [Hash::Sha1, Hash::Sha256] {
        let mut raw = Raw::connect(server.addr()).await;
        let (reply, _) = scram(&mut raw, "admin", hash, "a,b=c", "pw", true).await;
        assert!(ok(&reply), "{reply:?}");
    }
    let mut raw = Raw::connect(server.addr()).await;
    let (reply, _) = scram(&mut raw, "admin", Hash::Sha256, "IX", "IX", true).await;
    assert!(ok(&reply), "{reply:?}");
    // The user has no SCRAM-SHA-1 credential.
    let mut raw = Raw::connect(server.addr()).await;
    let (reply, _) = scram(&mut raw, "admin", Hash::Sha1, "IX", "IX", true).await;
    assert_eq!(reply.get_i32("code").ok(), Some(334), "{reply:?}");
}

#[tokio::test]
async fn malformed_sasl_messages_are_errors_not_crashes() {
    let (_server, mut raw) = start_and_connect(ServerConfig::new().user(app_user())).await;
    for payload in [
        &b""[..],
        b"n,,",
        b"p=tls-unique,,n=app,r=abc",
        b"n,a=other,n=app,r=abc",
        b"n,,m=ext,n=app,r=abc",
        b"n,,n=bad=name,r=abc",
        b"n,,n=app",
        b"\xff\xfe",
    ] {
        let reply = sasl_start_with(&mut raw, "admin", "SCRAM-SHA-256", payload).await;
        assert!(!ok(&reply), "{payload:?} accepted");
        assert!(reply.get_i32("code").is_ok());
    }
    // A client-final with a wrong nonce, and a saslContinue with no conversation.
    let client = ScramClient::new(Hash::Sha256, "app", "pencil");
    let started = scram_first(&mut raw, &client).await;
    let reply = continue_conversation(
        &mut raw,
        "admin",
        &started,
        b"c=biws,r=not-the-nonce,p=AAAA",
    )
    .await;
    assert!(!ok(&reply));
    let reply = continue_conversation(&mut raw, "admin", &started, b"anything").await;
    assert_eq!(reply.get_i32("code").ok(), Some(17));
    // The connection still works.
    assert!(ok(&ask(&mut raw, "admin", doc! { "ping": 1 }).await));
}

#[tokio::test]
async fn speculative_scram_in_hello_takes_two_round_trips() {
    let (server, mut raw) = start_and_connect(ServerConfig::new().user(app_user())).await;
    let mut client = ScramClient::new(Hash::Sha256, "app", "pencil");
    let hello = speculative_hello(&mut raw, &client, doc! { "isMaster": 1, "helloOk": true }).await;
    let first = hello.get_document("speculativeAuthenticate").unwrap();
    assert!(first.get("ok").is_none());
    assert_eq!(first.get_bool("done").ok(), Some(false));
    let final_message = client.client_final(&payload(first));
    let reply = continue_conversation(&mut raw, "admin", first, final_message).await;
    assert!(ok(&reply));
    assert_eq!(reply.get_bool("done").ok(), Some(true));
    assert!(client.verify(&payload(&reply)));
    let record = &server.connections()[0];
    assert_eq!(record.commands, ["isMaster", "saslContinue"]);
    assert_eq!(record.round_trips(), 2);
    assert_eq!(record.speculative, 1);
    assert_eq!(record.authenticated, ["app@admin"]);
}

#[tokio::test]
async fn speculative_authentication_is_ignored_when_off_or_old() {
    for config in [
        ServerConfig::new()
            .user(app_user())
            .speculative_authentication(false),
        ServerConfig::new().user(app_user()).max_wire_version(8),
    ] {
        let (server, mut raw) = start_and_connect(config).await;
        let client = ScramClient::new(Hash::Sha256, "app", "pencil");
        let hello = speculative_hello(&mut raw, &client, doc! { "isMaster": 1 }).await;
        assert!(ok(&hello));
        assert!(hello.get("speculativeAuthenticate").is_none());
        assert_eq!(server.stats().sasl_conversations, 0);
    }
    // A failing speculative attempt is left out of the reply; the handshake still succeeds.
    let (_server, mut raw) = start_and_connect(ServerConfig::new().user(app_user())).await;
    let client = ScramClient::new(Hash::Sha256, "nobody", "pencil");
    let hello = speculative_hello(&mut raw, &client, doc! { "isMaster": 1 }).await;
    assert!(ok(&hello));
    assert!(hello.get("speculativeAuthenticate").is_none());
}

#[tokio::test]
async fn plain_checks_the_stored_hash() {
    let server =
        start(ServerConfig::new().user(User::plain("ldap", "secret").role(Role::new("read", "x"))))
            .await;
    let mut raw = Raw::connect(server.addr()).await;
    for (payload, good) in [
        (&b"\0ldap\0wrong"[..], false),
        (b"\0nobody\0secret", false),
        (b"other\0ldap\0secret", false),
        (b"ldap\0secret", false),
        (b"\0ldap\0secret", true),
        (b"ldap\0ldap\0secret", true),
    ] {
        let reply = ask(&mut raw, "$external", doc! { "saslStart": 1, "mechanism": "PLAIN", "payload": bin(payload), "autoAuthorize": 1 }).await;
        assert_eq!(ok(&reply), good, "{payload:?}: {reply:?}");
        if good {
            assert_eq!(reply.get_bool("done").ok(), Some(true));
        }
    }
    // PLAIN users live in $external.
    let reply = sasl_start_with(&mut raw, "admin", "PLAIN", b"\0ldap\0secret").await;
    assert_eq!(reply.get_i32("code").ok(), Some(18));
}

#[tokio::test]
async fn mongodb_cr_on_an_old_server() {
    use md5::{Digest, Md5};
    let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
    let server = start(ServerConfig::demo_legacy()).await;
    let user = mongo_auth_test_server::demo::CR_USER;
    let password = mongo_auth_test_server::demo::CR_PASSWORD;
    let digest = hex(&Md5::digest(format!("{user}:mongo:{password}").as_bytes()));
    for (password_digest, good) in [(digest.clone(), true), ("0".repeat(32), false)] {
        let mut raw = Raw::connect(server.addr()).await;
        let hello = raw.query("admin", doc! { "isMaster": 1 }).await.unwrap();
        assert_eq!(hello.get_i32("maxWireVersion").ok(), Some(2));
        let reply = raw.query("admin", doc! { "getnonce": 1 }).await.unwrap();
        let nonce = reply.get_str("nonce").unwrap().to_owned();
        let key = hex(&Md5::digest(
            format!("{nonce}{user}{password_digest}").as_bytes(),
        ));
        let authenticate = doc! { "authenticate": 1, "user": user, "nonce": &nonce, "key": &key };
        let reply = raw.query("admin", authenticate.clone()).await.unwrap();
        assert_eq!(ok(&reply), good, "{reply:?}");
        // A nonce is single-use.
        let reply = raw.query("admin", authenticate).await.unwrap();
        assert!(!ok(&reply));
    }
    // SCRAM does not exist on 2.6, and MONGODB-CR does not exist on modern servers.
    let mut raw = Raw::connect(server.addr()).await;
    let reply = raw
        .query(
            "admin",
            sasl_start(&ScramClient::new(Hash::Sha1, user, password), false),
        )
        .await
        .unwrap();
    assert_eq!(reply.get_i32("code").ok(), Some(334));
    let (_modern, mut raw) = start_and_connect(ServerConfig::new()).await;
    let reply = ask(&mut raw, "admin", doc! { "getnonce": 1 }).await;
    assert_eq!(reply.get_i32("code").ok(), Some(59));
}

#[tokio::test]
async fn x509_without_a_certificate_says_so() {
    let (_server, mut raw) = start_and_connect(ServerConfig::demo()).await;
    let reply = ask(
        &mut raw,
        "$external",
        doc! { "authenticate": 1, "mechanism": "MONGODB-X509" },
    )
    .await;
    assert_eq!(reply.get_i32("code").ok(), Some(18));
    assert!(
        reply
            .get_str("errmsg")
            .unwrap()
            .contains("client certificate"),
        "{reply:?}"
    );
    let reply = ask(
        &mut raw,
        "admin",
        doc! { "authenticate": 1, "mechanism": "MONGODB-X509" },
    )
    .await;
    assert!(
        reply.get_str("errmsg").unwrap().contains("$external"),
        "{reply:?}"
    );
}

#[tokio::test]
async fn require_auth_guards_ordinary_commands() {
    let (_server, mut raw) =
        start_and_connect(ServerConfig::new().user(app_user()).require_auth(true)).await;
    let reply = ask(&mut raw, "admin", doc! { "ping": 1 }).await;
    assert_eq!(reply.get_i32("code").ok(), Some(13));
    let (reply, _) = scram(&mut raw, "admin", Hash::Sha256, "app", "pencil", true).await;
    assert!(ok(&reply));
    assert!(ok(&ask(&mut raw, "admin", doc! { "ping": 1 }).await));
    assert!(ok(&ask(&mut raw, "admin", doc! { "logout": 1 }).await));
    let reply = ask(&mut raw, "admin", doc! { "ping": 1 }).await;
    assert_eq!(reply.get_i32("code").ok(), Some(13));
}

#[tokio::test]
async fn missing_db_and_unknown_commands_are_errors() {
    let (_server, mut raw) = start_and_connect(ServerConfig::new()).await;
    let request = Frame::new(Message::Msg(OpMsg::new(doc! { "ping": 1 })));
    write_frame(&mut raw.stream, &request).await.unwrap();
    let reply = read_frame(&mut raw.stream, DEFAULT_MAX_MESSAGE_SIZE)
        .await
        .unwrap();
    let reply = reply.message.into_command_document().unwrap();
    assert_eq!(reply.get_i32("code").ok(), Some(40571));
    let reply = ask(&mut raw, "admin", doc! { "frobnicate": 1 }).await;
    assert_eq!(reply.get_i32("code").ok(), Some(59));
    assert_eq!(reply.get_str("codeName").ok(), Some("CommandNotFound"));
}

#[tokio::test]
async fn scram_misbehaviours_show_on_the_wire() {
    let (_server, mut raw) =
        start_and_connect(misbehaving(Misbehaviour::LowIterationCount(1000))).await;
    let client = ScramClient::new(Hash::Sha256, "app", "pencil");
    let reply = scram_first(&mut raw, &client).await;
    let first = String::from_utf8(payload(&reply)).unwrap();
    assert!(first.ends_with(",i=1000"), "{first}");

    let (_server, mut raw) = start_and_connect(misbehaving(Misbehaviour::NonceNotExtended)).await;
    let reply = scram_first(&mut raw, &client).await;
    let first = String::from_utf8(payload(&reply)).unwrap();
    assert!(
        !first.starts_with(&format!("r={}", client.nonce)),
        "{first}"
    );

    let (_server, mut raw) =
        start_and_connect(misbehaving(Misbehaviour::WrongServerSignature)).await;
    let mut client = ScramClient::new(Hash::Sha256, "app", "pencil");
    let reply = scram_final(&mut raw, &mut client).await.unwrap();
    assert!(ok(&reply));
    assert!(!client.verify(&payload(&reply)));
}

#[tokio::test]
async fn connection_misbehaviours() {
    // Dropped mid-conversation.
    let (_server, mut raw) = start_and_connect(misbehaving(Misbehaviour::DropConnection {
        at: Stage::SaslContinue,
    }))
    .await;
    let mut client = ScramClient::new(Hash::Sha256, "app", "pencil");
    let err = scram_final(&mut raw, &mut client).await.unwrap_err();
    assert!(matches!(err, WireError::ClosedBetweenMessages), "{err:?}");

    // Oversized frame header.
    let (_server, _raw, err) =
        hello_error(Misbehaviour::OversizedFrameHeader { at: Stage::Hello }).await;
    assert!(
        matches!(err, WireError::MessageTooLarge { declared, .. } if declared == i64::from(i32::MAX)),
        "{err:?}"
    );

    // Malformed reply.
    let (_server, mut raw, err) =
        hello_error(Misbehaviour::MalformedReply { at: Stage::Hello }).await;
    assert!(
        matches!(
            err,
            WireError::InvalidBson { .. } | WireError::MalformedDocument { .. }
        ),
        "{err:?}"
    );
    // Each misbehaviour strikes once per connection: the next hello is answered.
    assert!(ok(&ask(&mut raw, "admin", doc! { "isMaster": 1 }).await));
}

#[tokio::test]
async fn a_stalled_server_never_answers_until_shutdown() {
    let server =
        start(ServerConfig::new().misbehave(Misbehaviour::Stall { at: Stage::Hello })).await;
    let mut raw = Raw::connect(server.addr()).await;
    let request = Frame::new(Message::Msg(OpMsg::new(
        doc! { "isMaster": 1, "$db": "admin" },
    )));
    write_frame(&mut raw.stream, &request).await.unwrap();
    let reader =
        tokio::spawn(async move { read_frame(&mut raw.stream, DEFAULT_MAX_MESSAGE_SIZE).await });
    // Wait until the server has seen the command, then shut it down: the only thing the client
    // can have received is the close.
    loop {
        if server
            .connections()
            .first()
            .is_some_and(|c| c.commands == ["isMaster"])
        {
            break;
        }
        tokio::task::yield_now().await;
    }
    server.shutdown().await;
    let result = reader.await.unwrap();
    assert!(
        matches!(result, Err(WireError::ClosedBetweenMessages)),
        "{result:?}"
    );
}

struct FakeKerberos;
struct FakeContext {
    steps: u32,
}

impl SaslConversation for FakeContext {
    fn step(&mut self, payload: &[u8]) -> SaslStep {
        self.steps += 1;
        match (self.steps, payload) {
            (1, b"token-2") => SaslStep::Continue(b"wrapped-offer".to_vec()),
            (2, principal) => SaslStep::Done {
                payload: Vec::new(),
                principal: String::from_utf8_lossy(principal).into_owned(),
            },
            _ => SaslStep::Failed("unexpected token".into()),
        }
    }
}

impl SaslMechanism for FakeKerberos {
    fn name(&self) -> &str {
        "GSSAPI"
    }
    fn start(&self, payload: &[u8]) -> (Box<dyn SaslConversation>, SaslStep) {
        let step = if payload == b"token-1" {
            SaslStep::Continue(b"reply-1".to_vec())
        } else {
            SaslStep::Failed("bad initial token".into())
        };
        (Box::new(FakeContext { steps: 0 }), step)
    }
}

#[tokio::test]
async fn plugged_sasl_mechanisms_authenticate_external_users() {
    let server = start(
        ServerConfig::new()
            .user(User::gssapi("alice@EXAMPLE.COM"))
            .user(User::plain("bob@EXAMPLE.COM", "pw"))
            .sasl_mechanism(Arc::new(FakeKerberos)),
    )
    .await;
    for (principal, good) in [
        ("alice@EXAMPLE.COM", true),
        ("bob@EXAMPLE.COM", false),
        ("eve@X", false),
    ] {
        let mut raw = Raw::connect(server.addr()).await;
        let started = sasl_start_with(&mut raw, "$external", "GSSAPI", b"token-1").await;
        assert_eq!(started.get_bool("done").ok(), Some(false));
        assert_eq!(payload(&started), b"reply-1");
        let reply = continue_conversation(&mut raw, "$external", &started, b"token-2").await;
        assert_eq!(payload(&reply), b"wrapped-offer");
        let reply = continue_conversation(&mut raw, "$external", &started, principal).await;
        assert_eq!(ok(&reply), good, "{principal}: {reply:?}");
        if !good {
            assert_eq!(reply.get_i32("code").ok(), Some(18));
        }
    }
    // Without the plug, GSSAPI is not enabled.
    let (_bare, mut raw) = start_and_connect(ServerConfig::new()).await;
    let reply = sasl_start_with(&mut raw, "$external", "GSSAPI", b"t").await;
    assert_eq!(reply.get_i32("code").ok(), Some(334));
}

#[tokio::test]
async fn bad_frames_close_the_connection() {
    use tokio::io::AsyncWriteExt;
    let (server, mut raw) = start_and_connect(ServerConfig::new()).await;
    let mut bytes = Frame::new(Message::Msg(OpMsg::new(doc! { "ping": 1, "$db": "admin" })))
        .encode()
        .unwrap();
    bytes[16] = 0x04; // an unknown required flag bit
    raw.stream.write_all(&bytes).await.unwrap();
    let err = read_frame(&mut raw.stream, DEFAULT_MAX_MESSAGE_SIZE)
        .await
        .unwrap_err();
    assert!(matches!(err, WireError::ClosedBetweenMessages), "{err:?}");
    let record = &server.connections()[0];
    assert!(
        record.wire_error.as_deref().unwrap().contains("flag"),
        "{record:?}"
    );
}
