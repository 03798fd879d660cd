// No credential: the connection does not authenticate; TLS with relaxed checks behind `dangerous()`.
use mongo_auth::{ClientConfig, Tls};

pub(crate) fn main() {
    let config = ClientConfig::builder()
        .hosts(["localhost:27017", "[::1]:27018"])
        .app_name("inventory")
        .tls(
            Tls::enabled()
                .dangerous()
                .allow_invalid_hostnames()
                .crl_file("crl.pem"),
        )
        .build()
        .unwrap();
    assert!(config.credential().is_none());
    assert_eq!(config.hosts().len(), 2);
    assert!(config.tls().unwrap().allows_invalid_hostnames());
}
