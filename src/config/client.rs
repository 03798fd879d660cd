//! The validated configuration itself, and what it tells about itself.

use std::time::Duration;

use mongo_auth_core::{Credential as CoreCredential, Host};

use super::options::ConnectOptions;
use super::secret::SecretRefs;
use super::tls::TlsSettings;
use super::{SecretRefresh, ServerApi};

/// A validated MongoDB client configuration: hosts, at most one credential, TLS, and the options that
/// matter for connecting and authenticating.
///
/// Every way of making one (builders, `mongo_uri!`, `str::parse`, serde) has run the rulebook's spec
/// layer and the library layer, so a `ClientConfig` is always one that can be used to connect. What
/// the spec only warns about (an unknown option, an ignored value) is refused by every way in, so a
/// `ClientConfig` carries no warning. Debug, Display and `Serialize` never show a secret.
///
/// ```
/// use mongo_auth::{Auth, ClientConfig, Tls};
/// # fn main() -> Result<(), mongo_auth::ConfigError> {
/// let config = ClientConfig::builder()
///     .hosts(["db1.example.com", "db2.example.com:27018"])
///     .credential(Auth::scram_sha_256().username("app").password("pencil"))
///     .tls(Tls::enabled().ca_file("ca.pem"))
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
#[derive(Clone, Debug, PartialEq, Eq)]
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
    /// use mongo_auth::config::ServerApi;
    /// let config = mongo_auth::ClientConfig::builder().hosts(["db"]).server_api(ServerApi::V1).build()?;
    /// assert_eq!(config.server_api(), Some(ServerApi::V1));
    /// # Ok::<(), mongo_auth::ConfigError>(())
    /// ```
    pub fn server_api(&self) -> Option<ServerApi> {
        self.options.server_api
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

    /// When the password is read: once, or again for each new connection ([`SecretRefresh`]).
    ///
    /// ```
    /// let config: mongo_auth::ClientConfig = "mongodb://app:pw@db".parse()?;
    /// assert_eq!(config.password_refresh(), mongo_auth::config::SecretRefresh::Once);
    /// # Ok::<(), mongo_auth::ConfigError>(())
    /// ```
    pub fn password_refresh(&self) -> SecretRefresh {
        self.secret_refs.password_refresh
    }
}
