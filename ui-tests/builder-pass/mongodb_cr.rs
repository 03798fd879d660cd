// PyMongo's guide: MONGODB-CR.
//   MongoClient('example.com', username='user', password='password', authMechanism='MONGODB-CR')
use mongo_auth::{Auth, ClientConfig, Mechanism};

pub(crate) fn main() {
    let config = ClientConfig::builder()
        .hosts(["example.com"])
        .credential(Auth::mongodb_cr().username("user").password("password"))
        .build()
        .unwrap();
    assert_eq!(
        config.credential().unwrap().mechanism,
        Some(Mechanism::MongodbCr)
    );
}
