//! Writing BSON documents straight into a message's buffer: the byte-for-byte encoding of the `bson`
//! crate, without its intermediate buffer, and with the length known before the first byte is
//! written, so that a message is built in one allocation that never moves. (A buffer that grows
//! leaves a copy of what it held behind in freed memory, and an authentication command holds a
//! password or a proof.)

use bson::{Bson, Document};

use super::WireError;

/// The encoded length of `doc` in bytes.
pub(super) fn document_len(doc: &Document) -> usize {
    // the length, the elements, the terminating NUL
    4 + doc
        .iter()
        .map(|(key, value)| 1 + key.len() + 1 + value_len(value))
        .sum::<usize>()
        + 1
}

fn array_len(values: &[Bson]) -> usize {
    4 + values
        .iter()
        .enumerate()
        .map(|(index, value)| 1 + index_digits(index) + 1 + value_len(value))
        .sum::<usize>()
        + 1
}

fn value_len(value: &Bson) -> usize {
    match value {
        Bson::Double(_) | Bson::Int64(_) | Bson::DateTime(_) | Bson::Timestamp(_) => 8,
        Bson::String(s) | Bson::JavaScriptCode(s) | Bson::Symbol(s) => string_len(s),
        Bson::Document(doc) => document_len(doc),
        Bson::Array(values) => array_len(values),
        Bson::Binary(binary) => {
            4 + 1
                + binary.bytes.len()
                + if binary.subtype == bson::spec::BinarySubtype::BinaryOld {
                    4
                } else {
                    0
                }
        }
        Bson::Boolean(_) => 1,
        Bson::Null | Bson::Undefined | Bson::MinKey | Bson::MaxKey => 0,
        Bson::Int32(_) => 4,
        Bson::ObjectId(_) => 12,
        Bson::Decimal128(_) => 16,
        Bson::RegularExpression(regex) => {
            regex.pattern.as_str().len() + 1 + regex.options.as_str().len() + 1
        }
        Bson::JavaScriptCodeWithScope(code) => {
            4 + string_len(&code.code) + document_len(&code.scope)
        }
        // a DBPointer's fields are the `bson` crate's own: measured by encoding it
        Bson::DbPointer(_) => foreign_element(value).map_or(0, |bytes| bytes.len() - 2),
    }
}

fn string_len(s: &str) -> usize {
    4 + s.len() + 1
}

/// The number of decimal digits of an array index (its key).
fn index_digits(mut index: usize) -> usize {
    let mut digits = 1;
    while index >= 10 {
        index /= 10;
        digits += 1;
    }
    digits
}

/// Appends `doc`, encoded, to `out`.
pub(super) fn write_document(out: &mut Vec<u8>, doc: &Document) -> Result<(), WireError> {
    let start = out.len();
    out.extend_from_slice(&[0; 4]);
    for (key, value) in doc {
        if key.as_bytes().contains(&0) {
            return Err(WireError::Encode(
                "a document key contains a NUL byte".into(),
            ));
        }
        write_element(out, key.as_bytes(), value)?;
    }
    close(out, start)
}

fn write_array(out: &mut Vec<u8>, values: &[Bson]) -> Result<(), WireError> {
    let start = out.len();
    out.extend_from_slice(&[0; 4]);
    let mut key = [0u8; 20];
    for (index, value) in values.iter().enumerate() {
        let digits = index_digits(index);
        let mut rest = index;
        for slot in key[..digits].iter_mut().rev() {
            *slot = b'0' + (rest % 10) as u8;
            rest /= 10;
        }
        write_element(out, &key[..digits], value)?;
    }
    close(out, start)
}

/// Ends the document begun at `start`: the terminating NUL, then its length in front.
fn close(out: &mut Vec<u8>, start: usize) -> Result<(), WireError> {
    out.push(0);
    let length = i32::try_from(out.len() - start)
        .map_err(|_| WireError::Encode("a document is longer than BSON allows".into()))?;
    out[start..start + 4].copy_from_slice(&length.to_le_bytes());
    Ok(())
}

fn write_element(out: &mut Vec<u8>, key: &[u8], value: &Bson) -> Result<(), WireError> {
    if let Bson::DbPointer(_) = value {
        let element = foreign_element(value)
            .ok_or_else(|| WireError::Encode("a DBPointer value failed to encode".into()))?;
        out.push(element[0]);
        out.extend_from_slice(key);
        out.push(0);
        out.extend_from_slice(&element[2..]);
        return Ok(());
    }
    out.push(value.element_type() as u8);
    out.extend_from_slice(key);
    out.push(0);
    match value {
        Bson::Double(v) => out.extend_from_slice(&v.to_le_bytes()),
        Bson::String(s) | Bson::JavaScriptCode(s) | Bson::Symbol(s) => write_string(out, s)?,
        Bson::Document(doc) => write_document(out, doc)?,
        Bson::Array(values) => write_array(out, values)?,
        Bson::Binary(binary) => {
            let old = binary.subtype == bson::spec::BinarySubtype::BinaryOld;
            let inner = i32::try_from(binary.bytes.len())
                .ok()
                .filter(|len| *len <= i32::MAX - 4)
                .ok_or_else(|| {
                    WireError::Encode("a binary value is longer than BSON allows".into())
                })?;
            out.extend_from_slice(&(if old { inner + 4 } else { inner }).to_le_bytes());
            out.push(u8::from(binary.subtype));
            if old {
                out.extend_from_slice(&inner.to_le_bytes());
            }
            out.extend_from_slice(&binary.bytes);
        }
        Bson::Boolean(b) => out.push(u8::from(*b)),
        Bson::Null | Bson::Undefined | Bson::MinKey | Bson::MaxKey => {}
        Bson::Int32(v) => out.extend_from_slice(&v.to_le_bytes()),
        Bson::Int64(v) => out.extend_from_slice(&v.to_le_bytes()),
        Bson::DateTime(v) => out.extend_from_slice(&v.timestamp_millis().to_le_bytes()),
        Bson::Timestamp(ts) => {
            out.extend_from_slice(&ts.increment.to_le_bytes());
            out.extend_from_slice(&ts.time.to_le_bytes());
        }
        Bson::ObjectId(id) => out.extend_from_slice(&id.bytes()),
        Bson::Decimal128(d) => out.extend_from_slice(&d.bytes()),
        Bson::RegularExpression(regex) => {
            // both are C strings already (the type rules out a NUL inside)
            out.extend_from_slice(regex.pattern.as_str().as_bytes());
            out.push(0);
            out.extend_from_slice(regex.options.as_str().as_bytes());
            out.push(0);
        }
        Bson::JavaScriptCodeWithScope(code) => {
            let start = out.len();
            out.extend_from_slice(&[0; 4]);
            write_string(out, &code.code)?;
            write_document(out, &code.scope)?;
            let length = i32::try_from(out.len() - start).map_err(|_| {
                WireError::Encode("a code-with-scope value is longer than BSON allows".into())
            })?;
            out[start..start + 4].copy_from_slice(&length.to_le_bytes());
        }
        Bson::DbPointer(_) => {} // written above
    }
    Ok(())
}

fn write_string(out: &mut Vec<u8>, s: &str) -> Result<(), WireError> {
    let length = i32::try_from(s.len() + 1)
        .map_err(|_| WireError::Encode("a string is longer than BSON allows".into()))?;
    out.extend_from_slice(&length.to_le_bytes());
    out.extend_from_slice(s.as_bytes());
    out.push(0);
    Ok(())
}

/// A value this module does not write itself, encoded by the `bson` crate as the element of a
/// one-element document under the empty key: its type byte, the key's NUL, then its bytes.
fn foreign_element(value: &Bson) -> Option<Vec<u8>> {
    let mut doc = Document::new();
    doc.insert("", value.clone());
    let bytes = bson::RawDocumentBuf::try_from(&doc).ok()?.into_bytes();
    // the document's length (4) and its final NUL (1) around the element
    Some(bytes[4..bytes.len() - 1].to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;
    use bson::spec::BinarySubtype;
    use bson::{Binary, doc};

    fn every_kind() -> Document {
        let scope = doc! { "x": 1, "nested": { "y": [1, "two", 3.0] } };
        doc! {
            "double": 1.5,
            "string": "héllo",
            "empty": "",
            "nul inside": "a\0b",
            "document": { "a": { "b": { "c": true } } },
            "array": (0..23).map(Bson::from).collect::<Vec<_>>(),
            "generic": Binary { subtype: BinarySubtype::Generic, bytes: b"xyz".to_vec() },
            "old": Binary { subtype: BinarySubtype::BinaryOld, bytes: b"old bytes".to_vec() },
            "uuid": Binary { subtype: BinarySubtype::Uuid, bytes: vec![7; 16] },
            "user": Binary { subtype: BinarySubtype::UserDefined(0x80), bytes: vec![] },
            "true": true,
            "false": false,
            "null": Bson::Null,
            "undefined": Bson::Undefined,
            "min": Bson::MinKey,
            "max": Bson::MaxKey,
            "int32": -7,
            "int64": i64::MIN,
            "date": bson::DateTime::from_millis(1_700_000_000_123),
            "timestamp": bson::Timestamp { time: 0x0102_0304, increment: 0x0a0b_0c0d },
            "oid": bson::oid::ObjectId::from_bytes([9; 12]),
            "decimal": Bson::Decimal128(bson::Decimal128::from_bytes([3; 16])),
            "regex": bson::Regex {
                pattern: "^a.*b$".to_owned().try_into().unwrap(),
                options: "im".to_owned().try_into().unwrap(),
            },
            "code": Bson::JavaScriptCode("function() { return 1; }".into()),
            "symbol": Bson::Symbol("sym".into()),
            "scoped": Bson::JavaScriptCodeWithScope(bson::JavaScriptCodeWithScope {
                code: "x + y".into(),
                scope,
            }),
            "in array": [{ "k": [[], {}] }, Bson::Null, Bson::MaxKey],
        }
    }

    fn ours(doc: &Document) -> Vec<u8> {
        let mut out = Vec::with_capacity(document_len(doc));
        let capacity = out.capacity();
        write_document(&mut out, doc).unwrap();
        assert_eq!(out.len(), document_len(doc), "the measured length is exact");
        assert_eq!(out.capacity(), capacity, "the buffer never grew");
        out
    }

    #[test]
    fn the_encoding_is_the_bson_crates_byte_for_byte() {
        for doc in [
            Document::new(),
            doc! { "ping": 1, "$db": "admin" },
            every_kind(),
            doc! { "deep": { "er": every_kind() }, "list": [every_kind(), every_kind()] },
        ] {
            let theirs = bson::RawDocumentBuf::try_from(&doc).unwrap().into_bytes();
            assert_eq!(ours(&doc), theirs);
        }
    }

    #[test]
    fn a_db_pointer_is_encoded_by_the_bson_crate() {
        let bytes = super::super::limits::tests::db_pointer_document();
        let doc = Document::try_from(bson::RawDocument::from_bytes(&bytes).unwrap()).unwrap();
        assert_eq!(ours(&doc), bytes);
    }

    #[test]
    fn a_key_with_a_nul_byte_is_an_error_that_does_not_show_the_key() {
        let mut doc = Document::new();
        doc.insert("pass\0word", 1);
        let error = write_document(&mut Vec::new(), &doc)
            .unwrap_err()
            .to_string();
        assert!(error.contains("NUL"), "{error}");
        assert!(!error.contains("word"), "{error}");
    }

    #[test]
    fn index_keys_have_as_many_digits_as_the_index() {
        for (index, digits) in [(0, 1), (9, 1), (10, 2), (99, 2), (100, 3), (123_456, 6)] {
            assert_eq!(index_digits(index), digits);
            assert_eq!(index.to_string().len(), digits);
        }
        let long: Vec<Bson> = (0..1_234).map(Bson::from).collect();
        let doc = doc! { "a": long };
        assert_eq!(
            ours(&doc),
            bson::RawDocumentBuf::try_from(&doc).unwrap().into_bytes()
        );
    }
}
