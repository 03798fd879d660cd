//! Reading a message body: a bounds-checked cursor, and the OP_MSG, OP_QUERY and OP_REPLY layouts.
//! Every length is checked against what is left before it is used.

use bson::Document;
use bson::raw::RawDocument;

use super::{
    DocumentSequence, HEADER_LEN, MAX_DOCUMENT_DEPTH, MsgFlags, OpMsg, OpQuery, OpReply, WireError,
    crc32c, limits,
};

/// A bounds-checked cursor over a message body.
struct Cursor<'a> {
    bytes: &'a [u8],
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize, field: &'static str) -> Result<&'a [u8], WireError> {
        if n > self.bytes.len() {
            return Err(WireError::Truncated { field });
        }
        let (head, tail) = self.bytes.split_at(n);
        self.bytes = tail;
        Ok(head)
    }

    fn u8(&mut self, field: &'static str) -> Result<u8, WireError> {
        Ok(self.take(1, field)?[0])
    }

    fn i32(&mut self, field: &'static str) -> Result<i32, WireError> {
        let b = self.take(4, field)?;
        Ok(i32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn u32(&mut self, field: &'static str) -> Result<u32, WireError> {
        Ok(self.i32(field)? as u32)
    }

    fn i64(&mut self, field: &'static str) -> Result<i64, WireError> {
        let b = self.take(8, field)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(i64::from_le_bytes(a))
    }

    fn cstring(&mut self, field: &'static str) -> Result<String, WireError> {
        let nul = self
            .bytes
            .iter()
            .position(|&b| b == 0)
            .ok_or(WireError::InvalidCString { field })?;
        let raw = self.take(nul + 1, field)?;
        std::str::from_utf8(&raw[..nul])
            .map(str::to_owned)
            .map_err(|_| WireError::InvalidCString { field })
    }

    fn document(&mut self, field: &'static str) -> Result<Document, WireError> {
        let declared = {
            let b = self.bytes.get(..4).ok_or(WireError::Truncated { field })?;
            i32::from_le_bytes([b[0], b[1], b[2], b[3]])
        };
        // A declared length below the BSON minimum is handed to the BSON decoder as the 4 length
        // bytes alone, so that its own error describes it.
        let len = if declared < 5 { 4 } else { declared as usize };
        let raw = self.take(len, field)?;
        // Walked without recursion (and its nesting capped) before the decoder, which recurses,
        // sees it.
        if declared >= 5 {
            limits::check_document(raw, MAX_DOCUMENT_DEPTH).map_err(|problem| match problem {
                limits::Problem::TooDeep => WireError::DocumentTooDeep {
                    field,
                    max_depth: MAX_DOCUMENT_DEPTH,
                },
                limits::Problem::Malformed(problem) => {
                    WireError::MalformedDocument { field, problem }
                }
            })?;
        }
        let raw = RawDocument::from_bytes(raw)
            .map_err(|source| WireError::InvalidBson { field, source })?;
        Document::try_from(raw).map_err(|source| WireError::InvalidBson { field, source })
    }

    fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    fn finish(&self, field: &'static str) -> Result<(), WireError> {
        if self.bytes.is_empty() {
            Ok(())
        } else {
            Err(WireError::TrailingBytes {
                field,
                count: self.bytes.len(),
            })
        }
    }
}

/// Decodes an OP_MSG from the whole message (header included, for the checksum).
pub(super) fn decode_msg(message: &[u8]) -> Result<OpMsg, WireError> {
    let mut cursor = Cursor {
        bytes: &message[HEADER_LEN..],
    };
    let flags = MsgFlags::from_bits(cursor.u32("OP_MSG flags")?)?;
    if flags.checksum_present {
        let split = message
            .len()
            .checked_sub(4)
            .filter(|&s| s >= HEADER_LEN + 4)
            .ok_or(WireError::Truncated {
                field: "OP_MSG checksum",
            })?;
        let (covered, crc) = message.split_at(split);
        let received = u32::from_le_bytes([crc[0], crc[1], crc[2], crc[3]]);
        let computed = crc32c::crc32c(covered);
        if computed != received {
            return Err(WireError::ChecksumMismatch { computed, received });
        }
        cursor.bytes = &covered[HEADER_LEN + 4..];
    }
    let mut body = None;
    let mut sequences: Vec<DocumentSequence> = Vec::new();
    while !cursor.is_empty() {
        match cursor.u8("OP_MSG section kind")? {
            0 => {
                let doc = cursor.document("OP_MSG body")?;
                if body.replace(doc).is_some() {
                    return Err(WireError::DuplicateBody);
                }
            }
            1 => {
                let size = cursor.i32("OP_MSG document sequence size")?;
                let len = usize::try_from(size)
                    .ok()
                    .and_then(|s| s.checked_sub(4))
                    .ok_or(WireError::Truncated {
                        field: "OP_MSG document sequence",
                    })?;
                let mut section = Cursor {
                    bytes: cursor.take(len, "OP_MSG document sequence")?,
                };
                let identifier = section.cstring("OP_MSG document sequence identifier")?;
                if sequences.iter().any(|s| s.identifier == identifier) {
                    // The identifier is the peer's text: kept short in the error.
                    let shown = identifier.chars().take(64).collect();
                    return Err(WireError::DuplicateSequenceIdentifier(shown));
                }
                let mut documents = Vec::new();
                while !section.is_empty() {
                    documents.push(section.document("OP_MSG document sequence")?);
                }
                sequences.push(DocumentSequence {
                    identifier,
                    documents,
                });
            }
            kind => return Err(WireError::UnknownSectionKind(kind)),
        }
    }
    Ok(OpMsg {
        flags,
        body: body.ok_or(WireError::MissingBody)?,
        sequences,
    })
}

pub(super) fn decode_query(body: &[u8]) -> Result<OpQuery, WireError> {
    let mut cursor = Cursor { bytes: body };
    let flags = cursor.u32("OP_QUERY flags")?;
    let full_collection_name = cursor.cstring("OP_QUERY collection name")?;
    let number_to_skip = cursor.i32("OP_QUERY numberToSkip")?;
    let number_to_return = cursor.i32("OP_QUERY numberToReturn")?;
    let query = cursor.document("OP_QUERY query")?;
    let return_fields_selector = if cursor.is_empty() {
        None
    } else {
        Some(cursor.document("OP_QUERY returnFieldsSelector")?)
    };
    cursor.finish("OP_QUERY")?;
    Ok(OpQuery {
        flags,
        full_collection_name,
        number_to_skip,
        number_to_return,
        query,
        return_fields_selector,
    })
}

pub(super) fn decode_reply(body: &[u8]) -> Result<OpReply, WireError> {
    let mut cursor = Cursor { bytes: body };
    let response_flags = cursor.u32("OP_REPLY responseFlags")?;
    let cursor_id = cursor.i64("OP_REPLY cursorID")?;
    let starting_from = cursor.i32("OP_REPLY startingFrom")?;
    let declared = cursor.i32("OP_REPLY numberReturned")?;
    let count =
        usize::try_from(declared).map_err(|_| WireError::InvalidDocumentCount { declared })?;
    // No preallocation from the declared count: each document is at least 5 bytes, so the loop is
    // bounded by the message size.
    let mut documents = Vec::new();
    while !cursor.is_empty() {
        if documents.len() == count {
            return Err(WireError::InvalidDocumentCount { declared });
        }
        documents.push(cursor.document("OP_REPLY document")?);
    }
    if documents.len() != count {
        return Err(WireError::InvalidDocumentCount { declared });
    }
    Ok(OpReply {
        response_flags,
        cursor_id,
        starting_from,
        documents,
    })
}
