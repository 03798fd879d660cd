//! A raw-frame client for testing the server: wire frames built by hand and a minimal SCRAM client
//! written from RFC 5802 for these tests only.
#![allow(dead_code, unreachable_pub)]

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use bson::spec::BinarySubtype;
use bson::{Binary, Bson, Document, doc};
use hmac::{KeyInit, Mac};
use md5::{Digest, Md5};
use mongo_auth::wire::{
    DEFAULT_MAX_MESSAGE_SIZE, Frame, Message, OpMsg, OpQuery, WireError, read_frame, write_frame,
};
use tokio::net::TcpStream;

pub struct Raw {
    pub stream: TcpStream,
}

impl Raw {
    pub async fn connect(addr: std::net::SocketAddr) -> Self {
        Self {
            stream: TcpStream::connect(addr)
                .await
                .expect("connect to the server"),
        }
    }

    /// Sends `command` as an OP_MSG to `db` and returns the reply body.
    pub async fn command(
        &mut self,
        db: &str,
        mut command: Document,
    ) -> Result<Document, WireError> {
        command.insert("$db", db);
        let request = Frame::new(Message::Msg(OpMsg::new(command)));
        write_frame(&mut self.stream, &request).await?;
        let reply = read_frame(&mut self.stream, DEFAULT_MAX_MESSAGE_SIZE).await?;
        assert_eq!(reply.response_to, request.request_id);
        assert!(
            matches!(reply.message, Message::Msg(_)),
            "OP_MSG answered with {:?}",
            reply.message
        );
        reply.message.into_command_document()
    }

    /// Sends `command` as an OP_QUERY on `<db>.$cmd` and returns the OP_REPLY document.
    pub async fn query(&mut self, db: &str, command: Document) -> Result<Document, WireError> {
        let request = Frame::new(Message::Query(OpQuery::command(db, command)));
        write_frame(&mut self.stream, &request).await?;
        let reply = read_frame(&mut self.stream, DEFAULT_MAX_MESSAGE_SIZE).await?;
        assert_eq!(reply.response_to, request.request_id);
        assert!(
            matches!(reply.message, Message::Reply(_)),
            "OP_QUERY answered with {:?}",
            reply.message
        );
        reply.message.into_command_document()
    }
}

pub fn ok(reply: &Document) -> bool {
    match reply.get("ok") {
        Some(Bson::Double(d)) => *d == 1.0,
        Some(Bson::Int32(i)) => *i == 1,
        _ => false,
    }
}

pub fn payload(reply: &Document) -> Vec<u8> {
    match reply.get("payload") {
        Some(Bson::Binary(b)) => b.bytes.clone(),
        other => panic!("no payload in {reply:?}: {other:?}"),
    }
}

pub fn bin(bytes: impl Into<Vec<u8>>) -> Bson {
    Bson::Binary(Binary {
        subtype: BinarySubtype::Generic,
        bytes: bytes.into(),
    })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hash {
    Sha1,
    Sha256,
}

impl Hash {
    pub fn mechanism(self) -> &'static str {
        match self {
            Hash::Sha1 => "SCRAM-SHA-1",
            Hash::Sha256 => "SCRAM-SHA-256",
        }
    }

    fn h(self, data: &[u8]) -> Vec<u8> {
        match self {
            Hash::Sha1 => sha1::Sha1::digest(data).to_vec(),
            Hash::Sha256 => sha2::Sha256::digest(data).to_vec(),
        }
    }

    fn hmac(self, key: &[u8], data: &[u8]) -> Vec<u8> {
        match self {
            Hash::Sha1 => {
                let mut m = <hmac::Hmac<sha1::Sha1> as KeyInit>::new_from_slice(key).unwrap();
                m.update(data);
                m.finalize().into_bytes().to_vec()
            }
            Hash::Sha256 => {
                let mut m = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(key).unwrap();
                m.update(data);
                m.finalize().into_bytes().to_vec()
            }
        }
    }

    fn hi(self, password: &[u8], salt: &[u8], i: u32) -> Vec<u8> {
        match self {
            Hash::Sha1 => {
                let mut out = vec![0; 20];
                pbkdf2::pbkdf2_hmac::<sha1::Sha1>(password, salt, i, &mut out);
                out
            }
            Hash::Sha256 => {
                let mut out = vec![0; 32];
                pbkdf2::pbkdf2_hmac::<sha2::Sha256>(password, salt, i, &mut out);
                out
            }
        }
    }
}

/// A test-only SCRAM client: builds client-first, then client-final from server-first.
pub struct ScramClient {
    pub hash: Hash,
    pub user: String,
    pub password: String,
    pub nonce: String,
    pub client_first_bare: String,
    pub auth_message: String,
    pub server_key: Vec<u8>,
}

pub fn escape(user: &str) -> String {
    user.replace('=', "=3D").replace(',', "=2C")
}

impl ScramClient {
    pub fn new(hash: Hash, user: &str, password: &str) -> Self {
        let nonce = BASE64.encode(b"a fixed test nonce, 24by");
        let client_first_bare = format!("n={},r={nonce}", escape(user));
        Self {
            hash,
            user: user.into(),
            password: password.into(),
            nonce,
            client_first_bare,
            auth_message: String::new(),
            server_key: Vec::new(),
        }
    }

    pub fn client_first(&self) -> Vec<u8> {
        format!("n,,{}", self.client_first_bare).into_bytes()
    }

    /// Parses server-first (`r`, `s`, `i`) and returns client-final.
    pub fn client_final(&mut self, server_first: &[u8]) -> Vec<u8> {
        let server_first = std::str::from_utf8(server_first).unwrap();
        let mut r = "";
        let mut s = "";
        let mut i = 0u32;
        for attr in server_first.split(',') {
            match attr.split_at(2) {
                ("r=", v) => r = v,
                ("s=", v) => s = v,
                ("i=", v) => i = v.parse().unwrap(),
                _ => {}
            }
        }
        let password = match self.hash {
            Hash::Sha1 => {
                let digest =
                    Md5::digest(format!("{}:mongo:{}", self.user, self.password).as_bytes());
                digest
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect::<String>()
            }
            Hash::Sha256 => self.password.clone(),
        };
        let salted = self
            .hash
            .hi(password.as_bytes(), &BASE64.decode(s).unwrap(), i);
        let client_key = self.hash.hmac(&salted, b"Client Key");
        let stored_key = self.hash.h(&client_key);
        self.server_key = self.hash.hmac(&salted, b"Server Key");
        let without_proof = format!("c=biws,r={r}");
        self.auth_message = format!("{},{server_first},{without_proof}", self.client_first_bare);
        let signature = self.hash.hmac(&stored_key, self.auth_message.as_bytes());
        let proof: Vec<u8> = client_key
            .iter()
            .zip(&signature)
            .map(|(a, b)| a ^ b)
            .collect();
        format!("{without_proof},p={}", BASE64.encode(proof)).into_bytes()
    }

    /// True when server-final carries the expected `v=`.
    pub fn verify(&self, server_final: &[u8]) -> bool {
        let expected = self
            .hash
            .hmac(&self.server_key, self.auth_message.as_bytes());
        server_final == format!("v={}", BASE64.encode(expected)).as_bytes()
    }
}

/// `saslStart` for `client` with or without `skipEmptyExchange`.
pub fn sasl_start(client: &ScramClient, skip_empty_exchange: bool) -> Document {
    let mut command = doc! {
        "saslStart": 1,
        "mechanism": client.hash.mechanism(),
        "payload": bin(client.client_first()),
        "autoAuthorize": 1,
    };
    if skip_empty_exchange {
        command.insert("options", doc! { "skipEmptyExchange": true });
    }
    command
}

pub fn sasl_continue(conversation_id: &Bson, payload: Vec<u8>) -> Document {
    doc! { "saslContinue": 1, "conversationId": conversation_id.clone(), "payload": bin(payload) }
}

/// Runs a whole SCRAM conversation over `raw` on `db`; returns the last reply (the error reply if
/// one failed) and the number of SASL commands sent.
pub async fn scram(
    raw: &mut Raw,
    db: &str,
    hash: Hash,
    user: &str,
    password: &str,
    skip_empty_exchange: bool,
) -> (Document, usize) {
    let mut client = ScramClient::new(hash, user, password);
    let reply = raw
        .command(db, sasl_start(&client, skip_empty_exchange))
        .await
        .unwrap();
    if !ok(&reply) {
        return (reply, 1);
    }
    let id = reply.get("conversationId").unwrap().clone();
    let final_message = client.client_final(&payload(&reply));
    let reply = raw
        .command(db, sasl_continue(&id, final_message))
        .await
        .unwrap();
    if !ok(&reply) {
        return (reply, 2);
    }
    assert!(
        client.verify(&payload(&reply)),
        "server signature does not verify"
    );
    if reply.get_bool("done").unwrap() {
        return (reply, 2);
    }
    let reply = raw
        .command(db, sasl_continue(&id, Vec::new()))
        .await
        .unwrap();
    (reply, 3)
}

/// A proptest configuration with `cases` cases that keeps failures in `<module>.proptest-regressions`
/// next to the module's file. (Proptest's default looks for a `main.rs` above the file and would use
/// `tests/proptest-regressions/<module>.txt`.)
pub fn proptest_config(cases: u32) -> proptest::test_runner::Config {
    proptest::test_runner::Config {
        cases,
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::WithSource("proptest-regressions"),
        )),
        ..proptest::test_runner::Config::default()
    }
}
