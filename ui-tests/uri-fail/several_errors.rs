// All the problems of one literal are reported together, each on its own part of the literal.
use mongo_auth::mongo_uri;

fn main() {
    let _ = mongo_uri!("mongodb://alice%zz:pw@localhost:0/?tls=true&ssl=false&replicaSett=rs0");
}
