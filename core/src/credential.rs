//! The resolved credential: what the spec's credential model says a client authenticates with.

use crate::{GssapiProperties, Mechanism, Password};

/// A credential after the spec's rules ran: required fields present, forbidden ones absent, the source
/// resolved from `authSource`, the URI database or the mechanism's default.
///
/// `Debug` never shows the password.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Credential {
    /// The user name, exactly as given (never SASLprep'd). `None` for X509 without a user.
    pub username: Option<String>,
    /// The password. `Some` of an empty password is not the same as `None`.
    pub password: Option<Password>,
    /// The database the authentication commands go to.
    pub source: String,
    /// The mechanism, or `None` to negotiate SCRAM with the server.
    pub mechanism: Option<Mechanism>,
    /// The mechanism's typed properties.
    pub properties: MechanismProperties,
}

impl Credential {
    /// A credential from already-validated parts. The rulebook's parsers and the typed builders use it;
    /// it checks nothing.
    pub fn from_parts(
        username: Option<String>,
        password: Option<Password>,
        source: String,
        mechanism: Option<Mechanism>,
        properties: MechanismProperties,
    ) -> Self {
        Self {
            username,
            password,
            source,
            mechanism,
            properties,
        }
    }
}

/// Mechanism properties, typed per mechanism. Mechanisms without properties have [`MechanismProperties::None`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum MechanismProperties {
    /// No properties (SCRAM, MONGODB-CR, PLAIN, MONGODB-X509, negotiated).
    #[default]
    None,
    /// GSSAPI's properties.
    Gssapi(GssapiProperties),
    /// MONGODB-AWS properties as given (the runtime does not implement AWS).
    Aws(Vec<(String, String)>),
    /// MONGODB-OIDC properties as given (the runtime does not implement OIDC).
    Oidc(Vec<(String, String)>),
}
