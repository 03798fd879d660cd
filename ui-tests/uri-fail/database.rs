// The database path: no `/ \ space " $` once decoded (`$external` is chosen with authSource).
use mongo_auth::mongo_uri;

fn main() {
    let _ = mongo_uri!("mongodb://user:password@localhost/$external");
    let _ = mongo_uri!("mongodb://localhost/my%20db");
    let _ = mongo_uri!("mongodb://localhost/my%22db");
    let _ = mongo_uri!("mongodb://localhost/my%5Cdb");
    let _ = mongo_uri!("mongodb://localhost/a%2Fb");
}
