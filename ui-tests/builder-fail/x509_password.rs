// MONGODB-X509 takes no password: the client certificate is the credential.
use mongo_auth::{Auth, ClientConfig, Tls};

fn main() {
    let _ = Auth::x509().password("pencil");

    // nor can one be added on the builder
    let _ = ClientConfig::builder()
        .hosts(["db.example.com"])
        .credential(Auth::x509())
        .tls(Tls::enabled().client_cert("client.pem"))
        .password(String::from("pencil"));
}
