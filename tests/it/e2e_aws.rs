//! MONGODB-AWS end to end: the authenticator against the conformance server standing in for STS
//! (it verifies the SigV4 signature with the test key's secret). Credentials come from the process
//! environment, so each scenario runs in a child process with its own variables; the parent runs the
//! server and checks what it saw.

use std::future::Future;
use std::pin::Pin;
use std::process::Command;
use std::sync::Arc;

use mongo_auth::mechanism::aws::{AwsCredentialProvider, AwsCredentials};
use mongo_auth::{Authenticator, ClientConfig, Error, Mechanism};
use mongo_auth_test_server::aws::{AwsSts, INSTANCE_ROLE, MetadataEndpoint};
use mongo_auth_test_server::{Server, ServerConfig, User};

const CHILD: &str = "MONGO_AUTH_AWS_SCENARIO";
const URI: &str = "MONGO_AUTH_AWS_URI";
const ARN: &str = "arn:aws:iam::123456789012:user/app";
const TEMPORARY_ARN: &str = "arn:aws:sts::123456789012:assumed-role/app-role/session";
const KEY_ID: &str = "AKIAEXAMPLEKEYID0001";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const TEMPORARY_KEY_ID: &str = "ASIAEXAMPLEKEYID0002";
const TEMPORARY_SECRET: &str = "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY";
const TOKEN: &str = "FwoGZXIvYXdzEXAMPLESESSIONTOKEN//////////wEaDEXAMPLE";

fn sts(host: &str) -> AwsSts {
    AwsSts::new().host(host).key(KEY_ID, SECRET, None, ARN).key(
        TEMPORARY_KEY_ID,
        TEMPORARY_SECRET,
        Some(TOKEN),
        TEMPORARY_ARN,
    )
}

/// Starts the conformance server with `sts`, runs scenario `name` in a child process with `env`
/// (and nothing of the parent's AWS variables), and returns what the server saw.
async fn run_scenario(
    name: &'static str,
    sts: AwsSts,
    env: &[(&str, &str)],
) -> Vec<mongo_auth_test_server::aws::Seen> {
    let env: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let sts = Arc::new(sts);
    let server = Server::start(
        ServerConfig::new()
            .user(User::aws(ARN))
            .user(User::aws(TEMPORARY_ARN))
            .sasl_mechanism(sts.clone()),
    )
    .await
    .expect("start the conformance server");
    let uri = format!("mongodb://{}/?authMechanism=MONGODB-AWS", server.addr());
    let output = tokio::task::spawn_blocking(move || {
        let mut command = Command::new(std::env::current_exe().expect("the test binary's path"));
        command
            .args([
                crate::support::test_path_in(module_path!(), name).as_str(),
                "--exact",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD, name)
            .env(URI, uri);
        for variable in [
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN",
            "AWS_WEB_IDENTITY_TOKEN_FILE",
            "AWS_ROLE_ARN",
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            "AWS_EC2_METADATA_SERVICE_ENDPOINT",
        ] {
            command.env_remove(variable);
        }
        // No scenario may reach a real metadata endpoint.
        command.env("AWS_EC2_METADATA_DISABLED", "true");
        command.envs(env).output()
    })
    .await
    .expect("the child's task")
    .expect("run the scenario in a child process");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.contains("1 passed"),
        "scenario {name} failed ({}):\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
        output.status
    );
    for secret in [SECRET, TEMPORARY_SECRET, TOKEN] {
        assert!(
            !stdout.contains(secret) && !stderr.contains(secret),
            "scenario {name} printed a secret"
        );
    }
    server.shutdown().await;
    sts.seen()
}

#[tokio::test]
async fn aws_environment_credentials_authenticate() {
    let seen = run_scenario(
        "scenario_authenticates",
        sts("sts.amazonaws.com"),
        &[
            ("AWS_ACCESS_KEY_ID", KEY_ID),
            ("AWS_SECRET_ACCESS_KEY", SECRET),
        ],
    )
    .await;
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0].access_key_id, KEY_ID);
    assert!(!seen[0].session_token);
    assert_eq!(seen[0].region, "us-east-1");
}

#[tokio::test]
async fn aws_temporary_credentials_send_and_sign_the_session_token() {
    let seen = run_scenario(
        "scenario_authenticates_temporary",
        sts("sts.eu-west-1.amazonaws.com"),
        &[
            ("AWS_ACCESS_KEY_ID", TEMPORARY_KEY_ID),
            ("AWS_SECRET_ACCESS_KEY", TEMPORARY_SECRET),
            ("AWS_SESSION_TOKEN", TOKEN),
        ],
    )
    .await;
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert!(seen[0].session_token);
    assert_eq!(seen[0].region, "eu-west-1");
}

#[tokio::test]
async fn aws_wrong_secret_is_an_authentication_failure() {
    let seen = run_scenario(
        "scenario_refused",
        sts("sts.amazonaws.com"),
        &[
            ("AWS_ACCESS_KEY_ID", KEY_ID),
            ("AWS_SECRET_ACCESS_KEY", "not-the-secret"),
        ],
    )
    .await;
    assert_eq!(seen.len(), 1, "{seen:?}");
}

const METADATA_KEY_ID: &str = "ASIAMETADATAEXAMPLE3";
const METADATA_SECRET: &str = "metadata/secret/EXAMPLEKEY";
const METADATA_TOKEN: &str = "metadata-session-token-EXAMPLE";
const FAR_FUTURE: &str = "2099-01-01T00:00:00Z";

fn sts_with_metadata_key(secret: &str) -> AwsSts {
    sts("sts.amazonaws.com").key(METADATA_KEY_ID, secret, Some(METADATA_TOKEN), TEMPORARY_ARN)
}

#[tokio::test]
async fn aws_ecs_credentials_are_fetched_once_while_fresh() {
    let endpoint =
        MetadataEndpoint::start(METADATA_KEY_ID, METADATA_SECRET, METADATA_TOKEN, FAR_FUTURE)
            .await
            .unwrap();
    let uri = format!("http://{}/ecs/credentials", endpoint.addr());
    let seen = run_scenario(
        "scenario_connects_twice",
        sts_with_metadata_key(METADATA_SECRET),
        &[("AWS_CONTAINER_CREDENTIALS_FULL_URI", &uri)],
    )
    .await;
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert!(
        seen.iter()
            .all(|s| s.access_key_id == METADATA_KEY_ID && s.session_token)
    );
    assert_eq!(endpoint.requests(), ["GET /ecs/credentials"]);
}

/// AssumeRoleWithWebIdentity over HTTPS against the STS stand-in (a test PKI, trusted through
/// AWS_CA_BUNDLE): the service account token (an OIDC JWT the stand-in verifies) buys temporary
/// credentials, fetched once for two connections.
#[tokio::test]
async fn aws_web_identity_assumes_the_role_over_https() {
    use mongo_auth_test_server::aws::WebIdentitySts;
    use mongo_auth_test_server::certs::TestPki;
    use mongo_auth_test_server::oidc::{OidcIdp, OidcIssuer};
    use mongo_auth_test_server::tls::TlsOptions;

    const ROLE: &str = "arn:aws:iam::123456789012:role/web-identity";
    let pki = TestPki::generate_temporary().unwrap();
    let issuer = OidcIssuer::demo();
    let expires = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 3600;
    let sts = WebIdentitySts::start(
        &TlsOptions::new(&pki.server.pem),
        OidcIdp::trusting(&issuer),
        ROLE,
        (METADATA_KEY_ID, METADATA_SECRET, METADATA_TOKEN),
        expires,
    )
    .await
    .unwrap();
    let token_file =
        std::env::temp_dir().join(format!("mongo-auth-web-identity-{}", std::process::id()));
    std::fs::write(
        &token_file,
        issuer.token("system:serviceaccount:default:app"),
    )
    .unwrap();
    let endpoint = format!("https://localhost:{}", sts.addr().port());
    let seen = run_scenario(
        "scenario_connects_twice",
        sts_with_metadata_key(METADATA_SECRET),
        &[
            ("AWS_WEB_IDENTITY_TOKEN_FILE", token_file.to_str().unwrap()),
            ("AWS_ROLE_ARN", ROLE),
            ("AWS_ENDPOINT_URL_STS", &endpoint),
            ("AWS_CA_BUNDLE", pki.ca.to_str().unwrap()),
        ],
    )
    .await;
    std::fs::remove_file(&token_file).unwrap();
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert!(
        seen.iter()
            .all(|s| s.access_key_id == METADATA_KEY_ID && s.session_token)
    );
    assert_eq!(sts.seen(), ["accepted system:serviceaccount:default:app"]);

    // an expired service account token: STS refuses it, a credential error says so
    std::fs::write(
        &token_file,
        issuer.expired_token("system:serviceaccount:default:app"),
    )
    .unwrap();
    let seen = run_scenario(
        "scenario_credential_error",
        sts_with_metadata_key(METADATA_SECRET),
        &[
            ("AWS_WEB_IDENTITY_TOKEN_FILE", token_file.to_str().unwrap()),
            ("AWS_ROLE_ARN", ROLE),
            ("AWS_ENDPOINT_URL_STS", &endpoint),
            ("AWS_CA_BUNDLE", pki.ca.to_str().unwrap()),
        ],
    )
    .await;
    std::fs::remove_file(&token_file).unwrap();
    assert!(seen.is_empty(), "{seen:?}");
    assert_eq!(sts.seen()[1], "refused expired");
}

#[tokio::test]
async fn aws_ec2_instance_metadata_uses_an_imdsv2_session() {
    let endpoint =
        MetadataEndpoint::start(METADATA_KEY_ID, METADATA_SECRET, METADATA_TOKEN, FAR_FUTURE)
            .await
            .unwrap();
    let seen = run_scenario(
        "scenario_connects_twice",
        sts_with_metadata_key(METADATA_SECRET),
        &[
            (
                "AWS_EC2_METADATA_SERVICE_ENDPOINT",
                &format!("http://{}", endpoint.addr()),
            ),
            ("AWS_EC2_METADATA_DISABLED", "false"),
        ],
    )
    .await;
    assert_eq!(seen.len(), 2, "{seen:?}");
    let role = format!("GET /latest/meta-data/iam/security-credentials/{INSTANCE_ROLE}");
    assert_eq!(
        endpoint.requests(),
        [
            "PUT /latest/api/token",
            "GET /latest/meta-data/iam/security-credentials/",
            role.as_str(),
        ]
    );
}

#[tokio::test]
async fn aws_credentials_about_to_expire_are_fetched_again() {
    // expired long ago: within five minutes of expiry, so never reused
    let endpoint = MetadataEndpoint::start(
        METADATA_KEY_ID,
        METADATA_SECRET,
        METADATA_TOKEN,
        "2001-01-01T00:00:00Z",
    )
    .await
    .unwrap();
    let uri = format!("http://{}/ecs/credentials", endpoint.addr());
    run_scenario(
        "scenario_connects_twice",
        sts_with_metadata_key(METADATA_SECRET),
        &[("AWS_CONTAINER_CREDENTIALS_FULL_URI", &uri)],
    )
    .await;
    assert_eq!(endpoint.requests().len(), 2);
}

#[tokio::test]
async fn aws_refused_credentials_are_not_reused() {
    let endpoint = MetadataEndpoint::start(
        METADATA_KEY_ID,
        "a stale secret",
        METADATA_TOKEN,
        FAR_FUTURE,
    )
    .await
    .unwrap();
    let uri = format!("http://{}/ecs/credentials", endpoint.addr());
    let seen = run_scenario(
        "scenario_refused_twice",
        sts_with_metadata_key(METADATA_SECRET),
        &[("AWS_CONTAINER_CREDENTIALS_FULL_URI", &uri)],
    )
    .await;
    assert_eq!(seen.len(), 2, "{seen:?}");
    // the refusal dropped the cached credentials: the second connection fetched them again
    assert_eq!(endpoint.requests().len(), 2);
}

#[tokio::test]
async fn aws_without_credentials_names_what_is_missing() {
    let seen = run_scenario("scenario_no_credentials", sts("sts.amazonaws.com"), &[]).await;
    // Refused before the first command: the server never saw a signed request.
    assert!(seen.is_empty(), "{seen:?}");
}

/// Hands out fixed credentials, or fails, and counts the calls.
struct Provider {
    credentials: Option<AwsCredentials>,
    calls: std::sync::atomic::AtomicUsize,
}

impl AwsCredentialProvider for Provider {
    fn credentials(
        &self,
    ) -> Pin<
        Box<
            dyn Future<Output = Result<AwsCredentials, Box<dyn std::error::Error + Send + Sync>>>
                + Send
                + '_,
        >,
    > {
        self.calls
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let credentials = self.credentials.clone();
        Box::pin(async move { credentials.ok_or_else(|| "the vault is sealed".into()) })
    }
}

#[tokio::test]
async fn aws_credentials_from_a_provider_in_code() {
    let sts = Arc::new(sts("sts.amazonaws.com"));
    let server = Server::start(
        ServerConfig::new()
            .user(User::aws(TEMPORARY_ARN))
            .sasl_mechanism(sts.clone()),
    )
    .await
    .unwrap();
    let config: ClientConfig = format!("mongodb://{}/?authMechanism=MONGODB-AWS", server.addr())
        .parse()
        .unwrap();
    // the builder's MONGODB-AWS is the same configuration
    let built = ClientConfig::builder()
        .host(server.addr().to_string())
        .credential(mongo_auth::Auth::aws())
        .build()
        .unwrap();
    assert_eq!(built, config);
    let provider = Arc::new(Provider {
        credentials: Some(AwsCredentials::new(
            TEMPORARY_KEY_ID,
            TEMPORARY_SECRET,
            Some(TOKEN.to_owned()),
        )),
        calls: Default::default(),
    });
    let authenticator = Authenticator::new(&config)
        .unwrap()
        .with_aws_credential_provider(provider.clone());
    for _ in 0..2 {
        let connection = authenticator.connect().await.expect("authenticated");
        assert_eq!(
            connection.authenticated_mechanism(),
            Some(Mechanism::MongodbAws)
        );
    }
    // connect_and_ping: the ping goes out with the signed request, the conversation's last message
    authenticator
        .connect_and_ping()
        .await
        .expect("authenticated and pinged");
    let record = server.connections().pop().unwrap();
    assert_eq!(
        record.commands,
        ["isMaster", "saslStart", "saslContinue", "ping"]
    );
    assert_eq!(record.read_ahead, 1);
    // asked once per authentication, never cached by the authenticator
    assert_eq!(provider.calls.load(std::sync::atomic::Ordering::Relaxed), 3);
    assert_eq!(sts.seen().len(), 3);

    let failing = Authenticator::new(&config)
        .unwrap()
        .with_aws_credential_provider(Arc::new(Provider {
            credentials: None,
            calls: Default::default(),
        }));
    match failing.connect().await {
        Err(Error::Credential(e)) => assert!(e.problem.contains("the vault is sealed"), "{e}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(sts.seen().len(), 3);
    server.shutdown().await;
}

// ------------------------------------------------------------------------------------------------
// The child side: each scenario runs only in the process its parent test prepared.

fn config() -> ClientConfig {
    assert!(
        std::env::var_os(CHILD).is_some(),
        "this scenario runs in a child process prepared by its parent test (run the tests of \
         e2e_aws without --ignored)"
    );
    std::env::var(URI)
        .expect("the server's URI")
        .parse()
        .expect("a MONGODB-AWS connection string")
}

async fn connect() -> Result<mongo_auth::Connection, Error> {
    Authenticator::new(&config())?.connect().await
}

#[tokio::test]
#[ignore = "a child process of aws_environment_credentials_authenticate"]
async fn scenario_authenticates() {
    let mut connection = connect().await.expect("authenticated");
    assert_eq!(
        connection.authenticated_mechanism(),
        Some(Mechanism::MongodbAws)
    );
    // hello, saslStart, saslContinue: the protocol's minimum
    assert_eq!(connection.handshake_round_trips(), 3);
    let status = connection
        .run_command("admin", bson::doc! { "connectionStatus": 1 })
        .await
        .expect("connectionStatus");
    let users = status
        .get_document("authInfo")
        .and_then(|info| info.get_array("authenticatedUsers"))
        .expect("authenticatedUsers");
    assert!(format!("{users:?}").contains(ARN), "{users:?}");
}

#[tokio::test]
#[ignore = "a child process of aws_temporary_credentials_send_and_sign_the_session_token"]
async fn scenario_authenticates_temporary() {
    let connection = connect().await.expect("authenticated");
    assert_eq!(
        connection.authenticated_mechanism(),
        Some(Mechanism::MongodbAws)
    );
}

#[tokio::test]
#[ignore = "a child process of aws_wrong_secret_is_an_authentication_failure"]
async fn scenario_refused() {
    match connect().await {
        Err(Error::Authentication(failure)) => {
            assert_eq!(failure.mechanism, Mechanism::MongodbAws);
            assert!(failure.hint.is_some(), "{failure}");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
#[ignore = "a child process of the ECS, EC2 and web identity tests"]
async fn scenario_connects_twice() {
    let authenticator = Authenticator::new(&config()).expect("an authenticator");
    for _ in 0..2 {
        let connection = authenticator.connect().await.expect("authenticated");
        assert_eq!(
            connection.authenticated_mechanism(),
            Some(Mechanism::MongodbAws)
        );
    }
}

#[tokio::test]
#[ignore = "a child process of aws_refused_credentials_are_not_reused"]
async fn scenario_refused_twice() {
    let authenticator = Authenticator::new(&config()).expect("an authenticator");
    for _ in 0..2 {
        match authenticator.connect().await {
            Err(Error::Authentication(failure)) => {
                assert_eq!(failure.mechanism, Mechanism::MongodbAws)
            }
            other => panic!("{other:?}"),
        }
    }
}

#[tokio::test]
#[ignore = "a child process of aws_without_credentials_names_what_is_missing"]
async fn scenario_no_credentials() {
    match connect().await {
        Err(Error::NotSupported(e)) => {
            assert!(e.what.contains("AWS_ACCESS_KEY_ID"), "{e}");
            assert!(e.what.contains("AWS_EC2_METADATA_DISABLED"), "{e}");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
#[ignore = "a child process of aws_web_identity_assumes_the_role_over_https"]
async fn scenario_credential_error() {
    match connect().await {
        Err(Error::Credential(e)) => {
            assert!(e.problem.contains("AssumeRoleWithWebIdentity"), "{e}");
            assert!(e.problem.contains("HTTP 403"), "{e}");
        }
        other => panic!("{other:?}"),
    }
}
