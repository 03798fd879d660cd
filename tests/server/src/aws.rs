//! MONGODB-AWS on the server's side, with the server standing in for STS: it knows the secret of
//! each test access key (as STS does), rebuilds the signed `GetCallerIdentity` request from the
//! headers the client's `Authorization` names, and checks the signature, the nonce, the host and the
//! date. The authenticated principal is the key's ARN, which must be a `$external` user with
//! MONGODB-AWS ([`User::aws`](crate::User::aws)).
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use std::sync::Arc;
//! use mongo_auth_test_server::aws::AwsSts;
//! use mongo_auth_test_server::{Server, ServerConfig, User};
//! let arn = "arn:aws:iam::123456789012:user/app";
//! let sts = AwsSts::new().key("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG", None, arn);
//! let server = Server::start(
//!     ServerConfig::new().user(User::aws(arn)).sasl_mechanism(Arc::new(sts)),
//! )
//! .await?;
//! # let _ = server; Ok(()) }
//! ```

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use bson::spec::BinarySubtype;
use bson::{Binary, Bson, Document, doc};
use hmac::{KeyInit, Mac};
use sha2::{Digest as _, Sha256};

use crate::conversation::{SaslConversation, SaslMechanism, SaslStep};

/// How far the client's clock may be from the server's, as STS allows.
const MAX_CLOCK_SKEW: Duration = Duration::from_secs(15 * 60);
const BODY: &str = "Action=GetCallerIdentity&Version=2011-06-15";
/// The headers STS requires to be signed for MONGODB-AWS.
const REQUIRED_HEADERS: &[&str] = &[
    "content-length",
    "content-type",
    "host",
    "x-amz-date",
    "x-mongodb-gs2-cb-flag",
    "x-mongodb-server-nonce",
];

#[derive(Clone)]
struct Key {
    secret: String,
    session_token: Option<String>,
    arn: String,
}

/// The STS stand-in: access keys with their secrets and ARNs, the host it names in the first reply,
/// and what it saw (for tests).
pub struct AwsSts {
    keys: Arc<HashMap<String, Key>>,
    host: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

/// What one conversation signed, as the server saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Seen {
    /// The access key id the client signed with.
    pub access_key_id: String,
    /// Whether it sent a session token.
    pub session_token: bool,
    /// The region of the signature's scope.
    pub region: String,
}

impl Default for AwsSts {
    fn default() -> Self {
        Self::new()
    }
}

impl AwsSts {
    /// No keys yet; the host sent to clients is `sts.amazonaws.com`.
    pub fn new() -> Self {
        Self {
            keys: Arc::new(HashMap::new()),
            host: "sts.amazonaws.com".to_owned(),
            seen: Arc::default(),
        }
    }

    /// An access key, its secret, the session token it must come with (temporary credentials)
    /// and the ARN it authenticates as.
    pub fn key(
        mut self,
        access_key_id: impl Into<String>,
        secret: impl Into<String>,
        session_token: Option<&str>,
        arn: impl Into<String>,
    ) -> Self {
        Arc::make_mut(&mut self.keys).insert(
            access_key_id.into(),
            Key {
                secret: secret.into(),
                session_token: session_token.map(str::to_owned),
                arn: arn.into(),
            },
        );
        self
    }

    /// The STS host named in the first reply (`h`), for example a regional endpoint.
    pub fn host(mut self, host: impl Into<String>) -> Self {
        self.host = host.into();
        self
    }

    /// The signed requests that reached the check, in order (whether they passed or not).
    pub fn seen(&self) -> Vec<Seen> {
        self.seen
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}

impl SaslMechanism for AwsSts {
    fn name(&self) -> &str {
        "MONGODB-AWS"
    }

    fn start(&self, payload: &[u8]) -> (Box<dyn SaslConversation>, SaslStep) {
        let failed = |reason: &str| -> (Box<dyn SaslConversation>, SaslStep) {
            (Box::new(Over), SaslStep::Failed(reason.to_owned()))
        };
        let Ok(first) = Document::from_reader(payload) else {
            return failed("the client-first payload is not BSON");
        };
        let mut server_nonce = match first.get("r") {
            Some(Bson::Binary(b)) if b.bytes.len() == 32 => b.bytes.clone(),
            _ => return failed("r is not 32 bytes of binary"),
        };
        if !matches!(first.get("p"), Some(Bson::Int32(110))) {
            return failed("p is not 110 (no channel binding)");
        }
        let mut ours = [0u8; 32];
        if getrandom::fill(&mut ours).is_err() {
            return failed("no random bytes");
        }
        server_nonce.extend_from_slice(&ours);
        let reply = doc! {
            "s": Binary { subtype: BinarySubtype::Generic, bytes: server_nonce.clone() },
            "h": self.host.clone(),
        };
        let mut bytes = Vec::new();
        if reply.to_writer(&mut bytes).is_err() {
            return failed("the server-first reply did not serialize");
        }
        let conversation = Verify {
            keys: self.keys.clone(),
            host: self.host.clone(),
            server_nonce,
            seen: self.seen.clone(),
            done: false,
        };
        (Box::new(conversation), SaslStep::Continue(bytes))
    }
}

struct Over;

impl SaslConversation for Over {
    fn step(&mut self, _payload: &[u8]) -> SaslStep {
        SaslStep::Failed("the conversation is over".to_owned())
    }
}

/// The second half: the signed request.
struct Verify {
    keys: Arc<HashMap<String, Key>>,
    host: String,
    server_nonce: Vec<u8>,
    seen: Arc<Mutex<Vec<Seen>>>,
    done: bool,
}

impl SaslConversation for Verify {
    fn step(&mut self, payload: &[u8]) -> SaslStep {
        if std::mem::replace(&mut self.done, true) {
            return SaslStep::Failed("the conversation is over".to_owned());
        }
        match self.verify(payload) {
            Ok(arn) => SaslStep::Done {
                payload: Vec::new(),
                principal: arn,
            },
            Err(reason) => SaslStep::Failed(reason),
        }
    }
}

impl Verify {
    /// The ARN of the key that signed, when everything checks out.
    fn verify(&self, payload: &[u8]) -> Result<String, String> {
        let message = Document::from_reader(payload).map_err(|_| "the payload is not BSON")?;
        let authorization = message.get_str("a").map_err(|_| "a is missing")?;
        let amz_date = message.get_str("d").map_err(|_| "d is missing")?;
        let token = message.get_str("t").ok();
        let parsed = Authorization::parse(authorization)?;
        let key = self
            .keys
            .get(parsed.access_key_id)
            .ok_or("unknown access key id")?;
        self.seen
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(Seen {
                access_key_id: parsed.access_key_id.to_owned(),
                session_token: token.is_some(),
                region: parsed.region.to_owned(),
            });
        if key.session_token.as_deref() != token {
            return Err("the session token does not belong to the key".to_owned());
        }
        check_date(amz_date)?;
        if parsed.date != &amz_date[..8] {
            return Err("the credential scope's date is not the request's".to_owned());
        }
        if parsed.service != "sts" || parsed.terminator != "aws4_request" {
            return Err("the credential scope is not sts/aws4_request".to_owned());
        }
        let expected_region = match self.host.as_str() {
            "sts.amazonaws.com" => "us-east-1",
            host => host.split('.').nth(1).unwrap_or("us-east-1"),
        };
        if parsed.region != expected_region {
            return Err(format!("the scope's region is not {expected_region}"));
        }
        for required in REQUIRED_HEADERS {
            if !parsed.signed_headers.contains(required) {
                return Err(format!("{required} is not signed"));
            }
        }
        if token.is_some() && !parsed.signed_headers.contains(&"x-amz-security-token") {
            return Err("x-amz-security-token is not signed".to_owned());
        }
        // The request as STS receives it: each signed header with the value the server knows.
        let nonce = BASE64.encode(&self.server_nonce);
        let mut canonical = String::from("POST\n/\n\n");
        for name in &parsed.signed_headers {
            let value = match *name {
                "content-length" => BODY.len().to_string(),
                "content-type" => "application/x-www-form-urlencoded".to_owned(),
                "host" => self.host.clone(),
                "x-amz-date" => amz_date.to_owned(),
                "x-amz-security-token" => token.ok_or("a token is signed but not sent")?.to_owned(),
                "x-mongodb-gs2-cb-flag" => "n".to_owned(),
                "x-mongodb-server-nonce" => nonce.clone(),
                other => return Err(format!("unexpected signed header {other}")),
            };
            canonical.push_str(&format!("{name}:{value}\n"));
        }
        canonical.push_str(&format!(
            "\n{}\n{}",
            parsed.signed_headers.join(";"),
            hex(&Sha256::digest(BODY))
        ));
        let string_to_sign = format!(
            "AWS4-HMAC-SHA256\n{amz_date}\n{}/{}/sts/aws4_request\n{}",
            parsed.date,
            parsed.region,
            hex(&Sha256::digest(canonical.as_bytes()))
        );
        let mut signing_key = format!("AWS4{}", key.secret).into_bytes();
        for part in [parsed.date, parsed.region, "sts", "aws4_request"] {
            signing_key = hmac(&signing_key, part.as_bytes());
        }
        let expected = hex(&hmac(&signing_key, string_to_sign.as_bytes()));
        if expected != parsed.signature {
            return Err("the signature does not match".to_owned());
        }
        Ok(key.arn.clone())
    }
}

/// `AWS4-HMAC-SHA256 Credential=<id>/<date>/<region>/<service>/aws4_request,
/// SignedHeaders=<a;b;c>, Signature=<hex>`.
struct Authorization<'a> {
    access_key_id: &'a str,
    date: &'a str,
    region: &'a str,
    service: &'a str,
    terminator: &'a str,
    signed_headers: Vec<&'a str>,
    signature: &'a str,
}

impl<'a> Authorization<'a> {
    fn parse(header: &'a str) -> Result<Self, String> {
        let rest = header
            .strip_prefix("AWS4-HMAC-SHA256 ")
            .ok_or("not an AWS4-HMAC-SHA256 authorization")?;
        let mut credential = None;
        let mut signed_headers = None;
        let mut signature = None;
        for part in rest.split(", ") {
            match part.split_once('=') {
                Some(("Credential", value)) => credential = Some(value),
                Some(("SignedHeaders", value)) => signed_headers = Some(value),
                Some(("Signature", value)) => signature = Some(value),
                _ => return Err(format!("unexpected part {part:?}")),
            }
        }
        let credential = credential.ok_or("no Credential")?;
        let scope: Vec<&str> = credential.split('/').collect();
        let [access_key_id, date, region, service, terminator] = scope[..] else {
            return Err("the credential scope has not five parts".to_owned());
        };
        let signed_headers: Vec<&str> = signed_headers
            .ok_or("no SignedHeaders")?
            .split(';')
            .collect();
        let mut sorted = signed_headers.clone();
        sorted.sort_unstable();
        sorted.dedup();
        if sorted != signed_headers {
            return Err("SignedHeaders is not sorted".to_owned());
        }
        Ok(Self {
            access_key_id,
            date,
            region,
            service,
            terminator,
            signed_headers,
            signature: signature.ok_or("no Signature")?,
        })
    }
}

/// `YYYYMMDD'T'HHMMSS'Z'` within [`MAX_CLOCK_SKEW`] of now.
fn check_date(amz_date: &str) -> Result<(), String> {
    let bytes = amz_date.as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Result<u64, String> {
        amz_date
            .get(range)
            .filter(|s| s.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| format!("{amz_date:?} is not an X-Amz-Date"))
    };
    if bytes.len() != 16 || bytes[8] != b'T' || bytes[15] != b'Z' {
        return Err(format!("{amz_date:?} is not an X-Amz-Date"));
    }
    let (year, month, day) = (digits(0..4)?, digits(4..6)?, digits(6..8)?);
    let (hour, minute, second) = (digits(9..11)?, digits(11..13)?, digits(13..15)?);
    // days since 1970-01-01 of a Gregorian date (years counted from March)
    let (y, m) = if month <= 2 {
        (year - 1, month + 9)
    } else {
        (year, month - 3)
    };
    let days = 365 * y + y / 4 - y / 100 + y / 400 + (153 * m + 2) / 5 + day - 1 - 719_468;
    let signed_at =
        UNIX_EPOCH + Duration::from_secs(days * 86_400 + hour * 3600 + minute * 60 + second);
    let now = SystemTime::now();
    let skew = now
        .duration_since(signed_at)
        .or_else(|_| signed_at.duration_since(now))
        .unwrap_or_default();
    if skew > MAX_CLOCK_SKEW {
        return Err(format!(
            "{amz_date} is more than 15 minutes from the server's clock"
        ));
    }
    Ok(())
}

fn hmac(key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut mac = hmac::Hmac::<Sha256>::new_from_slice(key).expect("hmac takes any key length");
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A stand-in for the machine's AWS credential endpoints on 127.0.0.1: the ECS container endpoint
/// (`GET /ecs/credentials`) and EC2 instance metadata with IMDSv2 (`PUT /latest/api/token`, then the
/// role name and its credentials under `/latest/meta-data/iam/security-credentials/`, each asking
/// for the session token). It counts the requests it answers.
///
/// ```no_run
/// # async fn run() -> std::io::Result<()> {
/// use mongo_auth_test_server::aws::MetadataEndpoint;
/// let endpoint = MetadataEndpoint::start("ASIAEXAMPLE", "secret", "token", "2030-01-01T00:00:00Z").await?;
/// // AWS_CONTAINER_CREDENTIALS_FULL_URI=http://{addr}/ecs/credentials, or
/// // AWS_EC2_METADATA_SERVICE_ENDPOINT=http://{addr}
/// println!("{}", endpoint.addr());
/// # Ok(()) }
/// ```
pub struct MetadataEndpoint {
    addr: std::net::SocketAddr,
    requests: Arc<Mutex<Vec<String>>>,
    task: tokio::task::JoinHandle<()>,
}

/// The role name the EC2 stand-in reports.
pub const INSTANCE_ROLE: &str = "mongo-auth-test-role";
const IMDS_TOKEN: &str = "imds-session-token";

impl MetadataEndpoint {
    /// Serves the credentials `(access_key_id, secret, token)` expiring at `expiration` (ISO 8601
    /// UTC) on an ephemeral port of 127.0.0.1.
    pub async fn start(
        access_key_id: &str,
        secret: &str,
        token: &str,
        expiration: &str,
    ) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let requests: Arc<Mutex<Vec<String>>> = Arc::default();
        let credentials = format!(
            r#"{{"Code":"Success","Type":"AWS-HMAC","AccessKeyId":"{access_key_id}","SecretAccessKey":"{secret}","Token":"{token}","Expiration":"{expiration}"}}"#
        );
        let log = requests.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let credentials = credentials.clone();
                let log = log.clone();
                tokio::spawn(async move {
                    let _ = serve_metadata(stream, &credentials, &log).await;
                });
            }
        });
        Ok(Self {
            addr,
            requests,
            task,
        })
    }

    /// The address it listens on.
    pub fn addr(&self) -> std::net::SocketAddr {
        self.addr
    }

    /// `METHOD path` of every request answered, in order.
    pub fn requests(&self) -> Vec<String> {
        self.requests
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}

impl Drop for MetadataEndpoint {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve_metadata(
    mut stream: tokio::net::TcpStream,
    credentials: &str,
    log: &Mutex<Vec<String>>,
) -> std::io::Result<()> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut request = Vec::new();
    let mut buffer = [0u8; 1024];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") && request.len() < 16 * 1024 {
        let n = stream.read(&mut buffer).await?;
        if n == 0 {
            break;
        }
        request.extend_from_slice(&buffer[..n]);
    }
    let text = String::from_utf8_lossy(&request);
    let mut lines = text.split("\r\n");
    let mut first = lines.next().unwrap_or("").split(' ');
    let (method, path) = (first.next().unwrap_or(""), first.next().unwrap_or(""));
    let header = |name: &str| {
        text.split("\r\n").find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name)
                .then(|| value.trim().to_owned())
        })
    };
    log.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .push(format!("{method} {path}"));
    let has_token = header("X-aws-ec2-metadata-token").as_deref() == Some(IMDS_TOKEN);
    let roles = "/latest/meta-data/iam/security-credentials/";
    let (status, body) = match (method, path) {
        ("GET", "/ecs/credentials") => (200, credentials.to_owned()),
        ("PUT", "/latest/api/token")
            if header("X-aws-ec2-metadata-token-ttl-seconds").is_some() =>
        {
            (200, IMDS_TOKEN.to_owned())
        }
        ("GET", path) if path.starts_with(roles) && !has_token => (401, String::new()),
        ("GET", path) if path == roles => (200, INSTANCE_ROLE.to_owned()),
        ("GET", path) if path.strip_prefix(roles) == Some(INSTANCE_ROLE) => {
            (200, credentials.to_owned())
        }
        _ => (404, String::new()),
    };
    let reason = match status {
        200 => "OK",
        401 => "Unauthorized",
        _ => "Not Found",
    };
    let response = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(response.as_bytes()).await?;
    stream.shutdown().await
}

/// A stand-in for STS's `AssumeRoleWithWebIdentity` on 127.0.0.1, over HTTPS (a test PKI's server
/// certificate): `POST /` with the form `Action=AssumeRoleWithWebIdentity&RoleArn=…&
/// RoleSessionName=…&WebIdentityToken=…`, `Accept: application/json`. The token must pass `idp`'s
/// checks (an OIDC JWT, as EKS's service account tokens are) and the role must be `role_arn`; the
/// answer holds the temporary credentials given to [`start`](Self::start), in STS's JSON form.
pub struct WebIdentitySts {
    addr: std::net::SocketAddr,
    seen: Arc<Mutex<Vec<String>>>,
    task: tokio::task::JoinHandle<()>,
}

impl WebIdentitySts {
    /// Serves `(access_key_id, secret, session_token)` for `role_arn`, expiring at
    /// `expiration` (seconds since the epoch).
    pub async fn start(
        tls: &crate::tls::TlsOptions,
        idp: crate::oidc::OidcIdp,
        role_arn: &str,
        credentials: (&str, &str, &str),
        expiration: u64,
    ) -> std::io::Result<Self> {
        let acceptor = tls.acceptor()?;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let seen: Arc<Mutex<Vec<String>>> = Arc::default();
        let answer = format!(
            r#"{{"AssumeRoleWithWebIdentityResponse":{{"AssumeRoleWithWebIdentityResult":{{"Credentials":{{"AccessKeyId":"{}","SecretAccessKey":"{}","SessionToken":"{}","Expiration":{expiration}}},"SubjectFromWebIdentityToken":"x"}}}}}}"#,
            credentials.0, credentials.1, credentials.2
        );
        let role_arn = role_arn.to_owned();
        let log = Arc::clone(&seen);
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (acceptor, idp, answer, role_arn, log) = (
                    acceptor.clone(),
                    idp.clone(),
                    answer.clone(),
                    role_arn.clone(),
                    Arc::clone(&log),
                );
                tokio::spawn(async move {
                    if let Ok(stream) = acceptor.accept(stream).await {
                        let _ = serve_sts(stream, &idp, &role_arn, &answer, &log).await;
                    }
                });
            }
        });
        Ok(Self { addr, seen, task })
    }

    /// The address it listens on (`https://localhost:{port}`: the test PKI's server certificate
    /// names localhost and 127.0.0.1).
    pub fn addr(&self) -> std::net::SocketAddr {
        self.addr
    }

    /// One entry per request: `accepted <subject>` or `refused <why>`.
    pub fn seen(&self) -> Vec<String> {
        self.seen
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}

impl Drop for WebIdentitySts {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve_sts<S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin>(
    mut stream: S,
    idp: &crate::oidc::OidcIdp,
    role_arn: &str,
    answer: &str,
    log: &Mutex<Vec<String>>,
) -> std::io::Result<()> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut request = Vec::new();
    let mut buffer = [0u8; 4096];
    let complete = |request: &[u8]| {
        let text = String::from_utf8_lossy(request);
        let Some((head, body)) = text.split_once("\r\n\r\n") else {
            return false;
        };
        let length = head
            .split("\r\n")
            .find_map(|line| {
                let (key, value) = line.split_once(':')?;
                key.eq_ignore_ascii_case("content-length")
                    .then(|| value.trim().parse::<usize>().ok())?
            })
            .unwrap_or(0);
        body.len() >= length
    };
    while !complete(&request) && request.len() < 64 * 1024 {
        let n = stream.read(&mut buffer).await?;
        if n == 0 {
            break;
        }
        request.extend_from_slice(&buffer[..n]);
    }
    let text = String::from_utf8_lossy(&request).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let form: HashMap<String, String> = body
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.to_owned(), percent_decode(v)))
        .collect();
    let json = head
        .split("\r\n")
        .any(|line| line.eq_ignore_ascii_case("accept: application/json"));
    let verdict = if !head.starts_with("POST / ") {
        Err("not POST /".to_owned())
    } else if !json {
        Err("no Accept: application/json".to_owned())
    } else if form.get("Action").map(String::as_str) != Some("AssumeRoleWithWebIdentity")
        || form.get("Version").map(String::as_str) != Some("2011-06-15")
        || form.get("RoleSessionName").is_none_or(String::is_empty)
    {
        Err("not an AssumeRoleWithWebIdentity request".to_owned())
    } else if form.get("RoleArn").map(String::as_str) != Some(role_arn) {
        Err("another role".to_owned())
    } else {
        idp.verify(form.get("WebIdentityToken").map_or("", String::as_str))
    };
    let (status, body) = match &verdict {
        Ok(_) => (200, answer.to_owned()),
        Err(_) => (
            403,
            r#"{"Error":{"Code":"InvalidIdentityToken","Message":"the token is not valid"}}"#
                .to_owned(),
        ),
    };
    log.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .push(match verdict {
            Ok(subject) => format!("accepted {subject}"),
            Err(why) => format!("refused {why}"),
        });
    let response = format!(
        "HTTP/1.1 {status} {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        if status == 200 { "OK" } else { "Forbidden" },
        body.len()
    );
    stream.write_all(response.as_bytes()).await?;
    stream.shutdown().await
}

fn percent_decode(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() && value.is_char_boundary(i + 3) => {
                match u8::from_str_radix(&value[i + 1..i + 3], 16) {
                    Ok(byte) => {
                        out.push(byte);
                        i += 3;
                    }
                    Err(_) => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            other => {
                out.push(other);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
