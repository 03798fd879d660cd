//! What the builder checks at run time (what the types cannot say), through the one rulebook.

use mongo_auth::rulebook::{ErrorKind, Mechanism};
use mongo_auth::{Auth, ClientConfig, ConfigError, Tls};

fn kinds(error: &ConfigError) -> Vec<ErrorKind> {
    error.rules().iter().map(|e| e.kind()).collect()
}

#[test]
fn no_host_is_an_invalid_host_at_build() {
    let error = ClientConfig::builder().build().unwrap_err();
    assert_eq!(kinds(&error), [ErrorKind::InvalidHost]);
}

#[test]
fn invalid_hosts_and_ports_at_build() {
    let error = ClientConfig::builder()
        .hosts(["db.example.com:0"])
        .build()
        .unwrap_err();
    assert_eq!(kinds(&error), [ErrorKind::InvalidPort]);
    let error = ClientConfig::builder()
        .hosts(["a.example.com,b.example.com"])
        .build()
        .unwrap_err();
    assert_eq!(kinds(&error), [ErrorKind::InvalidHost]);
    let error = ClientConfig::builder()
        .hosts(["user@db"])
        .build()
        .unwrap_err();
    assert_eq!(kinds(&error), [ErrorKind::InvalidHost]);
    let config = ClientConfig::builder()
        .hosts(["db.example.com:27018", "[::1]:27019", "10.0.0.1"])
        .host("/tmp/mongodb-27017.sock")
        .build()
        .unwrap();
    let shown: Vec<String> = config.hosts().iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        [
            "db.example.com:27018",
            "[::1]:27019",
            "10.0.0.1",
            "/tmp/mongodb-27017.sock"
        ]
    );
}

#[test]
fn srv_name_with_a_port_breaks_an_srv_rule_at_build() {
    let error = ClientConfig::builder()
        .srv("cluster0.example.com:27017")
        .build()
        .unwrap_err();
    assert_eq!(kinds(&error), [ErrorKind::SrvRule]);
    let config = ClientConfig::builder()
        .srv("cluster0.example.com")
        .build()
        .unwrap();
    assert!(config.is_srv() && config.tls().is_some());
}

#[test]
fn empty_username_is_a_missing_username_at_build() {
    let error = ClientConfig::builder()
        .hosts(["db"])
        .credential(Auth::scram_sha_256().username("").password("p"))
        .build()
        .unwrap_err();
    assert_eq!(kinds(&error), [ErrorKind::MissingUsername]);
    let error = ClientConfig::builder()
        .hosts(["db"])
        .credential(Auth::gssapi(""))
        .build()
        .unwrap_err();
    assert_eq!(kinds(&error), [ErrorKind::MissingUsername]);
}

#[test]
fn empty_source_is_an_invalid_source_at_build_an_empty_password_is_kept() {
    let error = ClientConfig::builder()
        .hosts(["db"])
        .credential(Auth::scram_sha_1().username("u").password("p").source(""))
        .build()
        .unwrap_err();
    assert_eq!(kinds(&error), [ErrorKind::InvalidSource]);
    let config = ClientConfig::builder()
        .hosts(["db"])
        .credential(Auth::scram_sha_1().username("u").password(""))
        .build()
        .unwrap();
    assert!(
        config
            .credential()
            .unwrap()
            .password
            .as_ref()
            .unwrap()
            .is_empty()
    );
}

#[test]
fn plain_source_defaults_to_external_and_can_be_set() {
    let config = ClientConfig::builder()
        .hosts(["db"])
        .credential(Auth::plain().username("u").password("p"))
        .tls(Tls::enabled())
        .build()
        .unwrap();
    assert_eq!(config.credential().unwrap().source, "$external");
    let config = ClientConfig::builder()
        .hosts(["db"])
        .credential(Auth::plain().username("u").password("p").source("ldap"))
        .tls(Tls::enabled())
        .build()
        .unwrap();
    assert_eq!(config.credential().unwrap().source, "ldap");
}

#[test]
fn every_mechanism_lowers_to_the_rulebook_credential() {
    let cases: Vec<(ClientConfig, Option<Mechanism>, &str)> = vec![
        (
            ClientConfig::builder()
                .hosts(["db"])
                .credential(Auth::scram().username("u").password("p"))
                .build()
                .unwrap(),
            None,
            "admin",
        ),
        (
            ClientConfig::builder()
                .hosts(["db"])
                .credential(Auth::scram_sha_1().username("u").password("p"))
                .build()
                .unwrap(),
            Some(Mechanism::ScramSha1),
            "admin",
        ),
        (
            ClientConfig::builder()
                .hosts(["db"])
                .credential(
                    Auth::scram_sha_256()
                        .username("u")
                        .password("p")
                        .source("s"),
                )
                .build()
                .unwrap(),
            Some(Mechanism::ScramSha256),
            "s",
        ),
        (
            ClientConfig::builder()
                .hosts(["db"])
                .credential(Auth::mongodb_cr().username("u").password("p"))
                .build()
                .unwrap(),
            Some(Mechanism::MongodbCr),
            "admin",
        ),
        (
            ClientConfig::builder()
                .hosts(["db"])
                .credential(Auth::x509())
                .tls(Tls::enabled().client_cert("c.pem"))
                .build()
                .unwrap(),
            Some(Mechanism::MongodbX509),
            "$external",
        ),
        (
            ClientConfig::builder()
                .hosts(["db"])
                .credential(Auth::gssapi("u@R"))
                .build()
                .unwrap(),
            Some(Mechanism::Gssapi),
            "$external",
        ),
        (
            ClientConfig::builder()
                .hosts(["db"])
                .credential(Auth::plain().username("u").password("p"))
                .tls(Tls::enabled())
                .build()
                .unwrap(),
            Some(Mechanism::Plain),
            "$external",
        ),
    ];
    for (config, mechanism, source) in cases {
        let credential = config.credential().unwrap();
        assert_eq!(credential.mechanism, mechanism);
        assert_eq!(credential.source, source);
    }
}

#[test]
fn builder_and_connection_string_agree() {
    let built = ClientConfig::builder()
        .hosts(["db.example.com"])
        .credential(
            Auth::gssapi("user@EXAMPLE.COM")
                .service_name("svc")
                .service_realm("R"),
        )
        .tls(Tls::enabled().ca_file("ca.pem"))
        .build()
        .unwrap();
    let parsed: ClientConfig = built.to_string().parse().unwrap();
    assert_eq!(parsed.credential(), built.credential());
    assert_eq!(
        parsed.tls().unwrap().ca_file(),
        built.tls().unwrap().ca_file()
    );
}

#[test]
fn iteration_maximum_below_the_spec_minimum_at_build() {
    let error = ClientConfig::builder()
        .hosts(["db"])
        .max_scram_iterations(1000)
        .build()
        .unwrap_err();
    assert_eq!(kinds(&error), [ErrorKind::InvalidOptionValue]);
    assert!(error.to_string().contains("4096"), "{error}");
    let config = ClientConfig::builder()
        .hosts(["db"])
        .max_scram_iterations(4096)
        .build()
        .unwrap();
    assert_eq!(config.max_scram_iterations(), 4096);
}
