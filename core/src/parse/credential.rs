//! The credential of a connection string, from its userinfo, database and auth options (step 9 of the
//! grammar), by the rules of [`crate::rules`].

use std::ops::Range;

use crate::error::{ErrorKind, Report, WarningKind};
use crate::options::{OptionValue, Options, key};
use crate::rules::{self, CredentialParts, PartSpans};
use crate::{Mechanism, Password};

pub(super) struct CredentialInput<'a> {
    pub(super) userinfo_given: bool,
    pub(super) username: Option<String>,
    pub(super) password: Option<Password>,
    pub(super) user_span: Range<usize>,
    pub(super) password_span: Range<usize>,
    pub(super) userinfo_span: Range<usize>,
    pub(super) database: Option<&'a str>,
}

pub(super) fn build_credential(
    options: &Options,
    input: CredentialInput<'_>,
    report: &mut Report,
) -> Option<crate::Credential> {
    let mechanism_entry = options.canonical(key!("authMechanism"));
    let source_entry = options.canonical(key!("authSource"));
    let properties_entry = options.canonical(key!("authMechanismProperties"));
    let service_name_entry = options.canonical(key!("gssapiServiceName"));

    if !input.userinfo_given && mechanism_entry.is_none() {
        if let Some(source) = source_entry {
            rules::check_source_text(
                source.value().as_str().unwrap_or_default(),
                None,
                source.span(),
                report,
            );
        }
        for entry in [properties_entry, service_name_entry].into_iter().flatten() {
            report.warn(
                WarningKind::IgnoredOption,
                entry.span(),
                format!(
                    "{} is ignored because no credential is configured: add a user name or \
                     authMechanism",
                    entry.key()
                ),
            );
        }
        return None;
    }

    let mechanism: Option<Mechanism> = match mechanism_entry {
        Some(entry) => {
            let text = entry.value().as_str().unwrap_or_default();
            match rules::parse_mechanism_at(text, entry.span(), report) {
                Ok(mechanism) => mechanism,
                Err(error) => {
                    report.errors.push(error);
                    return None;
                }
            }
        }
        None => None,
    };

    let mut properties = match properties_entry.map(|e| e.value()) {
        Some(OptionValue::Map(pairs)) => pairs.clone(),
        _ => Vec::new(),
    };
    let mut properties_span = properties_entry.map(|e| e.span()).unwrap_or(0..0);
    if let Some(entry) = service_name_entry {
        let name = entry.value().as_str().unwrap_or_default();
        if mechanism != Some(Mechanism::Gssapi) {
            report.warn(
                WarningKind::IgnoredOption,
                entry.span(),
                "gssapiServiceName only applies to authMechanism=GSSAPI and is ignored: remove it",
            );
        } else {
            match properties
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("SERVICE_NAME"))
            {
                Some((_, given)) if given != name => report.error(
                    ErrorKind::ConflictingOptions,
                    entry.span(),
                    "gssapiServiceName contradicts SERVICE_NAME in authMechanismProperties: keep \
                     only SERVICE_NAME",
                ),
                Some(_) => {}
                None => {
                    properties.push(("SERVICE_NAME".to_owned(), name.to_owned()));
                    if properties_entry.is_none() {
                        properties_span = entry.span();
                    }
                }
            }
        }
    }

    let mechanism_span = mechanism_entry
        .map(|e| e.span())
        .unwrap_or(input.userinfo_span.clone());
    let spans = PartSpans {
        mechanism: mechanism_span,
        username: input.user_span,
        password: input.password_span,
        source: source_entry.map(|e| e.span()).unwrap_or(0..0),
        properties: properties_span,
        userinfo: input.userinfo_span,
    };
    let parts = CredentialParts {
        mechanism,
        username: input.username,
        password: input.password,
        source: source_entry
            .and_then(|e| e.value().as_str())
            .map(str::to_owned),
        database: None,
        properties,
        // a connection string cannot carry a callback
        oidc_callback_in_code: false,
    };
    rules::build_credential(parts, input.database, &spans, report)
}
