//! The server under arbitrary input: every SASL payload and every frame body gets an error reply or a
//! closed connection, never a panic, and the server keeps serving.

use bson::doc;
use mongo_auth::wire::{DEFAULT_MAX_MESSAGE_SIZE, WireError, read_frame};
use mongo_auth_test_server::{Server, ServerConfig, User};
use proptest::prelude::*;
use tokio::io::AsyncWriteExt;

use crate::support::{Hash, Raw, ScramClient, bin, ok, sasl_continue, sasl_start};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn config() -> ServerConfig {
    ServerConfig::new()
        .user(
            User::new("app", "admin")
                .password("pencil")
                .scram_iterations(4096),
        )
        .user(User::plain("ldap", "secret"))
}

proptest! {
    #![proptest_config(crate::support::proptest_config(64))]

    #[test]
    fn arbitrary_sasl_payloads_get_error_replies(
        first in prop::collection::vec(any::<u8>(), 0..96),
        second in prop::collection::vec(any::<u8>(), 0..128),
        mechanism in prop::sample::select(vec!["SCRAM-SHA-1", "SCRAM-SHA-256", "PLAIN", "GSSAPI", ""]),
    ) {
        runtime().block_on(async {
            let server = Server::start(config()).await.unwrap();
            let mut raw = Raw::connect(server.addr()).await;
            // An arbitrary first message.
            let reply = raw
                .command("admin", doc! { "saslStart": 1, "mechanism": mechanism, "payload": bin(first) })
                .await
                .unwrap();
            assert!(reply.get("ok").is_some());
            // A valid first message, then an arbitrary second one.
            let client = ScramClient::new(Hash::Sha256, "app", "pencil");
            let reply = raw.command("admin", sasl_start(&client, true)).await.unwrap();
            assert!(ok(&reply));
            let id = reply.get("conversationId").unwrap().clone();
            let reply = raw.command("admin", sasl_continue(&id, second)).await.unwrap();
            assert!(!ok(&reply), "an arbitrary client-final authenticated: {reply:?}");
            // The connection is still served.
            assert!(ok(&raw.command("admin", doc! { "ping": 1 }).await.unwrap()));
            let stats = server.shutdown().await;
            assert_eq!(stats.connection_panics, 0);
            assert_eq!(stats.authentications, 0);
        });
    }

    #[test]
    fn arbitrary_frame_bodies_are_answered_or_hung_up_on(
        op in prop::sample::select(vec![1i32, 2004, 2013, 2012, 0]),
        body in prop::collection::vec(any::<u8>(), 0..200),
    ) {
        runtime().block_on(async {
            let server = Server::start(config()).await.unwrap();
            let mut raw = Raw::connect(server.addr()).await;
            let mut frame = Vec::new();
            frame.extend_from_slice(&(16 + body.len() as i32).to_le_bytes());
            frame.extend_from_slice(&1i32.to_le_bytes());
            frame.extend_from_slice(&0i32.to_le_bytes());
            frame.extend_from_slice(&op.to_le_bytes());
            frame.extend_from_slice(&body);
            raw.stream.write_all(&frame).await.unwrap();
            match read_frame(&mut raw.stream, DEFAULT_MAX_MESSAGE_SIZE).await {
                // Either a (probably error) reply...
                Ok(reply) => assert_eq!(reply.response_to, 1),
                // ...or the server hung up.
                Err(e) => assert!(
                    matches!(e, WireError::ClosedBetweenMessages | WireError::Io(_)),
                    "{e:?}"
                ),
            }
            // The server still serves new connections.
            let mut fresh = Raw::connect(server.addr()).await;
            assert!(ok(&fresh.command("admin", doc! { "ping": 1 }).await.unwrap()));
            drop(raw);
            let stats = server.shutdown().await;
            assert_eq!(stats.connection_panics, 0);
        });
    }
}
