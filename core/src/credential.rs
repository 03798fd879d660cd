//! The resolved credential: what the spec's credential model says a client authenticates with.

use crate::{GssapiProperties, Mechanism, Password};

/// A credential after the spec's rules ran: required fields present, forbidden ones absent, the source
/// resolved from `authSource`, the URI database or the mechanism's default.
///
/// `Debug` never shows the password.
///
/// ```
/// use mongo_auth_core::{ConnectionString, Mechanism};
/// let uri = ConnectionString::parse("mongodb://app:pencil@db.example.com/shop?authMechanism=SCRAM-SHA-256").unwrap();
/// let credential = uri.credential().unwrap();
/// assert_eq!(credential.username.as_deref(), Some("app"));
/// assert_eq!(credential.mechanism, Some(Mechanism::ScramSha256));
/// // SCRAM authenticates against the database path when there is no authSource
/// assert_eq!(credential.source, "shop");
/// assert!(credential.properties.is_none());
/// ```
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
///
/// ```
/// use mongo_auth_core::{ConnectionString, MechanismProperties};
/// let uri = ConnectionString::parse(
///     "mongodb://user%40EXAMPLE.COM@db.example.com/?authMechanism=GSSAPI\
///      &authMechanismProperties=SERVICE_NAME:mongo,SERVICE_REALM:EXAMPLE.COM",
/// )
/// .unwrap();
/// let MechanismProperties::Gssapi(gssapi) = &uri.credential().unwrap().properties else { panic!() };
/// assert_eq!(gssapi.service_name, "mongo");
/// assert_eq!(gssapi.service_realm.as_deref(), Some("EXAMPLE.COM"));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum MechanismProperties {
    /// No properties (SCRAM, MONGODB-CR, PLAIN, MONGODB-X509, negotiated).
    #[default]
    None,
    /// GSSAPI's properties.
    Gssapi(GssapiProperties),
    /// MONGODB-AWS properties as given.
    Aws(Vec<(String, String)>),
    /// MONGODB-OIDC properties as given (`ENVIRONMENT`, `TOKEN_RESOURCE`).
    Oidc(Vec<(String, String)>),
}

impl MechanismProperties {
    /// The properties as `(KEY, value)` pairs with the spec's upper-case key names, defaults included
    /// (GSSAPI always lists `SERVICE_NAME` and `CANONICALIZE_HOST_NAME`).
    ///
    /// ```
    /// use mongo_auth_core::{GssapiProperties, MechanismProperties};
    /// let properties = MechanismProperties::Gssapi(GssapiProperties::default());
    /// assert_eq!(
    ///     properties.pairs(),
    ///     [("SERVICE_NAME".to_owned(), "mongodb".to_owned()),
    ///      ("CANONICALIZE_HOST_NAME".to_owned(), "none".to_owned())]
    /// );
    /// ```
    pub fn pairs(&self) -> Vec<(String, String)> {
        match self {
            MechanismProperties::None => Vec::new(),
            MechanismProperties::Gssapi(g) => {
                let mut pairs = vec![
                    ("SERVICE_NAME".to_owned(), g.service_name.clone()),
                    (
                        "CANONICALIZE_HOST_NAME".to_owned(),
                        g.canonicalize_host_name.as_str().to_owned(),
                    ),
                ];
                if let Some(realm) = &g.service_realm {
                    pairs.push(("SERVICE_REALM".to_owned(), realm.clone()));
                }
                if let Some(host) = &g.service_host {
                    pairs.push(("SERVICE_HOST".to_owned(), host.clone()));
                }
                pairs
            }
            MechanismProperties::Aws(pairs) | MechanismProperties::Oidc(pairs) => pairs.clone(),
        }
    }

    /// Whether there are no properties.
    pub fn is_none(&self) -> bool {
        matches!(self, MechanismProperties::None)
    }
}
