//! The SCRAM variant, what it does to the password (MongoDB's digest for SHA-1, SASLprep for
//! SHA-256) and the keys PBKDF2 derives from it: the part of SCRAM the key cache deals in.

use std::fmt;

use hmac::{KeyInit, Mac};
use md5::Digest as _;
use mongo_auth_core::{Mechanism, Password};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::mechanism::error::{ConversationError, CredentialError};

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

    pub(super) fn hmac(self, key: &[u8], message: &[u8]) -> Vec<u8> {
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

    pub(super) fn hash(self, message: &[u8]) -> Vec<u8> {
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
                super::pbkdf2::pbkdf2_hmac_sha1(password, salt, iterations, &mut out)
            }
            ScramMechanism::Sha256 => {
                super::pbkdf2::pbkdf2_hmac_sha256(password, salt, iterations, &mut out)
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

/// The password bytes PBKDF2 runs on: the MD5 digest (SHA-1) or the SASLprep'd password (SHA-256).
#[derive(Clone, PartialEq, Eq, Hash, Zeroize, ZeroizeOnDrop)]
pub(crate) struct PasswordInput(pub(super) Vec<u8>);

impl PasswordInput {
    /// Whether `other` is the same password input, compared in time that does not depend on where
    /// they differ.
    pub(crate) fn matches(&self, other: &Self) -> bool {
        use subtle::ConstantTimeEq;
        self.0.ct_eq(&other.0).into()
    }
}

impl fmt::Debug for PasswordInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// What PBKDF2 must derive for one conversation: mechanism, password input, salt, iteration count.
///
/// The [`Authenticator`](crate::Authenticator)'s cache keeps the derived keys under the mechanism,
/// salt, iteration count and password input (a password read again for each connection may have
/// changed). `Debug` never shows the
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
    pub(super) mechanism: ScramMechanism,
    pub(super) password: PasswordInput,
    pub(super) salt: Vec<u8>,
    pub(super) iterations: u32,
}

impl ScramKeyRequest {
    /// The password input PBKDF2 runs on (the key cache keeps keys per password).
    pub(crate) fn password_input(&self) -> &PasswordInput {
        &self.password
    }

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
    pub(super) client_key: Vec<u8>,
    pub(super) server_key: Vec<u8>,
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
