//! Parsed URI options: a typed value per canonical key, with typed accessors for the ones the rest of
//! mongo-auth uses and a generic lookup for everything else.
//!
//! # Keys
//!
//! Keys are matched case-insensitively (ASCII). Every parsed option is stored under its canonical
//! spelling from the URI-options spec (`tlsCAFile`, `wTimeoutMS`, …). Aliases are stored under the key
//! they stand for:
//!
//! | alias | stored as | notes |
//! |---|---|---|
//! | `ssl` | `tls` | every `tls`/`ssl` occurrence must agree |
//! | `wtimeout` | `wTimeoutMS` | deprecated; `wTimeoutMS` wins when both are given |
//! | `gssapiServiceName` | `gssapiServiceName` | deprecated; the credential takes it as GSSAPI's `SERVICE_NAME` (an error if `authMechanismProperties` says otherwise) |
//! | `ssl_certfile` (PyMongo 3) | `tlsCertificateKeyFile` | deprecated |
//! | `ssl_keyfile` (PyMongo 3) | `ssl_keyfile` | the private key in its own file; no modern key exists |
//! | `ssl_pem_passphrase` (PyMongo 3) | `tlsCertificateKeyFilePassword` | deprecated |
//! | `ssl_ca_certs` (PyMongo 3) | `tlsCAFile` | deprecated |
//! | `ssl_cert_reqs` (PyMongo 3) | `tlsAllowInvalidCertificates` | `CERT_NONE` → `true`; `CERT_REQUIRED`, `CERT_OPTIONAL` → `false` |
//! | `ssl_match_hostname` (PyMongo 3) | `tlsAllowInvalidHostnames` | inverted: `false` → `true` |
//! | `ssl_crlfile` (PyMongo 3) | `tlsCRLFile` | deprecated |
//! | `sslCAFile`, `sslPEMKeyFile`, `sslPEMKeyPassword`, `sslAllowInvalidCertificates`, `sslAllowInvalidHostnames`, `sslCRLFile` (legacy drivers) | their `tls*` twin | deprecated |
//!
//! A deprecated alias gives a [`WarningKind::DeprecatedOption`](crate::WarningKind::DeprecatedOption)
//! warning. An alias given together with its modern key is fine when both mean the same value and an
//! [`ErrorKind::ConflictingOptions`](crate::ErrorKind::ConflictingOptions) error when they do not (the
//! exception is `wtimeout`, which the spec resolves in favour of `wTimeoutMS` with a warning).
//!
//! # Values
//!
//! Values are percent-decoded exactly once (`+` stays `+`). Booleans are `true` or `false`; integers are
//! decimal and checked against the option's range. A value of the wrong type, out of range or empty is
//! ignored with a [`WarningKind::InvalidValue`](crate::WarningKind::InvalidValue) warning, as the spec
//! requires; only the cases the spec makes errors are errors (see [`ErrorKind`](crate::ErrorKind)).
//!
//! # TLS
//!
//! TLS is on when `tls=true` (or `ssl=true`), or for `mongodb+srv` unless `tls=false`. This library does
//! not turn TLS on because other `tls*` options are present, with one exception kept for old URIs: the
//! PyMongo 3 `ssl_*` options turn it on (as PyMongo 3 did) when neither `tls` nor `ssl` is given. See
//! [`ConnectionString::tls_enabled`](crate::ConnectionString::tls_enabled).
//!
//! `tlsInsecure=true` relaxes certificate validation, hostname validation and revocation checking
//! (OCSP and CRL). These pairs are errors whatever their values: `tlsInsecure` with
//! `tlsAllowInvalidCertificates`, `tlsAllowInvalidHostnames`, `tlsDisableOCSPEndpointCheck` or
//! `tlsDisableCertificateRevocationCheck`; `tlsAllowInvalidCertificates` with
//! `tlsDisableOCSPEndpointCheck` or `tlsDisableCertificateRevocationCheck`; and
//! `tlsDisableOCSPEndpointCheck` with `tlsDisableCertificateRevocationCheck`.

mod apply;
mod in_place;
mod table;
mod validated;
mod value;

pub(crate) use self::apply::apply;
pub(crate) use self::in_place::{Checked, check_in_place};
#[cfg(test)]
pub(crate) use self::table::canonical_keys;
pub(crate) use self::table::{Key, Lookup, canonical_key, key, lookup, secret_key, secret_row_key};
pub use self::validated::{EffectiveTls, OptionEntry, Options};
pub use self::value::OptionValue;
pub(crate) use self::value::{RawPair, parse_bool};
