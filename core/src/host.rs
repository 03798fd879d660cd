//! Hosts of a connection string.

use std::fmt;

/// One host of a connection string's host list.
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

    /// A host from already-validated parts.
    pub fn from_parts(kind: HostKind, host: String, port: Option<u16>) -> Self {
        Self { kind, host, port }
    }

    /// The port, or 27017 when none was given.
    pub fn port_or_default(&self) -> u16 {
        self.port.unwrap_or(Self::DEFAULT_PORT)
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
