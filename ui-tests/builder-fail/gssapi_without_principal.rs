// GSSAPI authenticates a Kerberos principal: there is no GSSAPI credential without one.
use mongo_auth::Auth;

fn main() {
    let _ = Auth::gssapi().service_name("myservicename");
}
