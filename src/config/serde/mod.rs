//! Loading a configuration with serde: a connection string, or a structured table (see
//! [`from_deserializer`] for the format).
//!
//! [`load`] gives a failed load its typed error and field path, [`read`] turns a document into a
//! configuration, [`write`] writes one back, and [`redaction`] keeps the input out of every message.

mod load;
mod read;
mod redaction;
mod write;

pub use self::load::from_deserializer;
