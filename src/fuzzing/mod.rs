//! Entry points of the fuzz targets in `fuzz/`: each takes the bytes a hostile peer or a hostile
//! file could supply, runs them through the same readers the library runs them through, and panics
//! when a property that must hold for every input does not. Not a public API.
//!
//! The targets call these functions, and so does `tests/fuzz_corpus.rs`, which runs every
//! committed corpus and regression input on the stable toolchain.
//!
//! ```
//! // a frame that is cut short is an error, never a panic
//! mongo_auth::fuzzing::wire_frame(b"\x15\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\xdd\x07");
//! mongo_auth::fuzzing::connection_string(b"mongodb://user:pencil@db.example.com/?authSource=admin");
//! ```

use std::cell::RefCell;
use std::sync::OnceLock;

use mongo_auth_core::{
    ConnectionString, Credential as CoreCredential, Mechanism, MechanismProperties, OptionValue,
};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

mod server_input;

#[cfg(all(feature = "gssapi", unix))]
pub use server_input::gssapi_security_layer;
pub use server_input::{
    aws_server_first, certificate_subject, hello_reply, oidc_idp_info, sasl_reply,
    scram_server_final, scram_server_first, srv_records, wire_frame,
};

use crate::config::ClientConfig;
use mongo_auth_core::Password;

/// The names of the fuzz targets, which are also the directories of their corpora
/// (`fuzz/corpus/<name>`) and regression inputs (`fuzz/regressions/<name>`).
pub const TARGETS: &[&str] = &[
    "connection_string",
    "config_toml",
    "config_json",
    "config_yaml",
    "wire_frame",
    "hello_reply",
    "sasl_reply",
    "scram_server_first",
    "scram_server_final",
    "aws_server_first",
    "oidc_idp_info",
    "certificate_subject",
    "srv_records",
    "gssapi_security_layer",
];

// --- connection strings ---------------------------------------------------------------------------

/// `ConnectionString::parse` on UTF-8 input: every error and warning span is a range of the input,
/// and an accepted string's redacted `Display` parses back to the same configuration (hosts,
/// database, options, credential minus the password; secrets come back as `<redacted>`).
/// `str::parse::<ClientConfig>` gives what `ClientConfig::try_from` gives, and when the library
/// layer accepts the string, the resulting [`ClientConfig`] must round-trip as in [`config_file`].
pub fn connection_string(data: &[u8]) {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    // the in-place reader: the same verdict and errors, and the same hosts, user and database
    // (debug builds check the rest of what it reads in place)
    match (
        ConnectionString::parse(input),
        crate::rulebook::ConnectionStringRef::parse(input),
    ) {
        (Ok(full), Ok(in_place)) => {
            assert!(
                full.hosts()
                    .iter()
                    .map(crate::rulebook::HostRef::from)
                    .eq(in_place.hosts()),
                "{input:?}: the in-place reader's hosts differ"
            );
            assert_eq!(full.username(), in_place.username(), "{input:?}");
            assert_eq!(full.database(), in_place.database(), "{input:?}");
        }
        (Err(full), Err(in_place)) => assert_eq!(full.to_string(), in_place.to_string()),
        (full, in_place) => panic!(
            "{input:?}: the full parser says {}, the in-place reader {}",
            full.is_ok(),
            in_place.is_ok()
        ),
    }
    let uri = match ConnectionString::parse(input) {
        Ok(uri) => uri,
        Err(errors) => {
            assert!(!errors.is_empty(), "{input:?}: an empty error list");
            for error in &errors {
                assert!(
                    input.get(error.span()).is_some(),
                    "{input:?}: error span {:?} is not a range of the input ({error})",
                    error.span()
                );
                assert!(!error.message().is_empty(), "{input:?}: an empty message");
            }
            return;
        }
    };
    for warning in uri.warnings() {
        assert!(
            input.get(warning.span()).is_some(),
            "{input:?}: warning span {:?} is not a range of the input",
            warning.span()
        );
    }
    connection_string_round_trip(&uri);
    // `str::parse` (which builds the configuration of a string read in place from its slices) and
    // the full path: the same configuration, or the same errors
    let parsed = input.parse::<ClientConfig>();
    let full = ClientConfig::try_from(uri);
    match (&parsed, &full) {
        (Ok(parsed), Ok(full)) => assert_eq!(parsed, full, "{input:?}"),
        (Err(parsed), Err(full)) => assert_eq!(parsed.to_string(), full.to_string(), "{input:?}"),
        _ => panic!(
            "{input:?}: str::parse says {}, the full path {}",
            parsed.is_ok(),
            full.is_ok()
        ),
    }
    if let Ok(config) = full {
        config_round_trip(&config);
    }
}

/// The notion of "same" of `core/tests/proptest.rs`: hosts, database, user name, options (a secret
/// compares as "a secret") and credential minus the password.
fn connection_string_round_trip(uri: &ConnectionString) {
    let shown = uri.to_string();
    let again = ConnectionString::parse(&shown)
        .unwrap_or_else(|e| panic!("Display {shown:?} does not parse back: {e}"));
    assert_eq!(again.is_srv(), uri.is_srv(), "{shown}");
    assert_eq!(again.hosts(), uri.hosts(), "{shown}");
    assert_eq!(again.database(), uri.database(), "{shown}");
    assert_eq!(again.username(), uri.username(), "{shown}");
    let options = |u: &ConnectionString| -> Vec<(&'static str, String)> {
        u.options()
            .iter()
            .map(|(key, value)| (key, comparable(value)))
            .collect()
    };
    assert_eq!(options(&again), options(uri), "{shown}");
    assert_eq!(
        credential_minus_password(again.credential()),
        credential_minus_password(uri.credential()),
        "{shown}"
    );
    // Display redacts every secret: what parses back is the placeholder, never the secret.
    assert_eq!(
        again.password().map(Password::expose_secret),
        uri.password().map(|_| "<redacted>"),
        "{shown}"
    );
    for (key, value) in again.options().iter() {
        if let OptionValue::Secret(secret) = value {
            assert_eq!(secret.expose_secret(), "<redacted>", "{key} in {shown}");
        }
    }
}

/// An option value comparable across a redacting round trip.
fn comparable(value: &OptionValue) -> String {
    match value {
        OptionValue::Secret(_) => "<secret>".to_owned(),
        other => format!("{other:?}"),
    }
}

fn credential_minus_password(credential: Option<&CoreCredential>) -> Option<String> {
    credential.map(|c| {
        format!(
            "{:?} {} {:?} {:?} password:{}",
            c.username,
            c.source,
            c.mechanism,
            c.properties,
            c.password.is_some()
        )
    })
}

// --- config files ---------------------------------------------------------------------------------

/// What a config file holds: one configuration under `mongodb`, as in `tests/config_files/`.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    mongodb: ClientConfig,
}

/// A config file through [`from_deserializer`](crate::config::from_deserializer): no panic, and an
/// accepted configuration's `Display` parses back with `str::parse` to the same configuration, as
/// far as a connection string can say it (`config_round_trip`).
///
/// `screen` and `load` are two deserializers of the same text. `{ file = "…" }` makes loading read a
/// file, so `screen` is read first and the input is skipped when one of its strings names something
/// that is not a small regular file (`/dev/zero` would never end).
pub fn config_file<'de, S, D>(screen: S, load: D)
where
    S: Deserializer<'de>,
    D: Deserializer<'de>,
{
    let strings = RefCell::new(Vec::new());
    // A syntax error ends the screen where it ends the load: the strings before it are kept.
    let _ = AllStrings(&strings).deserialize(screen);
    if strings.into_inner().iter().any(|s| names_special_file(s)) {
        return;
    }
    if let Ok(file) = crate::config::from_deserializer::<ConfigFile, _>(load) {
        config_round_trip(&file.mongodb);
    }
}

/// Whether reading `path` as a secret file could block or not end.
fn names_special_file(path: &str) -> bool {
    std::fs::metadata(path).is_ok_and(|m| !m.is_file() || m.len() > 1 << 20)
}

/// Collects every string of a document, at any depth (keys included).
struct AllStrings<'a>(&'a RefCell<Vec<String>>);

impl<'de> DeserializeSeed<'de> for AllStrings<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for AllStrings<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any value")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        self.0.borrow_mut().push(v.to_owned());
        Ok(())
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_bytes<E: de::Error>(self, _: &[u8]) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(AllStrings(self.0))?.is_some() {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_key_seed(AllStrings(self.0))?.is_some() {
            map.next_value_seed(AllStrings(self.0))?;
        }
        Ok(())
    }

    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<(), A::Error> {
        use de::VariantAccess as _;
        let ((), variant) = data.variant_seed(AllStrings(self.0))?;
        variant.newtype_variant_seed(AllStrings(self.0))
    }
}

/// A configuration's `Display` parses back to the same hosts, credential (minus the password, which
/// comes back as `<redacted>`), TLS settings and the options a connection string can carry.
///
/// `Display` has no way to write the dangerous opt-in `allow_plain_password_without_tls` (a config
/// file option with no connection-string name), so a PLAIN configuration without TLS that relies on
/// it does not parse back: the library layer refuses it, as it must. The options that only config
/// files and builders set (`server_api`, `handshake_timeout_ms`, `max_scram_iterations`) are not
/// compared for the same reason.
fn config_round_trip(config: &ClientConfig) {
    if skip_open_findings() && has_open_finding(config) {
        return;
    }
    if config.tls().and_then(|tls| tls.key_file()).is_some() {
        // A private key in a file of its own has no connection-string option (only PyMongo 3's
        // deprecated `ssl_keyfile`, which a strict parse refuses): `Display` cannot round-trip it.
        // Open: fuzz/regressions/config_toml/tls-private-key-file.
        return;
    }
    if config.credential().is_some_and(|c| {
        matches!(c.properties, MechanismProperties::Oidc(_))
            && c.properties
                .pairs()
                .iter()
                .any(|(_, value)| value.contains(','))
    }) {
        // MONGODB-OIDC's TOKEN_RESOURCE may hold a comma outside a connection string, and the spec
        // forbids one inside it: `Display` cannot write it.
        return;
    }
    let shown = config.to_string();
    let again = match shown.parse::<ClientConfig>() {
        Ok(again) => again,
        Err(error) => {
            let plain_in_clear = config.allows_plain_password_without_tls()
                && config.tls().is_none()
                && config.credential().and_then(|c| c.mechanism) == Some(Mechanism::Plain);
            assert!(
                plain_in_clear,
                "Display {shown:?} does not parse back: {error}"
            );
            return;
        }
    };
    assert_eq!(again.is_srv(), config.is_srv(), "{shown}");
    assert_eq!(again.hosts(), config.hosts(), "{shown}");
    assert_eq!(
        credential_minus_password(again.credential()),
        credential_minus_password(config.credential()),
        "{shown}"
    );
    assert_eq!(
        again
            .credential()
            .and_then(|c| c.password.as_ref())
            .map(Password::expose_secret),
        config
            .credential()
            .and_then(|c| c.password.as_ref())
            .map(|_| "<redacted>"),
        "{shown}"
    );
    let tls = |c: &ClientConfig| {
        c.tls().map(|t| {
            format!(
                "{:?} {:?} {:?} {:?} {} {} {}",
                t.ca_file(),
                t.certificate_file(),
                t.key_file(),
                t.crl_file(),
                t.has_key_password(),
                t.allows_invalid_certificates(),
                t.allows_invalid_hostnames()
            )
        })
    };
    assert_eq!(tls(&again), tls(config), "{shown}");
    let options = |c: &ClientConfig| {
        format!(
            "{:?} {:?} {:?} {} {} {:?} {:?} {:?}",
            c.app_name(),
            c.replica_set(),
            c.direct_connection(),
            c.load_balanced(),
            c.srv_service_name(),
            c.socket_timeout(),
            c.connect_timeout(),
            c.srv_max_hosts()
        )
    };
    assert_eq!(options(&again), options(config), "{shown}");
}

/// Whether to look past the open findings below: set `MONGO_AUTH_FUZZ_SKIP_OPEN_FINDINGS=1` for a
/// long fuzzing run, so that it does not stop at a bug that is already known. Nothing else sets it:
/// `tests/fuzz_corpus.rs` and `scripts/fuzz.sh smoke` check the regression inputs of open findings
/// and fail until they are fixed.
fn skip_open_findings() -> bool {
    static SKIP: OnceLock<bool> = OnceLock::new();
    *SKIP.get_or_init(|| std::env::var_os("MONGO_AUTH_FUZZ_SKIP_OPEN_FINDINGS").is_some())
}

/// The configurations whose round trip is known to fail, one arm per open finding with its
/// regression input. Remove an arm when its finding is fixed; none is open today.
fn has_open_finding(_config: &ClientConfig) -> bool {
    false
}
