// What a literal leaves out, the type demands: a password, or MONGODB-X509's client certificate.
use mongo_auth::{ConfigError, Mechanism, Tls, mongo_uri};

pub(crate) fn main() -> Result<(), ConfigError> {
    let secret = String::from("pencil"); // e.g. std::env::var("MONGO_PASSWORD")

    let config = mongo_uri!("mongodb://app@db.example.com/shop?authMechanism=SCRAM-SHA-256")
        .password(secret.clone())
        .build()?;
    let credential = config.credential().unwrap();
    assert_eq!(credential.source, "shop");
    assert_eq!(
        credential.password.as_ref().unwrap().expose_secret(),
        "pencil"
    );

    // negotiated SCRAM, MONGODB-CR and PLAIN (over TLS) leave the password to code the same way
    let config = mongo_uri!("mongodb://app@db.example.com")
        .password(secret.clone())
        .build()?;
    assert_eq!(config.credential().unwrap().mechanism, None);
    let config = mongo_uri!("mongodb://app@db.example.com/?authMechanism=MONGODB-CR")
        .password(secret.clone())
        .build()?;
    assert_eq!(
        config.credential().unwrap().mechanism,
        Some(Mechanism::MongodbCr)
    );
    let config = mongo_uri!("mongodb://ldapuser@ldap.example.com/?authMechanism=PLAIN&tls=true")
        .password(secret)
        .build()?;
    assert_eq!(config.credential().unwrap().source, "$external");

    // MONGODB-X509 without a certificate in the literal: TLS with one is supplied in code
    let config = mongo_uri!("mongodb://db.example.com/?authMechanism=MONGODB-X509")
        .tls(Tls::enabled().client_cert("client.pem").ca_file("ca.pem"))
        .build()?;
    assert_eq!(config.credential().unwrap().source, "$external");
    assert!(config.tls().unwrap().certificate_file().is_some());
    Ok(())
}
