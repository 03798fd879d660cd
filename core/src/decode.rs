//! Percent-decoding of a connection string's parts, with an error at each malformed `%`.

use std::borrow::Cow;
use std::ops::Range;

use percent_encoding::percent_decode_str;

use crate::error::{ErrorKind, Report};

/// Checks that every `%` is followed by two hex digits, then decodes to UTF-8. `what` names the part in
/// messages (written only when there is a message); the decoded text never appears in them.
#[inline]
pub(crate) fn decode<'a>(
    input: &'a str,
    span: Range<usize>,
    kind: ErrorKind,
    what: &dyn std::fmt::Display,
    report: &mut Report,
) -> Option<Cow<'a, str>> {
    let text = &input[span.clone()];
    if find_ascii(text, b'%').is_none() {
        return Some(Cow::Borrowed(text));
    }
    decode_escaped(text, span, kind, what, report)
}

/// [`decode`] of a text with a `%` in it.
#[inline(never)]
fn decode_escaped<'a>(
    text: &'a str,
    span: Range<usize>,
    kind: ErrorKind,
    what: &dyn std::fmt::Display,
    report: &mut Report,
) -> Option<Cow<'a, str>> {
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

const ONES: u64 = 0x0101_0101_0101_0101;
const LOW_SEVEN: u64 = 0x7f7f_7f7f_7f7f_7f7f;

/// The high bit of each byte of `word` that is zero, and no other bit (exact: no carries between
/// bytes).
fn zero_bytes(word: u64) -> u64 {
    !(((word & LOW_SEVEN) + LOW_SEVEN) | word | LOW_SEVEN)
}

/// The high bit of each byte of the little-endian `chunk` that is one of `bytes`.
fn matching(chunk: &[u8], bytes: &[u8]) -> u64 {
    let word = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
    bytes.iter().fold(0, |found, &byte| {
        found | zero_bytes(word ^ (u64::from(byte) * ONES))
    })
}

/// The byte offset of the first of `bytes` (ASCII) in `text`, eight bytes at a time: the parts of a
/// connection string are short, and this costs a few instructions per eight bytes where `str::find`'s
/// searcher costs a call and a setup per search.
pub(crate) fn find_any_ascii(text: &str, bytes: &[u8]) -> Option<usize> {
    debug_assert!(bytes.is_ascii());
    let mut chunks = text.as_bytes().chunks_exact(8);
    let mut offset = 0;
    for chunk in &mut chunks {
        let found = matching(chunk, bytes);
        if found != 0 {
            return Some(offset + (found.trailing_zeros() / 8) as usize);
        }
        offset += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|b| bytes.contains(b))
        .map(|i| offset + i)
}

/// The byte offset of the first `byte` (ASCII) in `text` (see [`find_any_ascii`]).
pub(crate) fn find_ascii(text: &str, byte: u8) -> Option<usize> {
    find_any_ascii(text, &[byte])
}

/// The byte offset of the last `byte` (ASCII) in `text`.
pub(crate) fn rfind_ascii(text: &str, byte: u8) -> Option<usize> {
    debug_assert!(byte.is_ascii());
    let mut chunks = text.as_bytes().rchunks_exact(8);
    let mut end = text.len();
    for chunk in &mut chunks {
        let found = matching(chunk, &[byte]);
        end -= 8;
        if found != 0 {
            return Some(end + 7 - (found.leading_zeros() / 8) as usize);
        }
    }
    chunks.remainder().iter().rposition(|&b| b == byte)
}

/// How many times `byte` (ASCII) occurs in `text`.
pub(crate) fn count_ascii(text: &str, byte: u8) -> usize {
    debug_assert!(byte.is_ascii());
    let mut chunks = text.as_bytes().chunks_exact(8);
    let mut count = 0;
    for chunk in &mut chunks {
        count += matching(chunk, &[byte]).count_ones() as usize;
    }
    count + chunks.remainder().iter().filter(|&&b| b == byte).count()
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
    use super::{count_ascii, find_any_ascii, find_ascii, rfind_ascii, split_ascii};

    #[test]
    fn the_ascii_searches_agree_with_str_s() {
        let long =
            "authSource=admin&authMechanism=SCRAM-SHA-1&tls=true&tlsCAFile=/etc/ssl/ca.pem&w=1";
        let mut texts = vec![
            "",
            "&",
            "a",
            "a&b",
            "&a&&b&",
            "ü&ß&",
            "key=value&k=v=w",
            long,
        ];
        // every length and alignment around the eight-byte steps, the searched bytes at each end
        let shifted: Vec<String> = (0..20)
            .flat_map(|n| {
                let pad = "x".repeat(n);
                [
                    format!("{pad}&"),
                    format!("&{pad}"),
                    format!("{pad}=&{pad}&"),
                    format!("\u{e9}{pad}&\u{7f}{pad}="),
                ]
            })
            .collect();
        texts.extend(shifted.iter().map(String::as_str));
        for text in texts {
            assert_eq!(
                split_ascii(text, b'&').collect::<Vec<_>>(),
                text.split('&').collect::<Vec<_>>(),
                "{text:?}"
            );
            assert_eq!(find_ascii(text, b'='), text.find('='), "{text:?}");
            assert_eq!(rfind_ascii(text, b'&'), text.rfind('&'), "{text:?}");
            assert_eq!(find_ascii(text, b'&'), text.find('&'), "{text:?}");
            assert_eq!(rfind_ascii(text, b'='), text.rfind('='), "{text:?}");
            assert_eq!(
                count_ascii(text, b'&'),
                text.matches('&').count(),
                "{text:?}"
            );
            assert_eq!(
                find_any_ascii(text, b"=&"),
                text.find(['=', '&']),
                "{text:?}"
            );
        }
    }
}
