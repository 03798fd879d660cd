//! SCRAM-SHA-1 and SCRAM-SHA-256 (RFC 5802, RFC 7677, MongoDB's variant) as a sans-IO conversation.
//!
//! One type per step, each consumed by `handle_*`:
//!
//! ```text
//! ScramClientFirst --handle_server_first--> ScramServerFirst --handle_keys--> ScramClientFinal
//!     --handle_server_final--> ScramVerified
//! ```
//!
//! Key derivation (PBKDF2) is not a step of its own: [`ScramServerFirst::key_request`] says what to
//! derive, the caller derives it (or takes it from a cache) with [`ScramKeys::derive`], and hands the
//! keys back. That is how the [`Authenticator`](crate::Authenticator) caches keys across connections.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use bson::{Binary, Document, doc, spec::BinarySubtype};
use mongo_auth_core::Password;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::mechanism::error::{ConversationError, CredentialError, ProtocolViolation};

mod keys;
mod pbkdf2;

pub(crate) use keys::{PasswordInput, lower_hex};
pub use keys::{
    ScramKeyRequest, ScramKeys, ScramMechanism, mongodb_password_digest, saslprep_password,
};

/// The minimum iteration count the SCRAM spec allows a server to ask for (the rulebook's
/// [`MIN_SCRAM_ITERATIONS`](mongo_auth_core::rules::MIN_SCRAM_ITERATIONS)).
///
/// ```
/// assert_eq!(mongo_auth::mechanism::scram::MIN_ITERATIONS, 4096);
/// ```
pub const MIN_ITERATIONS: u32 = mongo_auth_core::rules::MIN_SCRAM_ITERATIONS;

/// The longest server-first message accepted, in bytes. A real one (nonce, salt, iteration count)
/// is about a hundred bytes.
///
/// ```
/// assert_eq!(mongo_auth::mechanism::scram::MAX_SERVER_FIRST_LEN, 4096);
/// ```
pub const MAX_SERVER_FIRST_LEN: usize = 4096;

/// The longest salt accepted once decoded, in bytes. MongoDB's salts are 16 (SHA-1) or 28
/// (SHA-256) bytes.
///
/// ```
/// assert_eq!(mongo_auth::mechanism::scram::MAX_SALT_LEN, 128);
/// ```
pub const MAX_SALT_LEN: usize = 128;

/// `base64("n,,")`: the gs2 header without channel binding, echoed in client-final.
const GS2_HEADER_BASE64: &str = "biws";

/// RFC 5802 `saslname`: `=` becomes `=3D` and `,` becomes `=2C`; nothing else changes.
///
/// ```
/// use mongo_auth::mechanism::scram::escape_username;
/// assert_eq!(escape_username("a,b=c"), "a=2Cb=3Dc");
/// ```
pub fn escape_username(username: &str) -> String {
    let mut out = String::with_capacity(username.len());
    for c in username.chars() {
        match c {
            '=' => out.push_str("=3D"),
            ',' => out.push_str("=2C"),
            c => out.push(c),
        }
    }
    out
}

/// A fresh client nonce: base64 of 24 bytes from the operating system's CSPRNG.
fn random_nonce() -> Result<String, ConversationError> {
    let mut bytes = [0u8; 24];
    getrandom::fill(&mut bytes).map_err(|e| {
        ConversationError::Io(std::io::Error::other(format!(
            "the operating system's random number generator failed: {e}"
        )))
    })?;
    Ok(BASE64.encode(bytes))
}

/// The first step: the client-first message is ready to send.
///
/// ```
/// use mongo_auth::Password;
/// use mongo_auth::mechanism::scram::{ScramClientFirst, ScramMechanism};
/// let first = ScramClientFirst::new(ScramMechanism::Sha256, "app,user", &Password::new("pw")).unwrap();
/// let message = String::from_utf8(first.message()).unwrap();
/// assert!(message.starts_with("n,,n=app=2Cuser,r="));
/// let command = first.sasl_start();
/// assert_eq!(command.get_str("mechanism").unwrap(), "SCRAM-SHA-256");
/// ```
#[derive(Debug)]
#[must_use = "a SCRAM step does nothing until its message is sent and the reply handled"]
pub struct ScramClientFirst {
    mechanism: ScramMechanism,
    password: PasswordInput,
    client_nonce: String,
    client_first_bare: String,
}

impl ScramClientFirst {
    /// Starts a conversation with a fresh CSPRNG nonce. The SHA-1 password digest or the SHA-256
    /// SASLprep is computed here, so a password SASLprep rejects fails before anything is sent.
    pub fn new(
        mechanism: ScramMechanism,
        username: &str,
        password: &Password,
    ) -> Result<Self, ConversationError> {
        let nonce = random_nonce()?;
        Self::with_nonce(mechanism, username, password, &nonce)
    }

    /// Starts a conversation with a given nonce. Only for test vectors: a fixed nonce makes the
    /// conversation replayable. The nonce must be printable ASCII without `,`.
    pub fn with_nonce(
        mechanism: ScramMechanism,
        username: &str,
        password: &Password,
        nonce: &str,
    ) -> Result<Self, ConversationError> {
        if nonce.is_empty()
            || !nonce
                .bytes()
                .all(|b| (0x21..=0x7e).contains(&b) && b != b',')
        {
            return Err(ConversationError::Credential(CredentialError {
                problem: "a SCRAM client nonce must be non-empty printable ASCII without ','"
                    .to_owned(),
            }));
        }
        let password = match mechanism {
            ScramMechanism::Sha1 => PasswordInput(
                mongodb_password_digest(username, password)
                    .as_bytes()
                    .to_vec(),
            ),
            ScramMechanism::Sha256 => {
                PasswordInput(saslprep_password(password)?.as_bytes().to_vec())
            }
        };
        let client_first_bare = format!("n={},r={}", escape_username(username), nonce);
        Ok(Self {
            mechanism,
            password,
            client_nonce: nonce.to_owned(),
            client_first_bare,
        })
    }

    /// The SCRAM variant.
    pub fn mechanism(&self) -> ScramMechanism {
        self.mechanism
    }

    /// The client-first message: `n,,n=<user>,r=<nonce>` (never advertising channel binding).
    pub fn message(&self) -> Vec<u8> {
        format!("n,,{}", self.client_first_bare).into_bytes()
    }

    /// The `saslStart` command carrying the client-first message, with `skipEmptyExchange`.
    /// For speculative authentication, add `db: <source>` and put it in hello's
    /// `speculativeAuthenticate`.
    pub fn sasl_start(&self) -> Document {
        doc! {
            "saslStart": 1,
            "mechanism": self.mechanism.mechanism().as_str(),
            "payload": Binary { subtype: BinarySubtype::Generic, bytes: self.message() },
            "autoAuthorize": 1,
            "options": { "skipEmptyExchange": true },
        }
    }

    /// Parses and checks the server-first message: at most [`MAX_SERVER_FIRST_LEN`] bytes, no
    /// mandatory extension, a nonce that extends ours, a valid base64 salt of at most
    /// [`MAX_SALT_LEN`] bytes, an integer iteration count within `[4096, max_iterations]`.
    pub fn handle_server_first(
        self,
        payload: &[u8],
        max_iterations: u32,
    ) -> Result<ScramServerFirst, ConversationError> {
        let mechanism = Some(self.mechanism.mechanism());
        let malformed = |problem: &str| {
            ConversationError::protocol(
                mechanism,
                ProtocolViolation::MalformedScramMessage {
                    message: "server-first-message",
                    problem: problem.to_owned(),
                },
            )
        };
        if payload.len() > MAX_SERVER_FIRST_LEN {
            return Err(malformed(&format!(
                "{} bytes long, more than the {MAX_SERVER_FIRST_LEN} accepted",
                payload.len()
            )));
        }
        let text = std::str::from_utf8(payload).map_err(|_| malformed("not utf-8"))?;
        let mut nonce = None;
        let mut salt = None;
        let mut iterations = None;
        for (index, attribute) in text.split(',').enumerate() {
            let bytes = attribute.as_bytes();
            if bytes.len() < 2 || bytes[1] != b'=' || !bytes[0].is_ascii_alphabetic() {
                return Err(malformed("an attribute is not of the form x=value"));
            }
            let value = &attribute[2..];
            match (index, bytes[0]) {
                (0, b'm') => {
                    return Err(ConversationError::protocol(
                        mechanism,
                        ProtocolViolation::MandatoryExtension,
                    ));
                }
                (0, b'r') => nonce = Some(value),
                (0, _) => return Err(malformed("the first attribute is not r=")),
                (1, b's') => {
                    // base64 of MAX_SALT_LEN bytes is at most 4 * ceil(MAX_SALT_LEN / 3) long
                    if value.len() > MAX_SALT_LEN.div_ceil(3) * 4 {
                        return Err(malformed(&format!(
                            "the salt (s=) is longer than the {MAX_SALT_LEN} bytes accepted"
                        )));
                    }
                    let decoded = BASE64
                        .decode(value)
                        .map_err(|_| malformed("the salt (s=) is not valid base64"))?;
                    if decoded.is_empty() {
                        return Err(malformed("the salt (s=) is empty"));
                    }
                    if decoded.len() > MAX_SALT_LEN {
                        return Err(malformed(&format!(
                            "the salt (s=) is longer than the {MAX_SALT_LEN} bytes accepted"
                        )));
                    }
                    salt = Some(decoded);
                }
                (1, _) => return Err(malformed("the second attribute is not s=")),
                (2, b'i') => {
                    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
                        return Err(malformed(
                            "the iteration count (i=) is not a positive integer",
                        ));
                    }
                    let count: u32 = value.parse().map_err(|_| {
                        malformed("the iteration count (i=) does not fit in 32 bits")
                    })?;
                    iterations = Some(count);
                }
                (2, _) => return Err(malformed("the third attribute is not i=")),
                // Optional extensions after i= are ignored, as RFC 5802 allows.
                _ => {}
            }
        }
        let nonce = nonce.ok_or_else(|| malformed("the nonce (r=) is missing"))?;
        let salt = salt.ok_or_else(|| malformed("the salt (s=) is missing"))?;
        let iterations =
            iterations.ok_or_else(|| malformed("the iteration count (i=) is missing"))?;

        if nonce.len() <= self.client_nonce.len() || !nonce.starts_with(self.client_nonce.as_str())
        {
            return Err(ConversationError::protocol(
                mechanism,
                ProtocolViolation::NonceNotExtended,
            ));
        }
        if !nonce.bytes().all(|b| (0x21..=0x7e).contains(&b)) {
            return Err(malformed(
                "the nonce (r=) has characters outside printable ascii",
            ));
        }
        if iterations < MIN_ITERATIONS {
            return Err(ConversationError::protocol(
                mechanism,
                ProtocolViolation::IterationCountTooLow { iterations },
            ));
        }
        if iterations > max_iterations {
            return Err(ConversationError::protocol(
                mechanism,
                ProtocolViolation::IterationCountTooHigh {
                    iterations,
                    maximum: max_iterations,
                },
            ));
        }
        let full_nonce = nonce.to_owned();
        Ok(ScramServerFirst {
            request: ScramKeyRequest {
                mechanism: self.mechanism,
                password: self.password.clone(),
                salt,
                iterations,
            },
            auth_message_prefix: format!(
                "{},{},c={GS2_HEADER_BASE64},r={full_nonce}",
                self.client_first_bare, text
            ),
            full_nonce,
        })
    }
}

/// The second step: the server-first message checked out; the keys for its salt and iteration
/// count are needed.
///
/// ```
/// use mongo_auth::Password;
/// use mongo_auth::mechanism::scram::{ScramClientFirst, ScramKeys, ScramMechanism};
/// let first = ScramClientFirst::with_nonce(
///     ScramMechanism::Sha1, "user", &Password::new("pencil"), "fyko+d2lbbFgONRv9qkxdawL").unwrap();
/// let server_first = first.handle_server_first(
///     b"r=fyko+d2lbbFgONRv9qkxdawLHo+Vgk7qvUOKUwuWLIWg4l/9SraGMHEE,s=rQ9ZY3MntBeuP3E1TDVC4w==,i=10000",
///     100_000,
/// ).unwrap();
/// let keys = ScramKeys::derive(&server_first.key_request());
/// let client_final = server_first.handle_keys(&keys);
/// assert_eq!(
///     client_final.message(),
///     b"c=biws,r=fyko+d2lbbFgONRv9qkxdawLHo+Vgk7qvUOKUwuWLIWg4l/9SraGMHEE,p=MC2T8BvbmWRckDw8oWl5IVghwCY="
/// );
/// client_final.handle_server_final(b"v=UMWeI25JD1yNYZRMpZ4VHvhZ9e0=").unwrap();
/// ```
#[derive(Debug)]
#[must_use = "a SCRAM step does nothing until its message is sent and the reply handled"]
pub struct ScramServerFirst {
    request: ScramKeyRequest,
    auth_message_prefix: String,
    full_nonce: String,
}

impl ScramServerFirst {
    /// What to derive (and the cache key under which to keep it).
    pub fn key_request(&self) -> ScramKeyRequest {
        self.request.clone()
    }

    /// The SCRAM variant.
    pub fn mechanism(&self) -> ScramMechanism {
        self.request.mechanism
    }

    /// Computes the client proof and the server signature to expect.
    pub fn handle_keys(self, keys: &ScramKeys) -> ScramClientFinal {
        let mechanism = self.request.mechanism;
        let auth_message = self.auth_message_prefix.as_bytes();
        let stored_key = Zeroizing::new(mechanism.hash(&keys.client_key));
        let client_signature = Zeroizing::new(mechanism.hmac(&stored_key, auth_message));
        let proof: Zeroizing<Vec<u8>> = Zeroizing::new(
            keys.client_key
                .iter()
                .zip(client_signature.iter())
                .map(|(k, s)| k ^ s)
                .collect(),
        );
        let expected_server_signature =
            Zeroizing::new(mechanism.hmac(&keys.server_key, auth_message));
        let proof = Zeroizing::new(BASE64.encode(&*proof));
        // Sized up front so that no reallocation leaves a copy of the proof behind.
        let mut message = Zeroizing::new(Vec::with_capacity(
            "c=,r=,p=".len() + GS2_HEADER_BASE64.len() + self.full_nonce.len() + proof.len(),
        ));
        for part in [
            "c=",
            GS2_HEADER_BASE64,
            ",r=",
            self.full_nonce.as_str(),
            ",p=",
            proof.as_str(),
        ] {
            message.extend_from_slice(part.as_bytes());
        }
        ScramClientFinal {
            mechanism,
            message,
            expected_server_signature,
        }
    }
}

/// The third step: the client-final message is ready; the server-final message must prove the
/// server knows the password. `Debug` hides the proof and the expected signature.
///
/// ```
/// use mongo_auth::mechanism::scram::ScramKeys;
/// # use mongo_auth::Password;
/// # use mongo_auth::mechanism::scram::{ScramClientFirst, ScramMechanism};
/// # let first = ScramClientFirst::with_nonce(
/// #     ScramMechanism::Sha1, "user", &Password::new("pencil"), "fyko+d2lbbFgONRv9qkxdawL").unwrap();
/// # let server_first = first.handle_server_first(
/// #     b"r=fyko+d2lbbFgONRv9qkxdawLHo+Vgk7qvUOKUwuWLIWg4l/9SraGMHEE,s=rQ9ZY3MntBeuP3E1TDVC4w==,i=10000",
/// #     100_000,
/// # ).unwrap();
/// let keys = ScramKeys::derive(&server_first.key_request());
/// let client_final = server_first.handle_keys(&keys);
/// assert!(client_final.message().starts_with(b"c=biws,r=fyko+d2lbbFgONRv9qkxdawL"));
/// // a server that cannot prove it knows the password broke the protocol; it is not a wrong password
/// let error = client_final.handle_server_final(b"v=AAAAAAAAAAAAAAAAAAAAAAAAAAA=").unwrap_err();
/// assert!(matches!(error, mongo_auth::mechanism::ConversationError::Protocol(_)));
/// ```
#[must_use = "a SCRAM step does nothing until its message is sent and the reply handled"]
pub struct ScramClientFinal {
    mechanism: ScramMechanism,
    /// Holds the client proof: zeroed when dropped.
    message: Zeroizing<Vec<u8>>,
    /// Zeroed when dropped.
    expected_server_signature: Zeroizing<Vec<u8>>,
}

impl fmt::Debug for ScramClientFinal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScramClientFinal")
            .field("mechanism", &self.mechanism)
            .finish_non_exhaustive()
    }
}

impl ScramClientFinal {
    /// The client-final message: `c=biws,r=<full nonce>,p=<proof>`.
    pub fn message(&self) -> &[u8] {
        &self.message
    }

    /// The SCRAM variant.
    pub fn mechanism(&self) -> ScramMechanism {
        self.mechanism
    }

    /// Checks the server-final message: `e=` is an authentication failure with the server's text;
    /// `v=` is compared with the expected signature in constant time.
    pub fn handle_server_final(self, payload: &[u8]) -> Result<ScramVerified, ConversationError> {
        let mechanism = Some(self.mechanism.mechanism());
        let malformed = |problem: &str| {
            ConversationError::protocol(
                mechanism,
                ProtocolViolation::MalformedScramMessage {
                    message: "server-final-message",
                    problem: problem.to_owned(),
                },
            )
        };
        let text = std::str::from_utf8(payload).map_err(|_| malformed("not utf-8"))?;
        let first = text.split(',').next().unwrap_or_default();
        if let Some(server_error) = first.strip_prefix("e=") {
            return Err(ConversationError::Authentication(
                crate::mechanism::error::AuthenticationError {
                    mechanism: self.mechanism.mechanism(),
                    code: None,
                    code_name: None,
                    message: format!(
                        "the server ended the SCRAM conversation with e={}",
                        crate::reply::server_text(server_error)
                    ),
                    hint: None,
                },
            ));
        }
        let Some(signature) = first.strip_prefix("v=") else {
            return Err(malformed("neither v= nor e= comes first"));
        };
        let signature = BASE64
            .decode(signature)
            .map_err(|_| malformed("the server signature (v=) is not valid base64"))?;
        if bool::from(
            signature
                .as_slice()
                .ct_eq(self.expected_server_signature.as_slice()),
        ) {
            Ok(ScramVerified {
                mechanism: self.mechanism,
            })
        } else {
            Err(ConversationError::protocol(
                mechanism,
                ProtocolViolation::ServerSignatureMismatch,
            ))
        }
    }
}

/// The last step: the server proved it knows the password. The SASL envelope may still need an
/// empty `saslContinue` if the server did not say `done: true` (the long conversation).
///
/// ```
/// # use mongo_auth::Password;
/// # use mongo_auth::mechanism::scram::{ScramClientFirst, ScramKeys, ScramMechanism};
/// # let first = ScramClientFirst::with_nonce(
/// #     ScramMechanism::Sha1, "user", &Password::new("pencil"), "fyko+d2lbbFgONRv9qkxdawL").unwrap();
/// # let server_first = first.handle_server_first(
/// #     b"r=fyko+d2lbbFgONRv9qkxdawLHo+Vgk7qvUOKUwuWLIWg4l/9SraGMHEE,s=rQ9ZY3MntBeuP3E1TDVC4w==,i=10000",
/// #     100_000,
/// # ).unwrap();
/// # let client_final = { let keys = ScramKeys::derive(&server_first.key_request()); server_first.handle_keys(&keys) };
/// let verified = client_final.handle_server_final(b"v=UMWeI25JD1yNYZRMpZ4VHvhZ9e0=").unwrap();
/// assert_eq!(verified.mechanism().mechanism().as_str(), "SCRAM-SHA-1");
/// ```
#[derive(Debug)]
pub struct ScramVerified {
    mechanism: ScramMechanism,
}

impl ScramVerified {
    /// The SCRAM variant.
    pub fn mechanism(&self) -> ScramMechanism {
        self.mechanism
    }
}

#[cfg(test)]
mod tests;
