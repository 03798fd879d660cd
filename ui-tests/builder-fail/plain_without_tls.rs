// PLAIN sends the password in clear: TLS, or an explicit opt-in that says so.
use mongo_auth::{ClientConfig, Credential};

fn main() {
    let _ = ClientConfig::builder()
        .hosts(["ldap.example.com"])
        .credential(
            Credential::plain()
                .username("ldapuser")
                .password("ldappassword"),
        )
        .build();
}
