//! The URI-options table and the option rules (see [`crate::options`] for the documentation).

use std::borrow::Cow;
use std::ops::Range;

use crate::Password;
use crate::error::{ErrorKind, Report, WarningKind};
use crate::options::{OptionEntry, OptionValue, Options};
use crate::parse::MAY_HOLD_A_PASSWORD;

/// One `key=value` pair, decoded, with its spans in the original input.
#[derive(Clone, Debug)]
pub(crate) struct RawPair<'a> {
    pub(crate) key: Cow<'a, str>,
    pub(crate) key_span: Range<usize>,
    pub(crate) value: Cow<'a, str>,
    pub(crate) value_span: Range<usize>,
    pub(crate) span: Range<usize>,
}

#[derive(Clone, Copy, Debug)]
enum Kind {
    Bool,
    /// An integer in `min..=max`; the text says what is expected.
    Int(i64, i64, &'static str),
    /// `-1` or an integer of at least 90 (`maxStalenessSeconds`).
    Staleness,
    Str,
    Secret,
    /// A comma-separated list of compressor names.
    Compressors,
    /// `k:v,k:v`, one tag set per occurrence.
    Tags,
    /// `k:v,k:v` mechanism properties.
    Properties,
    /// A non-negative integer or a string (`w`).
    W,
    /// One of a fixed set of strings, matched case-insensitively and stored as spelled here.
    Choice(&'static [&'static str]),
    /// An RFC 6335 service name (`srvServiceName`).
    ServiceName,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Repeat {
    /// Warn and keep the last value.
    LastWins,
    /// Repeating is an error.
    Forbidden,
    /// Each occurrence adds to a list.
    Append,
    /// Every occurrence must have the same value (`tls`/`ssl`).
    MustAgree,
}

struct Spec {
    key: &'static str,
    kind: Kind,
    repeat: Repeat,
}

const I32: i64 = i32::MAX as i64;
const NON_NEGATIVE: &str = "a non-negative integer";
const POSITIVE: &str = "a positive integer";

const fn spec(key: &'static str, kind: Kind) -> Spec {
    Spec {
        key,
        kind,
        repeat: Repeat::LastWins,
    }
}

const fn once(key: &'static str, kind: Kind) -> Spec {
    Spec {
        key,
        kind,
        repeat: Repeat::Forbidden,
    }
}

/// Every option the library knows, by canonical key.
static SPECS: &[Spec] = &[
    spec("appName", Kind::Str),
    spec("authMechanism", Kind::Str),
    spec("authMechanismProperties", Kind::Properties),
    spec("authSource", Kind::Str),
    spec("compressors", Kind::Compressors),
    spec("connectTimeoutMS", Kind::Int(0, I32, NON_NEGATIVE)),
    spec("directConnection", Kind::Bool),
    spec("enableOverloadRetargeting", Kind::Bool),
    spec("gssapiServiceName", Kind::Str),
    spec(
        "heartbeatFrequencyMS",
        Kind::Int(500, I32, "an integer of at least 500"),
    ),
    spec("journal", Kind::Bool),
    spec("loadBalanced", Kind::Bool),
    spec("localThresholdMS", Kind::Int(0, I32, NON_NEGATIVE)),
    spec("maxAdaptiveRetries", Kind::Int(0, I32, NON_NEGATIVE)),
    spec("maxConnecting", Kind::Int(1, I32, POSITIVE)),
    spec("maxIdleTimeMS", Kind::Int(0, I32, NON_NEGATIVE)),
    spec("maxPoolSize", Kind::Int(0, I32, NON_NEGATIVE)),
    spec("maxStalenessSeconds", Kind::Staleness),
    spec("minPoolSize", Kind::Int(0, I32, NON_NEGATIVE)),
    once("proxyHost", Kind::Str),
    once("proxyPassword", Kind::Secret),
    once(
        "proxyPort",
        Kind::Int(0, 65535, "a port number (0 to 65535)"),
    ),
    once("proxyUsername", Kind::Str),
    spec("readConcernLevel", Kind::Str),
    spec(
        "readPreference",
        Kind::Choice(&[
            "primary",
            "primaryPreferred",
            "secondary",
            "secondaryPreferred",
            "nearest",
        ]),
    ),
    Spec {
        key: "readPreferenceTags",
        kind: Kind::Tags,
        repeat: Repeat::Append,
    },
    spec("replicaSet", Kind::Str),
    spec("retryReads", Kind::Bool),
    spec("retryWrites", Kind::Bool),
    spec(
        "serverMonitoringMode",
        Kind::Choice(&["stream", "poll", "auto"]),
    ),
    spec("serverSelectionTimeoutMS", Kind::Int(1, I32, POSITIVE)),
    spec("serverSelectionTryOnce", Kind::Bool),
    spec("socketTimeoutMS", Kind::Int(0, I32, NON_NEGATIVE)),
    spec("srvMaxHosts", Kind::Int(0, I32, NON_NEGATIVE)),
    spec("srvServiceName", Kind::ServiceName),
    spec("ssl_keyfile", Kind::Str),
    spec("timeoutMS", Kind::Int(0, i64::MAX, NON_NEGATIVE)),
    Spec {
        key: "tls",
        kind: Kind::Bool,
        repeat: Repeat::MustAgree,
    },
    spec("tlsAllowInvalidCertificates", Kind::Bool),
    spec("tlsAllowInvalidHostnames", Kind::Bool),
    spec("tlsCAFile", Kind::Str),
    spec("tlsCertificateKeyFile", Kind::Str),
    spec("tlsCertificateKeyFilePassword", Kind::Secret),
    spec("tlsCRLFile", Kind::Str),
    spec("tlsDisableCertificateRevocationCheck", Kind::Bool),
    spec("tlsDisableOCSPEndpointCheck", Kind::Bool),
    spec("tlsInsecure", Kind::Bool),
    spec("w", Kind::W),
    spec("waitQueueTimeoutMS", Kind::Int(1, I32, POSITIVE)),
    spec("wTimeoutMS", Kind::Int(0, i64::MAX, NON_NEGATIVE)),
    spec(
        "zlibCompressionLevel",
        Kind::Int(-1, 9, "an integer from -1 to 9"),
    ),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mapping {
    /// The value means the same under both names.
    Same,
    /// `ssl_cert_reqs`: `CERT_NONE` → `true`, `CERT_REQUIRED`/`CERT_OPTIONAL` → `false`.
    CertReqs,
    /// A boolean with the opposite meaning (`ssl_match_hostname`).
    Inverted,
}

struct Alias {
    alias: &'static str,
    target: &'static str,
    mapping: Mapping,
    deprecated: bool,
    /// A PyMongo 3 option: turns TLS on when `tls`/`ssl` is absent.
    pymongo3: bool,
}

const fn alias(alias: &'static str, target: &'static str) -> Alias {
    Alias {
        alias,
        target,
        mapping: Mapping::Same,
        deprecated: true,
        pymongo3: false,
    }
}

const fn pymongo3(alias: &'static str, target: &'static str, mapping: Mapping) -> Alias {
    Alias {
        alias,
        target,
        mapping,
        deprecated: true,
        pymongo3: true,
    }
}

static ALIASES: &[Alias] = &[
    Alias {
        alias: "ssl",
        target: "tls",
        mapping: Mapping::Same,
        deprecated: false,
        pymongo3: false,
    },
    alias("wtimeout", "wTimeoutMS"),
    pymongo3("ssl_certfile", "tlsCertificateKeyFile", Mapping::Same),
    pymongo3(
        "ssl_pem_passphrase",
        "tlsCertificateKeyFilePassword",
        Mapping::Same,
    ),
    pymongo3("ssl_ca_certs", "tlsCAFile", Mapping::Same),
    pymongo3(
        "ssl_cert_reqs",
        "tlsAllowInvalidCertificates",
        Mapping::CertReqs,
    ),
    pymongo3(
        "ssl_match_hostname",
        "tlsAllowInvalidHostnames",
        Mapping::Inverted,
    ),
    pymongo3("ssl_crlfile", "tlsCRLFile", Mapping::Same),
    alias("sslCAFile", "tlsCAFile"),
    alias("sslPEMKeyFile", "tlsCertificateKeyFile"),
    alias("sslPEMKeyPassword", "tlsCertificateKeyFilePassword"),
    alias("sslAllowInvalidCertificates", "tlsAllowInvalidCertificates"),
    alias("sslAllowInvalidHostnames", "tlsAllowInvalidHostnames"),
    alias("sslCRLFile", "tlsCRLFile"),
];

/// The options whose mere presence conflicts with each other (the URI-options spec's table).
const TLS_CONFLICTS: &[(&str, &str, &str)] = &[
    (
        "tlsInsecure",
        "tlsAllowInvalidCertificates",
        "tlsInsecure already allows invalid certificates",
    ),
    (
        "tlsInsecure",
        "tlsAllowInvalidHostnames",
        "tlsInsecure already allows invalid hostnames",
    ),
    (
        "tlsInsecure",
        "tlsDisableOCSPEndpointCheck",
        "tlsInsecure already disables OCSP",
    ),
    (
        "tlsInsecure",
        "tlsDisableCertificateRevocationCheck",
        "tlsInsecure already disables revocation checks",
    ),
    (
        "tlsAllowInvalidCertificates",
        "tlsDisableOCSPEndpointCheck",
        "with invalid certificates allowed, OCSP is not checked",
    ),
    (
        "tlsAllowInvalidCertificates",
        "tlsDisableCertificateRevocationCheck",
        "with invalid certificates allowed, revocation is not checked",
    ),
    (
        "tlsDisableOCSPEndpointCheck",
        "tlsDisableCertificateRevocationCheck",
        "disabling revocation checks already disables OCSP",
    ),
];

const COMPRESSORS: &[&str] = &["snappy", "zlib", "zstd"];

const PROXY_KEYS: &[&str] = &["proxyHost", "proxyPort", "proxyUsername", "proxyPassword"];

fn find_spec(canonical: &str) -> &'static Spec {
    SPECS
        .iter()
        .find(|s| s.key == canonical)
        .expect("every alias target is in the table")
}

enum Lookup {
    Canonical(&'static Spec),
    Alias(&'static Alias, &'static Spec),
}

fn lookup(key: &str) -> Option<Lookup> {
    if let Some(spec) = SPECS.iter().find(|s| s.key.eq_ignore_ascii_case(key)) {
        return Some(Lookup::Canonical(spec));
    }
    ALIASES
        .iter()
        .find(|a| a.alias.eq_ignore_ascii_case(key))
        .map(|a| Lookup::Alias(a, find_spec(a.target)))
}

/// The canonical key for a key or alias, case-insensitively.
pub(crate) fn canonical_key(key: &str) -> Option<&'static str> {
    match lookup(key)? {
        Lookup::Canonical(spec) | Lookup::Alias(_, spec) => Some(spec.key),
    }
}

/// The canonical key of a secret-valued option (`tlsCertificateKeyFilePassword`, `proxyPassword` and
/// their aliases), case-insensitively: its value is never quoted.
pub(crate) fn secret_key(key: &str) -> Option<&'static str> {
    match lookup(key)? {
        Lookup::Canonical(spec) | Lookup::Alias(_, spec) => {
            matches!(spec.kind, Kind::Secret).then_some(spec.key)
        }
    }
}

/// Every key and alias the library knows (for suggestions).
fn known_keys() -> impl Iterator<Item = &'static str> {
    SPECS
        .iter()
        .map(|s| s.key)
        .chain(ALIASES.iter().map(|a| a.alias))
}

/// The closest known key to an unknown one, when it is close enough to be a likely typo.
///
/// A key whose length differs from a known key's by more than the limit cannot be within it (the
/// difference is a lower bound of the edit distance), so only keys of about the right length are
/// compared: a hostile key of a megabyte costs one count of its characters, not a distance
/// computation per known key.
pub(crate) fn suggest(key: &str) -> Option<&'static str> {
    let length = key.chars().count();
    let limit = (length / 3).clamp(1, 3);
    known_keys()
        .filter(|known| known.len().abs_diff(length) <= limit)
        .filter_map(|known| Some((edit_distance_within(key, known, limit)?, known)))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, known)| known)
}

/// Levenshtein distance over chars, ignoring ASCII case, when it is at most `limit`: a row whose
/// every cell is over the limit ends the computation (the distance only grows from there).
fn edit_distance_within(a: &str, b: &str, limit: usize) -> Option<usize> {
    let b: Vec<char> = b.chars().map(|c| c.to_ascii_lowercase()).collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.chars().map(|c| c.to_ascii_lowercase()).enumerate() {
        current[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        if current.iter().all(|&cell| cell > limit) {
            return None;
        }
        std::mem::swap(&mut previous, &mut current);
    }
    Some(previous[b.len()]).filter(|&distance| distance <= limit)
}

/// How an entry was spelled, to tell repeated keys from alias/modern pairs.
struct Origin {
    key: &'static str,
    spelled: &'static str,
}

/// Applies the option table to the pairs: typed values, aliases, repeated keys, the TLS conflict table
/// and the proxy rules. Invalid values are dropped with a warning.
pub(crate) fn apply(pairs: &[RawPair<'_>], report: &mut Report) -> Options {
    let mut options = Options::default();
    options.entries_mut().reserve(pairs.len() + 1);
    let mut origins: Vec<Origin> = Vec::with_capacity(pairs.len());
    let mut pymongo3_span: Option<Range<usize>> = None;

    for pair in pairs {
        let Some(found) = lookup(&pair.key) else {
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
        if spec.key == "gssapiServiceName" {
            report.warn(
                WarningKind::DeprecatedOption,
                pair.key_span.clone(),
                "`gssapiServiceName` is deprecated: use authMechanismProperties=SERVICE_NAME:<name>",
            );
        }
        if spec.key == "ssl_keyfile" && pymongo3_span.is_none() {
            pymongo3_span = Some(pair.span.clone());
        }
        if spec.key == "ssl_keyfile" {
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
        merge(
            &mut options,
            &mut origins,
            spec,
            spelled,
            value,
            pair,
            report,
        );
    }

    // A PyMongo 3 `ssl_*` option turns TLS on, and contradicts an explicit `tls=false`.
    if let Some(span) = pymongo3_span {
        match options.tls() {
            None => {
                options
                    .entries_mut()
                    .push(OptionEntry::new("tls", OptionValue::Bool(true), span))
            }
            Some(true) => {}
            Some(false) => {
                let tls_span = options
                    .canonical("tls")
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
    if let Some(entry) = options.canonical("appName")
        && let Some(Err(problem)) = entry.value().as_str().map(crate::rules::check_app_name)
    {
        report.error(ErrorKind::InvalidOptionValue, entry.span(), problem);
    }
    let int = |key| options.canonical(key).and_then(|e| e.value().as_int());
    if let (Some(min), Some(max)) = (int("minPoolSize"), int("maxPoolSize"))
        && max != 0
        && min > max
    {
        let span = options
            .canonical("minPoolSize")
            .map(OptionEntry::span)
            .unwrap_or_default();
        report.error(
            ErrorKind::ConflictingOptions,
            span,
            format!("minPoolSize={min} is larger than maxPoolSize={max}: lower minPoolSize or raise maxPoolSize"),
        );
    }
    let primary = options
        .canonical("readPreference")
        .and_then(|e| e.value().as_str())
        .is_none_or(|mode| mode == "primary");
    if !primary {
        return;
    }
    if let Some(tags) = options.canonical("readPreferenceTags")
        && matches!(tags.value(), OptionValue::MapList(sets) if sets.iter().any(|set| !set.is_empty()))
    {
        report.error(
            ErrorKind::ConflictingOptions,
            tags.span(),
            "readPreferenceTags cannot be used with the primary read preference (the default): add \
             readPreference=primaryPreferred, secondary, secondaryPreferred or nearest",
        );
    }
    if let Some(staleness) = options.canonical("maxStalenessSeconds")
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
    origins: &mut Vec<Origin>,
    spec: &'static Spec,
    spelled: &'static str,
    value: OptionValue,
    pair: &RawPair<'_>,
    report: &mut Report,
) {
    let Some(existing) = options.entry_mut(spec.key) else {
        options
            .entries_mut()
            .push(OptionEntry::new(spec.key, value, pair.span.clone()));
        origins.push(Origin {
            key: spec.key,
            spelled,
        });
        return;
    };
    let origin = origins
        .iter_mut()
        .find(|o| o.key == spec.key)
        .expect("every entry has an origin");
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
                        origin.spelled,
                        existing.value()
                    ),
                );
            }
        }
        Repeat::LastWins if origin.spelled == spelled => {
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
        Repeat::LastWins if spec.key == "wTimeoutMS" => {
            // The spec resolves `wtimeout` + `wTimeoutMS` in favour of `wTimeoutMS`, with a warning
            // (the deprecation warning of `wtimeout`).
            if spelled == "wTimeoutMS" {
                *existing.value_mut() = value;
                existing.set_span(pair.span.clone());
                origin.spelled = spelled;
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
                        origin.spelled,
                        shown(existing.value()),
                        spec.key
                    ),
                );
            }
        }
    }
}

fn check_tls_conflicts(options: &Options, report: &mut Report) {
    for (a, b, why) in TLS_CONFLICTS {
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
            format!("{a} cannot be combined with {b} ({why}): remove one of them"),
        );
    }
}

fn check_proxy(options: &Options, report: &mut Report) {
    let host = options.canonical("proxyHost");
    if host.is_none() {
        for key in &PROXY_KEYS[1..] {
            if let Some(entry) = options.canonical(key) {
                report.error(
                    ErrorKind::ProxyRule,
                    entry.span(),
                    format!("{key} needs proxyHost: add proxyHost=<SOCKS5 proxy host>"),
                );
            }
        }
    }
    match (
        options.canonical("proxyUsername"),
        options.canonical("proxyPassword"),
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

/// Warns that a value is invalid and ignored. Only called for non-secret options: it shows the value,
/// unless it may be part of a password.
fn invalid(report: &mut Report, pair: &RawPair<'_>, spelled: &str, expected: &str) {
    let shown = if pair.value.is_empty() {
        " (empty)".to_owned()
    } else if !report.shows(&pair.value_span) {
        format!(" (not shown: {MAY_HOLD_A_PASSWORD})")
    } else {
        format!(" `{}`", pair.value)
    };
    report.warn(
        WarningKind::InvalidValue,
        pair.span.clone(),
        format!("{spelled} has an invalid value{shown} and is ignored: use {expected}"),
    );
}

pub(crate) fn parse_bool(text: &str) -> Option<bool> {
    if text.eq_ignore_ascii_case("true") {
        Some(true)
    } else if text.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

fn parse_int(text: &str) -> Option<i64> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Splits `k:v,k:v` into pairs (each on its first `:`); `None` names the first piece without a `:`.
fn split_pairs(text: &str) -> (Vec<(String, String)>, Vec<String>) {
    let mut pairs = Vec::new();
    let mut bad = Vec::new();
    for piece in text.split(',') {
        match piece.split_once(':') {
            Some((k, v)) => pairs.push((k.to_owned(), v.to_owned())),
            None => bad.push(piece.to_owned()),
        }
    }
    (pairs, bad)
}

pub(crate) fn valid_service_name(name: &str) -> bool {
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

fn typed_value(
    spec: &Spec,
    spelled: &str,
    mapping: Mapping,
    pair: &RawPair<'_>,
    report: &mut Report,
) -> Option<OptionValue> {
    let text = &*pair.value;
    match (spec.kind, mapping) {
        (Kind::Bool, Mapping::CertReqs) => match text {
            "CERT_NONE" => Some(OptionValue::Bool(true)),
            "CERT_REQUIRED" | "CERT_OPTIONAL" => Some(OptionValue::Bool(false)),
            _ => {
                invalid(
                    report,
                    pair,
                    spelled,
                    "CERT_NONE, CERT_OPTIONAL or CERT_REQUIRED",
                );
                None
            }
        },
        (Kind::Bool, _) => match parse_bool(text) {
            Some(b) => Some(OptionValue::Bool(if mapping == Mapping::Inverted {
                !b
            } else {
                b
            })),
            None => {
                invalid(report, pair, spelled, "true or false");
                None
            }
        },
        (Kind::Int(min, max, expected), _) => match parse_int(text) {
            Some(i) if (min..=max).contains(&i) => Some(OptionValue::Int(i)),
            _ => {
                invalid(report, pair, spelled, expected);
                None
            }
        },
        (Kind::Staleness, _) => match parse_int(text) {
            Some(i) if i == -1 || (90..=I32).contains(&i) => Some(OptionValue::Int(i)),
            _ => {
                invalid(
                    report,
                    pair,
                    spelled,
                    "-1 (no maximum) or a number of seconds of at least 90",
                );
                None
            }
        },
        (Kind::Str, _) => Some(OptionValue::String(text.to_owned())),
        (Kind::Secret, _) => Some(OptionValue::Secret(Password::new(text))),
        (Kind::ServiceName, _) => {
            if valid_service_name(text) {
                Some(OptionValue::String(text.to_owned()))
            } else {
                invalid(
                    report,
                    pair,
                    spelled,
                    "an SRV service name (1 to 15 letters, digits and single hyphens)",
                );
                None
            }
        }
        (Kind::Choice(choices), _) => match choices.iter().find(|c| c.eq_ignore_ascii_case(text)) {
            Some(choice) => Some(OptionValue::String((*choice).to_owned())),
            None => {
                invalid(
                    report,
                    pair,
                    spelled,
                    &format!("one of {}", choices.join(", ")),
                );
                None
            }
        },
        (Kind::W, _) => match parse_int(text) {
            Some(i) if (0..=I32).contains(&i) => Some(OptionValue::Int(i)),
            Some(_) => {
                invalid(
                    report,
                    pair,
                    spelled,
                    "a non-negative integer or a tag name such as majority",
                );
                None
            }
            None if text.is_empty() => {
                invalid(
                    report,
                    pair,
                    spelled,
                    "a non-negative integer or a tag name such as majority",
                );
                None
            }
            None => Some(OptionValue::String(text.to_owned())),
        },
        (Kind::Compressors, _) => {
            let mut list = Vec::new();
            for name in text.split(',') {
                if let Some(known) = COMPRESSORS.iter().find(|c| c.eq_ignore_ascii_case(name)) {
                    list.push((*known).to_owned());
                } else {
                    let shown = if report.shows(&pair.value_span) {
                        format!("`{name}`")
                    } else {
                        format!("(not shown: {MAY_HOLD_A_PASSWORD})")
                    };
                    report.warn(
                        WarningKind::InvalidValue,
                        pair.span.clone(),
                        format!(
                            "compressor {shown} is not known and is ignored: use snappy, zlib or zstd"
                        ),
                    );
                }
            }
            (!list.is_empty()).then_some(OptionValue::List(list))
        }
        (Kind::Tags, _) => {
            if text.is_empty() {
                return Some(OptionValue::MapList(vec![Vec::new()]));
            }
            let (pairs, bad) = split_pairs(text);
            if bad.is_empty() {
                Some(OptionValue::MapList(vec![pairs]))
            } else {
                invalid(
                    report,
                    pair,
                    spelled,
                    "tag:value pairs separated by commas (dc:ny,rack:1)",
                );
                None
            }
        }
        (Kind::Properties, _) => {
            let (pairs, bad) = split_pairs(text);
            for piece in bad {
                let shown = if report.shows(&pair.value_span) {
                    format!("`{piece}`")
                } else {
                    format!("(not shown: {MAY_HOLD_A_PASSWORD})")
                };
                report.warn(
                    WarningKind::InvalidValue,
                    pair.value_span.clone(),
                    format!(
                        "authMechanismProperties piece {shown} has no `:` and is ignored: write \
                         KEY:value pairs separated by commas (a value cannot contain a comma)"
                    ),
                );
            }
            if pairs.is_empty() {
                return None;
            }
            Some(OptionValue::Map(pairs))
        }
    }
}
