//! Documents from a server are hostile until checked: before anything converts a reply's BSON into a
//! [`bson::Document`] (whose conversion recurses once per nesting level), its raw bytes are walked
//! here without recursion, every length is checked against its enclosing document, and the nesting
//! depth is capped.

/// The deepest nesting of documents and arrays accepted in a document from a server, the top-level
/// document counting as 1: mongod's own limit for the documents it stores. A reply nested deeper is
/// a [`WireError::DocumentTooDeep`](super::WireError::DocumentTooDeep).
pub const MAX_DOCUMENT_DEPTH: usize = 100;

/// The largest message accepted while a connection shakes hands (hello and every authentication
/// step), far below the 48 MB of [`DEFAULT_MAX_MESSAGE_SIZE`](super::DEFAULT_MAX_MESSAGE_SIZE):
/// the replies of a handshake are a few kilobytes, and an unauthenticated peer does not get to make
/// the client buffer more.
pub const MAX_HANDSHAKE_MESSAGE_SIZE: usize = 1024 * 1024;

/// What is wrong with a document's bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Problem {
    /// Nested deeper than the cap.
    TooDeep,
    /// A length, terminator or element type that does not fit.
    Malformed(&'static str),
}

/// Walks one BSON document (exactly `bytes`) iteratively: every element's size is checked against
/// its enclosing document, and no document or array may be nested deeper than `max_depth`.
/// Element contents (UTF-8, subtypes) are left to the BSON decoder.
pub(crate) fn check_document(bytes: &[u8], max_depth: usize) -> Result<(), Problem> {
    // The exclusive end of each document being walked, innermost last.
    let mut ends: Vec<usize> = Vec::with_capacity(8);
    let top = document_end(bytes, 0, bytes.len())?;
    if top != bytes.len() {
        return Err(Problem::Malformed("the document is shorter than its bytes"));
    }
    if max_depth == 0 {
        return Err(Problem::TooDeep);
    }
    ends.push(top);
    let mut at = 4;
    while let Some(&end) = ends.last() {
        // `end - 1` is the document's terminating NUL, checked by `document_end`.
        let last = end - 1;
        if at == last {
            ends.pop();
            at = end;
            continue;
        }
        let kind = bytes[at];
        at += 1;
        let key_len = bytes[at..last]
            .iter()
            .position(|&b| b == 0)
            .ok_or(Problem::Malformed("an element name runs past its document"))?;
        at += key_len + 1;
        let size = match kind {
            // double, UTC datetime, timestamp, int64
            0x01 | 0x09 | 0x11 | 0x12 => 8,
            // string, JavaScript code, symbol
            0x02 | 0x0D | 0x0E => string_size(bytes, at, last)?,
            // embedded document, array
            0x03 | 0x04 => {
                let child = document_end(bytes, at, last)?;
                if ends.len() >= max_depth {
                    return Err(Problem::TooDeep);
                }
                ends.push(child);
                at += 4;
                continue;
            }
            // binary: length, subtype, bytes
            0x05 => {
                let len = length(bytes, at, last)?;
                len.checked_add(5)
                    .ok_or(Problem::Malformed("a binary length overflows"))?
            }
            // undefined, null, min key, max key
            0x06 | 0x0A | 0x7F | 0xFF => 0,
            // ObjectId
            0x07 => 12,
            // boolean
            0x08 => 1,
            // regular expression: pattern and options, two C strings
            0x0B => {
                let mut size = 0;
                for _ in 0..2 {
                    let len = bytes
                        .get(at + size..last)
                        .and_then(|rest| rest.iter().position(|&b| b == 0))
                        .ok_or(Problem::Malformed(
                            "a regular expression runs past its document",
                        ))?;
                    size += len + 1;
                }
                size
            }
            // DBPointer: string, ObjectId
            0x0C => string_size(bytes, at, last)? + 12,
            // JavaScript code with scope: total length, string, document
            0x0F => {
                let total = length(bytes, at, last)?;
                let scope_end = at
                    .checked_add(total)
                    .filter(|&e| e <= last)
                    .ok_or(Problem::Malformed("code with scope runs past its document"))?;
                let code = string_size(bytes, at + 4, scope_end)?;
                let scope = at + 4 + code;
                if document_end(bytes, scope, scope_end)? != scope_end {
                    return Err(Problem::Malformed(
                        "code with scope has bytes after its scope",
                    ));
                }
                if ends.len() >= max_depth {
                    return Err(Problem::TooDeep);
                }
                // The scope document is walked as a child; the element ends where it ends.
                ends.push(scope_end);
                at = scope + 4;
                continue;
            }
            // int32
            0x10 => 4,
            // decimal128
            0x13 => 16,
            _ => return Err(Problem::Malformed("an element has an unknown type")),
        };
        at = at
            .checked_add(size)
            .filter(|&next| next <= last)
            .ok_or(Problem::Malformed("an element runs past its document"))?;
    }
    Ok(())
}

/// The non-negative little-endian `i32` at `at`, which must lie before `limit`.
fn length(bytes: &[u8], at: usize, limit: usize) -> Result<usize, Problem> {
    let field = bytes
        .get(
            at..at
                .checked_add(4)
                .ok_or(Problem::Malformed("a length overflows"))?,
        )
        .filter(|_| at + 4 <= limit)
        .ok_or(Problem::Malformed("a length runs past its document"))?;
    let value = i32::from_le_bytes([field[0], field[1], field[2], field[3]]);
    usize::try_from(value).map_err(|_| Problem::Malformed("a length is negative"))
}

/// The exclusive end of the document that starts at `at` and must end by `limit`: its declared
/// length is at least 5 and its last byte is NUL.
fn document_end(bytes: &[u8], at: usize, limit: usize) -> Result<usize, Problem> {
    let len = length(bytes, at, limit)?;
    if len < 5 {
        return Err(Problem::Malformed("a document declares fewer than 5 bytes"));
    }
    let end = at
        .checked_add(len)
        .filter(|&end| end <= limit)
        .ok_or(Problem::Malformed(
            "a document runs past its enclosing document",
        ))?;
    if bytes[end - 1] != 0 {
        return Err(Problem::Malformed("a document does not end with NUL"));
    }
    Ok(end)
}

/// The size of the BSON string at `at` (length, bytes, NUL), which must end by `limit`.
fn string_size(bytes: &[u8], at: usize, limit: usize) -> Result<usize, Problem> {
    let len = length(bytes, at, limit)?;
    if len < 1 {
        return Err(Problem::Malformed("a string declares no bytes"));
    }
    let end = at
        .checked_add(4 + len)
        .filter(|&end| end <= limit)
        .ok_or(Problem::Malformed("a string runs past its document"))?;
    if bytes[end - 1] != 0 {
        return Err(Problem::Malformed("a string does not end with NUL"));
    }
    Ok(4 + len)
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use bson::{Bson, doc};
    use mongo_auth_test_server::hostile::nested_document as nested;

    fn raw(document: &bson::Document) -> Vec<u8> {
        bson::RawDocumentBuf::try_from(document)
            .unwrap()
            .into_bytes()
    }

    #[test]
    fn every_element_type_of_a_real_document_is_walked() {
        let document = doc! {
            "double": 1.5, "string": "héllo", "doc": { "x": 1 }, "array": [1, "two", { "three": 3 }],
            "binary": bson::Binary { subtype: bson::spec::BinarySubtype::Generic, bytes: vec![1, 2, 3] },
            "undefined": Bson::Undefined, "oid": bson::oid::ObjectId::from_bytes([7; 12]),
            "bool": true, "date": bson::DateTime::from_millis(5), "null": Bson::Null,
            "regex": bson::Regex { pattern: "^a".to_owned().try_into().unwrap(), options: "i".to_owned().try_into().unwrap() },
            "code": Bson::JavaScriptCode("f()".into()), "symbol": Bson::Symbol("s".into()),
            "scope": Bson::JavaScriptCodeWithScope(bson::JavaScriptCodeWithScope { code: "g()".into(), scope: doc! { "y": { "z": 1 } } }),
            "int32": 3, "timestamp": bson::Timestamp { time: 1, increment: 2 }, "int64": 4i64,
            "decimal": bson::Decimal128::from_bytes([0; 16]), "min": Bson::MinKey, "max": Bson::MaxKey,
        };
        assert_eq!(check_document(&raw(&document), MAX_DOCUMENT_DEPTH), Ok(()));
        assert_eq!(check_document(&raw(&doc! {}), 1), Ok(()));
        let pointer = db_pointer_document();
        assert_eq!(check_document(&pointer, 1), Ok(()));
        assert!(bson::RawDocument::from_bytes(&pointer).is_ok());
    }

    #[test]
    fn depth_counts_documents_arrays_and_scopes() {
        assert_eq!(check_document(&nested(100), 100), Ok(()));
        assert_eq!(check_document(&nested(101), 100), Err(Problem::TooDeep));
        assert_eq!(
            check_document(&nested(100_000), MAX_DOCUMENT_DEPTH),
            Err(Problem::TooDeep)
        );
        let array = raw(&doc! { "a": [[[1]]] });
        assert_eq!(check_document(&array, 4), Ok(()));
        assert_eq!(check_document(&array, 3), Err(Problem::TooDeep));
        let scope = raw(
            &doc! { "c": Bson::JavaScriptCodeWithScope(bson::JavaScriptCodeWithScope {
            code: "f".into(), scope: doc! { "s": { "t": 1 } } }) },
        );
        assert_eq!(check_document(&scope, 3), Ok(()));
        assert_eq!(check_document(&scope, 2), Err(Problem::TooDeep));
    }

    #[test]
    fn lengths_that_do_not_fit_are_malformed() {
        let good = raw(&doc! { "s": "abc", "d": { "x": 1 } });
        // Every truncation and every single-byte change gives a verdict, never a panic.
        for cut in 0..good.len() {
            assert!(check_document(&good[..cut], 100).is_err(), "cut at {cut}");
        }
        for i in 0..good.len() {
            for byte in [0u8, 1, 0x7F, 0x80, 0xFF] {
                let mut bad = good.clone();
                bad[i] = byte;
                let _ = check_document(&bad, 100);
            }
        }
        // A string whose length runs past its document.
        let mut bad = good.clone();
        bad[7] = 100;
        assert!(matches!(
            check_document(&bad, 100),
            Err(Problem::Malformed(_))
        ));
        // An unknown element type.
        let mut bad = good;
        bad[4] = 0x42;
        assert_eq!(
            check_document(&bad, 100),
            Err(Problem::Malformed("an element has an unknown type"))
        );
    }

    /// A document of one DBPointer (0x0C: a string, then an ObjectId), which no value built in code
    /// can be: the only way to get one is to decode it.
    pub(in crate::wire) fn db_pointer_document() -> Vec<u8> {
        let mut pointer = vec![0u8; 4];
        pointer.extend_from_slice(b"\x0cp\0");
        pointer.extend_from_slice(&4i32.to_le_bytes());
        pointer.extend_from_slice(b"d.c\0");
        pointer.extend_from_slice(&[9; 12]);
        pointer.push(0);
        let len = pointer.len() as i32;
        pointer[..4].copy_from_slice(&len.to_le_bytes());
        pointer
    }
}
