//! The official `mongodb` driver driven from checked configurations: the mapping of every field, the
//! refusals of what the driver cannot express, and the driver authenticating against the
//! conformance server with SCRAM-SHA-256, SCRAM-SHA-1, a negotiated mechanism, MONGODB-X509 and
//! PLAIN, checked in `connectionStatus` and in the server's own records.
//!
//! ```text
//! cargo test --features mongodb --test it -- driver::
//! ```

use std::time::Duration;

use bson::doc;
use mongo_auth::driver::{DriverError, Refusal};
use mongo_auth::{Auth, ClientConfig, ConfigError, Mechanism, Tls, mongo_uri};
use mongo_auth_test_server::certs::{CLIENT_SUBJECT, KEY_PASSWORD, TestPki};
use mongo_auth_test_server::tls::ClientAuth;
use mongo_auth_test_server::{RunningServer, ServerConfig, User};
use mongodb::options::{
    AuthMechanism, ClientOptions, ConnectionString, HostInfo, ServerAddress, Tls as DriverTls,
};

use crate::support::conformance::{
    PLAIN_PASSWORD, PLAIN_USER, required, start, x509_and_plain_over_tls,
};

// ------------------------------------------------------------------------------------------------
// Helpers

fn parse(uri: &str) -> ClientConfig {
    uri.parse()
        .unwrap_or_else(|e: ConfigError| panic!("{uri}: {e}"))
}

fn connection_string(config: &ClientConfig) -> ConnectionString {
    config
        .to_driver_connection_string()
        .unwrap_or_else(|e| panic!("{config}: {e}"))
}

/// The refusals of a configuration, through the connection-string path.
fn refusals(config: &ClientConfig) -> Vec<Refusal> {
    match config.to_driver_connection_string() {
        Err(DriverError::Refused(refusals)) => refusals,
        other => panic!("{config}: expected refusals, got {other:?}"),
    }
}

fn tls_options(connection_string: &ConnectionString) -> &mongodb::options::TlsOptions {
    match &connection_string.tls {
        Some(DriverTls::Enabled(options)) => options,
        other => panic!("expected TLS options, got {other:?}"),
    }
}

/// A driver client for `config` whose failures come within seconds, not after the driver's 30 s
/// server selection.
async fn driver_client(config: &ClientConfig) -> mongodb::Client {
    let mut options = config
        .to_driver_options()
        .await
        .unwrap_or_else(|e| panic!("{config}: {e}"));
    options.server_selection_timeout = Some(Duration::from_secs(5));
    mongodb::Client::with_options(options).expect("the driver takes the options")
}

/// Runs `ping` and `connectionStatus` through the driver; the authenticated users as `user@db`.
async fn ping_and_status(client: &mongodb::Client) -> Result<Vec<String>, mongodb::error::Error> {
    let admin = client.database("admin");
    admin.run_command(doc! { "ping": 1 }).await?;
    let status = admin.run_command(doc! { "connectionStatus": 1 }).await?;
    let users = status
        .get_document("authInfo")
        .and_then(|info| info.get_array("authenticatedUsers"))
        .expect("connectionStatus has authInfo.authenticatedUsers");
    Ok(users
        .iter()
        .filter_map(|user| user.as_document())
        .map(|user| {
            format!(
                "{}@{}",
                user.get_str("user").unwrap_or("?"),
                user.get_str("db").unwrap_or("?")
            )
        })
        .collect())
}

/// What the server recorded: `(user@db, mechanism)` for every authentication on any connection.
fn recorded_authentications(server: &RunningServer) -> Vec<(String, String)> {
    server
        .connections()
        .into_iter()
        .flat_map(|c| c.authenticated.into_iter().zip(c.mechanisms))
        .collect()
}

/// The driver authenticates with `config` as `user` (`name@db`) with `mechanism`: in
/// `connectionStatus`, and in the server's records of every connection that authenticated.
async fn driver_authenticates(
    server: &RunningServer,
    config: &ClientConfig,
    user: &str,
    mechanism: &str,
) {
    let client = driver_client(config).await;
    let users = ping_and_status(&client)
        .await
        .unwrap_or_else(|e| panic!("{config}: {e}"));
    assert_eq!(users, [user], "{config}");
    client.shutdown().await;
    let recorded = recorded_authentications(server);
    assert!(!recorded.is_empty(), "{config}: nothing authenticated");
    for (who, how) in &recorded {
        assert_eq!(
            (who.as_str(), how.as_str()),
            (user, mechanism),
            "{config}: {recorded:?}"
        );
    }
}

fn scram_server() -> ServerConfig {
    ServerConfig::new()
        .user(User::new("app", "admin").password("pencil"))
        .user(
            User::new("legacy", "admin")
                .password("sha1-pencil")
                .mechanisms([Mechanism::ScramSha1]),
        )
}

// ------------------------------------------------------------------------------------------------
// The mapping

#[cfg(unix)]
#[test]
fn every_connection_setting_reaches_the_driver() {
    let config = parse(
        "mongodb://app:pencil@db1.example.com:27018,10.0.0.7,[::1]:27019,%2Ftmp%2Fmongodb-27017.sock\
         /shop?authSource=admin&authMechanism=SCRAM-SHA-1&appName=inventory&connectTimeoutMS=2500\
         &replicaSet=rs0&directConnection=false&tls=true&tlsInsecure=true",
    );
    let cs = connection_string(&config);
    assert_eq!(
        cs.host_info,
        HostInfo::HostIdentifiers(vec![
            ServerAddress::Tcp {
                host: "db1.example.com".into(),
                port: Some(27018)
            },
            ServerAddress::Tcp {
                host: "10.0.0.7".into(),
                port: None
            },
            ServerAddress::Tcp {
                host: "::1".into(),
                port: Some(27019)
            },
            ServerAddress::Unix {
                path: "/tmp/mongodb-27017.sock".into()
            },
        ])
    );
    let credential = cs.credential.clone().unwrap();
    assert_eq!(credential.username.as_deref(), Some("app"));
    assert_eq!(credential.password.as_deref(), Some("pencil"));
    assert_eq!(credential.source.as_deref(), Some("admin"));
    assert_eq!(credential.mechanism, Some(AuthMechanism::ScramSha1));
    assert_eq!(credential.mechanism_properties, None);
    assert_eq!(cs.app_name.as_deref(), Some("inventory"));
    assert_eq!(cs.connect_timeout, Some(Duration::from_millis(2500)));
    assert_eq!(cs.replica_set.as_deref(), Some("rs0"));
    assert_eq!(cs.direct_connection, Some(false));
    assert_eq!(cs.default_database.as_deref(), Some("shop"));
    let tls = tls_options(&cs);
    assert_eq!(tls.allow_invalid_certificates, Some(true));
    assert_eq!(tls.ca_file_path, None);
    assert_eq!(tls.cert_key_file_path, None);
    #[allow(deprecated)]
    let socket_timeout = cs.socket_timeout;
    assert_eq!(socket_timeout, None);
}

#[test]
fn no_tls_is_disabled_and_timeouts_keep_their_meaning() {
    // the driver's `tls: None` means "default", which is on for mongodb+srv
    let cs = connection_string(&parse("mongodb://db.example.com/"));
    assert_eq!(cs.tls, Some(DriverTls::Disabled));
    assert_eq!(cs.credential, None);
    let cs = connection_string(&parse("mongodb+srv://cluster0.example.com/?tls=false"));
    assert_eq!(cs.tls, Some(DriverTls::Disabled));
    assert_eq!(
        cs.host_info,
        HostInfo::DnsRecord("cluster0.example.com".into())
    );
    // the default TLS of mongodb+srv is TLS with the system roots
    let cs = connection_string(&parse(
        "mongodb+srv://cluster0.example.com/?srvServiceName=customname&srvMaxHosts=2",
    ));
    assert_eq!(tls_options(&cs), &mongodb::options::TlsOptions::default());
    assert_eq!(cs.srv_service_name.as_deref(), Some("customname"));
    assert_eq!(cs.srv_max_hosts, Some(2));

    // connectTimeoutMS: absent is 10 s in both; 0 is "no timeout", which the driver spells zero
    let cs = connection_string(&parse("mongodb://db.example.com/"));
    assert_eq!(cs.connect_timeout, Some(Duration::from_secs(10)));
    let cs = connection_string(&parse("mongodb://db.example.com/?connectTimeoutMS=0"));
    assert_eq!(cs.connect_timeout, Some(Duration::ZERO));

    let cs = connection_string(&parse(
        "mongodb://lb.example.com/?loadBalanced=true&directConnection=false",
    ));
    assert_eq!(cs.load_balanced, Some(true));
}

#[test]
fn srv_leaves_the_source_to_the_txt_record_unless_it_is_fixed() {
    // no authSource: unset, so that the driver applies the TXT record's authSource; the path
    // database is where its default comes from
    let cs = connection_string(&parse("mongodb+srv://u:pw@cluster0.example.com/shop"));
    let credential = cs.credential.unwrap();
    assert_eq!(credential.source, None);
    assert_eq!(cs.default_database.as_deref(), Some("shop"));
    // an explicit authSource wins over the TXT record: set
    let cs = connection_string(&parse(
        "mongodb+srv://u:pw@cluster0.example.com/shop?authSource=users",
    ));
    assert_eq!(cs.credential.unwrap().source.as_deref(), Some("users"));
    // the same as a builder, whose source is explicit
    let config = ClientConfig::builder()
        .srv("cluster0.example.com")
        .credential(
            Auth::scram_sha_256()
                .username("u")
                .password("pw")
                .source("users"),
        )
        .build()
        .unwrap();
    assert_eq!(
        connection_string(&config)
            .credential
            .unwrap()
            .source
            .as_deref(),
        Some("users")
    );
    // plain mongodb://: always the source the rulebook resolved
    let cs = connection_string(&parse("mongodb://u:pw@db.example.com/shop"));
    assert_eq!(cs.credential.unwrap().source.as_deref(), Some("shop"));
    let cs = connection_string(&parse(
        "mongodb://u:pw@db.example.com/?authMechanism=PLAIN&tls=true",
    ));
    assert_eq!(cs.credential.unwrap().source.as_deref(), Some("$external"));
}

#[test]
fn srv_with_an_external_mechanism_fixes_the_source() {
    let pki = TestPki::generate_temporary().unwrap();
    let config = ClientConfig::builder()
        .credential(Auth::x509())
        .tls(Tls::enabled().client_cert(&pki.client.pem).ca_file(&pki.ca))
        .srv("cluster0.example.com")
        .build()
        .unwrap();
    let cs = connection_string(&config);
    let credential = cs.credential.clone().unwrap();
    assert_eq!(credential.source.as_deref(), Some("$external"));
    assert_eq!(credential.mechanism, Some(AuthMechanism::MongoDbX509));
    assert_eq!(credential.username, None);
    assert_eq!(credential.password, None);
    let tls = tls_options(&cs);
    assert_eq!(tls.ca_file_path.as_deref(), Some(pki.ca.as_path()));
    assert_eq!(
        tls.cert_key_file_path.as_deref(),
        Some(pki.client.pem.as_path())
    );
    assert_eq!(tls.tls_certificate_key_file_password, None);
}

/// For `mongodb+srv` without `authSource` the source is left to the driver: with no TXT
/// `authSource`, its default must be the rulebook's. The same lowered credential is finished by the
/// driver on a host list (the default does not depend on how the hosts were found; no DNS here).
#[tokio::test]
async fn the_drivers_default_source_is_the_rulebooks() {
    for (mechanism, tls) in [
        ("", ""),
        ("&authMechanism=SCRAM-SHA-1", ""),
        ("&authMechanism=SCRAM-SHA-256", ""),
        ("&authMechanism=PLAIN", ""),
        ("", "&tls=false"),
    ] {
        for path in ["", "shop"] {
            let uri =
                format!("mongodb+srv://u:pw@cluster0.example.com/{path}?appName=x{mechanism}{tls}");
            let config = parse(&uri);
            let mut cs = connection_string(&config);
            assert_eq!(cs.credential.as_ref().unwrap().source, None, "{uri}");
            cs.host_info = HostInfo::HostIdentifiers(vec![ServerAddress::Tcp {
                host: "cluster0.example.com".into(),
                port: None,
            }]);
            let options = ClientOptions::parse(cs).await.unwrap();
            let expected = mongo_auth::rulebook::rules::default_source(
                config.credential().unwrap().mechanism,
                (!path.is_empty()).then_some(path),
            );
            assert_eq!(
                options.credential.unwrap().source.as_deref(),
                Some(expected),
                "{uri}"
            );
        }
    }
}

#[test]
fn gssapi_properties_as_the_driver_reads_them() {
    let config = ClientConfig::builder()
        .hosts(["kdc.example.com"])
        .credential(
            Auth::gssapi("mongodbuser@EXAMPLE.COM")
                .service_name("myservicename")
                .canonicalize_host_name(mongo_auth::rulebook::Canonicalize::ForwardAndReverse)
                .service_realm("OTHER.EXAMPLE.COM")
                .service_host("db.internal"),
        )
        .build()
        .unwrap();
    // the driver has gssapi-auth exactly when mongo-auth's gssapi feature is on
    let converted = config.to_driver_connection_string();
    assert_eq!(converted.is_ok(), cfg!(feature = "gssapi"), "{converted:?}");
    match converted {
        Ok(cs) => {
            let credential = cs.credential.unwrap();
            assert_eq!(credential.mechanism.as_ref().unwrap().as_str(), "GSSAPI");
            assert_eq!(credential.source.as_deref(), Some("$external"));
            assert_eq!(
                credential.username.as_deref(),
                Some("mongodbuser@EXAMPLE.COM")
            );
            assert_eq!(
                credential.mechanism_properties,
                Some(doc! {
                    "SERVICE_NAME": "myservicename",
                    "CANONICALIZE_HOST_NAME": "forwardAndReverse",
                    "SERVICE_REALM": "OTHER.EXAMPLE.COM",
                    "SERVICE_HOST": "db.internal",
                })
            );
        }
        Err(error) => {
            assert_eq!(error.refusals(), [Refusal::GssapiNotInDriver]);
        }
    }
}

#[test]
fn oidc_reaches_the_driver_with_its_environment() {
    let cs = connection_string(&parse(
        "mongodb://db.example.com/?authMechanism=MONGODB-OIDC&authMechanismProperties=ENVIRONMENT:k8s&tls=true",
    ));
    let credential = cs.credential.unwrap();
    assert_eq!(credential.mechanism, Some(AuthMechanism::MongoDbOidc));
    assert_eq!(credential.source.as_deref(), Some("$external"));
    assert_eq!(
        credential.mechanism_properties,
        Some(doc! { "ENVIRONMENT": "k8s" })
    );
    let cs = connection_string(&parse(
        "mongodb://client-id@db.example.com/?authMechanism=MONGODB-OIDC\
         &authMechanismProperties=ENVIRONMENT:azure,TOKEN_RESOURCE:api%3A%2F%2Fmongo&tls=true",
    ));
    assert_eq!(
        cs.credential.unwrap().mechanism_properties,
        Some(doc! { "ENVIRONMENT": "azure", "TOKEN_RESOURCE": "api://mongo" })
    );
}

// ------------------------------------------------------------------------------------------------
// mongo_uri! and config files: the same driver options, no string parsed at run time

#[test]
fn a_literal_becomes_driver_options_without_parsing_a_string() {
    // a password with every character a URI must escape: formatting a URI and parsing it again
    // would need them encoded; the conversion hands the decoded parts over as they are
    let literal = mongo_uri!(
        "mongodb://app:p%40ss%3Aw%2Frd%25@db1.example.com:27018,[::1]/shop?authMechanism=SCRAM-SHA-256\
         &appName=inventory&replicaSet=rs0&connectTimeoutMS=0&tls=true"
    );
    let parsed = parse(
        "mongodb://app:p%40ss%3Aw%2Frd%25@db1.example.com:27018,[::1]/shop?authMechanism=SCRAM-SHA-256\
         &appName=inventory&replicaSet=rs0&connectTimeoutMS=0&tls=true",
    );
    let from_literal = connection_string(&literal);
    assert_eq!(from_literal, connection_string(&parsed));
    let credential = from_literal.credential.clone().unwrap();
    assert_eq!(credential.password.as_deref(), Some("p@ss:w/rd%"));
    assert_eq!(credential.source.as_deref(), Some("shop"));
    assert_eq!(from_literal.connect_timeout, Some(Duration::ZERO));

    // a literal that leaves the password to code
    let config = mongo_uri!("mongodb://app@db1.example.com/?authMechanism=SCRAM-SHA-256")
        .password("from-code")
        .build()
        .unwrap();
    let credential = connection_string(&config).credential.unwrap();
    assert_eq!(credential.password.as_deref(), Some("from-code"));
    assert_eq!(credential.source.as_deref(), Some("admin"));
}

#[test]
fn a_config_file_becomes_the_same_driver_options() {
    #[derive(serde::Deserialize)]
    struct App {
        mongodb: ClientConfig,
    }
    let text = r#"
        [mongodb]
        hosts = ["db1.example.com:27018"]
        auth = { mechanism = "SCRAM-SHA-256", username = "app", password = "pencil", source = "shop" }
        tls = true
        [mongodb.options]
        app_name = "inventory"
        connect_timeout_ms = 2500
    "#;
    let document = toml::Deserializer::parse(text).unwrap();
    let app: App = mongo_auth::config::from_deserializer(document).unwrap();
    let literal = mongo_uri!(
        "mongodb://app:pencil@db1.example.com:27018/?authSource=shop&authMechanism=SCRAM-SHA-256\
         &appName=inventory&connectTimeoutMS=2500&tls=true"
    );
    let mut from_file = connection_string(&app.mongodb);
    let mut from_literal = connection_string(&literal);
    // the literal records its (absent) path database; the file has none either
    assert_eq!(from_file.default_database, None);
    from_file.default_database = None;
    from_literal.default_database = None;
    assert_eq!(from_file, from_literal);
}

// ------------------------------------------------------------------------------------------------
// Where the driver is looser than the rulebook

#[tokio::test]
async fn what_the_driver_would_take_cannot_be_built() {
    // each of these is accepted by the driver; none can become a ClientConfig
    for uri in [
        // MONGODB-X509 without a client certificate (nor TLS)
        "mongodb://db.example.com/?authMechanism=MONGODB-X509",
        // PLAIN without TLS: the password in clear
        "mongodb://ldapuser:pw@db.example.com/?authMechanism=PLAIN",
        // a user without a password
        "mongodb://app@db.example.com/?authMechanism=SCRAM-SHA-256",
    ] {
        ClientOptions::parse(uri)
            .await
            .unwrap_or_else(|e| panic!("the driver takes {uri}: {e}"));
        assert!(uri.parse::<ClientConfig>().is_err(), "{uri}");
    }
}

#[tokio::test]
async fn a_ca_file_whose_certificate_does_not_parse_is_refused() {
    let dir = std::env::temp_dir().join(format!("mongo-auth-driver-ca-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ca = dir.join("broken-ca.pem");
    std::fs::write(
        &ca,
        "-----BEGIN CERTIFICATE-----\nTm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    // the driver skips it, trusts nothing, and says so only when a handshake fails
    let mut options = ClientOptions::default();
    options.hosts = vec![ServerAddress::Tcp {
        host: "127.0.0.1".into(),
        port: Some(9),
    }];
    let mut tls = mongodb::options::TlsOptions::default();
    tls.ca_file_path = Some(ca.clone());
    options.tls = Some(DriverTls::Enabled(tls));
    let client = mongodb::Client::with_options(options).expect("the driver takes the CA file");
    client.shutdown().await;

    let config = ClientConfig::builder()
        .hosts(["127.0.0.1:9"])
        .tls(Tls::enabled().ca_file(&ca))
        .build()
        .unwrap();
    let error = config.to_driver_options().await.unwrap_err();
    assert!(matches!(error, DriverError::Tls(_)), "{error:?}");
    let shown = error.to_string();
    assert!(shown.contains("tlsCAFile"), "{shown}");
    assert!(shown.contains("broken-ca.pem"), "{shown}");
    let error = config.to_driver_connection_string().unwrap_err();
    assert!(matches!(error, DriverError::Tls(_)), "{error:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

// ------------------------------------------------------------------------------------------------
// Refusals: what the driver cannot express

/// One refusal: the configuration, the refusal it must get, and a part of its message.
fn refused_alone(config: &ClientConfig, expected: &Refusal, part: &str) {
    let all = refusals(config);
    assert!(all.contains(expected), "{config}: {all:?}");
    let shown = expected.to_string();
    assert!(shown.contains(part), "{shown}");
    assert!(!shown.ends_with('.'), "{shown}");
}

#[test]
fn the_settings_the_driver_cannot_express_are_refused() {
    let uri = |text: &str| parse(text);
    refused_alone(
        &uri("mongodb://app:pencil@db.example.com/?authMechanism=MONGODB-CR"),
        &Refusal::MongodbCr,
        "SCRAM-SHA-256",
    );
    refused_alone(
        &uri("mongodb://db.example.com/?tls=true&tlsAllowInvalidHostnames=true"),
        &Refusal::HostnameOnlyRelaxation,
        "tlsAllowInvalidHostnames without tlsAllowInvalidCertificates",
    );
    refused_alone(
        &uri("mongodb://db.example.com/?socketTimeoutMS=500"),
        &Refusal::SocketTimeout {
            timeout: Duration::from_millis(500),
        },
        "socketTimeoutMS (500 ms)",
    );
    refused_alone(
        &uri("mongodb://db.example.com/?timeoutMS=0"),
        &Refusal::ClientSideTimeout { timeout: None },
        "timeoutMS (0 ms) is not read by the official driver",
    );
    refused_alone(
        &uri("mongodb://db.example.com/?authMechanism=MONGODB-AWS&tls=true"),
        &Refusal::AwsNotInDriver,
        "aws-auth",
    );
    refused_alone(
        &uri(
            "mongodb://db.example.com/?authMechanism=MONGODB-OIDC&authMechanismProperties=ENVIRONMENT:test&tls=true",
        ),
        &Refusal::OidcEnvironment {
            environment: "test".into(),
        },
        "ENVIRONMENT:test",
    );
    refused_alone(
        // A socket beside a TCP host: TLS settings on socket-only hosts are refused by the rulebook.
        &uri(
            "mongodb://ldapuser:pw@%2Ftmp%2Fmongodb-27017.sock,db.example.com/?authMechanism=PLAIN&tls=true",
        ),
        &Refusal::PlainOverUnixSocket {
            path: "/tmp/mongodb-27017.sock".into(),
        },
        "in clear",
    );
    // The rulebook caps srvMaxHosts at i32::MAX in connection strings and literals, but the
    // configuration holds a u64: the value is set here through the constructor `mongo_uri!` uses.
    let srv = mongo_auth::__private::with_options(
        mongo_auth::__private::builder(
            vec![mongo_auth::__private::host(
                mongo_auth::__private::HostKind::Hostname,
                "cluster0.example.com",
                None,
            )],
            true,
        ),
        mongo_auth::__private::OptionParts {
            srv_max_hosts: Some(5_000_000_000),
            ..Default::default()
        },
    );
    refused_alone(
        &srv.build().unwrap(),
        &Refusal::SrvMaxHosts {
            given: 5_000_000_000,
        },
        "srvMaxHosts 5000000000",
    );
    let builder = || ClientConfig::builder().hosts(["db.example.com"]);
    refused_alone(
        &builder()
            .tls(Tls::enabled().crl_file("revoked.pem"))
            .build()
            .unwrap(),
        &Refusal::CrlFile {
            path: "revoked.pem".into(),
        },
        "tlsCRLFile (`revoked.pem`)",
    );
    refused_alone(
        &builder()
            .credential(Auth::x509())
            .tls(Tls::enabled().client_cert_and_key("client.crt", "client.key"))
            .build()
            .unwrap(),
        &Refusal::SeparateKeyFile {
            path: "client.key".into(),
        },
        "one PEM file",
    );
    refused_alone(
        &builder()
            .handshake_timeout(Duration::from_secs(5))
            .build()
            .unwrap(),
        &Refusal::HandshakeTimeout {
            timeout: Duration::from_secs(5),
        },
        "mongo-auth setting",
    );
    refused_alone(
        &builder().max_scram_iterations(100_000).build().unwrap(),
        &Refusal::MaxScramIterations {
            iterations: 100_000,
        },
        "caps no SCRAM iteration count",
    );
    refused_alone(
        &builder()
            .server_api(mongo_auth::config::ServerApi::V1)
            .build()
            .unwrap(),
        &Refusal::ServerApiInConnectionString,
        "to_driver_options",
    );
}

#[cfg(unix)]
#[test]
fn a_gssapi_password_is_refused_on_unix() {
    let config = ClientConfig::builder()
        .hosts(["db.example.com"])
        .credential(Auth::gssapi("mongodbuser@EXAMPLE.COM").password("kerberos-secret"))
        .build()
        .unwrap();
    refused_alone(&config, &Refusal::GssapiPassword, "kinit");
    let shown = config
        .to_driver_connection_string()
        .unwrap_err()
        .to_string();
    assert!(!shown.contains("kerberos-secret"), "{shown}");
}

#[cfg(not(feature = "gssapi"))]
#[test]
fn gssapi_is_refused_without_the_drivers_gssapi_auth() {
    let config = parse("mongodb://mongodbuser%40EXAMPLE.COM@db.example.com/?authMechanism=GSSAPI");
    refused_alone(
        &config,
        &Refusal::GssapiNotInDriver,
        "turn on mongo-auth's `gssapi` feature",
    );
}

#[tokio::test]
async fn a_key_password_needs_an_encrypted_key() {
    let pki = TestPki::generate_temporary().unwrap();
    let config = ClientConfig::builder()
        .hosts(["127.0.0.1"])
        .credential(Auth::x509())
        .tls(
            Tls::enabled()
                .client_cert(&pki.client.pem)
                .key_password("not-needed-secret")
                .ca_file(&pki.ca),
        )
        .build()
        .unwrap();
    let error = config.to_driver_options().await.unwrap_err();
    assert_eq!(
        error.refusals(),
        [Refusal::KeyPasswordWithoutEncryptedKey {
            path: pki.client.pem.clone()
        }]
    );
    assert!(!error.to_string().contains("not-needed-secret"), "{error}");
}

#[test]
fn every_refusal_is_reported_at_once_without_a_secret() {
    let config = parse(
        "mongodb://app:pencil-secret@db.example.com/?authMechanism=MONGODB-CR&socketTimeoutMS=500\
         &tls=true&tlsAllowInvalidHostnames=true",
    );
    let error = config.to_driver_connection_string().unwrap_err();
    assert_eq!(
        error.refusals(),
        [
            Refusal::MongodbCr,
            Refusal::HostnameOnlyRelaxation,
            Refusal::SocketTimeout {
                timeout: Duration::from_millis(500)
            },
        ]
    );
    let shown = error.to_string();
    assert!(
        shown.starts_with("the official mongodb driver cannot take this configuration: MONGODB-CR"),
        "{shown}"
    );
    assert!(!shown.contains("pencil-secret"), "{shown}");
    assert!(!format!("{error:?}").contains("pencil-secret"));
}

// ------------------------------------------------------------------------------------------------
// End to end: the official driver authenticates against the conformance server

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scram_sha_256_from_a_builder() {
    let server = start(scram_server()).await;
    let config = ClientConfig::builder()
        .host(server.addr().to_string())
        .credential(Auth::scram_sha_256().username("app").password("pencil"))
        .build()
        .unwrap();
    driver_authenticates(&server, &config, "app@admin", "SCRAM-SHA-256").await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scram_sha_1_from_a_connection_string() {
    let server = start(scram_server()).await;
    let config = parse(&server.uri_for("app", "pencil", "admin", Some("SCRAM-SHA-1")));
    driver_authenticates(&server, &config, "app@admin", "SCRAM-SHA-1").await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_negotiated_mechanism() {
    // both SCRAM credentials: SCRAM-SHA-256
    let server = start(scram_server()).await;
    let config = ClientConfig::builder()
        .host(server.addr().to_string())
        .credential(Auth::scram().username("app").password("pencil"))
        .build()
        .unwrap();
    driver_authenticates(&server, &config, "app@admin", "SCRAM-SHA-256").await;
    server.shutdown().await;
    // a SCRAM-SHA-1 user: SCRAM-SHA-1, from saslSupportedMechs
    let server = start(scram_server()).await;
    let config = parse(&server.uri_for("legacy", "sha1-pencil", "admin", None));
    driver_authenticates(&server, &config, "legacy@admin", "SCRAM-SHA-1").await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_fails_fast_with_the_drivers_authentication_error() {
    let server = start(scram_server()).await;
    let config = parse(&server.uri_for("app", "wrong-secret", "admin", Some("SCRAM-SHA-256")));
    let client = driver_client(&config).await;
    let started = std::time::Instant::now();
    let error = ping_and_status(&client).await.unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    assert!(
        matches!(
            *error.kind,
            mongodb::error::ErrorKind::Authentication { .. }
        ),
        "{error}"
    );
    assert!(!error.to_string().contains("wrong-secret"));
    client.shutdown().await;
    assert!(recorded_authentications(&server).is_empty());
    assert!(server.stats().authentication_failures > 0);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn x509_with_a_client_certificate() {
    let pki = TestPki::generate_temporary().unwrap();
    let server = start(x509_and_plain_over_tls(&pki, required(&pki))).await;
    let x509 = format!("{CLIENT_SUBJECT}@$external");
    // certificate and key in one file, reached by name (the certificate is for localhost)
    let config = ClientConfig::builder()
        .host(format!("localhost:{}", server.addr().port()))
        .credential(Auth::x509())
        .tls(Tls::enabled().client_cert(&pki.client.pem).ca_file(&pki.ca))
        .build()
        .unwrap();
    driver_authenticates(&server, &config, &x509, "MONGODB-X509").await;
    server.shutdown().await;

    // the key encrypted (the driver's cert-key-password), the subject given, reached by address
    let server = start(x509_and_plain_over_tls(&pki, required(&pki))).await;
    let config = ClientConfig::builder()
        .host(server.addr().to_string())
        .credential(Auth::x509().username(CLIENT_SUBJECT))
        .tls(
            Tls::enabled()
                .client_cert(&pki.client_encrypted.pem)
                .key_password(KEY_PASSWORD)
                .ca_file(&pki.ca),
        )
        .build()
        .unwrap();
    driver_authenticates(&server, &config, &x509, "MONGODB-X509").await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_over_tls() {
    let pki = TestPki::generate_temporary().unwrap();
    let server = start(x509_and_plain_over_tls(&pki, ClientAuth::None)).await;
    let config = ClientConfig::builder()
        .host(server.addr().to_string())
        .credential(Auth::plain().username(PLAIN_USER).password(PLAIN_PASSWORD))
        .tls(Tls::enabled().ca_file(&pki.ca))
        .build()
        .unwrap();
    driver_authenticates(
        &server,
        &config,
        &format!("{PLAIN_USER}@$external"),
        "PLAIN",
    )
    .await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_certificate_is_verified_by_the_driver() {
    // the CA that issued the server's certificate is not trusted: no authentication happens
    let pki = TestPki::generate_temporary().unwrap();
    let server = start(x509_and_plain_over_tls(&pki, ClientAuth::None)).await;
    let config = ClientConfig::builder()
        .host(server.addr().to_string())
        .credential(Auth::plain().username(PLAIN_USER).password(PLAIN_PASSWORD))
        .tls(Tls::enabled().ca_file(&pki.other_ca))
        .build()
        .unwrap();
    let client = driver_client(&config).await;
    assert!(ping_and_status(&client).await.is_err());
    client.shutdown().await;
    assert!(recorded_authentications(&server).is_empty());
    server.shutdown().await;
}

/// The driver asks `saslSupportedMechs` for `admin.<user>` whatever the credential's source
/// (`Credential::append_needed_mechanism_negotiation`). With speculative authentication (servers
/// 4.4+) that does not matter; without it, a SCRAM-SHA-256-only user outside `admin` gets no list
/// and the driver falls back to SCRAM-SHA-1, which fails. This library's runtime asks the source.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_drivers_negotiation_asks_admin_whatever_the_source() {
    let users = || {
        ServerConfig::new().user(
            User::new("shopper", "shop")
                .password("pencil")
                .mechanisms([Mechanism::ScramSha256]),
        )
    };
    let server = start(users().speculative_authentication(false)).await;
    let config = parse(&server.uri_for("shopper", "pencil", "shop", None));
    let client = driver_client(&config).await;
    assert!(ping_and_status(&client).await.is_err());
    client.shutdown().await;
    // this library negotiates SCRAM-SHA-256 with the same server and configuration
    let mut connection = mongo_auth::connect(&config).await.unwrap();
    assert_eq!(
        connection.authenticated_mechanism(),
        Some(Mechanism::ScramSha256)
    );
    connection
        .run_command("admin", doc! { "ping": 1 })
        .await
        .unwrap();
    server.shutdown().await;

    // with speculative authentication the driver's first SCRAM-SHA-256 attempt goes to the source
    let server = start(users()).await;
    driver_authenticates(
        &server,
        &config_for(&server),
        "shopper@shop",
        "SCRAM-SHA-256",
    )
    .await;
    server.shutdown().await;

    fn config_for(server: &RunningServer) -> ClientConfig {
        parse(&server.uri_for("shopper", "pencil", "shop", None))
    }
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scram_over_a_unix_socket() {
    let server = start(scram_server()).await;
    let path = std::env::temp_dir().join(format!("mongo-auth-driver-{}.sock", std::process::id()));
    server.listen_on_unix_socket(&path).unwrap();
    let config = ClientConfig::builder()
        .host(path.to_str().unwrap())
        .credential(Auth::scram_sha_256().username("app").password("pencil"))
        .build()
        .unwrap();
    assert_eq!(
        connection_string(&config).host_info,
        HostInfo::HostIdentifiers(vec![ServerAddress::Unix { path: path.clone() }])
    );
    driver_authenticates(&server, &config, "app@admin", "SCRAM-SHA-256").await;
    server.shutdown().await;
}

// ------------------------------------------------------------------------------------------------
// GSSAPI through the driver's own Kerberos (cross-krb5 over MIT krb5), against the test KDC.
//
// The scenario runs in a child process with the test KDC's environment and a ticket of its own
// (support::kdc), as those of e2e_gssapi do.

#[cfg(feature = "gssapi")]
#[test]
fn gssapi_through_the_driver() {
    use crate::support::kdc::{self, Tickets};
    use mongo_auth_test_server::gssapi::Kdc;
    kdc::scenario(
        &crate::support::test_path!("gssapi_through_the_driver"),
        Tickets::Of(Kdc::USER),
        gssapi_scenario,
    );
}

#[cfg(feature = "gssapi")]
async fn gssapi_scenario() {
    use mongo_auth_test_server::gssapi::{GssapiAcceptor, Kdc};
    let expected = format!("{}@$external", Kdc::USER);
    for (host, properties) in [
        ("localhost", ""),
        ("localhost", "SERVICE_NAME:othersvc"),
        ("127.0.0.1", "SERVICE_HOST:db.mongo-auth.test"),
        ("localhost", "SERVICE_REALM:SERVICES.MONGO-AUTH.TEST"),
    ] {
        let server = start(
            ServerConfig::new()
                .sasl_mechanism(std::sync::Arc::new(GssapiAcceptor::any_service()))
                .user(User::gssapi(Kdc::USER)),
        )
        .await;
        let mut uri = format!(
            "mongodb://mongodbuser%40MONGO-AUTH.TEST@{host}:{}/?authMechanism=GSSAPI",
            server.addr().port()
        );
        if !properties.is_empty() {
            uri.push_str("&authMechanismProperties=");
            uri.push_str(properties);
        }
        driver_authenticates(&server, &parse(&uri), &expected, "GSSAPI").await;
        server.shutdown().await;
    }
}
