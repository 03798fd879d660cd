//! The conformance server's own tests, in one test binary: driven with raw wire frames and a minimal
//! SCRAM client written for these tests ([`support`]), not with the mongo-auth client.
//!
//! - `protocol`: the handshake, every mechanism's conversation and every misbehaviour knob;
//! - `hostile_input`: arbitrary SASL payloads and frame bodies never make the server panic.

mod support;

mod hostile_input;
mod protocol;
