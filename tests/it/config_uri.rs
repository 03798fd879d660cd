//! Connection strings to `ClientConfig`: the spec layer (core) and the library layer, with errors that
//! say what to add.

use mongo_auth::rulebook::{
    ConnectionString, ErrorKind, Mechanism, MechanismProperties, WarningKind,
};
use mongo_auth::{ClientConfig, ConfigError};

fn parse(uri: &str) -> Result<ClientConfig, ConfigError> {
    uri.parse()
}

fn kinds(error: &ConfigError) -> Vec<ErrorKind> {
    error.rules().iter().map(|e| e.kind()).collect()
}

#[test]
fn pymongo_guide_scram_sha_1_with_auth_source() {
    let config = parse(
        "mongodb://user:password@example.com/?authSource=the_database&authMechanism=SCRAM-SHA-1",
    )
    .unwrap();
    let credential = config.credential().unwrap();
    assert_eq!(credential.username.as_deref(), Some("user"));
    assert_eq!(
        credential.password.as_ref().unwrap().expose_secret(),
        "password"
    );
    assert_eq!(credential.source, "the_database");
    assert_eq!(credential.mechanism, Some(Mechanism::ScramSha1));
}

#[test]
fn pymongo_guide_percent_escaped_credentials() {
    let config = parse("mongodb://user%40example.com:pass%3Aword@example.com/").unwrap();
    let credential = config.credential().unwrap();
    assert_eq!(credential.username.as_deref(), Some("user@example.com"));
    assert_eq!(
        credential.password.as_ref().unwrap().expose_secret(),
        "pass:word"
    );
}

#[test]
fn default_database_is_the_source_unless_auth_source_is_given() {
    let config = parse("mongodb://user:password@example.com/default_db").unwrap();
    assert_eq!(config.credential().unwrap().source, "default_db");
    let config = parse("mongodb://user:password@example.com/default_db?authSource=admin").unwrap();
    assert_eq!(config.credential().unwrap().source, "admin");
    let config = parse("mongodb://user:password@example.com/").unwrap();
    assert_eq!(config.credential().unwrap().source, "admin");
    assert_eq!(config.credential().unwrap().mechanism, None);
}

#[test]
fn mongodb_cr() {
    let config = parse("mongodb://user:password@example.com/?authMechanism=MONGODB-CR").unwrap();
    assert_eq!(
        config.credential().unwrap().mechanism,
        Some(Mechanism::MongodbCr)
    );
    assert_eq!(config.credential().unwrap().source, "admin");
}

#[test]
fn x509_with_certificate_and_ca() {
    let config = parse(
        "mongodb://example.com/?authMechanism=MONGODB-X509&tls=true\
         &tlsCertificateKeyFile=/path/to/client.pem&tlsCAFile=/path/to/ca.pem",
    )
    .unwrap();
    let credential = config.credential().unwrap();
    assert_eq!(credential.mechanism, Some(Mechanism::MongodbX509));
    assert_eq!(credential.source, "$external");
    assert_eq!(credential.username, None);
    let tls = config.tls().unwrap();
    assert_eq!(
        tls.certificate_file().unwrap().to_str(),
        Some("/path/to/client.pem")
    );
    assert_eq!(tls.ca_file().unwrap().to_str(), Some("/path/to/ca.pem"));
}

#[test]
fn x509_without_tls_in_a_connection_string() {
    let error = parse("mongodb://example.com/?authMechanism=MONGODB-X509").unwrap_err();
    assert_eq!(kinds(&error), [ErrorKind::X509NeedsTls]);
    let message = error.to_string();
    assert!(message.contains("MONGODB-X509"), "{message}");
    assert!(message.contains("tlsCertificateKeyFile"), "{message}");
    // TLS without a certificate is not enough either
    let error = parse("mongodb://example.com/?authMechanism=MONGODB-X509&tls=true").unwrap_err();
    assert_eq!(kinds(&error), [ErrorKind::X509NeedsTls]);
}

#[test]
fn x509_with_a_password_in_a_connection_string() {
    let error =
        parse("mongodb://user:pw@example.com/?authMechanism=MONGODB-X509&tls=true&tlsCertificateKeyFile=c.pem")
            .unwrap_err();
    assert!(
        kinds(&error).contains(&ErrorKind::ForbiddenPassword),
        "{error}"
    );
    assert!(!error.to_string().contains("pw@"));
}

#[test]
fn gssapi_with_properties() {
    let config = parse(
        "mongodb://mongodbuser%40EXAMPLE.COM@example.com/?authMechanism=GSSAPI\
         &authMechanismProperties=SERVICE_NAME:myservicename,CANONICALIZE_HOST_NAME:true,SERVICE_REALM:otherrealm",
    )
    .unwrap();
    let credential = config.credential().unwrap();
    assert_eq!(credential.source, "$external");
    let MechanismProperties::Gssapi(properties) = &credential.properties else {
        panic!(
            "GSSAPI properties expected, got {:?}",
            credential.properties
        );
    };
    assert_eq!(properties.service_name, "myservicename");
    assert_eq!(
        properties.canonicalize_host_name,
        mongo_auth::rulebook::Canonicalize::ForwardAndReverse
    );
    assert_eq!(properties.service_realm.as_deref(), Some("otherrealm"));
}

#[test]
fn gssapi_source_other_than_external_in_a_connection_string() {
    let error =
        parse("mongodb://user%40EXAMPLE.COM@example.com/?authMechanism=GSSAPI&authSource=admin")
            .unwrap_err();
    assert_eq!(kinds(&error), [ErrorKind::InvalidSource]);
    assert!(error.to_string().contains("$external"), "{error}");
}

#[test]
fn plain_without_tls_in_a_connection_string() {
    let error = parse("mongodb://ldapuser:ldappw@example.com/?authMechanism=PLAIN").unwrap_err();
    assert_eq!(kinds(&error), [ErrorKind::PlainNeedsTls]);
    assert!(!error.to_string().contains("ldappw"));
    // the fix that is not a URI option is named as this crate spells it
    assert!(
        error
            .to_string()
            .contains(".dangerous().allow_plain_password_without_tls()"),
        "{error}"
    );
    let config =
        parse("mongodb://ldapuser:ldappw@example.com/?authMechanism=PLAIN&tls=true").unwrap();
    assert_eq!(config.credential().unwrap().source, "$external");
}

#[test]
fn scram_without_a_password_in_a_connection_string() {
    let error = parse("mongodb://app@example.com/?authMechanism=SCRAM-SHA-256").unwrap_err();
    assert!(error.is_only_missing_password(), "{error:?}");
}

#[test]
fn empty_password_is_a_password() {
    let config = parse("mongodb://app:@example.com/").unwrap();
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
fn spec_errors_keep_their_spans() {
    let input = "mongodb://example.com:0/?authSource=";
    let error = parse(input).unwrap_err();
    let ConfigError::Rules(errors) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(errors.len(), 2);
    assert_eq!(&input[errors.first().span()], "0");
}

#[test]
fn try_from_connection_string() {
    let uri = ConnectionString::parse("mongodb+srv://user:pw@cluster0.example.com/").unwrap();
    let config = ClientConfig::try_from(uri).unwrap();
    assert!(config.is_srv());
    assert!(config.tls().is_some(), "mongodb+srv implies TLS");
}

#[test]
fn tls_options_become_settings() {
    let config = parse(
        "mongodb://example.com/?tls=true&tlsInsecure=true&tlsCRLFile=crl.pem\
         &tlsCertificateKeyFile=c.pem&tlsCertificateKeyFilePassword=keypw",
    )
    .unwrap();
    let tls = config.tls().unwrap();
    assert!(tls.allows_invalid_certificates() && tls.allows_invalid_hostnames());
    assert_eq!(tls.crl_file().unwrap().to_str(), Some("crl.pem"));
    assert!(tls.has_key_password());
    assert!(!config.to_string().contains("keypw"));
    assert!(!format!("{config:?}").contains("keypw"));
}

#[test]
fn options() {
    let config = parse(
        "mongodb://a.example.com,b.example.com:27018/?appName=inv&replicaSet=rs0&connectTimeoutMS=1500",
    )
    .unwrap();
    assert_eq!(config.hosts().len(), 2);
    assert_eq!(config.app_name(), Some("inv"));
    assert_eq!(config.replica_set(), Some("rs0"));
    assert_eq!(
        config.connect_timeout(),
        Some(std::time::Duration::from_millis(1500))
    );
}

/// What the spec only warns about is refused at run time, as `mongo_uri!` refuses it: the spec
/// ignores `tls=yes`, so the configuration would have TLS off.
#[test]
fn spec_warnings_are_refused_in_a_connection_string() {
    for (uri, kind, message) in [
        (
            "mongodb://db/?tls=yes",
            WarningKind::InvalidValue,
            "tls has an invalid value `yes`: use true or false",
        ),
        (
            "mongodb://db/?replicaSett=rs0",
            WarningKind::UnknownOption,
            "unknown option `replicaSett`: did you mean `replicaSet`?",
        ),
        (
            "mongodb://db/?replicaSet=a&replicaSet=b",
            WarningKind::RepeatedOption,
            "replicaSet is given more than once: give it once",
        ),
        (
            "mongodb://u@db/?authMechanism=GSSAPI&authMechanismProperties=SERVICE_NAME:x,junk",
            WarningKind::InvalidValue,
            "authMechanismProperties piece `junk` has no `:`: write KEY:value pairs separated by \
             commas (a value cannot contain a comma)",
        ),
        (
            "mongodb://db/?authMechanismProperties=SERVICE_NAME:x",
            WarningKind::IgnoredOption,
            "authMechanismProperties has no effect because no credential is configured: add a user \
             name or authMechanism",
        ),
        (
            "mongodb://db/?wtimeout=5",
            WarningKind::DeprecatedOption,
            "`wtimeout` is deprecated: use wTimeoutMS",
        ),
    ] {
        let spec = ConnectionString::parse(uri).unwrap();
        assert_eq!(spec.warnings().len(), 1, "{uri}");
        let error = parse(uri).unwrap_err();
        assert_eq!(kinds(&error), [ErrorKind::Refused(kind)], "{uri}");
        assert_eq!(error.to_string(), message, "{uri}");
        assert_eq!(error.rules()[0].span(), spec.warnings()[0].span(), "{uri}");
        // and through a ConnectionString the caller parsed leniently
        let error = ClientConfig::try_from(spec).unwrap_err();
        assert_eq!(error.to_string(), message, "{uri}");
    }
    // with a spec error, every problem at once
    let error = parse("mongodb://db:0/?tls=yes").unwrap_err();
    assert_eq!(
        kinds(&error),
        [
            ErrorKind::InvalidPort,
            ErrorKind::Refused(WarningKind::InvalidValue)
        ]
    );
}

#[test]
fn display_is_a_redacted_connection_string_that_parses_back() {
    let config = parse("mongodb://us%40er:secret@example.com:27018/?authMechanism=SCRAM-SHA-256&tls=true&appName=x").unwrap();
    let shown = config.to_string();
    assert!(!shown.contains("secret"), "{shown}");
    assert_eq!(
        shown,
        "mongodb://us%40er:<redacted>@example.com:27018/?authMechanism=SCRAM-SHA-256&tls=true&appName=x"
    );
    // with the password given again, it parses back to the same configuration
    let again = parse(&shown.replace(":<redacted>", ":secret")).unwrap();
    assert_eq!(again, config);
    // the database path, an explicit source and srvMaxHosts are kept; a mongodb+srv string
    // without authSource stays without, so that the TXT record's still applies
    for uri in [
        "mongodb://user:pw@db.example.com/shop?authSource=admin",
        "mongodb://user:pw@db.example.com/shop",
        "mongodb+srv://user:pw@cluster0.example.com/?srvMaxHosts=2&srvServiceName=custom",
        "mongodb+srv://user:pw@cluster0.example.com/shop",
        "mongodb://db.example.com/?authMechanism=MONGODB-AWS",
        "mongodb://db.example.com/?authMechanism=MONGODB-OIDC&authMechanismProperties=ENVIRONMENT:test",
        "mongodb://client-id@db.example.com/?authMechanism=MONGODB-OIDC&authMechanismProperties=ENVIRONMENT:azure,TOKEN_RESOURCE:mongodb",
        "mongodb://db.example.com/?authMechanism=MONGODB-OIDC&authMechanismProperties=ENVIRONMENT:gcp,TOKEN_RESOURCE:mongodb",
    ] {
        let config = parse(uri).unwrap();
        let shown = config.to_string().replace("<redacted>", "pw");
        assert_eq!(parse(&shown).unwrap(), config, "{shown}");
        assert_eq!(
            shown.contains("authSource"),
            uri.contains("authSource"),
            "{shown}"
        );
        assert_eq!(shown.contains("/shop"), uri.contains("/shop"), "{shown}");
    }
}

/// A string the library layer refuses reports its spec warnings too, as errors: the unknown option is
/// reported next to the PLAIN-without-TLS error.
#[test]
fn library_refusals_report_the_strings_warnings_as_errors() {
    let error = parse("mongodb://u:p@db/?authMechanism=PLAIN&replicaSett=rs0").unwrap_err();
    assert_eq!(
        kinds(&error),
        [
            ErrorKind::PlainNeedsTls,
            ErrorKind::Refused(WarningKind::UnknownOption)
        ]
    );
    match &error {
        ConfigError::Rules(errors) => assert!(errors.warnings().is_empty()),
        other => panic!("{other:?}"),
    }
    assert!(error.to_string().contains("replicaSet"), "{error}");
    // core's own check keeps them as warnings
    let uri =
        ConnectionString::parse("mongodb://u:p@db/?authMechanism=PLAIN&replicaSett=rs0").unwrap();
    assert_eq!(uri.check_library_rules().unwrap_err().warnings().len(), 1);
}

/// `socketTimeoutMS` reaches the configuration from every entry point, and 0 means "not set".
#[test]
fn socket_timeout_is_plumbed() {
    use std::time::Duration;
    let config = parse("mongodb://db/?socketTimeoutMS=5000").unwrap();
    assert_eq!(config.socket_timeout(), Some(Duration::from_secs(5)));
    assert!(
        config.to_string().contains("socketTimeoutMS=5000"),
        "{config}"
    );
    assert_eq!(
        parse("mongodb://db/?socketTimeoutMS=0")
            .unwrap()
            .socket_timeout(),
        None
    );
    assert_eq!(parse("mongodb://db").unwrap().socket_timeout(), None);
    let built = ClientConfig::builder()
        .hosts(["db"])
        .socket_timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    assert_eq!(built.socket_timeout(), Some(Duration::from_secs(5)));
    let literal = mongo_auth::mongo_uri!("mongodb://db/?socketTimeoutMS=5000");
    assert_eq!(literal.socket_timeout(), Some(Duration::from_secs(5)));
    let loaded: ClientConfig =
        toml::from_str("hosts = [\"db\"]\n[options]\nsocket_timeout_ms = 5000\n").unwrap();
    assert_eq!(loaded.socket_timeout(), Some(Duration::from_secs(5)));
    let written = toml::to_string(&loaded).unwrap();
    assert!(written.contains("socket_timeout_ms = 5000"), "{written}");
}

/// `timeoutMS` reaches the configuration from every entry point and is written back; 0 (no bound)
/// is kept apart from "not given".
#[test]
fn timeout_ms_is_plumbed() {
    use std::time::Duration;
    let config = parse("mongodb://db/?timeoutMS=5000").unwrap();
    assert!(config.to_string().contains("timeoutMS=5000"), "{config}");
    let zero = parse("mongodb://db/?timeoutMS=0").unwrap();
    assert!(zero.to_string().contains("timeoutMS=0"), "{zero}");
    assert_ne!(zero, parse("mongodb://db").unwrap());
    let built = ClientConfig::builder()
        .hosts(["db"])
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    assert_eq!(built, config);
    let literal = mongo_auth::mongo_uri!("mongodb://db/?timeoutMS=5000");
    assert_eq!(literal, config);
    let loaded: ClientConfig =
        toml::from_str("hosts = [\"db\"]\n[options]\ntimeout_ms = 5000\n").unwrap();
    assert_eq!(loaded, config);
    let written = toml::to_string(&loaded).unwrap();
    assert!(written.contains("timeout_ms = 5000"), "{written}");
}

// ---- rendering ----

#[test]
fn errors_render_under_the_string_with_the_password_masked() {
    let input = "mongodb://app:s3cret@db.example.com:99999/shop?tls=yes&replicaSett=rs0";
    let error = parse(input).unwrap_err();
    let shown = error.render();
    assert_eq!(format!("{error:?}"), shown);
    assert!(!shown.contains("s3cret"), "{shown}");
    let lines: Vec<&str> = shown.lines().collect();
    assert_eq!(lines.len(), 9, "{shown}");
    assert!(lines[0].starts_with("error: invalid port `99999`"));
    assert_eq!(
        lines[1],
        "  mongodb://app:****@db.example.com:99999/shop?tls=yes&replicaSett=rs0"
    );
    assert_eq!(lines[2], format!("  {}^^^^^", " ".repeat(34)));
    assert!(lines[3].starts_with("error: tls has an invalid value"));
    assert_eq!(lines[5].trim_start(), "^^^^^^^");
    assert!(lines[6].contains("did you mean `replicaSet`?"));
    assert_eq!(lines[8].trim_start(), "^^^^^^^^^^^");

    // the library layer's errors too: MONGODB-X509 without TLS points at the mechanism
    let input = "mongodb://h/?authMechanism=MONGODB-X509&appName=a";
    let shown = parse(input).unwrap_err().render();
    assert!(
        shown.starts_with("error: MONGODB-X509 needs TLS"),
        "{shown}"
    );
    assert!(shown.contains(&format!("\n  {input}\n")), "{shown}");

    // a password that cannot be told apart from what follows it: the rest of the string is masked
    let shown = parse("mongodb://u:p@ss:w@rd@h:0/").unwrap_err().render();
    assert!(
        !shown.contains("ss:w") && !shown.contains("rd@h"),
        "{shown}"
    );
}

#[test]
fn the_quickstart_prints_a_bad_string_underlined() {
    // `cargo test` builds the examples next to the test binaries
    let examples = std::env::current_exe()
        .unwrap()
        .parent()
        .and_then(|deps| deps.parent())
        .unwrap()
        .join("examples");
    let quickstart = examples.join(format!("quickstart{}", std::env::consts::EXE_SUFFIX));
    assert!(
        quickstart.exists(),
        "{} is missing: run `cargo test` (which builds the examples) or `cargo build --example quickstart`",
        quickstart.display()
    );
    let output = std::process::Command::new(&quickstart)
        .arg("mongodb://app:s3cret@db.example.com:99999/shop")
        .env_remove("RUST_LOG")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(!stderr.contains("s3cret"), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "  mongodb://app:****@db.example.com:99999/shop\n  {}^^^^^",
            " ".repeat(34)
        )),
        "{stderr}"
    );
}

// ---- a password supplied in code: ClientConfig::parse_awaiting_password ------------------------

#[test]
fn a_password_from_code_completes_the_string_as_if_it_held_it() {
    for (without, with) in [
        (
            "mongodb://app@db.example.com/shop?authMechanism=SCRAM-SHA-256",
            "mongodb://app:s%3Acret@db.example.com/shop?authMechanism=SCRAM-SHA-256",
        ),
        (
            "mongodb://app@db.example.com/?authSource=admin",
            "mongodb://app:s%3Acret@db.example.com/?authSource=admin",
        ),
        (
            "mongodb://app@db.example.com/?authMechanism=MONGODB-CR",
            "mongodb://app:s%3Acret@db.example.com/?authMechanism=MONGODB-CR",
        ),
        (
            "mongodb://ldap@db.example.com/?authMechanism=PLAIN&tls=true",
            "mongodb://ldap:s%3Acret@db.example.com/?authMechanism=PLAIN&tls=true",
        ),
        (
            "mongodb://user%40EXAMPLE.COM@db.example.com/?authMechanism=GSSAPI",
            "mongodb://user%40EXAMPLE.COM:s%3Acret@db.example.com/?authMechanism=GSSAPI",
        ),
    ] {
        let awaiting = ClientConfig::parse_awaiting_password(without).unwrap();
        let completed = awaiting.password("s:cret").unwrap();
        let parsed = parse(with).unwrap();
        assert_eq!(completed.credential(), parsed.credential(), "{without}");
        assert_eq!(completed.to_string(), parsed.to_string(), "{without}");
    }
}

#[test]
fn a_string_without_a_password_to_await_is_refused_with_what_to_do() {
    for (uri, kind, words) in [
        (
            "mongodb://db.example.com/?authMechanism=MONGODB-X509&tls=true&tlsCertificateKeyFile=c.pem",
            ErrorKind::ForbiddenPassword,
            "MONGODB-X509 takes no password",
        ),
        (
            "mongodb://db.example.com/?authMechanism=MONGODB-AWS",
            ErrorKind::ForbiddenPassword,
            "MONGODB-AWS takes no password",
        ),
        (
            "mongodb://app:pencil@db.example.com/",
            ErrorKind::ForbiddenPassword,
            "already carries a password",
        ),
        (
            "mongodb://db.example.com/",
            ErrorKind::MissingUsername,
            "names no user",
        ),
    ] {
        let error = ClientConfig::parse_awaiting_password(uri).unwrap_err();
        assert_eq!(kinds(&error), [kind], "{uri}");
        assert!(error.to_string().contains(words), "{uri}: {error}");
        assert!(!error.to_string().contains("pencil"), "{error}");
    }
}

#[test]
fn every_other_rule_holds_when_the_password_is_awaited() {
    let error =
        ClientConfig::parse_awaiting_password("mongodb://ldap@db.example.com/?authMechanism=PLAIN")
            .unwrap_err();
    assert_eq!(kinds(&error), [ErrorKind::PlainNeedsTls]);
    let error =
        ClientConfig::parse_awaiting_password("mongodb://app@db.example.com/?tls=yes").unwrap_err();
    assert!(
        error.to_string().contains("tls has an invalid value"),
        "{error}"
    );
    // the password's own rule, when it arrives; the password is never quoted
    let error = ClientConfig::parse_awaiting_password("mongodb://app@db.example.com/")
        .unwrap()
        .password("pen\0cil")
        .unwrap_err();
    assert_eq!(kinds(&error), [ErrorKind::NulInCredential]);
    assert!(!format!("{error} {error:?}").contains("pen\0cil"));
}

#[test]
fn an_awaited_password_string_never_shows_its_other_secrets() {
    let uri = "mongodb://app@db.example.com/?tls=true&tlsCertificateKeyFile=c.pem&tlsCertificateKeyFilePassword=hunter2";
    let awaiting = ClientConfig::parse_awaiting_password(uri).unwrap();
    let shown = format!("{awaiting} {awaiting:?}");
    assert!(!shown.contains("hunter2"), "{shown}");
    let error = awaiting.password("pen\0cil").unwrap_err();
    let shown = format!("{error} {error:?} {}", error.render());
    assert!(
        !shown.contains("hunter2") && !shown.contains("pen\0cil"),
        "{shown}"
    );
}

/// `str::parse` reads the common shape of a string in place and builds the configuration from its
/// slices; every string, in place or not, accepted or refused, gives what the full path gives:
/// `ConnectionString::parse` then `ClientConfig::try_from` (the same configuration, or the same
/// errors).
#[test]
fn the_in_place_path_gives_what_the_full_path_gives() {
    use mongo_auth::rulebook::ConnectionStringRef;
    let strings = [
        // read in place
        "mongodb://localhost",
        "mongodb://app:s3cret@db.example.com:27017/shop?authSource=admin&authMechanism=SCRAM-SHA-256",
        "mongodb://inventory:p%40ssw0rd@db1.example.com:27017,db2.example.com:27018/inventory?authMechanism=SCRAM-SHA-1&tls=true&tlsCAFile=/etc/ssl/ca.pem&tlsCRLFile=/etc/ssl/crl.pem&replicaSet=rs0&appName=inventory-service&connectTimeoutMS=5000&socketTimeoutMS=0&timeoutMS=900&maxPoolSize=50&w=majority&readPreference=SECONDARY",
        "mongodb://db.example.com/?authMechanism=MONGODB-X509&tls=true&tlsCertificateKeyFile=/etc/ssl/client.pem",
        "mongodb://app@db.example.com/?authMechanism=MONGODB-X509&tls=true&tlsCertificateKeyFile=client.pem",
        "mongodb://10.0.0.1:27018/?directConnection=true&tls=false&tlsCAFile=/etc/ssl/ca.pem",
        "mongodb://app:pw@db/?connectTimeoutMS=0",
        // read in place, refused by the library layer
        "mongodb://db.example.com/?authMechanism=MONGODB-X509",
        "mongodb://db.example.com/?authMechanism=MONGODB-X509&tls=true",
        "mongodb://db.example.com/?authMechanism=MONGODB-X509&tlsCertificateKeyFile=client.pem",
        // left to the full parser
        "mongodb://app:pw@[::1]:27017/?tls=true&tlsInsecure=true",
        "mongodb://ldap:pw@db/?authMechanism=PLAIN&tls=true",
        "mongodb://db/?ssl=true&tlsCertificateKeyFile=client.pem&ssl_keyfile=key.pem",
        "mongodb+srv://app:pw@cluster0.example.net/?authSource=admin",
        "mongodb://db/?replicaSett=rs0",
    ];
    for input in strings {
        let ours = parse(input);
        let full = ConnectionString::parse(input)
            .map_err(|errors| errors.to_string())
            .and_then(|uri| ClientConfig::try_from(uri).map_err(|e| e.to_string()));
        match (&ours, &full) {
            (Ok(ours), Ok(full)) => assert_eq!(ours, full, "{input}"),
            (Err(ours), Err(full)) => assert_eq!(&ours.to_string(), full, "{input}"),
            _ => panic!(
                "{input}: str::parse {} but the full path {}",
                ours.is_ok(),
                full.is_ok()
            ),
        }
    }
    // the first ones were read in place, so both paths ran
    for input in &strings[..7] {
        assert!(
            ConnectionStringRef::parse(input).unwrap().is_in_place(),
            "{input}"
        );
    }
}
