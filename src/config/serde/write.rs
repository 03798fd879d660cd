//! Writing a configuration back in the structured form that [`from_deserializer`](super::from_deserializer)
//! reads, without any secret.

use std::collections::BTreeMap;

use mongo_auth_core::MechanismProperties;
use serde::ser::{Serialize, SerializeMap, SerializeStruct, Serializer};

use crate::config::options::OptionsOut;
use crate::config::{CaSource, ClientConfig, SecretRef, SecretRefresh, TlsSettings};

/// Writes the structured form (the one [`Deserialize`](serde::Deserialize) reads) without any secret: a password from
/// `{ env = … }` or `{ file = … }` is written as that reference, an inline password is left out.
///
/// ```
/// let config: mongo_auth::ClientConfig =
///     "mongodb://app:pencil@db.example.com/?authMechanism=SCRAM-SHA-256".parse().unwrap();
/// let json = serde_json::to_string(&config).unwrap();
/// assert!(!json.contains("pencil"));
/// assert_eq!(
///     json,
///     r#"{"hosts":["db.example.com"],"auth":{"mechanism":"SCRAM-SHA-256","username":"app"}}"#
/// );
/// ```
impl Serialize for ClientConfig {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut fields = 1;
        let database = self
            .options
            .source_parts
            .as_ref()
            .and_then(|parts| parts.database.as_deref());
        fields += usize::from(database.is_some());
        fields += usize::from(self.credential.is_some());
        fields += usize::from(self.tls.is_some());
        let options = OptionsOut(&self.options);
        fields += usize::from(!options.is_default());
        let mut s = serializer.serialize_struct("ClientConfig", fields)?;
        let hosts: Vec<String> = self.hosts.iter().map(ToString::to_string).collect();
        if self.srv {
            s.serialize_field("srv", &hosts.first())?;
        } else {
            s.serialize_field("hosts", &hosts)?;
        }
        if let Some(database) = database {
            s.serialize_field("database", database)?;
        }
        if let Some(credential) = &self.credential {
            s.serialize_field(
                "auth",
                &AuthOut {
                    credential,
                    password: self.secret_refs.password.as_ref(),
                    password_refresh: self.secret_refs.password_refresh,
                    // only a source that was given: the default follows from the rest (and, for
                    // mongodb+srv, the TXT record's authSource still applies once the file is
                    // read back)
                    write_source: self
                        .options
                        .source_parts
                        .as_ref()
                        .is_some_and(|parts| parts.explicit.is_some()),
                },
            )?;
        }
        if let Some(tls) = &self.tls {
            s.serialize_field(
                "tls",
                &TlsOut {
                    tls,
                    key_password: self.secret_refs.key_password.as_ref(),
                },
            )?;
        }
        if !options.is_default() {
            s.serialize_field("options", &options)?;
        }
        s.end()
    }
}

struct AuthOut<'a> {
    credential: &'a mongo_auth_core::Credential,
    password: Option<&'a SecretRef>,
    password_refresh: SecretRefresh,
    write_source: bool,
}

impl Serialize for AuthOut<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let c = self.credential;
        let mut map = serializer.serialize_map(None)?;
        if let Some(mechanism) = c.mechanism {
            map.serialize_entry("mechanism", mechanism.as_str())?;
        }
        if let Some(username) = &c.username {
            map.serialize_entry("username", username)?;
        }
        // the secret itself never: only where it came from
        if let (Some(reference), Some(_)) = (self.password, &c.password) {
            map.serialize_entry("password", reference)?;
        }
        if self.password_refresh != SecretRefresh::Once && self.password.is_some() {
            map.serialize_entry("password_refresh", self.password_refresh.as_str())?;
        }
        if self.write_source {
            map.serialize_entry("source", &c.source)?;
        }
        if let MechanismProperties::Gssapi(p) = &c.properties {
            let mut properties = BTreeMap::new();
            properties.insert("SERVICE_NAME", p.service_name.as_str());
            properties.insert("CANONICALIZE_HOST_NAME", p.canonicalize_host_name.as_str());
            if let Some(realm) = &p.service_realm {
                properties.insert("SERVICE_REALM", realm);
            }
            if let Some(host) = &p.service_host {
                properties.insert("SERVICE_HOST", host);
            }
            map.serialize_entry("properties", &properties)?;
        }
        map.end()
    }
}

struct TlsOut<'a> {
    tls: &'a TlsSettings,
    key_password: Option<&'a SecretRef>,
}

impl Serialize for TlsOut<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let t = self.tls;
        let mut map = serializer.serialize_map(None)?;
        if let CaSource::File(path) = &t.ca {
            map.serialize_entry("ca_file", path)?;
        }
        if let Some(certificate) = &t.client_certificate {
            match &certificate.key_file {
                None => {
                    map.serialize_entry("certificate_key_file", &certificate.certificate_file)?
                }
                Some(key) => {
                    map.serialize_entry("certificate_file", &certificate.certificate_file)?;
                    map.serialize_entry("key_file", key)?;
                }
            }
            if let (Some(reference), Some(_)) = (self.key_password, &certificate.key_password) {
                map.serialize_entry("key_password", reference)?;
            }
        }
        if let Some(crl) = &t.crl_file {
            map.serialize_entry("crl_file", crl)?;
        }
        if t.allow_invalid_certificates || t.allow_invalid_hostnames {
            let mut dangerous = BTreeMap::new();
            if t.allow_invalid_certificates {
                dangerous.insert("allow_invalid_certificates", true);
            }
            if t.allow_invalid_hostnames {
                dangerous.insert("allow_invalid_hostnames", true);
            }
            map.serialize_entry("dangerous", &dangerous)?;
        }
        map.end()
    }
}
