// A credential left without its password (as a `mongo_uri!` literal leaves it) is completed on the
// configuration builder; the states that `mongo_uri!` expands to are built with the hidden constructors.
use mongo_auth::__private as p;
use mongo_auth::{Auth, ClientConfig, Tls};

pub(crate) fn main() {
    let config = ClientConfig::builder()
        .hosts(["db.example.com"])
        .credential(Auth::scram_sha_256().username("app"))
        .password("pencil")
        .build()
        .unwrap();
    assert_eq!(config.credential().unwrap().source, "admin");

    // mongo_uri!("mongodb://app@db.example.com/shop?authMechanism=SCRAM-SHA-256")
    let literal = p::with_options(
        p::builder(
            vec![p::host(p::HostKind::Hostname, "db.example.com", None)],
            false,
        ),
        p::OptionParts {
            app_name: Some("shop"),
            ..p::OptionParts::default()
        },
    )
    .credential(p::password_credential_without_password::<p::ScramSha256>(
        "app", "shop",
    ));
    let config = literal.password(String::from("pencil")).build().unwrap();
    assert_eq!(config.credential().unwrap().source, "shop");
    assert_eq!(config.app_name(), Some("shop"));

    // mongo_uri!("mongodb://db.example.com/?authMechanism=MONGODB-X509") needs `.tls(…)` with a certificate
    let literal = p::builder(
        vec![p::host(p::HostKind::Hostname, "db.example.com", None)],
        false,
    )
    .credential(p::x509_credential(None));
    let config = literal
        .tls(Tls::enabled().client_cert("client.pem"))
        .build()
        .unwrap();
    assert!(config.tls().is_some());

    // a literal with everything
    let config = p::builder(
        vec![p::host(
            p::HostKind::Hostname,
            "db.example.com",
            Some(27017),
        )],
        false,
    )
    .credential(p::gssapi_credential(
        "user@EXAMPLE.COM",
        None,
        "mongodb",
        p::Canonicalize::None,
        None,
        None,
    ))
    .tls(p::tls_with_client_cert(
        p::TlsParts {
            ca_file: Some("ca.pem"),
            ..p::TlsParts::default()
        },
        "c.pem",
        None,
        None,
    ))
    .build()
    .unwrap();
    assert_eq!(
        config.tls().unwrap().ca_file().unwrap().to_str(),
        Some("ca.pem")
    );
    let _ = p::password_credential::<p::MongodbCr>("u", "pw", "admin");
    let _ = p::tls_without_client_cert(p::TlsParts::default());
}
