//! The transport under a connection: a byte stream and the framing it speaks (OP_MSG, or OP_QUERY
//! for servers before 3.6), one command round trip at a time, with the handshake's bounds on
//! message size and time, and commands that carried a secret wiped once sent.

use std::time::Duration;

use bson::Document;
use tokio::io::{AsyncRead, AsyncWrite, BufReader};

use crate::config::ServerApi;
use crate::error::{Error, ProtocolViolation, Timeout, TimeoutPhase};
use crate::reply::wipe_document;
use crate::wire::{self, Frame, Message, OpMsg, OpQuery};

/// Any byte stream a connection can run over (TCP, TLS, a Unix socket, an in-memory pipe): what
/// [`Connection::into_inner`](crate::Connection::into_inner) gives back. Implemented for every
/// `AsyncRead + AsyncWrite + Unpin + Send` type.
///
/// ```
/// fn takes(_: Box<dyn mongo_auth::ByteStream>) {}
/// takes(Box::new(tokio::io::duplex(64).0));
/// ```
pub trait ByteStream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> ByteStream for T {}

impl std::fmt::Debug for dyn ByteStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ByteStream")
    }
}

/// How commands are framed for a server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Framing {
    /// OP_MSG, for servers with maxWireVersion ≥ 6 (MongoDB 3.6+).
    OpMsg,
    /// OP_QUERY on `<db>.$cmd`, for older servers.
    OpQuery,
}

/// The read buffer of a transport: a short reply fits it (the conformance server's hello reply is
/// ~350 bytes, a SASL step's less), so one read takes in the whole reply rather than its header and
/// then its body; a longer one (a replica-set member's hello, with its hosts and cluster time, may
/// be) takes one more read. The buffer is allocated and zeroed for every connection: at 4 KiB that
/// was 2.5% of a warm set-up's client instructions (`scripts/connect-instructions.sh`); under 1 KiB
/// glibc also serves it from its per-thread cache.
const READ_BUFFER: usize = 1000;

/// The transport under a connection: a stream and the framing it speaks.
pub(crate) struct Transport {
    /// Reads are buffered; writes go straight through.
    stream: BufReader<Box<dyn ByteStream>>,
    pub(crate) framing: Framing,
    pub(crate) max_message_size: usize,
    pub(crate) round_trips: u32,
    pub(crate) server_api: Option<ServerApi>,
    /// The bound on each round trip and the host it names (`socketTimeoutMS` during the
    /// handshake); `None`: the caller bounds the round trip.
    pub(crate) round_trip_timeout: Option<(Duration, String)>,
}

impl Transport {
    /// The stream, for the code an authenticated connection is handed to.
    pub(crate) fn into_stream(self) -> Box<dyn ByteStream> {
        if self.stream.buffer().is_empty() {
            self.stream.into_inner()
        } else {
            // bytes the server sent beyond its last reply stay in front of the stream
            Box::new(self.stream)
        }
    }

    pub(crate) fn new(
        stream: Box<dyn ByteStream>,
        framing: Framing,
        server_api: Option<ServerApi>,
    ) -> Self {
        Self {
            stream: BufReader::with_capacity(READ_BUFFER, stream),
            framing,
            // Until the handshake ends; then the server's maxMessageSizeBytes (at most 48 MB).
            max_message_size: wire::MAX_HANDSHAKE_MESSAGE_SIZE,
            round_trips: 0,
            server_api,
            round_trip_timeout: None,
        }
    }

    /// Sends one command to `db` and returns the reply document (whatever its `ok`).
    pub(crate) async fn round_trip(
        &mut self,
        db: &str,
        command: Document,
    ) -> Result<Document, Error> {
        self.round_trip_followed(db, command, None).await
    }

    /// As [`Transport::round_trip`], with `follower` (a [`Transport::request`]) sent right behind
    /// the command in the same write: its reply, which comes after the command's, is read with
    /// [`Transport::read_reply`].
    pub(crate) async fn round_trip_followed(
        &mut self,
        db: &str,
        command: Document,
        follower: Option<&Frame>,
    ) -> Result<Document, Error> {
        let request = self.request(db, command);
        self.exchange(&request, follower).await
    }

    /// As [`Transport::round_trip_followed`], for a command that carries a secret (a PLAIN
    /// payload, a SCRAM client proof): once the exchange ends, however it ends (error,
    /// cancellation by a timeout), every binary and string value of the command is wiped, and the
    /// wiped command is left in `command`. The encoded frame is wiped by [`wire::write_frame`]
    /// (or [`wire::write_frames`], with a follower).
    pub(crate) async fn round_trip_secret_followed(
        &mut self,
        db: &str,
        command: &mut Document,
        follower: Option<&Frame>,
    ) -> Result<Document, Error> {
        let mut request = WipeOnDrop(self.request(db, std::mem::take(command)));
        let result = self.exchange(&request.0, follower).await;
        let body = match &mut request.0.message {
            Message::Msg(msg) => &mut msg.body,
            Message::Query(query) => &mut query.query,
            Message::Reply(reply) => match reply.documents.first_mut() {
                Some(document) => document,
                None => return result,
            },
        };
        wipe_document(body);
        *command = std::mem::take(body);
        result
    }

    /// The frame of a command to `db`, in this transport's framing (with the server API version,
    /// when configured).
    pub(crate) fn request(&self, db: &str, mut command: Document) -> Frame {
        if let Some(version) = &self.server_api
            && self.framing == Framing::OpMsg
            && !command.contains_key("apiVersion")
        {
            command.insert("apiVersion", version.as_str());
        }
        let message = match self.framing {
            Framing::OpMsg => {
                command.insert("$db", db);
                Message::Msg(OpMsg::new(command))
            }
            Framing::OpQuery => Message::Query(OpQuery::command(db, command)),
        };
        Frame::new(message)
    }

    /// Reads the reply to the request whose id is `request_id`, sent earlier in `framing` (a
    /// follower of [`Transport::round_trip_followed`]), bounded as a round trip is.
    pub(crate) async fn read_reply(
        &mut self,
        request_id: i32,
        framing: Framing,
    ) -> Result<Document, Error> {
        let bound = self.round_trip_timeout.clone();
        within(bound, self.read_reply_unbounded(request_id, framing))
            .await
            .map(|(reply, _)| reply)
    }

    async fn exchange(
        &mut self,
        request: &Frame,
        follower: Option<&Frame>,
    ) -> Result<Document, Error> {
        let bound = self.round_trip_timeout.clone();
        within(bound, self.exchange_unbounded(request, follower)).await
    }

    async fn exchange_unbounded(
        &mut self,
        request: &Frame,
        follower: Option<&Frame>,
    ) -> Result<Document, Error> {
        let sent_bytes = match follower {
            None => wire::write_frame(&mut self.stream, request).await?,
            Some(follower) => wire::write_frames(&mut self.stream, &[request, follower]).await?,
        };
        self.round_trips += 1;
        let (reply, received_bytes) = self
            .read_reply_unbounded(request.request_id, self.framing)
            .await?;
        crate::events::event!(
            debug,
            command = command_name(&request.message),
            followed_by = follower.map(|follower| command_name(&follower.message)),
            sent_bytes,
            received_bytes,
            "round trip"
        );
        #[cfg(not(feature = "tracing"))]
        let _ = (sent_bytes, received_bytes);
        Ok(reply)
    }

    /// Reads the next reply, which must answer the request `request_id`, sent in `framing`.
    async fn read_reply_unbounded(
        &mut self,
        request_id: i32,
        framing: Framing,
    ) -> Result<(Document, usize), Error> {
        let (reply, received_bytes) =
            wire::read_frame_sized(&mut self.stream, self.max_message_size).await?;
        if reply.response_to != request_id {
            return Err(Error::protocol(
                None,
                ProtocolViolation::MalformedReply {
                    command: "reply",
                    problem: format!(
                        "responseTo {} does not match the request id {}",
                        reply.response_to, request_id
                    ),
                },
            ));
        }
        match (framing, &reply.message) {
            (Framing::OpMsg, Message::Msg(_)) | (Framing::OpQuery, Message::Reply(_)) => {}
            (_, other) => {
                return Err(Error::protocol(
                    None,
                    ProtocolViolation::UnexpectedReplyOpCode {
                        received: other.op_code().as_i32(),
                    },
                ));
            }
        }
        Ok((reply.message.into_command_document()?, received_bytes))
    }
}

/// `work`, bounded by `bound` (the time, and the host a timeout names) when there is one.
async fn within<T>(
    bound: Option<(Duration, String)>,
    work: impl std::future::Future<Output = Result<T, Error>>,
) -> Result<T, Error> {
    let Some((after, host)) = bound else {
        return work.await;
    };
    tokio::time::timeout(after, work).await.unwrap_or_else(|_| {
        Err(Error::Timeout(Timeout {
            phase: TimeoutPhase::Socket,
            after,
            host,
        }))
    })
}

/// The name of the command a request carries (its first key), for events.
#[cfg_attr(not(feature = "tracing"), allow(dead_code))]
fn command_name(message: &Message) -> &str {
    let document = match message {
        Message::Msg(msg) => Some(&msg.body),
        Message::Query(query) => Some(&query.query),
        Message::Reply(reply) => reply.documents.first(),
    };
    document
        .and_then(|d| d.keys().next())
        .map_or("", String::as_str)
}

/// A request frame whose documents are wiped when it is dropped.
struct WipeOnDrop(Frame);

impl Drop for WipeOnDrop {
    fn drop(&mut self) {
        match &mut self.0.message {
            Message::Msg(msg) => {
                wipe_document(&mut msg.body);
                for sequence in &mut msg.sequences {
                    sequence.documents.iter_mut().for_each(wipe_document);
                }
            }
            Message::Query(query) => wipe_document(&mut query.query),
            Message::Reply(reply) => reply.documents.iter_mut().for_each(wipe_document),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mechanism::plain::PlainClient;
    use mongo_auth_core::Password;

    #[tokio::test]
    async fn secret_commands_are_wiped_once_sent() {
        let (client, mut server) = tokio::io::duplex(1 << 16);
        let peer = tokio::spawn(async move {
            let request = wire::read_frame(&mut server, wire::DEFAULT_MAX_MESSAGE_SIZE)
                .await
                .unwrap();
            let body = request.message.into_command_document().unwrap();
            let payload = body.get_binary_generic("payload").unwrap().clone();
            let reply = Frame::reply_to(
                request.request_id,
                Message::Msg(OpMsg::new(bson::doc! { "ok": 1.0 })),
            );
            wire::write_frame(&mut server, &reply).await.unwrap();
            payload
        });
        let mut transport = Transport::new(Box::new(client), Framing::OpMsg, None);
        let plain = PlainClient::new("user", &Password::new("pencil"));
        let mut command = plain.sasl_start();
        let reply = transport
            .round_trip_secret_followed("$external", &mut command, None)
            .await
            .unwrap();
        assert_eq!(reply.get_f64("ok").unwrap(), 1.0);
        // The server got the password; the client's copy of the command holds it no more.
        assert_eq!(peer.await.unwrap(), b"\0user\0pencil");
        assert!(command.get_binary_generic("payload").unwrap().is_empty());
        assert_eq!(command.get_str("mechanism").unwrap(), "");
    }

    /// A follower goes out in the same write as the command; each reply is matched to its
    /// request, and a reply to the wrong one is a protocol error.
    #[tokio::test]
    async fn a_follower_is_written_with_the_command_and_answered_after_it() {
        let (client, mut server) = tokio::io::duplex(1 << 16);
        let peer = tokio::spawn(async move {
            let mut names = Vec::new();
            for ok in [1.0, 1.0] {
                let request = wire::read_frame(&mut server, wire::DEFAULT_MAX_MESSAGE_SIZE)
                    .await
                    .unwrap();
                let body = request.message.into_command_document().unwrap();
                names.push(body.keys().next().cloned().unwrap());
                let reply = Frame::reply_to(
                    request.request_id,
                    Message::Msg(OpMsg::new(
                        bson::doc! { "ok": ok, "for": &names[names.len() - 1] },
                    )),
                );
                wire::write_frame(&mut server, &reply).await.unwrap();
            }
            names
        });
        let mut transport = Transport::new(Box::new(client), Framing::OpMsg, None);
        let plain = PlainClient::new("user", &Password::new("pencil"));
        let mut command = plain.sasl_start();
        let ping = transport.request("admin", bson::doc! { "ping": 1 });
        let reply = transport
            .round_trip_secret_followed("$external", &mut command, Some(&ping))
            .await
            .unwrap();
        assert_eq!(reply.get_str("for").unwrap(), "saslStart");
        assert!(command.get_binary_generic("payload").unwrap().is_empty());
        // one round trip, two commands
        assert_eq!(transport.round_trips, 1);
        let pong = transport
            .read_reply(ping.request_id, Framing::OpMsg)
            .await
            .unwrap();
        assert_eq!(pong.get_str("for").unwrap(), "ping");
        assert_eq!(peer.await.unwrap(), ["saslStart", "ping"]);

        // a server that answers the follower first: the command's reply does not match
        let (client, mut server) = tokio::io::duplex(1 << 16);
        tokio::spawn(async move {
            let mut ids = Vec::new();
            for _ in 0..2 {
                let request = wire::read_frame(&mut server, wire::DEFAULT_MAX_MESSAGE_SIZE)
                    .await
                    .unwrap();
                ids.push(request.request_id);
            }
            for id in ids.into_iter().rev() {
                let reply = Frame::reply_to(id, Message::Msg(OpMsg::new(bson::doc! { "ok": 1.0 })));
                wire::write_frame(&mut server, &reply).await.unwrap();
            }
        });
        let mut transport = Transport::new(Box::new(client), Framing::OpMsg, None);
        let ping = transport.request("admin", bson::doc! { "ping": 1 });
        let error = transport
            .round_trip_followed("admin", bson::doc! { "hello": 1 }, Some(&ping))
            .await
            .unwrap_err();
        assert!(matches!(error, Error::Protocol(_)), "{error:?}");
    }

    /// Bytes the server sent after its reply are read ahead into the buffer; the stream handed
    /// back still yields them.
    #[tokio::test]
    async fn bytes_read_ahead_are_handed_back_with_the_stream() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let (client, mut server) = tokio::io::duplex(1 << 16);
        let peer = tokio::spawn(async move {
            let request = wire::read_frame(&mut server, wire::DEFAULT_MAX_MESSAGE_SIZE)
                .await
                .unwrap();
            let reply = Frame::reply_to(
                request.request_id,
                Message::Msg(OpMsg::new(bson::doc! { "ok": 1.0 })),
            );
            let mut bytes = reply.encode().unwrap();
            bytes.extend_from_slice(b"after");
            server.write_all(&bytes).await.unwrap();
            server
        });
        let mut transport = Transport::new(Box::new(client), Framing::OpMsg, None);
        let reply = transport
            .round_trip("admin", bson::doc! { "ping": 1 })
            .await
            .unwrap();
        assert_eq!(reply.get_f64("ok").unwrap(), 1.0);
        drop(peer.await.unwrap()); // whatever was not read ahead ends here
        let mut stream = transport.into_stream();
        let mut after = [0u8; 5];
        stream.read_exact(&mut after).await.unwrap();
        assert_eq!(&after, b"after");
    }

    #[test]
    fn wiping_reaches_nested_values() {
        let mut document = bson::doc! {
            "a": "secret",
            "b": { "c": bson::Binary { subtype: bson::spec::BinarySubtype::Generic, bytes: b"xyz".to_vec() } },
            "d": ["secret"],
            "n": 5,
        };
        wipe_document(&mut document);
        assert_eq!(
            document,
            bson::doc! {
                "a": "",
                "b": { "c": bson::Binary { subtype: bson::spec::BinarySubtype::Generic, bytes: vec![] } },
                "d": [""],
                "n": 5,
            }
        );
    }
}
