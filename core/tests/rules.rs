//! Our own cases for what the spec suites miss: MONGODB-CR, the PyMongo 3 `ssl_*` aliases, the PyMongo
//! authentication guide's examples, the library layer, error spans, redaction and reusable rules.

use mongo_auth_core::library::{LibraryRules, TlsFacts, check_credential};
use mongo_auth_core::rules::{
    CredentialParts, gssapi_properties, parse_mechanism, validate_credential,
};
use mongo_auth_core::{
    Canonicalize, ConnectionString, Credential, ErrorKind, Errors, GssapiProperties, Mechanism,
    MechanismProperties, OptionValue, Password, WarningKind,
};

fn parse(input: &str) -> ConnectionString {
    ConnectionString::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"))
}

fn errors(input: &str) -> Errors {
    match ConnectionString::parse(input) {
        Ok(uri) => panic!("{input}: expected an error, parsed as {uri}"),
        Err(errors) => errors,
    }
}

fn kinds(errors: &Errors) -> Vec<ErrorKind> {
    errors.iter().map(|e| e.kind()).collect()
}

fn credential(uri: &ConnectionString) -> &Credential {
    uri.credential().expect("a credential")
}

fn gssapi(credential: &Credential) -> &GssapiProperties {
    match &credential.properties {
        MechanismProperties::Gssapi(g) => g,
        other => panic!("expected GSSAPI properties, got {other:?}"),
    }
}

// ---- MONGODB-CR ----

#[test]
fn mongodb_cr_source_defaults_to_admin() {
    let uri = parse("mongodb://user:password@localhost/?authMechanism=MONGODB-CR");
    let c = credential(&uri);
    assert_eq!(c.mechanism, Some(Mechanism::MongodbCr));
    assert_eq!(c.source, "admin");
    assert_eq!(c.username.as_deref(), Some("user"));
    assert_eq!(
        c.password.as_ref().map(Password::expose_secret),
        Some("password")
    );
    assert_eq!(c.properties, MechanismProperties::None);
}

#[test]
fn mongodb_cr_source_is_the_path_database() {
    let uri = parse("mongodb://user:password@localhost/foo?authMechanism=MONGODB-CR");
    assert_eq!(credential(&uri).source, "foo");
}

#[test]
fn mongodb_cr_auth_source_wins() {
    let uri =
        parse("mongodb://user:password@localhost/foo?authMechanism=MONGODB-CR&authSource=bar");
    assert_eq!(credential(&uri).source, "bar");
    assert_eq!(uri.database(), Some("foo"));
}

#[test]
fn mongodb_cr_needs_a_username() {
    let e = errors("mongodb://localhost/?authMechanism=MONGODB-CR");
    assert_eq!(kinds(&e), [ErrorKind::MissingUsername]);
    assert!(e.first().message().contains("MONGODB-CR needs a user name"));
    let e = errors("mongodb://:pw@localhost/?authMechanism=MONGODB-CR");
    assert_eq!(kinds(&e), [ErrorKind::MissingUsername]);
}

#[test]
fn mongodb_cr_takes_no_properties() {
    let e = errors(
        "mongodb://user:pw@localhost/?authMechanism=MONGODB-CR&authMechanismProperties=SERVICE_NAME:x",
    );
    assert_eq!(kinds(&e), [ErrorKind::InvalidMechanismProperty]);
}

// ---- PyMongo 3 ssl_* aliases ----

#[test]
fn pymongo3_ssl_aliases_map_to_tls_options_and_warn() {
    let input = "mongodb://h/?ssl_certfile=client.pem&ssl_keyfile=client.key&ssl_pem_passphrase=s3cret\
                 &ssl_ca_certs=ca.pem&ssl_crlfile=crl.pem";
    let uri = parse(input);
    let o = uri.options();
    assert_eq!(o.tls_certificate_key_file(), Some("client.pem"));
    assert_eq!(o.tls_private_key_file(), Some("client.key"));
    assert_eq!(
        o.tls_certificate_key_file_password()
            .map(Password::expose_secret),
        Some("s3cret")
    );
    assert_eq!(o.tls_ca_file(), Some("ca.pem"));
    assert_eq!(o.tls_crl_file(), Some("crl.pem"));
    // lookups by the old names find the new keys
    assert_eq!(
        o.get("SSL_CA_CERTS"),
        Some(&OptionValue::String("ca.pem".into()))
    );
    assert_eq!(
        o.entry("ssl_certfile").unwrap().key(),
        "tlsCertificateKeyFile"
    );
    // as in PyMongo 3, the ssl_* options turn TLS on
    assert_eq!(o.tls(), Some(true));
    assert!(uri.tls_enabled());
    let deprecated: Vec<_> = uri
        .warnings()
        .iter()
        .filter(|w| w.kind() == WarningKind::DeprecatedOption)
        .map(|w| &input[w.span()])
        .collect();
    assert_eq!(
        deprecated,
        [
            "ssl_certfile",
            "ssl_keyfile",
            "ssl_pem_passphrase",
            "ssl_ca_certs",
            "ssl_crlfile"
        ]
    );
    for w in uri.warnings() {
        assert!(!w.message().contains("s3cret"));
    }
}

#[test]
fn ssl_cert_reqs_maps_onto_allow_invalid_certificates() {
    let uri = parse("mongodb://h/?ssl_cert_reqs=CERT_NONE");
    assert_eq!(uri.options().tls_allow_invalid_certificates(), Some(true));
    let uri = parse("mongodb://h/?ssl_cert_reqs=CERT_REQUIRED");
    assert_eq!(uri.options().tls_allow_invalid_certificates(), Some(false));
    let uri = parse("mongodb://h/?ssl_cert_reqs=CERT_OPTIONAL");
    assert_eq!(uri.options().tls_allow_invalid_certificates(), Some(false));
    let uri = parse("mongodb://h/?ssl_cert_reqs=sometimes");
    assert_eq!(uri.options().tls_allow_invalid_certificates(), None);
    assert!(
        uri.warnings()
            .iter()
            .any(|w| w.kind() == WarningKind::InvalidValue)
    );
}

#[test]
fn ssl_match_hostname_is_inverted() {
    let uri = parse("mongodb://h/?ssl_match_hostname=false");
    assert_eq!(uri.options().tls_allow_invalid_hostnames(), Some(true));
    let uri = parse("mongodb://h/?ssl_match_hostname=true");
    assert_eq!(uri.options().tls_allow_invalid_hostnames(), Some(false));
}

#[test]
fn ssl_alias_agreeing_with_its_modern_key_is_accepted() {
    let uri = parse("mongodb://h/?tlsCAFile=ca.pem&ssl_ca_certs=ca.pem");
    assert_eq!(uri.options().tls_ca_file(), Some("ca.pem"));
    let uri = parse("mongodb://h/?ssl_cert_reqs=CERT_NONE&tlsAllowInvalidCertificates=true");
    assert_eq!(uri.options().tls_allow_invalid_certificates(), Some(true));
}

#[test]
fn ssl_alias_disagreeing_with_its_modern_key_is_an_error() {
    let input = "mongodb://h/?tlsCAFile=ca.pem&ssl_ca_certs=other.pem";
    let e = errors(input);
    assert_eq!(kinds(&e), [ErrorKind::ConflictingOptions]);
    assert_eq!(&input[e.first().span()], "ssl_ca_certs=other.pem");
    let e = errors("mongodb://h/?ssl_match_hostname=false&tlsAllowInvalidHostnames=false");
    assert_eq!(kinds(&e), [ErrorKind::ConflictingOptions]);
    let e = errors("mongodb://h/?ssl_pem_passphrase=a&tlsCertificateKeyFilePassword=b");
    assert_eq!(kinds(&e), [ErrorKind::ConflictingOptions]);
    assert!(!e.to_string().contains("=a") && !e.to_string().contains("`b`"));
}

#[test]
fn ssl_aliases_take_part_in_the_tls_conflict_table() {
    let e = errors("mongodb://h/?ssl_cert_reqs=CERT_NONE&tlsInsecure=true");
    assert_eq!(kinds(&e), [ErrorKind::ConflictingOptions]);
    let e = errors("mongodb://h/?tlsInsecure=false&ssl_match_hostname=true");
    assert_eq!(kinds(&e), [ErrorKind::ConflictingOptions]);
}

#[test]
fn ssl_aliases_contradict_tls_false() {
    let e = errors("mongodb://h/?tls=false&ssl_certfile=client.pem");
    assert_eq!(kinds(&e), [ErrorKind::ConflictingOptions]);
}

// ---- PyMongo authentication guide ----

#[test]
fn guide_percent_escaped_password() {
    let uri = parse("mongodb://user:pass%2Fword@127.0.0.1");
    let c = credential(&uri);
    assert_eq!(c.username.as_deref(), Some("user"));
    assert_eq!(c.password.as_ref().unwrap().expose_secret(), "pass/word");
    assert_eq!(c.source, "admin");
    assert_eq!(c.mechanism, None);
}

#[test]
fn guide_default_database_and_auth_source() {
    let uri = parse("mongodb://user:password@example.com/default_db?authSource=admin");
    assert_eq!(uri.database(), Some("default_db"));
    assert_eq!(credential(&uri).source, "admin");
}

#[test]
fn guide_scram_sha_1_with_database() {
    let uri = parse("mongodb://user:password@example.com/the_database?authMechanism=SCRAM-SHA-1");
    let c = credential(&uri);
    assert_eq!(c.mechanism, Some(Mechanism::ScramSha1));
    assert_eq!(c.source, "the_database");
}

#[test]
fn guide_mongodb_cr() {
    let uri = parse("mongodb://user:password@example.com/?authMechanism=MONGODB-CR");
    let c = credential(&uri);
    assert_eq!(c.mechanism, Some(Mechanism::MongodbCr));
    assert_eq!(c.source, "admin");
}

#[test]
fn guide_x509() {
    let subject = "CN=myName,OU=myOrgUnit,O=myOrg,L=myLocality,ST=myState,C=myCountry";
    let encoded =
        "CN%3DmyName%2COU%3DmyOrgUnit%2CO%3DmyOrg%2CL%3DmyLocality%2CST%3DmyState%2CC%3DmyCountry";
    let uri = parse(&format!(
        "mongodb://{encoded}@example.com/?authMechanism=MONGODB-X509&tls=true&tlsCertificateKeyFile=client.pem"
    ));
    let c = credential(&uri);
    assert_eq!(c.username.as_deref(), Some(subject));
    assert_eq!(c.source, "$external");
    uri.check_library_rules().unwrap();
}

#[test]
fn guide_gssapi_service_name() {
    let uri = parse(
        "mongodb://mongodbuser%40EXAMPLE.COM@example.com/?authMechanism=GSSAPI\
         &authMechanismProperties=SERVICE_NAME:myservicename",
    );
    let c = credential(&uri);
    assert_eq!(c.username.as_deref(), Some("mongodbuser@EXAMPLE.COM"));
    assert_eq!(c.mechanism, Some(Mechanism::Gssapi));
    assert_eq!(c.source, "$external");
    assert_eq!(c.password, None);
    let g = gssapi(c);
    assert_eq!(g.service_name, "myservicename");
    assert_eq!(g.canonicalize_host_name, Canonicalize::None);
    uri.check_library_rules().unwrap();
}

#[test]
fn guide_gssapi_canonicalize_true() {
    let uri = parse(
        "mongodb://mongodbuser%40EXAMPLE.COM@example.com/?authMechanism=GSSAPI\
         &authMechanismProperties=CANONICALIZE_HOST_NAME:true",
    );
    let g = gssapi(credential(&uri));
    assert_eq!(g.canonicalize_host_name, Canonicalize::ForwardAndReverse);
    assert_eq!(g.service_name, "mongodb");
}

#[test]
fn guide_gssapi_service_realm() {
    let uri = parse(
        "mongodb://mongodbuser%40EXAMPLE.COM@example.com/?authMechanism=GSSAPI\
         &authMechanismProperties=SERVICE_REALM:otherrealm",
    );
    let g = gssapi(credential(&uri));
    assert_eq!(g.service_realm.as_deref(), Some("otherrealm"));
    assert_eq!(g.service_name, "mongodb");
}

#[test]
fn guide_plain_with_external_source() {
    let uri =
        parse("mongodb://user:password@example.com/?authMechanism=PLAIN&authSource=$external");
    let c = credential(&uri);
    assert_eq!(c.mechanism, Some(Mechanism::Plain));
    assert_eq!(c.source, "$external");
    // PLAIN without TLS is refused by the library layer unless clear text is allowed
    let e = uri.check_library_rules().unwrap_err();
    assert_eq!(kinds(&e), [ErrorKind::PlainNeedsTls]);
    uri.check_library_rules_with(LibraryRules::new().allow_plain_without_tls(true))
        .unwrap();
    parse("mongodb://user:password@example.com/?authMechanism=PLAIN&authSource=$external&tls=true")
        .check_library_rules()
        .unwrap();
}

#[test]
fn gssapi_service_name_alias() {
    let uri = parse("mongodb://u%40R@h/?authMechanism=GSSAPI&gssapiServiceName=other");
    assert_eq!(gssapi(credential(&uri)).service_name, "other");
    assert!(
        uri.warnings()
            .iter()
            .any(|w| w.kind() == WarningKind::DeprecatedOption)
    );
    let e = errors(
        "mongodb://u%40R@h/?authMechanism=GSSAPI&gssapiServiceName=a&authMechanismProperties=SERVICE_NAME:b",
    );
    assert_eq!(kinds(&e), [ErrorKind::ConflictingOptions]);
}

#[test]
fn default_means_negotiate_and_unknown_mechanisms_are_errors() {
    let uri = parse("mongodb://user:pw@h/?authMechanism=DEFAULT");
    assert_eq!(credential(&uri).mechanism, None);
    assert_eq!(credential(&uri).source, "admin");
    let input = "mongodb://user:pw@h/?authMechanism=SCRAM-SHA-512";
    let e = errors(input);
    assert_eq!(kinds(&e), [ErrorKind::UnknownMechanism]);
    assert_eq!(&input[e.first().span()], "authMechanism=SCRAM-SHA-512");
    let e = errors("mongodb://user:pw@h/?authMechanism=scram-sha-256");
    assert!(e.first().message().contains("write `SCRAM-SHA-256`"));
}

// ---- library layer ----

#[test]
fn library_x509_needs_tls_and_a_certificate() {
    let uri = parse("mongodb://localhost/?authMechanism=MONGODB-X509");
    let e = uri.check_library_rules().unwrap_err();
    assert_eq!(kinds(&e), [ErrorKind::X509NeedsTls]);
    assert!(e.first().message().starts_with(
        "MONGODB-X509 needs TLS with a client certificate: add tls=true&tlsCertificateKeyFile="
    ));
    let uri = parse("mongodb://localhost/?authMechanism=MONGODB-X509&tls=true");
    let e = uri.check_library_rules().unwrap_err();
    assert_eq!(kinds(&e), [ErrorKind::X509NeedsTls]);
    assert!(e.first().message().contains("add tlsCertificateKeyFile="));
    parse(
        "mongodb+srv://cluster.example.com/?authMechanism=MONGODB-X509&tlsCertificateKeyFile=c.pem",
    )
    .check_library_rules()
    .unwrap();
}

#[test]
fn library_password_missing_is_its_own_kind() {
    let input = "mongodb://app@db.example.com/shop?authMechanism=SCRAM-SHA-256";
    let uri = parse(input);
    let e = uri.check_library_rules().unwrap_err();
    assert_eq!(kinds(&e), [ErrorKind::MissingPassword]);
    assert!(e.only_missing_password());
    assert_eq!(&input[e.first().span()], "app");
    uri.check_library_rules_with(LibraryRules::new().password_from_code(true))
        .unwrap();
    // the negotiated default and MONGODB-CR too; GSSAPI does not need one
    assert!(
        parse("mongodb://app@h")
            .check_library_rules()
            .unwrap_err()
            .only_missing_password()
    );
    assert!(
        parse("mongodb://app@h/?authMechanism=MONGODB-CR")
            .check_library_rules()
            .unwrap_err()
            .only_missing_password()
    );
    parse("mongodb://app%40REALM@h/?authMechanism=GSSAPI")
        .check_library_rules()
        .unwrap();
    // no credential, nothing to check
    parse("mongodb://h/db").check_library_rules().unwrap();
}

#[test]
fn library_rules_for_credentials_built_in_code() {
    let tls_off = TlsFacts::default();
    let gssapi = Credential::from_parts(
        Some("u@R".into()),
        None,
        "admin".into(),
        Some(Mechanism::Gssapi),
        MechanismProperties::Gssapi(GssapiProperties::default()),
    );
    let e = check_credential(Some(&gssapi), tls_off, LibraryRules::new()).unwrap_err();
    assert_eq!(kinds(&e), [ErrorKind::ExternalSourceOnly]);
    let x509 = validate_credential({
        let mut parts = CredentialParts::default();
        parts.mechanism = Some(Mechanism::MongodbX509);
        parts
    })
    .unwrap();
    let e = check_credential(Some(&x509), tls_off, LibraryRules::new()).unwrap_err();
    assert_eq!(kinds(&e), [ErrorKind::X509NeedsTls]);
    let tls_with_cert = TlsFacts::new(true, true);
    check_credential(Some(&x509), tls_with_cert, LibraryRules::new()).unwrap();
    check_credential(None, tls_off, LibraryRules::new()).unwrap();
}

// ---- reusable rules for non-URI input ----

#[test]
fn validate_credential_applies_the_same_rules() {
    let c = validate_credential({
        let mut parts = CredentialParts::default();
        parts.mechanism = Some(Mechanism::Plain);
        parts.username = Some("ldap".into());
        parts.password = Some(Password::new("pw"));
        parts
    })
    .unwrap();
    assert_eq!(c.source, "$external");

    let e = validate_credential({
        let mut parts = CredentialParts::default();
        parts.mechanism = Some(Mechanism::MongodbX509);
        parts.password = Some(Password::new("pw"));
        parts.source = Some("admin".into());
        parts
    })
    .unwrap_err();
    assert_eq!(
        kinds(&e),
        [ErrorKind::ForbiddenPassword, ErrorKind::InvalidSource]
    );
    for error in &e {
        assert_eq!(error.span(), 0..0);
        assert!(!error.message().contains("pw"));
    }

    let e = validate_credential({
        let mut parts = CredentialParts::default();
        parts.mechanism = Some(Mechanism::ScramSha256);
        parts.username = Some("u".into());
        parts.source = Some(String::new());
        parts
    })
    .unwrap_err();
    assert_eq!(kinds(&e), [ErrorKind::InvalidSource]);

    let c = validate_credential({
        let mut parts = CredentialParts::default();
        parts.mechanism = Some(Mechanism::Gssapi);
        parts.username = Some("u@R".into());
        parts.properties = vec![("service_host".into(), "kdc-alias.example.com".into())];
        parts.database = Some("ignored".into());
        parts
    })
    .unwrap();
    assert_eq!(c.source, "$external");
    assert_eq!(
        gssapi(&c).service_host.as_deref(),
        Some("kdc-alias.example.com")
    );
}

#[test]
fn gssapi_property_parsing() {
    let g = gssapi_properties([
        ("SERVICE_NAME", "svc"),
        ("canonicalize_host_name", "forward"),
    ])
    .unwrap();
    assert_eq!(g.service_name, "svc");
    assert_eq!(g.canonicalize_host_name, Canonicalize::Forward);
    let e =
        gssapi_properties([("CANONICALIZE_HOST_NAME", "sometimes"), ("NOPE", "x")]).unwrap_err();
    assert_eq!(
        kinds(&e),
        [
            ErrorKind::InvalidMechanismProperty,
            ErrorKind::InvalidMechanismProperty
        ]
    );
    assert_eq!(parse_mechanism("DEFAULT").unwrap(), None);
}

// ---- errors: spans, all together, messages ----

#[test]
fn error_spans_point_at_the_offending_bytes() {
    let cases: &[(&str, ErrorKind, &str)] = &[
        ("mongodb://localhost:0", ErrorKind::InvalidPort, "0"),
        ("mongodb://[::1]:65536/", ErrorKind::InvalidPort, "65536"),
        ("mongodb://localhost:foo", ErrorKind::InvalidPort, "foo"),
        (
            "mongodb://alice@@127.0.0.1",
            ErrorKind::InvalidUserinfo,
            "@",
        ),
        (
            "mongodb://alice:foo:bar@127.0.0.1",
            ErrorKind::InvalidUserinfo,
            ":",
        ),
        (
            "mongodb://user%w:password@localhost",
            ErrorKind::InvalidUserinfo,
            "%w",
        ),
        ("mongo://localhost", ErrorKind::InvalidScheme, "mongo://"),
        ("mongodb://h/a$b", ErrorKind::InvalidDatabase, "a$b"),
        ("mongodb://h/?w", ErrorKind::InvalidOption, "w"),
        (
            "mongodb://h/?authSource=",
            ErrorKind::InvalidSource,
            "authSource=",
        ),
        (
            "mongodb+srv://a.example.com:27018",
            ErrorKind::SrvRule,
            ":27018",
        ),
        (
            "mongodb://h/?tls=true&ssl=false",
            ErrorKind::ConflictingOptions,
            "ssl=false",
        ),
        (
            "mongodb://h/?srvServiceName=svc",
            ErrorKind::SrvRule,
            "srvServiceName=svc",
        ),
        (
            "mongodb://u:p@h/?authMechanism=MONGODB-X509",
            ErrorKind::ForbiddenPassword,
            "p",
        ),
        (
            "mongodb://h/?authMechanism=GSSAPI",
            ErrorKind::MissingUsername,
            "authMechanism=GSSAPI",
        ),
        (
            "mongodb://u%40R@h/?authMechanism=GSSAPI&authSource=admin",
            ErrorKind::InvalidSource,
            "authSource=admin",
        ),
        ("mongodb://a,,b", ErrorKind::InvalidHost, ""),
        (
            "mongodb://%2Ftmp%2Fmongo",
            ErrorKind::InvalidHost,
            "%2Ftmp%2Fmongo",
        ),
    ];
    for (input, kind, text) in cases {
        let e = errors(input);
        let first = e.first();
        assert_eq!(first.kind(), *kind, "{input}: {e}");
        assert_eq!(&input[first.span()], *text, "{input}: {e}");
        let message = first.message();
        let first_word = message.split(' ').next().unwrap_or_default();
        // lower-case, unless it starts with a name such as GSSAPI or MONGODB-X509
        assert!(
            (first_word.starts_with(|c: char| !c.is_ascii_uppercase())
                || !first_word.chars().any(|c| c.is_ascii_lowercase()))
                && !message.ends_with('.'),
            "{input}: message style: {message}"
        );
    }
}

#[test]
fn all_problems_are_reported_together() {
    let input = "mongodb://alice:a:b@h:0,[::1]:99999/a$b?w&tls=true&ssl=false&authSource=";
    let e = errors(input);
    assert_eq!(
        kinds(&e),
        [
            ErrorKind::InvalidUserinfo,
            ErrorKind::InvalidPort,
            ErrorKind::InvalidPort,
            ErrorKind::InvalidDatabase,
            ErrorKind::InvalidOption,
            ErrorKind::ConflictingOptions,
            ErrorKind::InvalidSource,
        ],
        "{e}"
    );
    assert!(
        e.to_string()
            .starts_with("7 problems in the connection string:")
    );
}

#[test]
fn messages_never_contain_the_password() {
    let secrets = [
        "mongodb://user:hunter2@h/?authMechanism=MONGODB-X509",
        "mongodb://user:hunter2@h/?authMechanism=MONGODB-OIDC&authMechanismProperties=ENVIRONMENT:test",
        "mongodb://user:hunter2%zz@h",
        "mongodb://user:hunter2:more@h",
        "mongodb://user:hunter2@h/?authMechanism=MONGODB-AWS",
        "mongodb://user:hunter2@h/?proxyPassword=hunter2&proxyPassword=hunter2",
        "mongodb://user:hunter2@h/?tlsCertificateKeyFilePassword=hunter2&sslPEMKeyPassword=other",
    ];
    for input in secrets {
        let e = errors(input);
        let shown = format!("{e} {e:?}");
        assert!(!shown.contains("hunter2"), "{input}: {shown}");
    }
    let uri = parse(
        "mongodb://user:hunter2@h/?tlsCertificateKeyFilePassword=hunter2&proxyHost=p&proxyUsername=u&proxyPassword=hunter2&tlsInsecure=bad",
    );
    let shown = format!("{uri} {uri:?} {:?}", uri.warnings());
    assert!(!shown.contains("hunter2"), "{shown}");
}

// ---- warnings ----

#[test]
fn unknown_options_suggest_the_closest_key() {
    let input = "mongodb://h/?replicaset=rs&conectTimeoutMS=10&authmechanisim=PLAIN&zzz=1";
    let uri = parse(input);
    let messages: Vec<_> = uri
        .warnings()
        .iter()
        .map(|w| (w.kind(), &input[w.span()], w.message()))
        .collect();
    assert_eq!(messages.len(), 3, "{messages:?}");
    assert_eq!(messages[0].1, "conectTimeoutMS");
    assert!(messages[0].2.contains("did you mean `connectTimeoutMS`?"));
    assert!(messages[1].2.contains("did you mean `authMechanism`?"));
    assert_eq!(
        messages[2].2,
        "unknown option `zzz` is ignored: check its spelling against the connection-string \
         options, or remove it"
    );
    assert_eq!(uri.options().replica_set(), Some("rs"));
}

#[test]
fn a_huge_unknown_key_gets_a_warning_without_a_suggestion() {
    // Only keys of about a known key's length are compared for a suggestion: a hostile key costs one
    // pass over its characters (before: one edit-distance table per known key, quadratic in total).
    let key = "k".repeat(1 << 20);
    let input = format!("mongodb://h/?{key}=1&authMechanismPropertie=SERVICE_NAME:m");
    let uri = parse(&input);
    let messages: Vec<_> = uri.warnings().iter().map(|w| w.message()).collect();
    assert_eq!(messages.len(), 2, "{}", messages.len());
    assert!(
        messages[0]
            .ends_with("check its spelling against the connection-string options, or remove it")
    );
    assert!(
        messages[1].contains("did you mean `authMechanismProperties`?"),
        "{}",
        messages[1]
    );
}

#[test]
fn invalid_values_are_warnings_and_dropped() {
    let uri = parse(
        "mongodb://h/?connectTimeoutMS=-5&tls=yes&zlibCompressionLevel=10&readPreference=fastest",
    );
    assert_eq!(uri.warnings().len(), 4);
    assert!(
        uri.warnings()
            .iter()
            .all(|w| w.kind() == WarningKind::InvalidValue)
    );
    assert!(uri.options().is_empty());
}

// ---- hosts, database, Display ----

#[test]
fn hosts_database_and_display() {
    let uri = parse(
        "mongodb://%2Ftmp%2Fmongodb-27017.sock,[::1]:27018,bücher.example.com,10.0.0.1:27019/my%3Fdb.coll?readPreference=nearest&readPreferenceTags=dc:ny,rack:1&readPreferenceTags=&w=majority",
    );
    assert_eq!(uri.hosts().len(), 4);
    assert_eq!(uri.database(), Some("my?db.coll"));
    let shown = uri.to_string();
    assert_eq!(
        shown,
        "mongodb://%2Ftmp%2Fmongodb-27017.sock,[::1]:27018,bücher.example.com,10.0.0.1:27019/my%3Fdb.coll?readPreference=nearest&readPreferenceTags=dc:ny,rack:1&readPreferenceTags=&w=majority"
    );
    let again = parse(&shown);
    assert_eq!(again.hosts(), uri.hosts());
    assert_eq!(again.database(), uri.database());
    assert!(again.options().iter().eq(uri.options().iter()));
}

#[test]
fn display_redacts_every_secret() {
    let uri = parse(
        "mongodb://us%3Aer:pa%40ss@h/?tlsCertificateKeyFilePassword=k&proxyHost=p&proxyUsername=pu&proxyPassword=pp",
    );
    assert_eq!(
        uri.to_string(),
        "mongodb://us%3Aer:<redacted>@h/?tlsCertificateKeyFilePassword=<redacted>&proxyHost=p&proxyUsername=pu&proxyPassword=<redacted>"
    );
}

// ---- driver rules beyond the suites ----

#[test]
fn pool_sizes_app_name_and_read_preference_rules() {
    let e = errors("mongodb://h/?minPoolSize=10&maxPoolSize=5");
    assert_eq!(kinds(&e), [ErrorKind::ConflictingOptions]);
    parse("mongodb://h/?minPoolSize=10&maxPoolSize=0");
    parse("mongodb://h/?minPoolSize=5&maxPoolSize=5");

    let long = "a".repeat(129);
    let e = errors(&format!("mongodb://h/?appName={long}"));
    assert_eq!(kinds(&e), [ErrorKind::InvalidOptionValue]);
    parse(&format!("mongodb://h/?appName={}", "a".repeat(128)));

    let e = errors("mongodb://h/?readPreferenceTags=dc:ny");
    assert_eq!(kinds(&e), [ErrorKind::ConflictingOptions]);
    let e = errors("mongodb://h/?readPreference=primary&maxStalenessSeconds=120");
    assert_eq!(kinds(&e), [ErrorKind::ConflictingOptions]);
    parse("mongodb://h/?readPreference=primary&readPreferenceTags=&maxStalenessSeconds=-1");
    parse("mongodb://h/?readPreference=nearest&readPreferenceTags=dc:ny&maxStalenessSeconds=90");
}

#[test]
fn credential_options_without_a_credential() {
    let uri = parse("mongodb://h/admin?authMechanismProperties=SERVICE_NAME:x&authSource=admin");
    assert!(uri.credential().is_none());
    assert_eq!(uri.warnings().len(), 1);
    assert_eq!(uri.warnings()[0].kind(), WarningKind::IgnoredOption);
    let e = errors("mongodb://h/admin?authSource=");
    assert_eq!(kinds(&e), [ErrorKind::InvalidSource]);
}

#[test]
fn legacy_ssl_option_names_and_tls_defaults() {
    let uri = parse("mongodb://h/?sslCAFile=ca.pem&sslAllowInvalidHostnames=true");
    assert_eq!(uri.options().tls_ca_file(), Some("ca.pem"));
    assert_eq!(uri.options().tls_allow_invalid_hostnames(), Some(true));
    assert!(!uri.tls_enabled(), "only the PyMongo 3 names turn TLS on");
    assert_eq!(uri.warnings().len(), 2);

    assert!(parse("mongodb+srv://c.example.com").tls_enabled());
    assert!(!parse("mongodb+srv://c.example.com/?tls=false").tls_enabled());
    assert!(parse("mongodb://h/?ssl=true").tls_enabled());
    assert_eq!(
        parse("mongodb://h/?ssl=true").options().get("SSL"),
        Some(&OptionValue::Bool(true))
    );

    // the TLS that PyMongo 3 names imply is written out, so Display keeps it
    let uri = parse("mongodb://h/?ssl_ca_certs=ca.pem");
    assert_eq!(uri.to_string(), "mongodb://h/?tlsCAFile=ca.pem&tls=true");
}

#[test]
fn wtimeout_yields_to_wtimeoutms() {
    for input in [
        "mongodb://h/?wtimeout=5&wTimeoutMS=10",
        "mongodb://h/?wTimeoutMS=10&wtimeout=5",
    ] {
        let uri = parse(input);
        assert_eq!(
            uri.options().get("wtimeoutms"),
            Some(&OptionValue::Int(10)),
            "{input}"
        );
        assert!(!uri.warnings().is_empty());
    }
    assert_eq!(
        parse("mongodb://h/?wtimeout=5").options().get("wTimeoutMS"),
        Some(&OptionValue::Int(5))
    );
}

#[test]
fn a_refused_string_keeps_its_warnings() {
    let input =
        "mongodb://alice%zz:pw@localhost:0/?tls=true&ssl=false&replicaSett=rs0&wtimeout=5&&w=1&w=2";
    let errors = errors(input);
    assert_eq!(
        kinds(&errors),
        [
            ErrorKind::InvalidUserinfo,
            ErrorKind::InvalidPort,
            ErrorKind::ConflictingOptions
        ]
    );
    let warnings: Vec<_> = errors
        .warnings()
        .iter()
        .map(|w| (w.kind(), &input[w.span()]))
        .collect();
    assert_eq!(
        warnings,
        [
            (WarningKind::UnknownOption, "replicaSett"),
            (WarningKind::DeprecatedOption, "wtimeout"),
            (WarningKind::IgnoredOption, "&"),
            (WarningKind::RepeatedOption, "w"),
        ],
        "{:?}",
        errors.warnings()
    );
    // the same warnings a successful parse reports
    let fixed = input
        .replace("%zz", "")
        .replace(":0", "")
        .replace("&ssl=false", "");
    let uri = parse(&fixed);
    let mut fixed_warnings: Vec<_> = uri
        .warnings()
        .iter()
        .map(|w| format!("{:?} {}", w.kind(), w.message()))
        .collect();
    let mut refused_warnings: Vec<_> = errors
        .warnings()
        .iter()
        .map(|w| format!("{:?} {}", w.kind(), w.message()))
        .collect();
    fixed_warnings.sort();
    refused_warnings.sort();
    assert_eq!(fixed_warnings, refused_warnings);
    // Display stays about the errors
    assert!(!errors.to_string().contains("replicaSett"), "{errors}");
    // errors that are not from a connection string have none
    let errors = validate_credential({
        let mut parts = CredentialParts::default();
        parts.username = Some(String::new());
        parts.mechanism = Some(Mechanism::ScramSha256);
        parts
    })
    .unwrap_err();
    assert!(errors.warnings().is_empty());
}

#[test]
fn characters_are_named_not_debug_printed() {
    for (input, named) in [
        ("mongodb://h/a%5Cb", "`\\`"),
        ("mongodb://h/a%20b", "a space"),
        ("mongodb://h/a%22b", "`\"`"),
        ("mongodb://h/a%2Fb", "`/`"),
        ("mongodb://h/a$b", "`$`"),
        ("mongodb://a%5Cb/", "`\\`"),
        ("mongodb://a%09b/", "a tab"),
        ("mongodb://a%01b/", "U+0001"),
    ] {
        let refused = errors(input);
        let message = refused.first().message();
        assert!(message.contains(named), "{input}: {message}");
        assert!(!message.contains('\''), "{input}: {message}");
    }
}

#[test]
fn forbidden_database_characters_say_what_to_do() {
    let refused = errors("mongodb://h/my%20db");
    assert_eq!(
        refused.first().message(),
        "the database name cannot contain a space: percent-encoding does not help, database names \
         cannot contain / \\ space \" $; choose another name"
    );
    let message = errors("mongodb://h/$external").first().message().to_owned();
    assert!(message.contains("authSource=$external"), "{message}");
    let message = errors("mongodb://h/a$b").first().message().to_owned();
    assert!(message.contains("choose another name"), "{message}");
    // a `/` in the password that an `@` follows is the userinfo's error, not the database's
    let refused = errors("mongodb://alice:foo/bar@localhost/db");
    assert_eq!(kinds(&refused), [ErrorKind::InvalidUserinfo], "{refused}");
    let message = errors("mongodb:///tmp/mongodb-27017.sock")
        .iter()
        .find(|e| e.kind() == ErrorKind::InvalidDatabase)
        .expect("a database error")
        .message()
        .to_owned();
    assert!(
        message.contains("mongodb://%2Ftmp%2Fmongodb-27017.sock"),
        "{message}"
    );
}

/// Every error message is lower-case (or starts with an option or mechanism name), has no trailing
/// period, and says what to do after a `:`.
#[test]
fn error_messages_follow_the_house_rule() {
    let inputs = [
        "",
        "MONGODB://h",
        "http://h",
        "mongodb://a@b@h",
        "mongodb://u:p:q@h",
        "mongodb://u%zz@h",
        "mongodb://u%FF@h",
        "mongodb://",
        "mongodb:///tmp/m.sock",
        "mongodb://a,,b",
        "mongodb://h:0",
        "mongodb://h:",
        "mongodb://[::1",
        "mongodb://[zz]",
        "mongodb://[::1]x",
        "mongodb://%2Ftmp%2Fm",
        "mongodb://%2Ftmp%2Fm.sock:1",
        "mongodb://:27017",
        "mongodb://a%5Cb",
        "mongodb://h/a%20b",
        "mongodb://h/$external",
        "mongodb://h/?tls",
        "mongodb+srv://a,b",
        "mongodb+srv://h:27017",
        "mongodb+srv://10.0.0.1",
        "mongodb+srv://h/?directConnection=true",
        "mongodb+srv://h/?srvMaxHosts=1&replicaSet=rs&loadBalanced=true",
        "mongodb://h/?srvServiceName=x",
        "mongodb://a,b/?directConnection=true&loadBalanced=true",
        "mongodb://h/?loadBalanced=true&replicaSet=rs&directConnection=true",
        "mongodb://h/?tls=true&ssl=false",
        "mongodb://h/?ssl_certfile=c.pem&tls=false",
        "mongodb://h/?tlsInsecure=true&tlsAllowInvalidCertificates=true",
        "mongodb://h/?proxyPort=1&proxyUsername=u",
        "mongodb://h/?proxyHost=p&proxyHost=q",
        "mongodb://h/?proxyHost=p&proxyPassword=x",
        "mongodb://h/?minPoolSize=5&maxPoolSize=1",
        "mongodb://h/?readPreferenceTags=dc:ny",
        "mongodb://h/?maxStalenessSeconds=100",
        "mongodb://h/?tlsAllowInvalidCertificates=true&ssl_cert_reqs=CERT_REQUIRED",
        "mongodb://@h/?authMechanism=SCRAM-SHA-256",
        "mongodb://u@h/?authMechanism=scram-sha-256",
        "mongodb://u:p@h/?authMechanism=MONGODB-X509",
        "mongodb://@h/?authMechanism=MONGODB-X509",
        "mongodb://u@h/?authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:x",
        "mongodb://u@h/?authMechanism=GSSAPI&authSource=admin",
        "mongodb://u@h/?authMechanism=GSSAPI&authMechanismProperties=SERVICE_NAME:,X:1,CANONICALIZE_HOST_NAME:sometimes",
        "mongodb://u@h/?authMechanism=GSSAPI&authMechanismProperties=SERVICE_NAME:a,service_name:b",
        "mongodb://u@h/?authMechanism=GSSAPI&gssapiServiceName=a&authMechanismProperties=SERVICE_NAME:b",
        "mongodb://u@h/?authMechanism=MONGODB-OIDC&authMechanismProperties=ENVIRONMENT:gcp",
        "mongodb://u@h/?authMechanism=MONGODB-OIDC&authMechanismProperties=ENVIRONMENT:test,TOKEN_RESOURCE:r,ALLOWED_HOSTS:x,OIDC_CALLBACK:f,X:1",
        "mongodb://h/?authMechanism=MONGODB-OIDC",
        "mongodb://h/?authMechanism=MONGODB-OIDC&authMechanismProperties=ENVIRONMENT:nowhere",
        "mongodb://u@h/?authMechanismProperties=A:1&authMechanism=SCRAM-SHA-1",
        "mongodb://u@h/?authSource=",
    ];
    let mut seen = 0;
    for input in inputs {
        for error in errors(input).iter() {
            seen += 1;
            check_house_rule(input, error.message());
        }
    }
    // the library layer
    for input in [
        "mongodb://h/?authMechanism=MONGODB-X509",
        "mongodb://h/?authMechanism=MONGODB-X509&tls=true",
        "mongodb://u:p@h/?authMechanism=PLAIN",
        "mongodb://u@h/",
    ] {
        for error in parse(input).check_library_rules().unwrap_err().iter() {
            seen += 1;
            check_house_rule(input, error.message());
        }
    }
    assert!(seen >= 70, "only {seen} messages checked");
}

fn check_house_rule(input: &str, message: &str) {
    let first = message.chars().next().expect("a message");
    let starts_with_a_name = message
        .split([' ', '=', ':'])
        .next()
        .is_some_and(|word| word.chars().any(|c| c.is_ascii_uppercase()) || word.contains('`'));
    assert!(
        first.is_lowercase() || starts_with_a_name || !first.is_alphabetic(),
        "{input}: not lower-case: {message}"
    );
    assert!(
        !message.ends_with('.'),
        "{input}: trailing period: {message}"
    );
    assert!(message.contains(": "), "{input}: no fix: {message}");
    assert!(
        !message.contains("'\\"),
        "{input}: debug-printed character: {message}"
    );
}

/// Warnings say what happens at run time and what to do about it.
#[test]
fn warning_messages_say_what_to_do() {
    let mut seen = 0;
    for input in [
        "mongodb://h/?zzz=1&replicaSett=rs&&tls=yes&w=1&w=2&wtimeout=5&compressors=lz4",
        "mongodb://h/?ssl_cert_reqs=CERT_NONE&ssl_match_hostname=false&ssl_keyfile=k.pem",
        "mongodb://h/?authMechanismProperties=SERVICE_NAME:x&gssapiServiceName=y",
        "mongodb://u@h/?gssapiServiceName=y&authMechanism=SCRAM-SHA-256",
        "mongodb://u@h/?authMechanism=GSSAPI&authMechanismProperties=SERVICE_NAME,X",
        "mongodb://h/?readPreference=sometimes&maxStalenessSeconds=5&srvServiceName=-",
    ] {
        let uri = parse(input);
        for warning in uri.warnings() {
            seen += 1;
            check_house_rule(input, warning.message());
        }
    }
    assert!(seen >= 15, "only {seen} warnings checked");
}

/// One computation of the TLS a connection string asks for, used by the run-time parse and by
/// `mongo_uri!`: `tlsInsecure` relaxes both checks, TLS defaults on only for `mongodb+srv`.
#[test]
fn effective_tls_is_computed_once() {
    let tls = |input: &str| {
        let uri = parse(input);
        let effective = uri.effective_tls();
        (
            effective.enabled,
            effective.allow_invalid_certificates,
            effective.allow_invalid_hostnames,
        )
    };
    assert_eq!(
        tls("mongodb://db/?tls=true&tlsInsecure=true"),
        (true, true, true)
    );
    assert_eq!(
        tls("mongodb://db/?tls=true&tlsInsecure=false"),
        (true, false, false)
    );
    assert_eq!(
        tls("mongodb://db/?tls=true&tlsAllowInvalidHostnames=true"),
        (true, false, true)
    );
    assert_eq!(
        tls("mongodb://db/?tls=true&tlsAllowInvalidCertificates=true"),
        (true, true, false)
    );
    assert_eq!(tls("mongodb://db"), (false, false, false));
    assert_eq!(tls("mongodb+srv://c.example.com"), (true, false, false));
    assert_eq!(
        tls("mongodb+srv://c.example.com/?tls=false"),
        (false, false, false)
    );
    let uri = parse(
        "mongodb://db/?tls=true&tlsCAFile=ca.pem&tlsCertificateKeyFile=c.pem\
         &tlsCertificateKeyFilePassword=pencil&tlsCRLFile=crl.pem",
    );
    let effective = uri.effective_tls();
    assert_eq!(effective.ca_file, Some("ca.pem"));
    assert_eq!(effective.certificate_key_file, Some("c.pem"));
    assert_eq!(effective.crl_file, Some("crl.pem"));
    assert_eq!(
        effective.key_password.map(Password::expose_secret),
        Some("pencil")
    );
    assert!(!format!("{effective:?}").contains("pencil"));
    assert_eq!(mongo_auth_core::rules::MIN_SCRAM_ITERATIONS, 4096);
}

// ---- no part of a secret in any message ----

/// Each input holds the secret fragments `Zq9x` and `Wv7y` in its password or a secret option's value:
/// none may be quoted, whatever is wrong with the input.
fn assert_not_quoted(input: &str, shown: &str) {
    for fragment in ["Zq9x", "Wv7y"] {
        assert!(!shown.contains(fragment), "{input}: {shown}");
    }
}

#[test]
fn an_unescaped_slash_question_mark_or_hash_in_the_userinfo_is_named_not_quoted() {
    for (input, reserved, encoded) in [
        // an `@` in the database path, or in the options before any `=`
        ("mongodb://u:Zq9x/Wv7y@h/", "`/`", "%2F"),
        ("mongodb://u:Zq9x/Wv7y@h/db?tls=true", "`/`", "%2F"),
        ("mongodb://Zq9x/Wv7y:pw@h", "`/`", "%2F"),
        ("mongodb://u:Zq9x?Wv7y@h", "`?`", "%3F"),
        ("mongodb://u:Zq9x?Wv7y@h/?tls=true", "`?`", "%3F"),
        ("mongodb://u:Zq9x#Wv7y@h/db", "`#`", "%23"),
        ("mongodb://u:Zq9x#Wv7y/@h/db", "`#`", "%23"),
        // an `@` in an option value, after hosts that are not valid
        ("mongodb://u:Zq9x/Wv7y?a=b@h/", "`/`", "%2F"),
        ("mongodb://u:Zq9x?a=Wv7y@h", "`?`", "%3F"),
        (
            "mongodb://u:Zq9x?tls=Wv7y&a=b@h/?replicaSet=x",
            "`?`",
            "%3F",
        ),
    ] {
        let e = errors(input);
        assert_eq!(kinds(&e), [ErrorKind::InvalidUserinfo], "{input}: {e}");
        let message = e.first().message();
        assert!(message.contains(reserved), "{input}: {message}");
        assert!(message.contains(encoded), "{input}: {message}");
        assert_eq!(&input[e.first().span()], &reserved[1..2], "{input}");
        assert!(e.warnings().is_empty(), "{input}: {:?}", e.warnings());
        assert_not_quoted(input, &format!("{e} {e:?}"));
        check_house_rule(input, message);
        // the password is secret (everything after the scheme, when the userinfo's end is unknown)
        let password = input.find("Zq9x").unwrap()..input.find("Wv7y").unwrap() + 4;
        assert!(
            e.secret_spans()
                .iter()
                .any(|s| s.start <= password.start && password.end <= s.end),
            "{input}: {:?}",
            e.secret_spans()
        );
    }
    assert_eq!(
        errors("mongodb://u:Zq9x/Wv7y@h/").first().message(),
        "the user name or password contains an unescaped `/`: percent-encode it as %2F (an `@` in \
         a database name is written %40)"
    );
    // an `@` in an option value is an option value's
    for input in [
        "mongodb://alice:secret@example.com/admin?replicaset=my@replicaset",
        "mongodb://h/?appName=me@example.com",
        "mongodb://h?appName=me@example.com",
    ] {
        parse(input);
    }
    // the same characters escaped are part of the password
    let uri = parse("mongodb://u:Zq9x%2F%3F%23Wv7y@h/db");
    assert_eq!(uri.password().unwrap().expose_secret(), "Zq9x/?#Wv7y");
}

#[test]
fn before_an_at_in_an_option_value_nothing_is_quoted() {
    // valid hosts, so the string parses; but anything before the `@` may be a password that holds
    // an unescaped `?`, so the unknown option is not named
    let input = "mongodb://u:p@h/?Zq9x=1&appName=Wv7y@x";
    let uri = parse(input);
    assert_not_quoted(input, &format!("{:?}", uri.warnings()));
    assert!(
        uri.warnings()[0].message().contains("not shown"),
        "{:?}",
        uri.warnings()
    );
    assert!(
        uri.secret_spans()
            .contains(&(10..input.rfind('@').unwrap()))
    );
    // without the `@`, the name is quoted as usual
    let uri = parse("mongodb://u:p@h/?Zq9x=1");
    assert!(uri.warnings()[0].message().contains("`Zq9x`"));
}

#[test]
fn secret_option_values_are_never_quoted() {
    for input in [
        // an unescaped `&` cuts the value: what follows, up to a known option, may be the rest
        "mongodb://h/?tlsCertificateKeyFilePassword=Zq9x&Wv7y",
        "mongodb://h/?tlsCertificateKeyFilePassword=Zq9x&Wv7y=1&tls=true",
        "mongodb://h/?tlsCertificateKeyFilePassword=Zq9x&&Wv7y&tls=yes",
        "mongodb://h/?proxyHost=p&proxyUsername=u&proxyPassword=Zq9x&Wv7y",
        "mongodb://h/?sslPEMKeyPassword=Zq9x&Wv7y=",
        // `%` not followed by two hex digits, or not UTF-8
        "mongodb://h/?tlsCertificateKeyFilePassword=Zq9x%zzWv7y",
        "mongodb://h/?proxyHost=p&proxyUsername=u&proxyPassword=Zq9x%FFWv7y",
        // `=` in the value is part of the value
        "mongodb://h/?proxyHost=p&proxyUsername=u&proxyPassword=Zq9x=Wv7y&proxyPassword=a",
    ] {
        let shown = match ConnectionString::parse(input) {
            Ok(uri) => format!("{uri} {uri:?} {:?}", uri.warnings()),
            Err(e) => format!("{e} {e:?}"),
        };
        assert_not_quoted(input, &shown);
        let (warnings, errors) = match ConnectionString::parse(input) {
            Ok(uri) => (uri.warnings().to_vec(), Vec::new()),
            Err(e) => (e.warnings().to_vec(), e.into_vec()),
        };
        assert!(
            !warnings.is_empty() || !errors.is_empty(),
            "{input}: nothing reported"
        );
        for message in errors
            .iter()
            .map(|e| e.message())
            .chain(warnings.iter().map(|w| w.message()))
        {
            check_house_rule(input, message);
        }
    }
    // the value and what may continue it are secret spans
    let input = "mongodb://h/?tlsCertificateKeyFilePassword=Zq9x&Wv7y=1&tls=true";
    let uri = parse(input);
    let secrets: Vec<&str> = uri
        .secret_spans()
        .iter()
        .map(|s| &input[s.clone()])
        .collect();
    assert_eq!(secrets, ["Zq9x", "Wv7y=1"]);
    assert_eq!(uri.options().tls(), Some(true));
    assert_eq!(
        uri.warnings()[0].message(),
        "an unknown option after tlsCertificateKeyFilePassword is ignored: if the value of \
         tlsCertificateKeyFilePassword contains `&`, percent-encode it as %26 (not shown: it may be \
         part of a password)"
    );
    // a known option after a secret one is an option
    let uri = parse("mongodb://h/?tlsCertificateKeyFilePassword=pw&replicaSet=rs0");
    assert_eq!(uri.options().replica_set(), Some("rs0"));
    assert!(uri.warnings().is_empty());
}

#[test]
fn library_refuses_a_nul_in_sasl_credentials() {
    // the spec layer accepts it; the library layer refuses it, naming the field only
    let uri = parse("mongodb://u:Zq9x%00Wv7y@h/?authMechanism=SCRAM-SHA-256");
    let e = uri.check_library_rules().unwrap_err();
    assert_eq!(kinds(&e), [ErrorKind::NulInCredential]);
    assert_eq!(
        e.first().message(),
        "the password holds a NUL character, which SCRAM-SHA-256 cannot send (SASL forbids it): \
         remove it"
    );
    assert_not_quoted("", &format!("{e} {e:?}"));
    let uri = parse("mongodb://Zq9x%00@h/?authMechanism=PLAIN&tls=true");
    let e = uri
        .check_library_rules_with(LibraryRules::default().password_from_code(true))
        .unwrap_err();
    assert_eq!(kinds(&e), [ErrorKind::NulInCredential]);
    assert!(e.first().message().starts_with("the user name holds"));
    // credentials from code
    let credential = validate_credential({
        let mut parts = CredentialParts::default();
        parts.username = Some("u".into());
        parts.password = Some(Password::new("a\0b"));
        parts
    })
    .unwrap();
    let e = check_credential(
        Some(&credential),
        TlsFacts::default(),
        LibraryRules::default(),
    )
    .unwrap_err();
    assert_eq!(kinds(&e), [ErrorKind::NulInCredential]);
    assert!(e.first().message().contains("which SCRAM cannot send"));
    // not a SASL mechanism: MONGODB-CR sends a digest
    parse("mongodb://u:a%00b@h/?authMechanism=MONGODB-CR")
        .check_library_rules()
        .unwrap();
}

#[test]
fn an_at_in_what_continues_a_secret_option_is_the_secrets() {
    // `&` cut the password: `Wv7y@x` is not an option, and its `@` is not a userinfo's
    let input = "mongodb://h/?proxyHost=p&proxyUsername=u&proxyPassword=Zq9x&Wv7y@x";
    let e = errors(input);
    assert_eq!(kinds(&e), [ErrorKind::InvalidOption], "{e}");
    assert!(e.first().message().contains("%26"), "{e}");
    assert_not_quoted(input, &format!("{e} {e:?}"));
}
