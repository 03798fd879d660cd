// Any string literal works (raw, escaped, continued lines); hosts, TLS and options reach the config.
use mongo_auth::mongo_uri;
use mongo_auth::rulebook::HostKind;
use std::time::Duration;

pub(crate) fn main() {
    let config =
        mongo_uri!(r"mongodb://db1.example.com:27018,10.0.0.2,[::1]:27019/?replicaSet=rs0");
    let hosts: Vec<_> = config
        .hosts()
        .iter()
        .map(|h| (h.kind, h.host.as_str(), h.port))
        .collect();
    assert_eq!(
        hosts,
        [
            (HostKind::Hostname, "db1.example.com", Some(27018)),
            (HostKind::Ipv4, "10.0.0.2", None),
            (HostKind::IpLiteral, "::1", Some(27019)),
        ]
    );
    assert_eq!(config.replica_set(), Some("rs0"));
    assert!(config.credential().is_none());

    let config = mongo_uri!(
        "mongodb://user:password@localhost/\
         ?appName=inventory&connectTimeoutMS=2500&tls=true&tlsInsecure=true"
    );
    assert_eq!(config.app_name(), Some("inventory"));
    assert_eq!(config.connect_timeout(), Some(Duration::from_millis(2500)));
    let tls = config.tls().unwrap();
    assert!(tls.allows_invalid_certificates() && tls.allows_invalid_hostnames());

    // mongodb+srv implies TLS
    let config = mongo_uri!("mongodb+srv://user:password@cluster0.example.com/");
    assert!(config.is_srv() && config.tls().is_some());
}
