//! GSSAPI end to end against a real MIT KDC (`scripts/kdc.sh`), the client conversation against the
//! conformance server's acceptor.
//!
//! Needs the `gssapi` feature (which also turns on the conformance server's acceptor) and the Debian
//! packages `krb5-kdc krb5-admin-server krb5-user libkrb5-dev` (scripts/test-all.sh installs them):
//!
//! ```text
//! cargo test -p mongo-auth --features gssapi --test it -- e2e_gssapi::
//! ```
//!
//! Kerberos reads its configuration and ticket cache from the environment, so each test runs its
//! scenario (the `scenario_*` functions) in a child process of this test binary with the KDC's
//! environment and a ticket cache of its own (`support::kdc::scenario`).

use std::sync::Arc;

use mongo_auth::{ClientConfig, Error};
use mongo_auth_test_server::{RunningServer, ServerConfig, User};

use mongo_auth::Password;
use mongo_auth::gssapi::{
    CredentialSource, GssapiError, SaslStepReply, SaslTransport, ServicePrincipal, authenticate,
};
use mongo_auth::rulebook::{
    Canonicalize, Credential, GssapiProperties, Mechanism, MechanismProperties,
};
use mongo_auth_test_server::gssapi::{AcceptorConversation, GssapiAcceptor, Kdc};
use mongo_auth_test_server::{SaslConversation, SaslStep};

#[cfg(feature = "tracing")]
use crate::support::events;
use crate::support::kdc::{self, Tickets};
use crate::support::{conformance, pymongo, test_path};

// ------------------------------------------------------------------------------------------------
// The tests: each runs its scenario in a child process.

#[test]
fn the_realm_comes_up() {
    let kdc = Kdc::shared();
    eprintln!("test realm started in {:?}", kdc.started_in());
    let ccache = kdc.new_ccache("realm");
    assert!(!kdc.has_valid_ticket(&ccache));
    kdc.kinit(&ccache, Kdc::USER, None).expect("kinit");
    assert!(kdc.has_valid_ticket(&ccache));
}

#[test]
fn ticket_cache() {
    kdc::scenario(
        &test_path!("ticket_cache"),
        Tickets::Of(Kdc::USER),
        scenario_ticket_cache,
    );
}

#[test]
fn password_without_kinit() {
    kdc::scenario(
        &test_path!("password_without_kinit"),
        Tickets::None,
        scenario_password,
    );
}

#[test]
fn service_name_other_than_the_default() {
    kdc::scenario(
        &test_path!("service_name_other_than_the_default"),
        Tickets::Of(Kdc::USER),
        scenario_service_name,
    );
}

#[test]
fn service_host() {
    kdc::scenario(
        &test_path!("service_host"),
        Tickets::Of(Kdc::USER),
        scenario_service_host,
    );
}

#[test]
fn service_realm_across_realms() {
    kdc::scenario(
        &test_path!("service_realm_across_realms"),
        Tickets::Of(Kdc::USER),
        scenario_service_realm,
    );
}

#[test]
fn canonicalize_host_name_through_the_system_resolver() {
    kdc::scenario(
        &test_path!("canonicalize_host_name_through_the_system_resolver"),
        Tickets::Of(Kdc::USER),
        scenario_canonicalize,
    );
}

#[test]
fn wrong_password() {
    kdc::scenario(
        &test_path!("wrong_password"),
        Tickets::None,
        scenario_wrong_password,
    );
}

#[test]
fn missing_ticket() {
    kdc::scenario(
        &test_path!("missing_ticket"),
        Tickets::None,
        scenario_missing_ticket,
    );
}

#[test]
fn expired_ticket() {
    kdc::scenario(
        &test_path!("expired_ticket"),
        Tickets::Expired,
        scenario_expired_ticket,
    );
}

#[test]
fn unknown_service_principal() {
    kdc::scenario(
        &test_path!("unknown_service_principal"),
        Tickets::Of(Kdc::USER),
        scenario_unknown_service,
    );
}

#[test]
fn wrong_authorization_identity_is_refused_by_the_acceptor() {
    kdc::scenario(
        &test_path!("wrong_authorization_identity_is_refused_by_the_acceptor"),
        Tickets::Of(Kdc::USER),
        scenario_wrong_authzid,
    );
}

#[test]
fn hostile_server_replies_are_clear_errors() {
    kdc::scenario(
        &test_path!("hostile_server_replies_are_clear_errors"),
        Tickets::Of(Kdc::USER),
        scenario_hostile_server,
    );
}

#[test]
fn connect_through_the_conformance_server() {
    kdc::scenario(
        &test_path!("connect_through_the_conformance_server"),
        Tickets::Of(Kdc::USER),
        scenario_connect,
    );
}

#[cfg(feature = "tracing")]
#[test]
fn events_of_a_gssapi_handshake_hold_no_secret() {
    kdc::scenario(
        &test_path!("events_of_a_gssapi_handshake_hold_no_secret"),
        Tickets::Of(Kdc::USER),
        scenario_events,
    );
}

#[test]
fn connect_errors_through_the_conformance_server() {
    kdc::scenario(
        &test_path!("connect_errors_through_the_conformance_server"),
        Tickets::None,
        scenario_connect_errors,
    );
}

#[test]
fn pymongo_with_its_kerberos_extra() {
    // The child inherits the variable: it is there too.
    if pymongo::python(pymongo::CURRENT).is_none() {
        return;
    }
    kdc::scenario(
        &test_path!("pymongo_with_its_kerberos_extra"),
        Tickets::Of(Kdc::USER),
        scenario_pymongo,
    );
}

// ------------------------------------------------------------------------------------------------
// The scenarios, each in the child process of its test.

fn password() -> String {
    let file =
        std::env::var("MONGO_AUTH_KRB5_PASSWORD_FILE").expect("MONGO_AUTH_KRB5_PASSWORD_FILE");
    std::fs::read_to_string(file).expect("the user password file")
}

fn credential(user: &str, password: Option<&str>, properties: GssapiProperties) -> Credential {
    Credential::from_parts(
        Some(user.to_owned()),
        password.map(Password::new),
        "$external".to_owned(),
        Some(Mechanism::Gssapi),
        MechanismProperties::Gssapi(properties),
    )
}

fn properties(edit: impl FnOnce(&mut GssapiProperties)) -> GssapiProperties {
    let mut properties = GssapiProperties::default();
    edit(&mut properties);
    properties
}

/// What failed: the client (GSSAPI) or the server (a refusal, as `ok: 0` would carry it).
#[derive(Debug)]
enum Failure {
    Client(GssapiError),
    Refused(String),
}

impl From<GssapiError> for Failure {
    fn from(e: GssapiError) -> Self {
        Failure::Client(e)
    }
}

/// The SASL commands delivered straight to the conformance server's acceptor.
struct ToAcceptor {
    acceptor: GssapiAcceptor,
    conversation: Option<AcceptorConversation>,
    principal: Option<String>,
    commands: Vec<&'static str>,
}

impl ToAcceptor {
    fn new(acceptor: GssapiAcceptor) -> Self {
        Self {
            acceptor,
            conversation: None,
            principal: None,
            commands: Vec::new(),
        }
    }

    fn reply(&mut self, step: SaslStep) -> Result<SaslStepReply, Failure> {
        match step {
            SaslStep::Continue(payload) => Ok(SaslStepReply {
                done: false,
                payload,
            }),
            SaslStep::Done { payload, principal } => {
                self.principal = Some(principal);
                Ok(SaslStepReply {
                    done: true,
                    payload,
                })
            }
            SaslStep::Failed(reason) => Err(Failure::Refused(reason)),
            other => panic!("unexpected step {other:?}"),
        }
    }
}

impl SaslTransport for ToAcceptor {
    type Error = Failure;

    async fn sasl_start(&mut self, payload: Vec<u8>) -> Result<SaslStepReply, Failure> {
        self.commands.push("saslStart");
        assert!(!payload.is_empty(), "the first GSSAPI token is never empty");
        let (conversation, step) = self.acceptor.accept(&payload);
        self.conversation = Some(conversation);
        self.reply(step)
    }

    async fn sasl_continue(&mut self, payload: Vec<u8>) -> Result<SaslStepReply, Failure> {
        self.commands.push("saslContinue");
        let step = self
            .conversation
            .as_mut()
            .expect("saslContinue before saslStart")
            .step(&payload);
        self.reply(step)
    }
}

async fn run(
    acceptor: GssapiAcceptor,
    credential: &Credential,
    host: &str,
) -> (Result<ServicePrincipal, Failure>, ToAcceptor) {
    let mut transport = ToAcceptor::new(acceptor);
    let result = authenticate(&mut transport, credential, host).await;
    (result, transport)
}

fn client_error(result: Result<ServicePrincipal, Failure>) -> GssapiError {
    match result {
        Err(Failure::Client(e)) => {
            eprintln!("client error: {e}");
            e
        }
        other => panic!("expected a client-side GSSAPI error, got {other:?}"),
    }
}

async fn scenario_ticket_cache() {
    let credential = credential(Kdc::USER, None, GssapiProperties::default());
    let (result, transport) = run(GssapiAcceptor::any_service(), &credential, "localhost").await;
    let principal = result.expect("authenticated");
    assert_eq!(principal.to_string(), "mongodb@localhost");
    assert_eq!(transport.principal.as_deref(), Some(Kdc::USER));
    // AP-REQ, the empty answer to AP-REP, the security-layer reply.
    assert_eq!(
        transport.commands,
        ["saslStart", "saslContinue", "saslContinue"]
    );
}

async fn scenario_password() {
    let credential = credential(Kdc::USER, Some(&password()), GssapiProperties::default());
    let (result, transport) = run(GssapiAcceptor::any_service(), &credential, "localhost").await;
    result.expect("authenticated with the password");
    assert_eq!(transport.principal.as_deref(), Some(Kdc::USER));
    // The tickets went to a private in-memory cache: the ticket cache was never created.
    let ccache = std::env::var("KRB5CCNAME").unwrap();
    let path = ccache.strip_prefix("FILE:").unwrap();
    assert!(!std::path::Path::new(path).exists(), "{path} was written");
}

async fn scenario_service_name() {
    let othersvc = properties(|p| p.service_name = "othersvc".to_owned());
    let credential = credential(Kdc::USER, None, othersvc);
    let server = GssapiAcceptor::for_service("othersvc@localhost");
    let (result, transport) = run(server.clone(), &credential, "localhost").await;
    assert_eq!(
        result.expect("authenticated").to_string(),
        "othersvc@localhost"
    );
    assert_eq!(transport.principal.as_deref(), Some(Kdc::USER));

    // The default service name asks a ticket for mongodb/localhost, which this server refuses.
    let default = self::credential(Kdc::USER, None, GssapiProperties::default());
    match run(server, &default, "localhost").await.0 {
        Err(Failure::Refused(reason)) => eprintln!("refused: {reason}"),
        other => panic!("a ticket for another service must be refused, got {other:?}"),
    }
}

async fn scenario_service_host() {
    let with_host = properties(|p| p.service_host = Some("db.mongo-auth.test".to_owned()));
    let credential = credential(Kdc::USER, None, with_host);
    let (result, transport) = run(GssapiAcceptor::any_service(), &credential, "127.0.0.1").await;
    assert_eq!(
        result.expect("authenticated").to_string(),
        "mongodb@db.mongo-auth.test"
    );
    assert_eq!(transport.principal.as_deref(), Some(Kdc::USER));

    // Without SERVICE_HOST the principal is mongodb/127.0.0.1, which the KDC does not know.
    let without = self::credential(Kdc::USER, None, GssapiProperties::default());
    let error = client_error(
        run(GssapiAcceptor::any_service(), &without, "127.0.0.1")
            .await
            .0,
    );
    assert!(
        matches!(error, GssapiError::SecurityContext { .. }),
        "{error:?}"
    );
}

async fn scenario_service_realm() {
    let realm = properties(|p| p.service_realm = Some(Kdc::SERVICE_REALM.to_owned()));
    let credential = credential(Kdc::USER, None, realm);
    // This server only has the key of the service realm's principal.
    let server = GssapiAcceptor::for_service(format!("mongodb/localhost@{}", Kdc::SERVICE_REALM));
    let (result, transport) = run(server, &credential, "localhost").await;
    assert_eq!(
        result.expect("authenticated across realms").to_string(),
        "mongodb/localhost@SERVICES.MONGO-AUTH.TEST"
    );
    assert_eq!(transport.principal.as_deref(), Some(Kdc::USER));
}

async fn scenario_canonicalize() {
    // 127.0.0.1 reverse-resolves to localhost (/etc/hosts), whose principal the KDC knows.
    for mode in [Canonicalize::ForwardAndReverse] {
        let props = properties(|p| p.canonicalize_host_name = mode);
        let credential = credential(Kdc::USER, None, props);
        let (result, _) = run(GssapiAcceptor::any_service(), &credential, "127.0.0.1").await;
        assert_eq!(
            result.expect("authenticated").to_string(),
            "mongodb@localhost"
        );
    }
    // forward: the name of LOCALHOST per the resolver, lowercased.
    let props = properties(|p| p.canonicalize_host_name = Canonicalize::Forward);
    let credential = credential(Kdc::USER, None, props);
    let (result, _) = run(GssapiAcceptor::any_service(), &credential, "LOCALHOST").await;
    assert_eq!(
        result.expect("authenticated").to_string(),
        "mongodb@localhost"
    );
    // none: 127.0.0.1 as given, which has no principal.
    let credential = self::credential(Kdc::USER, None, GssapiProperties::default());
    let error = client_error(
        run(GssapiAcceptor::any_service(), &credential, "127.0.0.1")
            .await
            .0,
    );
    assert!(
        matches!(error, GssapiError::SecurityContext { .. }),
        "{error:?}"
    );
}

async fn scenario_wrong_password() {
    let credential = credential(
        Kdc::USER,
        Some("not the password"),
        GssapiProperties::default(),
    );
    let error = client_error(
        run(GssapiAcceptor::any_service(), &credential, "localhost")
            .await
            .0,
    );
    assert!(
        matches!(
            error,
            GssapiError::Credentials {
                source: CredentialSource::Password,
                ..
            }
        ),
        "{error:?}"
    );
    let text = error.to_string();
    assert!(text.contains("with the configured password"), "{text}");
    assert!(
        !text.contains("not the password"),
        "the password leaked: {text}"
    );
    assert!(!format!("{error:?}").contains("not the password"));
}

async fn scenario_missing_ticket() {
    let credential = credential(Kdc::USER, None, GssapiProperties::default());
    let error = client_error(
        run(GssapiAcceptor::any_service(), &credential, "localhost")
            .await
            .0,
    );
    assert!(
        matches!(
            error,
            GssapiError::Credentials {
                source: CredentialSource::TicketCache,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .contains("kinit mongodbuser@MONGO-AUTH.TEST"),
        "{error}"
    );
}

async fn scenario_expired_ticket() {
    let credential = credential(Kdc::SHORT_LIVED_USER, None, GssapiProperties::default());
    let error = client_error(
        run(GssapiAcceptor::any_service(), &credential, "localhost")
            .await
            .0,
    );
    assert!(
        matches!(
            error,
            GssapiError::Credentials {
                source: CredentialSource::TicketCache,
                ..
            } | GssapiError::SecurityContext { .. }
        ),
        "{error:?}"
    );
    assert!(
        error.to_string().to_lowercase().contains("expired"),
        "{error}"
    );
}

async fn scenario_unknown_service() {
    let props = properties(|p| p.service_name = "nosuchsvc".to_owned());
    let credential = credential(Kdc::USER, None, props);
    let error = client_error(
        run(GssapiAcceptor::any_service(), &credential, "localhost")
            .await
            .0,
    );
    match &error {
        GssapiError::SecurityContext {
            service_principal,
            status,
        } => {
            assert_eq!(service_principal, "nosuchsvc@localhost");
            assert!(
                status.message().contains("not found in Kerberos database"),
                "{status}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(error.to_string().contains("SERVICE_NAME"), "{error}");
}

async fn scenario_wrong_authzid() {
    // A user name that names the same principal differently: the ticket is mongodbuser's (the
    // default realm is added), but the authorization identity sent is the name as written.
    let credential = credential("mongodbuser", None, GssapiProperties::default());
    match run(GssapiAcceptor::any_service(), &credential, "localhost")
        .await
        .0
    {
        Err(Failure::Refused(reason)) => {
            assert!(reason.contains("may not act as mongodbuser"), "{reason}")
        }
        other => panic!("the acceptor must check the authorization identity, got {other:?}"),
    }
}

/// The acceptor's replies, altered: `tamper(n, reply)` sees the n-th reply (0 = saslStart's).
struct Tampered<F> {
    inner: ToAcceptor,
    replies: usize,
    tamper: F,
}

impl<F: FnMut(usize, SaslStepReply) -> SaslStepReply + Send> Tampered<F> {
    fn alter(&mut self, reply: Result<SaslStepReply, Failure>) -> Result<SaslStepReply, Failure> {
        let n = self.replies;
        self.replies += 1;
        reply.map(|reply| (self.tamper)(n, reply))
    }
}

impl<F: FnMut(usize, SaslStepReply) -> SaslStepReply + Send> SaslTransport for Tampered<F> {
    type Error = Failure;

    async fn sasl_start(&mut self, payload: Vec<u8>) -> Result<SaslStepReply, Failure> {
        let reply = self.inner.sasl_start(payload).await;
        self.alter(reply)
    }

    async fn sasl_continue(&mut self, payload: Vec<u8>) -> Result<SaslStepReply, Failure> {
        let reply = self.inner.sasl_continue(payload).await;
        self.alter(reply)
    }
}

async fn against_tampered(
    tamper: impl FnMut(usize, SaslStepReply) -> SaslStepReply + Send,
) -> GssapiError {
    let credential = credential(Kdc::USER, None, GssapiProperties::default());
    let mut transport = Tampered {
        inner: ToAcceptor::new(GssapiAcceptor::any_service()),
        replies: 0,
        tamper,
    };
    client_error(authenticate(&mut transport, &credential, "localhost").await)
}

async fn scenario_hostile_server() {
    // A reply token that is not Kerberos.
    let error = against_tampered(|n, reply| match n {
        0 => SaslStepReply {
            payload: b"not a token".to_vec(),
            ..reply
        },
        _ => reply,
    })
    .await;
    assert!(
        matches!(error, GssapiError::SecurityContext { .. }),
        "{error:?}"
    );

    // `done: true` before the security-layer exchange.
    let error = against_tampered(|n, reply| match n {
        0 => SaslStepReply {
            done: true,
            ..reply
        },
        _ => reply,
    })
    .await;
    assert!(
        matches!(error, GssapiError::SecurityLayer { .. }),
        "{error:?}"
    );

    // The offer sent in clear instead of wrapped.
    let error = against_tampered(|n, reply| match n {
        1 => SaslStepReply {
            payload: vec![0x01, 0x00, 0x10, 0x00],
            ..reply
        },
        _ => reply,
    })
    .await;
    assert!(
        matches!(
            error,
            GssapiError::Wrap {
                operation: "unwrap",
                ..
            }
        ),
        "{error:?}"
    );

    // An empty payload where the offer belongs.
    let error = against_tampered(|n, reply| match n {
        1 => SaslStepReply {
            payload: Vec::new(),
            ..reply
        },
        _ => reply,
    })
    .await;
    assert!(matches!(error, GssapiError::Wrap { .. }), "{error:?}");

    // The conversation goes on after the client's last message.
    let error = against_tampered(|n, reply| match n {
        2 => SaslStepReply {
            done: false,
            payload: b"more".to_vec(),
        },
        _ => reply,
    })
    .await;
    assert_eq!(error, GssapiError::ConversationFinished);
}

// ------------------------------------------------------------------------------------------------
// Through `connect` and the conformance server over TCP.

async fn gssapi_server(acceptor: GssapiAcceptor) -> RunningServer {
    conformance::start(
        ServerConfig::new()
            .sasl_mechanism(Arc::new(acceptor))
            .user(User::gssapi(Kdc::USER)),
    )
    .await
}

fn uri(host: &str, port: u16, properties: &str) -> String {
    let mut uri =
        format!("mongodb://mongodbuser%40MONGO-AUTH.TEST@{host}:{port}/?authMechanism=GSSAPI");
    if !properties.is_empty() {
        uri.push_str("&authMechanismProperties=");
        uri.push_str(properties);
    }
    uri
}

async fn scenario_connect() {
    let server = gssapi_server(GssapiAcceptor::any_service()).await;
    let port = server.addr().port();
    let expected = vec![format!("{}@$external", Kdc::USER)];
    for (host, properties) in [
        ("localhost", ""),
        ("localhost", "SERVICE_NAME:othersvc"),
        ("127.0.0.1", "SERVICE_HOST:db.mongo-auth.test"),
        ("127.0.0.1", "CANONICALIZE_HOST_NAME:forwardAndReverse"),
        ("127.0.0.1", "CANONICALIZE_HOST_NAME:true"),
        ("localhost", "CANONICALIZE_HOST_NAME:forward"),
        ("localhost", "SERVICE_REALM:SERVICES.MONGO-AUTH.TEST"),
    ] {
        let uri = uri(host, port, properties);
        let config: ClientConfig = uri.parse().expect("a valid GSSAPI connection string");
        let mut connection = mongo_auth::connect(&config)
            .await
            .unwrap_or_else(|e| panic!("{uri}: {e}"));
        assert_eq!(
            connection.authenticated_mechanism(),
            Some(Mechanism::Gssapi)
        );
        // hello, saslStart (AP-REQ), saslContinue (empty), saslContinue (security layer)
        assert_eq!(connection.handshake_round_trips(), 4, "{uri}");
        assert_eq!(
            conformance::authenticated_users(&mut connection).await,
            expected,
            "{uri}"
        );
    }

    // connect_and_ping: the ping goes out behind the security-layer reply, in no round trip of
    // its own
    let config: ClientConfig = uri("localhost", port, "").parse().unwrap();
    let before = server.connections().len();
    let connection = mongo_auth::Authenticator::new(&config)
        .unwrap()
        .connect_and_ping()
        .await
        .expect("connect_and_ping");
    assert_eq!(connection.handshake_round_trips(), 4);
    let record = server.connections()[before].clone();
    assert_eq!(
        record.commands,
        [
            "isMaster",
            "saslStart",
            "saslContinue",
            "saslContinue",
            "ping"
        ]
    );
    assert_eq!(
        record.read_ahead, 1,
        "the ping came with the security-layer reply"
    );

    // The typed builder, with the password instead of the ticket cache.
    let config = ClientConfig::builder()
        .host(format!("localhost:{port}"))
        .credential(mongo_auth::Auth::gssapi(Kdc::USER).password(password()))
        .build()
        .expect("a GSSAPI configuration");
    let mut connection = mongo_auth::connect(&config)
        .await
        .expect("password credential");
    assert_eq!(
        conformance::authenticated_users(&mut connection).await,
        expected
    );
    server.shutdown().await;
}

/// A run of at least 48 base64 or hex characters: what a logged GSSAPI token (an AP-REQ is hundreds
/// of bytes) or security-layer payload would look like.
#[cfg(feature = "tracing")]
fn longest_token_like_run(text: &str) -> usize {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '+' || c == '/' || c == '='))
        .map(str::len)
        .max()
        .unwrap_or(0)
}

#[cfg(feature = "tracing")]
async fn scenario_events() {
    let captured = events::captured();

    let server = gssapi_server(GssapiAcceptor::any_service()).await;
    let port = server.addr().port();
    // the ticket cache, then the password, then a wrong password
    let config: ClientConfig = uri("localhost", port, "").parse().unwrap();
    mongo_auth::connect(&config).await.expect("ticket cache");
    let with_password = |password: String| {
        ClientConfig::builder()
            .host(format!("localhost:{port}"))
            .credential(mongo_auth::Auth::gssapi(Kdc::USER).password(password))
            .build()
            .expect("a GSSAPI configuration")
    };
    mongo_auth::connect(&with_password(password()))
        .await
        .expect("password credential");
    let wrong = "not-the-Kerberos-Secret-4715".to_owned();
    assert!(
        mongo_auth::connect(&with_password(wrong.clone()))
            .await
            .is_err()
    );
    server.shutdown().await;

    let text = captured.text();
    assert!(text.contains("GSSAPI"), "{text}");
    assert!(
        text.contains("saslStart") && text.contains("saslContinue"),
        "{text}"
    );
    for secret in [password().trim().to_owned(), wrong] {
        assert!(!text.contains(&secret), "a password in the events:\n{text}");
    }
    assert!(
        longest_token_like_run(&text) < 48,
        "a token-like run of {} characters in the events:\n{text}",
        longest_token_like_run(&text)
    );
}

async fn scenario_connect_errors() {
    let server = gssapi_server(GssapiAcceptor::for_service("mongodb@localhost")).await;
    let port = server.addr().port();

    // No ticket in the cache (this scenario's cache is empty), no password.
    let config: ClientConfig = uri("localhost", port, "").parse().unwrap();
    match mongo_auth::connect(&config).await {
        Err(Error::Gssapi(e @ GssapiError::Credentials { .. })) => eprintln!("{e}"),
        other => panic!("expected a ticket-cache error, got {other:?}"),
    }

    // A wrong password.
    let config = ClientConfig::builder()
        .host(format!("localhost:{port}"))
        .credential(mongo_auth::Auth::gssapi(Kdc::USER).password("not the password"))
        .build()
        .unwrap();
    let error = mongo_auth::connect(&config).await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::Gssapi(GssapiError::Credentials {
                source: CredentialSource::Password,
                ..
            })
        ),
        "{error:?}"
    );
    assert!(!error.to_string().contains("not the password"));

    // The right password, but a service this server has no key for: the server refuses.
    let config = ClientConfig::builder()
        .host(format!("localhost:{port}"))
        .credential(
            mongo_auth::Auth::gssapi(Kdc::USER)
                .password(password())
                .service_name("othersvc"),
        )
        .build()
        .unwrap();
    let error = mongo_auth::connect(&config).await.unwrap_err();
    assert!(error.is_authentication_failure(), "{error:?}");

    // A service principal the KDC does not know.
    let config = ClientConfig::builder()
        .host(format!("localhost:{port}"))
        .credential(
            mongo_auth::Auth::gssapi(Kdc::USER)
                .password(password())
                .service_name("nosuchsvc"),
        )
        .build()
        .unwrap();
    match mongo_auth::connect(&config).await {
        Err(Error::Gssapi(GssapiError::SecurityContext {
            service_principal, ..
        })) => assert_eq!(service_principal, "nosuchsvc@localhost"),
        other => panic!("expected an unknown-service error, got {other:?}"),
    }
    server.shutdown().await;
}

async fn scenario_pymongo() {
    let python = pymongo::python(pymongo::CURRENT).expect("checked by the test");
    let server = gssapi_server(GssapiAcceptor::any_service()).await;
    let port = server.addr().port().to_string();
    let output = tokio::process::Command::new(&python)
        .arg(pymongo::script("pymongo_gssapi.py"))
        .args([&port, Kdc::USER])
        .output()
        .await
        .expect("run PyMongo");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "PyMongo failed:\n{stdout}\n{stderr}"
    );
    eprintln!("{stdout}");
    let expected = format!("{}@$external", Kdc::USER);
    for case in [
        "ticket-cache",
        "service-name",
        "canonicalize-host-name",
        "service-host",
    ] {
        assert!(
            stdout
                .lines()
                .any(|line| line == format!("ok {case} {expected}")),
            "PyMongo case {case} missing:\n{stdout}"
        );
    }
    assert!(server.stats().authentications >= 4);
    server.shutdown().await;
}
