//! The credential rules of the auth spec, usable without a connection string.
//!
//! The connection-string parser, the typed builders and the serde loader all build credentials through
//! [`validate_credential`], so the rules exist once.
//!
//! # When a credential exists
//!
//! In a connection string: when the userinfo `@` is present (even empty) or `authMechanism` is given. A
//! database path or `authSource` alone configures nothing. Elsewhere (config, builders): when the caller
//! asks for one.
//!
//! # Per mechanism
//!
//! | mechanism | user name | password | source default | source allowed | properties |
//! |---|---|---|---|---|---|
//! | none (negotiate SCRAM) | required | needed to connect | `authSource` → database → `admin` | any | none |
//! | SCRAM-SHA-1, SCRAM-SHA-256, MONGODB-CR | required | needed to connect | `authSource` → database → `admin` | any | none |
//! | PLAIN | required | needed to connect | `authSource` → database → `$external` | any | none |
//! | MONGODB-X509 | optional (the certificate subject) | forbidden | `$external` | `$external` | none |
//! | GSSAPI | required (may hold `@REALM`) | optional | `$external` | `$external` | `SERVICE_NAME` (default `mongodb`), `CANONICALIZE_HOST_NAME`, `SERVICE_REALM`, `SERVICE_HOST` |
//! | MONGODB-AWS | forbidden | forbidden | `$external` | `$external` | none from a URI or config (credentials come from the environment) |
//! | MONGODB-OIDC | only with `ENVIRONMENT:azure` (the client id) | forbidden | `$external` | `$external` | `ENVIRONMENT` (required: `test`, `azure`, `gcp`, `k8s`), `TOKEN_RESOURCE` (required for `azure` and `gcp`, forbidden otherwise) |
//!
//! "Needed to connect" is a library-layer rule ([`crate::library`]): the spec layer accepts
//! `mongodb://user@host` so that the password can be supplied in code.
//!
//! For `$external`-only mechanisms the database path is ignored (it stays the default database). An
//! empty `authSource` is always an error. Property keys are case-insensitive; values are case-sensitive.
//! `CANONICALIZE_HOST_NAME` accepts `none`, `forward`, `forwardAndReverse` and the legacy `false` (=
//! `none`) and `true` (= `forwardAndReverse`).
//!
//! ```
//! use mongo_auth_core::rules::{validate_credential, CredentialParts};
//! use mongo_auth_core::{Mechanism, Password};
//! let mut parts = CredentialParts::default(); // fields may be added: set the ones you have
//! parts.mechanism = Some(Mechanism::ScramSha256);
//! parts.username = Some("app".into());
//! parts.password = Some(Password::new("pencil"));
//! parts.database = Some("shop".into());
//! let credential = validate_credential(parts).unwrap();
//! assert_eq!(credential.source, "shop");
//! ```

mod credential;
mod options;
mod source;

pub use self::credential::{
    CredentialParts, gssapi_properties, parse_mechanism, validate_credential,
};
pub(crate) use self::credential::{PartSpans, build_credential, parse_mechanism_at};
pub use self::options::{
    MAX_APP_NAME_LEN, MIN_SCRAM_ITERATIONS, SRV_MAX_HOSTS_WITH_LOAD_BALANCED,
    SRV_MAX_HOSTS_WITH_REPLICA_SET, SrvOptions, check_app_name, check_srv_options,
    check_srv_service_name, srv_option_without_srv,
};
pub(crate) use self::source::check_source_text;
pub use self::source::{EXTERNAL, default_source, external_only, needs_password, resolve_source};
