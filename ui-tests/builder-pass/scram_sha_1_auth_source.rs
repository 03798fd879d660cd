// PyMongo's guide: SCRAM-SHA-1 with a user in `the_database`.
//   MongoClient('example.com', username='user', password='password',
//               authSource='the_database', authMechanism='SCRAM-SHA-1')
use mongo_auth::{Auth, ClientConfig, Mechanism};

pub(crate) fn main() {
    let config = ClientConfig::builder()
        .hosts(["example.com"])
        .credential(
            Auth::scram_sha_1()
                .username("user")
                .password("password")
                .source("the_database"),
        )
        .build()
        .unwrap();
    let credential = config.credential().unwrap();
    assert_eq!(credential.mechanism, Some(Mechanism::ScramSha1));
    assert_eq!(credential.source, "the_database");
}
