//! Connection strings to configurations: the spec layer (core's parser), then the library layer.

use std::str::FromStr;

use mongo_auth_core::{ConnectionString, Errors, Warning};

use super::wording::{Vocabulary, reword};

use super::assemble::{Assembly, CredentialInput, assemble};
use super::{
    CaSource, ClientCertificate, ClientConfig, ConfigError, ConnectOptions, HostEntry, SecretRefs,
    TlsSettings,
};

/// Parses a connection string and applies both layers of rules. A missing password is an error here
/// (nothing can supply it later); use a builder or `mongo_uri!` to supply it in code.
///
/// As strict as `mongo_uri!`: what the spec only warns about (an unknown or repeated option, a value
/// that would be ignored, …) is an error, with the message `mongo_uri!` gives for it
/// ([`Warning::refused`]). [`ConnectionString::parse`] keeps the spec's leniency, with the warnings as
/// data.
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
///
/// // the spec ignores `tls=yes` with a warning, and TLS would be off: refused
/// let error = "mongodb://example.com/?tls=yes".parse::<ClientConfig>().unwrap_err();
/// assert_eq!(error.to_string(), "tls has an invalid value `yes`: use true or false");
/// # Ok::<(), mongo_auth::ConfigError>(())
/// ```
impl FromStr for ClientConfig {
    type Err = ConfigError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let uri = ConnectionString::parse(s)
            .map_err(|errors| ConfigError::Rules(errors.refusing_warnings()))?;
        ClientConfig::try_from(uri).map_err(|error| error.with_input(s))
    }
}

/// Applies the library layer of rules to a spec-valid connection string, and refuses its warnings as
/// `str::parse` does.
///
/// ```
/// use mongo_auth::ClientConfig;
/// use mongo_auth::core::ConnectionString;
/// let uri = ConnectionString::parse("mongodb://ldapuser:pw@ldap.example.com/?authMechanism=PLAIN")?;
/// // PLAIN without TLS passes the spec but not the library
/// assert!(ClientConfig::try_from(uri).is_err());
/// // a warning of the spec layer is an error here
/// let uri = ConnectionString::parse("mongodb://db.example.com/?replicaSett=rs0")?;
/// assert_eq!(uri.warnings().len(), 1);
/// assert!(ClientConfig::try_from(uri).unwrap_err().to_string().contains("did you mean `replicaSet`"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
impl TryFrom<ConnectionString> for ClientConfig {
    type Error = ConfigError;

    fn try_from(uri: ConnectionString) -> Result<Self, Self::Error> {
        let refused = match uri.check_library_rules() {
            // the library layer's errors carry the string's warnings
            Err(errors) => Some(errors.refusing_warnings()),
            Ok(()) => Errors::from_vec(uri.warnings().iter().map(Warning::refused).collect())
                .map(|errors| errors.with_secret_spans(uri.secret_spans().to_vec())),
        };
        if let Some(errors) = refused {
            let mechanism = uri.credential().and_then(|c| c.mechanism);
            return Err(ConfigError::Rules(
                errors.map(|e| reword(e, Vocabulary::ConnectionString, mechanism)),
            ));
        }
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
        let connect_options = ConnectOptions::from_uri_options(uri.options(), uri.database());
        let srv = uri.is_srv();
        let secret_spans = uri.secret_spans().to_vec();
        // the hosts and the credential move into the configuration: nothing is copied
        let (hosts, credential) = uri.into_hosts_and_credential();
        let config = assemble(Assembly {
            hosts: hosts.into_iter().map(HostEntry::Checked).collect(),
            srv,
            credential: credential.map(CredentialInput::Checked),
            tls,
            options: connect_options,
            secret_refs: SecretRefs::default(),
        })
        .map_err(|errors| ConfigError::Rules(errors.with_secret_spans(secret_spans)))?;
        Ok(config)
    }
}
