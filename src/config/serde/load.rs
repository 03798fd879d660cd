//! Loading a document: the typed error behind the text a failed `ClientConfig::deserialize` gives
//! the format, and the field path from the document's root.

use std::cell::RefCell;

use serde::de::{self, Deserialize, Deserializer};

use super::redaction::{position_around, safe_message};
use crate::config::{ConfigError, FieldError};

thread_local! {
    /// The typed error behind the text of the last failed `ClientConfig::deserialize` on this thread,
    /// for [`from_deserializer`] to return instead of the text.
    static LAST_ERROR: RefCell<Option<ConfigError>> = const { RefCell::new(None) };
}

pub(super) fn fail<E: de::Error>(error: ConfigError) -> E {
    let text = error.to_string();
    LAST_ERROR.with(|last| *last.borrow_mut() = Some(error));
    E::custom(text)
}

/// Deserializes any type that holds [`ClientConfig`](crate::ClientConfig)s (or a `ClientConfig` itself) and returns a typed
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
/// database = "shop"                      # a connection string's /database: the source when none is given
///
/// [mongodb.auth]
/// mechanism = "SCRAM-SHA-256"            # wire names; "DEFAULT" (or no mechanism) negotiates SCRAM
/// username = "app"
/// password = { env = "MONGO_PASSWORD" }  # or "inline", or { file = "/run/secrets/mongo" }
/// source = "admin"
/// password_refresh = "per-connection"    # read the env/file password again for each new connection (default "once")
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
/// timeout_ms = 60000                        # timeoutMS: each connection phase and each whole command (0: no bound)
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
