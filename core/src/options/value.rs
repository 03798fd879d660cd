//! What an option's value is, and how the text of a `key=value` pair becomes one.

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;

use super::table::{COMPRESSORS, I32, Kind, Mapping, Spec};
use crate::Password;
use crate::error::{MAY_HOLD_A_PASSWORD, Report, WarningKind};

/// One `key=value` pair, decoded, with its spans in the original input.
#[derive(Clone)]
pub(crate) struct RawPair<'a> {
    pub(crate) key: Cow<'a, str>,
    /// The key's row in the option table ([`super::lookup`]), `None` for an unknown key.
    pub(crate) row: Option<super::Lookup>,
    pub(crate) key_span: Range<usize>,
    pub(crate) value: Cow<'a, str>,
    pub(crate) value_span: Range<usize>,
    pub(crate) span: Range<usize>,
}

/// A typed option value, comparable to what the spec's JSON tests expect.
///
/// Secrets (`tlsCertificateKeyFilePassword`, `proxyPassword`) are [`OptionValue::Secret`] so they never
/// print.
///
/// ```
/// use mongo_auth_core::{ConnectionString, OptionValue};
/// let uri = ConnectionString::parse(
///     "mongodb://db/?ssl=true&w=majority&wTimeoutMS=500&tlsCertificateKeyFilePassword=pencil",
/// )
/// .unwrap();
/// let options = uri.options();
/// assert_eq!(options.get("tls"), Some(&OptionValue::Bool(true)));
/// assert_eq!(options.get("w").and_then(OptionValue::as_str), Some("majority"));
/// assert_eq!(options.get("wtimeoutms").and_then(OptionValue::as_int), Some(500));
/// let secret = options.get("tlsCertificateKeyFilePassword").unwrap();
/// assert_eq!((secret.as_str(), secret.to_string()), (None, "<redacted>".to_owned()));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum OptionValue {
    /// A boolean option (`tls`, `directConnection`, …).
    Bool(bool),
    /// An integer option, within its range (`connectTimeoutMS`, `srvMaxHosts`, `w` as a number, …).
    Int(i64),
    /// A string option (`replicaSet`, `tlsCAFile`, `w` as a tag name, …).
    String(String),
    /// A secret string option (`tlsCertificateKeyFilePassword`, `proxyPassword`).
    Secret(Password),
    /// A list of strings (`compressors`).
    List(Vec<String>),
    /// A list of key/value maps, one per repetition of the key (`readPreferenceTags`); an empty map
    /// stands for the empty tag set.
    MapList(Vec<Vec<(String, String)>>),
    /// Key/value pairs in the order given (`authMechanismProperties`).
    Map(Vec<(String, String)>),
}

impl OptionValue {
    /// The boolean, if this is a boolean value.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            OptionValue::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The integer, if this is an integer value.
    pub fn as_int(&self) -> Option<i64> {
        match self {
            OptionValue::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// The string, if this is a (non-secret) string value.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            OptionValue::String(s) => Some(s),
            _ => None,
        }
    }

    /// The secret, if this is a secret value.
    pub fn as_secret(&self) -> Option<&Password> {
        match self {
            OptionValue::Secret(p) => Some(p),
            _ => None,
        }
    }
}

/// The value as it would be written in a URI (not percent-encoded); secrets print as `<redacted>`.
impl fmt::Display for OptionValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn pairs(f: &mut fmt::Formatter<'_>, pairs: &[(String, String)]) -> fmt::Result {
            for (i, (k, v)) in pairs.iter().enumerate() {
                if i > 0 {
                    f.write_str(",")?;
                }
                write!(f, "{k}:{v}")?;
            }
            Ok(())
        }
        match self {
            OptionValue::Bool(b) => write!(f, "{b}"),
            OptionValue::Int(i) => write!(f, "{i}"),
            OptionValue::String(s) => f.write_str(s),
            OptionValue::Secret(_) => f.write_str("<redacted>"),
            OptionValue::List(items) => f.write_str(&items.join(",")),
            OptionValue::MapList(maps) => {
                for (i, map) in maps.iter().enumerate() {
                    if i > 0 {
                        f.write_str("&")?;
                    }
                    pairs(f, map)?;
                }
                Ok(())
            }
            OptionValue::Map(map) => pairs(f, map),
        }
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

/// `true` or `false`, in any case.
pub(crate) fn parse_bool(text: &str) -> Option<bool> {
    // Setting bit 5 of a byte lower-cases a letter, and gives a lower-case letter only from that
    // letter in either case: one comparison of the whole word.
    let lower = |bytes: &[u8]| {
        bytes
            .iter()
            .fold(0u64, |word, &b| word << 8 | u64::from(b | 0x20))
    };
    match text.len() {
        4 if lower(text.as_bytes()) == lower(b"true") => Some(true),
        5 if lower(text.as_bytes()) == lower(b"false") => Some(false),
        _ => None,
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

pub(super) fn typed_value(
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
            if crate::rules::check_srv_service_name(text).is_ok() {
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

#[cfg(test)]
mod tests {
    use super::parse_bool;

    #[test]
    fn booleans_are_true_or_false_in_any_case_and_nothing_else() {
        for (text, want) in [
            ("true", true),
            ("TRUE", true),
            ("tRuE", true),
            ("false", false),
            ("FALSE", false),
            ("fAlSe", false),
        ] {
            assert_eq!(parse_bool(text), Some(want), "{text}");
        }
        // lengths, words and bytes that are not a letter of `true` or `false` in either case
        for text in [
            "",
            "t",
            "tru",
            "truee",
            "fals",
            "falsee",
            "yes",
            "1",
            "0",
            "on",
            "true ",
            " true",
            "4rue",
            "TRU\u{5}",
            "\u{14}RUE",
            "trué",
            "fa\u{13}se",
            "f\u{1}lse",
            "FALS\u{5}",
            "\u{6}alse",
        ] {
            assert_eq!(parse_bool(text), None, "{text:?}");
        }
    }
}
