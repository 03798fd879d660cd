//! The last step of every entry point (builder, connection string, config file, `mongo_uri!`): the
//! rulebook's final checks on a configuration's parts, and the configuration.

use mongo_auth_core::library::{self, LibraryRules, TlsFacts};
use mongo_auth_core::rules::{self, CredentialParts, MIN_SCRAM_ITERATIONS};
use mongo_auth_core::{Credential, Error, ErrorKind, Errors, Host};

use super::client::ClientConfig;
use super::hosts::{HostEntry, parse_host};
use super::options::{ConnectOptions, SourceParts};
use super::secret::SecretRefs;
use super::tls::TlsSettings;

/// Everything a configuration is made of, before the rulebook's final checks. Every entry point
/// (builder, connection string, config file, `mongo_uri!`) ends in [`assemble`].
pub(crate) struct Assembly {
    pub(crate) hosts: Vec<HostEntry>,
    pub(crate) srv: bool,
    pub(crate) credential: Option<CredentialInput>,
    pub(crate) tls: Option<TlsSettings>,
    pub(crate) options: ConnectOptions,
    pub(crate) secret_refs: SecretRefs,
}

/// A credential still to be checked by the rulebook's spec layer, or already checked (by the
/// connection-string parser).
pub(crate) enum CredentialInput {
    Parts(CredentialParts),
    Checked(mongo_auth_core::Credential),
}

/// Runs the rulebook on the parts: hosts, the spec's credential rules, then the library layer.
/// Reports every problem.
pub(crate) fn assemble(assembly: Assembly) -> Result<ClientConfig, Errors> {
    let mut errors = Vec::new();
    let mut hosts = Vec::with_capacity(assembly.hosts.len());
    for entry in assembly.hosts {
        match entry {
            HostEntry::Checked(host) => hosts.push(host),
            HostEntry::Text(text) => match parse_host(&text, assembly.srv) {
                Ok(host) => hosts.push(host),
                Err(error) => errors.push(error),
            },
        }
    }
    if hosts.is_empty() && errors.is_empty() {
        errors.push(Error::new(
            ErrorKind::InvalidHost,
            0..0,
            "no host given: add one, e.g. `db.example.com:27017`",
        ));
    }
    // The spec's minimum iteration count (4096) always holds: a smaller maximum accepts no server.
    let iterations = assembly.options.max_scram_iterations;
    if iterations < MIN_SCRAM_ITERATIONS {
        errors.push(Error::new(
            ErrorKind::InvalidOptionValue,
            0..0,
            format!(
                "max_scram_iterations is {iterations}, below the spec's minimum SCRAM iteration count \
                 ({MIN_SCRAM_ITERATIONS}), so no server could be accepted: give {MIN_SCRAM_ITERATIONS} or more"
            ),
        ));
    }
    // appName and srvServiceName: the rules connection strings get from the option table.
    if let Some(Err(problem)) = assembly
        .options
        .app_name
        .as_deref()
        .map(rules::check_app_name)
    {
        errors.push(Error::new(ErrorKind::InvalidOptionValue, 0..0, problem));
    }
    if let Some(Err(problem)) = assembly
        .options
        .srv_service_name
        .as_deref()
        .map(rules::check_srv_service_name)
    {
        errors.push(Error::new(ErrorKind::InvalidOptionValue, 0..0, problem));
    }
    // the mongodb+srv option rules connection strings get from the parser
    errors.extend(rules::check_srv_options({
        let mut srv = rules::SrvOptions::default();
        srv.srv = assembly.srv;
        srv.service_name = assembly.options.srv_service_name.is_some();
        srv.max_hosts = assembly.options.srv_max_hosts;
        srv.replica_set = assembly.options.replica_set.is_some();
        srv.load_balanced = assembly.options.load_balanced == Some(true);
        srv
    }));
    if assembly.srv && hosts.len() > 1 {
        errors.push(Error::new(
            ErrorKind::SrvRule,
            0..0,
            "mongodb+srv takes exactly one host name to look up",
        ));
    }
    let mut options = assembly.options;
    if options.source_parts.is_none()
        && let Some(CredentialInput::Parts(parts)) = &assembly.credential
    {
        options.source_parts = Some(SourceParts {
            explicit: parts.source.clone(),
            database: parts.database.clone(),
        });
    }
    // no source inputs and empty ones are the same configuration
    options.source_parts.get_or_insert_default();
    let credential = match assembly.credential {
        None => None,
        Some(CredentialInput::Checked(credential)) => Some(credential),
        Some(CredentialInput::Parts(parts)) => match rules::validate_credential(parts) {
            Ok(credential) => Some(credential),
            Err(e) => {
                errors.extend(e);
                None
            }
        },
    };
    if errors.is_empty() {
        let facts = TlsFacts::new(
            assembly.tls.is_some(),
            assembly
                .tls
                .as_ref()
                .is_some_and(|tls| tls.client_certificate.is_some()),
        );
        let rules =
            LibraryRules::default().allow_plain_without_tls(options.allow_plain_without_tls);
        if let Err(e) = library::check_configuration(credential.as_ref(), &hosts, facts, rules) {
            errors.extend(e);
        }
    }
    if let Some(errors) = Errors::from_vec(errors) {
        return Err(errors);
    }
    Ok(ClientConfig {
        hosts,
        srv: assembly.srv,
        credential,
        tls: assembly.tls,
        options,
        secret_refs: assembly.secret_refs,
    })
}

/// A configuration from a connection string that core's parser and its library layer accepted, on
/// these same hosts, credential and TLS settings, with no password supplied in code: every rule
/// [`assemble`] applies has held already, so nothing is checked or copied again. Debug builds check
/// it again anyway, so that a rule the parser lacked would show in the tests.
pub(crate) fn assemble_checked(
    hosts: Vec<Host>,
    srv: bool,
    credential: Option<Credential>,
    tls: Option<TlsSettings>,
    mut options: ConnectOptions,
) -> ClientConfig {
    options.source_parts.get_or_insert_default();
    let config = ClientConfig {
        hosts,
        srv,
        credential,
        tls,
        options,
        secret_refs: SecretRefs::default(),
    };
    #[cfg(debug_assertions)]
    {
        let again = assemble(Assembly {
            hosts: config
                .hosts
                .iter()
                .cloned()
                .map(HostEntry::Checked)
                .collect(),
            srv: config.srv,
            credential: config.credential.clone().map(CredentialInput::Checked),
            tls: config.tls.clone(),
            options: config.options.clone(),
            secret_refs: SecretRefs::default(),
        });
        debug_assert_eq!(again.as_ref().ok(), Some(&config), "{again:?}");
    }
    config
}
