//! A `tracing` subscriber that records, as text, every event of the `mongo_auth` target at debug
//! level and above, for the tests that check what the events hold.
//!
//! The subscriber is the process's global one (the conformance server and the client run on several
//! threads), so it records the events of every test running in the process: a test that reads
//! [`captured`] runs in a child process of its own ([`super::child::in_child`]).

use std::sync::{Arc, Mutex, OnceLock};

/// Everything the crate's events wrote, as text.
#[derive(Clone, Default)]
pub(crate) struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

/// One subscriber for the whole process, recording every event of the `mongo_auth` target at debug
/// level and above.
pub(crate) fn captured() -> Captured {
    static CAPTURED: OnceLock<Captured> = OnceLock::new();
    CAPTURED
        .get_or_init(|| {
            let captured = Captured::default();
            let writer = captured.clone();
            let subscriber = tracing_subscriber::fmt()
                .with_env_filter(tracing_subscriber::EnvFilter::new("mongo_auth=debug"))
                .with_writer(move || writer.clone())
                .with_ansi(false)
                .finish();
            tracing::subscriber::set_global_default(subscriber).unwrap();
            captured
        })
        .clone()
}
