//! TLS end to end: our connector against the conformance server's TLS listener, with the generated
//! test PKI — trust, expiry, host names, revocation, the dangerous switches, client certificates and
//! the RFC 2253 subject the server derives from them.

use std::sync::Arc;

use mongo_auth::Tls;
use mongo_auth::tls::{CertificateProblem, TlsConnector, TlsError};
use mongo_auth_test_server::certs::{
    CLIENT_SUBJECT, ESCAPED_CLIENT_SUBJECT, KEY_PASSWORD, TestPki,
};
use mongo_auth_test_server::tls::{ClientAuth, TlsOptions, accept};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// A TLS listener on 127.0.0.1 that answers each connection with the client certificate's subject
/// (or `-` without one) and a newline.
async fn subject_echo(options: TlsOptions) -> std::net::SocketAddr {
    let acceptor = options.acceptor().expect("server TLS configuration");
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                return;
            };
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                if let Ok((mut tls, subject)) = accept(&acceptor, tcp).await {
                    let line = format!("{}\n", subject.as_deref().unwrap_or("-"));
                    let _ = tls.write_all(line.as_bytes()).await;
                    let _ = tls.shutdown().await;
                }
            });
        }
    });
    address
}

/// Connects with `tls` to `host` (TCP to `address`) and returns the subject the server saw.
async fn subject_seen(
    address: std::net::SocketAddr,
    host: &str,
    tls: impl Into<mongo_auth::TlsSettings>,
) -> Result<String, TlsError> {
    let connector = TlsConnector::new(&tls.into())?;
    let tcp = TcpStream::connect(address).await.unwrap();
    let stream = connector.connect(host, tcp).await?;
    // With TLS 1.3 the server's verdict on our certificate arrives after our side of the handshake.
    let mut line = String::new();
    match BufReader::new(stream).read_line(&mut line).await {
        Ok(0) => Err(connector.describe_io_error(
            host,
            std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "closed without a reply"),
        )),
        Ok(_) => Ok(line.trim_end().to_owned()),
        Err(e) => Err(connector.describe_io_error(host, e)),
    }
}

fn server(pki: &TestPki) -> TlsOptions {
    TlsOptions::new(&pki.server.pem)
}

/// A subject echo with the good server certificate that asks for a client certificate from the
/// test CA in the way `client_auth` says.
async fn asking_for_client_certificate(
    pki: &TestPki,
    client_auth: fn(std::path::PathBuf) -> ClientAuth,
) -> std::net::SocketAddr {
    subject_echo(server(pki).client_auth(client_auth(pki.ca.clone()))).await
}

fn required(ca: std::path::PathBuf) -> ClientAuth {
    ClientAuth::Required { ca }
}

fn optional(ca: std::path::PathBuf) -> ClientAuth {
    ClientAuth::Optional { ca }
}

/// The subject the server at `address` saw from a connection to `localhost` made with `tls`.
async fn accepted(address: std::net::SocketAddr, tls: mongo_auth::TlsSettings) -> String {
    subject_seen(address, "localhost", tls).await.unwrap()
}

/// Why a connection to `localhost` at `address` made with `tls` failed.
async fn refused(address: std::net::SocketAddr, tls: mongo_auth::TlsSettings) -> TlsError {
    subject_seen(address, "localhost", tls).await.unwrap_err()
}

/// Trusting the test CA.
fn trusting_ca(pki: &TestPki) -> mongo_auth::TlsSettings {
    Tls::enabled().ca_file(&pki.ca).into_settings()
}

/// Trusting the test CA, with `tlsAllowInvalidHostnames`.
fn allowing_invalid_hostnames(pki: &TestPki) -> mongo_auth::TlsSettings {
    Tls::enabled()
        .ca_file(&pki.ca)
        .dangerous()
        .allow_invalid_hostnames()
        .into_settings()
}

/// Trusting the test CA, with `tlsAllowInvalidCertificates`.
fn allowing_invalid_certificates(pki: &TestPki) -> mongo_auth::TlsSettings {
    Tls::enabled()
        .ca_file(&pki.ca)
        .dangerous()
        .allow_invalid_certificates()
        .into_settings()
}

/// The certificate at `address` has `expected` as its problem with `tlsAllowInvalidHostnames`, and
/// is accepted with `tlsAllowInvalidCertificates`.
async fn only_invalid_certificates_forgive(
    pki: &TestPki,
    address: std::net::SocketAddr,
    expected: CertificateProblem,
) {
    let err = refused(address, allowing_invalid_hostnames(pki)).await;
    assert_eq!(problem(&err), &expected);
    assert_eq!(
        accepted(address, allowing_invalid_certificates(pki)).await,
        "-"
    );
}

fn problem(err: &TlsError) -> &CertificateProblem {
    match err {
        TlsError::ServerCertificate { problem, .. } => problem,
        other => panic!("expected a server-certificate error, got {other:?}: {other}"),
    }
}

#[tokio::test]
async fn verified_server_without_client_certificate() {
    let pki = TestPki::generate_temporary().unwrap();
    let address = subject_echo(server(&pki)).await;
    for host in ["localhost", "127.0.0.1"] {
        let seen = subject_seen(address, host, trusting_ca(&pki)).await;
        assert_eq!(seen.unwrap(), "-", "host {host}");
    }
}

#[tokio::test]
async fn server_sees_client_subject() {
    let pki = TestPki::generate_temporary().unwrap();
    let address = asking_for_client_certificate(&pki, required).await;

    let one_file = Tls::enabled().client_cert(&pki.client.pem).ca_file(&pki.ca);
    assert_eq!(
        accepted(address, one_file.into_settings()).await,
        CLIENT_SUBJECT
    );

    let two_files = Tls::enabled()
        .client_cert_and_key(&pki.client.certificate, &pki.client.key)
        .ca_file(&pki.ca);
    assert_eq!(
        accepted(address, two_files.into_settings()).await,
        CLIENT_SUBJECT
    );

    let encrypted = Tls::enabled()
        .client_cert(&pki.client_encrypted.pem)
        .key_password(KEY_PASSWORD)
        .ca_file(&pki.ca);
    assert_eq!(
        accepted(address, encrypted.into_settings()).await,
        CLIENT_SUBJECT
    );

    let escaped = Tls::enabled()
        .client_cert(&pki.client_escaped.pem)
        .ca_file(&pki.ca);
    assert_eq!(
        accepted(address, escaped.into_settings()).await,
        ESCAPED_CLIENT_SUBJECT
    );
    // the helper reads the same subject from the file
    assert_eq!(
        mongo_auth::tls::certificate_subject(&pki.client_escaped.certificate).unwrap(),
        ESCAPED_CLIENT_SUBJECT
    );
}

#[tokio::test]
async fn optional_client_certificate() {
    let pki = TestPki::generate_temporary().unwrap();
    let address = asking_for_client_certificate(&pki, optional).await;
    assert_eq!(accepted(address, trusting_ca(&pki)).await, "-");
    let with_cert = Tls::enabled().client_cert(&pki.client.pem).ca_file(&pki.ca);
    assert_eq!(
        accepted(address, with_cert.into_settings()).await,
        CLIENT_SUBJECT
    );
}

#[tokio::test]
async fn required_client_certificate_missing_or_untrusted() {
    let pki = TestPki::generate_temporary().unwrap();
    let address = asking_for_client_certificate(&pki, required).await;

    let err = refused(address, trusting_ca(&pki)).await;
    assert!(matches!(err, TlsError::Refused { .. }), "{err:?}");
    assert!(
        err.to_string()
            .contains("requires a client certificate (set tlsCertificateKeyFile)"),
        "{err}"
    );

    let untrusted = Tls::enabled()
        .client_cert(&pki.client_other_ca.pem)
        .ca_file(&pki.ca);
    let err = refused(address, untrusted.into_settings()).await;
    assert!(matches!(err, TlsError::Refused { .. }), "{err:?}");
    let message = err.to_string();
    assert!(
        message.contains("does not accept the client certificate"),
        "{message}"
    );
    assert!(message.contains("client-other-ca.pem"), "{message}");
}

#[tokio::test]
async fn wrong_ca_is_rejected_and_named() {
    let pki = TestPki::generate_temporary().unwrap();
    let address = subject_echo(server(&pki)).await;
    let err = refused(
        address,
        Tls::enabled().ca_file(&pki.other_ca).into_settings(),
    )
    .await;
    assert_eq!(problem(&err), &CertificateProblem::UnknownIssuer);
    let message = err.to_string();
    assert!(
        message.contains("not signed by a trusted certificate authority"),
        "{message}"
    );
    assert!(message.contains("tlsCAFile"), "{message}");
    // the bundled public roots do not trust the test CA either
    let err = refused(address, Tls::enabled().into_settings()).await;
    assert_eq!(problem(&err), &CertificateProblem::UnknownIssuer);
}

#[tokio::test]
async fn expired_server_certificate() {
    let pki = TestPki::generate_temporary().unwrap();
    let address = subject_echo(TlsOptions::new(&pki.server_expired.pem)).await;
    let err = refused(address, trusting_ca(&pki)).await;
    assert_eq!(problem(&err), &CertificateProblem::Expired);
    assert!(err.to_string().contains("has expired"), "{err}");

    // allowing invalid host names does not forgive expiry
    only_invalid_certificates_forgive(&pki, address, CertificateProblem::Expired).await;
}

#[tokio::test]
async fn wrong_host_name() {
    let pki = TestPki::generate_temporary().unwrap();
    let address = subject_echo(TlsOptions::new(&pki.server_wrong_host.pem)).await;
    let err = refused(address, trusting_ca(&pki)).await;
    assert!(
        matches!(problem(&err), CertificateProblem::WrongHost { .. }),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(message.contains("tlsAllowInvalidHostnames"), "{message}");
    assert!(message.contains("db.invalid"), "{message}");

    assert_eq!(
        accepted(address, allowing_invalid_hostnames(&pki)).await,
        "-"
    );
    let seen = subject_seen(address, "127.0.0.1", allowing_invalid_certificates(&pki)).await;
    assert_eq!(seen.unwrap(), "-");
}

#[tokio::test]
async fn allow_invalid_hostnames_still_checks_the_chain() {
    let pki = TestPki::generate_temporary().unwrap();
    // a server certificate for the right names from a CA the client does not trust
    let address = subject_echo(TlsOptions::new(&pki.server_other_ca.pem)).await;
    // only allowing invalid certificates lets it through
    only_invalid_certificates_forgive(&pki, address, CertificateProblem::UnknownIssuer).await;
}

#[tokio::test]
async fn revoked_server_certificate() {
    let pki = TestPki::generate_temporary().unwrap();
    let revoked = subject_echo(TlsOptions::new(&pki.server_revoked.pem)).await;
    let good = subject_echo(server(&pki)).await;

    let with_crl = || Tls::enabled().ca_file(&pki.ca).crl_file(&pki.crl);
    let err = refused(revoked, with_crl().into_settings()).await;
    assert_eq!(problem(&err), &CertificateProblem::Revoked);
    assert!(err.to_string().contains("tlsCRLFile"), "{err}");
    let hostnames = with_crl().dangerous().allow_invalid_hostnames();
    let err = refused(revoked, hostnames.into_settings()).await;
    assert_eq!(problem(&err), &CertificateProblem::Revoked);

    assert_eq!(accepted(good, with_crl().into_settings()).await, "-");
    // without the CRL the revoked certificate is accepted: the CRL is what rejected it
    assert_eq!(accepted(revoked, trusting_ca(&pki)).await, "-");
}

#[tokio::test]
async fn an_expired_crl_is_refused_not_silently_used() {
    let pki = TestPki::generate_temporary().unwrap();
    let good = subject_echo(server(&pki)).await;
    let expired = Tls::enabled().ca_file(&pki.ca).crl_file(&pki.crl_expired);
    let err = refused(good, expired.into_settings()).await;
    assert_eq!(problem(&err), &CertificateProblem::ExpiredCrl);
    assert!(err.to_string().contains("tlsCRLFile"), "{err}");
}

#[tokio::test]
async fn connector_is_shared_by_connections() {
    let pki = TestPki::generate_temporary().unwrap();
    let address = asking_for_client_certificate(&pki, required).await;
    let settings = Tls::enabled()
        .client_cert(&pki.client_encrypted.pem)
        .key_password(KEY_PASSWORD)
        .ca_file(&pki.ca)
        .into_settings();
    let connector = Arc::new(TlsConnector::new(&settings).unwrap());
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let connector = connector.clone();
        tasks.push(tokio::spawn(async move {
            let tcp = TcpStream::connect(address).await.unwrap();
            let stream = connector.connect("localhost", tcp).await.unwrap();
            let mut line = String::new();
            BufReader::new(stream).read_line(&mut line).await.unwrap();
            line
        }));
    }
    for task in tasks {
        assert_eq!(task.await.unwrap().trim_end(), CLIENT_SUBJECT);
    }
}

#[tokio::test]
async fn missing_and_garbage_files_are_named() {
    let pki = TestPki::generate_temporary().unwrap();
    let missing = pki.dir.join("no-such-client.pem");
    let err = TlsConnector::new(
        &Tls::enabled()
            .client_cert(&missing)
            .ca_file(&pki.ca)
            .into_settings(),
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            TlsError::ReadFile {
                option: "tlsCertificateKeyFile",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("no-such-client.pem"), "{err}");

    let garbage = pki.dir.join("garbage.pem");
    std::fs::write(&garbage, b"\x00\x01 not pem at all").unwrap();
    let err = TlsConnector::new(
        &Tls::enabled()
            .client_cert(&garbage)
            .ca_file(&pki.ca)
            .into_settings(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("garbage.pem"), "{err}");
    assert!(err.to_string().contains("no PEM certificate"), "{err}");
    let err = TlsConnector::new(&Tls::enabled().ca_file(&garbage).into_settings()).unwrap_err();
    assert!(err.to_string().starts_with("tlsCAFile"), "{err}");

    // the client certificate without its key
    let err = TlsConnector::new(
        &Tls::enabled()
            .client_cert(&pki.client.certificate)
            .ca_file(&pki.ca)
            .into_settings(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("no private key"), "{err}");
}

#[tokio::test]
async fn encrypted_key_passwords() {
    let pki = TestPki::generate_temporary().unwrap();
    let right = Tls::enabled()
        .client_cert(&pki.client_encrypted.pem)
        .key_password(KEY_PASSWORD)
        .ca_file(&pki.ca);
    assert_eq!(
        TlsConnector::new(&right.into_settings())
            .unwrap()
            .client_certificate_subject(),
        Some(CLIENT_SUBJECT)
    );

    let wrong = Tls::enabled()
        .client_cert(&pki.client_encrypted.pem)
        .key_password("not it")
        .ca_file(&pki.ca);
    let err = TlsConnector::new(&wrong.into_settings()).unwrap_err();
    assert!(matches!(err, TlsError::KeyPasswordWrong { .. }), "{err:?}");
    assert!(!err.to_string().contains("not it"));

    let missing = Tls::enabled()
        .client_cert(&pki.client_encrypted.pem)
        .ca_file(&pki.ca);
    let err = TlsConnector::new(&missing.into_settings()).unwrap_err();
    assert!(
        matches!(err, TlsError::KeyPasswordMissing { .. }),
        "{err:?}"
    );

    let two_files = Tls::enabled()
        .client_cert_and_key(&pki.client_encrypted.certificate, &pki.client_encrypted.key)
        .key_password(KEY_PASSWORD)
        .ca_file(&pki.ca);
    TlsConnector::new(&two_files.into_settings()).unwrap();
}

// --- MONGODB-X509 and PLAIN over TLS through `connect`, against the conformance server ---------

mod over_connect {
    use bson::doc;
    use mongo_auth::tls::{CertificateProblem, TlsError};
    use mongo_auth::{Auth, ClientConfig, Error, Mechanism, Tls};
    use mongo_auth_test_server::certs::{
        CLIENT_SUBJECT, ESCAPED_CLIENT_SUBJECT, KEY_PASSWORD, TestPki,
    };
    use mongo_auth_test_server::tls::ClientAuth;
    use mongo_auth_test_server::{RunningServer, ServerConfig, User};

    use crate::support::conformance::{self, optional, required};

    const PLAIN_USER: &str = "ldap-user";
    const PLAIN_PASSWORD: &str = "ldap password";

    fn users() -> ServerConfig {
        ServerConfig::new()
            .user(User::x509(CLIENT_SUBJECT))
            .user(User::x509(ESCAPED_CLIENT_SUBJECT))
            .user(User::plain(PLAIN_USER, PLAIN_PASSWORD))
    }

    async fn start(pki: &TestPki, client_auth: ClientAuth, config: ServerConfig) -> RunningServer {
        conformance::start(conformance::over_tls(config, pki, client_auth)).await
    }

    fn x509_config(
        server: &RunningServer,
        tls: Tls<mongo_auth::config::states::WithClientCert>,
        user: Option<&str>,
    ) -> ClientConfig {
        let credential = match user {
            Some(user) => Auth::x509().username(user),
            None => Auth::x509(),
        };
        ClientConfig::builder()
            .host(server.addr().to_string())
            .credential(credential)
            .tls(tls)
            .build()
            .expect("a valid X509 configuration")
    }

    /// Connects and returns (user, mechanism, handshake round trips, the users connectionStatus lists).
    async fn authenticate(
        config: &ClientConfig,
    ) -> Result<(String, Mechanism, u32, Vec<String>), Error> {
        let mut connection = mongo_auth::connect(config).await?;
        let status = connection
            .run_command("admin", doc! { "connectionStatus": 1 })
            .await?;
        let listed = status
            .get_document("authInfo")
            .and_then(|info| info.get_array("authenticatedUsers"))
            .map(|users| {
                users
                    .iter()
                    .filter_map(|u| u.as_document())
                    .map(|u| {
                        format!(
                            "{}@{}",
                            u.get_str("user").unwrap_or("?"),
                            u.get_str("db").unwrap_or("?")
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ok((
            connection
                .authenticated_user()
                .unwrap_or_default()
                .to_owned(),
            connection.authenticated_mechanism().expect("authenticated"),
            connection.handshake_round_trips(),
            listed,
        ))
    }

    /// The hint of an authentication failure (empty without one); panics on any other error.
    fn failure_hint(err: &Error) -> &str {
        assert!(err.is_authentication_failure(), "{err:?}");
        let Error::Authentication(failure) = err else {
            panic!("{err:?}")
        };
        failure.hint.as_deref().unwrap_or_default()
    }

    #[tokio::test]
    async fn x509_without_and_with_username_speculative() {
        let pki = TestPki::generate_temporary().unwrap();
        let server = start(&pki, required(&pki), users()).await;
        let tls = || Tls::enabled().client_cert(&pki.client.pem).ca_file(&pki.ca);
        for user in [None, Some(CLIENT_SUBJECT)] {
            let (name, mechanism, round_trips, listed) =
                authenticate(&x509_config(&server, tls(), user))
                    .await
                    .unwrap();
            assert_eq!(name, CLIENT_SUBJECT);
            assert_eq!(mechanism, Mechanism::MongodbX509);
            assert_eq!(round_trips, 1, "speculative X509 costs the hello only");
            assert_eq!(listed, [format!("{CLIENT_SUBJECT}@$external")]);
        }
        // what the server saw: the X509 document inside hello, `user` only when given
        let records = server.connections();
        assert_eq!(records.len(), 2);
        for record in &records {
            assert_eq!(record.speculative, 1, "{record:?}");
            assert_eq!(record.mechanisms, ["MONGODB-X509"], "{record:?}");
            assert_eq!(
                record.authenticated,
                [format!("{CLIENT_SUBJECT}@$external")]
            );
            assert!(
                !record.commands.iter().any(|c| c == "authenticate"),
                "{record:?}"
            );
        }
        server.shutdown().await;
    }

    #[tokio::test]
    async fn x509_without_speculative_authentication() {
        let pki = TestPki::generate_temporary().unwrap();
        let server = start(
            &pki,
            required(&pki),
            users().speculative_authentication(false),
        )
        .await;
        for user in [None, Some(CLIENT_SUBJECT)] {
            let tls = Tls::enabled().client_cert(&pki.client.pem).ca_file(&pki.ca);
            let (name, _, round_trips, _) = authenticate(&x509_config(&server, tls, user))
                .await
                .unwrap();
            assert_eq!(name, CLIENT_SUBJECT);
            assert_eq!(round_trips, 2, "hello, then authenticate");
        }
        for record in server.connections() {
            assert_eq!(record.speculative, 0, "{record:?}");
            assert!(
                record.commands.iter().any(|c| c == "authenticate"),
                "{record:?}"
            );
        }
        server.shutdown().await;
    }

    #[tokio::test]
    async fn x509_from_a_uri_with_an_encrypted_key() {
        let pki = TestPki::generate_temporary().unwrap();
        let server = start(&pki, required(&pki), users()).await;
        let uri = format!(
            "mongodb://{}/?tls=true&tlsCAFile={}&tlsCertificateKeyFile={}&tlsCertificateKeyFilePassword={}&authMechanism=MONGODB-X509",
            server.addr(),
            percent(&pki.ca.display().to_string()),
            percent(&pki.client_encrypted.pem.display().to_string()),
            percent(KEY_PASSWORD),
        );
        let config: ClientConfig = uri.parse().expect("valid URI");
        let (name, mechanism, _, _) = authenticate(&config).await.unwrap();
        assert_eq!(
            (name.as_str(), mechanism),
            (CLIENT_SUBJECT, Mechanism::MongodbX509)
        );
        server.shutdown().await;
    }

    #[tokio::test]
    async fn x509_subject_that_needs_escaping() {
        let pki = TestPki::generate_temporary().unwrap();
        let server = start(&pki, required(&pki), users()).await;
        let subject = mongo_auth::tls::certificate_subject(&pki.client_escaped.pem).unwrap();
        assert_eq!(subject, ESCAPED_CLIENT_SUBJECT);
        let tls = || {
            Tls::enabled()
                .client_cert(&pki.client_escaped.pem)
                .ca_file(&pki.ca)
        };
        for user in [None, Some(subject.as_str())] {
            let (name, _, _, _) = authenticate(&x509_config(&server, tls(), user))
                .await
                .unwrap();
            assert_eq!(name, ESCAPED_CLIENT_SUBJECT);
        }
        server.shutdown().await;
    }

    #[tokio::test]
    async fn x509_wrong_username_or_unknown_subject() {
        let pki = TestPki::generate_temporary().unwrap();
        for speculative in [true, false] {
            let users = ServerConfig::new()
                .user(User::x509(CLIENT_SUBJECT))
                .speculative_authentication(speculative);
            let server = start(&pki, required(&pki), users).await;
            let tls = Tls::enabled().client_cert(&pki.client.pem).ca_file(&pki.ca);
            let err = authenticate(&x509_config(&server, tls, Some("CN=someone else")))
                .await
                .unwrap_err();
            let hint = failure_hint(&err);
            assert!(
                hint.contains(&format!("the certificate's subject is `{CLIENT_SUBJECT}`")),
                "{hint}"
            );
            assert!(hint.contains("`CN=someone else`"), "{hint}");

            // a valid certificate whose subject is no user
            let tls = Tls::enabled()
                .client_cert(&pki.client_escaped.pem)
                .ca_file(&pki.ca);
            let err = authenticate(&x509_config(&server, tls, None))
                .await
                .unwrap_err();
            let hint = failure_hint(&err);
            assert!(
                hint.contains(&format!(
                    "the certificate's subject is `{ESCAPED_CLIENT_SUBJECT}`; the server has no \
                     user with that subject in $external"
                )),
                "{hint}"
            );
            server.shutdown().await;
        }
    }

    #[tokio::test]
    async fn x509_when_the_server_asks_for_no_certificate() {
        let pki = TestPki::generate_temporary().unwrap();
        let server = start(&pki, ClientAuth::None, users()).await;
        let tls = Tls::enabled().client_cert(&pki.client.pem).ca_file(&pki.ca);
        let err = authenticate(&x509_config(&server, tls, None))
            .await
            .unwrap_err();
        assert!(err.is_authentication_failure(), "{err:?}");
        let message = err.to_string();
        assert!(message.contains("No verified subject name"), "{message}");

        // and a configuration with no client certificate at all never reaches the network
        let uri = format!(
            "mongodb://{}/?tls=true&tlsCAFile={}&authMechanism=MONGODB-X509",
            server.addr(),
            percent(&pki.ca.display().to_string()),
        );
        let err = uri.parse::<ClientConfig>().unwrap_err().to_string();
        assert!(err.contains("client certificate"), "{err}");
        assert!(err.contains("tlsCertificateKeyFile"), "{err}");
        assert_eq!(server.connections().len(), 1);
        server.shutdown().await;
    }

    #[tokio::test]
    async fn tls_failures_surface_through_connect() {
        let pki = TestPki::generate_temporary().unwrap();
        let server = start(&pki, required(&pki), users()).await;

        let wrong_ca = Tls::enabled()
            .client_cert(&pki.client.pem)
            .ca_file(&pki.other_ca);
        match authenticate(&x509_config(&server, wrong_ca, None))
            .await
            .unwrap_err()
        {
            Error::Tls(TlsError::ServerCertificate { problem, .. }) => {
                assert_eq!(problem, CertificateProblem::UnknownIssuer)
            }
            other => panic!("expected an untrusted server certificate, got {other:?}"),
        }

        let untrusted_client = Tls::enabled()
            .client_cert(&pki.client_other_ca.pem)
            .ca_file(&pki.ca);
        let err = authenticate(&x509_config(&server, untrusted_client, None))
            .await
            .unwrap_err();
        assert!(
            matches!(err, Error::Tls(TlsError::Refused { .. })),
            "{err:?}"
        );
        assert!(
            err.to_string()
                .contains("does not accept the client certificate"),
            "{err}"
        );

        let wrong_password = Tls::enabled()
            .client_cert(&pki.client_encrypted.pem)
            .key_password("nope")
            .ca_file(&pki.ca);
        let config = x509_config(&server, wrong_password, None);
        let err = mongo_auth::connect(&config).await.unwrap_err();
        assert!(
            matches!(err, Error::Tls(TlsError::KeyPasswordWrong { .. })),
            "{err:?}"
        );
        server.shutdown().await;
    }

    #[tokio::test]
    async fn plain_over_tls() {
        let pki = TestPki::generate_temporary().unwrap();
        let server = start(&pki, optional(&pki), users()).await;
        let config = |password: &str| {
            ClientConfig::builder()
                .host(server.addr().to_string())
                .credential(Auth::plain().username(PLAIN_USER).password(password))
                .tls(Tls::enabled().ca_file(&pki.ca))
                .build()
                .expect("a valid PLAIN configuration")
        };
        let (_, mechanism, round_trips, listed) =
            authenticate(&config(PLAIN_PASSWORD)).await.unwrap();
        assert_eq!(mechanism, Mechanism::Plain);
        assert_eq!(round_trips, 2, "hello, then one saslStart");
        assert_eq!(listed, [format!("{PLAIN_USER}@$external")]);

        let err = authenticate(&config("wrong")).await.unwrap_err();
        assert!(err.is_authentication_failure(), "{err:?}");
        assert!(!format!("{err} {err:?}").contains(PLAIN_PASSWORD));
        server.shutdown().await;
    }

    fn percent(text: &str) -> String {
        text.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect()
    }
}

/// A server that presents the good server certificate but signs the handshake with another key:
/// only a client that skips the handshake-signature check would accept it.
#[derive(Debug)]
struct StolenCertificate(Arc<rustls::sign::CertifiedKey>);

impl rustls::server::ResolvesServerCert for StolenCertificate {
    fn resolve(
        &self,
        _hello: rustls::server::ClientHello<'_>,
    ) -> Option<Arc<rustls::sign::CertifiedKey>> {
        Some(self.0.clone())
    }
}

#[tokio::test]
async fn allow_invalid_certificates_still_verifies_handshake_signatures() {
    use rustls_pki_types::pem::PemObject;
    use rustls_pki_types::{CertificateDer, PrivateKeyDer};

    let pki = TestPki::generate_temporary().unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let chain = CertificateDer::pem_file_iter(&pki.server.certificate)
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let wrong_key = provider
        .key_provider
        .load_private_key(PrivateKeyDer::from_pem_file(&pki.client.key).unwrap())
        .unwrap();
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_cert_resolver(Arc::new(StolenCertificate(Arc::new(
            rustls::sign::CertifiedKey::new(chain, wrong_key),
        ))));
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                if let Ok(mut tls) = acceptor.accept(tcp).await {
                    let _ = tls.write_all(b"-\n").await;
                }
            });
        }
    });

    for settings in [
        Tls::enabled()
            .ca_file(&pki.ca)
            .dangerous()
            .allow_invalid_certificates(),
        Tls::enabled().ca_file(&pki.ca).dangerous().insecure(),
        Tls::enabled().ca_file(&pki.ca),
    ] {
        let err = subject_seen(address, "localhost", settings.into_settings())
            .await
            .unwrap_err();
        assert_eq!(problem(&err), &CertificateProblem::BadSignature, "{err}");
        assert!(
            err.to_string().contains("signature that does not verify"),
            "{err}"
        );
    }
}
