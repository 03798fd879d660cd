//! MONGODB-CR, the challenge-response mechanism of servers before 4.0: `getnonce`, then
//! `authenticate` with `key = hex(md5(nonce + username + hex(md5(username:mongo:password))))`.

use bson::{Document, doc};
use md5::Digest as _;
use mongo_auth_core::{Mechanism, Password};
use zeroize::{Zeroize, Zeroizing};

use crate::mechanism::check_auth_reply;
use crate::mechanism::error::{ConversationError, ProtocolViolation};
use crate::mechanism::scram::{lower_hex, mongodb_password_digest};

/// The first step: `getnonce` is ready to send.
///
/// ```
/// use bson::doc;
/// use mongo_auth::Password;
/// use mongo_auth::mechanism::cr::CrClient;
/// let cr = CrClient::new("user", &Password::new("pencil"));
/// assert_eq!(cr.getnonce(), doc! { "getnonce": 1 });
/// let authenticate = cr.handle_nonce(&doc! { "nonce": "2375531c32080ae8", "ok": 1 }).unwrap();
/// assert_eq!(authenticate.command().get_str("key").unwrap(), "21742f26431831d5cfca035a08c5bdf6");
/// authenticate.handle_reply(&doc! { "ok": 1 }).unwrap();
/// ```
pub struct CrClient {
    username: String,
    digest: Zeroizing<String>,
}

impl std::fmt::Debug for CrClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CrClient")
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

impl CrClient {
    /// Prepares the password digest (the same as SCRAM-SHA-1's).
    pub fn new(username: &str, password: &Password) -> Self {
        Self {
            username: username.to_owned(),
            digest: mongodb_password_digest(username, password),
        }
    }

    /// The `getnonce` command.
    pub fn getnonce(&self) -> Document {
        doc! { "getnonce": 1 }
    }

    /// Reads the server's nonce and computes the key.
    pub fn handle_nonce(self, reply: &Document) -> Result<CrAuthenticate, ConversationError> {
        check_auth_reply(reply, "getnonce", Mechanism::MongodbCr)?;
        let nonce = reply.get_str("nonce").map_err(|_| {
            ConversationError::protocol(
                Some(Mechanism::MongodbCr),
                ProtocolViolation::MalformedReply {
                    command: "getnonce",
                    problem: "nonce is missing or not a string".to_owned(),
                },
            )
        })?;
        let mut hasher = md5::Md5::new();
        hasher.update(nonce.as_bytes());
        hasher.update(self.username.as_bytes());
        hasher.update(self.digest.as_bytes());
        let mut digest = hasher.finalize();
        let key = lower_hex(&digest);
        digest.as_mut_slice().zeroize();
        Ok(CrAuthenticate {
            command: doc! {
                "authenticate": 1,
                "user": self.username,
                "nonce": nonce,
                "key": key,
            },
        })
    }
}

/// The second step: `authenticate` is ready to send; its reply must be `ok: 1`. `Debug` hides the
/// key, and the command (with the key) is wiped when the step is dropped.
///
/// ```
/// use bson::doc;
/// use mongo_auth::Password;
/// use mongo_auth::mechanism::cr::CrClient;
/// let cr = CrClient::new("user", &Password::new("pencil"));
/// let authenticate = cr.handle_nonce(&doc! { "nonce": "2375531c32080ae8", "ok": 1 }).unwrap();
/// assert_eq!(authenticate.command().get_str("nonce").unwrap(), "2375531c32080ae8");
/// // the server refuses the key: a wrong password and an unknown user look the same
/// let refused = doc! { "ok": 0, "code": 18, "errmsg": "auth failed" };
/// let error = authenticate.handle_reply(&refused).unwrap_err();
/// assert!(matches!(error, mongo_auth::mechanism::ConversationError::Authentication(_)));
/// ```
pub struct CrAuthenticate {
    command: Document,
}

impl Zeroize for CrAuthenticate {
    fn zeroize(&mut self) {
        crate::reply::wipe_document(&mut self.command);
    }
}

impl Drop for CrAuthenticate {
    fn drop(&mut self) {
        self.zeroize();
    }
}

impl zeroize::ZeroizeOnDrop for CrAuthenticate {}

impl std::fmt::Debug for CrAuthenticate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CrAuthenticate")
            .field("user", &self.command.get_str("user").unwrap_or_default())
            .finish_non_exhaustive()
    }
}

impl CrAuthenticate {
    /// The `authenticate` command (`user`, `nonce`, `key`).
    pub fn command(&self) -> &Document {
        &self.command
    }

    /// Checks the reply: `ok: 0` is an authentication failure, a reply without `ok` a protocol
    /// violation.
    pub fn handle_reply(self, reply: &Document) -> Result<(), ConversationError> {
        check_auth_reply(reply, "authenticate", Mechanism::MongodbCr)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_vector_and_failures() {
        let cr = CrClient::new("user", &Password::new("pencil"));
        assert!(!format!("{cr:?}").contains("1c33006e"));
        let auth = cr
            .handle_nonce(&doc! {"nonce": "2375531c32080ae8", "ok": 1.0})
            .unwrap();
        assert_eq!(
            auth.command().get_str("key").unwrap(),
            "21742f26431831d5cfca035a08c5bdf6"
        );
        assert_eq!(auth.command().get_str("user").unwrap(), "user");
        assert!(!format!("{auth:?}").contains("21742f26"));
        assert!(
            auth.handle_reply(&doc! {"ok": 0, "errmsg": "auth failed", "code": 18})
                .unwrap_err()
                .is_authentication_failure()
        );
        let cr = CrClient::new("user", &Password::new("pencil"));
        assert!(matches!(
            cr.handle_nonce(&doc! {"ok": 1, "nonce": 5}),
            Err(ConversationError::Protocol(_))
        ));
    }

    #[test]
    fn the_key_command_and_the_digest_states_are_wiped() {
        fn wiped_on_drop<T: zeroize::ZeroizeOnDrop>() {}
        wiped_on_drop::<CrAuthenticate>();
        wiped_on_drop::<md5::Md5>();
        wiped_on_drop::<sha1::Sha1>();
        wiped_on_drop::<sha2::Sha256>();
        // HMAC keeps its inner and outer states as these cores, which wipe themselves.
        wiped_on_drop::<<sha1::Sha1 as sha1::digest::block_api::EagerHash>::Core>();
        wiped_on_drop::<<sha2::Sha256 as sha2::digest::block_api::EagerHash>::Core>();
        let mut auth = CrClient::new("user", &Password::new("pencil"))
            .handle_nonce(&doc! {"nonce": "2375531c32080ae8", "ok": 1})
            .unwrap();
        assert_eq!(auth.command().get_str("key").unwrap().len(), 32);
        auth.zeroize();
        assert_eq!(auth.command().get_str("key").unwrap(), "");
    }

    #[test]
    fn replies_without_ok_are_protocol_violations_not_success() {
        let cr = CrClient::new("user", &Password::new("pencil"));
        assert!(matches!(
            cr.handle_nonce(&doc! {"nonce": "2375531c32080ae8"}),
            Err(ConversationError::Protocol(_))
        ));
        let cr = CrClient::new("user", &Password::new("pencil"));
        let auth = cr
            .handle_nonce(&doc! {"nonce": "2375531c32080ae8", "ok": 1})
            .unwrap();
        match auth.handle_reply(&doc! {}) {
            Err(ConversationError::Protocol(p)) => {
                assert!(p.to_string().contains("ok is missing"), "{p}")
            }
            other => panic!("{other:?}"),
        }
    }
}
