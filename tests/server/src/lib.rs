//! The mongo-auth conformance server: a MongoDB authentication peer that listens on 127.0.0.1 only.
#![forbid(unsafe_code)]
pub mod certs;
