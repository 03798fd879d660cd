// SCRAM, MONGODB-CR and PLAIN prove the user's password: no `build()` without one.
use mongo_auth::{Auth, ClientConfig, Tls};

fn main() {
    let _ = ClientConfig::builder()
        .hosts(["db.example.com"])
        .credential(
            Auth::scram_sha_1()
                .username("user")
                .source("the_database"),
        )
        .build();

    let _ = ClientConfig::builder()
        .hosts(["db.example.com"])
        .credential(Auth::scram().username("user"))
        .build();

    let _ = ClientConfig::builder()
        .hosts(["db.example.com"])
        .credential(Auth::mongodb_cr().username("user"))
        .build();

    let _ = ClientConfig::builder()
        .hosts(["db.example.com"])
        .credential(Auth::plain().username("ldapuser"))
        .tls(Tls::enabled())
        .build();
}
