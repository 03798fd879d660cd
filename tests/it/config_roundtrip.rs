//! Property tests: a configuration built in code prints (Display) as a connection string that parses
//! back to the same hosts, credential (all but the redacted password) and TLS files, and serializes
//! to a table that loads back to the same configuration once the secrets are given as references.

use mongo_auth::rulebook::Canonicalize;
use mongo_auth::{Auth, ClientConfig, Tls};
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum Kind {
    Negotiated,
    Sha1,
    Sha256,
    Cr,
    Plain,
    X509,
    Gssapi,
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![
        Just(Kind::Negotiated),
        Just(Kind::Sha1),
        Just(Kind::Sha256),
        Just(Kind::Cr),
        Just(Kind::Plain),
        Just(Kind::X509),
        Just(Kind::Gssapi),
    ]
}

fn host() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => named_host(),
        1 => "/tmp/[a-z0-9 %:-]{1,10}\\.sock",
    ]
}

/// One to three hosts, at least one of them TCP: every configuration here has TLS, and TLS settings
/// where every host is a Unix socket are refused (a socket connection is not TLS-wrapped).
fn hosts() -> impl Strategy<Value = Vec<String>> {
    proptest::collection::vec(host(), 1..4).prop_filter("a TCP host for TLS", |hosts| {
        hosts.iter().any(|host| !host.ends_with(".sock"))
    })
}

fn named_host() -> impl Strategy<Value = String> {
    (
        "[a-z][a-z0-9-]{0,8}(\\.[a-z]{2,5}){0,2}",
        proptest::option::of(1u16..=65535),
    )
        .prop_map(|(name, port)| match port {
            Some(port) => format!("{name}:{port}"),
            None => name,
        })
}

/// User names with the characters a connection string must escape.
fn username() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9@:/%?#\\[\\], +=&$é._-]{1,16}"
}

fn source() -> impl Strategy<Value = Option<String>> {
    proptest::option::of("[a-zA-Z0-9_-]{1,10}")
}

fn path() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9/._ -]{1,20}\\.pem"
}

fn build(
    kind: &Kind,
    hosts: &[String],
    username: &str,
    source: Option<&str>,
    ca: Option<&str>,
    cert: &str,
) -> ClientConfig {
    let tls = || match ca {
        Some(ca) => Tls::enabled().ca_file(ca),
        None => Tls::enabled(),
    };
    let builder = ClientConfig::builder().hosts(hosts.iter().cloned());
    macro_rules! password {
        ($credential:expr) => {{
            let credential = $credential.username(username).password("pw");
            let credential = match source {
                Some(source) => credential.source(source),
                None => credential,
            };
            builder.credential(credential).tls(tls()).build()
        }};
    }
    let built = match kind {
        Kind::Negotiated => password!(Auth::scram()),
        Kind::Sha1 => password!(Auth::scram_sha_1()),
        Kind::Sha256 => password!(Auth::scram_sha_256()),
        Kind::Cr => password!(Auth::mongodb_cr()),
        Kind::Plain => password!(Auth::plain()),
        Kind::X509 => builder
            .credential(Auth::x509().username(username))
            .tls(tls().client_cert(cert))
            .build(),
        Kind::Gssapi => builder
            .credential(
                Auth::gssapi(username)
                    .service_name("svc")
                    .canonicalize_host_name(Canonicalize::Forward)
                    .service_realm("REALM.EXAMPLE"),
            )
            .tls(tls())
            .build(),
    };
    built.unwrap_or_else(|e| panic!("{kind:?} {username:?}: {e}"))
}

proptest! {
    #![proptest_config(crate::support::proptest_config(256))]

    #[test]
    fn display_parses_back(
        kind in kind(),
        hosts in hosts(),
        username in username(),
        source in source(),
        ca in proptest::option::of(path()),
        cert in path(),
    ) {
        let config = build(&kind, &hosts, &username, source.as_deref(), ca.as_deref(), &cert);
        let shown = config.to_string();
        let again: ClientConfig = shown
            .replace(":<redacted>@", ":pw@")
            .parse()
            .unwrap_or_else(|e| panic!("{shown}: {e}"));
        prop_assert_eq!(again.hosts(), config.hosts());
        prop_assert_eq!(again.credential(), config.credential());
        let (a, b) = (again.tls().unwrap(), config.tls().unwrap());
        prop_assert_eq!(a.ca_file(), b.ca_file());
        prop_assert_eq!(a.certificate_file(), b.certificate_file());
    }

    #[test]
    fn serialize_loads_back(
        kind in kind(),
        hosts in hosts(),
        username in username(),
        source in source(),
        ca in proptest::option::of(path()),
        cert in path(),
    ) {
        let config = build(&kind, &hosts, &username, source.as_deref(), ca.as_deref(), &cert);
        let mut value = serde_json::to_value(&config).unwrap();
        prop_assert!(!value.to_string().contains("\"pw\""));
        // the inline password is left out; give it back as a reference to a file
        if config.credential().unwrap().password.is_some() {
            let file = std::env::temp_dir().join(format!("mongo-auth-roundtrip-{}", std::process::id()));
            std::fs::write(&file, "pw").unwrap();
            value["auth"]["password"] = serde_json::json!({ "file": file });
        }
        let again: ClientConfig = serde_json::from_value(value.clone())
            .unwrap_or_else(|e| panic!("{value}: {e}"));
        prop_assert_eq!(again.hosts(), config.hosts());
        prop_assert_eq!(again.credential(), config.credential());
        prop_assert_eq!(again.to_string(), config.to_string());
    }
}
