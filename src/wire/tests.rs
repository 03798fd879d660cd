use bson::{Binary, doc, spec::BinarySubtype};
use proptest::prelude::*;

use super::*;
use mongo_auth_test_server::hostile::nested_document as nested;

const MAX: usize = DEFAULT_MAX_MESSAGE_SIZE;

fn msg(body: Document) -> Frame {
    Frame {
        request_id: 7,
        response_to: 0,
        message: Message::Msg(OpMsg::new(body)),
    }
}

fn set_len(bytes: &mut [u8]) {
    let len = bytes.len() as i32;
    bytes[0..4].copy_from_slice(&len.to_le_bytes());
}

/// An OP_MSG assembled by hand: header, flags, then the given raw sections.
fn raw_msg(flags: u32, sections: &[u8]) -> Vec<u8> {
    let mut out = vec![0u8; 16];
    out[4..8].copy_from_slice(&1i32.to_le_bytes());
    out[12..16].copy_from_slice(&2013i32.to_le_bytes());
    out.extend_from_slice(&flags.to_le_bytes());
    out.extend_from_slice(sections);
    set_len(&mut out);
    out
}

fn body_section(doc: &Document) -> Vec<u8> {
    let mut out = vec![0u8];
    doc.to_writer(&mut out).unwrap();
    out
}

#[test]
fn op_msg_layout_matches_the_specification() {
    let frame = msg(doc! { "ping": 1, "$db": "admin" });
    let bytes = frame.encode().unwrap();
    let body = doc! { "ping": 1, "$db": "admin" }.to_vec().unwrap();
    assert_eq!(bytes.len(), 16 + 4 + 1 + body.len());
    assert_eq!(&bytes[0..4], &(bytes.len() as i32).to_le_bytes());
    assert_eq!(&bytes[4..8], &7i32.to_le_bytes());
    assert_eq!(&bytes[8..12], &0i32.to_le_bytes());
    assert_eq!(&bytes[12..16], &2013i32.to_le_bytes());
    assert_eq!(&bytes[16..20], &0u32.to_le_bytes());
    assert_eq!(bytes[20], 0);
    assert_eq!(&bytes[21..], &body[..]);
}

#[test]
fn op_msg_with_sequences_and_checksum_round_trips() {
    let frame = Frame {
        request_id: 11,
        response_to: 3,
        message: Message::Msg(OpMsg {
            flags: MsgFlags {
                checksum_present: true,
                more_to_come: false,
                exhaust_allowed: true,
            },
            body: doc! { "insert": "c", "$db": "test" },
            sequences: vec![
                DocumentSequence {
                    identifier: "documents".into(),
                    documents: vec![doc! { "a": 1 }, doc! { "b": "x" }],
                },
                DocumentSequence {
                    identifier: "empty".into(),
                    documents: vec![],
                },
            ],
        }),
    };
    let bytes = frame.encode().unwrap();
    assert_eq!(&bytes[16..20], &((1u32 << 16) | 1).to_le_bytes());
    assert_eq!(Frame::decode(&bytes, MAX).unwrap(), frame);

    // Any flipped bit in the covered bytes breaks the checksum.
    let mut corrupted = bytes.clone();
    let last_doc_byte = corrupted.len() - 8;
    corrupted[last_doc_byte] ^= 0x01;
    assert!(matches!(
        Frame::decode(&corrupted, MAX),
        Err(WireError::ChecksumMismatch { .. })
    ));
}

#[test]
fn op_query_and_op_reply_round_trip() {
    let mut query = OpQuery::command("admin", doc! { "isMaster": 1 });
    query.return_fields_selector = Some(doc! { "x": 1 });
    let frame = Frame::new(Message::Query(query));
    let bytes = frame.encode().unwrap();
    assert_eq!(Frame::decode(&bytes, MAX).unwrap(), frame);

    let reply = Frame::reply_to(
        frame.request_id,
        Message::Reply(OpReply {
            response_flags: 8,
            cursor_id: 0,
            starting_from: 0,
            documents: vec![
                doc! { "ok": 1.0, "payload": Binary { subtype: BinarySubtype::Generic, bytes: vec![1, 2, 3] } },
                doc! {},
            ],
        }),
    );
    let bytes = reply.encode().unwrap();
    assert_eq!(Frame::decode(&bytes, MAX).unwrap(), reply);
}

#[test]
fn op_query_layout_matches_the_specification() {
    let frame = Frame {
        request_id: 5,
        response_to: 0,
        message: Message::Query(OpQuery::command("admin", doc! { "getnonce": 1 })),
    };
    let bytes = frame.encode().unwrap();
    assert_eq!(&bytes[12..16], &2004i32.to_le_bytes());
    assert_eq!(&bytes[16..20], &0u32.to_le_bytes());
    assert_eq!(&bytes[20..31], b"admin.$cmd\0");
    assert_eq!(&bytes[31..35], &0i32.to_le_bytes());
    assert_eq!(&bytes[35..39], &(-1i32).to_le_bytes());
}

#[test]
fn header_lengths_are_checked_before_allocation() {
    let bytes = msg(doc! { "ping": 1 }).encode().unwrap();
    let header: [u8; 16] = bytes[..16].try_into().unwrap();

    let mut big = header;
    big[0..4].copy_from_slice(&(MAX as i32 + 1).to_le_bytes());
    assert!(matches!(
        Header::parse(&big, MAX),
        Err(WireError::MessageTooLarge { declared, max }) if declared == MAX as i64 + 1 && max == MAX
    ));
    // A configurable maximum.
    assert!(matches!(
        Header::parse(&header, 20),
        Err(WireError::MessageTooLarge { .. })
    ));

    let mut negative = header;
    negative[0..4].copy_from_slice(&(-5i32).to_le_bytes());
    assert!(matches!(
        Header::parse(&negative, MAX),
        Err(WireError::MessageTooShort { declared: -5, .. })
    ));

    let mut short = header;
    short[0..4].copy_from_slice(&16i32.to_le_bytes());
    assert!(matches!(
        Header::parse(&short, MAX),
        Err(WireError::MessageTooShort { declared: 16, .. })
    ));

    let mut unknown = header;
    unknown[12..16].copy_from_slice(&2012i32.to_le_bytes());
    assert!(matches!(
        Header::parse(&unknown, MAX),
        Err(WireError::UnknownOpCode(2012))
    ));
}

#[test]
fn malformed_op_msgs_are_typed_errors() {
    let body = doc! { "ping": 1 };
    let good = body_section(&body);

    assert!(matches!(
        Frame::decode(&raw_msg(1 << 3, &good), MAX),
        Err(WireError::UnknownRequiredFlags(8))
    ));
    // An unknown optional bit is ignored.
    assert!(Frame::decode(&raw_msg(1 << 24, &good), MAX).is_ok());

    let mut two = good.clone();
    two.extend_from_slice(&good);
    assert!(matches!(
        Frame::decode(&raw_msg(0, &two), MAX),
        Err(WireError::DuplicateBody)
    ));

    let mut with_unknown_kind = good.clone();
    with_unknown_kind.push(2);
    assert!(matches!(
        Frame::decode(&raw_msg(0, &with_unknown_kind), MAX),
        Err(WireError::UnknownSectionKind(2))
    ));

    // A kind-1 section only.
    let mut seq = vec![1u8];
    seq.extend_from_slice(&(4 + 2 + 5i32).to_le_bytes());
    seq.extend_from_slice(b"d\0");
    seq.extend_from_slice(&[5, 0, 0, 0, 0]);
    assert!(matches!(
        Frame::decode(&raw_msg(0, &seq), MAX),
        Err(WireError::MissingBody)
    ));
    let mut dup = good.clone();
    dup.extend_from_slice(&seq);
    dup.extend_from_slice(&seq);
    assert!(matches!(
        Frame::decode(&raw_msg(0, &dup), MAX),
        Err(WireError::DuplicateSequenceIdentifier(id)) if id == "d"
    ));

    // A sequence whose size runs past the message.
    let mut overlong = good.clone();
    overlong.push(1);
    overlong.extend_from_slice(&1000i32.to_le_bytes());
    overlong.extend_from_slice(b"d\0");
    assert!(matches!(
        Frame::decode(&raw_msg(0, &overlong), MAX),
        Err(WireError::Truncated { .. })
    ));
    // A sequence size below its own 4 bytes.
    let mut tiny = good.clone();
    tiny.push(1);
    tiny.extend_from_slice(&2i32.to_le_bytes());
    assert!(matches!(
        Frame::decode(&raw_msg(0, &tiny), MAX),
        Err(WireError::Truncated { .. })
    ));

    // Bad BSON: a document whose declared length is too large, too small, or whose contents lie.
    let mut bad = vec![0u8];
    bad.extend_from_slice(&(200i32).to_le_bytes());
    bad.extend_from_slice(&[0; 10]);
    assert!(matches!(
        Frame::decode(&raw_msg(0, &bad), MAX),
        Err(WireError::Truncated {
            field: "OP_MSG body"
        })
    ));
    let mut bad = vec![0u8];
    bad.extend_from_slice(&(2i32).to_le_bytes());
    bad.extend_from_slice(&[0; 4]);
    assert!(matches!(
        Frame::decode(&raw_msg(0, &bad), MAX),
        Err(WireError::InvalidBson { .. })
    ));
    let mut bad = vec![0u8];
    // length 12: type 0x02 (string), key "a", string length 100 — runs past the document.
    bad.extend_from_slice(&[12, 0, 0, 0, 0x02, b'a', 0, 100, 0, 0, 0, 0]);
    assert!(matches!(
        Frame::decode(&raw_msg(0, &bad), MAX),
        Err(WireError::MalformedDocument {
            field: "OP_MSG body",
            ..
        })
    ));

    // A checksum flag with nothing to check.
    let mut short = raw_msg(1, &[]);
    short.truncate(20);
    set_len(&mut short);
    assert!(Frame::decode(&short, MAX).is_err());
}

#[test]
fn documents_nested_too_deep_are_refused_before_decoding() {
    // 100 levels (mongod's limit) decode; 101 do not; 100,000 (800 KB, enough to overflow the
    // stack of a recursive decoder) are refused the same way, in every place a document sits.
    let mut ok = vec![0u8];
    ok.extend_from_slice(&nested(MAX_DOCUMENT_DEPTH));
    assert!(Frame::decode(&raw_msg(0, &ok), MAX).is_ok());
    for depth in [MAX_DOCUMENT_DEPTH + 1, 100_000] {
        let deep = nested(depth);
        let mut body = vec![0u8];
        body.extend_from_slice(&deep);
        let mut sequence = vec![0u8];
        sequence.extend_from_slice(&5i32.to_le_bytes());
        sequence.push(0);
        sequence.push(1);
        sequence.extend_from_slice(&((4 + 2 + deep.len()) as i32).to_le_bytes());
        sequence.extend_from_slice(b"d\0");
        sequence.extend_from_slice(&deep);
        let mut reply = Vec::new();
        reply.extend_from_slice(&0u32.to_le_bytes());
        reply.extend_from_slice(&0i64.to_le_bytes());
        reply.extend_from_slice(&0i32.to_le_bytes());
        reply.extend_from_slice(&1i32.to_le_bytes());
        reply.extend_from_slice(&deep);
        let mut reply_frame = vec![0u8; 16];
        reply_frame[12..16].copy_from_slice(&1i32.to_le_bytes());
        reply_frame.extend_from_slice(&reply);
        set_len(&mut reply_frame);
        for (frame, field) in [
            (raw_msg(0, &body), "OP_MSG body"),
            (raw_msg(0, &sequence), "OP_MSG document sequence"),
            (reply_frame, "OP_REPLY document"),
        ] {
            match Frame::decode(&frame, MAX) {
                Err(WireError::DocumentTooDeep {
                    field: f,
                    max_depth: MAX_DOCUMENT_DEPTH,
                }) => assert_eq!(f, field),
                other => panic!("{field} at depth {depth}: {other:?}"),
            }
        }
    }
}

#[test]
fn length_mismatch_and_trailing_bytes_are_errors() {
    let mut bytes = msg(doc! { "ping": 1 }).encode().unwrap();
    bytes.push(0);
    assert!(matches!(
        Frame::decode(&bytes, MAX),
        Err(WireError::LengthMismatch { .. })
    ));
    // Extra bytes inside the declared length: an OP_MSG reads them as a section kind...
    set_len(&mut bytes);
    assert!(matches!(
        Frame::decode(&bytes, MAX),
        Err(WireError::Truncated { .. })
    ));
    // ...an OP_QUERY as a second document that does not fit...
    let mut query = Frame::new(Message::Query(OpQuery::command("a", doc! {})))
        .encode()
        .unwrap();
    query.extend_from_slice(&[1, 2, 3]);
    set_len(&mut query);
    assert!(Frame::decode(&query, MAX).is_err());
    // ...and an OP_REPLY as an undeclared document.
    let mut reply = Frame::reply_to(1, Message::Reply(OpReply::command_reply(doc! {})))
        .encode()
        .unwrap();
    reply.extend_from_slice(&[5, 0, 0, 0, 0]);
    set_len(&mut reply);
    assert!(matches!(
        Frame::decode(&reply, MAX),
        Err(WireError::InvalidDocumentCount { declared: 1 })
    ));
    // An OP_QUERY with a selector and then more bytes.
    let mut query = OpQuery::command("a", doc! {});
    query.return_fields_selector = Some(doc! {});
    let mut bytes = Frame::new(Message::Query(query)).encode().unwrap();
    bytes.extend_from_slice(&[5, 0, 0, 0, 0]);
    set_len(&mut bytes);
    assert!(matches!(
        Frame::decode(&bytes, MAX),
        Err(WireError::TrailingBytes { count: 5, .. })
    ));
}

#[test]
fn op_reply_counts_are_checked() {
    let mut bytes = Frame::reply_to(1, Message::Reply(OpReply::command_reply(doc! {})))
        .encode()
        .unwrap();
    bytes[32..36].copy_from_slice(&(-1i32).to_le_bytes());
    assert!(matches!(
        Frame::decode(&bytes, MAX),
        Err(WireError::InvalidDocumentCount { declared: -1 })
    ));
    bytes[32..36].copy_from_slice(&i32::MAX.to_le_bytes());
    assert!(matches!(
        Frame::decode(&bytes, MAX),
        Err(WireError::InvalidDocumentCount { .. })
    ));
    let empty = Message::Reply(OpReply {
        response_flags: 0,
        cursor_id: 0,
        starting_from: 0,
        documents: vec![],
    });
    assert!(matches!(
        empty.into_command_document(),
        Err(WireError::EmptyReply)
    ));
}

#[test]
fn c_strings_must_be_terminated_utf8() {
    let mut bytes = Frame::new(Message::Query(OpQuery::command("admin", doc! {})))
        .encode()
        .unwrap();
    bytes[20] = 0xFF; // first byte of "admin.$cmd"
    assert!(matches!(
        Frame::decode(&bytes, MAX),
        Err(WireError::InvalidCString { .. })
    ));
    let mut query = OpQuery::command("admin", doc! {});
    query.full_collection_name = "a\0b".into();
    assert!(matches!(
        Frame::new(Message::Query(query)).encode(),
        Err(WireError::Encode(_))
    ));
}

#[test]
fn request_ids_are_positive_and_distinct() {
    let ids: std::collections::HashSet<i32> = (0..1000).map(|_| next_request_id()).collect();
    assert_eq!(ids.len(), 1000);
    assert!(ids.iter().all(|&id| id > 0));
}

#[test]
fn errors_print_lower_case_without_trailing_period() {
    let errors = [
        WireError::ClosedBetweenMessages,
        WireError::ConnectionClosed {
            received: 3,
            expected: 16,
        },
        WireError::MessageTooLarge {
            declared: 60_000_000,
            max: MAX,
        },
        WireError::UnknownOpCode(5),
        WireError::MissingBody,
        WireError::EmptyReply,
    ];
    for e in errors {
        let text = e.to_string();
        assert!(!text.ends_with('.'), "{text}");
        let first = text.chars().next().unwrap();
        assert!(first.is_lowercase() || text.starts_with("OP_"), "{text}");
    }
}

mod stream {
    use super::*;
    use tokio::io::AsyncWriteExt;

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(f)
    }

    #[test]
    fn a_stream_closed_mid_frame_is_an_error_not_a_hang() {
        block_on(async {
            let bytes = msg(doc! { "ping": 1 }).encode().unwrap();
            for cut in [0, 1, 15, 16, 17, bytes.len() - 1] {
                let (mut a, mut b) = tokio::io::duplex(4096);
                a.write_all(&bytes[..cut]).await.unwrap();
                drop(a);
                let err = read_frame(&mut b, MAX).await.unwrap_err();
                match cut {
                    0 => assert!(matches!(err, WireError::ClosedBetweenMessages)),
                    c if c < 16 => assert!(matches!(
                        err,
                        WireError::ConnectionClosed { received, expected: 16 } if received == c
                    )),
                    c => assert!(matches!(
                        err,
                        WireError::ConnectionClosed { received, .. } if received == c - 16
                    )),
                }
            }
        });
    }

    #[test]
    fn an_oversized_header_is_rejected_before_reading_the_body() {
        block_on(async {
            let (mut a, mut b) = tokio::io::duplex(64);
            let mut header = [0u8; 16];
            header[0..4].copy_from_slice(&i32::MAX.to_le_bytes());
            header[12..16].copy_from_slice(&2013i32.to_le_bytes());
            // The writer stays open and sends no body: the reader must not wait for one.
            a.write_all(&header).await.unwrap();
            let err = read_frame(&mut b, MAX).await.unwrap_err();
            assert!(matches!(err, WireError::MessageTooLarge { .. }));
            drop(a);
        });
    }

    /// Sends a header declaring the largest allowed message, then 100 body bytes, then ends;
    /// records the largest read buffer it is offered.
    struct Trickle {
        bytes: Vec<u8>,
        sent: usize,
        largest_buffer: usize,
    }

    impl tokio::io::AsyncRead for Trickle {
        fn poll_read(
            mut self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
            buf: &mut tokio::io::ReadBuf<'_>,
        ) -> std::task::Poll<std::io::Result<()>> {
            self.largest_buffer = self.largest_buffer.max(buf.remaining());
            let n = buf.remaining().min(self.bytes.len() - self.sent).min(40);
            let start = self.sent;
            buf.put_slice(&self.bytes[start..start + n]);
            self.sent += n;
            std::task::Poll::Ready(Ok(()))
        }
    }

    #[test]
    fn the_body_buffer_grows_with_the_data_not_with_the_declared_length() {
        block_on(async {
            let mut bytes = vec![0u8; 16];
            bytes[0..4].copy_from_slice(&(MAX as i32).to_le_bytes());
            bytes[12..16].copy_from_slice(&2013i32.to_le_bytes());
            bytes.extend_from_slice(&[0u8; 100]);
            let mut trickle = Trickle {
                bytes,
                sent: 0,
                largest_buffer: 0,
            };
            let err = read_frame(&mut trickle, MAX).await.unwrap_err();
            assert!(
                matches!(err, WireError::ConnectionClosed { received: 100, expected } if expected == MAX - 16),
                "{err:?}"
            );
            // A declared 48 MB with 100 bytes sent never makes the reader offer (and so allocate)
            // a buffer anywhere near the declared size.
            assert!(
                trickle.largest_buffer <= 64 * 1024,
                "offered a {} byte buffer",
                trickle.largest_buffer
            );
        });
    }

    #[test]
    fn frames_follow_each_other_on_one_stream() {
        block_on(async {
            let (mut a, mut b) = tokio::io::duplex(16);
            let first = msg(doc! { "hello": 1 });
            let second = Frame::new(Message::Query(OpQuery::command("x", doc! { "y": "z" })));
            let writer = async {
                write_frame(&mut a, &first).await.unwrap();
                write_frame(&mut a, &second).await.unwrap();
            };
            let reader = async {
                let one = read_frame(&mut b, MAX).await.unwrap();
                let two = read_frame(&mut b, MAX).await.unwrap();
                (one, two)
            };
            let ((), (one, two)) = tokio::join!(writer, reader);
            assert_eq!(one, first);
            assert_eq!(two, second);
        });
    }
}

fn arb_doc() -> impl Strategy<Value = Document> {
    prop::collection::vec(("[a-z$]{1,6}", any::<i32>(), ".{0,8}"), 0..4).prop_map(|fields| {
        let mut doc = Document::new();
        for (k, n, s) in fields {
            doc.insert(format!("{k}n"), n);
            doc.insert(format!("{k}s"), s);
        }
        doc
    })
}

proptest! {
    #[test]
    fn decoding_arbitrary_bytes_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let _ = Frame::decode(&bytes, MAX);
    }

    #[test]
    fn decoding_arbitrary_bodies_behind_a_valid_header_never_panics(
        op in prop::sample::select(vec![1i32, 2004, 2013]),
        body in prop::collection::vec(any::<u8>(), 0..256),
    ) {
        let mut bytes = vec![0u8; 16];
        bytes[12..16].copy_from_slice(&op.to_le_bytes());
        bytes.extend_from_slice(&body);
        set_len(&mut bytes);
        let _ = Frame::decode(&bytes, MAX);
    }

    #[test]
    fn mutating_a_valid_frame_never_panics(
        doc in arb_doc(),
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
        checksum in any::<bool>(),
    ) {
        let mut msg = OpMsg::new(doc.clone());
        msg.flags.checksum_present = checksum;
        msg.sequences.push(DocumentSequence { identifier: "s".into(), documents: vec![doc] });
        let mut bytes = Frame::new(Message::Msg(msg)).encode().unwrap();
        for (i, b) in flips {
            let i = i.index(bytes.len());
            bytes[i] = b;
        }
        let _ = Frame::decode(&bytes, MAX);
    }

    #[test]
    fn encode_then_decode_is_identity(body in arb_doc(), docs in prop::collection::vec(arb_doc(), 0..3)) {
        for message in [
            Message::Msg(OpMsg {
                flags: MsgFlags::default(),
                body: body.clone(),
                sequences: vec![DocumentSequence { identifier: "docs".into(), documents: docs.clone() }],
            }),
            Message::Query(OpQuery::command("db", body.clone())),
            Message::Reply(OpReply { response_flags: 8, cursor_id: 0, starting_from: 0, documents: docs.clone() }),
        ] {
            let frame = Frame::new(message);
            let bytes = frame.encode().unwrap();
            prop_assert_eq!(Frame::decode(&bytes, MAX).unwrap(), frame);
        }
    }
}
