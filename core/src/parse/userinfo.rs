//! The userinfo: `user[:password]@` (step 4 of the grammar).

use std::borrow::Cow;
use std::ops::Range;

use crate::Password;
use crate::decode::decode;
use crate::error::{ErrorKind, Report};

pub(super) type Userinfo = (Option<String>, Option<Password>, Range<usize>, Range<usize>);

pub(super) fn parse_userinfo(input: &str, span: Range<usize>, report: &mut Report) -> Userinfo {
    let text = &input[span.clone()];
    let mut ok = true;
    // one pass for the characters the rules below look for (all ASCII)
    let (mut colon, mut second_colon, mut at, mut hash) = (None, None, None, None);
    for (i, b) in text.bytes().enumerate() {
        match b {
            b':' if colon.is_none() => colon = Some(i),
            b':' if second_colon.is_none() => second_colon = Some(i),
            b'@' if at.is_none() => at = Some(i),
            b'#' if hash.is_none() => hash = Some(i),
            _ => {}
        }
    }
    let (user_span, password_span) = match colon {
        Some(colon) => (
            span.start..span.start + colon,
            Some(span.start + colon + 1..span.end),
        ),
        None => (span.clone(), None),
    };
    if let Some(password_span) = &password_span {
        report.secret(password_span.clone());
    }
    if let Some(at) = at {
        let at = span.start + at;
        report.error(
            ErrorKind::InvalidUserinfo,
            at..at + 1,
            "unescaped `@` in the user name or password: write it as %40",
        );
        ok = false;
    }
    if let Some(hash) = hash {
        let at = span.start + hash;
        report.error(
            ErrorKind::InvalidUserinfo,
            at..at + 1,
            "the user name or password contains an unescaped `#`: percent-encode it as %23",
        );
        ok = false;
    }
    if let Some(second) = second_colon {
        let at = span.start + second;
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
        &"user name",
        report,
    );
    let password = password_span.as_ref().and_then(|s| {
        decode(
            input,
            s.clone(),
            ErrorKind::InvalidUserinfo,
            &"password",
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
