//! A stand-in on 127.0.0.1 for the cloud metadata endpoints MONGODB-OIDC's built-in environments
//! ask: Azure's instance metadata service (`GET /metadata/identity/oauth2/token?api-version=
//! 2018-02-01&resource=…[&client_id=…]` with `Metadata: true` and `Accept: application/json`,
//! answered with JSON holding `access_token`) and GCP's metadata server (`GET /computeMetadata/v1/
//! instance/service-accounts/default/identity?audience=…` with `Metadata-Flavor: Google`, answered
//! with the token itself). A request without the required header is refused as the real services
//! refuse it (400 / 403).

use std::sync::{Arc, Mutex, PoisonError};

use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The Azure and GCP metadata stand-in; see the module docs.
///
/// ```no_run
/// # async fn run() -> std::io::Result<()> {
/// use mongo_auth_test_server::oidc::{CloudMetadataEndpoint, OidcIssuer};
/// let issuer = OidcIssuer::demo();
/// let endpoint = CloudMetadataEndpoint::start(issuer.token("app")).await?;
/// // Authenticator::with_oidc_metadata_endpoint(format!("http://{}", endpoint.addr()))
/// # Ok(()) }
/// ```
pub struct CloudMetadataEndpoint {
    addr: std::net::SocketAddr,
    token: Arc<Mutex<String>>,
    requests: Arc<Mutex<Vec<String>>>,
    task: tokio::task::JoinHandle<()>,
}

impl CloudMetadataEndpoint {
    /// Serves `token` on an ephemeral port of 127.0.0.1.
    pub async fn start(token: String) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let token = Arc::new(Mutex::new(token));
        let requests: Arc<Mutex<Vec<String>>> = Arc::default();
        let (served, log) = (Arc::clone(&token), Arc::clone(&requests));
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let token = served
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .clone();
                let log = Arc::clone(&log);
                tokio::spawn(async move {
                    let _ = serve(stream, &token, &log).await;
                });
            }
        });
        Ok(Self {
            addr,
            token,
            requests,
            task,
        })
    }

    /// The address it listens on.
    pub fn addr(&self) -> std::net::SocketAddr {
        self.addr
    }

    /// Serves `token` from now on.
    pub fn set_token(&self, token: String) {
        *self.token.lock().unwrap_or_else(PoisonError::into_inner) = token;
    }

    /// `METHOD path?query` of every request, in order.
    pub fn requests(&self) -> Vec<String> {
        self.requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl Drop for CloudMetadataEndpoint {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(
    mut stream: tokio::net::TcpStream,
    token: &str,
    log: &Mutex<Vec<String>>,
) -> std::io::Result<()> {
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
    let mut first = text.split("\r\n").next().unwrap_or("").split(' ');
    let (method, target) = (first.next().unwrap_or(""), first.next().unwrap_or(""));
    let header = |name: &str| {
        text.split("\r\n").skip(1).find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name)
                .then(|| value.trim().to_owned())
        })
    };
    log.lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(format!("{method} {target}"));
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let parameter = |name: &str| {
        query
            .split('&')
            .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
    };
    let (status, content_type, body) = match (method, path) {
        ("GET", "/metadata/identity/oauth2/token") => {
            if header("Metadata").as_deref() != Some("true") {
                (400, "application/json", r#"{"error":"invalid_request","error_description":"Required metadata header not specified"}"#.to_owned())
            } else if parameter("api-version") != Some("2018-02-01")
                || parameter("resource").is_none_or(str::is_empty)
            {
                (400, "application/json", r#"{"error":"invalid_request","error_description":"api-version and resource are required"}"#.to_owned())
            } else {
                (
                    200,
                    "application/json",
                    format!(
                        r#"{{"access_token":"{token}","refresh_token":"","expires_in":"3599","expires_on":"1506484173","not_before":"1506480273","resource":"{}","token_type":"Bearer"}}"#,
                        parameter("resource").unwrap_or("")
                    ),
                )
            }
        }
        ("GET", "/computeMetadata/v1/instance/service-accounts/default/identity") => {
            if header("Metadata-Flavor").as_deref() != Some("Google") {
                (
                    403,
                    "text/html",
                    "Missing Metadata-Flavor:Google header.".to_owned(),
                )
            } else if parameter("audience").is_none_or(str::is_empty) {
                (
                    400,
                    "text/html",
                    "non-empty audience parameter required".to_owned(),
                )
            } else {
                (200, "text/html", token.to_owned())
            }
        }
        _ => (404, "text/plain", String::new()),
    };
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        _ => "Not Found",
    };
    let response = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(response.as_bytes()).await?;
    stream.shutdown().await
}
