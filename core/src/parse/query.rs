//! The options part, `key=value&…`: split into decoded pairs, with a secret option's value kept out of
//! every message, even when an unescaped `&` cuts it (step 7 of the grammar; the table is applied by
//! [`crate::options`]).

use std::borrow::Cow;
use std::ops::Range;

use percent_encoding::percent_decode_str;

use crate::decode::{count_ascii, decode, find_ascii, split_ascii};
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
    let mut offset = span.start;
    // the secret option whose value an unescaped `&` may have cut: what follows it, up to the next
    // known option, may be the rest of the secret
    let mut secret: Option<&'static str> = None;
    for piece in split_ascii(text, b'&') {
        let piece_span = offset..offset + piece.len();
        offset += piece.len() + 1;
        if let Some(secret_key) = secret {
            if continues_secret(piece, secret_key, piece_span.clone(), report) {
                continue;
            }
            secret = None;
        }
        if piece.is_empty() {
            report.warn(
                WarningKind::IgnoredOption,
                piece_span.start.saturating_sub(1)..piece_span.start.min(input.len()),
                "empty option between `&` separators is ignored: remove the extra `&`",
            );
            continue;
        }
        let Some(eq) = find_ascii(piece, b'=') else {
            let message = if report.shows(&piece_span) {
                format!("option `{piece}` has no value: write {piece}=<value>")
            } else {
                format!(
                    "an option has no value (not shown: {MAY_HOLD_A_PASSWORD}): write it as name=<value>"
                )
            };
            report.error(ErrorKind::InvalidOption, piece_span, message);
            continue;
        };
        let key_span = piece_span.start..piece_span.start + eq;
        let value_span = piece_span.start + eq + 1..piece_span.end;
        let Some(key) = decode(
            input,
            key_span.clone(),
            ErrorKind::InvalidOption,
            &"option name",
            report,
        ) else {
            continue;
        };
        let row = options::lookup(&key);
        let secret_key = row.as_ref().and_then(options::secret_row_key);
        if let Some(secret_key) = secret_key {
            report.secret(value_span.clone());
            secret = Some(secret_key);
        }
        let Some(value) = decode(
            input,
            value_span.clone(),
            ErrorKind::InvalidOption,
            &ValueOf(secret_key),
            report,
        ) else {
            continue;
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
