//! One client connection: read a command, answer it, repeat.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use bson::spec::BinarySubtype;
use bson::{Binary, Bson, Document, doc};
use mongo_auth::wire::{Frame, Message, OpMsg, OpReply, WireError, read_frame};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use crate::config::{Misbehaviour, Stage};
use crate::conversation::{Authenticated, CommandError, ServerConversation, Step, plugged_step};
use crate::scram::{ScramConversation, ScramDeviations};
use crate::server::Shared;
use crate::users::{ScramHash, StoredUser, hex, random_bytes};

/// The conversation id this server hands out (mongod uses 1 as well: one conversation at a time).
const CONVERSATION_ID: i32 = 1;

/// The read buffer of a connection: room for a handshake command in one read.
const READ_BUFFER: usize = 4 * 1024;

/// How a request arrived, which decides how its reply is framed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Framing {
    /// OP_MSG; `more_to_come` requests get no reply.
    Msg { more_to_come: bool },
    /// OP_QUERY, answered with OP_REPLY.
    Query,
}

/// Per-connection state.
struct Connection {
    id: u64,
    shared: Arc<Shared>,
    tls_peer_subject: Option<String>,
    authenticated: Vec<Authenticated>,
    conversation: Option<ServerConversation>,
    cr_nonce: Option<String>,
    /// Stages whose misbehaviour has struck already (each strikes once per connection).
    struck: Vec<Stage>,
}

/// What to do instead of answering normally.
enum Action {
    Reply(Document),
    Close,
    Stall,
    SendRaw(Vec<u8>),
}

/// Serves one client connection until the client closes it, the server shuts down, or the client
/// sends something this server must hang up on.
///
/// `tls_peer_subject` is the RFC 2253 subject of the verified TLS client certificate, if any; it is
/// what MONGODB-X509 authenticates. A TLS listener performs the handshake, extracts the subject and
/// calls this function with the TLS stream.
pub(crate) async fn serve_connection<S>(
    stream: S,
    tls_peer_subject: Option<String>,
    shared: Arc<Shared>,
) where
    S: AsyncRead + AsyncWrite + Unpin + Send,
{
    // One read takes in whatever has arrived (a whole command, usually), not the header and the
    // body in two; writes go straight through.
    let mut stream = tokio::io::BufReader::with_capacity(READ_BUFFER, stream);
    let id = shared.open_connection();
    let mut shutdown = shared.shutdown_signal();
    let mut connection = Connection {
        id,
        shared,
        tls_peer_subject,
        authenticated: Vec::new(),
        conversation: None,
        cr_nonce: None,
        struck: Vec::new(),
    };
    loop {
        // bytes left over from the last read: the client sent this command without waiting
        if !stream.buffer().is_empty() {
            connection.shared.record_read_ahead(id);
        }
        let frame = tokio::select! {
            _ = shutdown.wait_for(|stop| *stop) => break,
            frame = read_frame(&mut stream, connection.shared.max_message_size) => frame,
        };
        let frame = match frame {
            Ok(frame) => frame,
            Err(WireError::ClosedBetweenMessages) => break,
            Err(e) => {
                connection.shared.record_wire_error(id, &e);
                break;
            }
        };
        let request_id = frame.request_id;
        let (framing, action) = connection.handle(frame);
        let bytes = match action {
            Action::Close => break,
            Action::Stall => {
                // Keep the connection open, read and discard, never answer.
                let mut sink = [0u8; 1024];
                loop {
                    tokio::select! {
                        _ = shutdown.wait_for(|stop| *stop) => break,
                        read = stream.read(&mut sink) => match read {
                            Ok(0) | Err(_) => break,
                            Ok(_) => {}
                        },
                    }
                }
                break;
            }
            Action::SendRaw(bytes) => bytes,
            Action::Reply(reply) => {
                let message = match framing {
                    Framing::Msg { more_to_come: true } => continue,
                    Framing::Msg {
                        more_to_come: false,
                    } => Message::Msg(OpMsg::new(reply)),
                    Framing::Query => Message::Reply(OpReply::command_reply(reply)),
                };
                match Frame::reply_to(request_id, message).encode() {
                    Ok(bytes) => bytes,
                    Err(e) => {
                        connection.shared.record_wire_error(id, &e);
                        break;
                    }
                }
            }
        };
        if stream.write_all(&bytes).await.is_err() || stream.flush().await.is_err() {
            break;
        }
    }
    let _ = stream.shutdown().await;
    connection.shared.close_connection(id);
}

fn binary(bytes: Vec<u8>) -> Bson {
    Bson::Binary(Binary {
        subtype: BinarySubtype::Generic,
        bytes,
    })
}

/// A SASL payload: BinData, or (as the server tolerates) a base64 string.
fn payload_of(command: &Document) -> Result<Vec<u8>, CommandError> {
    match command.get("payload") {
        Some(Bson::Binary(b)) => Ok(b.bytes.clone()),
        Some(Bson::String(s)) => BASE64
            .decode(s)
            .map_err(|_| CommandError::new(2, "BadValue", "payload string is not valid base64")),
        _ => Err(CommandError::new(
            2,
            "BadValue",
            "Missing required field: payload (BinData)",
        )),
    }
}

fn truthy(value: Option<&Bson>) -> bool {
    match value {
        Some(Bson::Boolean(b)) => *b,
        Some(Bson::Int32(i)) => *i != 0,
        Some(Bson::Int64(i)) => *i != 0,
        Some(Bson::Double(d)) => *d != 0.0,
        _ => false,
    }
}

/// The server version string reported by `buildInfo` for a wire version.
fn version_for(wire: i32) -> &'static str {
    match wire {
        i32::MIN..=2 => "2.6.12",
        3 => "3.0.15",
        4 => "3.2.22",
        5 => "3.4.24",
        6 => "3.6.23",
        7 => "4.0.28",
        8 => "4.2.25",
        9..=12 => "4.4.29",
        13 => "5.0.31",
        14..=16 => "5.3.2",
        17..=20 => "6.0.20",
        21..=24 => "7.0.16",
        _ => "8.0.4",
    }
}

impl Connection {
    fn wire(&self) -> i32 {
        self.shared.max_wire_version
    }

    fn handle(&mut self, frame: Frame) -> (Framing, Action) {
        let (framing, db, command) = match frame.message {
            Message::Msg(msg) => {
                if self.wire() < 6 {
                    // Servers before 3.6 do not know opcode 2013 and hang up.
                    self.shared.record_command(self.id, "<OP_MSG refused>");
                    return (Framing::Query, Action::Close);
                }
                let framing = Framing::Msg {
                    more_to_come: msg.flags.more_to_come,
                };
                let Some(db) = msg.body.get_str("$db").ok().map(str::to_owned) else {
                    let name = msg.body.keys().next().cloned().unwrap_or_default();
                    self.shared.record_command(self.id, &name);
                    let error = CommandError::new(
                        40571,
                        "Location40571",
                        "OP_MSG requests require a $db argument",
                    );
                    return (framing, Action::Reply(error.to_document()));
                };
                (framing, db, msg.body)
            }
            Message::Query(query) => {
                let Some(db) = query
                    .full_collection_name
                    .strip_suffix(".$cmd")
                    .map(str::to_owned)
                else {
                    self.shared.record_command(self.id, "<OP_QUERY find>");
                    let error = CommandError::new(
                        352,
                        "UnsupportedOpQueryCommand",
                        "OP_QUERY is only supported for commands on <db>.$cmd here",
                    );
                    return (Framing::Query, Action::Reply(error.to_document()));
                };
                // Drivers wrap commands with read preferences as {$query: {...}, $readPreference}.
                let command = match query.query.get("$query") {
                    Some(Bson::Document(inner)) => inner.clone(),
                    _ => query.query,
                };
                (Framing::Query, db, command)
            }
            // An OP_REPLY (or any other opcode) from a client: hang up, as mongod does.
            _ => {
                self.shared.record_command(self.id, "<unexpected opcode>");
                return (Framing::Query, Action::Close);
            }
        };
        let name = command.keys().next().cloned().unwrap_or_default();
        self.shared.record_command(self.id, &name);

        if let Some(action) = self.misbehaviour_for(&name, frame.request_id) {
            return (framing, action);
        }
        if framing == Framing::Query
            && self.wire() >= 14
            && !matches!(name.as_str(), "hello" | "isMaster" | "ismaster")
        {
            let error = CommandError::new(
                352,
                "UnsupportedOpQueryCommand",
                format!(
                    "Unsupported OP_QUERY command: {name}. The client driver may require an upgrade."
                ),
            );
            return (framing, Action::Reply(error.to_document()));
        }
        let reply = match self.dispatch(&name, &db, &command) {
            Ok(reply) => reply,
            Err(error) => error.to_document(),
        };
        (framing, Action::Reply(reply))
    }

    fn misbehaviour_for(&mut self, command: &str, request_id: i32) -> Option<Action> {
        let stage = Stage::of(command)?;
        if self.struck.contains(&stage) {
            return None;
        }
        let misbehaviour = self
            .shared
            .misbehaviours
            .iter()
            .copied()
            .find(|m| m.stage() == Some(stage))?;
        self.struck.push(stage);
        let header = |length: i32| {
            let mut bytes = Vec::with_capacity(16);
            bytes.extend_from_slice(&length.to_le_bytes());
            bytes.extend_from_slice(&mongo_auth::wire::next_request_id().to_le_bytes());
            bytes.extend_from_slice(&request_id.to_le_bytes());
            bytes.extend_from_slice(&2013i32.to_le_bytes());
            bytes
        };
        Some(match misbehaviour {
            Misbehaviour::DropConnection { .. } => Action::Close,
            Misbehaviour::Stall { .. } => Action::Stall,
            Misbehaviour::OversizedFrameHeader { .. } => Action::SendRaw(header(i32::MAX)),
            Misbehaviour::MalformedReply { .. } => {
                // An OP_MSG whose body declares 5 bytes but is not NUL-terminated.
                let mut bytes = header(16 + 4 + 1 + 5);
                bytes.extend_from_slice(&0u32.to_le_bytes());
                bytes.push(0);
                bytes.extend_from_slice(&[5, 0, 0, 0, 1]);
                Action::SendRaw(bytes)
            }
            _ => return None,
        })
    }

    fn dispatch(
        &mut self,
        name: &str,
        db: &str,
        command: &Document,
    ) -> Result<Document, CommandError> {
        let open = matches!(
            name,
            "hello"
                | "isMaster"
                | "ismaster"
                | "saslStart"
                | "saslContinue"
                | "getnonce"
                | "authenticate"
                | "logout"
                | "endSessions"
        );
        if !open
            && !self.authenticated.is_empty()
            && self
                .shared
                .reauthentication_required
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                .is_ok()
        {
            self.authenticated.clear();
            return Err(CommandError::new(
                391,
                "ReauthenticationRequired",
                "the connection's authentication expired: authenticate again",
            ));
        }
        if self.shared.require_auth && !open && self.authenticated.is_empty() {
            return Err(CommandError::new(
                13,
                "Unauthorized",
                format!("command {name} requires authentication"),
            ));
        }
        match name {
            "isMaster" | "ismaster" => Ok(self.hello(command, false)),
            "hello" if self.wire() >= 9 => Ok(self.hello(command, true)),
            "saslStart" => self
                .sasl_start(db, command)
                .map(|reply| payload_in_kind(command, reply)),
            "saslContinue" => self
                .sasl_continue(command)
                .map(|reply| payload_in_kind(command, reply)),
            "getnonce" if self.wire() < 3 => {
                let nonce = hex(&random_bytes(8));
                self.cr_nonce = Some(nonce.clone());
                Ok(doc! { "nonce": nonce, "ok": 1.0 })
            }
            "authenticate" => self.authenticate(db, command),
            "ping" => Ok(doc! { "ok": 1.0 }),
            "buildInfo" | "buildinfo" => {
                let version = version_for(self.wire());
                let parts: Vec<i32> = version.split('.').filter_map(|p| p.parse().ok()).collect();
                Ok(doc! {
                    "version": version,
                    "versionArray": [parts[0], parts[1], parts[2], 0],
                    "maxBsonObjectSize": 16 * 1024 * 1024,
                    "ok": 1.0,
                })
            }
            "connectionStatus" => Ok(self.connection_status()),
            "endSessions" => Ok(doc! { "ok": 1.0 }),
            "logout" => {
                self.authenticated.retain(|a| a.db != db);
                Ok(doc! { "ok": 1.0 })
            }
            _ => Err(CommandError::new(
                59,
                "CommandNotFound",
                format!("no such command: '{name}'"),
            )),
        }
    }

    fn hello(&mut self, command: &Document, is_hello: bool) -> Document {
        let wire = self.wire();
        let mut reply = Document::new();
        if is_hello {
            reply.insert("isWritablePrimary", true);
        } else {
            reply.insert("ismaster", true);
        }
        if wire >= 9 && truthy(command.get("helloOk")) {
            reply.insert("helloOk", true);
        }
        reply.insert("maxBsonObjectSize", 16 * 1024 * 1024);
        reply.insert(
            "maxMessageSizeBytes",
            i32::try_from(self.shared.max_message_size).unwrap_or(i32::MAX),
        );
        reply.insert("maxWriteBatchSize", if wire >= 6 { 100_000 } else { 1000 });
        reply.insert("localTime", bson::DateTime::now());
        if wire >= 6 {
            reply.insert("logicalSessionTimeoutMinutes", 30);
        }
        reply.insert("connectionId", self.id as i64);
        reply.insert("minWireVersion", 0);
        reply.insert("maxWireVersion", wire);
        reply.insert("readOnly", false);

        if wire >= 7
            && let Ok(qualified) = command.get_str("saslSupportedMechs")
            && let Some((db, user)) = qualified.split_once('.')
            && let Some(stored) = self.shared.find_user(db, user)
        {
            let mechs: Vec<Bson> = stored
                .sasl_mechanisms()
                .into_iter()
                .map(Bson::from)
                .collect();
            reply.insert("saslSupportedMechs", mechs);
        }

        if wire >= 9
            && self.shared.speculative_authentication
            && let Ok(speculative) = command.get_document("speculativeAuthenticate")
            && let Some(result) = self.speculative(speculative)
        {
            reply.insert("speculativeAuthenticate", result);
        }
        reply.insert("ok", 1.0);
        reply
    }

    /// Runs the first authentication step carried in the handshake; `None` (the field is left
    /// out of the reply) when it fails, as mongod does.
    fn speculative(&mut self, speculative: &Document) -> Option<Document> {
        let name = speculative.keys().next()?.clone();
        let db = speculative.get_str("db").unwrap_or("admin").to_owned();
        match name.as_str() {
            "saslStart" => {
                let reply = self.sasl_start(&db, speculative).ok()?;
                self.shared.record_speculative(self.id);
                Some(doc! {
                    "conversationId": reply.get("conversationId")?.clone(),
                    "done": reply.get("done")?.clone(),
                    "payload": reply.get("payload")?.clone(),
                })
            }
            "authenticate" => {
                let db = speculative.get_str("db").unwrap_or("$external").to_owned();
                let mut reply = self.authenticate(&db, speculative).ok()?;
                self.shared.record_speculative(self.id);
                reply.remove("ok");
                Some(reply)
            }
            _ => None,
        }
    }

    fn deviations(&self) -> ScramDeviations {
        let mut deviations = ScramDeviations::default();
        for m in &self.shared.misbehaviours {
            match *m {
                Misbehaviour::LowIterationCount(i) => deviations.iterations = Some(i),
                Misbehaviour::NonceNotExtended => deviations.foreign_nonce = true,
                Misbehaviour::WrongServerSignature => deviations.wrong_signature = true,
                _ => {}
            }
        }
        deviations
    }

    fn sasl_start(&mut self, db: &str, command: &Document) -> Result<Document, CommandError> {
        let mechanism = command
            .get_str("mechanism")
            .map_err(|_| CommandError::new(2, "BadValue", "Missing required field: mechanism"))?
            .to_owned();
        let payload = payload_of(command)?;
        self.conversation = None;
        let unsupported = || {
            CommandError::new(
                334,
                "MechanismUnavailable",
                format!("Received authentication for mechanism {mechanism} which is not enabled"),
            )
        };
        let hash = match mechanism.as_str() {
            "SCRAM-SHA-1" if self.wire() >= 3 => Some(ScramHash::Sha1),
            "SCRAM-SHA-256" if self.wire() >= 7 => Some(ScramHash::Sha256),
            _ => None,
        };
        if let Some(hash) = hash {
            self.shared.record_sasl_conversation();
            let skip = self.wire() >= 9
                && self.shared.skip_empty_exchange
                && command
                    .get_document("options")
                    .is_ok_and(|o| truthy(o.get("skipEmptyExchange")));
            let deviations = self.deviations();
            let shared = Arc::clone(&self.shared);
            let started =
                ScramConversation::start(hash, db, &payload, skip, deviations, |db, user| {
                    shared.find_user(db, user)
                });
            let (conversation, server_first) = match started {
                Ok(started) => started,
                Err(e) => {
                    self.shared.record_failure();
                    return Err(e);
                }
            };
            self.conversation = Some(ServerConversation::Scram(Box::new(conversation)));
            return Ok(sasl_reply(false, server_first));
        }
        if mechanism == "PLAIN" {
            self.shared.record_sasl_conversation();
            return self.plain(db, &payload);
        }
        let Some(plugged) = self
            .shared
            .sasl_mechanisms
            .iter()
            .find(|m| m.name() == mechanism)
            .cloned()
        else {
            return Err(unsupported());
        };
        self.shared.record_sasl_conversation();
        let (conversation, step) = plugged.start(&payload);
        let shared = Arc::clone(&self.shared);
        let step = plugged_step(step, &mechanism, db, |db, principal, mechanism| {
            shared.find_external(db, principal, mechanism)
        });
        self.conversation = Some(ServerConversation::Plugged {
            mechanism: mechanism.clone(),
            db: db.to_owned(),
            conversation,
        });
        self.finish_step(step)
    }

    fn sasl_continue(&mut self, command: &Document) -> Result<Document, CommandError> {
        let id = match command.get("conversationId") {
            Some(Bson::Int32(i)) => i64::from(*i),
            Some(Bson::Int64(i)) => *i,
            Some(Bson::Double(d)) => *d as i64,
            _ => {
                return Err(CommandError::new(
                    2,
                    "BadValue",
                    "Missing required field: conversationId",
                ));
            }
        };
        let payload = payload_of(command)?;
        let Some(conversation) = self
            .conversation
            .as_mut()
            .filter(|_| id == i64::from(CONVERSATION_ID))
        else {
            return Err(CommandError::new(
                17,
                "ProtocolError",
                "No SASL session state found",
            ));
        };
        let shared = Arc::clone(&self.shared);
        let step = conversation.step(&payload, |db, principal, mechanism| {
            shared.find_external(db, principal, mechanism)
        });
        self.finish_step(step)
    }

    /// Turns a conversation step into a reply, authenticating the user when it is done.
    fn finish_step(&mut self, step: Result<Step, CommandError>) -> Result<Document, CommandError> {
        match step {
            Ok(Step::Continue(payload)) => Ok(sasl_reply(false, payload)),
            Ok(Step::Done(payload, Some(user))) => {
                self.conversation = None;
                self.authenticate_as(user);
                Ok(sasl_reply(true, payload))
            }
            Ok(Step::Done(_, None)) | Err(_) => {
                self.conversation = None;
                self.shared.record_failure();
                Err(match step {
                    Err(e) => e,
                    _ => CommandError::authentication_failed(),
                })
            }
        }
    }

    fn authenticate_as(&mut self, user: Authenticated) {
        self.shared.record_authentication(self.id, &user);
        self.authenticated
            .retain(|a| !(a.user == user.user && a.db == user.db));
        self.authenticated.push(user);
    }

    fn plain(&mut self, db: &str, payload: &[u8]) -> Result<Document, CommandError> {
        let fail = |shared: &Shared| {
            shared.record_failure();
            CommandError::authentication_failed()
        };
        let mut parts = payload.split(|&b| b == 0);
        let (Some(authzid), Some(authcid), Some(password), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            self.shared.record_failure();
            return Err(CommandError::new(
                2,
                "BadValue",
                "Incorrectly formatted PLAIN client message",
            ));
        };
        let (Ok(authzid), Ok(authcid), Ok(password)) = (
            std::str::from_utf8(authzid),
            std::str::from_utf8(authcid),
            std::str::from_utf8(password),
        ) else {
            return Err(fail(&self.shared));
        };
        if !authzid.is_empty() && authzid != authcid {
            return Err(fail(&self.shared));
        }
        let user = match self.shared.find_user(db, authcid) {
            Some(user) => user,
            None => return Err(fail(&self.shared)),
        };
        match &user.plain {
            Some(credential) if credential.verify(password) => {
                let user = Authenticated::of(&user, "PLAIN");
                self.authenticate_as(user);
                Ok(sasl_reply(true, Vec::new()))
            }
            _ => Err(fail(&self.shared)),
        }
    }

    fn authenticate(&mut self, db: &str, command: &Document) -> Result<Document, CommandError> {
        let mechanism = command.get_str("mechanism").unwrap_or("MONGODB-CR");
        match mechanism {
            "MONGODB-X509" => self.x509(db, command),
            "MONGODB-CR" if self.wire() < 3 => self.mongodb_cr(db, command),
            other => Err(CommandError::new(
                334,
                "MechanismUnavailable",
                format!("Received authentication for mechanism {other} which is not enabled"),
            )),
        }
    }

    fn x509(&mut self, db: &str, command: &Document) -> Result<Document, CommandError> {
        if db != "$external" {
            return Err(CommandError::new(
                2,
                "BadValue",
                "X.509 authentication must always use the $external database.",
            ));
        }
        if self.wire() < 5 && command.get_str("user").is_err() {
            // Before 3.4 the user name was required: servers did not take it from the certificate.
            self.shared.record_failure();
            return Err(CommandError::new(
                17,
                "ProtocolError",
                "field missing/wrong type in received authenticate command",
            ));
        }
        let Some(subject) = self.tls_peer_subject.clone() else {
            self.shared.record_failure();
            return Err(CommandError::new(
                18,
                "AuthenticationFailed",
                "No verified subject name available from client: MONGODB-X509 needs a TLS \
                 connection with a client certificate",
            ));
        };
        if let Ok(user) = command.get_str("user")
            && user != subject
        {
            self.shared.record_failure();
            return Err(CommandError::new(
                18,
                "AuthenticationFailed",
                "There is no x.509 client certificate matching the user.",
            ));
        }
        let Some(user) = self
            .shared
            .find_user("$external", &subject)
            .filter(|u| u.x509)
        else {
            self.shared.record_failure();
            return Err(CommandError::authentication_failed());
        };
        let user = Authenticated::of(&user, "MONGODB-X509");
        self.authenticate_as(user);
        Ok(doc! { "dbname": "$external", "user": subject, "ok": 1.0 })
    }

    fn mongodb_cr(&mut self, db: &str, command: &Document) -> Result<Document, CommandError> {
        let failed = || CommandError::new(18, "AuthenticationFailed", "auth failed");
        let (Ok(user), Ok(nonce), Ok(key)) = (
            command.get_str("user"),
            command.get_str("nonce"),
            command.get_str("key"),
        ) else {
            self.shared.record_failure();
            return Err(failed());
        };
        // The nonce is single-use and must be the one this connection was given.
        if self.cr_nonce.take().as_deref() != Some(nonce) {
            self.shared.record_failure();
            return Err(failed());
        }
        let Some(stored) = self.shared.find_user(db, user) else {
            self.shared.record_failure();
            return Err(failed());
        };
        let Some(digest) = &stored.mongodb_cr else {
            self.shared.record_failure();
            return Err(failed());
        };
        use md5::{Digest, Md5};
        let expected = hex(&Md5::digest(format!("{nonce}{user}{digest}").as_bytes()));
        if !crate::scram::constant_time_eq(expected.as_bytes(), key.as_bytes()) {
            self.shared.record_failure();
            return Err(failed());
        }
        let authenticated = Authenticated::of(&stored, "MONGODB-CR");
        self.authenticate_as(authenticated);
        Ok(doc! { "dbname": db, "user": user, "ok": 1.0 })
    }

    fn connection_status(&self) -> Document {
        let users: Vec<Bson> = self
            .authenticated
            .iter()
            .map(|a| Bson::Document(doc! { "user": &a.user, "db": &a.db }))
            .collect();
        let roles: Vec<Bson> = self
            .authenticated
            .iter()
            .flat_map(|a| &a.roles)
            .map(|r| Bson::Document(doc! { "role": &r.role, "db": &r.db }))
            .collect();
        doc! {
            "authInfo": { "authenticatedUsers": users, "authenticatedUserRoles": roles },
            "ok": 1.0,
        }
    }
}

/// mongod answers a payload sent as a base64 string with a base64 string (PyMongo's GSSAPI does
/// this: pykerberos deals in base64 text).
fn payload_in_kind(command: &Document, mut reply: Document) -> Document {
    if let (Some(Bson::String(_)), Some(Bson::Binary(payload))) =
        (command.get("payload"), reply.get("payload"))
    {
        let text = BASE64.encode(&payload.bytes);
        reply.insert("payload", text);
    }
    reply
}

fn sasl_reply(done: bool, payload: Vec<u8>) -> Document {
    doc! {
        "conversationId": CONVERSATION_ID,
        "done": done,
        "payload": binary(payload),
        "ok": 1.0,
    }
}

impl Shared {
    pub(crate) fn find_user(&self, db: &str, name: &str) -> Option<Arc<StoredUser>> {
        let users = self.users.read().unwrap_or_else(|p| p.into_inner());
        users.iter().find(|u| u.db == db && u.name == name).cloned()
    }

    /// The user a plugged mechanism's principal names, if it has that mechanism.
    pub(crate) fn find_external(
        &self,
        db: &str,
        principal: &str,
        mechanism: &str,
    ) -> Option<Authenticated> {
        self.find_user(db, principal)
            .filter(|u| match mechanism {
                "GSSAPI" => u.gssapi,
                "MONGODB-AWS" => u.aws,
                "MONGODB-OIDC" => u.oidc,
                _ => true,
            })
            .map(|u| Authenticated::of(&u, mechanism))
    }
}

#[cfg(test)]
mod tests {
    use mongo_auth::wire::{DEFAULT_MAX_MESSAGE_SIZE, write_frame};

    use super::*;
    use crate::{ServerConfig, User};

    const SUBJECT: &str = "CN=client,OU=clients,O=Example,C=US";

    /// Serves one in-memory connection whose TLS peer presented `subject`. The connection lives
    /// as long as the returned shutdown sender.
    fn connect(
        subject: Option<&str>,
    ) -> (
        tokio::io::DuplexStream,
        Arc<Shared>,
        tokio::sync::watch::Sender<bool>,
    ) {
        let (shared, stop) = Shared::for_tests(
            ServerConfig::new().user(User::x509(SUBJECT).role(crate::Role::new("read", "x"))),
        );
        let (client, server) = tokio::io::duplex(64 * 1024);
        tokio::spawn(serve_connection(
            server,
            subject.map(str::to_owned),
            Arc::clone(&shared),
        ));
        (client, shared, stop)
    }

    async fn command(
        stream: &mut tokio::io::DuplexStream,
        db: &str,
        mut body: Document,
    ) -> Document {
        body.insert("$db", db);
        write_frame(stream, &Frame::new(Message::Msg(OpMsg::new(body))))
            .await
            .unwrap();
        read_frame(stream, DEFAULT_MAX_MESSAGE_SIZE)
            .await
            .unwrap()
            .message
            .into_command_document()
            .unwrap()
    }

    fn is_ok(reply: &Document) -> bool {
        reply.get_f64("ok").ok() == Some(1.0)
    }

    #[tokio::test]
    async fn x509_authenticates_the_tls_subject() {
        let authenticate = doc! { "authenticate": 1, "mechanism": "MONGODB-X509" };
        // Without a user name, and with the matching one.
        for body in [authenticate.clone(), {
            let mut b = authenticate.clone();
            b.insert("user", SUBJECT);
            b
        }] {
            let (mut stream, shared, _stop) = connect(Some(SUBJECT));
            let reply = command(&mut stream, "$external", body).await;
            assert!(is_ok(&reply), "{reply:?}");
            assert_eq!(reply.get_str("user").ok(), Some(SUBJECT));
            assert_eq!(reply.get_str("dbname").ok(), Some("$external"));
            let status = command(&mut stream, "admin", doc! { "connectionStatus": 1 }).await;
            let users = status
                .get_document("authInfo")
                .unwrap()
                .get_array("authenticatedUsers")
                .unwrap();
            assert_eq!(
                users,
                &vec![Bson::Document(doc! { "user": SUBJECT, "db": "$external" })]
            );
            assert_eq!(shared.records().connections[0].mechanisms, ["MONGODB-X509"]);
        }
        // A user name that is not the subject.
        let (mut stream, _, _stop) = connect(Some(SUBJECT));
        let mut body = authenticate.clone();
        body.insert("user", "CN=someone-else");
        let reply = command(&mut stream, "$external", body).await;
        assert_eq!(reply.get_i32("code").ok(), Some(18));
        assert!(
            reply
                .get_str("errmsg")
                .unwrap()
                .contains("matching the user")
        );
        // A certificate whose subject is not a user.
        let (mut stream, _, _stop) = connect(Some("CN=stranger"));
        let reply = command(&mut stream, "$external", authenticate.clone()).await;
        assert_eq!(reply.get_str("errmsg").ok(), Some("Authentication failed."));
    }

    #[tokio::test]
    async fn speculative_x509_completes_in_the_handshake() {
        let (mut stream, shared, _stop) = connect(Some(SUBJECT));
        let hello = command(
            &mut stream,
            "admin",
            doc! {
                "isMaster": 1,
                "speculativeAuthenticate": { "authenticate": 1, "mechanism": "MONGODB-X509", "db": "$external" },
            },
        )
        .await;
        let speculative = hello.get_document("speculativeAuthenticate").unwrap();
        assert_eq!(
            speculative,
            &doc! { "dbname": "$external", "user": SUBJECT }
        );
        let counts = {
            let records = shared.records();
            (
                records.connections[0].round_trips(),
                records.connections[0].speculative,
            )
        };
        assert_eq!(counts, (1, 1));

        // Without a certificate the speculative attempt is left out; the handshake succeeds.
        let (mut stream, _, _stop) = connect(None);
        let hello = command(
            &mut stream,
            "admin",
            doc! { "isMaster": 1, "speculativeAuthenticate": { "authenticate": 1, "mechanism": "MONGODB-X509" } },
        )
        .await;
        assert!(is_ok(&hello));
        assert!(hello.get("speculativeAuthenticate").is_none());
    }
}
