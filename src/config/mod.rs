//! The validated client configuration that builders, `mongo_uri!`, config files and runtime strings
//! all produce, and that the authenticator consumes.

use std::path::PathBuf;
use std::time::Duration;

use mongo_auth_core::{Credential, Host, Password};

/// A validated MongoDB client configuration: hosts, at most one credential, TLS, and the options that
/// matter for connecting and authenticating.
///
/// Every way of making one (builders, `mongo_uri!`, `str::parse`, serde) has run the rulebook's spec
/// layer and the library layer, so a `ClientConfig` is always one that can be used to connect.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    /// The seed hosts; for `mongodb+srv`, the one SRV name.
    pub(crate) hosts: Vec<Host>,
    /// Whether the hosts come from a `mongodb+srv` lookup.
    pub(crate) srv: bool,
    /// The resolved credential, if authentication is configured.
    pub(crate) credential: Option<Credential>,
    /// TLS settings; `None` means plain TCP.
    pub(crate) tls: Option<TlsSettings>,
    /// Options that matter for connecting and authenticating.
    pub(crate) options: ConnectOptions,
}

/// Options that matter for connecting and authenticating.
#[derive(Clone, Debug)]
pub(crate) struct ConnectOptions {
    /// `appName`, sent in the handshake's client metadata.
    pub(crate) app_name: Option<String>,
    /// `connectTimeoutMS`: one TCP (and TLS) connect.
    pub(crate) connect_timeout: Duration,
    /// The deadline for the whole handshake (hello plus authentication) on one connection.
    pub(crate) handshake_timeout: Duration,
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
    /// `loadBalanced`.
    pub(crate) load_balanced: bool,
    /// `srvServiceName`, default `mongodb`.
    pub(crate) srv_service_name: Option<String>,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        Self {
            app_name: None,
            connect_timeout: Duration::from_secs(10),
            handshake_timeout: Duration::from_secs(30),
            server_api: None,
            max_scram_iterations: 1_000_000,
            allow_plain_without_tls: false,
            replica_set: None,
            direct_connection: None,
            load_balanced: false,
            srv_service_name: None,
        }
    }
}

/// TLS settings, checked but not yet loaded: files are read when the connector is built.
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
