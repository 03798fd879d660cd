//! A deadline that one step may stop: a connection phase (or a command) is bounded by it, and a
//! step that waits for a person — the MONGODB-OIDC human callback, where someone signs in — holds
//! it while it waits, so the time a person takes is not counted against `connectTimeoutMS`. The
//! time held is added to the deadline when the hold ends.

use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::Notify;
use tokio::time::Instant;

use crate::error::{Error, Timeout, TimeoutPhase};

/// The bound on one connection phase (or one command) and what set it. Clones share the
/// deadline: a hold taken through one is seen by every [`Deadline::bound`] of the others.
#[derive(Clone, Debug)]
pub(crate) struct Deadline {
    /// `None`: no bound.
    shared: Option<Arc<Shared>>,
    phase: TimeoutPhase,
    after: Duration,
}

#[derive(Debug)]
struct Shared {
    state: Mutex<State>,
    changed: Notify,
}

#[derive(Clone, Copy, Debug)]
struct State {
    at: Instant,
    /// How many holds are taken, and since when the first one.
    holds: u32,
    held_since: Instant,
}

impl Deadline {
    /// A deadline `after` from now set by `phase`; `None` (or a bound too far away to express) is
    /// no bound at all.
    pub(crate) fn after(after: Option<Duration>, phase: TimeoutPhase) -> Self {
        let now = Instant::now();
        let shared = after.and_then(|after| now.checked_add(after)).map(|at| {
            Arc::new(Shared {
                state: Mutex::new(State {
                    at,
                    holds: 0,
                    held_since: now,
                }),
                changed: Notify::new(),
            })
        });
        Self {
            shared,
            phase,
            after: after.unwrap_or_default(),
        }
    }

    /// The time left, `None` without a bound; while held, the time that was left when the hold
    /// began.
    pub(crate) fn remaining(&self) -> Option<Duration> {
        let shared = self.shared.as_ref()?;
        let state = shared.state();
        let now = if state.holds > 0 {
            state.held_since
        } else {
            Instant::now()
        };
        Some(state.at.saturating_duration_since(now))
    }

    /// Stops the deadline until the returned guard is dropped (holds nest).
    pub(crate) fn hold(&self) -> Hold<'_> {
        if let Some(shared) = &self.shared {
            let mut state = shared.state();
            if state.holds == 0 {
                state.held_since = Instant::now();
            }
            state.holds += 1;
        }
        Hold { deadline: self }
    }

    /// Runs `work` until the deadline; past it, a timeout error that names what set it and `host`.
    ///
    /// `work` is boxed first: the futures bounded here (a connection's TCP and TLS set-up, its
    /// handshake) are kilobytes long, and a future nested in async functions by value is copied
    /// into each level's state (three times over through `run`'s `select!`), once per connection.
    pub(crate) fn bound<'a, T: 'a>(
        &'a self,
        host: &'a str,
        work: impl Future<Output = T> + 'a,
    ) -> impl Future<Output = Result<T, Error>> + 'a {
        let work = Box::pin(work);
        async move { self.run(work).await.map_err(|Expired| self.expired(host)) }
    }

    /// Runs `work` until the deadline.
    pub(crate) async fn run<T>(&self, work: impl Future<Output = T>) -> Result<T, Expired> {
        let Some(shared) = &self.shared else {
            return Ok(work.await);
        };
        tokio::select! {
            biased;
            done = work => Ok(done),
            () = shared.expired() => Err(Expired),
        }
    }

    /// The error for this deadline passing while `host` was contacted.
    pub(crate) fn expired(&self, host: &str) -> Error {
        Error::Timeout(Timeout {
            phase: self.phase,
            after: self.after,
            host: host.to_owned(),
        })
    }
}

/// A [`Deadline`] passed before the work it bounded ended.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Expired;

impl Shared {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Ends when the deadline passes while not held.
    async fn expired(&self) {
        loop {
            // Registered before the state is read, so that no change between the two is missed.
            let changed = self.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            let state = *self.state();
            if state.holds > 0 {
                changed.await;
                continue;
            }
            tokio::select! {
                () = tokio::time::sleep_until(state.at) => {
                    let state = *self.state();
                    if state.holds == 0 && Instant::now() >= state.at {
                        return;
                    }
                }
                () = changed => {}
            }
        }
    }
}

/// A hold on a [`Deadline`]: when dropped, the deadline moves later by the time held.
pub(crate) struct Hold<'a> {
    deadline: &'a Deadline,
}

impl Drop for Hold<'_> {
    fn drop(&mut self) {
        let Some(shared) = &self.deadline.shared else {
            return;
        };
        let mut state = shared.state();
        state.holds = state.holds.saturating_sub(1);
        if state.holds == 0 {
            let held = state.held_since.elapsed();
            state.at = state.at.checked_add(held).unwrap_or(state.at);
            drop(state);
            shared.changed.notify_waiters();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_deadline_passes_unless_held() {
        let deadline = Deadline::after(Some(Duration::from_millis(100)), TimeoutPhase::Connect);
        let error = deadline
            .bound("h", tokio::time::sleep(Duration::from_millis(150)))
            .await
            .expect_err("past the deadline");
        assert!(
            matches!(&error, Error::Timeout(t) if t.phase == TimeoutPhase::Connect && t.host == "h"),
            "{error:?}"
        );

        // 50 ms run, then a 500 ms hold, then 40 ms: 90 ms counted, inside the bound
        let deadline = Deadline::after(Some(Duration::from_millis(100)), TimeoutPhase::Connect);
        let work = async {
            tokio::time::sleep(Duration::from_millis(50)).await;
            {
                let _hold = deadline.hold();
                assert_eq!(deadline.remaining(), Some(Duration::from_millis(50)));
                tokio::time::sleep(Duration::from_millis(500)).await;
                assert_eq!(deadline.remaining(), Some(Duration::from_millis(50)));
            }
            tokio::time::sleep(Duration::from_millis(40)).await;
            deadline.remaining()
        };
        let left = deadline
            .bound("h", work)
            .await
            .expect("held time not counted");
        assert_eq!(left, Some(Duration::from_millis(10)));

        // after the hold the clock runs again
        let deadline = Deadline::after(Some(Duration::from_millis(100)), TimeoutPhase::Connect);
        let work = async {
            drop(deadline.hold());
            tokio::time::sleep(Duration::from_millis(101)).await;
        };
        assert!(deadline.bound("h", work).await.is_err());
    }

    #[tokio::test(start_paused = true)]
    async fn no_bound_never_passes() {
        let deadline = Deadline::after(None, TimeoutPhase::Connect);
        assert_eq!(deadline.remaining(), None);
        let _hold = deadline.hold();
        deadline
            .bound("h", tokio::time::sleep(Duration::from_secs(3600)))
            .await
            .expect("no bound");
        let far = Deadline::after(Some(Duration::MAX), TimeoutPhase::Connect);
        assert_eq!(far.remaining(), None);
    }
}
