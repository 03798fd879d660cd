//! The connection-string parser (see [`crate::uri`] for the grammar).
//!
//! `ConnectionString::parse` runs the grammar's steps in order, each in its own file: the userinfo
//! ([`userinfo`]), the hosts ([`crate::host`]), the options ([`query`], then the option table), the
//! cross-option rules ([`topology`]) and the credential ([`credential`]). [`display`] writes a
//! connection string back.

use std::ops::Range;
use std::str::FromStr;

use crate::ConnectionString;
use crate::decode::{decode, find_any_ascii, find_ascii, rfind_ascii};
use crate::error::{ErrorKind, Errors, Report, describe_char};
use crate::host::parse_hosts;
use crate::options::{self, key};
use crate::rules;
use crate::uri::{SCHEME, SRV_SCHEME};

mod credential;
mod display;
mod in_place;
mod query;
mod topology;
mod userinfo;

use self::credential::{CredentialInput, build_credential};
pub use self::in_place::{ConnectionStringRef, HostRef, OptionRef};
use self::query::{option_key, split_options};
use self::topology::check_topology;
use self::userinfo::parse_userinfo;

impl ConnectionString {
    /// Parses and validates a connection string by the spec's rules. All problems are reported together.
    ///
    /// ```
    /// use mongo_auth_core::ConnectionString;
    /// let uri = ConnectionString::parse("mongodb://localhost/?tls=true").unwrap();
    /// assert!(uri.tls_enabled());
    /// assert!(ConnectionString::parse("mongo://localhost").is_err());
    /// ```
    pub fn parse(input: &str) -> Result<Self, Errors> {
        parse(input).map_err(|errors| errors.with_input(input))
    }
}

impl FromStr for ConnectionString {
    type Err = Errors;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

fn parse(input: &str) -> Result<ConnectionString, Errors> {
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
    let authority_end = start + find_any_ascii(rest, b"/?").unwrap_or(rest.len());

    // An `@` after that split belongs to the userinfo when it cannot be part of the database or of an
    // option value: the userinfo then holds an unescaped `/`, `?` or `#`, and nothing after the scheme
    // can be told apart (or quoted: it may be the password).
    let last_at = rfind_ascii(&input[authority_end..], b'@').map(|at| authority_end + at);
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
    let (userinfo_span, hosts_span) = match rfind_ascii(authority, b'@') {
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
    // where each host was, for the mongodb+srv rules (only they need it)
    let mut host_spans = Vec::new();
    let hosts = parse_hosts(
        input,
        hosts_span.clone(),
        authority_end,
        srv.then_some(&mut host_spans),
        &mut report,
    );
    if last_at.is_some() && report.errors.len() > errors_before_hosts {
        // invalid hosts before an `@`: most likely a password's `/` or `?` ended the host list early
        return Err(userinfo_runs_past(input, start, UserinfoEnd::Likely));
    }

    // 6. database and options
    let tail = &input[authority_end..];
    let (database_span, query_span) = if let Some(after_slash) = tail.strip_prefix('/') {
        let db_start = authority_end + 1;
        match find_ascii(after_slash, b'?') {
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
    let options = options::apply(&pairs, &mut report);

    // 8. cross-option rules
    check_topology(srv, &hosts, &host_spans, &hosts_span, &options, &mut report);

    // 9. credential
    let userinfo_given = userinfo_span.is_some();
    // a malformed userinfo is already reported; building a credential from it would only add noise
    if !userinfo_ok && let Some(source) = options.canonical(key!("authSource")) {
        let text = source.value().as_str().unwrap_or_default();
        rules::check_source_text(text, None, source.span(), &mut report);
    }
    let credential = userinfo_ok
        .then(|| {
            build_credential(
                &options,
                CredentialInput {
                    userinfo_given,
                    username,
                    password,
                    user_span: user_span.clone(),
                    password_span: password_span.clone(),
                    userinfo_span: userinfo_span.clone().unwrap_or(0..0),
                    database: database.as_deref(),
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
        userinfo_given,
        hosts,
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
            && option_key(piece).is_none_or(|key| options::canonical_key(&key).is_none())
        {
            continue;
        }
        after_secret = option_key(piece).is_some_and(|key| options::secret_key(&key).is_some());
        if piece
            .find('@')
            .is_some_and(|at| piece.find('=').is_none_or(|eq| at < eq))
        {
            return Some(false);
        }
    }
    None
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

fn parse_database(input: &str, span: Range<usize>, report: &mut Report) -> Option<String> {
    let raw = &input[span.clone()];
    let name = decode(
        input,
        span.clone(),
        ErrorKind::InvalidDatabase,
        &"database name",
        report,
    )?;
    // all ASCII: a byte search finds the same character
    if let Some(bad) = name
        .bytes()
        .find(|b| matches!(b, b'/' | b'\\' | b' ' | b'"' | b'$'))
        .map(char::from)
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
