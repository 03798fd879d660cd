//! The configuration error: the rulebook's errors, and field paths for structured configurations.

use std::fmt;

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
/// assert_eq!(field.rule().unwrap().kind(), mongo_auth::core::ErrorKind::ForbiddenPassword);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    path: String,
    rule: Option<Error>,
    message: String,
}

impl FieldError {
    /// A problem at `path` that is not a rulebook rule (a wrong type, an unknown field, an unreadable
    /// secret file).
    pub(crate) fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            rule: None,
            message: message.into(),
        }
    }

    /// A broken rulebook rule, attributed to the field at `path`.
    pub(crate) fn from_rule(path: impl Into<String>, rule: Error) -> Self {
        Self {
            path: path.into(),
            message: rule.message().to_owned(),
            rule: Some(rule),
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
    /// assert_eq!(error.fields()[0].rule().unwrap().kind(), mongo_auth::core::ErrorKind::InvalidHost);
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

/// `path: message`, or the message alone for the configuration as a whole.
impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
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
    /// use mongo_auth::core::ErrorKind;
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

/// `Debug` prints what `Display` prints — one problem per line, field path or option first — because
/// that is what `fn main() -> Result<(), Box<dyn Error>>` shows; `{:#?}` shows the structure.
///
/// ```
/// let error = "mongodb://db.example.com:99999/".parse::<mongo_auth::ClientConfig>().unwrap_err();
/// assert_eq!(format!("{error:?}"), error.to_string());
/// assert!(format!("{error:#?}").starts_with("Rules("));
/// ```
impl fmt::Debug for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !f.alternate() {
            return fmt::Display::fmt(self, f);
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
