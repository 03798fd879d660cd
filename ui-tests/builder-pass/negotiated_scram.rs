// PyMongo's guide, default mechanism: no mechanism given, SCRAM negotiated with the server.
//   MongoClient('example.com', username='user', password='password')
use mongo_auth::{Auth, ClientConfig};

pub(crate) fn main() {
    let config = ClientConfig::builder()
        .hosts(["example.com"])
        .credential(Auth::scram().username("user").password("password"))
        .build()
        .unwrap();
    let credential = config.credential().unwrap();
    assert_eq!(credential.mechanism, None);
    assert_eq!(credential.source, "admin");
}
