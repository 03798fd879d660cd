//! PLAIN (RFC 4616): one `saslStart` carrying `\0user\0password`, in clear.
//!
//! The [`Authenticator`](crate::Authenticator) refuses to send it over a connection without TLS
//! unless the configuration opted in to clear-text passwords.

use bson::{Document, doc, spec::BinarySubtype};
use mongo_auth_core::{Mechanism, Password};
use zeroize::Zeroizing;

use crate::mechanism::SaslReply;
use crate::mechanism::error::{ConversationError, ProtocolViolation};

/// The only step of PLAIN: the `saslStart` to send; its reply must say `done: true`.
///
/// ```
/// use bson::{doc, Binary, spec::BinarySubtype};
/// use mongo_auth::Password;
/// use mongo_auth::mechanism::plain::PlainClient;
/// let plain = PlainClient::new("user", &Password::new("pencil"));
/// let command = plain.sasl_start();
/// assert_eq!(command.get_str("mechanism").unwrap(), "PLAIN");
/// let reply = doc! { "conversationId": 1, "done": true,
///     "payload": Binary { subtype: BinarySubtype::Generic, bytes: vec![] }, "ok": 1 };
/// plain.handle_reply(&reply).unwrap();
/// ```
pub struct PlainClient {
    payload: Zeroizing<Vec<u8>>,
}

impl std::fmt::Debug for PlainClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PlainClient(<redacted>)")
    }
}

impl PlainClient {
    /// PLAIN with an empty authorization identity: `\0username\0password`.
    pub fn new(username: &str, password: &Password) -> Self {
        let mut payload = Zeroizing::new(Vec::with_capacity(
            username.len() + password.expose_secret().len() + 2,
        ));
        payload.push(0);
        payload.extend_from_slice(username.as_bytes());
        payload.push(0);
        payload.extend_from_slice(password.expose_secret().as_bytes());
        Self { payload }
    }

    /// The SASL payload (it holds the password in clear).
    pub fn payload(&self) -> &[u8] {
        &self.payload
    }

    /// The `saslStart` command. Its payload holds the password in clear; the
    /// [`Authenticator`](crate::Authenticator) zeroes the command's values (and the encoded frame)
    /// once it is sent, and a caller driving this step itself should do the same.
    pub fn sasl_start(&self) -> Document {
        doc! {
            "saslStart": 1,
            "mechanism": Mechanism::Plain.as_str(),
            "payload": bson::Binary { subtype: BinarySubtype::Generic, bytes: self.payload.to_vec() },
            "autoAuthorize": 1,
        }
    }

    /// Checks the reply: `ok: 0` is an authentication failure; `done` must be true.
    pub fn handle_reply(self, reply: &Document) -> Result<(), ConversationError> {
        let reply = SaslReply::parse(reply, "saslStart", Mechanism::Plain)?;
        if reply.done {
            Ok(())
        } else {
            Err(ConversationError::protocol(
                Some(Mechanism::Plain),
                ProtocolViolation::ConversationNotDone,
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;

    #[test]
    fn payload_vector() {
        let plain = PlainClient::new("user", &Password::new("pencil"));
        assert_eq!(
            base64::engine::general_purpose::STANDARD.encode(plain.payload()),
            "AHVzZXIAcGVuY2ls"
        );
        assert!(!format!("{plain:?}").contains("pencil"));
    }

    #[test]
    fn not_done_is_a_protocol_error_and_ok_zero_an_authentication_error() {
        let bin = bson::Binary {
            subtype: BinarySubtype::Generic,
            bytes: vec![],
        };
        let plain = PlainClient::new("u", &Password::new("p"));
        let err = plain
            .handle_reply(&doc! {"conversationId": 1, "done": false, "payload": bin, "ok": 1})
            .unwrap_err();
        assert!(matches!(err, ConversationError::Protocol(_)));
        let plain = PlainClient::new("u", &Password::new("p"));
        let err = plain
            .handle_reply(&doc! {"ok": 0, "errmsg": "Authentication failed.", "code": 18})
            .unwrap_err();
        assert!(matches!(err, ConversationError::Authentication(_)));
    }
}
