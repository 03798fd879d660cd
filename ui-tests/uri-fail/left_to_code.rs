// A literal that leaves the password or the client certificate to code cannot be built without it.
use mongo_auth::{ClientConfig, mongo_uri};

fn main() {
    // no password: `.password(…)` is missing
    let _ = mongo_uri!("mongodb://app@db.example.com/shop?authMechanism=SCRAM-SHA-256").build();
    // MONGODB-X509 without a client certificate: `.tls(Tls::enabled().client_cert(…))` is missing
    let _ = mongo_uri!("mongodb://db.example.com/?authMechanism=MONGODB-X509").build();
    // and neither is a finished configuration
    let _: ClientConfig = mongo_uri!("mongodb://app@db.example.com");
}
