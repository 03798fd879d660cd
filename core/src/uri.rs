//! The connection string: `mongodb[+srv]://[userinfo@]hosts[/[database]][?options]`.
//!
//! # Grammar
//!
//! Parsing follows the connection-string spec's algorithm, in this order:
//!
//! 1. The scheme must be `mongodb://` or `mongodb+srv://`.
//! 2. The rest is split at the first `/` **or** `?`: the left part holds the userinfo and the hosts, the
//!    right part the database and the options. (So `?replicaSet=my@set` is never taken for userinfo,
//!    and the `/` before `?` is optional.)
//! 3. The left part is split at its **last** `@`: userinfo on the left, hosts on the right. An `@` means
//!    credentials were given, even `mongodb://@host` or `mongodb://:@host`.
//! 4. The userinfo is split at its first `:` into user name and password (`user:` is an empty password,
//!    `user` none at all). An unescaped `@`, a second `:` and a `%` not followed by two hex digits are
//!    errors; write them as `%40`, `%3A` and `%25`. `+` stays `+`. Other reserved characters are
//!    accepted as they are (the spec allows relaxing RFC 3986 here, as PyMongo does), but a `/` or `?`
//!    ends the userinfo early (step 2), so write them as `%2F` and `%3F`.
//! 5. Hosts are separated by `,`. Each is a `[IPv6]` literal with an optional `:port`, an IPv4 dotted quad
//!    or a host name (UTF-8 allowed) with an optional `:port`, or a percent-encoded Unix socket path
//!    (`%2Ftmp%2Fmongodb-27017.sock`) that must end in `.sock`. Ports are `1..=65535`.
//! 6. The database is percent-decoded and must not contain `/ \ space " $` (so `$external` can only be
//!    chosen with `authSource`). A database alone never turns authentication on.
//! 7. Options are `key=value` pairs separated by `&`; see [`crate::options`] for keys, values, aliases and
//!    the TLS rules.
//! 8. Cross-option rules run last: `mongodb+srv` takes one host and no port, `srvServiceName` and
//!    `srvMaxHosts` need `mongodb+srv`, `srvMaxHosts` conflicts with `replicaSet` and
//!    `loadBalanced=true`, `directConnection=true` needs exactly one host (and no `mongodb+srv`),
//!    `loadBalanced=true` needs one host and no `replicaSet` nor `directConnection=true`, and the proxy
//!    options need `proxyHost` (and a proxy user needs a proxy password and the other way round).
//! 9. Finally the credential is built by the spec's rules ([`crate::rules::validate_credential`]).
//!
//! Every problem found is reported, each with the byte range of the offending input.

use std::ops::Range;

use crate::error::Warning;
use crate::options::Options;
use crate::{Credential, Host, Password};

/// A parsed and spec-validated MongoDB connection string.
///
/// Parsing applies the spec layer of rules (what the MongoDB specs say); the stricter library layer is a
/// separate call, [`ConnectionString::check_library_rules`].
///
/// ```
/// use mongo_auth_core::{ConnectionString, Mechanism};
/// let uri: ConnectionString =
///     "mongodb://user:password@example.com/default_db?authSource=admin".parse().unwrap();
/// assert_eq!(uri.hosts()[0].host, "example.com");
/// assert_eq!(uri.database(), Some("default_db"));
/// let credential = uri.credential().unwrap();
/// assert_eq!(credential.username.as_deref(), Some("user"));
/// assert_eq!(credential.source, "admin");
/// assert_eq!(credential.mechanism, None); // negotiated with the server
/// // the password never prints
/// assert_eq!(
///     uri.to_string(),
///     "mongodb://user:<redacted>@example.com/default_db?authSource=admin"
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConnectionString {
    pub(crate) srv: bool,
    pub(crate) userinfo_given: bool,
    pub(crate) hosts: Vec<Host>,
    pub(crate) database: Option<String>,
    pub(crate) options: Options,
    /// The credential; it holds the userinfo's user name and password (a userinfo always makes one,
    /// so they are kept once, here).
    pub(crate) credential: Option<Credential>,
    pub(crate) warnings: Vec<Warning>,
    /// The parts of the input that may hold a secret ([`ConnectionString::secret_spans`]).
    pub(crate) secret_spans: Vec<Range<usize>>,
    /// The userinfo's span (`0..0` without one), for library-layer errors about the credential.
    pub(crate) userinfo_span: Range<usize>,
    /// The user name's span in the userinfo (`0..0` without a userinfo).
    pub(crate) user_span: Range<usize>,
    /// The password's span in the userinfo (`0..0` without a password).
    pub(crate) password_span: Range<usize>,
}

impl ConnectionString {
    /// Whether the scheme is `mongodb+srv` (hosts are looked up in DNS at run time).
    pub fn is_srv(&self) -> bool {
        self.srv
    }

    /// The hosts, in the order given. For `mongodb+srv` this is the one name to look up.
    pub fn hosts(&self) -> &[Host] {
        &self.hosts
    }

    /// The decoded user name from the userinfo, as given (no defaults).
    pub fn username(&self) -> Option<&str> {
        self.credential.as_ref()?.username.as_deref()
    }

    /// The decoded password from the userinfo. `Some` of an empty password for `user:@host`.
    pub fn password(&self) -> Option<&Password> {
        self.credential.as_ref()?.password.as_ref()
    }

    /// Whether the string had a userinfo `@` (credentials were given, possibly empty).
    pub fn has_userinfo(&self) -> bool {
        self.userinfo_given
    }

    /// The decoded database path (the "default database"), if any. Not the credential's source, though
    /// it is the source default for SCRAM, MONGODB-CR and PLAIN.
    pub fn database(&self) -> Option<&str> {
        self.database.as_deref()
    }

    /// The valid options, typed.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// The credential, when the string configures authentication (a userinfo `@` or an
    /// `authMechanism`), with its source resolved and its properties typed.
    pub fn credential(&self) -> Option<&Credential> {
        self.credential.as_ref()
    }

    /// The hosts and the credential, moved out of the connection string: for a configuration built
    /// from it, without copying them.
    ///
    /// ```
    /// use mongo_auth_core::ConnectionString;
    /// let uri = ConnectionString::parse("mongodb://app:pencil@db1,db2/?authSource=admin").unwrap();
    /// let (hosts, credential) = uri.into_hosts_and_credential();
    /// assert_eq!(hosts.len(), 2);
    /// assert_eq!(credential.unwrap().username.as_deref(), Some("app"));
    /// ```
    pub fn into_hosts_and_credential(self) -> (Vec<Host>, Option<Credential>) {
        (self.hosts, self.credential)
    }

    /// The spec-level warnings (unknown keys, invalid values, repeated keys, deprecated names, …).
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// The byte ranges of the input that may hold a secret: the password, the values of secret options
    /// (`tlsCertificateKeyFilePassword`, `proxyPassword`, …) and the pieces that may continue them after
    /// an unescaped `&`, and, when an option value holds an `@`, everything before that `@` (a userinfo
    /// with an unescaped `/` or `?` would end there). No message quotes them; a caller that shows the
    /// input around a span must leave them out too.
    ///
    /// ```
    /// use mongo_auth_core::ConnectionString;
    /// let input = "mongodb://alice:hunter2@db/?proxyHost=p&proxyUsername=u&proxyPassword=pencil";
    /// let uri = ConnectionString::parse(input).unwrap();
    /// let secrets: Vec<&str> = uri.secret_spans().iter().map(|s| &input[s.clone()]).collect();
    /// assert_eq!(secrets, ["hunter2", "pencil"]);
    /// ```
    pub fn secret_spans(&self) -> &[Range<usize>] {
        &self.secret_spans
    }

    /// Whether TLS is on: `tls`/`ssl` when given, otherwise on for `mongodb+srv` only. (A PyMongo 3
    /// `ssl_*` option without `tls` stores `tls=true`, as PyMongo 3 turned TLS on for them.)
    pub fn tls_enabled(&self) -> bool {
        self.effective_tls().enabled
    }

    /// The TLS settings this connection string asks for ([`Options::effective_tls`]).
    ///
    /// [`Options::effective_tls`]: crate::Options::effective_tls
    pub fn effective_tls(&self) -> crate::options::EffectiveTls<'_> {
        self.options.effective_tls(self.srv)
    }
}

/// The scheme of a connection string.
pub(crate) const SCHEME: &str = "mongodb://";
/// The scheme of a connection string whose hosts come from DNS.
pub(crate) const SRV_SCHEME: &str = "mongodb+srv://";
