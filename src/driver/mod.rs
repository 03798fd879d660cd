//! The official `mongodb` driver, driven from a checked configuration (cargo feature `mongodb`).
//!
//! A [`ClientConfig`] made by a builder chain, a `mongo_uri!` literal, `str::parse` or a config file
//! has passed the rulebook; these methods hand it to the driver without going back to a string:
//!
//! | method | gives | when |
//! |---|---|---|
//! | [`ClientConfig::to_driver_client`] | `mongodb::Client` | the usual way |
//! | [`ClientConfig::to_driver_options`] | `mongodb::options::ClientOptions` | to set driver options of your own first (pool sizes, `server_selection_timeout`, …) |
//! | [`ClientConfig::to_driver_connection_string`] | `mongodb::options::ConnectionString` | synchronous; finish it with `ClientOptions::parse(connection_string).await` |
//!
//! ```no_run
//! use mongo_auth::mongo_uri;
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! // checked when this compiles; no string is parsed at run time
//! let config = mongo_uri!("mongodb://app@db.example.com/shop?authMechanism=SCRAM-SHA-256")
//!     .password(std::env::var("MONGO_PASSWORD")?)
//!     .build()?;
//! let client = config.to_driver_client().await?;
//! client.database("shop").run_command(bson::doc! { "ping": 1 }).await?;
//! # Ok(()) }
//! ```
//!
//! # How the conversion works
//!
//! The configuration is lowered field by field into the driver's `ConnectionString` (its public
//! fields, never a formatted URI: nothing is percent-encoded or parsed again, so a `mongo_uri!`
//! literal reaches the driver with no run-time parsing at all), and `ClientOptions::parse` finishes
//! it. Going through `ConnectionString` rather than filling `ClientOptions` directly keeps
//! `mongodb+srv` resolution where it belongs, in the driver: it looks up the SRV and TXT records,
//! polls them later for mongos changes, and applies the TXT record's `authSource` only when the
//! credential's source is unset. So for `mongodb+srv` the source is left unset unless `authSource`
//! was given explicitly or the mechanism's source is always `$external` (MONGODB-X509, GSSAPI,
//! MONGODB-AWS, MONGODB-OIDC, for which the rulebook ignores a TXT `authSource` too), and the path
//! database goes into `default_database`, from which the driver takes the default source exactly as
//! [`rules::default_source`] does. For `mongodb://` the
//! source the rulebook resolved is always set.
//!
//! Before the driver sees them, the files named by the TLS options are read with this library's
//! rules (the same loader as [`TlsConnector::new`](crate::tls::TlsConnector::new)): the driver
//! skips CA certificates that do not parse (and trusts nothing when none does); here such a file is
//! an error that names it ([`DriverError::Tls`]).
//!
//! | ours | driver (`ConnectionString` unless noted) |
//! |---|---|
//! | hosts: name or IPv4 `:port`, IPv6 literal | `host_info: HostIdentifiers(ServerAddress::Tcp { host, port })` (IPv6 without brackets) |
//! | hosts: Unix socket | `ServerAddress::Unix { path }` |
//! | `mongodb+srv` name | `host_info: DnsRecord(name)` |
//! | credential user, password | `credential.username`, `credential.password` |
//! | credential source | `credential.source` (see above for `mongodb+srv`) |
//! | mechanism: negotiated, SCRAM-SHA-1, SCRAM-SHA-256, MONGODB-X509, PLAIN, MONGODB-OIDC | `credential.mechanism`: `None`, `ScramSha1`, `ScramSha256`, `MongoDbX509`, `Plain`, `MongoDbOidc` |
//! | GSSAPI, MONGODB-AWS | `Gssapi` / `MongoDbAws` when the driver is built with `gssapi-auth` / `aws-auth` |
//! | GSSAPI `SERVICE_NAME`, `CANONICALIZE_HOST_NAME`, `SERVICE_REALM`, `SERVICE_HOST` | `credential.mechanism_properties` (strings; `none`, `forward`, `forwardAndReverse`) |
//! | OIDC `ENVIRONMENT`, `TOKEN_RESOURCE` | `credential.mechanism_properties` |
//! | no TLS | `tls: Some(Tls::Disabled)` (the driver's `None` means "default", which is on for SRV) |
//! | TLS: `tlsCAFile`, `tlsCertificateKeyFile`, `tlsCertificateKeyFilePassword`, `tlsAllowInvalidCertificates` (or `tlsInsecure`) | `tls: Some(Tls::Enabled(TlsOptions { ca_file_path, cert_key_file_path, tls_certificate_key_file_password, allow_invalid_certificates }))` |
//! | `appName` | `app_name` |
//! | `connectTimeoutMS` (`None`: no timeout) | `connect_timeout` (`Some(Duration::ZERO)`: no timeout) |
//! | `replicaSet`, `directConnection`, `loadBalanced` | `replica_set`, `direct_connection`, `load_balanced` |
//! | `srvServiceName`, `srvMaxHosts` | `srv_service_name`, `srv_max_hosts` (`u32`) |
//! | Stable API `"1"` | `ClientOptions::server_api`: `ServerApi { version: V1 }` |
//! | database path | `default_database` |
//!
//! # What the driver cannot express
//!
//! Every such setting is a [`Refusal`] (all of them are reported at once, in
//! [`DriverError::Refused`]), never dropped: MONGODB-CR; MONGODB-AWS and GSSAPI without the driver's
//! `aws-auth` / `gssapi-auth`; a GSSAPI password on Unix; MONGODB-OIDC `ENVIRONMENT:test`; PLAIN to a
//! Unix socket without the clear-text opt-in; `tlsCRLFile`; a separate private key file; a key
//! password with an unencrypted key; `tlsAllowInvalidHostnames` without
//! `tlsAllowInvalidCertificates`; `socketTimeoutMS`; `timeoutMS`; a handshake timeout or a maximum SCRAM iteration
//! count other than the defaults (this library's own knobs); `srvMaxHosts` beyond `u32`; a Stable API
//! version other than `"1"`.
//!
//! Where the driver is looser than the rulebook (MONGODB-X509 without a client certificate, PLAIN
//! without TLS, a password mechanism without a password), nothing is needed here: such a
//! configuration cannot be built in the first place.
//!
//! # Where the driver differs from this library's runtime
//!
//! - **SCRAM iteration count**: the driver accepts any count from 4096 up and runs PBKDF2 on the
//!   async worker thread; this library caps it ([`ClientConfig::max_scram_iterations`]) and derives
//!   keys off the async threads. A hostile server can make the driver spend minutes of CPU.
//! - **Negotiation**: for a credential without a mechanism, the driver asks `saslSupportedMechs` for
//!   `admin.<user>` whatever the source. Its speculative SCRAM-SHA-256 attempt does go to the source,
//!   so this only shows when a server does not answer that attempt: a SCRAM-SHA-256-only user
//!   outside `admin` then gets no list, and the driver falls back to SCRAM-SHA-1, which fails. Give
//!   the mechanism explicitly for users outside `admin`.
//! - **connectTimeoutMS** bounds TCP and TLS in the driver; here it bounds the whole connection
//!   phase, authentication included.
//! - **GSSAPI `CANONICALIZE_HOST_NAME`**: the driver's `forward` does not follow CNAMEs (it only
//!   checks one exists and uses the name as given), and a failed lookup falls back to the name as
//!   given without a word.
//! - **Secrets**: the driver keeps the password and the key password in plain `String`/`Vec<u8>`,
//!   not wiped when dropped; its `Debug` of the credential does redact them.
//! - **Servers before 4.4** (wire version 9) are refused by the driver 3.9; this library still
//!   authenticates to them, down to OP_QUERY and MONGODB-CR.

mod error;

use std::path::Path;
use std::time::Duration;

use mongo_auth_core::{Credential, HostKind, Mechanism, MechanismProperties, rules};
use mongodb::bson::Document;
use mongodb::options::{
    AuthMechanism, ClientOptions, ConnectionString, Credential as DriverCredential, HostInfo,
    ServerAddress, ServerApi, ServerApiVersion, Tls as DriverTls, TlsOptions,
};

pub use self::error::{DriverError, Refusal};

use crate::config::{ClientConfig, ConnectOptions, TlsSettings};

/// The lowered configuration: a connection string, and what only `ClientOptions` can hold.
struct Lowered {
    connection_string: ConnectionString,
    server_api: Option<ServerApi>,
}

/// Which of the driver's types the configuration is lowered into.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Target {
    ConnectionString,
    ClientOptions,
}

#[cfg_attr(docsrs, doc(cfg(feature = "mongodb")))]
impl ClientConfig {
    /// The official driver's `ConnectionString` for this configuration, built from its fields (no
    /// URI is formatted or parsed). Finish it with `mongodb::options::ClientOptions::parse`, which
    /// resolves `mongodb+srv`.
    ///
    /// The TLS files are read with this library's rules first. The driver's `ConnectionString` has
    /// no Stable API field: a configuration with one is refused here
    /// ([`Refusal::ServerApiInConnectionString`]); use [`to_driver_options`](Self::to_driver_options).
    ///
    /// # Errors
    ///
    /// [`DriverError::Refused`] with every setting the driver cannot express, or
    /// [`DriverError::Tls`] for a TLS file this library refuses.
    ///
    /// ```
    /// use mongo_auth::{Auth, ClientConfig};
    /// use mongodb::options::{AuthMechanism, HostInfo, ServerAddress};
    /// let config = ClientConfig::builder()
    ///     .hosts(["db.example.com:27018"])
    ///     .credential(Auth::scram_sha_256().username("app").password("p@ss:w/rd").source("shop"))
    ///     .build()?;
    /// let connection_string = config.to_driver_connection_string()?;
    /// assert_eq!(
    ///     connection_string.host_info,
    ///     HostInfo::HostIdentifiers(vec![ServerAddress::Tcp { host: "db.example.com".into(), port: Some(27018) }])
    /// );
    /// let credential = connection_string.credential.unwrap();
    /// assert_eq!(credential.source.as_deref(), Some("shop"));
    /// assert_eq!(credential.mechanism, Some(AuthMechanism::ScramSha256));
    /// assert_eq!(credential.password.as_deref(), Some("p@ss:w/rd")); // as given: nothing re-encoded
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_driver_connection_string(&self) -> Result<ConnectionString, DriverError> {
        let lowered = lower(self, Target::ConnectionString)?;
        check_tls_files(self.tls.as_ref())?;
        Ok(lowered.connection_string)
    }

    /// The official driver's `ClientOptions` for this configuration: the connection string of
    /// [`to_driver_connection_string`](Self::to_driver_connection_string), finished by
    /// `ClientOptions::parse` (which looks up `mongodb+srv` records), plus the Stable API version.
    ///
    /// Set driver options of your own on the result (pool sizes, `server_selection_timeout`, …)
    /// and make the client with `mongodb::Client::with_options`.
    ///
    /// # Errors
    ///
    /// [`DriverError::Refused`], [`DriverError::Tls`], or [`DriverError::Driver`] when the driver
    /// refuses the options or a `mongodb+srv` lookup fails.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use std::time::Duration;
    /// use mongodb::options::ServerApiVersion;
    /// let config: mongo_auth::ClientConfig =
    ///     "mongodb://app:pencil@db.example.com/shop?appName=inventory&connectTimeoutMS=0".parse()?;
    /// let mut options = config.to_driver_options().await?;
    /// options.server_selection_timeout = Some(Duration::from_secs(5));
    /// assert_eq!(options.app_name.as_deref(), Some("inventory"));
    /// assert_eq!(options.connect_timeout, Some(Duration::ZERO)); // the driver's "no timeout"
    /// assert_eq!(options.credential.unwrap().source.as_deref(), Some("shop"));
    /// assert_eq!(options.default_database.as_deref(), Some("shop"));
    ///
    /// let config = mongo_auth::ClientConfig::builder().hosts(["db.example.com"]).server_api(mongo_auth::config::ServerApi::V1).build()?;
    /// let options = config.to_driver_options().await?;
    /// assert_eq!(options.server_api.unwrap().version, ServerApiVersion::V1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # }).unwrap();
    /// ```
    pub async fn to_driver_options(&self) -> Result<ClientOptions, DriverError> {
        let lowered = lower(self, Target::ClientOptions)?;
        check_tls_files(self.tls.as_ref())?;
        let mut options = ClientOptions::parse(lowered.connection_string).await?;
        options.server_api = lowered.server_api;
        Ok(options)
    }

    /// An official driver `Client` for this configuration: [`to_driver_options`](Self::to_driver_options)
    /// and `mongodb::Client::with_options`. The client connects and authenticates lazily, on its
    /// first operation.
    ///
    /// # Errors
    ///
    /// As [`to_driver_options`](Self::to_driver_options), and [`DriverError::Driver`] when the
    /// driver refuses to make the client.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// let config: mongo_auth::ClientConfig =
    ///     "mongodb://app:pencil@db.example.com/?authMechanism=SCRAM-SHA-256&tls=true".parse()?;
    /// let client = config.to_driver_client().await?;
    /// client.database("admin").run_command(bson::doc! { "ping": 1 }).await?;
    /// # Ok(()) }
    /// ```
    pub async fn to_driver_client(&self) -> Result<mongodb::Client, DriverError> {
        let options = self.to_driver_options().await?;
        Ok(mongodb::Client::with_options(options)?)
    }
}

/// Lowers the configuration into the driver's types, or reports every setting that cannot go.
fn lower(config: &ClientConfig, target: Target) -> Result<Lowered, DriverError> {
    let mut refusals = Vec::new();
    let options = &config.options;
    let host_info = host_info(config, &mut refusals);
    let credential = config
        .credential
        .as_ref()
        .and_then(|credential| lower_credential(config, credential, &mut refusals));
    let tls = lower_tls(config.tls.as_ref(), &mut refusals);
    refuse_runtime_knobs(options, &mut refusals);
    let srv_max_hosts = options.srv_max_hosts.and_then(|given| {
        u32::try_from(given)
            .map_err(|_| refusals.push(Refusal::SrvMaxHosts { given }))
            .ok()
    });
    let server_api = match (&options.server_api, target) {
        (None, _) => None,
        (Some(_), Target::ConnectionString) => {
            refusals.push(Refusal::ServerApiInConnectionString);
            None
        }
        (Some(crate::config::ServerApi::V1), Target::ClientOptions) => {
            Some(ServerApi::builder().version(ServerApiVersion::V1).build())
        }
    };
    if !refusals.is_empty() {
        return Err(DriverError::Refused(refusals));
    }

    let mut connection_string = ConnectionString::default();
    connection_string.host_info = host_info;
    connection_string.credential = credential;
    connection_string.tls = Some(tls);
    connection_string.app_name.clone_from(&options.app_name);
    // ours: `None` is no timeout; the driver's `None` is its 10 s default and zero is no timeout
    connection_string.connect_timeout = Some(options.connect_timeout.unwrap_or(Duration::ZERO));
    connection_string
        .replica_set
        .clone_from(&options.replica_set);
    connection_string.direct_connection = options.direct_connection;
    connection_string.load_balanced = options.load_balanced;
    connection_string
        .srv_service_name
        .clone_from(&options.srv_service_name);
    connection_string.srv_max_hosts = srv_max_hosts;
    connection_string.default_database = options
        .source_parts
        .as_ref()
        .and_then(|parts| parts.database.clone());
    Ok(Lowered {
        connection_string,
        server_api,
    })
}

fn host_info(config: &ClientConfig, refusals: &mut Vec<Refusal>) -> HostInfo {
    if config.srv {
        // the rulebook keeps exactly one name without a port for mongodb+srv
        let name = config
            .hosts
            .first()
            .map(|host| host.host.clone())
            .unwrap_or_default();
        return HostInfo::DnsRecord(name);
    }
    let mut addresses = Vec::with_capacity(config.hosts.len());
    for host in &config.hosts {
        match host.kind {
            HostKind::Unix => match unix_socket(Path::new(&host.host)) {
                Some(address) => addresses.push(address),
                None => refusals.push(Refusal::UnixSocketUnsupported {
                    path: host.host.clone().into(),
                }),
            },
            _ => addresses.push(ServerAddress::Tcp {
                host: host.host.clone(),
                port: host.port,
            }),
        }
    }
    HostInfo::HostIdentifiers(addresses)
}

#[cfg(unix)]
fn unix_socket(path: &Path) -> Option<ServerAddress> {
    Some(ServerAddress::Unix {
        path: path.to_owned(),
    })
}

#[cfg(not(unix))]
fn unix_socket(_: &Path) -> Option<ServerAddress> {
    None
}

fn lower_credential(
    config: &ClientConfig,
    credential: &Credential,
    refusals: &mut Vec<Refusal>,
) -> Option<DriverCredential> {
    let refusals_before = refusals.len();
    let mechanism = match credential.mechanism {
        None => None,
        Some(Mechanism::ScramSha1) => Some(AuthMechanism::ScramSha1),
        Some(Mechanism::ScramSha256) => Some(AuthMechanism::ScramSha256),
        Some(Mechanism::MongodbX509) => Some(AuthMechanism::MongoDbX509),
        Some(Mechanism::Plain) => {
            if !config.options.allow_plain_without_tls {
                for host in config.hosts.iter().filter(|h| h.kind == HostKind::Unix) {
                    refusals.push(Refusal::PlainOverUnixSocket {
                        path: host.host.clone().into(),
                    });
                }
            }
            Some(AuthMechanism::Plain)
        }
        Some(Mechanism::MongodbCr) => {
            refusals.push(Refusal::MongodbCr);
            None
        }
        Some(Mechanism::Gssapi) => {
            if cfg!(unix) && credential.password.is_some() {
                refusals.push(Refusal::GssapiPassword);
            }
            driver_mechanism(Mechanism::Gssapi, Refusal::GssapiNotInDriver, refusals)
        }
        Some(Mechanism::MongodbAws) => {
            driver_mechanism(Mechanism::MongodbAws, Refusal::AwsNotInDriver, refusals)
        }
        Some(Mechanism::MongodbOidc) => {
            if let MechanismProperties::Oidc(pairs) = &credential.properties {
                for (key, value) in pairs {
                    if key == "ENVIRONMENT" && value == "test" {
                        refusals.push(Refusal::OidcEnvironment {
                            environment: value.clone(),
                        });
                    }
                }
            }
            Some(AuthMechanism::MongoDbOidc)
        }
        Some(other) => {
            refusals.push(Refusal::Mechanism(other));
            None
        }
    };
    if refusals.len() > refusals_before {
        return None;
    }

    let explicit_source = config
        .options
        .source_parts
        .as_ref()
        .map(|parts| parts.explicit.is_some());
    // mongodb+srv: an unset source lets the driver apply the TXT record's authSource, then the
    // default from the path database; the rulebook resolves it the same way at connect time.
    let leave_source_to_srv =
        config.srv && !rules::external_only(credential.mechanism) && explicit_source == Some(false);

    let mut lowered = DriverCredential::default();
    lowered.username.clone_from(&credential.username);
    lowered.password = credential
        .password
        .as_ref()
        .map(|password| password.expose_secret().to_owned());
    lowered.source = (!leave_source_to_srv).then(|| credential.source.clone());
    lowered.mechanism = mechanism;
    lowered.mechanism_properties = mechanism_properties(&credential.properties);
    Some(lowered)
}

/// The driver's mechanism by its wire name, when this build of the driver has it. The driver's
/// `FromStr` is the one place that knows which of its cargo features are on (a user can turn on
/// `aws-auth` or `gssapi-auth` in their own `Cargo.toml`).
fn driver_mechanism(
    mechanism: Mechanism,
    missing: Refusal,
    refusals: &mut Vec<Refusal>,
) -> Option<AuthMechanism> {
    match mechanism.as_str().parse::<AuthMechanism>() {
        Ok(mechanism) => Some(mechanism),
        Err(_) => {
            refusals.push(missing);
            None
        }
    }
}

fn mechanism_properties(properties: &MechanismProperties) -> Option<Document> {
    let mut document = Document::new();
    match properties {
        MechanismProperties::Gssapi(gssapi) => {
            document.insert("SERVICE_NAME", gssapi.service_name.as_str());
            document.insert(
                "CANONICALIZE_HOST_NAME",
                gssapi.canonicalize_host_name.as_str(),
            );
            if let Some(realm) = &gssapi.service_realm {
                document.insert("SERVICE_REALM", realm.as_str());
            }
            if let Some(host) = &gssapi.service_host {
                document.insert("SERVICE_HOST", host.as_str());
            }
        }
        MechanismProperties::Aws(pairs) | MechanismProperties::Oidc(pairs) => {
            for (key, value) in pairs {
                document.insert(key.as_str(), value.as_str());
            }
        }
        _ => {}
    }
    (!document.is_empty()).then_some(document)
}

fn lower_tls(settings: Option<&TlsSettings>, refusals: &mut Vec<Refusal>) -> DriverTls {
    let Some(settings) = settings else {
        return DriverTls::Disabled;
    };
    if let Some(path) = settings.crl_file() {
        refusals.push(Refusal::CrlFile {
            path: path.to_owned(),
        });
    }
    if let Some(path) = settings.key_file() {
        refusals.push(Refusal::SeparateKeyFile {
            path: path.to_owned(),
        });
    }
    if settings.allow_invalid_hostnames && !settings.allow_invalid_certificates {
        refusals.push(Refusal::HostnameOnlyRelaxation);
    }
    let mut options = TlsOptions::default();
    options.ca_file_path = settings.ca_file().map(Path::to_owned);
    options.cert_key_file_path = settings.certificate_file().map(Path::to_owned);
    options.tls_certificate_key_file_password = settings
        .client_certificate
        .as_ref()
        .and_then(|certificate| certificate.key_password.as_ref())
        .map(|password| password.expose_secret().as_bytes().to_vec());
    options.allow_invalid_certificates = settings.allow_invalid_certificates.then_some(true);
    DriverTls::Enabled(options)
}

/// This library's own runtime settings, which the driver does not have: refused unless they are
/// the defaults, so that no setting is silently dropped.
fn refuse_runtime_knobs(options: &ConnectOptions, refusals: &mut Vec<Refusal>) {
    let defaults = ConnectOptions::default();
    if let Some(timeout) = options.socket_timeout {
        refusals.push(Refusal::SocketTimeout { timeout });
    }
    if let Some(timeout) = options.timeout {
        refusals.push(Refusal::ClientSideTimeout { timeout });
    }
    if options.handshake_timeout != defaults.handshake_timeout {
        refusals.push(Refusal::HandshakeTimeout {
            timeout: options.handshake_timeout,
        });
    }
    if options.max_scram_iterations != defaults.max_scram_iterations {
        refusals.push(Refusal::MaxScramIterations {
            iterations: options.max_scram_iterations,
        });
    }
}

/// Reads the TLS files with this library's rules, which are stricter than the driver's, and checks
/// what the driver needs beyond them: with a key password, the key must be an encrypted PKCS#8 key.
fn check_tls_files(settings: Option<&TlsSettings>) -> Result<(), DriverError> {
    let Some(settings) = settings else {
        return Ok(());
    };
    crate::tls::TlsConnector::new(settings)?;
    if settings.has_key_password()
        && let Some(path) = settings.certificate_file()
    {
        let text = zeroize::Zeroizing::new(std::fs::read(path).map_err(|source| {
            crate::tls::TlsError::ReadFile {
                option: crate::tls::option::CERTIFICATE_KEY_FILE,
                path: path.to_owned(),
                source,
            }
        })?);
        let marker = b"-----BEGIN ENCRYPTED PRIVATE KEY-----";
        if !text.windows(marker.len()).any(|window| window == marker) {
            return Err(DriverError::Refused(vec![
                Refusal::KeyPasswordWithoutEncryptedKey {
                    path: path.to_owned(),
                },
            ]));
        }
    }
    Ok(())
}
