//! The little HTTP/1.1 MONGODB-AWS and MONGODB-OIDC need: one request to a link-local metadata
//! endpoint (ECS, EC2, Azure, GCP) in plain HTTP, or to STS over HTTPS (rustls, the same crypto
//! provider as the connections), `Connection: close`, a bounded answer. Not a general client: no
//! redirects, no keep-alive.

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::error::Error;

/// The largest answer read from a metadata endpoint.
const MAX_RESPONSE: usize = 64 * 1024;

/// An `http://host[:port]` endpoint and a path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Url {
    pub(super) authority: String,
    pub(super) path: String,
    /// `https://`.
    pub(super) tls: bool,
}

impl Url {
    /// Parses `http://authority/path`; anything else (HTTPS included) is refused with `what` named.
    pub(super) fn parse(url: &str, what: &str) -> Result<Self, Error> {
        let rest = url.strip_prefix("http://").ok_or_else(|| {
            Error::NotSupported(crate::error::NotSupported {
                what: format!("{what} ({url}) must be an http:// URL"),
            })
        })?;
        Self::parse_rest(rest, url, what, false)
    }

    /// Parses `https://authority/path`; anything else is refused with `what` named.
    pub(super) fn parse_https(url: &str, what: &str) -> Result<Self, Error> {
        let rest = url.strip_prefix("https://").ok_or_else(|| {
            Error::NotSupported(crate::error::NotSupported {
                what: format!("{what} ({url}) must be an https:// URL"),
            })
        })?;
        Self::parse_rest(rest, url, what, true)
    }

    fn parse_rest(rest: &str, url: &str, what: &str, tls: bool) -> Result<Self, Error> {
        let (authority, path) = match rest.find('/') {
            Some(slash) => (&rest[..slash], &rest[slash..]),
            None => (rest, "/"),
        };
        if authority.is_empty() {
            return Err(Error::NotSupported(crate::error::NotSupported {
                what: format!("{what} ({url}) has no host"),
            }));
        }
        Ok(Self {
            authority: authority.to_owned(),
            path: path.to_owned(),
            tls,
        })
    }

    fn address(&self) -> String {
        if self
            .authority
            .rsplit_once(':')
            .is_some_and(|(_, port)| !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()))
        {
            self.authority.clone()
        } else {
            format!("{}:{}", self.authority, if self.tls { 443 } else { 80 })
        }
    }

    /// The host without the port, for TLS's server name.
    fn host(&self) -> &str {
        match self.authority.rsplit_once(':') {
            Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => host,
            _ => &self.authority,
        }
    }
}

/// The status and body of an answer.
#[derive(Debug)]
pub(super) struct Response {
    pub(super) status: u16,
    pub(super) body: String,
}

/// Sends one request without a body (plain HTTP) and reads the answer to its end.
pub(super) async fn request(
    method: &str,
    url: &Url,
    headers: &[(&str, &str)],
) -> Result<Response, Error> {
    request_with_body(method, url, headers, "", None).await
}

/// Sends one request with `body` (over TLS with `tls` when the URL is `https://`) and reads the
/// answer to its end. Errors name the URL, never the body (it may hold a token).
pub(super) async fn request_with_body(
    method: &str,
    url: &Url,
    headers: &[(&str, &str)],
    body: &str,
    tls: Option<std::sync::Arc<rustls::ClientConfig>>,
) -> Result<Response, Error> {
    let scheme = if url.tls { "https" } else { "http" };
    let failed = |problem: String| {
        Error::Io(std::io::Error::other(format!(
            "the endpoint {scheme}://{}{}: {problem}",
            url.authority, url.path
        )))
    };
    let stream = tokio::net::TcpStream::connect(url.address())
        .await
        .map_err(|e| failed(format!("cannot connect: {e}")))?;
    match (url.tls, tls) {
        (false, _) => exchange(stream, method, url, headers, body, failed).await,
        (true, Some(config)) => {
            let name = crate::tls::server_name(url.host())
                .map_err(|e| failed(format!("not a TLS server name: {e}")))?;
            let stream = tokio_rustls::TlsConnector::from(config)
                .connect(name, stream)
                .await
                .map_err(|e| failed(format!("the TLS handshake failed: {e}")))?;
            exchange(stream, method, url, headers, body, failed).await
        }
        (true, None) => Err(failed(
            "no TLS configuration for an https:// URL".to_owned(),
        )),
    }
}

async fn exchange<S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin>(
    mut stream: S,
    method: &str,
    url: &Url,
    headers: &[(&str, &str)],
    body: &str,
    failed: impl Fn(String) -> Error,
) -> Result<Response, Error> {
    let mut request = format!(
        "{method} {} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n",
        url.path,
        url.authority,
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    let request = zeroize::Zeroizing::new(request);
    stream
        .write_all(request.as_bytes())
        .await
        .map_err(|e| failed(format!("cannot send the request: {e}")))?;
    let mut answer = Vec::new();
    (&mut stream)
        .take(MAX_RESPONSE as u64 + 1)
        .read_to_end(&mut answer)
        .await
        .map_err(|e| failed(format!("cannot read the answer: {e}")))?;
    if answer.len() > MAX_RESPONSE {
        return Err(failed(format!("the answer is over {MAX_RESPONSE} bytes")));
    }
    parse_response(&answer).map_err(|problem| failed(problem.to_owned()))
}

fn parse_response(answer: &[u8]) -> Result<Response, &'static str> {
    let text = std::str::from_utf8(answer).map_err(|_| "the answer is not UTF-8")?;
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or("the answer has no end of headers")?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status = status_line
        .strip_prefix("HTTP/1.")
        .and_then(|rest| rest.get(2..5))
        .and_then(|code| code.parse().ok())
        .ok_or("the answer has no HTTP status line")?;
    let mut chunked = false;
    let mut length = None;
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("transfer-encoding") && value.eq_ignore_ascii_case("chunked") {
            chunked = true;
        } else if name.eq_ignore_ascii_case("content-length") {
            length = Some(value.parse::<usize>().map_err(|_| "a bad Content-Length")?);
        }
    }
    let body = if chunked {
        dechunk(body)?
    } else {
        match length {
            Some(length) => body
                .get(..length)
                .ok_or("the answer is shorter than its Content-Length")?,
            None => body,
        }
        .to_owned()
    };
    Ok(Response { status, body })
}

fn dechunk(mut body: &str) -> Result<String, &'static str> {
    let mut out = String::new();
    loop {
        let (size, rest) = body
            .split_once("\r\n")
            .ok_or("a chunk without a size line")?;
        let size = usize::from_str_radix(size.split(';').next().unwrap_or("").trim(), 16)
            .map_err(|_| "a bad chunk size")?;
        if size == 0 {
            return Ok(out);
        }
        out.push_str(rest.get(..size).ok_or("a chunk cut short")?);
        body = rest
            .get(size..)
            .and_then(|r| r.strip_prefix("\r\n"))
            .ok_or("a chunk cut short")?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_http_with_a_host() {
        let url = Url::parse("http://127.0.0.1:8080/creds?x=1", "the endpoint").unwrap();
        assert_eq!(url.authority, "127.0.0.1:8080");
        assert_eq!(url.path, "/creds?x=1");
        assert_eq!(url.address(), "127.0.0.1:8080");
        let url = Url::parse("http://169.254.170.2", "the endpoint").unwrap();
        assert_eq!(url.path, "/");
        assert_eq!(url.address(), "169.254.170.2:80");
        assert!(Url::parse("https://example.com/", "the endpoint").is_err());
        assert!(Url::parse("http:///x", "the endpoint").is_err());
    }

    #[test]
    fn https_urls_default_to_port_443_and_name_their_host() {
        let url = Url::parse_https("https://sts.amazonaws.com/", "STS").unwrap();
        assert!(url.tls);
        assert_eq!(url.address(), "sts.amazonaws.com:443");
        assert_eq!(url.host(), "sts.amazonaws.com");
        let url = Url::parse_https("https://localhost:8443/", "STS").unwrap();
        assert_eq!(
            (url.address().as_str(), url.host()),
            ("localhost:8443", "localhost")
        );
        assert!(Url::parse_https("http://sts.amazonaws.com/", "STS").is_err());
    }

    #[test]
    fn answers_with_a_length_chunks_or_neither() {
        let r = parse_response(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA").unwrap();
        assert_eq!((r.status, r.body.as_str()), (200, "ok"));
        let r = parse_response(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
        )
        .unwrap();
        assert_eq!(r.body, "abcde");
        let r = parse_response(b"HTTP/1.0 404 Not Found\r\n\r\nnope").unwrap();
        assert_eq!((r.status, r.body.as_str()), (404, "nope"));
        for broken in [
            &b"garbage"[..],
            b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nshort",
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            b"SMTP 220\r\n\r\n",
        ] {
            assert!(parse_response(broken).is_err(), "{broken:?}");
        }
    }
}
