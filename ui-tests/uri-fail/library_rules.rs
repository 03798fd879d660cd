// The library's own rules, stricter than the spec: MONGODB-X509 and PLAIN need TLS, TLS needs a host
// that is not a Unix socket, and a SASL credential holds no NUL.
use mongo_auth::mongo_uri;

fn main() {
    // a client certificate without TLS
    let _ = mongo_uri!(
        "mongodb://localhost/?authMechanism=MONGODB-X509&tlsCertificateKeyFile=client.pem"
    );
    // TLS turned off explicitly
    let _ = mongo_uri!("mongodb://localhost/?authMechanism=MONGODB-X509&tls=false");
    // PLAIN would send the password in clear
    let _ =
        mongo_uri!("mongodb://user:password@localhost/?authMechanism=PLAIN&authSource=$external");
    // the certificate is left to code, whose `.tls(…)` would replace the literal's CA file
    let _ = mongo_uri!("mongodb://localhost/?authMechanism=MONGODB-X509&tls=true&tlsCAFile=ca.pem");
    // a Unix socket connection is not TLS-wrapped: TLS settings would be ignored
    let _ = mongo_uri!("mongodb://%2Ftmp%2Fmongodb-27017.sock/?tls=true");
    // a NUL cannot travel in a SASL conversation
    let _ = mongo_uri!("mongodb://user:pass%00word@localhost/?authMechanism=SCRAM-SHA-256");
}
