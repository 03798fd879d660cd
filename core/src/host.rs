//! Hosts of a connection string.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::ops::Range;
use std::str::FromStr;

use crate::decode::decode;
use crate::error::{ErrorKind, Errors, Report, describe_char};

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
#[non_exhaustive]
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
        parse_one_host(text)
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

// ---- the host grammar (step 5 of the connection-string grammar, and `Host::parse`) ----------------

/// A host with the spans the cross-option rules point at.
pub(crate) struct ParsedHost {
    pub(crate) host: Host,
    pub(crate) span: Range<usize>,
    pub(crate) port_span: Option<Range<usize>>,
}

/// Where a host was in the input, for the `mongodb+srv` rules: the whole host and its port.
pub(crate) type HostSpans = (Range<usize>, Option<Range<usize>>);

/// The hosts of the host list; with `spans`, where each valid host was (in the same order).
pub(crate) fn parse_hosts(
    input: &str,
    span: Range<usize>,
    authority_end: usize,
    mut spans: Option<&mut Vec<HostSpans>>,
    report: &mut Report,
) -> Vec<Host> {
    let text = &input[span.clone()];
    if text.is_empty() {
        let rest = &input[authority_end..];
        let message = if rest.starts_with('/') && rest.contains(".sock") {
            "missing host: a Unix socket path must be percent-encoded, as in \
             mongodb://%2Ftmp%2Fmongodb-27017.sock"
        } else {
            "missing host: add at least one host after the scheme, as in mongodb://localhost:27017"
        };
        let end = if span.start == input.len() {
            span.start
        } else {
            span.start + 1
        };
        report.error(
            ErrorKind::InvalidHost,
            span.start.min(end)..end.max(span.start),
            message,
        );
        return Vec::new();
    }
    let mut hosts = Vec::with_capacity(1 + crate::decode::count_ascii(text, b','));
    let mut offset = span.start;
    for entry in crate::decode::split_ascii(text, b',') {
        let entry_span = offset..offset + entry.len();
        offset += entry.len() + 1;
        if let Some(parsed) = parse_host(input, entry_span, report) {
            if let Some(spans) = spans.as_deref_mut() {
                spans.push((parsed.span, parsed.port_span));
            }
            hosts.push(parsed.host);
        }
    }
    hosts
}

/// One host as written in a connection string's host list (see [`Host::parse`]): the characters that
/// end or split a host list cannot be part of it, the rest is [`parse_host`]'s.
pub(crate) fn parse_one_host(text: &str) -> Result<Host, Errors> {
    let mut report = Report::default();
    if text.is_empty() {
        report.error(
            ErrorKind::InvalidHost,
            0..0,
            "empty host: write a host name, an IPv4 address, [IPv6] or a percent-encoded socket \
             path, each with an optional :port",
        );
    }
    for (reserved, message) in [
        (
            ',',
            "`,` separates the hosts of a host list: give one host, without `,`",
        ),
        (
            '/',
            "unescaped `/` in a host: percent-encode a Unix socket path, as in \
             %2Ftmp%2Fmongodb-27017.sock",
        ),
        (
            '?',
            "unescaped `?` in a host: `?` starts a connection string's options; remove it from the host",
        ),
        (
            '@',
            "unescaped `@` in a host: `@` ends a connection string's userinfo; remove the user name \
             from the host",
        ),
    ] {
        if let Some(at) = text.find(reserved) {
            report.error(ErrorKind::InvalidHost, at..at + 1, message);
        }
    }
    let host = if report.errors.is_empty() {
        parse_host(text, 0..text.len(), &mut report)
    } else {
        None
    };
    match (host, report.into_errors()) {
        (Some(parsed), None) => Ok(parsed.host),
        (_, Some(errors)) => Err(errors),
        // parse_host reports why it returns no host; this arm only keeps the function total
        (None, None) => Err(crate::Error::new(
            ErrorKind::InvalidHost,
            0..text.len(),
            "not a valid host: write a host name, an IPv4 address, [IPv6] or a percent-encoded \
             socket path, each with an optional :port",
        )
        .into()),
    }
}

fn parse_port(input: &str, span: Range<usize>, report: &mut Report) -> Option<u16> {
    let text = &input[span.clone()];
    // digits only (leading zeros allowed), saturating: anything above 65535 is out of range anyway
    let mut value: u32 = 0;
    let digits = !text.is_empty()
        && text.bytes().all(|b| {
            value = value
                .saturating_mul(10)
                .saturating_add(u32::from(b.wrapping_sub(b'0')));
            b.is_ascii_digit()
        });
    let port = digits
        .then_some(value)
        .and_then(|p| u16::try_from(p).ok())
        .filter(|&p| p != 0);
    match port {
        Some(p) => Some(p),
        None => {
            let span = if span.is_empty() {
                span.start - 1..span.start
            } else {
                span
            };
            let shown = if text.is_empty() {
                "an empty port".to_owned()
            } else {
                format!("port `{text}`")
            };
            report.error(
                ErrorKind::InvalidPort,
                span,
                format!(
                    "invalid {shown}: give a number from 1 to 65535, or leave the port out for \
                     27017"
                ),
            );
            None
        }
    }
}

fn parse_host(input: &str, span: Range<usize>, report: &mut Report) -> Option<ParsedHost> {
    let text = &input[span.clone()];
    if text.is_empty() {
        let at = span.start.min(input.len());
        report.error(
            ErrorKind::InvalidHost,
            at..at,
            "empty host in the host list: remove the extra `,`",
        );
        return None;
    }
    if let Some(inner) = text.strip_prefix('[') {
        let Some(close) = inner.find(']') else {
            report.error(
                ErrorKind::InvalidHost,
                span,
                "unclosed `[` in an IP literal: write it as [address] or [address]:port",
            );
            return None;
        };
        let address = &inner[..close];
        let after = &inner[close + 1..];
        let address_span = span.start + 1..span.start + 1 + close;
        let address_ok = address.parse::<Ipv6Addr>().is_ok();
        if !address_ok {
            report.error(
                ErrorKind::InvalidHost,
                address_span,
                format!(
                    "`{address}` is not an IPv6 address: brackets are for IPv6 literals; fix the \
                     address, or remove the brackets around a host name or IPv4 address"
                ),
            );
        }
        let (port, port_span) = if after.is_empty() {
            (None, None)
        } else if let Some(port_text) = after.strip_prefix(':') {
            let port_span = span.end - port_text.len()..span.end;
            (
                Some(parse_port(input, port_span.clone(), report)?),
                Some(port_span),
            )
        } else {
            report.error(
                ErrorKind::InvalidHost,
                span.end - after.len()..span.end,
                "unexpected text after `]` in an IP literal: remove it (only :port may follow the \
                 address)",
            );
            return None;
        };
        if !address_ok {
            return None;
        }
        return Some(ParsedHost {
            host: Host::from_parts(HostKind::IpLiteral, address.to_owned(), port),
            span,
            port_span,
        });
    }
    let (name_span, port_span) = match text.bytes().position(|b| b == b':') {
        Some(colon) => (
            span.start..span.start + colon,
            Some(span.start + colon + 1..span.end),
        ),
        None => (span.clone(), None),
    };
    let name = decode(
        input,
        name_span.clone(),
        ErrorKind::InvalidHost,
        &"host",
        report,
    )?;
    // one pass over the name for what the rules below look for
    let mut slash = false;
    let mut bad = None;
    let mut dotted_digits = true;
    for b in name.bytes() {
        match b {
            b'/' => slash = true,
            b'0'..=b'9' | b'.' => {}
            b'a'..=b'z' | b'A'..=b'Z' | b'-' | b'_' => dotted_digits = false,
            _ if b.is_ascii() => {
                dotted_digits = false;
                bad = bad.or(Some(char::from(b)));
            }
            _ => dotted_digits = false,
        }
    }
    if slash {
        if !name.ends_with(".sock") {
            report.error(
                ErrorKind::InvalidHost,
                name_span,
                "a Unix socket path must end in .sock: check the path (a percent-encoded `/` makes the host a socket path)",
            );
            return None;
        }
        if let Some(port_span) = port_span {
            report.error(
                ErrorKind::InvalidHost,
                port_span.start - 1..port_span.end,
                "a Unix socket takes no port: remove it (write a `:` in the path as %3A)",
            );
            return None;
        }
        return Some(ParsedHost {
            host: Host::from_parts(HostKind::Unix, name.into_owned(), None),
            span,
            port_span: None,
        });
    }
    if name.is_empty() {
        report.error(
            ErrorKind::InvalidHost,
            name_span.start..span.end,
            "missing host name before the port: write host:port",
        );
        return None;
    }
    if let Some(bad) = bad {
        report.error(
            ErrorKind::InvalidHost,
            name_span,
            format!(
                "host `{name}` cannot contain {}: remove it (a host is a name of letters, digits, \
                 `-`, `.` and `_`, an IPv4 address, [IPv6] or a percent-encoded socket path)",
                describe_char(bad)
            ),
        );
        return None;
    }
    let port = match &port_span {
        Some(port_span) => Some(parse_port(input, port_span.clone(), report)?),
        None => None,
    };
    let kind = if dotted_digits && name.parse::<Ipv4Addr>().is_ok() {
        HostKind::Ipv4
    } else {
        HostKind::Hostname
    };
    Some(ParsedHost {
        host: Host::from_parts(kind, name.into_owned(), port),
        span,
        port_span,
    })
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
