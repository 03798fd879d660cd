//! Connection strings to configurations: the spec layer (core's parser), then the library layer.

use std::str::FromStr;

use mongo_auth_core::library::{LibraryRules, TlsFacts, check_configuration};
use mongo_auth_core::rules::needs_password;
use mongo_auth_core::{
    ConnectionString, ConnectionStringRef, EffectiveTls, Error, ErrorKind, Errors, Host, Mechanism,
    OptionRef, Password, Warning,
};

use super::wording::{Vocabulary, reword};

use super::assemble::{Assembly, CredentialInput, assemble, assemble_checked};
use super::options::UriValue;
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
        let uri = ConnectionStringRef::parse(s)
            .map_err(|errors| ConfigError::Rules(errors.refusing_warnings()))?;
        if let Some(config) = from_in_place(&uri) {
            #[cfg(debug_assertions)]
            assert_eq!(
                Some(&config),
                ClientConfig::try_from(uri.into_owned()).ok().as_ref(),
                "the configuration from a string read in place differs from the full path's"
            );
            return Ok(config);
        }
        ClientConfig::try_from(uri.into_owned()).map_err(|error| error.with_input(s))
    }
}

/// The configuration of a string core read in place ([`ConnectionStringRef`]), built from the
/// slices of the input, when it passes the library layer; `None` otherwise: the full path then
/// gives the configuration or the errors (with their spans and wording). Core reads in place only
/// strings the spec accepts without a warning, so the library layer is the only check left.
fn from_in_place(uri: &ConnectionStringRef<'_>) -> Option<ClientConfig> {
    if !uri.is_in_place() {
        return None;
    }
    let hosts: Vec<Host> = uri
        .hosts()
        .map(|host| Host::from_parts(host.kind, host.host.to_owned(), host.port))
        .collect();
    let credential = uri.to_credential();
    // One pass over the options: the TLS files, and the options a configuration takes.
    let mut options = ConnectOptions::from_uri([], uri.database());
    let (mut ca_file, mut certificate_key_file, mut crl_file) = (None, None, None);
    for (key, value) in uri.options() {
        match (key, value) {
            ("tlsCAFile", OptionRef::Str(path)) => ca_file = Some(path),
            ("tlsCertificateKeyFile", OptionRef::Str(path)) => certificate_key_file = Some(path),
            ("tlsCRLFile", OptionRef::Str(path)) => crl_file = Some(path),
            ("tls", _) => {}
            // any other TLS option (core reads none in place today): the full path's settings
            (key, _) if key.starts_with("tls") || key.starts_with("ssl") => return None,
            (key, OptionRef::Bool(on)) => options.set_uri_option(key, UriValue::Bool(on)),
            (key, OptionRef::Int(n)) => {
                if let Ok(n) = u64::try_from(n) {
                    options.set_uri_option(key, UriValue::Int(n));
                }
            }
            (key, OptionRef::Str(text)) => options.set_uri_option(key, UriValue::Str(text)),
            _ => return None,
        }
    }
    let enabled = uri.tls_enabled();
    let facts = TlsFacts::new(enabled, certificate_key_file.is_some());
    check_configuration(credential.as_ref(), &hosts, facts, LibraryRules::default()).ok()?;
    let tls = enabled.then(|| tls_with_files(ca_file, certificate_key_file, crl_file));
    Some(assemble_checked(hosts, false, credential, tls, options))
}

/// The TLS settings of a connection string, `None` when TLS is off.
fn tls_settings(effective: &EffectiveTls<'_>) -> Option<TlsSettings> {
    effective.enabled.then(|| {
        let mut tls = tls_with_files(
            effective.ca_file,
            effective.certificate_key_file,
            effective.crl_file,
        );
        if let Some(certificate) = &mut tls.client_certificate {
            certificate.key_file = effective.key_file.map(Into::into);
            certificate.key_password = effective.key_password.cloned();
        }
        tls.allow_invalid_certificates = effective.allow_invalid_certificates;
        tls.allow_invalid_hostnames = effective.allow_invalid_hostnames;
        tls
    })
}

/// TLS with the CA, client certificate and CRL files a connection string names, and nothing
/// relaxed.
fn tls_with_files(
    ca_file: Option<&str>,
    certificate_key_file: Option<&str>,
    crl_file: Option<&str>,
) -> TlsSettings {
    TlsSettings {
        ca: ca_file.map_or(CaSource::System, |path| CaSource::File(path.into())),
        client_certificate: certificate_key_file.map(|path| ClientCertificate {
            certificate_file: path.into(),
            key_file: None,
            key_password: None,
        }),
        crl_file: crl_file.map(Into::into),
        allow_invalid_certificates: false,
        allow_invalid_hostnames: false,
    }
}

/// Applies the library layer of rules to a spec-valid connection string, and refuses its warnings as
/// `str::parse` does.
///
/// ```
/// use mongo_auth::ClientConfig;
/// use mongo_auth::rulebook::ConnectionString;
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
        from_connection_string(uri, None)
    }
}

/// The library layer of rules on a spec-valid connection string, with its warnings refused.
fn check_library_rules(
    uri: &ConnectionString,
    password_from_code: bool,
) -> Result<(), ConfigError> {
    let rules = LibraryRules::default().password_from_code(password_from_code);
    let refused = match uri.check_library_rules_with(rules) {
        // the library layer's errors carry the string's warnings
        Err(errors) => Some(errors.refusing_warnings()),
        Ok(()) => Errors::from_vec(uri.warnings().iter().map(Warning::refused).collect())
            .map(|errors| errors.with_secret_spans(uri.secret_spans().to_vec())),
    };
    match refused {
        None => Ok(()),
        Some(errors) => {
            let mechanism = uri.credential().and_then(|c| c.mechanism);
            Err(ConfigError::Rules(errors.map(|e| {
                reword(e, Vocabulary::ConnectionString, mechanism)
            })))
        }
    }
}

/// The library layer of rules on a spec-valid connection string, then the configuration. A password
/// supplied in code (`supplied`) takes the place of the one the string leaves out.
fn from_connection_string(
    uri: ConnectionString,
    supplied: Option<Password>,
) -> Result<ClientConfig, ConfigError> {
    check_library_rules(&uri, supplied.is_some())?;
    let tls = tls_settings(&uri.effective_tls());
    let connect_options = ConnectOptions::from_uri_options(uri.options(), uri.database());
    let srv = uri.is_srv();
    let Some(supplied) = supplied else {
        // every rule has held: the hosts and the credential move into the configuration
        let (hosts, credential) = uri.into_hosts_and_credential();
        return Ok(assemble_checked(
            hosts,
            srv,
            credential,
            tls,
            connect_options,
        ));
    };
    let secret_spans = uri.secret_spans().to_vec();
    // the hosts and the credential move into the configuration: nothing is copied
    let (hosts, credential) = uri.into_hosts_and_credential();
    let config = assemble(Assembly {
        hosts: hosts.into_iter().map(HostEntry::Checked).collect(),
        srv,
        // the supplied password is checked here (a NUL, which SASL cannot send)
        credential: credential
            .map(|mut credential| {
                credential.password = Some(supplied);
                credential
            })
            .map(CredentialInput::Checked),
        tls,
        options: connect_options,
        secret_refs: SecretRefs::default(),
    })
    .map_err(|errors| ConfigError::Rules(errors.with_secret_spans(secret_spans)))?;
    Ok(config)
}

impl ClientConfig {
    /// Parses a connection string that leaves its password to code, the run-time twin of
    /// `mongo_uri!("mongodb://app@db/…").password(…)`: the usual pattern of a URI from the environment
    /// and the password from a secret store.
    ///
    /// Every rule is checked here, except the password's own; the result has no way to become a
    /// [`ClientConfig`] other than [`AwaitingPassword::password`], so a forgotten password does not
    /// compile. A string whose mechanism takes no password (MONGODB-X509, MONGODB-AWS,
    /// MONGODB-OIDC), names no user, or already carries a password is an error that says to parse it
    /// with [`str::parse`] instead: there is no password to supply to it.
    ///
    /// ```
    /// use mongo_auth::ClientConfig;
    /// # fn secret_store() -> String { "pencil".into() }
    /// let uri = std::env::var("MONGODB_URI")
    ///     .unwrap_or_else(|_| "mongodb://app@db.example.com/shop?authMechanism=SCRAM-SHA-256".into());
    /// let config = ClientConfig::parse_awaiting_password(&uri)?.password(secret_store())?;
    /// assert_eq!(config.credential().unwrap().source, "shop");
    ///
    /// // MONGODB-X509 takes no password: parse it with str::parse
    /// let error = ClientConfig::parse_awaiting_password("mongodb://db/?authMechanism=MONGODB-X509&tls=true")
    ///     .unwrap_err();
    /// assert!(error.to_string().contains("takes no password"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn parse_awaiting_password(s: &str) -> Result<AwaitingPassword, ConfigError> {
        let uri = ConnectionString::parse(s)
            .map_err(|errors| ConfigError::Rules(errors.refusing_warnings()))?;
        let refusal = match uri.credential() {
            None => Some((
                ErrorKind::MissingUsername,
                "the connection string names no user, so there is no password to supply: add                  `user@` before the host, or parse it with `str::parse`"
                    .to_owned(),
            )),
            Some(credential) if credential.password.is_some() => Some((
                ErrorKind::ForbiddenPassword,
                "the connection string already carries a password: remove it from the string, or                  parse it with `str::parse`"
                    .to_owned(),
            )),
            Some(credential)
                if !needs_password(credential.mechanism)
                    && credential.mechanism != Some(Mechanism::Gssapi) =>
            {
                let name = credential.mechanism.map_or("SCRAM", Mechanism::as_str);
                Some((
                    ErrorKind::ForbiddenPassword,
                    format!("{name} takes no password: parse this connection string with `str::parse`"),
                ))
            }
            Some(_) => None,
        };
        if let Some((kind, message)) = refusal {
            let error = Error::new(kind, 0..0, message);
            return Err(ConfigError::Rules(Errors::from(error)).with_input(s));
        }
        // Every other rule now, so that the error comes where the string is read.
        check_library_rules(&uri, true).map_err(|error| error.with_input(s))?;
        // The string is kept for the errors `.password` may give, its other secrets (a key
        // password) masked byte for byte so that the errors' spans still point right.
        let mut input = s.to_owned();
        for span in uri.secret_spans() {
            input.replace_range(span.clone(), &"*".repeat(span.len()));
        }
        Ok(AwaitingPassword { uri, input })
    }
}

/// A checked connection string that lacks only its password:
/// [`ClientConfig::parse_awaiting_password`]'s result. [`password`](Self::password) completes it; there
/// is no other way to a [`ClientConfig`].
///
/// `Debug` and `Display` show the string, which holds no secret.
///
/// ```
/// use mongo_auth::ClientConfig;
/// let awaiting = ClientConfig::parse_awaiting_password("mongodb://app@db.example.com/?authSource=admin")?;
/// assert_eq!(awaiting.username(), "app");
/// assert_eq!(awaiting.mechanism(), None); // SCRAM, negotiated with the server
/// let config = awaiting.password("pencil")?;
/// assert_eq!(config.credential().unwrap().password.as_ref().unwrap().expose_secret(), "pencil");
/// # Ok::<(), mongo_auth::ConfigError>(())
/// ```
#[derive(Clone, Debug)]
pub struct AwaitingPassword {
    uri: ConnectionString,
    /// The string, its secrets masked.
    input: String,
}

impl AwaitingPassword {
    /// The user whose password is awaited.
    ///
    /// ```
    /// let awaiting = mongo_auth::ClientConfig::parse_awaiting_password("mongodb://app@db")?;
    /// assert_eq!(awaiting.username(), "app");
    /// # Ok::<(), mongo_auth::ConfigError>(())
    /// ```
    pub fn username(&self) -> &str {
        self.uri.username().unwrap_or_default()
    }

    /// The mechanism the string names (`None`: SCRAM negotiated with the server).
    ///
    /// ```
    /// use mongo_auth::Mechanism;
    /// let awaiting =
    ///     mongo_auth::ClientConfig::parse_awaiting_password("mongodb://app@db/?authMechanism=SCRAM-SHA-256")?;
    /// assert_eq!(awaiting.mechanism(), Some(Mechanism::ScramSha256));
    /// # Ok::<(), mongo_auth::ConfigError>(())
    /// ```
    pub fn mechanism(&self) -> Option<Mechanism> {
        self.uri.credential().and_then(|c| c.mechanism)
    }

    /// Supplies the password and applies the rules that concern it (a NUL character, which SASL
    /// cannot send, is refused). An empty password is a password.
    ///
    /// ```
    /// let config = mongo_auth::ClientConfig::parse_awaiting_password("mongodb://app@db")?.password("pencil")?;
    /// # let _ = config;
    /// let error = mongo_auth::ClientConfig::parse_awaiting_password("mongodb://app@db")?
    ///     .password("pen\0cil")
    ///     .unwrap_err();
    /// assert!(error.to_string().contains("NUL"));
    /// # Ok::<(), mongo_auth::ConfigError>(())
    /// ```
    pub fn password(self, password: impl Into<Password>) -> Result<ClientConfig, ConfigError> {
        from_connection_string(self.uri, Some(password.into()))
            .map_err(|error| error.with_input(&self.input))
    }
}

impl std::fmt::Display for AwaitingPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&self.uri, f)
    }
}
