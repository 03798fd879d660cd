//! Unit tests for the TLS module.
