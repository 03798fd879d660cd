// MONGODB-X509 needs TLS with a client certificate before the configuration can be built.
use mongo_auth::{Auth, ClientConfig, Tls};

fn main() {
    // no TLS at all
    let _ = ClientConfig::builder()
        .hosts(["db.example.com"])
        .credential(Auth::x509())
        .build();

    // TLS, but no client certificate
    let _ = ClientConfig::builder()
        .hosts(["db.example.com"])
        .credential(Auth::x509())
        .tls(Tls::enabled().ca_file("ca.pem"))
        .build();
}
