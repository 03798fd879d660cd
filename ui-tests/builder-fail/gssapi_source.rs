// GSSAPI's source is `$external`, always.
use mongo_auth::Auth;

fn main() {
    let _ = Auth::gssapi("mongodbuser@EXAMPLE.COM").source("admin");
}
