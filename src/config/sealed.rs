//! The seal on the typestate traits.

#![allow(unreachable_pub)]

/// Keeps the state traits closed: only this crate's states implement them.
pub trait Sealed {}
