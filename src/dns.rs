//! The DNS lookups behind `mongodb+srv`: an SRV record for the hosts, a TXT record for options.
//!
//! An [`Authenticator`](crate::Authenticator) asks a [`DnsResolver`]. The default (the `srv` feature,
//! on by default), `HickoryResolver::system`, is hickory-resolver with the operating system's configuration (on
//! Unix `/etc/resolv.conf`, on Windows the registry, on macOS the system's resolvers), its search
//! rules and a cache that follows the records' TTLs, as the official driver does.
//! `HickoryResolver::with_nameservers` asks chosen servers instead, and any type implementing
//! [`DnsResolver`] can answer (a test's table, a service-discovery client).
//!
//! What the answers mean — the parent-domain rule for SRV targets, one TXT record, its allowed keys,
//! `srvMaxHosts` — is applied by this library to whatever the resolver returns.
//!
//! ```no_run
//! use std::sync::Arc;
//! use mongo_auth::dns::HickoryResolver;
//! # async fn run() -> Result<(), mongo_auth::Error> {
//! let config: mongo_auth::ClientConfig = "mongodb+srv://app:pencil@cluster0.example.com/"
//!     .parse()
//!     .expect("a valid connection string");
//! // the name servers of a private zone
//! let resolver = HickoryResolver::with_nameservers(&["10.0.0.53:53".parse().unwrap()]);
//! let authenticator = mongo_auth::Authenticator::new(&config)?.with_dns_resolver(Arc::new(resolver));
//! let connection = authenticator.connect().await?;
//! # let _ = connection;
//! # Ok(())
//! # }
//! ```

use std::future::Future;
#[cfg(feature = "srv")]
use std::net::SocketAddr;
use std::pin::Pin;

#[cfg(feature = "srv")]
use hickory_resolver::config::{ConnectionConfig, NameServerConfig, ResolverConfig};
#[cfg(feature = "srv")]
use hickory_resolver::net::NetError;
#[cfg(feature = "srv")]
use hickory_resolver::net::runtime::TokioRuntimeProvider;
#[cfg(feature = "srv")]
use hickory_resolver::proto::rr::RData;
#[cfg(feature = "srv")]
use hickory_resolver::{Resolver, TokioResolver};

/// A boxed future of a [`DnsResolver`] lookup.
pub type Lookup<'a, T> = Pin<Box<dyn Future<Output = Result<T, String>> + Send + 'a>>;

/// One SRV record: a host and its port.
///
/// A [`DnsResolver`] answers an SRV lookup with these; the authenticator then applies the spec's
/// rules to them, for example that every target lies in the cluster's parent domain.
///
/// ```
/// use std::sync::Arc;
/// use mongo_auth::dns::{DnsResolver, Lookup, SrvRecord};
/// struct Elsewhere;
/// impl DnsResolver for Elsewhere {
///     fn srv<'a>(&'a self, _name: &'a str) -> Lookup<'a, Vec<SrvRecord>> {
///         Box::pin(async { Ok(vec![SrvRecord::new("db1.example.net.", 27017)]) })
///     }
///     // `txt` answers that there is no TXT record
/// #   fn txt<'a>(&'a self, _name: &'a str) -> Lookup<'a, Vec<Vec<u8>>> {
/// #       Box::pin(async { Ok(Vec::new()) })
/// #   }
/// }
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let config: mongo_auth::ClientConfig = "mongodb+srv://cluster0.example.com/".parse().unwrap();
/// let authenticator = mongo_auth::Authenticator::new(&config).unwrap();
/// let authenticator = authenticator.with_dns_resolver(Arc::new(Elsewhere));
/// let Err(mongo_auth::Error::Dns(error)) = authenticator.connect().await else { panic!() };
/// assert!(error.problem.contains("outside the domain example.com"));
/// # }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SrvRecord {
    /// The host name the record points at (with or without the final dot).
    pub target: String,
    /// The port.
    pub port: u16,
}

impl SrvRecord {
    /// A record pointing at `target:port`.
    ///
    /// ```
    /// let record = mongo_auth::dns::SrvRecord::new("db1.cluster0.example.com.", 27017);
    /// assert_eq!(record.port, 27017);
    /// ```
    pub fn new(target: impl Into<String>, port: u16) -> Self {
        Self {
            target: target.into(),
            port,
        }
    }
}

/// Answers the two questions of `mongodb+srv`. A name with no record of the type is an empty list,
/// not an error; an error is a lookup that could not be answered (no resolver reachable, a server
/// failure), described in words that name no secret.
///
/// ```
/// use mongo_auth::dns::{DnsResolver, Lookup, SrvRecord};
///
/// /// Answers from a fixed table, for tests or a service-discovery system.
/// struct Table;
///
/// impl DnsResolver for Table {
///     fn srv<'a>(&'a self, name: &'a str) -> Lookup<'a, Vec<SrvRecord>> {
///         Box::pin(async move {
///             Ok(match name {
///                 "_mongodb._tcp.cluster0.example.com" => {
///                     vec![SrvRecord::new("db1.cluster0.example.com", 27017)]
///                 }
///                 _ => Vec::new(),
///             })
///         })
///     }
///
///     fn txt<'a>(&'a self, _name: &'a str) -> Lookup<'a, Vec<Vec<u8>>> {
///         Box::pin(async { Ok(vec![b"authSource=admin".to_vec()]) })
///     }
/// }
/// # let _ = Table;
/// ```
pub trait DnsResolver: Send + Sync + 'static {
    /// The SRV records of `name` (`_mongodb._tcp.cluster0.example.com`).
    fn srv<'a>(&'a self, name: &'a str) -> Lookup<'a, Vec<SrvRecord>>;

    /// The TXT records of `name`, each as the concatenation of its character strings.
    fn txt<'a>(&'a self, name: &'a str) -> Lookup<'a, Vec<Vec<u8>>>;
}

/// hickory-resolver: the system's DNS configuration, or chosen name servers (the `srv` feature, on by
/// default).
///
/// ```no_run
/// let resolver = mongo_auth::dns::HickoryResolver::system()?;
/// # Ok::<(), String>(())
/// ```
#[cfg(feature = "srv")]
#[cfg_attr(docsrs, doc(cfg(feature = "srv")))]
pub struct HickoryResolver {
    resolver: TokioResolver,
}

#[cfg(feature = "srv")]
impl HickoryResolver {
    /// The operating system's resolvers, search rules and options, with hickory's cache.
    ///
    /// # Errors
    ///
    /// The system's configuration cannot be read (for example no `/etc/resolv.conf`).
    pub fn system() -> Result<Self, String> {
        let resolver = Resolver::builder_tokio()
            .map_err(|e| format!("cannot read the system's DNS configuration: {e}"))?
            .build()
            .map_err(|e| format!("cannot start the DNS resolver: {e}"))?;
        Ok(Self { resolver })
    }

    /// These name servers only (UDP, then TCP for truncated answers), in order, without the
    /// system's search rules.
    ///
    /// ```
    /// let resolver = mongo_auth::dns::HickoryResolver::with_nameservers(&["127.0.0.1:5353".parse().unwrap()]);
    /// # let _ = resolver;
    /// ```
    pub fn with_nameservers(servers: &[SocketAddr]) -> Self {
        let name_servers = servers
            .iter()
            .map(|server| {
                let mut udp = ConnectionConfig::udp();
                udp.port = server.port();
                let mut tcp = ConnectionConfig::tcp();
                tcp.port = server.port();
                let mut config = NameServerConfig::udp_and_tcp(server.ip());
                config.connections = vec![udp, tcp];
                config
            })
            .collect();
        let resolver = Resolver::builder_with_config(
            ResolverConfig::from_name_servers(name_servers),
            TokioRuntimeProvider::default(),
        )
        .build()
        .expect("a resolver with explicit name servers needs no system configuration");
        Self { resolver }
    }
}

/// An empty list for "no such record", the resolver's words otherwise.
#[cfg(feature = "srv")]
fn records<T>(
    result: Result<hickory_resolver::lookup::Lookup, NetError>,
    pick: impl Fn(&RData) -> Option<T>,
) -> Result<Vec<T>, String> {
    match result {
        Ok(lookup) => Ok(lookup
            .answers()
            .iter()
            .filter_map(|record| pick(&record.data))
            .collect()),
        Err(error) if error.is_no_records_found() || error.is_nx_domain() => Ok(Vec::new()),
        Err(error) => Err(error.to_string()),
    }
}

#[cfg(feature = "srv")]
impl DnsResolver for HickoryResolver {
    fn srv<'a>(&'a self, name: &'a str) -> Lookup<'a, Vec<SrvRecord>> {
        Box::pin(async move {
            records(
                self.resolver.srv_lookup(fully_qualified(name)).await,
                |data| match data {
                    RData::SRV(srv) => Some(SrvRecord::new(srv.target.to_utf8(), srv.port)),
                    _ => None,
                },
            )
        })
    }

    fn txt<'a>(&'a self, name: &'a str) -> Lookup<'a, Vec<Vec<u8>>> {
        Box::pin(async move {
            records(
                self.resolver.txt_lookup(fully_qualified(name)).await,
                |data| match data {
                    RData::TXT(txt) => Some(
                        txt.txt_data
                            .iter()
                            .flat_map(|s| s.iter().copied())
                            .collect(),
                    ),
                    _ => None,
                },
            )
        })
    }
}

/// The name with its final dot: a `mongodb+srv` host is a full name, never one for the search list.
#[cfg(feature = "srv")]
fn fully_qualified(name: &str) -> String {
    format!("{}.", name.trim_end_matches('.'))
}
