//! GSSAPI (Kerberos) the way PyMongo's authentication guide shows it, with this library.
//!
//! ```sh
//! cargo run --example gssapi --features gssapi                     # print the configurations
//! cargo run --example gssapi --features gssapi -- 'mongodb://…'    # authenticate with that URI
//!
//! # against the embedded conformance server and a throwaway realm on 127.0.0.1:
//! scripts/kdc.sh start /tmp/realm && . /tmp/realm/env
//! kinit "$MONGO_AUTH_KRB5_USER" < "$MONGO_AUTH_KRB5_PASSWORD_FILE"
//! cargo run --example gssapi --features gssapi
//! scripts/kdc.sh stop /tmp/realm
//! ```
//!
//! Without a URI it builds each of the guide's GSSAPI configurations twice, from the connection
//! string and with the typed builder, checks that both give the same credential, and prints the
//! configuration and the service principal a client would ask a ticket for. When the environment
//! names a test realm's user (`MONGO_AUTH_KRB5_USER`, as `scripts/kdc.sh` writes it), it then
//! starts the conformance server with its GSSAPI acceptor (keys from `KRB5_KTNAME`) and
//! authenticates as that user from the ticket cache. With a URI it authenticates (a ticket from
//! `kinit`, or the password in the URI) and prints who it is.

use bson::doc;
use mongo_auth::rulebook::{Canonicalize, MechanismProperties};
use mongo_auth::{Auth, ClientConfig};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    match std::env::args().nth(1) {
        Some(uri) => authenticate(&uri).await,
        None => {
            print_the_guide()?;
            match std::env::var("MONGO_AUTH_KRB5_USER") {
                Ok(principal) => against_the_test_realm(&principal).await,
                Err(_) => Ok(()),
            }
        }
    }
}

/// The conformance server with its GSSAPI acceptor, and a connection as `principal` from the
/// ticket cache.
#[cfg(feature = "gssapi")]
async fn against_the_test_realm(principal: &str) -> Result<()> {
    use std::sync::Arc;

    use mongo_auth_test_server::gssapi::GssapiAcceptor;
    use mongo_auth_test_server::{Server, ServerConfig, User};

    let server = Server::start(
        ServerConfig::new()
            .sasl_mechanism(Arc::new(GssapiAcceptor::any_service()))
            .user(User::gssapi(principal)),
    )
    .await?;
    let uri = format!(
        "mongodb://{}@localhost:{}/?authMechanism=GSSAPI",
        principal.replace('@', "%40"),
        server.addr().port()
    );
    println!("the embedded conformance server, as {principal} from the ticket cache");
    let result = authenticate(&uri).await;
    server.shutdown().await;
    result
}

#[cfg(not(feature = "gssapi"))]
async fn against_the_test_realm(principal: &str) -> Result<()> {
    println!("build with --features gssapi to authenticate as {principal} against the test realm");
    Ok(())
}

/// The guide's examples: each as a connection string and as a builder chain.
fn print_the_guide() -> Result<()> {
    let examples: [(&str, &str, ClientConfig); 5] = [
        (
            "a principal with a ticket from kinit",
            "mongodb://mongodbuser%40EXAMPLE.COM@mongo-server.example.com/?authMechanism=GSSAPI",
            ClientConfig::builder()
                .host("mongo-server.example.com")
                .credential(Auth::gssapi("mongodbuser@EXAMPLE.COM"))
                .build()?,
        ),
        (
            "a service name other than mongodb",
            "mongodb://mongodbuser%40EXAMPLE.COM@mongo-server.example.com/?authMechanism=GSSAPI\
             &authMechanismProperties=SERVICE_NAME:myservicename",
            ClientConfig::builder()
                .host("mongo-server.example.com")
                .credential(Auth::gssapi("mongodbuser@EXAMPLE.COM").service_name("myservicename"))
                .build()?,
        ),
        (
            "the guide's Windows example: password, canonicalised host, another realm",
            "mongodb://mongodbuser%40EXAMPLE.COM:mongodbuserpassword@example.com/\
             ?authMechanism=GSSAPI&authMechanismProperties=SERVICE_NAME:myservicename,\
             CANONICALIZE_HOST_NAME:true,SERVICE_REALM:otherrealm",
            ClientConfig::builder()
                .host("example.com")
                .credential(
                    Auth::gssapi("mongodbuser@EXAMPLE.COM")
                        .password("mongodbuserpassword")
                        .service_name("myservicename")
                        .canonicalize_host_name(Canonicalize::ForwardAndReverse)
                        .service_realm("otherrealm"),
                )
                .build()?,
        ),
        (
            "forward canonicalisation only (follow CNAMEs)",
            "mongodb://mongodbuser%40EXAMPLE.COM@mongo-server.example.com/?authMechanism=GSSAPI\
             &authMechanismProperties=CANONICALIZE_HOST_NAME:forward",
            ClientConfig::builder()
                .host("mongo-server.example.com")
                .credential(
                    Auth::gssapi("mongodbuser@EXAMPLE.COM")
                        .canonicalize_host_name(Canonicalize::Forward),
                )
                .build()?,
        ),
        (
            "a load balancer in front: the service principal names the real host",
            "mongodb://mongodbuser%40EXAMPLE.COM@lb.example.com/?authMechanism=GSSAPI\
             &authMechanismProperties=SERVICE_HOST:mongo-server.example.com",
            ClientConfig::builder()
                .host("lb.example.com")
                .credential(
                    Auth::gssapi("mongodbuser@EXAMPLE.COM")
                        .service_host("mongo-server.example.com"),
                )
                .build()?,
        ),
    ];
    for (what, uri, built) in examples {
        let parsed: ClientConfig = uri.parse()?;
        assert_eq!(
            parsed.credential(),
            built.credential(),
            "the connection string and the builder disagree"
        );
        println!("{what}");
        // The configuration prints as a normalised connection string, the password redacted.
        println!("  config:    {parsed}");
        if let Some(credential) = parsed.credential() {
            println!(
                "  user:      {} (source {}, password: {})",
                credential.username.as_deref().unwrap_or_default(),
                credential.source,
                if credential.password.is_some() {
                    "given"
                } else {
                    "none, the ticket cache"
                }
            );
            if let MechanismProperties::Gssapi(properties) = &credential.properties {
                println!(
                    "  service:   {} (CANONICALIZE_HOST_NAME {})",
                    service_principal(properties, &parsed.hosts()[0].host),
                    properties.canonicalize_host_name.as_str()
                );
            }
        }
        println!();
    }
    Ok(())
}

#[cfg(feature = "gssapi")]
fn service_principal(properties: &mongo_auth::rulebook::GssapiProperties, host: &str) -> String {
    use mongo_auth::gssapi::ServicePrincipal;
    let principal = ServicePrincipal::new(properties, host).to_string();
    match (
        properties.service_host.is_some(),
        properties.canonicalize_host_name,
    ) {
        (false, Canonicalize::Forward | Canonicalize::ForwardAndReverse) => {
            format!("{principal}, with the host canonicalised by DNS at connect time")
        }
        _ => principal,
    }
}

#[cfg(not(feature = "gssapi"))]
fn service_principal(_: &mongo_auth::rulebook::GssapiProperties, _: &str) -> String {
    "(build with --features gssapi to see it)".to_owned()
}

/// Authenticates with `uri` and prints the authenticated users.
async fn authenticate(uri: &str) -> Result<()> {
    let config: ClientConfig = uri.parse()?;
    println!("config: {config}");
    let mut connection = mongo_auth::connect(&config).await?;
    println!(
        "authenticated with {:?} in {} round trips",
        connection.authenticated_mechanism(),
        connection.handshake_round_trips()
    );
    let status = connection
        .run_command("admin", doc! { "connectionStatus": 1 })
        .await?;
    if let Ok(info) = status.get_document("authInfo") {
        println!("authInfo: {info}");
    }
    Ok(())
}
