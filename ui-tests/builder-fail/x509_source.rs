// MONGODB-X509 always authenticates against `$external`: there is no source to set.
use mongo_auth::Auth;

fn main() {
    let _ = Auth::x509().source("admin");
}
