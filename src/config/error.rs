//! The configuration error: the rulebook's errors, and field paths for structured configurations.

use std::fmt;
use std::path::{Path, PathBuf};

use mongo_auth_core::{Error, ErrorKind, Errors};

/// Why a configuration was refused. Messages name the option and the fix and never contain a secret.
///
/// ```
/// use mongo_auth::{ClientConfig, ConfigError};
/// let error = "mongodb://localhost/?authMechanism=MONGODB-X509".parse::<ClientConfig>().unwrap_err();
/// assert!(matches!(error, ConfigError::Rules(_)));
/// assert!(error.to_string().starts_with("MONGODB-X509 needs TLS with a client certificate"));
/// ```
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// A connection string or builder input broke rules of the rulebook (spec layer or library
    /// layer): every problem, in input order, each with its byte range in the connection string.
    Rules(Errors),
    /// A structured configuration (a config file or table) is wrong: every problem, each at the path
    /// of its field (`auth.password`, `tls.certificate_key_file`, …).
    Fields(Vec<FieldError>),
}

/// One problem in a structured configuration, at the path of its field.
///
/// ```
/// let error = mongo_auth::config::from_deserializer::<mongo_auth::ClientConfig, _>(
///     &mut serde_json::Deserializer::from_str(
///         r#"{ "hosts": ["db"], "auth": { "mechanism": "MONGODB-X509", "password": "pencil" } }"#,
///     ),
/// )
/// .unwrap_err();
/// let field = &error.fields()[0];
/// assert_eq!(field.path(), "auth.password");
/// assert_eq!(field.rule().unwrap().kind(), mongo_auth::rulebook::ErrorKind::ForbiddenPassword);
/// ```
///
/// `Debug` prints what `Display` prints (`{:#?}` shows the structure).
#[derive(Clone, PartialEq, Eq)]
pub struct FieldError {
    path: String,
    rule: Option<Error>,
    message: String,
    /// The line and column the format gave for the problem (1-based).
    position: Option<(u64, u64)>,
    /// The file the configuration was read from, when the caller said ([`ConfigError::in_file`]).
    file: Option<PathBuf>,
}

impl FieldError {
    /// A problem at `path` that is not a rulebook rule (a wrong type, an unknown field, an unreadable
    /// secret file).
    pub(crate) fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            rule: None,
            message: message.into(),
            position: None,
            file: None,
        }
    }

    /// A broken rulebook rule, attributed to the field at `path`.
    pub(crate) fn from_rule(path: impl Into<String>, rule: Error) -> Self {
        Self {
            path: path.into(),
            message: rule.message().to_owned(),
            rule: Some(rule),
            position: None,
            file: None,
        }
    }

    /// The dotted path of the field (`mongodb.auth.password`); empty for the configuration as a whole.
    ///
    /// ```
    /// # let error = mongo_auth::config::from_deserializer::<mongo_auth::ClientConfig, _>(
    /// #     &mut serde_json::Deserializer::from_str(r#"{ "hosts": [] }"#)).unwrap_err();
    /// assert_eq!(error.fields()[0].path(), "hosts");
    /// ```
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The rulebook's error, when a rule was broken (its span is `0..0`: there is no string).
    ///
    /// ```
    /// # let error = mongo_auth::config::from_deserializer::<mongo_auth::ClientConfig, _>(
    /// #     &mut serde_json::Deserializer::from_str(r#"{ "hosts": [] }"#)).unwrap_err();
    /// assert_eq!(error.fields()[0].rule().unwrap().kind(), mongo_auth::rulebook::ErrorKind::InvalidHost);
    /// ```
    pub fn rule(&self) -> Option<&Error> {
        self.rule.as_ref()
    }

    /// What is wrong and how to fix it.
    ///
    /// ```
    /// # let error = mongo_auth::config::from_deserializer::<mongo_auth::ClientConfig, _>(
    /// #     &mut serde_json::Deserializer::from_str(r#"{ "hosts": [] }"#)).unwrap_err();
    /// assert!(error.fields()[0].message().starts_with("no host given"));
    /// ```
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The line (1-based) of the document the format was reading when it met the problem, when the
    /// format tells (`toml`, `serde_yaml` and `serde_json` do). A broken rule is found once its table is
    /// read: the position is the table's (`toml`) or where the reader stood after it (`serde_yaml`,
    /// `serde_json`).
    ///
    /// ```
    /// let text = "[mongodb]\nhosts = []\n";
    /// #[derive(serde::Deserialize)]
    /// struct App { mongodb: mongo_auth::ClientConfig }
    /// let document = toml::Deserializer::parse(text).unwrap();
    /// let error = mongo_auth::config::from_deserializer::<App, _>(document).map(|_| ()).unwrap_err();
    /// assert_eq!(error.fields()[0].line(), Some(1));
    /// ```
    pub fn line(&self) -> Option<u64> {
        self.position.map(|(line, _)| line)
    }

    /// The column (1-based) that goes with [`FieldError::line`].
    pub fn column(&self) -> Option<u64> {
        self.position.map(|(_, column)| column)
    }

    /// The file the configuration was read from, when the caller named it ([`ConfigError::in_file`]).
    pub fn file(&self) -> Option<&Path> {
        self.file.as_deref()
    }

    pub(crate) fn prefixed(mut self, prefix: &str) -> Self {
        if !prefix.is_empty() {
            self.path = if self.path.is_empty() {
                prefix.to_owned()
            } else {
                format!("{prefix}.{}", self.path)
            };
        }
        self
    }
}

/// `path: message`, or the message alone for the configuration as a whole; with the file and the
/// format's position in front when they are known (`app.toml:2:1: mongodb.auth.password: …`).
impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.file, self.position) {
            (Some(file), Some((line, column))) => {
                write!(f, "{}:{line}:{column}: ", file.display())?;
            }
            (Some(file), None) => write!(f, "{}: ", file.display())?,
            (None, _) => {}
        }
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        f.write_str(&self.message)?;
        match (&self.file, self.position) {
            (None, Some((line, column))) => write!(f, " (line {line}, column {column})"),
            _ => Ok(()),
        }
    }
}

impl fmt::Debug for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !f.alternate() {
            return fmt::Display::fmt(self, f);
        }
        f.debug_struct("FieldError")
            .field("path", &self.path)
            .field("rule", &self.rule)
            .field("message", &self.message)
            .field("line", &self.line())
            .field("column", &self.column())
            .field("file", &self.file)
            .finish()
    }
}

impl std::error::Error for FieldError {}

impl ConfigError {
    /// The field problems of a structured configuration (empty for [`ConfigError::Rules`]).
    ///
    /// ```
    /// let error = "mongodb://h:0".parse::<mongo_auth::ClientConfig>().unwrap_err();
    /// assert!(error.fields().is_empty());
    /// ```
    pub fn fields(&self) -> &[FieldError] {
        match self {
            ConfigError::Rules(_) => &[],
            ConfigError::Fields(fields) => fields,
        }
    }

    /// Every rulebook error in this error, wherever it came from.
    ///
    /// ```
    /// use mongo_auth::rulebook::ErrorKind;
    /// let error = "mongodb://h:0".parse::<mongo_auth::ClientConfig>().unwrap_err();
    /// assert_eq!(error.rules()[0].kind(), ErrorKind::InvalidPort);
    /// ```
    pub fn rules(&self) -> Vec<&Error> {
        match self {
            ConfigError::Rules(errors) => errors.iter().collect(),
            ConfigError::Fields(fields) => fields.iter().filter_map(FieldError::rule).collect(),
        }
    }

    /// Whether the only problem is a missing password, which code can still supply.
    ///
    /// ```
    /// let error = "mongodb://app@db/?authMechanism=SCRAM-SHA-256".parse::<mongo_auth::ClientConfig>().unwrap_err();
    /// assert!(error.is_only_missing_password());
    /// ```
    pub fn is_only_missing_password(&self) -> bool {
        let rules = self.rules();
        !rules.is_empty()
            && rules.iter().all(|e| e.kind() == ErrorKind::MissingPassword)
            && self.fields().iter().all(|f| f.rule.is_some())
    }

    /// Places the field paths under `outer`, the path at which the deserializer failed. When the
    /// failure happened inside the table (a wrong type, an unknown field), `outer` already ends with
    /// the field's path and is the whole path. The errors of a connection string given as a string
    /// value become field errors at `outer` (their spans still point into the string).
    pub(crate) fn under(self, outer: &str) -> Self {
        match self {
            ConfigError::Fields(fields) => ConfigError::Fields(
                fields
                    .into_iter()
                    .map(|f| {
                        if !f.path.is_empty()
                            && (outer == f.path || outer.ends_with(&format!(".{}", f.path)))
                        {
                            FieldError {
                                path: outer.to_owned(),
                                ..f
                            }
                        } else {
                            f.prefixed(outer)
                        }
                    })
                    .collect(),
            ),
            ConfigError::Rules(errors) if !outer.is_empty() => ConfigError::Fields(
                errors
                    .into_iter()
                    .map(|e| FieldError::from_rule(outer, e))
                    .collect(),
            ),
            rules => rules,
        }
    }

    /// The field problems at the line and column the format gave, where they have none yet.
    pub(crate) fn at(self, position: Option<(u64, u64)>) -> Self {
        match self {
            ConfigError::Fields(fields) if position.is_some() => ConfigError::Fields(
                fields
                    .into_iter()
                    .map(|f| FieldError {
                        position: f.position.or(position),
                        ..f
                    })
                    .collect(),
            ),
            other => other,
        }
    }

    /// The connection string the rulebook's errors are about, kept with its secrets replaced for
    /// [`ConfigError::render`].
    pub(crate) fn with_input(self, input: &str) -> Self {
        match self {
            ConfigError::Rules(errors) if errors.redacted_input().is_none() => {
                ConfigError::Rules(errors.with_input(input))
            }
            other => other,
        }
    }

    /// Names the file the configuration was read from: each field problem's `Display` starts with
    /// it, and with the line and column when the format gave them (`app.toml:2:1: mongodb.auth…`).
    ///
    /// ```
    /// #[derive(serde::Deserialize)]
    /// struct App { mongodb: mongo_auth::ClientConfig }
    /// let text = "[mongodb]\nhosts = [\"db\"]\nauth = { mechanism = \"MONGODB-X509\", password = \"pencil\" }\n";
    /// let document = toml::Deserializer::parse(text).unwrap();
    /// let error = mongo_auth::config::from_deserializer::<App, _>(document)
    ///     .map(|_| ())
    ///     .unwrap_err()
    ///     .in_file("app.toml");
    /// assert!(error.to_string().starts_with("app.toml:1:1: mongodb.auth.password: MONGODB-X509 takes no password"));
    /// assert!(!error.to_string().contains("pencil"));
    /// ```
    pub fn in_file(self, file: impl AsRef<Path>) -> Self {
        match self {
            ConfigError::Fields(fields) => ConfigError::Fields(
                fields
                    .into_iter()
                    .map(|f| FieldError {
                        file: Some(file.as_ref().to_owned()),
                        ..f
                    })
                    .collect(),
            ),
            rules => rules,
        }
    }

    /// Every problem on its own, as a compiler shows them: `error: ` and the message, and for a
    /// connection string parsed with [`str::parse`], the string below it — its secrets replaced by
    /// `****` — with the offending part underlined ([`Errors::rendered`]). `Debug` prints the same,
    /// so that `fn main() -> Result<(), Box<dyn Error>>` shows it.
    ///
    /// ```
    /// let error = "mongodb://app:s3cret@db.example.com:99999/shop?tls=yes"
    ///     .parse::<mongo_auth::ClientConfig>()
    ///     .unwrap_err();
    /// let shown = error.render();
    /// assert_eq!(shown.lines().count(), 6);
    /// assert!(shown.contains("  mongodb://app:****@db.example.com:99999/shop?tls=yes\n"));
    /// assert!(!shown.contains("s3cret"));
    /// assert_eq!(format!("{error:?}"), shown);
    /// ```
    pub fn render(&self) -> String {
        match self {
            ConfigError::Rules(errors) => errors.rendered().to_string(),
            ConfigError::Fields(fields) => fields
                .iter()
                .map(|field| format!("error: {field}"))
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }

    /// A field error from a message of a deserializer that did not go through
    /// [`from_deserializer`](super::from_deserializer): the message becomes the error at the root.
    ///
    /// The message is kept as given: pass one that holds no input, such as a TOML syntax error's
    /// `message()` (its Display quotes the source line).
    ///
    /// ```
    /// let error = mongo_auth::ConfigError::from_message("invalid type: integer `3`, expected a string");
    /// assert_eq!(error.to_string(), "invalid type: integer `3`, expected a string");
    /// ```
    pub fn from_message(message: impl Into<String>) -> Self {
        ConfigError::Fields(vec![FieldError::new("", message)])
    }
}

/// `Debug` prints [`ConfigError::render`] — one problem after the other, the option or field path
/// first, a connection string shown with the problem underlined — because that is what
/// `fn main() -> Result<(), Box<dyn Error>>` shows; `{:#?}` shows the structure.
///
/// ```
/// let error = "mongodb://db.example.com:99999/".parse::<mongo_auth::ClientConfig>().unwrap_err();
/// assert_eq!(format!("{error:?}"), error.render());
/// assert!(format!("{error:#?}").starts_with("Rules("));
/// ```
impl fmt::Debug for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !f.alternate() {
            return f.write_str(&self.render());
        }
        match self {
            ConfigError::Rules(errors) => f.debug_tuple("Rules").field(errors).finish(),
            ConfigError::Fields(fields) => f.debug_tuple("Fields").field(fields).finish(),
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Rules(errors) => {
                if errors.len() == 1 {
                    return fmt::Display::fmt(errors.first(), f);
                }
                write!(f, "{} problems in the configuration:", errors.len())?;
                for error in errors {
                    write!(f, "\n- {error}")?;
                }
                Ok(())
            }
            ConfigError::Fields(fields) => match fields.as_slice() {
                [only] => fmt::Display::fmt(only, f),
                _ => {
                    write!(f, "{} problems in the configuration:", fields.len())?;
                    for field in fields {
                        write!(f, "\n- {field}")?;
                    }
                    Ok(())
                }
            },
        }
    }
}

impl std::error::Error for ConfigError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ConfigError::Rules(errors) => Some(errors),
            ConfigError::Fields(_) => None,
        }
    }
}

impl From<Errors> for ConfigError {
    fn from(errors: Errors) -> Self {
        ConfigError::Rules(errors)
    }
}

/// With the `miette` feature: a connection string's problems as labels on the string, its secrets
/// masked ([`Errors`]' diagnostic); a config file's problems as the message.
///
/// ```
/// use miette::NarratableReportHandler;
/// let error = "mongodb://app:s3cret@db/?authMechanism=MONGODB-X509".parse::<mongo_auth::ClientConfig>().unwrap_err();
/// let mut shown = String::new();
/// NarratableReportHandler::new().render_report(&mut shown, &error).unwrap();
/// assert!(shown.contains("mongodb://app:****@db/?authMechanism=MONGODB-X509"), "{shown}");
/// assert!(!shown.contains("s3cret"));
/// ```
#[cfg(feature = "miette")]
#[cfg_attr(docsrs, doc(cfg(feature = "miette")))]
impl miette::Diagnostic for ConfigError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        match self {
            ConfigError::Rules(errors) => errors.code(),
            ConfigError::Fields(_) => None,
        }
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        match self {
            ConfigError::Rules(errors) => errors.source_code(),
            ConfigError::Fields(_) => None,
        }
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        match self {
            ConfigError::Rules(errors) => errors.labels(),
            ConfigError::Fields(_) => None,
        }
    }
}
