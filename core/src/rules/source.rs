//! The credential's source: the defaults per mechanism, and what an explicit `authSource` may be.

use std::ops::Range;

use crate::Mechanism;
use crate::error::{ErrorKind, Report};

/// The source of `$external` mechanisms.
pub const EXTERNAL: &str = "$external";

/// The source a credential gets when no `authSource` is given: the database for SCRAM, MONGODB-CR, PLAIN
/// and negotiation (else `admin`, or `$external` for PLAIN), `$external` for every other mechanism.
///
/// ```
/// use mongo_auth_core::{rules::default_source, Mechanism};
/// assert_eq!(default_source(Some(Mechanism::MongodbCr), None), "admin");
/// assert_eq!(default_source(Some(Mechanism::Plain), None), "$external");
/// assert_eq!(default_source(None, Some("shop")), "shop");
/// assert_eq!(default_source(Some(Mechanism::Gssapi), Some("shop")), "$external");
/// ```
pub fn default_source(mechanism: Option<Mechanism>, database: Option<&str>) -> &str {
    match mechanism {
        None | Some(Mechanism::ScramSha1 | Mechanism::ScramSha256 | Mechanism::MongodbCr) => {
            database.unwrap_or("admin")
        }
        Some(Mechanism::Plain) => database.unwrap_or(EXTERNAL),
        Some(_) => EXTERNAL,
    }
}

/// The final source of a credential, with everything that can give one: an explicit `authSource`
/// (connection string or code) wins, then a `mongodb+srv` TXT record's `authSource`, then the
/// mechanism's default ([`default_source`]: the database path, else `admin` or `$external`).
/// `$external`-only mechanisms ignore the TXT record and the database (an explicit source was
/// already checked to be `$external` for them).
///
/// ```
/// use mongo_auth_core::{rules::resolve_source, Mechanism};
/// // URI options win over TXT
/// assert_eq!(resolve_source(None, Some("admin"), Some("shop"), None), "admin");
/// // TXT wins over the database path
/// assert_eq!(resolve_source(None, None, Some("shop"), Some("db")), "shop");
/// assert_eq!(resolve_source(Some(Mechanism::Plain), None, Some("ldap"), None), "ldap");
/// assert_eq!(resolve_source(Some(Mechanism::Plain), None, None, None), "$external");
/// assert_eq!(resolve_source(Some(Mechanism::MongodbX509), None, Some("admin"), None), "$external");
/// ```
pub fn resolve_source(
    mechanism: Option<Mechanism>,
    explicit: Option<&str>,
    txt: Option<&str>,
    database: Option<&str>,
) -> String {
    if external_only(mechanism) {
        return explicit.unwrap_or(EXTERNAL).to_owned();
    }
    explicit
        .or(txt)
        .unwrap_or_else(|| default_source(mechanism, database))
        .to_owned()
}

/// Whether the mechanism only authenticates against `$external`.
pub fn external_only(mechanism: Option<Mechanism>) -> bool {
    matches!(
        mechanism,
        Some(
            Mechanism::MongodbX509
                | Mechanism::Gssapi
                | Mechanism::MongodbAws
                | Mechanism::MongodbOidc
        )
    )
}

/// Whether the mechanism needs a password to connect (SCRAM, MONGODB-CR, PLAIN, negotiation).
pub fn needs_password(mechanism: Option<Mechanism>) -> bool {
    matches!(
        mechanism,
        None | Some(
            Mechanism::ScramSha1 | Mechanism::ScramSha256 | Mechanism::MongodbCr | Mechanism::Plain
        )
    )
}

/// Checks an explicit source: never empty, and `$external` for the mechanisms that only allow it.
/// `mechanism` is `None` when no credential is configured (only emptiness is checked then).
pub(crate) fn check_source_text(
    source: &str,
    mechanism: Option<Option<Mechanism>>,
    span: Range<usize>,
    report: &mut Report,
) -> bool {
    if source.is_empty() {
        report.error(
            ErrorKind::InvalidSource,
            span,
            "authSource is empty: name the database that holds the user, or remove authSource",
        );
        return false;
    }
    if let Some(mechanism) = mechanism
        && external_only(mechanism)
        && source != EXTERNAL
    {
        let name = mechanism.map_or("", Mechanism::as_str);
        report.error(
            ErrorKind::InvalidSource,
            span,
            format!("{name} authenticates against $external only: remove authSource or set authSource=$external"),
        );
        return false;
    }
    true
}
