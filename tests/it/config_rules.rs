//! Library-layer rules through every entry point: a connection string at run time, the builder's
//! `build()`, a config file, and `mongo_uri!` (through its own functions, as `macro_equivalence`
//! calls them). Each must refuse the same configurations for the same rule.

use mongo_auth::config::from_deserializer;
use mongo_auth::rulebook::ErrorKind;
use mongo_auth::{Auth, ClientConfig, ConfigError, Tls};
use mongo_auth_macros_core::{Rule, check};

fn kinds(error: &ConfigError) -> Vec<ErrorKind> {
    error.rules().iter().map(|e| e.kind()).collect()
}

fn from_json(text: &str) -> Result<ClientConfig, ConfigError> {
    from_deserializer(&mut serde_json::Deserializer::from_str(text))
}

/// The macro's verdict on a literal: the rules it breaks.
fn literal_rules(uri: &str) -> Vec<Rule> {
    match check(uri) {
        Ok(_) => Vec::new(),
        Err(diagnostics) => diagnostics.iter().map(|d| d.rule()).collect(),
    }
}

// ---- a NUL in a SASL credential ----

/// A NUL character cannot travel in a SASL conversation (RFC 4616 for PLAIN, RFC 5802 and SASLprep
/// for SCRAM): a user name or password holding one is refused, the field named, the text not shown.
#[test]
fn nul_in_a_sasl_user_name_or_password_is_refused_everywhere() {
    const SHOWN: &str = "Zq9x";
    for mechanism in ["SCRAM-SHA-1", "SCRAM-SHA-256", "PLAIN", "DEFAULT"] {
        for (field, user, password) in [
            ("user name", "Zq9x%00a", "pw"),
            ("password", "u", "Zq9x%00a"),
        ] {
            let uri = format!("mongodb://{user}:{password}@db/?authMechanism={mechanism}&tls=true");
            // connection string at run time
            let error = uri.parse::<ClientConfig>().unwrap_err();
            assert_eq!(
                kinds(&error),
                [ErrorKind::NulInCredential],
                "{uri}: {error}"
            );
            let message = error.to_string();
            assert!(
                message.starts_with(&format!("the {field} holds a NUL character")),
                "{message}"
            );
            // the message never quotes the field; the rendered string (Debug) shows the user name
            // and masks the password
            let rendered = format!("{error:?}");
            let messages: Vec<&str> = rendered
                .lines()
                .filter(|line| line.starts_with("error: "))
                .collect();
            assert!(!message.contains(SHOWN), "{uri}: {message}");
            assert!(!messages.concat().contains(SHOWN), "{uri}: {rendered}");
            assert_eq!(
                rendered.contains(SHOWN),
                field == "user name",
                "{uri}: {rendered}"
            );
            // mongo_uri!
            assert_eq!(
                literal_rules(&uri),
                [Rule::Error(ErrorKind::NulInCredential)],
                "{uri}"
            );
            for diagnostic in check(&uri).unwrap_err() {
                assert!(!diagnostic.message_without_subspan(&uri).contains(SHOWN));
            }
        }
    }
    // a config file: the field path names the field
    for (auth, path) in [
        (
            r#"{ "username": "Zq9x\u0000a", "password": "pw" }"#,
            "auth.username",
        ),
        (
            r#"{ "mechanism": "PLAIN", "username": "u", "password": "Zq9x\u0000a" }"#,
            "auth.password",
        ),
    ] {
        let text = format!(r#"{{ "hosts": ["db"], "tls": true, "auth": {auth} }}"#);
        let error = from_json(&text).unwrap_err();
        assert_eq!(
            kinds(&error),
            [ErrorKind::NulInCredential],
            "{text}: {error}"
        );
        assert_eq!(error.fields()[0].path(), path);
        assert!(!format!("{error} {error:?}").contains(SHOWN), "{error:?}");
    }
    // the builder
    let error = ClientConfig::builder()
        .hosts(["db"])
        .credential(Auth::plain().username("u").password("Zq9x\0a"))
        .tls(Tls::enabled())
        .build()
        .unwrap_err();
    assert_eq!(kinds(&error), [ErrorKind::NulInCredential], "{error}");
    assert!(!format!("{error} {error:?}").contains(SHOWN));
    let error = ClientConfig::builder()
        .hosts(["db"])
        .credential(Auth::scram_sha_256().username("Zq9x\0a").password("pw"))
        .build()
        .unwrap_err();
    assert_eq!(kinds(&error), [ErrorKind::NulInCredential], "{error}");
    assert!(
        error
            .to_string()
            .starts_with("the user name holds a NUL character")
    );
    // GSSAPI's principal and MONGODB-OIDC's user name go through SASL too
    let error = "mongodb://u%00x@db/?authMechanism=GSSAPI"
        .parse::<ClientConfig>()
        .unwrap_err();
    assert_eq!(kinds(&error), [ErrorKind::NulInCredential]);
    // MONGODB-X509 is not SASL: its user name is the certificate subject the server compares
    "mongodb://CN%3Dx%00y@db/?authMechanism=MONGODB-X509&tls=true&tlsCertificateKeyFile=c.pem"
        .parse::<ClientConfig>()
        .unwrap();
}

// ---- TLS settings where every host is a Unix socket ----

/// A connection to a Unix socket is not TLS-wrapped: TLS settings on a configuration whose every host
/// is a socket would be ignored, and the user would believe the channel encrypted.
#[test]
fn tls_settings_with_only_unix_socket_hosts_are_refused_everywhere() {
    for uri in [
        "mongodb://%2Ftmp%2Fmongodb-27017.sock/?tls=true",
        "mongodb://%2Ftmp%2Fmongodb-27017.sock/?tls=true&tlsCAFile=ca.pem",
        "mongodb://%2Ftmp%2Fa.sock,%2Ftmp%2Fb.sock/?ssl=true",
        "mongodb://u:p@%2Ftmp%2Fa.sock/?authMechanism=PLAIN&tls=true",
        "mongodb://u:p@%2Ftmp%2Fa.sock/?authMechanism=SCRAM-SHA-256&tls=true",
        // MONGODB-X509's certificate would never be sent, with or without TLS in the literal
        "mongodb://%2Ftmp%2Fa.sock/?authMechanism=MONGODB-X509&tls=true&tlsCertificateKeyFile=c.pem",
        "mongodb://%2Ftmp%2Fa.sock/?authMechanism=MONGODB-X509",
    ] {
        let error = uri.parse::<ClientConfig>().unwrap_err();
        assert_eq!(
            kinds(&error),
            [ErrorKind::TlsOverUnixSocket],
            "{uri}: {error}"
        );
        assert!(error.to_string().contains("Unix socket"), "{error}");
        assert_eq!(
            literal_rules(uri),
            [Rule::Error(ErrorKind::TlsOverUnixSocket)],
            "{uri}"
        );
    }
    assert_eq!(
        "mongodb://%2Ftmp%2Fmongodb-27017.sock/?tls=true"
            .parse::<ClientConfig>()
            .unwrap_err()
            .to_string(),
        "TLS settings have no effect when every host is a Unix socket, whose connection is not \
         TLS-wrapped (the channel would not be encrypted): remove the TLS settings, or add a TCP host"
    );
    // sockets without TLS, and sockets next to TCP hosts with TLS, are fine
    for uri in [
        "mongodb://%2Ftmp%2Fmongodb-27017.sock",
        "mongodb://u:p@%2Ftmp%2Fa.sock/?authMechanism=SCRAM-SHA-256",
        "mongodb://%2Ftmp%2Fa.sock,db.example.com/?tls=true",
        "mongodb://%2Ftmp%2Fa.sock,db.example.com/?authMechanism=MONGODB-X509&tls=true&tlsCertificateKeyFile=c.pem",
    ] {
        uri.parse::<ClientConfig>()
            .unwrap_or_else(|e| panic!("{uri}: {e}"));
        check(uri).unwrap_or_else(|d| panic!("{uri}: {d:?}"));
    }

    // the builder
    let error = ClientConfig::builder()
        .hosts(["/tmp/mongodb-27017.sock"])
        .tls(Tls::enabled().ca_file("ca.pem"))
        .build()
        .unwrap_err();
    assert_eq!(kinds(&error), [ErrorKind::TlsOverUnixSocket], "{error}");
    let error = ClientConfig::builder()
        .hosts(["/tmp/mongodb-27017.sock"])
        .credential(Auth::x509())
        .tls(Tls::enabled().client_cert("client.pem"))
        .build()
        .unwrap_err();
    assert_eq!(kinds(&error), [ErrorKind::TlsOverUnixSocket], "{error}");
    let error = ClientConfig::builder()
        .hosts(["/tmp/mongodb-27017.sock"])
        .credential(Auth::plain().username("u").password("p"))
        .tls(Tls::enabled())
        .build()
        .unwrap_err();
    assert!(error.to_string().contains("PLAIN"), "{error}");
    // PLAIN over a socket is clear text, allowed only explicitly
    ClientConfig::builder()
        .hosts(["/tmp/mongodb-27017.sock"])
        .credential(Auth::plain().username("u").password("p"))
        .dangerous()
        .allow_plain_password_without_tls()
        .build()
        .unwrap();
    ClientConfig::builder()
        .hosts(["/tmp/mongodb-27017.sock", "db.example.com"])
        .tls(Tls::enabled())
        .build()
        .unwrap();

    // a config file
    for text in [
        r#"{ "hosts": ["/tmp/mongodb-27017.sock"], "tls": true }"#,
        r#"{ "hosts": ["/tmp/mongodb-27017.sock"], "tls": { "ca_file": "ca.pem" } }"#,
        r#"{ "hosts": ["/tmp/a.sock"], "auth": { "mechanism": "MONGODB-X509" }, "tls": { "certificate_key_file": "c.pem" } }"#,
    ] {
        let error = from_json(text).unwrap_err();
        assert_eq!(
            kinds(&error),
            [ErrorKind::TlsOverUnixSocket],
            "{text}: {error}"
        );
        assert_eq!(error.fields()[0].path(), "tls", "{text}");
    }
    from_json(r#"{ "hosts": ["/tmp/mongodb-27017.sock", "db"], "tls": true }"#).unwrap();
    from_json(r#"{ "hosts": ["/tmp/mongodb-27017.sock"], "tls": false }"#).unwrap();
}

// ---- appName and srvServiceName ----

/// The option table's rules on `appName` (at most 128 bytes) and `srvServiceName` (an RFC 6335
/// service name) hold for builders and config files too, not only for connection strings.
#[test]
fn app_name_and_srv_service_name_rules_hold_everywhere() {
    let long = "x".repeat(129);
    let uri = format!("mongodb://h/?appName={long}");
    assert!(uri.parse::<ClientConfig>().is_err());
    assert!(!literal_rules(&uri).is_empty());
    let built = ClientConfig::builder()
        .hosts(["h"])
        .app_name(long.clone())
        .build();
    assert_eq!(kinds(&built.unwrap_err()), [ErrorKind::InvalidOptionValue]);
    let file = from_json(&format!(
        r#"{{ "hosts": ["h"], "options": {{ "app_name": "{long}" }} }}"#
    ))
    .unwrap_err();
    assert_eq!(file.fields()[0].path(), "options.app_name");
    assert!(file.to_string().contains("128 bytes"), "{file}");
    // 128 bytes are fine.
    ClientConfig::builder()
        .hosts(["h"])
        .app_name("x".repeat(128))
        .build()
        .unwrap();

    assert!(
        "mongodb+srv://c.example.com/?srvServiceName=a%20b"
            .parse::<ClientConfig>()
            .is_err()
    );
    let file = from_json(r#"{ "srv": "c.example.com", "options": { "srv_service_name": "a b" } }"#)
        .unwrap_err();
    assert_eq!(file.fields()[0].path(), "options.srv_service_name");
    from_json(r#"{ "srv": "c.example.com", "options": { "srv_service_name": "customname" } }"#)
        .unwrap();
    // Only with mongodb+srv, as in a connection string.
    assert!(
        "mongodb://h/?srvServiceName=customname"
            .parse::<ClientConfig>()
            .is_err()
    );
    let file = from_json(r#"{ "hosts": ["h"], "options": { "srv_service_name": "customname" } }"#)
        .unwrap_err();
    assert_eq!(file.fields()[0].path(), "options.srv_service_name");
    assert_eq!(kinds(&file), [ErrorKind::SrvRule]);
    assert!(
        file.to_string().contains("only applies to mongodb+srv://"),
        "{file}"
    );
}

/// A comma separates authMechanismProperties pairs: a GSSAPI property value holding one is refused at
/// every entry point (no service name, host name or realm has one, and no string could carry it).
#[test]
fn a_comma_in_a_gssapi_property_is_refused_everywhere() {
    let file = from_json(
        r#"{ "hosts": ["h"], "auth": { "mechanism": "GSSAPI", "username": "u@R", "properties": { "SERVICE_HOST": "kdc,example.com" } } }"#,
    )
    .unwrap_err();
    assert_eq!(kinds(&file), [ErrorKind::InvalidMechanismProperty]);
    assert_eq!(file.fields()[0].path(), "auth.properties");
    assert!(
        file.to_string().contains("SERVICE_HOST holds a comma"),
        "{file}"
    );

    let built = ClientConfig::builder()
        .hosts(["h"])
        .credential(mongo_auth::Auth::gssapi("u@R").service_realm("A,B"))
        .build()
        .unwrap_err();
    assert_eq!(kinds(&built), [ErrorKind::InvalidMechanismProperty]);

    // the deprecated gssapiServiceName is not split at commas by the spec layer: the library refuses
    let uri = mongo_auth::rulebook::ConnectionString::parse(
        "mongodb://u%40R@h/?authMechanism=GSSAPI&gssapiServiceName=a,b",
    )
    .unwrap();
    let error = ClientConfig::try_from(uri).unwrap_err();
    assert!(
        kinds(&error).contains(&ErrorKind::InvalidMechanismProperty),
        "{error}"
    );
}

/// srvMaxHosts: the builder and config files set it, with the connection string's rules, and
/// `Display` and `Serialize` write it back.
#[test]
fn srv_max_hosts_is_set_everywhere_with_the_same_rules() {
    let built = ClientConfig::builder()
        .srv("cluster0.example.com")
        .srv_max_hosts(2)
        .build()
        .unwrap();
    assert_eq!(built.srv_max_hosts(), Some(2));
    let again: ClientConfig = built.to_string().parse().unwrap();
    assert_eq!(again.srv_max_hosts(), Some(2));
    let file = from_json(r#"{ "srv": "cluster0.example.com", "options": { "srv_max_hosts": 2 } }"#)
        .unwrap();
    assert_eq!(file.srv_max_hosts(), Some(2));
    let json = serde_json::to_string(&file).unwrap();
    assert!(json.contains(r#""srv_max_hosts":2"#), "{json}");

    // the connection string's rules: only with mongodb+srv, not with replicaSet or loadBalanced
    for (json, message) in [
        (
            r#"{ "hosts": ["h"], "options": { "srv_max_hosts": 2 } }"#,
            "srvMaxHosts only applies to mongodb+srv://",
        ),
        (
            r#"{ "srv": "c.example.com", "options": { "srv_max_hosts": 2, "replica_set": "rs0" } }"#,
            "srvMaxHosts cannot be combined with replicaSet",
        ),
        (
            r#"{ "srv": "c.example.com", "options": { "srv_max_hosts": 2, "load_balanced": true } }"#,
            "srvMaxHosts cannot be combined with loadBalanced=true",
        ),
    ] {
        let error = from_json(json).unwrap_err();
        assert_eq!(kinds(&error), [ErrorKind::SrvRule], "{json}");
        assert_eq!(error.fields()[0].path(), "options.srv_max_hosts", "{json}");
        assert!(error.to_string().contains(message), "{json}: {error}");
    }
    // 0 means "all hosts" and combines with anything
    from_json(
        r#"{ "srv": "c.example.com", "options": { "srv_max_hosts": 0, "replica_set": "rs0" } }"#,
    )
    .unwrap();
    assert!(
        ClientConfig::builder()
            .host("h")
            .srv_max_hosts(1)
            .build()
            .is_err()
    );
}
