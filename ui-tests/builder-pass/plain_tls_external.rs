// PyMongo's guide: SASL PLAIN (LDAP) over TLS, the user in `$external`.
//   MongoClient('example.com', username='user', password='password',
//               authMechanism='PLAIN', authSource='$external', tls=True)
use mongo_auth::{Auth, ClientConfig, Mechanism, Tls};

pub(crate) fn main() {
    let config = ClientConfig::builder()
        .hosts(["example.com"])
        .credential(
            Auth::plain()
                .username("user")
                .password("password")
                .source("$external"),
        )
        .tls(Tls::enabled())
        .build()
        .unwrap();
    let credential = config.credential().unwrap();
    assert_eq!(credential.mechanism, Some(Mechanism::Plain));
    assert_eq!(credential.source, "$external");

    // mongodb+srv implies TLS, so PLAIN is fine there too
    let config = ClientConfig::builder()
        .srv("cluster0.example.com")
        .credential(Auth::plain().username("user").password("password"))
        .build()
        .unwrap();
    assert!(config.is_srv());
}
