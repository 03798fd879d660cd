//! The options part, `key=value&…`: split into decoded pairs, with a secret option's value kept out of
//! every message, even when an unescaped `&` cuts it (step 7 of the grammar; the table is applied by
//! [`crate::options`]).

use std::borrow::Cow;
use std::ops::Range;

use percent_encoding::percent_decode_str;

use crate::decode::{count_ascii, decode, find_any_ascii};
use crate::error::{ErrorKind, MAY_HOLD_A_PASSWORD, Report, WarningKind};
use crate::options::{self, RawPair};

pub(super) fn split_options<'a>(
    input: &'a str,
    span: Range<usize>,
    report: &mut Report,
) -> Vec<RawPair<'a>> {
    let text = &input[span.clone()];
    if text.is_empty() {
        return Vec::new();
    }
    let mut pairs = Vec::with_capacity(1 + count_ascii(text, b'&'));
    // the secret option whose value an unescaped `&` may have cut: what follows it, up to the next
    // known option, may be the rest of the secret
    let mut secret: Option<&'static str> = None;
    let pieces = Pieces {
        text,
        next: Some(0),
    };
    for piece in pieces {
        let piece_text = &text[piece.start..piece.end];
        let piece_span = span.start + piece.start..span.start + piece.end;
        if let Some(secret_key) = secret {
            if continues_secret(piece_text, secret_key, piece_span.clone(), report) {
                continue;
            }
            secret = None;
        }
        if piece_text.is_empty() {
            report.warn(
                WarningKind::IgnoredOption,
                piece_span.start.saturating_sub(1)..piece_span.start.min(input.len()),
                "empty option between `&` separators is ignored: remove the extra `&`",
            );
            continue;
        }
        let Some(eq) = piece.eq else {
            let message = if report.shows(&piece_span) {
                format!("option `{piece_text}` has no value: write {piece_text}=<value>")
            } else {
                format!(
                    "an option has no value (not shown: {MAY_HOLD_A_PASSWORD}): write it as name=<value>"
                )
            };
            report.error(ErrorKind::InvalidOption, piece_span, message);
            continue;
        };
        let key_span = piece_span.start..span.start + eq;
        let value_span = span.start + eq + 1..piece_span.end;
        let key = if piece.key_escaped {
            let Some(key) = decode(
                input,
                key_span.clone(),
                ErrorKind::InvalidOption,
                &"option name",
                report,
            ) else {
                continue;
            };
            key
        } else {
            Cow::Borrowed(&input[key_span.clone()])
        };
        let row = options::lookup(&key);
        let secret_key = row.as_ref().and_then(options::secret_row_key);
        if let Some(secret_key) = secret_key {
            report.secret(value_span.clone());
            secret = Some(secret_key);
        }
        let value = if piece.value_escaped {
            let Some(value) = decode(
                input,
                value_span.clone(),
                ErrorKind::InvalidOption,
                &ValueOf(secret_key),
                report,
            ) else {
                continue;
            };
            value
        } else {
            Cow::Borrowed(&input[value_span.clone()])
        };
        pairs.push(RawPair {
            key,
            row,
            key_span,
            value,
            value_span,
            span: piece_span,
        });
    }
    pairs
}

/// One `&`-separated piece of the options, found in one pass over its bytes: where it is, its first
/// `=`, and whether a `%` makes its name or its value need decoding (offsets in the options text).
struct Piece {
    start: usize,
    end: usize,
    eq: Option<usize>,
    key_escaped: bool,
    value_escaped: bool,
}

/// The pieces of the options text, as `text.split('&')` gives them.
struct Pieces<'a> {
    text: &'a str,
    /// Where the next piece starts; `None` after the last one.
    next: Option<usize>,
}

impl Iterator for Pieces<'_> {
    type Item = Piece;

    fn next(&mut self) -> Option<Piece> {
        let start = self.next?;
        let mut piece = Piece {
            start,
            end: self.text.len(),
            eq: None,
            key_escaped: false,
            value_escaped: false,
        };
        let mut at = start;
        self.next = None;
        // every byte looked for is ASCII, so each offset is a character boundary
        while let Some(found) = find_any_ascii(&self.text[at..], b"&=%") {
            let found = at + found;
            match self.text.as_bytes()[found] {
                b'&' => {
                    piece.end = found;
                    self.next = Some(found + 1);
                    break;
                }
                b'=' => {
                    if piece.eq.is_none() {
                        piece.eq = Some(found);
                    }
                }
                _ if piece.eq.is_none() => piece.key_escaped = true,
                _ => piece.value_escaped = true,
            }
            at = found + 1;
        }
        Some(piece)
    }
}

/// What a value is called in a message about its percent-encoding: `value of <secret option>` or
/// `option value`.
struct ValueOf(Option<&'static str>);

impl std::fmt::Display for ValueOf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(secret_key) => write!(f, "value of {secret_key}"),
            None => f.write_str("option value"),
        }
    }
}

/// Whether `piece`, which follows the value of the secret option `secret_key`, may be the rest of that
/// value (cut by an unescaped `&`): anything but a known `key=value` option. Such a piece is reported,
/// marked secret and never quoted.
fn continues_secret(
    piece: &str,
    secret_key: &str,
    span: Range<usize>,
    report: &mut Report,
) -> bool {
    if option_key(piece).is_some_and(|key| options::canonical_key(&key).is_some()) {
        return false;
    }
    let key = piece.find('=').map(|eq| &piece[..eq]);
    report.secret(span.clone());
    let fix = format!(
        "if the value of {secret_key} contains `&`, percent-encode it as %26 (not shown: \
         {MAY_HOLD_A_PASSWORD})"
    );
    match key {
        _ if piece.is_empty() => report.warn(
            WarningKind::IgnoredOption,
            span.start.saturating_sub(1)..span.start,
            format!(
                "an empty option after {secret_key} is ignored: remove the extra `&`, or {fix}"
            ),
        ),
        None => report.error(
            ErrorKind::InvalidOption,
            span,
            format!("an option without a value follows {secret_key}: {fix}"),
        ),
        Some(_) => report.warn(
            WarningKind::UnknownOption,
            span,
            format!("an unknown option after {secret_key} is ignored: {fix}"),
        ),
    }
    true
}

/// The decoded name of a `name=value` piece of the options (`None` without `=`, or when the name is
/// not valid percent-encoded UTF-8).
pub(super) fn option_key(piece: &str) -> Option<Cow<'_, str>> {
    let (key, _) = piece.split_once('=')?;
    percent_decode_str(key).decode_utf8().ok()
}
