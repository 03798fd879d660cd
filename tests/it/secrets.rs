//! No secret appears in the Debug, Display, error or Serialize output of any public type, for every
//! mechanism and every way in (builder, connection string, config file).

use mongo_auth::config::{SecretRef, from_deserializer};
use mongo_auth::rulebook::ConnectionString;
use mongo_auth::{Auth, ClientConfig, ConfigError, Password, Tls};
use proptest::prelude::*;
use proptest::sample::select;

/// A password that shows up if anything prints it.
const SECRET: &str = "S3cr3t-pa55word";
/// A key password, likewise.
const KEY_SECRET: &str = "K3y-pa55word";

fn assert_hidden(what: &str, text: &str) {
    assert!(!text.contains(SECRET), "{what} shows the password: {text}");
    assert!(
        !text.contains(KEY_SECRET),
        "{what} shows the key password: {text}"
    );
    // percent-encoded forms too
    assert!(
        !text.contains("S3cr3t%2Dpa55word") && !text.contains("K3y%2Dpa55word"),
        "{what}: {text}"
    );
}

fn assert_config_hidden(what: &str, config: &ClientConfig) {
    assert_hidden(&format!("{what} Debug"), &format!("{config:?}"));
    assert_hidden(&format!("{what} Debug (pretty)"), &format!("{config:#?}"));
    assert_hidden(&format!("{what} Display"), &config.to_string());
    assert_hidden(
        &format!("{what} JSON"),
        &serde_json::to_string(config).unwrap(),
    );
    assert_hidden(&format!("{what} TOML"), &toml::to_string(config).unwrap());
    assert_hidden(
        &format!("{what} YAML"),
        &serde_yaml::to_string(config).unwrap(),
    );
    if let Some(credential) = config.credential() {
        assert_hidden(
            &format!("{what} credential Debug"),
            &format!("{credential:?}"),
        );
    }
    if let Some(tls) = config.tls() {
        assert_hidden(&format!("{what} TLS Debug"), &format!("{tls:?}"));
    }
}

/// One configuration per mechanism, each with every secret it can hold.
fn built() -> Vec<(&'static str, ClientConfig)> {
    let tls = || {
        Tls::enabled()
            .client_cert("client.pem")
            .key_password(KEY_SECRET)
    };
    vec![
        (
            "negotiated SCRAM",
            ClientConfig::builder()
                .hosts(["db"])
                .credential(Auth::scram().username("u").password(SECRET))
                .tls(tls())
                .build()
                .unwrap(),
        ),
        (
            "SCRAM-SHA-1",
            ClientConfig::builder()
                .hosts(["db"])
                .credential(Auth::scram_sha_1().username("u").password(SECRET))
                .tls(tls())
                .build()
                .unwrap(),
        ),
        (
            "SCRAM-SHA-256",
            ClientConfig::builder()
                .hosts(["db"])
                .credential(Auth::scram_sha_256().username("u").password(SECRET))
                .tls(tls())
                .build()
                .unwrap(),
        ),
        (
            "MONGODB-CR",
            ClientConfig::builder()
                .hosts(["db"])
                .credential(Auth::mongodb_cr().username("u").password(SECRET))
                .tls(tls())
                .build()
                .unwrap(),
        ),
        (
            "MONGODB-X509",
            ClientConfig::builder()
                .hosts(["db"])
                .credential(Auth::x509())
                .tls(tls())
                .build()
                .unwrap(),
        ),
        (
            "GSSAPI",
            ClientConfig::builder()
                .hosts(["db"])
                .credential(Auth::gssapi("u@R").password(SECRET))
                .tls(tls())
                .build()
                .unwrap(),
        ),
        (
            "PLAIN",
            ClientConfig::builder()
                .hosts(["db"])
                .credential(Auth::plain().username("u").password(SECRET))
                .tls(tls())
                .build()
                .unwrap(),
        ),
        (
            "PLAIN in clear",
            ClientConfig::builder()
                .hosts(["db"])
                .credential(Auth::plain().username("u").password(SECRET))
                .dangerous()
                .allow_plain_password_without_tls()
                .build()
                .unwrap(),
        ),
    ]
}

#[test]
fn built_configurations_hide_secrets() {
    for (what, config) in built() {
        assert_config_hidden(what, &config);
    }
}

#[test]
fn builder_states_hide_secrets() {
    let texts = [
        format!("{:?}", Auth::scram_sha_256().username("u").password(SECRET)),
        format!("{:?}", Auth::scram_sha_1().password(SECRET)),
        format!(
            "{:?}",
            Auth::mongodb_cr()
                .username("u")
                .password(SECRET)
                .source("s")
        ),
        format!("{:?}", Auth::plain().username("u").password(SECRET)),
        format!("{:?}", Auth::gssapi("u@R").password(SECRET)),
        format!(
            "{:?}",
            Tls::enabled().client_cert("c.pem").key_password(KEY_SECRET)
        ),
        format!(
            "{:?}",
            Tls::enabled()
                .client_cert("c.pem")
                .key_password(KEY_SECRET)
                .dangerous()
        ),
        format!(
            "{:?}",
            ClientConfig::builder()
                .credential(Auth::scram().username("u"))
                .password(SECRET)
        ),
        format!(
            "{:?}",
            ClientConfig::builder()
                .credential(Auth::plain().username("u").password(SECRET))
                .dangerous()
        ),
        format!(
            "{:?}",
            Tls::enabled()
                .client_cert("c.pem")
                .key_password(KEY_SECRET)
                .into_settings()
        ),
        format!("{:?}", Password::new(SECRET)),
    ];
    for text in texts {
        assert_hidden("builder state", &text);
    }
}

#[test]
fn connection_strings_hide_secrets() {
    let uris = [
        format!("mongodb://u:{SECRET}@db/"),
        format!("mongodb://u:{SECRET}@db/?authMechanism=SCRAM-SHA-1"),
        format!("mongodb://u:{SECRET}@db/?authMechanism=SCRAM-SHA-256"),
        format!("mongodb://u:{SECRET}@db/?authMechanism=MONGODB-CR"),
        format!("mongodb://u%40R:{SECRET}@db/?authMechanism=GSSAPI"),
        format!("mongodb://u:{SECRET}@db/?authMechanism=PLAIN&tls=true"),
        format!(
            "mongodb://db/?authMechanism=MONGODB-X509&tls=true&tlsCertificateKeyFile=c.pem\
             &tlsCertificateKeyFilePassword={KEY_SECRET}"
        ),
    ];
    for uri in &uris {
        let config: ClientConfig = uri.parse().unwrap_or_else(|e| panic!("{e}"));
        assert_config_hidden(uri, &config);
        let parsed = ConnectionString::parse(uri).unwrap();
        assert_hidden("ConnectionString Debug", &format!("{parsed:?}"));
        assert_hidden("ConnectionString Display", &parsed.to_string());
    }
}

#[test]
fn errors_hide_secrets() {
    let bad = [
        // spec errors
        format!(
            "mongodb://u:{SECRET}@db/?authMechanism=MONGODB-X509&tls=true&tlsCertificateKeyFile=c.pem"
        ),
        format!("mongodb://u:{SECRET}@db:0/?authSource="),
        format!("mongodb://:{SECRET}@db/?authMechanism=SCRAM-SHA-256"),
        format!("mongodb://u:{SECRET}@db/?authMechanism=GSSAPI&authSource=admin"),
        format!("mongodb://u:{SECRET}@db/?tlsInsecure=true&tlsAllowInvalidCertificates=true"),
        // library errors
        format!("mongodb://u:{SECRET}@db/?authMechanism=PLAIN"),
        format!(
            "mongodb://db/?authMechanism=MONGODB-X509&tlsCertificateKeyFilePassword={KEY_SECRET}"
        ),
        format!(
            "mongodb://u:{SECRET}@db/?authMechanism=SCRAM-SHA-256&tlsCertificateKeyFilePassword={KEY_SECRET}&tls=true&ssl=false"
        ),
    ];
    for uri in &bad {
        let error: ConfigError = uri.parse::<ClientConfig>().unwrap_err();
        assert_hidden("error Display", &error.to_string());
        assert_hidden("error Debug", &format!("{error:?}"));
        for rule in error.rules() {
            assert_hidden("rule Display", &rule.to_string());
        }
    }
    // builder errors
    let error = ClientConfig::builder()
        .hosts(["db:0"])
        .credential(Auth::scram_sha_256().username("").password(SECRET))
        .tls(Tls::enabled().client_cert("c.pem").key_password(KEY_SECRET))
        .build()
        .unwrap_err();
    assert_hidden("builder error", &format!("{error} {error:?}"));
}

#[test]
fn config_files_hide_secrets() {
    let files = [
        // good, every mechanism
        format!(r#"{{ "hosts": ["db"], "auth": {{ "username": "u", "password": "{SECRET}" }} }}"#),
        format!(
            r#"{{ "hosts": ["db"], "auth": {{ "mechanism": "SCRAM-SHA-1", "username": "u", "password": "{SECRET}" }} }}"#
        ),
        format!(
            r#"{{ "hosts": ["db"], "auth": {{ "mechanism": "SCRAM-SHA-256", "username": "u", "password": "{SECRET}" }} }}"#
        ),
        format!(
            r#"{{ "hosts": ["db"], "auth": {{ "mechanism": "MONGODB-CR", "username": "u", "password": "{SECRET}" }} }}"#
        ),
        format!(
            r#"{{ "hosts": ["db"], "auth": {{ "mechanism": "GSSAPI", "username": "u@R", "password": "{SECRET}" }} }}"#
        ),
        format!(
            r#"{{ "hosts": ["db"], "tls": true, "auth": {{ "mechanism": "PLAIN", "username": "u", "password": "{SECRET}" }} }}"#
        ),
        format!(
            r#"{{ "hosts": ["db"], "auth": {{ "mechanism": "MONGODB-X509" }},
                 "tls": {{ "certificate_key_file": "c.pem", "key_password": "{KEY_SECRET}" }} }}"#
        ),
    ];
    for text in &files {
        let config: ClientConfig = serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}"));
        assert_config_hidden(text, &config);
    }
    let bad = [
        format!(
            r#"{{ "hosts": ["db"], "auth": {{ "mechanism": "MONGODB-X509", "password": "{SECRET}" }} }}"#
        ),
        format!(
            r#"{{ "hosts": ["db"], "auth": {{ "mechanism": "PLAIN", "username": "u", "password": "{SECRET}" }} }}"#
        ),
        format!(
            r#"{{ "hosts": [], "auth": {{ "username": "", "password": "{SECRET}", "source": "" }} }}"#
        ),
        format!(
            r#"{{ "hosts": ["db"], "auth": {{ "username": "u", "password": {{ "env": "{SECRET}" }} }} }}"#
        ),
        format!(r#"{{ "hosts": ["db"], "tls": {{ "key_password": "{KEY_SECRET}" }} }}"#),
        format!(
            r#"{{ "hosts": ["db"], "auth": {{ "username": "u", "password": "{SECRET}", "typo": 1 }} }}"#
        ),
        format!(r#""mongodb://u:{SECRET}@db/?authMechanism=PLAIN""#),
    ];
    for text in &bad {
        // the env-variable case names the variable, which here is the secret text: skip that check
        let names_variable = text.contains(r#""env""#);
        let plain = serde_json::from_str::<ClientConfig>(text)
            .unwrap_err()
            .to_string();
        let typed =
            from_deserializer::<ClientConfig, _>(&mut serde_json::Deserializer::from_str(text))
                .unwrap_err();
        if !names_variable {
            assert_hidden("serde error", &plain);
            assert_hidden("config error", &format!("{typed} {typed:?}"));
        }
    }
}

#[test]
fn secret_references_are_written_back_not_their_values() {
    let dir = std::env::temp_dir().join(format!("mongo-auth-secrets-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let password_file = dir.join("password");
    let key_file = dir.join("key-password");
    std::fs::write(&password_file, format!("{SECRET}\n")).unwrap();
    std::fs::write(&key_file, KEY_SECRET).unwrap();
    let text = format!(
        r#"{{ "hosts": ["db"], "auth": {{ "mechanism": "PLAIN", "username": "u", "password": {{ "file": {:?} }} }},
             "tls": {{ "certificate_key_file": "c.pem", "key_password": {{ "file": {:?} }} }} }}"#,
        password_file, key_file
    );
    let config: ClientConfig = serde_json::from_str(&text).unwrap();
    // the file's content without its trailing newline
    assert_eq!(
        config
            .credential()
            .unwrap()
            .password
            .as_ref()
            .unwrap()
            .expose_secret(),
        SECRET
    );
    assert_config_hidden("file references", &config);
    let json = serde_json::to_string(&config).unwrap();
    let again: ClientConfig = serde_json::from_str(&json).unwrap();
    assert_eq!(again.credential(), config.credential());
    let reference: SecretRef = serde_json::from_value(
        serde_json::from_str::<serde_json::Value>(&json).unwrap()["auth"]["password"].clone(),
    )
    .unwrap();
    assert_eq!(reference, SecretRef::File(password_file.clone()));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A password written as a number: the error must not echo it.
const NUMERIC_SECRET: &str = "918273645";

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct App {
    #[allow(dead_code)]
    mongodb: ClientConfig,
}

fn toml_app(text: &str) -> Result<App, ConfigError> {
    let document = toml::Deserializer::parse(text).unwrap_or_else(|e| panic!("{e}"));
    from_deserializer(document)
}

fn yaml_app(text: &str) -> Result<App, ConfigError> {
    from_deserializer(serde_yaml::Deserializer::from_str(text))
}

fn json_app(text: &str) -> Result<App, ConfigError> {
    from_deserializer(&mut serde_json::Deserializer::from_str(text))
}

fn assert_error_hidden(what: &str, error: &ConfigError) {
    let shown = format!("{error} {error:?}");
    assert_hidden(what, &shown);
    assert!(
        !shown.contains(NUMERIC_SECRET),
        "{what} shows the password: {shown}"
    );
}

#[test]
fn passwords_of_the_wrong_type_are_not_echoed() {
    let password_shape =
        "the password must be a string (quote it) or { env = \"VAR\" } / { file = \"path\" }";
    let toml_files = [
        (
            "mongodb.auth.password",
            format!(
                "[mongodb]\nhosts = [\"db\"]\nauth = {{ username = \"u\", password = {NUMERIC_SECRET} }}\n"
            ),
        ),
        (
            "mongodb.auth.password",
            format!(
                "[mongodb]\nhosts = [\"db\"]\nauth = {{ username = \"u\", password = {NUMERIC_SECRET}.5 }}\n"
            ),
        ),
        (
            "mongodb.auth.password",
            "[mongodb]\nhosts = [\"db\"]\nauth = { username = \"u\", password = true }\n"
                .to_owned(),
        ),
        (
            "mongodb.auth.password",
            format!(
                "[mongodb]\nhosts = [\"db\"]\nauth = {{ username = \"u\", password = [{NUMERIC_SECRET}] }}\n"
            ),
        ),
        (
            "mongodb.auth.password",
            format!(
                "[mongodb]\nhosts = [\"db\"]\nauth = {{ username = \"u\", password = {{ env = {NUMERIC_SECRET} }} }}\n"
            ),
        ),
        (
            "mongodb.tls.key_password",
            format!(
                "[mongodb]\nhosts = [\"db\"]\ntls = {{ certificate_key_file = \"c.pem\", key_password = {NUMERIC_SECRET} }}\n"
            ),
        ),
    ];
    for (path, text) in &toml_files {
        let error = toml_app(text).unwrap_err();
        assert_error_hidden(text, &error);
        assert!(
            error.fields()[0].path().starts_with(path),
            "{text}: {error}"
        );
    }
    let yaml_files = [
        (
            "mongodb.auth.password",
            format!(
                "mongodb:\n  hosts: [db]\n  auth:\n    username: u\n    password: {NUMERIC_SECRET}\n"
            ),
        ),
        (
            "mongodb.auth.password",
            "mongodb:\n  hosts: [db]\n  auth:\n    username: u\n    password: true\n".to_owned(),
        ),
        (
            "mongodb.auth.password",
            format!(
                "mongodb:\n  hosts: [db]\n  auth:\n    username: u\n    password:\n      - {NUMERIC_SECRET}\n"
            ),
        ),
        (
            "mongodb.tls.key_password",
            format!(
                "mongodb:\n  hosts: [db]\n  tls:\n    certificate_key_file: c.pem\n    key_password: {NUMERIC_SECRET}\n"
            ),
        ),
    ];
    for (path, text) in &yaml_files {
        let error = yaml_app(text).unwrap_err();
        assert_error_hidden(text, &error);
        assert!(
            error.fields()[0].path().starts_with(path),
            "{text}: {error}"
        );
        // serde_yaml's own error carries our message too, and no value
        let plain = serde_yaml::from_str::<App>(text).unwrap_err().to_string();
        assert!(!plain.contains(NUMERIC_SECRET), "{plain}");
    }
    let json = format!(
        r#"{{ "mongodb": {{ "hosts": ["db"], "auth": {{ "username": "u", "password": {NUMERIC_SECRET} }} }} }}"#
    );
    let error = json_app(&json).unwrap_err();
    assert_error_hidden(&json, &error);
    let plain = serde_json::from_str::<App>(&json).unwrap_err().to_string();
    assert!(!plain.contains(NUMERIC_SECRET), "{plain}");
    // the message says what to write instead
    let error = toml_app(&toml_files[0].1).unwrap_err();
    assert_eq!(error.fields()[0].message(), password_shape);
    let error = yaml_app(&yaml_files[0].1).unwrap_err();
    assert!(
        error.fields()[0].message().starts_with(password_shape),
        "{error}"
    );
}

#[test]
fn format_errors_quoting_the_input_are_not_shown() {
    let toml_files = [
        // a connection string with a password that breaks a rule (PLAIN without TLS)
        format!("mongodb = \"mongodb://u:{SECRET}@h/?authMechanism=PLAIN\"\n"),
        // a connection string with a password, and an unknown field beside it
        format!("mongodb = \"mongodb://u:{SECRET}@h/\"\nmongdb_timeout = 5\n"),
        // an inline table with a password and a misspelt field
        format!(
            "[mongodb]\nhosts = [\"db\"]\nauth = {{ username = \"u\", password = \"{SECRET}\", sorce = \"admin\" }}\n"
        ),
        // a connection string where a table belongs
        format!("[mongodb]\nhosts = [\"db\"]\nauth = \"mongodb://u:{SECRET}@h/\"\n"),
        // a wrong value beside an inline key password
        format!(
            "[mongodb]\nhosts = [\"db\"]\ntls = {{ certificate_key_file = \"c.pem\", key_password = \"{KEY_SECRET}\", crl_file = 5 }}\n"
        ),
    ];
    for text in &toml_files {
        let error = toml_app(text).unwrap_err();
        assert_error_hidden(text, &error);
    }
    // the premise: toml's own Display quotes the offending line
    let plain = toml::from_str::<App>(&toml_files[0])
        .unwrap_err()
        .to_string();
    assert!(plain.contains(SECRET), "{plain}");

    let error = toml_app(&toml_files[2]).unwrap_err();
    assert_eq!(error.fields()[0].path(), "mongodb.auth.sorce", "{error}");
    assert!(
        error.to_string().contains("unknown field `sorce`"),
        "{error}"
    );
    let error = toml_app(&toml_files[0]).unwrap_err();
    assert_eq!(error.fields()[0].path(), "mongodb", "{error}");
    assert!(error.to_string().contains("PLAIN"), "{error}");
    let error = toml_app(&toml_files[3]).unwrap_err();
    assert_eq!(error.fields()[0].path(), "mongodb.auth", "{error}");
    assert!(
        error.to_string().contains("invalid type: a string"),
        "{error}"
    );

    let yaml_files = [
        format!("mongodb: \"mongodb://u:{SECRET}@h/?authMechanism=PLAIN\"\n"),
        format!("mongodb: \"mongodb://u:{SECRET}@h/\"\nmongdb_timeout: 5\n"),
        format!(
            "mongodb:\n  hosts: [db]\n  auth: {{ username: u, password: \"{SECRET}\", sorce: admin }}\n"
        ),
        format!("mongodb:\n  hosts: [db]\n  auth: \"mongodb://u:{SECRET}@h/\"\n"),
        format!(
            "mongodb:\n  hosts: [db]\n  tls: {{ key_password: {KEY_SECRET}, crl_file: [1] }}\n"
        ),
        // a syntax error on the line of the password
        format!("mongodb:\n  hosts: [db]\n  auth: {{ username: u, password: \"{SECRET}\" \n"),
        format!("mongodb: [\"mongodb://u:{SECRET}@h/\"]\n"),
    ];
    for text in &yaml_files {
        let error = yaml_app(text).unwrap_err();
        assert_error_hidden(text, &error);
        // serde_yaml's Display adds a path and a position, not the source: inside a ClientConfig
        // the message is this crate's, so it holds no value either
        let plain = serde_yaml::from_str::<App>(text).unwrap_err().to_string();
        assert_hidden(&format!("serde_yaml: {text}"), &plain);
    }
    let error = yaml_app(&yaml_files[2]).unwrap_err();
    assert_eq!(error.fields()[0].path(), "mongodb.auth.sorce", "{error}");
    assert!(
        error.to_string().contains("unknown field `sorce`"),
        "{error}"
    );

    let json_files = [
        format!(r#"{{ "mongodb": {{ "hosts": ["db"], "auth": "mongodb://u:{SECRET}@h/" }} }}"#),
        format!(
            r#"{{ "mongodb": {{ "hosts": ["db"], "auth": {{ "username": "u", "password": "{SECRET}", "sorce": 1 }} }} }}"#
        ),
        format!(
            r#"{{ "mongodb": {{ "hosts": ["db"], "auth": {{ "username": "u", "password": "{SECRET}" }}"#
        ),
        format!(r#"{{ "mongodb": "mongodb://u:{SECRET}@h/", "other": "{SECRET}" }}"#),
        format!(r#"{{ "mongodb": 5, "x": "{SECRET}" }}"#),
    ];
    for text in &json_files {
        let error = json_app(text).unwrap_err();
        assert_error_hidden(text, &error);
        // serde_json's Display adds a position, not the source
        let plain = serde_json::from_str::<App>(text).unwrap_err().to_string();
        assert_hidden(&format!("serde_json: {text}"), &plain);
    }
}

/// A TOML syntax error happens in `toml::Deserializer::parse`, before `from_deserializer`: its
/// Display quotes the line, its `message()` (what the documentation passes on) does not.
#[test]
fn toml_syntax_errors_through_the_documented_pattern_hide_secrets() {
    let files = [
        format!(
            "[mongodb]\nhosts = [\"db\"]\nauth = {{ username = \"u\", password = \"{SECRET} }}\n"
        ),
        format!(
            "[mongodb]\nhosts = [\"db\"]\nauth = {{ username = \"u\", password = {SECRET} }}\n"
        ),
        format!(
            "[mongodb]\nhosts = [\"db\"]\nauth = {{ username = \"u\", password = \"{SECRET}\" sorce = 1 }}\n"
        ),
        format!("mongodb = \"mongodb://u:{SECRET}@h/\nx = 1\n"),
        format!("mongodb = 'mongodb://u:{SECRET}@h/' 'again'\n"),
        format!("[mongodb]\npassword = \"{SECRET}\"\npassword = \"{SECRET}\"\n"),
        format!("[mongodb.tls]\nkey_password = \"\\q{KEY_SECRET}\"\n"),
    ];
    for text in &files {
        let error = toml::Deserializer::parse(text).map(|_| ()).unwrap_err();
        // the premise: toml's Display quotes the line
        assert!(
            error.to_string().contains("S3cr3t") || error.to_string().contains("K3y"),
            "{error}"
        );
        let error = ConfigError::from_message(error.message());
        assert_error_hidden(text, &error);
    }
}

#[test]
fn wrong_property_values_say_what_is_expected() {
    let text = format!(
        "[mongodb]\nhosts = [\"db\"]\nauth = {{ mechanism = \"GSSAPI\", username = \"u@R\", password = \"{SECRET}\", properties = {{ SERVICE_NAME = 5 }} }}\n"
    );
    let error = toml_app(&text).unwrap_err();
    assert_error_hidden(&text, &error);
    assert_eq!(
        error.to_string(),
        "mongodb.auth.properties.SERVICE_NAME: invalid type: an integer, expected a string or a boolean \
         (line 1, column 1)"
    );
}

/// `from_deserializer` rewrites the errors of the caller's own fields too: the value is left out.
#[test]
fn errors_outside_the_client_config_leave_the_value_out() {
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Service {
        mongodb: ClientConfig,
        workers: u32,
    }
    let text = format!("mongodb = \"mongodb://db/\"\nworkers = \"{SECRET}\"\n");
    let document = toml::Deserializer::parse(&text).unwrap();
    let error = from_deserializer::<Service, _>(document).unwrap_err();
    assert_error_hidden(&text, &error);
    assert_eq!(error.fields()[0].path(), "workers", "{error}");
    assert!(
        error
            .to_string()
            .starts_with("workers: invalid type: a string, expected u32"),
        "{error}"
    );
    // the premise: the format's own error shows it
    assert!(
        serde_json::from_str::<Service>(&format!(
            r#"{{ "mongodb": "mongodb://db/", "workers": "{SECRET}" }}"#
        ))
        .unwrap_err()
        .to_string()
        .contains(SECRET)
    );
    let error = from_deserializer::<Service, _>(&mut serde_json::Deserializer::from_str(&format!(
        r#"{{ "mongodb": "mongodb://db/", "workers": "{SECRET}" }}"#
    )))
    .unwrap_err();
    assert_error_hidden("json workers", &error);
    assert_eq!(
        error.to_string(),
        "workers: invalid type: a string, expected u32 (line 1, column 58)"
    );
}

// ---- property: no piece of a password in any message, whatever it holds ----

/// What a password is made of here: every character a connection string reserves, a space, NUL and
/// characters outside ASCII. No ASCII letter or digit: a password such as `27017/x?a=b` would make
/// `mongodb://user:27017/x?a=b@host` a valid connection string to the host `user`, which no parser can
/// tell from a password (the same holds for an unescaped `@` before an unescaped `?`, which the userinfo
/// strategy leaves out for that reason).
const RESERVED: &[char] = &[
    ':', '/', '?', '#', '[', ']', '@', '!', '$', '&', '\'', '(', ')', '*', '+', ',', ';', '=', '%',
    ' ',
];
/// Characters no message of the library writes: finding one in an output means input was quoted.
const TELLTALE: &[char] = &['\0', 'é', 'ß', 'ü', 'ø', 'ñ', '中', 'ж', '😀'];

/// A generated password, each character with whether a connection string percent-encodes it.
#[derive(Clone, Debug)]
struct GeneratedSecret(Vec<(char, bool)>);

impl GeneratedSecret {
    fn decoded(&self) -> String {
        self.0.iter().map(|(c, _)| c).collect()
    }

    /// As written in a connection string: percent-encoded UTF-8 where escaped, the character itself
    /// where not.
    fn written(&self) -> String {
        let mut text = String::new();
        for &(c, escaped) in &self.0 {
            if escaped {
                for byte in c.to_string().bytes() {
                    text.push_str(&format!("%{byte:02X}"));
                }
            } else {
                text.push(c);
            }
        }
        text
    }

    /// Whether an unescaped `@` comes before an unescaped `?` (see [`RESERVED`]).
    fn at_before_question_mark(&self) -> bool {
        let unescaped: String = self.0.iter().filter(|(_, e)| !e).map(|(c, _)| c).collect();
        unescaped
            .find('@')
            .is_some_and(|at| unescaped[at..].contains('?'))
    }

    /// The pieces that must appear in no output: every run of three characters that holds a telltale
    /// character, decoded (and as Debug spells it) and as written, and every escape of a telltale byte
    /// as written (`%C3`, `%00`).
    fn pieces(&self) -> Vec<String> {
        let mut pieces = Vec::new();
        let decoded: Vec<char> = self.decoded().chars().collect();
        for window in decoded.windows(3) {
            if window.iter().any(|c| TELLTALE.contains(c)) {
                let piece: String = window.iter().collect();
                pieces.push(piece.escape_debug().to_string());
                pieces.push(piece);
            }
        }
        let written: Vec<char> = self.written().chars().collect();
        for window in written.windows(3) {
            let piece: String = window.iter().collect();
            let telltale_escape = window[0] == '%'
                && (piece[1..] == *"00" || matches!(window[1], '8'..='9' | 'A'..='F'));
            if telltale_escape || window.iter().any(|c| TELLTALE.contains(c)) {
                pieces.push(piece);
            }
        }
        pieces
    }
}

fn generated_secret() -> impl Strategy<Value = GeneratedSecret> {
    let character = prop_oneof![select(RESERVED), select(TELLTALE)];
    (
        proptest::collection::vec((character, any::<bool>()), 3..12),
        0..3u8,
    )
        .prop_map(|(chars, form)| {
            GeneratedSecret(
                chars
                    .into_iter()
                    .map(|(c, mixed)| match form {
                        0 => (c, true),
                        1 => (c, false),
                        _ => (c, mixed),
                    })
                    .collect(),
            )
        })
}

/// Every output of the run-time entry points for one connection string: `ConnectionString::parse`,
/// `str::parse::<ClientConfig>` and `mongo_uri!`'s checks (messages as the compiler shows them on
/// stable Rust, which quote the literal).
fn outputs_of_a_connection_string(uri: &str) -> Vec<String> {
    let mut outputs = Vec::new();
    match ConnectionString::parse(uri) {
        Ok(parsed) => {
            outputs.push(format!("{parsed} {parsed:?}"));
            outputs.extend(parsed.warnings().iter().map(|w| format!("{w} {w:?}")));
        }
        Err(errors) => {
            outputs.push(format!("{errors} {errors:?}"));
            outputs.extend(errors.warnings().iter().map(|w| format!("{w} {w:?}")));
        }
    }
    match uri.parse::<ClientConfig>() {
        Ok(config) => outputs.push(format!("{config} {config:?}")),
        Err(error) => outputs.push(format!("{error} {error:?}")),
    }
    match mongo_auth_macros_core::check(uri) {
        Ok(accepted) => outputs.push(format!("{accepted:?}")),
        Err(diagnostics) => {
            for diagnostic in diagnostics {
                outputs.push(format!(
                    "{diagnostic} {diagnostic:?} {}",
                    diagnostic.message_without_subspan(uri)
                ));
            }
        }
    }
    outputs
}

/// The outputs of loading a document written from `value` as TOML, JSON and YAML with
/// `from_deserializer`.
fn outputs_of_a_document<T: serde::de::DeserializeOwned + std::fmt::Debug>(
    value: &serde_json::Value,
) -> Vec<String> {
    let show = |loaded: Result<T, ConfigError>| match loaded {
        Ok(loaded) => format!("{loaded:?}"),
        Err(error) => format!("{error} {error:?}"),
    };
    let toml_text = toml::to_string(value).unwrap();
    let json_text = serde_json::to_string(value).unwrap();
    let yaml_text = serde_yaml::to_string(value).unwrap();
    vec![
        show(from_deserializer(
            toml::Deserializer::parse(&toml_text).unwrap(),
        )),
        show(from_deserializer(&mut serde_json::Deserializer::from_str(
            &json_text,
        ))),
        show(from_deserializer(serde_yaml::Deserializer::from_str(
            &yaml_text,
        ))),
    ]
}

#[derive(Debug, serde::Deserialize)]
#[allow(dead_code)]
struct UriFile {
    uri: ClientConfig,
}

fn assert_no_piece(secret: &GeneratedSecret, what: &str, outputs: &[String]) {
    for output in outputs {
        for piece in secret.pieces() {
            assert!(
                !output.contains(&piece),
                "{what}: `{}` shows {piece:?}: {output}",
                secret.written()
            );
        }
    }
}

proptest! {
    #![proptest_config(crate::support::proptest_config(96))]

    /// A password in the userinfo, escaped or not: a connection string, the same string as
    /// `uri = "…"` in a config file, and `mongo_uri!`.
    #[test]
    fn userinfo_passwords_never_show(
        secret in generated_secret().prop_filter(
            "an unescaped `@` before an unescaped `?` makes another valid connection string",
            |s| !s.at_before_question_mark(),
        ),
        plain in any::<bool>(),
    ) {
        let mechanism = if plain { "PLAIN" } else { "SCRAM-SHA-256" };
        let uri = format!(
            "mongodb://user:{}@db.example.com/?authMechanism={mechanism}&tls=true",
            secret.written()
        );
        assert_no_piece(&secret, &uri, &outputs_of_a_connection_string(&uri));
        let file = serde_json::json!({ "uri": uri });
        assert_no_piece(&secret, "uri in a file", &outputs_of_a_document::<UriFile>(&file));
    }

    /// A secret option's value, escaped or not, last or followed by another option.
    #[test]
    fn secret_option_values_never_show(
        secret in generated_secret(),
        proxy in any::<bool>(),
        last in any::<bool>(),
    ) {
        let option = if proxy {
            format!("proxyHost=proxy.example.com&proxyUsername=u&proxyPassword={}", secret.written())
        } else {
            format!("tlsCertificateKeyFile=c.pem&tlsCertificateKeyFilePassword={}", secret.written())
        };
        let after = if last { "" } else { "&replicaSet=rs0" };
        let uri = format!("mongodb://db.example.com/?tls=true&{option}{after}");
        assert_no_piece(&secret, &uri, &outputs_of_a_connection_string(&uri));
        let file = serde_json::json!({ "uri": uri });
        assert_no_piece(&secret, "uri in a file", &outputs_of_a_document::<UriFile>(&file));
    }

    /// The password and the key password inline in a structured config file.
    #[test]
    fn config_file_passwords_never_show(secret in generated_secret(), plain in any::<bool>()) {
        let password = secret.decoded();
        let file = serde_json::json!({
            "mongodb": {
                "hosts": ["db.example.com"],
                "auth": {
                    "mechanism": if plain { "PLAIN" } else { "SCRAM-SHA-256" },
                    "username": "user",
                    "password": password,
                },
                "tls": { "certificate_key_file": "c.pem", "key_password": password },
            }
        });
        assert_no_piece(&secret, "config file", &outputs_of_a_document::<App>(&file));
    }
}

// ---- MONGODB-OIDC tokens -------------------------------------------------------------------------

/// No access or refresh token in the Debug of the callback types, the connection or the
/// authenticator, in an error, or (with `tracing`) in any event of the handshakes: the human flow
/// (IdpInfo, refresh token), a reauthentication, and a refused token. In a child process of its
/// own, for the global `tracing` subscriber.
#[test]
fn oidc_tokens_never_print() {
    crate::support::child::in_child(
        &crate::support::test_path!("oidc_tokens_never_print"),
        |_| {},
        || crate::support::runtime().block_on(oidc_tokens()),
    );
}

async fn oidc_tokens() {
    use std::future::Future;
    use std::pin::Pin;
    use std::sync::Arc;

    use mongo_auth::mechanism::oidc::{
        OidcCallback, OidcCallbackParams, OidcCallbackResult, OidcTokens,
    };
    use mongo_auth_test_server::oidc::{OidcIdp, OidcIssuer};
    use mongo_auth_test_server::{Server, ServerConfig, User};

    #[cfg(feature = "tracing")]
    let captured = crate::support::events::captured();
    const REFRESH: &str = "R3fresh-t0ken-never-shown";
    struct Human(String, std::sync::Mutex<Vec<String>>);
    impl OidcCallback for Human {
        fn call(
            &self,
            params: OidcCallbackParams,
        ) -> Pin<Box<dyn Future<Output = OidcCallbackResult> + Send + '_>> {
            self.1.lock().unwrap().push(format!("{params:?}"));
            Box::pin(async move {
                let credential = OidcTokens::new(self.0.clone()).refresh_token(REFRESH);
                self.1.lock().unwrap().push(format!("{credential:?}"));
                Ok(credential)
            })
        }
    }

    let issuer = OidcIssuer::demo();
    let idp = OidcIdp::trusting(&issuer).idp_info("client", &["openid"]);
    let server = Server::start(
        ServerConfig::new()
            .user(User::oidc("app"))
            .sasl_mechanism(Arc::new(idp)),
    )
    .await
    .unwrap();
    let token = issuer.token("app");
    let human = Arc::new(Human(token.clone(), Default::default()));
    let config = ClientConfig::builder()
        .host(server.addr().to_string())
        .credential(Auth::oidc().username("app"))
        .build()
        .unwrap();
    let authenticator = mongo_auth::Authenticator::new(&config)
        .unwrap()
        .with_oidc_human_callback(human.clone());
    let mut connection = authenticator.connect().await.unwrap();
    server.require_reauthentication();
    connection
        .run_command("admin", bson::doc! { "ping": 1 })
        .await
        .unwrap();
    let second = authenticator.connect().await.unwrap();

    // a refused token
    let expired = issuer.expired_token("app");
    let refused = mongo_auth::Authenticator::new(&config)
        .unwrap()
        .with_oidc_human_callback(Arc::new(Human(expired.clone(), Default::default())))
        .connect()
        .await
        .unwrap_err();

    let mut shown = vec![
        format!("{connection:?}"),
        format!("{second:?}"),
        format!("{authenticator:?}"),
        format!("{refused} {refused:?}"),
        format!("{config} {config:?}"),
    ];
    shown.extend(human.1.lock().unwrap().iter().cloned());
    #[cfg(feature = "tracing")]
    shown.push(captured.text());
    for text in shown {
        for secret in [token.as_str(), expired.as_str(), REFRESH] {
            assert!(!text.contains(secret), "a token is shown: {text}");
        }
        // nor the JWT's signature alone
        let signature = token.rsplit('.').next().unwrap();
        assert!(!text.contains(signature), "a signature is shown: {text}");
    }
    server.shutdown().await;
}
