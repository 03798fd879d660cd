// Each mechanism's required and forbidden fields.
use mongo_auth::mongo_uri;

fn main() {
    // an unknown mechanism
    let _ = mongo_uri!("mongodb://user:password@localhost/?authMechanism=SCRAM-SHA-512");
    // SCRAM, MONGODB-CR, PLAIN and GSSAPI need a user name
    let _ = mongo_uri!("mongodb://localhost/?authMechanism=SCRAM-SHA-256");
    let _ = mongo_uri!("mongodb://:password@localhost/?authMechanism=SCRAM-SHA-1");
    let _ = mongo_uri!("mongodb://localhost/?authMechanism=MONGODB-CR");
    let _ = mongo_uri!("mongodb://localhost/?authMechanism=PLAIN&tls=true");
    let _ = mongo_uri!("mongodb://localhost/?authMechanism=GSSAPI");
    // MONGODB-X509 takes no password: the certificate is the credential
    let _ = mongo_uri!(
        "mongodb://CN=client:secret@localhost/?authMechanism=MONGODB-X509&tls=true&tlsCertificateKeyFile=client.pem"
    );
    // a userinfo `@` with nothing in it still asks for authentication
    let _ = mongo_uri!("mongodb://@localhost");
}
