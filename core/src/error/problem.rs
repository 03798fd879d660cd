//! One problem: an [`Error`] (a broken rule) or a [`Warning`] (accepted, probably wrong), each with the
//! byte range of the input it is about.

use std::fmt;
use std::ops::Range;

use super::kind::{ErrorKind, WarningKind};

/// One broken rule: what kind, where in the input, and a message naming the option and the fix.
///
/// ```
/// use mongo_auth_core::{ConnectionString, ErrorKind};
/// let input = "mongodb://localhost:0";
/// let errors = ConnectionString::parse(input).unwrap_err();
/// let error = errors.first();
/// assert_eq!(error.kind(), ErrorKind::InvalidPort);
/// assert_eq!(&input[error.span()], "0");
/// ```
///
/// `Debug` prints the message, as `Display` does (`{:#?}` shows the kind, span and message).
#[derive(Clone, PartialEq, Eq)]
pub struct Error {
    pub(super) kind: ErrorKind,
    pub(super) span: Range<usize>,
    pub(super) message: String,
}

impl Error {
    /// An error of `kind` about the bytes `span` of the input. The message must be lower-case, without
    /// a trailing period, and must not contain a secret.
    pub fn new(kind: ErrorKind, span: Range<usize>, message: impl Into<String>) -> Self {
        Self {
            kind,
            span,
            message: message.into(),
        }
    }

    /// The rule that was broken.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The byte range of the offending part of the original input (`0..0` when the input was not a
    /// string, or the whole input when no part is to blame).
    pub fn span(&self) -> Range<usize> {
        self.span.clone()
    }

    /// The message: names the option and the fix.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Whether this error is only "the password is missing", which code can still supply.
    pub fn is_missing_password(&self) -> bool {
        self.kind == ErrorKind::MissingPassword
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !f.alternate() {
            return f.write_str(&self.message);
        }
        f.debug_struct("Error")
            .field("kind", &self.kind)
            .field("span", &self.span)
            .field("message", &self.message)
            .finish()
    }
}

impl std::error::Error for Error {}

/// Something accepted but probably wrong. Warnings are data: the caller decides to print, log or (as
/// `mongo_uri!` and `ClientConfig` do) refuse them ([`Warning::refused`]).
///
/// ```
/// use mongo_auth_core::{ConnectionString, WarningKind};
/// let input = "mongodb://example.com/?replicaSett=rs0";
/// let uri = ConnectionString::parse(input).unwrap();
/// let warning = &uri.warnings()[0];
/// assert_eq!(warning.kind(), WarningKind::UnknownOption);
/// assert!(warning.message().contains("replicaSet"));
/// assert_eq!(&input[warning.span()], "replicaSett");
/// ```
///
/// `Debug` prints the message, as `Display` does (`{:#?}` shows the kind, span and message).
#[derive(Clone, PartialEq, Eq)]
pub struct Warning {
    pub(super) kind: WarningKind,
    pub(super) span: Range<usize>,
    pub(super) message: String,
}

impl Warning {
    /// A warning of `kind` about the bytes `span` of the input.
    pub fn new(kind: WarningKind, span: Range<usize>, message: impl Into<String>) -> Self {
        Self {
            kind,
            span,
            message: message.into(),
        }
    }

    /// What the warning is about.
    pub fn kind(&self) -> WarningKind {
        self.kind
    }

    /// The byte range of the part of the input it is about.
    pub fn span(&self) -> Range<usize> {
        self.span.clone()
    }

    /// The message: names the option and what to do.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// This warning as an error ([`ErrorKind::Refused`]), for an entry point that refuses what the spec
    /// only warns about. Same span; the message is the warning's, with the clauses that say how a
    /// lenient parse goes on ("… is ignored", "the last value is used") turned into the fix.
    ///
    /// ```
    /// use mongo_auth_core::{ConnectionString, ErrorKind, WarningKind};
    /// let uri = ConnectionString::parse("mongodb://h/?tls=yes").unwrap();
    /// let warning = &uri.warnings()[0];
    /// assert_eq!(warning.message(), "tls has an invalid value `yes` and is ignored: use true or false");
    /// let error = warning.refused();
    /// assert_eq!(error.kind(), ErrorKind::Refused(WarningKind::InvalidValue));
    /// assert_eq!(error.message(), "tls has an invalid value `yes`: use true or false");
    /// assert_eq!(error.span(), warning.span());
    /// ```
    pub fn refused(&self) -> Error {
        Error::new(
            ErrorKind::Refused(self.kind),
            self.span.clone(),
            refused_message(&self.message),
        )
    }
}

/// A warning's message for a refusal: a lenient parse goes on without the option ("… is ignored",
/// "the last value is used"); a strict one refuses it, so those clauses become the fix.
fn refused_message(message: &str) -> String {
    let mut message = message
        .replace(" and is ignored", "")
        .replace(" is ignored because ", " has no effect because ")
        .replace(" is ignored:", ":")
        .replace(": the last value is used", ": give it once");
    if let Some(stripped) = message.strip_suffix(" is ignored") {
        message = format!("{stripped}: remove it");
    }
    message
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Debug for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !f.alternate() {
            return f.write_str(&self.message);
        }
        f.debug_struct("Warning")
            .field("kind", &self.kind)
            .field("span", &self.span)
            .field("message", &self.message)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::refused_message;

    #[test]
    fn refused_warnings_say_what_to_do_instead_of_what_is_ignored() {
        for (lenient, strict) in [
            (
                "unknown option `authMechansim` is ignored: did you mean `authMechanism`?",
                "unknown option `authMechansim`: did you mean `authMechanism`?",
            ),
            (
                "unknown option `foo` is ignored",
                "unknown option `foo`: remove it",
            ),
            (
                "tls has an invalid value `yes` and is ignored: use true or false",
                "tls has an invalid value `yes`: use true or false",
            ),
            (
                "replicaSet is given more than once: the last value is used",
                "replicaSet is given more than once: give it once",
            ),
            (
                "authMechanismProperties is ignored because no credential is configured: add a user name",
                "authMechanismProperties has no effect because no credential is configured: add a user name",
            ),
        ] {
            assert_eq!(refused_message(lenient), strict);
        }
    }
}
