//! Showing the problems of a connection string under the string itself, its secrets replaced.
//!
//! [`Errors::rendered`](crate::Errors::rendered) writes each problem as a compiler would: the message,
//! then the string with every part that may hold a secret replaced by `****`, then a line of `^` under
//! the offending part. Control and bidirectional-override characters of the input are escaped, and a
//! long string is cut around the offending part, so that what is printed is one line per problem
//! whatever the input holds.
//!
//! ```text
//! error: invalid port `99999`: give a number from 1 to 65535
//!   mongodb://app:****@db.example.com:99999/shop
//!                                     ^^^^^
//! ```

use std::fmt;
use std::ops::Range;

/// What a part of the input that may hold a secret is shown as.
pub const SECRET_MASK: &str = "****";

/// How many characters of the input are shown on each side of the offending part.
const CONTEXT_CHARS: usize = 60;
/// How many characters of the offending part are underlined at most; the rest is cut (`…`).
const MAX_UNDERLINED_CHARS: usize = 80;

/// A copy of an input with its secret spans replaced by [`SECRET_MASK`], and where they were: all an
/// [`Errors`](crate::Errors) keeps of the string it came from.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct RedactedInput {
    pub(crate) text: String,
    /// The replaced spans of the original input, sorted, disjoint, with where their mask starts in
    /// `text`.
    masks: Vec<(Range<usize>, usize)>,
}

impl RedactedInput {
    /// `input` with `secret_spans` (byte ranges of `input`, in any order, possibly overlapping)
    /// replaced.
    pub(crate) fn new(input: &str, secret_spans: &[Range<usize>]) -> Self {
        let mut spans: Vec<Range<usize>> = secret_spans
            .iter()
            .map(|s| floor_boundary(input, s.start)..ceil_boundary(input, s.end))
            .filter(|s| s.start < s.end)
            .collect();
        spans.sort_by_key(|s| (s.start, s.end));
        let mut merged: Vec<Range<usize>> = Vec::with_capacity(spans.len());
        for span in spans {
            match merged.last_mut() {
                Some(last) if span.start <= last.end => last.end = last.end.max(span.end),
                _ => merged.push(span),
            }
        }
        let mut text = String::with_capacity(input.len());
        let mut masks = Vec::with_capacity(merged.len());
        let mut at = 0;
        for span in merged {
            text.push_str(&input[at..span.start]);
            masks.push((span.clone(), text.len()));
            text.push_str(SECRET_MASK);
            at = span.end;
        }
        text.push_str(&input[at..]);
        Self { text, masks }
    }

    /// The input with its secrets replaced.
    pub(crate) fn text(&self) -> &str {
        &self.text
    }

    /// Where a byte offset of the original input is in the redacted text: an offset inside a secret
    /// goes to the start of its mask (a span's start) or to its end (a span's end).
    fn offset(&self, original: usize, is_end: bool) -> usize {
        let mut shift: isize = 0;
        for (span, mask_start) in &self.masks {
            if original <= span.start {
                break;
            }
            if original < span.end {
                return if is_end {
                    mask_start + SECRET_MASK.len()
                } else {
                    *mask_start
                };
            }
            shift += SECRET_MASK.len() as isize - span.len() as isize;
        }
        let mapped = original.saturating_add_signed(shift).min(self.text.len());
        floor_boundary(&self.text, mapped)
    }

    /// The span of the original input in the redacted text.
    pub(crate) fn span(&self, original: &Range<usize>) -> Range<usize> {
        let start = self.offset(original.start, false);
        let end = self.offset(original.end, true).max(start);
        start..ceil_boundary(&self.text, end)
    }

    /// Writes the line of the input around `span` (original offsets) and the underline below it, each
    /// line starting with `indent`.
    pub(crate) fn write_snippet(
        &self,
        out: &mut dyn fmt::Write,
        span: &Range<usize>,
        indent: &str,
    ) -> fmt::Result {
        let text = self.text.as_str();
        let span = self.span(span);
        let window_start = text[..span.start]
            .char_indices()
            .rev()
            .nth(CONTEXT_CHARS - 1)
            .map_or(0, |(at, _)| at);
        let (underlined_end, cut) =
            match text[span.clone()].char_indices().nth(MAX_UNDERLINED_CHARS) {
                Some((at, _)) => (span.start + at, true),
                None => (span.end, false),
            };
        let window_end = text[span.end..]
            .char_indices()
            .nth(CONTEXT_CHARS)
            .map_or(text.len(), |(at, _)| span.end + at);

        let mut line = String::from(indent);
        let mut width = 0;
        if window_start > 0 {
            line.push('…');
            width += 1;
        }
        width += push_escaped(&mut line, &text[window_start..span.start]);
        let column = width;
        let underline = push_escaped(&mut line, &text[span.start..underlined_end]).max(1);
        if cut {
            line.push('…');
        }
        push_escaped(
            &mut line,
            &text[if cut { span.end } else { underlined_end }..window_end],
        );
        if window_end < text.len() {
            line.push('…');
        }
        out.write_str(line.trim_end())?;
        write!(
            out,
            "\n{indent}{:column$}{}",
            "",
            "^".repeat(underline),
            column = column
        )
    }
}

/// Appends `text` with its control and bidirectional-override characters escaped (`\n`, `\u{1b}`,
/// `\u{202e}`), and returns how many characters were appended.
fn push_escaped(out: &mut String, text: &str) -> usize {
    let mut width = 0;
    for c in text.chars() {
        if c.is_control() || is_bidi_control(c) {
            for escaped in c.escape_default() {
                out.push(escaped);
                width += 1;
            }
        } else {
            out.push(c);
            width += 1;
        }
    }
    width
}

/// The characters that reorder what follows them on a terminal.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn floor_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn ceil_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

/// One problem, as [`Rendered`] writes it.
pub(crate) struct Problem<'a> {
    pub(crate) label: &'static str,
    pub(crate) message: &'a str,
    pub(crate) span: Range<usize>,
}

/// Writes `problems` one after the other: `label: message`, then the snippet when the input is known
/// and the span is in it.
pub(crate) fn write_problems(
    out: &mut dyn fmt::Write,
    input: Option<&RedactedInput>,
    problems: &[Problem<'_>],
) -> fmt::Result {
    for (i, problem) in problems.iter().enumerate() {
        if i > 0 {
            out.write_char('\n')?;
        }
        write!(out, "{}: {}", problem.label, problem.message)?;
        if let Some(input) = input
            && !(problem.span.start == 0 && problem.span.end == 0)
        {
            out.write_char('\n')?;
            input.write_snippet(out, &problem.span, "  ")?;
        }
    }
    Ok(())
}

/// `miette` reports a connection string's problems as labels on the string, its secrets masked: the
/// source code is the redacted copy, never the input.
///
/// ```
/// use miette::{Diagnostic, NarratableReportHandler};
/// let errors = mongo_auth_core::ConnectionString::parse("mongodb://app:s3cret@db:0/?tls=maybe").unwrap_err();
/// let mut shown = String::new();
/// NarratableReportHandler::new().render_report(&mut shown, &errors).unwrap();
/// assert!(shown.contains("mongodb://app:****@db:0/?tls=maybe"));
/// assert!(shown.contains("invalid port `0`"));
/// assert!(!shown.contains("s3cret"));
/// ```
#[cfg(test)]
#[allow(clippy::single_range_in_vec_init)] // one secret span is a list of one
mod tests {
    use super::*;

    fn snippet(input: &str, secrets: &[Range<usize>], span: Range<usize>) -> String {
        let mut out = String::new();
        RedactedInput::new(input, secrets)
            .write_snippet(&mut out, &span, "")
            .unwrap();
        out
    }

    #[test]
    fn underlines_the_span_after_the_masked_secret() {
        let input = "mongodb://app:hunter2@db.example.com:99999/shop";
        let password = input.find("hunter2").unwrap();
        let port = input.find("99999").unwrap();
        assert_eq!(
            snippet(input, &[password..password + 7], port..port + 5),
            "mongodb://app:****@db.example.com:99999/shop\n\
             \x20                                 ^^^^^"
        );
    }

    #[test]
    fn a_span_inside_a_secret_underlines_the_mask() {
        let input = "mongodb://app:hunter2@h/";
        let password = input.find("hunter2").unwrap();
        let shown = snippet(input, &[password..password + 7], password + 2..password + 4);
        assert_eq!(shown, "mongodb://app:****@h/\n              ^^^^");
        assert!(!shown.contains("hunter2"));
    }

    #[test]
    fn overlapping_and_unsorted_secrets_are_merged() {
        let input = "mongodb://u:abcdef@h/?proxyPassword=xyz";
        let a = input.find("abc").unwrap();
        let x = input.find("xyz").unwrap();
        let redacted = RedactedInput::new(input, &[x..x + 3, a + 2..a + 6, a..a + 4]);
        assert_eq!(redacted.text(), "mongodb://u:****@h/?proxyPassword=****");
    }

    #[test]
    fn control_characters_are_escaped_and_the_underline_follows_them() {
        let input = "mongodb://h\n\u{202e}/?x=1";
        let x = input.find("x=").unwrap();
        assert_eq!(
            snippet(input, &[], x..x + 1),
            "mongodb://h\\n\\u{202e}/?x=1\n                       ^"
        );
    }

    #[test]
    fn a_long_input_is_cut_around_the_span() {
        let input = format!("mongodb://h/?{}=1&bad={}", "a".repeat(500), "b".repeat(500));
        let bad = input.find("bad").unwrap();
        let shown = snippet(&input, &[], bad..bad + 3);
        let lines: Vec<&str> = shown.lines().collect();
        assert!(
            lines[0].starts_with('…') && lines[0].ends_with('…'),
            "{shown}"
        );
        assert_eq!(
            lines[0].chars().count(),
            1 + CONTEXT_CHARS + 3 + CONTEXT_CHARS + 1
        );
        assert_eq!(lines[1], format!("{}^^^", " ".repeat(CONTEXT_CHARS + 1)));
        // a long span: its first 80 characters are underlined
        let shown = snippet(&input, &[], 13..513);
        assert_eq!(shown.lines().nth(1).unwrap().trim(), "^".repeat(80));
    }

    #[test]
    fn an_empty_span_gets_one_caret() {
        assert_eq!(
            snippet("mongodb://", &[], 10..10),
            "mongodb://\n          ^"
        );
    }
}
