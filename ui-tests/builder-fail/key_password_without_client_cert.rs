// A key password belongs to a client certificate's key: TLS without a certificate has none.
use mongo_auth::Tls;

fn main() {
    let _ = Tls::enabled().ca_file("ca.pem").key_password("secret");
}
