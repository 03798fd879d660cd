// Sources: the `$external` mechanisms take no other authSource.
use mongo_auth::mongo_uri;

fn main() {
    let _ =
        mongo_uri!("mongodb://user%40EXAMPLE.COM@localhost/?authMechanism=GSSAPI&authSource=admin");
    let _ = mongo_uri!(
        "mongodb://localhost/?authMechanism=MONGODB-X509&authSource=admin&tls=true&tlsCertificateKeyFile=client.pem"
    );
}
