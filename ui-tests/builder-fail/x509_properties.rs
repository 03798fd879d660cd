// MONGODB-X509 takes no mechanism properties.
use mongo_auth::Auth;
use mongo_auth::rulebook::Canonicalize;

fn main() {
    let _ = Auth::x509().service_name("mongodb");
    let _ = Auth::x509().canonicalize_host_name(Canonicalize::Forward);
}
