//! MONGODB-OIDC on the server's side: an identity provider's signing key ([`OidcIssuer`], which
//! mints RS256 JWTs for tests) and the server's check of them ([`OidcIdp`], a [`SaslMechanism`]):
//! the RS256 signature against the issuer's public key (modulus and exponent, as a JWKS gives them),
//! the issuer, the audience and the expiry; the principal is the token's `sub`, which must be a
//! `$external` user with MONGODB-OIDC ([`User::oidc`](crate::User::oidc)).
//!
//! Both conversation styles of the auth spec are served: the one-step `{jwt}` `saslStart`, and the
//! two-step one (`{n?}`, answered with the IdP's `IdpInfo` when [`OidcIdp::idp_info`] configured
//! one, then `saslContinue {jwt}`). [`RunningServer::require_reauthentication`] makes the next
//! command fail with `ReauthenticationRequired` (391), as mongod does when a token expires.
//!
//! [`RunningServer::require_reauthentication`]: crate::RunningServer::require_reauthentication
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! use std::sync::Arc;
//! use mongo_auth_test_server::oidc::{OidcIdp, OidcIssuer};
//! use mongo_auth_test_server::{Server, ServerConfig, User};
//! let issuer = OidcIssuer::demo();
//! let server = Server::start(
//!     ServerConfig::new()
//!         .user(User::oidc("app"))
//!         .sasl_mechanism(Arc::new(OidcIdp::trusting(&issuer))),
//! )
//! .await?;
//! let token = issuer.token("app"); // write it where the client reads it (OIDC_TOKEN_FILE)
//! # let _ = (server, token);
//! # Ok::<(), mongo_auth_test_server::ServerError>(())
//! # }).unwrap();
//! ```

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use bson::{Bson, Document, doc};
use ring::rand::SystemRandom;
use ring::signature::{self, RsaKeyPair, RsaPublicKeyComponents};

use crate::conversation::{SaslConversation, SaslMechanism, SaslStep};

mod endpoint;
pub use endpoint::CloudMetadataEndpoint;

/// The demo issuer's name (the `iss` claim).
pub const DEMO_ISSUER: &str = "https://oidc.demo.mongo-auth.invalid";
/// The audience the demo IdP accepts (the `aud` claim).
pub const DEMO_AUDIENCE: &str = "mongo-auth-conformance-server";
/// The client id the demo IdP names in its `IdpInfo`.
pub const DEMO_CLIENT_ID: &str = "mongo-auth-demo-client";
/// How long a token minted by [`OidcIssuer::token`] lives.
pub const TOKEN_LIFETIME_SECONDS: u64 = 3600;

/// The key of the demo issuer: a public test key (see the file's first lines).
const DEMO_KEY_PEM: &str = include_str!("demo-issuer-key.pem");

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs())
}

/// An identity provider's signing side: it mints RS256 JWTs (for tests; the server never signs).
pub struct OidcIssuer {
    key: Arc<RsaKeyPair>,
    issuer: String,
    audience: String,
    key_id: String,
}

impl std::fmt::Debug for OidcIssuer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcIssuer")
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .finish_non_exhaustive()
    }
}

/// The claims of a token to mint; see [`OidcIssuer::token_with`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Claims {
    /// `sub`: the user the token names.
    pub subject: String,
    /// `aud`.
    pub audience: String,
    /// `iss`.
    pub issuer: String,
    /// `exp`, seconds since the Unix epoch.
    pub expires_at: u64,
}

impl OidcIssuer {
    /// The demo issuer ([`DEMO_ISSUER`], audience [`DEMO_AUDIENCE`]) with the committed test key.
    pub fn demo() -> Self {
        Self::from_pem(DEMO_KEY_PEM, DEMO_ISSUER, DEMO_AUDIENCE)
            .expect("the committed demo issuer key is a PKCS#8 RSA key")
    }

    /// An issuer signing with the PKCS#8 RSA key in `pem` (`-----BEGIN PRIVATE KEY-----`, as
    /// `openssl genpkey -algorithm RSA` writes it).
    pub fn from_pem(pem: &str, issuer: &str, audience: &str) -> Result<Self, String> {
        let body: String = pem
            .split("-----BEGIN PRIVATE KEY-----")
            .nth(1)
            .and_then(|rest| rest.split("-----END PRIVATE KEY-----").next())
            .ok_or("no PRIVATE KEY block")?
            .split_whitespace()
            .collect();
        let der = STANDARD.decode(body).map_err(|e| e.to_string())?;
        let key = RsaKeyPair::from_pkcs8(&der).map_err(|e| e.to_string())?;
        Ok(Self {
            key: Arc::new(key),
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
            key_id: "demo-1".to_owned(),
        })
    }

    /// The issuer's name (`iss`).
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The public key, as a JWKS entry gives it: big-endian modulus and exponent.
    pub fn public_key(&self) -> (Vec<u8>, Vec<u8>) {
        let components = RsaPublicKeyComponents::<Vec<u8>>::from(self.key.public());
        (components.n, components.e)
    }

    /// The claims of a valid token for `subject`, to change before [`token_with`](Self::token_with).
    pub fn claims(&self, subject: &str) -> Claims {
        Claims {
            subject: subject.to_owned(),
            audience: self.audience.clone(),
            issuer: self.issuer.clone(),
            expires_at: now() + TOKEN_LIFETIME_SECONDS,
        }
    }

    /// A valid token for `subject`, expiring in [`TOKEN_LIFETIME_SECONDS`].
    pub fn token(&self, subject: &str) -> String {
        self.token_with(&self.claims(subject))
    }

    /// A token for `subject` that expired a minute ago.
    pub fn expired_token(&self, subject: &str) -> String {
        let mut claims = self.claims(subject);
        claims.expires_at = now() - 60;
        self.token_with(&claims)
    }

    /// A token for `subject` issued to another audience.
    pub fn token_for_audience(&self, subject: &str, audience: &str) -> String {
        let mut claims = self.claims(subject);
        claims.audience = audience.to_owned();
        self.token_with(&claims)
    }

    /// A compact RS256 JWT with these claims.
    pub fn token_with(&self, claims: &Claims) -> String {
        let header = serde_json::json!({ "alg": "RS256", "typ": "JWT", "kid": self.key_id });
        let body = serde_json::json!({
            "iss": claims.issuer,
            "aud": claims.audience,
            "sub": claims.subject,
            "exp": claims.expires_at,
            "iat": now(),
        });
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(body.to_string())
        );
        let mut signature = vec![0; self.key.public().modulus_len()];
        self.key
            .sign(
                &signature::RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                signing_input.as_bytes(),
                &mut signature,
            )
            .expect("RSA signing with a valid key");
        format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature))
    }
}

/// The `IdpInfo` the server sends in the two-step (human) flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdpInfo {
    /// `issuer`.
    pub issuer: String,
    /// `clientId`.
    pub client_id: String,
    /// `requestScopes`, when any.
    pub request_scopes: Vec<String>,
}

/// What the IdP saw, for tests: one entry per conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Seen {
    /// A one-step conversation (`{jwt}` in `saslStart`) and whether the token was accepted.
    OneStep {
        /// Whether the token passed every check.
        accepted: bool,
    },
    /// A two-step conversation's principal step, with the `n` the client sent.
    PrincipalStep {
        /// The principal name, when the client sent one.
        principal: Option<String>,
    },
    /// The `saslContinue {jwt}` of a two-step conversation.
    JwtStep {
        /// Whether the token passed every check.
        accepted: bool,
    },
}

/// The server's MONGODB-OIDC: trusts one issuer's key for one audience. Clones share what they
/// saw ([`seen`](Self::seen)): register one with the server, keep one in the test.
#[derive(Clone)]
pub struct OidcIdp {
    issuer: String,
    audience: String,
    modulus: Vec<u8>,
    exponent: Vec<u8>,
    idp_info: Option<IdpInfo>,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl OidcIdp {
    /// An IdP that accepts `issuer`'s tokens for its audience. Without
    /// [`idp_info`](Self::idp_info) it serves the one-step (machine) flow only.
    pub fn trusting(issuer: &OidcIssuer) -> Self {
        let (modulus, exponent) = issuer.public_key();
        Self {
            issuer: issuer.issuer.clone(),
            audience: issuer.audience.clone(),
            modulus,
            exponent,
            idp_info: None,
            seen: Arc::default(),
        }
    }

    /// Serves the two-step (human) flow: a principal step is answered with this `IdpInfo`
    /// (issuer = the trusted issuer).
    pub fn idp_info(mut self, client_id: &str, request_scopes: &[&str]) -> Self {
        self.idp_info = Some(IdpInfo {
            issuer: self.issuer.clone(),
            client_id: client_id.to_owned(),
            request_scopes: request_scopes.iter().map(|s| (*s).to_owned()).collect(),
        });
        self
    }

    /// What the IdP saw so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn record(&self, seen: Seen) {
        self.seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(seen);
    }

    /// The token's subject when every check passes (RS256 signature, issuer, audience, expiry);
    /// why not otherwise (for diagnostics: it never holds the token). The STS stand-in checks web
    /// identity tokens with it too.
    pub fn verify(&self, token: &str) -> Result<String, String> {
        let mut parts = token.split('.');
        let (Some(header), Some(body), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err("not a compact JWS (three dot-separated parts)".into());
        };
        let json = |part: &str, what: &str| -> Result<serde_json::Value, String> {
            let bytes = URL_SAFE_NO_PAD
                .decode(part)
                .map_err(|_| format!("{what} is not base64url"))?;
            serde_json::from_slice(&bytes).map_err(|_| format!("{what} is not JSON"))
        };
        let header = json(header, "the header")?;
        if header.get("alg").and_then(|a| a.as_str()) != Some("RS256") {
            return Err("alg is not RS256".into());
        }
        let signature = URL_SAFE_NO_PAD
            .decode(signature)
            .map_err(|_| "the signature is not base64url".to_owned())?;
        let signed = &token[..token.len() - token.rsplit('.').next().map_or(0, str::len) - 1];
        RsaPublicKeyComponents {
            n: &self.modulus,
            e: &self.exponent,
        }
        .verify(
            &signature::RSA_PKCS1_2048_8192_SHA256,
            signed.as_bytes(),
            &signature,
        )
        .map_err(|_| "the signature does not verify".to_owned())?;
        let claims = json(body, "the claims")?;
        if claims.get("iss").and_then(|v| v.as_str()) != Some(self.issuer.as_str()) {
            return Err("wrong issuer".into());
        }
        let audience_ok = match claims.get("aud") {
            Some(serde_json::Value::String(aud)) => *aud == self.audience,
            Some(serde_json::Value::Array(auds)) => {
                auds.iter().any(|a| a.as_str() == Some(&self.audience))
            }
            _ => false,
        };
        if !audience_ok {
            return Err("wrong audience".into());
        }
        match claims.get("exp").and_then(serde_json::Value::as_u64) {
            Some(exp) if exp > now() => {}
            Some(_) => return Err("expired".into()),
            None => return Err("no exp".into()),
        }
        claims
            .get("sub")
            .and_then(|v| v.as_str())
            .filter(|sub| !sub.is_empty())
            .map(str::to_owned)
            .ok_or_else(|| "no sub".to_owned())
    }

    fn jwt_step(&self, payload: &Document) -> Option<Result<String, String>> {
        let jwt = payload.get_str("jwt").ok()?;
        Some(self.verify(jwt))
    }
}

fn parse_payload(payload: &[u8]) -> Option<Document> {
    Document::from_reader(payload).ok()
}

fn idp_info_payload(info: &IdpInfo) -> Vec<u8> {
    let mut document = doc! { "issuer": &info.issuer, "clientId": &info.client_id };
    if !info.request_scopes.is_empty() {
        document.insert(
            "requestScopes",
            info.request_scopes
                .iter()
                .map(|s| Bson::String(s.clone()))
                .collect::<Vec<_>>(),
        );
    }
    let mut bytes = Vec::new();
    document
        .to_writer(&mut bytes)
        .expect("a document serialises");
    bytes
}

/// The second step of a two-step conversation.
struct AwaitingJwt {
    idp: OidcIdp,
    used: bool,
}

impl SaslConversation for AwaitingJwt {
    fn step(&mut self, payload: &[u8]) -> SaslStep {
        if std::mem::replace(&mut self.used, true) {
            return SaslStep::Failed("the conversation is over".into());
        }
        let verified = parse_payload(payload).and_then(|p| self.idp.jwt_step(&p));
        let accepted = matches!(verified, Some(Ok(_)));
        self.idp.record(Seen::JwtStep { accepted });
        match verified {
            Some(Ok(principal)) => SaslStep::Done {
                payload: Vec::new(),
                principal,
            },
            Some(Err(why)) => SaslStep::Failed(why),
            None => SaslStep::Failed("the second step carries no jwt".into()),
        }
    }
}

/// A conversation that was finished by its first step.
struct Finished;

impl SaslConversation for Finished {
    fn step(&mut self, _payload: &[u8]) -> SaslStep {
        SaslStep::Failed("the conversation is over".into())
    }
}

impl SaslMechanism for OidcIdp {
    fn name(&self) -> &str {
        "MONGODB-OIDC"
    }

    fn start(&self, payload: &[u8]) -> (Box<dyn SaslConversation>, SaslStep) {
        let Some(document) = parse_payload(payload) else {
            return (
                Box::new(Finished),
                SaslStep::Failed("the payload is not BSON".into()),
            );
        };
        if let Some(verified) = self.jwt_step(&document) {
            self.record(Seen::OneStep {
                accepted: verified.is_ok(),
            });
            let step = match verified {
                Ok(principal) => SaslStep::Done {
                    payload: Vec::new(),
                    principal,
                },
                Err(why) => SaslStep::Failed(why),
            };
            return (Box::new(Finished), step);
        }
        let principal = match document.get("n") {
            None => None,
            Some(Bson::String(n)) => Some(n.clone()),
            Some(_) => {
                return (
                    Box::new(Finished),
                    SaslStep::Failed("n is not a string".into()),
                );
            }
        };
        self.record(Seen::PrincipalStep { principal });
        match &self.idp_info {
            Some(info) => (
                Box::new(AwaitingJwt {
                    idp: self.clone(),
                    used: false,
                }),
                SaslStep::Continue(idp_info_payload(info)),
            ),
            None => (
                Box::new(Finished),
                SaslStep::Failed("this IdP serves the machine flow only (no IdpInfo)".into()),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payload(document: Document) -> Vec<u8> {
        let mut bytes = Vec::new();
        document.to_writer(&mut bytes).unwrap();
        bytes
    }

    fn one_step(idp: &OidcIdp, token: &str) -> SaslStep {
        idp.start(&payload(doc! { "jwt": token })).1
    }

    #[test]
    fn a_valid_token_names_its_subject() {
        let issuer = OidcIssuer::demo();
        let idp = OidcIdp::trusting(&issuer);
        assert_eq!(
            one_step(&idp, &issuer.token("app")),
            SaslStep::Done {
                payload: Vec::new(),
                principal: "app".into()
            }
        );
        assert_eq!(idp.seen(), [Seen::OneStep { accepted: true }]);
    }

    #[test]
    fn expired_wrong_audience_wrong_issuer_and_tampered_tokens_are_refused() {
        let issuer = OidcIssuer::demo();
        let idp = OidcIdp::trusting(&issuer);
        let mut other_issuer = issuer.claims("app");
        other_issuer.issuer = "https://elsewhere.invalid".into();
        let good = issuer.token("app");
        let (head, rest) = good.split_once('.').unwrap();
        let (_, signature) = rest.split_once('.').unwrap();
        let forged_claims = URL_SAFE_NO_PAD.encode(
            serde_json::json!({"iss": DEMO_ISSUER, "aud": DEMO_AUDIENCE, "sub": "root", "exp": now() + 60})
                .to_string(),
        );
        let forged = format!("{head}.{forged_claims}.{signature}");
        for (token, why) in [
            (issuer.expired_token("app"), "expired"),
            (
                issuer.token_for_audience("app", "another-api"),
                "wrong audience",
            ),
            (issuer.token_with(&other_issuer), "wrong issuer"),
            (forged, "the signature does not verify"),
            (
                "a.b".to_owned(),
                "not a compact JWS (three dot-separated parts)",
            ),
        ] {
            assert_eq!(
                one_step(&idp, &token),
                SaslStep::Failed(why.into()),
                "{why}"
            );
        }
    }

    #[test]
    fn the_two_step_flow_sends_idp_info_then_takes_the_jwt() {
        let issuer = OidcIssuer::demo();
        let idp = OidcIdp::trusting(&issuer).idp_info(DEMO_CLIENT_ID, &["openid"]);
        let (mut conversation, step) = idp.start(&payload(doc! { "n": "app" }));
        let SaslStep::Continue(info) = step else {
            panic!("{step:?}")
        };
        let info = Document::from_reader(info.as_slice()).unwrap();
        assert_eq!(info.get_str("issuer").unwrap(), DEMO_ISSUER);
        assert_eq!(info.get_str("clientId").unwrap(), DEMO_CLIENT_ID);
        assert_eq!(
            conversation.step(&payload(doc! { "jwt": issuer.token("app") })),
            SaslStep::Done {
                payload: Vec::new(),
                principal: "app".into()
            }
        );
        // without IdpInfo, the principal step is refused
        let machine_only = OidcIdp::trusting(&issuer);
        assert!(matches!(
            machine_only.start(&payload(doc! {})).1,
            SaslStep::Failed(_)
        ));
    }
}
