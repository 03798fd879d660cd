//! `mongodb+srv` resolution: the SRV record `_<service>._tcp.<host>` gives the hosts, the TXT record
//! of `<host>` may give `authSource`, `replicaSet` and `loadBalanced`.
//!
//! A small DNS client: one query over UDP to the resolvers of `/etc/resolv.conf` (over TCP when the
//! answer is truncated), answers parsed without trusting any length, compression pointers followed
//! with a bound. No DNS crate needed.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use mongo_auth_core::rules;
use mongo_auth_core::srv::{SrvTopology, TxtOptions};
use mongo_auth_core::{Credential, Errors, Host, HostKind};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::config::ConnectOptions;
use crate::error::{DnsError, Error, Timeout, TimeoutPhase};

pub(crate) const TYPE_TXT: u16 = 16;
pub(crate) const TYPE_SRV: u16 = 33;
const CLASS_IN: u16 = 1;

/// What a `mongodb+srv` lookup found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Resolution {
    pub(crate) hosts: Vec<Host>,
    /// The TXT record's options, checked by the rulebook.
    pub(crate) txt: TxtOptions,
}

/// A configuration with a `mongodb+srv` lookup applied.
#[derive(Clone, Debug)]
pub(crate) struct Resolved {
    pub(crate) hosts: Vec<Host>,
    pub(crate) credential: Option<Credential>,
    pub(crate) options: ConnectOptions,
}

/// Merges a lookup into the configuration: the connection string's (or code's) options override
/// the TXT record's, the credential's source is resolved again by the rulebook with the TXT
/// `authSource` as one of its inputs, and the rulebook's topology rules run on the merged options.
/// `srvMaxHosts` > 0 keeps a random choice of that many hosts.
pub(crate) fn apply(
    name: &str,
    resolution: Resolution,
    credential: Option<&Credential>,
    options: &ConnectOptions,
) -> Result<Resolved, Error> {
    let Resolution { mut hosts, txt } = resolution;
    let mut options = options.clone();
    options.replica_set = options.replica_set.or(txt.replica_set);
    options.load_balanced = options.load_balanced.or(txt.load_balanced);
    SrvTopology {
        hosts: hosts.len(),
        replica_set: options.replica_set.as_deref(),
        load_balanced: options.load_balanced,
        direct_connection: options.direct_connection,
        srv_max_hosts: options.srv_max_hosts,
    }
    .check()
    .map_err(|errors| rules_error(name, &errors))?;
    if let Some(max) = options.srv_max_hosts.filter(|&n| n > 0)
        && let Ok(max) = usize::try_from(max)
        && hosts.len() > max
    {
        // srvMaxHosts: a random choice of that many hosts (partial Fisher-Yates)
        for i in 0..max {
            let mut random = [0u8; 8];
            getrandom::fill(&mut random).map_err(|e| {
                dns_error(name, &format!("no randomness to apply srvMaxHosts: {e}"))
            })?;
            let span = (hosts.len() - i) as u64;
            let j = i + (u64::from_le_bytes(random) % span) as usize;
            hosts.swap(i, j);
        }
        hosts.truncate(max);
    }
    let credential = credential.cloned().map(|mut credential| {
        if let Some(parts) = &options.source_parts {
            credential.source = rules::resolve_source(
                credential.mechanism,
                parts.explicit.as_deref(),
                txt.auth_source.as_deref(),
                parts.database.as_deref(),
            );
        }
        credential
    });
    Ok(Resolved {
        hosts,
        credential,
        options,
    })
}

fn rules_error(name: &str, errors: &Errors) -> Error {
    let problem = errors
        .iter()
        .map(|e| e.message())
        .collect::<Vec<_>>()
        .join("; ");
    dns_error(name, &problem)
}

/// Resolves the SRV name of a `mongodb+srv` configuration with the system's resolvers.
pub(crate) async fn resolve(hosts: &[Host], options: &ConnectOptions) -> Result<Resolution, Error> {
    let name = match hosts {
        [host] if host.port.is_none() => host.host.trim_end_matches('.').to_owned(),
        _ => {
            return Err(dns_error(
                "",
                "mongodb+srv needs exactly one host name without a port",
            ));
        }
    };
    let nameservers = system_nameservers().map_err(|problem| dns_error(&name, &problem))?;
    let service = options.srv_service_name.as_deref().unwrap_or("mongodb");
    let lookup = async {
        let srv = query_any(&nameservers, &format!("_{service}._tcp.{name}"), TYPE_SRV).await?;
        let txt = query_any(&nameservers, &name, TYPE_TXT).await?;
        interpret(&name, &srv, &txt)
    };
    // connectTimeoutMS bounds the lookup; with connectTimeoutMS=0, the handshake timeout does.
    let after = options.connect_timeout.unwrap_or(options.handshake_timeout);
    match tokio::time::timeout(after, lookup).await {
        Ok(result) => result,
        Err(_) => Err(Error::Timeout(Timeout {
            phase: TimeoutPhase::Dns,
            after,
            host: name,
        })),
    }
}

fn dns_error(name: &str, problem: &str) -> Error {
    Error::Dns(DnsError {
        name: name.to_owned(),
        problem: problem.to_owned(),
    })
}

/// The `nameserver` lines of `/etc/resolv.conf`.
fn system_nameservers() -> Result<Vec<SocketAddr>, String> {
    let text = std::fs::read_to_string("/etc/resolv.conf").map_err(|e| {
        format!("cannot read /etc/resolv.conf to find a DNS resolver ({e}); list the hosts in a mongodb:// URI instead")
    })?;
    let servers = parse_resolv_conf(&text);
    if servers.is_empty() {
        return Err(
            "/etc/resolv.conf names no nameserver; list the hosts in a mongodb:// URI instead"
                .to_owned(),
        );
    }
    Ok(servers)
}

fn parse_resolv_conf(text: &str) -> Vec<SocketAddr> {
    text.lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            (words.next() == Some("nameserver"))
                .then(|| words.next())
                .flatten()
                .and_then(|address| address.split('%').next())
                .and_then(|address| address.parse::<IpAddr>().ok())
                .map(|ip| SocketAddr::new(ip, 53))
        })
        .collect()
}

/// Asks each resolver in turn; the first answer (records or a clean "no such name") wins.
async fn query_any(
    nameservers: &[SocketAddr],
    name: &str,
    record_type: u16,
) -> Result<Answer, Error> {
    let mut last = None;
    for &server in nameservers {
        match query(server, name, record_type, Duration::from_secs(5)).await {
            Ok(answer) => return Ok(answer),
            Err(problem) => last = Some(problem),
        }
    }
    Err(dns_error(
        name,
        &last.unwrap_or_else(|| "no resolver answered".to_owned()),
    ))
}

/// The records of one answer, as (type, rdata offset, rdata length) into `message`.
#[derive(Debug)]
pub(crate) struct Answer {
    message: Vec<u8>,
    records: Vec<(u16, usize, usize)>,
    no_such_name: bool,
}

/// One query to one resolver: UDP, then TCP if the answer is truncated.
async fn query(
    server: SocketAddr,
    name: &str,
    record_type: u16,
    wait: Duration,
) -> Result<Answer, String> {
    let mut id = [0u8; 2];
    getrandom::fill(&mut id).map_err(|e| format!("no random query id: {e}"))?;
    let id = u16::from_be_bytes(id);
    let request = encode_query(id, name, record_type)?;
    let bind: SocketAddr = if server.is_ipv4() {
        (std::net::Ipv4Addr::UNSPECIFIED, 0).into()
    } else {
        (std::net::Ipv6Addr::UNSPECIFIED, 0).into()
    };
    let socket = tokio::net::UdpSocket::bind(bind)
        .await
        .map_err(|e| e.to_string())?;
    socket.connect(server).await.map_err(|e| e.to_string())?;
    socket.send(&request).await.map_err(|e| e.to_string())?;
    let mut buffer = vec![0u8; 4096];
    let received = tokio::time::timeout(wait, async {
        loop {
            let n = socket.recv(&mut buffer).await?;
            // Ignore datagrams that are not the answer to this query.
            if n >= 2 && u16::from_be_bytes([buffer[0], buffer[1]]) == id {
                return Ok::<usize, std::io::Error>(n);
            }
        }
    })
    .await
    .map_err(|_| format!("{server} did not answer"))?
    .map_err(|e| e.to_string())?;
    buffer.truncate(received);
    if buffer.len() >= 4 && buffer[2] & 0x02 != 0 {
        // Truncated: ask again over TCP.
        buffer = query_tcp(server, &request, wait).await?;
    }
    parse_answer(buffer, id, record_type)
}

async fn query_tcp(server: SocketAddr, request: &[u8], wait: Duration) -> Result<Vec<u8>, String> {
    let exchange = async {
        let mut stream = tokio::net::TcpStream::connect(server).await?;
        let length = u16::try_from(request.len()).unwrap_or(u16::MAX);
        stream.write_all(&length.to_be_bytes()).await?;
        stream.write_all(request).await?;
        let mut length = [0u8; 2];
        stream.read_exact(&mut length).await?;
        let mut answer = vec![0u8; usize::from(u16::from_be_bytes(length))];
        stream.read_exact(&mut answer).await?;
        Ok::<_, std::io::Error>(answer)
    };
    tokio::time::timeout(wait, exchange)
        .await
        .map_err(|_| format!("{server} did not answer over tcp"))?
        .map_err(|e| e.to_string())
}

fn encode_query(id: u16, name: &str, record_type: u16) -> Result<Vec<u8>, String> {
    let mut message = Vec::with_capacity(name.len() + 18);
    message.extend_from_slice(&id.to_be_bytes());
    message.extend_from_slice(&0x0100u16.to_be_bytes()); // recursion desired
    message.extend_from_slice(&[0, 1, 0, 0, 0, 0, 0, 0]); // one question
    for label in name.trim_end_matches('.').split('.') {
        let length = u8::try_from(label.len())
            .ok()
            .filter(|&l| (1..=63).contains(&l))
            .ok_or_else(|| format!("`{name}` is not a valid DNS name"))?;
        message.push(length);
        message.extend_from_slice(label.as_bytes());
    }
    message.push(0);
    message.extend_from_slice(&record_type.to_be_bytes());
    message.extend_from_slice(&CLASS_IN.to_be_bytes());
    Ok(message)
}

fn read_u16(message: &[u8], at: usize) -> Result<u16, String> {
    message
        .get(at..at + 2)
        .map(|b| u16::from_be_bytes([b[0], b[1]]))
        .ok_or_else(|| "the dns answer is truncated".to_owned())
}

/// Reads a (possibly compressed) name at `at`; returns it and the offset after it in place.
pub(crate) fn read_name(message: &[u8], mut at: usize) -> Result<(String, usize), String> {
    let mut name = String::new();
    let mut end = None;
    for _ in 0..128 {
        let length = *message.get(at).ok_or("the dns answer is truncated")?;
        match length {
            0 => {
                return Ok((name, end.unwrap_or(at + 1)));
            }
            l if l & 0xc0 == 0xc0 => {
                let low = *message.get(at + 1).ok_or("the dns answer is truncated")?;
                end.get_or_insert(at + 2);
                at = usize::from(u16::from_be_bytes([l & 0x3f, low]));
            }
            l if l & 0xc0 == 0 => {
                let label = message
                    .get(at + 1..at + 1 + usize::from(l))
                    .ok_or("the dns answer is truncated")?;
                if !name.is_empty() {
                    name.push('.');
                }
                name.push_str(&String::from_utf8_lossy(label));
                at += 1 + usize::from(l);
            }
            _ => return Err("the dns answer uses an unknown label type".to_owned()),
        }
    }
    Err("the dns answer has a compression loop".to_owned())
}

pub(crate) fn parse_answer(message: Vec<u8>, id: u16, record_type: u16) -> Result<Answer, String> {
    if message.len() < 12 || read_u16(&message, 0)? != id || message[2] & 0x80 == 0 {
        return Err("the resolver's reply is not an answer to the query".to_owned());
    }
    let rcode = message[3] & 0x0f;
    if rcode == 3 {
        return Ok(Answer {
            message,
            records: Vec::new(),
            no_such_name: true,
        });
    }
    if rcode != 0 {
        return Err(format!("the resolver answered with error code {rcode}"));
    }
    let questions = read_u16(&message, 4)?;
    let answers = read_u16(&message, 6)?;
    let mut at = 12;
    for _ in 0..questions {
        at = read_name(&message, at)?.1 + 4;
    }
    let mut records = Vec::new();
    for _ in 0..answers {
        at = read_name(&message, at)?.1;
        let kind = read_u16(&message, at)?;
        let length = usize::from(read_u16(&message, at + 8)?);
        let data = at + 10;
        if data + length > message.len() {
            return Err("the dns answer is truncated".to_owned());
        }
        if kind == record_type {
            records.push((kind, data, length));
        }
        at = data + length;
    }
    Ok(Answer {
        message,
        records,
        no_such_name: false,
    })
}

/// Applies the spec's rules to the SRV and TXT answers of `name`.
pub(crate) fn interpret(name: &str, srv: &Answer, txt: &Answer) -> Result<Resolution, Error> {
    let fail = |problem: String| dns_error(name, &problem);
    if srv.no_such_name || srv.records.is_empty() {
        return Err(fail(
            "no SRV record (_mongodb._tcp); check the cluster's host name".to_owned(),
        ));
    }
    let name_labels: Vec<&str> = name.split('.').collect();
    let parent = if name_labels.len() >= 3 {
        name_labels[1..].join(".")
    } else {
        name.to_owned()
    };
    let mut hosts = Vec::new();
    for &(_, data, length) in &srv.records {
        if length < 7 {
            return Err(fail("an SRV record is too short".to_owned()));
        }
        let port = read_u16(&srv.message, data + 4).map_err(&fail)?;
        let (target, _) = read_name(&srv.message, data + 6).map_err(&fail)?;
        let target = target.trim_end_matches('.').to_ascii_lowercase();
        let shares_parent = target.ends_with(&format!(".{}", parent.to_ascii_lowercase()));
        let enough_labels = name_labels.len() >= 3 || target.split('.').count() > name_labels.len();
        if !shares_parent || !enough_labels {
            return Err(fail(format!(
                "the SRV record points at {target}, outside the domain {parent} (refused, as the spec requires)"
            )));
        }
        hosts.push(Host::from_parts(HostKind::Hostname, target, Some(port)));
    }
    let txt = match txt.records.as_slice() {
        [] => TxtOptions::default(),
        [(_, data, length)] => {
            let mut text = String::new();
            let bytes = &txt.message[*data..data + length];
            let mut at = 0;
            while at < bytes.len() {
                let l = usize::from(bytes[at]);
                let chunk = bytes
                    .get(at + 1..at + 1 + l)
                    .ok_or_else(|| fail("a TXT record is truncated".to_owned()))?;
                text.push_str(&String::from_utf8_lossy(chunk));
                at += 1 + l;
            }
            TxtOptions::parse(&text).map_err(|errors| rules_error(name, &errors))?
        }
        _ => {
            return Err(fail(
                "more than one TXT record (the spec allows one)".to_owned(),
            ));
        }
    };
    Ok(Resolution { hosts, txt })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A DNS answer for `name` with the given records, as a resolver would send it.
    fn answer(id: u16, name: &str, record_type: u16, rdatas: &[Vec<u8>], rcode: u8) -> Vec<u8> {
        let query = encode_query(id, name, record_type).unwrap();
        let mut message = query.clone();
        message[2] = 0x81;
        message[3] = 0x80 | rcode;
        message[6..8].copy_from_slice(&(rdatas.len() as u16).to_be_bytes());
        for rdata in rdatas {
            message.extend_from_slice(&[0xc0, 12]); // pointer to the question's name
            message.extend_from_slice(&record_type.to_be_bytes());
            message.extend_from_slice(&CLASS_IN.to_be_bytes());
            message.extend_from_slice(&60u32.to_be_bytes());
            message.extend_from_slice(&(rdata.len() as u16).to_be_bytes());
            message.extend_from_slice(rdata);
        }
        message
    }

    fn srv_rdata(port: u16, target: &str) -> Vec<u8> {
        let mut rdata = vec![0, 0, 0, 0];
        rdata.extend_from_slice(&port.to_be_bytes());
        let encoded = encode_query(0, target, 0).unwrap();
        rdata.extend_from_slice(&encoded[12..encoded.len() - 4]);
        rdata
    }

    fn txt_rdata(strings: &[&str]) -> Vec<u8> {
        let mut rdata = Vec::new();
        for s in strings {
            rdata.push(s.len() as u8);
            rdata.extend_from_slice(s.as_bytes());
        }
        rdata
    }

    fn parsed(message: Vec<u8>, id: u16, kind: u16) -> Answer {
        parse_answer(message, id, kind).unwrap()
    }

    #[test]
    fn srv_and_txt_answers_give_hosts_and_options() {
        let name = "cluster0.example.com";
        let srv = parsed(
            answer(
                7,
                &format!("_mongodb._tcp.{name}"),
                TYPE_SRV,
                &[
                    srv_rdata(27017, "a.example.com"),
                    srv_rdata(27018, "B.Example.com."),
                ],
                0,
            ),
            7,
            TYPE_SRV,
        );
        let txt = parsed(
            answer(
                8,
                name,
                TYPE_TXT,
                &[txt_rdata(&["authSource=shop&", "replicaSet=rs0"])],
                0,
            ),
            8,
            TYPE_TXT,
        );
        let resolution = interpret(name, &srv, &txt).unwrap();
        assert_eq!(
            resolution.hosts,
            vec![
                Host::from_parts(HostKind::Hostname, "a.example.com".into(), Some(27017)),
                Host::from_parts(HostKind::Hostname, "b.example.com".into(), Some(27018)),
            ]
        );
        assert_eq!(resolution.txt.auth_source.as_deref(), Some("shop"));
        assert_eq!(resolution.txt.replica_set.as_deref(), Some("rs0"));
    }

    #[test]
    fn spec_rules_refuse_bad_records() {
        let name = "cluster0.example.com";
        let srv_for = |target: &str| {
            parsed(
                answer(
                    1,
                    "_mongodb._tcp.x",
                    TYPE_SRV,
                    &[srv_rdata(27017, target)],
                    0,
                ),
                1,
                TYPE_SRV,
            )
        };
        let no_txt = parsed(answer(2, name, TYPE_TXT, &[], 0), 2, TYPE_TXT);
        for target in ["a.evil.com", "example.com", "aexample.com"] {
            assert!(
                matches!(
                    interpret(name, &srv_for(target), &no_txt),
                    Err(Error::Dns(_))
                ),
                "{target}"
            );
        }
        // Fewer than three labels: the target needs one more label than the name.
        assert!(interpret("example.com", &srv_for("example.com"), &no_txt).is_err());
        assert!(interpret("example.com", &srv_for("a.example.com"), &no_txt).is_ok());
        let good = srv_for("a.example.com");
        let txt = |strings: &[&str]| {
            parsed(
                answer(3, name, TYPE_TXT, &[txt_rdata(strings)], 0),
                3,
                TYPE_TXT,
            )
        };
        assert!(interpret(name, &good, &txt(&["ssl=false"])).is_err());
        assert!(interpret(name, &good, &txt(&["loadBalanced=maybe"])).is_err());
        assert_eq!(
            interpret(name, &good, &txt(&["loadBalanced=true"]))
                .unwrap()
                .txt
                .load_balanced,
            Some(true)
        );
        let two = parsed(
            answer(
                4,
                name,
                TYPE_TXT,
                &[txt_rdata(&["authSource=a"]), txt_rdata(&["replicaSet=b"])],
                0,
            ),
            4,
            TYPE_TXT,
        );
        assert!(interpret(name, &good, &two).is_err());
        let nx = parsed(answer(5, "_mongodb._tcp.x", TYPE_SRV, &[], 3), 5, TYPE_SRV);
        assert!(interpret(name, &nx, &no_txt).is_err());
    }

    fn resolution(txt: &str) -> Resolution {
        Resolution {
            hosts: vec![Host::from_parts(
                HostKind::Hostname,
                "a.example.com".into(),
                Some(27017),
            )],
            txt: TxtOptions::parse(txt).unwrap(),
        }
    }

    fn applied(uri: &str, txt: &str) -> Result<Resolved, Error> {
        let config: crate::ClientConfig = uri.parse().unwrap();
        apply(
            "c.example.com",
            resolution(txt),
            config.credential.as_ref(),
            &config.options,
        )
    }

    fn source(uri: &str, txt: &str) -> String {
        applied(uri, txt).unwrap().credential.unwrap().source
    }

    #[test]
    fn txt_auth_source_is_resolved_by_the_rulebook() {
        // an explicit authSource wins over TXT, even when it is `admin`
        assert_eq!(
            source(
                "mongodb+srv://u:p@c.example.com/?authSource=admin",
                "authSource=shop"
            ),
            "admin"
        );
        // TXT wins over the database path
        assert_eq!(
            source("mongodb+srv://u:p@c.example.com/db", "authSource=shop"),
            "shop"
        );
        assert_eq!(source("mongodb+srv://u:p@c.example.com/db", ""), "db");
        assert_eq!(
            source("mongodb+srv://u:p@c.example.com", "authSource=shop"),
            "shop"
        );
        // PLAIN's default is $external, and TXT still replaces it
        assert_eq!(
            source(
                "mongodb+srv://u:p@c.example.com/?authMechanism=PLAIN",
                "authSource=ldap"
            ),
            "ldap"
        );
        assert_eq!(
            source("mongodb+srv://u:p@c.example.com/?authMechanism=PLAIN", ""),
            "$external"
        );
        // $external-only mechanisms keep $external
        assert_eq!(
            source(
                "mongodb+srv://c.example.com/?authMechanism=MONGODB-X509&tlsCertificateKeyFile=c.pem",
                "authSource=admin"
            ),
            "$external"
        );
        // decoded once
        assert_eq!(
            source("mongodb+srv://u:p@c.example.com", "authSource=my%20db"),
            "my db"
        );
        // code: an explicit source wins, a default database loses to TXT
        let config = crate::ClientConfig::builder()
            .srv("c.example.com")
            .credential(
                crate::Credential::scram_sha_256()
                    .username("u")
                    .password("p")
                    .source("admin"),
            )
            .build()
            .unwrap();
        let resolved = apply(
            "c.example.com",
            resolution("authSource=shop"),
            config.credential.as_ref(),
            &config.options,
        )
        .unwrap();
        assert_eq!(resolved.credential.unwrap().source, "admin");
    }

    #[test]
    fn txt_topology_options_are_merged_under_the_uri_and_checked() {
        let resolved = applied("mongodb+srv://c.example.com", "replicaSet=rs0").unwrap();
        assert_eq!(resolved.options.replica_set.as_deref(), Some("rs0"));
        assert_eq!(resolved.options.load_balanced, None);
        // URI options win over TXT
        let resolved = applied(
            "mongodb+srv://c.example.com/?replicaSet=mine&loadBalanced=false",
            "replicaSet=rs0&loadBalanced=true",
        )
        .unwrap();
        assert_eq!(resolved.options.replica_set.as_deref(), Some("mine"));
        assert_eq!(resolved.options.load_balanced, Some(false));
        let resolved = applied("mongodb+srv://c.example.com", "loadBalanced=true").unwrap();
        assert_eq!(resolved.options.load_balanced, Some(true));
        // the topology rules run again on the merged options
        for (uri, txt) in [
            (
                "mongodb+srv://c.example.com/?replicaSet=rs0",
                "loadBalanced=true",
            ),
            (
                "mongodb+srv://c.example.com/?loadBalanced=true",
                "replicaSet=rs0",
            ),
            (
                "mongodb+srv://c.example.com/?srvMaxHosts=1",
                "replicaSet=rs0",
            ),
            (
                "mongodb+srv://c.example.com/?srvMaxHosts=1",
                "loadBalanced=true",
            ),
        ] {
            let error = applied(uri, txt).unwrap_err();
            assert!(matches!(error, Error::Dns(_)), "{uri} {txt}: {error}");
        }
        assert!(
            applied(
                "mongodb+srv://c.example.com/?srvMaxHosts=0",
                "replicaSet=rs0"
            )
            .is_ok()
        );
        // loadBalanced=true needs exactly one SRV host
        let config: crate::ClientConfig = "mongodb+srv://c.example.com".parse().unwrap();
        let mut two = resolution("loadBalanced=true");
        two.hosts.push(two.hosts[0].clone());
        assert!(apply("c.example.com", two, None, &config.options).is_err());
    }

    #[test]
    fn srv_max_hosts_picks_that_many_of_the_srv_hosts() {
        let config: crate::ClientConfig = "mongodb+srv://c.example.com/?srvMaxHosts=2"
            .parse()
            .unwrap();
        let all: Vec<Host> = ["a", "b", "c", "d"]
            .iter()
            .map(|h| Host::from_parts(HostKind::Hostname, format!("{h}.example.com"), Some(27017)))
            .collect();
        let mut seen = std::collections::HashSet::new();
        for _ in 0..64 {
            let resolution = Resolution {
                hosts: all.clone(),
                txt: TxtOptions::default(),
            };
            let resolved = apply("c.example.com", resolution, None, &config.options).unwrap();
            assert_eq!(resolved.hosts.len(), 2);
            assert_ne!(resolved.hosts[0], resolved.hosts[1]);
            assert!(resolved.hosts.iter().all(|h| all.contains(h)));
            seen.extend(resolved.hosts);
        }
        // a random choice, not always the first two
        assert!(seen.len() > 2, "{seen:?}");
        // 0 and a larger maximum keep every host
        for uri in [
            "mongodb+srv://c.example.com/?srvMaxHosts=0",
            "mongodb+srv://c.example.com/?srvMaxHosts=9",
        ] {
            let config: crate::ClientConfig = uri.parse().unwrap();
            let resolution = Resolution {
                hosts: all.clone(),
                txt: TxtOptions::default(),
            };
            let resolved = apply("c.example.com", resolution, None, &config.options).unwrap();
            assert_eq!(resolved.hosts, all);
        }
    }

    #[test]
    fn an_empty_txt_auth_source_is_refused() {
        let name = "cluster0.example.com";
        let srv = parsed(
            answer(
                1,
                "_mongodb._tcp.x",
                TYPE_SRV,
                &[srv_rdata(27017, "a.example.com")],
                0,
            ),
            1,
            TYPE_SRV,
        );
        let txt = parsed(
            answer(2, name, TYPE_TXT, &[txt_rdata(&["authSource="])], 0),
            2,
            TYPE_TXT,
        );
        let error = interpret(name, &srv, &txt).unwrap_err();
        assert!(error.to_string().contains("authSource is empty"), "{error}");
    }

    #[test]
    fn hostile_answers_are_errors_not_panics() {
        // Wrong id, not a response, truncated, a compression loop.
        let good = answer(
            9,
            "x.example.com",
            TYPE_SRV,
            &[srv_rdata(1, "a.example.com")],
            0,
        );
        assert!(parse_answer(good.clone(), 10, TYPE_SRV).is_err());
        let mut not_response = good.clone();
        not_response[2] = 0x01;
        assert!(parse_answer(not_response, 9, TYPE_SRV).is_err());
        for cut in 0..good.len() {
            let _ = parse_answer(good[..cut].to_vec(), 9, TYPE_SRV);
        }
        let mut looping = good.clone();
        let at = looping.len() - srv_rdata(1, "a.example.com").len() + 6;
        looping[at] = 0xc0;
        looping[at + 1] = at as u8;
        let answer = parse_answer(looping, 9, TYPE_SRV).unwrap();
        assert!(
            interpret(
                "x.example.com",
                &answer,
                &parsed(super::tests::answer(1, "x", TYPE_TXT, &[], 0), 1, TYPE_TXT)
            )
            .is_err()
        );
    }

    #[test]
    fn resolv_conf_nameservers() {
        let servers = parse_resolv_conf(
            "# c\nsearch x\nnameserver 10.0.0.1\nnameserver fe80::1%eth0\nnameserver bogus\n",
        );
        assert_eq!(servers.len(), 2);
        assert_eq!(servers[0], "10.0.0.1:53".parse().unwrap());
    }

    #[tokio::test]
    async fn query_over_udp_to_a_local_resolver() {
        let resolver = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let address = resolver.local_addr().unwrap();
        tokio::spawn(async move {
            let mut buffer = [0u8; 512];
            let (n, peer) = resolver.recv_from(&mut buffer).await.unwrap();
            let id = u16::from_be_bytes([buffer[0], buffer[1]]);
            assert_eq!(&buffer[n - 4..n - 2], &TYPE_SRV.to_be_bytes());
            let reply = answer(
                id,
                "_mongodb._tcp.c.example.com",
                TYPE_SRV,
                &[srv_rdata(27017, "a.example.com")],
                0,
            );
            resolver.send_to(&reply, peer).await.unwrap();
        });
        let answer = query(
            address,
            "_mongodb._tcp.c.example.com",
            TYPE_SRV,
            Duration::from_secs(10),
        )
        .await
        .unwrap();
        assert_eq!(answer.records.len(), 1);
    }
}
