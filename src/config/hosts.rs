//! Host text from builders and config files, checked by the rulebook's connection-string grammar.

use mongo_auth_core::{ConnectionString, Error, ErrorKind, Host};

/// Parses one host (`name`, `name:port`, `[ipv6]:port`, `a.b.c.d:port`, a `.sock` path) with the
/// rulebook's grammar: the text is checked as the host list of a connection string, and must be exactly
/// one host with nothing else around it.
pub(crate) fn parse_host(text: &str, srv: bool) -> Result<Host, Error> {
    let not_a_host = || {
        Error::new(
            ErrorKind::InvalidHost,
            0..0,
            format!(
                "`{text}` is not one host: write `name`, `name:port`, `[ipv6]:port` or a socket path \
                 ending in `.sock`, one per entry"
            ),
        )
    };
    if text.is_empty() {
        return Err(Error::new(
            ErrorKind::InvalidHost,
            0..0,
            "empty host: write `name` or `name:port`",
        ));
    }
    // Characters that would end the host list in a connection string cannot be part of a host.
    if text.contains(['/', '?', '@', ',']) && !text.ends_with(".sock") {
        return Err(not_a_host());
    }
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
    let scheme = if srv { "mongodb+srv://" } else { "mongodb://" };
    let uri = ConnectionString::parse(&format!("{scheme}{text_in_uri}")).map_err(|errors| {
        let first = errors.into_vec().swap_remove(0);
        Error::new(
            first.kind(),
            0..0,
            format!("host `{text}`: {}", first.message()),
        )
    })?;
    match uri.hosts() {
        [host] if !uri.has_userinfo() && uri.database().is_none() && uri.options().is_empty() => {
            Ok(host.clone())
        }
        _ => Err(not_a_host()),
    }
}
