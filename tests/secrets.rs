//! No secret appears in the Debug, Display, error or Serialize output of any public type, for every
//! mechanism and every way in (builder, connection string, config file).

use mongo_auth::config::{SecretRef, from_deserializer};
use mongo_auth::core::ConnectionString;
use mongo_auth::{ClientConfig, ConfigError, Credential, Password, Tls};

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
    let tls = || Tls::client_cert("client.pem").key_password(KEY_SECRET);
    vec![
        (
            "negotiated SCRAM",
            ClientConfig::builder()
                .hosts(["db"])
                .credential(Credential::scram().username("u").password(SECRET))
                .tls(tls())
                .build()
                .unwrap(),
        ),
        (
            "SCRAM-SHA-1",
            ClientConfig::builder()
                .hosts(["db"])
                .credential(Credential::scram_sha_1().username("u").password(SECRET))
                .tls(tls())
                .build()
                .unwrap(),
        ),
        (
            "SCRAM-SHA-256",
            ClientConfig::builder()
                .hosts(["db"])
                .credential(Credential::scram_sha_256().username("u").password(SECRET))
                .tls(tls())
                .build()
                .unwrap(),
        ),
        (
            "MONGODB-CR",
            ClientConfig::builder()
                .hosts(["db"])
                .credential(Credential::mongodb_cr().username("u").password(SECRET))
                .tls(tls())
                .build()
                .unwrap(),
        ),
        (
            "MONGODB-X509",
            ClientConfig::builder()
                .hosts(["db"])
                .credential(Credential::x509())
                .tls(tls())
                .build()
                .unwrap(),
        ),
        (
            "GSSAPI",
            ClientConfig::builder()
                .hosts(["db"])
                .credential(Credential::gssapi("u@R").password(SECRET))
                .tls(tls())
                .build()
                .unwrap(),
        ),
        (
            "PLAIN",
            ClientConfig::builder()
                .hosts(["db"])
                .credential(Credential::plain().username("u").password(SECRET))
                .tls(tls())
                .build()
                .unwrap(),
        ),
        (
            "PLAIN in clear",
            ClientConfig::builder()
                .hosts(["db"])
                .credential(Credential::plain().username("u").password(SECRET))
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
        format!(
            "{:?}",
            Credential::scram_sha_256().username("u").password(SECRET)
        ),
        format!("{:?}", Credential::scram_sha_1().password(SECRET)),
        format!(
            "{:?}",
            Credential::mongodb_cr()
                .username("u")
                .password(SECRET)
                .source("s")
        ),
        format!("{:?}", Credential::plain().username("u").password(SECRET)),
        format!("{:?}", Credential::gssapi("u@R").password(SECRET)),
        format!("{:?}", Tls::client_cert("c.pem").key_password(KEY_SECRET)),
        format!(
            "{:?}",
            Tls::client_cert("c.pem")
                .key_password(KEY_SECRET)
                .dangerous()
        ),
        format!(
            "{:?}",
            ClientConfig::builder()
                .credential(Credential::scram().username("u"))
                .password(SECRET)
        ),
        format!(
            "{:?}",
            ClientConfig::builder()
                .credential(Credential::plain().username("u").password(SECRET))
                .dangerous()
        ),
        format!(
            "{:?}",
            Tls::client_cert("c.pem")
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
        .credential(Credential::scram_sha_256().username("").password(SECRET))
        .tls(Tls::client_cert("c.pem").key_password(KEY_SECRET))
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
