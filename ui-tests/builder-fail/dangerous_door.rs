// The switches that weaken safety are behind `.dangerous()`; they are not on the builders themselves.
use mongo_auth::{Auth, ClientConfig, Tls};

fn main() {
    let _ = Tls::enabled().allow_invalid_certificates();
    let _ = ClientConfig::builder()
        .credential(Auth::plain().username("u").password("p"))
        .allow_plain_password_without_tls();
    // the PLAIN opt-in is for a configuration without TLS: with TLS there is nothing to allow
    let _ = ClientConfig::builder()
        .tls(Tls::enabled())
        .dangerous()
        .allow_plain_password_without_tls();
}
