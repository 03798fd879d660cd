// GSSAPI's source is `$external`, always.
use mongo_auth::Credential;

fn main() {
    let _ = Credential::gssapi("mongodbuser@EXAMPLE.COM").source("admin");
}
