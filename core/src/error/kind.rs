//! What kind of rule an error broke, and what a warning is about.

/// What kind of rule an [`Error`](crate::Error) broke.
///
/// The variants are grouped by the part of the input they are about. New rules may add variants.
///
/// ```
/// use mongo_auth_core::{ConnectionString, ErrorKind};
/// let errors = ConnectionString::parse("mongodb://db:0/?authMechanism=SCRAM-SHA-512").unwrap_err();
/// let kinds: Vec<ErrorKind> = errors.iter().map(|e| e.kind()).collect();
/// assert_eq!(kinds, [ErrorKind::InvalidPort, ErrorKind::UnknownMechanism]);
///
/// // valid by the spec, refused by the library layer until a password is given
/// let uri = ConnectionString::parse("mongodb://app@db/").unwrap();
/// assert_eq!(uri.check_library_rules().unwrap_err().first().kind(), ErrorKind::MissingPassword);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    // ---- grammar ----
    /// The string does not start with `mongodb://` or `mongodb+srv://`.
    InvalidScheme,
    /// The userinfo (`user:password@`) is malformed: an unescaped `@`, more than one `:`, a `%` not
    /// followed by two hex digits, bytes that are not UTF-8 once decoded, or an unescaped `/`, `?` or
    /// `#` (which an `@` follows). The message never quotes the userinfo.
    InvalidUserinfo,
    /// The host list is empty, has an empty entry, or an entry is not a valid host.
    InvalidHost,
    /// A port is not a decimal number in `1..=65535`.
    InvalidPort,
    /// The database path has a forbidden character (`/ \ space " $`) or bad percent-encoding.
    InvalidDatabase,
    /// An option is malformed: no `=`, bad percent-encoding in its key or value.
    InvalidOption,
    /// An option's value is not acceptable where the spec says so is an error (for example
    /// `authSource=` with an empty value, or an unknown `authMechanism`).
    InvalidOptionValue,
    /// Two options contradict each other (`tls=true&ssl=false`, `tlsInsecure` with
    /// `tlsAllowInvalidCertificates`, a legacy alias that disagrees with its modern key, …).
    ConflictingOptions,
    /// An option that must appear at most once was repeated (`proxyHost`, `proxyPort`, …).
    RepeatedOption,
    /// A `mongodb+srv` rule was broken (more than one host, a port, `srvServiceName` without
    /// `mongodb+srv`, `srvMaxHosts` with `replicaSet`, …).
    SrvRule,
    /// A topology option does not fit the host list (`directConnection=true` with several hosts,
    /// `loadBalanced=true` with `replicaSet`, …).
    TopologyRule,
    /// A proxy option needs another one (`proxyPort` without `proxyHost`, a proxy user without a
    /// proxy password, …).
    ProxyRule,

    // ---- credential (spec layer) ----
    /// The `authMechanism` is not one MongoDB knows.
    UnknownMechanism,
    /// The mechanism needs a user name and none (or an empty one) was given.
    MissingUsername,
    /// The mechanism forbids a user name that was given (MONGODB-AWS, MONGODB-OIDC with some
    /// environments).
    ForbiddenUsername,
    /// The mechanism forbids a password that was given (MONGODB-X509, MONGODB-OIDC, MONGODB-AWS).
    ForbiddenPassword,
    /// The source (`authSource`) is empty, or not `$external` for a mechanism that only allows it.
    InvalidSource,
    /// A mechanism property is unknown for the mechanism, has a bad value, is missing, or is not
    /// allowed for the mechanism at all.
    InvalidMechanismProperty,

    // ---- library layer (stricter than the spec) ----
    /// The password is missing for a mechanism that needs one to connect (SCRAM, MONGODB-CR, PLAIN).
    ///
    /// Kept apart from every other kind: a `mongo_uri!` literal or a builder may leave the password
    /// to be supplied in code, and callers need to tell that case apart from a real mistake.
    MissingPassword,
    /// MONGODB-X509 is configured without TLS or without a client certificate.
    X509NeedsTls,
    /// PLAIN would send the password in clear: TLS is off and clear text was not allowed.
    PlainNeedsTls,
    /// GSSAPI (or another `$external` mechanism) is configured with a source other than `$external`.
    ExternalSourceOnly,
    /// The user name or password of a SASL mechanism (SCRAM, PLAIN, GSSAPI, MONGODB-OIDC) holds a NUL
    /// character, which the conversation cannot carry (RFC 4616, RFC 5802). The message names the
    /// field and never quotes it.
    NulInCredential,
    /// Every host is a Unix socket, whose connection is not TLS-wrapped: TLS settings would be ignored
    /// (the channel would not be encrypted), and MONGODB-X509's client certificate would never be
    /// sent.
    TlsOverUnixSocket,

    // ---- strict entry points ----
    /// Something the spec only warns about (an unknown option, an ignored value, …), refused by an
    /// entry point that is strict: a `ClientConfig` from a string or a config file, and `mongo_uri!`.
    /// See [`Warning::refused`](crate::Warning::refused).
    Refused(WarningKind),

    /// A part of the rulebook that is not implemented yet.
    NotImplemented,
}

/// What a [`Warning`](crate::Warning) is about.
///
/// ```
/// use mongo_auth_core::{ConnectionString, WarningKind};
/// let uri = ConnectionString::parse("mongodb://db/?wtimeout=500&connectTimeoutMS=-1").unwrap();
/// let kinds: Vec<WarningKind> = uri.warnings().iter().map(|w| w.kind()).collect();
/// assert_eq!(kinds, [WarningKind::DeprecatedOption, WarningKind::InvalidValue]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WarningKind {
    /// An option key the spec does not know; it is ignored. The message suggests the closest known key.
    UnknownOption,
    /// An option value of the wrong type or out of range; the option is ignored.
    InvalidValue,
    /// A non-list option was given more than once; the last value is used.
    RepeatedOption,
    /// A deprecated option name (`wtimeout`, `gssapiServiceName`, the PyMongo 3 `ssl_*` names, …).
    DeprecatedOption,
    /// An option that has no effect here (mechanism properties without a credential, an empty pair, …).
    IgnoredOption,
}
