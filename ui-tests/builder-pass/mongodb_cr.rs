// PyMongo's guide: MONGODB-CR.
//   MongoClient('example.com', username='user', password='password', authMechanism='MONGODB-CR')
use mongo_auth::{ClientConfig, Credential, Mechanism};

pub(crate) fn main() {
    let config = ClientConfig::builder()
        .hosts(["example.com"])
        .credential(
            Credential::mongodb_cr()
                .username("user")
                .password("password"),
        )
        .build()
        .unwrap();
    assert_eq!(
        config.credential().unwrap().mechanism,
        Some(Mechanism::MongodbCr)
    );
}
