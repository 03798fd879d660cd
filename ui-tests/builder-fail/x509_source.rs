// MONGODB-X509 always authenticates against `$external`: there is no source to set.
use mongo_auth::Credential;

fn main() {
    let _ = Credential::x509().source("admin");
}
