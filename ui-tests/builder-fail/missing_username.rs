// SCRAM, MONGODB-CR and PLAIN authenticate a named user: no `build()` without a username.
use mongo_auth::{ClientConfig, Credential, Tls};

fn main() {
    let _ = ClientConfig::builder()
        .hosts(["db.example.com"])
        .credential(Credential::scram_sha_256().password("pencil"))
        .build();

    let _ = ClientConfig::builder()
        .hosts(["db.example.com"])
        .credential(Credential::mongodb_cr().password("pencil"))
        .build();

    let _ = ClientConfig::builder()
        .hosts(["db.example.com"])
        .credential(Credential::plain().password("ldappassword"))
        .tls(Tls::enabled())
        .build();
}
