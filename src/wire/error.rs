//! The wire codec's error type.

use std::fmt;

/// Why a MongoDB wire message could not be encoded, decoded, read or written.
///
/// Every malformed, truncated or oversized frame maps to one of these variants; the codec never
/// panics on input bytes. Variants carry the numbers involved, never document contents.
///
/// ```
/// use mongo_auth::wire::{Frame, WireError, DEFAULT_MAX_MESSAGE_SIZE};
///
/// // An OP_MSG header that declares a 100-byte message, followed by only 4 bytes of body.
/// let mut bytes = Vec::new();
/// bytes.extend_from_slice(&100i32.to_le_bytes()); // messageLength
/// bytes.extend_from_slice(&[0; 8]); // requestID, responseTo
/// bytes.extend_from_slice(&2013i32.to_le_bytes()); // opCode
/// bytes.extend_from_slice(&[0; 4]);
/// let err = Frame::decode(&bytes, DEFAULT_MAX_MESSAGE_SIZE).unwrap_err();
/// assert!(matches!(err, WireError::LengthMismatch { declared: 100, actual: 20 }));
/// ```
#[non_exhaustive]
pub enum WireError {
    /// The underlying stream failed (other than closing early, which is [`WireError::ConnectionClosed`]).
    Io(std::io::Error),
    /// The peer closed the stream cleanly before the first byte of a message.
    ClosedBetweenMessages,
    /// The peer closed the stream in the middle of a message: `received` bytes of the `expected` ones
    /// of the header or body were read.
    ConnectionClosed {
        /// Bytes of the current header or body received before the stream ended.
        received: usize,
        /// Bytes that the header or body needed.
        expected: usize,
    },
    /// The header declares a message length larger than the configured maximum. Checked before
    /// anything is allocated.
    MessageTooLarge {
        /// The length the header declared.
        declared: i64,
        /// The configured maximum message size in bytes.
        max: usize,
    },
    /// The header declares a length (possibly negative) shorter than the smallest valid message of
    /// its kind.
    MessageTooShort {
        /// The length the header declared.
        declared: i32,
        /// The smallest length a message with this opcode can have.
        min: usize,
    },
    /// The buffer handed to [`Frame::decode`](crate::wire::Frame::decode) is not exactly as long as its
    /// header says.
    LengthMismatch {
        /// The length the header declared.
        declared: i32,
        /// The number of bytes given.
        actual: usize,
    },
    /// The header names an opcode this codec does not speak (only OP_MSG, OP_QUERY and OP_REPLY).
    UnknownOpCode(i32),
    /// An OP_MSG sets a required flag bit (one of the low 16) that this codec does not know.
    UnknownRequiredFlags(u32),
    /// An OP_MSG section has a kind other than 0 (body) or 1 (document sequence).
    UnknownSectionKind(u8),
    /// An OP_MSG has no kind-0 (body) section.
    MissingBody,
    /// An OP_MSG has more than one kind-0 (body) section.
    DuplicateBody,
    /// Two kind-1 sections of one OP_MSG share an identifier.
    DuplicateSequenceIdentifier(String),
    /// A field runs past the end of the message or of its section.
    Truncated {
        /// What was being read (for example `"OP_MSG section kind"`).
        field: &'static str,
    },
    /// A C string (collection name, sequence identifier) has no terminating NUL or is not UTF-8.
    InvalidCString {
        /// Which string.
        field: &'static str,
    },
    /// A BSON document in the message is malformed.
    InvalidBson {
        /// Which document (for example `"OP_MSG body"`).
        field: &'static str,
        /// What the BSON decoder reported.
        source: bson::error::Error,
    },
    /// A BSON document in the message nests documents and arrays deeper than
    /// [`MAX_DOCUMENT_DEPTH`](crate::wire::MAX_DOCUMENT_DEPTH). Checked on the raw bytes, without
    /// recursion, before the document is decoded.
    DocumentTooDeep {
        /// Which document.
        field: &'static str,
        /// The deepest nesting accepted.
        max_depth: usize,
    },
    /// A BSON document's lengths, terminators or element types do not fit together (found while
    /// walking its raw bytes, before it is decoded).
    MalformedDocument {
        /// Which document.
        field: &'static str,
        /// What does not fit.
        problem: &'static str,
    },
    /// Bytes remain after the last field of a message or section.
    TrailingBytes {
        /// Where the extra bytes are.
        field: &'static str,
        /// How many bytes are left over.
        count: usize,
    },
    /// An OP_REPLY declares a negative document count, or a count that does not match its documents.
    InvalidDocumentCount {
        /// The count the reply declared.
        declared: i32,
    },
    /// An OP_MSG carries a CRC-32C checksum that does not match its contents.
    ChecksumMismatch {
        /// The checksum computed over the received bytes.
        computed: u32,
        /// The checksum the message carried.
        received: u32,
    },
    /// An OP_REPLY carries no document, so there is no command reply to return.
    EmptyReply,
    /// A message could not be encoded: a document failed to serialize or the message exceeds the
    /// 2 GiB the header can express.
    Encode(String),
}

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io(e) => write!(f, "i/o error on the connection: {e}"),
            Self::ClosedBetweenMessages => {
                f.write_str("the peer closed the connection before sending a message")
            }
            Self::ConnectionClosed { received, expected } => write!(
                f,
                "the peer closed the connection mid-message ({received} of {expected} bytes received)"
            ),
            Self::MessageTooLarge { declared, max } => write!(
                f,
                "message of {declared} bytes exceeds the maximum message size of {max} bytes (raise \
                 the maximum only if the server's maxMessageSizeBytes allows it)"
            ),
            Self::MessageTooShort { declared, min } => write!(
                f,
                "message header declares {declared} bytes, less than the minimum of {min} for its opcode"
            ),
            Self::LengthMismatch { declared, actual } => write!(
                f,
                "message header declares {declared} bytes but {actual} bytes were given"
            ),
            Self::UnknownOpCode(op) => write!(
                f,
                "unknown opcode {op} (expected OP_MSG 2013, OP_QUERY 2004 or OP_REPLY 1)"
            ),
            Self::UnknownRequiredFlags(bits) => {
                write!(f, "OP_MSG sets unknown required flag bits {bits:#06x}")
            }
            Self::UnknownSectionKind(kind) => {
                write!(f, "OP_MSG section of unknown kind {kind} (expected 0 or 1)")
            }
            Self::MissingBody => f.write_str("OP_MSG has no body section (kind 0)"),
            Self::DuplicateBody => f.write_str("OP_MSG has more than one body section (kind 0)"),
            Self::DuplicateSequenceIdentifier(id) => {
                write!(f, "OP_MSG has two document sequences named {id:?}")
            }
            Self::Truncated { field } => write!(f, "message truncated while reading the {field}"),
            Self::InvalidCString { field } => {
                write!(f, "the {field} is not a NUL-terminated UTF-8 string")
            }
            Self::InvalidBson { field, source } => {
                write!(f, "the {field} is not a valid BSON document: {source}")
            }
            Self::DocumentTooDeep { field, max_depth } => write!(
                f,
                "the {field} nests documents or arrays more than {max_depth} levels deep, which no \
                 MongoDB server sends"
            ),
            Self::MalformedDocument { field, problem } => {
                write!(f, "the {field} is not a valid BSON document: {problem}")
            }
            Self::TrailingBytes { field, count } => {
                write!(f, "{count} unexpected bytes after the {field}")
            }
            Self::InvalidDocumentCount { declared } => write!(
                f,
                "OP_REPLY declares {declared} documents, which does not match its contents"
            ),
            Self::ChecksumMismatch { computed, received } => write!(
                f,
                "OP_MSG checksum mismatch: computed {computed:#010x}, message carries {received:#010x}"
            ),
            Self::EmptyReply => f.write_str("OP_REPLY carries no reply document"),
            Self::Encode(why) => write!(f, "cannot encode the message: {why}"),
        }
    }
}

impl std::error::Error for WireError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Io(e) => Some(e),
            Self::InvalidBson { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl From<std::io::Error> for WireError {
    fn from(e: std::io::Error) -> Self {
        Self::Io(e)
    }
}

debug_shows_display!(WireError);
