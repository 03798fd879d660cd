// Hosts: at least one, no empty entries, ports in 1..=65535, socket paths percent-encoded,
// `mongodb+srv` with exactly one host and no port.
use mongo_auth::mongo_uri;

fn main() {
    let _ = mongo_uri!("mongodb://");
    let _ = mongo_uri!("mongodb://db1.example.com,,db2.example.com");
    let _ = mongo_uri!("mongodb://localhost:0");
    let _ = mongo_uri!("mongodb://localhost:65536");
    let _ = mongo_uri!("mongodb://localhost:port");
    let _ = mongo_uri!("mongodb://[::1]::27017");
    let _ = mongo_uri!("mongodb:///tmp/mongodb-27017.sock");
    let _ = mongo_uri!("mongodb+srv://cluster0.example.com:27017");
    let _ = mongo_uri!("mongodb+srv://a.example.com,b.example.com");
}
