//! A configuration written as a connection string, for logs: every secret redacted.

use std::fmt;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use super::client::ClientConfig;
use super::tls::CaSource;

/// A connection string for logs: every secret is `<redacted>`, files are named, nothing is read.
///
/// It parses back (`str::parse`, the secrets given again) to an equal configuration in everything a
/// connection string can say. What only code and config files can say is left out: the handshake
/// timeout, the Stable API version, the SCRAM iteration ceiling, the PLAIN-without-TLS opt-in and a
/// private key in a file of its own (the string names the certificate file); `Debug` shows them, and
/// `Serialize` writes them. A MONGODB-OIDC credential from [`Auth::oidc`](crate::Auth::oidc) (its
/// tokens come from a callback given in code) is written as `authMechanism=MONGODB-OIDC` with no
/// `ENVIRONMENT`, which does not parse back: a string cannot carry a callback.
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
///     "mongodb://app:<redacted>@db.example.com/?authMechanism=SCRAM-SHA-256&tls=true&tlsCAFile=ca.pem"
/// );
///
/// // the database path and an explicit authSource are kept
/// let uri = "mongodb://user:pw@db.example.com/shop?authSource=admin";
/// let config: ClientConfig = uri.parse()?;
/// assert_eq!(config.to_string(), "mongodb://user:<redacted>@db.example.com/shop?authSource=admin");
/// let again: ClientConfig = config.to_string().replace("<redacted>", "pw").parse()?;
/// assert_eq!(again, config);
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
        let source_parts = self.options.source_parts.as_ref();
        if let Some(database) = source_parts.and_then(|parts| parts.database.as_deref()) {
            write!(f, "{}", utf8_percent_encode(database, DATABASE))?;
        }
        let mut options: Vec<(&str, String)> = Vec::new();
        if let Some(credential) = &self.credential {
            // only a source that was given: the default follows from the rest (and, for
            // mongodb+srv, the TXT record's authSource still applies once the string is read back)
            if source_parts.is_some_and(|parts| parts.explicit.is_some()) {
                options.push(("authSource", credential.source.clone()));
            }
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

/// What a database name may not hold literally: it keeps `$` (`$external`).
const DATABASE: &AsciiSet = &NOT_UNRESERVED.remove(b'$');

/// What an option value may not hold literally: an option value may keep paths, `$external` and
/// `KEY:value` pairs as they are.
const OPTION_VALUE: &AsciiSet = &NOT_UNRESERVED.remove(b'$').remove(b'/').remove(b':');
