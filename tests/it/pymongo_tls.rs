//! Proof by a client nobody here wrote: PyMongo authenticates against the conformance server over TLS
//! with MONGODB-X509 (client certificate; without and with the subject as user name; with an
//! encrypted PKCS#8 key) and with PLAIN.
//!
//! Needs `MONGO_AUTH_PYTHON` (a Python with PyMongo, made by `scripts/python-clients.sh`). Without it
//! the test says why on stderr and passes, except under `CI=true`, where it fails
//! (`support::pymongo`).

use mongo_auth_test_server::certs::{CLIENT_SUBJECT, KEY_PASSWORD, TestPki};
use mongo_auth_test_server::{ServerConfig, User};

use crate::support::{conformance, pymongo};

const PLAIN_USER: &str = "pymongo-plain";
const PLAIN_PASSWORD: &str = "p@ss:word/with spaces";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pymongo_x509_and_plain_over_tls() {
    let Some(python) = pymongo::python(pymongo::CURRENT) else {
        return;
    };
    let pki = TestPki::generate_temporary().unwrap();
    let server = conformance::start(conformance::over_tls(
        ServerConfig::new()
            .user(User::x509(CLIENT_SUBJECT))
            .user(User::plain(PLAIN_USER, PLAIN_PASSWORD)),
        &pki,
        conformance::optional(&pki),
    ))
    .await;

    let output = tokio::process::Command::new(&python)
        .arg(pymongo::script("pymongo_tls.py"))
        .arg(server.addr().port().to_string())
        .arg(&pki.ca)
        .arg(&pki.client.pem)
        .arg(CLIENT_SUBJECT)
        .arg(&pki.client_encrypted.pem)
        .arg(KEY_PASSWORD)
        .arg(PLAIN_USER)
        .arg(PLAIN_PASSWORD)
        .kill_on_drop(true)
        .output()
        .await
        .expect("run python");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    // Shown with --nocapture: the PyMongo version and each case.
    println!("{stdout}");
    assert!(
        output.status.success(),
        "PyMongo failed:\n{stdout}\n{stderr}"
    );
    for case in ["x509", "x509-with-user", "x509-encrypted-key", "plain"] {
        assert!(
            stdout
                .lines()
                .any(|l| l.starts_with(&format!("ok {case} "))),
            "case {case} missing:\n{stdout}"
        );
    }

    // The server's view: four authentications, X509 speculative in PyMongo's hello.
    let records = server.connections();
    let authenticated: Vec<_> = records
        .iter()
        .flat_map(|r| r.authenticated.clone())
        .collect();
    assert_eq!(
        authenticated
            .iter()
            .filter(|u| **u == format!("{CLIENT_SUBJECT}@$external"))
            .count(),
        3,
        "{records:#?}"
    );
    assert!(
        authenticated.contains(&format!("{PLAIN_USER}@$external")),
        "{records:#?}"
    );
    assert!(
        records
            .iter()
            .any(|r| r.speculative == 1 && r.mechanisms == ["MONGODB-X509"]),
        "PyMongo authenticates X509 speculatively: {records:#?}"
    );
    server.shutdown().await;
}
