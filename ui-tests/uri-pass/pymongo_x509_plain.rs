// PyMongo's authentication guide, MONGODB-X509 and PLAIN (LDAP) examples, as literals.
use mongo_auth::{Mechanism, mongo_uri};

pub(crate) fn main() {
    // X509: the client certificate is the credential; the CA file verifies the server
    let config = mongo_uri!(
        "mongodb://example.com/?authMechanism=MONGODB-X509&tls=true&tlsCertificateKeyFile=/path/to/client.pem&tlsCAFile=/path/to/ca.pem"
    );
    let credential = config.credential().unwrap();
    assert_eq!(credential.mechanism, Some(Mechanism::MongodbX509));
    assert_eq!(credential.source, "$external");
    assert_eq!(credential.username, None);
    let tls = config.tls().unwrap();
    assert_eq!(
        tls.certificate_file().unwrap().to_str(),
        Some("/path/to/client.pem")
    );
    assert_eq!(tls.ca_file().unwrap().to_str(), Some("/path/to/ca.pem"));

    // X509 with the certificate subject as the user name
    let config = mongo_uri!(
        "mongodb://CN%3Dclient%2COU%3DKernelUser%2CO%3DMongoDB@example.com/?authMechanism=MONGODB-X509&tls=true&tlsCertificateKeyFile=client.pem"
    );
    assert_eq!(
        config.credential().unwrap().username.as_deref(),
        Some("CN=client,OU=KernelUser,O=MongoDB")
    );

    // PLAIN against LDAP through $external, over TLS
    let config = mongo_uri!(
        "mongodb://user:password@example.com/?authMechanism=PLAIN&authSource=$external&tls=true"
    );
    let credential = config.credential().unwrap();
    assert_eq!(credential.mechanism, Some(Mechanism::Plain));
    assert_eq!(credential.source, "$external");
    assert!(config.tls().is_some());
}
