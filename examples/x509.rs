//! MONGODB-X509, as in PyMongo's authentication guide:
//!
//! ```python
//! client = MongoClient('example.com',
//!                      username="<X.509 derived username>",
//!                      authMechanism="MONGODB-X509",
//!                      tls=True,
//!                      tlsCertificateKeyFile='/path/to/client.pem',
//!                      tlsCAFile='/path/to/ca.pem')
//! ```
//!
//! Run it against your server with a URI:
//!
//! ```text
//! cargo run --example x509 -- 'mongodb://example.com/?tls=true&tlsCAFile=/path/to/ca.pem&tlsCertificateKeyFile=/path/to/client.pem&authMechanism=MONGODB-X509'
//! ```
//!
//! or with no argument: it then generates a test CA and certificates, starts the conformance server
//! on 127.0.0.1 over TLS (client certificates required) and authenticates to it, once with the
//! builder and once with a URI string.

use bson::doc;
use mongo_auth::{Auth, ClientConfig, Tls};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

#[tokio::main]
async fn main() -> Result<()> {
    match std::env::args().nth(1) {
        Some(uri) => {
            let config: ClientConfig = uri.parse()?;
            authenticate(&config).await
        }
        None => against_the_conformance_server().await,
    }
}

/// Connects, authenticates and shows who the server says we are.
async fn authenticate(config: &ClientConfig) -> Result<()> {
    let mut connection = mongo_auth::connect(config).await?;
    println!(
        "authenticated to {} as {:?} with {:?} in {} round trip(s)",
        connection.host(),
        connection.authenticated_user().unwrap_or("?"),
        connection.authenticated_mechanism(),
        connection.handshake_round_trips(),
    );
    let status = connection
        .run_command("admin", doc! { "connectionStatus": 1 })
        .await?;
    let users = status
        .get_document("authInfo")
        .and_then(|info| info.get_array("authenticatedUsers"))
        .map(|users| {
            users
                .iter()
                .filter_map(|user| user.as_document())
                .map(|user| {
                    let name = user.get_str("user").unwrap_or("?");
                    format!("{name}@{}", user.get_str("db").unwrap_or("?"))
                })
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    println!("connectionStatus: authenticated users {users:?}");
    Ok(())
}

async fn against_the_conformance_server() -> Result<()> {
    use mongo_auth_test_server::certs::TestPki;
    use mongo_auth_test_server::tls::{ClientAuth, TlsOptions};
    use mongo_auth_test_server::{Server, ServerConfig, User};

    let pki = TestPki::generate_temporary()?;
    println!("test PKI in {}", pki.dir.display());

    // The "X.509 derived username": the client certificate's subject in RFC 2253 form, as
    // `openssl x509 -in client.pem -noout -subject -nameopt RFC2253` prints it.
    let subject = mongo_auth::tls::certificate_subject(&pki.client.pem)?;
    println!("client certificate subject: {subject}");

    let server = Server::start(ServerConfig::new().user(User::x509(subject.clone())).tls(
        TlsOptions::new(&pki.server.pem).client_auth(ClientAuth::Required { ca: pki.ca.clone() }),
    ))
    .await?;
    println!(
        "conformance server on {} (TLS, client certificates required)",
        server.addr()
    );

    // 1. The builder. The user name is optional: the server takes it from the certificate.
    let config = ClientConfig::builder()
        .host(format!("localhost:{}", server.addr().port()))
        .credential(Auth::x509().username(subject.as_str()))
        .tls(Tls::enabled().client_cert(&pki.client.pem).ca_file(&pki.ca))
        .build()?;
    authenticate(&config).await?;

    // 2. The same as a connection string, without the user name.
    let uri = format!(
        "mongodb://localhost:{}/?tls=true&tlsCAFile={}&tlsCertificateKeyFile={}&authMechanism=MONGODB-X509",
        server.addr().port(),
        pki.ca.display(),
        pki.client.pem.display(),
    );
    println!("{uri}");
    let config: ClientConfig = uri.parse()?;
    authenticate(&config).await?;

    server.shutdown().await;
    Ok(())
}
