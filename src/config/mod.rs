//! The validated client configuration that builders, `mongo_uri!`, config files and runtime strings
//! all produce, and that the authenticator consumes.
//!
//! Three ways in, one rulebook:
//!
//! ```
//! use mongo_auth::{ClientConfig, ConfigError, Credential, Tls};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // a builder chain: an invalid combination has no method to call, or no `build()`
//! let built = ClientConfig::builder()
//!     .hosts(["db.example.com"])
//!     .credential(Credential::scram_sha_256().username("app").password("pencil").source("admin"))
//!     .tls(Tls::enabled())
//!     .build()?;
//!
//! // a connection string at run time: the same rules, with errors that say what to add
//! let parsed: ClientConfig =
//!     "mongodb://app:pencil@db.example.com/?authSource=admin&authMechanism=SCRAM-SHA-256&tls=true".parse()?;
//! assert_eq!(built.credential(), parsed.credential());
//!
//! // a config file (TOML, JSON, YAML, …) through serde, loaded with `config::from_deserializer`:
//! // its errors give the field path and the rule, never the file's text
//! #[derive(serde::Deserialize)]
//! struct App {
//!     mongodb: ClientConfig,
//! }
//! let text = r#"
//!     [mongodb]
//!     hosts = ["db.example.com"]
//!     tls = true
//!     auth = { mechanism = "SCRAM-SHA-256", username = "app", password = "pencil", source = "admin" }
//! "#;
//! // a TOML syntax error: `message()` leaves out the source line that toml's Display shows
//! let document = toml::Deserializer::parse(text).map_err(|e| ConfigError::from_message(e.message()))?;
//! let app: App = mongo_auth::config::from_deserializer(document)?;
//! assert_eq!(app.mongodb.credential(), built.credential());
//! # Ok(()) }
//! ```
//!
//! # Errors and secrets
//!
//! [`ConfigError`] never holds a secret: the rulebook's messages name options, not values, and
//! [`from_deserializer`] builds a config file's errors from the field path and the rule alone. A
//! format library's own error does not promise that: `toml`'s Display quotes the offending source line
//! (a line that may hold a password), and serde's `invalid type` messages quote the value
//! (`integer \`123456\``). So load files with [`from_deserializer`] rather than `toml::from_str`,
//! `serde_yaml::from_str` or `serde_json::from_str`, and for TOML report a syntax error of
//! `toml::Deserializer::parse` by its `message()` (and `span()`), not its Display:
//!
//! ```
//! use mongo_auth::{ClientConfig, ConfigError};
//! #[derive(Debug, serde::Deserialize)]
//! struct App {
//!     mongodb: ClientConfig,
//! }
//! // a misspelt field beside an inline password
//! let text = r#"mongodb = { hosts = ["db"], auth = { username = "app", password = "pencil", sorce = "admin" } }"#;
//! let shown = toml::from_str::<App>(text).unwrap_err().to_string();
//! assert!(shown.contains("pencil")); // toml quotes the line
//! let document = toml::Deserializer::parse(text).map_err(|e| ConfigError::from_message(e.message()))?;
//! let error = mongo_auth::config::from_deserializer::<App, _>(document).unwrap_err();
//! assert!(!error.to_string().contains("pencil"));
//! assert!(error.to_string().starts_with("mongodb.auth.sorce: unknown field `sorce`"));
//!
//! // a password that is not a string: the value is not repeated, the fix is given
//! let yaml = "mongodb:\n  hosts: [db]\n  auth: { username: app, password: 123456 }\n";
//! let error = mongo_auth::config::from_deserializer::<App, _>(serde_yaml::Deserializer::from_str(yaml))
//!     .unwrap_err();
//! assert!(!error.to_string().contains("123456"));
//! assert!(error.fields()[0].message().starts_with(
//!     r#"the password must be a string (quote it) or { env = "VAR" } / { file = "path" }"#
//! ));
//! # Ok::<(), ConfigError>(())
//! ```
//!
//! The typestates ([`ClientConfigBuilder`], [`PasswordCredential`], [`Tls`]) make these fail to compile,
//! each with a message in MongoDB's words: a password, a source or properties on MONGODB-X509; a source
//! on GSSAPI; GSSAPI properties on another mechanism; SCRAM, MONGODB-CR or PLAIN without a username or a
//! password; MONGODB-X509 without TLS and a client certificate; PLAIN without TLS (unless
//! [`DangerousClientConfigBuilder::allow_plain_password_without_tls`]).

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use mongo_auth_core::{Credential as CoreCredential, Host, Password};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

mod builder;
mod credential;
mod error;
mod hosts;
mod parse;
mod secret;
mod serde;
mod tls;
mod wording;

pub use self::builder::{ClientConfigBuilder, DangerousClientConfigBuilder};
pub use self::credential::{
    AuthenticatesOver, CarriesClientCertificate, Credential, CredentialState, GssapiCredential,
    GssapiPropertyOnPasswordMechanism, GssapiSourceIsExternal, HasPassword, HasUsername, MongodbCr,
    NegotiatedScram, NoCredential, NoPassword, NoUsername, PasswordCredential, PasswordGiven,
    PasswordMechanism, Plain, ProtectsPlainPassword, ScramSha1, ScramSha256, UsernameGiven,
    X509Credential, X509TakesNoPassword, X509TakesNoProperties, X509TakesNoSource,
};
pub use self::error::{ConfigError, FieldError};
pub use self::secret::SecretRef;
pub use self::serde::from_deserializer;
pub use self::tls::{
    DangerousTls, Tls, TlsState, WithClientCert, WithoutClientCert, WithoutTls,
    WithoutTlsClearTextAllowed,
};

pub(crate) use self::builder::{Assembly, CredentialInput, HostEntry, assemble};
pub(crate) use self::secret::SecretRefs;

#[allow(unreachable_pub)]
mod sealed {
    /// Keeps the state traits closed: only this crate's states implement them.
    pub trait Sealed {}
}

/// A validated MongoDB client configuration: hosts, at most one credential, TLS, and the options that
/// matter for connecting and authenticating.
///
/// Every way of making one (builders, `mongo_uri!`, `str::parse`, serde) has run the rulebook's spec
/// layer and the library layer, so a `ClientConfig` is always one that can be used to connect. What
/// the spec only warns about (an unknown option, an ignored value) is refused by every way in, so a
/// `ClientConfig` carries no warning. Debug, Display and `Serialize` never show a secret.
///
/// ```
/// use mongo_auth::{ClientConfig, Credential, Tls};
/// # fn main() -> Result<(), mongo_auth::ConfigError> {
/// let config = ClientConfig::builder()
///     .hosts(["db1.example.com", "db2.example.com:27018"])
///     .credential(Credential::scram_sha_256().username("app").password("pencil"))
///     .tls(Tls::with_ca_file("ca.pem"))
///     .build()?;
/// assert_eq!(config.hosts().len(), 2);
/// assert_eq!(config.credential().unwrap().source, "admin");
/// assert!(config.tls().is_some());
/// assert!(!format!("{config} {config:?}").contains("pencil"));
///
/// // the same rules at run time: a connection string that breaks one is refused
/// let parsed: ClientConfig = "mongodb://app:pencil@db1.example.com/?authMechanism=SCRAM-SHA-256".parse()?;
/// assert_eq!(parsed.credential(), config.credential());
/// assert!("mongodb://db/?authMechanism=MONGODB-X509".parse::<ClientConfig>().is_err());
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct ClientConfig {
    /// The seed hosts; for `mongodb+srv`, the one SRV name.
    pub(crate) hosts: Vec<Host>,
    /// Whether the hosts come from a `mongodb+srv` lookup.
    pub(crate) srv: bool,
    /// The resolved credential, if authentication is configured.
    pub(crate) credential: Option<CoreCredential>,
    /// TLS settings; `None` means plain TCP.
    pub(crate) tls: Option<TlsSettings>,
    /// Options that matter for connecting and authenticating.
    pub(crate) options: ConnectOptions,
    /// Where the secrets came from in a config file (`{ env = … }`, `{ file = … }`), so that
    /// `Serialize` can write the reference back instead of the secret.
    pub(crate) secret_refs: SecretRefs,
}

/// Options that matter for connecting and authenticating.
#[derive(Clone, Debug)]
pub(crate) struct ConnectOptions {
    /// `appName`, sent in the handshake's client metadata.
    pub(crate) app_name: Option<String>,
    /// `connectTimeoutMS`: the bound on the whole connection phase (TCP, TLS, hello and
    /// authentication); `None` when given as 0, which means no timeout.
    pub(crate) connect_timeout: Option<Duration>,
    /// The deadline for the whole handshake (hello plus authentication) on one connection.
    pub(crate) handshake_timeout: Duration,
    /// `socketTimeoutMS`: the bound on each command's round trip once a connection is handed
    /// over (`None`: the handshake timeout).
    pub(crate) socket_timeout: Option<Duration>,
    /// A Stable API version (`hello` instead of legacy `isMaster` when set).
    pub(crate) server_api: Option<String>,
    /// The largest SCRAM iteration count the client accepts (the spec's minimum of 4096 always holds).
    pub(crate) max_scram_iterations: u32,
    /// PLAIN without TLS: the user opted in to sending the password in clear.
    pub(crate) allow_plain_without_tls: bool,
    /// `replicaSet`.
    pub(crate) replica_set: Option<String>,
    /// `directConnection`.
    pub(crate) direct_connection: Option<bool>,
    /// `loadBalanced`, when given (absent means `false`, unless a `mongodb+srv` TXT record says
    /// otherwise).
    pub(crate) load_balanced: Option<bool>,
    /// `srvServiceName`, default `mongodb`.
    pub(crate) srv_service_name: Option<String>,
    /// `srvMaxHosts`, when given.
    #[cfg_attr(not(feature = "runtime"), allow(dead_code))]
    pub(crate) srv_max_hosts: Option<u64>,
    /// What the credential's source was resolved from, so that a `mongodb+srv` TXT `authSource`
    /// can be applied at connect time by the rulebook ([`mongo_auth_core::rules::resolve_source`]).
    /// `None` until an entry point records it.
    pub(crate) source_parts: Option<SourceParts>,
}

/// The inputs of a credential's source other than DNS: an explicit `authSource` and the database
/// path.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct SourceParts {
    /// `authSource` from the connection string or code.
    pub(crate) explicit: Option<String>,
    /// The database path (connection string) or default database (code).
    pub(crate) database: Option<String>,
}

/// `connectTimeoutMS` when none is given: the URI options specification's 10 seconds.
pub(crate) const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// `connectTimeoutMS` as given in milliseconds: absent is the default, 0 is no timeout.
pub(crate) fn connect_timeout_from_ms(ms: Option<u64>) -> Option<Duration> {
    match ms {
        None => Some(DEFAULT_CONNECT_TIMEOUT),
        Some(0) => None,
        Some(ms) => Some(Duration::from_millis(ms)),
    }
}

/// `socketTimeoutMS` as given in milliseconds: absent or 0 is not set.
pub(crate) fn socket_timeout_from_ms(ms: Option<u64>) -> Option<Duration> {
    ms.filter(|&ms| ms > 0).map(Duration::from_millis)
}

impl Default for ConnectOptions {
    fn default() -> Self {
        Self {
            app_name: None,
            connect_timeout: Some(DEFAULT_CONNECT_TIMEOUT),
            handshake_timeout: Duration::from_secs(30),
            socket_timeout: None,
            server_api: None,
            max_scram_iterations: 1_000_000,
            allow_plain_without_tls: false,
            replica_set: None,
            direct_connection: None,
            load_balanced: None,
            srv_service_name: None,
            srv_max_hosts: None,
            source_parts: None,
        }
    }
}

/// TLS settings, checked but not yet loaded: files are read when the connector is built.
///
/// A configuration's settings come from [`ClientConfig::tls`]; a [`Tls`] builder state gives its own
/// through `into_settings()`. Debug never shows the key password.
///
/// ```
/// use std::path::Path;
/// let config: mongo_auth::ClientConfig =
///     "mongodb://db/?tls=true&tlsCAFile=ca.pem&tlsCertificateKeyFile=client.pem".parse()?;
/// let tls = config.tls().unwrap();
/// assert_eq!(tls.ca_file(), Some(Path::new("ca.pem")));
/// assert_eq!(tls.certificate_file(), Some(Path::new("client.pem")));
/// assert!(!tls.has_key_password());
/// assert!(!tls.allows_invalid_certificates());
///
/// let settings = mongo_auth::Tls::client_cert("client.pem").key_password("pencil").into_settings();
/// assert!(settings.has_key_password());
/// assert!(!format!("{settings:?}").contains("pencil"));
/// # Ok::<(), mongo_auth::ConfigError>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct TlsSettings {
    /// Where trusted roots come from.
    pub(crate) ca: CaSource,
    /// The client certificate, for MONGODB-X509 or servers that require one.
    pub(crate) client_certificate: Option<ClientCertificate>,
    /// `tlsCRLFile`: a PEM file of certificate revocation lists.
    pub(crate) crl_file: Option<PathBuf>,
    /// `tlsAllowInvalidCertificates`: skip chain validation (dangerous).
    pub(crate) allow_invalid_certificates: bool,
    /// `tlsAllowInvalidHostnames`: skip only the hostname check (dangerous).
    pub(crate) allow_invalid_hostnames: bool,
}

/// Where trusted roots come from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) enum CaSource {
    /// The bundled Mozilla root store.
    #[default]
    System,
    /// `tlsCAFile`: a PEM bundle.
    File(PathBuf),
}

/// A client certificate and its private key: one PEM file holding both, or two files.
#[derive(Clone, Debug)]
pub(crate) struct ClientCertificate {
    /// The certificate chain (and the key, when `key_file` is `None`).
    pub(crate) certificate_file: PathBuf,
    /// The private key, when it is in a file of its own.
    pub(crate) key_file: Option<PathBuf>,
    /// The password of an encrypted PKCS#8 key.
    pub(crate) key_password: Option<Password>,
}

impl ClientConfig {
    /// The seed hosts; for `mongodb+srv`, the one name to look up.
    ///
    /// ```
    /// let config: mongo_auth::ClientConfig = "mongodb://a.example.com,b.example.com:27018".parse()?;
    /// assert_eq!(config.hosts()[1].to_string(), "b.example.com:27018");
    /// # Ok::<(), mongo_auth::ConfigError>(())
    /// ```
    pub fn hosts(&self) -> &[Host] {
        &self.hosts
    }

    /// Whether the hosts come from a `mongodb+srv` DNS lookup.
    ///
    /// ```
    /// let config: mongo_auth::ClientConfig = "mongodb+srv://cluster0.example.com".parse()?;
    /// assert!(config.is_srv());
    /// # Ok::<(), mongo_auth::ConfigError>(())
    /// ```
    pub fn is_srv(&self) -> bool {
        self.srv
    }

    /// The resolved credential (source filled in, properties typed), if authentication is configured.
    ///
    /// ```
    /// let config: mongo_auth::ClientConfig = "mongodb://user:pw@db/shop".parse()?;
    /// let credential = config.credential().unwrap();
    /// assert_eq!(credential.source, "shop");
    /// assert_eq!(credential.mechanism, None); // negotiated
    /// # Ok::<(), mongo_auth::ConfigError>(())
    /// ```
    pub fn credential(&self) -> Option<&CoreCredential> {
        self.credential.as_ref()
    }

    /// The TLS settings, or `None` for plain TCP.
    ///
    /// ```
    /// let config: mongo_auth::ClientConfig = "mongodb://db/?tls=true&tlsCAFile=ca.pem".parse()?;
    /// assert_eq!(config.tls().unwrap().ca_file(), Some(std::path::Path::new("ca.pem")));
    /// # Ok::<(), mongo_auth::ConfigError>(())
    /// ```
    pub fn tls(&self) -> Option<&TlsSettings> {
        self.tls.as_ref()
    }

    /// `appName`, sent in the handshake's client metadata.
    ///
    /// ```
    /// let config: mongo_auth::ClientConfig = "mongodb://db/?appName=inventory".parse()?;
    /// assert_eq!(config.app_name(), Some("inventory"));
    /// # Ok::<(), mongo_auth::ConfigError>(())
    /// ```
    pub fn app_name(&self) -> Option<&str> {
        self.options.app_name.as_deref()
    }

    /// `connectTimeoutMS`: the bound on the whole connection phase of one host — TCP, TLS, hello
    /// and authentication. 10 s when not given; `None` when given as 0, which means no timeout (the
    /// handshake timeout still bounds the handshake).
    ///
    /// ```
    /// use std::time::Duration;
    /// let config: mongo_auth::ClientConfig = "mongodb://db/?connectTimeoutMS=2500".parse()?;
    /// assert_eq!(config.connect_timeout(), Some(Duration::from_millis(2500)));
    /// let config: mongo_auth::ClientConfig = "mongodb://db/?connectTimeoutMS=0".parse()?;
    /// assert_eq!(config.connect_timeout(), None);
    /// let config: mongo_auth::ClientConfig = "mongodb://db/".parse()?;
    /// assert_eq!(config.connect_timeout(), Some(Duration::from_secs(10)));
    /// # Ok::<(), mongo_auth::ConfigError>(())
    /// ```
    pub fn connect_timeout(&self) -> Option<Duration> {
        self.options.connect_timeout
    }

    /// `socketTimeoutMS`: the bound on each command's round trip on a connection this
    /// configuration opened ([`Connection::set_operation_timeout`](crate::Connection::set_operation_timeout)
    /// changes it per connection). `None` when not given (or given as 0): the handshake timeout
    /// applies.
    ///
    /// ```
    /// let config: mongo_auth::ClientConfig = "mongodb://db/?socketTimeoutMS=5000".parse()?;
    /// assert_eq!(config.socket_timeout(), Some(std::time::Duration::from_secs(5)));
    /// # Ok::<(), mongo_auth::ConfigError>(())
    /// ```
    pub fn socket_timeout(&self) -> Option<Duration> {
        self.options.socket_timeout
    }

    /// The limit on the whole handshake (hello plus authentication) of one connection.
    ///
    /// ```
    /// let config = mongo_auth::ClientConfig::builder().hosts(["db"]).build()?;
    /// assert_eq!(config.handshake_timeout(), std::time::Duration::from_secs(30));
    /// # Ok::<(), mongo_auth::ConfigError>(())
    /// ```
    pub fn handshake_timeout(&self) -> Duration {
        self.options.handshake_timeout
    }

    /// The Stable API version, if one is set.
    ///
    /// ```
    /// let config = mongo_auth::ClientConfig::builder().hosts(["db"]).server_api("1").build()?;
    /// assert_eq!(config.server_api(), Some("1"));
    /// # Ok::<(), mongo_auth::ConfigError>(())
    /// ```
    pub fn server_api(&self) -> Option<&str> {
        self.options.server_api.as_deref()
    }

    /// The largest SCRAM iteration count the client accepts.
    ///
    /// ```
    /// let config = mongo_auth::ClientConfig::builder().hosts(["db"]).build()?;
    /// assert_eq!(config.max_scram_iterations(), 1_000_000);
    /// # Ok::<(), mongo_auth::ConfigError>(())
    /// ```
    pub fn max_scram_iterations(&self) -> u32 {
        self.options.max_scram_iterations
    }

    /// Whether PLAIN may send its password without TLS (the explicit, dangerous opt-in).
    ///
    /// ```
    /// let config = mongo_auth::ClientConfig::builder().hosts(["db"]).build()?;
    /// assert!(!config.allows_plain_password_without_tls());
    /// # Ok::<(), mongo_auth::ConfigError>(())
    /// ```
    pub fn allows_plain_password_without_tls(&self) -> bool {
        self.options.allow_plain_without_tls
    }

    /// `replicaSet`. For `mongodb+srv`, a DNS TXT record's `replicaSet` (and `loadBalanced`, and
    /// `authSource`) applies at connect time where the configuration gives none: the connection
    /// string's and code's options win over the TXT record's.
    ///
    /// ```
    /// let config: mongo_auth::ClientConfig = "mongodb://db/?replicaSet=rs0".parse()?;
    /// assert_eq!(config.replica_set(), Some("rs0"));
    /// # Ok::<(), mongo_auth::ConfigError>(())
    /// ```
    pub fn replica_set(&self) -> Option<&str> {
        self.options.replica_set.as_deref()
    }

    /// `directConnection`, when given.
    ///
    /// ```
    /// let config: mongo_auth::ClientConfig = "mongodb://db/?directConnection=true".parse()?;
    /// assert_eq!(config.direct_connection(), Some(true));
    /// # Ok::<(), mongo_auth::ConfigError>(())
    /// ```
    pub fn direct_connection(&self) -> Option<bool> {
        self.options.direct_connection
    }

    /// `loadBalanced`.
    ///
    /// ```
    /// let config: mongo_auth::ClientConfig = "mongodb://lb/?loadBalanced=true".parse()?;
    /// assert!(config.load_balanced());
    /// # Ok::<(), mongo_auth::ConfigError>(())
    /// ```
    pub fn load_balanced(&self) -> bool {
        self.options.load_balanced.unwrap_or(false)
    }

    /// `srvServiceName` (the default, `mongodb`, when none was given).
    ///
    /// ```
    /// let config: mongo_auth::ClientConfig = "mongodb+srv://cluster0.example.com".parse()?;
    /// assert_eq!(config.srv_service_name(), "mongodb");
    /// # Ok::<(), mongo_auth::ConfigError>(())
    /// ```
    pub fn srv_service_name(&self) -> &str {
        self.options
            .srv_service_name
            .as_deref()
            .unwrap_or("mongodb")
    }

    /// `srvMaxHosts`, when given: with `mongodb+srv`, at most this many of the SRV record's hosts are
    /// used (`0`: all).
    ///
    /// ```
    /// let config: mongo_auth::ClientConfig = "mongodb+srv://cluster0.example.com/?srvMaxHosts=3".parse()?;
    /// assert_eq!(config.srv_max_hosts(), Some(3));
    /// # Ok::<(), mongo_auth::ConfigError>(())
    /// ```
    pub fn srv_max_hosts(&self) -> Option<u64> {
        self.options.srv_max_hosts
    }
}

/// A connection string for logs: every secret is `<redacted>`, files are named, nothing is read.
///
/// ```
/// use mongo_auth::{ClientConfig, Credential, Tls};
/// let config = ClientConfig::builder()
///     .hosts(["db.example.com"])
///     .credential(Credential::scram_sha_256().username("app").password("pencil"))
///     .tls(Tls::with_ca_file("ca.pem"))
///     .build()?;
/// assert_eq!(
///     config.to_string(),
///     "mongodb://app:<redacted>@db.example.com/?authSource=admin&authMechanism=SCRAM-SHA-256&tls=true&tlsCAFile=ca.pem"
/// );
/// # Ok::<(), mongo_auth::ConfigError>(())
/// ```
impl fmt::Display for ClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.srv {
            "mongodb+srv://"
        } else {
            "mongodb://"
        })?;
        if let Some(credential) = &self.credential
            && let Some(username) = &credential.username
        {
            write!(f, "{}", utf8_percent_encode(username, NOT_UNRESERVED))?;
            if credential.password.is_some() {
                f.write_str(":<redacted>")?;
            }
            f.write_str("@")?;
        }
        for (i, host) in self.hosts.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            if host.kind == mongo_auth_core::HostKind::Unix {
                write!(f, "{}", utf8_percent_encode(&host.host, NOT_UNRESERVED))?;
            } else {
                write!(f, "{host}")?;
            }
        }
        f.write_str("/")?;
        let mut options: Vec<(&str, String)> = Vec::new();
        if let Some(credential) = &self.credential {
            options.push(("authSource", credential.source.clone()));
            if let Some(mechanism) = credential.mechanism {
                options.push(("authMechanism", mechanism.as_str().to_owned()));
            }
            // Every mechanism's properties (GSSAPI, MONGODB-AWS, MONGODB-OIDC), in the rulebook's
            // order.
            let pairs: Vec<String> = credential
                .properties
                .pairs()
                .iter()
                .map(|(key, value)| format!("{key}:{value}"))
                .collect();
            if !pairs.is_empty() {
                options.push(("authMechanismProperties", pairs.join(",")));
            }
        }
        if let Some(tls) = &self.tls {
            options.push(("tls", "true".to_owned()));
            if let CaSource::File(path) = &tls.ca {
                options.push(("tlsCAFile", path.display().to_string()));
            }
            if let Some(certificate) = &tls.client_certificate {
                options.push((
                    "tlsCertificateKeyFile",
                    certificate.certificate_file.display().to_string(),
                ));
                if let Some(key) = &certificate.key_file {
                    options.push(("tlsPrivateKeyFile", key.display().to_string()));
                }
                if certificate.key_password.is_some() {
                    options.push(("tlsCertificateKeyFilePassword", "<redacted>".to_owned()));
                }
            }
            if let Some(crl) = &tls.crl_file {
                options.push(("tlsCRLFile", crl.display().to_string()));
            }
            if tls.allow_invalid_certificates {
                options.push(("tlsAllowInvalidCertificates", "true".to_owned()));
            }
            if tls.allow_invalid_hostnames {
                options.push(("tlsAllowInvalidHostnames", "true".to_owned()));
            }
        }
        let o = &self.options;
        if let Some(name) = &o.app_name {
            options.push(("appName", name.clone()));
        }
        if let Some(name) = &o.replica_set {
            options.push(("replicaSet", name.clone()));
        }
        if let Some(direct) = o.direct_connection {
            options.push(("directConnection", direct.to_string()));
        }
        if let Some(load_balanced) = o.load_balanced {
            options.push(("loadBalanced", load_balanced.to_string()));
        }
        if let Some(name) = &o.srv_service_name {
            options.push(("srvServiceName", name.clone()));
        }
        if let Some(max) = o.srv_max_hosts {
            options.push(("srvMaxHosts", max.to_string()));
        }
        if let Some(timeout) = o.socket_timeout {
            options.push(("socketTimeoutMS", timeout.as_millis().to_string()));
        }
        if o.connect_timeout != ConnectOptions::default().connect_timeout {
            let ms = o.connect_timeout.map_or(0, |timeout| timeout.as_millis());
            options.push(("connectTimeoutMS", ms.to_string()));
        }
        for (i, (key, value)) in options.iter().enumerate() {
            f.write_str(if i == 0 { "?" } else { "&" })?;
            f.write_str(key)?;
            f.write_str("=")?;
            if value == "<redacted>" {
                f.write_str(value)?;
            } else if *key == "authMechanismProperties" {
                // the pairs' separators stay literal; a comma inside a value cannot be written at all
                for (i, pair) in value.split(',').enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{}", utf8_percent_encode(pair, OPTION_VALUE))?;
                }
            } else {
                write!(f, "{}", utf8_percent_encode(value, OPTION_VALUE))?;
            }
        }
        Ok(())
    }
}

/// What a connection string may not hold literally: everything but unreserved characters (RFC 3986).
const NOT_UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// What an option value may not hold literally: an option value may keep paths, `$external` and
/// `KEY:value` pairs as they are.
const OPTION_VALUE: &AsciiSet = &NOT_UNRESERVED.remove(b'$').remove(b'/').remove(b':');

impl TlsSettings {
    /// `tlsCAFile`, or `None` for the Mozilla root certificates bundled with this library (webpki-roots), not the operating system's store.
    ///
    /// ```
    /// let settings = mongo_auth::Tls::with_ca_file("ca.pem").into_settings();
    /// assert_eq!(settings.ca_file(), Some(std::path::Path::new("ca.pem")));
    /// ```
    pub fn ca_file(&self) -> Option<&Path> {
        match &self.ca {
            CaSource::System => None,
            CaSource::File(path) => Some(path),
        }
    }

    /// The client certificate file (`tlsCertificateKeyFile`; it also holds the key unless
    /// [`key_file`](Self::key_file) is set).
    ///
    /// ```
    /// let settings = mongo_auth::Tls::client_cert("client.pem").into_settings();
    /// assert_eq!(settings.certificate_file(), Some(std::path::Path::new("client.pem")));
    /// ```
    pub fn certificate_file(&self) -> Option<&Path> {
        self.client_certificate
            .as_ref()
            .map(|c| c.certificate_file.as_path())
    }

    /// The private key file, when the key is not in the certificate file.
    ///
    /// ```
    /// let settings = mongo_auth::Tls::client_cert_and_key("client.crt", "client.key").into_settings();
    /// assert_eq!(settings.key_file(), Some(std::path::Path::new("client.key")));
    /// ```
    pub fn key_file(&self) -> Option<&Path> {
        self.client_certificate
            .as_ref()
            .and_then(|c| c.key_file.as_deref())
    }

    /// Whether the private key has a password (the password itself is never shown).
    ///
    /// ```
    /// let settings = mongo_auth::Tls::client_cert("client.pem").key_password("secret").into_settings();
    /// assert!(settings.has_key_password());
    /// ```
    pub fn has_key_password(&self) -> bool {
        self.client_certificate
            .as_ref()
            .is_some_and(|c| c.key_password.is_some())
    }

    /// `tlsCRLFile`.
    ///
    /// ```
    /// let settings = mongo_auth::Tls::enabled().crl_file("crl.pem").into_settings();
    /// assert_eq!(settings.crl_file(), Some(std::path::Path::new("crl.pem")));
    /// ```
    pub fn crl_file(&self) -> Option<&Path> {
        self.crl_file.as_deref()
    }

    /// `tlsAllowInvalidCertificates`.
    ///
    /// ```
    /// let settings = mongo_auth::Tls::enabled().dangerous().allow_invalid_certificates().into_settings();
    /// assert!(settings.allows_invalid_certificates());
    /// ```
    pub fn allows_invalid_certificates(&self) -> bool {
        self.allow_invalid_certificates
    }

    /// `tlsAllowInvalidHostnames`.
    ///
    /// ```
    /// let settings = mongo_auth::Tls::enabled().dangerous().allow_invalid_hostnames().into_settings();
    /// assert!(settings.allows_invalid_hostnames());
    /// ```
    pub fn allows_invalid_hostnames(&self) -> bool {
        self.allow_invalid_hostnames
    }
}
