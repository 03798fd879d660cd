// GSSAPI authenticates a Kerberos principal: there is no GSSAPI credential without one.
use mongo_auth::Credential;

fn main() {
    let _ = Credential::gssapi().service_name("myservicename");
}
