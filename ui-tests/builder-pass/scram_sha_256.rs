// SCRAM-SHA-256, the password given after the username or before it.
use mongo_auth::{Auth, ClientConfig, Mechanism};

pub(crate) fn main() {
    let secret = String::from("pencil"); // e.g. std::env::var("MONGO_PASSWORD")?
    let config = ClientConfig::builder()
        .hosts(["db.example.com"])
        .credential(
            Auth::scram_sha_256()
                .username("app")
                .password(secret)
                .source("admin"),
        )
        .build()
        .unwrap();
    assert_eq!(
        config.credential().unwrap().mechanism,
        Some(Mechanism::ScramSha256)
    );

    // a borrowed String works as well
    let borrowed = String::from("pencil");
    let config = ClientConfig::builder()
        .hosts(["db.example.com"])
        .credential(Auth::scram_sha_256().password(&borrowed).username("app"))
        .build()
        .unwrap();
    assert_eq!(config.credential().unwrap().source, "admin");
}
