//! AWS Signature Version 4 of the one request MONGODB-AWS signs: STS `GetCallerIdentity`, `POST /`
//! with a fixed form body and the MongoDB headers (the server nonce and the channel-binding flag).
//! The server forwards the signed headers to STS, which answers with the caller's identity.

use hmac::{KeyInit, Mac};
use sha2::{Digest as _, Sha256};
use zeroize::Zeroizing;

/// The request body MONGODB-AWS signs.
pub(crate) const BODY: &str = "Action=GetCallerIdentity&Version=2011-06-15";

/// What one signature covers.
pub(crate) struct Request<'a> {
    pub(crate) access_key_id: &'a str,
    pub(crate) secret_access_key: &'a str,
    pub(crate) session_token: Option<&'a str>,
    /// The STS host the server named.
    pub(crate) host: &'a str,
    /// `base64(server nonce)`.
    pub(crate) server_nonce: &'a str,
    /// `YYYYMMDD'T'HHMMSS'Z'`, UTC.
    pub(crate) amz_date: &'a str,
}

/// The region a host signs for: `us-east-1` for `sts.amazonaws.com` and for a host without a dot,
/// otherwise the host's second label (`sts.eu-west-1.amazonaws.com` → `eu-west-1`).
pub(crate) fn region(host: &str) -> &str {
    if host == "sts.amazonaws.com" {
        return "us-east-1";
    }
    match host.split('.').nth(1) {
        Some(label) => label,
        None => "us-east-1",
    }
}

fn hmac_sha256(key: &[u8], message: &[u8]) -> Zeroizing<Vec<u8>> {
    let mut mac =
        hmac::Hmac::<Sha256>::new_from_slice(key).expect("hmac accepts keys of any length");
    mac.update(message);
    Zeroizing::new(mac.finalize().into_bytes().to_vec())
}

fn hex(bytes: &[u8]) -> String {
    crate::mechanism::scram::lower_hex(bytes)
}

/// The signed headers, by lower-case name in sorted order, with their values.
fn headers<'a>(request: &Request<'a>) -> Vec<(&'static str, String)> {
    let mut headers = vec![
        ("content-length", BODY.len().to_string()),
        (
            "content-type",
            "application/x-www-form-urlencoded".to_owned(),
        ),
        ("host", request.host.to_owned()),
        ("x-amz-date", request.amz_date.to_owned()),
    ];
    if let Some(token) = request.session_token {
        headers.push(("x-amz-security-token", token.to_owned()));
    }
    headers.push(("x-mongodb-gs2-cb-flag", "n".to_owned()));
    headers.push(("x-mongodb-server-nonce", request.server_nonce.to_owned()));
    headers
}

/// The `Authorization` header value of the signed request.
pub(crate) fn authorization(request: &Request<'_>) -> String {
    let headers = headers(request);
    let signed_headers = headers
        .iter()
        .map(|(name, _)| *name)
        .collect::<Vec<_>>()
        .join(";");
    let mut canonical = String::from("POST\n/\n\n");
    for (name, value) in &headers {
        canonical.push_str(name);
        canonical.push(':');
        canonical.push_str(value.trim());
        canonical.push('\n');
    }
    canonical.push('\n');
    canonical.push_str(&signed_headers);
    canonical.push('\n');
    canonical.push_str(&hex(&Sha256::digest(BODY.as_bytes())));

    let date = &request.amz_date[..request.amz_date.len().min(8)];
    let region = region(request.host);
    let scope = format!("{date}/{region}/sts/aws4_request");
    let string_to_sign = format!(
        "AWS4-HMAC-SHA256\n{}\n{scope}\n{}",
        request.amz_date,
        hex(&Sha256::digest(canonical.as_bytes()))
    );
    let signature = hex(&sign(
        request.secret_access_key,
        date,
        region,
        "sts",
        &string_to_sign,
    ));
    format!(
        "AWS4-HMAC-SHA256 Credential={}/{scope}, SignedHeaders={signed_headers}, Signature={signature}",
        request.access_key_id
    )
}

/// SigV4's signature of `string_to_sign`: HMAC chain from `AWS4<secret>` through the date, region,
/// service and `aws4_request`.
pub(crate) fn sign(
    secret_access_key: &str,
    date: &str,
    region: &str,
    service: &str,
    string_to_sign: &str,
) -> Zeroizing<Vec<u8>> {
    let signing_key = signing_key(secret_access_key, date, region, service);
    hmac_sha256(&signing_key, string_to_sign.as_bytes())
}

/// SigV4's signing key for one day, region and service.
fn signing_key(
    secret_access_key: &str,
    date: &str,
    region: &str,
    service: &str,
) -> Zeroizing<Vec<u8>> {
    let secret = Zeroizing::new(format!("AWS4{secret_access_key}"));
    let date_key = hmac_sha256(secret.as_bytes(), date.as_bytes());
    let region_key = hmac_sha256(&date_key, region.as_bytes());
    let service_key = hmac_sha256(&region_key, service.as_bytes());
    hmac_sha256(&service_key, b"aws4_request")
}

/// `YYYYMMDD'T'HHMMSS'Z'` for a time given in seconds since the Unix epoch (UTC).
pub(crate) fn amz_date(unix_seconds: u64) -> String {
    let days = unix_seconds / 86_400;
    let seconds = unix_seconds % 86_400;
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}{month:02}{day:02}T{:02}{:02}{:02}Z",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    )
}

/// The proleptic Gregorian date `days` after 1970-01-01 (the era arithmetic of 400-year cycles of
/// 146,097 days, with years starting in March so that the leap day ends them).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let day_of_era = z % 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The signing example of AWS's SigV4 documentation (IAM `ListUsers`, 2015-08-30, us-east-1):
    /// its string to sign and its signature.
    #[test]
    fn the_documented_signature_is_reproduced() {
        let string_to_sign = "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/iam/aws4_request\n\
             f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59";
        let signature = sign(
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            "20150830",
            "us-east-1",
            "iam",
            string_to_sign,
        );
        assert_eq!(
            hex(&signature),
            "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
        );
    }

    /// The signing-key example of AWS's SigV4 documentation (2012-02-15, us-east-1, IAM).
    #[test]
    fn the_documented_signing_key_is_reproduced() {
        let key = signing_key(
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            "20120215",
            "us-east-1",
            "iam",
        );
        assert_eq!(
            hex(&key),
            "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d"
        );
    }

    #[test]
    fn regions_follow_the_host() {
        assert_eq!(region("sts.amazonaws.com"), "us-east-1");
        assert_eq!(region("localhost"), "us-east-1");
        assert_eq!(region("sts.eu-west-1.amazonaws.com"), "eu-west-1");
        assert_eq!(region("first.second"), "second");
    }

    #[test]
    fn dates_are_utc_calendar_dates() {
        assert_eq!(amz_date(0), "19700101T000000Z");
        assert_eq!(amz_date(1_440_938_160), "20150830T123600Z");
        // 2000-02-29 (a leap day of a year divisible by 400) and the day after
        assert_eq!(amz_date(951_782_400), "20000229T000000Z");
        assert_eq!(amz_date(951_868_800), "20000301T000000Z");
        assert_eq!(amz_date(4_102_444_799), "20991231T235959Z");
    }

    #[test]
    fn the_signed_headers_include_the_token_only_when_there_is_one() {
        let mut request = Request {
            access_key_id: "AKIDEXAMPLE",
            secret_access_key: "secret",
            session_token: None,
            host: "sts.amazonaws.com",
            server_nonce: "bm9uY2U=",
            amz_date: "20260101T000000Z",
        };
        let header = authorization(&request);
        assert!(header.starts_with(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/sts/aws4_request, \
             SignedHeaders=content-length;content-type;host;x-amz-date;x-mongodb-gs2-cb-flag;\
             x-mongodb-server-nonce, Signature="
        ));
        request.session_token = Some("token");
        assert!(authorization(&request).contains(
            "SignedHeaders=content-length;content-type;host;x-amz-date;x-amz-security-token;\
             x-mongodb-gs2-cb-flag;x-mongodb-server-nonce,"
        ));
    }
}
