// The macro takes one plain string literal: its value must be known when the code compiles.
use mongo_auth::mongo_uri;

const URI: &str = "mongodb://localhost";

fn main() {
    let _ = mongo_uri!(URI);
    let _ = mongo_uri!(concat!("mongodb://", "localhost"));
    let _ = mongo_uri!("mongodb://a", "mongodb://b");
    let _ = mongo_uri!("localhost:27017");
}
