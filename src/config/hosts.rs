//! Host text from builders and config files, checked by the rulebook's host grammar ([`Host::parse`]).

use mongo_auth_core::{Error, ErrorKind, Host, HostKind};

/// A host as given to the builder: text still to be checked by the rulebook, or already checked.
#[derive(Clone, Debug)]
pub(crate) enum HostEntry {
    Text(String),
    Checked(Host),
}

/// Parses one host (`name`, `name:port`, `[ipv6]:port`, `a.b.c.d:port`, a `.sock` path) with the
/// rulebook's grammar. A socket path is given as a path (`/tmp/mongodb-27017.sock`), not
/// percent-encoded as in a connection string. With `srv`, the host is the one DNS name to look up.
pub(crate) fn parse_host(text: &str, srv: bool) -> Result<Host, Error> {
    if text.is_empty() {
        return Err(Error::new(
            ErrorKind::InvalidHost,
            0..0,
            "empty host: write `name` or `name:port`",
        ));
    }
    let in_error = |kind: ErrorKind, message: &str| {
        if message.contains(&format!("`{text}`")) {
            Error::new(kind, 0..0, message)
        } else {
            Error::new(kind, 0..0, format!("host `{text}`: {message}"))
        }
    };
    let encoded;
    let text_in_uri = if text.contains('/') {
        // a socket path is given as a path and percent-encoded in a connection string
        encoded = text
            .bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                    char::from(b).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect::<String>();
        encoded.as_str()
    } else {
        text
    };
    let host = Host::parse(text_in_uri).map_err(|errors| {
        let first = errors.first();
        in_error(first.kind(), first.message())
    })?;
    if srv {
        if host.port.is_some() {
            return Err(in_error(
                ErrorKind::SrvRule,
                "mongodb+srv takes no port (DNS SRV records give the ports): remove the port",
            ));
        }
        if host.kind != HostKind::Hostname {
            return Err(in_error(
                ErrorKind::SrvRule,
                "mongodb+srv needs a DNS name to look up, not an address or a socket path: give \
                 the cluster's DNS name, or list addresses as hosts without srv",
            ));
        }
    }
    Ok(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_as_a_builder_writes_them() {
        let host = parse_host("/tmp/mongodb 27017.sock", false).unwrap();
        assert_eq!(
            (host.kind, host.host.as_str()),
            (HostKind::Unix, "/tmp/mongodb 27017.sock")
        );
        let host = parse_host("[::1]:27019", false).unwrap();
        assert_eq!((host.kind, host.port), (HostKind::IpLiteral, Some(27019)));
        let host = parse_host("cluster0.example.com", true).unwrap();
        assert_eq!((host.kind, host.port), (HostKind::Hostname, None));
    }

    #[test]
    fn refusals_name_the_host() {
        for (text, srv, kind, part) in [
            ("", false, ErrorKind::InvalidHost, "empty host"),
            ("db:0", false, ErrorKind::InvalidPort, "from 1 to 65535"),
            ("a\\b", false, ErrorKind::InvalidHost, "cannot contain `\\`"),
            ("a,b", false, ErrorKind::InvalidHost, "give one host"),
            ("u@db", false, ErrorKind::InvalidHost, "`@`"),
            ("db?x=1", false, ErrorKind::InvalidHost, "`?`"),
            ("/tmp/mongodb", false, ErrorKind::InvalidHost, ".sock"),
            ("db:27017", true, ErrorKind::SrvRule, "takes no port"),
            ("10.0.0.1", true, ErrorKind::SrvRule, "needs a DNS name"),
            ("/tmp/m.sock", true, ErrorKind::SrvRule, "needs a DNS name"),
        ] {
            let error = parse_host(text, srv).unwrap_err();
            assert_eq!(error.kind(), kind, "{text}: {error}");
            assert!(error.message().contains(part), "{text}: {error}");
            if !text.is_empty() {
                assert!(
                    error.message().contains(&format!("host `{text}`")),
                    "{error}"
                );
                let quoted = format!("`{text}`");
                assert_eq!(error.message().matches(&quoted).count(), 1, "{error}");
            }
        }
    }
}
