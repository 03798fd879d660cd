// Option keys and values: what a run-time parse only warns about is an error in a literal.
use mongo_auth::mongo_uri;

fn main() {
    // unknown option, with the closest known key suggested
    let _ = mongo_uri!("mongodb://localhost/?authMechansim=SCRAM-SHA-256");
    // wrong type and out of range values
    let _ = mongo_uri!("mongodb://localhost/?tls=yes-please");
    let _ = mongo_uri!("mongodb://localhost/?connectTimeoutMS=-5");
    let _ = mongo_uri!("mongodb://localhost/?maxPoolSize=lots");
    // a pair without `=`
    let _ = mongo_uri!("mongodb://localhost/?w");
    // a repeated key
    let _ = mongo_uri!("mongodb://localhost/?replicaSet=rs0&replicaSet=rs1");
    // a deprecated name
    let _ = mongo_uri!("mongodb://localhost/?tls=true&ssl_ca_certs=ca.pem");
    // an empty authSource
    let _ = mongo_uri!("mongodb://user:password@localhost/?authSource=");
}
