//! Builds a configuration per mechanism with the typestate builders and prints each (secrets
//! redacted). Combinations that cannot authenticate do not compile; see `ui-tests/builder-fail/`.
//!
//! ```text
//! cargo run --example builder
//! ```

use mongo_auth::rulebook::Canonicalize;
use mongo_auth::{Auth, ClientConfig, ConfigError, Tls};

fn main() -> Result<(), ConfigError> {
    // the password would come from the environment or a secret store
    let secret = std::env::var("MONGO_PASSWORD").unwrap_or_else(|_| "demo-password".to_owned());

    let configs = [
        // SCRAM-SHA-256, a user in `admin`, TLS with the system roots
        ClientConfig::builder()
            .hosts(["db1.example.com", "db2.example.com:27018"])
            .credential(
                Auth::scram_sha_256()
                    .username("app")
                    .password(secret.as_str())
                    .source("admin"),
            )
            .tls(Tls::enabled())
            .app_name("inventory")
            .build()?,
        // SCRAM-SHA-1 with the user in another database
        ClientConfig::builder()
            .hosts(["example.com"])
            .credential(
                Auth::scram_sha_1()
                    .username("user")
                    .password(secret.as_str())
                    .source("the_database"),
            )
            .build()?,
        // no mechanism: SCRAM negotiated with the server
        ClientConfig::builder()
            .hosts(["example.com"])
            .credential(Auth::scram().username("user").password(secret.as_str()))
            .build()?,
        // MONGODB-CR for a server before 4.0
        ClientConfig::builder()
            .hosts(["legacy.example.com"])
            .credential(
                Auth::mongodb_cr()
                    .username("user")
                    .password(secret.as_str()),
            )
            .build()?,
        // MONGODB-X509: no password, no source; TLS with a client certificate is required
        ClientConfig::builder()
            .hosts(["example.com"])
            .credential(Auth::x509())
            .tls(
                Tls::enabled()
                    .client_cert("/path/to/client.pem")
                    .ca_file("/path/to/ca.pem"),
            )
            .build()?,
        // GSSAPI (Kerberos): the source is always $external
        ClientConfig::builder()
            .hosts(["example.com"])
            .credential(
                Auth::gssapi("mongodbuser@EXAMPLE.COM")
                    .service_name("myservicename")
                    .canonicalize_host_name(Canonicalize::ForwardAndReverse)
                    .service_realm("otherrealm"),
            )
            .build()?,
        // PLAIN (LDAP): the password travels in clear inside the connection, so TLS is required
        ClientConfig::builder()
            .hosts(["example.com"])
            .credential(Auth::plain().username("ldapuser").password(secret.as_str()))
            .tls(Tls::enabled().ca_file("/path/to/ca.pem"))
            .build()?,
        // a credential whose password is supplied later on the builder
        ClientConfig::builder()
            .srv("cluster0.example.com")
            .credential(Auth::scram_sha_256().username("app"))
            .password(secret.as_str())
            .build()?,
    ];

    for config in &configs {
        println!("{config}");
    }
    println!("\n{:#?}", configs[0]);

    // what the types cannot say is checked at run time, with the rulebook's message
    let error = ClientConfig::builder()
        .hosts(["db.example.com:0"])
        .credential(Auth::scram_sha_256().username("").password(secret.as_str()))
        .build()
        .unwrap_err();
    println!("\nrefused: {error}");
    Ok(())
}
