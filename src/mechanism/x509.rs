//! MONGODB-X509: one `authenticate` command to `$external`; the TLS client certificate is the
//! credential. `user` (the spec's key, not `username`) is sent only if the application gave one.

use bson::{Document, doc};
use mongo_auth_core::Mechanism;

use crate::mechanism::error::{ConversationError, ProtocolViolation};
use crate::mechanism::{check_auth_reply, check_speculative_reply};

/// The only step of MONGODB-X509: the `authenticate` command, also sent speculatively in hello.
///
/// ```
/// use bson::doc;
/// use mongo_auth::mechanism::x509::X509Client;
/// let x509 = X509Client::new(None);
/// assert_eq!(x509.authenticate(), doc! { "authenticate": 1, "mechanism": "MONGODB-X509" });
/// let user = x509.handle_reply(&doc! { "dbname": "$external", "user": "CN=client", "ok": 1 }).unwrap();
/// assert_eq!(user.as_deref(), Some("CN=client"));
/// // An old server's bare `ok: 1` names no user.
/// assert_eq!(X509Client::new(None).handle_reply(&doc! { "ok": 1 }).unwrap(), None);
/// ```
#[derive(Clone, Debug)]
pub struct X509Client {
    username: Option<String>,
}

impl X509Client {
    /// `username` is the certificate's RFC 2253 subject, if the application gave it; `None` lets
    /// the server take it from the certificate.
    pub fn new(username: Option<&str>) -> Self {
        Self {
            username: username.map(str::to_owned),
        }
    }

    /// The `authenticate` command.
    pub fn authenticate(&self) -> Document {
        let mut command = doc! { "authenticate": 1, "mechanism": Mechanism::MongodbX509.as_str() };
        if let Some(user) = &self.username {
            command.insert("user", user.clone());
        }
        command
    }

    /// Checks the reply to `authenticate` and returns the authenticated user: the one the server
    /// named, else the one the application gave, else `None` (never an empty name). The reply must
    /// carry `ok` (old servers answer with `ok: 1` alone); one without it is a protocol violation,
    /// whatever else it holds.
    pub fn handle_reply(self, reply: &Document) -> Result<Option<String>, ConversationError> {
        check_auth_reply(reply, "authenticate", Mechanism::MongodbX509)?;
        match reply.get_str("user") {
            Ok(user) if !user.is_empty() => Ok(Some(user.to_owned())),
            _ => Ok(self.username.filter(|username| !username.is_empty())),
        }
    }

    /// Checks the speculative reply inside hello, which has no `ok` of its own but must name the
    /// user.
    ///
    /// ```
    /// use bson::doc;
    /// use mongo_auth::mechanism::x509::X509Client;
    /// let reply = doc! { "dbname": "$external", "user": "CN=client" };
    /// let user = X509Client::new(None).handle_speculative_reply(&reply).unwrap();
    /// assert_eq!(user.as_deref(), Some("CN=client"));
    /// assert!(X509Client::new(None).handle_speculative_reply(&doc! { "dbname": "$external" }).is_err());
    /// ```
    pub fn handle_speculative_reply(
        self,
        reply: &Document,
    ) -> Result<Option<String>, ConversationError> {
        check_speculative_reply(reply, Mechanism::MongodbX509)?;
        match reply.get_str("user") {
            Ok(user) if !user.is_empty() => Ok(Some(user.to_owned())),
            _ => Err(ConversationError::protocol(
                Some(Mechanism::MongodbX509),
                ProtocolViolation::MalformedReply {
                    command: "speculativeAuthenticate",
                    problem: "the speculative reply has no user".to_owned(),
                },
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_is_sent_only_when_given_and_under_the_spec_key() {
        assert!(!X509Client::new(None).authenticate().contains_key("user"));
        let with = X509Client::new(Some("CN=client,O=Org")).authenticate();
        assert_eq!(with.get_str("user").unwrap(), "CN=client,O=Org");
        assert!(!with.contains_key("username"));
    }

    #[test]
    fn a_reply_without_a_user_names_none_or_the_given_one() {
        for reply in [doc! { "ok": 1 }, doc! { "ok": 1, "user": "" }] {
            assert_eq!(X509Client::new(None).handle_reply(&reply).unwrap(), None);
            assert_eq!(
                X509Client::new(Some("CN=given"))
                    .handle_reply(&reply)
                    .unwrap()
                    .as_deref(),
                Some("CN=given")
            );
        }
        for reply in [doc! { "user": "" }, doc! { "user": "CN=client" }, doc! {}] {
            // Without `ok`, the reply to a command is not success.
            assert!(matches!(
                X509Client::new(None).handle_reply(&reply),
                Err(ConversationError::Protocol(_))
            ));
        }
        assert!(matches!(
            X509Client::new(None).handle_speculative_reply(&doc! { "user": "" }),
            Err(ConversationError::Protocol(_))
        ));
    }

    #[test]
    fn refusal_is_an_authentication_error() {
        let err = X509Client::new(None)
            .handle_reply(&doc! {"ok": 0, "errmsg": "No verified subject name available from client", "code": 18})
            .unwrap_err();
        assert!(matches!(err, ConversationError::Authentication(_)));
        assert!(matches!(
            X509Client::new(None).handle_reply(&doc! {"dbname": "$external"}),
            Err(ConversationError::Protocol(_))
        ));
    }
}
