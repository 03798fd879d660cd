//! A configuration written as a connection string, for logs: every secret redacted.

use std::fmt;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use super::client::ClientConfig;
use super::tls::CaSource;

/// A connection string for logs: every secret is `<redacted>`, files are named, nothing is read.
///
/// ```
/// use mongo_auth::{Auth, ClientConfig, Tls};
/// let config = ClientConfig::builder()
///     .hosts(["db.example.com"])
///     .credential(Auth::scram_sha_256().username("app").password("pencil"))
///     .tls(Tls::enabled().ca_file("ca.pem"))
///     .build()?;
/// assert_eq!(
///     config.to_string(),
///     "mongodb://app:<redacted>@db.example.com/?authSource=admin&authMechanism=SCRAM-SHA-256&tls=true&tlsCAFile=ca.pem"
/// );
/// # Ok::<(), mongo_auth::ConfigError>(())
/// ```
impl fmt::Display for ClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.srv {
            "mongodb+srv://"
        } else {
            "mongodb://"
        })?;
        if let Some(credential) = &self.credential
            && let Some(username) = &credential.username
        {
            write!(f, "{}", utf8_percent_encode(username, NOT_UNRESERVED))?;
            if credential.password.is_some() {
                f.write_str(":<redacted>")?;
            }
            f.write_str("@")?;
        }
        for (i, host) in self.hosts.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            if host.kind == mongo_auth_core::HostKind::Unix {
                write!(f, "{}", utf8_percent_encode(&host.host, NOT_UNRESERVED))?;
            } else {
                write!(f, "{host}")?;
            }
        }
        f.write_str("/")?;
        let mut options: Vec<(&str, String)> = Vec::new();
        if let Some(credential) = &self.credential {
            options.push(("authSource", credential.source.clone()));
            if let Some(mechanism) = credential.mechanism {
                options.push(("authMechanism", mechanism.as_str().to_owned()));
            }
            // Every mechanism's properties (GSSAPI, MONGODB-AWS, MONGODB-OIDC), in the rulebook's
            // order.
            let pairs: Vec<String> = credential
                .properties
                .pairs()
                .iter()
                .map(|(key, value)| format!("{key}:{value}"))
                .collect();
            if !pairs.is_empty() {
                options.push(("authMechanismProperties", pairs.join(",")));
            }
        }
        if let Some(tls) = &self.tls {
            options.push(("tls", "true".to_owned()));
            if let CaSource::File(path) = &tls.ca {
                options.push(("tlsCAFile", path.display().to_string()));
            }
            if let Some(certificate) = &tls.client_certificate {
                options.push((
                    "tlsCertificateKeyFile",
                    certificate.certificate_file.display().to_string(),
                ));
                if let Some(key) = &certificate.key_file {
                    options.push(("tlsPrivateKeyFile", key.display().to_string()));
                }
                if certificate.key_password.is_some() {
                    options.push(("tlsCertificateKeyFilePassword", "<redacted>".to_owned()));
                }
            }
            if let Some(crl) = &tls.crl_file {
                options.push(("tlsCRLFile", crl.display().to_string()));
            }
            if tls.allow_invalid_certificates {
                options.push(("tlsAllowInvalidCertificates", "true".to_owned()));
            }
            if tls.allow_invalid_hostnames {
                options.push(("tlsAllowInvalidHostnames", "true".to_owned()));
            }
        }
        self.options.write_uri_options(&mut options);
        for (i, (key, value)) in options.iter().enumerate() {
            f.write_str(if i == 0 { "?" } else { "&" })?;
            f.write_str(key)?;
            f.write_str("=")?;
            if value == "<redacted>" {
                f.write_str(value)?;
            } else if *key == "authMechanismProperties" {
                // the pairs' separators stay literal; a comma inside a value cannot be written at all
                for (i, pair) in value.split(',').enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{}", utf8_percent_encode(pair, OPTION_VALUE))?;
                }
            } else {
                write!(f, "{}", utf8_percent_encode(value, OPTION_VALUE))?;
            }
        }
        Ok(())
    }
}

/// What a connection string may not hold literally: everything but unreserved characters (RFC 3986).
const NOT_UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// What an option value may not hold literally: an option value may keep paths, `$external` and
/// `KEY:value` pairs as they are.
const OPTION_VALUE: &AsciiSet = &NOT_UNRESERVED.remove(b'$').remove(b'/').remove(b':');
