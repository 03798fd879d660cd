//! The credential rules per mechanism: what each takes and requires, its properties, and its source.

use std::ops::Range;

use super::source::{check_source_text, default_source};
use crate::error::{Error, ErrorKind, Errors, Report};
use crate::{Canonicalize, Credential, GssapiProperties, Mechanism, MechanismProperties, Password};

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
/// let mut parts = CredentialParts::default();
/// parts.mechanism = Some(Mechanism::Gssapi);
/// parts.username = Some("user@EXAMPLE.COM".into());
/// parts.properties = vec![("service_name".into(), "mongo".into())];
/// assert_eq!(validate_credential(parts.clone()).unwrap().source, "$external");
/// parts.source = Some("admin".into());
/// let errors = validate_credential(parts).unwrap_err();
/// assert_eq!(errors.first().kind(), ErrorKind::InvalidSource);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
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
    /// MONGODB-OIDC: the tokens come from a callback given in code (the auth spec's
    /// `OIDC_CALLBACK` / `OIDC_HUMAN_CALLBACK`), so `ENVIRONMENT` is not required, and is refused.
    /// Only code can say this (the typed builder); a connection string or a config file cannot.
    pub oidc_callback_in_code: bool,
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
    let mut parts = parts;
    let database = parts.database.take();
    let credential = build_credential(
        parts,
        database.as_deref(),
        &PartSpans::default(),
        &mut report,
    );
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

fn mechanism_name(mechanism: Option<Mechanism>) -> &'static str {
    mechanism.map_or("the default mechanism (SCRAM)", Mechanism::as_str)
}

/// Builds the credential, reporting every broken rule. Returns `None` only when errors were reported.
/// Builds the credential of `parts`; `database` stands for `parts.database`, which a caller that
/// keeps its database leaves `None` rather than copying it.
pub(crate) fn build_credential(
    parts: CredentialParts,
    database: Option<&str>,
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
        None => default_source(mechanism, database).to_owned(),
    };

    // properties
    let properties = match mechanism {
        Some(Mechanism::Gssapi) => {
            MechanismProperties::Gssapi(gssapi_from_pairs(&parts.properties, spans, report))
        }
        Some(Mechanism::MongodbOidc) => MechanismProperties::Oidc(oidc_properties(
            &parts.properties,
            username.as_deref(),
            parts.oidc_callback_in_code,
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
    callback_in_code: bool,
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
    if callback_in_code {
        if has_environment_key {
            report.error(
                ErrorKind::InvalidMechanismProperty,
                span(),
                "MONGODB-OIDC with a callback takes no ENVIRONMENT: the callback supplies the \
                 tokens; remove ENVIRONMENT, or the callback",
            );
        }
        return typed;
    }
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
