//! Reading the fields of a server's reply the one way everything here reads them: `ok`, `code`,
//! numbers that must be exactly an `i32`, and server-supplied text made safe to print; and wiping a
//! command that carried a secret. Below every other module of the runtime: it knows no error type.

use bson::{Bson, Document};

/// Whether a reply's `ok` field says success. A missing `ok` counts as success (speculative
/// replies have none).
pub(crate) fn reply_ok(reply: &Document) -> bool {
    match reply.get("ok") {
        None => true,
        Some(Bson::Double(v)) => *v == 1.0,
        Some(Bson::Int32(v)) => *v == 1,
        Some(Bson::Int64(v)) => *v == 1,
        Some(Bson::Boolean(v)) => *v,
        Some(_) => false,
    }
}

/// A reply's `code`, if it is a number that is exactly an `i32`.
pub(crate) fn reply_code(reply: &Document) -> Option<i32> {
    reply.get("code").and_then(bson_i32)
}

/// A BSON number that is exactly an `i32` (an `Int32`, an `Int64` in range, or a whole `Double`
/// in range), the one reading of numeric reply fields used everywhere.
pub(crate) fn bson_i32(value: &Bson) -> Option<i32> {
    match value {
        Bson::Int32(v) => Some(*v),
        Bson::Int64(v) => i32::try_from(*v).ok(),
        Bson::Double(v)
            if v.fract() == 0.0 && *v >= f64::from(i32::MIN) && *v <= f64::from(i32::MAX) =>
        {
            Some(*v as i32)
        }
        _ => None,
    }
}

/// The most characters of server-supplied text (`errmsg`, `codeName`, SCRAM `e=`) an error keeps.
pub(crate) const MAX_SERVER_TEXT: usize = 512;

/// Server-supplied text as an error may hold it: at most [`MAX_SERVER_TEXT`] characters, control
/// characters and bidirectional-override characters escaped (`\n`, `\u{202e}`), so that a hostile
/// server cannot flood a log or forge lines and terminal output through an error message.
pub(crate) fn server_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MAX_SERVER_TEXT + 16));
    for (count, c) in text.chars().enumerate() {
        if count == MAX_SERVER_TEXT {
            out.push_str("… (cut)");
            break;
        }
        let bidi = matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
        if c.is_control() || bidi {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// Zeroes (and empties) every binary and string value of `document`, nested ones included.
pub(crate) fn wipe_document(document: &mut Document) {
    fn wipe(value: &mut bson::Bson) {
        use zeroize::Zeroize;
        match value {
            bson::Bson::Binary(binary) => binary.bytes.zeroize(),
            bson::Bson::String(text) => text.zeroize(),
            bson::Bson::Document(document) => wipe_document(document),
            bson::Bson::Array(items) => items.iter_mut().for_each(wipe),
            _ => {}
        }
    }
    for (_, value) in document.iter_mut() {
        wipe(value);
    }
}
