//! The SCRAM key cache of one authenticator: PBKDF2 once per (variant, salt, iteration count), on
//! tokio's blocking pool, however many connections ask at the same moment.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::OnceCell;

use crate::error::Error;
use crate::events::event;
use crate::mechanism::scram::{PasswordInput, ScramKeyRequest, ScramKeys, ScramMechanism};

/// How many PBKDF2 derivations of one authenticator may run at once on tokio's blocking pool. A
/// derivation cannot be stopped once started, so a server that sends a new salt to every
/// connection (and connections that give up waiting) cannot occupy more blocking threads than this.
pub(super) const MAX_DERIVATIONS_IN_FLIGHT: usize = 2;

/// The SCRAM key cache: `ClientKey`/`ServerKey` per SCRAM variant, for the salt and iteration
/// count the server last sent (an authenticator has one credential, so the password is not part of
/// the key). Each derivation runs once even when many connections ask at the same moment, on
/// tokio's blocking pool, at most [`MAX_DERIVATIONS_IN_FLIGHT`] at a time. A server that sends a new
/// salt replaces its variant's entry; the other variant's stays.
pub(super) struct KeyCache {
    /// Indexed by [`KeyCache::slot`].
    entries: Mutex<[Option<CachedKeys>; 2]>,
    pub(super) computations: AtomicU64,
    derivations: Arc<tokio::sync::Semaphore>,
}

impl Default for KeyCache {
    fn default() -> Self {
        Self {
            entries: Mutex::new([None, None]),
            computations: AtomicU64::new(0),
            derivations: Arc::new(tokio::sync::Semaphore::new(MAX_DERIVATIONS_IN_FLIGHT)),
        }
    }
}

/// The keys for one salt and iteration count, derived once.
#[derive(Clone)]
struct CachedKeys {
    /// The password the keys are for: a password read again for a new connection
    /// (`password_refresh = "per-connection"`) that changed gets keys of its own.
    password: PasswordInput,
    salt: Vec<u8>,
    iterations: u32,
    keys: Arc<OnceCell<Arc<ScramKeys>>>,
}

impl KeyCache {
    fn slot(mechanism: ScramMechanism) -> usize {
        match mechanism {
            ScramMechanism::Sha1 => 0,
            ScramMechanism::Sha256 => 1,
        }
    }

    pub(super) async fn get(&self, request: ScramKeyRequest) -> Result<Arc<ScramKeys>, Error> {
        let cell = {
            let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
            let entry = &mut entries[Self::slot(request.mechanism())];
            match entry {
                Some(cached)
                    if cached.salt == request.salt()
                        && cached.iterations == request.iterations()
                        && cached.password.matches(request.password_input()) =>
                {
                    cached.keys.clone()
                }
                _ => {
                    let cached = CachedKeys {
                        password: request.password_input().clone(),
                        salt: request.salt().to_vec(),
                        iterations: request.iterations(),
                        keys: Arc::default(),
                    };
                    let keys = cached.keys.clone();
                    *entry = Some(cached);
                    keys
                }
            }
        };
        #[cfg(feature = "tracing")]
        let mechanism = request.mechanism();
        #[cfg(feature = "tracing")]
        let derived = std::sync::atomic::AtomicBool::new(false);
        #[cfg(feature = "tracing")]
        let started = std::time::Instant::now();
        let keys = cell
            .get_or_try_init(|| async {
                #[cfg(feature = "tracing")]
                derived.store(true, Ordering::Relaxed);
                // Waiting for a permit can be given up (the connection's deadline); a running
                // derivation cannot, so only this many ever run.
                let permit = self
                    .derivations
                    .clone()
                    .acquire_owned()
                    .await
                    .map_err(|_| Error::Io(std::io::Error::other("the key cache was closed")))?;
                self.computations.fetch_add(1, Ordering::Relaxed);
                tokio::task::spawn_blocking(move || {
                    let keys = Arc::new(ScramKeys::derive(&request));
                    drop(permit);
                    keys
                })
                .await
                .map_err(|e| {
                    Error::Io(std::io::Error::other(format!(
                        "the PBKDF2 task did not finish: {e}"
                    )))
                })
            })
            .await?;
        event!(
            debug,
            mechanism = mechanism.mechanism().as_str(),
            cache = if derived.load(Ordering::Relaxed) {
                "derived"
            } else {
                "hit"
            },
            elapsed_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
            "scram keys"
        );
        Ok(keys.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::{KeyCache, MAX_DERIVATIONS_IN_FLIGHT};
    use crate::Password;
    use crate::mechanism::scram::{ScramClientFirst, ScramKeyRequest, ScramMechanism};
    use std::sync::Arc;
    use std::sync::atomic::Ordering;

    fn key_request(mechanism: ScramMechanism, salt: &[u8], iterations: u32) -> ScramKeyRequest {
        key_request_for("pencil", mechanism, salt, iterations)
    }

    fn key_request_for(
        password: &str,
        mechanism: ScramMechanism,
        salt: &[u8],
        iterations: u32,
    ) -> ScramKeyRequest {
        use base64::Engine as _;
        let server_first = format!(
            "r=abcdefX,s={},i={iterations}",
            base64::engine::general_purpose::STANDARD.encode(salt)
        );
        ScramClientFirst::with_nonce(mechanism, "app", &Password::new(password), "abcdef")
            .unwrap()
            .handle_server_first(server_first.as_bytes(), 1_000_000)
            .unwrap()
            .key_request()
    }

    /// A password read again for a new connection that changed gets keys of its own, even under the
    /// same salt and iteration count: old and new keys are never mixed.
    #[tokio::test]
    async fn a_changed_password_gets_its_own_keys() {
        let cache = KeyCache::default();
        let keys_for = |password| {
            cache.get(key_request_for(
                password,
                ScramMechanism::Sha256,
                b"salt",
                4096,
            ))
        };
        let old = keys_for("old").await.unwrap();
        let new = keys_for("new").await.unwrap();
        assert_eq!(cache.computations.load(Ordering::Relaxed), 2);
        assert!(!Arc::ptr_eq(&old, &new));
        let again = keys_for("new").await.unwrap();
        assert!(Arc::ptr_eq(&new, &again));
        assert_eq!(cache.computations.load(Ordering::Relaxed), 2);
    }

    /// A server that sends a new salt each time replaces its variant's entry; the other
    /// variant's keys stay cached however many salts go by.
    #[tokio::test]
    async fn rotating_salts_replace_an_entry_and_keep_the_others() {
        let cache = KeyCache::default();
        cache
            .get(key_request(ScramMechanism::Sha1, b"steady", 4096))
            .await
            .unwrap();
        for i in 0..70u32 {
            let salt = format!("rotating-{i}");
            cache
                .get(key_request(ScramMechanism::Sha256, salt.as_bytes(), 4096))
                .await
                .unwrap();
        }
        let before = cache.computations.load(Ordering::Relaxed);
        cache
            .get(key_request(ScramMechanism::Sha1, b"steady", 4096))
            .await
            .unwrap();
        cache
            .get(key_request(ScramMechanism::Sha256, b"rotating-69", 4096))
            .await
            .unwrap();
        assert_eq!(cache.computations.load(Ordering::Relaxed), before);
        assert_eq!(before, 71);
    }

    /// Connections that give up waiting for keys do not leave derivations running: at most
    /// MAX_DERIVATIONS_IN_FLIGHT ever start while the others wait.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn abandoned_derivations_do_not_pile_up_on_the_blocking_pool() {
        let cache = Arc::new(KeyCache::default());
        let mut waiting = Vec::new();
        for i in 0..20u32 {
            let cache = cache.clone();
            let mechanism = if i % 2 == 0 {
                ScramMechanism::Sha1
            } else {
                ScramMechanism::Sha256
            };
            let salt = format!("salt-{i}");
            waiting.push(tokio::spawn(async move {
                // Each connection gives up at once, as one whose deadline passed would.
                let request = key_request(mechanism, salt.as_bytes(), 1_000_000);
                tokio::time::timeout(std::time::Duration::from_millis(1), cache.get(request))
                    .await
                    .is_err()
            }));
        }
        for task in waiting {
            assert!(
                task.await.unwrap(),
                "a 1,000,000-iteration derivation took under 1 ms"
            );
        }
        let started = cache.computations.load(Ordering::Relaxed);
        assert!(
            started <= MAX_DERIVATIONS_IN_FLIGHT as u64,
            "{started} derivations started"
        );
    }
}
