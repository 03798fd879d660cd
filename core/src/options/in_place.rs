//! One option as the in-place reader ([`crate::ConnectionStringRef`]) takes it: a canonical key
//! spelled as in the table and a value of a simple kind that is valid as it stands. Anything else
//! (an alias, a deprecated key, a value the table would warn about, a key another option's rule
//! reads) is left to the full parser, which reports it.

use super::table::{I32, Key, Kind, PROXY_KEYS, TLS_CONFLICTS, canonical_exact, key};
use super::value::parse_bool;

/// A value the in-place reader took.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Checked<'a> {
    Bool(bool),
    Int(i64),
    /// The value as given (a string, or `w`'s tag name): the caller checks its bytes.
    Text(&'a str),
    /// The table's spelling of the choice the value names.
    Choice(&'static str),
}

/// The keys with a rule beyond their own value that the in-place reader does not apply itself:
/// the TLS conflicts, the proxy rules, the `mongodb+srv` and load-balancer rules, the read
/// preference's tags and staleness, and the deprecated keys.
const FULL_PARSER_ONLY: u64 = {
    let mut set = 0u64;
    let mut i = 0;
    while i < TLS_CONFLICTS.len() {
        set |= TLS_CONFLICTS[i].0.bit() | TLS_CONFLICTS[i].1.bit();
        i += 1;
    }
    let mut i = 0;
    while i < PROXY_KEYS.len() {
        set |= PROXY_KEYS[i].bit();
        i += 1;
    }
    let others = [
        key!("srvServiceName"),
        key!("srvMaxHosts"),
        key!("loadBalanced"),
        key!("readPreferenceTags"),
        key!("maxStalenessSeconds"),
        key!("authMechanismProperties"),
        key!("gssapiServiceName"),
        key!("ssl_keyfile"),
    ];
    let mut i = 0;
    while i < others.len() {
        set |= others[i].bit();
        i += 1;
    }
    set
};

/// `key=value` as the in-place reader takes it, or `None` for the full parser.
#[inline]
pub(crate) fn check_in_place<'a>(key: &str, value: &'a str) -> Option<(Key, Checked<'a>)> {
    let spec = canonical_exact(key)?;
    if FULL_PARSER_ONLY & spec.id.bit() != 0 {
        return None;
    }
    let checked = match spec.kind {
        Kind::Bool => Checked::Bool(parse_bool(value)?),
        Kind::Int(min, max, _) => {
            let i = digits(value)?;
            if !(min..=max).contains(&i) {
                return None;
            }
            Checked::Int(i)
        }
        Kind::Str if !value.is_empty() => Checked::Text(value),
        Kind::Choice(choices) => {
            Checked::Choice(choices.iter().find(|c| c.eq_ignore_ascii_case(value))?)
        }
        Kind::W => match digits(value) {
            Some(i) if i <= I32 => Checked::Int(i),
            Some(_) => return None,
            // a sign, or a number too long for `digits`: the full parser reads it
            None if value.is_empty() || value.bytes().any(|b| b.is_ascii_digit() || b == b'-') => {
                return None;
            }
            None => Checked::Text(value),
        },
        _ => return None,
    };
    Some((spec.id, checked))
}

/// A non-negative integer of at most 18 digits (no sign: the full parser reads signed ones).
fn digits(text: &str) -> Option<i64> {
    if text.is_empty() || text.len() > 18 {
        return None;
    }
    let mut n: i64 = 0;
    for b in text.bytes() {
        if !b.is_ascii_digit() {
            return None;
        }
        n = n * 10 + i64::from(b - b'0');
    }
    Some(n)
}
