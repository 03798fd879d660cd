//! MONGODB-OIDC at run time: where access tokens come from (a callback given in code, or the
//! built-in `ENVIRONMENT`: `test` reads `OIDC_TOKEN_FILE`, `azure` and `gcp` ask the instance
//! metadata endpoint, `k8s` reads the service account token), the client cache (one access token per
//! authenticator, one provider call at a time, at least 100 ms apart, compare-and-swap
//! invalidation), and the connection's own token, used to reauthenticate a connection when the
//! server answers `ReauthenticationRequired` (391).

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use mongo_auth_core::{Credential, MechanismProperties};

use super::http::{self, Url};
use crate::connection::Reauthenticate;
use crate::deadline::Deadline;
use crate::error::{CredentialError, Error, NotSupported, Timeout, TimeoutPhase};
use crate::mechanism::conversation::{Channel, Conversation, Next, ServerHello, Settings};
use crate::mechanism::oidc::{
    CALLBACK_API_VERSION, HUMAN_CALLBACK_TIMEOUT, IdpInfo, MACHINE_CALLBACK_TIMEOUT, OidcCallback,
    OidcCallbackParams, OidcTokens, Token, TokenAnswer, TokenRequest,
};
use crate::transport::Transport;

/// The least time between two calls of a provider.
pub(crate) const MIN_CALL_INTERVAL: Duration = Duration::from_millis(100);
/// The Azure instance metadata endpoint (IMDS).
pub(crate) const AZURE_ENDPOINT: &str = "http://169.254.169.254";
/// The GCP metadata server.
pub(crate) const GCP_ENDPOINT: &str = "http://metadata";
/// Where Kubernetes mounts a pod's service account token.
const K8S_TOKEN_FILE: &str = "/var/run/secrets/kubernetes.io/serviceaccount/token";
/// The hosts a human callback may be used for unless the application says otherwise (the spec's
/// `ALLOWED_HOSTS` default).
const DEFAULT_ALLOWED_HOSTS: &[&str] = &[
    "*.mongodb.net",
    "*.mongodb-qa.net",
    "*.mongodb-dev.net",
    "*.mongodbgov.net",
    "localhost",
    "127.0.0.1",
    "::1",
    "*.mongo.com",
];

/// The callbacks and endpoints an [`Authenticator`](super::Authenticator) was given for
/// MONGODB-OIDC.
#[derive(Clone, Default)]
pub(super) struct OidcSettings {
    pub(super) callback: Option<Arc<dyn OidcCallback>>,
    pub(super) human: bool,
    pub(super) azure_endpoint: Option<String>,
    pub(super) gcp_endpoint: Option<String>,
    /// `ALLOWED_HOSTS` given in code (`None`: the spec's default list).
    pub(super) allowed_hosts: Option<Arc<[String]>>,
}

/// Where tokens come from.
enum Provider {
    Callback(Arc<dyn OidcCallback>),
    Human(Arc<dyn OidcCallback>),
    Test,
    Azure { resource: String, endpoint: String },
    Gcp { resource: String, endpoint: String },
    K8s,
}

impl Provider {
    fn name(&self) -> &'static str {
        match self {
            Provider::Callback(_) => "the OIDC callback",
            Provider::Human(_) => "the OIDC human callback",
            Provider::Test => "ENVIRONMENT:test",
            Provider::Azure { .. } => "ENVIRONMENT:azure",
            Provider::Gcp { .. } => "ENVIRONMENT:gcp",
            Provider::K8s => "ENVIRONMENT:k8s",
        }
    }
}

/// The client cache (auth spec, "Credential Caching").
#[derive(Default)]
struct ClientCache {
    access_token: Option<Token>,
    refresh_token: Option<Token>,
    idp_info: Option<IdpInfo>,
    /// The access token the refresh token last gave (human flow).
    from_refresh: Option<Token>,
}

/// One authenticator's MONGODB-OIDC state, shared with its connections.
pub(crate) struct OidcClient {
    credential: Credential,
    provider: Provider,
    cache: Mutex<ClientCache>,
    /// Held while a provider runs (one at a time): when it last started.
    calling: tokio::sync::Mutex<Option<Instant>>,
    calls: AtomicU64,
    /// `timeoutMS`, when given (the client-side operation timeout): a machine callback then gets
    /// the time left of the connection's deadline, else at most a minute of it.
    client_side_timeout: bool,
    /// The hosts a human callback may be used for (`ALLOWED_HOSTS`).
    allowed_hosts: Arc<[String]>,
}

fn credential_error(problem: String) -> Error {
    Error::Credential(CredentialError { problem })
}

fn not_supported(what: impl Into<String>) -> Error {
    Error::NotSupported(NotSupported { what: what.into() })
}

impl OidcClient {
    /// The state for `credential` (a MONGODB-OIDC one) with what the authenticator was given.
    pub(super) fn new(
        credential: &Credential,
        settings: &OidcSettings,
        client_side_timeout: bool,
    ) -> Result<Self, Error> {
        let pairs = match &credential.properties {
            MechanismProperties::Oidc(pairs) => pairs.as_slice(),
            _ => &[],
        };
        let property = |key: &str| {
            pairs
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, v)| v.clone())
        };
        let environment = property("ENVIRONMENT");
        let provider = match (&settings.callback, environment.as_deref()) {
            (Some(_), Some(environment)) => {
                return Err(not_supported(format!(
                    "MONGODB-OIDC has both ENVIRONMENT:{environment} and a callback: remove \
                     ENVIRONMENT from authMechanismProperties, or do not give the authenticator a \
                     callback"
                )));
            }
            (Some(callback), None) if settings.human => Provider::Human(Arc::clone(callback)),
            (Some(callback), None) => Provider::Callback(Arc::clone(callback)),
            (None, Some("test")) => Provider::Test,
            (None, Some("azure")) => Provider::Azure {
                resource: property("TOKEN_RESOURCE").unwrap_or_default(),
                endpoint: settings
                    .azure_endpoint
                    .clone()
                    .unwrap_or_else(|| AZURE_ENDPOINT.to_owned()),
            },
            (None, Some("gcp")) => Provider::Gcp {
                resource: property("TOKEN_RESOURCE").unwrap_or_default(),
                endpoint: settings
                    .gcp_endpoint
                    .clone()
                    .unwrap_or_else(|| GCP_ENDPOINT.to_owned()),
            },
            (None, Some("k8s")) => Provider::K8s,
            (None, Some(other)) => {
                return Err(not_supported(format!(
                    "MONGODB-OIDC ENVIRONMENT:{other} is not known: use test, azure, gcp or k8s"
                )));
            }
            (None, None) => {
                return Err(not_supported(
                    "MONGODB-OIDC needs a token source: set ENVIRONMENT in authMechanismProperties \
                     (test, azure, gcp, k8s), or give the authenticator a callback \
                     (Authenticator::with_oidc_callback or with_oidc_human_callback)",
                ));
            }
        };
        Ok(Self {
            credential: credential.clone(),
            provider,
            cache: Mutex::default(),
            calling: tokio::sync::Mutex::new(None),
            calls: AtomicU64::new(0),
            client_side_timeout,
            allowed_hosts: settings.allowed_hosts.clone().unwrap_or_else(|| {
                DEFAULT_ALLOWED_HOSTS
                    .iter()
                    .map(|host| (*host).to_owned())
                    .collect()
            }),
        })
    }

    /// How many times the provider (callback or environment) has been called.
    pub(super) fn calls(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, ClientCache> {
        self.cache.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The cached access token, for the hello's speculative step.
    pub(super) fn cached_token(&self) -> Option<Token> {
        self.cache().access_token.clone()
    }

    /// Drops `stale` from the cache if it is still the cached token (compare-and-swap: a newer
    /// token another connection fetched stays).
    pub(crate) fn invalidate(&self, stale: &Token) {
        let mut cache = self.cache();
        if cache.access_token.as_ref() == Some(stale) {
            cache.access_token = None;
        }
    }

    /// Answers the conversation's [`TokenRequest`] for a connection to `host`, whose connection
    /// phase (or command) is bounded by `deadline`.
    pub(crate) async fn token(
        &self,
        request: TokenRequest,
        host: &str,
        deadline: &Deadline,
    ) -> Result<TokenAnswer, Error> {
        match request {
            TokenRequest::Start => self.start(host, deadline).await,
            TokenRequest::Retry { stale } => {
                {
                    let mut cache = self.cache();
                    if cache.access_token.as_ref() == Some(&stale) {
                        cache.access_token = None;
                    }
                    // A token the refresh token gave was refused: the refresh token is no good
                    // either (human flow); the next try starts a two-step conversation.
                    if cache.from_refresh.as_ref() == Some(&stale) {
                        cache.from_refresh = None;
                        cache.refresh_token = None;
                    }
                }
                self.start(host, deadline).await
            }
            TokenRequest::AfterIdpInfo(info) => {
                let (token, _) = self.call(Some(info), None, host, deadline).await?;
                Ok(TokenAnswer::Jwt {
                    token,
                    may_retry: false,
                })
            }
        }
    }

    async fn start(&self, host: &str, deadline: &Deadline) -> Result<TokenAnswer, Error> {
        if let Some(token) = self.cached_token() {
            return Ok(TokenAnswer::Jwt {
                token,
                may_retry: true,
            });
        }
        if matches!(self.provider, Provider::Human(_)) {
            let (refresh, info) = {
                let cache = self.cache();
                (cache.refresh_token.clone(), cache.idp_info.clone())
            };
            return match (refresh, info) {
                (Some(refresh), Some(info)) => {
                    let (token, _) = self.call(Some(info), Some(refresh), host, deadline).await?;
                    self.cache().from_refresh = Some(token.clone());
                    Ok(TokenAnswer::Jwt {
                        token,
                        may_retry: true,
                    })
                }
                _ => Ok(TokenAnswer::PrincipalFirst),
            };
        }
        let (token, cached) = self.call(None, None, host, deadline).await?;
        Ok(TokenAnswer::Jwt {
            token,
            may_retry: cached,
        })
    }

    /// Calls the provider, one call at a time and at least [`MIN_CALL_INTERVAL`] after the last
    /// one started, unless another caller cached a token while this one waited (the read-through
    /// cache of the spec); `true` with a token taken from the cache that way. Never holds the
    /// lock during a SASL command.
    ///
    /// A human callback holds the connection's `deadline` (a person signing in is not the server
    /// being slow), while it runs and while this connection waits for another one's sign-in.
    async fn call(
        &self,
        idp_info: Option<IdpInfo>,
        refresh_token: Option<Token>,
        host: &str,
        deadline: &Deadline,
    ) -> Result<(Token, bool), Error> {
        let _hold = matches!(self.provider, Provider::Human(_)).then(|| deadline.hold());
        let mut last_call = self.calling.lock().await;
        // Another connection may have fetched a token while this one waited for the lock.
        if let Some(token) = self.cached_token() {
            return Ok((token, true));
        }
        if let Some(last) = *last_call {
            let since = last.elapsed();
            if since < MIN_CALL_INTERVAL {
                tokio::time::sleep(MIN_CALL_INTERVAL - since).await;
            }
        }
        *last_call = Some(Instant::now());
        self.calls.fetch_add(1, Ordering::Relaxed);
        let credential = self
            .fetch(idp_info.clone(), refresh_token, host, deadline)
            .await?;
        let mut cache = self.cache();
        cache.access_token = Some(credential.access_token.clone());
        if matches!(self.provider, Provider::Human(_)) {
            cache.refresh_token = credential.refresh_token;
            if idp_info.is_some() {
                cache.idp_info = idp_info;
            }
        }
        Ok((credential.access_token, false))
    }

    async fn fetch(
        &self,
        idp_info: Option<IdpInfo>,
        refresh_token: Option<Token>,
        host: &str,
        deadline: &Deadline,
    ) -> Result<OidcTokens, Error> {
        let machine_timeout = self.machine_timeout(deadline);
        let (callback, timeout) = match &self.provider {
            Provider::Callback(callback) => (callback, machine_timeout),
            Provider::Human(callback) => {
                check_allowed_host(host, &self.allowed_hosts)?;
                (callback, HUMAN_CALLBACK_TIMEOUT)
            }
            Provider::Test => {
                return token_file("OIDC_TOKEN_FILE", "ENVIRONMENT:test").map(OidcTokens::new);
            }
            Provider::K8s => {
                let (variable, path) =
                    ["AZURE_FEDERATED_TOKEN_FILE", "AWS_WEB_IDENTITY_TOKEN_FILE"]
                        .into_iter()
                        .find_map(|name| variable(name).map(|path| (name, path)))
                        .unwrap_or(("", K8S_TOKEN_FILE.to_owned()));
                return read_token(&path, "ENVIRONMENT:k8s", variable).map(OidcTokens::new);
            }
            Provider::Azure { resource, endpoint } => {
                return bounded(
                    machine_timeout,
                    azure_token(endpoint, resource, self.credential.username.as_deref()),
                )
                .await;
            }
            Provider::Gcp { resource, endpoint } => {
                return bounded(machine_timeout, gcp_token(endpoint, resource)).await;
            }
        };
        let params = OidcCallbackParams {
            timeout,
            username: self.credential.username.clone(),
            version: CALLBACK_API_VERSION,
            idp_info,
            refresh_token,
        };
        let name = self.provider.name();
        match tokio::time::timeout(timeout, callback.call(params)).await {
            Ok(Ok(credential)) => Ok(credential),
            Ok(Err(e)) => Err(credential_error(format!(
                "{name} gave no MONGODB-OIDC access token: {e}"
            ))),
            Err(_) => Err(Error::Timeout(Timeout {
                phase: TimeoutPhase::Callback,
                after: timeout,
                host: format!("{name} (MONGODB-OIDC)"),
            })),
        }
    }

    /// How long a machine callback (or a built-in environment's request) may take: the time left
    /// of the connection's deadline, and without `timeoutMS` at most a minute (auth spec,
    /// "Callback timeout").
    fn machine_timeout(&self, deadline: &Deadline) -> Duration {
        let left = deadline.remaining();
        if self.client_side_timeout {
            left.unwrap_or(Duration::MAX)
        } else {
            left.map_or(MACHINE_CALLBACK_TIMEOUT, |left| {
                left.min(MACHINE_CALLBACK_TIMEOUT)
            })
        }
    }
}

/// A built-in provider's request, bounded like a callback.
async fn bounded(
    timeout: Duration,
    fetch: impl Future<Output = Result<OidcTokens, Error>>,
) -> Result<OidcTokens, Error> {
    tokio::time::timeout(timeout, fetch)
        .await
        .unwrap_or_else(|_| {
            Err(Error::Timeout(Timeout {
                phase: TimeoutPhase::Callback,
                after: timeout,
                host: "the OIDC metadata endpoint (MONGODB-OIDC)".to_owned(),
            }))
        })
}

fn variable(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.is_empty())
}

/// The token in the file a variable names.
fn token_file(name: &str, what: &str) -> Result<String, Error> {
    let path = variable(name).ok_or_else(|| {
        credential_error(format!(
            "MONGODB-OIDC {what} reads the access token from the file {name} names, and {name} \
             is not set"
        ))
    })?;
    read_token(&path, what, name)
}

fn read_token(path: &str, what: &str, variable: &str) -> Result<String, Error> {
    let named = if variable.is_empty() {
        String::new()
    } else {
        format!(" (named by {variable})")
    };
    let text = std::fs::read_to_string(path).map_err(|e| {
        credential_error(format!(
            "MONGODB-OIDC {what} cannot read the access token file {path}{named}: {e}"
        ))
    })?;
    let token = text.trim();
    if token.is_empty() {
        return Err(credential_error(format!(
            "MONGODB-OIDC {what}: the access token file {path}{named} is empty"
        )));
    }
    Ok(token.to_owned())
}

/// `*.example.com` matches any subdomain of example.com; other patterns match exactly
/// (case-insensitively).
fn check_allowed_host(host: &str, allowed_hosts: &[String]) -> Result<(), Error> {
    let name = crate::mechanism::conversation::host_without_port(host).to_ascii_lowercase();
    let allowed = allowed_hosts.iter().any(|pattern| {
        let pattern = pattern.to_ascii_lowercase();
        match pattern.strip_prefix("*.") {
            Some(domain) => name
                .strip_suffix(domain)
                .is_some_and(|prefix| prefix.ends_with('.') && prefix.len() > 1),
            None => name == pattern,
        }
    });
    if allowed {
        Ok(())
    } else {
        Err(not_supported(format!(
            "the MONGODB-OIDC human callback is not used for host {name}: it is not among the \
             allowed hosts ({}); add it with Authenticator::with_oidc_allowed_hosts if the \
             server is trusted with the person's token",
            allowed_hosts.join(", ")
        )))
    }
}

/// Percent-encodes a query value (RFC 3986 unreserved characters kept).
fn query_value(value: &str) -> String {
    percent_encoding::utf8_percent_encode(value, QUERY).to_string()
}

const QUERY: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The body of an endpoint's refusal, made safe to show: at most 200 characters of printable text.
fn refusal_body(body: &str) -> String {
    crate::reply::server_text(&body.chars().take(200).collect::<String>())
}

async fn azure_token(
    endpoint: &str,
    resource: &str,
    client_id: Option<&str>,
) -> Result<OidcTokens, Error> {
    let what = "the Azure instance metadata endpoint (MONGODB-OIDC ENVIRONMENT:azure)";
    let mut url = format!(
        "{}/metadata/identity/oauth2/token?api-version=2018-02-01&resource={}",
        endpoint.trim_end_matches('/'),
        query_value(resource)
    );
    if let Some(client_id) = client_id {
        url.push_str("&client_id=");
        url.push_str(&query_value(client_id));
    }
    let url = Url::parse(&url, what)?;
    let response = http::request(
        "GET",
        &url,
        &[("Accept", "application/json"), ("Metadata", "true")],
    )
    .await?;
    if response.status != 200 {
        return Err(credential_error(format!(
            "{what} answered HTTP {}: {}",
            response.status,
            refusal_body(&response.body)
        )));
    }
    #[derive(serde::Deserialize)]
    struct Answer {
        access_token: String,
        expires_in: Option<serde_json::Value>,
    }
    let answer: Answer = serde_json::from_str(&response.body).map_err(|e| {
        // serde_json's message names a position or a field, never a value.
        credential_error(format!("{what} answered JSON that does not parse: {e}"))
    })?;
    let expires_in = match answer.expires_in {
        Some(serde_json::Value::String(seconds)) => seconds.parse().ok(),
        Some(serde_json::Value::Number(seconds)) => seconds.as_u64(),
        _ => None,
    };
    let mut credential = OidcTokens::new(answer.access_token);
    if let Some(seconds) = expires_in {
        credential = credential.expires_in(Duration::from_secs(seconds));
    }
    Ok(credential)
}

async fn gcp_token(endpoint: &str, resource: &str) -> Result<OidcTokens, Error> {
    let what = "the GCP metadata server (MONGODB-OIDC ENVIRONMENT:gcp)";
    let url = format!(
        "{}/computeMetadata/v1/instance/service-accounts/default/identity?audience={}",
        endpoint.trim_end_matches('/'),
        query_value(resource)
    );
    let url = Url::parse(&url, what)?;
    let response = http::request("GET", &url, &[("Metadata-Flavor", "Google")]).await?;
    if response.status != 200 {
        return Err(credential_error(format!(
            "{what} answered HTTP {}: {}",
            response.status,
            refusal_body(&response.body)
        )));
    }
    let token = response.body.trim();
    if token.is_empty() {
        return Err(credential_error(format!("{what} answered an empty token")));
    }
    Ok(OidcTokens::new(token))
}

/// The token a connection authenticated with (the spec's connection cache), and how to
/// authenticate it again.
pub(crate) struct OidcSession {
    pub(crate) client: Arc<OidcClient>,
    pub(crate) token: Option<Token>,
    pub(crate) channel: Channel,
}

impl Reauthenticate for OidcSession {
    fn reauthenticate<'a>(
        &'a mut self,
        transport: &'a mut Transport,
        host: &'a str,
        max_wire_version: i32,
        deadline: &'a Deadline,
    ) -> Pin<Box<dyn Future<Output = Result<(), Error>> + Send + 'a>> {
        Box::pin(async move {
            if let Some(stale) = self.token.take() {
                self.client.invalidate(&stale);
            }
            let client = Arc::clone(&self.client);
            let settings = Settings {
                credential: &client.credential,
                channel: self.channel,
                allow_plain_without_tls: false,
                max_scram_iterations: 0,
                client_certificate_subject: None,
                host,
            };
            // SASL commands only: no hello, no speculation.
            let server = ServerHello {
                max_wire_version,
                sasl_supported_mechs: None,
                speculative_reply: None,
            };
            let (conversation, next) = Conversation::start(settings, server, None)?;
            self.token = converse(conversation, next, transport, &client, host, deadline).await?;
            Ok(())
        })
    }
}

/// Drives a MONGODB-OIDC conversation after the handshake (reauthentication); returns the token
/// that authenticated.
async fn converse(
    mut conversation: Conversation<'_>,
    mut next: Next,
    transport: &mut Transport,
    client: &OidcClient,
    host: &str,
    deadline: &Deadline,
) -> Result<Option<Token>, Error> {
    let source = client.credential.source.as_str();
    let mut sent = None;
    loop {
        next = match next {
            Next::Send(command) => {
                let reply = super::handshake::send(transport, source, command, None).await?;
                conversation.reply(&reply)?
            }
            Next::OidcToken(request) => {
                let answer = client.token(request, host, deadline).await?;
                if let TokenAnswer::Jwt { token, .. } = &answer {
                    sent = Some(token.clone());
                }
                conversation.oidc_token(answer)?
            }
            Next::Done(_) => return Ok(sent),
            _ => {
                return Err(not_supported(
                    "the MONGODB-OIDC reauthentication asked for another mechanism's step (a bug \
                     in mongo-auth: please report it)",
                ));
            }
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_allowed_hosts_match_as_the_spec_says() {
        let defaults: Vec<String> = DEFAULT_ALLOWED_HOSTS
            .iter()
            .map(|host| (*host).to_owned())
            .collect();
        for host in [
            "localhost:27017",
            "127.0.0.1",
            "[::1]:27017",
            "cluster0.abcde.mongodb.net:27017",
            "a.b.mongodbgov.net",
            "Cluster0.MONGO.com",
        ] {
            assert!(check_allowed_host(host, &defaults).is_ok(), "{host}");
        }
        for host in [
            "mongodb.net",
            "evilmongodb.net",
            "db.example.com",
            "mongodb.net.evil.com",
            "mongo.com",
        ] {
            assert!(check_allowed_host(host, &defaults).is_err(), "{host}");
        }
    }

    #[test]
    fn allowed_hosts_given_in_code_replace_the_defaults() {
        let mine = ["*.Corp.Example".to_owned(), "db.internal".to_owned()];
        for host in ["a.corp.example:27017", "x.y.corp.example", "DB.internal"] {
            assert!(check_allowed_host(host, &mine).is_ok(), "{host}");
        }
        for host in [
            "corp.example",
            "localhost",
            "cluster0.mongodb.net",
            "db.internal.evil",
        ] {
            let error = check_allowed_host(host, &mine).expect_err(host);
            assert!(
                error.to_string().contains("*.Corp.Example, db.internal")
                    && error.to_string().contains("with_oidc_allowed_hosts"),
                "{error}"
            );
        }
        assert!(check_allowed_host("localhost", &[]).is_err());
    }

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(
            query_value("api://app id/x?y=1&z"),
            "api%3A%2F%2Fapp%20id%2Fx%3Fy%3D1%26z"
        );
        assert_eq!(query_value("a-b.c_d~e"), "a-b.c_d~e");
    }
}
