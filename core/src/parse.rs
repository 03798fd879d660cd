//! The connection-string parser (see [`crate::uri`] for the grammar).

use std::borrow::Cow;
use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::ops::Range;

use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};

use crate::error::{ErrorKind, Errors, Report, WarningKind};
use crate::options::{OptionValue, Options};
use crate::rules::{self, CredentialParts, PartSpans};
use crate::uri_options::{self, RawPair};
use crate::{ConnectionString, Host, HostKind, Mechanism, Password};

const SCHEME: &str = "mongodb://";
const SRV_SCHEME: &str = "mongodb+srv://";

/// A host with the spans the cross-option rules point at.
struct ParsedHost {
    host: Host,
    span: Range<usize>,
    port_span: Option<Range<usize>>,
}

pub(crate) fn parse(input: &str) -> Result<ConnectionString, Errors> {
    let mut report = Report::default();

    // 1. scheme
    let (srv, start) = if input.starts_with(SRV_SCHEME) {
        (true, SRV_SCHEME.len())
    } else if input.starts_with(SCHEME) {
        (false, SCHEME.len())
    } else {
        let end = input.find("://").map_or(input.len(), |i| i + 3);
        let message = if input.is_empty() {
            "the connection string is empty: it must start with mongodb:// or mongodb+srv://"
                .to_owned()
        } else if input[..end].eq_ignore_ascii_case(SCHEME)
            || input[..end].eq_ignore_ascii_case(SRV_SCHEME)
        {
            "the scheme must be written in lower case: mongodb:// or mongodb+srv://".to_owned()
        } else {
            let what = if input.contains("://") {
                "unknown scheme"
            } else {
                "missing scheme"
            };
            // the text is not quoted: without a known scheme, nothing says where a password would be
            format!("{what}: start the connection string with mongodb:// or mongodb+srv://")
        };
        report.error(ErrorKind::InvalidScheme, 0..end, message);
        return Err(report.into_errors().expect("an error was reported"));
    };

    // 2. split at the first `/` or `?`
    let rest = &input[start..];
    let authority_end = start + rest.find(['/', '?']).unwrap_or(rest.len());

    // An `@` after that split belongs to the userinfo when it cannot be part of the database or of an
    // option value: the userinfo then holds an unescaped `/`, `?` or `#`, and nothing after the scheme
    // can be told apart (or quoted: it may be the password).
    let last_at = input[authority_end..]
        .rfind('@')
        .map(|at| authority_end + at);
    if last_at.is_some()
        && let Some(in_database) = misplaced_at(input, authority_end)
    {
        return Err(userinfo_runs_past(
            input,
            start,
            UserinfoEnd::Certain { in_database },
        ));
    }
    if let Some(last_at) = last_at {
        // an `@` in an option value: everything before it may still be a userinfo that runs past
        // the split, so no message quotes it
        report.secret(start..last_at);
    }

    // 3. userinfo at the last `@`
    let authority = &input[start..authority_end];
    let (userinfo_span, hosts_span) = match authority.rfind('@') {
        Some(at) => (Some(start..start + at), start + at + 1..authority_end),
        None => (None, start..authority_end),
    };

    // 4. userinfo
    let errors_before_userinfo = report.errors.len();
    let (username, password, user_span, password_span) = match &userinfo_span {
        Some(span) => parse_userinfo(input, span.clone(), &mut report),
        None => (None, None, 0..0, 0..0),
    };

    let userinfo_ok = report.errors.len() == errors_before_userinfo;

    // 5. hosts
    let errors_before_hosts = report.errors.len();
    let hosts = parse_hosts(input, hosts_span.clone(), authority_end, &mut report);
    if last_at.is_some() && report.errors.len() > errors_before_hosts {
        // invalid hosts before an `@`: most likely a password's `/` or `?` ended the host list early
        return Err(userinfo_runs_past(input, start, UserinfoEnd::Likely));
    }

    // 6. database and options
    let tail = &input[authority_end..];
    let (database_span, query_span) = if let Some(after_slash) = tail.strip_prefix('/') {
        let db_start = authority_end + 1;
        match after_slash.find('?') {
            Some(q) => (
                Some(db_start..db_start + q),
                Some(db_start + q + 1..input.len()),
            ),
            None => (Some(db_start..input.len()), None),
        }
    } else if tail.starts_with('?') {
        (None, Some(authority_end + 1..input.len()))
    } else {
        (None, None)
    };
    let database = database_span
        .filter(|span| !span.is_empty())
        .and_then(|span| parse_database(input, span, &mut report));
    let pairs = match query_span {
        Some(span) => split_options(input, span, &mut report),
        None => Vec::new(),
    };
    let options = uri_options::apply(&pairs, &mut report);

    // 8. cross-option rules
    check_topology(srv, &hosts, &hosts_span, &options, &mut report);

    // 9. credential
    let userinfo_given = userinfo_span.is_some();
    // a malformed userinfo is already reported; building a credential from it would only add noise
    if !userinfo_ok && let Some(source) = options.canonical("authSource") {
        let text = source.value().as_str().unwrap_or_default();
        rules::check_source_text(text, None, source.span(), &mut report);
    }
    let credential = userinfo_ok
        .then(|| {
            build_credential(
                &options,
                CredentialInput {
                    userinfo_given,
                    username: username.clone(),
                    password: password.clone(),
                    user_span: user_span.clone(),
                    password_span: password_span.clone(),
                    userinfo_span: userinfo_span.clone().unwrap_or(0..0),
                    database: database.clone(),
                },
                &mut report,
            )
        })
        .flatten();

    if let Some(errors) = Errors::from_vec(std::mem::take(&mut report.errors)) {
        return Err(errors
            .with_warnings(report.warnings)
            .with_secret_spans(report.secrets));
    }
    Ok(ConnectionString {
        srv,
        username,
        password,
        userinfo_given,
        hosts: hosts.into_iter().map(|h| h.host).collect(),
        database,
        options,
        credential,
        warnings: report.warnings,
        secret_spans: report.secrets,
        userinfo_span: userinfo_span.unwrap_or(0..0),
        user_span,
        password_span,
    })
}

/// Where the `@` found after the host-list split sits, when it cannot be part of the database or of an
/// option value: `Some(true)` in the database path, `Some(false)` in the options (in a name, or in a
/// piece without `=`). `None` when every such `@` is inside an option value (`replicaSet=my@rs`).
fn misplaced_at(input: &str, authority_end: usize) -> Option<bool> {
    let tail = &input[authority_end..];
    let query = tail.find('?');
    if tail[..query.unwrap_or(tail.len())].contains('@') {
        return Some(true);
    }
    let query = &tail[query? + 1..];
    let mut after_secret = false;
    for piece in query.split('&') {
        // what follows a secret option's value up to a known option may be the rest of the secret
        // (an unescaped `&`): an `@` there is the secret's
        if after_secret
            && option_key(piece).is_none_or(|key| uri_options::canonical_key(&key).is_none())
        {
            continue;
        }
        after_secret = option_key(piece).is_some_and(|key| uri_options::secret_key(&key).is_some());
        if piece
            .find('@')
            .is_some_and(|at| piece.find('=').is_none_or(|eq| at < eq))
        {
            return Some(false);
        }
    }
    None
}

/// The decoded name of a `name=value` piece of the options (`None` without `=`, or when the name is
/// not valid percent-encoded UTF-8).
fn option_key(piece: &str) -> Option<Cow<'_, str>> {
    let (key, _) = piece.split_once('=')?;
    percent_decode_str(key).decode_utf8().ok()
}

/// How sure the parser is that an `@` after the host-list split ends the userinfo.
enum UserinfoEnd {
    /// The `@` cannot be anywhere else (`in_database`: it is in the database path).
    Certain { in_database: bool },
    /// The `@` is in an option value, and the hosts before it are not valid.
    Likely,
}

/// The one error for a userinfo that runs past the host-list split: its unescaped `/`, `?` or `#` is
/// named, nothing after the scheme is quoted, and the whole rest of the string is secret.
fn userinfo_runs_past(input: &str, start: usize, end: UserinfoEnd) -> Errors {
    let (at, reserved) = input[start..]
        .char_indices()
        .find(|(_, c)| matches!(c, '/' | '?' | '#'))
        .map_or((start, '/'), |(i, c)| (start + i, c));
    let encoded = match reserved {
        '?' => "%3F",
        '#' => "%23",
        _ => "%2F",
    };
    let message = match end {
        UserinfoEnd::Certain { in_database } => format!(
            "the user name or password contains an unescaped `{reserved}`: percent-encode it as \
             {encoded}{}",
            if in_database {
                " (an `@` in a database name is written %40)"
            } else {
                ""
            }
        ),
        UserinfoEnd::Likely => format!(
            "the hosts are not valid and an `@` follows them: if the user name or password contains \
             an unescaped `{reserved}`, percent-encode it as {encoded}; otherwise fix the hosts (not \
             shown: they may hold a password)"
        ),
    };
    Errors::from(crate::Error::new(
        ErrorKind::InvalidUserinfo,
        at..at + reserved.len_utf8(),
        message,
    ))
    .with_secret_spans(std::iter::once(start..input.len()).collect())
}

/// Checks that every `%` is followed by two hex digits, then decodes to UTF-8. `what` names the part in
/// messages; the decoded text never appears in them.
pub(crate) fn decode<'a>(
    input: &'a str,
    span: Range<usize>,
    kind: ErrorKind,
    what: &str,
    report: &mut Report,
) -> Option<Cow<'a, str>> {
    let text = &input[span.clone()];
    if !text.contains('%') {
        return Some(Cow::Borrowed(text));
    }
    let bytes = text.as_bytes();
    let mut ok = true;
    for (i, _) in text.match_indices('%') {
        let hex = |j: usize| bytes.get(j).is_some_and(u8::is_ascii_hexdigit);
        if !(hex(i + 1) && hex(i + 2)) {
            let ascii_after = bytes[i + 1..]
                .iter()
                .take(2)
                .take_while(|b| b.is_ascii())
                .count();
            let at = span.start + i;
            report.error(
                kind,
                at..at + 1 + ascii_after,
                format!(
                    "invalid percent-encoding in the {what}: `%` must be followed by two hex digits \
                     (write a literal `%` as %25)"
                ),
            );
            ok = false;
        }
    }
    if !ok {
        return None;
    }
    match percent_decode_str(text).decode_utf8() {
        Ok(decoded) => Some(Cow::Owned(decoded.into_owned())),
        Err(_) => {
            report.error(
                kind,
                span,
                format!("the {what} is not UTF-8 once percent-decoded: percent-encode UTF-8 bytes"),
            );
            None
        }
    }
}

type Userinfo = (Option<String>, Option<Password>, Range<usize>, Range<usize>);

fn parse_userinfo(input: &str, span: Range<usize>, report: &mut Report) -> Userinfo {
    let text = &input[span.clone()];
    let mut ok = true;
    let (user_span, password_span) = match text.find(':') {
        Some(colon) => (
            span.start..span.start + colon,
            Some(span.start + colon + 1..span.end),
        ),
        None => (span.clone(), None),
    };
    if let Some(password_span) = &password_span {
        report.secret(password_span.clone());
    }
    if let Some(at) = text.find('@') {
        let at = span.start + at;
        report.error(
            ErrorKind::InvalidUserinfo,
            at..at + 1,
            "unescaped `@` in the user name or password: write it as %40",
        );
        ok = false;
    }
    if let Some(hash) = text.find('#') {
        let at = span.start + hash;
        report.error(
            ErrorKind::InvalidUserinfo,
            at..at + 1,
            "the user name or password contains an unescaped `#`: percent-encode it as %23",
        );
        ok = false;
    }
    if let Some(password_span) = &password_span
        && let Some(second) = input[password_span.clone()].find(':')
    {
        let at = password_span.start + second;
        report.error(
            ErrorKind::InvalidUserinfo,
            at..at + 1,
            "more than one `:` in the userinfo: a `:` inside the user name or password must be \
             written as %3A",
        );
        ok = false;
    }
    let username = decode(
        input,
        user_span.clone(),
        ErrorKind::InvalidUserinfo,
        "user name",
        report,
    );
    let password = password_span.as_ref().and_then(|s| {
        decode(
            input,
            s.clone(),
            ErrorKind::InvalidUserinfo,
            "password",
            report,
        )
        .map(|p| Password::new(p.into_owned()))
    });
    if !ok {
        return (None, None, user_span, password_span.unwrap_or(0..0));
    }
    (
        username.map(Cow::into_owned),
        password,
        user_span,
        password_span.unwrap_or(0..0),
    )
}

fn parse_hosts(
    input: &str,
    span: Range<usize>,
    authority_end: usize,
    report: &mut Report,
) -> Vec<ParsedHost> {
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
    let mut hosts = Vec::new();
    let mut offset = span.start;
    for entry in text.split(',') {
        let entry_span = offset..offset + entry.len();
        offset += entry.len() + 1;
        if let Some(host) = parse_host(input, entry_span, report) {
            hosts.push(host);
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
    let port = text
        .bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| text.parse::<u32>().ok())
        .flatten()
        .filter(|p| (1..=65535).contains(p));
    match port {
        Some(p) => Some(p as u16),
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
    let (name_span, port_span) = match text.find(':') {
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
        "host",
        report,
    )?;
    if name.contains('/') {
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
    if let Some(bad) = name
        .chars()
        .find(|c| c.is_ascii() && !(c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_')))
    {
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
    let kind = if name.parse::<Ipv4Addr>().is_ok() {
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

/// A character as a message names it: `x` in backticks, words for the invisible ones.
fn describe_char(c: char) -> String {
    match c {
        ' ' => "a space".to_owned(),
        '\t' => "a tab".to_owned(),
        c if c.is_control() => format!("the control character U+{:04X}", u32::from(c)),
        c => format!("`{c}`"),
    }
}

fn parse_database(input: &str, span: Range<usize>, report: &mut Report) -> Option<String> {
    let raw = &input[span.clone()];
    let name = decode(
        input,
        span.clone(),
        ErrorKind::InvalidDatabase,
        "database name",
        report,
    )?;
    if let Some(bad) = name
        .chars()
        .find(|c| matches!(c, '/' | '\\' | ' ' | '"' | '$'))
    {
        const RULE: &str = "database names cannot contain / \\ space \" $";
        let message = if bad == '$' && name.contains("external") {
            "the database name cannot contain `$`: to authenticate against $external, remove it \
             from the path and add authSource=$external"
                .to_owned()
        } else if bad == '/' && raw.ends_with(".sock") {
            format!(
                "the database name cannot contain `/`: a Unix socket path goes in the host list, \
                 percent-encoded, as in mongodb://%2Ftmp%2Fmongodb-27017.sock ({RULE})"
            )
        } else {
            format!(
                "the database name cannot contain {}: percent-encoding does not help, {RULE}; \
                 choose another name",
                describe_char(bad)
            )
        };
        report.error(ErrorKind::InvalidDatabase, span, message);
        return None;
    }
    Some(name.into_owned())
}

fn split_options<'a>(input: &'a str, span: Range<usize>, report: &mut Report) -> Vec<RawPair<'a>> {
    let text = &input[span.clone()];
    let mut pairs = Vec::new();
    if text.is_empty() {
        return pairs;
    }
    let mut offset = span.start;
    // the secret option whose value an unescaped `&` may have cut: what follows it, up to the next
    // known option, may be the rest of the secret
    let mut secret: Option<&'static str> = None;
    for piece in text.split('&') {
        let piece_span = offset..offset + piece.len();
        offset += piece.len() + 1;
        if let Some(secret_key) = secret {
            if continues_secret(piece, secret_key, piece_span.clone(), report) {
                continue;
            }
            secret = None;
        }
        if piece.is_empty() {
            report.warn(
                WarningKind::IgnoredOption,
                piece_span.start.saturating_sub(1)..piece_span.start.min(input.len()),
                "empty option between `&` separators is ignored: remove the extra `&`",
            );
            continue;
        }
        let Some(eq) = piece.find('=') else {
            let message = if report.shows(&piece_span) {
                format!("option `{piece}` has no value: write {piece}=<value>")
            } else {
                format!(
                    "an option has no value (not shown: {MAY_HOLD_A_PASSWORD}): write it as name=<value>"
                )
            };
            report.error(ErrorKind::InvalidOption, piece_span, message);
            continue;
        };
        let key_span = piece_span.start..piece_span.start + eq;
        let value_span = piece_span.start + eq + 1..piece_span.end;
        let Some(key) = decode(
            input,
            key_span.clone(),
            ErrorKind::InvalidOption,
            "option name",
            report,
        ) else {
            continue;
        };
        let what = match uri_options::secret_key(&key) {
            Some(secret_key) => {
                report.secret(value_span.clone());
                secret = Some(secret_key);
                format!("value of {secret_key}")
            }
            None => "option value".to_owned(),
        };
        let Some(value) = decode(
            input,
            value_span.clone(),
            ErrorKind::InvalidOption,
            &what,
            report,
        ) else {
            continue;
        };
        pairs.push(RawPair {
            key,
            key_span,
            value,
            value_span,
            span: piece_span,
        });
    }
    pairs
}

/// Why a message leaves part of the input out.
pub(crate) const MAY_HOLD_A_PASSWORD: &str = "it may be part of a password";

/// Whether `piece`, which follows the value of the secret option `secret_key`, may be the rest of that
/// value (cut by an unescaped `&`): anything but a known `key=value` option. Such a piece is reported,
/// marked secret and never quoted.
fn continues_secret(
    piece: &str,
    secret_key: &str,
    span: Range<usize>,
    report: &mut Report,
) -> bool {
    if option_key(piece).is_some_and(|key| uri_options::canonical_key(&key).is_some()) {
        return false;
    }
    let key = piece.find('=').map(|eq| &piece[..eq]);
    report.secret(span.clone());
    let fix = format!(
        "if the value of {secret_key} contains `&`, percent-encode it as %26 (not shown: \
         {MAY_HOLD_A_PASSWORD})"
    );
    match key {
        _ if piece.is_empty() => report.warn(
            WarningKind::IgnoredOption,
            span.start.saturating_sub(1)..span.start,
            format!(
                "an empty option after {secret_key} is ignored: remove the extra `&`, or {fix}"
            ),
        ),
        None => report.error(
            ErrorKind::InvalidOption,
            span,
            format!("an option without a value follows {secret_key}: {fix}"),
        ),
        Some(_) => report.warn(
            WarningKind::UnknownOption,
            span,
            format!("an unknown option after {secret_key} is ignored: {fix}"),
        ),
    }
    true
}

fn check_topology(
    srv: bool,
    hosts: &[ParsedHost],
    hosts_span: &Range<usize>,
    options: &Options,
    report: &mut Report,
) {
    let direct = options.canonical("directConnection");
    let direct_true = direct.filter(|e| e.value().as_bool() == Some(true));
    let load_balanced = options
        .canonical("loadBalanced")
        .filter(|e| e.value().as_bool() == Some(true));
    if srv {
        if hosts.len() > 1 {
            report.error(
                ErrorKind::SrvRule,
                hosts_span.clone(),
                "mongodb+srv takes exactly one host name (the hosts come from DNS): list several \
                 hosts with mongodb:// instead",
            );
        }
        for host in hosts {
            if let Some(port_span) = &host.port_span {
                report.error(
                    ErrorKind::SrvRule,
                    port_span.start - 1..port_span.end,
                    "mongodb+srv takes no port (DNS SRV records give the ports): remove the port or \
                     use mongodb://",
                );
            }
            if host.host.kind != HostKind::Hostname {
                report.error(
                    ErrorKind::SrvRule,
                    host.span.clone(),
                    "mongodb+srv needs a DNS name to look up, not an address or a socket path: give \
                     the cluster's DNS name, or use mongodb:// for an address",
                );
            }
        }
        if let Some(direct) = direct_true {
            report.error(
                ErrorKind::SrvRule,
                direct.span(),
                "directConnection=true cannot be used with mongodb+srv (it may resolve to several \
                 hosts): remove it or use mongodb:// with one host",
            );
        }
        if let Some(max) = options.canonical("srvMaxHosts")
            && max.value().as_int().is_some_and(|n| n > 0)
        {
            if let Some(replica_set) = options.canonical("replicaSet") {
                report.error(
                    ErrorKind::SrvRule,
                    replica_set.span(),
                    rules::SRV_MAX_HOSTS_WITH_REPLICA_SET,
                );
            }
            if let Some(lb) = load_balanced {
                report.error(
                    ErrorKind::SrvRule,
                    lb.span(),
                    rules::SRV_MAX_HOSTS_WITH_LOAD_BALANCED,
                );
            }
        }
    } else {
        for key in ["srvServiceName", "srvMaxHosts"] {
            if let Some(entry) = options.canonical(key) {
                report.error(
                    ErrorKind::SrvRule,
                    entry.span(),
                    rules::srv_option_without_srv(key),
                );
            }
        }
        if let Some(direct) = direct_true
            && hosts.len() > 1
        {
            report.error(
                ErrorKind::TopologyRule,
                direct.span(),
                "directConnection=true needs exactly one host: remove the other hosts or the option",
            );
        }
        if let Some(lb) = load_balanced
            && hosts.len() > 1
        {
            report.error(
                ErrorKind::TopologyRule,
                lb.span(),
                "loadBalanced=true needs exactly one host (the load balancer): remove the other hosts",
            );
        }
    }
    if let Some(lb) = load_balanced {
        if let Some(replica_set) = options.canonical("replicaSet") {
            report.error(
                ErrorKind::TopologyRule,
                replica_set.span(),
                "replicaSet cannot be combined with loadBalanced=true: remove one of them",
            );
        }
        if let Some(direct) = direct_true {
            report.error(
                ErrorKind::TopologyRule,
                direct.span().start.max(lb.span().start)..direct.span().end.max(lb.span().end),
                "directConnection=true cannot be combined with loadBalanced=true: remove one of them",
            );
        }
    }
}

struct CredentialInput {
    userinfo_given: bool,
    username: Option<String>,
    password: Option<Password>,
    user_span: Range<usize>,
    password_span: Range<usize>,
    userinfo_span: Range<usize>,
    database: Option<String>,
}

fn build_credential(
    options: &Options,
    input: CredentialInput,
    report: &mut Report,
) -> Option<crate::Credential> {
    let mechanism_entry = options.canonical("authMechanism");
    let source_entry = options.canonical("authSource");
    let properties_entry = options.canonical("authMechanismProperties");
    let service_name_entry = options.canonical("gssapiServiceName");

    if !input.userinfo_given && mechanism_entry.is_none() {
        if let Some(source) = source_entry {
            rules::check_source_text(
                source.value().as_str().unwrap_or_default(),
                None,
                source.span(),
                report,
            );
        }
        for entry in [properties_entry, service_name_entry].into_iter().flatten() {
            report.warn(
                WarningKind::IgnoredOption,
                entry.span(),
                format!(
                    "{} is ignored because no credential is configured: add a user name or \
                     authMechanism",
                    entry.key()
                ),
            );
        }
        return None;
    }

    let mechanism: Option<Mechanism> = match mechanism_entry {
        Some(entry) => {
            let text = entry.value().as_str().unwrap_or_default();
            match rules::parse_mechanism_at(text, entry.span(), report) {
                Ok(mechanism) => mechanism,
                Err(error) => {
                    report.errors.push(error);
                    return None;
                }
            }
        }
        None => None,
    };

    let mut properties = match properties_entry.map(|e| e.value()) {
        Some(OptionValue::Map(pairs)) => pairs.clone(),
        _ => Vec::new(),
    };
    let mut properties_span = properties_entry.map(|e| e.span()).unwrap_or(0..0);
    if let Some(entry) = service_name_entry {
        let name = entry.value().as_str().unwrap_or_default();
        if mechanism != Some(Mechanism::Gssapi) {
            report.warn(
                WarningKind::IgnoredOption,
                entry.span(),
                "gssapiServiceName only applies to authMechanism=GSSAPI and is ignored: remove it",
            );
        } else {
            match properties
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("SERVICE_NAME"))
            {
                Some((_, given)) if given != name => report.error(
                    ErrorKind::ConflictingOptions,
                    entry.span(),
                    "gssapiServiceName contradicts SERVICE_NAME in authMechanismProperties: keep \
                     only SERVICE_NAME",
                ),
                Some(_) => {}
                None => {
                    properties.push(("SERVICE_NAME".to_owned(), name.to_owned()));
                    if properties_entry.is_none() {
                        properties_span = entry.span();
                    }
                }
            }
        }
    }

    let mechanism_span = mechanism_entry
        .map(|e| e.span())
        .unwrap_or(input.userinfo_span.clone());
    let spans = PartSpans {
        mechanism: mechanism_span,
        username: input.user_span,
        password: input.password_span,
        source: source_entry.map(|e| e.span()).unwrap_or(0..0),
        properties: properties_span,
        userinfo: input.userinfo_span,
    };
    let parts = CredentialParts {
        mechanism,
        username: input.username,
        password: input.password,
        source: source_entry
            .and_then(|e| e.value().as_str())
            .map(str::to_owned),
        database: input.database,
        properties,
    };
    rules::build_credential(parts, &spans, report)
}

// ---- Display ----

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

pub(crate) fn display(uri: &ConnectionString, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    f.write_str(if uri.srv { SRV_SCHEME } else { SCHEME })?;
    if uri.userinfo_given {
        if let Some(user) = &uri.username {
            write!(f, "{}", utf8_percent_encode(user, USERINFO))?;
        }
        if uri.password.is_some() {
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
