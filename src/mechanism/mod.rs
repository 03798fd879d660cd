//! The authentication mechanisms as sans-IO conversations: each step is a type whose `handle_*`
//! method consumes it and returns the next step or an error. They produce the command documents to
//! send and check the replies; moving bytes is the caller's job (the authenticator's loop).
//!
//! ```
//! use mongo_auth::Password;
//! use mongo_auth::mechanism::plain::PlainClient;
//! let plain = PlainClient::new("user", &Password::new("pencil"));
//! assert_eq!(plain.payload(), b"\0user\0pencil");
//! ```

pub mod aws;
pub(crate) mod conversation;
pub mod cr;
pub(crate) mod error;
#[cfg(feature = "gssapi")]
#[cfg_attr(docsrs, doc(cfg(feature = "gssapi")))]
pub mod gssapi;
pub mod oidc;
pub mod plain;
pub mod scram;
pub mod x509;

use bson::{Bson, Document, doc, spec::BinarySubtype};
use mongo_auth_core::Mechanism;

pub use error::ConversationError;

use crate::reply::{reply_code, reply_ok, server_text};
use error::{AuthenticationError, ProtocolViolation};

/// The name under which a speculative reply is parsed.
pub(crate) const SPECULATIVE: &str = "speculativeAuthenticate";

/// One reply of a SASL conversation (`saslStart`, `saslContinue`, or a speculative SCRAM reply).
///
/// ```
/// use bson::{doc, Binary, spec::BinarySubtype};
/// use mongo_auth::Mechanism;
/// use mongo_auth::mechanism::SaslReply;
/// let reply = doc! {
///     "conversationId": 1, "done": false,
///     "payload": Binary { subtype: BinarySubtype::Generic, bytes: b"r=...".to_vec() }, "ok": 1,
/// };
/// let reply = SaslReply::parse(&reply, "saslStart", Mechanism::ScramSha256).unwrap();
/// assert!(!reply.done);
/// assert_eq!(reply.payload, b"r=...");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct SaslReply {
    /// The conversation id to echo in the next `saslContinue`.
    pub conversation_id: Bson,
    /// Whether the server considers the conversation finished.
    pub done: bool,
    /// The mechanism's message.
    pub payload: Vec<u8>,
}

impl SaslReply {
    /// Parses a SASL reply; `ok: 0` is an authentication failure with the server's code and text.
    /// A reply to `saslStart` or `saslContinue` without `ok` is a protocol violation; a speculative
    /// reply (`command` is `"speculativeAuthenticate"`) has no `ok` field and is accepted without
    /// one.
    pub fn parse(
        reply: &Document,
        command: &'static str,
        mechanism: Mechanism,
    ) -> Result<Self, ConversationError> {
        if command == SPECULATIVE {
            check_speculative_reply(reply, mechanism)?;
        } else {
            check_auth_reply(reply, command, mechanism)?;
        }
        let malformed = |problem: &str| {
            ConversationError::protocol(
                Some(mechanism),
                ProtocolViolation::MalformedReply {
                    command,
                    problem: problem.to_owned(),
                },
            )
        };
        let conversation_id = reply
            .get("conversationId")
            .cloned()
            .ok_or_else(|| malformed("conversationId is missing"))?;
        let done = match reply.get("done") {
            Some(Bson::Boolean(done)) => *done,
            Some(_) => return Err(malformed("done is not a boolean")),
            None => return Err(malformed("done is missing")),
        };
        let payload = match reply.get("payload") {
            Some(Bson::Binary(binary)) if binary.subtype == BinarySubtype::Generic => {
                binary.bytes.clone()
            }
            Some(Bson::Binary(_)) => return Err(malformed("payload is not binary subtype 0")),
            Some(Bson::String(text)) => text.clone().into_bytes(),
            Some(_) => return Err(malformed("payload is not binary")),
            None => return Err(malformed("payload is missing")),
        };
        Ok(SaslReply {
            conversation_id,
            done,
            payload,
        })
    }
}

/// A `saslContinue` command.
///
/// ```
/// use bson::Bson;
/// use mongo_auth::mechanism::sasl_continue;
/// let command = sasl_continue(&Bson::Int32(1), b"");
/// assert_eq!(command.get_i32("saslContinue").unwrap(), 1);
/// ```
pub fn sasl_continue(conversation_id: &Bson, payload: &[u8]) -> Document {
    doc! {
        "saslContinue": 1,
        "conversationId": conversation_id.clone(),
        "payload": bson::Binary { subtype: BinarySubtype::Generic, bytes: payload.to_vec() },
    }
}

/// Every step of a SASL conversation carries the `conversationId` it started with.
pub(crate) fn same_conversation(
    conversation_id: &Bson,
    step: &SaslReply,
    mechanism: Mechanism,
) -> Result<(), ConversationError> {
    if step.conversation_id == *conversation_id {
        Ok(())
    } else {
        Err(ConversationError::protocol(
            Some(mechanism),
            ProtocolViolation::ConversationIdChanged,
        ))
    }
}

/// `ok: 0` in an authentication reply → [`ConversationError::Authentication`] with the server's code and text.
/// Every server-side refusal during authentication is this one kind, whatever the code, so an
/// unknown user and a wrong password cannot be told apart.
///
/// The reply to a command the client sent must carry `ok`: a reply without it is not success but a
/// protocol violation. Only a speculative reply (inside hello, which has its own `ok`) has none;
/// see [`check_speculative_reply`].
pub(crate) fn check_auth_reply(
    reply: &Document,
    command: &'static str,
    mechanism: Mechanism,
) -> Result<(), ConversationError> {
    if !reply.contains_key("ok") {
        return Err(ConversationError::protocol(
            Some(mechanism),
            ProtocolViolation::MalformedReply {
                command,
                problem: "ok is missing".to_owned(),
            },
        ));
    }
    check_speculative_reply(reply, mechanism)
}

/// As [`check_auth_reply`], for a speculative reply, which has no `ok` of its own (an `ok: 0` in
/// it is still a refusal).
pub(crate) fn check_speculative_reply(
    reply: &Document,
    mechanism: Mechanism,
) -> Result<(), ConversationError> {
    if reply_ok(reply) {
        return Ok(());
    }
    Err(ConversationError::Authentication(AuthenticationError {
        mechanism,
        code: reply_code(reply),
        code_name: reply.get_str("codeName").ok().map(server_text),
        message: reply.get_str("errmsg").map_or_else(
            |_| "the server refused the credential without a message".to_owned(),
            server_text,
        ),
        hint: None,
    }))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::reply::bson_i32;

    #[test]
    fn command_replies_need_ok_and_speculative_ones_do_not() {
        let step = doc! { "conversationId": 1, "done": false, "payload": bson::Binary { subtype: BinarySubtype::Generic, bytes: b"r=x".to_vec() } };
        assert!(SaslReply::parse(&step, SPECULATIVE, Mechanism::ScramSha256).is_ok());
        for command in ["saslStart", "saslContinue"] {
            match SaslReply::parse(&step, command, Mechanism::ScramSha256) {
                Err(ConversationError::Protocol(p)) => {
                    assert!(p.to_string().contains("ok is missing"))
                }
                other => panic!("{command}: {other:?}"),
            }
        }
        let mut refused = step.clone();
        refused.insert("ok", 0);
        refused.insert("errmsg", "line one\nline two");
        match SaslReply::parse(&refused, SPECULATIVE, Mechanism::ScramSha256) {
            Err(ConversationError::Authentication(a)) => {
                assert_eq!(a.message, "line one\\nline two")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn numbers_are_read_as_i32_exactly_and_at_the_edges() {
        for (value, expected) in [
            (Bson::Int32(i32::MAX), Some(i32::MAX)),
            (Bson::Int64(i64::from(i32::MAX)), Some(i32::MAX)),
            (Bson::Int64(i64::from(i32::MAX) + 1), None),
            (Bson::Double(f64::from(i32::MAX)), Some(i32::MAX)),
            (Bson::Double(f64::from(i32::MIN)), Some(i32::MIN)),
            (Bson::Double(f64::from(i32::MAX) + 1.0), None),
            (Bson::Double(18.5), None),
            (Bson::Double(f64::NAN), None),
            (Bson::Double(f64::INFINITY), None),
            (Bson::String("18".into()), None),
        ] {
            assert_eq!(bson_i32(&value), expected, "{value:?}");
            assert_eq!(
                reply_code(&doc! { "code": value.clone() }),
                expected,
                "{value:?}"
            );
        }
    }

    #[test]
    fn sasl_reply_rejects_malformed_envelopes() {
        let m = Mechanism::ScramSha256;
        for reply in [
            doc! {"done": false, "payload": bson::Binary { subtype: BinarySubtype::Generic, bytes: vec![] }},
            doc! {"conversationId": 1, "payload": bson::Binary { subtype: BinarySubtype::Generic, bytes: vec![] }},
            doc! {"conversationId": 1, "done": 1, "payload": bson::Binary { subtype: BinarySubtype::Generic, bytes: vec![] }},
            doc! {"conversationId": 1, "done": true},
            doc! {"conversationId": 1, "done": true, "payload": 5},
            doc! {"conversationId": 1, "done": true, "payload": bson::Binary { subtype: BinarySubtype::Uuid, bytes: vec![0; 16] }},
        ] {
            assert!(
                matches!(
                    SaslReply::parse(&reply, "saslStart", m),
                    Err(ConversationError::Protocol(_))
                ),
                "{reply}"
            );
        }
    }

    #[test]
    fn ok_zero_is_an_authentication_failure_whatever_the_code() {
        for reply in [
            doc! {"ok": 0.0, "errmsg": "Authentication failed.", "code": 18, "codeName": "AuthenticationFailed"},
            doc! {"ok": 0, "errmsg": "no such user", "code": 11i64},
            doc! {"ok": false},
        ] {
            match SaslReply::parse(&reply, "saslStart", Mechanism::ScramSha1) {
                Err(ConversationError::Authentication(e)) => {
                    assert_eq!(e.mechanism, Mechanism::ScramSha1)
                }
                other => panic!("{other:?}"),
            }
        }
    }

    /// Arbitrary BSON values for the fields a reply parser reads.
    pub(crate) fn arbitrary_value() -> impl proptest::strategy::Strategy<Value = Bson> {
        use proptest::prelude::*;
        prop_oneof![
            Just(Bson::Null),
            any::<i32>().prop_map(Bson::Int32),
            any::<i64>().prop_map(Bson::Int64),
            any::<f64>().prop_map(Bson::Double),
            any::<bool>().prop_map(Bson::Boolean),
            ".{0,12}".prop_map(Bson::String),
            proptest::collection::vec(any::<u8>(), 0..40).prop_map(|bytes| Bson::Binary(
                bson::Binary {
                    subtype: BinarySubtype::Generic,
                    bytes
                }
            )),
            proptest::collection::vec(".{0,8}".prop_map(Bson::String), 0..3).prop_map(Bson::Array),
        ]
    }

    /// A document holding some of `keys`, each with an arbitrary value.
    pub(crate) fn arbitrary_reply(
        keys: &'static [&'static str],
    ) -> impl proptest::strategy::Strategy<Value = Document> {
        use proptest::prelude::*;
        proptest::collection::vec(proptest::option::of(arbitrary_value()), keys.len()).prop_map(
            move |values| {
                let mut document = Document::new();
                for (key, value) in keys.iter().zip(values) {
                    if let Some(value) = value {
                        document.insert(*key, value);
                    }
                }
                document
            },
        )
    }

    #[test]
    fn arbitrary_replies_never_panic() {
        use crate::mechanism::cr::CrClient;
        use crate::mechanism::x509::X509Client;
        use mongo_auth_core::Password;
        use proptest::prelude::*;
        const KEYS: &[&str] = &[
            "ok",
            "conversationId",
            "done",
            "payload",
            "code",
            "codeName",
            "errmsg",
            "nonce",
            "user",
        ];
        proptest!(ProptestConfig::with_cases(1024), |(reply in arbitrary_reply(KEYS))| {
            let _ = SaslReply::parse(&reply, "saslStart", Mechanism::ScramSha256);
            let _ = X509Client::new(None).handle_reply(&reply);
            let _ = CrClient::new("u", &Password::new("p")).handle_nonce(&reply);
            let _ = crate::mechanism::plain::PlainClient::new("u", &Password::new("p")).handle_reply(&reply);
        });
    }
}
