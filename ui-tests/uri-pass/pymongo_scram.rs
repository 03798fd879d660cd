// PyMongo's authentication guide, SCRAM and MONGODB-CR examples, as literals: each is a complete
// `ClientConfig` at compile time, with the credential the guide describes.
use mongo_auth::{ClientConfig, Mechanism, mongo_uri};

pub(crate) fn main() {
    // percent-escaped password; no mechanism: SCRAM negotiated with the server, source `admin`
    let config: ClientConfig = mongo_uri!("mongodb://user:pass%2Fword@127.0.0.1");
    let credential = config.credential().unwrap();
    assert_eq!(credential.username.as_deref(), Some("user"));
    assert_eq!(
        credential.password.as_ref().unwrap().expose_secret(),
        "pass/word"
    );
    assert_eq!(credential.source, "admin");
    assert_eq!(credential.mechanism, None);
    assert_eq!(config.hosts()[0].host, "127.0.0.1");

    // default database vs authSource: the credential is checked against `admin`
    let config = mongo_uri!("mongodb://user:password@example.com/default_db?authSource=admin");
    assert_eq!(config.credential().unwrap().source, "admin");

    // SCRAM-SHA-1 against the path database
    let config =
        mongo_uri!("mongodb://user:password@example.com/the_database?authMechanism=SCRAM-SHA-1");
    let credential = config.credential().unwrap();
    assert_eq!(credential.mechanism, Some(Mechanism::ScramSha1));
    assert_eq!(credential.source, "the_database");

    // MONGODB-CR, for servers before 4.0
    let config = mongo_uri!(
        "mongodb://user:password@example.com/?authSource=the_database&authMechanism=MONGODB-CR"
    );
    let credential = config.credential().unwrap();
    assert_eq!(credential.mechanism, Some(Mechanism::MongodbCr));
    assert_eq!(credential.source, "the_database");

    // SCRAM-SHA-256, added since
    let config = mongo_uri!("mongodb://user:password@example.com/?authMechanism=SCRAM-SHA-256");
    assert_eq!(
        config.credential().unwrap().mechanism,
        Some(Mechanism::ScramSha256)
    );
}
