//! The `tracing` events of the runtime, behind the `tracing` feature (on by default): without it
//! the macros below expand to nothing and nothing of `tracing` is compiled in.
//!
//! What an event may carry is fixed here, once: host names, mechanism names, wire versions, sizes,
//! counts, durations and errors' `Display` (which never holds a secret). Never a payload, a
//! password, a derived key or a proof.
//!
//! | event | level | fields |
//! |---|---|---|
//! | connection attempt | debug | `host`, `tls` |
//! | TLS established | debug | `host`, `protocol`, `client_certificate` |
//! | hello answered | debug | `host`, `max_wire_version`, `mechanisms`, `speculative_reply` |
//! | mechanism chosen | debug | `mechanism`, `reason` |
//! | round trip | debug | `command`, `followed_by` (sent in the same write), `sent_bytes`, `received_bytes` |
//! | SCRAM keys | debug | `mechanism`, `cache` (`hit` or `derived`), `elapsed_us` |
//! | authenticated | info | `host`, `mechanism`, `round_trips`, `elapsed_us` |
//! | OP_QUERY fallback | warn | `host` |
//! | failure | warn | `host`, `error`, `next_host` |
//! | caller's stream | debug | `host` (then the same events, without connection and TLS) |

/// `event!(debug, field = value, …, "message")`: a `tracing` event of the crate's target.
macro_rules! event {
    ($level:ident, $($rest:tt)*) => {
        #[cfg(feature = "tracing")]
        {
            ::tracing::$level!(target: "mongo_auth", $($rest)*);
        }
    };
}

pub(crate) use event;
