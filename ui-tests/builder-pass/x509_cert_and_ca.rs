// PyMongo's guide: MONGODB-X509 with a client certificate and a CA.
//   MongoClient('example.com', authMechanism='MONGODB-X509', tls=True,
//               tlsCertificateKeyFile='/path/to/client.pem', tlsCAFile='/path/to/ca.pem')
use mongo_auth::{Auth, ClientConfig, Mechanism, Tls};

pub(crate) fn main() {
    let config = ClientConfig::builder()
        .hosts(["example.com"])
        .credential(Auth::x509())
        .tls(
            Tls::enabled()
                .client_cert("/path/to/client.pem")
                .ca_file("/path/to/ca.pem"),
        )
        .build()
        .unwrap();
    let credential = config.credential().unwrap();
    assert_eq!(credential.mechanism, Some(Mechanism::MongodbX509));
    assert_eq!(credential.source, "$external");

    // with the subject given, a key in its own file, and the TLS set before the credential
    let config = ClientConfig::builder()
        .hosts(["example.com"])
        .tls(
            Tls::enabled()
                .ca_file("ca.pem")
                .client_cert_and_key("client.crt", "client.key")
                .key_password("pw"),
        )
        .credential(
            Auth::x509()
                .username("CN=client,OU=kerneluser,O=10Gen,L=New York City,ST=New York,C=US"),
        )
        .build()
        .unwrap();
    assert!(config.tls().unwrap().has_key_password());
}
