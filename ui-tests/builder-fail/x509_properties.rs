// MONGODB-X509 takes no mechanism properties.
use mongo_auth::Credential;
use mongo_auth::core::Canonicalize;

fn main() {
    let _ = Credential::x509().service_name("mongodb");
    let _ = Credential::x509().canonicalize_host_name(Canonicalize::Forward);
}
