//! A scripted hostile server on an in-memory stream: replies the conformance server never sends
//! (wrong `responseTo`, the wrong opcode, conversations that end too early or never) give typed
//! errors through `mongo_auth::authenticate`, never a panic or a hang.

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use bson::{Binary, Bson, Document, doc, spec::BinarySubtype};
use hmac::{KeyInit, Mac};
use mongo_auth::error::ProtocolViolation;
use mongo_auth::mechanism::scram::{ScramMechanism, saslprep_password};
use mongo_auth::wire::{self, Frame, Message, OpMsg, OpReply};
use mongo_auth::{Auth, Authenticator, ClientConfig, Error, Password};
use mongo_auth_test_server::hostile::{nested_document as nested, with_raw_field};

const PASSWORD: &str = "pencil";
const SALT: &[u8] = b"hostile-salt-123";
const ITERATIONS: u32 = 4096;

/// What the scripted server does with one request.
enum Answer {
    Body(Document),
    /// A reply whose `responseTo` is not the request's id.
    WrongResponseTo(Document),
    /// An OP_REPLY to an OP_MSG.
    OpReply(Document),
    /// Read the request and never answer, keeping the stream open.
    Stall,
    /// An OP_MSG whose body section is these bytes as they are (BSON that bson's own encoder,
    /// which recurses, could not write).
    RawBody(Vec<u8>),
}

fn binary(bytes: impl Into<Vec<u8>>) -> Bson {
    Bson::Binary(Binary {
        subtype: BinarySubtype::Generic,
        bytes: bytes.into(),
    })
}

/// A correct SCRAM-SHA-256 server side for user `app` / `pencil`, so that a script can deviate
/// exactly where it wants.
struct Scram {
    client_first_bare: String,
    server_first: String,
    server_key: Vec<u8>,
}

impl Scram {
    fn start(sasl_start: &Document) -> Self {
        let payload = match sasl_start.get("payload") {
            Some(Bson::Binary(b)) => b.bytes.clone(),
            other => panic!("payload {other:?}"),
        };
        let client_first = String::from_utf8(payload).unwrap();
        let bare = client_first.strip_prefix("n,,").unwrap().to_owned();
        let nonce = bare.split(",r=").nth(1).unwrap().to_owned();
        let password = saslprep_password(&Password::new(PASSWORD)).unwrap();
        let salted = ScramMechanism::Sha256.hi(password.as_bytes(), SALT, ITERATIONS);
        Self {
            server_first: format!("r={nonce}HOSTILE,s={},i={ITERATIONS}", BASE64.encode(SALT)),
            client_first_bare: bare,
            server_key: hmac(&salted, b"Server Key"),
        }
    }

    /// `start` on the speculative `saslStart` inside a hello.
    fn from_hello(hello: &Document) -> Self {
        Self::start(hello.get_document("speculativeAuthenticate").unwrap())
    }

    /// A hello reply carrying this conversation's server-first as its speculative reply.
    fn speculative_hello(&self, done: bool) -> Answer {
        let mut reply = hello_reply();
        reply.insert(
            "speculativeAuthenticate",
            doc! { "conversationId": 1, "done": done, "payload": binary(self.server_first.clone().into_bytes()) },
        );
        Answer::Body(reply)
    }

    /// The reply to `sasl_continue` with the correct server-final.
    fn final_reply(&self, sasl_continue: &Document, conversation_id: i32, done: bool) -> Answer {
        Answer::Body(doc! {
            "conversationId": conversation_id, "done": done,
            "payload": binary(self.server_final(sasl_continue)), "ok": 1,
        })
    }

    fn server_final(&self, sasl_continue: &Document) -> Vec<u8> {
        let payload = match sasl_continue.get("payload") {
            Some(Bson::Binary(b)) => b.bytes.clone(),
            other => panic!("payload {other:?}"),
        };
        let client_final = String::from_utf8(payload).unwrap();
        let without_proof = client_final.rsplit_once(",p=").unwrap().0;
        let auth_message = format!(
            "{},{},{without_proof}",
            self.client_first_bare, self.server_first
        );
        format!(
            "v={}",
            BASE64.encode(hmac(&self.server_key, auth_message.as_bytes()))
        )
        .into_bytes()
    }
}

fn hmac(key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key).unwrap();
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

fn hello_reply() -> Document {
    doc! { "ok": 1.0, "isWritablePrimary": true, "maxWireVersion": 21, "maxMessageSizeBytes": 48_000_000 }
}

/// Authenticates with a SCRAM-SHA-256 credential (or `credential`) over a stream served by
/// `script` (see [`serve`]); the authentication must fail.
async fn run<F>(credential: Option<ClientConfig>, script: F) -> Error
where
    F: FnMut(usize, &Document) -> Option<Answer> + Send + 'static,
{
    let client = serve(script);
    let config = credential.unwrap_or_else(scram_config);
    let authenticator = Authenticator::new(&config).unwrap();
    match mongo_auth::authenticate(client, &authenticator, "hostile.invalid:27017").await {
        Ok(connection) => panic!("authenticated against a hostile script: {connection:?}"),
        Err(e) => {
            assert!(!e.to_string().contains(PASSWORD));
            e
        }
    }
}

fn scram_config() -> ClientConfig {
    scram_config_for("hostile.invalid:27017")
}

/// The SCRAM-SHA-256 credential's configuration, for `host`.
fn scram_config_for(host: &str) -> ClientConfig {
    ClientConfig::builder()
        .host(host)
        .credential(
            Auth::scram_sha_256()
                .username("app")
                .password(PASSWORD)
                .source("admin"),
        )
        .handshake_timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

/// Serves `script` (called with each request body and its index) on one end of a duplex stream
/// and returns the other end; `None` hangs up.
fn serve<F>(script: F) -> tokio::io::DuplexStream
where
    F: FnMut(usize, &Document) -> Option<Answer> + Send + 'static,
{
    let (client, server) = tokio::io::duplex(1 << 16);
    serve_on(server, script);
    client
}

/// Serves `script` on the first connection to a listener on 127.0.0.1 and returns its address.
async fn serve_tcp<F>(script: F) -> String
where
    F: FnMut(usize, &Document) -> Option<Answer> + Send + 'static,
{
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    tokio::spawn(async move {
        if let Ok((stream, _)) = listener.accept().await {
            serve_on(stream, script);
        }
    });
    address
}

/// Serves `script` on `server` (see [`serve`]).
fn serve_on<S, F>(mut server: S, mut script: F)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
    F: FnMut(usize, &Document) -> Option<Answer> + Send + 'static,
{
    tokio::spawn(async move {
        let mut index = 0;
        while let Ok(request) = wire::read_frame(&mut server, wire::DEFAULT_MAX_MESSAGE_SIZE).await
        {
            let body = request.message.into_command_document().unwrap();
            let Some(answer) = script(index, &body) else {
                return; // hang up
            };
            index += 1;
            let frame = match answer {
                Answer::Body(reply) => {
                    Frame::reply_to(request.request_id, Message::Msg(OpMsg::new(reply)))
                }
                Answer::WrongResponseTo(reply) => Frame::reply_to(
                    request.request_id.wrapping_add(1000),
                    Message::Msg(OpMsg::new(reply)),
                ),
                Answer::OpReply(reply) => Frame::reply_to(
                    request.request_id,
                    Message::Reply(OpReply::command_reply(reply)),
                ),
                Answer::RawBody(body) => {
                    let mut bytes = vec![0u8; 16];
                    bytes[4..8].copy_from_slice(&wire::next_request_id().to_le_bytes());
                    bytes[8..12].copy_from_slice(&request.request_id.to_le_bytes());
                    bytes[12..16].copy_from_slice(&2013i32.to_le_bytes());
                    bytes.extend_from_slice(&[0, 0, 0, 0, 0]);
                    bytes.extend_from_slice(&body);
                    let len = bytes.len() as i32;
                    bytes[0..4].copy_from_slice(&len.to_le_bytes());
                    use tokio::io::AsyncWriteExt as _;
                    if server.write_all(&bytes).await.is_err() {
                        return;
                    }
                    continue;
                }
                Answer::Stall => {
                    // Keep reading (so the client's writes never block) and never answer.
                    while wire::read_frame(&mut server, wire::DEFAULT_MAX_MESSAGE_SIZE)
                        .await
                        .is_ok()
                    {}
                    return;
                }
            };
            if wire::write_frame(&mut server, &frame).await.is_err() {
                return;
            }
        }
    });
}

fn violation(e: &Error) -> &ProtocolViolation {
    match e {
        Error::Protocol(p) => &p.violation,
        other => panic!("expected a protocol violation, got {other:?}"),
    }
}

#[tokio::test]
async fn framing_mistakes_are_protocol_errors() {
    let e = run(None, |_, _| Some(Answer::WrongResponseTo(hello_reply()))).await;
    assert!(
        matches!(violation(&e), ProtocolViolation::MalformedReply { .. }),
        "{e}"
    );
    // An OP_REPLY to the OP_MSG hello is how some old servers refuse OP_MSG: over a caller's
    // stream there is no reconnecting, so it is reported (and the host remembered as old).
    let e = run(None, |_, _| Some(Answer::OpReply(hello_reply()))).await;
    assert_eq!(
        violation(&e),
        &ProtocolViolation::UnexpectedReplyOpCode { received: 1 },
        "{e}"
    );
}

#[tokio::test]
async fn hello_refusals_and_malformed_hello_replies() {
    let e = run(None, |_, _| {
        Some(Answer::Body(
            doc! { "ok": 0.0, "errmsg": "go away", "code": 2, "codeName": "BadValue" },
        ))
    })
    .await;
    assert!(
        matches!(&e, Error::Command(c) if c.code == 2 && c.message == "go away"),
        "{e:?}"
    );
    for bad in [
        doc! { "ok": 1, "maxWireVersion": "21" },
        doc! { "ok": 1, "maxWireVersion": 21, "saslSupportedMechs": "SCRAM-SHA-256" },
        doc! { "ok": 1, "maxWireVersion": 21, "speculativeAuthenticate": "yes" },
    ] {
        let e = run(None, move |_, _| Some(Answer::Body(bad.clone()))).await;
        assert!(
            matches!(violation(&e), ProtocolViolation::MalformedReply { .. }),
            "{e}"
        );
    }
}

#[tokio::test]
async fn a_speculative_reply_that_is_already_done_is_refused() {
    let e = run(None, |index, body| match index {
        0 => Some(Scram::from_hello(body).speculative_hello(true)),
        _ => None,
    })
    .await;
    assert_eq!(violation(&e), &ProtocolViolation::ConversationEndedEarly);
}

#[tokio::test]
async fn a_malformed_speculative_reply_is_refused() {
    let e = run(None, |index, _| match index {
        0 => {
            let mut reply = hello_reply();
            reply.insert(
                "speculativeAuthenticate",
                doc! { "conversationId": 1, "done": false, "payload": 42 },
            );
            Some(Answer::Body(reply))
        }
        _ => None,
    })
    .await;
    assert!(
        matches!(violation(&e), ProtocolViolation::MalformedReply { .. }),
        "{e}"
    );
}

#[tokio::test]
async fn a_conversation_that_never_finishes_is_refused() {
    let mut scram = None;
    let e = run(None, move |index, body| match index {
        0 => {
            let state = Scram::from_hello(body);
            let answer = state.speculative_hello(false);
            scram = Some(state);
            Some(answer)
        }
        // The correct server-final, but not done...
        1 => Some(scram.as_ref().unwrap().final_reply(body, 1, false)),
        // ...and still not done after the empty exchange.
        2 => {
            assert_eq!(body.get_binary_generic("payload").unwrap().len(), 0);
            Some(Answer::Body(
                doc! { "conversationId": 1, "done": false, "payload": binary(Vec::new()), "ok": 1 },
            ))
        }
        _ => None,
    })
    .await;
    assert_eq!(violation(&e), &ProtocolViolation::ConversationNotDone);
}

#[tokio::test]
async fn a_forged_signature_is_refused_even_when_the_server_says_done() {
    let e = run(None, |index, body| match index {
        0 => Some(Scram::from_hello(body).speculative_hello(false)),
        1 => Some(Answer::Body(doc! {
            "conversationId": 1, "done": true,
            "payload": binary(format!("v={}", BASE64.encode([7u8; 32]))), "ok": 1,
        })),
        _ => None,
    })
    .await;
    assert_eq!(violation(&e), &ProtocolViolation::ServerSignatureMismatch);
}

/// `connect_and_ping` sends its ping behind the client-final message: a forged server signature
/// is still the error, whatever the server answers to the ping, and so is a refused
/// authentication; a ping the server refuses after a genuine conversation is a command error.
#[tokio::test]
async fn connect_and_ping_checks_the_conversation_before_the_ping() {
    let host = serve_tcp(|index, body| match index {
        0 => Some(Scram::from_hello(body).speculative_hello(false)),
        1 => Some(Answer::Body(doc! {
            "conversationId": 1, "done": true,
            "payload": binary(format!("v={}", BASE64.encode([7u8; 32]))), "ok": 1,
        })),
        2 if body.contains_key("ping") => Some(Answer::Body(doc! { "ok": 1 })),
        _ => None,
    })
    .await;
    let e = connect_and_ping(&host).await.unwrap_err();
    assert_eq!(violation(&e), &ProtocolViolation::ServerSignatureMismatch);

    let host = serve_tcp(|index, body| match index {
        0 => Some(Scram::from_hello(body).speculative_hello(false)),
        1 => Some(Answer::Body(doc! {
            "ok": 0, "code": 18, "codeName": "AuthenticationFailed",
            "errmsg": "Authentication failed.",
        })),
        2 => Some(Answer::Body(doc! { "ok": 1 })),
        _ => None,
    })
    .await;
    assert!(matches!(
        connect_and_ping(&host).await,
        Err(Error::Authentication(_))
    ));

    let mut scram = None;
    let host = serve_tcp(move |index, body| match index {
        0 => {
            let state = Scram::from_hello(body);
            let answer = state.speculative_hello(false);
            scram = Some(state);
            Some(answer)
        }
        1 => scram.as_ref().map(|s| s.final_reply(body, 1, true)),
        2 => Some(Answer::Body(doc! {
            "ok": 0, "code": 8000, "codeName": "AtlasError", "errmsg": "no pings today",
        })),
        _ => None,
    })
    .await;
    match connect_and_ping(&host).await {
        Err(Error::Command(e)) => assert_eq!(e.code, 8000, "{e}"),
        other => panic!("{other:?}"),
    }
}

/// `connect_and_ping` with the SCRAM-SHA-256 credential, to `host`.
async fn connect_and_ping(host: &str) -> Result<mongo_auth::Connection, Error> {
    let result = Authenticator::new(&scram_config_for(host))
        .unwrap()
        .connect_and_ping()
        .await;
    if let Err(e) = &result {
        assert!(!e.to_string().contains(PASSWORD));
    }
    result
}

#[tokio::test]
async fn x509_speculative_reply_without_a_user_is_refused() {
    // X509 needs TLS in the typed configuration; the caller's stream is taken as it is, so a plain
    // in-memory stream stands in for the TLS stream here.
    let pki = mongo_auth_test_server::certs::TestPki::generate_temporary().unwrap();
    let config = ClientConfig::builder()
        .host("hostile.invalid:27017")
        .credential(Auth::x509())
        .tls(
            mongo_auth::Tls::enabled()
                .ca_file(&pki.ca)
                .client_cert(&pki.client.pem),
        )
        .build()
        .unwrap();
    let e = run(Some(config), |index, _| match index {
        0 => {
            let mut reply = hello_reply();
            reply.insert("speculativeAuthenticate", doc! { "dbname": "$external" });
            Some(Answer::Body(reply))
        }
        _ => None,
    })
    .await;
    assert!(
        matches!(violation(&e), ProtocolViolation::MalformedReply { .. }),
        "{e}"
    );
}

#[tokio::test]
async fn a_server_that_hangs_up_mid_conversation_is_a_wire_error() {
    let e = run(None, |index, _| match index {
        0 => Some(Answer::Body(hello_reply())), // no speculative reply: a saslStart follows
        _ => None,
    })
    .await;
    assert!(matches!(e, Error::Wire(_)), "{e:?}");
}

#[tokio::test]
async fn connect_retries_with_op_query_when_the_op_msg_hello_gets_an_op_reply() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                while let Ok(request) =
                    wire::read_frame(&mut stream, wire::DEFAULT_MAX_MESSAGE_SIZE).await
                {
                    let reply = match &request.message {
                        // A 3.4-era server: an error document in an OP_REPLY for the OP_MSG...
                        Message::Msg(_) => Message::Reply(OpReply::command_reply(
                            doc! { "$err": "unknown opcode" },
                        )),
                        // ...and proper answers to OP_QUERY.
                        _ => Message::Reply(OpReply::command_reply(
                            doc! { "ok": 1.0, "ismaster": true, "maxWireVersion": 5 },
                        )),
                    };
                    let frame = Frame::reply_to(request.request_id, reply);
                    if wire::write_frame(&mut stream, &frame).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    let config: ClientConfig = format!("mongodb://{address}/").parse().unwrap();
    let authenticator = Authenticator::new(&config).unwrap();
    let mut connection = authenticator.connect().await.unwrap();
    assert!(connection.uses_op_query());
    assert_eq!(connection.authenticated_mechanism(), None);
    connection
        .run_command("admin", doc! { "ping": 1 })
        .await
        .unwrap();
}

#[tokio::test]
async fn an_arbiter_never_yields_an_authenticated_looking_connection() {
    // With a credential configured, a hello reply claiming `arbiterOnly` (which would let a hostile
    // server skip the conversation) is refused with a typed error, and no conversation starts.
    let commands = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = commands.clone();
    let e = run(None, move |_, body| {
        seen.lock()
            .unwrap()
            .push(body.keys().next().cloned().unwrap_or_default());
        let mut reply = hello_reply();
        reply.insert("isWritablePrimary", false);
        reply.insert("arbiterOnly", true);
        Some(Answer::Body(reply))
    })
    .await;
    match &e {
        Error::Arbiter(arbiter) => assert_eq!(arbiter.host, "hostile.invalid:27017"),
        other => panic!("{other:?}"),
    }
    assert!(e.to_string().contains("data-bearing member"), "{e}");
    assert_eq!(commands.lock().unwrap().len(), 1, "only the hello was sent");
}

/// A server that authenticates properly (speculative SCRAM-SHA-256), answers one ping, then
/// stalls.
fn stalls_after_one_ping() -> tokio::io::DuplexStream {
    let mut scram = None;
    serve(move |index, body| match index {
        0 => {
            let state = Scram::from_hello(body);
            let answer = state.speculative_hello(false);
            scram = Some(state);
            Some(answer)
        }
        1 => Some(scram.as_ref().unwrap().final_reply(body, 1, true)),
        2 => Some(Answer::Body(doc! { "ok": 1.0 })),
        _ => Some(Answer::Stall),
    })
}

#[tokio::test]
async fn a_server_that_stalls_after_authentication_times_out_the_command() {
    // Authenticates properly (speculative SCRAM-SHA-256), answers one ping, then stalls.
    let client = stalls_after_one_ping();
    let authenticator = Authenticator::new(&scram_config()).unwrap();
    let mut connection = mongo_auth::authenticate(client, &authenticator, "hostile.invalid:27017")
        .await
        .unwrap();
    assert_eq!(
        connection.operation_timeout(),
        Duration::from_secs(20),
        "the handshake timeout is the default"
    );
    connection
        .run_command("admin", doc! { "ping": 1 })
        .await
        .unwrap();
    connection.set_operation_timeout(Duration::from_millis(200));
    // Only a guard against a hang in a broken build; the operation timeout is what is tested.
    let e = tokio::time::timeout(
        Duration::from_secs(60),
        connection.run_command("admin", doc! { "ping": 1 }),
    )
    .await
    .expect("the operation timeout bounds a stalled command")
    .unwrap_err();
    match &e {
        Error::Timeout(t) => {
            assert_eq!(t.phase, mongo_auth::error::TimeoutPhase::Operation);
            assert_eq!(t.after, Duration::from_millis(200));
            assert_eq!(t.host, "hostile.invalid:27017");
        }
        other => panic!("{other:?}"),
    }
    // The stream is out of step now: further commands are refused at once.
    let e = connection
        .run_command("admin", doc! { "ping": 1 })
        .await
        .unwrap_err();
    assert!(e.to_string().contains("open a new connection"), "{e}");
    // and it is not handed over to other code either
    let e = connection.into_inner().unwrap_err();
    assert!(e.to_string().contains("out of step"), "{e}");
}

#[tokio::test]
async fn timeout_ms_bounds_the_handshake_and_each_whole_command() {
    // A server that never answers the hello: timeoutMS (200 ms) is nearer than connectTimeoutMS.
    let client = serve(|_, _| Some(Answer::Stall));
    let config = ClientConfig::builder()
        .host("hostile.invalid:27017")
        .credential(Auth::scram_sha_256().username("app").password(PASSWORD))
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let authenticator = Authenticator::new(&config).unwrap();
    let e = tokio::time::timeout(
        Duration::from_secs(60),
        mongo_auth::authenticate(client, &authenticator, "hostile.invalid:27017"),
    )
    .await
    .expect("timeoutMS bounds the handshake")
    .unwrap_err();
    match &e {
        Error::Timeout(t) => {
            assert_eq!(t.phase, mongo_auth::error::TimeoutPhase::TimeoutMs);
            assert_eq!(t.after, Duration::from_millis(200));
        }
        other => panic!("{other:?}"),
    }
    assert!(e.to_string().contains("(timeoutMS)"), "{e}");

    // Authenticates, answers one ping, then stalls: the command ends at timeoutMS.
    let client = stalls_after_one_ping();
    let config: ClientConfig = format!(
        "mongodb://app:{PASSWORD}@hostile.invalid:27017/?authMechanism=SCRAM-SHA-256&timeoutMS=300"
    )
    .parse()
    .unwrap();
    let authenticator = Authenticator::new(&config).unwrap();
    let mut connection = mongo_auth::authenticate(client, &authenticator, "hostile.invalid:27017")
        .await
        .unwrap();
    assert_eq!(connection.operation_timeout(), Duration::from_millis(300));
    connection
        .run_command("admin", doc! { "ping": 1 })
        .await
        .unwrap();
    let e = tokio::time::timeout(
        Duration::from_secs(60),
        connection.run_command("admin", doc! { "ping": 1 }),
    )
    .await
    .expect("timeoutMS bounds a stalled command")
    .unwrap_err();
    assert!(
        matches!(&e, Error::Timeout(t) if t.after == Duration::from_millis(300)),
        "{e:?}"
    );
    let e = connection
        .run_command("admin", doc! { "ping": 1 })
        .await
        .unwrap_err();
    assert!(e.to_string().contains("open a new connection"), "{e}");
}

#[test]
fn timeout_ms_zero_means_no_bound_and_round_trips() {
    let config: ClientConfig = "mongodb://db/?timeoutMS=0&socketTimeoutMS=500"
        .parse()
        .unwrap();
    let again: ClientConfig = config.to_string().parse().unwrap();
    assert_eq!(config, again);
    assert!(config.to_string().contains("timeoutMS=0"), "{config}");
    let config: ClientConfig = "mongodb://db/?timeoutMS=1500".parse().unwrap();
    assert!(config.to_string().contains("timeoutMS=1500"), "{config}");
    assert_ne!(config, "mongodb://db/".parse::<ClientConfig>().unwrap());
}

fn too_deep(e: &Error) -> bool {
    matches!(
        e,
        Error::Wire(wire::WireError::DocumentTooDeep {
            field: "OP_MSG body",
            max_depth: wire::MAX_DOCUMENT_DEPTH,
        })
    )
}

/// A reply nested 100,000 levels deep (800 KB) would overflow the stack of bson's recursive
/// decoder and abort the process; it is refused on its raw bytes instead, wherever it comes.
#[tokio::test]
async fn deeply_nested_handshake_replies_are_refused_not_a_stack_overflow() {
    // The hello reply itself.
    let e = run(None, |_, _| Some(Answer::RawBody(nested(100_000)))).await;
    assert!(too_deep(&e), "{e:?}");
    // The speculative reply inside a well-formed hello.
    let e = run(None, |_, _| {
        Some(Answer::RawBody(with_raw_field(
            &hello_reply(),
            "speculativeAuthenticate",
            &nested(100_000),
        )))
    })
    .await;
    assert!(too_deep(&e), "{e:?}");
    // The saslStart reply (no speculative reply, so a saslStart follows the hello).
    let e = run(None, |index, _| match index {
        0 => Some(Answer::Body(hello_reply())),
        _ => Some(Answer::RawBody(with_raw_field(
            &doc! { "conversationId": 1, "done": false, "payload": binary(b"r=x".to_vec()), "ok": 1 },
            "extra",
            &nested(100_000),
        ))),
    })
    .await;
    assert!(too_deep(&e), "{e:?}");
}

/// The handshake has its own size cap: a wide hello (many keys, 2.6 MB) is refused before it is
/// read, although it is far below the 48 MB of a command reply.
#[tokio::test]
async fn a_wide_hello_is_refused_by_the_handshake_size_cap() {
    let e = run(None, |_, _| {
        let mut reply = hello_reply();
        for i in 0..200_000 {
            reply.insert(format!("k{i}"), i);
        }
        Some(Answer::Body(reply))
    })
    .await;
    assert!(
        matches!(
            e,
            Error::Wire(wire::WireError::MessageTooLarge {
                max: wire::MAX_HANDSHAKE_MESSAGE_SIZE,
                ..
            })
        ),
        "{e:?}"
    );
}

/// After the handshake, a deep command reply is a typed error too, and a wide one (within the
/// server's maxMessageSizeBytes) is simply a reply.
#[tokio::test]
async fn deep_and_wide_command_replies() {
    let mut scram = None;
    let client = serve(move |index, body| match index {
        0 => {
            let state = Scram::from_hello(body);
            let answer = state.speculative_hello(false);
            scram = Some(state);
            Some(answer)
        }
        1 => Some(scram.as_ref().unwrap().final_reply(body, 1, true)),
        2 => Some(Answer::RawBody(with_raw_field(
            &doc! { "ok": 1.0 },
            "deep",
            &nested(100_000),
        ))),
        _ => {
            let mut reply = doc! { "ok": 1.0 };
            for i in 0..200_000 {
                reply.insert(format!("k{i}"), i);
            }
            Some(Answer::Body(reply))
        }
    });
    let authenticator = Authenticator::new(&scram_config()).unwrap();
    let mut connection = mongo_auth::authenticate(client, &authenticator, "hostile.invalid:27017")
        .await
        .unwrap();
    let e = connection
        .run_command("admin", doc! { "ping": 1 })
        .await
        .unwrap_err();
    assert!(too_deep(&e), "{e:?}");
    let wide = connection
        .run_command("admin", doc! { "ping": 1 })
        .await
        .unwrap();
    assert_eq!(wide.len(), 200_001);
}

/// Every step of a conversation carries the conversationId it started with.
#[tokio::test]
async fn a_conversation_id_that_changes_mid_conversation_is_refused() {
    let mut scram = None;
    let e = run(None, move |index, body| match index {
        0 => {
            let state = Scram::from_hello(body);
            let answer = state.speculative_hello(false);
            scram = Some(state);
            Some(answer)
        }
        1 => Some(scram.as_ref().unwrap().final_reply(body, 2, true)),
        _ => None,
    })
    .await;
    assert_eq!(violation(&e), &ProtocolViolation::ConversationIdChanged);
}

/// A refusal's text comes from the server: it reaches the error bounded in length, with its
/// control characters escaped, so it cannot flood a log or forge lines in it.
#[tokio::test]
async fn server_text_in_errors_is_bounded_and_escaped() {
    let e = run(None, |index, _| match index {
        0 => Some(Answer::Body(hello_reply())),
        _ => Some(Answer::Body(doc! {
            "ok": 0, "code": 18, "codeName": "AuthenticationFailed",
            "errmsg": format!("failed\n2026-11-29 INFO login ok\u{1b}[1A{}", "x".repeat(100_000)),
        })),
    })
    .await;
    let text = e.to_string();
    assert!(matches!(e, Error::Authentication(_)), "{e:?}");
    assert!(!text.contains('\n') && !text.contains('\u{1b}'), "{text}");
    assert!(text.contains("failed\\n2026-11-29"), "{text}");
    assert!(text.len() < 2_000, "{} bytes", text.len());
}
