#![cfg_attr(feature = "runtime", doc = include_str!("../README.md"))]
#![cfg_attr(
    not(feature = "runtime"),
    doc = "Checked MongoDB authentication configuration: builders, `mongo_uri!`, connection \
           strings and config files, one rulebook. This build leaves out the authenticator \
           (the `runtime` feature)."
)]
#![cfg_attr(docsrs, feature(doc_cfg))]
// No unsafe code even with the `gssapi` feature: libgssapi wraps the GSSAPI FFI.
#![forbid(unsafe_code)]

/// Defined before the modules so that every error type below can use it by name.
/// `Debug` that prints what `Display` prints, because that is what `fn main() -> Result<(), Box<dyn
/// Error>>` shows; `{:#?}` names the type around the same text (match on the variants for the
/// structure).
#[cfg(feature = "runtime")]
macro_rules! debug_shows_display {
    ($($name:ident),+ $(,)?) => {
        $(
            impl ::std::fmt::Debug for $name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    if f.alternate() {
                        f.debug_tuple(stringify!($name))
                            .field(&format_args!("{self}"))
                            .finish()
                    } else {
                        ::std::fmt::Display::fmt(self, f)
                    }
                }
            }
        )+
    };
}

#[doc(hidden)]
pub mod __private;
#[cfg(feature = "runtime")]
mod authenticator;
pub mod config;
#[cfg(feature = "runtime")]
mod connection;
#[cfg(feature = "runtime")]
mod deadline;
#[cfg(feature = "runtime")]
#[cfg_attr(docsrs, doc(cfg(feature = "runtime")))]
pub mod dns;
#[cfg(feature = "mongodb")]
#[cfg_attr(docsrs, doc(cfg(feature = "mongodb")))]
pub mod driver;
#[cfg(feature = "runtime")]
#[cfg_attr(docsrs, doc(cfg(feature = "runtime")))]
pub mod error;
#[cfg(feature = "runtime")]
mod events;
#[cfg(feature = "runtime")]
#[doc(hidden)]
pub mod fuzzing;
#[cfg(feature = "gssapi")]
#[cfg_attr(docsrs, doc(cfg(feature = "gssapi")))]
pub use mechanism::gssapi;
#[cfg(feature = "runtime")]
mod handshake;
#[cfg(feature = "runtime")]
#[cfg_attr(docsrs, doc(cfg(feature = "runtime")))]
pub mod mechanism;
#[cfg(feature = "runtime")]
mod reply;
#[cfg(feature = "runtime")]
mod srv;
#[cfg(feature = "runtime")]
#[cfg_attr(docsrs, doc(cfg(feature = "runtime")))]
pub mod tls;
#[cfg(feature = "runtime")]
mod transport;
#[cfg(feature = "runtime")]
#[cfg_attr(docsrs, doc(cfg(feature = "runtime")))]
pub mod wire;

#[cfg(feature = "runtime")]
#[cfg_attr(docsrs, doc(cfg(feature = "runtime")))]
pub use authenticator::Authenticator;
#[cfg(feature = "runtime")]
#[cfg_attr(docsrs, doc(cfg(feature = "runtime")))]
pub use authenticator::{AuthenticateWith, authenticate, authenticate_over_tls, connect};
pub use config::{Auth, ClientConfig, ClientConfigBuilder, ConfigError, Tls, TlsSettings};
#[cfg(feature = "runtime")]
#[cfg_attr(docsrs, doc(cfg(feature = "runtime")))]
pub use connection::{Connection, Negotiated};
#[cfg(feature = "runtime")]
#[cfg_attr(docsrs, doc(cfg(feature = "runtime")))]
pub use error::Error;
pub use mongo_auth_core as rulebook;
pub use mongo_auth_core::{Credential, Mechanism, Password};
pub use mongo_auth_macros::mongo_uri;
#[cfg(feature = "runtime")]
#[cfg_attr(docsrs, doc(cfg(feature = "runtime")))]
pub use transport::ByteStream;
