//! The rulebook's messages name connection-string options (`authSource`, `tls=true`, …) because most
//! input is a connection string. A builder or a config file has other names for the same things: the
//! rule (the error's kind) stays the rulebook's; only the fix is said in the words of the input.

use mongo_auth_core::{Error, ErrorKind, Mechanism};

/// How the input that broke a rule names things.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Vocabulary {
    /// A builder chain: `.source(…)`, `.username(…)`.
    Builder,
    /// A structured config file: `source = …`, `tls = { … }`.
    File,
    /// A connection string read at run time: the rulebook's own words, except where the fix is
    /// made in code.
    ConnectionString,
}

fn mechanism_name(mechanism: Option<Mechanism>) -> &'static str {
    mechanism.map_or("SCRAM (negotiated)", Mechanism::as_str)
}

/// The error with its fix in the words of `vocabulary`; the kind and the span are kept.
pub(crate) fn reword(error: Error, vocabulary: Vocabulary, mechanism: Option<Mechanism>) -> Error {
    let name = mechanism_name(mechanism);
    let message = match (vocabulary, error.kind()) {
        (Vocabulary::File, ErrorKind::X509NeedsTls) => {
            "MONGODB-X509 needs TLS with a client certificate: add \
             `tls = { certificate_key_file = \"client.pem\" }`"
                .to_owned()
        }
        (Vocabulary::File, ErrorKind::PlainNeedsTls) => {
            "PLAIN sends the password in clear: add `tls = true` (or a `tls` table), or set \
             `options.allow_plain_password_without_tls = true`"
                .to_owned()
        }
        (Vocabulary::ConnectionString, ErrorKind::PlainNeedsTls) => {
            "PLAIN sends the password in clear: add tls=true, or build the configuration in code with \
             `.dangerous().allow_plain_password_without_tls()`"
                .to_owned()
        }
        (Vocabulary::ConnectionString, _) => error.message().to_owned(),
        (Vocabulary::File, ErrorKind::MissingPassword) => format!(
            "{name} needs a password: add `password = {{ env = \"MONGO_PASSWORD\" }}`, \
             `{{ file = \"…\" }}` or the password itself"
        ),
        (Vocabulary::File, ErrorKind::MissingUsername) => {
            format!("{name} needs a user name: add a non-empty `username`")
        }
        (Vocabulary::Builder, ErrorKind::MissingUsername) => {
            format!("{name} needs a user name: `.username(…)` was given an empty one")
        }
        (Vocabulary::Builder, ErrorKind::InvalidSource) if error.message().contains("empty") => {
            "the source is empty: give `.source(…)` the database that holds the user, or leave it \
             out for the default"
                .to_owned()
        }
        (Vocabulary::File, _) => error
            .message()
            .replace("unknown authMechanism", "unknown mechanism")
            .replace("authSource=$external", "`source = \"$external\"`")
            .replace("authMechanismProperties", "`properties`")
            .replace("authMechanism", "`mechanism`")
            .replace("authSource", "`source`"),
        (Vocabulary::Builder, _) => error
            .message()
            .replace("authSource", "the source (`.source(…)`)"),
    };
    Error::new(error.kind(), error.span(), message)
}
