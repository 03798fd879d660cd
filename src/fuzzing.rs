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

use bson::Document;
use mongo_auth_core::{
    ConnectionString, Credential as CoreCredential, Mechanism, MechanismProperties, OptionValue,
};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::config::{ClientConfig, ConnectOptions};
use crate::mechanism::SaslReply;
use crate::mechanism::cr::CrClient;
use crate::mechanism::plain::PlainClient;
use crate::mechanism::scram::{
    MIN_ITERATIONS, ScramClientFinal, ScramClientFirst, ScramKeys, ScramMechanism,
};
use crate::mechanism::x509::X509Client;
use crate::wire::{DEFAULT_MAX_MESSAGE_SIZE, Frame, HEADER_LEN, OpCode};
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
    "certificate_subject",
    "srv_records",
    "gssapi_security_layer",
];

// --- connection strings ---------------------------------------------------------------------------

/// `ConnectionString::parse` on UTF-8 input: every error and warning span is a range of the input,
/// and an accepted string's redacted `Display` parses back to the same configuration (hosts,
/// database, options, credential minus the password; secrets come back as `<redacted>`). When the
/// library layer accepts it too, the resulting [`ClientConfig`] must round-trip as in
/// [`config_file`].
pub fn connection_string(data: &[u8]) {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
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
    if let Ok(config) = ClientConfig::try_from(uri) {
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

// --- the wire -------------------------------------------------------------------------------------

/// `Frame::decode` with the default maximum message size: no panic, and a decoded frame encodes,
/// decodes to the same frame (compared by `Debug`, so that a NaN equals itself and `-0.0` differs
/// from `0.0`), and encodes again to the same bytes.
pub fn wire_frame(data: &[u8]) {
    let Ok(frame) = Frame::decode(data, DEFAULT_MAX_MESSAGE_SIZE) else {
        return;
    };
    let bytes = frame
        .encode()
        .unwrap_or_else(|e| panic!("a decoded frame does not encode: {e}\n{frame:?}"));
    let again = Frame::decode(&bytes, DEFAULT_MAX_MESSAGE_SIZE)
        .unwrap_or_else(|e| panic!("an encoded frame does not decode: {e}\n{frame:?}"));
    assert_eq!(format!("{again:?}"), format!("{frame:?}"));
    let bytes_again = again.encode().expect("the frame encoded once");
    assert!(bytes_again == bytes, "encoding is not stable\n{frame:?}");
}

/// Wraps `bson` as the body section of an OP_MSG and decodes it with `Frame::decode`, as the
/// runtime turns a server's bytes into a reply document.
fn reply_document(bson: &[u8]) -> Option<Document> {
    let length = HEADER_LEN + 4 + 1 + bson.len();
    let mut message = Vec::with_capacity(length);
    message.extend_from_slice(&i32::try_from(length).ok()?.to_le_bytes());
    message.extend_from_slice(&1i32.to_le_bytes()); // requestID
    message.extend_from_slice(&0i32.to_le_bytes()); // responseTo
    message.extend_from_slice(&OpCode::Msg.as_i32().to_le_bytes());
    message.extend_from_slice(&0u32.to_le_bytes()); // flagBits
    message.push(0); // section kind 0: the body
    message.extend_from_slice(bson);
    Frame::decode(&message, DEFAULT_MAX_MESSAGE_SIZE)
        .ok()?
        .message
        .into_command_document()
        .ok()
}

/// A hello reply (raw BSON) through the handshake's reader and the mechanism negotiation; a
/// speculative reply goes on as the runtime takes it: to the SCRAM server-first step and to
/// MONGODB-X509.
pub fn hello_reply(data: &[u8]) {
    let Some(reply) = reply_document(data) else {
        return;
    };
    let Ok(hello) = crate::handshake::HelloReply::parse(&reply) else {
        return;
    };
    let _ = crate::mechanism::conversation::negotiate(
        hello.sasl_supported_mechs.as_deref(),
        hello.max_wire_version,
    );
    if let Some(size) = hello.max_message_size {
        assert!(size >= 1024, "maxMessageSizeBytes {size} accepted");
    }
    if let Some(speculative) = &hello.speculative_authenticate {
        for scram in [ScramMechanism::Sha1, ScramMechanism::Sha256] {
            if let Ok(reply) =
                SaslReply::parse(speculative, "speculativeAuthenticate", scram.mechanism())
            {
                scram_server_first_for(scram, &reply.payload);
            }
        }
        let _ = X509Client::new(None).handle_reply(speculative);
    }
}

/// A `saslStart`/`saslContinue` reply (raw BSON) through `SaslReply::parse`; a SCRAM payload goes
/// on to the SCRAM step it answers (`r=…`: server-first, otherwise server-final). The other
/// mechanisms' reply readers get the same document.
pub fn sasl_reply(data: &[u8]) {
    let Some(reply) = reply_document(data) else {
        return;
    };
    for scram in [ScramMechanism::Sha1, ScramMechanism::Sha256] {
        let Ok(sasl) = SaslReply::parse(&reply, "saslStart", scram.mechanism()) else {
            continue;
        };
        if sasl.payload.starts_with(b"r=") {
            scram_server_first_for(scram, &sasl.payload);
        } else {
            scram_server_final_for(scram, &sasl.payload);
        }
    }
    let _ = X509Client::new(Some("CN=client")).handle_reply(&reply);
    let _ = CrClient::new("user", &Password::new("pencil")).handle_nonce(&reply);
    let _ = PlainClient::new("user", &Password::new("pencil")).handle_reply(&reply);
}

// --- SCRAM ----------------------------------------------------------------------------------------

/// The largest iteration count the runtime accepts by default.
const MAX_ITERATIONS: u32 = 1_000_000;

/// A SCRAM conversation from the test vectors, with its keys derived once.
struct Vector {
    mechanism: ScramMechanism,
    client_nonce: &'static str,
    server_first: &'static [u8],
    server_final: &'static str,
    keys: ScramKeys,
}

impl Vector {
    fn client_first(&self) -> ScramClientFirst {
        ScramClientFirst::with_nonce(
            self.mechanism,
            "user",
            &Password::new("pencil"),
            self.client_nonce,
        )
        .expect("the vector's nonce is valid")
    }

    /// The conversation up to the client-final message (no PBKDF2: the keys are the vector's).
    fn client_final(&self) -> ScramClientFinal {
        self.client_first()
            .handle_server_first(self.server_first, MAX_ITERATIONS)
            .expect("the vector's server-first message is valid")
            .handle_keys(&self.keys)
    }
}

/// MongoDB's SCRAM-SHA-1 vector (`user`/`pencil`, the password digested) and RFC 7677's
/// SCRAM-SHA-256 vector, keys derived on first use.
fn vector(mechanism: ScramMechanism) -> &'static Vector {
    static VECTORS: OnceLock<[Vector; 2]> = OnceLock::new();
    let vectors = VECTORS.get_or_init(|| {
        let vector = |mechanism, client_nonce, server_first: &'static [u8], server_final| {
            let keys = ScramClientFirst::with_nonce(
                mechanism,
                "user",
                &Password::new("pencil"),
                client_nonce,
            )
            .and_then(|first| first.handle_server_first(server_first, MAX_ITERATIONS))
            .map(|server_first| ScramKeys::derive(&server_first.key_request()))
            .expect("the vector is valid");
            Vector {
                mechanism,
                client_nonce,
                server_first,
                server_final,
                keys,
            }
        };
        [
            vector(
                ScramMechanism::Sha1,
                "fyko+d2lbbFgONRv9qkxdawL",
                b"r=fyko+d2lbbFgONRv9qkxdawLHo+Vgk7qvUOKUwuWLIWg4l/9SraGMHEE,s=rQ9ZY3MntBeuP3E1TDVC4w==,i=10000",
                "v=UMWeI25JD1yNYZRMpZ4VHvhZ9e0=",
            ),
            vector(
                ScramMechanism::Sha256,
                "rOprNGfwEbeRWgbNEkqO",
                b"r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
                "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=",
            ),
        ]
    });
    match mechanism {
        ScramMechanism::Sha1 => &vectors[0],
        ScramMechanism::Sha256 => &vectors[1],
    }
}

/// A server-first message for both SCRAM variants, after a client-first with the vectors' fixed
/// nonces. When accepted: the iteration count is within bounds, and the client-final message (with
/// the vector's keys, so that no PBKDF2 runs) echoes a nonce that extends the client's.
pub fn scram_server_first(data: &[u8]) {
    for scram in [ScramMechanism::Sha1, ScramMechanism::Sha256] {
        scram_server_first_for(scram, data);
    }
}

fn scram_server_first_for(scram: ScramMechanism, payload: &[u8]) {
    let vector = vector(scram);
    let Ok(server_first) = vector
        .client_first()
        .handle_server_first(payload, MAX_ITERATIONS)
    else {
        return;
    };
    let request = server_first.key_request();
    assert!(
        (MIN_ITERATIONS..=MAX_ITERATIONS).contains(&request.iterations()),
        "{} iterations accepted",
        request.iterations()
    );
    assert!(!request.salt().is_empty(), "an empty salt accepted");
    let client_final = server_first.handle_keys(&vector.keys);
    let message = client_final.message();
    let prefix = format!("c=biws,r={}", vector.client_nonce);
    assert!(
        message.starts_with(prefix.as_bytes()) && message.len() > prefix.len(),
        "the client-final message does not extend the client nonce"
    );
}

/// A server-final message for both SCRAM variants, after the vectors' conversations: accepted
/// exactly when it is UTF-8 and its first attribute is the vector's server signature.
pub fn scram_server_final(data: &[u8]) {
    for scram in [ScramMechanism::Sha1, ScramMechanism::Sha256] {
        scram_server_final_for(scram, data);
    }
}

fn scram_server_final_for(scram: ScramMechanism, payload: &[u8]) {
    let vector = vector(scram);
    let accepted = vector.client_final().handle_server_final(payload).is_ok();
    let first = payload.split(|&b| b == b',').next().unwrap_or_default();
    let expected = std::str::from_utf8(payload).is_ok() && first == vector.server_final.as_bytes();
    assert_eq!(
        accepted,
        expected,
        "{scram:?} server-final {:?}",
        String::from_utf8_lossy(payload)
    );
}

// --- certificates, DNS, GSSAPI --------------------------------------------------------------------

/// The RFC 2253 subject reader, on the input as a whole DER certificate and as the DER content of
/// a `Name`: no panic, and a subject never holds a control character (they are written `\XX`).
pub fn certificate_subject(data: &[u8]) {
    let from_certificate = crate::tls::certificate_subject_der(data).ok();
    let from_name = crate::tls::subject::rfc2253_name(data).ok();
    for subject in from_certificate.iter().chain(&from_name) {
        assert!(
            !subject.chars().any(char::is_control),
            "a control character in {subject:?}"
        );
    }
}

/// What a resolver answered for `mongodb+srv`, as text: the first line is the name looked up, then
/// one record per line, `srv PORT TARGET` or `txt TEXT` (lines of another shape are left out). The
/// spec's rules are applied to the records and the result to a default configuration: no panic, and
/// an accepted lookup has hosts, each in the name's parent domain.
pub fn srv_records(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut lines = text.split('\n');
    let name = lines.next().unwrap_or_default().trim();
    let name = if name.is_empty() {
        "cluster0.example.net"
    } else {
        name
    };
    let mut srv = Vec::new();
    let mut txt = Vec::new();
    for line in lines {
        if let Some(record) = line.strip_prefix("srv ") {
            let (port, target) = record.split_once(' ').unwrap_or((record, ""));
            srv.push(crate::dns::SrvRecord::new(
                target,
                port.parse().unwrap_or(27017),
            ));
        } else if let Some(record) = line.strip_prefix("txt ") {
            txt.push(record.as_bytes().to_vec());
        }
    }
    let Ok(resolution) = crate::srv::interpret(name, &srv, &txt) else {
        return;
    };
    assert!(!resolution.hosts.is_empty(), "a lookup without hosts");
    let _ = crate::srv::apply(name, resolution, None, &ConnectOptions::default());
}

/// The check of the unwrapped RFC 4752 security-layer offer: accepted exactly when it is four bytes
/// whose first allows "no security layer".
#[cfg(all(feature = "gssapi", unix))]
pub fn gssapi_security_layer(data: &[u8]) {
    let accepted = crate::gssapi::conversation::check_offer(data).is_ok();
    assert_eq!(accepted, data.len() == 4 && data[0] & 1 == 1, "{data:?}");
}
