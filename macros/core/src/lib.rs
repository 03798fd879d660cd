//! `mongo-auth-macros-core`: what `mongo_uri!` does, as ordinary functions.
//!
//! The proc-macro crate (`mongo-auth-macros`) is a shim over [`mongo_uri`]. Everything else lives here so
//! that it can be called from tests: [`check`] runs a connection string through the mongo-auth rulebook
//! (the very parser and rules `ConnectionString::parse` uses at run time — there is no second parser),
//! and [`expand`] turns an accepted string into the expression the macro emits.
//!
//! A literal is code, so `mongo_uri!` is stricter than a run-time parse:
//!
//! - every spec-layer error is a compile error, pointing at the offending part of the literal;
//! - what the spec only warns about (an unknown, deprecated or repeated option, an invalid value) is an
//!   error too, with the rulebook's suggestion;
//! - the library layer applies (MONGODB-X509 needs TLS, PLAIN needs TLS), except for what the literal
//!   may leave to code: a password, and MONGODB-X509's client certificate. Those the expansion's type
//!   demands ([`Deferred`]).
//!
//! ```
//! use mongo_auth_macros_core::{check, Rule};
//! use mongo_auth_core::WarningKind;
//!
//! let accepted = check("mongodb://app@db.example.com/shop?authMechanism=SCRAM-SHA-256").unwrap();
//! assert!(accepted.deferred().password);
//!
//! let refused = check("mongodb://db.example.com/?replicaSett=rs0").unwrap_err();
//! assert_eq!(refused[0].rule(), Rule::Warning(WarningKind::UnknownOption));
//! assert!(refused[0].message().contains("replicaSet"));
//! ```
#![forbid(unsafe_code)]

mod diagnostic;
mod literal;

use std::panic::{AssertUnwindSafe, catch_unwind};

use mongo_auth_core::library::{LibraryRules, TlsFacts, check_configuration};
use mongo_auth_core::{ConnectionString, ErrorKind, Errors};
use proc_macro2::{Span, TokenStream};
use syn::LitStr;

pub use diagnostic::{Diagnostic, Rule};

use literal::UriLiteral;

/// Which layers of rules [`check_with`] applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Layers {
    /// The spec layer, with warnings refused: what a run-time parse accepts without a warning.
    Spec,
    /// The spec layer and the library layer: what `mongo_uri!` accepts.
    SpecAndLibrary,
}

/// What an accepted literal leaves to code; the expansion's type demands it before the configuration can
/// be used.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Deferred {
    /// The mechanism needs a password (SCRAM, MONGODB-CR, PLAIN, negotiation) and the literal has none.
    pub password: bool,
    /// MONGODB-X509 without a client certificate in the literal: code supplies the certificate (and
    /// turns TLS on).
    pub client_certificate: bool,
}

/// A connection string `mongo_uri!` accepts: parsed by the rulebook, and what is left to code.
#[derive(Clone, Debug)]
pub struct Accepted {
    uri: ConnectionString,
    deferred: Deferred,
}

impl Accepted {
    /// The parsed connection string (hosts, options, the resolved credential).
    pub fn connection_string(&self) -> &ConnectionString {
        &self.uri
    }

    /// What code must still supply.
    pub fn deferred(&self) -> Deferred {
        self.deferred
    }
}

/// Checks a connection string as `mongo_uri!` does: both layers of rules, warnings refused. All problems
/// are reported, in the order of the string.
pub fn check(uri: &str) -> Result<Accepted, Vec<Diagnostic>> {
    check_with(uri, Layers::SpecAndLibrary)
}

/// Checks a connection string with a chosen set of [layers](Layers).
pub fn check_with(uri: &str, layers: Layers) -> Result<Accepted, Vec<Diagnostic>> {
    let parsed = ConnectionString::parse(uri).map_err(|errors| diagnostics(&errors))?;
    let mut refused: Vec<Diagnostic> = parsed.warnings().iter().map(Diagnostic::from).collect();
    let deferred = deferred(&parsed);
    if layers == Layers::SpecAndLibrary {
        let rules = LibraryRules::default().password_from_code(true);
        let checked = if deferred.client_certificate {
            // Code will supply TLS with a client certificate: the type of the expansion demands both.
            let tls = TlsFacts::new(true, true);
            check_configuration(parsed.credential(), parsed.hosts(), tls, rules)
        } else {
            parsed.check_library_rules_with(rules)
        };
        if let Err(errors) = checked {
            refused.extend(errors.iter().map(|error| literal_fix(&parsed, error)));
        }
        if deferred.client_certificate {
            refused.extend(tls_settings_code_would_replace(&parsed));
        }
    }
    if refused.is_empty() {
        Ok(Accepted {
            uri: parsed,
            deferred,
        })
    } else {
        refused.sort_by_key(|d| (d.range().start, d.range().end));
        Err(refused)
    }
}

/// A library-layer error, with the fix worded for a literal: the rulebook's messages also speak to
/// run-time strings and code, which have ways out a literal has not (and the other way round).
fn literal_fix(uri: &ConnectionString, error: &mongo_auth_core::Error) -> Diagnostic {
    let options = uri.options();
    let message = match error.kind() {
        ErrorKind::PlainNeedsTls => Some(
            "PLAIN sends the password in clear: add tls=true (a literal cannot allow clear text; \
             ClientConfig::builder() can, behind .dangerous())"
                .to_owned(),
        ),
        ErrorKind::X509NeedsTls if options.tls() == Some(false) => Some(
            "MONGODB-X509 needs TLS with a client certificate: remove tls=false (and add \
             tls=true&tlsCertificateKeyFile=…, or supply them in code with .tls(Tls::enabled().client_cert(…)))"
                .to_owned(),
        ),
        ErrorKind::X509NeedsTls if options.tls_certificate_key_file().is_some() => {
            Some("MONGODB-X509 needs TLS for its client certificate: add tls=true".to_owned())
        }
        _ => None,
    };
    match message {
        Some(message) => Diagnostic::new(Rule::Error(error.kind()), error.span(), message),
        None => Diagnostic::from(error),
    }
}

/// The errors of a refused parse and the warnings found alongside them (refused too, as for a string
/// that parses), in the order of the string.
fn diagnostics(errors: &Errors) -> Vec<Diagnostic> {
    let mut refused: Vec<Diagnostic> = errors
        .iter()
        .map(Diagnostic::from)
        .chain(errors.warnings().iter().map(Diagnostic::from))
        .collect();
    refused.sort_by_key(|d| (d.range().start, d.range().end));
    refused
}

/// What the literal leaves to code, decided by the library layer's own verdict on the literal as written.
fn deferred(uri: &ConnectionString) -> Deferred {
    let Err(errors) = uri.check_library_rules() else {
        return Deferred::default();
    };
    let options = uri.options();
    let x509_without_certificate = errors.iter().any(|e| e.kind() == ErrorKind::X509NeedsTls)
        && options.tls_certificate_key_file().is_none()
        // `tls=false` in the literal is a decision code cannot overturn.
        && options.tls() != Some(false);
    Deferred {
        password: errors
            .iter()
            .any(|e| e.kind() == ErrorKind::MissingPassword),
        client_certificate: x509_without_certificate,
    }
}

/// A literal that leaves MONGODB-X509's client certificate to code gets its TLS from code, whole
/// (`.tls(Tls::enabled().client_cert(…))`): TLS settings in the literal would be silently replaced, so they are
/// refused.
fn tls_settings_code_would_replace(uri: &ConnectionString) -> Vec<Diagnostic> {
    const SETTINGS: [&str; 6] = [
        "tlsCAFile",
        "tlsCRLFile",
        "tlsAllowInvalidCertificates",
        "tlsAllowInvalidHostnames",
        "tlsInsecure",
        "tlsCertificateKeyFilePassword",
    ];
    SETTINGS
        .iter()
        .filter_map(|key| uri.options().entry(key))
        .map(|entry| {
            Diagnostic::new(
                Rule::Error(ErrorKind::X509NeedsTls),
                entry.span(),
                format!(
                    "MONGODB-X509 without tlsCertificateKeyFile takes its TLS settings from code, \
                     which would replace {}: add tlsCertificateKeyFile=… to the literal, or move \
                     {} into .tls(Tls::enabled().client_cert(…))",
                    entry.key(),
                    entry.key()
                ),
            )
        })
        .collect()
}

/// `mongo_uri!` as a function from tokens to tokens: the input must be one string literal. Errors come
/// back as `compile_error!` invocations on the literal; a panic is caught and reported as a bug.
pub fn mongo_uri(input: TokenStream) -> TokenStream {
    report_panics(|| {
        let lit: LitStr = match syn::parse2(input) {
            Ok(lit) => lit,
            Err(error) => return input_error(error.span()),
        };
        if !lit.suffix().is_empty() {
            return input_error(lit.span());
        }
        let literal = UriLiteral::new(&lit);
        match expand(literal.value()) {
            Ok(tokens) => tokens,
            Err(refused) => diagnostic::compile_errors(&literal, &refused),
        }
    })
}

/// The expression a valid literal expands to.
pub fn expand(uri: &str) -> Result<TokenStream, Vec<Diagnostic>> {
    let accepted = check(uri)?;
    Ok(emit::config(&accepted))
}

mod emit;

fn input_error(span: Span) -> TokenStream {
    diagnostic::error_block([(
        span,
        "mongo_uri! takes one string literal, e.g. mongo_uri!(\"mongodb://localhost\")".to_owned(),
    )])
}

/// Runs the macro body; a panic becomes a compile error that asks for a bug report.
#[doc(hidden)]
pub fn report_panics(body: impl FnOnce() -> TokenStream) -> TokenStream {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|payload| {
        let detail = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "no message".to_owned());
        diagnostic::error_block([(
            Span::call_site(),
            format!("internal error in mongo_uri!, please report it: {detail}"),
        )])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn x509_certificate_from_code_takes_tls_from_code_whole() {
        let accepted = check("mongodb://h/?authMechanism=MONGODB-X509&tls=true").unwrap();
        assert!(accepted.deferred().client_certificate);
        let uri = "mongodb://h/?authMechanism=MONGODB-X509&tls=true&tlsCAFile=ca.pem";
        let refused = check(uri).unwrap_err();
        assert_eq!(refused.len(), 1, "{refused:?}");
        assert_eq!(&uri[refused[0].range()], "tlsCAFile=ca.pem");
        assert!(refused[0].message().contains("add tlsCertificateKeyFile"));
        // with the certificate in the literal, its TLS settings stay
        check("mongodb://h/?authMechanism=MONGODB-X509&tls=true&tlsCAFile=ca.pem&tlsCertificateKeyFile=c.pem")
            .unwrap();
    }

    #[test]
    fn warnings_are_refused_with_the_errors() {
        let uri = "mongodb://alice%zz:pw@localhost:0/?tls=true&ssl=false&replicaSett=rs0";
        let refused = check(uri).unwrap_err();
        let rules: Vec<_> = refused.iter().map(Diagnostic::rule).collect();
        assert_eq!(
            rules,
            [
                Rule::Error(ErrorKind::InvalidUserinfo),
                Rule::Error(ErrorKind::InvalidPort),
                Rule::Error(ErrorKind::ConflictingOptions),
                Rule::Warning(mongo_auth_core::WarningKind::UnknownOption),
            ]
        );
        assert_eq!(&uri[refused[3].range()], "replicaSett");
        assert!(refused[3].message().contains("replicaSet"), "{refused:?}");
    }

    #[test]
    fn refused_warnings_say_what_to_do_in_the_literal() {
        for uri in [
            "mongodb://h/?zzz=1&&replicaSett=rs&tls=yes&w=1&w=2&wtimeout=5&compressors=lz4",
            "mongodb://h/?ssl_cert_reqs=CERT_NONE&ssl_keyfile=k.pem",
            "mongodb://h/?authMechanismProperties=SERVICE_NAME:x",
            "mongodb://u:p@h/?gssapiServiceName=y&authMechanism=SCRAM-SHA-256",
        ] {
            let refused = check(uri).unwrap_err();
            for diagnostic in refused {
                let message = diagnostic.message();
                assert!(!message.contains("ignored"), "{uri}: {message}");
                assert!(message.contains(": "), "{uri}: {message}");
            }
        }
    }

    /// On stable Rust the compiler cannot point into the literal, so messages quote the offending
    /// text: never a part of the password or of a secret option's value.
    #[test]
    fn messages_quote_no_part_of_a_secret() {
        for uri in [
            "mongodb://u:Zq9x/Wv7y@h/",
            "mongodb://u:Zq9x?Wv7y@h",
            "mongodb://u:Zq9xWv7y@h/?authMechanism=MONGODB-AWS",
            "mongodb://u:Zq9xWv7y@h/?authMechanism=MONGODB-X509&tls=true&tlsCertificateKeyFile=c.pem",
            "mongodb://u:Zq9xWv7y@:0",
            "mongodb://u:Zq9xWv7y@",
            "mongodb://h/?proxyHost=p&proxyUsername=u&proxyPassword=Zq9x&proxyPassword=Wv7y",
            "mongodb://h/?proxyHost=p&proxyPassword=Zq9xWv7y",
            "mongodb://h/?proxyHost=p&proxyUsername=u&proxyPassword=Zq9x&Wv7y",
            "mongodb://h/?tlsCertificateKeyFilePassword=Zq9x%zzWv7y",
            "mongodb://h/?tlsCertificateKeyFilePassword=Zq9x&&Wv7y=1",
            "mongodb://h/?authMechanism=MONGODB-X509&tls=true&tlsCertificateKeyFilePassword=Zq9xWv7y",
        ] {
            let refused = check(uri).unwrap_err();
            for diagnostic in &refused {
                for shown in [
                    diagnostic.message().to_owned(),
                    diagnostic.message_without_subspan(uri),
                ] {
                    assert!(
                        !shown.contains("Zq9x") && !shown.contains("Wv7y"),
                        "{uri}: {shown}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_panic_is_reported_as_a_bug() {
        let tokens = report_panics(|| panic!("index out of bounds"));
        let text = tokens.to_string();
        assert!(text.contains("compile_error"), "{text}");
        assert!(
            text.contains("internal error in mongo_uri!, please report it: index out of bounds"),
            "{text}"
        );
    }

    #[test]
    fn input_must_be_one_string_literal() {
        for input in [
            "",
            "42",
            "\"a\" \"b\"",
            "concat!(\"mongodb://\", \"h\")",
            "\"mongodb://h\"x",
        ] {
            let text = mongo_uri(input.parse().unwrap()).to_string();
            assert!(
                text.contains("mongo_uri! takes one string literal"),
                "{input}: {text}"
            );
        }
    }
}
