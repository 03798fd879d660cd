//! MONGODB-OIDC end to end: the authenticator against the conformance server, which verifies RS256
//! JWTs signed by a test issuer (signature, issuer, audience, expiry; `sub` names the user). Tokens
//! come from the built-in environments: `azure` and `gcp` from the cloud metadata stand-in on
//! 127.0.0.1 (in process), `test` and `k8s` from a file an environment variable names (in a child
//! process, which has its own variables).

use std::sync::Arc;

use mongo_auth::config::OidcEnvironment;
use mongo_auth::{Auth, Authenticator, ClientConfig, Error, Mechanism};
use mongo_auth_test_server::oidc::{CloudMetadataEndpoint, OidcIdp, OidcIssuer, Seen};
use mongo_auth_test_server::{RunningServer, Server, ServerConfig, User};

use crate::support::child::in_child;
use crate::support::test_path;

const USER: &str = "app";
const RESOURCE: &str = "api://mongo-auth-tests";

/// The demo issuer, an identity provider trusting it, and a server with that provider.
async fn demo() -> (OidcIssuer, OidcIdp, RunningServer) {
    let issuer = OidcIssuer::demo();
    let idp = OidcIdp::trusting(&issuer);
    let server = server(&idp).await;
    (issuer, idp, server)
}

async fn server(idp: &OidcIdp) -> RunningServer {
    Server::start(
        ServerConfig::new()
            .user(User::oidc(USER))
            .require_auth(true)
            .sasl_mechanism(Arc::new(idp.clone())),
    )
    .await
    .expect("start the conformance server")
}

/// A MONGODB-OIDC configuration for `server`: `userinfo` (`""` or `user@`) and the
/// `authMechanismProperties`.
fn oidc_config(server: &RunningServer, userinfo: &str, properties: &str) -> ClientConfig {
    format!(
        "mongodb://{userinfo}{}/?authMechanism=MONGODB-OIDC&authMechanismProperties={properties}",
        server.addr()
    )
    .parse()
    .expect("a valid connection string")
}

/// The builder's configuration of `credential` for `server`.
fn from_builder(
    server: &RunningServer,
    credential: mongo_auth::config::OidcCredential,
) -> ClientConfig {
    ClientConfig::builder()
        .host(server.addr().to_string())
        .credential(credential)
        .build()
        .expect("a valid configuration")
}

/// An authenticator for `ENVIRONMENT:azure` asking `endpoint`.
fn azure(server: &RunningServer, endpoint: &CloudMetadataEndpoint) -> Authenticator {
    let config = oidc_config(
        server,
        "",
        &format!("ENVIRONMENT:azure,TOKEN_RESOURCE:{RESOURCE}"),
    );
    Authenticator::new(&config)
        .expect("an authenticator")
        .with_oidc_metadata_endpoint(format!("http://{}", endpoint.addr()))
}

async fn user_of(connection: &mut mongo_auth::Connection) -> String {
    let status = connection
        .run_command("admin", bson::doc! { "connectionStatus": 1 })
        .await
        .expect("connectionStatus");
    let users = status
        .get_document("authInfo")
        .and_then(|info| info.get_array("authenticatedUsers"))
        .expect("authInfo.authenticatedUsers")
        .clone();
    format!("{users:?}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oidc_machine_flow_takes_two_round_trips_then_one_with_the_cached_token() {
    let (issuer, _, server) = demo().await;
    let endpoint = CloudMetadataEndpoint::start(issuer.token(USER))
        .await
        .unwrap();
    let authenticator = azure(&server, &endpoint);

    let mut first = authenticator.connect().await.expect("authenticates");
    assert_eq!(
        first.authenticated_mechanism(),
        Some(Mechanism::MongodbOidc)
    );
    // hello, then saslStart {jwt}: nothing cached yet, so nothing to speculate with
    assert_eq!(first.handshake_round_trips(), 2);
    assert!(user_of(&mut first).await.contains(USER));

    // the cached token rides in the hello: authenticated in one round trip
    let second = authenticator.connect().await.expect("authenticates");
    assert_eq!(second.handshake_round_trips(), 1);
    assert_eq!(server.connections()[1].speculative, 1);
    // connect_and_ping: the ping goes out with that hello, still one round trip
    let third = authenticator
        .connect_and_ping()
        .await
        .expect("authenticates and pings");
    assert_eq!(third.handshake_round_trips(), 1);
    let record = &server.connections()[2];
    assert_eq!(record.commands.len(), 2, "{:?}", record.commands);
    assert_eq!(record.commands[1], "ping");
    assert_eq!((record.speculative, record.read_ahead), (1, 1));
    assert_eq!(authenticator.oidc_token_fetches(), 1);
    assert_eq!(endpoint.requests().len(), 1);
    let request = &endpoint.requests()[0];
    assert!(
        request.starts_with(
            "GET /metadata/identity/oauth2/token?api-version=2018-02-01&resource=api%3A%2F%2Fmongo-auth-tests"
        ) && !request.contains("client_id"),
        "{request}"
    );
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oidc_fifty_concurrent_connections_fetch_one_token() {
    let (issuer, _, server) = demo().await;
    let endpoint = CloudMetadataEndpoint::start(issuer.token(USER))
        .await
        .unwrap();
    let authenticator = Arc::new(azure(&server, &endpoint));
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let authenticator = Arc::clone(&authenticator);
            tokio::spawn(async move { authenticator.connect().await })
        })
        .collect();
    for task in tasks {
        task.await.expect("no panic").expect("authenticates");
    }
    assert_eq!(authenticator.oidc_token_fetches(), 1);
    assert_eq!(endpoint.requests().len(), 1);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oidc_a_refused_cached_token_is_invalidated_and_fetched_again() {
    let (issuer, idp, server) = demo().await;
    // the provider first hands out an expired token: refused (code 18) and reported, as the
    // spec says for a fresh token
    let endpoint = CloudMetadataEndpoint::start(issuer.expired_token(USER))
        .await
        .unwrap();
    let authenticator = azure(&server, &endpoint);
    match authenticator.connect().await {
        Err(Error::Authentication(refused)) => {
            assert_eq!(refused.code, Some(18));
            assert_eq!(refused.mechanism, Mechanism::MongodbOidc);
        }
        other => panic!("expected an authentication failure, got {other:?}"),
    }
    assert_eq!(authenticator.oidc_token_fetches(), 1);

    // the next connection speculates with the cached (expired) token, is refused again, drops
    // it from the cache and fetches the provider's new one
    endpoint.set_token(issuer.token(USER));
    let connection = authenticator.connect().await.expect("authenticates");
    assert_eq!(authenticator.oidc_token_fetches(), 2);
    // hello (speculative, refused), saslStart with the cached token (18), saslStart with the new
    assert_eq!(connection.handshake_round_trips(), 3);
    let seen = idp.seen();
    assert_eq!(
        seen,
        [
            Seen::OneStep { accepted: false },
            Seen::OneStep { accepted: false },
            Seen::OneStep { accepted: false },
            Seen::OneStep { accepted: true },
        ]
    );
    // and the good token is the cached one now
    assert_eq!(
        authenticator
            .connect()
            .await
            .unwrap()
            .handshake_round_trips(),
        1
    );
    server.shutdown().await;
}

/// `connect_and_ping` sends the ping behind the `{jwt}` step: with nothing cached, hello then
/// `saslStart {jwt}` + ping, two round trips; when the server refuses the cached token, the ping
/// goes again behind the `{jwt}` of the new one, and only the last one's answer is checked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oidc_connect_and_ping_sends_the_ping_behind_the_jwt_step() {
    let (issuer, _, server) = demo().await;
    let endpoint = CloudMetadataEndpoint::start(issuer.token(USER))
        .await
        .unwrap();
    let authenticator = azure(&server, &endpoint);
    let mut first = authenticator
        .connect_and_ping()
        .await
        .expect("authenticates and pings");
    assert_eq!(first.handshake_round_trips(), 2);
    let record = server.connections().pop().unwrap();
    assert_eq!(record.commands, ["isMaster", "saslStart", "ping"]);
    assert_eq!((record.speculative, record.read_ahead), (0, 1));
    assert!(user_of(&mut first).await.contains(USER));

    // a cached token the server has come to refuse: hello (speculative, refused) + ping,
    // saslStart with it (18) + ping, saslStart with the provider's new token + ping
    let (issuer, _, server) = demo().await;
    let endpoint = CloudMetadataEndpoint::start(issuer.expired_token(USER))
        .await
        .unwrap();
    let authenticator = azure(&server, &endpoint);
    assert!(matches!(
        authenticator.connect_and_ping().await,
        Err(Error::Authentication(_))
    ));
    endpoint.set_token(issuer.token(USER));
    let before = server.connections().len();
    let mut connection = authenticator
        .connect_and_ping()
        .await
        .expect("authenticates and pings");
    assert_eq!(connection.handshake_round_trips(), 3);
    assert_eq!(authenticator.oidc_token_fetches(), 2);
    let record = server.connections()[before].clone();
    assert_eq!(
        record.commands,
        ["isMaster", "ping", "saslStart", "ping", "saslStart", "ping"]
    );
    // (no authentication completed in the hello: its step was refused)
    assert_eq!((record.speculative, record.read_ahead), (0, 3));
    assert!(user_of(&mut connection).await.contains(USER));
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oidc_wrong_audience_and_unknown_subject_are_refused() {
    let (issuer, _, server) = demo().await;
    for token in [
        issuer.token_for_audience(USER, "another-api"),
        issuer.token("nobody"),
    ] {
        let endpoint = CloudMetadataEndpoint::start(token.clone()).await.unwrap();
        let error = azure(&server, &endpoint)
            .connect()
            .await
            .expect_err("refused");
        assert!(
            matches!(&error, Error::Authentication(e) if e.code == Some(18)),
            "{error:?}"
        );
        let shown = format!("{error} {error:?}");
        assert!(!shown.contains(&token), "the token leaked: {shown}");
    }
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oidc_reauthentication_required_reruns_sasl_and_retries_the_command() {
    let (issuer, _, server) = demo().await;
    let endpoint = CloudMetadataEndpoint::start(issuer.token(USER))
        .await
        .unwrap();
    let authenticator = azure(&server, &endpoint);
    let mut connection = authenticator.connect().await.expect("authenticates");
    server.require_reauthentication();
    let reply = connection
        .run_command("admin", bson::doc! { "ping": 1 })
        .await
        .expect("the command succeeds after reauthentication");
    assert_eq!(reply.get_f64("ok").unwrap(), 1.0);
    assert_eq!(connection.reauthentications(), 1);
    // the connection's token was dropped from the cache and a new one fetched
    assert_eq!(authenticator.oidc_token_fetches(), 2);
    let commands = &server.connections()[0].commands;
    assert_eq!(
        commands,
        &["isMaster", "saslStart", "ping", "saslStart", "ping"],
        "no hello during reauthentication"
    );
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oidc_azure_sends_the_client_id_and_gcp_its_audience() {
    let (issuer, _, server) = demo().await;
    let endpoint = CloudMetadataEndpoint::start(issuer.token(USER))
        .await
        .unwrap();

    // the builder says what the string says
    let config = oidc_config(
        &server,
        "managed-identity-id@",
        &format!("ENVIRONMENT:azure,TOKEN_RESOURCE:{RESOURCE}"),
    );
    let built = from_builder(
        &server,
        Auth::oidc()
            .username("managed-identity-id")
            .environment(OidcEnvironment::Azure {
                token_resource: RESOURCE.into(),
            }),
    );
    assert_eq!(built, config);
    let azure = Authenticator::new(&built)
        .unwrap()
        .with_oidc_metadata_endpoint(format!("http://{}", endpoint.addr()));
    azure.connect().await.expect("azure authenticates");

    let config = oidc_config(
        &server,
        "",
        &format!("ENVIRONMENT:gcp,TOKEN_RESOURCE:{RESOURCE}"),
    );
    let built = from_builder(
        &server,
        Auth::oidc().environment(OidcEnvironment::Gcp {
            token_resource: RESOURCE.into(),
        }),
    );
    assert_eq!(built, config);
    for (environment, name) in [
        (OidcEnvironment::Test, "test"),
        (OidcEnvironment::K8s, "k8s"),
    ] {
        assert_eq!(
            from_builder(&server, Auth::oidc().environment(environment)),
            oidc_config(&server, "", &format!("ENVIRONMENT:{name}"))
        );
    }
    let gcp = Authenticator::new(&built)
        .unwrap()
        .with_oidc_metadata_endpoint(format!("http://{}", endpoint.addr()));
    let mut connection = gcp.connect().await.expect("gcp authenticates");
    assert!(user_of(&mut connection).await.contains(USER));
    let requests = endpoint.requests();
    assert!(
        requests[0].ends_with("&client_id=managed-identity-id"),
        "{requests:?}"
    );
    assert_eq!(
        requests[1],
        "GET /computeMetadata/v1/instance/service-accounts/default/identity?audience=api%3A%2F%2Fmongo-auth-tests"
    );
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oidc_a_metadata_refusal_is_a_credential_error_with_the_body() {
    // no endpoint: connection refused → an I/O error naming the endpoint
    let (issuer, _, server) = demo().await;
    let endpoint = CloudMetadataEndpoint::start(issuer.token(USER))
        .await
        .unwrap();
    let config = oidc_config(
        &server,
        "",
        &format!("ENVIRONMENT:azure,TOKEN_RESOURCE:{RESOURCE}"),
    );
    // a wrong path prefix makes the stand-in answer 404
    let authenticator = Authenticator::new(&config)
        .unwrap()
        .with_oidc_metadata_endpoint(format!("http://{}/nowhere", endpoint.addr()));
    match authenticator.connect().await {
        Err(Error::Credential(e)) => assert!(e.problem.contains("HTTP 404"), "{e}"),
        other => panic!("expected a credential error, got {other:?}"),
    }
    server.shutdown().await;
}

const TOKEN_FILE: &str = "OIDC_TOKEN_FILE";

fn token_path(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("mongo-auth-oidc-{}-{name}", std::process::id()))
}

#[test]
fn oidc_environment_test_reads_oidc_token_file() {
    let path = token_path("test");
    in_child(
        &test_path!("oidc_environment_test_reads_oidc_token_file"),
        |command| {
            command.env(TOKEN_FILE, &path);
        },
        || {
            crate::support::runtime().block_on(async {
                let (issuer, _, server) = demo().await;
                let path = std::env::var(TOKEN_FILE).unwrap();
                let config = oidc_config(&server, "", "ENVIRONMENT:test");

                // no file yet: a credential error naming the file, no token
                let error = Authenticator::new(&config)
                    .unwrap()
                    .connect()
                    .await
                    .expect_err("no token file");
                assert!(
                    matches!(&error, Error::Credential(e) if e.problem.contains(&path)),
                    "{error:?}"
                );

                std::fs::write(&path, format!("{}\n", issuer.token(USER))).unwrap();
                let authenticator = Authenticator::new(&config).unwrap();
                let mut connection = authenticator.connect().await.expect("authenticates");
                assert_eq!(connection.handshake_round_trips(), 2);
                assert!(user_of(&mut connection).await.contains(USER));
                std::fs::remove_file(&path).unwrap();
                server.shutdown().await;
            });
        },
    );
}

#[test]
fn oidc_environment_k8s_reads_the_service_account_token_a_variable_names() {
    let path = token_path("k8s");
    in_child(
        &test_path!("oidc_environment_k8s_reads_the_service_account_token_a_variable_names"),
        |command| {
            command
                .env("AWS_WEB_IDENTITY_TOKEN_FILE", &path)
                .env_remove("AZURE_FEDERATED_TOKEN_FILE");
        },
        || {
            crate::support::runtime().block_on(async {
                let (issuer, _, server) = demo().await;
                let path = std::env::var("AWS_WEB_IDENTITY_TOKEN_FILE").unwrap();
                std::fs::write(&path, issuer.token(USER)).unwrap();
                let config = oidc_config(&server, "", "ENVIRONMENT:k8s");
                let mut connection = Authenticator::new(&config)
                    .unwrap()
                    .connect()
                    .await
                    .expect("authenticates");
                assert!(user_of(&mut connection).await.contains(USER));
                std::fs::remove_file(&path).unwrap();
                server.shutdown().await;
            });
        },
    );
}

// ---- callbacks given in code ----------------------------------------------------------------------

use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use mongo_auth::mechanism::oidc::{
    CALLBACK_API_VERSION, OidcCallback, OidcCallbackParams, OidcCallbackResult, OidcTokens,
};

/// A callback that mints tokens from the test issuer and records every call.
struct Minting {
    issuer: OidcIssuer,
    subject: &'static str,
    calls: Mutex<Vec<(Instant, OidcCallbackParams)>>,
    refresh_token: Option<&'static str>,
    hang: bool,
    /// How long each call takes (a person signing in).
    delay: Duration,
}

impl Minting {
    fn new(issuer: OidcIssuer) -> Self {
        Self {
            issuer,
            subject: USER,
            calls: Mutex::default(),
            refresh_token: None,
            hang: false,
            delay: Duration::ZERO,
        }
    }

    fn calls(&self) -> Vec<(Instant, OidcCallbackParams)> {
        self.calls.lock().unwrap().clone()
    }
}

impl OidcCallback for Minting {
    fn call(
        &self,
        params: OidcCallbackParams,
    ) -> Pin<Box<dyn Future<Output = OidcCallbackResult> + Send + '_>> {
        self.calls.lock().unwrap().push((Instant::now(), params));
        Box::pin(async move {
            if self.hang {
                std::future::pending::<()>().await;
            }
            tokio::time::sleep(self.delay).await;
            if self.subject.is_empty() {
                return Err("the identity provider is down".into());
            }
            let mut credential = OidcTokens::new(self.issuer.token(self.subject))
                .expires_in(Duration::from_secs(3600));
            if let Some(refresh) = self.refresh_token {
                credential = credential.refresh_token(refresh);
            }
            Ok(credential)
        })
    }
}

fn callback_config(server: &RunningServer, username: Option<&str>) -> ClientConfig {
    let credential = match username {
        Some(username) => Auth::oidc().username(username),
        None => Auth::oidc(),
    };
    ClientConfig::builder()
        .host(server.addr().to_string())
        .credential(credential)
        .connect_timeout(Duration::from_secs(5))
        .build()
        .expect("a valid configuration")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oidc_machine_callback_is_called_once_for_fifty_connections_with_version_1() {
    let (_, _, server) = demo().await;
    let callback = Arc::new(Minting::new(OidcIssuer::demo()));
    let authenticator = Arc::new(
        Authenticator::new(&callback_config(&server, Some("client-app")))
            .unwrap()
            .with_oidc_callback(callback.clone()),
    );
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let authenticator = Arc::clone(&authenticator);
            tokio::spawn(async move { authenticator.connect().await })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().expect("authenticates");
    }
    let calls = callback.calls();
    assert_eq!(calls.len(), 1);
    let params = &calls[0].1;
    assert_eq!(params.version, CALLBACK_API_VERSION);
    assert_eq!(params.username.as_deref(), Some("client-app"));
    assert!(params.idp_info.is_none() && params.refresh_token.is_none());
    // min(connectTimeoutMS, 1 minute)
    assert!(params.timeout <= Duration::from_secs(60), "{params:?}");

    // two reauthentications in a row: each drops the token and calls again, 100 ms apart at least
    let mut connection = authenticator.connect().await.unwrap();
    for _ in 0..2 {
        server.require_reauthentication();
        connection
            .run_command("admin", bson::doc! { "ping": 1 })
            .await
            .expect("reauthenticated");
    }
    let calls = callback.calls();
    assert_eq!(calls.len(), 3);
    assert!(calls[2].0.duration_since(calls[1].0) >= Duration::from_millis(100));
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oidc_callback_failures_and_misconfigurations_are_reported() {
    let (_, _, server) = demo().await;

    // the callback fails: a credential error with its text
    let mut failing = Minting::new(OidcIssuer::demo());
    failing.subject = "";
    let error = Authenticator::new(&callback_config(&server, None))
        .unwrap()
        .with_oidc_callback(Arc::new(failing))
        .connect()
        .await
        .expect_err("no token");
    assert!(
        matches!(&error, Error::Credential(e) if e.problem.contains("the identity provider is down")),
        "{error:?}"
    );

    // the callback hangs: abandoned at the connection's deadline
    let mut hanging = Minting::new(OidcIssuer::demo());
    hanging.hang = true;
    let config = ClientConfig::builder()
        .host(server.addr().to_string())
        .credential(Auth::oidc())
        .connect_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let error = Authenticator::new(&config)
        .unwrap()
        .with_oidc_callback(Arc::new(hanging))
        .connect()
        .await
        .expect_err("abandoned");
    assert!(matches!(error, Error::Timeout(_)), "{error:?}");

    // no callback for a credential that needs one
    let error = Authenticator::new(&callback_config(&server, None))
        .unwrap()
        .connect()
        .await
        .expect_err("no token source");
    assert!(
        matches!(&error, Error::NotSupported(e) if e.what.contains("with_oidc_callback")),
        "{error:?}"
    );

    // a callback and ENVIRONMENT both
    let config = oidc_config(&server, "", "ENVIRONMENT:test");
    let error = Authenticator::new(&config)
        .unwrap()
        .with_oidc_callback(Arc::new(Minting::new(OidcIssuer::demo())))
        .connect()
        .await
        .expect_err("both");
    assert!(
        matches!(&error, Error::NotSupported(e) if e.what.contains("both")),
        "{error:?}"
    );
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oidc_human_flow_gets_idp_info_then_uses_the_refresh_token() {
    let issuer = OidcIssuer::demo();
    let idp = OidcIdp::trusting(&issuer).idp_info("human-client", &["openid", "offline_access"]);
    let server = server(&idp).await;
    let mut human = Minting::new(OidcIssuer::demo());
    human.refresh_token = Some("refresh-1");
    let human = Arc::new(human);
    let authenticator = Authenticator::new(&callback_config(&server, Some(USER)))
        .unwrap()
        .with_oidc_human_callback(human.clone());

    // two steps: hello, saslStart {n}, saslContinue {jwt}
    let mut connection = authenticator.connect().await.expect("authenticates");
    assert_eq!(connection.handshake_round_trips(), 3);
    let calls = human.calls();
    assert_eq!(calls.len(), 1);
    let info = calls[0].1.idp_info.clone().expect("IdpInfo passed");
    assert_eq!(info.issuer, mongo_auth_test_server::oidc::DEMO_ISSUER);
    assert_eq!(info.client_id.as_deref(), Some("human-client"));
    assert_eq!(info.request_scopes, ["openid", "offline_access"]);
    assert!(calls[0].1.refresh_token.is_none());
    assert_eq!(calls[0].1.timeout, Duration::from_secs(300));

    // the cached token: one round trip
    assert_eq!(
        authenticator
            .connect()
            .await
            .unwrap()
            .handshake_round_trips(),
        1
    );

    // reauthentication drops the access token; the refresh token and the IdpInfo are used, in one
    // step
    server.require_reauthentication();
    connection
        .run_command("admin", bson::doc! { "ping": 1 })
        .await
        .expect("reauthenticated");
    let calls = human.calls();
    assert_eq!(calls.len(), 2);
    assert_eq!(
        calls[1].1.refresh_token.as_ref().map(|t| t.expose()),
        Some("refresh-1")
    );
    assert!(calls[1].1.idp_info.is_some());
    assert_eq!(
        idp.seen(),
        [
            Seen::PrincipalStep {
                principal: Some(USER.into())
            },
            Seen::JwtStep { accepted: true },
            Seen::OneStep { accepted: true },
            Seen::OneStep { accepted: true },
        ]
    );
    server.shutdown().await;
}

/// A server whose identity provider answers the human flow's principal step with an `IdpInfo`.
async fn human_flow_server() -> RunningServer {
    let issuer = OidcIssuer::demo();
    server(&OidcIdp::trusting(&issuer).idp_info("human-client", &["openid"])).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oidc_a_human_sign_in_is_not_cut_short_by_the_connections_deadline() {
    let server = human_flow_server().await;
    let mut human = Minting::new(OidcIssuer::demo());
    human.refresh_token = Some("refresh-1");
    // each sign-in takes longer than connectTimeoutMS and the operation timeout below
    human.delay = Duration::from_millis(700);
    let human = Arc::new(human);
    let config = ClientConfig::builder()
        .host(server.addr().to_string())
        .credential(Auth::oidc().username(USER))
        .connect_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let authenticator = Authenticator::new(&config)
        .unwrap()
        .with_oidc_human_callback(human.clone());
    let mut connection = authenticator.connect().await.expect("authenticates");
    assert_eq!(connection.handshake_round_trips(), 3);

    // a reauthentication's refresh takes as long, beyond the operation timeout
    connection.set_operation_timeout(Duration::from_millis(200));
    server.require_reauthentication();
    connection
        .run_command("admin", bson::doc! { "ping": 1 })
        .await
        .expect("reauthenticated");
    assert_eq!(human.calls().len(), 2);

    // a person who takes long is waited for: five minutes, not connectTimeoutMS
    let hanging = Authenticator::new(&config)
        .unwrap()
        .with_oidc_human_callback(Arc::new(Minting {
            hang: true,
            ..Minting::new(OidcIssuer::demo())
        }));
    assert!(
        tokio::time::timeout(Duration::from_secs(1), hanging.connect())
            .await
            .is_err(),
        "a hanging human callback is given its five minutes, not connectTimeoutMS"
    );
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oidc_machine_callback_gets_the_time_left_of_the_connection() {
    let (_, _, server) = demo().await;
    let check = |config: ClientConfig, at_most: Duration, at_least: Duration| {
        let callback = Arc::new(Minting::new(OidcIssuer::demo()));
        async move {
            Authenticator::new(&config)
                .unwrap()
                .with_oidc_callback(callback.clone())
                .connect()
                .await
                .expect("authenticates");
            let timeout = callback.calls()[0].1.timeout;
            assert!(
                timeout <= at_most && timeout >= at_least,
                "{timeout:?} not in {at_least:?}..={at_most:?}"
            );
        }
    };
    let builder = || {
        ClientConfig::builder()
            .host(server.addr().to_string())
            .credential(Auth::oidc())
    };
    // connectTimeoutMS: what is left of it
    let config = builder()
        .connect_timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    check(config, Duration::from_secs(2), Duration::from_secs(1)).await;
    // no connectTimeoutMS: the handshake timeout, at most a minute
    let config = builder()
        .connect_timeout(Duration::ZERO)
        .handshake_timeout(Duration::from_secs(600))
        .build()
        .unwrap();
    check(config, Duration::from_secs(60), Duration::from_secs(59)).await;
    // timeoutMS: what is left of the nearer of it and connectTimeoutMS, with no one-minute cap
    let config = builder()
        .timeout(Duration::from_millis(1500))
        .build()
        .unwrap();
    check(
        config,
        Duration::from_millis(1500),
        Duration::from_millis(500),
    )
    .await;
    let config = builder()
        .connect_timeout(Duration::ZERO)
        .handshake_timeout(Duration::from_secs(600))
        .timeout(Duration::from_secs(120))
        .build()
        .unwrap();
    check(config, Duration::from_secs(120), Duration::from_secs(61)).await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oidc_allowed_hosts_given_in_code_decide_where_a_human_token_goes() {
    let server = human_flow_server().await;
    let human = Arc::new(Minting::new(OidcIssuer::demo()));
    let config = callback_config(&server, Some(USER));

    // 127.0.0.1 is not in the list given: refused before the callback runs
    let error = Authenticator::new(&config)
        .unwrap()
        .with_oidc_human_callback(human.clone())
        .with_oidc_allowed_hosts(["*.corp.example"])
        .connect()
        .await
        .expect_err("not an allowed host");
    assert!(
        matches!(&error, Error::NotSupported(e) if e.what.contains("allowed hosts (*.corp.example)")),
        "{error:?}"
    );
    assert!(human.calls().is_empty());

    // the list names it (case does not matter)
    Authenticator::new(&config)
        .unwrap()
        .with_oidc_human_callback(human.clone())
        .with_oidc_allowed_hosts(vec!["db.corp.example".to_owned(), "127.0.0.1".to_owned()])
        .connect()
        .await
        .expect("an allowed host");
    assert_eq!(human.calls().len(), 1);
    server.shutdown().await;
}
