//! Hosts of a connection string.

use std::fmt;
use std::str::FromStr;

use crate::error::Errors;

/// One host of a connection string's host list.
///
/// A user meets it in [`ConnectionString::hosts`](crate::ConnectionString::hosts); `Display` writes it
/// back as it would appear in a host list.
///
/// ```
/// use mongo_auth_core::ConnectionString;
/// let uri = ConnectionString::parse("mongodb://db1.example.com:27018,[::1]/").unwrap();
/// let hosts = uri.hosts();
/// assert_eq!((hosts[0].host.as_str(), hosts[0].port), ("db1.example.com", Some(27018)));
/// assert_eq!(hosts[1].port_or_default(), 27017);
/// assert_eq!(hosts[1].to_string(), "[::1]");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Host {
    /// What kind of host this is.
    pub kind: HostKind,
    /// The decoded host: a name, an IPv4 address, an IPv6 address without brackets, or a socket path.
    pub host: String,
    /// The port, if one was given.
    pub port: Option<u16>,
}

/// The kinds of host a connection string can name.
///
/// ```
/// use mongo_auth_core::{Host, HostKind};
/// let kind = |text: &str| Host::parse(text).unwrap().kind;
/// assert_eq!(kind("db.example.com"), HostKind::Hostname);
/// assert_eq!(kind("10.0.0.1:27017"), HostKind::Ipv4);
/// assert_eq!(kind("[fe80::1]"), HostKind::IpLiteral);
/// assert_eq!(kind("%2Ftmp%2Fmongodb-27017.sock"), HostKind::Unix);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HostKind {
    /// A DNS name.
    Hostname,
    /// A dotted-quad IPv4 address.
    Ipv4,
    /// A bracketed IP literal (IPv6).
    IpLiteral,
    /// A Unix domain socket path (percent-encoded in the URI).
    Unix,
}

impl Host {
    /// The default MongoDB port.
    pub const DEFAULT_PORT: u16 = 27017;

    /// Parses one host as it is written in a connection string's host list: a host name or an IPv4
    /// address with an optional `:port`, an IP literal `[v6]` with an optional `:port`, or a
    /// percent-encoded Unix socket path ending in `.sock`. The grammar is the connection-string
    /// parser's own ([`crate::uri`], step 5).
    ///
    /// The characters that end or split a host list (`,`, `/`, `?`, `@`) are errors, so a socket path
    /// must be percent-encoded. Every problem is reported; spans are byte ranges of `text`.
    ///
    /// ```
    /// use mongo_auth_core::{ErrorKind, Host, HostKind};
    ///
    /// let host = Host::parse("db.example.com:27018").unwrap();
    /// assert_eq!((host.kind, host.host.as_str(), host.port), (HostKind::Hostname, "db.example.com", Some(27018)));
    ///
    /// let host = Host::parse("[::1]:27019").unwrap();
    /// assert_eq!((host.kind, host.host.as_str(), host.port), (HostKind::IpLiteral, "::1", Some(27019)));
    ///
    /// let host = Host::parse("%2Ftmp%2Fmongodb-27017.sock").unwrap();
    /// assert_eq!((host.kind, host.host.as_str()), (HostKind::Unix, "/tmp/mongodb-27017.sock"));
    ///
    /// let errors = Host::parse("localhost:0").unwrap_err();
    /// assert_eq!(errors.first().kind(), ErrorKind::InvalidPort);
    /// assert_eq!(errors.first().span(), 10..11);
    ///
    /// // one host only
    /// assert!(Host::parse("a.example.com,b.example.com").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Self, Errors> {
        crate::parse::parse_one_host(text)
    }

    /// A host from already-validated parts.
    pub fn from_parts(kind: HostKind, host: String, port: Option<u16>) -> Self {
        Self { kind, host, port }
    }

    /// The port, or 27017 when none was given.
    pub fn port_or_default(&self) -> u16 {
        self.port.unwrap_or(Self::DEFAULT_PORT)
    }
}

/// The same as [`Host::parse`].
impl FromStr for Host {
    type Err = Errors;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// `host:port` for names and IPv4, `[addr]:port` for IP literals, the path for sockets.
impl fmt::Display for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.kind, self.port) {
            (HostKind::Unix, _) => f.write_str(&self.host),
            (HostKind::IpLiteral, Some(port)) => write!(f, "[{}]:{port}", self.host),
            (HostKind::IpLiteral, None) => write!(f, "[{}]", self.host),
            (_, Some(port)) => write!(f, "{}:{port}", self.host),
            (_, None) => f.write_str(&self.host),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ConnectionString, ErrorKind};

    /// `Host::parse` and the host list of a connection string agree: same host, or the same errors at
    /// the same places.
    #[test]
    fn agrees_with_the_connection_string_parser() {
        let prefix = "mongodb://";
        for text in [
            "localhost",
            "db.example.com:27018",
            "10.0.0.1",
            "10.0.0.1:1",
            "[::1]",
            "[::1]:27019",
            "[fe80::1%25eth0]",
            "%2Ftmp%2Fmongodb-27017.sock",
            "%2Ftmp%2Fmongodb-27017",
            "%2Ftmp%2Fm.sock:27017",
            "b\u{fc}cher.example",
            "localhost:0",
            "localhost:65536",
            "localhost:",
            "localhost:x",
            ":27017",
            "[::1",
            "[zz]:0",
            "[::1]x",
            "a b",
            "bad%zz",
            "%FF",
            "under_score-dash.example",
        ] {
            let alone = Host::parse(text);
            let in_list = ConnectionString::parse(&format!("{prefix}{text}"));
            match (&alone, &in_list) {
                (Ok(host), Ok(uri)) => {
                    assert_eq!(uri.hosts(), std::slice::from_ref(host), "{text}")
                }
                (Err(alone), Err(in_list)) => {
                    let shifted: Vec<_> = in_list
                        .iter()
                        .map(|e| {
                            let span = e.span();
                            (
                                e.kind(),
                                span.start.saturating_sub(prefix.len())
                                    ..span.end.saturating_sub(prefix.len()),
                                e.message().to_owned(),
                            )
                        })
                        .collect();
                    let alone: Vec<_> = alone
                        .iter()
                        .map(|e| (e.kind(), e.span(), e.message().to_owned()))
                        .collect();
                    assert_eq!(alone, shifted, "{text}");
                }
                _ => panic!("{text}: Host::parse gave {alone:?}, the parser {in_list:?}"),
            }
        }
    }

    #[test]
    fn kinds_and_ports() {
        let host = Host::parse("10.0.0.1:27020").unwrap();
        assert_eq!(
            host,
            Host::from_parts(HostKind::Ipv4, "10.0.0.1".into(), Some(27020))
        );
        let host: Host = "db".parse().unwrap();
        assert_eq!(
            (host.kind, host.port_or_default()),
            (HostKind::Hostname, 27017)
        );
    }

    #[test]
    fn what_ends_a_host_list_is_not_a_host() {
        for (text, at) in [
            ("a,b", 1),
            ("a,", 1),
            ("/tmp/mongodb-27017.sock", 0),
            ("h/db", 1),
            ("h?tls=true", 1),
            ("user@h", 4),
        ] {
            let errors = Host::parse(text).unwrap_err();
            assert_eq!(errors.first().kind(), ErrorKind::InvalidHost, "{text}");
            assert_eq!(errors.first().span(), at..at + 1, "{text}");
        }
        let errors = Host::parse("u@h/p?x,y").unwrap_err();
        assert_eq!(errors.len(), 4, "{errors}");
        let errors = Host::parse("").unwrap_err();
        assert!(
            errors.first().message().starts_with("empty host: write"),
            "{errors}"
        );
    }
}
