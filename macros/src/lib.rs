//! `mongo-auth-macros`: the `mongo_uri!` macro, re-exported as `mongo_auth::mongo_uri`.
//!
//! The logic is in `mongo-auth-macros-core` (ordinary functions, unit-tested there); this crate is the
//! proc-macro entry point only.
#![forbid(unsafe_code)]

use proc_macro::TokenStream;

/// A MongoDB connection string checked at compile time by the mongo-auth rulebook.
///
/// The literal is parsed and validated by the same rulebook `ConnectionString::parse` uses at run time;
/// every problem is a compile error pointing at the literal, and what the rulebook would only warn about
/// at run time (an unknown, deprecated or repeated option, an invalid value) is an error too. A valid
/// literal expands to the typed configuration built from already-validated parts: nothing is parsed at
/// run time. What the literal leaves out (a password, MONGODB-X509's client certificate), the type of the
/// value demands before it can be used.
///
/// See `mongo_auth::mongo_uri` for examples.
#[proc_macro]
pub fn mongo_uri(input: TokenStream) -> TokenStream {
    mongo_auth_macros_core::mongo_uri(input.into()).into()
}
