//! Why a literal was refused, and how that becomes compile errors pointing into the literal.

use std::fmt;
use std::ops::Range;

use mongo_auth_core::{ConnectionString, Error, ErrorKind, Warning, WarningKind};
use proc_macro2::{Delimiter, Group, Ident, Literal, Punct, Spacing, Span, TokenStream, TokenTree};

use crate::literal::{UriLiteral, quote_range};

/// The rule a [`Diagnostic`] is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Rule {
    /// A rule of the rulebook (spec layer or library layer) that the connection string breaks.
    Error(ErrorKind),
    /// Something the rulebook only warns about at run time (an unknown, deprecated or repeated option,
    /// an invalid value). A literal is code, so `mongo_uri!` refuses it.
    Warning(WarningKind),
    /// The macro input is not one plain string literal.
    Input,
    /// The macro itself failed: a bug to report.
    Internal,
}

/// One reason a `mongo_uri!` literal is refused: the rule, the byte range of the connection string it is
/// about, and a message that names the option and the fix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    rule: Rule,
    range: Range<usize>,
    message: String,
}

impl Diagnostic {
    pub(crate) fn new(rule: Rule, range: Range<usize>, message: impl Into<String>) -> Self {
        Self {
            rule,
            range,
            message: message.into(),
        }
    }

    /// The rule that was broken.
    pub fn rule(&self) -> Rule {
        self.rule
    }

    /// The byte range of the connection string the diagnostic is about.
    pub fn range(&self) -> Range<usize> {
        self.range.clone()
    }

    /// The message, as the compiler shows it when it can point at [`Diagnostic::range`].
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The message when the compiler can only point at the whole literal: the offending text is quoted
    /// in front of it, unless it covers the whole literal or the message already quotes it. Nothing
    /// of a part of the string that may hold a secret is quoted (the password, a secret option's value:
    /// [`ConnectionString::secret_spans`](mongo_auth_core::ConnectionString::secret_spans)).
    pub fn message_without_subspan(&self, uri: &str) -> String {
        self.message_quoting(uri, &secret_spans(uri))
    }

    /// [`Diagnostic::message_without_subspan`] with the string's secret spans already known.
    pub(crate) fn message_quoting(&self, uri: &str, secrets: &[Range<usize>]) -> String {
        let Some(range) = self.quotable_range(uri) else {
            return self.message.clone();
        };
        if secrets.iter().any(|secret| overlaps(&range, secret)) {
            return self.message.clone();
        }
        let whole = range.start == 0 && range.end >= uri.len();
        let text = uri.get(range.clone()).unwrap_or_default();
        let already_quoted = !text.is_empty() && self.message.contains(&format!("`{text}`"));
        if whole || already_quoted {
            return self.message.clone();
        }
        format!(
            "in `{}`: {}",
            quote_range(uri, range, secrets),
            self.message
        )
    }

    /// The part of the range whose text may be quoted, or `None` when it would show the password
    /// (the compiler still shows the line of code, but messages, which end up in logs, stay free of it).
    fn quotable_range(&self, uri: &str) -> Option<Range<usize>> {
        match self.rule {
            Rule::Error(ErrorKind::ForbiddenPassword | ErrorKind::NulInCredential) => None,
            Rule::Error(ErrorKind::InvalidUserinfo) if self.message.contains("password") => None,
            // a missing user name is pointed at in the userinfo: quote up to the `:` before the password
            Rule::Error(ErrorKind::MissingUsername) => {
                let text = uri.get(self.range.clone())?;
                let end = text
                    .find(':')
                    .map_or(self.range.end, |i| self.range.start + i);
                Some(self.range.start..end)
            }
            _ => Some(self.range.clone()),
        }
    }
}

impl From<&Error> for Diagnostic {
    fn from(error: &Error) -> Self {
        Diagnostic::new(Rule::Error(error.kind()), error.span(), error.message())
    }
}

/// A warning refused as an error, worded as the rulebook words it for every strict entry point
/// ([`Warning::refused`]): a literal is refused where a lenient parse would go on without the option.
impl From<&Warning> for Diagnostic {
    fn from(warning: &Warning) -> Self {
        Diagnostic::new(
            Rule::Warning(warning.kind()),
            warning.span(),
            warning.refused().message(),
        )
    }
}

/// The parts of a connection string that may hold a secret, whether the rulebook accepts it or not.
pub(crate) fn secret_spans(uri: &str) -> Vec<Range<usize>> {
    match ConnectionString::parse(uri) {
        Ok(parsed) => parsed.secret_spans().to_vec(),
        Err(errors) => errors.secret_spans().to_vec(),
    }
}

/// Whether a range (or, for an empty range, its position) is inside a secret.
fn overlaps(range: &Range<usize>, secret: &Range<usize>) -> bool {
    if range.is_empty() {
        secret.start < range.start && range.start < secret.end
    } else {
        range.start < secret.end && secret.start < range.end
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// One `::core::compile_error!("…")` per diagnostic, each spanned on its part of the literal, in a block
/// whose value is the last `compile_error!`: an expression of the compiler's error type, so code that
/// uses the macro's value reports nothing more.
pub(crate) fn compile_errors(literal: &UriLiteral, diagnostics: &[Diagnostic]) -> TokenStream {
    let secrets = secret_spans(literal.value());
    let errors = diagnostics.iter().map(|d| {
        let (span, message) = match literal.subspan(d.range()) {
            Some(span) => (span, d.message().to_owned()),
            None => (literal.span(), d.message_quoting(literal.value(), &secrets)),
        };
        (span, message)
    });
    error_block(errors)
}

/// The same block from spans and messages.
pub(crate) fn error_block(errors: impl IntoIterator<Item = (Span, String)>) -> TokenStream {
    let mut body = TokenStream::new();
    let mut first = true;
    for (span, message) in errors {
        if !first {
            body.extend([TokenTree::Punct(spanned(
                Punct::new(';', Spacing::Alone),
                span,
            ))]);
        }
        first = false;
        body.extend(compile_error(span, &message));
    }
    TokenStream::from(TokenTree::Group(Group::new(Delimiter::Brace, body)))
}

/// `::core::compile_error!("message")`, every token on `span` so the error shows there.
fn compile_error(span: Span, message: &str) -> TokenStream {
    let mut message = Literal::string(message);
    message.set_span(span);
    let mut args = Group::new(Delimiter::Parenthesis, TokenTree::Literal(message).into());
    args.set_span(span);
    let colons = || {
        [
            TokenTree::Punct(spanned(Punct::new(':', Spacing::Joint), span)),
            TokenTree::Punct(spanned(Punct::new(':', Spacing::Alone), span)),
        ]
    };
    let mut tokens = TokenStream::new();
    tokens.extend(colons());
    tokens.extend([TokenTree::Ident(Ident::new("core", span))]);
    tokens.extend(colons());
    tokens.extend([
        TokenTree::Ident(Ident::new("compile_error", span)),
        TokenTree::Punct(spanned(Punct::new('!', Spacing::Alone), span)),
        TokenTree::Group(args),
    ]);
    tokens
}

fn spanned(mut punct: Punct, span: Span) -> Punct {
    punct.set_span(span);
    punct
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_the_offending_text_only_when_the_message_does_not() {
        let uri = "mongodb://alice%zz@h";
        let d = Diagnostic::new(Rule::Input, 15..18, "bad escape in the user name");
        assert_eq!(
            d.message_without_subspan(uri),
            "in `…alice%zz…`: bad escape in the user name"
        );
        let d = Diagnostic::new(Rule::Input, 15..18, "bad escape `%zz` in the user name");
        assert_eq!(d.message_without_subspan(uri), d.message());
        let d = Diagnostic::new(Rule::Input, 0..uri.len(), "whole");
        assert_eq!(d.message_without_subspan(uri), "whole");
    }

    #[test]
    fn password_text_is_never_quoted() {
        let uri = "mongodb://CN=client:hunter2@h/?authMechanism=MONGODB-X509";
        let d = Diagnostic::new(
            Rule::Error(ErrorKind::ForbiddenPassword),
            20..27,
            "MONGODB-X509 takes no password",
        );
        assert_eq!(
            d.message_without_subspan(uri),
            "MONGODB-X509 takes no password"
        );
        let uri = "mongodb://alice:p%zz@h";
        let d = Diagnostic::new(
            Rule::Error(ErrorKind::InvalidUserinfo),
            17..20,
            "invalid percent-encoding in the password",
        );
        assert!(!d.message_without_subspan(uri).contains("%zz"));
        let uri = "mongodb://:hunter2@h/?authMechanism=SCRAM-SHA-1";
        let d = Diagnostic::new(
            Rule::Error(ErrorKind::MissingUsername),
            10..18,
            "SCRAM-SHA-1 needs a user name",
        );
        assert_eq!(
            d.message_without_subspan(uri),
            "in `mongodb://…`: SCRAM-SHA-1 needs a user name"
        );
    }

    #[test]
    fn the_block_ends_in_the_last_compile_error() {
        let block = error_block([
            (Span::call_site(), "first".to_owned()),
            (Span::call_site(), "second".to_owned()),
        ]);
        assert_eq!(
            block.to_string(),
            r#"{ :: core :: compile_error ! ("first") ; :: core :: compile_error ! ("second") }"#
        );
    }
}
