//! The MongoDB wire protocol, as far as authentication needs it: OP_MSG (opcode 2013) for every
//! server since 3.6, and OP_QUERY (2004) / OP_REPLY (1) for the older servers that MONGODB-CR reaches.
//!
//! The codec is sans-IO: [`Frame::encode`] turns a message into bytes and [`Frame::decode`] turns
//! one complete message back, checking every length against the buffer and a maximum message size
//! before anything is allocated. [`read_frame`] and [`write_frame`] move frames over any tokio
//! stream. Nothing here panics on hostile bytes: a truncated, oversized or malformed frame is a
//! [`WireError`].
//!
//! ```
//! use bson::doc;
//! use mongo_auth::wire::{Frame, Message, OpMsg, DEFAULT_MAX_MESSAGE_SIZE};
//!
//! // A command goes out as an OP_MSG with one body section...
//! let request = Frame::new(Message::Msg(OpMsg::new(doc! { "ping": 1, "$db": "admin" })));
//! let bytes = request.encode()?;
//!
//! // ...and comes back identical on the other side.
//! let decoded = Frame::decode(&bytes, DEFAULT_MAX_MESSAGE_SIZE)?;
//! assert_eq!(decoded, request);
//! assert_eq!(decoded.message.into_command_document()?, doc! { "ping": 1, "$db": "admin" });
//! # Ok::<(), mongo_auth::wire::WireError>(())
//! ```

mod crc32c;
mod decode;
mod encode;
mod error;
mod io;
mod limits;

use std::sync::atomic::{AtomicI32, Ordering};

use bson::Document;

use decode::{decode_msg, decode_query, decode_reply};
use encode::{document_len, write_document};
pub use error::WireError;
pub(crate) use io::read_frame_sized;
pub(crate) use io::write_frames;
pub use io::{read_frame, write_frame};
pub use limits::{MAX_DOCUMENT_DEPTH, MAX_HANDSHAKE_MESSAGE_SIZE};

/// Size of the standard message header (`messageLength`, `requestID`, `responseTo`, `opCode`).
pub const HEADER_LEN: usize = 16;

/// The default maximum message size, the `maxMessageSizeBytes` every MongoDB server reports.
pub const DEFAULT_MAX_MESSAGE_SIZE: usize = 48_000_000;

/// The opcodes this codec speaks.
///
/// ```
/// use mongo_auth::wire::OpCode;
/// assert_eq!(OpCode::from_i32(2013), Some(OpCode::Msg));
/// assert_eq!(OpCode::Query.as_i32(), 2004);
/// assert_eq!(OpCode::from_i32(2012), None); // OP_COMPRESSED is not spoken here
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OpCode {
    /// OP_REPLY (1): a reply to an OP_QUERY, sent by servers.
    Reply,
    /// OP_QUERY (2004): the legacy command message (`<db>.$cmd`), the only one servers before 3.6 know.
    Query,
    /// OP_MSG (2013): the command message of every server since 3.6.
    Msg,
}

impl OpCode {
    /// The opcode for a header value, if this codec speaks it.
    pub fn from_i32(value: i32) -> Option<Self> {
        match value {
            1 => Some(Self::Reply),
            2004 => Some(Self::Query),
            2013 => Some(Self::Msg),
            _ => None,
        }
    }

    /// The header value of this opcode.
    pub fn as_i32(self) -> i32 {
        match self {
            Self::Reply => 1,
            Self::Query => 2004,
            Self::Msg => 2013,
        }
    }

    /// The smallest valid message of this opcode, header included.
    fn min_length(self) -> usize {
        match self {
            // flags, kind byte, empty document
            Self::Msg => HEADER_LEN + 4 + 1 + 5,
            // flags, empty cstring, skip, return, empty document
            Self::Query => HEADER_LEN + 4 + 1 + 4 + 4 + 5,
            // responseFlags, cursorID, startingFrom, numberReturned
            Self::Reply => HEADER_LEN + 4 + 8 + 4 + 4,
        }
    }
}

/// A parsed standard message header.
///
/// ```
/// use mongo_auth::wire::{Header, OpCode, WireError, DEFAULT_MAX_MESSAGE_SIZE};
///
/// let mut bytes = [0u8; 16];
/// bytes[0..4].copy_from_slice(&64i32.to_le_bytes());
/// bytes[4..8].copy_from_slice(&7i32.to_le_bytes());
/// bytes[12..16].copy_from_slice(&2013i32.to_le_bytes());
/// let header = Header::parse(&bytes, DEFAULT_MAX_MESSAGE_SIZE)?;
/// assert_eq!((header.length, header.request_id, header.op_code), (64, 7, OpCode::Msg));
///
/// // Lengths are checked before anything is allocated.
/// bytes[0..4].copy_from_slice(&i32::MAX.to_le_bytes());
/// assert!(matches!(
///     Header::parse(&bytes, DEFAULT_MAX_MESSAGE_SIZE),
///     Err(WireError::MessageTooLarge { .. })
/// ));
/// # Ok::<(), WireError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// The whole message's length in bytes, header included.
    pub length: i32,
    /// The sender's identifier for this message.
    pub request_id: i32,
    /// For a reply, the `request_id` of the request it answers; 0 otherwise.
    pub response_to: i32,
    /// The message's opcode.
    pub op_code: OpCode,
}

impl Header {
    /// Parses a header and checks its length: at least the smallest message of its opcode, at most
    /// `max_message_size`. The opcode must be one this codec speaks.
    pub fn parse(bytes: &[u8; HEADER_LEN], max_message_size: usize) -> Result<Self, WireError> {
        let field =
            |i: usize| i32::from_le_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
        let length = field(0);
        let op = field(12);
        let op_code = OpCode::from_i32(op).ok_or(WireError::UnknownOpCode(op))?;
        if length < 0 || (length as usize) < op_code.min_length() {
            return Err(WireError::MessageTooShort {
                declared: length,
                min: op_code.min_length(),
            });
        }
        if length as usize > max_message_size {
            return Err(WireError::MessageTooLarge {
                declared: i64::from(length),
                max: max_message_size,
            });
        }
        Ok(Self {
            length,
            request_id: field(4),
            response_to: field(8),
            op_code,
        })
    }
}

/// The flag bits of an OP_MSG that this codec understands.
///
/// Decoding rejects any other bit among the low 16 ("required") and ignores unknown bits among the
/// high 16, as the OP_MSG specification says.
///
/// ```
/// use mongo_auth::wire::MsgFlags;
/// let flags = MsgFlags { checksum_present: true, ..MsgFlags::default() };
/// assert_eq!(flags.bits(), 1);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MsgFlags {
    /// Bit 0: a CRC-32C checksum follows the sections. [`Frame::encode`] computes it.
    pub checksum_present: bool,
    /// Bit 1: on a request, no reply is expected; on a reply, more replies follow.
    pub more_to_come: bool,
    /// Bit 16: the client accepts exhaust replies (only on `getMore` and `hello`).
    pub exhaust_allowed: bool,
}

impl MsgFlags {
    const CHECKSUM_PRESENT: u32 = 1;
    const MORE_TO_COME: u32 = 1 << 1;
    const EXHAUST_ALLOWED: u32 = 1 << 16;
    const REQUIRED_MASK: u32 = 0xFFFF;

    /// The flag word as sent on the wire.
    pub fn bits(self) -> u32 {
        let mut bits = 0;
        if self.checksum_present {
            bits |= Self::CHECKSUM_PRESENT;
        }
        if self.more_to_come {
            bits |= Self::MORE_TO_COME;
        }
        if self.exhaust_allowed {
            bits |= Self::EXHAUST_ALLOWED;
        }
        bits
    }

    /// Reads a flag word, rejecting unknown required bits.
    ///
    /// ```
    /// use mongo_auth::wire::{MsgFlags, WireError};
    /// assert!(MsgFlags::from_bits(1 << 20).is_ok()); // optional bit: ignored
    /// assert!(matches!(MsgFlags::from_bits(1 << 5), Err(WireError::UnknownRequiredFlags(32))));
    /// ```
    pub fn from_bits(bits: u32) -> Result<Self, WireError> {
        let unknown = bits & Self::REQUIRED_MASK & !(Self::CHECKSUM_PRESENT | Self::MORE_TO_COME);
        if unknown != 0 {
            return Err(WireError::UnknownRequiredFlags(unknown));
        }
        Ok(Self {
            checksum_present: bits & Self::CHECKSUM_PRESENT != 0,
            more_to_come: bits & Self::MORE_TO_COME != 0,
            exhaust_allowed: bits & Self::EXHAUST_ALLOWED != 0,
        })
    }
}

/// A kind-1 section of an OP_MSG: documents sent beside the body under an identifier (for example
/// `documents` of an `insert`).
///
/// ```
/// use bson::doc;
/// use mongo_auth::wire::{DocumentSequence, Frame, Message, OpMsg, DEFAULT_MAX_MESSAGE_SIZE};
/// let mut insert = OpMsg::new(doc! { "insert": "users", "$db": "shop" });
/// let documents = vec![doc! { "_id": 1 }, doc! { "_id": 2 }];
/// insert.sequences.push(DocumentSequence { identifier: "documents".to_owned(), documents });
/// let bytes = Frame::new(Message::Msg(insert.clone())).encode()?;
/// let decoded = Frame::decode(&bytes, DEFAULT_MAX_MESSAGE_SIZE)?.message;
/// let Message::Msg(decoded) = decoded else { unreachable!() };
/// assert_eq!(decoded.sequences, insert.sequences);
/// # Ok::<(), mongo_auth::wire::WireError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentSequence {
    /// The field of the command the documents belong to.
    pub identifier: String,
    /// The documents, in order.
    pub documents: Vec<Document>,
}

/// An OP_MSG: flags, one body document (the command, with `$db`) and optional document sequences.
///
/// ```
/// use bson::doc;
/// use mongo_auth::wire::OpMsg;
/// let msg = OpMsg::new(doc! { "hello": 1, "$db": "admin" });
/// assert!(msg.sequences.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct OpMsg {
    /// The flag bits.
    pub flags: MsgFlags,
    /// The kind-0 section: the command or reply document.
    pub body: Document,
    /// The kind-1 sections.
    pub sequences: Vec<DocumentSequence>,
}

impl OpMsg {
    /// A message with `body` as its only section and no flags set.
    pub fn new(body: Document) -> Self {
        Self {
            flags: MsgFlags::default(),
            body,
            sequences: Vec::new(),
        }
    }
}

/// An OP_QUERY, the legacy message: a command is a query on the `<db>.$cmd` collection.
///
/// ```
/// use bson::doc;
/// use mongo_auth::wire::OpQuery;
/// let query = OpQuery::command("admin", doc! { "isMaster": 1 });
/// assert_eq!(query.full_collection_name, "admin.$cmd");
/// assert_eq!(query.number_to_return, -1);
/// assert_eq!(query.database(), Some("admin"));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct OpQuery {
    /// Query flags (bit 2 is `secondaryOk`).
    pub flags: u32,
    /// `<db>.<collection>`; `<db>.$cmd` for commands.
    pub full_collection_name: String,
    /// Documents to skip.
    pub number_to_skip: i32,
    /// Documents to return; -1 for a command (one document, close the cursor).
    pub number_to_return: i32,
    /// The query, or for `$cmd` the command document.
    pub query: Document,
    /// An optional projection.
    pub return_fields_selector: Option<Document>,
}

impl OpQuery {
    /// A command sent the legacy way: `query` on `<db>.$cmd`, skip 0, return -1.
    pub fn command(db: &str, command: Document) -> Self {
        Self {
            flags: 0,
            full_collection_name: format!("{db}.$cmd"),
            number_to_skip: 0,
            number_to_return: -1,
            query: command,
            return_fields_selector: None,
        }
    }

    /// The database part of `full_collection_name`, if it has a `.`.
    pub fn database(&self) -> Option<&str> {
        self.full_collection_name.split_once('.').map(|(db, _)| db)
    }
}

/// An OP_REPLY, a server's answer to an OP_QUERY.
///
/// ```
/// use bson::doc;
/// use mongo_auth::wire::OpReply;
/// let reply = OpReply::command_reply(doc! { "ok": 1.0 });
/// assert_eq!(reply.documents.len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct OpReply {
    /// Response flags (bit 3 is `AwaitCapable`, set by every server since 1.6).
    pub response_flags: u32,
    /// The cursor id, 0 for a command reply.
    pub cursor_id: i64,
    /// The position of the first document in the cursor.
    pub starting_from: i32,
    /// The documents returned; a command reply has exactly one.
    pub documents: Vec<Document>,
}

impl OpReply {
    /// A command reply as a server sends it: `AwaitCapable`, no cursor, one document.
    pub fn command_reply(reply: Document) -> Self {
        Self {
            response_flags: 8,
            cursor_id: 0,
            starting_from: 0,
            documents: vec![reply],
        }
    }
}

/// One message of the opcodes this codec speaks.
///
/// ```
/// use bson::doc;
/// use mongo_auth::wire::{Message, OpCode, OpMsg, OpQuery};
/// // servers since 3.6 take OP_MSG; older ones only the legacy OP_QUERY on `<db>.$cmd`
/// let modern = Message::Msg(OpMsg::new(doc! { "hello": 1, "$db": "admin" }));
/// let legacy = Message::Query(OpQuery::command("admin", doc! { "isMaster": 1 }));
/// assert_eq!((modern.op_code(), legacy.op_code()), (OpCode::Msg, OpCode::Query));
/// assert_eq!(legacy.into_command_document()?, doc! { "isMaster": 1 });
/// # Ok::<(), mongo_auth::wire::WireError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Message {
    /// OP_MSG.
    Msg(OpMsg),
    /// OP_QUERY.
    Query(OpQuery),
    /// OP_REPLY.
    Reply(OpReply),
}

impl Message {
    /// The opcode this message is sent with.
    pub fn op_code(&self) -> OpCode {
        match self {
            Self::Msg(_) => OpCode::Msg,
            Self::Query(_) => OpCode::Query,
            Self::Reply(_) => OpCode::Reply,
        }
    }

    /// The command (or command reply) document: the OP_MSG body, the OP_QUERY query, or the first
    /// document of an OP_REPLY.
    ///
    /// ```
    /// use bson::doc;
    /// use mongo_auth::wire::{Message, OpReply, WireError};
    /// let reply = Message::Reply(OpReply::command_reply(doc! { "ok": 1.0 }));
    /// assert_eq!(reply.into_command_document()?, doc! { "ok": 1.0 });
    /// # Ok::<(), WireError>(())
    /// ```
    pub fn into_command_document(self) -> Result<Document, WireError> {
        match self {
            Self::Msg(msg) => Ok(msg.body),
            Self::Query(query) => Ok(query.query),
            Self::Reply(reply) => reply
                .documents
                .into_iter()
                .next()
                .ok_or(WireError::EmptyReply),
        }
    }
}

/// A whole wire message: the header's identifiers and the message.
///
/// The header's length and opcode are derived from the message when encoding.
///
/// ```
/// use bson::doc;
/// use mongo_auth::wire::{Frame, Message, OpMsg, WireError, DEFAULT_MAX_MESSAGE_SIZE};
/// let request = Frame::new(Message::Msg(OpMsg::new(doc! { "ping": 1, "$db": "admin" })));
/// // the server's answer, as bytes off the wire
/// let ok = Message::Msg(OpMsg::new(doc! { "ok": 1.0 }));
/// let bytes = Frame::reply_to(request.request_id, ok).encode()?;
/// let reply = Frame::decode(&bytes, DEFAULT_MAX_MESSAGE_SIZE)?;
/// assert_eq!(reply.response_to, request.request_id);
/// assert_eq!(reply.message.into_command_document()?, doc! { "ok": 1.0 });
/// // a frame cut short is an error, never a panic
/// let cut = Frame::decode(&bytes[..bytes.len() - 1], DEFAULT_MAX_MESSAGE_SIZE);
/// assert!(matches!(cut, Err(WireError::LengthMismatch { .. })));
/// # Ok::<(), WireError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    /// The sender's identifier for this message.
    pub request_id: i32,
    /// For a reply, the request it answers; 0 for a request.
    pub response_to: i32,
    /// The message.
    pub message: Message,
}

impl Frame {
    /// A request with a fresh request id from [`next_request_id`].
    ///
    /// ```
    /// use bson::doc;
    /// use mongo_auth::wire::{Frame, Message, OpQuery};
    /// let frame = Frame::new(Message::Query(OpQuery::command("admin", doc! { "isMaster": 1 })));
    /// assert!(frame.request_id > 0);
    /// assert_eq!(frame.response_to, 0);
    /// ```
    pub fn new(message: Message) -> Self {
        Self {
            request_id: next_request_id(),
            response_to: 0,
            message,
        }
    }

    /// A reply to the request whose id is `response_to`, with a fresh request id.
    ///
    /// ```
    /// use bson::doc;
    /// use mongo_auth::wire::{Frame, Message, OpMsg};
    /// let reply = Frame::reply_to(42, Message::Msg(OpMsg::new(doc! { "ok": 1.0 })));
    /// assert_eq!(reply.response_to, 42);
    /// ```
    pub fn reply_to(response_to: i32, message: Message) -> Self {
        Self {
            request_id: next_request_id(),
            response_to,
            message,
        }
    }

    /// Encodes the whole message, header included. With `checksum_present` set on an OP_MSG, the
    /// CRC-32C is computed and appended.
    pub fn encode(&self) -> Result<Vec<u8>, WireError> {
        // Sized before the first byte is written: the buffer never moves, so no copy of a secret
        // the message carries is left behind in freed memory.
        let mut out = Vec::with_capacity(self.encoded_len());
        self.encode_into(&mut out)?;
        Ok(out)
    }

    /// Appends the encoded message to `out`, which has room for it ([`Frame::encoded_len`]
    /// bytes) when no copy of a secret may be left behind.
    pub(crate) fn encode_into(&self, out: &mut Vec<u8>) -> Result<(), WireError> {
        let start = out.len();
        out.extend_from_slice(&[0; 4]); // length, patched below
        out.extend_from_slice(&self.request_id.to_le_bytes());
        out.extend_from_slice(&self.response_to.to_le_bytes());
        out.extend_from_slice(&self.message.op_code().as_i32().to_le_bytes());
        let mut checksum = false;
        match &self.message {
            Message::Msg(msg) => {
                checksum = msg.flags.checksum_present;
                out.extend_from_slice(&msg.flags.bits().to_le_bytes());
                out.push(0);
                write_document(out, &msg.body)?;
                for sequence in &msg.sequences {
                    if sequence.identifier.contains('\0') {
                        return Err(WireError::Encode(
                            "a document sequence identifier contains a NUL byte".into(),
                        ));
                    }
                    out.push(1);
                    let section = out.len();
                    out.extend_from_slice(&[0; 4]);
                    out.extend_from_slice(sequence.identifier.as_bytes());
                    out.push(0);
                    for doc in &sequence.documents {
                        write_document(out, doc)?;
                    }
                    let size = length_i32(out.len() - section)?;
                    out[section..section + 4].copy_from_slice(&size.to_le_bytes());
                }
            }
            Message::Query(query) => {
                if query.full_collection_name.contains('\0') {
                    return Err(WireError::Encode(
                        "the collection name contains a NUL byte".into(),
                    ));
                }
                out.extend_from_slice(&query.flags.to_le_bytes());
                out.extend_from_slice(query.full_collection_name.as_bytes());
                out.push(0);
                out.extend_from_slice(&query.number_to_skip.to_le_bytes());
                out.extend_from_slice(&query.number_to_return.to_le_bytes());
                write_document(out, &query.query)?;
                if let Some(selector) = &query.return_fields_selector {
                    write_document(out, selector)?;
                }
            }
            Message::Reply(reply) => {
                out.extend_from_slice(&reply.response_flags.to_le_bytes());
                out.extend_from_slice(&reply.cursor_id.to_le_bytes());
                out.extend_from_slice(&reply.starting_from.to_le_bytes());
                let count = length_i32(reply.documents.len())?;
                out.extend_from_slice(&count.to_le_bytes());
                for doc in &reply.documents {
                    write_document(out, doc)?;
                }
            }
        }
        let total = length_i32(out.len() - start + if checksum { 4 } else { 0 })?;
        out[start..start + 4].copy_from_slice(&total.to_le_bytes());
        if checksum {
            let crc = crc32c::crc32c(&out[start..]);
            out.extend_from_slice(&crc.to_le_bytes());
        }
        debug_assert_eq!(
            out.len() - start,
            self.encoded_len(),
            "Frame::encoded_len is exact"
        );
        Ok(())
    }

    /// The length of the encoded message, header included.
    pub(crate) fn encoded_len(&self) -> usize {
        HEADER_LEN
            + match &self.message {
                Message::Msg(msg) => {
                    4 + 1
                        + document_len(&msg.body)
                        + msg
                            .sequences
                            .iter()
                            .map(|sequence| {
                                1 + 4
                                    + sequence.identifier.len()
                                    + 1
                                    + sequence.documents.iter().map(document_len).sum::<usize>()
                            })
                            .sum::<usize>()
                        + if msg.flags.checksum_present { 4 } else { 0 }
                }
                Message::Query(query) => {
                    4 + query.full_collection_name.len()
                        + 1
                        + 8
                        + document_len(&query.query)
                        + query
                            .return_fields_selector
                            .as_ref()
                            .map_or(0, document_len)
                }
                Message::Reply(reply) => {
                    20 + reply.documents.iter().map(document_len).sum::<usize>()
                }
            }
    }

    /// Decodes exactly one whole message (header included) from `bytes`.
    ///
    /// The header's length must equal `bytes.len()` and be at most `max_message_size`; every field,
    /// section and document must fit, nothing may follow the last field, and an OP_MSG checksum, if
    /// present, must match.
    ///
    /// ```
    /// use mongo_auth::wire::{Frame, WireError, DEFAULT_MAX_MESSAGE_SIZE};
    /// // Arbitrary bytes give an error, never a panic.
    /// assert!(Frame::decode(b"\xff\xff\xff\xff garbage", DEFAULT_MAX_MESSAGE_SIZE).is_err());
    /// ```
    pub fn decode(bytes: &[u8], max_message_size: usize) -> Result<Self, WireError> {
        let header_bytes: &[u8; HEADER_LEN] = bytes
            .get(..HEADER_LEN)
            .and_then(|h| h.try_into().ok())
            .ok_or(WireError::Truncated {
                field: "message header",
            })?;
        let header = Header::parse(header_bytes, max_message_size)?;
        if header.length as usize != bytes.len() {
            return Err(WireError::LengthMismatch {
                declared: header.length,
                actual: bytes.len(),
            });
        }
        let message = match header.op_code {
            OpCode::Msg => Message::Msg(decode_msg(bytes)?),
            OpCode::Query => Message::Query(decode_query(&bytes[HEADER_LEN..])?),
            OpCode::Reply => Message::Reply(decode_reply(&bytes[HEADER_LEN..])?),
        };
        Ok(Self {
            request_id: header.request_id,
            response_to: header.response_to,
            message,
        })
    }
}

/// A process-wide, increasing request id (positive, wrapping back to 1 after `i32::MAX`).
///
/// ```
/// use mongo_auth::wire::next_request_id;
/// let a = next_request_id();
/// let b = next_request_id();
/// assert!(a > 0 && b > 0 && a != b);
/// ```
pub fn next_request_id() -> i32 {
    static NEXT: AtomicI32 = AtomicI32::new(1);
    loop {
        let id = NEXT.fetch_add(1, Ordering::Relaxed);
        if id > 0 {
            return id;
        }
        // Wrapped past i32::MAX: restart at 1 (only one thread's reset wins, others retry).
        let _ = NEXT.compare_exchange(id.wrapping_add(1), 1, Ordering::Relaxed, Ordering::Relaxed);
    }
}

fn length_i32(len: usize) -> Result<i32, WireError> {
    i32::try_from(len)
        .map_err(|_| WireError::Encode(format!("{len} bytes do not fit a wire length")))
}

/// Appends `doc`'s BSON to `out`. The serializer's own buffer is zeroed before it is freed, as
/// [`write_frame`](crate::wire::write_frame) zeroes the frame's.
#[cfg(test)]
mod tests;
