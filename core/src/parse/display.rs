//! Writing a connection string back: canonical keys, every part percent-encoded, passwords redacted.

use std::fmt;

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

use crate::options::OptionValue;
use crate::uri::{SCHEME, SRV_SCHEME};
use crate::{ConnectionString, HostKind};

/// Characters escaped in the user name and in socket paths.
const USERINFO: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b':')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'@')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}')
    .add(b',');

/// Characters escaped in the database name and option values (an `@` too: the parser takes the last
/// `@` before the options for the end of the userinfo).
const VALUE: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'#')
    .add(b'%')
    .add(b'&')
    .add(b'?')
    .add(b'/')
    .add(b'@');

/// Characters escaped in mechanism-property and tag keys and values (also the pair separators).
const PAIR: &AsciiSet = &VALUE.add(b',').add(b':');

/// A connection string that parses back to the same hosts, database, options and credential. Passwords
/// (userinfo, `tlsCertificateKeyFilePassword`, `proxyPassword`) print as `<redacted>`; unknown and invalid
/// options, which were ignored, are left out; options use their canonical keys.
impl fmt::Display for ConnectionString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let uri = self;
        f.write_str(if uri.srv { SRV_SCHEME } else { SCHEME })?;
        if uri.userinfo_given {
            if let Some(user) = uri.username() {
                write!(f, "{}", utf8_percent_encode(user, USERINFO))?;
            }
            if uri.password().is_some() {
                f.write_str(":<redacted>")?;
            }
            f.write_str("@")?;
        }
        for (i, host) in uri.hosts.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            match host.kind {
                HostKind::Unix => write!(f, "{}", utf8_percent_encode(&host.host, USERINFO))?,
                _ => write!(f, "{host}")?,
            }
        }
        if uri.database.is_none() && uri.options.is_empty() {
            return Ok(());
        }
        f.write_str("/")?;
        if let Some(database) = &uri.database {
            write!(f, "{}", utf8_percent_encode(database, VALUE))?;
        }
        let mut first = true;
        let mut separator = |f: &mut fmt::Formatter<'_>| {
            let s = if first { "?" } else { "&" };
            first = false;
            f.write_str(s)
        };
        let pairs = |f: &mut fmt::Formatter<'_>, pairs: &[(String, String)]| {
            for (i, (k, v)) in pairs.iter().enumerate() {
                if i > 0 {
                    f.write_str(",")?;
                }
                // the key may not contain `:`; the value may (it is split at the first `:`)
                write!(
                    f,
                    "{}:{}",
                    utf8_percent_encode(k, PAIR),
                    utf8_percent_encode(v, VALUE)
                )?;
            }
            Ok(())
        };
        for (key, value) in uri.options.iter() {
            match value {
                OptionValue::MapList(maps) => {
                    for map in maps {
                        separator(f)?;
                        write!(f, "{key}=")?;
                        pairs(f, map)?;
                    }
                }
                OptionValue::Map(map) => {
                    separator(f)?;
                    write!(f, "{key}=")?;
                    pairs(f, map)?;
                }
                OptionValue::String(s) => {
                    separator(f)?;
                    write!(f, "{key}={}", utf8_percent_encode(s, VALUE))?;
                }
                other => {
                    separator(f)?;
                    write!(f, "{key}={other}")?;
                }
            }
        }
        Ok(())
    }
}
