//! `mongodb+srv` resolution: the SRV record `_<service>._tcp.<host>` gives the hosts, the TXT record
//! of `<host>` may give `authSource`, `replicaSet` and `loadBalanced`.
//!
//! The lookups are a [`DnsResolver`]'s (hickory-resolver with the system's configuration unless the
//! authenticator was given another); the spec's rules on what they answer are applied here.

use mongo_auth_core::rules;
use mongo_auth_core::srv::{SrvTopology, TxtOptions};
use mongo_auth_core::{Credential, Errors, Host, HostKind};

use crate::config::ConnectOptions;
use crate::dns::{DnsResolver, SrvRecord};
use crate::error::{DnsError, Error, Timeout, TimeoutPhase};

/// The most SRV records a lookup may bring (each is a host to try).
const MAX_SRV_RECORDS: usize = 1024;
/// The longest TXT record read (the options of one connection string).
const MAX_TXT_LEN: usize = 64 * 1024;

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

/// Resolves the SRV name of a `mongodb+srv` configuration with `resolver`, or with the system's
/// resolvers through hickory when there is none.
pub(crate) async fn resolve(
    resolver: Option<&dyn DnsResolver>,
    hosts: &[Host],
    options: &ConnectOptions,
) -> Result<Resolution, Error> {
    let name = match hosts {
        [host] if host.port.is_none() => host.host.trim_end_matches('.').to_owned(),
        _ => {
            return Err(dns_error(
                "",
                "mongodb+srv needs exactly one host name without a port",
            ));
        }
    };
    #[cfg(feature = "srv")]
    let system;
    let resolver = match resolver {
        Some(resolver) => resolver,
        #[cfg(feature = "srv")]
        None => {
            system = crate::dns::HickoryResolver::system().map_err(|problem| {
                dns_error(
                    &name,
                    &format!("{problem}; list the hosts in a mongodb:// URI instead"),
                )
            })?;
            &system
        }
        #[cfg(not(feature = "srv"))]
        None => {
            return Err(dns_error(
                &name,
                "this build has no DNS resolver (the `srv` feature is off): enable it, give the \
                 authenticator one (Authenticator::with_dns_resolver), or list the hosts in a \
                 mongodb:// URI",
            ));
        }
    };
    let service = options.srv_service_name.as_deref().unwrap_or("mongodb");
    let lookup = async {
        let srv_name = format!("_{service}._tcp.{name}");
        let srv = resolver
            .srv(&srv_name)
            .await
            .map_err(|problem| dns_error(&srv_name, &problem))?;
        let txt = resolver
            .txt(&name)
            .await
            .map_err(|problem| dns_error(&name, &problem))?;
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

/// Applies the spec's rules to the SRV and TXT answers of `name`: at least one SRV record, every
/// target in `name`'s parent domain, at most one TXT record, holding only the options it may.
pub(crate) fn interpret(
    name: &str,
    srv: &[SrvRecord],
    txt: &[Vec<u8>],
) -> Result<Resolution, Error> {
    let fail = |problem: String| dns_error(name, &problem);
    if srv.is_empty() {
        return Err(fail(
            "no SRV record (_mongodb._tcp); check the cluster's host name".to_owned(),
        ));
    }
    if srv.len() > MAX_SRV_RECORDS {
        return Err(fail(format!(
            "{} SRV records, more than the {MAX_SRV_RECORDS} accepted",
            srv.len()
        )));
    }
    let name_labels: Vec<&str> = name.split('.').collect();
    let parent = if name_labels.len() >= 3 {
        name_labels[1..].join(".")
    } else {
        name.to_owned()
    };
    let parent_suffix = format!(".{}", parent.to_ascii_lowercase());
    let mut hosts = Vec::with_capacity(srv.len());
    for record in srv {
        let target = record.target.trim_end_matches('.').to_ascii_lowercase();
        let shares_parent = target.ends_with(&parent_suffix);
        let enough_labels = name_labels.len() >= 3 || target.split('.').count() > name_labels.len();
        if !shares_parent || !enough_labels {
            return Err(fail(format!(
                "the SRV record points at {}, outside the domain {parent} (refused, as the spec requires)",
                crate::reply::server_text(&target)
            )));
        }
        hosts.push(Host::from_parts(
            HostKind::Hostname,
            target,
            Some(record.port),
        ));
    }
    let txt = match txt {
        [] => TxtOptions::default(),
        [record] if record.len() > MAX_TXT_LEN => {
            return Err(fail(format!(
                "the TXT record is {} bytes long, more than the {MAX_TXT_LEN} accepted",
                record.len()
            )));
        }
        [record] => TxtOptions::parse(&String::from_utf8_lossy(record))
            .map_err(|errors| rules_error(name, &errors))?,
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

    fn srv(records: &[(u16, &str)]) -> Vec<SrvRecord> {
        records
            .iter()
            .map(|&(port, target)| SrvRecord::new(target, port))
            .collect()
    }

    fn txt(text: &str) -> Vec<Vec<u8>> {
        vec![text.as_bytes().to_vec()]
    }

    #[test]
    fn srv_and_txt_answers_give_hosts_and_options() {
        let name = "cluster0.example.com";
        let srv = srv(&[(27017, "a.example.com"), (27018, "B.Example.com.")]);
        let resolution = interpret(name, &srv, &txt("authSource=shop&replicaSet=rs0")).unwrap();
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
        let srv_for = |target: &str| srv(&[(27017, target)]);
        for target in ["a.evil.com", "example.com", "aexample.com"] {
            assert!(
                matches!(interpret(name, &srv_for(target), &[]), Err(Error::Dns(_))),
                "{target}"
            );
        }
        // Fewer than three labels: the target needs one more label than the name.
        assert!(interpret("example.com", &srv_for("example.com"), &[]).is_err());
        assert!(interpret("example.com", &srv_for("a.example.com"), &[]).is_ok());
        let good = srv_for("a.example.com");
        assert!(interpret(name, &good, &txt("ssl=false")).is_err());
        assert!(interpret(name, &good, &txt("loadBalanced=maybe")).is_err());
        assert_eq!(
            interpret(name, &good, &txt("loadBalanced=true"))
                .unwrap()
                .txt
                .load_balanced,
            Some(true)
        );
        let two = vec![b"authSource=a".to_vec(), b"replicaSet=b".to_vec()];
        assert!(interpret(name, &good, &two).is_err());
        // no SRV record at all
        assert!(interpret(name, &[], &[]).is_err());
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
                crate::Auth::scram_sha_256()
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
        let error =
            interpret(name, &srv(&[(27017, "a.example.com")]), &txt("authSource=")).unwrap_err();
        assert!(error.to_string().contains("authSource is empty"), "{error}");
    }

    #[test]
    fn hostile_answers_are_bounded_errors() {
        let name = "cluster0.example.com";
        let many: Vec<SrvRecord> = (0..=MAX_SRV_RECORDS)
            .map(|i| SrvRecord::new(format!("h{i}.example.com"), 27017))
            .collect();
        assert!(interpret(name, &many, &[]).is_err());
        let huge = vec![vec![b'a'; MAX_TXT_LEN + 1]];
        assert!(interpret(name, &srv(&[(1, "a.example.com")]), &huge).is_err());
        // a target with control characters is named escaped
        let error = interpret(name, &srv(&[(1, "evil\n\u{1b}.com")]), &[]).unwrap_err();
        assert!(!error.to_string().contains('\u{1b}'), "{error}");
    }

    /// hickory asks the conformance server's DNS stand-in on 127.0.0.1: the records come back through
    /// the resolver the authenticator uses.
    #[cfg(feature = "srv")]
    #[tokio::test]
    async fn hickory_resolves_srv_and_txt_from_a_local_server() {
        use mongo_auth_test_server::dns::DnsServer;
        let server = DnsServer::start()
            .await
            .unwrap()
            .srv(
                "_mongodb._tcp.cluster0.mongo-auth.test",
                27017,
                "db1.cluster0.mongo-auth.test",
            )
            .srv(
                "_mongodb._tcp.cluster0.mongo-auth.test",
                27018,
                "db2.cluster0.mongo-auth.test",
            )
            .txt(
                "cluster0.mongo-auth.test",
                &["authSource=shop&", "replicaSet=rs0"],
            );
        let resolver = crate::dns::HickoryResolver::with_nameservers(&[server.addr()]);
        let config: crate::ClientConfig =
            "mongodb+srv://cluster0.mongo-auth.test/".parse().unwrap();
        let resolution = resolve(Some(&resolver), &config.hosts, &config.options)
            .await
            .unwrap();
        let mut hosts: Vec<String> = resolution.hosts.iter().map(ToString::to_string).collect();
        hosts.sort();
        assert_eq!(
            hosts,
            [
                "db1.cluster0.mongo-auth.test:27017",
                "db2.cluster0.mongo-auth.test:27018"
            ]
        );
        assert_eq!(resolution.txt.auth_source.as_deref(), Some("shop"));
        assert_eq!(resolution.txt.replica_set.as_deref(), Some("rs0"));

        // a name the server does not know: no SRV record, a clear error
        let config: crate::ClientConfig = "mongodb+srv://other.mongo-auth.test/".parse().unwrap();
        let error = resolve(Some(&resolver), &config.hosts, &config.options)
            .await
            .unwrap_err();
        assert!(error.to_string().contains("no SRV record"), "{error}");
        // the service name of srvServiceName is the one asked for
        let config: crate::ClientConfig =
            "mongodb+srv://cluster0.mongo-auth.test/?srvServiceName=custom"
                .parse()
                .unwrap();
        assert!(
            resolve(Some(&resolver), &config.hosts, &config.options)
                .await
                .is_err()
        );
    }
}
