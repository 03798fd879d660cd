// PLAIN sends the password in clear: TLS, or an explicit opt-in that says so.
use mongo_auth::{Auth, ClientConfig};

fn main() {
    let _ = ClientConfig::builder()
        .hosts(["ldap.example.com"])
        .credential(
            Auth::plain()
                .username("ldapuser")
                .password("ldappassword"),
        )
        .build();
}
