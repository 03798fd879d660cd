//! Loading `ClientConfig` with serde from TOML, JSON and YAML files: good files load, bad files fail
//! with the field path and the rule; `Serialize` writes no secret.

use std::path::{Path, PathBuf};

use mongo_auth::ClientConfig;
use mongo_auth::config::{ConfigError, from_deserializer};
use mongo_auth::rulebook::{Canonicalize, ErrorKind, Mechanism, MechanismProperties};
use serde::Deserialize;

use crate::support::{child, test_path};

const PASSWORD_VARIABLE: &str = "MONGO_AUTH_TEST_PASSWORD";
const PASSWORD_VALUE: &str = "env-secret-value";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct App {
    mongodb: ClientConfig,
}

fn file(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/config_files")
        .join(relative)
}

/// Loads a file by its extension, through `from_deserializer` (typed errors with full paths).
fn load(relative: &str) -> Result<App, ConfigError> {
    let path = file(relative);
    let text = std::fs::read_to_string(&path).unwrap();
    match path.extension().and_then(|e| e.to_str()) {
        Some("toml") => from_deserializer(toml::Deserializer::parse(&text).unwrap()),
        Some("json") => from_deserializer(&mut serde_json::Deserializer::from_str(&text)),
        Some("yaml") => from_deserializer(serde_yaml::Deserializer::from_str(&text)),
        other => panic!("unknown extension {other:?}"),
    }
}

/// Loads a file through the format's own `from_str` (the error is the format's, with our text in it).
fn load_plain(relative: &str) -> Result<App, String> {
    let path = file(relative);
    let text = std::fs::read_to_string(&path).unwrap();
    match path.extension().and_then(|e| e.to_str()) {
        Some("toml") => toml::from_str(&text).map_err(|e| e.to_string()),
        Some("json") => serde_json::from_str(&text).map_err(|e| e.to_string()),
        Some("yaml") => serde_yaml::from_str(&text).map_err(|e| e.to_string()),
        other => panic!("unknown extension {other:?}"),
    }
}

/// Runs `test`'s `body` in a child process of this test binary with the password variable set
/// (setting the environment of a running multi-threaded test binary is not sound).
fn with_password_variable(test: &str, body: impl FnOnce()) {
    child::in_child(
        test,
        |command| {
            command.env(PASSWORD_VARIABLE, PASSWORD_VALUE);
        },
        body,
    );
}

// ---- good files ---------------------------------------------------------------------------------

#[test]
fn good_scram_toml_with_env_password() {
    with_password_variable(&test_path!("good_scram_toml_with_env_password"), || {
        let config = load("good/scram.toml").unwrap().mongodb;
        let credential = config.credential().unwrap();
        assert_eq!(credential.mechanism, Some(Mechanism::ScramSha256));
        assert_eq!(
            credential.password.as_ref().unwrap().expose_secret(),
            PASSWORD_VALUE
        );
        assert_eq!(config.hosts().len(), 2);
        assert_eq!(config.tls().unwrap().ca_file(), Some(Path::new("ca.pem")));
        assert_eq!(config.app_name(), Some("inventory"));
        assert_eq!(config.replica_set(), Some("rs0"));
        assert_eq!(config.connect_timeout().map(|t| t.as_millis()), Some(2500));

        // written back: the reference, never the value; and it loads again to the same config
        let written = toml::to_string(&config).unwrap();
        assert!(!written.contains(PASSWORD_VALUE), "{written}");
        assert!(written.contains(PASSWORD_VARIABLE), "{written}");
        let again: ClientConfig = toml::from_str(&written).unwrap();
        assert_eq!(again.credential(), config.credential());
        assert_eq!(again.to_string(), config.to_string());
    });
}

#[test]
fn good_plain_json_over_srv() {
    with_password_variable(&test_path!("good_plain_json_over_srv"), || {
        let config = load("good/plain.json").unwrap().mongodb;
        assert!(config.is_srv());
        assert!(
            config.tls().is_some(),
            "mongodb+srv implies TLS, so PLAIN is allowed"
        );
        assert_eq!(config.credential().unwrap().source, "$external");
        let json = serde_json::to_string(&config).unwrap();
        assert!(!json.contains(PASSWORD_VALUE));
        assert!(
            json.contains(r#""password":{"env":"MONGO_AUTH_TEST_PASSWORD"}"#),
            "{json}"
        );
    });
}

#[test]
fn good_x509_toml_with_key_password_file() {
    let config = load("good/x509.toml").unwrap().mongodb;
    let credential = config.credential().unwrap();
    assert_eq!(credential.mechanism, Some(Mechanism::MongodbX509));
    assert_eq!(credential.source, "$external");
    let tls = config.tls().unwrap();
    assert_eq!(
        tls.certificate_file(),
        Some(Path::new("/etc/ssl/client.crt"))
    );
    assert_eq!(tls.key_file(), Some(Path::new("/etc/ssl/client.key")));
    assert!(tls.has_key_password());
    let written = serde_json::to_string(&config).unwrap();
    assert!(!written.contains("key-secret-from-file"), "{written}");
    assert!(
        written.contains(r#""key_password":{"file":"tests/config_files/key-password.txt"}"#),
        "{written}"
    );
    assert!(!format!("{config:?}").contains("key-secret-from-file"));
}

#[test]
fn good_gssapi_toml_properties() {
    let config = load("good/gssapi.toml").unwrap().mongodb;
    let credential = config.credential().unwrap();
    assert_eq!(credential.source, "$external");
    let MechanismProperties::Gssapi(properties) = &credential.properties else {
        panic!("{:?}", credential.properties)
    };
    assert_eq!(properties.service_name, "myservicename");
    assert_eq!(
        properties.canonicalize_host_name,
        Canonicalize::ForwardAndReverse
    );
    assert_eq!(properties.service_realm.as_deref(), Some("otherrealm"));
    // properties round-trip
    let again: ClientConfig = toml::from_str(&toml::to_string(&config).unwrap()).unwrap();
    assert_eq!(again.credential(), config.credential());
}

#[test]
fn good_connection_strings_in_toml_and_yaml() {
    let config = load("good/uri.toml").unwrap().mongodb;
    assert_eq!(config.credential().unwrap().source, "the_database");
    assert_eq!(
        config.credential().unwrap().mechanism,
        Some(Mechanism::ScramSha1)
    );
    let written = toml::to_string(&config).unwrap();
    assert!(
        !written.contains("password"),
        "an inline password is left out: {written}"
    );

    let config = load("good/uri.yaml").unwrap().mongodb;
    assert_eq!(
        config.credential().unwrap().mechanism,
        Some(Mechanism::MongodbX509)
    );
}

#[test]
fn good_default_mechanism_json() {
    let config = load("good/default.json").unwrap().mongodb;
    let credential = config.credential().unwrap();
    assert_eq!(credential.mechanism, None);
    assert_eq!(credential.source, "admin");
    let written = serde_json::to_string(&config).unwrap();
    assert_eq!(
        written,
        r#"{"hosts":["example.com"],"auth":{"username":"user"}}"#
    );
}

#[test]
fn good_cr_yaml_keeps_an_empty_password() {
    let config = load("good/cr.yaml").unwrap().mongodb;
    let credential = config.credential().unwrap();
    assert_eq!(credential.mechanism, Some(Mechanism::MongodbCr));
    assert_eq!(credential.source, "the_database");
    // `password: ""` is an empty password, not a missing one (a missing one is refused)
    assert!(credential.password.as_ref().unwrap().is_empty());
}

#[test]
fn good_plain_cleartext_opt_in_yaml() {
    let config = load("good/plain_cleartext.yaml").unwrap().mongodb;
    assert!(config.tls().is_none());
    assert!(config.allows_plain_password_without_tls());
    let written = serde_yaml::to_string(&config).unwrap();
    assert!(
        written.contains("allow_plain_password_without_tls: true"),
        "{written}"
    );
    assert!(!written.contains("ldappassword"));
}

// ---- bad files ------------------------------------------------------------------------------------

/// (file, field path, rule kind if a rulebook rule, text the message must contain)
const BAD: &[(&str, &str, Option<ErrorKind>, &str)] = &[
    (
        "bad/x509_password.toml",
        "mongodb.auth.password",
        Some(ErrorKind::ForbiddenPassword),
        "MONGODB-X509",
    ),
    (
        "bad/x509_no_tls.json",
        "mongodb.tls",
        Some(ErrorKind::X509NeedsTls),
        "client certificate",
    ),
    (
        "bad/gssapi_source.yaml",
        "mongodb.auth.source",
        None,
        "$external",
    ),
    (
        "bad/unknown_field.toml",
        "mongodb.auth.passwrd",
        None,
        "unknown field `passwrd`",
    ),
    (
        "bad/unknown_mechanism.json",
        "mongodb.auth.mechanism",
        Some(ErrorKind::UnknownMechanism),
        "SCRAM-SHA-256",
    ),
    (
        "bad/missing_password.yaml",
        "mongodb.auth.password",
        Some(ErrorKind::MissingPassword),
        "password",
    ),
    (
        "bad/plain_no_tls.toml",
        "mongodb.tls",
        Some(ErrorKind::PlainNeedsTls),
        "PLAIN",
    ),
    (
        "bad/service_name_on_scram.toml",
        "mongodb.auth.properties",
        Some(ErrorKind::InvalidMechanismProperty),
        "SERVICE_NAME",
    ),
    (
        "bad/empty_source.json",
        "mongodb.auth.source",
        Some(ErrorKind::InvalidSource),
        "is empty",
    ),
    (
        "bad/bad_host.yaml",
        "mongodb.hosts",
        Some(ErrorKind::InvalidPort),
        "99999",
    ),
    (
        "bad/unset_env.toml",
        "mongodb.auth.password",
        None,
        "MONGO_AUTH_TEST_UNSET_VARIABLE",
    ),
    (
        "bad/bad_uri.json",
        "mongodb",
        Some(ErrorKind::ForbiddenPassword),
        "MONGODB-X509",
    ),
    (
        "bad/server_api.yaml",
        "mongodb.options.server_api",
        None,
        "`2` is not a Stable API version MongoDB defines: use \"1\"",
    ),
    (
        "bad/wrong_type.yaml",
        "mongodb.options.connect_timeout_ms",
        None,
        "invalid type",
    ),
];

#[test]
fn bad_files_fail_with_the_field_path_and_the_rule() {
    for &(name, path, kind, text) in BAD {
        let error = load(name).map(|_| ()).expect_err(name);
        println!("{name}:\n  {error}");
        let field = error
            .fields()
            .iter()
            .find(|f| f.path() == path)
            .unwrap_or_else(|| panic!("{name}: no problem at {path}: {error:?}"));
        if let Some(kind) = kind {
            assert_eq!(
                field.rule().map(|r| r.kind()),
                Some(kind),
                "{name}: {error}"
            );
        }
        assert!(field.message().contains(text), "{name}: {field}");
        let shown = error.to_string();
        assert!(shown.contains(&format!("{path}: ")), "{name}: {shown}");
        assert!(
            !shown.contains("pencil-secret"),
            "{name}: a secret in {shown}"
        );
        assert!(
            !format!("{error:?}").contains("pencil-secret"),
            "{name}: a secret in {error:?}"
        );

        // the format's own entry point carries the same text
        let plain = load_plain(name).map(|_| ()).expect_err(name);
        assert!(plain.contains(field.message()), "{name}: {plain}");
        assert!(
            !plain.contains("pencil-secret"),
            "{name}: a secret in {plain}"
        );
    }
}

#[test]
fn x509_with_a_password_in_a_config_file_reads_as_in_the_design() {
    let error = load("bad/x509_password.toml").map(|_| ()).unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("mongodb.auth.password: MONGODB-X509 takes no password"),
        "{error}"
    );
}

#[test]
fn every_problem_is_reported() {
    let error = load("bad/two_problems.toml").map(|_| ()).unwrap_err();
    let paths: Vec<&str> = error.fields().iter().map(|f| f.path()).collect();
    assert!(paths.contains(&"mongodb.hosts"), "{error}");
    assert!(paths.contains(&"mongodb.auth.password"), "{error}");
    assert!(
        error
            .to_string()
            .starts_with("3 problems in the configuration:")
            || error.fields().len() >= 2,
        "{error}"
    );
}

#[test]
fn iteration_maximum_below_the_spec_minimum_in_a_config_file() {
    let error = from_deserializer::<ClientConfig, _>(&mut serde_json::Deserializer::from_str(
        r#"{ "hosts": ["db"], "options": { "max_scram_iterations": 100 } }"#,
    ))
    .unwrap_err();
    assert_eq!(error.fields()[0].path(), "options.max_scram_iterations");
    assert_eq!(
        error.fields()[0].rule().map(|r| r.kind()),
        Some(ErrorKind::InvalidOptionValue)
    );
}

#[test]
fn missing_source_is_not_an_empty_source() {
    let config: ClientConfig = serde_json::from_str(
        r#"{ "hosts": ["db"], "auth": { "username": "u", "password": "p" } }"#,
    )
    .unwrap();
    assert_eq!(config.credential().unwrap().source, "admin");
    let error = serde_json::from_str::<ClientConfig>(
        r#"{ "hosts": ["db"], "auth": { "username": "u", "password": "p", "source": "" } }"#,
    )
    .unwrap_err();
    assert!(error.to_string().contains("auth.source"), "{error}");
}

#[test]
fn tls_shapes() {
    let config: ClientConfig =
        serde_json::from_str(r#"{ "hosts": ["db"], "tls": false }"#).unwrap();
    assert!(config.tls().is_none());
    let config: ClientConfig = serde_json::from_str(
        r#"{ "hosts": ["db"], "tls": { "dangerous": { "allow_invalid_hostnames": true }, "crl_file": "crl.pem" } }"#,
    )
    .unwrap();
    let tls = config.tls().unwrap();
    assert!(tls.allows_invalid_hostnames() && !tls.allows_invalid_certificates());
    let json = serde_json::to_string(&config).unwrap();
    assert_eq!(
        json,
        r#"{"hosts":["db"],"tls":{"crl_file":"crl.pem","dangerous":{"allow_invalid_hostnames":true}}}"#
    );
    let error = serde_json::from_str::<ClientConfig>(
        r#"{ "hosts": ["db"], "tls": { "certificate_file": "c.pem" } }"#,
    )
    .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("tls.certificate_file: a certificate file needs its key"),
        "{error}"
    );
    let error = serde_json::from_str::<ClientConfig>(
        r#"{ "hosts": ["db"], "tls": { "key_password": "pencil-secret" } }"#,
    )
    .unwrap_err();
    assert!(error.to_string().contains("tls.key_password"), "{error}");
    assert!(!error.to_string().contains("pencil-secret"));
}

#[test]
fn hosts_and_srv_together_is_one_problem() {
    let error = from_deserializer::<ClientConfig, _>(&mut serde_json::Deserializer::from_str(
        r#"{ "hosts": ["a.example.com"], "srv": "cluster0.example.com" }"#,
    ))
    .unwrap_err();
    assert_eq!(error.fields().len(), 1, "{error}");
    assert_eq!(error.fields()[0].path(), "srv");
}

#[test]
fn the_example_config_file_loads() {
    // `cargo test` runs in the package root, where the file's secret path is relative to
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/from_config.toml"),
    )
    .unwrap();
    let app: App = from_deserializer(toml::Deserializer::parse(&text).unwrap()).unwrap();
    let credential = app.mongodb.credential().unwrap();
    assert_eq!(credential.mechanism, Some(Mechanism::ScramSha256));
    assert!(
        !toml::to_string(&app.mongodb)
            .unwrap()
            .contains("demo-password")
    );
}

/// A source is written only when it was given: a default follows from the rest once the file is
/// read back, and for `mongodb+srv` the DNS TXT record's authSource still applies.
#[test]
fn srv_default_source_is_left_to_dns() {
    let config: ClientConfig = "mongodb+srv://app:pencil@cluster0.example.com"
        .parse()
        .unwrap();
    let json = serde_json::to_string(&config).unwrap();
    assert!(!json.contains("source"), "{json}");
    let config: ClientConfig = "mongodb+srv://app:pencil@cluster0.example.com/?authSource=admin"
        .parse()
        .unwrap();
    let json = serde_json::to_string(&config).unwrap();
    assert!(json.contains(r#""source":"admin""#), "{json}");
    let config: ClientConfig = "mongodb://app:pencil@db".parse().unwrap();
    let json = serde_json::to_string(&config).unwrap();
    assert!(!json.contains("source"), "{json}");
    // the database path is the source default, and is written as such
    let config: ClientConfig = "mongodb://app:pencil@db/shop".parse().unwrap();
    let json = serde_json::to_string(&config).unwrap();
    assert!(json.contains(r#""database":"shop""#), "{json}");
    assert!(!json.contains("source"), "{json}");
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Nested {
    service: toml::Table,
    mongodb: ClientConfig,
}

#[test]
fn field_problems_carry_the_line_and_column_the_format_gives_and_the_file() {
    // TOML: the position of the table the problem was found in; never the value
    let text = "[service]\nname = \"inventory\"\n\n[mongodb]\nhosts = [\"db\"]\n\
                auth = { mechanism = \"MONGODB-X509\", password = \"pencil\" }\n";
    let document = toml::Deserializer::parse(text).unwrap();
    let error = from_deserializer::<Nested, _>(document).unwrap_err();
    let field = &error.fields()[0];
    assert_eq!(field.path(), "mongodb.auth.password");
    assert_eq!((field.line(), field.column()), (Some(4), Some(1)));
    assert_eq!(field.file(), None);
    assert!(error.to_string().ends_with("(line 4, column 1)"), "{error}");
    let error = error.in_file("config/app.toml");
    let shown = format!("{error} {error:?} {}", error.render());
    assert!(
        error.to_string().starts_with(
            "config/app.toml:4:1: mongodb.auth.password: MONGODB-X509 takes no password"
        ),
        "{error}"
    );
    assert!(
        error.render().starts_with("error: config/app.toml:4:1: "),
        "{}",
        error.render()
    );
    assert!(!shown.contains("pencil"), "{shown}");

    // YAML: the position the reader was at
    let yaml = "service: {}\nmongodb:\n  hosts: [db]\n  auth:\n    mechanism: MONGODB-X509\n    password: pencil\n";
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct NestedYaml {
        service: serde_yaml::Value,
        mongodb: ClientConfig,
    }
    let error =
        from_deserializer::<NestedYaml, _>(serde_yaml::Deserializer::from_str(yaml)).unwrap_err();
    let field = &error.fields()[0];
    assert_eq!(field.path(), "mongodb.auth.password");
    assert!(
        field.line().is_some_and(|line| (2..=7).contains(&line)),
        "{error}"
    );
    assert!(!format!("{error} {error:?}").contains("pencil"));

    // JSON: where the reader was (the end of the table)
    let error = from_deserializer::<ClientConfig, _>(&mut serde_json::Deserializer::from_str(
        r#"{ "hosts": ["db"], "auth": { "mechanism": "MONGODB-X509", "password": "pencil" } }"#,
    ))
    .unwrap_err();
    assert_eq!(error.fields()[0].line(), Some(1));
    assert!(!format!("{error} {error:?}").contains("pencil"));
}

#[test]
fn debug_of_every_configuration_error_reads_like_its_display() {
    let error = load("bad/x509_password.toml").unwrap_err();
    let debug = format!("{error:?}");
    assert!(
        !debug.contains("FieldError {") && !debug.contains("0..0"),
        "{debug}"
    );
    assert!(
        debug.starts_with("error: mongodb.auth.password: "),
        "{debug}"
    );
    let field = &error.fields()[0];
    assert_eq!(format!("{field:?}"), field.to_string());
    let rule = field.rule().unwrap();
    assert_eq!(format!("{rule:?}"), rule.to_string());
    assert!(format!("{rule:#?}").contains("kind: ForbiddenPassword"));
}

#[test]
fn password_refresh_needs_a_password_given_by_reference() {
    let load = |auth: serde_json::Value| {
        let text = serde_json::json!({ "hosts": ["db"], "auth": auth }).to_string();
        from_deserializer::<ClientConfig, _>(&mut serde_json::Deserializer::from_str(&text))
    };
    let error = load(serde_json::json!({
        "username": "app", "password": "pencil-secret", "password_refresh": "per-connection"
    }))
    .unwrap_err();
    let field = &error.fields()[0];
    assert_eq!(field.path(), "auth.password_refresh");
    assert!(
        field.message().contains("{ env = … } or { file = … }"),
        "{field}"
    );
    assert!(!format!("{error} {error:?}").contains("pencil-secret"));
    let error = load(serde_json::json!({
        "username": "app", "password": { "env": "PATH" }, "password_refresh": "hourly"
    }))
    .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("\"once\" (the default) or \"per-connection\""),
        "{error}"
    );
    // written back as read
    let config = load(serde_json::json!({
        "username": "app", "password": { "env": "PATH" }, "password_refresh": "per-connection"
    }))
    .unwrap();
    let written = serde_json::to_value(&config).unwrap();
    assert_eq!(written["auth"]["password_refresh"], "per-connection");
    let again: ClientConfig = serde_json::from_value(written).unwrap();
    assert_eq!(again, config);
}
