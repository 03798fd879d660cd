//! Authentication mechanisms and their typed properties.

use std::fmt;
use std::str::FromStr;

/// An authentication mechanism, by its wire name.
///
/// ```
/// use mongo_auth_core::Mechanism;
/// let mechanism: Mechanism = "SCRAM-SHA-256".parse().unwrap();
/// assert_eq!(mechanism, Mechanism::ScramSha256);
/// assert_eq!(mechanism.as_str(), "SCRAM-SHA-256");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Mechanism {
    /// `SCRAM-SHA-1` (RFC 5802 with MongoDB's password digest).
    ScramSha1,
    /// `SCRAM-SHA-256` (RFC 7677, SASLprep'd password).
    ScramSha256,
    /// `MONGODB-CR`, the challenge-response mechanism of servers before 4.0.
    MongodbCr,
    /// `MONGODB-X509`: the TLS client certificate is the credential.
    MongodbX509,
    /// `GSSAPI`: Kerberos.
    Gssapi,
    /// `PLAIN` (RFC 4616), usually LDAP proxy authentication.
    Plain,
    /// `MONGODB-AWS`: recognised by the rulebook; not implemented by the runtime.
    MongodbAws,
    /// `MONGODB-OIDC`: recognised by the rulebook; not implemented by the runtime.
    MongodbOidc,
}

impl Mechanism {
    /// Every mechanism, in a stable order.
    pub const ALL: [Mechanism; 8] = [
        Mechanism::ScramSha1,
        Mechanism::ScramSha256,
        Mechanism::MongodbCr,
        Mechanism::MongodbX509,
        Mechanism::Gssapi,
        Mechanism::Plain,
        Mechanism::MongodbAws,
        Mechanism::MongodbOidc,
    ];

    /// The wire name, as written in `authMechanism` and sent in `saslStart`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Mechanism::ScramSha1 => "SCRAM-SHA-1",
            Mechanism::ScramSha256 => "SCRAM-SHA-256",
            Mechanism::MongodbCr => "MONGODB-CR",
            Mechanism::MongodbX509 => "MONGODB-X509",
            Mechanism::Gssapi => "GSSAPI",
            Mechanism::Plain => "PLAIN",
            Mechanism::MongodbAws => "MONGODB-AWS",
            Mechanism::MongodbOidc => "MONGODB-OIDC",
        }
    }
}

impl fmt::Display for Mechanism {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text given as a mechanism is not one MongoDB knows.
///
/// `Debug` prints what `Display` prints (`{:#?}` shows the text given).
///
/// ```
/// use mongo_auth_core::{Mechanism, UnknownMechanism};
/// // mechanism names are case-sensitive
/// let error = "scram-sha-256".parse::<Mechanism>().unwrap_err();
/// assert_eq!(error, UnknownMechanism("scram-sha-256".to_owned()));
/// assert!(error.to_string().starts_with("unknown authMechanism `scram-sha-256`: use one of SCRAM-SHA-256"));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct UnknownMechanism(pub String);

impl fmt::Display for UnknownMechanism {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown authMechanism `{}`: use one of SCRAM-SHA-256, SCRAM-SHA-1, MONGODB-CR, \
             MONGODB-X509, GSSAPI, PLAIN, MONGODB-AWS, MONGODB-OIDC, or DEFAULT to negotiate",
            self.0
        )
    }
}

impl fmt::Debug for UnknownMechanism {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if f.alternate() {
            f.debug_tuple("UnknownMechanism").field(&self.0).finish()
        } else {
            fmt::Display::fmt(self, f)
        }
    }
}

impl std::error::Error for UnknownMechanism {}

/// Parses a wire name exactly (mechanism names are case-sensitive). `DEFAULT` is not a mechanism: it
/// means "negotiate" and is handled by the connection-string and config parsers.
impl FromStr for Mechanism {
    type Err = UnknownMechanism;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Mechanism::ALL
            .into_iter()
            .find(|m| m.as_str() == s)
            .ok_or_else(|| UnknownMechanism(s.to_owned()))
    }
}

/// GSSAPI's `CANONICALIZE_HOST_NAME`: how the host in the service principal is derived.
///
/// A connection string sets it in `authMechanismProperties`; the credential carries it typed.
///
/// ```
/// use mongo_auth_core::{Canonicalize, ConnectionString, MechanismProperties};
/// let uri = ConnectionString::parse(
///     "mongodb://user%40EXAMPLE.COM@db.example.com/?authMechanism=GSSAPI\
///      &authMechanismProperties=CANONICALIZE_HOST_NAME:forward",
/// )
/// .unwrap();
/// let MechanismProperties::Gssapi(properties) = &uri.credential().unwrap().properties else { panic!() };
/// assert_eq!(properties.canonicalize_host_name, Canonicalize::Forward);
/// assert_eq!(properties.canonicalize_host_name.as_str(), "forward");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Canonicalize {
    /// `none` (and the legacy `false`): the host as given.
    #[default]
    None,
    /// `forward`: follow CNAME records to the final name.
    Forward,
    /// `forwardAndReverse` (and the legacy `true`): forward, then a reverse lookup of the first address.
    ForwardAndReverse,
}

impl Canonicalize {
    /// The spec name of the value.
    pub const fn as_str(self) -> &'static str {
        match self {
            Canonicalize::None => "none",
            Canonicalize::Forward => "forward",
            Canonicalize::ForwardAndReverse => "forwardAndReverse",
        }
    }
}

/// Parses a `CANONICALIZE_HOST_NAME` value: `none`, `forward`, `forwardAndReverse`, or the legacy
/// `false` (= `none`) and `true` (= `forwardAndReverse`). Values are case-sensitive.
///
/// ```
/// use mongo_auth_core::Canonicalize;
/// assert_eq!("true".parse::<Canonicalize>(), Ok(Canonicalize::ForwardAndReverse));
/// assert!("sometimes".parse::<Canonicalize>().is_err());
/// ```
impl FromStr for Canonicalize {
    type Err = InvalidCanonicalize;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "none" | "false" => Ok(Canonicalize::None),
            "forward" => Ok(Canonicalize::Forward),
            "forwardAndReverse" | "true" => Ok(Canonicalize::ForwardAndReverse),
            _ => Err(InvalidCanonicalize(s.to_owned())),
        }
    }
}

/// The text given as `CANONICALIZE_HOST_NAME` is not one of its values.
///
/// `Debug` prints what `Display` prints (`{:#?}` shows the text given).
///
/// ```
/// use mongo_auth_core::{Canonicalize, InvalidCanonicalize};
/// let error = "sometimes".parse::<Canonicalize>().unwrap_err();
/// assert_eq!(error, InvalidCanonicalize("sometimes".to_owned()));
/// assert_eq!(
///     error.to_string(),
///     "invalid CANONICALIZE_HOST_NAME `sometimes`: use none, forward or forwardAndReverse (or the legacy false or true)",
/// );
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct InvalidCanonicalize(pub String);

impl fmt::Display for InvalidCanonicalize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid CANONICALIZE_HOST_NAME `{}`: use none, forward or forwardAndReverse (or the \
             legacy false or true)",
            self.0
        )
    }
}

impl fmt::Debug for InvalidCanonicalize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if f.alternate() {
            f.debug_tuple("InvalidCanonicalize").field(&self.0).finish()
        } else {
            fmt::Display::fmt(self, f)
        }
    }
}

impl std::error::Error for InvalidCanonicalize {}

/// GSSAPI mechanism properties, with the spec's defaults filled in.
///
/// ```
/// use mongo_auth_core::{Canonicalize, GssapiProperties};
/// let properties = GssapiProperties::default();
/// assert_eq!(properties.service_name, "mongodb");
/// assert_eq!(properties.canonicalize_host_name, Canonicalize::None);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct GssapiProperties {
    /// `SERVICE_NAME`, default `mongodb`.
    pub service_name: String,
    /// `CANONICALIZE_HOST_NAME`, default `none`.
    pub canonicalize_host_name: Canonicalize,
    /// `SERVICE_REALM`: the realm of the service principal, for cross-realm authentication.
    pub service_realm: Option<String>,
    /// `SERVICE_HOST`: the host put in the service principal instead of the connection's host.
    pub service_host: Option<String>,
}

impl Default for GssapiProperties {
    fn default() -> Self {
        Self {
            service_name: "mongodb".to_owned(),
            canonicalize_host_name: Canonicalize::None,
            service_realm: None,
            service_host: None,
        }
    }
}
