//! Reading a connection string in place: [`ConnectionStringRef`].
//!
//! The common shape of a connection string (`mongodb://`, plain host names or IPv4 addresses with
//! ports, a user name and password, a database, and options whose values need no decoding) is
//! checked in one pass over the bytes, and everything is kept as slices of the input: nothing is
//! allocated, unless the user name or password has escapes (its decoded text is). Whatever falls
//! outside that shape (an IPv6 literal, an alias, a deprecated key, a value the table would warn
//! about, an error of any kind) goes to the full parser, which gives the answer and every message.
//! So the two never disagree: the in-place reader accepts a string only when the full parser
//! accepts it without a warning and reads the same hosts, user, password, database and
//! credential, which debug builds check on every call.

use std::fmt;
use std::net::Ipv4Addr;

use crate::decode::{find_any_ascii, find_ascii, rfind_ascii, split_ascii};
use crate::error::{Errors, Warning};
use crate::options::{Checked, check_in_place, key};
use crate::uri::SCHEME;
use crate::{
    ConnectionString, Credential, EffectiveTls, Host, HostKind, Mechanism, MechanismProperties,
    OptionValue, rules,
};

/// A connection string checked by the spec's rules and read in place: its hosts, user name,
/// password and database borrow the input.
///
/// [`ConnectionStringRef::parse`] accepts and refuses exactly what [`ConnectionString::parse`]
/// does, with the same errors. For the common shape of a connection string it allocates nothing
/// (but the decoded text of a user name or password with escapes); for any other it runs the full
/// parser and keeps its result ([`ConnectionStringRef::is_in_place`] tells which).
/// [`ConnectionStringRef::into_owned`] gives the full [`ConnectionString`], with the typed options
/// and the credential's properties.
///
/// ```
/// use mongo_auth_core::{ConnectionStringRef, HostKind, Mechanism};
///
/// let input = "mongodb://app:s3cret@db.example.com:27017/shop?authSource=admin&authMechanism=SCRAM-SHA-256";
/// let uri = ConnectionStringRef::parse(input).unwrap();
/// assert!(uri.is_in_place());
/// let host = uri.hosts().next().unwrap();
/// assert_eq!((host.kind, host.host, host.port), (HostKind::Hostname, "db.example.com", Some(27017)));
/// assert_eq!(uri.username(), Some("app"));
/// assert_eq!(uri.database(), Some("shop"));
/// assert_eq!(uri.mechanism(), Some(Mechanism::ScramSha256));
/// assert_eq!(uri.auth_source(), Some("admin"));
/// // the password never prints
/// assert!(!format!("{uri:?}").contains("s3cret"));
///
/// // an escaped password is decoded in place
/// let uri = ConnectionStringRef::parse("mongodb://app:p%40ss@db/?authSource=admin").unwrap();
/// assert_eq!(uri.expose_password(), Some("p@ss"));
///
/// // an unknown key goes through the full parser, which warns; the answer is the same
/// let uri = ConnectionStringRef::parse("mongodb://db/?tls=true&replicaSett=rs0").unwrap();
/// assert!(!uri.is_in_place());
/// assert!(uri.tls_enabled());
/// assert_eq!(uri.warnings().len(), 1);
///
/// // and so are the errors
/// let error = ConnectionStringRef::parse("mongodb://db:99999").unwrap_err();
/// assert_eq!(error.to_string(), mongo_auth_core::ConnectionString::parse("mongodb://db:99999").unwrap_err().to_string());
/// ```
pub struct ConnectionStringRef<'a> {
    input: &'a str,
    repr: Repr<'a>,
}

// the in-place variant is large on purpose: it is what keeps the common case free of allocation
#[allow(clippy::large_enum_variant)]
enum Repr<'a> {
    InPlace(InPlace<'a>),
    Parsed(Box<ConnectionString>),
}

/// One host of a [`ConnectionStringRef`].
///
/// ```
/// use mongo_auth_core::{ConnectionStringRef, HostKind};
/// let uri = ConnectionStringRef::parse("mongodb://10.0.0.1,db2:27018").unwrap();
/// let hosts: Vec<_> = uri.hosts().map(|h| (h.kind, h.host, h.port)).collect();
/// assert_eq!(hosts, [(HostKind::Ipv4, "10.0.0.1", None), (HostKind::Hostname, "db2", Some(27018))]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct HostRef<'a> {
    /// What kind of host this is.
    pub kind: HostKind,
    /// The host: a name, an IPv4 address, an IPv6 address without brackets, or a socket path.
    pub host: &'a str,
    /// The port, if one was given.
    pub port: Option<u16>,
}

impl<'a> From<&'a Host> for HostRef<'a> {
    fn from(host: &'a Host) -> Self {
        Self {
            kind: host.kind,
            host: &host.host,
            port: host.port,
        }
    }
}

/// The value of one option of a [`ConnectionStringRef`], typed by the option table: what
/// [`OptionValue`] holds for the scalar kinds, borrowed.
///
/// ```
/// use mongo_auth_core::{ConnectionStringRef, OptionRef};
/// let uri = ConnectionStringRef::parse("mongodb://db/?appName=inventory&connectTimeoutMS=500&tls=true").unwrap();
/// let options: Vec<_> = uri.options().collect();
/// assert_eq!(
///     options,
///     [
///         ("appName", OptionRef::Str("inventory")),
///         ("connectTimeoutMS", OptionRef::Int(500)),
///         ("tls", OptionRef::Bool(true)),
///     ]
/// );
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum OptionRef<'a> {
    /// A boolean option.
    Bool(bool),
    /// An integer option, within its range.
    Int(i64),
    /// A string option (a choice in the table's spelling).
    Str(&'a str),
}

impl<'a> OptionRef<'a> {
    /// The scalar values of [`OptionValue`]; `None` for a secret, a list or a map.
    fn of(value: &'a OptionValue) -> Option<Self> {
        match value {
            OptionValue::Bool(on) => Some(Self::Bool(*on)),
            OptionValue::Int(n) => Some(Self::Int(*n)),
            OptionValue::String(text) => Some(Self::Str(text)),
            _ => None,
        }
    }
}

/// What the in-place reader keeps: slices of the input, and the decoded user name or password
/// when it has escapes. The host list is checked once and split again when asked for.
struct InPlace<'a> {
    host_list: &'a str,
    username: Option<Part<'a>>,
    password: Option<Part<'a>>,
    database: Option<&'a str>,
    credential: Option<CredentialRef<'a>>,
    tls: Option<bool>,
}

impl InPlace<'_> {
    /// The credential read in place, owned.
    fn to_credential(&self) -> Option<Credential> {
        self.credential.map(|credential| {
            Credential::from_parts(
                self.username.as_ref().map(|user| user.as_str().to_owned()),
                self.password
                    .as_ref()
                    .map(|password| crate::Password::new(password.as_str())),
                credential.source.to_owned(),
                credential.mechanism,
                MechanismProperties::None,
            )
        })
    }
}

/// A user name or password: a slice of the input, or, when it has escapes, its decoded text (the
/// one allocation the in-place reader makes, wiped when dropped: it may be a password).
enum Part<'a> {
    Slice(&'a str),
    Decoded(crate::Password),
}

impl Part<'_> {
    fn as_str(&self) -> &str {
        match self {
            Part::Slice(text) => text,
            Part::Decoded(text) => text.expose_secret(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct CredentialRef<'a> {
    mechanism: Option<Mechanism>,
    source: &'a str,
}

impl<'a> ConnectionStringRef<'a> {
    /// Parses and validates a connection string by the spec's rules, as
    /// [`ConnectionString::parse`] does, reading it in place when it can.
    pub fn parse(input: &'a str) -> Result<Self, Errors> {
        match read(input) {
            Some(parts) => {
                #[cfg(debug_assertions)]
                assert_same_as_full_parser(input, &parts);
                Ok(Self {
                    input,
                    repr: Repr::InPlace(parts),
                })
            }
            None => ConnectionString::parse(input).map(|full| Self {
                input,
                repr: Repr::Parsed(Box::new(full)),
            }),
        }
    }

    /// The connection string as given.
    ///
    /// ```
    /// let uri = mongo_auth_core::ConnectionStringRef::parse("mongodb://db").unwrap();
    /// assert_eq!(uri.input(), "mongodb://db");
    /// ```
    pub fn input(&self) -> &'a str {
        self.input
    }

    /// Whether the string was read in place; otherwise the full parser read it.
    pub fn is_in_place(&self) -> bool {
        matches!(self.repr, Repr::InPlace(_))
    }

    /// Whether the scheme is `mongodb+srv`.
    ///
    /// ```
    /// let uri = mongo_auth_core::ConnectionStringRef::parse("mongodb+srv://cluster0.example.net").unwrap();
    /// assert!(uri.is_srv());
    /// assert!(uri.tls_enabled()); // on by default for mongodb+srv
    /// ```
    pub fn is_srv(&self) -> bool {
        match &self.repr {
            Repr::InPlace(_) => false,
            Repr::Parsed(full) => full.is_srv(),
        }
    }

    /// The hosts, in the order given.
    pub fn hosts(&self) -> impl Iterator<Item = HostRef<'_>> + '_ {
        let (in_place, parsed): (&str, &[Host]) = match &self.repr {
            // checked by `read`: every host reads again
            Repr::InPlace(parts) => (parts.host_list, &[]),
            Repr::Parsed(full) => ("", full.hosts()),
        };
        split_ascii(in_place, b',')
            .filter_map(read_host)
            .chain(parsed.iter().map(HostRef::from))
    }

    /// The user name from the userinfo, decoded.
    pub fn username(&self) -> Option<&str> {
        match &self.repr {
            Repr::InPlace(parts) => parts.username.as_ref().map(Part::as_str),
            Repr::Parsed(full) => full.username(),
        }
    }

    /// The password from the userinfo, decoded: the secret itself, for the code that sends it.
    pub fn expose_password(&self) -> Option<&str> {
        match &self.repr {
            Repr::InPlace(parts) => parts.password.as_ref().map(Part::as_str),
            Repr::Parsed(full) => full.password().map(crate::Password::expose_secret),
        }
    }

    /// The database path, decoded.
    pub fn database(&self) -> Option<&str> {
        match &self.repr {
            Repr::InPlace(parts) => parts.database,
            Repr::Parsed(full) => full.database(),
        }
    }

    /// Whether the string configures authentication (a userinfo or an `authMechanism`).
    ///
    /// ```
    /// use mongo_auth_core::ConnectionStringRef;
    /// assert!(!ConnectionStringRef::parse("mongodb://db/shop").unwrap().has_credential());
    /// let uri = ConnectionStringRef::parse("mongodb://app:pw@db/shop").unwrap();
    /// assert!(uri.has_credential());
    /// assert_eq!(uri.mechanism(), None); // negotiated with the server
    /// assert_eq!(uri.auth_source(), Some("shop")); // the database path, for SCRAM
    /// ```
    pub fn has_credential(&self) -> bool {
        match &self.repr {
            Repr::InPlace(parts) => parts.credential.is_some(),
            Repr::Parsed(full) => full.credential().is_some(),
        }
    }

    /// The credential's mechanism; `None` without a credential or when it is negotiated.
    pub fn mechanism(&self) -> Option<Mechanism> {
        match &self.repr {
            Repr::InPlace(parts) => parts.credential.and_then(|c| c.mechanism),
            Repr::Parsed(full) => full.credential().and_then(|c| c.mechanism),
        }
    }

    /// The database the credential authenticates against (`authSource`, or the mechanism's
    /// default); `None` without a credential.
    pub fn auth_source(&self) -> Option<&str> {
        match &self.repr {
            Repr::InPlace(parts) => parts.credential.map(|c| c.source),
            Repr::Parsed(full) => full.credential().map(|c| c.source.as_str()),
        }
    }

    /// The credential, owned: the user name, the password, the source and the mechanism as the
    /// rulebook resolved them (a string read in place has no mechanism properties); `None` without
    /// one. What [`ConnectionString::credential`] holds for the same string.
    ///
    /// ```
    /// use mongo_auth_core::{ConnectionStringRef, Mechanism};
    /// let uri = ConnectionStringRef::parse("mongodb://app:pw@db/shop?authMechanism=SCRAM-SHA-1").unwrap();
    /// let credential = uri.to_credential().unwrap();
    /// assert_eq!(credential.username.as_deref(), Some("app"));
    /// assert_eq!(credential.source, "shop");
    /// assert_eq!(credential.mechanism, Some(Mechanism::ScramSha1));
    /// assert!(ConnectionStringRef::parse("mongodb://db").unwrap().to_credential().is_none());
    /// ```
    pub fn to_credential(&self) -> Option<Credential> {
        match &self.repr {
            Repr::InPlace(parts) => parts.to_credential(),
            Repr::Parsed(full) => full.credential().cloned(),
        }
    }

    /// Whether TLS is on ([`ConnectionString::tls_enabled`]).
    pub fn tls_enabled(&self) -> bool {
        match &self.repr {
            Repr::InPlace(parts) => parts.tls == Some(true),
            Repr::Parsed(full) => full.tls_enabled(),
        }
    }

    /// TLS as the connection will use it ([`ConnectionString::effective_tls`]).
    ///
    /// ```
    /// let uri = mongo_auth_core::ConnectionStringRef::parse("mongodb://db/?tls=true&tlsCAFile=/etc/ca.pem").unwrap();
    /// let tls = uri.effective_tls();
    /// assert!(tls.enabled && !tls.allow_invalid_certificates);
    /// assert_eq!(tls.ca_file, Some("/etc/ca.pem"));
    /// ```
    pub fn effective_tls(&self) -> EffectiveTls<'_> {
        match &self.repr {
            Repr::InPlace(parts) => {
                // the other TLS options go to the full parser
                let mut tls = EffectiveTls {
                    enabled: parts.tls == Some(true),
                    ca_file: None,
                    certificate_key_file: None,
                    key_file: None,
                    key_password: None,
                    crl_file: None,
                    allow_invalid_certificates: false,
                    allow_invalid_hostnames: false,
                };
                for (key, value) in self.options() {
                    match (key, value) {
                        ("tlsCAFile", OptionRef::Str(path)) => tls.ca_file = Some(path),
                        ("tlsCertificateKeyFile", OptionRef::Str(path)) => {
                            tls.certificate_key_file = Some(path);
                        }
                        ("tlsCRLFile", OptionRef::Str(path)) => tls.crl_file = Some(path),
                        _ => {}
                    }
                }
                tls
            }
            Repr::Parsed(full) => full.effective_tls(),
        }
    }

    /// The spec-level warnings; a string read in place has none.
    pub fn warnings(&self) -> &[Warning] {
        match &self.repr {
            Repr::InPlace(_) => &[],
            Repr::Parsed(full) => full.warnings(),
        }
    }

    /// The options with a scalar value, by canonical key, in the order given (one per key, as
    /// [`Options::iter`](crate::Options::iter) has them): secrets, lists and maps are left out (see
    /// [`ConnectionStringRef::into_owned`] for them).
    ///
    /// ```
    /// use mongo_auth_core::{ConnectionStringRef, OptionRef};
    /// let uri = ConnectionStringRef::parse("mongodb://db/?readPreference=SECONDARY&maxPoolSize=5").unwrap();
    /// assert!(uri.is_in_place());
    /// let options: Vec<_> = uri.options().collect();
    /// // a choice in the table's spelling, as the full parser keeps it
    /// assert_eq!(options, [("readPreference", OptionRef::Str("secondary")), ("maxPoolSize", OptionRef::Int(5))]);
    ///
    /// // read by the full parser (an IPv6 host): the same options
    /// let uri = ConnectionStringRef::parse("mongodb://[::1]/?maxPoolSize=5").unwrap();
    /// assert!(!uri.is_in_place());
    /// assert_eq!(uri.options().collect::<Vec<_>>(), [("maxPoolSize", OptionRef::Int(5))]);
    /// ```
    pub fn options(&self) -> impl Iterator<Item = (&'static str, OptionRef<'_>)> + '_ {
        let (query, parsed): (&str, Option<&ConnectionString>) = match &self.repr {
            // read in place, only the options hold a `?`: the first one starts them
            Repr::InPlace(_) => (
                find_ascii(self.input, b'?').map_or("", |at| &self.input[at + 1..]),
                None,
            ),
            Repr::Parsed(full) => ("", Some(full)),
        };
        // checked by `read`: every pair reads again, and its value needs no decoding
        split_ascii(query, b'&')
            .filter_map(|pair| {
                let eq = find_ascii(pair, b'=')?;
                let (id, checked) = check_in_place(&pair[..eq], &pair[eq + 1..])?;
                let value = match checked {
                    Checked::Bool(on) => OptionRef::Bool(on),
                    Checked::Int(n) => OptionRef::Int(n),
                    Checked::Text(text) => OptionRef::Str(text),
                    Checked::Choice(choice) => OptionRef::Str(choice),
                };
                Some((id.name(), value))
            })
            .chain(
                parsed
                    .into_iter()
                    .flat_map(|full| full.options().iter())
                    .filter_map(|(key, value)| Some((key, OptionRef::of(value)?))),
            )
    }

    /// The full [`ConnectionString`]: typed options, the credential with its properties, spans.
    ///
    /// ```
    /// let uri = mongo_auth_core::ConnectionStringRef::parse("mongodb://db/?maxPoolSize=5").unwrap();
    /// assert_eq!(uri.into_owned().options().max_pool_size(), Some(5));
    /// ```
    pub fn into_owned(self) -> ConnectionString {
        match self.repr {
            Repr::Parsed(full) => *full,
            Repr::InPlace(_) => ConnectionString::parse(self.input).unwrap_or_else(|_| {
                unreachable!("the full parser accepts what the in-place reader accepted")
            }),
        }
    }
}

/// Shows the hosts, the user name, the database and the credential; never the password.
impl fmt::Debug for ConnectionStringRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConnectionStringRef")
            .field("in_place", &self.is_in_place())
            .field("hosts", &self.hosts().collect::<Vec<_>>())
            .field("username", &self.username())
            .field(
                "password",
                &self.expose_password().map(|_| format_args!("<redacted>")),
            )
            .field("database", &self.database())
            .field("mechanism", &self.mechanism())
            .field("auth_source", &self.auth_source())
            .finish_non_exhaustive()
    }
}

/// What each byte may be in place: one table lookup per byte.
const USERINFO: u8 = 1;
const DATABASE: u8 = 2;
const VALUE: u8 = 4;
const HOST: u8 = 8;
/// A digit or a dot (a host name of only these may be an IPv4 address).
const DOTTED: u8 = 16;
const CLASSES: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        let alphanumeric = c.is_ascii_alphanumeric();
        let mut class = 0;
        // the unreserved characters of RFC 3986
        if alphanumeric || matches!(c, b'-' | b'.' | b'_' | b'~') {
            class |= USERINFO;
        }
        if alphanumeric || matches!(c, b'-' | b'_') {
            class |= DATABASE;
        }
        // file paths, `majority`, mechanism names, numbers
        if alphanumeric || matches!(c, b'-' | b'.' | b'_' | b'~' | b'/' | b':' | b',') {
            class |= VALUE;
        }
        if alphanumeric || matches!(c, b'-' | b'.' | b'_') {
            class |= HOST;
        }
        if c.is_ascii_digit() || c == b'.' {
            class |= DOTTED;
        }
        table[b] = class;
        b += 1;
    }
    table
};

fn all_in(text: &[u8], class: u8) -> bool {
    text.iter().all(|&b| CLASSES[usize::from(b)] & class != 0)
}

/// The whole string in place, or `None` for the full parser.
fn read(input: &str) -> Option<InPlace<'_>> {
    let rest = input.strip_prefix(SCHEME)?;
    let bytes = rest.as_bytes();
    // the authority ends at the first `/` or `?`; the userinfo at its last `@`
    let authority_end = find_any_ascii(rest, b"/?").unwrap_or(bytes.len());
    let at = rfind_ascii(&rest[..authority_end], b'@');
    // (the tail's bytes, checked below, leave no `@` after the authority)
    let (userinfo, hosts_start) = match at {
        Some(at) => (Some(&rest[..at]), at + 1),
        None => (None, 0),
    };
    let (username, password) = match userinfo {
        None => (None, None),
        Some(text) => {
            let (user, password) = match find_ascii(text, b':') {
                Some(colon) => (&text[..colon], Some(&text[colon + 1..])),
                None => (text, None),
            };
            let user = read_part(user)?;
            let password = match password {
                Some(text) => Some(read_part(text)?),
                None => None,
            };
            (Some(user), password)
        }
    };

    let host_list = &rest[hosts_start..authority_end];
    let mut host_count = 0;
    let mut start = hosts_start;
    loop {
        let end =
            find_ascii(&rest[start..authority_end], b',').map_or(authority_end, |i| start + i);
        read_host(&rest[start..end])?;
        host_count += 1;
        if end == authority_end {
            break;
        }
        start = end + 1;
    }

    let tail = &bytes[authority_end..];
    let (database, query_start) = match tail.first() {
        None => (None, bytes.len()),
        Some(b'/') => {
            let end = find_ascii(&rest[authority_end + 1..], b'?')
                .map_or(bytes.len(), |q| authority_end + 1 + q);
            let name = &rest[authority_end + 1..end];
            if !all_in(name.as_bytes(), DATABASE) {
                return None;
            }
            (
                (!name.is_empty()).then_some(name),
                (end + 1).min(bytes.len()),
            )
        }
        Some(_) => (None, authority_end + 1),
    };

    let mut options = OptionsInPlace::default();
    let mut start = query_start;
    while start < bytes.len() {
        // the key runs to the `=` (a key with a `&` in it is not in the table), the value to the
        // next `&`; `take` checks the value's bytes
        let eq = start + find_ascii(&rest[start..], b'=')?;
        let end = find_ascii(&rest[eq + 1..], b'&').map_or(bytes.len(), |i| eq + 1 + i);
        options.take(&rest[start..eq], &rest[eq + 1..end])?;
        if end == bytes.len() {
            break;
        }
        if end + 1 == bytes.len() {
            // a trailing `&`: the full parser warns about the empty option
            return None;
        }
        start = end + 1;
    }
    if let (Some(min), Some(max)) = (options.min_pool_size, options.max_pool_size)
        && max != 0
        && min > max
    {
        return None;
    }
    if options.direct_connection == Some(true) && host_count > 1 {
        return None;
    }

    // the mechanisms whose rules `read` applies; the full parser takes the others
    let mechanism = match options.mechanism.map(str::parse::<Mechanism>) {
        None => None,
        Some(Ok(m @ (Mechanism::ScramSha1 | Mechanism::ScramSha256 | Mechanism::MongodbX509))) => {
            Some(m)
        }
        Some(_) => return None,
    };
    let credential = if userinfo.is_none() && mechanism.is_none() {
        if options.source.is_some() {
            return None;
        }
        None
    } else {
        // SCRAM (or negotiation) with a user name and password, or MONGODB-X509 with at most a
        // user name and no `authSource`; the rulebook gives the source
        let scram = rules::needs_password(mechanism);
        if scram && (username.is_none() || password.is_none())
            || !scram && (password.is_some() || options.source.is_some())
        {
            return None;
        }
        Some(CredentialRef {
            mechanism,
            source: options
                .source
                .unwrap_or_else(|| rules::default_source(mechanism, database)),
        })
    };

    Some(InPlace {
        host_list,
        username,
        password,
        database,
        credential,
        tls: options.tls,
    })
}

/// A non-empty user name or password: unreserved characters, and `%XX` escapes that decode to
/// UTF-8.
fn read_part(text: &str) -> Option<Part<'_>> {
    if text.is_empty() {
        return None;
    }
    if all_in(text.as_bytes(), USERINFO) {
        return Some(Part::Slice(text));
    }
    // wiped when dropped, whatever happens below
    let mut decoded = zeroize::Zeroizing::new(Vec::with_capacity(text.len()));
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let byte = if bytes[i] == b'%' {
            let hex = |j: usize| char::from(*bytes.get(j)?).to_digit(16);
            let value = hex(i + 1)? * 16 + hex(i + 2)?;
            i += 3;
            u8::try_from(value).ok()?
        } else if CLASSES[usize::from(bytes[i])] & USERINFO != 0 {
            i += 1;
            bytes[i - 1]
        } else {
            return None;
        };
        decoded.push(byte);
    }
    let text = std::str::from_utf8(&decoded).ok()?;
    Some(Part::Decoded(crate::Password::new(text)))
}

/// A host name or IPv4 address with an optional port, in place: one pass over its bytes.
fn read_host(text: &str) -> Option<HostRef<'_>> {
    let bytes = text.as_bytes();
    // the name runs to the first byte that cannot be in a host name, which must be a port's `:`
    let name_end = bytes
        .iter()
        .position(|&b| CLASSES[usize::from(b)] & HOST == 0)
        .unwrap_or(bytes.len());
    if name_end == 0 {
        return None;
    }
    let port = match bytes.get(name_end) {
        None => None,
        Some(b':') => Some(read_port(&bytes[name_end + 1..])?),
        Some(_) => return None,
    };
    let name = &text[..name_end];
    // only digits and dots may be an IPv4 address
    let kind = if name.as_bytes()[0].is_ascii_digit()
        && all_in(name.as_bytes(), DOTTED)
        && name.parse::<Ipv4Addr>().is_ok()
    {
        HostKind::Ipv4
    } else {
        HostKind::Hostname
    };
    Some(HostRef {
        kind,
        host: name,
        port,
    })
}

/// A port of 1 to 65535, digits only.
fn read_port(text: &[u8]) -> Option<u16> {
    if text.is_empty() || text.len() > 5 {
        return None;
    }
    let mut port = 0u32;
    for &b in text {
        if !b.is_ascii_digit() {
            return None;
        }
        port = port * 10 + u32::from(b - b'0');
    }
    u16::try_from(port).ok().filter(|&p| p != 0)
}

/// The options the in-place reader's own rules read.
#[derive(Default)]
struct OptionsInPlace<'a> {
    /// The keys seen so far: a repeated key goes to the full parser.
    seen: u64,
    source: Option<&'a str>,
    mechanism: Option<&'a str>,
    tls: Option<bool>,
    direct_connection: Option<bool>,
    min_pool_size: Option<i64>,
    max_pool_size: Option<i64>,
}

impl<'a> OptionsInPlace<'a> {
    fn take(&mut self, key: &str, value: &'a str) -> Option<()> {
        let (id, checked) = check_in_place(key, value)?;
        if self.seen & id.bit() != 0 {
            return None;
        }
        self.seen |= id.bit();
        match checked {
            // a value taken as given: only bytes that need no decoding and mean nothing else
            // the mechanism must be one of the names `read` knows, so its bytes need no check
            Checked::Text(text) if id == key!("authMechanism") => self.mechanism = Some(text),
            Checked::Text(text) if !all_in(text.as_bytes(), VALUE) => return None,
            Checked::Text(text) if id == key!("authSource") => self.source = Some(text),
            Checked::Text(text) if id == key!("appName") => {
                crate::rules::check_app_name(text).ok()?;
            }
            Checked::Bool(on) if id == key!("tls") => self.tls = Some(on),
            Checked::Bool(on) if id == key!("directConnection") => {
                self.direct_connection = Some(on);
            }
            Checked::Int(n) if id == key!("minPoolSize") => self.min_pool_size = Some(n),
            Checked::Int(n) if id == key!("maxPoolSize") => self.max_pool_size = Some(n),
            _ => {}
        }
        Some(())
    }
}

/// Debug builds check every string read in place against the full parser. The messages name what
/// differs, never the input (it holds a password).
#[cfg(debug_assertions)]
fn assert_same_as_full_parser(input: &str, parts: &InPlace<'_>) {
    let full = ConnectionString::parse(input).unwrap_or_else(|_| {
        panic!("the full parser refuses a string the in-place reader accepted")
    });
    assert!(
        full.warnings().is_empty(),
        "the full parser warns about a string the in-place reader accepted"
    );
    assert!(
        full.hosts()
            .iter()
            .map(HostRef::from)
            .eq(parts.host_list.split(',').filter_map(read_host)),
        "the hosts differ"
    );
    assert_eq!(
        full.username(),
        parts.username.as_ref().map(Part::as_str),
        "the user names differ"
    );
    assert!(
        full.password().map(crate::Password::expose_secret)
            == parts.password.as_ref().map(Part::as_str),
        "the passwords differ"
    );
    assert_eq!(full.database(), parts.database, "the databases differ");
    assert_eq!(
        full.credential().map(|c| CredentialRef {
            mechanism: c.mechanism,
            source: &c.source,
        }),
        parts.credential,
        "the credentials differ"
    );
    assert_eq!(full.options().tls(), parts.tls, "the tls options differ");
    let in_place = ConnectionStringRef {
        input,
        repr: Repr::InPlace(InPlace {
            username: None,
            password: None,
            ..*parts
        }),
    };
    assert!(
        in_place.options().eq(full
            .options()
            .iter()
            .filter_map(|(key, value)| Some((key, OptionRef::of(value)?)))),
        "the options differ"
    );
    assert_eq!(
        in_place.effective_tls(),
        full.effective_tls(),
        "the TLS settings differ"
    );
    // compared without printing: a credential holds the password
    assert!(
        full.credential() == parts.to_credential().as_ref(),
        "the owned credentials differ"
    );
    assert!(!full.is_srv());
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every key of the option table (taken from the table, so a new key is covered), without and
    /// with a credential and `tls`, with values of every kind: the two readers give the same
    /// verdict and errors, and what is read in place is checked against the full parser by the
    /// debug assertion in `parse`.
    #[test]
    fn every_option_key_agrees_with_the_full_parser() {
        const VALUES: &[&str] = &[
            "true",
            "false",
            "0",
            "1",
            "9",
            "90",
            "500",
            "100000",
            "2147483648",
            "x",
            "majority",
            "primary",
            "secondary",
            "nearest",
            "poll",
            "local",
            "zlib",
            "/etc/ca.pem",
            "SCRAM-SHA-256",
            "MONGODB-X509",
            "PLAIN",
        ];
        let mut in_place = 0;
        for key in crate::options::canonical_keys() {
            for value in VALUES {
                for prefix in ["mongodb://db", "mongodb://app:pw@db1,db2/shop"] {
                    for suffix in ["", "&tls=true"] {
                        let input = format!("{prefix}/?{key}={value}{suffix}");
                        match (
                            ConnectionString::parse(&input),
                            ConnectionStringRef::parse(&input),
                        ) {
                            (Ok(_), Ok(uri)) => in_place += usize::from(uri.is_in_place()),
                            (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{input}"),
                            (a, b) => panic!("{input}: {} and {}", a.is_ok(), b.is_ok()),
                        }
                    }
                }
            }
        }
        // a good share was read in place, so the two readers were compared field by field
        assert!(in_place > 400, "{in_place}");
    }
}
