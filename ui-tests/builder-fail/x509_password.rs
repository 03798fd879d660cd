// MONGODB-X509 takes no password: the client certificate is the credential.
use mongo_auth::{ClientConfig, Credential, Tls};

fn main() {
    let _ = Credential::x509().password("pencil");

    // nor can one be added on the builder
    let _ = ClientConfig::builder()
        .hosts(["db.example.com"])
        .credential(Credential::x509())
        .tls(Tls::client_cert("client.pem"))
        .password(String::from("pencil"));
}
