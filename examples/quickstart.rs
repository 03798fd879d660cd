//! Authenticate to MongoDB with every mechanism this library speaks.
//!
//! ```sh
//! cargo run --example quickstart                      # against the embedded conformance server
//! cargo run --example quickstart -- 'mongodb://…'     # against a real server (or set MONGODB_URI)
//! ```
//!
//! With no URI it starts the conformance server in-process on 127.0.0.1 (an ephemeral port, demo
//! users, a throwaway test PKI for TLS) and authenticates with each mechanism, printing the
//! mechanism, the round trips of the handshake and the time it took. GSSAPI is included when the
//! example is built with the `gssapi` feature and the environment names a Kerberos realm
//! (`KRB5_CONFIG`, `KRB5_KTNAME` and `MONGO_AUTH_KRB5_USER` with a ticket from `kinit`, as
//! `scripts/kdc.sh` sets them up); otherwise one line says why it was skipped. With a URI it authenticates
//! against that server and prints the authenticated user and roles (`connectionStatus`).
//!
//! `RUST_LOG=mongo_auth=debug` shows each handshake as `tracing` events (connection, TLS, hello,
//! mechanism, round trips with their sizes, key cache, outcome), never a secret.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bson::{Document, doc};
use mongo_auth::mechanism::aws::{AwsCredentialProvider, AwsCredentials};
use mongo_auth::mechanism::oidc::{
    OidcCallback, OidcCallbackParams, OidcCallbackResult, OidcTokens,
};
use mongo_auth::{Auth, Authenticator, ClientConfig, ConfigError, Connection, Tls};
use mongo_auth_test_server::certs::{CLIENT_SUBJECT, TestPki};
use mongo_auth_test_server::oidc::OidcIssuer;
use mongo_auth_test_server::tls::{ClientAuth, TlsOptions};
use mongo_auth_test_server::{Role, Server, ServerConfig, User, demo};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

#[tokio::main]
async fn main() {
    if let Ok(filter) = tracing_subscriber::EnvFilter::try_from_default_env() {
        tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .init();
    }
    let uri = std::env::args()
        .nth(1)
        .or_else(|| std::env::var("MONGODB_URI").ok());
    let result = match uri {
        Some(uri) => against_a_server(&uri).await,
        None => against_the_embedded_server().await,
    };
    if let Err(e) = result {
        match e.downcast_ref::<ConfigError>() {
            // every problem, the connection string shown under it (password replaced) and underlined
            Some(config_error) => eprintln!("{}", config_error.render()),
            None => eprintln!("error: {e}"),
        }
        std::process::exit(1);
    }
}

/// Authenticates with the given URI and prints who we are.
async fn against_a_server(uri: &str) -> Result<()> {
    let config: ClientConfig = uri.parse()?;
    let started = Instant::now();
    let mut connection = mongo_auth::connect(&config).await?;
    let elapsed = started.elapsed();
    println!(
        "connected to {} with {} in {} round trips ({})",
        connection.host(),
        connection
            .authenticated_mechanism()
            .map_or("no authentication", |m| m.as_str()),
        connection.handshake_round_trips(),
        millis(elapsed)
    );
    print_identity(&mut connection).await
}

async fn print_identity(connection: &mut Connection) -> Result<()> {
    let status = connection
        .run_command("admin", doc! { "connectionStatus": 1 })
        .await?;
    let info = status.get_document("authInfo").cloned().unwrap_or_default();
    let users = info
        .get_array("authenticatedUsers")
        .cloned()
        .unwrap_or_default();
    if users.is_empty() {
        println!("not authenticated");
    }
    for user in users.iter().filter_map(|u| u.as_document()) {
        println!("user:  {}@{}", text(user, "user"), text(user, "db"));
    }
    let roles = info
        .get_array("authenticatedUserRoles")
        .cloned()
        .unwrap_or_default();
    for role in roles.iter().filter_map(|r| r.as_document()) {
        println!("role:  {} on {}", text(role, "role"), text(role, "db"));
    }
    Ok(())
}

fn text<'a>(document: &'a Document, key: &str) -> &'a str {
    document.get_str(key).unwrap_or("?")
}

fn millis(duration: Duration) -> String {
    format!("{:.2} ms", duration.as_secs_f64() * 1e3)
}

/// Connects with `config` through a fresh authenticator (a cold SCRAM key cache, as on a first
/// connection) and prints one row of the table.
async fn row(label: &str, config: &ClientConfig) -> Result<()> {
    let authenticator = Authenticator::new(config)?;
    let started = Instant::now();
    let mut connection = authenticator.connect().await?;
    let elapsed = started.elapsed();
    let status = connection
        .run_command("admin", doc! { "connectionStatus": 1 })
        .await?;
    let user = status
        .get_document("authInfo")
        .ok()
        .and_then(|info| info.get_array("authenticatedUsers").ok())
        .and_then(|users| users.first())
        .and_then(|user| user.as_document())
        .map(|user| format!("{}@{}", text(user, "user"), text(user, "db")))
        .unwrap_or_default();
    let mechanism = connection
        .authenticated_mechanism()
        .map_or("-", |m| m.as_str());
    let label = if label == "negotiated" {
        format!("negotiated {mechanism}")
    } else {
        mechanism.to_owned()
    };
    println!(
        "{label:<24} {:>11} {:>10}  {user}",
        connection.handshake_round_trips(),
        millis(elapsed)
    );
    Ok(())
}

/// Hands out the demo AWS access key, as a secrets manager or an SDK's provider chain would (without
/// a provider the authenticator reads AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY).
struct DemoAwsKey;

impl AwsCredentialProvider for DemoAwsKey {
    fn credentials(
        &self,
    ) -> std::pin::Pin<
        Box<
            dyn std::future::Future<
                    Output = std::result::Result<
                        AwsCredentials,
                        Box<dyn std::error::Error + Send + Sync>,
                    >,
                > + Send
                + '_,
        >,
    > {
        Box::pin(async {
            Ok(AwsCredentials::new(
                demo::AWS_ACCESS_KEY_ID,
                demo::AWS_SECRET_ACCESS_KEY,
                None,
            ))
        })
    }
}

/// MONGODB-AWS against the conformance server, which checks the SigV4 signature as STS would.
async fn aws_row(host: &str, ca: &std::path::Path) -> Result<()> {
    let config: ClientConfig = format!(
        "mongodb://{host}/?authMechanism=MONGODB-AWS&tls=true&tlsCAFile={}",
        ca.display()
    )
    .parse()?;
    let authenticator =
        Authenticator::new(&config)?.with_aws_credential_provider(Arc::new(DemoAwsKey));
    let started = Instant::now();
    let connection = authenticator.connect().await?;
    println!(
        "{:<24} {:>11} {:>10}  {}@$external",
        "MONGODB-AWS",
        connection.handshake_round_trips(),
        millis(started.elapsed()),
        demo::AWS_ARN
    );
    Ok(())
}

/// Mints MONGODB-OIDC access tokens for the demo user with the demo issuer's test key, standing in
/// for an identity provider (a real callback asks one; the built-in `ENVIRONMENT:azure`, `gcp`,
/// `k8s` and `test` need no code).
struct DemoIdentityProvider;

impl OidcCallback for DemoIdentityProvider {
    fn call(
        &self,
        params: OidcCallbackParams,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = OidcCallbackResult> + Send + '_>> {
        Box::pin(async move {
            let subject = params.username.unwrap_or_default();
            Ok(OidcTokens::new(OidcIssuer::demo().token(&subject)))
        })
    }
}

/// MONGODB-OIDC against the conformance server, which verifies the RS256 token: the first
/// connection calls the callback (hello + saslStart), the next speculates with the cached token in
/// the hello.
async fn oidc_rows(host: &str, ca: &std::path::Path) -> Result<()> {
    let config = ClientConfig::builder()
        .host(host)
        .credential(Auth::oidc().username(demo::OIDC_USER))
        .tls(Tls::enabled().ca_file(ca))
        .build()?;
    let authenticator =
        Authenticator::new(&config)?.with_oidc_callback(Arc::new(DemoIdentityProvider));
    for label in ["MONGODB-OIDC", "MONGODB-OIDC (cached)"] {
        let started = Instant::now();
        let connection = authenticator.connect().await?;
        println!(
            "{label:<24} {:>11} {:>10}  {}@$external",
            connection.handshake_round_trips(),
            millis(started.elapsed()),
            demo::OIDC_USER
        );
    }
    Ok(())
}

/// The environment a Kerberos test realm sets (as `scripts/kdc.sh` writes it): the realm's
/// configuration, the keytab the server's GSSAPI acceptor reads, and the user principal whose
/// ticket (from `kinit`) the client uses.
#[cfg(feature = "gssapi")]
const KERBEROS_ENV: [&str; 3] = ["KRB5_CONFIG", "KRB5_KTNAME", "MONGO_AUTH_KRB5_USER"];

/// GSSAPI against the conformance server's acceptor, when a Kerberos realm is configured in the
/// environment; otherwise one line saying why it was skipped.
#[cfg(feature = "gssapi")]
async fn gssapi_row() -> Result<()> {
    use mongo_auth_test_server::gssapi::GssapiAcceptor;

    let missing: Vec<&str> = KERBEROS_ENV
        .into_iter()
        .filter(|name| std::env::var_os(name).is_none())
        .collect();
    if !missing.is_empty() {
        println!(
            "GSSAPI skipped: no Kerberos realm in the environment ({} not set; see \
             examples/gssapi.rs for a test realm with scripts/kdc.sh and kinit)",
            missing.join(", ")
        );
        return Ok(());
    }
    let principal = std::env::var("MONGO_AUTH_KRB5_USER")?;
    let server = Server::start(
        ServerConfig::new()
            .sasl_mechanism(Arc::new(GssapiAcceptor::any_service()))
            .user(User::gssapi(&principal)),
    )
    .await?;
    // `localhost`: the service principal a client asks a ticket for names the host.
    let config = ClientConfig::builder()
        .host(format!("localhost:{}", server.addr().port()))
        .credential(Auth::gssapi(&principal))
        .build()?;
    let result = row("GSSAPI", &config).await;
    server.shutdown().await;
    result
}

#[cfg(not(feature = "gssapi"))]
async fn gssapi_row() -> Result<()> {
    println!(
        "GSSAPI skipped: built without the `gssapi` feature (cargo run --example quickstart \
         --features gssapi, with a Kerberos realm: see examples/gssapi.rs)"
    );
    Ok(())
}

/// Starts the conformance server (TLS, with an old-server twin for MONGODB-CR) and authenticates
/// with each mechanism.
async fn against_the_embedded_server() -> Result<()> {
    let pki = TestPki::generate_temporary()?;
    let server = Server::start(
        ServerConfig::demo()
            .user(User::x509(CLIENT_SUBJECT).role(Role::new("readWrite", "test")))
            .tls(
                TlsOptions::new(&pki.server.pem)
                    .client_auth(ClientAuth::Optional { ca: pki.ca.clone() }),
            ),
    )
    .await?;
    let legacy = Server::start(ServerConfig::demo_legacy()).await?;
    let host = server.addr().to_string();
    println!(
        "conformance server on {host} (TLS), old-server twin on {}",
        legacy.addr()
    );
    println!();
    println!(
        "{:<24} {:>11} {:>10}  user",
        "mechanism", "round trips", "time"
    );

    let tls = || Tls::enabled().ca_file(&pki.ca);
    let scram_256 = ClientConfig::builder()
        .host(host.clone())
        .credential(
            Auth::scram_sha_256()
                .username(demo::SCRAM_USER)
                .password(demo::SCRAM_PASSWORD),
        )
        .tls(tls())
        .build()?;
    let scram_1 = ClientConfig::builder()
        .host(host.clone())
        .credential(
            Auth::scram_sha_1()
                .username(demo::SCRAM_USER)
                .password(demo::SCRAM_PASSWORD),
        )
        .tls(tls())
        .build()?;
    let negotiated = ClientConfig::builder()
        .host(host.clone())
        .credential(
            Auth::scram()
                .username(demo::SCRAM_USER)
                .password(demo::SCRAM_PASSWORD),
        )
        .tls(tls())
        .build()?;
    let plain = ClientConfig::builder()
        .host(host.clone())
        .credential(
            Auth::plain()
                .username(demo::PLAIN_USER)
                .password(demo::PLAIN_PASSWORD),
        )
        .tls(tls())
        .build()?;
    let x509 = ClientConfig::builder()
        .host(host.clone())
        .credential(Auth::x509())
        .tls(tls().client_cert(&pki.client.pem))
        .build()?;
    let cr: ClientConfig = legacy
        .uri_for(
            demo::CR_USER,
            demo::CR_PASSWORD,
            "admin",
            Some("MONGODB-CR"),
        )
        .parse()?;

    for (label, config) in [
        ("SCRAM-SHA-256", &scram_256),
        ("SCRAM-SHA-1", &scram_1),
        ("negotiated", &negotiated),
        ("PLAIN", &plain),
        ("MONGODB-X509", &x509),
        ("MONGODB-CR", &cr),
    ] {
        row(label, config).await?;
    }
    aws_row(&host, &pki.ca).await?;
    oidc_rows(&host, &pki.ca).await?;
    gssapi_row().await?;

    // The key cache: one authenticator, a cold connection and then ten warm ones at once.
    let authenticator = Arc::new(Authenticator::new(&scram_256)?);
    let started = Instant::now();
    authenticator.connect().await?;
    let cold = started.elapsed();
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..10 {
        let authenticator = authenticator.clone();
        tasks.spawn(async move { authenticator.connect().await });
    }
    while let Some(connection) = tasks.join_next().await {
        connection??;
    }
    println!();
    println!(
        "SCRAM-SHA-256 key cache: first connection {}, then 10 concurrent connections in {}; PBKDF2 ran {} time(s)",
        millis(cold),
        millis(started.elapsed()),
        authenticator.pbkdf2_computations()
    );
    // A connection the server has answered a ping on: the ping goes out with the last SASL message.
    let started = Instant::now();
    let checked = authenticator.connect_and_ping().await?;
    println!(
        "connect_and_ping: authenticated and answering in {} round trips, {}",
        checked.handshake_round_trips(),
        millis(started.elapsed())
    );

    server.shutdown().await;
    legacy.shutdown().await;
    Ok(())
}
