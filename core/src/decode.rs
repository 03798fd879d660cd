//! Percent-decoding of a connection string's parts, with an error at each malformed `%`.

use std::borrow::Cow;
use std::ops::Range;

use percent_encoding::percent_decode_str;

use crate::error::{ErrorKind, Report};

/// Checks that every `%` is followed by two hex digits, then decodes to UTF-8. `what` names the part in
/// messages; the decoded text never appears in them.
pub(crate) fn decode<'a>(
    input: &'a str,
    span: Range<usize>,
    kind: ErrorKind,
    what: &str,
    report: &mut Report,
) -> Option<Cow<'a, str>> {
    let text = &input[span.clone()];
    if !text.contains('%') {
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
