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
//! Kerberos reads its configuration and ticket cache from the environment (`KRB5_CONFIG`,
//! `KRB5CCNAME`, `KRB5_KTNAME`), which a multi-threaded test process cannot change safely. So each
//! test starts the shared KDC, prepares a ticket cache, and runs its scenario in a child process
//! of this test binary with that environment: the scenarios are the `#[ignore]`d `scenario_*` tests,
//! which refuse to run outside such a child.

use std::process::Command;
use std::sync::Arc;

use bson::doc;
use mongo_auth::{ClientConfig, Error};
use mongo_auth_test_server::{RunningServer, Server, ServerConfig, User};

use mongo_auth::Password;
use mongo_auth::core::{
    Canonicalize, Credential, GssapiProperties, Mechanism, MechanismProperties,
};
use mongo_auth::gssapi::{
    CredentialSource, GssapiError, SaslStepReply, SaslTransport, ServicePrincipal, authenticate,
};
use mongo_auth_test_server::gssapi::{AcceptorConversation, GssapiAcceptor, Kdc};
use mongo_auth_test_server::{SaslConversation, SaslStep};

#[cfg(feature = "tracing")]
use crate::support::events;

const CHILD: &str = "MONGO_AUTH_GSSAPI_SCENARIO";

// ------------------------------------------------------------------------------------------------
// The parent side: one test per scenario.

/// Runs the scenario test `name` in a child process with the KDC's environment, `ccache` as the
/// ticket cache and `extra` variables; fails with the child's output when the scenario fails.
fn run_scenario(name: &str, ccache: &str, extra: &[(&str, &str)]) {
    let kdc = Kdc::shared();
    let output = Command::new(std::env::current_exe().expect("the test binary's path"))
        .args([
            &crate::support::test_path_in(module_path!(), name),
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .envs(kdc.env())
        .env("KRB5CCNAME", ccache)
        .env(CHILD, name)
        .envs(extra.iter().copied())
        .output()
        .expect("run the scenario in a child process");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.contains("1 passed"),
        "scenario {name} failed ({}):\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
        output.status
    );
}

fn kinit(name: &str, principal: &str) -> String {
    let kdc = Kdc::shared();
    let ccache = kdc.new_ccache(name);
    kdc.kinit(&ccache, principal, None).expect("kinit");
    ccache
}

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
    run_scenario(
        "scenario_ticket_cache",
        &kinit("ticket-cache", Kdc::USER),
        &[],
    );
}

#[test]
fn password_without_kinit() {
    let ccache = Kdc::shared().new_ccache("password-untouched");
    run_scenario(
        "scenario_password",
        &ccache,
        &[("SCENARIO_CCACHE", &ccache)],
    );
}

#[test]
fn service_name_other_than_the_default() {
    run_scenario(
        "scenario_service_name",
        &kinit("service-name", Kdc::USER),
        &[],
    );
}

#[test]
fn service_host() {
    run_scenario(
        "scenario_service_host",
        &kinit("service-host", Kdc::USER),
        &[],
    );
}

#[test]
fn service_realm_across_realms() {
    run_scenario(
        "scenario_service_realm",
        &kinit("service-realm", Kdc::USER),
        &[],
    );
}

#[test]
fn canonicalize_host_name_through_the_system_resolver() {
    run_scenario(
        "scenario_canonicalize",
        &kinit("canonicalize", Kdc::USER),
        &[],
    );
}

#[test]
fn wrong_password() {
    let ccache = Kdc::shared().new_ccache("wrong-password");
    run_scenario("scenario_wrong_password", &ccache, &[]);
}

#[test]
fn missing_ticket() {
    let ccache = Kdc::shared().new_ccache("missing");
    run_scenario("scenario_missing_ticket", &ccache, &[]);
}

#[test]
fn expired_ticket() {
    let kdc = Kdc::shared();
    let ccache = kdc.new_ccache("expired");
    kdc.kinit(&ccache, Kdc::SHORT_LIVED_USER, None)
        .expect("kinit");
    // The principal's tickets last 2 seconds: wait until the cache reports the ticket expired and
    // the KDC refuses it (one second of clock skew later).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while kdc.has_valid_ticket(&ccache) || !kdc.refuses_as_expired(&ccache) {
        assert!(
            std::time::Instant::now() < deadline,
            "the 2-second ticket never expired"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    run_scenario("scenario_expired_ticket", &ccache, &[]);
}

#[test]
fn unknown_service_principal() {
    run_scenario(
        "scenario_unknown_service",
        &kinit("unknown-service", Kdc::USER),
        &[],
    );
}

#[test]
fn wrong_authorization_identity_is_refused_by_the_acceptor() {
    run_scenario("scenario_wrong_authzid", &kinit("authzid", Kdc::USER), &[]);
}

#[test]
fn hostile_server_replies_are_clear_errors() {
    run_scenario("scenario_hostile_server", &kinit("hostile", Kdc::USER), &[]);
}

#[test]
fn connect_through_the_conformance_server() {
    run_scenario("scenario_connect", &kinit("connect", Kdc::USER), &[]);
}

#[cfg(feature = "tracing")]
#[test]
fn events_of_a_gssapi_handshake_hold_no_secret() {
    run_scenario("scenario_events", &kinit("events", Kdc::USER), &[]);
}

#[test]
fn connect_errors_through_the_conformance_server() {
    let ccache = Kdc::shared().new_ccache("connect-errors");
    run_scenario("scenario_connect_errors", &ccache, &[]);
}

/// The Python with PyMongo's Kerberos extra, or `None` (with the reason printed) when it is not
/// configured outside CI.
fn python() -> Option<String> {
    match std::env::var("MONGO_AUTH_PYTHON") {
        Ok(path) if !path.is_empty() => Some(path),
        _ if std::env::var_os("CI").is_some() => panic!(
            "MONGO_AUTH_PYTHON is not set but CI is: run scripts/test-all.sh (it creates the \
             PyMongo virtualenv with pymongo[gssapi] and sets MONGO_AUTH_PYTHON)"
        ),
        _ => {
            eprintln!(
                "skipping: MONGO_AUTH_PYTHON is not set (run scripts/python-clients.sh and point \
                 it at target/py/current/bin/python, or run scripts/test-all.sh)"
            );
            None
        }
    }
}

#[test]
fn pymongo_with_its_kerberos_extra() {
    let Some(python) = python() else { return };
    run_scenario(
        "scenario_pymongo",
        &kinit("pymongo", Kdc::USER),
        &[("SCENARIO_PYTHON", &python)],
    );
}

// ------------------------------------------------------------------------------------------------
// The child side: the scenarios.

fn in_scenario() {
    assert!(
        std::env::var_os(CHILD).is_some(),
        "this scenario runs in a child process prepared by its parent test (run the tests of \
         e2e_gssapi without --ignored)"
    );
}

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

#[tokio::test]
#[ignore = "a scenario of `ticket_cache`"]
async fn scenario_ticket_cache() {
    in_scenario();
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

#[tokio::test]
#[ignore = "a scenario of `password_without_kinit`"]
async fn scenario_password() {
    in_scenario();
    let credential = credential(Kdc::USER, Some(&password()), GssapiProperties::default());
    let (result, transport) = run(GssapiAcceptor::any_service(), &credential, "localhost").await;
    result.expect("authenticated with the password");
    assert_eq!(transport.principal.as_deref(), Some(Kdc::USER));
    // The tickets went to a private in-memory cache: the ticket cache was never created.
    let ccache = std::env::var("SCENARIO_CCACHE").unwrap();
    let path = ccache.strip_prefix("FILE:").unwrap();
    assert!(!std::path::Path::new(path).exists(), "{path} was written");
}

#[tokio::test]
#[ignore = "a scenario of `service_name_other_than_the_default`"]
async fn scenario_service_name() {
    in_scenario();
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

#[tokio::test]
#[ignore = "a scenario of `service_host`"]
async fn scenario_service_host() {
    in_scenario();
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

#[tokio::test]
#[ignore = "a scenario of `service_realm_across_realms`"]
async fn scenario_service_realm() {
    in_scenario();
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

#[tokio::test]
#[ignore = "a scenario of `canonicalize_host_name_through_the_system_resolver`"]
async fn scenario_canonicalize() {
    in_scenario();
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

#[tokio::test]
#[ignore = "a scenario of `wrong_password`"]
async fn scenario_wrong_password() {
    in_scenario();
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

#[tokio::test]
#[ignore = "a scenario of `missing_ticket`"]
async fn scenario_missing_ticket() {
    in_scenario();
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

#[tokio::test]
#[ignore = "a scenario of `expired_ticket`"]
async fn scenario_expired_ticket() {
    in_scenario();
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

#[tokio::test]
#[ignore = "a scenario of `unknown_service_principal`"]
async fn scenario_unknown_service() {
    in_scenario();
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

#[tokio::test]
#[ignore = "a scenario of `wrong_authorization_identity_is_refused_by_the_acceptor`"]
async fn scenario_wrong_authzid() {
    in_scenario();
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

#[tokio::test]
#[ignore = "a scenario of `hostile_server_replies_are_clear_errors`"]
async fn scenario_hostile_server() {
    in_scenario();
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
    Server::start(
        ServerConfig::new()
            .sasl_mechanism(Arc::new(acceptor))
            .user(User::gssapi(Kdc::USER)),
    )
    .await
    .expect("the conformance server starts")
}

async fn external_users(connection: &mut mongo_auth::Connection) -> Vec<String> {
    let status = connection
        .run_command("admin", doc! { "connectionStatus": 1 })
        .await
        .expect("connectionStatus");
    status
        .get_document("authInfo")
        .unwrap()
        .get_array("authenticatedUsers")
        .unwrap()
        .iter()
        .filter_map(|u| u.as_document())
        .map(|u| {
            format!(
                "{}@{}",
                u.get_str("user").unwrap(),
                u.get_str("db").unwrap()
            )
        })
        .collect()
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a scenario of `connect_through_the_conformance_server`"]
async fn scenario_connect() {
    in_scenario();
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
        assert_eq!(external_users(&mut connection).await, expected, "{uri}");
    }

    // The typed builder, with the password instead of the ticket cache.
    let config = ClientConfig::builder()
        .host(format!("localhost:{port}"))
        .credential(mongo_auth::Credential::gssapi(Kdc::USER).password(password()))
        .build()
        .expect("a GSSAPI configuration");
    let mut connection = mongo_auth::connect(&config)
        .await
        .expect("password credential");
    assert_eq!(external_users(&mut connection).await, expected);
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
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a scenario of `events_of_a_gssapi_handshake_hold_no_secret`"]
async fn scenario_events() {
    in_scenario();
    let captured = events::captured();

    let server = gssapi_server(GssapiAcceptor::any_service()).await;
    let port = server.addr().port();
    // the ticket cache, then the password, then a wrong password
    let config: ClientConfig = uri("localhost", port, "").parse().unwrap();
    mongo_auth::connect(&config).await.expect("ticket cache");
    let with_password = |password: String| {
        ClientConfig::builder()
            .host(format!("localhost:{port}"))
            .credential(mongo_auth::Credential::gssapi(Kdc::USER).password(password))
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a scenario of `connect_errors_through_the_conformance_server`"]
async fn scenario_connect_errors() {
    in_scenario();
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
        .credential(mongo_auth::Credential::gssapi(Kdc::USER).password("not the password"))
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
            mongo_auth::Credential::gssapi(Kdc::USER)
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
            mongo_auth::Credential::gssapi(Kdc::USER)
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a scenario of `pymongo_with_its_kerberos_extra`"]
async fn scenario_pymongo() {
    in_scenario();
    let python = std::env::var("SCENARIO_PYTHON").unwrap();
    let server = gssapi_server(GssapiAcceptor::any_service()).await;
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/python/pymongo_gssapi.py"
    );
    let port = server.addr().port().to_string();
    let output = tokio::process::Command::new(&python)
        .args([script, &port, Kdc::USER])
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
