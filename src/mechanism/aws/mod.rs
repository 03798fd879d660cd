//! MONGODB-AWS, sans-IO: the client proves who it is in AWS by signing an STS `GetCallerIdentity`
//! request (SigV4) that the server forwards to STS.
//!
//! The conversation, on `$external`, with BSON documents as SASL payloads:
//!
//! 1. `saslStart {mechanism: "MONGODB-AWS", payload: {r: <32 random bytes>, p: 110}}`;
//! 2. the server answers `{s: <64 bytes, starting with r>, h: <STS host>}`; the client checks both;
//! 3. `saslContinue {payload: {a: <Authorization header>, d: <X-Amz-Date>, t?: <session token>}}`;
//! 4. the server answers `done: true`.
//!
//! Credentials never come from the connection string: an [`AwsCredentialProvider`] given to the
//! authenticator supplies them, or else [`AwsCredentials::from_environment`] reads
//! `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN` afresh for every
//! authentication.
//!
//! ```
//! use mongo_auth::mechanism::aws::{AwsClient, AwsCredentials};
//! let client = AwsClient::with_nonce([7; 32]);
//! let command = client.sasl_start();
//! assert_eq!(command.get_str("mechanism").unwrap(), "MONGODB-AWS");
//! let credentials = AwsCredentials::new("AKIDEXAMPLE", "secret", None);
//! // the server's nonce extends ours; the STS host is the server's to name
//! let mut server_nonce = [7u8; 64].to_vec();
//! server_nonce[40] = 1;
//! let server_first = bson::doc! {
//!     "s": bson::Binary { subtype: bson::spec::BinarySubtype::Generic, bytes: server_nonce },
//!     "h": "sts.amazonaws.com",
//! };
//! let mut payload = Vec::new();
//! server_first.to_writer(&mut payload).unwrap();
//! let last = client.handle_server_first(&payload, &credentials, 1_767_225_600).unwrap();
//! let message = bson::Document::from_reader(last.payload()).unwrap();
//! assert_eq!(message.get_str("d").unwrap(), "20260101T000000Z");
//! assert!(message.get_str("a").unwrap().starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"));
//! ```

mod credentials;
pub(crate) mod sigv4;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use bson::spec::BinarySubtype;
use bson::{Binary, Bson, Document, doc};
use mongo_auth_core::Mechanism;
use zeroize::Zeroizing;

use crate::mechanism::error::{ConversationError, ProtocolViolation};
use crate::reply::server_text;
pub use credentials::{AwsCredentialProvider, AwsCredentials};

/// `p`: the GS2 channel-binding flag `n` (no channel binding), as a number.
const NO_CHANNEL_BINDING: i32 = 110;
const CLIENT_NONCE_LEN: usize = 32;
const SERVER_NONCE_LEN: usize = 64;
/// The longest STS host name accepted.
const MAX_HOST_LEN: usize = 255;

/// The first step: the client nonce, ready to go in `saslStart`.
#[derive(Debug)]
#[must_use = "a MONGODB-AWS step does nothing until its message is sent and the reply handled"]
pub struct AwsClient {
    nonce: [u8; CLIENT_NONCE_LEN],
}

impl AwsClient {
    /// A conversation with a fresh random client nonce.
    pub fn new() -> Result<Self, ConversationError> {
        let mut nonce = [0u8; CLIENT_NONCE_LEN];
        getrandom::fill(&mut nonce).map_err(|e| {
            ConversationError::Io(std::io::Error::other(format!(
                "the operating system's random number generator failed: {e}"
            )))
        })?;
        Ok(Self { nonce })
    }

    /// A conversation with a given client nonce (for tests and known vectors).
    pub fn with_nonce(nonce: [u8; CLIENT_NONCE_LEN]) -> Self {
        Self { nonce }
    }

    /// The `saslStart` command: `{r: nonce, p: 110}` as the payload.
    pub fn sasl_start(&self) -> Document {
        let message = doc! {
            "r": Binary { subtype: BinarySubtype::Generic, bytes: self.nonce.to_vec() },
            "p": NO_CHANNEL_BINDING,
        };
        doc! {
            "saslStart": 1,
            "mechanism": Mechanism::MongodbAws.as_str(),
            "payload": Binary { subtype: BinarySubtype::Generic, bytes: bson_bytes(&message) },
        }
    }

    /// Checks the server's first payload (`s` extends our nonce to 64 bytes, `h` is a host name)
    /// and signs the STS request with `credentials` at `unix_seconds` (UTC).
    pub fn handle_server_first(
        self,
        payload: &[u8],
        credentials: &AwsCredentials,
        unix_seconds: u64,
    ) -> Result<AwsClientFinal, ConversationError> {
        let malformed = |problem: String| {
            ConversationError::protocol(
                Some(Mechanism::MongodbAws),
                ProtocolViolation::MalformedReply {
                    command: "saslStart",
                    problem,
                },
            )
        };
        let message = Document::from_reader(payload)
            .map_err(|_| malformed("the payload is not a BSON document".to_owned()))?;
        let server_nonce = match message.get("s") {
            Some(Bson::Binary(binary)) if binary.subtype == BinarySubtype::Generic => &binary.bytes,
            Some(_) => return Err(malformed("the server nonce (s) is not binary".to_owned())),
            None => return Err(malformed("the server nonce (s) is missing".to_owned())),
        };
        if server_nonce.len() != SERVER_NONCE_LEN {
            return Err(malformed(format!(
                "the server nonce (s) has {} bytes, not {SERVER_NONCE_LEN}",
                server_nonce.len()
            )));
        }
        if server_nonce[..CLIENT_NONCE_LEN] != self.nonce {
            return Err(ConversationError::protocol(
                Some(Mechanism::MongodbAws),
                ProtocolViolation::NonceNotExtended,
            ));
        }
        let host = match message.get("h") {
            Some(Bson::String(host)) => host.as_str(),
            Some(_) => return Err(malformed("the STS host (h) is not a string".to_owned())),
            None => return Err(malformed("the STS host (h) is missing".to_owned())),
        };
        check_host(host).map_err(|problem| {
            malformed(format!(
                "the STS host (h) `{}` {problem}",
                server_text(host)
            ))
        })?;
        let amz_date = sigv4::amz_date(unix_seconds);
        let authorization = sigv4::authorization(&sigv4::Request {
            access_key_id: credentials.access_key_id(),
            secret_access_key: credentials.secret_access_key(),
            session_token: credentials.session_token(),
            host,
            server_nonce: &BASE64.encode(server_nonce),
            amz_date: &amz_date,
        });
        let mut message = doc! { "a": authorization, "d": amz_date };
        if let Some(token) = credentials.session_token() {
            message.insert("t", token);
        }
        let payload = Zeroizing::new(bson_bytes(&message));
        crate::reply::wipe_document(&mut message);
        Ok(AwsClientFinal { payload })
    }
}

/// The last step: the signed request, to send in `saslContinue`; the server must answer
/// `done: true`.
#[must_use = "a MONGODB-AWS step does nothing until its message is sent and the reply handled"]
pub struct AwsClientFinal {
    payload: Zeroizing<Vec<u8>>,
}

impl std::fmt::Debug for AwsClientFinal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AwsClientFinal(<redacted>)")
    }
}

impl AwsClientFinal {
    /// The `saslContinue` payload: `{a, d, t?}` as BSON. It holds the session token when there is
    /// one; wipe the command once it is sent.
    pub fn payload(&self) -> &[u8] {
        &self.payload
    }
}

/// A host name as MONGODB-AWS accepts it from the server: 1 to 255 bytes, no empty label (and so no
/// leading or trailing dot).
fn check_host(host: &str) -> Result<(), &'static str> {
    if host.is_empty() || host.len() > MAX_HOST_LEN {
        return Err("must have 1 to 255 bytes");
    }
    if host.split('.').any(str::is_empty) {
        return Err("has an empty label");
    }
    Ok(())
}

fn bson_bytes(document: &Document) -> Vec<u8> {
    let mut bytes = Vec::new();
    // Writing a document of binaries, strings and numbers into a Vec cannot fail.
    let _ = document.to_writer(&mut bytes);
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server_first(nonce: &[u8], host: &str) -> Vec<u8> {
        bson_bytes(&doc! {
            "s": Binary { subtype: BinarySubtype::Generic, bytes: nonce.to_vec() },
            "h": host,
        })
    }

    fn credentials() -> AwsCredentials {
        AwsCredentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            None,
        )
    }

    fn extended(nonce: [u8; 32]) -> Vec<u8> {
        let mut bytes = nonce.to_vec();
        bytes.extend_from_slice(&[9; 32]);
        bytes
    }

    #[test]
    fn the_first_message_is_the_nonce_and_the_flag() {
        let command = AwsClient::with_nonce([3; 32]).sasl_start();
        let payload = command.get_binary_generic("payload").unwrap();
        let message = Document::from_reader(payload.as_slice()).unwrap();
        assert_eq!(message.get_binary_generic("r").unwrap(), &vec![3u8; 32]);
        assert_eq!(message.get_i32("p").unwrap(), 110);
    }

    #[test]
    fn the_server_nonce_must_extend_ours_to_64_bytes() {
        let nonce = [5; 32];
        let violation = |payload: Vec<u8>| match AwsClient::with_nonce(nonce).handle_server_first(
            &payload,
            &credentials(),
            0,
        ) {
            Err(ConversationError::Protocol(p)) => p.violation,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            violation(server_first(&[6; 64], "sts.amazonaws.com")),
            ProtocolViolation::NonceNotExtended
        );
        assert!(matches!(
            violation(server_first(&extended(nonce)[..63], "sts.amazonaws.com")),
            ProtocolViolation::MalformedReply { .. }
        ));
        assert!(matches!(
            violation(server_first(&nonce, "sts.amazonaws.com")),
            ProtocolViolation::MalformedReply { .. }
        ));
        assert!(matches!(
            violation(b"not bson".to_vec()),
            ProtocolViolation::MalformedReply { .. }
        ));
        assert!(matches!(
            violation(bson_bytes(&doc! { "h": "sts.amazonaws.com" })),
            ProtocolViolation::MalformedReply { .. }
        ));
    }

    #[test]
    fn the_sts_host_must_be_a_host_name() {
        let nonce = [5; 32];
        for host in [
            "",
            ".sts.amazonaws.com",
            "sts.amazonaws.com.",
            "sts..amazonaws.com",
        ] {
            let result = AwsClient::with_nonce(nonce).handle_server_first(
                &server_first(&extended(nonce), host),
                &credentials(),
                0,
            );
            assert!(
                matches!(&result, Err(ConversationError::Protocol(_))),
                "{host:?}: {result:?}"
            );
        }
        let long = "a".repeat(256);
        let result = AwsClient::with_nonce(nonce).handle_server_first(
            &server_first(&extended(nonce), &long),
            &credentials(),
            0,
        );
        assert!(matches!(result, Err(ConversationError::Protocol(_))));
        for host in ["sts.amazonaws.com", "localhost", &"a".repeat(255)] {
            let last = AwsClient::with_nonce(nonce)
                .handle_server_first(&server_first(&extended(nonce), host), &credentials(), 0)
                .unwrap();
            assert!(!last.payload().is_empty());
        }
    }

    #[test]
    fn the_session_token_goes_in_t_and_is_signed() {
        let nonce = [1; 32];
        let with_token = AwsCredentials::new("AKID", "secret", Some("the-token".to_owned()));
        let last = AwsClient::with_nonce(nonce)
            .handle_server_first(
                &server_first(&extended(nonce), "sts.us-west-2.amazonaws.com"),
                &with_token,
                1_767_225_600,
            )
            .unwrap();
        let message = Document::from_reader(last.payload()).unwrap();
        assert_eq!(message.get_str("t").unwrap(), "the-token");
        let authorization = message.get_str("a").unwrap();
        assert!(authorization.contains("/20260101/us-west-2/sts/aws4_request"));
        assert!(authorization.contains("x-amz-security-token"));
        assert!(!format!("{last:?}").contains("the-token"));
    }
}
