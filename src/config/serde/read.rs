//! Reading a configuration: a connection string, or the structured form, every problem at its field
//! path.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use mongo_auth_core::rules::{self, CredentialParts};
use mongo_auth_core::{Error, ErrorKind, Errors, Mechanism, Password};
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};

use super::load::fail;
use super::redaction::{PASSWORD_SHAPE, safe_message};
use crate::config::assemble::{Assembly, CredentialInput, assemble};
use crate::config::options::{RawOptions, SourceParts};
use crate::config::wording::{Vocabulary, reword};
use crate::config::{
    CaSource, ClientCertificate, ClientConfig, ConfigError, FieldError, HostEntry, SecretRef,
    SecretRefresh, SecretRefs, TlsSettings,
};

// ---- the structured form ----------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    hosts: Option<Vec<String>>,
    #[serde(default)]
    srv: Option<String>,
    /// The connection string's database path: the source of a credential that names none.
    #[serde(default)]
    database: Option<String>,
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
    /// `once` (the default) or `per-connection`.
    #[serde(default)]
    password_refresh: Option<String>,
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

/// A connection string (`"mongodb://…"`) or a structured table; see [`from_deserializer`](crate::config::from_deserializer) for the format.
///
/// The error text this puts in a format's error holds no secret, but the format may add the input
/// around it (`toml` shows the source line): load files with [`from_deserializer`](crate::config::from_deserializer), which returns
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
        let database = self.database;
        if let Some(bad) = database.as_deref().and_then(|name| {
            name.chars()
                .find(|c| matches!(c, '/' | '\\' | ' ' | '"' | '$'))
        }) {
            problems.field(
                "database",
                format!(
                    "the database name cannot contain {bad:?}: database names cannot contain / \\ \
                     space \" $"
                ),
            );
        }
        let explicit_source = self.auth.as_ref().and_then(|auth| auth.source.clone());
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
            match auth.password_refresh.as_deref() {
                None | Some("once") => {}
                Some("per-connection") => match &auth.password {
                    Some(SecretInput::Reference(_)) => {
                        secret_refs.password_refresh = SecretRefresh::PerConnection;
                    }
                    _ => problems.field(
                        "auth.password_refresh",
                        "only a password given as { env = … } or { file = … } can be read again: \
                         give the password that way, or remove password_refresh",
                    ),
                },
                Some(_) => problems.field(
                    "auth.password_refresh",
                    "password_refresh is \"once\" (the default) or \"per-connection\"",
                ),
            }
            let password = auth.password.and_then(|secret| match secret {
                SecretInput::Inline(password) => Some(password),
                SecretInput::Reference(reference) => {
                    let resolved = reference.resolve();
                    secret_refs.password = Some(reference);
                    password_unresolved = resolved.is_err();
                    resolved
                        .map_err(|error| problems.field("auth.password", error.to_string()))
                        .ok()
                }
            });
            CredentialInput::Parts({
                let mut parts = CredentialParts::default();
                parts.mechanism = mechanism;
                parts.username = auth.username;
                parts.password = password;
                parts.source = auth.source;
                parts.database = database.clone();
                parts.properties = auth
                    .properties
                    .unwrap_or_default()
                    .into_iter()
                    .map(|(key, value)| (key, value.into_text()))
                    .collect();
                parts
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
                            .map_err(|error| problems.field("tls.key_password", error.to_string()))
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
        let mut options = raw.into_connect_options(|problem| {
            problems.field("options.server_api", problem.to_string());
        });
        options.source_parts = Some(SourceParts {
            explicit: explicit_source,
            database,
        });

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
