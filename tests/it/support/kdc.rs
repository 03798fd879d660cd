//! GSSAPI scenarios against the test KDC, a throwaway MIT realm on 127.0.0.1 (`scripts/kdc.sh`,
//! started once per test process by [`Kdc::shared`]; without the krb5 packages the tests fail, they
//! are not skipped).
//!
//! Kerberos reads its configuration and ticket cache from the environment (`KRB5_CONFIG`,
//! `KRB5CCNAME`, `KRB5_KTNAME`), which a multi-threaded test process cannot change safely: a
//! scenario runs in a child process of the test binary ([`super::child`]) with the KDC's environment
//! and a ticket cache of its own.

use std::future::Future;
use std::time::{Duration, Instant};

use mongo_auth_test_server::gssapi::Kdc;

/// What the scenario's ticket cache holds when it starts.
#[derive(Clone, Copy)]
pub(crate) enum Tickets {
    /// Nothing: no `kinit`.
    None,
    /// A ticket-granting ticket of this principal (`kinit`).
    Of(&'static str),
    /// A ticket-granting ticket that has expired: [`Kdc::SHORT_LIVED_USER`]'s tickets last
    /// 2 seconds, and the scenario starts once the KDC refuses it.
    Expired,
}

/// Runs `scenario` for the test `test` ([`test_path!`](super::test_path)) in a child process with
/// the KDC's environment and a fresh ticket cache (`KRB5CCNAME`) holding `tickets`.
pub(crate) fn scenario<F: Future<Output = ()>>(
    test: &str,
    tickets: Tickets,
    scenario: impl FnOnce() -> F,
) {
    super::child::in_child(
        test,
        |command| {
            let kdc = Kdc::shared();
            let ccache = kdc.new_ccache(&test.replace("::", "-"));
            match tickets {
                Tickets::None => {}
                Tickets::Of(principal) => kdc.kinit(&ccache, principal, None).expect("kinit"),
                Tickets::Expired => expire(kdc, &ccache),
            }
            command.envs(kdc.env()).env("KRB5CCNAME", ccache);
        },
        || super::runtime().block_on(scenario()),
    );
}

/// Gets [`Kdc::SHORT_LIVED_USER`] a ticket in `ccache` and waits until the cache reports it expired
/// and the KDC refuses it (one second of clock skew later).
fn expire(kdc: &Kdc, ccache: &str) {
    kdc.kinit(ccache, Kdc::SHORT_LIVED_USER, None)
        .expect("kinit");
    let deadline = Instant::now() + Duration::from_secs(60);
    while kdc.has_valid_ticket(ccache) || !kdc.refuses_as_expired(ccache) {
        assert!(
            Instant::now() < deadline,
            "the 2-second ticket never expired"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}
