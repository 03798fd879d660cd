//! Connection strings to configurations: the spec layer (core's parser), then the library layer.

use std::str::FromStr;

use mongo_auth_core::{ConnectionString, Errors};

use super::wording::{Vocabulary, reword};

use super::{
    Assembly, CaSource, ClientCertificate, ClientConfig, ConfigError, ConnectOptions,
    CredentialInput, HostEntry, SecretRefs, SourceParts, TlsSettings, assemble,
};

/// Parses a connection string and applies both layers of rules. A missing password is an error here
/// (nothing can supply it later); use a builder or `mongo_uri!` to supply it in code.
///
/// ```
/// use mongo_auth::ClientConfig;
/// let config: ClientConfig = "mongodb://user:password@example.com/?authSource=the_database&authMechanism=SCRAM-SHA-1"
///     .parse()?;
/// assert_eq!(config.credential().unwrap().source, "the_database");
///
/// // valid by the spec, refused by the library: the error says what to add
/// let error = "mongodb://example.com/?authMechanism=MONGODB-X509".parse::<ClientConfig>().unwrap_err();
/// assert!(error.to_string().contains("tlsCertificateKeyFile"));
/// # Ok::<(), mongo_auth::ConfigError>(())
/// ```
impl FromStr for ClientConfig {
    type Err = ConfigError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let uri = ConnectionString::parse(s).map_err(ConfigError::Rules)?;
        ClientConfig::try_from(uri)
    }
}

/// Applies the library layer of rules to a spec-valid connection string.
///
/// ```
/// use mongo_auth::ClientConfig;
/// use mongo_auth::core::ConnectionString;
/// let uri = ConnectionString::parse("mongodb://ldapuser:pw@ldap.example.com/?authMechanism=PLAIN")?;
/// // PLAIN without TLS passes the spec but not the library
/// assert!(ClientConfig::try_from(uri).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
impl TryFrom<ConnectionString> for ClientConfig {
    type Error = ConfigError;

    fn try_from(uri: ConnectionString) -> Result<Self, Self::Error> {
        uri.check_library_rules().map_err(|errors| {
            let mechanism = uri.credential().and_then(|c| c.mechanism);
            let reworded: Vec<_> = errors
                .iter()
                .map(|e| reword(e.clone(), Vocabulary::ConnectionString, mechanism))
                .collect();
            let warnings = errors.warnings().to_vec();
            ConfigError::Rules(
                Errors::from_vec(reworded)
                    .map_or(errors, |reworded| reworded.with_warnings(warnings)),
            )
        })?;
        let options = uri.options();
        let effective = uri.effective_tls();
        let tls = effective.enabled.then(|| TlsSettings {
            ca: effective
                .ca_file
                .map_or(CaSource::System, |path| CaSource::File(path.into())),
            client_certificate: effective
                .certificate_key_file
                .map(|path| ClientCertificate {
                    certificate_file: path.into(),
                    key_file: effective.key_file.map(Into::into),
                    key_password: effective.key_password.cloned(),
                }),
            crl_file: effective.crl_file.map(Into::into),
            allow_invalid_certificates: effective.allow_invalid_certificates,
            allow_invalid_hostnames: effective.allow_invalid_hostnames,
        });
        let defaults = ConnectOptions::default();
        let connect_options = ConnectOptions {
            app_name: options.app_name().map(str::to_owned),
            connect_timeout: super::connect_timeout_from_ms(options.connect_timeout_ms()),
            socket_timeout: super::socket_timeout_from_ms(options.socket_timeout_ms()),
            replica_set: options.replica_set().map(str::to_owned),
            direct_connection: options.direct_connection(),
            load_balanced: options.load_balanced(),
            srv_service_name: options.srv_service_name().map(str::to_owned),
            srv_max_hosts: options.srv_max_hosts(),
            source_parts: Some(SourceParts {
                explicit: options.auth_source().map(str::to_owned),
                database: uri.database().map(str::to_owned),
            }),
            ..defaults
        };
        let mut config = assemble(Assembly {
            hosts: uri
                .hosts()
                .iter()
                .cloned()
                .map(HostEntry::Checked)
                .collect(),
            srv: uri.is_srv(),
            credential: uri.credential().cloned().map(CredentialInput::Checked),
            tls,
            options: connect_options,
            secret_refs: SecretRefs::default(),
        })
        .map_err(|errors| ConfigError::Rules(errors.with_warnings(uri.warnings().to_vec())))?;
        config.warnings = uri.warnings().to_vec();
        Ok(config)
    }
}
