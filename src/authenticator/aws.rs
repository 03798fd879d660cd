//! MONGODB-AWS credentials at run time, in the spec's order: the provider given in code; the
//! environment (read afresh for every authentication, never cached); a web identity token
//! (`AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN`, through STS's AssumeRoleWithWebIdentity over
//! HTTPS); the ECS container endpoint; EC2 instance metadata (IMDSv2). Credentials fetched from an
//! endpoint are cached until five minutes before they expire, and dropped when the server refuses
//! them.

use std::sync::{Mutex, PoisonError};

use super::Authenticator;
use super::http::{self, Url};
use crate::error::{CredentialError, Error, NotSupported};
use crate::mechanism::aws::AwsCredentials;

/// Fetched credentials are used until this long before they expire.
const REFRESH_BEFORE_EXPIRY: u64 = 5 * 60;
/// The ECS container endpoint a relative URI is resolved against.
const ECS_ENDPOINT: &str = "http://169.254.170.2";
/// The EC2 instance metadata endpoint, unless `AWS_EC2_METADATA_SERVICE_ENDPOINT` names another.
const EC2_ENDPOINT: &str = "http://169.254.169.254";
/// How long the IMDSv2 session token asked for lives, in seconds.
const IMDS_TOKEN_TTL: &str = "30";

/// The credentials fetched from an endpoint, with when they expire.
#[derive(Default)]
pub(super) struct AwsCredentialCache {
    cached: Mutex<Option<(AwsCredentials, u64)>>,
}

impl AwsCredentialCache {
    fn get(&self, now: u64) -> Option<AwsCredentials> {
        let cached = self.cached.lock().unwrap_or_else(PoisonError::into_inner);
        cached
            .as_ref()
            .filter(|(_, expires_at)| now + REFRESH_BEFORE_EXPIRY < *expires_at)
            .map(|(credentials, _)| credentials.clone())
    }

    fn put(&self, credentials: &AwsCredentials, expires_at: Option<u64>) {
        *self.cached.lock().unwrap_or_else(PoisonError::into_inner) =
            expires_at.map(|expires_at| (credentials.clone(), expires_at));
    }

    /// Drops the cached credentials (the server refused them).
    pub(super) fn forget(&self) {
        *self.cached.lock().unwrap_or_else(PoisonError::into_inner) = None;
    }
}

/// Seconds since the Unix epoch.
pub(super) fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.as_secs())
}

fn variable(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.is_empty())
}

fn credential_error(problem: String) -> Error {
    Error::Credential(CredentialError { problem })
}

impl Authenticator {
    /// The credentials for the next MONGODB-AWS authentication.
    pub(super) async fn aws_credentials(&self) -> Result<AwsCredentials, Error> {
        if let Some(provider) = &self.aws_credentials {
            return provider.credentials().await.map_err(|e| {
                credential_error(format!(
                    "the AWS credential provider gave no credentials for MONGODB-AWS: {e}"
                ))
            });
        }
        if let Some(credentials) = AwsCredentials::from_environment_variables()? {
            return Ok(credentials);
        }
        if let Some(credentials) = self.aws_cache.get(unix_now()) {
            return Ok(credentials);
        }
        if let Some(token_file) = variable("AWS_WEB_IDENTITY_TOKEN_FILE") {
            let (credentials, expires_at) = web_identity_credentials(&token_file).await?;
            self.aws_cache.put(&credentials, expires_at);
            return Ok(credentials);
        }
        let ecs = match (
            variable("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"),
            variable("AWS_CONTAINER_CREDENTIALS_FULL_URI"),
        ) {
            (Some(relative), _) => Some(format!("{ECS_ENDPOINT}{relative}")),
            (None, Some(full)) => Some(full),
            (None, None) => None,
        };
        let (credentials, expires_at) = match ecs {
            Some(url) => ecs_credentials(&url).await?,
            None => ec2_credentials().await?,
        };
        self.aws_cache.put(&credentials, expires_at);
        Ok(credentials)
    }
}

/// STS's global endpoint.
const STS_ENDPOINT: &str = "https://sts.amazonaws.com";

/// The STS endpoint, as AWS's SDKs choose it from the environment (`lookup` reads a variable):
/// `AWS_ENDPOINT_URL_STS`, else `AWS_ENDPOINT_URL`, else the region's endpoint
/// (`https://sts.{region}.amazonaws.com`, `.amazonaws.com.cn` in China) for `AWS_REGION` or
/// `AWS_DEFAULT_REGION`, unless `AWS_STS_REGIONAL_ENDPOINTS=legacy` asks for the global one, which
/// is also used when no region is set.
fn sts_endpoint(lookup: impl Fn(&str) -> Option<String>) -> Result<String, Error> {
    if let Some(endpoint) = lookup("AWS_ENDPOINT_URL_STS").or_else(|| lookup("AWS_ENDPOINT_URL")) {
        return Ok(endpoint);
    }
    let regional = match lookup("AWS_STS_REGIONAL_ENDPOINTS").as_deref() {
        None | Some("regional") => true,
        Some("legacy") => false,
        Some(other) => {
            return Err(credential_error(format!(
                "AWS_STS_REGIONAL_ENDPOINTS is {:?}: use regional or legacy",
                crate::reply::server_text(other)
            )));
        }
    };
    let region = lookup("AWS_REGION").or_else(|| lookup("AWS_DEFAULT_REGION"));
    match region {
        Some(region) if regional => {
            let valid = !region.is_empty()
                && region.len() <= 64
                && region
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
            if !valid {
                return Err(credential_error(format!(
                    "AWS_REGION {:?} is not a region name (lower-case letters, digits and '-')",
                    crate::reply::server_text(&region)
                )));
            }
            let domain = if region.starts_with("cn-") {
                "amazonaws.com.cn"
            } else {
                "amazonaws.com"
            };
            Ok(format!("https://sts.{region}.{domain}"))
        }
        _ => Ok(STS_ENDPOINT.to_owned()),
    }
}

/// Temporary credentials for `AWS_ROLE_ARN` from STS's AssumeRoleWithWebIdentity, with the token
/// in the file `AWS_WEB_IDENTITY_TOKEN_FILE` names (EKS's IAM roles for service accounts). Over
/// HTTPS, trusting the web PKI's roots, or the bundle `AWS_CA_BUNDLE` names (as AWS's SDKs do).
async fn web_identity_credentials(
    token_file: &str,
) -> Result<(AwsCredentials, Option<u64>), Error> {
    let what = "STS AssumeRoleWithWebIdentity";
    let role_arn = variable("AWS_ROLE_ARN").ok_or_else(|| {
        credential_error(
            "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not: set the role to assume"
                .to_owned(),
        )
    })?;
    let token = std::fs::read_to_string(token_file).map_err(|e| {
        credential_error(format!(
            "cannot read the web identity token file {token_file} (AWS_WEB_IDENTITY_TOKEN_FILE): {e}"
        ))
    })?;
    let token = zeroize::Zeroizing::new(token.trim().to_owned());
    let session =
        variable("AWS_ROLE_SESSION_NAME").unwrap_or_else(|| format!("mongo-auth-{}", unix_now()));
    let endpoint = sts_endpoint(variable)?;
    let url = Url::parse_https(&format!("{}/", endpoint.trim_end_matches('/')), what)?;
    let roots = match variable("AWS_CA_BUNDLE") {
        Some(bundle) => crate::tls::files::load_roots(std::path::Path::new(&bundle))
            .map_err(|e| credential_error(format!("AWS_CA_BUNDLE: {e}")))?,
        None => rustls::RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        },
    };
    let tls = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
        crate::tls::crypto_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| credential_error(format!("{what}: TLS: {e}")))?
    .with_root_certificates(roots)
    .with_no_client_auth();
    let form = |value: &str| {
        percent_encoding::utf8_percent_encode(value, percent_encoding::NON_ALPHANUMERIC).to_string()
    };
    // The token goes in the body (never in the URL, which errors name), wiped once sent.
    let body = zeroize::Zeroizing::new(format!(
        "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn={}&RoleSessionName={}&WebIdentityToken={}",
        form(&role_arn),
        form(&session),
        form(&token)
    ));
    let response = http::request_with_body(
        "POST",
        &url,
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Accept", "application/json"),
        ],
        &body,
        Some(std::sync::Arc::new(tls)),
    )
    .await?;
    if response.status != 200 {
        return Err(credential_error(format!(
            "{what} ({endpoint}) answered HTTP {} for role {role_arn}",
            response.status
        )));
    }
    #[derive(serde::Deserialize)]
    struct Answer {
        #[serde(rename = "AssumeRoleWithWebIdentityResponse")]
        response: AnswerResponse,
    }
    #[derive(serde::Deserialize)]
    struct AnswerResponse {
        #[serde(rename = "AssumeRoleWithWebIdentityResult")]
        result: AnswerResult,
    }
    #[derive(serde::Deserialize)]
    struct AnswerResult {
        #[serde(rename = "Credentials")]
        credentials: StsCredentials,
    }
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct StsCredentials {
        access_key_id: String,
        secret_access_key: String,
        session_token: String,
        expiration: Option<serde_json::Value>,
    }
    let answer: Answer = serde_json::from_str(&response.body).map_err(|e| {
        // serde_json's message names a position or a field, never a value.
        credential_error(format!(
            "{what} answered credentials that do not parse: {e}"
        ))
    })?;
    let credentials = answer.response.result.credentials;
    // STS's JSON gives seconds since the epoch (a number); an ISO 8601 text is taken too.
    let expires_at = match &credentials.expiration {
        Some(serde_json::Value::Number(seconds)) => seconds.as_f64().map(|s| s as u64),
        Some(serde_json::Value::String(text)) => parse_expiration(text),
        _ => None,
    };
    Ok((
        AwsCredentials::new(
            credentials.access_key_id,
            credentials.secret_access_key,
            Some(credentials.session_token),
        ),
        expires_at,
    ))
}

/// The ECS container endpoint's credentials.
async fn ecs_credentials(url: &str) -> Result<(AwsCredentials, Option<u64>), Error> {
    let what = "the ECS container credentials endpoint";
    let url = Url::parse(url, what)?;
    let response = http::request("GET", &url, &[]).await?;
    if response.status != 200 {
        return Err(credential_error(format!(
            "{what} (http://{}{}) answered HTTP {}",
            url.authority, url.path, response.status
        )));
    }
    metadata_credentials(&response.body, what)
}

/// EC2 instance metadata (IMDSv2): a session token, the instance role's name, its credentials.
async fn ec2_credentials() -> Result<(AwsCredentials, Option<u64>), Error> {
    let what = "EC2 instance metadata";
    if variable("AWS_EC2_METADATA_DISABLED").is_some_and(|v| v.eq_ignore_ascii_case("true")) {
        return Err(Error::NotSupported(NotSupported {
            what: "MONGODB-AWS found no credentials: none in the environment (AWS_ACCESS_KEY_ID, \
                   AWS_SECRET_ACCESS_KEY), no ECS endpoint, and EC2 instance metadata is disabled \
                   (AWS_EC2_METADATA_DISABLED)"
                .to_owned(),
        }));
    }
    let endpoint =
        variable("AWS_EC2_METADATA_SERVICE_ENDPOINT").unwrap_or_else(|| EC2_ENDPOINT.to_owned());
    let endpoint = endpoint.trim_end_matches('/');
    let at = |path: &str| Url::parse(&format!("{endpoint}{path}"), what);
    let token = http::request(
        "PUT",
        &at("/latest/api/token")?,
        &[("X-aws-ec2-metadata-token-ttl-seconds", IMDS_TOKEN_TTL)],
    )
    .await?;
    if token.status != 200 {
        return Err(credential_error(format!(
            "{what} ({endpoint}) refused a session token: HTTP {}",
            token.status
        )));
    }
    let token = token.body.trim().to_owned();
    let header = [("X-aws-ec2-metadata-token", token.as_str())];
    let roles_path = "/latest/meta-data/iam/security-credentials/";
    let role = http::request("GET", &at(roles_path)?, &header).await?;
    let role_name = role.body.lines().next().unwrap_or("").trim();
    if role.status != 200 || role_name.is_empty() || role_name.contains('/') {
        return Err(credential_error(format!(
            "{what} ({endpoint}) names no instance role (HTTP {}): attach an IAM role to the \
             instance, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
            role.status
        )));
    }
    let response = http::request("GET", &at(&format!("{roles_path}{role_name}"))?, &header).await?;
    if response.status != 200 {
        return Err(credential_error(format!(
            "{what} ({endpoint}) answered HTTP {} for the credentials of role {role_name}",
            response.status
        )));
    }
    metadata_credentials(&response.body, what)
}

/// The JSON both endpoints answer with.
#[derive(serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
struct MetadataCredentials {
    access_key_id: String,
    secret_access_key: String,
    token: Option<String>,
    expiration: Option<String>,
}

fn metadata_credentials(body: &str, what: &str) -> Result<(AwsCredentials, Option<u64>), Error> {
    let parsed: MetadataCredentials = serde_json::from_str(body).map_err(|e| {
        // serde_json's message names a position or a field, never a value.
        credential_error(format!(
            "{what} answered with credentials that do not parse: {e}"
        ))
    })?;
    let expires_at = match &parsed.expiration {
        None => None,
        Some(text) => Some(parse_expiration(text).ok_or_else(|| {
            credential_error(format!(
                "{what} answered with an Expiration that is not an ISO 8601 UTC time"
            ))
        })?),
    };
    Ok((
        AwsCredentials::new(parsed.access_key_id, parsed.secret_access_key, parsed.token),
        expires_at,
    ))
}

/// `YYYY-MM-DDTHH:MM:SSZ` (fractional seconds allowed) as seconds since the Unix epoch.
fn parse_expiration(text: &str) -> Option<u64> {
    let text = text.strip_suffix('Z')?;
    let (date, time) = text.split_once('T')?;
    let mut date = date.split('-').map(|part| part.parse::<u64>().ok());
    let (year, month, day) = (date.next()??, date.next()??, date.next()??);
    let mut time = time.split(':');
    let hour: u64 = time.next()?.parse().ok()?;
    let minute: u64 = time.next()?.parse().ok()?;
    let second: u64 = time.next()?.split('.').next()?.parse().ok()?;
    if !(1970..=9999).contains(&year)
        || !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    // days since 1970-01-01, counting years from March so that the leap day ends them
    let (y, m) = if month <= 2 {
        (year - 1, month + 9)
    } else {
        (year, month - 3)
    };
    let days = 365 * y + y / 4 - y / 100 + y / 400 + (153 * m + 2) / 5 + day - 1;
    let days = days.checked_sub(719_468)?;
    Some(days * 86_400 + hour * 3600 + minute * 60 + second)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sts_endpoint_follows_the_sdks_variables() {
        let endpoint = |pairs: &[(&str, &str)]| {
            let pairs: Vec<(String, String)> = pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect();
            sts_endpoint(|name| {
                pairs
                    .iter()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v.clone())
            })
        };
        let ok = |pairs: &[(&str, &str)]| endpoint(pairs).expect("an endpoint");
        assert_eq!(ok(&[]), "https://sts.amazonaws.com");
        assert_eq!(
            ok(&[("AWS_REGION", "eu-west-1")]),
            "https://sts.eu-west-1.amazonaws.com"
        );
        assert_eq!(
            ok(&[("AWS_DEFAULT_REGION", "us-east-2")]),
            "https://sts.us-east-2.amazonaws.com"
        );
        assert_eq!(
            ok(&[("AWS_REGION", "cn-north-1")]),
            "https://sts.cn-north-1.amazonaws.com.cn"
        );
        assert_eq!(
            ok(&[
                ("AWS_REGION", "eu-west-1"),
                ("AWS_STS_REGIONAL_ENDPOINTS", "legacy")
            ]),
            "https://sts.amazonaws.com"
        );
        assert_eq!(
            ok(&[
                ("AWS_REGION", "eu-west-1"),
                ("AWS_STS_REGIONAL_ENDPOINTS", "regional"),
                ("AWS_ENDPOINT_URL", "https://127.0.0.1:4443")
            ]),
            "https://127.0.0.1:4443"
        );
        assert_eq!(
            ok(&[
                ("AWS_ENDPOINT_URL", "https://a"),
                ("AWS_ENDPOINT_URL_STS", "https://b")
            ]),
            "https://b"
        );
        for bad in [
            &[("AWS_STS_REGIONAL_ENDPOINTS", "global")][..],
            &[("AWS_REGION", "evil.com/x")][..],
            &[("AWS_REGION", "EU-WEST-1")][..],
        ] {
            let error = endpoint(bad).expect_err("refused");
            assert!(matches!(error, Error::Credential(_)), "{error:?}");
        }
    }

    #[test]
    fn expirations_are_utc_times() {
        assert_eq!(parse_expiration("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            parse_expiration("2015-08-30T12:36:00Z"),
            Some(1_440_938_160)
        );
        assert_eq!(
            parse_expiration("2000-02-29T00:00:00.123Z"),
            Some(951_782_400)
        );
        for bad in [
            "2015-08-30T12:36:00",
            "2015-08-30 12:36:00Z",
            "2015-13-01T00:00:00Z",
            "tomorrow",
            "",
        ] {
            assert_eq!(parse_expiration(bad), None, "{bad}");
        }
    }

    #[test]
    fn cached_credentials_are_used_until_five_minutes_before_expiry() {
        let cache = AwsCredentialCache::default();
        let credentials = AwsCredentials::new("AKID", "secret", None);
        cache.put(&credentials, Some(10_000));
        assert!(cache.get(10_000 - REFRESH_BEFORE_EXPIRY - 1).is_some());
        assert!(cache.get(10_000 - REFRESH_BEFORE_EXPIRY).is_none());
        cache.forget();
        assert!(cache.get(0).is_none());
        // without an expiry nothing is cached
        cache.put(&credentials, None);
        assert!(cache.get(0).is_none());
    }

    #[test]
    fn metadata_answers_parse_without_echoing_secrets() {
        let (credentials, expires_at) = metadata_credentials(
            r#"{"Code":"Success","AccessKeyId":"ASIA1","SecretAccessKey":"s3cr3t","Token":"tok","Expiration":"2030-01-01T00:00:00Z"}"#,
            "the endpoint",
        )
        .unwrap();
        assert_eq!(credentials.access_key_id(), "ASIA1");
        assert_eq!(expires_at, Some(1_893_456_000));
        let error = metadata_credentials(r#"{"SecretAccessKey":"s3cr3t"}"#, "the endpoint")
            .unwrap_err()
            .to_string();
        assert!(!error.contains("s3cr3t"), "{error}");
        assert!(error.contains("AccessKeyId"), "{error}");
    }
}
