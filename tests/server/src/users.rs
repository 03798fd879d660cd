//! Users, stored the way mongod stores them: per-mechanism derived keys, never the password.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{KeyInit, Mac};
use md5::{Digest, Md5};
use mongo_auth::Mechanism;
use sha1::Sha1;
use sha2::Sha256;

/// The iteration count mongod uses by default for SCRAM-SHA-1 (`scramIterationCount`).
pub const DEFAULT_SCRAM_SHA_1_ITERATIONS: u32 = 10_000;
/// The iteration count mongod uses by default for SCRAM-SHA-256 (`scramSHA256IterationCount`).
pub const DEFAULT_SCRAM_SHA_256_ITERATIONS: u32 = 15_000;

/// A role granted to a user, reported by `connectionStatus`.
///
/// ```
/// use mongo_auth_test_server::Role;
/// let role = Role::new("readWrite", "shop");
/// assert_eq!(role.to_string(), "readWrite@shop");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    /// The role's name, for example `readWrite`.
    pub role: String,
    /// The database the role is defined on.
    pub db: String,
}

impl Role {
    /// A role `role` on database `db`.
    pub fn new(role: impl Into<String>, db: impl Into<String>) -> Self {
        Self {
            role: role.into(),
            db: db.into(),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}@{}", self.role, self.db)
    }
}

/// A SCRAM credential as mongod keeps it in `admin.system.users`.
#[derive(Clone)]
pub(crate) struct ScramCredential {
    pub(crate) salt: Vec<u8>,
    pub(crate) iterations: u32,
    pub(crate) stored_key: Vec<u8>,
    pub(crate) server_key: Vec<u8>,
}

/// Which SCRAM hash a credential or conversation uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ScramHash {
    Sha1,
    Sha256,
}

impl ScramHash {
    pub(crate) fn mechanism(self) -> Mechanism {
        match self {
            Self::Sha1 => Mechanism::ScramSha1,
            Self::Sha256 => Mechanism::ScramSha256,
        }
    }

    pub(crate) fn hash(self, data: &[u8]) -> Vec<u8> {
        match self {
            Self::Sha1 => Sha1::digest(data).to_vec(),
            Self::Sha256 => Sha256::digest(data).to_vec(),
        }
    }

    pub(crate) fn hmac(self, key: &[u8], data: &[u8]) -> Vec<u8> {
        match self {
            Self::Sha1 => {
                let mut mac = <hmac::Hmac<Sha1> as KeyInit>::new_from_slice(key)
                    .expect("HMAC takes keys of any length");
                mac.update(data);
                mac.finalize().into_bytes().to_vec()
            }
            Self::Sha256 => {
                let mut mac = <hmac::Hmac<Sha256> as KeyInit>::new_from_slice(key)
                    .expect("HMAC takes keys of any length");
                mac.update(data);
                mac.finalize().into_bytes().to_vec()
            }
        }
    }

    fn salted_password(self, password: &[u8], salt: &[u8], iterations: u32) -> Vec<u8> {
        match self {
            Self::Sha1 => {
                let mut out = vec![0u8; 20];
                pbkdf2::pbkdf2_hmac::<Sha1>(password, salt, iterations, &mut out);
                out
            }
            Self::Sha256 => {
                let mut out = vec![0u8; 32];
                pbkdf2::pbkdf2_hmac::<Sha256>(password, salt, iterations, &mut out);
                out
            }
        }
    }
}

/// `hex(md5("<user>:mongo:<password>"))`: what MONGODB-CR stored and what SCRAM-SHA-1 derives from.
pub(crate) fn mongodb_password_digest(user: &str, password: &str) -> String {
    hex(&Md5::digest(format!("{user}:mongo:{password}").as_bytes()))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    use fmt::Write as _;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

pub(crate) fn random_bytes(n: usize) -> Vec<u8> {
    let mut out = vec![0u8; n];
    getrandom::fill(&mut out).expect("the operating system's random source is available");
    out
}

impl ScramCredential {
    /// Derives a credential as `createUser` does: a fresh random salt, then the keys.
    fn derive(
        hash: ScramHash,
        user: &str,
        password: &str,
        iterations: u32,
    ) -> Result<Self, UserError> {
        let prepared = match hash {
            ScramHash::Sha1 => mongodb_password_digest(user, password),
            ScramHash::Sha256 => stringprep::saslprep(password)
                .map_err(|_| UserError::Saslprep {
                    user: user.to_owned(),
                })?
                .into_owned(),
        };
        let salt = random_bytes(match hash {
            ScramHash::Sha1 => 16,
            ScramHash::Sha256 => 28,
        });
        let salted = hash.salted_password(prepared.as_bytes(), &salt, iterations);
        let client_key = hash.hmac(&salted, b"Client Key");
        Ok(Self {
            stored_key: hash.hash(&client_key),
            server_key: hash.hmac(&salted, b"Server Key"),
            salt,
            iterations,
        })
    }

    pub(crate) fn salt_base64(&self) -> String {
        BASE64.encode(&self.salt)
    }
}

/// A PLAIN credential: a salted SHA-256 of the password, checked when a PLAIN conversation
/// presents the clear password (as an LDAP server would check it).
#[derive(Clone)]
pub(crate) struct PlainCredential {
    salt: Vec<u8>,
    hash: Vec<u8>,
}

impl PlainCredential {
    fn derive(password: &str) -> Self {
        let salt = random_bytes(16);
        let hash = Self::hash_with(&salt, password);
        Self { salt, hash }
    }

    fn hash_with(salt: &[u8], password: &str) -> Vec<u8> {
        let mut input = salt.to_vec();
        input.extend_from_slice(password.as_bytes());
        Sha256::digest(&input).to_vec()
    }

    pub(crate) fn verify(&self, password: &str) -> bool {
        crate::scram::constant_time_eq(&Self::hash_with(&self.salt, password), &self.hash)
    }
}

/// A user could not be created.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum UserError {
    /// SCRAM-SHA-256 needs a password that SASLprep accepts.
    Saslprep {
        /// The user being created.
        user: String,
    },
    /// The mechanism needs a password and none was given.
    MissingPassword {
        /// The user being created.
        user: String,
        /// The mechanism that needs it.
        mechanism: Mechanism,
    },
    /// The mechanism cannot authenticate users of this kind (for example MONGODB-X509 outside
    /// `$external`, or MONGODB-AWS).
    Unsupported {
        /// The user being created.
        user: String,
        /// The mechanism.
        mechanism: Mechanism,
    },
}

impl fmt::Display for UserError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Saslprep { user } => write!(
                f,
                "the password of user {user:?} is rejected by SASLprep (SCRAM-SHA-256 needs a \
                 SASLprep-valid password; drop SCRAM-SHA-256 from its mechanisms or change the password)"
            ),
            Self::MissingPassword { user, mechanism } => write!(
                f,
                "user {user:?} has mechanism {mechanism} but no password (call .password(...))"
            ),
            Self::Unsupported { user, mechanism } => write!(
                f,
                "the conformance server cannot authenticate user {user:?} with {mechanism}"
            ),
        }
    }
}

impl std::error::Error for UserError {}

/// A user the conformance server knows, described before it is stored.
///
/// The password is used once, when [`ServerConfig::user`](crate::ServerConfig::user) stores the
/// user: the server keeps only what mongod keeps (SCRAM salt, iteration count, StoredKey and
/// ServerKey; the MONGODB-CR digest; a salted hash for PLAIN).
///
/// ```
/// use mongo_auth::Mechanism;
/// use mongo_auth_test_server::{Role, User};
///
/// // SCRAM-SHA-1 and SCRAM-SHA-256, as `createUser` makes by default.
/// let app = User::new("app", "admin").password("pencil").role(Role::new("readWrite", "shop"));
/// // Only SCRAM-SHA-256, with a low (but valid) iteration count.
/// let modern = User::new("modern", "admin")
///     .password("pencil")
///     .mechanisms([Mechanism::ScramSha256])
///     .scram_iterations(4096);
/// // $external users.
/// let ldap = User::plain("ldapuser", "secret");
/// let cert = User::x509("CN=client,OU=clients,O=Example,C=US");
/// let legacy = User::mongodb_cr("old", "admin", "pencil");
/// # let _ = (app, modern, ldap, cert, legacy);
/// ```
#[derive(Clone)]
pub struct User {
    pub(crate) name: String,
    pub(crate) db: String,
    pub(crate) password: Option<String>,
    pub(crate) roles: Vec<Role>,
    pub(crate) mechanisms: Vec<Mechanism>,
    pub(crate) sha1_iterations: u32,
    pub(crate) sha256_iterations: u32,
}

impl fmt::Debug for User {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("User")
            .field("name", &self.name)
            .field("db", &self.db)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("roles", &self.roles)
            .field("mechanisms", &self.mechanisms)
            .finish()
    }
}

impl User {
    /// A user `name` defined on database `db` (its source), with SCRAM-SHA-1 and SCRAM-SHA-256 as
    /// mechanisms until [`mechanisms`](Self::mechanisms) says otherwise.
    pub fn new(name: impl Into<String>, db: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            db: db.into(),
            password: None,
            roles: Vec::new(),
            mechanisms: vec![Mechanism::ScramSha1, Mechanism::ScramSha256],
            sha1_iterations: DEFAULT_SCRAM_SHA_1_ITERATIONS,
            sha256_iterations: DEFAULT_SCRAM_SHA_256_ITERATIONS,
        }
    }

    /// A PLAIN (LDAP-style) user in `$external`.
    pub fn plain(name: impl Into<String>, password: impl Into<String>) -> Self {
        Self::new(name, "$external")
            .password(password)
            .mechanisms([Mechanism::Plain])
    }

    /// A legacy user with only a MONGODB-CR credential, as servers before 3.0 created them.
    pub fn mongodb_cr(
        name: impl Into<String>,
        db: impl Into<String>,
        password: impl Into<String>,
    ) -> Self {
        Self::new(name, db)
            .password(password)
            .mechanisms([Mechanism::MongodbCr])
    }

    /// A MONGODB-X509 user in `$external`, named by the RFC 2253 subject of its certificate.
    pub fn x509(subject: impl Into<String>) -> Self {
        Self::new(subject, "$external").mechanisms([Mechanism::MongodbX509])
    }

    /// A GSSAPI user in `$external`, named by its Kerberos principal (`user@REALM`).
    pub fn gssapi(principal: impl Into<String>) -> Self {
        Self::new(principal, "$external").mechanisms([Mechanism::Gssapi])
    }

    /// A MONGODB-AWS user in `$external`, named by the ARN its access keys authenticate as
    /// (checked by [`AwsSts`](crate::aws::AwsSts), which must be registered too).
    pub fn aws(arn: impl Into<String>) -> Self {
        Self::new(arn, "$external").mechanisms([Mechanism::MongodbAws])
    }

    /// A MONGODB-OIDC user in `$external`, named by the `sub` of its tokens (checked by
    /// [`OidcIdp`](crate::oidc::OidcIdp), which must be registered too).
    pub fn oidc(subject: impl Into<String>) -> Self {
        Self::new(subject, "$external").mechanisms([Mechanism::MongodbOidc])
    }

    /// The password the stored credentials are derived from.
    pub fn password(mut self, password: impl Into<String>) -> Self {
        self.password = Some(password.into());
        self
    }

    /// The mechanisms this user has credentials for (replaces the current list).
    pub fn mechanisms(mut self, mechanisms: impl IntoIterator<Item = Mechanism>) -> Self {
        self.mechanisms = mechanisms.into_iter().collect();
        self
    }

    /// Adds a role, reported by `connectionStatus`.
    pub fn role(mut self, role: Role) -> Self {
        self.roles.push(role);
        self
    }

    /// The iteration count of both SCRAM credentials.
    pub fn scram_iterations(mut self, iterations: u32) -> Self {
        self.sha1_iterations = iterations;
        self.sha256_iterations = iterations;
        self
    }

    /// Derives the stored form; the password is dropped afterwards.
    pub(crate) fn store(self) -> Result<StoredUser, UserError> {
        let password = |mechanism| {
            self.password
                .as_deref()
                .ok_or_else(|| UserError::MissingPassword {
                    user: self.name.clone(),
                    mechanism,
                })
        };
        let mut stored = StoredUser {
            name: self.name.clone(),
            db: self.db.clone(),
            roles: self.roles.clone(),
            scram_sha1: None,
            scram_sha256: None,
            plain: None,
            mongodb_cr: None,
            x509: false,
            gssapi: false,
            aws: false,
            oidc: false,
        };
        for &mechanism in &self.mechanisms {
            match mechanism {
                Mechanism::ScramSha1 => {
                    stored.scram_sha1 = Some(ScramCredential::derive(
                        ScramHash::Sha1,
                        &self.name,
                        password(mechanism)?,
                        self.sha1_iterations,
                    )?);
                }
                Mechanism::ScramSha256 => {
                    stored.scram_sha256 = Some(ScramCredential::derive(
                        ScramHash::Sha256,
                        &self.name,
                        password(mechanism)?,
                        self.sha256_iterations,
                    )?);
                }
                Mechanism::Plain => {
                    stored.plain = Some(PlainCredential::derive(password(mechanism)?));
                }
                Mechanism::MongodbCr => {
                    stored.mongodb_cr =
                        Some(mongodb_password_digest(&self.name, password(mechanism)?));
                }
                Mechanism::MongodbX509 if self.db == "$external" => stored.x509 = true,
                Mechanism::Gssapi if self.db == "$external" => stored.gssapi = true,
                Mechanism::MongodbAws if self.db == "$external" => stored.aws = true,
                Mechanism::MongodbOidc if self.db == "$external" => stored.oidc = true,
                other => {
                    return Err(UserError::Unsupported {
                        user: self.name.clone(),
                        mechanism: other,
                    });
                }
            }
        }
        Ok(stored)
    }
}

/// A user as the server keeps it.
#[derive(Clone)]
pub(crate) struct StoredUser {
    pub(crate) name: String,
    pub(crate) db: String,
    pub(crate) roles: Vec<Role>,
    pub(crate) scram_sha1: Option<ScramCredential>,
    pub(crate) scram_sha256: Option<ScramCredential>,
    pub(crate) plain: Option<PlainCredential>,
    pub(crate) mongodb_cr: Option<String>,
    pub(crate) x509: bool,
    pub(crate) gssapi: bool,
    pub(crate) aws: bool,
    pub(crate) oidc: bool,
}

impl StoredUser {
    pub(crate) fn scram(&self, hash: ScramHash) -> Option<&ScramCredential> {
        match hash {
            ScramHash::Sha1 => self.scram_sha1.as_ref(),
            ScramHash::Sha256 => self.scram_sha256.as_ref(),
        }
    }

    /// The SASL mechanisms listed in `saslSupportedMechs` for this user.
    pub(crate) fn sasl_mechanisms(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.scram_sha1.is_some() {
            out.push("SCRAM-SHA-1");
        }
        if self.scram_sha256.is_some() {
            out.push("SCRAM-SHA-256");
        }
        if self.plain.is_some() {
            out.push("PLAIN");
        }
        if self.gssapi {
            out.push("GSSAPI");
        }
        if self.aws {
            out.push("MONGODB-AWS");
        }
        if self.oidc {
            out.push("MONGODB-OIDC");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha1_digest_matches_the_spec_vector() {
        assert_eq!(
            mongodb_password_digest("user", "pencil"),
            "1c33006ec1ffd90f9cadcbcc0e118200"
        );
    }

    #[test]
    fn stored_users_keep_no_password() {
        let stored = User::new("u", "admin").password("pencil").store().unwrap();
        let sha1 = stored.scram_sha1.as_ref().unwrap();
        let sha256 = stored.scram_sha256.as_ref().unwrap();
        assert_eq!((sha1.stored_key.len(), sha1.server_key.len()), (20, 20));
        assert_eq!((sha256.stored_key.len(), sha256.server_key.len()), (32, 32));
        assert_eq!(sha1.iterations, DEFAULT_SCRAM_SHA_1_ITERATIONS);
        assert_eq!(sha256.iterations, DEFAULT_SCRAM_SHA_256_ITERATIONS);
        assert_ne!(sha1.salt, sha256.salt);
    }

    #[test]
    fn rfc7677_keys() {
        // RFC 7677's example: user/pencil, salt W22ZaJ0SNY7soEsUEjb6gQ==, 4096 iterations.
        let salt = BASE64.decode("W22ZaJ0SNY7soEsUEjb6gQ==").unwrap();
        let salted = ScramHash::Sha256.salted_password(b"pencil", &salt, 4096);
        let server_key = ScramHash::Sha256.hmac(&salted, b"Server Key");
        let auth_message = "n=user,r=rOprNGfwEbeRWgbNEkqO,\
            r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,\
            c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
        let v = ScramHash::Sha256.hmac(&server_key, auth_message.as_bytes());
        assert_eq!(
            BASE64.encode(v),
            "6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="
        );
    }

    #[test]
    fn saslprep_rejects_prohibited_passwords() {
        let err = User::new("u", "admin")
            .password("a\u{0007}b")
            .mechanisms([Mechanism::ScramSha256])
            .store()
            .err()
            .unwrap();
        assert!(matches!(err, UserError::Saslprep { .. }));
        // SCRAM-SHA-1 does not SASLprep.
        assert!(
            User::new("u", "admin")
                .password("a\u{0007}b")
                .mechanisms([Mechanism::ScramSha1])
                .store()
                .is_ok()
        );
    }

    #[test]
    fn debug_redacts_the_password() {
        let user = User::new("u", "admin").password("hunter2");
        assert!(!format!("{user:?}").contains("hunter2"));
    }
}
