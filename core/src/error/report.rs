//! The collector a rule set reports into, and how messages show (or leave out) the input.

use std::ops::Range;

use super::errors::Errors;
use super::kind::{ErrorKind, WarningKind};
use super::problem::{Error, Warning};

/// Why a message leaves part of the input out.
pub(crate) const MAY_HOLD_A_PASSWORD: &str = "it may be part of a password";

/// A character as a message names it: `x` in backticks, words for the invisible ones.
pub(crate) fn describe_char(c: char) -> String {
    match c {
        ' ' => "a space".to_owned(),
        '\t' => "a tab".to_owned(),
        c if c.is_control() => format!("the control character U+{:04X}", u32::from(c)),
        c => format!("`{c}`"),
    }
}

/// Collects errors and warnings while a rule set runs, so every problem is reported, not only the first.
#[derive(Debug, Default)]
pub(crate) struct Report {
    pub(crate) errors: Vec<Error>,
    pub(crate) warnings: Vec<Warning>,
    /// The byte ranges of the input that may hold a secret: messages never quote them.
    pub(crate) secrets: Vec<Range<usize>>,
}

impl Report {
    pub(crate) fn error(
        &mut self,
        kind: ErrorKind,
        span: Range<usize>,
        message: impl Into<String>,
    ) {
        self.errors.push(Error::new(kind, span, message));
    }

    pub(crate) fn warn(
        &mut self,
        kind: WarningKind,
        span: Range<usize>,
        message: impl Into<String>,
    ) {
        self.warnings.push(Warning::new(kind, span, message));
    }

    /// Marks a byte range of the input as one that may hold a secret.
    pub(crate) fn secret(&mut self, span: Range<usize>) {
        if !span.is_empty() {
            self.secrets.push(span);
        }
    }

    /// Whether a message may quote the input at `span`: it overlaps no secret.
    pub(crate) fn shows(&self, span: &Range<usize>) -> bool {
        self.secrets
            .iter()
            .all(|secret| span.end <= secret.start || secret.end <= span.start)
    }

    /// The errors, if any, with the warnings found alongside them and the secret spans.
    pub(crate) fn into_errors(self) -> Option<Errors> {
        Errors::from_vec(self.errors).map(|errors| {
            errors
                .with_warnings(self.warnings)
                .with_secret_spans(self.secrets)
        })
    }
}
