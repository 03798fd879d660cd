//! Secrets: passwords and key passwords that never print and are wiped when dropped.

use std::fmt;

use zeroize::{Zeroize, ZeroizeOnDrop};

/// A password (or a key password): zeroized on drop, `<redacted>` in `Debug`, no `Display`.
///
/// The only way to read it is [`Password::expose_secret`], whose name is easy to find in review.
///
/// ```
/// use mongo_auth_core::Password;
/// let password = Password::new("pencil");
/// assert_eq!(format!("{password:?}"), "Password(<redacted>)");
/// assert_eq!(password.expose_secret(), "pencil");
/// ```
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct Password(String);

/// Compares the secrets by value, in time that depends on their lengths only, not on where they
/// differ.
///
/// ```
/// use mongo_auth_core::Password;
/// assert_eq!(Password::new("pencil"), Password::new("pencil"));
/// assert_ne!(Password::new("pencil"), Password::new("pencim"));
/// assert_ne!(Password::new("pencil"), Password::new(""));
/// ```
impl PartialEq for Password {
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (self.0.as_bytes(), other.0.as_bytes());
        if a.len() != b.len() {
            return false;
        }
        let difference = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
        std::hint::black_box(difference) == 0
    }
}

impl Eq for Password {}

impl Password {
    /// Wraps a password. `Password::new("")` is an empty password, which is not the same as none.
    pub fn new(secret: impl Into<String>) -> Self {
        Self(secret.into())
    }

    /// The password in clear. Call it only where the password is used, never to print it.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }

    /// Whether the password is the empty string.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

impl From<String> for Password {
    fn from(secret: String) -> Self {
        Self(secret)
    }
}

impl From<&str> for Password {
    fn from(secret: &str) -> Self {
        Self(secret.to_owned())
    }
}

/// Lets `.password(&secret)` take a borrowed `String` (from `std::env::var`, a config struct, …).
///
/// ```
/// use mongo_auth_core::Password;
/// let secret = String::from("pencil");
/// assert_eq!(Password::from(&secret).expose_secret(), "pencil");
/// ```
impl From<&String> for Password {
    fn from(secret: &String) -> Self {
        Self(secret.clone())
    }
}
