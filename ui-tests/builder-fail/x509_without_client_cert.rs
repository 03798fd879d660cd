// MONGODB-X509 needs TLS with a client certificate before the configuration can be built.
use mongo_auth::{ClientConfig, Credential, Tls};

fn main() {
    // no TLS at all
    let _ = ClientConfig::builder()
        .hosts(["db.example.com"])
        .credential(Credential::x509())
        .build();

    // TLS, but no client certificate
    let _ = ClientConfig::builder()
        .hosts(["db.example.com"])
        .credential(Credential::x509())
        .tls(Tls::with_ca_file("ca.pem"))
        .build();
}
