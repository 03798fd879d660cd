//! The integration tests of `mongo-auth`, in one test binary: one link of tokio, rustls, bson and the
//! conformance server instead of one per file. The modules, by area:
//!
//! - `config_*`: the checked configuration through each entry point (builder, connection string,
//!   config file, `mongo_uri!`'s functions) and the spec suites;
//! - `macro_equivalence`: `mongo_uri!` gives the runtime parser's verdict on every spec case;
//! - `secrets`: no secret in any `Debug`, `Display`, error, `Serialize` output or log;
//! - `e2e_*`: the authenticator against the conformance server (SCRAM, the other mechanisms, TLS,
//!   GSSAPI against a real KDC, a misbehaving server, a scripted hostile one);
//! - `pymongo_*`: PyMongo against the conformance server, the proof that the server is faithful;
//! - `driver`: the official `mongodb` driver from checked configurations;
//! - `tracing_events`: what the `tracing` events of a handshake hold;
//! - `fuzz_corpus`: every committed fuzz input, on the stable toolchain;
//! - `ui`: the compile-time guarantees (trybuild).
//!
//! `cargo test --test it -- e2e_` runs one area; `support` is what the modules share. A test that
//! cannot run here (no Python, a feature left out) says so on stderr, and fails under `CI=true`
//! (`support::skip`).

mod support;

mod config_builder;
mod config_roundtrip;
mod config_rules;
mod config_serde;
mod config_spec;
mod config_uri;
#[cfg(feature = "mongodb")]
mod driver;
#[cfg(not(feature = "mongodb"))]
mod driver {
    #[test]
    fn left_out_without_the_mongodb_feature() {
        crate::support::skip(
            "the official driver's tests need the `mongodb` feature",
            "run cargo test --features mongodb (scripts/test-all.sh: --all-features)",
        );
    }
}
mod e2e_aws;
#[cfg(feature = "gssapi")]
mod e2e_gssapi;
#[cfg(not(feature = "gssapi"))]
mod e2e_gssapi {
    #[test]
    fn left_out_without_the_gssapi_feature() {
        crate::support::skip(
            "the GSSAPI tests (a KDC, PyMongo's Kerberos extra) need the `gssapi` feature",
            "run cargo test --features gssapi (scripts/test-all.sh: --all-features)",
        );
    }
}
mod e2e_hostile;
mod e2e_mechanisms;
mod e2e_misbehaviour;
mod e2e_oidc;
mod e2e_ping;
mod e2e_scram;
mod e2e_tls;
mod fuzz_corpus;
mod macro_equivalence;
mod pymongo_aws;
mod pymongo_interop;
mod pymongo_oidc;
mod pymongo_tls;
mod secrets;
#[cfg(feature = "tracing")]
mod tracing_events;
#[cfg(not(feature = "tracing"))]
mod tracing_events {
    #[test]
    fn left_out_without_the_tracing_feature() {
        crate::support::skip(
            "the tests of the tracing events need the `tracing` feature",
            "run cargo test with the default features",
        );
    }
}
mod ui;
