//! The options a configuration carries for connecting and authenticating, and the one table from a
//! connection-string option to them ([`ConnectOptions::set_uri_option`]).
//!
//! Every entry point goes through that table: `str::parse` and `TryFrom<ConnectionString>` with the
//! options core's parser validated, `mongo_uri!` with the same options decoded at compile time, and
//! config files with their `[options]` table ([`RawOptions`]) under the connection-string keys. The
//! way back is here too: [`ConnectOptions::write_uri_options`] for `Display`, [`OptionsOut`] for
//! `Serialize`.

use std::time::Duration;

use mongo_auth_core::{OptionValue, Options};

use super::server_api::{ServerApi, UnknownServerApi};
use serde::Deserialize;
use serde::ser::{Serialize, SerializeMap, Serializer};

/// Options that matter for connecting and authenticating.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ConnectOptions {
    /// `appName`, sent in the handshake's client metadata.
    pub(crate) app_name: Option<String>,
    /// `connectTimeoutMS`: the bound on the whole connection phase (TCP, TLS, hello and
    /// authentication); `None` when given as 0, which means no timeout.
    pub(crate) connect_timeout: Option<Duration>,
    /// The deadline for the whole handshake (hello plus authentication) on one connection.
    pub(crate) handshake_timeout: Duration,
    /// `socketTimeoutMS`: the bound on each command's round trip once a connection is handed
    /// over (`None`: the handshake timeout).
    pub(crate) socket_timeout: Option<Duration>,
    /// `timeoutMS`, the client-side operation timeout, when given: `Some(None)` for 0 (no bound).
    /// It bounds a connection phase (with `connectTimeoutMS`) and each whole command, replaces
    /// `socketTimeoutMS`, and sets the MONGODB-OIDC machine callback's timeout.
    pub(crate) timeout: Option<Option<Duration>>,
    /// A Stable API version (`hello` instead of legacy `isMaster` when set).
    pub(crate) server_api: Option<ServerApi>,
    /// The largest SCRAM iteration count the client accepts (the spec's minimum of 4096 always holds).
    pub(crate) max_scram_iterations: u32,
    /// PLAIN without TLS: the user opted in to sending the password in clear.
    pub(crate) allow_plain_without_tls: bool,
    /// `replicaSet`.
    pub(crate) replica_set: Option<String>,
    /// `directConnection`.
    pub(crate) direct_connection: Option<bool>,
    /// `loadBalanced`, when given (absent means `false`, unless a `mongodb+srv` TXT record says
    /// otherwise).
    pub(crate) load_balanced: Option<bool>,
    /// `srvServiceName`, default `mongodb`.
    pub(crate) srv_service_name: Option<String>,
    /// `srvMaxHosts`, when given.
    #[cfg_attr(not(feature = "runtime"), allow(dead_code))]
    pub(crate) srv_max_hosts: Option<u64>,
    /// What the credential's source was resolved from, so that a `mongodb+srv` TXT `authSource`
    /// can be applied at connect time by the rulebook ([`mongo_auth_core::rules::resolve_source`]).
    /// `None` until an entry point records it.
    pub(crate) source_parts: Option<SourceParts>,
}

/// The inputs of a credential's source other than DNS: an explicit `authSource` and the database
/// path.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct SourceParts {
    /// `authSource` from the connection string or code.
    pub(crate) explicit: Option<String>,
    /// The database path (connection string) or default database (code).
    pub(crate) database: Option<String>,
}

/// `connectTimeoutMS` when none is given: the URI options specification's 10 seconds.
pub(crate) const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

impl Default for ConnectOptions {
    fn default() -> Self {
        Self {
            app_name: None,
            connect_timeout: Some(DEFAULT_CONNECT_TIMEOUT),
            handshake_timeout: Duration::from_secs(30),
            socket_timeout: None,
            timeout: None,
            server_api: None,
            max_scram_iterations: 1_000_000,
            allow_plain_without_tls: false,
            replica_set: None,
            direct_connection: None,
            load_balanced: None,
            srv_service_name: None,
            srv_max_hosts: None,
            source_parts: None,
        }
    }
}

/// The value of a validated connection-string option, as a configuration takes it: the scalar kinds
/// of core's option table. `mongo_uri!` writes a literal's options as `(key, UriValue)` pairs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UriValue<'a> {
    /// A boolean option (`directConnection`, …).
    Bool(bool),
    /// A non-negative integer option (`connectTimeoutMS`, `srvMaxHosts`, …).
    Int(u64),
    /// A string option (`appName`, `replicaSet`, …).
    Str(&'a str),
}

impl<'a> UriValue<'a> {
    /// A validated option's value, when a configuration can take it (lists, maps, secrets and
    /// negative numbers are carried elsewhere, or not at all).
    pub(crate) fn of(value: &'a OptionValue) -> Option<Self> {
        match value {
            OptionValue::Bool(flag) => Some(UriValue::Bool(*flag)),
            OptionValue::Int(number) => u64::try_from(*number).ok().map(UriValue::Int),
            OptionValue::String(text) => Some(UriValue::Str(text)),
            _ => None,
        }
    }
}

impl ConnectOptions {
    /// The options a connection string gives: its validated options by canonical key, and its
    /// database path (a source default).
    pub(crate) fn from_uri<'a>(
        options: impl IntoIterator<Item = (&'a str, UriValue<'a>)>,
        database: Option<&str>,
    ) -> Self {
        let mut connect = ConnectOptions {
            source_parts: Some(SourceParts {
                explicit: None,
                database: database.map(str::to_owned),
            }),
            ..ConnectOptions::default()
        };
        for (key, value) in options {
            connect.set_uri_option(key, value);
        }
        connect
    }

    /// [`ConnectOptions::from_uri`] for the options core's parser validated.
    pub(crate) fn from_uri_options(options: &Options, database: Option<&str>) -> Self {
        let scalars = options
            .iter()
            .filter_map(|(key, value)| Some((key, UriValue::of(value)?)));
        Self::from_uri(scalars, database)
    }

    /// The table from a validated connection-string option to the configuration: one line per option
    /// a configuration carries. Keys are canonical (core's option table has resolved aliases and
    /// checked values and ranges); an option not listed here has no run-time effect, or is carried by
    /// the credential or the TLS settings.
    pub(crate) fn set_uri_option(&mut self, key: &str, value: UriValue<'_>) {
        use UriValue::{Bool, Int, Str};
        match (key, value) {
            ("appName", Str(name)) => self.app_name = Some(name.to_owned()),
            ("authSource", Str(source)) => {
                self.source_parts.get_or_insert_default().explicit = Some(source.to_owned());
            }
            ("connectTimeoutMS", Int(ms)) => self.connect_timeout = timeout(duration_ms(ms)),
            ("socketTimeoutMS", Int(ms)) => self.socket_timeout = timeout(duration_ms(ms)),
            ("timeoutMS", Int(ms)) => self.timeout = Some(timeout(duration_ms(ms))),
            ("replicaSet", Str(name)) => self.replica_set = Some(name.to_owned()),
            ("directConnection", Bool(direct)) => self.direct_connection = Some(direct),
            ("loadBalanced", Bool(load_balanced)) => self.load_balanced = Some(load_balanced),
            ("srvServiceName", Str(name)) => self.srv_service_name = Some(name.to_owned()),
            ("srvMaxHosts", Int(max)) => self.srv_max_hosts = Some(max),
            _ => {}
        }
    }
}

impl ConnectOptions {
    /// The options a connection string writes back, `(key, value)`, the defaults left out: the
    /// other direction of [`ConnectOptions::set_uri_option`], for `ClientConfig`'s `Display`.
    pub(crate) fn write_uri_options(&self, options: &mut Vec<(&'static str, String)>) {
        let o = self;
        if let Some(name) = &o.app_name {
            options.push(("appName", name.clone()));
        }
        if let Some(name) = &o.replica_set {
            options.push(("replicaSet", name.clone()));
        }
        if let Some(direct) = o.direct_connection {
            options.push(("directConnection", direct.to_string()));
        }
        if let Some(load_balanced) = o.load_balanced {
            options.push(("loadBalanced", load_balanced.to_string()));
        }
        if let Some(name) = &o.srv_service_name {
            options.push(("srvServiceName", name.clone()));
        }
        if let Some(max) = o.srv_max_hosts {
            options.push(("srvMaxHosts", max.to_string()));
        }
        if let Some(timeout) = o.socket_timeout {
            options.push(("socketTimeoutMS", ms(timeout).to_string()));
        }
        if let Some(timeout) = o.timeout {
            options.push(("timeoutMS", timeout.map_or(0, ms).to_string()));
        }
        if o.connect_timeout != ConnectOptions::default().connect_timeout {
            let ms = o.connect_timeout.map_or(0, ms);
            options.push(("connectTimeoutMS", ms.to_string()));
        }
    }
}

// ---- the options in a config file (`[options]`) ------------------------------------------------

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawOptions {
    #[serde(default)]
    app_name: Option<String>,
    #[serde(default)]
    connect_timeout_ms: Option<u64>,
    #[serde(default)]
    handshake_timeout_ms: Option<u64>,
    #[serde(default)]
    socket_timeout_ms: Option<u64>,
    #[serde(default)]
    timeout_ms: Option<u64>,
    #[serde(default)]
    server_api: Option<String>,
    #[serde(default)]
    max_scram_iterations: Option<u32>,
    #[serde(default)]
    replica_set: Option<String>,
    #[serde(default)]
    direct_connection: Option<bool>,
    #[serde(default)]
    load_balanced: Option<bool>,
    #[serde(default)]
    srv_service_name: Option<String>,
    #[serde(default)]
    srv_max_hosts: Option<u64>,
    #[serde(default)]
    allow_plain_password_without_tls: bool,
}

impl RawOptions {
    /// The options a config file gives: its connection-string options through the same table as a
    /// connection string's ([`ConnectOptions::set_uri_option`]), then the ones only code and files set.
    /// A Stable API version MongoDB does not define goes to `refused` and is left out.
    pub(crate) fn into_connect_options(
        self,
        refused: impl FnOnce(UnknownServerApi),
    ) -> ConnectOptions {
        let defaults = ConnectOptions::default();
        let mut options = ConnectOptions {
            handshake_timeout: self
                .handshake_timeout_ms
                .map_or(defaults.handshake_timeout, duration_ms),
            server_api: self
                .server_api
                .and_then(|version| version.parse().map_err(refused).ok()),
            max_scram_iterations: self
                .max_scram_iterations
                .unwrap_or(defaults.max_scram_iterations),
            allow_plain_without_tls: self.allow_plain_password_without_tls,
            ..defaults
        };
        let uri_options = [
            ("appName", self.app_name.as_deref().map(UriValue::Str)),
            (
                "connectTimeoutMS",
                self.connect_timeout_ms.map(UriValue::Int),
            ),
            ("socketTimeoutMS", self.socket_timeout_ms.map(UriValue::Int)),
            ("timeoutMS", self.timeout_ms.map(UriValue::Int)),
            ("replicaSet", self.replica_set.as_deref().map(UriValue::Str)),
            (
                "directConnection",
                self.direct_connection.map(UriValue::Bool),
            ),
            ("loadBalanced", self.load_balanced.map(UriValue::Bool)),
            (
                "srvServiceName",
                self.srv_service_name.as_deref().map(UriValue::Str),
            ),
            ("srvMaxHosts", self.srv_max_hosts.map(UriValue::Int)),
        ];
        for (key, value) in uri_options {
            if let Some(value) = value {
                options.set_uri_option(key, value);
            }
        }
        options
    }
}

pub(crate) struct OptionsOut<'a>(pub(crate) &'a ConnectOptions);

impl OptionsOut<'_> {
    pub(crate) fn is_default(&self) -> bool {
        let o = self.0;
        let d = ConnectOptions::default();
        o.app_name.is_none()
            && o.connect_timeout == d.connect_timeout
            && o.handshake_timeout == d.handshake_timeout
            && o.socket_timeout.is_none()
            && o.timeout.is_none()
            && o.server_api.is_none()
            && o.max_scram_iterations == d.max_scram_iterations
            && !o.allow_plain_without_tls
            && o.replica_set.is_none()
            && o.direct_connection.is_none()
            && o.load_balanced.is_none()
            && o.srv_service_name.is_none()
            && o.srv_max_hosts.is_none()
    }
}

impl Serialize for OptionsOut<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let o = self.0;
        let d = ConnectOptions::default();
        let mut map = serializer.serialize_map(None)?;
        if let Some(name) = &o.app_name {
            map.serialize_entry("app_name", name)?;
        }
        if o.connect_timeout != d.connect_timeout {
            let timeout = o.connect_timeout.map_or(0, ms);
            map.serialize_entry("connect_timeout_ms", &timeout)?;
        }
        if o.handshake_timeout != d.handshake_timeout {
            map.serialize_entry("handshake_timeout_ms", &ms(o.handshake_timeout))?;
        }
        if let Some(timeout) = o.socket_timeout {
            map.serialize_entry("socket_timeout_ms", &ms(timeout))?;
        }
        if let Some(timeout) = o.timeout {
            map.serialize_entry("timeout_ms", &timeout.map_or(0, ms))?;
        }
        if let Some(version) = &o.server_api {
            map.serialize_entry("server_api", version)?;
        }
        if o.max_scram_iterations != d.max_scram_iterations {
            map.serialize_entry("max_scram_iterations", &o.max_scram_iterations)?;
        }
        if let Some(name) = &o.replica_set {
            map.serialize_entry("replica_set", name)?;
        }
        if let Some(direct) = o.direct_connection {
            map.serialize_entry("direct_connection", &direct)?;
        }
        if let Some(load_balanced) = o.load_balanced {
            map.serialize_entry("load_balanced", &load_balanced)?;
        }
        if let Some(name) = &o.srv_service_name {
            map.serialize_entry("srv_service_name", name)?;
        }
        if let Some(max) = o.srv_max_hosts {
            map.serialize_entry("srv_max_hosts", &max)?;
        }
        if o.allow_plain_without_tls {
            map.serialize_entry("allow_plain_password_without_tls", &true)?;
        }
        map.end()
    }
}

/// A `…MS` option's milliseconds as a duration: the one conversion, for every entry point.
pub(crate) fn duration_ms(ms: u64) -> Duration {
    Duration::from_millis(ms)
}

/// A duration as whole milliseconds, for writing a `…MS` option back.
pub(crate) fn ms(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// A timeout as given: zero means none (`connectTimeoutMS=0`, `socketTimeoutMS=0`, a zero
/// `Duration` in the builder).
pub(crate) fn timeout(duration: Duration) -> Option<Duration> {
    (!duration.is_zero()).then_some(duration)
}
