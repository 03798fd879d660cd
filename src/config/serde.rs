//! Loading a configuration with serde: a connection string, or a structured table (see
//! [`from_deserializer`] for the format).

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use mongo_auth_core::rules::{self, CredentialParts};
use mongo_auth_core::{Error, ErrorKind, Errors, Mechanism, MechanismProperties, Password};
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, SerializeStruct, Serializer};
use serde::{Deserialize, Serialize};

use super::wording::{Vocabulary, reword};
use super::{
    Assembly, CaSource, ClientCertificate, ClientConfig, ConfigError, ConnectOptions,
    CredentialInput, FieldError, HostEntry, SecretRef, SecretRefs, TlsSettings, assemble,
};

thread_local! {
    /// The typed error behind the text of the last failed `ClientConfig::deserialize` on this thread,
    /// for [`from_deserializer`] to return instead of the text.
    static LAST_ERROR: RefCell<Option<ConfigError>> = const { RefCell::new(None) };
}

fn fail<E: de::Error>(error: ConfigError) -> E {
    let text = error.to_string();
    LAST_ERROR.with(|last| *last.borrow_mut() = Some(error));
    E::custom(text)
}

/// Deserializes any type that holds [`ClientConfig`]s (or a `ClientConfig` itself) and returns a typed
/// [`ConfigError`] whose field paths run from the root of the document: `mongodb.auth.password`.
///
/// # The format
///
/// A `ClientConfig` is a connection string (`mongodb = "mongodb://…"`, read as `str::parse` reads it:
/// what the spec only warns about, such as `tls=yes`, is an error) or a table:
///
/// ```toml
/// [mongodb]
/// hosts = ["db1.example.com:27017", "db2.example.com"]   # or: srv = "cluster0.example.com"
///
/// [mongodb.auth]
/// mechanism = "SCRAM-SHA-256"            # wire names; "DEFAULT" (or no mechanism) negotiates SCRAM
/// username = "app"
/// password = { env = "MONGO_PASSWORD" }  # or "inline", or { file = "/run/secrets/mongo" }
/// source = "admin"
/// # properties = { SERVICE_NAME = "mongodb", CANONICALIZE_HOST_NAME = "forward" }   (GSSAPI)
///
/// [mongodb.tls]                          # or: tls = true
/// ca_file = "ca.pem"
/// certificate_key_file = "client.pem"    # or: certificate_file = "…" and key_file = "…"
/// key_password = { env = "KEY_PASSWORD" }
/// crl_file = "crl.pem"
/// dangerous = { allow_invalid_hostnames = false, allow_invalid_certificates = false }
///
/// [mongodb.options]
/// app_name = "inventory"
/// connect_timeout_ms = 10000
/// handshake_timeout_ms = 30000
/// socket_timeout_ms = 30000                 # each command after the handshake; 0 or absent: the handshake timeout
/// server_api = "1"
/// max_scram_iterations = 1000000
/// replica_set = "rs0"
/// direct_connection = false
/// load_balanced = false
/// srv_service_name = "mongodb"
/// srv_max_hosts = 0                      # mongodb+srv: use at most this many SRV hosts (0: all)
/// allow_plain_password_without_tls = false   # PLAIN without TLS: the password travels in clear
/// ```
///
/// Unknown fields are errors. Every broken rule is reported at its field path
/// (`mongodb.auth.password: MONGODB-X509 takes no password …`); [`from_deserializer`] returns them as a
/// typed [`ConfigError`].
///
/// # Errors never show the file
///
/// The message of every error is built from the field path and this crate's own text: the value at
/// fault is never repeated (`password = 123456` says what to write, not `123456`), and neither is the
/// format library's error text, which can quote the input. Any other serde entry point
/// (`toml::from_str`, `serde_yaml::from_str`, `serde_json::from_str`) returns the format's own error,
/// whose Display may: `toml`'s shows the offending source line, which can hold a password. Only
/// [`from_deserializer`] gives the guarantee.
///
/// `toml::Deserializer::parse` reads the whole document first, so a TOML syntax error is its error,
/// before `from_deserializer` runs: report its `message()` (and `span()`), which leave out the source
/// line, through [`ConfigError::from_message`], as below. serde_json and serde_yaml read as they
/// deserialize: their syntax errors come out of `from_deserializer`, as a message without the input
/// and the line and column.
///
/// `Serialize` writes the structured form back without any secret: a password that came from
/// `{ env = … }` or `{ file = … }` is written as that reference, an inline one is left out.
///
/// # Example
///
/// ```
/// #[derive(serde::Deserialize)]
/// struct App {
///     mongodb: mongo_auth::ClientConfig,
/// }
/// let text = r#"
/// [mongodb]
/// hosts = ["db.example.com"]
/// auth = { mechanism = "MONGODB-X509", password = "pencil" }
/// tls = { certificate_key_file = "client.pem" }
/// "#;
/// let document = toml::Deserializer::parse(text)
///     .map_err(|e| mongo_auth::ConfigError::from_message(e.message()))?;
/// let error = mongo_auth::config::from_deserializer::<App, _>(document)
///     .map(|_| ())
///     .unwrap_err();
/// assert_eq!(error.fields()[0].path(), "mongodb.auth.password");
/// assert!(error.to_string().starts_with("mongodb.auth.password: MONGODB-X509 takes no password"));
/// assert!(!error.to_string().contains("pencil"));
///
/// // YAML and JSON: the deserializer goes in as it is
/// let yaml = "mongodb:\n  hosts: [db.example.com]\n  auth: { username: app, password: pencil }\n";
/// let app: App = mongo_auth::config::from_deserializer(serde_yaml::Deserializer::from_str(yaml))?;
/// let json = r#"{ "mongodb": "mongodb://app:pencil@db.example.com/" }"#;
/// let app: App = mongo_auth::config::from_deserializer(&mut serde_json::Deserializer::from_str(json))?;
/// # Ok::<(), mongo_auth::ConfigError>(())
/// ```
pub fn from_deserializer<'de, T, D>(deserializer: D) -> Result<T, ConfigError>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    LAST_ERROR.with(|last| last.borrow_mut().take());
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let path = error.path().to_string();
        let path = if path == "." { String::new() } else { path };
        // the format's own text is only looked at, never shown: it can quote the input
        let text = error.inner().to_string();
        match LAST_ERROR.with(|last| last.borrow_mut().take()) {
            Some(typed) if text.contains(&typed.to_string()) => {
                let position = position_around(&text, &typed.to_string());
                typed.under(&path).at(position)
            }
            _ => ConfigError::Fields(vec![FieldError::new(path, safe_message(&text))]),
        }
    })
}

/// What a value that is not a secret gets: the value itself is never shown.
const PASSWORD_SHAPE: &str =
    "the password must be a string (quote it) or { env = \"VAR\" } / { file = \"path\" }";
/// The messages this crate raises through `de::Error::custom` that hold nothing of the input.
const OWN_MESSAGES: [&str; 1] = [PASSWORD_SHAPE];

/// A message for a format's error that holds nothing of the input.
///
/// A format's error text can quote the input: `toml` shows the offending source line, and serde's
/// `invalid type` / `invalid value` messages show the value (`integer \`123456\``, `string "…"`).
/// So the message is rebuilt from the parts of serde's standard messages that come from the types
/// (expected types, field names) and from this crate's own messages; anything else is left out, with
/// the position kept when the format gives one.
fn safe_message(text: &str) -> String {
    let (message, position) = describe(text).unwrap_or_else(|| {
        (
            "the input could not be read here: a syntax error or a value of the wrong shape (the \
             format's own message is not shown: it can quote the input, secrets included)"
                .to_owned(),
            first_position(text),
        )
    });
    match position {
        Some((line, column)) => format!("{message} (line {line}, column {column})"),
        None => message,
    }
}

/// A line and a column.
type Position = (u64, u64);

/// serde's standard messages, without the values they quote, and where the format says they are:
/// before the message (`toml`) or right after it (`serde_json`, `serde_yaml`).
fn describe(text: &str) -> Option<(String, Option<Position>)> {
    if let Some(own) = OWN_MESSAGES.iter().find(|own| text.contains(**own)) {
        let at = text.find(own).unwrap_or_default();
        let after = text[at + own.len()..].trim_start();
        let position = first_position(&text[..at]).or_else(|| {
            after
                .strip_prefix("at ")
                .and_then(leading_position)
                .map(|(p, _)| p)
        });
        return Some(((*own).to_owned(), position));
    }
    // the lines of the message, without a quoted source line (`3 | password = …`, `  | ^^^`)
    let lines: Vec<&str> = text.lines().filter(|line| !is_source_line(line)).collect();
    let message_text = lines.join("\n");
    // the first marker starts serde's message: what comes before it is the format's prefix (a
    // position, a path), and a marker further on can be inside a quoted value
    const MARKERS: [&str; 7] = [
        "unknown field `",
        "missing field `",
        "duplicate field `",
        "unknown variant `",
        "invalid type: ",
        "invalid value: ",
        "invalid length ",
    ];
    let (at, marker) = MARKERS
        .iter()
        .filter_map(|marker| message_text.find(marker).map(|at| (at, *marker)))
        .min_by_key(|(at, _)| *at)?;
    let rest = &message_text[at + marker.len()..];
    let line = rest.lines().next().unwrap_or_default().trim_end();
    let (rest, trailing) = split_position(line);
    let message = match marker {
        // field names come from the types (or are keys of the input, never values)
        "unknown field `" | "missing field `" | "duplicate field `" => format!("{marker}{rest}"),
        // the variant is a value of the input: left out
        "unknown variant `" => match rest.rsplit_once("`, expected ") {
            Some((_, expected)) => format!("unknown variant, expected {expected}"),
            None => "unknown variant, there are no variants".to_owned(),
        },
        "invalid type: " | "invalid value: " => {
            let word = marker.trim_end_matches(": ");
            let (unexpected, expected) = rest.rsplit_once(", expected ")?;
            match kind_of(unexpected) {
                Some(kind) => format!("{word}: {kind}, expected {expected}"),
                None => format!("{word}, expected {expected}"),
            }
        }
        // a count and an expected length: nothing of the input
        _ => {
            let (count, expected) = rest.split_once(", expected ")?;
            if !count.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            format!("invalid length {count}, expected {expected}")
        }
    };
    Some((message, first_position(&message_text[..at]).or(trailing)))
}

/// A line of a format's error that quotes the input: `toml` shows `3 | password = …` and a `  | ^^^`
/// marker line under it.
fn is_source_line(line: &str) -> bool {
    line.trim_start()
        .trim_start_matches(|c: char| c.is_ascii_digit())
        .trim_start()
        .starts_with('|')
}

/// `line` without the ` at line 3 column 5` that serde_json and serde_yaml append, and that position.
/// Only a position that ends the line counts: one further in is part of a quoted value.
fn split_position(line: &str) -> (&str, Option<Position>) {
    line.rfind(" at line ")
        .and_then(|at| {
            let (position, rest) = leading_position(&line[at + " at ".len()..])?;
            rest.is_empty().then_some((&line[..at], Some(position)))
        })
        .unwrap_or((line, None))
}

/// The kind of a value in serde's `Unexpected` wording, without the value.
fn kind_of(unexpected: &str) -> Option<&'static str> {
    const KINDS: [(&str, &str); 16] = [
        ("boolean", "a boolean"),
        ("integer", "an integer"),
        ("floating point", "a floating point number"),
        ("character", "a character"),
        ("string", "a string"),
        ("byte array", "a byte array"),
        ("unit value", "a unit value"),
        ("Option value", "an option"),
        ("newtype struct", "a newtype struct"),
        ("sequence", "a sequence"),
        ("map", "a map"),
        ("enum", "an enum"),
        ("unit variant", "a unit variant"),
        ("newtype variant", "a newtype variant"),
        ("tuple variant", "a tuple variant"),
        ("struct variant", "a struct variant"),
    ];
    KINDS
        .iter()
        .filter(|(prefix, _)| unexpected.starts_with(prefix))
        .max_by_key(|(prefix, _)| prefix.len())
        .map(|(_, kind)| *kind)
}

/// The first `line N, column M` / `line N column M` in a format's error.
fn first_position(text: &str) -> Option<Position> {
    text.match_indices("line ")
        .find_map(|(at, _)| leading_position(&text[at..]).map(|(position, _)| position))
}

/// Where the format says `message` (this crate's own text) was raised: before it (`toml`: `TOML parse
/// error at line 2, column 1`) or right after it (`serde_yaml`: `… at line 3 column 5`).
fn position_around(text: &str, message: &str) -> Option<Position> {
    let at = text.find(message)?;
    first_position(&text[..at]).or_else(|| {
        text[at + message.len()..]
            .trim_start()
            .strip_prefix("at ")
            .and_then(leading_position)
            .map(|(position, _)| position)
    })
}

/// `line N, column M` or `line N column M` at the start of `text`, and what follows it.
fn leading_position(text: &str) -> Option<(Position, &str)> {
    let rest = text.strip_prefix("line ")?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let line = rest[..digits].parse().ok()?;
    let rest = rest[digits..].trim_start_matches(',').trim_start();
    let rest = rest.strip_prefix("column ")?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let column = rest[..digits].parse().ok()?;
    Some(((line, column), &rest[digits..]))
}

// ---- the structured form ----------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    hosts: Option<Vec<String>>,
    #[serde(default)]
    srv: Option<String>,
    #[serde(default)]
    auth: Option<RawAuth>,
    #[serde(default)]
    tls: Option<RawTls>,
    #[serde(default)]
    options: Option<RawOptions>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAuth {
    #[serde(default)]
    mechanism: Option<String>,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    password: Option<SecretInput>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    properties: Option<BTreeMap<String, PropertyValue>>,
}

/// A mechanism property: text, or a boolean (`CANONICALIZE_HOST_NAME = true`).
enum PropertyValue {
    Text(String),
    Flag(bool),
}

impl<'de> Deserialize<'de> for PropertyValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PropertyVisitor;
        impl Visitor<'_> for PropertyVisitor {
            type Value = PropertyValue;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or a boolean")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<PropertyValue, E> {
                Ok(PropertyValue::Text(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<PropertyValue, E> {
                Ok(PropertyValue::Text(v))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<PropertyValue, E> {
                Ok(PropertyValue::Flag(v))
            }
        }
        deserializer.deserialize_any(PropertyVisitor)
    }
}

impl PropertyValue {
    fn into_text(self) -> String {
        match self {
            PropertyValue::Text(text) => text,
            PropertyValue::Flag(flag) => flag.to_string(),
        }
    }
}

/// `tls = true`, `tls = false` or a table of settings (TLS on).
enum RawTls {
    Flag(bool),
    Settings(Box<RawTlsSettings>),
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTlsSettings {
    #[serde(default)]
    ca_file: Option<PathBuf>,
    #[serde(default)]
    certificate_key_file: Option<PathBuf>,
    #[serde(default)]
    certificate_file: Option<PathBuf>,
    #[serde(default)]
    key_file: Option<PathBuf>,
    #[serde(default)]
    key_password: Option<SecretInput>,
    #[serde(default)]
    crl_file: Option<PathBuf>,
    #[serde(default)]
    dangerous: Option<RawDangerousTls>,
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDangerousTls {
    #[serde(default)]
    allow_invalid_certificates: bool,
    #[serde(default)]
    allow_invalid_hostnames: bool,
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOptions {
    #[serde(default)]
    app_name: Option<String>,
    #[serde(default)]
    connect_timeout_ms: Option<u64>,
    #[serde(default)]
    handshake_timeout_ms: Option<u64>,
    #[serde(default)]
    socket_timeout_ms: Option<u64>,
    #[serde(default)]
    server_api: Option<String>,
    #[serde(default)]
    max_scram_iterations: Option<u32>,
    #[serde(default)]
    replica_set: Option<String>,
    #[serde(default)]
    direct_connection: Option<bool>,
    #[serde(default)]
    load_balanced: Option<bool>,
    #[serde(default)]
    srv_service_name: Option<String>,
    #[serde(default)]
    srv_max_hosts: Option<u64>,
    #[serde(default)]
    allow_plain_password_without_tls: bool,
}

/// A secret: inline text, `{ env = "VAR" }` or `{ file = "path" }`.
enum SecretInput {
    Inline(Password),
    Reference(SecretRef),
}

impl<'de> Deserialize<'de> for SecretInput {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SecretVisitor;
        impl<'de> Visitor<'de> for SecretVisitor {
            type Value = SecretInput;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a secret: a string, { env = \"VARIABLE\" } or { file = \"path\" }")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<SecretInput, E> {
                Ok(SecretInput::Inline(Password::new(v)))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<SecretInput, E> {
                Ok(SecretInput::Inline(Password::new(v)))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<SecretInput, A::Error> {
                SecretRef::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(SecretInput::Reference)
            }
            // every other shape: an error that does not show the value
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<SecretInput, E> {
                Err(E::custom(PASSWORD_SHAPE))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<SecretInput, E> {
                Err(E::custom(PASSWORD_SHAPE))
            }
            fn visit_i128<E: de::Error>(self, _: i128) -> Result<SecretInput, E> {
                Err(E::custom(PASSWORD_SHAPE))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<SecretInput, E> {
                Err(E::custom(PASSWORD_SHAPE))
            }
            fn visit_u128<E: de::Error>(self, _: u128) -> Result<SecretInput, E> {
                Err(E::custom(PASSWORD_SHAPE))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<SecretInput, E> {
                Err(E::custom(PASSWORD_SHAPE))
            }
            fn visit_char<E: de::Error>(self, _: char) -> Result<SecretInput, E> {
                Err(E::custom(PASSWORD_SHAPE))
            }
            fn visit_bytes<E: de::Error>(self, _: &[u8]) -> Result<SecretInput, E> {
                Err(E::custom(PASSWORD_SHAPE))
            }
            fn visit_unit<E: de::Error>(self) -> Result<SecretInput, E> {
                Err(E::custom(PASSWORD_SHAPE))
            }
            fn visit_none<E: de::Error>(self) -> Result<SecretInput, E> {
                Err(E::custom(PASSWORD_SHAPE))
            }
            fn visit_some<D: Deserializer<'de>>(self, _: D) -> Result<SecretInput, D::Error> {
                Err(de::Error::custom(PASSWORD_SHAPE))
            }
            fn visit_newtype_struct<D: Deserializer<'de>>(
                self,
                _: D,
            ) -> Result<SecretInput, D::Error> {
                Err(de::Error::custom(PASSWORD_SHAPE))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, _: A) -> Result<SecretInput, A::Error> {
                Err(de::Error::custom(PASSWORD_SHAPE))
            }
            fn visit_enum<A: de::EnumAccess<'de>>(self, _: A) -> Result<SecretInput, A::Error> {
                Err(de::Error::custom(PASSWORD_SHAPE))
            }
        }
        deserializer.deserialize_any(SecretVisitor)
    }
}

impl<'de> Deserialize<'de> for RawTls {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TlsVisitor;
        impl<'de> Visitor<'de> for TlsVisitor {
            type Value = RawTls;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("`true`, `false` or a table of TLS settings")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<RawTls, E> {
                Ok(RawTls::Flag(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawTls, A::Error> {
                RawTlsSettings::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(|settings| RawTls::Settings(Box::new(settings)))
            }
        }
        deserializer.deserialize_any(TlsVisitor)
    }
}

/// A connection string (`"mongodb://…"`) or a structured table; see [`from_deserializer`] for the format.
///
/// The error text this puts in a format's error holds no secret, but the format may add the input
/// around it (`toml` shows the source line): load files with [`from_deserializer`], which returns
/// only this crate's text.
///
/// ```
/// let config: mongo_auth::ClientConfig = serde_json::from_str(
///     r#"{ "hosts": ["db.example.com"], "auth": { "mechanism": "GSSAPI", "username": "mongodbuser@EXAMPLE.COM",
///          "properties": { "SERVICE_NAME": "myservicename" } } }"#,
/// )?;
/// assert_eq!(config.credential().unwrap().source, "$external");
/// let config: mongo_auth::ClientConfig = serde_json::from_str(r#""mongodb://db.example.com/?tls=true""#)?;
/// assert!(config.tls().is_some());
/// # Ok::<(), serde_json::Error>(())
/// ```
impl<'de> Deserialize<'de> for ClientConfig {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ConfigVisitor;
        impl<'de> Visitor<'de> for ConfigVisitor {
            type Value = ClientConfig;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a connection string (\"mongodb://…\") or a table with hosts, auth, tls and options")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ClientConfig, E> {
                v.parse::<ClientConfig>().map_err(fail)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<ClientConfig, A::Error> {
                let raw: RawConfig =
                    serde_path_to_error::deserialize(de::value::MapAccessDeserializer::new(map))
                        .map_err(|e| {
                            let path = e.path().to_string();
                            let path = if path == "." { String::new() } else { path };
                            fail::<A::Error>(ConfigError::Fields(vec![FieldError::new(
                                path.clone(),
                                safe_message(&e.into_inner().to_string()),
                            )]))
                        })?;
                raw.check().map_err(fail)
            }
        }
        deserializer.deserialize_any(ConfigVisitor)
    }
}

/// Collects every problem of a structured configuration, each at its field path, as serde_derive's
/// error collector does: nothing is reported until all are known.
#[derive(Default)]
struct Problems(Vec<FieldError>);

impl Problems {
    fn field(&mut self, path: &str, message: impl Into<String>) {
        self.0.push(FieldError::new(path, message));
    }

    /// Puts each rulebook error at the field it is about, its fix said in a config file's words.
    /// A missing secret that was already reported (an unset variable, an unreadable file) is not
    /// reported again as missing.
    fn rules(&mut self, errors: Errors, srv: bool, mechanism: Option<Mechanism>, unresolved: bool) {
        for error in errors {
            if unresolved && error.kind() == ErrorKind::MissingPassword {
                continue;
            }
            let path = field_of(&error, srv);
            let error = reword(error, Vocabulary::File, mechanism);
            self.0.push(FieldError::from_rule(path, error));
        }
    }
}

/// The field a rulebook error is about, in the structured form.
fn field_of(error: &Error, srv: bool) -> &'static str {
    match error.kind() {
        ErrorKind::InvalidHost | ErrorKind::InvalidPort if srv => "srv",
        ErrorKind::InvalidHost | ErrorKind::InvalidPort => "hosts",
        ErrorKind::SrvRule if error.message().starts_with("srvServiceName") => {
            "options.srv_service_name"
        }
        ErrorKind::SrvRule if error.message().starts_with("srvMaxHosts") => "options.srv_max_hosts",
        ErrorKind::SrvRule => "srv",
        ErrorKind::UnknownMechanism => "auth.mechanism",
        ErrorKind::MissingUsername | ErrorKind::ForbiddenUsername => "auth.username",
        ErrorKind::ForbiddenPassword | ErrorKind::MissingPassword => "auth.password",
        ErrorKind::NulInCredential if error.message().starts_with("the password") => {
            "auth.password"
        }
        ErrorKind::NulInCredential => "auth.username",
        ErrorKind::InvalidSource | ErrorKind::ExternalSourceOnly => "auth.source",
        ErrorKind::InvalidMechanismProperty => "auth.properties",
        ErrorKind::X509NeedsTls | ErrorKind::PlainNeedsTls | ErrorKind::TlsOverUnixSocket => "tls",
        ErrorKind::TopologyRule => "options",
        ErrorKind::InvalidOptionValue if error.message().starts_with("appName") => {
            "options.app_name"
        }
        ErrorKind::InvalidOptionValue if error.message().starts_with("srvServiceName") => {
            "options.srv_service_name"
        }
        ErrorKind::InvalidOptionValue => "options.max_scram_iterations",
        _ => "",
    }
}

impl RawConfig {
    fn check(self) -> Result<ClientConfig, ConfigError> {
        let mut problems = Problems::default();
        let mut secret_refs = SecretRefs::default();

        // hosts
        let (hosts, srv) = match (self.hosts, self.srv) {
            (Some(hosts), Some(_)) => {
                problems.field(
                    "srv",
                    "give either `hosts` or `srv` (a mongodb+srv name), not both",
                );
                (hosts.into_iter().map(HostEntry::Text).collect(), false)
            }
            (Some(hosts), None) => (hosts.into_iter().map(HostEntry::Text).collect(), false),
            (None, Some(name)) => (vec![HostEntry::Text(name)], true),
            (None, None) => (Vec::new(), false),
        };

        // credential
        let mut mechanism = None;
        let mut password_unresolved = false;
        let credential = self.auth.map(|auth| {
            mechanism = match auth.mechanism.as_deref().map(rules::parse_mechanism) {
                None => None,
                Some(Ok(mechanism)) => mechanism,
                Some(Err(error)) => {
                    let error = reword(error, Vocabulary::File, None);
                    problems
                        .0
                        .push(FieldError::from_rule("auth.mechanism", error));
                    None
                }
            };
            let password = auth.password.and_then(|secret| match secret {
                SecretInput::Inline(password) => Some(password),
                SecretInput::Reference(reference) => {
                    let resolved = reference.resolve();
                    secret_refs.password = Some(reference);
                    password_unresolved = resolved.is_err();
                    resolved
                        .map_err(|message| problems.field("auth.password", message))
                        .ok()
                }
            });
            CredentialInput::Parts(CredentialParts {
                mechanism,
                username: auth.username,
                password,
                source: auth.source,
                database: None,
                properties: auth
                    .properties
                    .unwrap_or_default()
                    .into_iter()
                    .map(|(key, value)| (key, value.into_text()))
                    .collect(),
            })
        });

        // TLS (on by default for mongodb+srv, as in a connection string)
        let tls = match self.tls {
            None if srv => Some(TlsSettings::default()),
            None | Some(RawTls::Flag(false)) => None,
            Some(RawTls::Flag(true)) => Some(TlsSettings::default()),
            Some(RawTls::Settings(raw)) => {
                let raw = *raw;
                let client_certificate = match (
                    raw.certificate_key_file,
                    raw.certificate_file,
                    raw.key_file,
                ) {
                    (None, None, None) => None,
                    (Some(file), None, None) => Some((file, None)),
                    (None, Some(certificate), Some(key)) => Some((certificate, Some(key))),
                    (None, Some(_), None) => {
                        problems.field(
                            "tls.certificate_file",
                            "a certificate file needs its key: add `key_file`, or use `certificate_key_file` \
                             for a PEM file holding both",
                        );
                        None
                    }
                    (None, None, Some(_)) => {
                        problems.field(
                            "tls.key_file",
                            "a key file needs its certificate: add `certificate_file`",
                        );
                        None
                    }
                    (Some(_), _, _) => {
                        problems.field(
                            "tls.certificate_key_file",
                            "give either `certificate_key_file` (one PEM with both) or `certificate_file` \
                             with `key_file`, not both",
                        );
                        None
                    }
                };
                let key_password = raw.key_password.and_then(|secret| match secret {
                    SecretInput::Inline(password) => Some(password),
                    SecretInput::Reference(reference) => {
                        let resolved = reference.resolve();
                        secret_refs.key_password = Some(reference);
                        resolved
                            .map_err(|message| problems.field("tls.key_password", message))
                            .ok()
                    }
                });
                if key_password.is_some() && client_certificate.is_none() {
                    problems.field(
                        "tls.key_password",
                        "a key password needs a client certificate: add `certificate_key_file`",
                    );
                }
                let dangerous = raw.dangerous.unwrap_or_default();
                Some(TlsSettings {
                    ca: raw.ca_file.map_or(CaSource::System, CaSource::File),
                    client_certificate: client_certificate.map(|(certificate_file, key_file)| {
                        ClientCertificate {
                            certificate_file,
                            key_file,
                            key_password,
                        }
                    }),
                    crl_file: raw.crl_file,
                    allow_invalid_certificates: dangerous.allow_invalid_certificates,
                    allow_invalid_hostnames: dangerous.allow_invalid_hostnames,
                })
            }
        };

        // options
        let raw = self.options.unwrap_or_default();
        let defaults = ConnectOptions::default();
        let options = ConnectOptions {
            app_name: raw.app_name,
            connect_timeout: super::connect_timeout_from_ms(raw.connect_timeout_ms),
            handshake_timeout: raw
                .handshake_timeout_ms
                .map_or(defaults.handshake_timeout, Duration::from_millis),
            socket_timeout: super::socket_timeout_from_ms(raw.socket_timeout_ms),
            server_api: raw.server_api,
            max_scram_iterations: raw
                .max_scram_iterations
                .unwrap_or(defaults.max_scram_iterations),
            allow_plain_without_tls: raw.allow_plain_password_without_tls,
            replica_set: raw.replica_set,
            direct_connection: raw.direct_connection,
            load_balanced: raw.load_balanced,
            srv_service_name: raw.srv_service_name,
            srv_max_hosts: raw.srv_max_hosts,
            ..defaults
        };

        let assembled = assemble(Assembly {
            hosts,
            srv,
            credential,
            tls,
            options,
            secret_refs,
        });
        match assembled {
            Ok(config) if problems.0.is_empty() => Ok(config),
            Ok(_) => Err(ConfigError::Fields(problems.0)),
            Err(errors) => {
                problems.rules(errors, srv, mechanism, password_unresolved);
                Err(ConfigError::Fields(problems.0))
            }
        }
    }
}

// ---- writing a configuration back ---------------------------------------------------------------

/// Writes the structured form (the one [`Deserialize`] reads) without any secret: a password from
/// `{ env = … }` or `{ file = … }` is written as that reference, an inline password is left out.
///
/// ```
/// let config: mongo_auth::ClientConfig =
///     "mongodb://app:pencil@db.example.com/?authMechanism=SCRAM-SHA-256".parse().unwrap();
/// let json = serde_json::to_string(&config).unwrap();
/// assert!(!json.contains("pencil"));
/// assert_eq!(
///     json,
///     r#"{"hosts":["db.example.com"],"auth":{"mechanism":"SCRAM-SHA-256","username":"app","source":"admin"}}"#
/// );
/// ```
impl Serialize for ClientConfig {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut fields = 1;
        fields += usize::from(self.credential.is_some());
        fields += usize::from(self.tls.is_some());
        let options = OptionsOut(&self.options);
        fields += usize::from(!options.is_default());
        let mut s = serializer.serialize_struct("ClientConfig", fields)?;
        let hosts: Vec<String> = self.hosts.iter().map(ToString::to_string).collect();
        if self.srv {
            s.serialize_field("srv", &hosts.first())?;
        } else {
            s.serialize_field("hosts", &hosts)?;
        }
        if let Some(credential) = &self.credential {
            s.serialize_field(
                "auth",
                &AuthOut {
                    credential,
                    password: self.secret_refs.password.as_ref(),
                    // a mongodb+srv source that is only the mechanism's default stays unwritten,
                    // so that the TXT record's authSource still applies once the file is read back
                    write_source: !(self.srv
                        && self.options.source_parts.as_ref().is_some_and(|parts| {
                            parts.explicit.is_none() && parts.database.is_none()
                        })),
                },
            )?;
        }
        if let Some(tls) = &self.tls {
            s.serialize_field(
                "tls",
                &TlsOut {
                    tls,
                    key_password: self.secret_refs.key_password.as_ref(),
                },
            )?;
        }
        if !options.is_default() {
            s.serialize_field("options", &options)?;
        }
        s.end()
    }
}

struct AuthOut<'a> {
    credential: &'a mongo_auth_core::Credential,
    password: Option<&'a SecretRef>,
    write_source: bool,
}

impl Serialize for AuthOut<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let c = self.credential;
        let mut map = serializer.serialize_map(None)?;
        if let Some(mechanism) = c.mechanism {
            map.serialize_entry("mechanism", mechanism.as_str())?;
        }
        if let Some(username) = &c.username {
            map.serialize_entry("username", username)?;
        }
        // the secret itself never: only where it came from
        if let (Some(reference), Some(_)) = (self.password, &c.password) {
            map.serialize_entry("password", reference)?;
        }
        if self.write_source {
            map.serialize_entry("source", &c.source)?;
        }
        if let MechanismProperties::Gssapi(p) = &c.properties {
            let mut properties = BTreeMap::new();
            properties.insert("SERVICE_NAME", p.service_name.as_str());
            properties.insert("CANONICALIZE_HOST_NAME", p.canonicalize_host_name.as_str());
            if let Some(realm) = &p.service_realm {
                properties.insert("SERVICE_REALM", realm);
            }
            if let Some(host) = &p.service_host {
                properties.insert("SERVICE_HOST", host);
            }
            map.serialize_entry("properties", &properties)?;
        }
        map.end()
    }
}

struct TlsOut<'a> {
    tls: &'a TlsSettings,
    key_password: Option<&'a SecretRef>,
}

impl Serialize for TlsOut<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let t = self.tls;
        let mut map = serializer.serialize_map(None)?;
        if let CaSource::File(path) = &t.ca {
            map.serialize_entry("ca_file", path)?;
        }
        if let Some(certificate) = &t.client_certificate {
            match &certificate.key_file {
                None => {
                    map.serialize_entry("certificate_key_file", &certificate.certificate_file)?
                }
                Some(key) => {
                    map.serialize_entry("certificate_file", &certificate.certificate_file)?;
                    map.serialize_entry("key_file", key)?;
                }
            }
            if let (Some(reference), Some(_)) = (self.key_password, &certificate.key_password) {
                map.serialize_entry("key_password", reference)?;
            }
        }
        if let Some(crl) = &t.crl_file {
            map.serialize_entry("crl_file", crl)?;
        }
        if t.allow_invalid_certificates || t.allow_invalid_hostnames {
            let mut dangerous = BTreeMap::new();
            if t.allow_invalid_certificates {
                dangerous.insert("allow_invalid_certificates", true);
            }
            if t.allow_invalid_hostnames {
                dangerous.insert("allow_invalid_hostnames", true);
            }
            map.serialize_entry("dangerous", &dangerous)?;
        }
        map.end()
    }
}

struct OptionsOut<'a>(&'a ConnectOptions);

impl OptionsOut<'_> {
    fn is_default(&self) -> bool {
        let o = self.0;
        let d = ConnectOptions::default();
        o.app_name.is_none()
            && o.connect_timeout == d.connect_timeout
            && o.handshake_timeout == d.handshake_timeout
            && o.socket_timeout.is_none()
            && o.server_api.is_none()
            && o.max_scram_iterations == d.max_scram_iterations
            && !o.allow_plain_without_tls
            && o.replica_set.is_none()
            && o.direct_connection.is_none()
            && o.load_balanced.is_none()
            && o.srv_service_name.is_none()
            && o.srv_max_hosts.is_none()
    }
}

impl Serialize for OptionsOut<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let o = self.0;
        let d = ConnectOptions::default();
        let mut map = serializer.serialize_map(None)?;
        if let Some(name) = &o.app_name {
            map.serialize_entry("app_name", name)?;
        }
        if o.connect_timeout != d.connect_timeout {
            let ms = o.connect_timeout.map_or(0, millis);
            map.serialize_entry("connect_timeout_ms", &ms)?;
        }
        if o.handshake_timeout != d.handshake_timeout {
            map.serialize_entry("handshake_timeout_ms", &millis(o.handshake_timeout))?;
        }
        if let Some(timeout) = o.socket_timeout {
            map.serialize_entry("socket_timeout_ms", &millis(timeout))?;
        }
        if let Some(version) = &o.server_api {
            map.serialize_entry("server_api", version)?;
        }
        if o.max_scram_iterations != d.max_scram_iterations {
            map.serialize_entry("max_scram_iterations", &o.max_scram_iterations)?;
        }
        if let Some(name) = &o.replica_set {
            map.serialize_entry("replica_set", name)?;
        }
        if let Some(direct) = o.direct_connection {
            map.serialize_entry("direct_connection", &direct)?;
        }
        if let Some(load_balanced) = o.load_balanced {
            map.serialize_entry("load_balanced", &load_balanced)?;
        }
        if let Some(name) = &o.srv_service_name {
            map.serialize_entry("srv_service_name", name)?;
        }
        if let Some(max) = o.srv_max_hosts {
            map.serialize_entry("srv_max_hosts", &max)?;
        }
        if o.allow_plain_without_tls {
            map.serialize_entry("allow_plain_password_without_tls", &true)?;
        }
        map.end()
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::safe_message;

    #[test]
    fn values_are_left_out_of_serde_messages() {
        let cases = [
            (
                "invalid type: integer `918273645`, expected a string at line 3 column 5",
                "invalid type: an integer, expected a string (line 3, column 5)",
            ),
            (
                r#"invalid type: string "a, expected b at line 1 column 1", expected struct RawAuth"#,
                "invalid type: a string, expected struct RawAuth",
            ),
            (
                r#"invalid value: string "unknown field `pw`", expected a port"#,
                "invalid value: a string, expected a port",
            ),
            (
                "invalid type: something else `918273645`, expected a string",
                "invalid type, expected a string",
            ),
            (
                "unknown variant `918273645`, expected `env` or `file`",
                "unknown variant, expected `env` or `file`",
            ),
            (
                "mongodb.auth: unknown field `sorce`, expected one of `source` at line 4 column 3",
                "unknown field `sorce`, expected one of `source` (line 4, column 3)",
            ),
            (
                "TOML parse error at line 3, column 8\n  |\n3 | auth = { password = \"invalid type: x, expected y\" }\n  |        ^\nmissing field `hosts`\n",
                "missing field `hosts` (line 3, column 8)",
            ),
            (
                "invalid length 3, expected 2 elements",
                "invalid length 3, expected 2 elements",
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(safe_message(text), expected, "{text}");
        }
    }

    #[test]
    fn other_messages_are_not_shown() {
        for text in [
            "TOML parse error at line 2, column 12\n  |\n2 | password = \"918273645\n  |            ^\ninvalid basic string\n",
            "some format's message quoting 918273645 at line 2 column 12",
        ] {
            let message = safe_message(text);
            assert!(!message.contains("918273645"), "{message}");
            assert!(message.ends_with("(line 2, column 12)"), "{message}");
        }
    }
}
