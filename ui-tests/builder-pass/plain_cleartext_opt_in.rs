// PLAIN without TLS: only through the dangerous door, with a name that says what it does.
use mongo_auth::{Auth, ClientConfig};

pub(crate) fn main() {
    let config = ClientConfig::builder()
        .hosts(["ldap-proxy.internal"])
        .credential(Auth::plain().username("user").password("password"))
        .dangerous()
        .allow_plain_password_without_tls()
        .build()
        .unwrap();
    assert!(config.tls().is_none());
    assert!(config.allows_plain_password_without_tls());
}
