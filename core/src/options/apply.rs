//! Applying the option table to `key=value` pairs: typed values, aliases, repeated keys, and the
//! rules between options (TLS conflicts, proxy, pool sizes, read preference).

use std::ops::Range;

use super::table::{
    Lookup, Mapping, PROXY_KEYS, Repeat, Spec, TLS_CONFLICTS, key, lookup, suggest,
};
use super::validated::{OptionEntry, Options};
use super::value::{OptionValue, RawPair, typed_value};
use crate::error::{ErrorKind, MAY_HOLD_A_PASSWORD, Report, WarningKind};

impl Options {
    /// Applies the option table to `key`/`value` pairs that do not come from a connection string (a
    /// structured config table, for example): the same keys, aliases, value types, ranges, repeated-key
    /// rules, TLS conflict table and proxy rules as in a URI. Values are taken as they are (no
    /// percent-decoding). Spans are empty (`0..0`).
    ///
    /// Rules that need the hosts or the scheme (`mongodb+srv`, `directConnection`, `loadBalanced`) and
    /// the credential rules are not applied here; see [`crate::rules::validate_credential`] for the
    /// latter.
    ///
    /// ```
    /// use mongo_auth_core::{ErrorKind, Options};
    /// let (options, warnings) =
    ///     Options::from_pairs([("tlsCAFile", "ca.pem"), ("connectTimeoutMS", "-1")]).unwrap();
    /// assert_eq!(options.tls_ca_file(), Some("ca.pem"));
    /// assert_eq!(options.connect_timeout_ms(), None); // invalid, ignored with a warning
    /// assert_eq!(warnings.len(), 1);
    ///
    /// let errors = Options::from_pairs([("tlsInsecure", "true"), ("tlsAllowInvalidHostnames", "true")])
    ///     .unwrap_err();
    /// assert_eq!(errors.first().kind(), ErrorKind::ConflictingOptions);
    ///
    /// // refused input keeps its warnings
    /// let errors = Options::from_pairs([("tlsInsecure", "true"), ("tlsAllowInvalidHostnames", "true"), ("replicaSett", "rs0")])
    ///     .unwrap_err();
    /// assert_eq!(errors.warnings().len(), 1);
    /// ```
    pub fn from_pairs<K, V>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Result<(Options, Vec<crate::Warning>), crate::Errors>
    where
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let pairs: Vec<(K, V)> = pairs.into_iter().collect();
        let raw: Vec<RawPair<'_>> = pairs
            .iter()
            .map(|(k, v)| RawPair {
                key: std::borrow::Cow::Borrowed(k.as_ref()),
                row: lookup(k.as_ref()),
                key_span: 0..0,
                value: std::borrow::Cow::Borrowed(v.as_ref()),
                value_span: 0..0,
                span: 0..0,
            })
            .collect();
        let mut report = crate::error::Report::default();
        let options = apply(&raw, &mut report);
        match crate::Errors::from_vec(std::mem::take(&mut report.errors)) {
            Some(errors) => Err(errors.with_warnings(report.warnings)),
            None => Ok((options, report.warnings)),
        }
    }
}

/// Applies the option table to the pairs: typed values, aliases, repeated keys, the TLS conflict table
/// and the proxy rules. Invalid values are dropped with a warning.
pub(crate) fn apply(pairs: &[RawPair<'_>], report: &mut Report) -> Options {
    let mut options = Options::with_capacity(pairs.len() + 1);
    let mut pymongo3_span: Option<Range<usize>> = None;

    for pair in pairs {
        let Some(found) = pair.row else {
            let message = match suggest(&pair.key) {
                _ if !report.shows(&pair.key_span) => format!(
                    "an unknown option is ignored (not shown: {MAY_HOLD_A_PASSWORD}): check its \
                     spelling against the connection-string options, or remove it"
                ),
                Some(best) => {
                    format!(
                        "unknown option `{}` is ignored: did you mean `{best}`?",
                        pair.key
                    )
                }
                None => format!(
                    "unknown option `{}` is ignored: check its spelling against the \
                     connection-string options, or remove it",
                    pair.key
                ),
            };
            report.warn(WarningKind::UnknownOption, pair.key_span.clone(), message);
            continue;
        };
        let (spec, spelled, mapping) = match found {
            Lookup::Canonical(spec) => (spec, spec.key, Mapping::Same),
            Lookup::Alias(alias, spec) => {
                if alias.deprecated {
                    let extra = if alias.pymongo3 {
                        " (as in PyMongo 3, it also turns TLS on unless tls is given)"
                    } else {
                        ""
                    };
                    let replacement = match alias.mapping {
                        Mapping::Same => spec.key.to_owned(),
                        Mapping::CertReqs => format!(
                            "{}=true for CERT_NONE, or leave it out for CERT_REQUIRED",
                            spec.key
                        ),
                        Mapping::Inverted => {
                            format!("{}=true where it said {}=false", spec.key, alias.alias)
                        }
                    };
                    report.warn(
                        WarningKind::DeprecatedOption,
                        pair.key_span.clone(),
                        format!("`{}` is deprecated: use {replacement}{extra}", alias.alias),
                    );
                }
                if alias.pymongo3 && pymongo3_span.is_none() {
                    pymongo3_span = Some(pair.span.clone());
                }
                (spec, alias.alias, alias.mapping)
            }
        };
        if spec.id == key!("gssapiServiceName") {
            report.warn(
                WarningKind::DeprecatedOption,
                pair.key_span.clone(),
                "`gssapiServiceName` is deprecated: use authMechanismProperties=SERVICE_NAME:<name>",
            );
        }
        if spec.id == key!("ssl_keyfile") && pymongo3_span.is_none() {
            pymongo3_span = Some(pair.span.clone());
        }
        if spec.id == key!("ssl_keyfile") {
            report.warn(
                WarningKind::DeprecatedOption,
                pair.key_span.clone(),
                "`ssl_keyfile` is deprecated: put the private key in the tlsCertificateKeyFile file \
                 after the certificate (as in PyMongo 3, it also turns TLS on unless tls is given)",
            );
        }
        let Some(value) = typed_value(spec, spelled, mapping, pair, report) else {
            continue;
        };
        merge(&mut options, spec, spelled, value, pair, report);
    }

    // A PyMongo 3 `ssl_*` option turns TLS on, and contradicts an explicit `tls=false`.
    if let Some(span) = pymongo3_span {
        match options.tls() {
            None => options.push(OptionEntry::new(
                key!("tls"),
                "tls",
                OptionValue::Bool(true),
                span,
            )),
            Some(true) => {}
            Some(false) => {
                let tls_span = options
                    .canonical(key!("tls"))
                    .map(OptionEntry::span)
                    .unwrap_or_default();
                report.error(
                    ErrorKind::ConflictingOptions,
                    tls_span,
                    "tls=false contradicts the PyMongo 3 ssl_* options, which need TLS: remove \
                     tls=false or the ssl_* options",
                );
            }
        }
    }

    check_tls_conflicts(&options, report);
    check_proxy(&options, report);
    check_pool_and_read_preference(&options, report);
    options
}

/// `appName` length, `minPoolSize` ≤ `maxPoolSize`, and no tags or staleness with the primary mode.
fn check_pool_and_read_preference(options: &Options, report: &mut Report) {
    if let Some(entry) = options.canonical(key!("appName"))
        && let Some(Err(problem)) = entry.value().as_str().map(crate::rules::check_app_name)
    {
        report.error(ErrorKind::InvalidOptionValue, entry.span(), problem);
    }
    let int = |key| options.canonical(key).and_then(|e| e.value().as_int());
    if let (Some(min), Some(max)) = (int(key!("minPoolSize")), int(key!("maxPoolSize")))
        && max != 0
        && min > max
    {
        let span = options
            .canonical(key!("minPoolSize"))
            .map(OptionEntry::span)
            .unwrap_or_default();
        report.error(
            ErrorKind::ConflictingOptions,
            span,
            format!("minPoolSize={min} is larger than maxPoolSize={max}: lower minPoolSize or raise maxPoolSize"),
        );
    }
    let primary = options
        .canonical(key!("readPreference"))
        .and_then(|e| e.value().as_str())
        .is_none_or(|mode| mode == "primary");
    if !primary {
        return;
    }
    if let Some(tags) = options.canonical(key!("readPreferenceTags"))
        && matches!(tags.value(), OptionValue::MapList(sets) if sets.iter().any(|set| !set.is_empty()))
    {
        report.error(
            ErrorKind::ConflictingOptions,
            tags.span(),
            "readPreferenceTags cannot be used with the primary read preference (the default): add \
             readPreference=primaryPreferred, secondary, secondaryPreferred or nearest",
        );
    }
    if let Some(staleness) = options.canonical(key!("maxStalenessSeconds"))
        && staleness.value().as_int() != Some(-1)
    {
        report.error(
            ErrorKind::ConflictingOptions,
            staleness.span(),
            "maxStalenessSeconds cannot be used with the primary read preference (the default): add \
             readPreference=primaryPreferred, secondary, secondaryPreferred or nearest",
        );
    }
}

fn merge(
    options: &mut Options,
    spec: &'static Spec,
    spelled: &'static str,
    value: OptionValue,
    pair: &RawPair<'_>,
    report: &mut Report,
) {
    let Some(existing) = options.entry_mut(spec.id) else {
        options.push(OptionEntry::new(spec.id, spelled, value, pair.span.clone()));
        return;
    };
    match spec.repeat {
        Repeat::Append => {
            if let (OptionValue::MapList(list), OptionValue::MapList(more)) =
                (existing.value_mut(), value)
            {
                list.extend(more);
            }
            existing.set_span(pair.span.clone());
        }
        Repeat::Forbidden => report.error(
            ErrorKind::RepeatedOption,
            pair.span.clone(),
            format!("{} is given more than once: give it once", spec.key),
        ),
        Repeat::MustAgree => {
            if *existing.value() != value {
                report.error(
                    ErrorKind::ConflictingOptions,
                    pair.span.clone(),
                    format!(
                        "{}={} contradicts {}={}: give tls and ssl the same value, or keep only tls",
                        spelled,
                        value,
                        existing.spelled(),
                        existing.value()
                    ),
                );
            }
        }
        Repeat::LastWins if existing.spelled() == spelled => {
            report.warn(
                WarningKind::RepeatedOption,
                pair.key_span.clone(),
                format!(
                    "{} is given more than once: the last value is used",
                    spec.key
                ),
            );
            *existing.value_mut() = value;
            existing.set_span(pair.span.clone());
        }
        Repeat::LastWins if spec.id == key!("wTimeoutMS") => {
            // The spec resolves `wtimeout` + `wTimeoutMS` in favour of `wTimeoutMS`, with a warning
            // (the deprecation warning of `wtimeout`).
            if spelled == "wTimeoutMS" {
                *existing.value_mut() = value;
                existing.set_span(pair.span.clone());
                existing.set_spelled(spelled);
            }
        }
        Repeat::LastWins => {
            if *existing.value() != value {
                let shown = |v: &OptionValue| match v {
                    OptionValue::Secret(_) => "a different value".to_owned(),
                    other => format!("`{other}`"),
                };
                report.error(
                    ErrorKind::ConflictingOptions,
                    pair.span.clone(),
                    format!(
                        "{spelled} means {} {} but {} says {}: give only {}",
                        spec.key,
                        shown(&value),
                        existing.spelled(),
                        shown(existing.value()),
                        spec.key
                    ),
                );
            }
        }
    }
}

fn check_tls_conflicts(options: &Options, report: &mut Report) {
    for &(a, b, why) in TLS_CONFLICTS {
        let (Some(first), Some(second)) = (options.canonical(a), options.canonical(b)) else {
            continue;
        };
        let span = if first.span().start > second.span().start {
            first.span()
        } else {
            second.span()
        };
        report.error(
            ErrorKind::ConflictingOptions,
            span,
            format!(
                "{} cannot be combined with {} ({why}): remove one of them",
                a.name(),
                b.name()
            ),
        );
    }
}

fn check_proxy(options: &Options, report: &mut Report) {
    let host = options.canonical(key!("proxyHost"));
    if host.is_none() {
        for key in PROXY_KEYS[1..].iter().copied() {
            if let Some(entry) = options.canonical(key) {
                report.error(
                    ErrorKind::ProxyRule,
                    entry.span(),
                    format!(
                        "{} needs proxyHost: add proxyHost=<SOCKS5 proxy host>",
                        key.name()
                    ),
                );
            }
        }
    }
    match (
        options.canonical(key!("proxyUsername")),
        options.canonical(key!("proxyPassword")),
    ) {
        (Some(user), None) => report.error(
            ErrorKind::ProxyRule,
            user.span(),
            "proxyUsername needs proxyPassword: add proxyPassword=<password>",
        ),
        (None, Some(password)) => report.error(
            ErrorKind::ProxyRule,
            password.span(),
            "proxyPassword needs proxyUsername: add proxyUsername=<user>",
        ),
        _ => {}
    }
}
