//! The credential rules of the auth spec, usable without a connection string.
//!
//! The connection-string parser, the typed builders and the serde loader all build credentials through
//! [`validate_credential`], so the rules exist once.
//!
//! # When a credential exists
//!
//! In a connection string: when the userinfo `@` is present (even empty) or `authMechanism` is given. A
//! database path or `authSource` alone configures nothing. Elsewhere (config, builders): when the caller
//! asks for one.
//!
//! # Per mechanism
//!
//! | mechanism | user name | password | source default | source allowed | properties |
//! |---|---|---|---|---|---|
//! | none (negotiate SCRAM) | required | needed to connect | `authSource` → database → `admin` | any | none |
//! | SCRAM-SHA-1, SCRAM-SHA-256, MONGODB-CR | required | needed to connect | `authSource` → database → `admin` | any | none |
//! | PLAIN | required | needed to connect | `authSource` → database → `$external` | any | none |
//! | MONGODB-X509 | optional (the certificate subject) | forbidden | `$external` | `$external` | none |
//! | GSSAPI | required (may hold `@REALM`) | optional | `$external` | `$external` | `SERVICE_NAME` (default `mongodb`), `CANONICALIZE_HOST_NAME`, `SERVICE_REALM`, `SERVICE_HOST` |
//! | MONGODB-AWS | forbidden | forbidden | `$external` | `$external` | none from a URI or config (credentials come from the environment) |
//! | MONGODB-OIDC | only with `ENVIRONMENT:azure` (the client id) | forbidden | `$external` | `$external` | `ENVIRONMENT` (required: `test`, `azure`, `gcp`, `k8s`), `TOKEN_RESOURCE` (required for `azure` and `gcp`, forbidden otherwise) |
//!
//! "Needed to connect" is a library-layer rule ([`crate::library`]): the spec layer accepts
//! `mongodb://user@host` so that the password can be supplied in code.
//!
//! For `$external`-only mechanisms the database path is ignored (it stays the default database). An
//! empty `authSource` is always an error. Property keys are case-insensitive; values are case-sensitive.
//! `CANONICALIZE_HOST_NAME` accepts `none`, `forward`, `forwardAndReverse` and the legacy `false` (=
//! `none`) and `true` (= `forwardAndReverse`).
//!
//! ```
//! use mongo_auth_core::rules::{validate_credential, CredentialParts};
//! use mongo_auth_core::{Mechanism, Password};
//! let credential = validate_credential(CredentialParts {
//!     mechanism: Some(Mechanism::ScramSha256),
//!     username: Some("app".into()),
//!     password: Some(Password::new("pencil")),
//!     database: Some("shop".into()),
//!     ..CredentialParts::default()
//! })
//! .unwrap();
//! assert_eq!(credential.source, "shop");
//! ```

use std::ops::Range;

use crate::error::{Error, ErrorKind, Errors, Report};
use crate::{Canonicalize, Credential, GssapiProperties, Mechanism, MechanismProperties, Password};

/// The source of `$external` mechanisms.
pub const EXTERNAL: &str = "$external";

/// `text` in backticks for a message about `span` of the input, or a note that it is not shown when
/// that part of the input may hold a password.
fn quoted(report: &Report, span: &Range<usize>, text: &str) -> String {
    if report.shows(span) {
        format!("`{text}`")
    } else {
        format!("(not shown: {})", crate::error::MAY_HOLD_A_PASSWORD)
    }
}

/// The raw parts of a credential, from any input (URI, config table, builder). Everything optional; the
/// rules decide what is required.
///
/// ```
/// use mongo_auth_core::rules::{validate_credential, CredentialParts};
/// use mongo_auth_core::{ErrorKind, Mechanism};
/// let parts = CredentialParts {
///     mechanism: Some(Mechanism::Gssapi),
///     username: Some("user@EXAMPLE.COM".into()),
///     properties: vec![("service_name".into(), "mongo".into())],
///     ..CredentialParts::default()
/// };
/// assert_eq!(validate_credential(parts.clone()).unwrap().source, "$external");
/// let errors = validate_credential(CredentialParts { source: Some("admin".into()), ..parts }).unwrap_err();
/// assert_eq!(errors.first().kind(), ErrorKind::InvalidSource);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CredentialParts {
    /// The mechanism; `None` to negotiate (see [`parse_mechanism`] for text such as `DEFAULT`).
    pub mechanism: Option<Mechanism>,
    /// The user name, as given.
    pub username: Option<String>,
    /// The password. `Some` of an empty password is not `None`.
    pub password: Option<Password>,
    /// An explicit source (`authSource`). `Some("")` is an error.
    pub source: Option<String>,
    /// The default database, used as the source default by SCRAM, MONGODB-CR and PLAIN.
    pub database: Option<String>,
    /// Mechanism properties as key/value text (keys case-insensitive).
    pub properties: Vec<(String, String)>,
}

/// Where each part came from in the original input (all `0..0` for non-string input).
#[derive(Clone, Debug, Default)]
pub(crate) struct PartSpans {
    pub(crate) mechanism: Range<usize>,
    pub(crate) username: Range<usize>,
    pub(crate) password: Range<usize>,
    pub(crate) source: Range<usize>,
    pub(crate) properties: Range<usize>,
    pub(crate) userinfo: Range<usize>,
}

/// Validates the parts by the auth spec's rules and builds the credential with its source resolved and
/// its properties typed. Every broken rule is reported.
///
/// A missing password is not an error here (see [`crate::library`]).
pub fn validate_credential(parts: CredentialParts) -> Result<Credential, Errors> {
    let mut report = Report::default();
    let credential = build_credential(parts, &PartSpans::default(), &mut report);
    match (report.into_errors(), credential) {
        (None, Some(credential)) => Ok(credential),
        (Some(errors), _) => Err(errors),
        (None, None) => Err(Error::new(
            ErrorKind::NotImplemented,
            0..0,
            "the credential could not be built, and no rule says why: please report this as a bug",
        )
        .into()),
    }
}

/// Parses an `authMechanism` value: a wire name (case-sensitive, as the spec lists them) or `DEFAULT`,
/// which means "negotiate" and gives `None`.
///
/// ```
/// use mongo_auth_core::{rules::parse_mechanism, Mechanism};
/// assert_eq!(parse_mechanism("GSSAPI").unwrap(), Some(Mechanism::Gssapi));
/// assert_eq!(parse_mechanism("DEFAULT").unwrap(), None);
/// assert!(parse_mechanism("SCRAM-SHA-512").is_err());
/// ```
pub fn parse_mechanism(text: &str) -> Result<Option<Mechanism>, Error> {
    parse_mechanism_at(text, 0..0, &Report::default())
}

/// Parses an `authMechanism` value at `span` of the input; the error quotes the value only where
/// `report` shows that span.
pub(crate) fn parse_mechanism_at(
    text: &str,
    span: Range<usize>,
    report: &Report,
) -> Result<Option<Mechanism>, Error> {
    if text == "DEFAULT" {
        return Ok(None);
    }
    text.parse::<Mechanism>().map(Some).map_err(|_| {
        let hint = Mechanism::ALL
            .iter()
            .find(|m| m.as_str().eq_ignore_ascii_case(text))
            .map(|m| format!(" (mechanism names are case-sensitive: write `{m}`)"))
            .unwrap_or_default();
        let shown = quoted(report, &span, text);
        Error::new(
            ErrorKind::UnknownMechanism,
            span,
            format!(
                "unknown authMechanism {shown}: use one of SCRAM-SHA-256, SCRAM-SHA-1, MONGODB-CR, \
                 MONGODB-X509, GSSAPI, PLAIN, MONGODB-AWS, MONGODB-OIDC, or DEFAULT to negotiate{hint}"
            ),
        )
    })
}

/// Parses GSSAPI properties from key/value pairs (keys case-insensitive), filling in the defaults.
///
/// ```
/// use mongo_auth_core::{rules::gssapi_properties, Canonicalize};
/// let properties =
///     gssapi_properties([("service_name", "myservicename"), ("CANONICALIZE_HOST_NAME", "true")]).unwrap();
/// assert_eq!(properties.service_name, "myservicename");
/// assert_eq!(properties.canonicalize_host_name, Canonicalize::ForwardAndReverse);
/// ```
pub fn gssapi_properties<'a>(
    pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<GssapiProperties, Errors> {
    let pairs: Vec<(String, String)> = pairs
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    let mut report = Report::default();
    let properties = gssapi_from_pairs(&pairs, &PartSpans::default(), &mut report);
    match report.into_errors() {
        None => Ok(properties),
        Some(errors) => Err(errors),
    }
}

/// The source a credential gets when no `authSource` is given: the database for SCRAM, MONGODB-CR, PLAIN
/// and negotiation (else `admin`, or `$external` for PLAIN), `$external` for every other mechanism.
///
/// ```
/// use mongo_auth_core::{rules::default_source, Mechanism};
/// assert_eq!(default_source(Some(Mechanism::MongodbCr), None), "admin");
/// assert_eq!(default_source(Some(Mechanism::Plain), None), "$external");
/// assert_eq!(default_source(None, Some("shop")), "shop");
/// assert_eq!(default_source(Some(Mechanism::Gssapi), Some("shop")), "$external");
/// ```
pub fn default_source(mechanism: Option<Mechanism>, database: Option<&str>) -> &str {
    match mechanism {
        None | Some(Mechanism::ScramSha1 | Mechanism::ScramSha256 | Mechanism::MongodbCr) => {
            database.unwrap_or("admin")
        }
        Some(Mechanism::Plain) => database.unwrap_or(EXTERNAL),
        Some(_) => EXTERNAL,
    }
}

/// The final source of a credential, with everything that can give one: an explicit `authSource`
/// (connection string or code) wins, then a `mongodb+srv` TXT record's `authSource`, then the
/// mechanism's default ([`default_source`]: the database path, else `admin` or `$external`).
/// `$external`-only mechanisms ignore the TXT record and the database (an explicit source was
/// already checked to be `$external` for them).
///
/// ```
/// use mongo_auth_core::{rules::resolve_source, Mechanism};
/// // URI options win over TXT
/// assert_eq!(resolve_source(None, Some("admin"), Some("shop"), None), "admin");
/// // TXT wins over the database path
/// assert_eq!(resolve_source(None, None, Some("shop"), Some("db")), "shop");
/// assert_eq!(resolve_source(Some(Mechanism::Plain), None, Some("ldap"), None), "ldap");
/// assert_eq!(resolve_source(Some(Mechanism::Plain), None, None, None), "$external");
/// assert_eq!(resolve_source(Some(Mechanism::MongodbX509), None, Some("admin"), None), "$external");
/// ```
pub fn resolve_source(
    mechanism: Option<Mechanism>,
    explicit: Option<&str>,
    txt: Option<&str>,
    database: Option<&str>,
) -> String {
    if external_only(mechanism) {
        return explicit.unwrap_or(EXTERNAL).to_owned();
    }
    explicit
        .or(txt)
        .unwrap_or_else(|| default_source(mechanism, database))
        .to_owned()
}

/// The smallest SCRAM iteration count the spec lets a server use (RFC 7677 and the auth spec): a
/// server offering fewer is refused, and a client maximum below it accepts no server.
pub const MIN_SCRAM_ITERATIONS: u32 = 4096;

/// The longest `appName` the server accepts in the handshake's client metadata, in bytes.
pub const MAX_APP_NAME_LEN: usize = 128;

/// `appName`: at most [`MAX_APP_NAME_LEN`] bytes. The rule every entry point applies (connection
/// strings, builders, config files).
///
/// ```
/// use mongo_auth_core::rules::check_app_name;
/// assert!(check_app_name("inventory").is_ok());
/// assert!(check_app_name(&"x".repeat(129)).unwrap_err().starts_with("appName is longer"));
/// ```
pub fn check_app_name(name: &str) -> Result<(), &'static str> {
    if name.len() > MAX_APP_NAME_LEN {
        Err("appName is longer than 128 bytes (the server's limit for the handshake): shorten it")
    } else {
        Ok(())
    }
}

/// `srvServiceName`: an SRV service name (RFC 6335: 1 to 15 letters, digits and single hyphens,
/// at least one letter, no hyphen at either end). The rule every entry point applies.
///
/// ```
/// use mongo_auth_core::rules::check_srv_service_name;
/// assert!(check_srv_service_name("customname").is_ok());
/// assert!(check_srv_service_name("a b").is_err());
/// ```
pub fn check_srv_service_name(name: &str) -> Result<(), &'static str> {
    if valid_service_name(name) {
        Ok(())
    } else {
        Err(
            "srvServiceName must be an SRV service name (1 to 15 letters, digits and single hyphens): \
             fix it",
        )
    }
}

/// RFC 6335's service-name syntax, as the URI-options spec asks of `srvServiceName`.
fn valid_service_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    (1..=15).contains(&bytes.len())
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
        && bytes.iter().any(u8::is_ascii_alphabetic)
        && !name.starts_with('-')
        && !name.ends_with('-')
        && !name.contains("--")
}

/// Which `mongodb+srv` options a configuration gives, for [`check_srv_options`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SrvOptions {
    /// The configuration uses `mongodb+srv` (an SRV name instead of hosts).
    pub srv: bool,
    /// `srvServiceName` is given.
    pub service_name: bool,
    /// `srvMaxHosts`, when given.
    pub max_hosts: Option<u64>,
    /// `replicaSet` is given.
    pub replica_set: bool,
    /// `loadBalanced=true` is given.
    pub load_balanced: bool,
}

/// An SRV option given where it does not apply (`srvServiceName`, `srvMaxHosts` without
/// `mongodb+srv`).
pub fn srv_option_without_srv(key: &str) -> String {
    format!("{key} only applies to mongodb+srv:// connection strings: remove it")
}

/// `srvMaxHosts` > 0 with `replicaSet`.
pub const SRV_MAX_HOSTS_WITH_REPLICA_SET: &str =
    "srvMaxHosts cannot be combined with replicaSet: remove one of them";
/// `srvMaxHosts` > 0 with `loadBalanced=true`.
pub const SRV_MAX_HOSTS_WITH_LOAD_BALANCED: &str =
    "srvMaxHosts cannot be combined with loadBalanced=true: remove one of them";

/// The `mongodb+srv` option rules of the URI-options spec for input that is not a connection string
/// (builders, config tables): the connection-string parser applies the same rules, with the same
/// words, at the options' spans. Every problem is an [`ErrorKind::SrvRule`] with an empty span.
///
/// ```
/// use mongo_auth_core::rules::{check_srv_options, SrvOptions};
/// let mut options = SrvOptions::default();
/// options.max_hosts = Some(2);
/// let problems = check_srv_options(options);
/// assert!(problems[0].message().starts_with("srvMaxHosts only applies to mongodb+srv://"));
/// options.srv = true;
/// assert!(check_srv_options(options).is_empty());
/// ```
pub fn check_srv_options(options: SrvOptions) -> Vec<Error> {
    let mut problems = Vec::new();
    let mut refuse = |message: String| problems.push(Error::new(ErrorKind::SrvRule, 0..0, message));
    if !options.srv {
        if options.service_name {
            refuse(srv_option_without_srv("srvServiceName"));
        }
        if options.max_hosts.is_some() {
            refuse(srv_option_without_srv("srvMaxHosts"));
        }
    } else if options.max_hosts.is_some_and(|max| max > 0) {
        if options.replica_set {
            refuse(SRV_MAX_HOSTS_WITH_REPLICA_SET.to_owned());
        }
        if options.load_balanced {
            refuse(SRV_MAX_HOSTS_WITH_LOAD_BALANCED.to_owned());
        }
    }
    problems
}

/// Whether the mechanism only authenticates against `$external`.
pub fn external_only(mechanism: Option<Mechanism>) -> bool {
    matches!(
        mechanism,
        Some(
            Mechanism::MongodbX509
                | Mechanism::Gssapi
                | Mechanism::MongodbAws
                | Mechanism::MongodbOidc
        )
    )
}

/// Whether the mechanism needs a password to connect (SCRAM, MONGODB-CR, PLAIN, negotiation).
pub fn needs_password(mechanism: Option<Mechanism>) -> bool {
    matches!(
        mechanism,
        None | Some(
            Mechanism::ScramSha1 | Mechanism::ScramSha256 | Mechanism::MongodbCr | Mechanism::Plain
        )
    )
}

/// Checks an explicit source: never empty, and `$external` for the mechanisms that only allow it.
/// `mechanism` is `None` when no credential is configured (only emptiness is checked then).
pub(crate) fn check_source_text(
    source: &str,
    mechanism: Option<Option<Mechanism>>,
    span: Range<usize>,
    report: &mut Report,
) -> bool {
    if source.is_empty() {
        report.error(
            ErrorKind::InvalidSource,
            span,
            "authSource is empty: name the database that holds the user, or remove authSource",
        );
        return false;
    }
    if let Some(mechanism) = mechanism
        && external_only(mechanism)
        && source != EXTERNAL
    {
        let name = mechanism.map_or("", Mechanism::as_str);
        report.error(
            ErrorKind::InvalidSource,
            span,
            format!("{name} authenticates against $external only: remove authSource or set authSource=$external"),
        );
        return false;
    }
    true
}

fn mechanism_name(mechanism: Option<Mechanism>) -> &'static str {
    mechanism.map_or("the default mechanism (SCRAM)", Mechanism::as_str)
}

/// Builds the credential, reporting every broken rule. Returns `None` only when errors were reported.
pub(crate) fn build_credential(
    parts: CredentialParts,
    spans: &PartSpans,
    report: &mut Report,
) -> Option<Credential> {
    let errors_before = report.errors.len();
    let mechanism = parts.mechanism;
    let name = mechanism_name(mechanism);
    let user_span = if spans.userinfo.is_empty() && spans.username.is_empty() {
        spans.mechanism.clone()
    } else if spans.username.is_empty() {
        spans.userinfo.clone()
    } else {
        spans.username.clone()
    };

    // user name
    let username = parts.username;
    match mechanism {
        None
        | Some(
            Mechanism::ScramSha1
            | Mechanism::ScramSha256
            | Mechanism::MongodbCr
            | Mechanism::Plain
            | Mechanism::Gssapi,
        ) => {
            if username.as_deref().is_none_or(str::is_empty) {
                report.error(
                    ErrorKind::MissingUsername,
                    user_span.clone(),
                    format!(
                        "{name} needs a user name: write it before the host, as in \
                         mongodb://user@host"
                    ),
                );
            }
        }
        Some(Mechanism::MongodbX509) => {
            if username.as_deref() == Some("") {
                report.error(
                    ErrorKind::MissingUsername,
                    user_span.clone(),
                    "MONGODB-X509 with an empty user name: remove the `@`, or give the \
                     certificate subject as the user name",
                );
            }
        }
        Some(Mechanism::MongodbAws) => {
            if username.is_some() || parts.password.is_some() {
                report.error(
                    ErrorKind::ForbiddenUsername,
                    if spans.userinfo.is_empty() {
                        spans.mechanism.clone()
                    } else {
                        spans.userinfo.clone()
                    },
                    "MONGODB-AWS takes no user name or password: credentials come from the AWS \
                     environment, so remove the userinfo",
                );
            }
        }
        Some(Mechanism::MongodbOidc) => {
            // whether a user name is allowed at all depends on ENVIRONMENT (checked with the properties)
            if username.as_deref() == Some("") {
                report.error(
                    ErrorKind::MissingUsername,
                    user_span.clone(),
                    "MONGODB-OIDC with an empty user name: remove the `@`, or give the user name",
                );
            }
        }
    }

    // password
    if let Some(Mechanism::MongodbX509 | Mechanism::MongodbOidc) = mechanism
        && parts.password.is_some()
    {
        let why = if mechanism == Some(Mechanism::MongodbX509) {
            "the client certificate is the credential"
        } else {
            "the identity provider's token is the credential"
        };
        report.error(
            ErrorKind::ForbiddenPassword,
            if spans.password.is_empty() {
                spans.userinfo.clone()
            } else {
                spans.password.clone()
            },
            format!("{name} takes no password ({why}): remove the password"),
        );
    }

    // source
    let source = match parts.source {
        Some(source) => {
            check_source_text(&source, Some(mechanism), spans.source.clone(), report);
            source
        }
        None => default_source(mechanism, parts.database.as_deref()).to_owned(),
    };

    // properties
    let properties = match mechanism {
        Some(Mechanism::Gssapi) => {
            MechanismProperties::Gssapi(gssapi_from_pairs(&parts.properties, spans, report))
        }
        Some(Mechanism::MongodbOidc) => MechanismProperties::Oidc(oidc_properties(
            &parts.properties,
            username.as_deref(),
            spans,
            report,
        )),
        Some(Mechanism::MongodbAws) => {
            for (key, _) in &parts.properties {
                let message = if key.eq_ignore_ascii_case("AWS_SESSION_TOKEN") {
                    "AWS_SESSION_TOKEN is no longer accepted: MONGODB-AWS takes the session token \
                     from the AWS environment, so remove it"
                        .to_owned()
                } else if key.eq_ignore_ascii_case("AWS_CREDENTIAL_PROVIDER") {
                    "AWS_CREDENTIAL_PROVIDER is a callback and can only be set in code: remove it"
                        .to_owned()
                } else {
                    format!(
                        "MONGODB-AWS has no mechanism property {}: remove it",
                        quoted(report, &spans.properties, key)
                    )
                };
                report.error(
                    ErrorKind::InvalidMechanismProperty,
                    spans.properties.clone(),
                    message,
                );
            }
            MechanismProperties::None
        }
        _ => {
            if let Some((key, _)) = parts.properties.first() {
                let key = quoted(report, &spans.properties, key);
                report.error(
                    ErrorKind::InvalidMechanismProperty,
                    spans.properties.clone(),
                    format!(
                        "{name} takes no mechanism properties ({key} given): remove \
                         authMechanismProperties"
                    ),
                );
            }
            MechanismProperties::None
        }
    };

    if report.errors.len() > errors_before {
        return None;
    }
    Some(Credential::from_parts(
        username,
        parts.password,
        source,
        mechanism,
        properties,
    ))
}

/// Reports property keys given twice (keys are case-insensitive).
fn check_duplicates(pairs: &[(String, String)], spans: &PartSpans, report: &mut Report) {
    for (i, (key, _)) in pairs.iter().enumerate() {
        if pairs[..i].iter().any(|(k, _)| k.eq_ignore_ascii_case(key)) {
            let key = if report.shows(&spans.properties) {
                key.to_ascii_uppercase()
            } else {
                quoted(report, &spans.properties, key)
            };
            report.error(
                ErrorKind::InvalidMechanismProperty,
                spans.properties.clone(),
                format!("mechanism property {key} is given more than once: give it once"),
            );
        }
    }
}

fn gssapi_from_pairs(
    pairs: &[(String, String)],
    spans: &PartSpans,
    report: &mut Report,
) -> GssapiProperties {
    check_duplicates(pairs, spans, report);
    let mut properties = GssapiProperties::default();
    for (key, value) in pairs {
        let span = spans.properties.clone();
        match key.to_ascii_uppercase().as_str() {
            "SERVICE_NAME" => {
                if value.is_empty() {
                    report.error(
                        ErrorKind::InvalidMechanismProperty,
                        span,
                        "SERVICE_NAME is empty: name the Kerberos service (default mongodb)",
                    );
                }
                properties.service_name = value.clone();
            }
            "CANONICALIZE_HOST_NAME" => match value.parse::<Canonicalize>() {
                Ok(canonicalize) => properties.canonicalize_host_name = canonicalize,
                Err(_) => {
                    let value = quoted(report, &span, value);
                    report.error(
                        ErrorKind::InvalidMechanismProperty,
                        span,
                        format!(
                            "invalid CANONICALIZE_HOST_NAME {value}: use none, forward or \
                             forwardAndReverse (or the legacy false or true)"
                        ),
                    );
                }
            },
            "SERVICE_REALM" => properties.service_realm = Some(value.clone()),
            "SERVICE_HOST" => properties.service_host = Some(value.clone()),
            _ => {
                let key = quoted(report, &span, key);
                report.error(
                    ErrorKind::InvalidMechanismProperty,
                    span,
                    format!(
                        "GSSAPI has no mechanism property {key}: use SERVICE_NAME, \
                         CANONICALIZE_HOST_NAME, SERVICE_REALM or SERVICE_HOST"
                    ),
                );
            }
        }
    }
    properties
}

fn oidc_properties(
    pairs: &[(String, String)],
    username: Option<&str>,
    spans: &PartSpans,
    report: &mut Report,
) -> Vec<(String, String)> {
    check_duplicates(pairs, spans, report);
    let span = || spans.properties.clone();
    let mut environment: Option<&str> = None;
    let mut token_resource = false;
    let mut typed = Vec::new();
    for (key, value) in pairs {
        let upper = key.to_ascii_uppercase();
        match upper.as_str() {
            "ENVIRONMENT" => {
                if matches!(value.as_str(), "test" | "azure" | "gcp" | "k8s") {
                    environment = Some(value);
                } else {
                    let value = quoted(report, &span(), value);
                    report.error(
                        ErrorKind::InvalidMechanismProperty,
                        span(),
                        format!(
                            "unknown MONGODB-OIDC ENVIRONMENT {value}: use test, azure, gcp or k8s"
                        ),
                    );
                }
            }
            "TOKEN_RESOURCE" => token_resource = true,
            "ALLOWED_HOSTS" => report.error(
                ErrorKind::InvalidMechanismProperty,
                span(),
                "ALLOWED_HOSTS cannot be set in a connection string: set it in code",
            ),
            "OIDC_CALLBACK" | "OIDC_HUMAN_CALLBACK" | "AWS_CREDENTIAL_PROVIDER" => report.error(
                ErrorKind::InvalidMechanismProperty,
                span(),
                format!("{upper} is a callback and can only be set in code: remove it"),
            ),
            _ => {
                let key = quoted(report, &span(), key);
                report.error(
                    ErrorKind::InvalidMechanismProperty,
                    span(),
                    format!("MONGODB-OIDC has no mechanism property {key}: use ENVIRONMENT and TOKEN_RESOURCE"),
                );
            }
        }
        typed.push((upper, value.clone()));
    }
    let has_environment_key = pairs
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("ENVIRONMENT"));
    match environment {
        None if !has_environment_key => report.error(
            ErrorKind::InvalidMechanismProperty,
            if spans.properties.is_empty() {
                spans.mechanism.clone()
            } else {
                span()
            },
            "MONGODB-OIDC needs ENVIRONMENT in authMechanismProperties: add test, azure, gcp or \
             k8s, as in authMechanismProperties=ENVIRONMENT:azure,TOKEN_RESOURCE:<resource>",
        ),
        None => {}
        Some(environment) => {
            let needs_resource = matches!(environment, "azure" | "gcp");
            if needs_resource && !token_resource {
                report.error(
                    ErrorKind::InvalidMechanismProperty,
                    span(),
                    format!("ENVIRONMENT:{environment} needs TOKEN_RESOURCE: add TOKEN_RESOURCE:<resource>"),
                );
            }
            if !needs_resource && token_resource {
                report.error(
                    ErrorKind::InvalidMechanismProperty,
                    span(),
                    format!(
                        "TOKEN_RESOURCE does not apply to ENVIRONMENT:{environment}: remove it"
                    ),
                );
            }
            if username.is_some() && environment != "azure" {
                report.error(
                    ErrorKind::ForbiddenUsername,
                    if spans.username.is_empty() {
                        span()
                    } else {
                        spans.username.clone()
                    },
                    format!(
                        "MONGODB-OIDC with ENVIRONMENT:{environment} takes no user name: remove it \
                         (only ENVIRONMENT:azure uses one, as the managed identity's client id)"
                    ),
                );
            }
        }
    }
    typed
}
