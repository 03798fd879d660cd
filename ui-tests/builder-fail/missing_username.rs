// SCRAM, MONGODB-CR and PLAIN authenticate a named user: no `build()` without a username.
use mongo_auth::{Auth, ClientConfig, Tls};

fn main() {
    let _ = ClientConfig::builder()
        .hosts(["db.example.com"])
        .credential(Auth::scram_sha_256().password("pencil"))
        .build();

    let _ = ClientConfig::builder()
        .hosts(["db.example.com"])
        .credential(Auth::mongodb_cr().password("pencil"))
        .build();

    let _ = ClientConfig::builder()
        .hosts(["db.example.com"])
        .credential(Auth::plain().password("ldappassword"))
        .tls(Tls::enabled())
        .build();
}
