//! The one-call entry points: [`connect`] from a configuration, [`authenticate`] and
//! [`authenticate_over_tls`] over a stream the caller already has, each with a shared
//! [`Authenticator`] or a configuration.

use std::sync::Arc;

use tokio::io::{AsyncRead, AsyncWrite};

use super::Authenticator;
use crate::config::ClientConfig;
use crate::connection::Connection;
use crate::error::Error;

/// Opens an authenticated connection: resolves `mongodb+srv`, connects to the first reachable host
/// (TCP with the connect timeout, then TLS if configured), shakes hands and authenticates within
/// the handshake deadline.
///
/// This builds a fresh [`Authenticator`] (and so a fresh SCRAM key cache) for the one connection;
/// to open many connections with one configuration, build an `Authenticator` once and call
/// [`Authenticator::connect`].
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let config: mongo_auth::ClientConfig =
///     "mongodb://app:secret@db.example.com/shop?authMechanism=SCRAM-SHA-256".parse()?;
/// let mut connection = mongo_auth::connect(&config).await?;
/// connection.run_command("shop", bson::doc! { "ping": 1 }).await?;
/// # Ok(()) }
/// ```
pub async fn connect(config: &ClientConfig) -> Result<Connection, Error> {
    Arc::new(Authenticator::new(config)?).connect().await
}

/// Shakes hands and authenticates over a stream the caller already opened (TCP, TLS, a tunnel).
/// The stream is used as it is: any TLS must already be set up on it. PLAIN is refused on it
/// unless the configuration opted in to clear-text PLAIN; for a stream that is encrypted, call
/// [`authenticate_over_tls`]. `host` (`host:port`) names
/// the server for the per-host memory of legacy servers and for GSSAPI.
///
/// `with` is an [`Authenticator`] (shared by many streams, one SCRAM key cache) or a
/// [`ClientConfig`] (a fresh authenticator for this one stream).
///
/// ```no_run
/// # async fn run(config: mongo_auth::ClientConfig) -> Result<(), mongo_auth::Error> {
/// use mongo_auth::Authenticator;
/// // With an authenticator shared by every stream:
/// let authenticator = Authenticator::new(&config)?;
/// let stream = tokio::net::TcpStream::connect("127.0.0.1:27017").await?;
/// let connection = mongo_auth::authenticate(stream, &authenticator, "127.0.0.1:27017").await?;
/// println!("{:?}", connection.authenticated_mechanism());
/// // Or straight from the configuration:
/// let stream = tokio::net::TcpStream::connect("127.0.0.1:27017").await?;
/// let connection = mongo_auth::authenticate(stream, &config, "127.0.0.1:27017").await?;
/// # Ok(()) }
/// ```
pub async fn authenticate<S, A>(stream: S, with: A, host: &str) -> Result<Connection, Error>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    A: AuthenticateWith,
{
    match with.authenticator()? {
        AuthenticatorRef::Borrowed(authenticator) => authenticator.authenticate(stream, host).await,
        AuthenticatorRef::Owned(authenticator) => authenticator.authenticate(stream, host).await,
    }
}

/// As [`authenticate`], over a stream the caller asserts is encrypted (TLS it set up itself, an
/// SSH tunnel, an encrypting proxy). The assertion is what lets PLAIN send its password without
/// the clear-text opt-in (`allow_plain_without_tls`); plain [`authenticate`] refuses PLAIN on a
/// stream it cannot see into. This library cannot check the assertion: use it only for a stream
/// that really is encrypted.
///
/// ```no_run
/// # async fn run(
/// #     config: mongo_auth::ClientConfig,
/// #     tls_stream: tokio::io::DuplexStream,
/// # ) -> Result<(), mongo_auth::Error> {
/// // `tls_stream`: a TLS client stream the application opened (tokio-rustls, native-tls...).
/// let connection =
///     mongo_auth::authenticate_over_tls(tls_stream, &config, "db.example.com:27017").await?;
/// # let _ = connection; Ok(()) }
/// ```
pub async fn authenticate_over_tls<S, A>(
    stream: S,
    with: A,
    host: &str,
) -> Result<Connection, Error>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    A: AuthenticateWith,
{
    match with.authenticator()? {
        AuthenticatorRef::Borrowed(authenticator) => {
            authenticator.authenticate_over_tls(stream, host).await
        }
        AuthenticatorRef::Owned(authenticator) => {
            authenticator.authenticate_over_tls(stream, host).await
        }
    }
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for &crate::Authenticator {}
    impl Sealed for &std::sync::Arc<crate::Authenticator> {}
    impl Sealed for &crate::ClientConfig {}
}

/// What [`authenticate`] can authenticate with: `&Authenticator`, `&Arc<Authenticator>` or
/// `&ClientConfig`. Sealed.
///
/// ```
/// fn takes<A: mongo_auth::AuthenticateWith>(_: A) {}
/// # fn run(config: &mongo_auth::ClientConfig, authenticator: &mongo_auth::Authenticator) {
/// takes(config);
/// takes(authenticator);
/// # }
/// ```
#[diagnostic::on_unimplemented(
    message = "`authenticate` needs an `&Authenticator` or a `&ClientConfig`, not `{Self}`",
    label = "pass `&authenticator` or `&config`"
)]
pub trait AuthenticateWith: sealed::Sealed {
    #[doc(hidden)]
    fn authenticator(&self) -> Result<AuthenticatorRef<'_>, Error>;
}

/// An authenticator borrowed from the caller or built for one call.
#[doc(hidden)]
pub enum AuthenticatorRef<'a> {
    Borrowed(&'a Authenticator),
    Owned(Box<Authenticator>),
}

impl AuthenticateWith for &Authenticator {
    fn authenticator(&self) -> Result<AuthenticatorRef<'_>, Error> {
        Ok(AuthenticatorRef::Borrowed(self))
    }
}

impl AuthenticateWith for &Arc<Authenticator> {
    fn authenticator(&self) -> Result<AuthenticatorRef<'_>, Error> {
        Ok(AuthenticatorRef::Borrowed(self))
    }
}

impl AuthenticateWith for &ClientConfig {
    fn authenticator(&self) -> Result<AuthenticatorRef<'_>, Error> {
        Ok(AuthenticatorRef::Owned(Box::new(Authenticator::new(self)?)))
    }
}
