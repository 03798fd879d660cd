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
use hmac::{KeyInit, Mac};
use md5::Digest as _;
use mongo_auth_core::{Mechanism, Password};
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::mechanism::error::{ConversationError, CredentialError, ProtocolViolation};

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

/// Which SCRAM variant a conversation uses.
///
/// ```
/// use mongo_auth::mechanism::scram::ScramMechanism;
/// assert_eq!(ScramMechanism::Sha256.mechanism().as_str(), "SCRAM-SHA-256");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ScramMechanism {
    /// SCRAM-SHA-1 with MongoDB's password digest `hex(md5(user:mongo:password))`.
    Sha1,
    /// SCRAM-SHA-256 with a SASLprep'd password.
    Sha256,
}

impl ScramMechanism {
    /// The corresponding [`Mechanism`].
    pub const fn mechanism(self) -> Mechanism {
        match self {
            ScramMechanism::Sha1 => Mechanism::ScramSha1,
            ScramMechanism::Sha256 => Mechanism::ScramSha256,
        }
    }

    /// The SCRAM variant of a mechanism, or `None` for a mechanism that is not SCRAM.
    ///
    /// ```
    /// use mongo_auth::Mechanism;
    /// use mongo_auth::mechanism::scram::ScramMechanism;
    /// assert_eq!(ScramMechanism::from_mechanism(Mechanism::ScramSha1), Some(ScramMechanism::Sha1));
    /// assert_eq!(ScramMechanism::from_mechanism(Mechanism::Plain), None);
    /// ```
    pub const fn from_mechanism(mechanism: Mechanism) -> Option<Self> {
        match mechanism {
            Mechanism::ScramSha1 => Some(ScramMechanism::Sha1),
            Mechanism::ScramSha256 => Some(ScramMechanism::Sha256),
            _ => None,
        }
    }

    fn hmac(self, key: &[u8], message: &[u8]) -> Vec<u8> {
        match self {
            ScramMechanism::Sha1 => {
                let mut mac = hmac::Hmac::<sha1::Sha1>::new_from_slice(key)
                    .expect("hmac accepts keys of any length");
                mac.update(message);
                mac.finalize().into_bytes().to_vec()
            }
            ScramMechanism::Sha256 => {
                let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key)
                    .expect("hmac accepts keys of any length");
                mac.update(message);
                mac.finalize().into_bytes().to_vec()
            }
        }
    }

    fn hash(self, message: &[u8]) -> Vec<u8> {
        match self {
            ScramMechanism::Sha1 => sha1::Sha1::digest(message).to_vec(),
            ScramMechanism::Sha256 => sha2::Sha256::digest(message).to_vec(),
        }
    }

    fn output_len(self) -> usize {
        match self {
            ScramMechanism::Sha1 => 20,
            ScramMechanism::Sha256 => 32,
        }
    }

    /// PBKDF2-HMAC with this variant's hash, `dkLen` = the hash length: SCRAM's `Hi()`.
    ///
    /// ```
    /// use mongo_auth::mechanism::scram::ScramMechanism;
    /// let salted = ScramMechanism::Sha256.hi(b"pencil", b"salt", 4096);
    /// assert_eq!(salted.len(), 32);
    /// ```
    pub fn hi(self, password: &[u8], salt: &[u8], iterations: u32) -> Zeroizing<Vec<u8>> {
        let mut out = Zeroizing::new(vec![0u8; self.output_len()]);
        match self {
            ScramMechanism::Sha1 => {
                pbkdf2::pbkdf2_hmac::<sha1::Sha1>(password, salt, iterations, &mut out)
            }
            ScramMechanism::Sha256 => {
                pbkdf2::pbkdf2_hmac::<sha2::Sha256>(password, salt, iterations, &mut out)
            }
        }
        out
    }
}

/// MongoDB's SCRAM-SHA-1 and MONGODB-CR password digest: `hex(md5(username + ":mongo:" + password))`,
/// lower-case.
///
/// ```
/// use mongo_auth::Password;
/// use mongo_auth::mechanism::scram::mongodb_password_digest;
/// let digest = mongodb_password_digest("user", &Password::new("pencil"));
/// assert_eq!(digest.as_str(), "1c33006ec1ffd90f9cadcbcc0e118200");
/// ```
pub fn mongodb_password_digest(username: &str, password: &Password) -> Zeroizing<String> {
    let mut hasher = md5::Md5::new();
    hasher.update(username.as_bytes());
    hasher.update(b":mongo:");
    hasher.update(password.expose_secret().as_bytes());
    let mut digest = hasher.finalize();
    let hex = Zeroizing::new(lower_hex(&digest));
    digest.as_mut_slice().zeroize();
    hex
}

pub(crate) fn lower_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 0xf)] as char);
    }
    out
}

/// SASLprep (RFC 4013) of a SCRAM-SHA-256 password; a prohibited character is a credential error.
///
/// ```
/// use mongo_auth::Password;
/// use mongo_auth::mechanism::scram::saslprep_password;
/// // U+00AD (soft hyphen) maps to nothing; U+2168 (roman numeral nine) normalizes to "IX".
/// assert_eq!(saslprep_password(&Password::new("I\u{00AD}X")).unwrap().as_str(), "IX");
/// assert_eq!(saslprep_password(&Password::new("\u{2168}")).unwrap().as_str(), "IX");
/// assert!(saslprep_password(&Password::new("a\u{0007}b")).is_err());
/// ```
pub fn saslprep_password(password: &Password) -> Result<Zeroizing<String>, ConversationError> {
    match stringprep::saslprep(password.expose_secret()) {
        Ok(prepared) => Ok(Zeroizing::new(prepared.into_owned())),
        Err(_) => Err(ConversationError::Credential(CredentialError {
            problem: "the password contains a character that SASLprep (RFC 4013) prohibits, so \
                      SCRAM-SHA-256 cannot use it; change the password or use SCRAM-SHA-1"
                .to_owned(),
        })),
    }
}

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

/// The password bytes PBKDF2 runs on: the MD5 digest (SHA-1) or the SASLprep'd password (SHA-256).
#[derive(Clone, PartialEq, Eq, Hash, Zeroize, ZeroizeOnDrop)]
struct PasswordInput(Vec<u8>);

impl fmt::Debug for PasswordInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// What PBKDF2 must derive for one conversation: mechanism, password input, salt, iteration count.
///
/// The [`Authenticator`](crate::Authenticator)'s cache keeps the derived keys under the mechanism,
/// salt and iteration count only (an authenticator has one credential). `Debug` never shows the
/// password input, and it is zeroized on drop.
///
/// ```
/// use mongo_auth::Password;
/// use mongo_auth::mechanism::scram::{ScramClientFirst, ScramKeys, ScramMechanism};
/// let first = ScramClientFirst::with_nonce(
///     ScramMechanism::Sha256, "user", &Password::new("pencil"), "rOprNGfwEbeRWgbNEkqO").unwrap();
/// let server_first = first.handle_server_first(
///     b"r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
///     100_000,
/// ).unwrap();
/// let request = server_first.key_request();
/// assert_eq!(request.iterations(), 4096);
/// let keys = ScramKeys::derive(&request);
/// # let _ = keys;
/// ```
#[derive(Clone, Debug)]
pub struct ScramKeyRequest {
    mechanism: ScramMechanism,
    password: PasswordInput,
    salt: Vec<u8>,
    iterations: u32,
}

impl ScramKeyRequest {
    /// The SCRAM variant.
    pub fn mechanism(&self) -> ScramMechanism {
        self.mechanism
    }

    /// The salt the server sent.
    pub fn salt(&self) -> &[u8] {
        &self.salt
    }

    /// The iteration count the server sent (already checked against the bounds).
    pub fn iterations(&self) -> u32 {
        self.iterations
    }
}

/// `ClientKey` and `ServerKey` derived from the salted password. Zeroized on drop; `Debug` is
/// redacted.
///
/// ```
/// use mongo_auth::Password;
/// use mongo_auth::mechanism::scram::{ScramClientFirst, ScramKeys, ScramMechanism};
/// # let first = ScramClientFirst::with_nonce(
/// #     ScramMechanism::Sha256, "user", &Password::new("pencil"), "rOprNGfwEbeRWgbNEkqO").unwrap();
/// # let server_first = first.handle_server_first(
/// #     b"r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
/// #     100_000,
/// # ).unwrap();
/// let keys = ScramKeys::derive(&server_first.key_request());
/// assert_eq!(format!("{keys:?}"), "ScramKeys(<redacted>)");
/// ```
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct ScramKeys {
    client_key: Vec<u8>,
    server_key: Vec<u8>,
}

impl fmt::Debug for ScramKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ScramKeys(<redacted>)")
    }
}

impl ScramKeys {
    /// Runs PBKDF2 (`Hi`) and the two HMACs. This is the expensive part of SCRAM (milliseconds);
    /// run it off async worker threads.
    pub fn derive(request: &ScramKeyRequest) -> ScramKeys {
        let mechanism = request.mechanism;
        let salted = mechanism.hi(&request.password.0, &request.salt, request.iterations);
        ScramKeys {
            client_key: mechanism.hmac(&salted, b"Client Key"),
            server_key: mechanism.hmac(&salted, b"Server Key"),
        }
    }
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
mod tests {
    use super::*;

    const SHA1_NONCE: &str = "fyko+d2lbbFgONRv9qkxdawL";

    #[test]
    fn the_client_final_message_and_expected_signature_are_zeroed_on_drop() {
        fn zeroed_on_drop<T: zeroize::Zeroize>(_: &Zeroizing<T>) {}
        let first = ScramClientFirst::with_nonce(
            ScramMechanism::Sha1,
            "user",
            &Password::new("pencil"),
            SHA1_NONCE,
        )
        .unwrap();
        let server_first = first
            .handle_server_first(SHA1_SERVER_FIRST, 100_000)
            .unwrap();
        let keys = ScramKeys::derive(&server_first.key_request());
        let client_final = server_first.handle_keys(&keys);
        zeroed_on_drop(&client_final.message);
        zeroed_on_drop(&client_final.expected_server_signature);
        // Built in place, the message is still the RFC 5802 one.
        assert_eq!(
            client_final.message(),
            b"c=biws,r=fyko+d2lbbFgONRv9qkxdawLHo+Vgk7qvUOKUwuWLIWg4l/9SraGMHEE,p=MC2T8BvbmWRckDw8oWl5IVghwCY="
        );
        assert_eq!(
            client_final.message().len(),
            client_final.message.capacity()
        );
    }
    const SHA1_SERVER_FIRST: &[u8] =
        b"r=fyko+d2lbbFgONRv9qkxdawLHo+Vgk7qvUOKUwuWLIWg4l/9SraGMHEE,s=rQ9ZY3MntBeuP3E1TDVC4w==,i=10000";
    const SHA256_NONCE: &str = "rOprNGfwEbeRWgbNEkqO";
    const SHA256_SERVER_FIRST: &[u8] =
        b"r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";

    fn first(
        mechanism: ScramMechanism,
        user: &str,
        password: &str,
        nonce: &str,
    ) -> ScramClientFirst {
        ScramClientFirst::with_nonce(mechanism, user, &Password::new(password), nonce).unwrap()
    }

    /// The RFC 7677 SHA-256 conversation for user `user`, driven up to the client-final message.
    fn sha256_client_final(password: &str) -> ScramClientFinal {
        let server_first = first(ScramMechanism::Sha256, "user", password, SHA256_NONCE)
            .handle_server_first(SHA256_SERVER_FIRST, 1_000_000)
            .unwrap();
        let keys = ScramKeys::derive(&server_first.key_request());
        server_first.handle_keys(&keys)
    }

    fn violation(err: ConversationError) -> ProtocolViolation {
        match err {
            ConversationError::Protocol(e) => e.violation,
            other => panic!("expected a protocol error, got {other:?}"),
        }
    }

    #[test]
    fn sha1_digest_vector() {
        let digest = mongodb_password_digest("user", &Password::new("pencil"));
        assert_eq!(digest.as_str(), "1c33006ec1ffd90f9cadcbcc0e118200");
    }

    #[test]
    fn sha1_conversation_vector() {
        let c = first(ScramMechanism::Sha1, "user", "pencil", SHA1_NONCE);
        assert_eq!(c.message(), b"n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL");
        let s = c.handle_server_first(SHA1_SERVER_FIRST, 1_000_000).unwrap();
        let keys = ScramKeys::derive(&s.key_request());
        let f = s.handle_keys(&keys);
        let msg = std::str::from_utf8(f.message()).unwrap();
        assert!(msg.ends_with(",p=MC2T8BvbmWRckDw8oWl5IVghwCY="), "{msg}");
        f.handle_server_final(b"v=UMWeI25JD1yNYZRMpZ4VHvhZ9e0=")
            .unwrap();
    }

    #[test]
    fn sha256_conversation_vector() {
        let f = sha256_client_final("pencil");
        let msg = std::str::from_utf8(f.message()).unwrap();
        assert_eq!(
            msg,
            "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,\
             p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
        );
        f.handle_server_final(b"v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")
            .unwrap();
    }

    #[test]
    fn wrong_server_signature_is_rejected() {
        let f = sha256_client_final("pencil");
        let err = f
            .handle_server_final(b"v=7rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")
            .unwrap_err();
        assert_eq!(violation(err), ProtocolViolation::ServerSignatureMismatch);
    }

    #[test]
    fn wrong_password_gives_a_different_proof_and_signature() {
        let f = sha256_client_final("pencil2");
        assert!(
            !f.message()
                .ends_with(b"p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=")
        );
        let err = f
            .handle_server_final(b"v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")
            .unwrap_err();
        assert_eq!(violation(err), ProtocolViolation::ServerSignatureMismatch);
    }

    #[test]
    fn server_error_attribute_is_an_authentication_failure_with_its_text() {
        let f = sha256_client_final("pencil");
        match f.handle_server_final(b"e=invalid-proof").unwrap_err() {
            ConversationError::Authentication(e) => {
                assert!(e.message.contains("invalid-proof"), "{}", e.message)
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn usernames_are_escaped_and_nothing_else() {
        assert_eq!(escape_username("=,"), "=3D=2C");
        assert_eq!(escape_username("ünïcode user"), "ünïcode user");
        let c = first(ScramMechanism::Sha1, "a=b,c", "p", "abc");
        assert_eq!(c.message(), b"n,,n=a=3Db=2Cc,r=abc");
    }

    #[test]
    fn saslprep_cases_of_the_spec() {
        // IX / IX authenticates with "IX" and with "I\u{00AD}X" (soft hyphen mapped to nothing).
        assert_eq!(
            saslprep_password(&Password::new("IX")).unwrap().as_str(),
            "IX"
        );
        assert_eq!(
            saslprep_password(&Password::new("I\u{00AD}X"))
                .unwrap()
                .as_str(),
            "IX"
        );
        // \u{2163} (roman numeral four) normalizes to "IV" under NFKC; "I\u{00AD}V" too.
        assert_eq!(
            saslprep_password(&Password::new("\u{2163}"))
                .unwrap()
                .as_str(),
            "IV"
        );
        assert_eq!(
            saslprep_password(&Password::new("I\u{00AD}V"))
                .unwrap()
                .as_str(),
            "IV"
        );
        // Non-ASCII space maps to a space.
        assert_eq!(
            saslprep_password(&Password::new("a\u{00A0}b"))
                .unwrap()
                .as_str(),
            "a b"
        );
        // Prohibited: control characters, and a bidi string violating RFC 3454 6.
        for bad in ["a\u{0007}", "\u{0627}1"] {
            assert!(
                matches!(
                    saslprep_password(&Password::new(bad)),
                    Err(ConversationError::Credential(_))
                ),
                "{bad:?}"
            );
        }
        // The username is never SASLprep'd.
        let c = first(ScramMechanism::Sha256, "\u{2168}", "IV", "abc");
        assert_eq!(c.message(), "n,,n=\u{2168},r=abc".as_bytes());
    }

    #[test]
    fn sha256_with_prohibited_password_fails_before_sending() {
        let err = ScramClientFirst::new(ScramMechanism::Sha256, "u", &Password::new("x\u{0000}"))
            .unwrap_err();
        assert!(matches!(err, ConversationError::Credential(_)));
        // SHA-1 does not SASLprep: the same password is accepted.
        let sha1 = ScramClientFirst::new(ScramMechanism::Sha1, "u", &Password::new("x\u{0000}"));
        assert!(sha1.is_ok());
    }

    #[test]
    fn random_nonces_are_long_printable_and_distinct() {
        let a = ScramClientFirst::new(ScramMechanism::Sha1, "u", &Password::new("p")).unwrap();
        let b = ScramClientFirst::new(ScramMechanism::Sha1, "u", &Password::new("p")).unwrap();
        assert_ne!(a.client_nonce, b.client_nonce);
        assert!(a.client_nonce.len() >= 32);
        assert!(!a.client_nonce.contains(','));
    }

    #[test]
    fn hostile_server_first_messages_are_typed_errors() {
        let nonce = "abcdef";
        let cases: &[(&[u8], &str)] = &[
            (b"", "malformed"),
            (b"r", "malformed"),
            (b"r=", "malformed"),
            (b"r=abc", "malformed"),
            (b"r=,s=c2FsdA==,i=4096", "nonce"),
            (b"r=abc,s=c2FsdA==,i=4096", "nonce"),
            (b"r=abcdef,s=c2FsdA==,i=4096", "nonce"),
            (b"r=xbcdefg,s=c2FsdA==,i=4096", "nonce"),
            (b"r=abcde\xff,s=c2FsdA==,i=4096", "malformed"),
            (b"m=ext,r=abcdefX,s=c2FsdA==,i=4096", "mext"),
            (b"r=abcdefX,s=!!!,i=4096", "malformed"),
            (b"r=abcdefX,s=,i=4096", "malformed"),
            (b"r=abcdefX,s=c2FsdA==", "malformed"),
            (b"r=abcdefX,s=c2FsdA==,i=", "malformed"),
            (b"r=abcdefX,s=c2FsdA==,i=-4096", "malformed"),
            (b"r=abcdefX,s=c2FsdA==,i=+4096", "malformed"),
            (b"r=abcdefX,s=c2FsdA==,i=4096.0", "malformed"),
            (b"r=abcdefX,s=c2FsdA==,i=99999999999999", "malformed"),
            (b"r=abcdefX,s=c2FsdA==,i=4095", "low"),
            (b"r=abcdefX,s=c2FsdA==,i=0", "low"),
            (b"r=abcdefX,s=c2FsdA==,i=200001", "high"),
            (b"s=c2FsdA==,r=abcdefX,i=4096", "malformed"),
            (b"r=abcdefX,i=4096,s=c2FsdA==", "malformed"),
            (b",,,", "malformed"),
            (b"r=abcdefX,,i=4096", "malformed"),
        ];
        for (input, expected) in cases {
            let c = first(ScramMechanism::Sha256, "u", "p", nonce);
            let err = c.handle_server_first(input, 200_000).unwrap_err();
            let v = violation(err);
            let ok = match *expected {
                "malformed" => matches!(v, ProtocolViolation::MalformedScramMessage { .. }),
                "nonce" => v == ProtocolViolation::NonceNotExtended,
                "mext" => v == ProtocolViolation::MandatoryExtension,
                "low" => matches!(v, ProtocolViolation::IterationCountTooLow { .. }),
                "high" => matches!(
                    v,
                    ProtocolViolation::IterationCountTooHigh {
                        maximum: 200_000,
                        ..
                    }
                ),
                _ => unreachable!(),
            };
            assert!(ok, "{:?}: {v:?}", String::from_utf8_lossy(input));
        }
        // Extensions after i= are ignored.
        let c = first(ScramMechanism::Sha256, "u", "p", nonce);
        let s = c
            .handle_server_first(b"r=abcdefX,s=c2FsdA==,i=4096,x=ext", 200_000)
            .unwrap();
        assert_eq!(s.key_request().iterations(), 4096);
        assert_eq!(s.key_request().salt(), b"salt");
    }

    #[test]
    fn server_first_messages_and_salts_are_bounded() {
        let message = |salt: &[u8], extension: usize| {
            let mut text = format!("r=abcdefX,s={},i=4096", BASE64.encode(salt));
            if extension > 0 {
                text.push_str(",x=");
                text.push_str(&"e".repeat(extension));
            }
            text.into_bytes()
        };
        let accepted = |payload: &[u8]| {
            first(ScramMechanism::Sha256, "u", "p", "abcdef").handle_server_first(payload, 200_000)
        };
        // The largest salt and the longest message accepted...
        let salt = accepted(&message(&[7; MAX_SALT_LEN], 0)).unwrap();
        assert_eq!(salt.key_request().salt().len(), MAX_SALT_LEN);
        let base = message(b"salt", 0).len();
        let longest = accepted(&message(b"salt", MAX_SERVER_FIRST_LEN - base - 3)).unwrap();
        assert_eq!(longest.key_request().salt(), b"salt");
        // ...and one byte more of either is refused before anything is decoded or derived.
        for payload in [
            message(&[7; MAX_SALT_LEN + 1], 0),
            message(b"salt", MAX_SERVER_FIRST_LEN - base - 2),
            message(&[7; 1 << 20], 0),
        ] {
            let v = violation(accepted(&payload).unwrap_err());
            assert!(
                matches!(&v, ProtocolViolation::MalformedScramMessage { problem, .. }
                    if problem.contains("accepted")),
                "{v:?}"
            );
        }
    }

    #[test]
    fn hostile_server_final_messages_are_typed_errors() {
        for input in [
            &b""[..],
            b"x",
            b"v=",
            b"v=!!!",
            b"\xff",
            b"r=abc",
            b"v=AAAA",
        ] {
            let f = sha256_client_final("pencil");
            let err = f.handle_server_final(input).unwrap_err();
            assert!(
                matches!(err, ConversationError::Protocol(_)),
                "{input:?}: {err:?}"
            );
        }
    }

    #[test]
    fn secrets_do_not_print() {
        let c = first(ScramMechanism::Sha1, "user", "pencil", SHA1_NONCE);
        let digest = mongodb_password_digest("user", &Password::new("pencil"));
        assert!(!format!("{c:?}").contains(digest.as_str()));
        let s = c.handle_server_first(SHA1_SERVER_FIRST, 1_000_000).unwrap();
        let printed = format!("{:?} {:?}", s, s.key_request());
        assert!(
            !printed.contains("pencil") && !printed.contains(digest.as_str()),
            "{printed}"
        );
        assert!(!printed.contains("49, 99, 51"), "{printed}");
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        use proptest::prelude::*;
        proptest!(ProptestConfig::with_cases(512), |(input in proptest::collection::vec(any::<u8>(), 0..80))| {
            let c = first(ScramMechanism::Sha256, "u", "p", "abc");
            let _ = c.handle_server_first(&input, 10_000);
            let mut prefixed = b"r=abcX,s=c2FsdA==,i=".to_vec();
            prefixed.extend_from_slice(&input);
            let c = first(ScramMechanism::Sha256, "u", "p", "abc");
            let _ = c.handle_server_first(&prefixed, 10_000);
        });
    }
}
