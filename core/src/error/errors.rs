//! Every problem of one input at once: [`Errors`], and [`Rendered`], which shows them under the input.

use std::fmt;
use std::ops::Range;

use super::problem::{Error, Warning};
use crate::render::{Problem, RedactedInput, write_problems};

/// All the problems found in one input, in the order of the input. Never empty.
///
/// A failed [`ConnectionString::parse`](crate::ConnectionString::parse) also keeps the warnings it found
/// before giving up ([`Errors::warnings`]), so that every problem of the input can be shown at once.
///
/// ```
/// use mongo_auth_core::ConnectionString;
/// // two problems: a bad port and a conflicting pair of TLS options
/// let errors = ConnectionString::parse("mongodb://h:0/?tls=true&ssl=false").unwrap_err();
/// assert_eq!(errors.len(), 2);
/// for error in &errors {
///     println!("{:?} at {:?}: {error}", error.kind(), error.span());
/// }
/// ```
///
/// `Debug` prints [`Errors::rendered`]: each problem with the string under it (its secrets replaced)
/// and the offending part underlined, as `fn main() -> Result<…>` shows an error. `{:#?}` shows the
/// structure.
#[derive(Clone, PartialEq, Eq)]
pub struct Errors {
    errors: Vec<Error>,
    warnings: Vec<Warning>,
    secret_spans: Vec<Range<usize>>,
    /// The input with its secrets replaced, when it is known.
    input: Option<RedactedInput>,
}

impl Errors {
    /// Collects errors; `None` when there are none.
    pub fn from_vec(mut errors: Vec<Error>) -> Option<Self> {
        if errors.is_empty() {
            None
        } else {
            errors.sort_by_key(|e| (e.span.start, e.span.end));
            Some(Self {
                errors,
                warnings: Vec::new(),
                secret_spans: Vec::new(),
                input: None,
            })
        }
    }

    /// These errors, with the warnings found in the same input (sorted by position in the input).
    ///
    /// ```
    /// use mongo_auth_core::{Error, ErrorKind, Errors, Warning, WarningKind};
    /// let errors = Errors::from(Error::new(ErrorKind::InvalidPort, 19..20, "invalid port `0`"))
    ///     .with_warnings(vec![Warning::new(WarningKind::UnknownOption, 23..34, "unknown option")]);
    /// assert_eq!(errors.warnings().len(), 1);
    /// ```
    pub fn with_warnings(mut self, mut warnings: Vec<Warning>) -> Self {
        warnings.sort_by_key(|w| (w.span.start, w.span.end));
        self.warnings = warnings;
        self
    }

    /// These errors, with the byte ranges of the input that may hold a secret (see
    /// [`Errors::secret_spans`]).
    pub fn with_secret_spans(mut self, spans: Vec<Range<usize>>) -> Self {
        self.secret_spans = spans;
        self
    }

    /// These errors, with the connection string they are about, so that [`Errors::rendered`] (and
    /// `Debug`) can show it under each message. Only a copy with the [secret
    /// spans](Errors::secret_spans) replaced by `****` is kept: set those first.
    /// [`ConnectionString::parse`](crate::ConnectionString::parse) does this for its errors.
    ///
    /// ```
    /// use mongo_auth_core::{ConnectionString, Error, ErrorKind, Errors};
    /// let input = "mongodb://alice:hunter2@localhost/?authSource=";
    /// let uri = ConnectionString::parse(input);
    /// // errors found by other code about the same string
    /// let errors = Errors::from(Error::new(ErrorKind::InvalidHost, 24..33, "this host is not allowed here"))
    ///     .with_secret_spans(vec![16..23])
    ///     .with_input(input);
    /// let shown = errors.rendered().to_string();
    /// assert!(shown.contains("mongodb://alice:****@localhost/?authSource="));
    /// assert!(!shown.contains("hunter2"));
    /// # let _ = uri;
    /// ```
    pub fn with_input(mut self, input: &str) -> Self {
        self.input = Some(RedactedInput::new(input, &self.secret_spans));
        self
    }

    /// The connection string these errors are about, with its secrets replaced by `****`, when it is
    /// known ([`Errors::with_input`]).
    ///
    /// ```
    /// use mongo_auth_core::ConnectionString;
    /// let errors = ConnectionString::parse("mongodb://alice:hunter2@localhost:0").unwrap_err();
    /// assert_eq!(errors.redacted_input(), Some("mongodb://alice:****@localhost:0"));
    /// ```
    pub fn redacted_input(&self) -> Option<&str> {
        self.input.as_ref().map(RedactedInput::text)
    }

    #[cfg_attr(not(feature = "miette"), allow(dead_code))]
    pub(crate) fn redacted(&self) -> Option<&RedactedInput> {
        self.input.as_ref()
    }

    /// Every problem — errors and the warnings found alongside them, in input order — each as
    /// `error: message` (or `warning: …`) followed, when the string is known, by the string with its
    /// secrets replaced and the offending part underlined:
    ///
    /// ```
    /// use mongo_auth_core::ConnectionString;
    /// let errors = ConnectionString::parse("mongodb://app:s3cret@db.example.com:99999/shop").unwrap_err();
    /// let shown = errors.rendered().to_string();
    /// let lines: Vec<&str> = shown.lines().collect();
    /// assert_eq!(lines[0], "error: invalid port `99999`: give a number from 1 to 65535, or leave the port out for 27017");
    /// assert_eq!(lines[1], "  mongodb://app:****@db.example.com:99999/shop");
    /// assert_eq!(lines[2], "                                    ^^^^^");
    /// // `Debug`, which `fn main() -> Result<…>` prints, is the same
    /// assert_eq!(format!("{errors:?}"), shown);
    /// ```
    pub fn rendered(&self) -> Rendered<'_> {
        Rendered(self)
    }

    /// The byte ranges of the input that may hold a secret: the userinfo's password (the whole rest of
    /// the string when the userinfo's end cannot be told), the values of secret options
    /// (`tlsCertificateKeyFilePassword`, `proxyPassword`, …) and what may continue them. Messages never
    /// quote them; a caller that shows the input around an error's span must leave them out too. Empty
    /// when the errors did not come from a connection string.
    ///
    /// ```
    /// use mongo_auth_core::ConnectionString;
    /// let input = "mongodb://alice:hunter2@localhost:0";
    /// let errors = ConnectionString::parse(input).unwrap_err();
    /// assert_eq!(&input[errors.secret_spans()[0].clone()], "hunter2");
    /// ```
    pub fn secret_spans(&self) -> &[Range<usize>] {
        &self.secret_spans
    }

    /// The same errors, each changed by `f` (a rewording for another kind of input), with their warnings
    /// and secret spans kept.
    ///
    /// ```
    /// use mongo_auth_core::{ConnectionString, Error};
    /// let errors = ConnectionString::parse("mongodb://h:0/?replicaSett=rs0").unwrap_err();
    /// let shouted = errors.map(|e| Error::new(e.kind(), e.span(), e.message().to_uppercase()));
    /// assert!(shouted.first().message().starts_with("INVALID PORT"));
    /// assert_eq!(shouted.warnings().len(), 1);
    /// ```
    pub fn map(mut self, f: impl FnMut(Error) -> Error) -> Self {
        self.errors = self.errors.into_iter().map(f).collect();
        self
    }

    /// The warnings found in the same input before it was refused, in input order: an unknown, repeated
    /// or deprecated option, an invalid value. Empty when the input had none, or when the errors did
    /// not come from a connection string. [`Display`](fmt::Display) shows only the errors.
    ///
    /// ```
    /// use mongo_auth_core::{ConnectionString, ErrorKind, WarningKind};
    /// let input = "mongodb://localhost:0/?replicaSett=rs0";
    /// let errors = ConnectionString::parse(input).unwrap_err();
    /// assert_eq!(errors.first().kind(), ErrorKind::InvalidPort);
    /// let warning = &errors.warnings()[0];
    /// assert_eq!(warning.kind(), WarningKind::UnknownOption);
    /// assert_eq!(&input[warning.span()], "replicaSett");
    /// ```
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// The first error (errors are sorted by position in the input).
    pub fn first(&self) -> &Error {
        &self.errors[0]
    }

    /// How many errors there are (at least one).
    pub fn len(&self) -> usize {
        self.errors.len()
    }

    /// Always `false`: an `Errors` holds at least one error. Present for API symmetry with `len`.
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// The errors, in input order.
    pub fn iter(&self) -> std::slice::Iter<'_, Error> {
        self.errors.iter()
    }

    /// The errors as a vector.
    pub fn into_vec(self) -> Vec<Error> {
        self.errors
    }

    /// These errors and the warnings found alongside them, refused too ([`Warning::refused`]), in input
    /// order: what an entry point as strict as `mongo_uri!` reports for a string the spec layer
    /// refuses.
    ///
    /// ```
    /// use mongo_auth_core::{ConnectionString, ErrorKind, WarningKind};
    /// let errors = ConnectionString::parse("mongodb://h:0/?tls=yes").unwrap_err().refusing_warnings();
    /// let kinds: Vec<_> = errors.iter().map(|e| e.kind()).collect();
    /// assert_eq!(kinds, [ErrorKind::InvalidPort, ErrorKind::Refused(WarningKind::InvalidValue)]);
    /// assert!(errors.warnings().is_empty());
    /// ```
    pub fn refusing_warnings(mut self) -> Self {
        let warnings = std::mem::take(&mut self.warnings);
        self.errors.extend(warnings.iter().map(Warning::refused));
        self.errors.sort_by_key(|e| (e.span.start, e.span.end));
        self
    }

    /// Whether every error is [`ErrorKind::MissingPassword`](crate::ErrorKind::MissingPassword): the configuration is right except that
    /// the password has to come from code.
    pub fn only_missing_password(&self) -> bool {
        self.errors.iter().all(Error::is_missing_password)
    }
}

impl From<Error> for Errors {
    fn from(error: Error) -> Self {
        Self {
            errors: vec![error],
            warnings: Vec::new(),
            secret_spans: Vec::new(),
            input: None,
        }
    }
}

impl<'a> IntoIterator for &'a Errors {
    type Item = &'a Error;
    type IntoIter = std::slice::Iter<'a, Error>;

    fn into_iter(self) -> Self::IntoIter {
        self.errors.iter()
    }
}

impl IntoIterator for Errors {
    type Item = Error;
    type IntoIter = std::vec::IntoIter<Error>;

    fn into_iter(self) -> Self::IntoIter {
        self.errors.into_iter()
    }
}

/// One error: its message. Several: each message on its own line after a count.
impl fmt::Display for Errors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let [only] = self.errors.as_slice() {
            return fmt::Display::fmt(only, f);
        }
        write!(
            f,
            "{} problems in the connection string:",
            self.errors.len()
        )?;
        for error in &self.errors {
            write!(f, "\n- {error}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Errors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !f.alternate() {
            return fmt::Display::fmt(&self.rendered(), f);
        }
        f.debug_struct("Errors")
            .field("errors", &self.errors)
            .field("warnings", &self.warnings)
            .field("secret_spans", &self.secret_spans)
            .field("redacted_input", &self.redacted_input())
            .finish()
    }
}

impl std::error::Error for Errors {}

/// The problems of an [`Errors`] shown under the connection string they are about
/// ([`Errors::rendered`]).
///
/// ```
/// use mongo_auth_core::ConnectionString;
/// let errors = ConnectionString::parse("mongodb://db:0/?replicaSett=rs0").unwrap_err();
/// let shown = errors.rendered().to_string();
/// // errors and warnings, in input order, each underlined in the string
/// let labels: Vec<&str> = shown.lines().filter_map(|line| line.split_once(": ")).map(|(label, _)| label).collect();
/// assert_eq!(labels, ["error", "warning"]);
/// assert!(shown.contains("  mongodb://db:0/?replicaSett=rs0"));
/// ```
pub struct Rendered<'a>(&'a Errors);

impl fmt::Display for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let errors = self.0;
        let mut problems: Vec<Problem<'_>> = errors
            .errors
            .iter()
            .map(|e| Problem {
                label: "error",
                message: &e.message,
                span: e.span.clone(),
            })
            .chain(errors.warnings.iter().map(|w| Problem {
                label: "warning",
                message: &w.message,
                span: w.span.clone(),
            }))
            .collect();
        problems.sort_by_key(|p| (p.span.start, p.span.end));
        write_problems(f, errors.input.as_ref(), &problems)
    }
}

impl fmt::Debug for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[cfg(feature = "miette")]
#[cfg_attr(docsrs, doc(cfg(feature = "miette")))]
impl miette::Diagnostic for Errors {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(format!("mongo_auth::{:?}", self.first().kind())))
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.redacted()
            .map(|input| &input.text as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let input = self.redacted()?;
        let errors = self.iter().map(|e| (e.message(), e.span()));
        let warnings = self.warnings().iter().map(|w| (w.message(), w.span()));
        Some(Box::new(errors.chain(warnings).map(|(message, span)| {
            let span = input.span(&span);
            miette::LabeledSpan::new(Some(message.to_owned()), span.start, span.len())
        })))
    }
}
