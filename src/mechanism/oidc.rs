//! MONGODB-OIDC's messages (auth spec, "MONGODB-OIDC"): the one-step conversation is a `saslStart`
//! whose payload is `{jwt: <access token>}`; the two-step (human) one starts with `{n?: <user>}`,
//! gets the identity provider's [`IdpInfo`] back, and finishes with `saslContinue {jwt}`. The token
//! comes from a built-in environment (`ENVIRONMENT:test|azure|gcp|k8s`) or an [`OidcCallback`]
//! given to the [`Authenticator`](crate::Authenticator); the authenticator caches it.
//!
//! ```
//! use std::future::Future;
//! use std::pin::Pin;
//! use mongo_auth::mechanism::oidc::{OidcCallback, OidcCallbackParams, OidcTokens};
//!
//! /// Reads the token a sidecar keeps fresh.
//! struct FromSidecar;
//!
//! impl OidcCallback for FromSidecar {
//!     fn call(
//!         &self,
//!         params: OidcCallbackParams,
//!     ) -> Pin<Box<dyn Future<Output = Result<OidcTokens, Box<dyn std::error::Error + Send + Sync>>> + Send + '_>>
//!     {
//!         Box::pin(async move {
//!             assert_eq!(params.version, 1);
//!             let token = std::fs::read_to_string("/var/run/app/token")?;
//!             Ok(OidcTokens::new(token.trim()))
//!         })
//!     }
//! }
//! ```

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use bson::{Bson, Document, doc, spec::BinarySubtype};
use mongo_auth_core::Mechanism;
use zeroize::Zeroizing;

use super::error::{ConversationError, ProtocolViolation};

/// The callback API version passed to every [`OidcCallback`] (the spec's `version`).
pub const CALLBACK_API_VERSION: u32 = 1;
/// How long a machine callback may take when no tighter deadline applies (the spec's 1 minute).
pub const MACHINE_CALLBACK_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a human callback may take (the spec's 5 minutes: a person signs in).
pub const HUMAN_CALLBACK_TIMEOUT: Duration = Duration::from_secs(5 * 60);
/// The largest `IdpInfo` document accepted from a server.
const MAX_IDP_INFO: usize = 16 * 1024;

/// A token (access or refresh): shared cheaply, compared by value, zeroed when the last copy is
/// dropped, and never printed (`Debug` shows `<redacted>`; there is no `Display`).
#[derive(Clone, PartialEq, Eq)]
pub struct Token(Arc<Zeroizing<String>>);

impl Token {
    /// Wraps a token.
    ///
    /// ```
    /// let token = mongo_auth::mechanism::oidc::Token::new("eyJ...");
    /// assert_eq!(format!("{token:?}"), "<redacted>");
    /// ```
    pub fn new(token: impl Into<String>) -> Self {
        Token(Arc::new(Zeroizing::new(token.into())))
    }

    /// The token itself, to send it to its issuer (a refresh token) or to MongoDB.
    ///
    /// ```
    /// let token = mongo_auth::mechanism::oidc::Token::new("eyJ...");
    /// assert_eq!(token.expose(), "eyJ...");
    /// ```
    pub fn expose(&self) -> &str {
        self.0.as_str()
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl From<String> for Token {
    fn from(token: String) -> Self {
        Token::new(token)
    }
}

impl From<&str> for Token {
    fn from(token: &str) -> Self {
        Token::new(token)
    }
}

/// What the server says about its identity provider in the two-step (human) flow.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct IdpInfo {
    /// The authorization server's URL (the `iss` of its tokens).
    pub issuer: String,
    /// The OIDC client id to sign in with, when the server names one.
    pub client_id: Option<String>,
    /// Extra scopes to ask the identity provider for.
    pub request_scopes: Vec<String>,
}

impl IdpInfo {
    /// Parses the server's `IdpInfo` payload (hostile input: size-capped, every field checked).
    ///
    /// ```
    /// use mongo_auth::mechanism::oidc::IdpInfo;
    /// let mut payload = Vec::new();
    /// bson::doc! { "issuer": "https://idp.example", "clientId": "abcd" }.to_writer(&mut payload).unwrap();
    /// let info = IdpInfo::parse(&payload).unwrap();
    /// assert_eq!(info.client_id.as_deref(), Some("abcd"));
    /// ```
    pub fn parse(payload: &[u8]) -> Result<Self, ConversationError> {
        let malformed = |problem: &str| {
            ConversationError::protocol(
                Some(Mechanism::MongodbOidc),
                ProtocolViolation::MalformedReply {
                    command: "saslStart",
                    problem: format!("the IdpInfo payload {problem}"),
                },
            )
        };
        if payload.len() > MAX_IDP_INFO {
            return Err(malformed("is over 16 KiB"));
        }
        let document =
            Document::from_reader(payload).map_err(|_| malformed("is not a BSON document"))?;
        let issuer = match document.get("issuer") {
            Some(Bson::String(issuer)) if !issuer.is_empty() => issuer.clone(),
            Some(_) => return Err(malformed("has an issuer that is not a non-empty string")),
            None => return Err(malformed("has no issuer")),
        };
        let client_id = match document.get("clientId") {
            None | Some(Bson::Null) => None,
            Some(Bson::String(id)) => Some(id.clone()),
            Some(_) => return Err(malformed("has a clientId that is not a string")),
        };
        let request_scopes = match document.get("requestScopes") {
            None | Some(Bson::Null) => Vec::new(),
            Some(Bson::Array(scopes)) => scopes
                .iter()
                .map(|scope| match scope {
                    Bson::String(scope) => Ok(scope.clone()),
                    _ => Err(malformed("has a request scope that is not a string")),
                })
                .collect::<Result<_, _>>()?,
            Some(_) => return Err(malformed("has requestScopes that is not an array")),
        };
        Ok(IdpInfo {
            issuer,
            client_id,
            request_scopes,
        })
    }
}

/// What an [`OidcCallback`] is given.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct OidcCallbackParams {
    /// How long the callback may take; the authenticator abandons it afterwards.
    pub timeout: Duration,
    /// The credential's user name, when it has one.
    pub username: Option<String>,
    /// The callback API version: [`CALLBACK_API_VERSION`].
    pub version: u32,
    /// The server's identity provider (human flow only).
    pub idp_info: Option<IdpInfo>,
    /// The refresh token an earlier call returned (human flow only).
    pub refresh_token: Option<Token>,
}

/// What an [`OidcCallback`] returns.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct OidcTokens {
    /// The access token sent to the server.
    pub access_token: Token,
    /// How long the access token lives, when known (kept for the future: the cache does not use it,
    /// as the spec says).
    pub expires_in: Option<Duration>,
    /// A refresh token for the next human callback.
    pub refresh_token: Option<Token>,
}

impl OidcTokens {
    /// An access token.
    ///
    /// ```
    /// use std::time::Duration;
    /// use mongo_auth::mechanism::oidc::OidcTokens;
    /// let credential = OidcTokens::new("eyJ...").expires_in(Duration::from_secs(3600));
    /// assert_eq!(format!("{:?}", credential.access_token), "<redacted>");
    /// ```
    pub fn new(access_token: impl Into<Token>) -> Self {
        OidcTokens {
            access_token: access_token.into(),
            expires_in: None,
            refresh_token: None,
        }
    }

    /// How long the access token lives.
    ///
    /// ```
    /// let tokens = mongo_auth::mechanism::oidc::OidcTokens::new("eyJ...")
    ///     .expires_in(std::time::Duration::from_secs(3600));
    /// assert_eq!(tokens.expires_in, Some(std::time::Duration::from_secs(3600)));
    /// ```
    pub fn expires_in(mut self, expires_in: Duration) -> Self {
        self.expires_in = Some(expires_in);
        self
    }

    /// A refresh token (human flow).
    ///
    /// ```
    /// let tokens = mongo_auth::mechanism::oidc::OidcTokens::new("eyJ...").refresh_token("r-123");
    /// assert_eq!(tokens.refresh_token.unwrap().expose(), "r-123");
    /// ```
    pub fn refresh_token(mut self, refresh_token: impl Into<Token>) -> Self {
        self.refresh_token = Some(refresh_token.into());
        self
    }
}

/// The result of an [`OidcCallback`].
pub type OidcCallbackResult =
    Result<OidcTokens, Box<dyn std::error::Error + Send + Sync + 'static>>;

/// Where an [`Authenticator`](crate::Authenticator) gets MONGODB-OIDC access tokens when no
/// built-in `ENVIRONMENT` is configured: a machine callback
/// ([`Authenticator::with_oidc_callback`](crate::Authenticator::with_oidc_callback)) or a human
/// one ([`Authenticator::with_oidc_human_callback`](crate::Authenticator::with_oidc_human_callback)),
/// which also gets the server's [`IdpInfo`] and its last refresh token. The authenticator calls it
/// once at a time, at least 100 ms apart, and caches what it returns; see the module docs for an
/// example.
pub trait OidcCallback: Send + Sync {
    /// Fetches an access token.
    fn call(
        &self,
        params: OidcCallbackParams,
    ) -> Pin<Box<dyn Future<Output = OidcCallbackResult> + Send + '_>>;
}

/// What the conversation asks the authenticator for ([`Next::OidcToken`]).
///
/// [`Next::OidcToken`]: super::conversation::Next::OidcToken
#[derive(Debug)]
pub(crate) enum TokenRequest {
    /// A new conversation: the cached token, or a fresh one; for a human callback without a cached
    /// token or refresh token, [`TokenAnswer::PrincipalFirst`].
    Start,
    /// The server refused `stale` (code 18): drop it from the cache if it is still there, then as
    /// `Start`.
    Retry { stale: Token },
    /// The server's `IdpInfo` (two-step conversation): call the human callback with it.
    AfterIdpInfo(IdpInfo),
}

/// The authenticator's answer to a [`TokenRequest`].
#[derive(Debug)]
pub(crate) enum TokenAnswer {
    /// Send this token; `may_retry` when it came from a cache or a refresh token, so a refusal
    /// (code 18) asks for another one.
    Jwt { token: Token, may_retry: bool },
    /// Start the two-step conversation (human flow with nothing cached).
    PrincipalFirst,
}

/// The `saslStart` of a one-step conversation (or of the speculative one): `{jwt}`.
pub(crate) fn jwt_sasl_start(token: &Token) -> Document {
    sasl_start(&jwt_payload(token))
}

/// The payload `{jwt}` (the last step of both conversations).
pub(crate) fn jwt_payload(token: &Token) -> Vec<u8> {
    payload(&doc! { "jwt": token.expose() })
}

/// The `saslStart` of a two-step conversation: `{n?}`.
pub(crate) fn principal_sasl_start(username: Option<&str>) -> Document {
    let mut principal = Document::new();
    if let Some(username) = username {
        principal.insert("n", username);
    }
    sasl_start(&payload(&principal))
}

fn payload(document: &Document) -> Vec<u8> {
    let mut bytes = Vec::new();
    // Writing a document of strings to a Vec cannot fail.
    let _ = document.to_writer(&mut bytes);
    bytes
}

fn sasl_start(payload: &[u8]) -> Document {
    doc! {
        "saslStart": 1,
        "mechanism": Mechanism::MongodbOidc.as_str(),
        "payload": bson::Binary { subtype: BinarySubtype::Generic, bytes: payload.to_vec() },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(document: Document) -> Vec<u8> {
        payload(&document)
    }

    #[test]
    fn the_one_step_payload_is_the_specs_example() {
        // auth spec: {"jwt": "abcd1234"} is BinData(0, "FwAAAAJqd3QACQAAAGFiY2QxMjM0AAA=")
        use base64::Engine as _;
        let expected = base64::engine::general_purpose::STANDARD
            .decode("FwAAAAJqd3QACQAAAGFiY2QxMjM0AAA=")
            .unwrap();
        assert_eq!(jwt_payload(&Token::new("abcd1234")), expected);
        let start = jwt_sasl_start(&Token::new("abcd1234"));
        assert_eq!(start.get_str("mechanism").unwrap(), "MONGODB-OIDC");
    }

    #[test]
    fn the_principal_step_is_the_specs_example() {
        // auth spec: {"n": "myidp"} is BinData(0, "EgAAAAJuAAYAAABteWlkcAAA")
        use base64::Engine as _;
        let expected = base64::engine::general_purpose::STANDARD
            .decode("EgAAAAJuAAYAAABteWlkcAAA")
            .unwrap();
        let start = principal_sasl_start(Some("myidp"));
        assert_eq!(start.get_binary_generic("payload").unwrap(), &expected);
        let anonymous = principal_sasl_start(None);
        assert_eq!(
            anonymous.get_binary_generic("payload").unwrap(),
            &bytes(doc! {})
        );
    }

    #[test]
    fn idp_info_parses_the_specs_example_and_refuses_malformed_ones() {
        use base64::Engine as _;
        let example = base64::engine::general_purpose::STANDARD
            .decode("WQAAAAJpc3N1ZXIADwAAAGh0dHBzOi8vaXNzdWVyAAJjbGllbnRJZAAFAAAAYWJjZAAEcmVxdWVzdFNjb3BlcwAXAAAAAjAAAgAAAGEAAjEAAgAAAGIAAAA=")
            .unwrap();
        let info = IdpInfo::parse(&example).unwrap();
        assert_eq!(info.issuer, "https://issuer");
        assert_eq!(info.client_id.as_deref(), Some("abcd"));
        assert_eq!(info.request_scopes, ["a", "b"]);
        for bad in [
            bytes(doc! {}),
            bytes(doc! { "issuer": "" }),
            bytes(doc! { "issuer": 1 }),
            bytes(doc! { "issuer": "i", "clientId": 5 }),
            bytes(doc! { "issuer": "i", "requestScopes": "a" }),
            bytes(doc! { "issuer": "i", "requestScopes": [1] }),
            b"not bson".to_vec(),
            vec![0; MAX_IDP_INFO + 1],
        ] {
            assert!(
                matches!(IdpInfo::parse(&bad), Err(ConversationError::Protocol(_))),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn tokens_never_print() {
        let token = Token::new("eyJhbGciOiJSUzI1NiJ9.secret.sig");
        assert_eq!(format!("{token:?}"), "<redacted>");
        let credential = OidcTokens::new("eyJ.secret").refresh_token("refresh-secret");
        let shown = format!("{credential:?}");
        assert!(!shown.contains("secret"), "{shown}");
        let params = OidcCallbackParams {
            timeout: MACHINE_CALLBACK_TIMEOUT,
            username: None,
            version: CALLBACK_API_VERSION,
            idp_info: None,
            refresh_token: Some(Token::new("refresh-secret")),
        };
        assert!(!format!("{params:?}").contains("secret"));
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_idp_info_never_panics(payload in proptest::collection::vec(proptest::num::u8::ANY, 0..256)) {
            let _ = IdpInfo::parse(&payload);
        }
    }
}
