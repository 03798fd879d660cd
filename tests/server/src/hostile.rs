//! Raw BSON a hostile server sends and no BSON encoder writes (encoders recurse once per level).

/// `{a: {a: … {} …}}` nested `depth` levels deep (the top-level document counts), built without
/// recursion: 100,000 levels are 800 KB.
///
/// ```
/// let bytes = mongo_auth_test_server::hostile::nested_document(3);
/// assert_eq!(bytes.len(), 5 + 8 + 8);
/// assert!(bson::RawDocument::from_bytes(&bytes).is_ok());
/// ```
pub fn nested_document(depth: usize) -> Vec<u8> {
    let depth = depth.max(1);
    // Level j from the innermost (j = 0, the empty document) is 5 + 8j bytes long: its length,
    // type 0x03, key "a", the child, NUL. Written outside in, in one pass.
    let mut out = Vec::with_capacity(5 + 8 * (depth - 1));
    for j in (1..depth).rev() {
        let len = i32::try_from(5 + 8 * j).expect("under 2 GiB");
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(b"\x03a\0");
    }
    out.extend_from_slice(&[5, 0, 0, 0, 0]);
    out.resize(out.len() + depth - 1, 0);
    out
}

/// `document`'s BSON with one more field, `key`, whose value is the raw document `value`.
///
/// ```
/// use mongo_auth_test_server::hostile::{nested_document, with_raw_field};
/// let bytes = with_raw_field(&bson::doc! { "ok": 1 }, "deep", &nested_document(2));
/// let raw = bson::RawDocument::from_bytes(&bytes).unwrap();
/// assert!(raw.get_document("deep").is_ok());
/// ```
pub fn with_raw_field(document: &bson::Document, key: &str, value: &[u8]) -> Vec<u8> {
    let mut bytes = bson::RawDocumentBuf::try_from(document)
        .expect("a document without NUL in its keys")
        .into_bytes();
    bytes.pop(); // the terminating NUL
    bytes.push(0x03);
    bytes.extend_from_slice(key.as_bytes());
    bytes.push(0);
    bytes.extend_from_slice(value);
    bytes.push(0);
    let len = i32::try_from(bytes.len()).expect("under 2 GiB");
    bytes[0..4].copy_from_slice(&len.to_le_bytes());
    bytes
}
