//! The fuzz entry points for what a server or the network sends: wire frames, hello and SASL
//! replies, SCRAM messages, certificate subjects, SRV answers and the GSSAPI security layer.

use std::sync::OnceLock;

use bson::Document;
use mongo_auth_core::Password;

use crate::config::ConnectOptions;
use crate::mechanism::SaslReply;
use crate::mechanism::cr::CrClient;
use crate::mechanism::plain::PlainClient;
use crate::mechanism::scram::{
    MIN_ITERATIONS, ScramClientFinal, ScramClientFirst, ScramKeys, ScramMechanism,
};
use crate::mechanism::x509::X509Client;
use crate::wire::{DEFAULT_MAX_MESSAGE_SIZE, Frame, HEADER_LEN, Message, OpCode};

// --- the wire -------------------------------------------------------------------------------------

/// `Frame::decode` with the default maximum message size: no panic, and a decoded frame encodes,
/// decodes to the same frame (compared by `Debug`, so that a NaN equals itself and `-0.0` differs
/// from `0.0`), and encodes again to the same bytes; an OP_MSG body is encoded byte for byte as the
/// `bson` crate encodes it.
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
    if let Message::Msg(msg) = &frame.message
        && msg.sequences.is_empty()
        && !msg.flags.checksum_present
    {
        // header, flag bits, section kind: then the body
        let theirs = bson::RawDocumentBuf::try_from(&msg.body)
            .unwrap_or_else(|e| panic!("the bson crate does not encode a decoded body: {e}"));
        assert!(
            bytes[HEADER_LEN + 5..] == *theirs.as_bytes(),
            "the body is not encoded as the bson crate encodes it\n{frame:?}"
        );
    }
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

// --- MONGODB-AWS --------------------------------------------------------------------------------

/// A MONGODB-AWS server-first payload after a client-first with a fixed nonce. When accepted: the
/// server nonce is 64 bytes extending the client's, and the signed message names the key and
/// carries no secret in clear.
pub fn aws_server_first(data: &[u8]) {
    use crate::mechanism::aws::{AwsClient, AwsCredentials};
    let nonce = [0x5a; 32];
    let credentials = AwsCredentials::new("AKIDFUZZ", "fuzz-secret-key", None);
    let Ok(last) =
        AwsClient::with_nonce(nonce).handle_server_first(data, &credentials, 1_767_225_600)
    else {
        return;
    };
    let Ok(server) = Document::from_reader(data) else {
        panic!("a payload that is not BSON was accepted");
    };
    match server.get("s") {
        Some(bson::Bson::Binary(s)) => {
            assert_eq!(
                s.bytes.len(),
                64,
                "a server nonce of the wrong length was accepted"
            );
            assert_eq!(
                s.bytes[..32],
                nonce,
                "a server nonce that does not extend ours was accepted"
            );
        }
        other => panic!("a server-first without a binary nonce was accepted: {other:?}"),
    }
    let message = Document::from_reader(last.payload()).expect("the client's reply is BSON");
    let authorization = message.get_str("a").expect("the authorization header");
    assert!(authorization.starts_with("AWS4-HMAC-SHA256 Credential=AKIDFUZZ/20260101/"));
    assert!(!authorization.contains("fuzz-secret-key"));
}

// --- MONGODB-OIDC -------------------------------------------------------------------------------

/// A MONGODB-OIDC `IdpInfo` payload (the server's answer to the two-step conversation's principal
/// step). When accepted: the payload is a BSON document whose `issuer` is the non-empty string
/// parsed, and whose `clientId` and `requestScopes` are what was parsed (absent or null when none).
pub fn oidc_idp_info(data: &[u8]) {
    let Ok(info) = crate::mechanism::oidc::IdpInfo::parse(data) else {
        return;
    };
    let Ok(document) = Document::from_reader(data) else {
        panic!("an IdpInfo that is not BSON was accepted");
    };
    assert!(!info.issuer.is_empty(), "an empty issuer was accepted");
    assert_eq!(document.get_str("issuer").ok(), Some(info.issuer.as_str()));
    assert_eq!(document.get_str("clientId").ok(), info.client_id.as_deref());
    let scopes: Vec<String> = match document.get("requestScopes") {
        Some(bson::Bson::Array(scopes)) => scopes
            .iter()
            .map(|s| {
                s.as_str()
                    .expect("only string scopes are accepted")
                    .to_owned()
            })
            .collect(),
        _ => Vec::new(),
    };
    assert_eq!(scopes, info.request_scopes);
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
