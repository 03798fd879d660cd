//! Errors and warnings of the rulebook.
//!
//! Every [`Error`] and [`Warning`] carries the byte range of the offending part of the original input
//! ([`Error::span`]), so that the `mongo_uri!` macro can point at it and a run-time caller can underline
//! it. Input that did not come from a connection string (a config table, a builder) has empty spans
//! (`0..0`).
//!
//! Messages are lower-case, have no trailing period, name the option and say how to fix it. They never
//! contain a password: neither the userinfo password, nor `tlsCertificateKeyFilePassword`, nor
//! `proxyPassword`. A message quotes input only where it cannot hold a secret, and the parts of a
//! connection string that can ([`Errors::secret_spans`],
//! [`ConnectionString::secret_spans`](crate::ConnectionString::secret_spans)) are for a caller that
//! shows the input around a span to leave out.

use std::fmt;
use std::ops::Range;

use crate::render::{Problem, RedactedInput, write_problems};

/// What kind of rule an [`Error`] broke.
///
/// The variants are grouped by the part of the input they are about. New rules may add variants.
///
/// ```
/// use mongo_auth_core::{ConnectionString, ErrorKind};
/// let errors = ConnectionString::parse("mongodb://db:0/?authMechanism=SCRAM-SHA-512").unwrap_err();
/// let kinds: Vec<ErrorKind> = errors.iter().map(|e| e.kind()).collect();
/// assert_eq!(kinds, [ErrorKind::InvalidPort, ErrorKind::UnknownMechanism]);
///
/// // valid by the spec, refused by the library layer until a password is given
/// let uri = ConnectionString::parse("mongodb://app@db/").unwrap();
/// assert_eq!(uri.check_library_rules().unwrap_err().first().kind(), ErrorKind::MissingPassword);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    // ---- grammar ----
    /// The string does not start with `mongodb://` or `mongodb+srv://`.
    InvalidScheme,
    /// The userinfo (`user:password@`) is malformed: an unescaped `@`, more than one `:`, a `%` not
    /// followed by two hex digits, bytes that are not UTF-8 once decoded, or an unescaped `/`, `?` or
    /// `#` (which an `@` follows). The message never quotes the userinfo.
    InvalidUserinfo,
    /// The host list is empty, has an empty entry, or an entry is not a valid host.
    InvalidHost,
    /// A port is not a decimal number in `1..=65535`.
    InvalidPort,
    /// The database path has a forbidden character (`/ \ space " $`) or bad percent-encoding.
    InvalidDatabase,
    /// An option is malformed: no `=`, bad percent-encoding in its key or value.
    InvalidOption,
    /// An option's value is not acceptable where the spec says so is an error (for example
    /// `authSource=` with an empty value, or an unknown `authMechanism`).
    InvalidOptionValue,
    /// Two options contradict each other (`tls=true&ssl=false`, `tlsInsecure` with
    /// `tlsAllowInvalidCertificates`, a legacy alias that disagrees with its modern key, …).
    ConflictingOptions,
    /// An option that must appear at most once was repeated (`proxyHost`, `proxyPort`, …).
    RepeatedOption,
    /// A `mongodb+srv` rule was broken (more than one host, a port, `srvServiceName` without
    /// `mongodb+srv`, `srvMaxHosts` with `replicaSet`, …).
    SrvRule,
    /// A topology option does not fit the host list (`directConnection=true` with several hosts,
    /// `loadBalanced=true` with `replicaSet`, …).
    TopologyRule,
    /// A proxy option needs another one (`proxyPort` without `proxyHost`, a proxy user without a
    /// proxy password, …).
    ProxyRule,

    // ---- credential (spec layer) ----
    /// The `authMechanism` is not one MongoDB knows.
    UnknownMechanism,
    /// The mechanism needs a user name and none (or an empty one) was given.
    MissingUsername,
    /// The mechanism forbids a user name that was given (MONGODB-AWS, MONGODB-OIDC with some
    /// environments).
    ForbiddenUsername,
    /// The mechanism forbids a password that was given (MONGODB-X509, MONGODB-OIDC, MONGODB-AWS).
    ForbiddenPassword,
    /// The source (`authSource`) is empty, or not `$external` for a mechanism that only allows it.
    InvalidSource,
    /// A mechanism property is unknown for the mechanism, has a bad value, is missing, or is not
    /// allowed for the mechanism at all.
    InvalidMechanismProperty,

    // ---- library layer (stricter than the spec) ----
    /// The password is missing for a mechanism that needs one to connect (SCRAM, MONGODB-CR, PLAIN).
    ///
    /// Kept apart from every other kind: a `mongo_uri!` literal or a builder may leave the password
    /// to be supplied in code, and callers need to tell that case apart from a real mistake.
    MissingPassword,
    /// MONGODB-X509 is configured without TLS or without a client certificate.
    X509NeedsTls,
    /// PLAIN would send the password in clear: TLS is off and clear text was not allowed.
    PlainNeedsTls,
    /// GSSAPI (or another `$external` mechanism) is configured with a source other than `$external`.
    ExternalSourceOnly,
    /// The user name or password of a SASL mechanism (SCRAM, PLAIN, GSSAPI, MONGODB-OIDC) holds a NUL
    /// character, which the conversation cannot carry (RFC 4616, RFC 5802). The message names the
    /// field and never quotes it.
    NulInCredential,
    /// Every host is a Unix socket, whose connection is not TLS-wrapped: TLS settings would be ignored
    /// (the channel would not be encrypted), and MONGODB-X509's client certificate would never be
    /// sent.
    TlsOverUnixSocket,

    // ---- strict entry points ----
    /// Something the spec only warns about (an unknown option, an ignored value, …), refused by an
    /// entry point that is strict: a `ClientConfig` from a string or a config file, and `mongo_uri!`.
    /// See [`Warning::refused`].
    Refused(WarningKind),

    /// A part of the rulebook that is not implemented yet.
    NotImplemented,
}

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
    kind: ErrorKind,
    span: Range<usize>,
    message: String,
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

    /// Whether every error is [`ErrorKind::MissingPassword`]: the configuration is right except that
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

/// What a [`Warning`] is about.
///
/// ```
/// use mongo_auth_core::{ConnectionString, WarningKind};
/// let uri = ConnectionString::parse("mongodb://db/?wtimeout=500&connectTimeoutMS=-1").unwrap();
/// let kinds: Vec<WarningKind> = uri.warnings().iter().map(|w| w.kind()).collect();
/// assert_eq!(kinds, [WarningKind::DeprecatedOption, WarningKind::InvalidValue]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WarningKind {
    /// An option key the spec does not know; it is ignored. The message suggests the closest known key.
    UnknownOption,
    /// An option value of the wrong type or out of range; the option is ignored.
    InvalidValue,
    /// A non-list option was given more than once; the last value is used.
    RepeatedOption,
    /// A deprecated option name (`wtimeout`, `gssapiServiceName`, the PyMongo 3 `ssl_*` names, …).
    DeprecatedOption,
    /// An option that has no effect here (mechanism properties without a credential, an empty pair, …).
    IgnoredOption,
}

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
    kind: WarningKind,
    span: Range<usize>,
    message: String,
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
