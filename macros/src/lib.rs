//! `mongo-auth-macros`: the `mongo_uri!` macro, re-exported as `mongo_auth::mongo_uri`.
//!
//! The logic is in `mongo-auth-macros-core` (ordinary functions, unit-tested there); this crate is the
//! proc-macro entry point only.
#![forbid(unsafe_code)]

use proc_macro::TokenStream;

/// A MongoDB connection string checked at compile time by the mongo-auth rulebook.
///
/// The literal is parsed and validated by the same rulebook `ConnectionString::parse` uses at run time,
/// so a typo, a forbidden combination or a missing escape fails `cargo build`, not a deployment. A valid
/// literal expands to the configuration built from already-validated parts: nothing is parsed at run
/// time.
///
/// ```
/// use mongo_auth::{ClientConfig, Mechanism, mongo_uri};
///
/// let config: ClientConfig = mongo_uri!(
///     "mongodb://user:password@example.com/the_database?authMechanism=SCRAM-SHA-1"
/// );
/// let credential = config.credential().unwrap();
/// assert_eq!(credential.mechanism, Some(Mechanism::ScramSha1));
/// assert_eq!(credential.source, "the_database");
/// ```
///
/// # What the literal leaves out, the type demands
///
/// A literal without a password (SCRAM, MONGODB-CR, PLAIN, or no mechanism) gives a builder that needs
/// `.password(…)` before `.build()` compiles; MONGODB-X509 without `tlsCertificateKeyFile` gives one that
/// needs TLS with a client certificate, `.tls(Tls::enabled().client_cert(…))`:
///
/// ```
/// use mongo_auth::{Tls, mongo_uri};
///
/// let secret = String::from("pencil"); // e.g. std::env::var("MONGO_PASSWORD")?
/// let config = mongo_uri!("mongodb://app@db.example.com/shop?authMechanism=SCRAM-SHA-256")
///     .password(secret)
///     .build()?;
/// assert_eq!(config.credential().unwrap().source, "shop");
///
/// let config = mongo_uri!("mongodb://db.example.com/?authMechanism=MONGODB-X509")
///     .tls(Tls::enabled().client_cert("client.pem").ca_file("ca.pem"))
///     .build()?;
/// assert_eq!(config.credential().unwrap().source, "$external");
/// # Ok::<(), mongo_auth::ConfigError>(())
/// ```
///
/// ```text
/// // does not compile: the password is missing
/// let config = mongo_auth::mongo_uri!("mongodb://app@db.example.com").build();
/// ```
/// (does not compile; pinned with its compiler message by `ui-tests/uri-fail/left_to_code.rs`)
///
/// # Stricter than a run-time parse
///
/// Every problem is a compile error that names the rule and the fix, all of a literal's problems at
/// once. What a run-time parse only warns about (an unknown, deprecated or repeated option, an invalid
/// value) is an error in a literal, and the library's own rules apply (MONGODB-X509 and PLAIN need TLS):
///
/// ```text
/// // error: unknown option `authMechansim`: did you mean `authMechanism`?
/// let config = mongo_auth::mongo_uri!("mongodb://user:pw@localhost/?authMechansim=SCRAM-SHA-256");
/// ```
/// (does not compile; pinned with its compiler message by `ui-tests/uri-fail/options.rs`)
///
/// ```text
/// // error: MONGODB-X509 takes no password (the client certificate is the credential): remove the password
/// let config = mongo_auth::mongo_uri!("mongodb://user:pw@localhost/?authMechanism=MONGODB-X509&tls=true");
/// ```
/// (does not compile; pinned with its compiler message by `ui-tests/uri-fail/mechanisms.rs`)
///
/// ```text
/// // error: in `…alice%zz…`: invalid percent-encoding in the user name: `%` must be followed by two
/// // hex digits (write a literal `%` as %25)
/// let config = mongo_auth::mongo_uri!("mongodb://alice%zz:pw@localhost");
/// ```
/// (does not compile; pinned with its compiler message by `ui-tests/uri-fail/userinfo.rs`)
///
/// On stable Rust the compiler can only underline the whole literal, so the message quotes the
/// offending part (never the password). The input must be one plain string literal; a `const` or
/// `concat!(…)` cannot be read when the macro runs.
#[proc_macro]
pub fn mongo_uri(input: TokenStream) -> TokenStream {
    mongo_auth_macros_core::mongo_uri(input.into()).into()
}
