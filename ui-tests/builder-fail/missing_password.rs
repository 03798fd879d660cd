// SCRAM, MONGODB-CR and PLAIN prove the user's password: no `build()` without one.
use mongo_auth::{ClientConfig, Credential, Tls};

fn main() {
    let _ = ClientConfig::builder()
        .hosts(["db.example.com"])
        .credential(
            Credential::scram_sha_1()
                .username("user")
                .source("the_database"),
        )
        .build();

    let _ = ClientConfig::builder()
        .hosts(["db.example.com"])
        .credential(Credential::scram().username("user"))
        .build();

    let _ = ClientConfig::builder()
        .hosts(["db.example.com"])
        .credential(Credential::mongodb_cr().username("user"))
        .build();

    let _ = ClientConfig::builder()
        .hosts(["db.example.com"])
        .credential(Credential::plain().username("ldapuser"))
        .tls(Tls::enabled())
        .build();
}
