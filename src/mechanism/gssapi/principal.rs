//! The service principal a GSSAPI client asks a ticket for, and `CANONICALIZE_HOST_NAME`.

use std::fmt;
use std::net::IpAddr;

use mongo_auth_core::{Canonicalize, GssapiProperties};

/// The server's Kerberos principal: `SERVICE_NAME` at a host, in `SERVICE_REALM` when one is set.
///
/// Without a realm it is the GSS host-based service name `service@host` (the Kerberos library maps
/// the host to its realm); with one it is the Kerberos principal `service/host@REALM`.
///
/// ```
/// use mongo_auth::rulebook::GssapiProperties;
/// use mongo_auth::gssapi::ServicePrincipal;
///
/// let mut properties = GssapiProperties::default();
/// assert_eq!(ServicePrincipal::new(&properties, "db.example.com").to_string(), "mongodb@db.example.com");
///
/// properties.service_name = "myservicename".to_owned();
/// properties.service_realm = Some("SERVICES.EXAMPLE.COM".to_owned());
/// assert_eq!(
///     ServicePrincipal::new(&properties, "db.example.com").to_string(),
///     "myservicename/db.example.com@SERVICES.EXAMPLE.COM"
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ServicePrincipal {
    service: String,
    host: String,
    realm: Option<String>,
}

impl ServicePrincipal {
    /// The principal for a connection to `connect_host`, without any DNS lookup: `SERVICE_HOST` if
    /// set, else `connect_host` as given. `CANONICALIZE_HOST_NAME` is ignored here; see
    /// [`ServicePrincipal::resolve`].
    pub fn new(properties: &GssapiProperties, connect_host: &str) -> Self {
        let host = properties.service_host.as_deref().unwrap_or(connect_host);
        Self::with_host(properties, host)
    }

    /// The principal for a connection to `connect_host`: `SERVICE_HOST` if set, else `connect_host`
    /// canonicalised per `CANONICALIZE_HOST_NAME` through the system resolver (any lookup failure
    /// falls back to the host as given). Blocks on DNS: call it off async worker threads.
    ///
    /// ```
    /// use mongo_auth::rulebook::{Canonicalize, GssapiProperties};
    /// use mongo_auth::gssapi::ServicePrincipal;
    /// let mut properties = GssapiProperties::default();
    /// properties.canonicalize_host_name = Canonicalize::Forward;
    /// let principal = ServicePrincipal::resolve(&properties, "localhost");
    /// assert_eq!(principal.host(), "localhost");
    /// ```
    pub fn resolve(properties: &GssapiProperties, connect_host: &str) -> Self {
        Self::resolve_with(properties, connect_host, &SystemResolver)
    }

    pub(crate) fn resolve_with(
        properties: &GssapiProperties,
        connect_host: &str,
        resolver: &impl HostResolver,
    ) -> Self {
        match &properties.service_host {
            Some(host) => Self::with_host(properties, host),
            None => {
                let host =
                    canonicalize_host(connect_host, properties.canonicalize_host_name, resolver);
                Self::with_host(properties, &host)
            }
        }
    }

    fn with_host(properties: &GssapiProperties, host: &str) -> Self {
        Self {
            service: properties.service_name.clone(),
            host: host.to_owned(),
            realm: properties.service_realm.clone(),
        }
    }

    /// `SERVICE_NAME`.
    pub fn service(&self) -> &str {
        &self.service
    }

    /// The host part.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// `SERVICE_REALM`, when set.
    pub fn realm(&self) -> Option<&str> {
        self.realm.as_deref()
    }
}

/// `service@host`, or `service/host@REALM` with a realm.
impl fmt::Display for ServicePrincipal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.realm {
            Some(realm) => write!(f, "{}/{}@{realm}", self.service, self.host),
            None => write!(f, "{}@{}", self.service, self.host),
        }
    }
}

/// The lookups `CANONICALIZE_HOST_NAME` needs, so the algorithm can be tested without DNS.
pub(crate) trait HostResolver {
    /// Forward lookup following CNAMEs: the canonical name (if the resolver reports one) and the
    /// addresses, in the resolver's order.
    fn forward(&self, host: &str) -> Option<(Option<String>, Vec<IpAddr>)>;
    /// Reverse (PTR) lookup of one address.
    fn reverse(&self, address: IpAddr) -> Option<String>;
}

/// The host canonicalised per `CANONICALIZE_HOST_NAME`, falling back to `host` as given on any
/// lookup failure or empty result (the spec's MUST).
pub(crate) fn canonicalize_host(
    host: &str,
    mode: Canonicalize,
    resolver: &impl HostResolver,
) -> String {
    if mode == Canonicalize::None {
        return host.to_owned();
    }
    let Some((canonical, addresses)) = resolver.forward(host) else {
        return host.to_owned();
    };
    if addresses.is_empty() {
        return host.to_owned();
    }
    let forward = match canonical.as_deref().map(normalize) {
        Some(name) if !name.is_empty() => name,
        _ => return host.to_owned(),
    };
    match mode {
        Canonicalize::Forward => forward,
        _ => match resolver.reverse(addresses[0]).as_deref().map(normalize) {
            Some(name) if !name.is_empty() => name,
            _ => host.to_owned(),
        },
    }
}

fn normalize(name: &str) -> String {
    name.trim_end_matches('.').to_ascii_lowercase()
}

/// The operating system's resolver (`getaddrinfo` with `AI_CANONNAME`, `getnameinfo`).
pub(crate) struct SystemResolver;

#[cfg(unix)]
impl HostResolver for SystemResolver {
    fn forward(&self, host: &str) -> Option<(Option<String>, Vec<IpAddr>)> {
        let hints = dns_lookup::AddrInfoHints {
            flags: libc::AI_CANONNAME,
            socktype: libc::SOCK_STREAM,
            ..dns_lookup::AddrInfoHints::default()
        };
        let mut canonical = None;
        let mut addresses = Vec::new();
        for info in dns_lookup::getaddrinfo(Some(host), None, Some(hints)).ok()? {
            let info = info.ok()?;
            if canonical.is_none() {
                canonical = info.canonname;
            }
            let address = info.sockaddr.ip();
            if !addresses.contains(&address) {
                addresses.push(address);
            }
        }
        Some((canonical, addresses))
    }

    fn reverse(&self, address: IpAddr) -> Option<String> {
        dns_lookup::lookup_addr(&address).ok()
    }
}

#[cfg(not(unix))]
impl HostResolver for SystemResolver {
    fn forward(&self, _host: &str) -> Option<(Option<String>, Vec<IpAddr>)> {
        None
    }

    fn reverse(&self, _address: IpAddr) -> Option<String> {
        None
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    /// A resolver with a fixed zone: forward answers (canonical name, addresses), PTR answers.
    #[derive(Default)]
    struct Zone {
        forward: HashMap<&'static str, (Option<&'static str>, Vec<IpAddr>)>,
        reverse: HashMap<IpAddr, &'static str>,
    }

    impl HostResolver for Zone {
        fn forward(&self, host: &str) -> Option<(Option<String>, Vec<IpAddr>)> {
            let (canonical, addresses) = self.forward.get(host)?;
            Some((canonical.map(str::to_owned), addresses.clone()))
        }

        fn reverse(&self, address: IpAddr) -> Option<String> {
            self.reverse.get(&address).map(|name| (*name).to_owned())
        }
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn zone() -> Zone {
        let mut zone = Zone::default();
        // db.example.com is a CNAME chain ending at Mongo1.Internal.Example.COM.
        zone.forward.insert(
            "db.example.com",
            (
                Some("Mongo1.Internal.Example.COM."),
                vec![ip("10.0.0.7"), ip("10.0.0.8")],
            ),
        );
        zone.reverse.insert(ip("10.0.0.7"), "PTR-7.example.com.");
        zone.reverse.insert(ip("10.0.0.8"), "ptr-8.example.com");
        zone.forward.insert(
            "no-ptr.example.com",
            (Some("no-ptr.example.com"), vec![ip("10.0.0.9")]),
        );
        zone.forward
            .insert("empty.example.com", (Some("empty.example.com"), vec![]));
        zone.forward
            .insert("nameless.example.com", (None, vec![ip("10.0.0.7")]));
        zone
    }

    fn properties(mode: Canonicalize) -> GssapiProperties {
        let mut properties = GssapiProperties::default();
        properties.canonicalize_host_name = mode;
        properties
    }

    #[test]
    fn none_uses_the_host_as_given_without_lookups() {
        let principal = ServicePrincipal::resolve_with(
            &properties(Canonicalize::None),
            "DB.example.com",
            &zone(),
        );
        assert_eq!(principal.to_string(), "mongodb@DB.example.com");
    }

    #[test]
    fn forward_follows_cnames_to_the_lowercased_final_name() {
        let principal = ServicePrincipal::resolve_with(
            &properties(Canonicalize::Forward),
            "db.example.com",
            &zone(),
        );
        assert_eq!(principal.to_string(), "mongodb@mongo1.internal.example.com");
    }

    #[test]
    fn forward_and_reverse_uses_the_ptr_of_the_first_address() {
        let principal = ServicePrincipal::resolve_with(
            &properties(Canonicalize::ForwardAndReverse),
            "db.example.com",
            &zone(),
        );
        assert_eq!(principal.to_string(), "mongodb@ptr-7.example.com");
    }

    #[test]
    fn every_lookup_failure_falls_back_to_the_host_as_given() {
        let zone = zone();
        for (mode, host) in [
            (Canonicalize::Forward, "unknown.example.com"),
            (Canonicalize::Forward, "empty.example.com"),
            (Canonicalize::Forward, "nameless.example.com"),
            (Canonicalize::ForwardAndReverse, "unknown.example.com"),
            (Canonicalize::ForwardAndReverse, "Empty.example.com"),
            (Canonicalize::ForwardAndReverse, "no-ptr.example.com"),
        ] {
            let principal = ServicePrincipal::resolve_with(&properties(mode), host, &zone);
            assert_eq!(principal.host(), host, "{mode:?} {host}");
        }
    }

    #[test]
    fn service_host_wins_over_the_connection_host_and_is_not_canonicalised() {
        let mut properties = properties(Canonicalize::ForwardAndReverse);
        properties.service_host = Some("db.example.com".to_owned());
        let principal = ServicePrincipal::resolve_with(&properties, "10.0.0.7", &zone());
        assert_eq!(principal.to_string(), "mongodb@db.example.com");
        assert_eq!(ServicePrincipal::new(&properties, "10.0.0.7"), principal);
    }

    #[test]
    fn service_name_and_realm_make_a_kerberos_principal() {
        let mut properties = properties(Canonicalize::Forward);
        properties.service_name = "myservicename".to_owned();
        properties.service_realm = Some("SERVICES.EXAMPLE.COM".to_owned());
        let principal = ServicePrincipal::resolve_with(&properties, "db.example.com", &zone());
        assert_eq!(principal.service(), "myservicename");
        assert_eq!(principal.host(), "mongo1.internal.example.com");
        assert_eq!(principal.realm(), Some("SERVICES.EXAMPLE.COM"));
        assert_eq!(
            principal.to_string(),
            "myservicename/mongo1.internal.example.com@SERVICES.EXAMPLE.COM"
        );
    }

    #[test]
    fn the_default_service_name_is_mongodb() {
        let principal = ServicePrincipal::new(&GssapiProperties::default(), "localhost");
        assert_eq!(principal.to_string(), "mongodb@localhost");
        assert_eq!(principal.realm(), None);
    }

    #[cfg(unix)]
    #[test]
    fn the_system_resolver_canonicalises_localhost() {
        // /etc/hosts maps localhost on every Unix we build on; the PTR of its first address is a
        // name for the loopback interface, which is what matters: a lookup happened and succeeded.
        let forward = canonicalize_host("LocalHost", Canonicalize::Forward, &SystemResolver);
        assert_eq!(forward, "localhost");
        let reverse = canonicalize_host(
            "127.0.0.1",
            Canonicalize::ForwardAndReverse,
            &SystemResolver,
        );
        assert_ne!(reverse, "127.0.0.1", "no PTR name for 127.0.0.1");
        assert_eq!(reverse, reverse.to_ascii_lowercase());
    }
}
