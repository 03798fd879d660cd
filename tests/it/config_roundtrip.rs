//! Property tests over every field of a configuration built in code: it prints (Display) as a
//! connection string that parses back to an equal configuration (the redacted secrets given again;
//! the fields a connection string cannot hold left out of the comparison's other side), and it
//! serializes to a table that loads back, and round-trips again, to an equal configuration.

use std::time::Duration;

use mongo_auth::config::ServerApi;
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

/// Where the hosts come from, with the options that go with each.
#[derive(Clone, Debug)]
enum Topology {
    Hosts {
        hosts: Vec<String>,
        replica_set: Option<String>,
    },
    Single {
        host: String,
        direct_connection: Option<bool>,
    },
    Srv {
        name: String,
        max_hosts: Option<u64>,
        service_name: Option<String>,
    },
}

fn topology() -> impl Strategy<Value = Topology> {
    prop_oneof![
        (hosts(), proptest::option::of("[a-z][a-z0-9_-]{0,8}"))
            .prop_map(|(hosts, replica_set)| Topology::Hosts { hosts, replica_set }),
        (named_host(), proptest::option::of(any::<bool>())).prop_map(
            |(host, direct_connection)| Topology::Single {
                host,
                direct_connection
            }
        ),
        (
            "[a-z][a-z0-9-]{0,8}\\.[a-z]{2,5}\\.[a-z]{2,3}",
            proptest::option::of(0u64..10),
            proptest::option::of("[a-z][a-z0-9]{0,8}"),
        )
            .prop_map(|(name, max_hosts, service_name)| Topology::Srv {
                name,
                max_hosts,
                service_name
            }),
    ]
}

/// Every field a configuration has.
#[derive(Clone, Debug)]
struct Params {
    kind: Kind,
    topology: Topology,
    username: String,
    source: Option<String>,
    ca: Option<String>,
    cert: String,
    /// A private key in a file of its own.
    key: Option<String>,
    key_password: bool,
    crl: Option<String>,
    allow_invalid_certificates: bool,
    allow_invalid_hostnames: bool,
    app_name: Option<String>,
    connect_timeout_ms: Option<u64>,
    socket_timeout_ms: Option<u64>,
    canonicalize: Canonicalize,
    service_host: Option<String>,
    /// What only code and config files can say.
    handshake_timeout_ms: Option<u64>,
    server_api: bool,
    max_scram_iterations: Option<u32>,
}

fn canonicalize() -> impl Strategy<Value = Canonicalize> {
    prop_oneof![
        Just(Canonicalize::None),
        Just(Canonicalize::Forward),
        Just(Canonicalize::ForwardAndReverse),
    ]
}

prop_compose! {
    fn params()(
        (kind, topology, username, source) in (kind(), topology(), username(), source()),
        (ca, cert, key, key_password, crl) in (
            proptest::option::of(path()),
            path(),
            proptest::option::of(path()),
            any::<bool>(),
            proptest::option::of(path()),
        ),
        (allow_invalid_certificates, allow_invalid_hostnames) in (any::<bool>(), any::<bool>()),
        (app_name, connect_timeout_ms, socket_timeout_ms) in (
            proptest::option::of("[a-zA-Z0-9 ._-]{1,20}"),
            proptest::option::of(1u64..600_000),
            proptest::option::of(1u64..600_000),
        ),
        (canonicalize, service_host) in (canonicalize(), proptest::option::of("[a-z][a-z0-9.-]{0,12}")),
        (handshake_timeout_ms, server_api, max_scram_iterations) in (
            proptest::option::of(1u64..600_000),
            any::<bool>(),
            proptest::option::of(4096u32..10_000_000),
        ),
    ) -> Params {
        Params {
            kind, topology, username, source, ca, cert, key, key_password, crl,
            allow_invalid_certificates, allow_invalid_hostnames, app_name, connect_timeout_ms,
            socket_timeout_ms, canonicalize, service_host, handshake_timeout_ms, server_api,
            max_scram_iterations,
        }
    }
}

/// The configuration of `p`; with `uri_only`, without what a connection string cannot hold.
fn build(p: &Params, uri_only: bool) -> ClientConfig {
    let tls = || {
        let mut tls = Tls::enabled();
        if let Some(ca) = &p.ca {
            tls = tls.ca_file(ca);
        }
        if let Some(crl) = &p.crl {
            tls = tls.crl_file(crl);
        }
        match (p.allow_invalid_certificates, p.allow_invalid_hostnames) {
            (true, true) => tls.dangerous().insecure(),
            (true, false) => tls.dangerous().allow_invalid_certificates(),
            (false, true) => tls.dangerous().allow_invalid_hostnames(),
            (false, false) => tls,
        }
    };
    let with_cert = || {
        let tls = match (&p.key, uri_only) {
            (Some(key), false) => tls().client_cert_and_key(&p.cert, key),
            _ => tls().client_cert(&p.cert),
        };
        if p.key_password {
            tls.key_password(KEY_PASSWORD)
        } else {
            tls
        }
    };
    let mut builder = ClientConfig::builder();
    builder = match &p.topology {
        Topology::Hosts { hosts, replica_set } => {
            let builder = builder.hosts(hosts.iter().cloned());
            match replica_set {
                Some(name) => builder.replica_set(name),
                None => builder,
            }
        }
        Topology::Single {
            host,
            direct_connection,
        } => {
            let builder = builder.host(host);
            match direct_connection {
                Some(direct) => builder.direct_connection(*direct),
                None => builder,
            }
        }
        // srv() turns TLS on; the TLS settings below replace those
        Topology::Srv { .. } => builder,
    };
    if let Some(name) = &p.app_name {
        builder = builder.app_name(name);
    }
    if let Some(ms) = p.connect_timeout_ms {
        builder = builder.connect_timeout(Duration::from_millis(ms));
    }
    if let Some(ms) = p.socket_timeout_ms {
        builder = builder.socket_timeout(Duration::from_millis(ms));
    }
    if let Topology::Srv {
        max_hosts,
        service_name,
        ..
    } = &p.topology
    {
        if let Some(max) = max_hosts {
            builder = builder.srv_max_hosts(*max);
        }
        if let Some(name) = service_name {
            builder = builder.srv_service_name(name);
        }
    }
    if !uri_only {
        if let Some(ms) = p.handshake_timeout_ms {
            builder = builder.handshake_timeout(Duration::from_millis(ms));
        }
        if p.server_api {
            builder = builder.server_api(ServerApi::V1);
        }
        if let Some(max) = p.max_scram_iterations {
            builder = builder.max_scram_iterations(max);
        }
    }
    let srv_name = match &p.topology {
        Topology::Srv { name, .. } => Some(name.clone()),
        _ => None,
    };
    let username = p.username.as_str();
    let source = p.source.as_deref();
    macro_rules! finish {
        ($builder:expr, $tls:expr) => {{
            let builder = $builder;
            match &srv_name {
                Some(name) => builder.srv(name).tls($tls).build(),
                None => builder.tls($tls).build(),
            }
        }};
    }
    macro_rules! password {
        ($credential:expr) => {{
            let credential = $credential.username(username).password(PASSWORD);
            let credential = match source {
                Some(source) => credential.source(source),
                None => credential,
            };
            finish!(builder.credential(credential), tls())
        }};
    }
    let built = match p.kind {
        Kind::Negotiated => password!(Auth::scram()),
        Kind::Sha1 => password!(Auth::scram_sha_1()),
        Kind::Sha256 => password!(Auth::scram_sha_256()),
        Kind::Cr => password!(Auth::mongodb_cr()),
        Kind::Plain => password!(Auth::plain()),
        Kind::X509 => finish!(
            builder.credential(Auth::x509().username(username)),
            with_cert()
        ),
        Kind::Gssapi => {
            let mut credential = Auth::gssapi(username)
                .service_name("svc")
                .canonicalize_host_name(p.canonicalize)
                .service_realm("REALM.EXAMPLE");
            if let Some(host) = &p.service_host {
                credential = credential.service_host(host);
            }
            finish!(builder.credential(credential), tls())
        }
    };
    built.unwrap_or_else(|e| panic!("{p:?}: {e}"))
}

/// The secrets the configurations hold: a `~` no generated value has, so that finding one in
/// serialized output means a secret leaked, not that a user or service name happened to be `pw`.
const PASSWORD: &str = "pw~";
const KEY_PASSWORD: &str = "kpw~";

/// The connection string of `config` with its redacted secrets given again.
fn with_secrets(config: &ClientConfig) -> String {
    config
        .to_string()
        .replace(":<redacted>@", &format!(":{PASSWORD}@"))
        .replace(
            "tlsCertificateKeyFilePassword=<redacted>",
            &format!("tlsCertificateKeyFilePassword={KEY_PASSWORD}"),
        )
}

proptest! {
    #![proptest_config(crate::support::proptest_config(256))]

    /// builder → Display → parse, and Display → parse → Display.
    #[test]
    fn display_parses_back_to_an_equal_configuration(p in params()) {
        let config = build(&p, false);
        let shown = with_secrets(&config);
        let again: ClientConfig = shown.parse().unwrap_or_else(|e| panic!("{shown}: {e}"));
        prop_assert_eq!(&again, &build(&p, true), "{}", shown);
        prop_assert_eq!(again.to_string(), build(&p, true).to_string());
        // a configuration a connection string can hold comes back whole
        let uri_only = build(&p, true);
        let again: ClientConfig = with_secrets(&uri_only).parse().unwrap();
        prop_assert_eq!(again, uri_only);
    }

    /// builder → Serialize → Deserialize → Serialize → Deserialize.
    #[test]
    fn serialize_loads_back_to_an_equal_configuration(p in params()) {
        let config = build(&p, false);
        let mut value = serde_json::to_value(&config).unwrap();
        prop_assert!(!value.to_string().contains(PASSWORD), "{}", value);
        prop_assert!(!value.to_string().contains(KEY_PASSWORD), "{}", value);
        // the inline secrets are left out; give them back as references to files
        let dir = std::env::temp_dir();
        if config.credential().unwrap().password.is_some() {
            let file = dir.join(format!("mongo-auth-roundtrip-pw-{}", std::process::id()));
            std::fs::write(&file, PASSWORD).unwrap();
            value["auth"]["password"] = serde_json::json!({ "file": file });
        }
        if config.tls().is_some_and(|tls| tls.has_key_password()) {
            let file = dir.join(format!("mongo-auth-roundtrip-kpw-{}", std::process::id()));
            std::fs::write(&file, KEY_PASSWORD).unwrap();
            value["tls"]["key_password"] = serde_json::json!({ "file": file });
        }
        let loaded: ClientConfig = serde_json::from_value(value.clone())
            .unwrap_or_else(|e| panic!("{value}: {e}"));
        // equal to the built configuration but for where the secrets came from
        prop_assert_eq!(loaded.to_string(), config.to_string());
        prop_assert_eq!(loaded.credential(), config.credential());
        prop_assert_eq!(loaded.tls(), config.tls());
        prop_assert_eq!(loaded.handshake_timeout(), config.handshake_timeout());
        prop_assert_eq!(loaded.server_api(), config.server_api());
        prop_assert_eq!(loaded.max_scram_iterations(), config.max_scram_iterations());
        // and from there on, whole: the references are written back and read again
        let again: ClientConfig = serde_json::from_value(serde_json::to_value(&loaded).unwrap()).unwrap();
        prop_assert_eq!(again, loaded);
    }
}
