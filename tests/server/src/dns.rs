//! A DNS stand-in on 127.0.0.1 for `mongodb+srv` tests: it answers SRV and TXT questions over UDP
//! from a table, "no such name" for names it does not know, and nothing else.
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! use mongo_auth_test_server::dns::DnsServer;
//! let server = DnsServer::start()
//!     .await?
//!     .srv("_mongodb._tcp.cluster0.mongo-auth.test", 27017, "db1.cluster0.mongo-auth.test")
//!     .txt("cluster0.mongo-auth.test", &["authSource=admin"]);
//! assert!(server.addr().ip().is_loopback());
//! # Ok::<(), std::io::Error>(())
//! # }).unwrap();
//! ```

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::net::UdpSocket;
use tokio::task::JoinHandle;

const TYPE_SRV: u16 = 33;
const TYPE_TXT: u16 = 16;
const CLASS_IN: u16 = 1;

/// One record of the table: its owner name (lower case, no final dot), type and RDATA.
struct Record {
    name: String,
    kind: u16,
    data: Vec<u8>,
}

/// The running stand-in; stops when dropped.
pub struct DnsServer {
    addr: SocketAddr,
    records: Arc<Mutex<Vec<Record>>>,
    task: JoinHandle<()>,
}

impl DnsServer {
    /// Listens on a free UDP port of 127.0.0.1, with an empty table.
    pub async fn start() -> std::io::Result<Self> {
        let socket = UdpSocket::bind("127.0.0.1:0").await?;
        let addr = socket.local_addr()?;
        let records: Arc<Mutex<Vec<Record>>> = Arc::default();
        let table = records.clone();
        let task = tokio::spawn(async move {
            let mut buffer = vec![0u8; 4096];
            while let Ok((n, peer)) = socket.recv_from(&mut buffer).await {
                let reply = answer(&buffer[..n], &table.lock().unwrap());
                if let Some(reply) = reply {
                    let _ = socket.send_to(&reply, peer).await;
                }
            }
        });
        Ok(Self {
            addr,
            records,
            task,
        })
    }

    /// The address to give a resolver.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Adds an SRV record of `name` pointing at `target:port`.
    pub fn srv(self, name: &str, port: u16, target: &str) -> Self {
        let mut data = vec![0, 0, 0, 0];
        data.extend_from_slice(&port.to_be_bytes());
        data.extend_from_slice(&encode_name(target));
        self.add(name, TYPE_SRV, data)
    }

    /// Adds a TXT record of `name` made of these character strings (each at most 255 bytes).
    pub fn txt(self, name: &str, strings: &[&str]) -> Self {
        let mut data = Vec::new();
        for string in strings {
            let length = u8::try_from(string.len()).expect("a TXT string of at most 255 bytes");
            data.push(length);
            data.extend_from_slice(string.as_bytes());
        }
        self.add(name, TYPE_TXT, data)
    }

    fn add(self, name: &str, kind: u16, data: Vec<u8>) -> Self {
        self.records.lock().unwrap().push(Record {
            name: normalize(name),
            kind,
            data,
        });
        self
    }
}

impl Drop for DnsServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn normalize(name: &str) -> String {
    name.trim_end_matches('.').to_ascii_lowercase()
}

fn encode_name(name: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(name.len() + 2);
    for label in name.trim_end_matches('.').split('.') {
        out.push(u8::try_from(label.len()).expect("a label of at most 63 bytes"));
        out.extend_from_slice(label.as_bytes());
    }
    out.push(0);
    out
}

/// The reply to one query, or `None` for what is not a well-formed query of one question.
fn answer(query: &[u8], table: &[Record]) -> Option<Vec<u8>> {
    if query.len() < 12 || query[2] & 0x80 != 0 || u16::from_be_bytes([query[4], query[5]]) != 1 {
        return None;
    }
    // the question: uncompressed labels, then type and class
    let mut at = 12;
    let mut labels = Vec::new();
    loop {
        let length = usize::from(*query.get(at)?);
        if length == 0 {
            at += 1;
            break;
        }
        if length & 0xc0 != 0 {
            return None;
        }
        labels.push(String::from_utf8_lossy(query.get(at + 1..at + 1 + length)?).into_owned());
        at += 1 + length;
    }
    let kind = u16::from_be_bytes([*query.get(at)?, *query.get(at + 1)?]);
    let question_end = at + 4;
    query.get(..question_end)?;
    let name = normalize(&labels.join("."));

    let known = table.iter().any(|r| r.name == name);
    let matching: Vec<&Record> = table
        .iter()
        .filter(|r| r.name == name && r.kind == kind)
        .collect();
    let mut reply = Vec::with_capacity(512);
    reply.extend_from_slice(&query[..2]); // the id
    // a response, recursion desired and available; NXDOMAIN for a name the table does not know
    reply.extend_from_slice(&[0x81, if known { 0x80 } else { 0x83 }]);
    reply.extend_from_slice(&1u16.to_be_bytes());
    reply.extend_from_slice(&u16::try_from(matching.len()).ok()?.to_be_bytes());
    reply.extend_from_slice(&[0, 0, 0, 0]);
    reply.extend_from_slice(&query[12..question_end]);
    for record in matching {
        reply.extend_from_slice(&[0xc0, 12]); // the question's name
        reply.extend_from_slice(&record.kind.to_be_bytes());
        reply.extend_from_slice(&CLASS_IN.to_be_bytes());
        reply.extend_from_slice(&60u32.to_be_bytes());
        reply.extend_from_slice(&u16::try_from(record.data.len()).ok()?.to_be_bytes());
        reply.extend_from_slice(&record.data);
    }
    Some(reply)
}
