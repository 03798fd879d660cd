//! The string literal given to `mongo_uri!`: its value, and where each byte of the value sits in the
//! literal's source text, so that a byte range from the rulebook becomes a span in the user's code.

use std::ops::Range;

use proc_macro2::Span;
use syn::LitStr;

/// A `mongo_uri!` literal: the token, its value and the map from value bytes to source bytes.
pub(crate) struct UriLiteral {
    token: proc_macro2::Literal,
    value: String,
    /// Source range (in the token's text, quotes and `r#` included) of each byte of the value. Every
    /// byte of a character written as an escape maps to the whole escape.
    source: Option<Vec<Range<usize>>>,
    /// Source offset of the closing quote: where an empty range at the end of the value points.
    end: usize,
}

impl UriLiteral {
    /// Reads a parsed string literal. A literal with a suffix (`"…"foo`) is refused by the caller.
    pub(crate) fn new(lit: &LitStr) -> Self {
        let token = lit.token();
        let value = lit.value();
        let text = token.to_string();
        let (source, end) = match value_map(&text) {
            // The map is trusted only if it decodes to exactly the value the compiler sees.
            Some((decoded, source, end)) if decoded == value => (Some(source), end),
            _ => (None, text.len()),
        };
        Self {
            token,
            value,
            source,
            end,
        }
    }

    /// The literal's value: the connection string.
    pub(crate) fn value(&self) -> &str {
        &self.value
    }

    /// The span of the whole literal.
    pub(crate) fn span(&self) -> Span {
        self.token.span()
    }

    /// The source range of the value bytes `range`, if the literal could be mapped.
    pub(crate) fn source_range(&self, range: Range<usize>) -> Option<Range<usize>> {
        let source = self.source.as_ref()?;
        if range.start > range.end || range.end > source.len() {
            return None;
        }
        if range.is_empty() {
            let at = source.get(range.start).map_or(self.end, |r| r.start);
            return Some(at..at);
        }
        Some(source[range.start].start..source[range.end - 1].end)
    }

    /// The span of the value bytes `range`: a sub-span of the literal where the compiler offers one
    /// (`None` on stable Rust, where only the whole literal can be pointed at).
    pub(crate) fn subspan(&self, range: Range<usize>) -> Option<Span> {
        let source = self.source_range(range)?;
        // An empty range cannot be underlined; point at the character that follows it instead.
        let source = if source.is_empty() {
            source.start..(source.start + 1).min(self.end + 1)
        } else {
            source
        };
        self.token.subspan(source)
    }
}

/// Decodes the source text of a string literal (`"…"`, `r"…"`, `r#"…"#`) and records, for each byte of
/// the value, the range of source bytes it came from. Returns the value, the per-byte ranges and the
/// offset of the closing quote; `None` for text that is not a plain or raw string literal.
fn value_map(text: &str) -> Option<(String, Vec<Range<usize>>, usize)> {
    if let Some(raw) = text.strip_prefix('r') {
        let hashes = raw.bytes().take_while(|&b| b == b'#').count();
        let open = 1 + hashes + 1;
        let close = text.len().checked_sub(1 + hashes)?;
        if text.as_bytes().get(open - 1) != Some(&b'"') || close < open {
            return None;
        }
        let value = text[open..close].to_owned();
        let source = (open..close).map(|i| i..i + 1).collect();
        return Some((value, source, close));
    }
    let body = text.strip_prefix('"')?;
    let close = 1 + body.rfind('"')?;
    let mut value = String::new();
    let mut source = Vec::new();
    let mut i = 1;
    while i < close {
        let rest = &text[i..close];
        let c = rest.chars().next()?;
        if c != '\\' {
            let len = c.len_utf8();
            value.push(c);
            source.extend((i..i + len).map(|b| b..b + 1));
            i += len;
            continue;
        }
        let escape = rest.as_bytes().get(1).copied()?;
        let (decoded, len) = match escape {
            b'n' => (Some('\n'), 2),
            b'r' => (Some('\r'), 2),
            b't' => (Some('\t'), 2),
            b'0' => (Some('\0'), 2),
            b'\\' => (Some('\\'), 2),
            b'"' => (Some('"'), 2),
            b'\'' => (Some('\''), 2),
            b'x' => {
                let hex = rest.get(2..4)?;
                (Some(char::from(u8::from_str_radix(hex, 16).ok()?)), 4)
            }
            b'u' => {
                let closing = rest.find('}')?;
                let digits: String = rest
                    .get(3..closing)?
                    .chars()
                    .filter(|&c| c != '_')
                    .collect();
                (
                    Some(char::from_u32(u32::from_str_radix(&digits, 16).ok()?)?),
                    closing + 1,
                )
            }
            b'\n' | b'\r' => {
                // A line continuation: the newline and the whitespace after it are not in the value.
                let skipped = rest[1..]
                    .bytes()
                    .take_while(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
                    .count();
                (None, 1 + skipped)
            }
            _ => return None,
        };
        if let Some(c) = decoded {
            value.push(c);
            source.extend(std::iter::repeat_n(i..i + len, c.len_utf8()));
        }
        i += len;
    }
    Some((value, source, close))
}

/// How the offending text reads when the compiler cannot underline it: the text itself, widened to the
/// part of the string it belongs to when it is short (`%zz` reads `…alice%zz…`), with `…` where the
/// literal goes on; for an empty range, a few characters before the place and the rest of its part.
/// The widening stops at the `secrets` around the range (the caller quotes no range inside one).
pub(crate) fn quote_range(value: &str, range: Range<usize>, secrets: &[Range<usize>]) -> String {
    /// What separates the parts of a connection string.
    const SEPARATORS: &[char] = &['/', '?', '&', ',', '@', ':', '=', ';'];
    const CONTEXT: usize = 12;
    const SHORT: usize = 8;
    let range = clamp_to_chars(value, range);
    let (start, end) = if range.is_empty() {
        // what comes before the place, and what follows it up to the next separator (never into the
        // next part: after an empty user name comes the password)
        let start = floor_char(value, range.start.saturating_sub(CONTEXT));
        let part_end = value[range.end..]
            .find(SEPARATORS)
            .map_or(value.len(), |i| range.end + i);
        let end = ceil_char(value, part_end.min(range.end + CONTEXT));
        (start, end)
    } else if range.len() < SHORT {
        // separators are ASCII, so one byte past a separator is a character boundary
        let part_start = value[..range.start].rfind(SEPARATORS).map_or(0, |i| i + 1);
        let part_end = value[range.end..]
            .find(SEPARATORS)
            .map_or(value.len(), |i| range.end + i);
        let start = floor_char(
            value,
            part_start.max(range.start.saturating_sub(2 * CONTEXT)),
        );
        let end = ceil_char(value, part_end.min(range.end + 2 * CONTEXT));
        (start, end)
    } else {
        (range.start, range.end)
    };
    // never into a secret before or after the range (secret ranges come from the parser, on
    // character boundaries)
    let start = secrets
        .iter()
        .filter(|s| s.end <= range.start)
        .map(|s| s.end)
        .fold(start, usize::max);
    let end = secrets
        .iter()
        .filter(|s| s.start >= range.end)
        .map(|s| s.start)
        .fold(end, usize::min);
    let mut quoted = String::new();
    if start > 0 {
        quoted.push('…');
    }
    for c in value[start..end].chars() {
        if c.is_control() {
            quoted.extend(c.escape_default());
        } else {
            quoted.push(c);
        }
    }
    if end < value.len() {
        quoted.push('…');
    }
    quoted
}

fn clamp_to_chars(value: &str, range: Range<usize>) -> Range<usize> {
    let start = floor_char(value, range.start.min(value.len()));
    let end = ceil_char(value, range.end.clamp(start, value.len()));
    start..end
}

fn floor_char(value: &str, mut at: usize) -> usize {
    while !value.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn ceil_char(value: &str, mut at: usize) -> usize {
    while !value.is_char_boundary(at) {
        at += 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    fn literal(source: &str) -> UriLiteral {
        UriLiteral::new(&syn::parse_str::<LitStr>(source).unwrap())
    }

    #[test]
    fn plain_literal_maps_one_to_one_after_the_quote() {
        let lit = literal(r#""mongodb://h:0""#);
        assert_eq!(lit.value(), "mongodb://h:0");
        assert_eq!(lit.source_range(12..13), Some(13..14));
        assert_eq!(lit.source_range(13..13), Some(14..14));
    }

    #[test]
    fn escapes_map_to_the_whole_escape() {
        // value: `a"b` `A` `é` then `c`
        let lit = literal(r#""a\"b\x41\u{e9}c""#);
        assert_eq!(lit.value(), "a\"bAéc");
        assert_eq!(lit.source_range(1..2), Some(2..4)); // \"
        assert_eq!(lit.source_range(3..4), Some(5..9)); // \x41
        assert_eq!(lit.source_range(4..6), Some(9..15)); // \u{e9}, two value bytes
        assert_eq!(lit.source_range(6..7), Some(15..16)); // c
    }

    #[test]
    fn line_continuations_are_skipped() {
        let lit = literal("\"mongodb://h/\\\n    ?w=1\"");
        assert_eq!(lit.value(), "mongodb://h/?w=1");
        let q = lit.value().find('?').unwrap();
        let source = lit.source_range(q..q + 1).unwrap();
        assert_eq!(&lit.token.to_string()[source], "?");
    }

    #[test]
    fn raw_literals_are_offset_by_their_prefix() {
        let lit = literal(r###"r#"mongodb://a"b@h"#"###);
        assert_eq!(lit.value(), "mongodb://a\"b@h");
        assert_eq!(lit.source_range(10..13), Some(13..16));
        assert_eq!(lit.source_range(15..15), Some(18..18));
    }

    #[test]
    fn stable_has_no_subspans_outside_the_compiler() {
        let lit = literal(r#""mongodb://h:0""#);
        // proc-macro2's fallback (used outside a macro) has no sub-spans either; callers must quote
        assert!(lit.subspan(12..13).is_none());
    }

    #[test]
    fn quotes_mark_where_the_literal_goes_on() {
        let value = "mongodb://alice%zz@h";
        assert_eq!(quote_range(value, 15..18, &[]), "…alice%zz…");
        assert_eq!(quote_range("mongodb:///tmp/a.sock", 10..11, &[]), "…/tmp…");
        assert_eq!(
            quote_range("mongodb://h/?w=1&ssl=false", 17..26, &[]),
            "…ssl=false"
        );
        assert_eq!(quote_range(value, 0..value.len(), &[]), value);
        assert_eq!(quote_range("mongodb://h/?w", 14..14, &[]), "…ngodb://h/?w");
        // an empty user name: the quote stops before the password
        assert_eq!(
            quote_range("mongodb://:secret@h", 10..10, &[]),
            "mongodb://…"
        );
        assert_eq!(quote_range("a\nb", 1..2, &[]), "a\\nb");
        assert_eq!(quote_range("aé", 3..3, &[]), "aé");
        assert_eq!(quote_range("aé", 2..2, &[]), "aé");
        // the widening stops at a secret
        assert_eq!(
            quote_range(
                "mongodb://u:secret@",
                19..19,
                std::slice::from_ref(&(12..18))
            ),
            "…@"
        );
        assert_eq!(
            quote_range(
                "mongodb://h/?p=secret&",
                22..22,
                std::slice::from_ref(&(15..21))
            ),
            "…&"
        );
        assert_eq!(
            quote_range("mongodb://h/?p=secret&", 22..22, &[]),
            "…h/?p=secret&"
        );
    }
}
