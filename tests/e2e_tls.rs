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
        let seen = subject_seen(address, host, Tls::with_ca_file(&pki.ca).into_settings()).await;
        assert_eq!(seen.unwrap(), "-", "host {host}");
    }
}

#[tokio::test]
async fn server_sees_client_subject() {
    let pki = TestPki::generate_temporary().unwrap();
    let required = ClientAuth::Required { ca: pki.ca.clone() };
    let address = subject_echo(server(&pki).client_auth(required)).await;

    let one_file = Tls::client_cert(&pki.client.pem).ca_file(&pki.ca);
    assert_eq!(
        subject_seen(address, "localhost", one_file.into_settings())
            .await
            .unwrap(),
        CLIENT_SUBJECT
    );

    let two_files =
        Tls::client_cert_and_key(&pki.client.certificate, &pki.client.key).ca_file(&pki.ca);
    assert_eq!(
        subject_seen(address, "localhost", two_files.into_settings())
            .await
            .unwrap(),
        CLIENT_SUBJECT
    );

    let encrypted = Tls::client_cert(&pki.client_encrypted.pem)
        .key_password(KEY_PASSWORD)
        .ca_file(&pki.ca);
    assert_eq!(
        subject_seen(address, "localhost", encrypted.into_settings())
            .await
            .unwrap(),
        CLIENT_SUBJECT
    );

    let escaped = Tls::client_cert(&pki.client_escaped.pem).ca_file(&pki.ca);
    assert_eq!(
        subject_seen(address, "localhost", escaped.into_settings())
            .await
            .unwrap(),
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
    let optional = ClientAuth::Optional { ca: pki.ca.clone() };
    let address = subject_echo(server(&pki).client_auth(optional)).await;
    let anonymous = Tls::with_ca_file(&pki.ca);
    assert_eq!(
        subject_seen(address, "localhost", anonymous.into_settings())
            .await
            .unwrap(),
        "-"
    );
    let with_cert = Tls::client_cert(&pki.client.pem).ca_file(&pki.ca);
    assert_eq!(
        subject_seen(address, "localhost", with_cert.into_settings())
            .await
            .unwrap(),
        CLIENT_SUBJECT
    );
}

#[tokio::test]
async fn required_client_certificate_missing_or_untrusted() {
    let pki = TestPki::generate_temporary().unwrap();
    let required = ClientAuth::Required { ca: pki.ca.clone() };
    let address = subject_echo(server(&pki).client_auth(required)).await;

    let err = subject_seen(
        address,
        "localhost",
        Tls::with_ca_file(&pki.ca).into_settings(),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, TlsError::Refused { .. }), "{err:?}");
    assert!(
        err.to_string()
            .contains("requires a client certificate (set tlsCertificateKeyFile)"),
        "{err}"
    );

    let untrusted = Tls::client_cert(&pki.client_other_ca.pem).ca_file(&pki.ca);
    let err = subject_seen(address, "localhost", untrusted.into_settings())
        .await
        .unwrap_err();
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
    let err = subject_seen(
        address,
        "localhost",
        Tls::with_ca_file(&pki.other_ca).into_settings(),
    )
    .await
    .unwrap_err();
    assert_eq!(problem(&err), &CertificateProblem::UnknownIssuer);
    let message = err.to_string();
    assert!(
        message.contains("not signed by a trusted certificate authority"),
        "{message}"
    );
    assert!(message.contains("tlsCAFile"), "{message}");
    // the bundled public roots do not trust the test CA either
    let err = subject_seen(address, "localhost", Tls::enabled().into_settings())
        .await
        .unwrap_err();
    assert_eq!(problem(&err), &CertificateProblem::UnknownIssuer);
}

#[tokio::test]
async fn expired_server_certificate() {
    let pki = TestPki::generate_temporary().unwrap();
    let address = subject_echo(TlsOptions::new(&pki.server_expired.pem)).await;
    let err = subject_seen(
        address,
        "localhost",
        Tls::with_ca_file(&pki.ca).into_settings(),
    )
    .await
    .unwrap_err();
    assert_eq!(problem(&err), &CertificateProblem::Expired);
    assert!(err.to_string().contains("has expired"), "{err}");

    // allowing invalid host names does not forgive expiry
    let hostnames = Tls::with_ca_file(&pki.ca)
        .dangerous()
        .allow_invalid_hostnames();
    let err = subject_seen(address, "localhost", hostnames.into_settings())
        .await
        .unwrap_err();
    assert_eq!(problem(&err), &CertificateProblem::Expired);

    let certificates = Tls::with_ca_file(&pki.ca)
        .dangerous()
        .allow_invalid_certificates();
    assert_eq!(
        subject_seen(address, "localhost", certificates.into_settings())
            .await
            .unwrap(),
        "-"
    );
}

#[tokio::test]
async fn wrong_host_name() {
    let pki = TestPki::generate_temporary().unwrap();
    let address = subject_echo(TlsOptions::new(&pki.server_wrong_host.pem)).await;
    let err = subject_seen(
        address,
        "localhost",
        Tls::with_ca_file(&pki.ca).into_settings(),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(problem(&err), CertificateProblem::WrongHost { .. }),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(message.contains("tlsAllowInvalidHostnames"), "{message}");
    assert!(message.contains("db.invalid"), "{message}");

    let hostnames = Tls::with_ca_file(&pki.ca)
        .dangerous()
        .allow_invalid_hostnames();
    assert_eq!(
        subject_seen(address, "localhost", hostnames.into_settings())
            .await
            .unwrap(),
        "-"
    );
    let certificates = Tls::with_ca_file(&pki.ca)
        .dangerous()
        .allow_invalid_certificates();
    assert_eq!(
        subject_seen(address, "127.0.0.1", certificates.into_settings())
            .await
            .unwrap(),
        "-"
    );
}

#[tokio::test]
async fn allow_invalid_hostnames_still_checks_the_chain() {
    let pki = TestPki::generate_temporary().unwrap();
    // a server certificate for the right names from a CA the client does not trust
    let address = subject_echo(TlsOptions::new(&pki.server_other_ca.pem)).await;
    let hostnames = Tls::with_ca_file(&pki.ca)
        .dangerous()
        .allow_invalid_hostnames();
    let err = subject_seen(address, "localhost", hostnames.into_settings())
        .await
        .unwrap_err();
    assert_eq!(problem(&err), &CertificateProblem::UnknownIssuer);

    // only allowing invalid certificates lets it through
    let certificates = Tls::with_ca_file(&pki.ca)
        .dangerous()
        .allow_invalid_certificates();
    assert_eq!(
        subject_seen(address, "localhost", certificates.into_settings())
            .await
            .unwrap(),
        "-"
    );
}

#[tokio::test]
async fn revoked_server_certificate() {
    let pki = TestPki::generate_temporary().unwrap();
    let revoked = subject_echo(TlsOptions::new(&pki.server_revoked.pem)).await;
    let good = subject_echo(server(&pki)).await;

    let with_crl = || Tls::with_ca_file(&pki.ca).crl_file(&pki.crl);
    let err = subject_seen(revoked, "localhost", with_crl().into_settings())
        .await
        .unwrap_err();
    assert_eq!(problem(&err), &CertificateProblem::Revoked);
    assert!(err.to_string().contains("tlsCRLFile"), "{err}");
    let err = subject_seen(
        revoked,
        "localhost",
        with_crl()
            .dangerous()
            .allow_invalid_hostnames()
            .into_settings(),
    )
    .await
    .unwrap_err();
    assert_eq!(problem(&err), &CertificateProblem::Revoked);

    assert_eq!(
        subject_seen(good, "localhost", with_crl().into_settings())
            .await
            .unwrap(),
        "-"
    );
    // without the CRL the revoked certificate is accepted: the CRL is what rejected it
    let no_crl = Tls::with_ca_file(&pki.ca);
    assert_eq!(
        subject_seen(revoked, "localhost", no_crl.into_settings())
            .await
            .unwrap(),
        "-"
    );
}

#[tokio::test]
async fn connector_is_shared_by_connections() {
    let pki = TestPki::generate_temporary().unwrap();
    let required = ClientAuth::Required { ca: pki.ca.clone() };
    let address = subject_echo(server(&pki).client_auth(required)).await;
    let settings = Tls::client_cert(&pki.client_encrypted.pem)
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
    let err = TlsConnector::new(&Tls::client_cert(&missing).ca_file(&pki.ca).into_settings())
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
    let err = TlsConnector::new(&Tls::client_cert(&garbage).ca_file(&pki.ca).into_settings())
        .unwrap_err();
    assert!(err.to_string().contains("garbage.pem"), "{err}");
    assert!(err.to_string().contains("no PEM certificate"), "{err}");
    let err = TlsConnector::new(&Tls::with_ca_file(&garbage).into_settings()).unwrap_err();
    assert!(err.to_string().starts_with("tlsCAFile"), "{err}");

    // the client certificate without its key
    let err = TlsConnector::new(
        &Tls::client_cert(&pki.client.certificate)
            .ca_file(&pki.ca)
            .into_settings(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("no private key"), "{err}");
}

#[tokio::test]
async fn encrypted_key_passwords() {
    let pki = TestPki::generate_temporary().unwrap();
    let right = Tls::client_cert(&pki.client_encrypted.pem)
        .key_password(KEY_PASSWORD)
        .ca_file(&pki.ca);
    assert_eq!(
        TlsConnector::new(&right.into_settings())
            .unwrap()
            .client_certificate_subject(),
        Some(CLIENT_SUBJECT)
    );

    let wrong = Tls::client_cert(&pki.client_encrypted.pem)
        .key_password("not it")
        .ca_file(&pki.ca);
    let err = TlsConnector::new(&wrong.into_settings()).unwrap_err();
    assert!(matches!(err, TlsError::KeyPasswordWrong { .. }), "{err:?}");
    assert!(!err.to_string().contains("not it"));

    let missing = Tls::client_cert(&pki.client_encrypted.pem).ca_file(&pki.ca);
    let err = TlsConnector::new(&missing.into_settings()).unwrap_err();
    assert!(
        matches!(err, TlsError::KeyPasswordMissing { .. }),
        "{err:?}"
    );

    let two_files =
        Tls::client_cert_and_key(&pki.client_encrypted.certificate, &pki.client_encrypted.key)
            .key_password(KEY_PASSWORD)
            .ca_file(&pki.ca);
    TlsConnector::new(&two_files.into_settings()).unwrap();
}
