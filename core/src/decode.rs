//! Percent-decoding of a connection string's parts, with an error at each malformed `%`.

use std::borrow::Cow;
use std::ops::Range;

use percent_encoding::percent_decode_str;

use crate::error::{ErrorKind, Report};

/// Checks that every `%` is followed by two hex digits, then decodes to UTF-8. `what` names the part in
/// messages (written only when there is a message); the decoded text never appears in them.
pub(crate) fn decode<'a>(
    input: &'a str,
    span: Range<usize>,
    kind: ErrorKind,
    what: &dyn std::fmt::Display,
    report: &mut Report,
) -> Option<Cow<'a, str>> {
    let text = &input[span.clone()];
    if !text.bytes().any(|b| b == b'%') {
        return Some(Cow::Borrowed(text));
    }
    let bytes = text.as_bytes();
    let mut ok = true;
    for (i, _) in text.match_indices('%') {
        let hex = |j: usize| bytes.get(j).is_some_and(u8::is_ascii_hexdigit);
        if !(hex(i + 1) && hex(i + 2)) {
            let ascii_after = bytes[i + 1..]
                .iter()
                .take(2)
                .take_while(|b| b.is_ascii())
                .count();
            let at = span.start + i;
            report.error(
                kind,
                at..at + 1 + ascii_after,
                format!(
                    "invalid percent-encoding in the {what}: `%` must be followed by two hex digits \
                     (write a literal `%` as %25)"
                ),
            );
            ok = false;
        }
    }
    if !ok {
        return None;
    }
    match percent_decode_str(text).decode_utf8() {
        Ok(decoded) => Some(Cow::Owned(decoded.into_owned())),
        Err(_) => {
            report.error(
                kind,
                span,
                format!("the {what} is not UTF-8 once percent-decoded: percent-encode UTF-8 bytes"),
            );
            None
        }
    }
}

/// The byte offset of the first `byte` (ASCII) in `text`. For the short parts of a connection string a
/// plain loop is cheaper than `str::find`'s searcher.
pub(crate) fn find_ascii(text: &str, byte: u8) -> Option<usize> {
    debug_assert!(byte.is_ascii());
    text.bytes().position(|b| b == byte)
}

/// The byte offset of the last `byte` (ASCII) in `text`.
pub(crate) fn rfind_ascii(text: &str, byte: u8) -> Option<usize> {
    debug_assert!(byte.is_ascii());
    text.bytes().rposition(|b| b == byte)
}

/// `text.split(separator)` for an ASCII separator (see [`find_ascii`]).
pub(crate) fn split_ascii(text: &str, separator: u8) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let current = rest?;
        match find_ascii(current, separator) {
            Some(i) => {
                rest = Some(&current[i + 1..]);
                Some(&current[..i])
            }
            None => {
                rest = None;
                Some(current)
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::{find_ascii, rfind_ascii, split_ascii};

    #[test]
    fn the_ascii_searches_agree_with_str_s() {
        for text in ["", "&", "a", "a&b", "&a&&b&", "ü&ß&", "key=value&k=v=w"] {
            assert_eq!(
                split_ascii(text, b'&').collect::<Vec<_>>(),
                text.split('&').collect::<Vec<_>>(),
                "{text:?}"
            );
            assert_eq!(find_ascii(text, b'='), text.find('='), "{text:?}");
            assert_eq!(rfind_ascii(text, b'&'), text.rfind('&'), "{text:?}");
        }
    }
}
