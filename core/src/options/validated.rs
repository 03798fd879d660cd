//! The options of a connection string after validation: one typed entry per canonical key, and the
//! accessors the rest of mongo-auth reads them with.

use std::fmt;
use std::ops::Range;

use super::table::{Key, key, key_of};
use super::value::OptionValue;
use crate::Password;

/// One parsed option: canonical key, typed value, and where it was in the input.
///
/// ```
/// use mongo_auth_core::ConnectionString;
/// let input = "mongodb://db/?tls=true&sslCAFile=ca.pem";
/// let uri = ConnectionString::parse(input).unwrap();
/// // the legacy alias is stored under its modern key
/// let entry = uri.options().entry("sslCAFile").unwrap();
/// assert_eq!(entry.value().as_str(), Some("ca.pem"));
/// assert_eq!(&input[entry.span()], "sslCAFile=ca.pem");
/// ```
#[derive(Clone)]
pub struct OptionEntry {
    id: Key,
    key: &'static str,
    /// How the key was spelled (the key or an alias), to tell a repeated key from an alias/modern
    /// pair.
    spelled: &'static str,
    value: OptionValue,
    span: Range<usize>,
}

/// Entries are equal when their keys, values and spans are.
impl PartialEq for OptionEntry {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id && self.value == other.value && self.span == other.span
    }
}

impl Eq for OptionEntry {}

impl fmt::Debug for OptionEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OptionEntry")
            .field("key", &self.key)
            .field("value", &self.value)
            .field("span", &self.span)
            .finish()
    }
}

impl OptionEntry {
    pub(crate) fn new(
        id: Key,
        spelled: &'static str,
        value: OptionValue,
        span: Range<usize>,
    ) -> Self {
        Self {
            id,
            key: id.name(),
            spelled,
            value,
            span,
        }
    }

    pub(crate) fn spelled(&self) -> &'static str {
        self.spelled
    }

    pub(crate) fn set_spelled(&mut self, spelled: &'static str) {
        self.spelled = spelled;
    }

    /// The canonical key (`tlsCAFile`, not `tlscafile` or `ssl_ca_certs`).
    pub fn key(&self) -> &'static str {
        self.key
    }

    /// The typed value.
    pub fn value(&self) -> &OptionValue {
        &self.value
    }

    /// The byte range of the `key=value` pair in the input that set this value (for a repeated list
    /// option, the last one; `0..0` for input that was not a string).
    pub fn span(&self) -> Range<usize> {
        self.span.clone()
    }

    pub(crate) fn value_mut(&mut self) -> &mut OptionValue {
        &mut self.value
    }

    pub(crate) fn set_span(&mut self, span: Range<usize>) {
        self.span = span;
    }
}

/// The options of a connection string, after validation: only valid values, one entry per canonical key,
/// in the order the keys first appeared.
///
/// ```
/// use mongo_auth_core::{ConnectionString, OptionValue};
/// let uri = ConnectionString::parse(
///     "mongodb://db.example.com/?TLS=true&tlsCAFile=ca.pem&connectTimeoutMS=2000&compressors=zstd,zlib",
/// )
/// .unwrap();
/// let options = uri.options();
/// assert_eq!(options.tls(), Some(true));
/// assert_eq!(options.tls_ca_file(), Some("ca.pem"));
/// assert_eq!(options.connect_timeout_ms(), Some(2000));
/// assert_eq!(options.get("COMPRESSORS"), Some(&OptionValue::List(vec!["zstd".into(), "zlib".into()])));
/// for (key, value) in options.iter() {
///     println!("{key}={value}");
/// }
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Options {
    entries: Vec<OptionEntry>,
    /// The keys of `entries` ([`Key::bit`]): most lookups are of an absent key, and end here.
    present: u64,
}

impl fmt::Debug for Options {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Options")
            .field("entries", &self.entries)
            .finish()
    }
}

impl Options {
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        Self {
            entries: Vec::with_capacity(capacity),
            present: 0,
        }
    }

    /// Adds the entry of a key that has none yet.
    pub(crate) fn push(&mut self, entry: OptionEntry) {
        debug_assert!(self.present & entry.id.bit() == 0);
        self.present |= entry.id.bit();
        self.entries.push(entry);
    }

    pub(crate) fn entry_mut(&mut self, key: Key) -> Option<&mut OptionEntry> {
        if self.present & key.bit() == 0 {
            return None;
        }
        self.entries.iter_mut().find(|e| e.id == key)
    }

    /// The entry stored under a canonical key (no alias resolution).
    pub(crate) fn canonical(&self, key: Key) -> Option<&OptionEntry> {
        if self.present & key.bit() == 0 {
            return None;
        }
        self.entries.iter().find(|e| e.id == key)
    }

    /// The value of an option by key, case-insensitively; aliases are resolved (`ssl` finds `tls`,
    /// `ssl_ca_certs` finds `tlsCAFile`). `None` when the option was not given or its value was invalid.
    pub fn get(&self, key: &str) -> Option<&OptionValue> {
        self.entry(key).map(OptionEntry::value)
    }

    /// Like [`Options::get`], with the key and span.
    pub fn entry(&self, key: &str) -> Option<&OptionEntry> {
        self.canonical(key_of(key)?)
    }

    /// Every option as `(canonical key, value)`, in the order the keys first appeared.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &OptionValue)> + '_ {
        self.entries.iter().map(|e| (e.key, &e.value))
    }

    /// Every option with its span.
    pub fn entries(&self) -> &[OptionEntry] {
        &self.entries
    }

    /// How many options were given (valid ones, one per canonical key).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no valid option was given.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn bool(&self, key: Key) -> Option<bool> {
        self.by_canonical(key).and_then(OptionValue::as_bool)
    }

    fn str(&self, key: Key) -> Option<&str> {
        self.by_canonical(key).and_then(OptionValue::as_str)
    }

    fn uint(&self, key: Key) -> Option<u64> {
        self.by_canonical(key)
            .and_then(OptionValue::as_int)
            .and_then(|i| u64::try_from(i).ok())
    }

    fn by_canonical(&self, key: Key) -> Option<&OptionValue> {
        self.canonical(key).map(|e| &e.value)
    }

    /// The TLS settings these options ask for, with the library's documented meaning applied once
    /// for every entry point (run-time parse, `mongo_uri!`):
    ///
    /// - TLS is on when `tls`/`ssl` says so, otherwise only for `mongodb+srv` (`srv`);
    /// - `tlsInsecure=true` relaxes both the certificate check and the hostname check (it also
    ///   implies no OCSP or revocation check, which this library does not do anyway);
    /// - `tlsAllowInvalidCertificates` and `tlsAllowInvalidHostnames` relax one check each.
    ///
    /// ```
    /// use mongo_auth_core::ConnectionString;
    /// let uri = ConnectionString::parse("mongodb://db/?tls=true&tlsInsecure=true&tlsCAFile=ca.pem").unwrap();
    /// let tls = uri.options().effective_tls(uri.is_srv());
    /// assert!(tls.enabled);
    /// assert_eq!(tls.ca_file, Some("ca.pem"));
    /// assert!(tls.allow_invalid_certificates && tls.allow_invalid_hostnames);
    /// assert!(ConnectionString::parse("mongodb+srv://c.example.com").unwrap().effective_tls().enabled);
    /// ```
    pub fn effective_tls(&self, srv: bool) -> EffectiveTls<'_> {
        let insecure = self.tls_insecure().unwrap_or(false);
        EffectiveTls {
            enabled: self.tls().unwrap_or(srv),
            ca_file: self.tls_ca_file(),
            certificate_key_file: self.tls_certificate_key_file(),
            key_file: self.tls_private_key_file(),
            key_password: self.tls_certificate_key_file_password(),
            crl_file: self.tls_crl_file(),
            allow_invalid_certificates: insecure
                || self.tls_allow_invalid_certificates().unwrap_or(false),
            allow_invalid_hostnames: insecure
                || self.tls_allow_invalid_hostnames().unwrap_or(false),
        }
    }

    /// `tls` (or its alias `ssl`) as given. `None` when neither was given; see
    /// [`ConnectionString::tls_enabled`](crate::ConnectionString::tls_enabled) for the effective value.
    pub fn tls(&self) -> Option<bool> {
        self.bool(key!("tls"))
    }

    /// `tlsCAFile`: the CA bundle to verify the server with.
    pub fn tls_ca_file(&self) -> Option<&str> {
        self.str(key!("tlsCAFile"))
    }

    /// `tlsCertificateKeyFile`: the client certificate (and, unless [`Options::tls_private_key_file`] is
    /// given, its private key) in PEM.
    pub fn tls_certificate_key_file(&self) -> Option<&str> {
        self.str(key!("tlsCertificateKeyFile"))
    }

    /// `ssl_keyfile` (PyMongo 3): the client private key in a file of its own.
    pub fn tls_private_key_file(&self) -> Option<&str> {
        self.str(key!("ssl_keyfile"))
    }

    /// `tlsCertificateKeyFilePassword`: the password that decrypts the client private key.
    pub fn tls_certificate_key_file_password(&self) -> Option<&Password> {
        self.by_canonical(key!("tlsCertificateKeyFilePassword"))
            .and_then(OptionValue::as_secret)
    }

    /// `tlsCRLFile`: a certificate revocation list in PEM.
    pub fn tls_crl_file(&self) -> Option<&str> {
        self.str(key!("tlsCRLFile"))
    }

    /// `tlsAllowInvalidCertificates`: skip the certificate chain validation.
    pub fn tls_allow_invalid_certificates(&self) -> Option<bool> {
        self.bool(key!("tlsAllowInvalidCertificates"))
    }

    /// `tlsAllowInvalidHostnames`: skip the check that the certificate names the host.
    pub fn tls_allow_invalid_hostnames(&self) -> Option<bool> {
        self.bool(key!("tlsAllowInvalidHostnames"))
    }

    /// `tlsInsecure`: relax certificate, hostname and revocation checks.
    pub fn tls_insecure(&self) -> Option<bool> {
        self.bool(key!("tlsInsecure"))
    }

    /// `tlsDisableOCSPEndpointCheck`.
    pub fn tls_disable_ocsp_endpoint_check(&self) -> Option<bool> {
        self.bool(key!("tlsDisableOCSPEndpointCheck"))
    }

    /// `tlsDisableCertificateRevocationCheck`.
    pub fn tls_disable_certificate_revocation_check(&self) -> Option<bool> {
        self.bool(key!("tlsDisableCertificateRevocationCheck"))
    }

    /// `appName`: sent to the server in the handshake.
    pub fn app_name(&self) -> Option<&str> {
        self.str(key!("appName"))
    }

    /// `authSource` as given (the credential's resolved source is in
    /// [`Credential::source`](crate::Credential::source)).
    pub fn auth_source(&self) -> Option<&str> {
        self.str(key!("authSource"))
    }

    /// `authMechanism` as given (`DEFAULT` included; the resolved mechanism is in
    /// [`Credential::mechanism`](crate::Credential::mechanism)).
    pub fn auth_mechanism(&self) -> Option<&str> {
        self.str(key!("authMechanism"))
    }

    /// `connectTimeoutMS`.
    pub fn connect_timeout_ms(&self) -> Option<u64> {
        self.uint(key!("connectTimeoutMS"))
    }

    /// `serverSelectionTimeoutMS`.
    pub fn server_selection_timeout_ms(&self) -> Option<u64> {
        self.uint(key!("serverSelectionTimeoutMS"))
    }

    /// `socketTimeoutMS`.
    pub fn socket_timeout_ms(&self) -> Option<u64> {
        self.uint(key!("socketTimeoutMS"))
    }

    /// `timeoutMS` (client-side operation timeout; `0` means none).
    pub fn timeout_ms(&self) -> Option<u64> {
        self.uint(key!("timeoutMS"))
    }

    /// `heartbeatFrequencyMS`.
    pub fn heartbeat_frequency_ms(&self) -> Option<u64> {
        self.uint(key!("heartbeatFrequencyMS"))
    }

    /// `replicaSet`.
    pub fn replica_set(&self) -> Option<&str> {
        self.str(key!("replicaSet"))
    }

    /// `directConnection`.
    pub fn direct_connection(&self) -> Option<bool> {
        self.bool(key!("directConnection"))
    }

    /// `loadBalanced`.
    pub fn load_balanced(&self) -> Option<bool> {
        self.bool(key!("loadBalanced"))
    }

    /// `srvServiceName` (only with `mongodb+srv`; the default is `mongodb`).
    pub fn srv_service_name(&self) -> Option<&str> {
        self.str(key!("srvServiceName"))
    }

    /// `srvMaxHosts` (only with `mongodb+srv`; `0` means no limit).
    pub fn srv_max_hosts(&self) -> Option<u64> {
        self.uint(key!("srvMaxHosts"))
    }

    /// `maxPoolSize` (`0` means no limit).
    pub fn max_pool_size(&self) -> Option<u64> {
        self.uint(key!("maxPoolSize"))
    }

    /// `minPoolSize`.
    pub fn min_pool_size(&self) -> Option<u64> {
        self.uint(key!("minPoolSize"))
    }

    /// `compressors`, in order of preference.
    pub fn compressors(&self) -> Option<&[String]> {
        match self.by_canonical(key!("compressors")) {
            Some(OptionValue::List(list)) => Some(list),
            _ => None,
        }
    }

    /// `readPreference`.
    pub fn read_preference(&self) -> Option<&str> {
        self.str(key!("readPreference"))
    }

    /// `proxyHost` (SOCKS5).
    pub fn proxy_host(&self) -> Option<&str> {
        self.str(key!("proxyHost"))
    }

    /// `proxyPort` (SOCKS5; default 1080).
    pub fn proxy_port(&self) -> Option<u16> {
        self.uint(key!("proxyPort"))
            .and_then(|p| u16::try_from(p).ok())
    }

    /// `proxyUsername` (SOCKS5).
    pub fn proxy_username(&self) -> Option<&str> {
        self.str(key!("proxyUsername"))
    }

    /// `proxyPassword` (SOCKS5).
    pub fn proxy_password(&self) -> Option<&Password> {
        self.by_canonical(key!("proxyPassword"))
            .and_then(OptionValue::as_secret)
    }
}

/// The TLS settings a connection string asks for, from [`Options::effective_tls`]. Debug never shows
/// the key password.
///
/// ```
/// use mongo_auth_core::ConnectionString;
/// let uri = ConnectionString::parse(
///     "mongodb://db/?tls=true&tlsCertificateKeyFile=client.pem&tlsAllowInvalidHostnames=true",
/// )
/// .unwrap();
/// let tls = uri.effective_tls();
/// assert!(tls.enabled);
/// assert_eq!(tls.ca_file, None); // the system roots
/// assert_eq!(tls.certificate_key_file, Some("client.pem"));
/// assert!(tls.allow_invalid_hostnames && !tls.allow_invalid_certificates);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct EffectiveTls<'a> {
    /// Whether TLS is on.
    pub enabled: bool,
    /// `tlsCAFile`; `None` for the system roots.
    pub ca_file: Option<&'a str>,
    /// `tlsCertificateKeyFile`: the client certificate (and its key unless `key_file` is set).
    pub certificate_key_file: Option<&'a str>,
    /// `ssl_keyfile` (PyMongo 3): the client private key in a file of its own.
    pub key_file: Option<&'a str>,
    /// `tlsCertificateKeyFilePassword`.
    pub key_password: Option<&'a Password>,
    /// `tlsCRLFile`.
    pub crl_file: Option<&'a str>,
    /// Skip the certificate chain validation (`tlsAllowInvalidCertificates` or `tlsInsecure`).
    pub allow_invalid_certificates: bool,
    /// Skip the hostname check (`tlsAllowInvalidHostnames` or `tlsInsecure`).
    pub allow_invalid_hostnames: bool,
}
