//! Unit tests for the TLS module: file loading, key decryption, subjects, server names.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use mongo_auth_core::Password;
use rcgen::{CertificateParams, DistinguishedName, DnType, KeyPair};

use super::*;
use crate::config::ClientCertificate;

/// A scratch directory removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Self {
        static N: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "mongo-auth-tls-unit-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, contents).unwrap();
        path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A self-signed certificate with `subject` (pushed in order, so RFC 2253 shows it reversed).
fn certificate(subject: &[(DnType, &str)]) -> (String, KeyPair) {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
    params.distinguished_name = DistinguishedName::new();
    for (kind, value) in subject {
        params.distinguished_name.push(kind.clone(), *value);
    }
    (params.self_signed(&key).unwrap().pem(), key)
}

fn encrypt(key: &KeyPair, password: &str) -> String {
    use pkcs8::pkcs5::pbes2;
    let params =
        pbes2::Parameters::generate_pbkdf2_sha256_aes256cbc(2048, &[7u8; 16], [9u8; 16]).unwrap();
    let der = key.serialize_der();
    pkcs8::PrivateKeyInfoRef::try_from(der.as_slice())
        .unwrap()
        .encrypt_with_params(params, password)
        .unwrap()
        .to_pem("ENCRYPTED PRIVATE KEY", pkcs8::LineEnding::LF)
        .unwrap()
        .to_string()
}

fn settings_with_client(
    certificate_file: &Path,
    key_file: Option<&Path>,
    password: Option<&str>,
) -> TlsSettings {
    TlsSettings {
        client_certificate: Some(ClientCertificate {
            certificate_file: certificate_file.to_owned(),
            key_file: key_file.map(Path::to_owned),
            key_password: password.map(Password::new),
        }),
        ..TlsSettings::default()
    }
}

fn settings_with_ca(path: &Path) -> TlsSettings {
    TlsSettings {
        ca: CaSource::File(path.to_owned()),
        ..TlsSettings::default()
    }
}

const CLIENT: &[(DnType, &str)] = &[
    (DnType::CountryName, "IS"),
    (DnType::StateOrProvinceName, "Capital"),
    (DnType::LocalityName, "Reykjavik"),
    (DnType::OrganizationName, "mongo-auth"),
    (DnType::OrganizationalUnitName, "clients"),
    (DnType::CommonName, "client"),
];
const CLIENT_SUBJECT: &str = "CN=client,OU=clients,O=mongo-auth,L=Reykjavik,ST=Capital,C=IS";

#[test]
fn system_roots_need_no_files() {
    let connector = TlsConnector::new(&TlsSettings::default()).unwrap();
    assert_eq!(connector.client_certificate_subject(), None);
}

#[test]
fn subject_of_generated_certificates() {
    let scratch = Scratch::new();
    let (pem, _) = certificate(CLIENT);
    let path = scratch.write("client.crt", &pem);
    assert_eq!(certificate_subject(&path).unwrap(), CLIENT_SUBJECT);

    let (pem, _) = certificate(&[
        (DnType::OrganizationName, "a,b"),
        (DnType::CommonName, r#"#x "y" <z>; p+q\r "#),
    ]);
    let path = scratch.write("escaped.crt", &pem);
    assert_eq!(
        certificate_subject(&path).unwrap(),
        r#"CN=\#x \"y\" \<z\>\; p\+q\\r\ ,O=a\,b"#
    );
}

/// The same subjects as `openssl x509 -subject -nameopt RFC2253` prints, when the CLI is installed.
#[test]
fn subject_matches_openssl_when_available() {
    let Ok(version) = std::process::Command::new("openssl")
        .arg("version")
        .output()
    else {
        eprintln!("skipped: no openssl CLI to compare with");
        return;
    };
    assert!(version.status.success());
    let scratch = Scratch::new();
    let subjects: [&[(DnType, &str)]; 3] = [
        CLIENT,
        &[
            (DnType::OrganizationName, "a,b+c"),
            (DnType::CommonName, r#"#lead "q" <a>;b\ trail "#),
        ],
        &[
            (
                DnType::CustomDnType(vec![0, 9, 2342, 19200300, 100, 1, 25]),
                "example",
            ),
            (
                DnType::CustomDnType(vec![0, 9, 2342, 19200300, 100, 1, 1]),
                "jdoe",
            ),
        ],
    ];
    for (i, subject) in subjects.iter().enumerate() {
        let (pem, _) = certificate(subject);
        let path = scratch.write(&format!("c{i}.crt"), &pem);
        let out = std::process::Command::new("openssl")
            .args(["x509", "-noout", "-subject", "-nameopt", "RFC2253", "-in"])
            .arg(&path)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).unwrap();
        let expected = text.trim_end().strip_prefix("subject=").unwrap();
        assert_eq!(
            certificate_subject(&path).unwrap(),
            expected,
            "subject #{i}"
        );
    }
}

/// Where RFC 2253 and OpenSSL part ways: RFC 2253 knows STREET and writes other types as dotted OIDs
/// with a hex value; OpenSSL prints its own names (`street`, `serialNumber`, `emailAddress`).
#[test]
fn subject_uses_rfc2253_names_only() {
    let scratch = Scratch::new();
    let (pem, _) = certificate(&[
        (DnType::CustomDnType(vec![2, 5, 4, 9]), "1 Main St"),
        (DnType::CustomDnType(vec![2, 5, 4, 5]), "42"),
        (DnType::CommonName, "x"),
    ]);
    let path = scratch.write("c.crt", &pem);
    assert_eq!(
        certificate_subject(&path).unwrap(),
        "CN=x,2.5.4.5=#0C023432,STREET=1 Main St"
    );
}

#[test]
fn missing_ca_file_names_option_and_file() {
    let err = TlsConnector::new(&settings_with_ca(Path::new("/nonexistent/ca.pem"))).unwrap_err();
    assert!(
        matches!(
            err,
            TlsError::ReadFile {
                option: "tlsCAFile",
                ..
            }
        ),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(message.contains("tlsCAFile"), "{message}");
    assert!(message.contains("/nonexistent/ca.pem"), "{message}");
}

#[test]
fn ca_file_without_certificate() {
    let scratch = Scratch::new();
    let path = scratch.write("ca.pem", "this is not a certificate\n");
    let err = TlsConnector::new(&settings_with_ca(&path)).unwrap_err();
    assert!(
        matches!(
            &err,
            TlsError::InvalidFile {
                option: "tlsCAFile",
                problem: FileProblem::NoCertificate,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("BEGIN CERTIFICATE"), "{err}");
    // a DER file instead of PEM: also no PEM certificate
    let (_, key) = certificate(CLIENT);
    let path = scratch.write("ca.der", key.serialize_der());
    assert!(matches!(
        TlsConnector::new(&settings_with_ca(&path)).unwrap_err(),
        TlsError::InvalidFile {
            problem: FileProblem::NoCertificate,
            ..
        }
    ));
}

#[test]
fn broken_pem_and_bad_der_are_errors() {
    let scratch = Scratch::new();
    let path = scratch.write(
        "ca.pem",
        "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n",
    );
    let err = TlsConnector::new(&settings_with_ca(&path)).unwrap_err();
    assert!(
        matches!(
            &err,
            TlsError::InvalidFile {
                problem: FileProblem::MalformedPem(_),
                ..
            }
        ),
        "{err:?}"
    );
    let path = scratch.write(
        "ca2.pem",
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
    );
    let err = TlsConnector::new(&settings_with_ca(&path)).unwrap_err();
    assert!(
        matches!(
            &err,
            TlsError::InvalidFile {
                problem: FileProblem::InvalidCertificate(_),
                ..
            }
        ),
        "{err:?}"
    );
    let path = scratch.write("ca3.pem", "-----BEGIN CERTIFICATE-----\nAAAA\n");
    assert!(matches!(
        TlsConnector::new(&settings_with_ca(&path)).unwrap_err(),
        TlsError::InvalidFile {
            problem: FileProblem::MalformedPem(_),
            ..
        }
    ));
}

#[test]
fn one_bad_certificate_in_a_bundle_is_not_skipped() {
    let scratch = Scratch::new();
    let (good, _) = certificate(CLIENT);
    let bundle = format!("{good}-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    let path = scratch.write("bundle.pem", bundle);
    let err = TlsConnector::new(&settings_with_ca(&path)).unwrap_err();
    assert!(err.to_string().contains("certificate #2"), "{err}");
}

#[test]
fn client_certificate_and_key_in_one_file_or_two() {
    let scratch = Scratch::new();
    let (pem, key) = certificate(CLIENT);
    let both = scratch.write("client.pem", format!("{pem}{}", key.serialize_pem()));
    let connector = TlsConnector::new(&settings_with_client(&both, None, None)).unwrap();
    assert_eq!(connector.client_certificate_subject(), Some(CLIENT_SUBJECT));

    let certificate_only = scratch.write("client.crt", &pem);
    let key_only = scratch.write("client.key", key.serialize_pem());
    let settings = settings_with_client(&certificate_only, Some(&key_only), None);
    TlsConnector::new(&settings).unwrap();
    assert_eq!(
        settings.client_certificate_subject().unwrap().as_deref(),
        Some(CLIENT_SUBJECT)
    );

    let err = TlsConnector::new(&settings_with_client(&certificate_only, None, None)).unwrap_err();
    assert!(
        matches!(
            &err,
            TlsError::InvalidFile {
                option: "tlsCertificateKeyFile",
                problem: FileProblem::NoPrivateKey,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("client.crt"), "{err}");

    let err = TlsConnector::new(&settings_with_client(&key_only, None, None)).unwrap_err();
    assert!(
        matches!(
            &err,
            TlsError::InvalidFile {
                problem: FileProblem::NoCertificate,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn key_that_does_not_belong_to_the_certificate() {
    let scratch = Scratch::new();
    let (pem, _) = certificate(CLIENT);
    let other = KeyPair::generate().unwrap();
    let path = scratch.write("client.pem", format!("{pem}{}", other.serialize_pem()));
    let err = TlsConnector::new(&settings_with_client(&path, None, None)).unwrap_err();
    assert!(matches!(err, TlsError::ClientCertificate { .. }), "{err:?}");
    assert!(err.to_string().contains("does not belong"), "{err}");
}

#[test]
fn encrypted_key_right_wrong_and_missing_password() {
    let scratch = Scratch::new();
    let (pem, key) = certificate(CLIENT);
    let secret = "s3cret-pässword";
    let path = scratch.write("client.pem", format!("{pem}{}", encrypt(&key, secret)));

    let connector = TlsConnector::new(&settings_with_client(&path, None, Some(secret))).unwrap();
    assert_eq!(connector.client_certificate_subject(), Some(CLIENT_SUBJECT));

    let err = TlsConnector::new(&settings_with_client(&path, None, Some("wrong"))).unwrap_err();
    assert!(matches!(err, TlsError::KeyPasswordWrong { .. }), "{err:?}");
    assert!(
        err.to_string().contains("tlsCertificateKeyFilePassword"),
        "{err}"
    );
    assert!(!format!("{err} {err:?}").contains("wrong\""), "{err:?}");

    let err = TlsConnector::new(&settings_with_client(&path, None, None)).unwrap_err();
    assert!(
        matches!(err, TlsError::KeyPasswordMissing { .. }),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains("set tlsCertificateKeyFilePassword"),
        "{err}"
    );

    // the key in a file of its own
    let certificate_only = scratch.write("client.crt", &pem);
    let key_only = scratch.write("client.key", encrypt(&key, secret));
    TlsConnector::new(&settings_with_client(
        &certificate_only,
        Some(&key_only),
        Some(secret),
    ))
    .unwrap();
    let err = TlsConnector::new(&settings_with_client(
        &certificate_only,
        Some(&key_only),
        None,
    ))
    .unwrap_err();
    assert!(err.to_string().contains("client.key"), "{err}");
}

#[test]
fn password_never_printed() {
    let scratch = Scratch::new();
    let (pem, key) = certificate(CLIENT);
    let path = scratch.write("client.pem", format!("{pem}{}", encrypt(&key, "right")));
    let secret = "hunter2-do-not-print";
    let settings = settings_with_client(&path, None, Some(secret));
    let err = TlsConnector::new(&settings).unwrap_err();
    for text in [err.to_string(), format!("{err:?}"), format!("{settings:?}")] {
        assert!(!text.contains(secret), "{text}");
    }
}

#[test]
fn legacy_encrypted_pem_key_is_explained() {
    let scratch = Scratch::new();
    let (pem, _) = certificate(CLIENT);
    let legacy = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,00112233445566778899AABBCCDDEEFF\n\nAAAA\n-----END RSA PRIVATE KEY-----\n";
    let path = scratch.write("client.pem", format!("{pem}{legacy}"));
    let err = TlsConnector::new(&settings_with_client(&path, None, Some("x"))).unwrap_err();
    assert!(
        matches!(
            &err,
            TlsError::InvalidFile {
                problem: FileProblem::LegacyEncryptedKey,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("openssl pkcs8 -topk8"), "{err}");
}

#[test]
fn crl_file_problems() {
    let scratch = Scratch::new();
    let (ca, _) = certificate(CLIENT);
    let ca = scratch.write("ca.pem", ca);
    let no_crl = scratch.write("crl.pem", "nothing here\n");
    let settings = TlsSettings {
        crl_file: Some(no_crl),
        ..settings_with_ca(&ca)
    };
    let err = TlsConnector::new(&settings).unwrap_err();
    assert!(
        matches!(
            &err,
            TlsError::InvalidFile {
                option: "tlsCRLFile",
                problem: FileProblem::NoCrl,
                ..
            }
        ),
        "{err:?}"
    );
    let bad_crl = scratch.write(
        "bad.pem",
        "-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n",
    );
    let settings = TlsSettings {
        crl_file: Some(bad_crl),
        ..settings_with_ca(&ca)
    };
    let err = TlsConnector::new(&settings).unwrap_err();
    assert!(
        matches!(
            &err,
            TlsError::InvalidFile {
                problem: FileProblem::InvalidCrl(_),
                ..
            }
        ),
        "{err:?}"
    );
    let missing = TlsSettings {
        crl_file: Some(PathBuf::from("/nonexistent/crl.pem")),
        ..settings_with_ca(&ca)
    };
    assert!(
        TlsConnector::new(&missing)
            .unwrap_err()
            .to_string()
            .contains("cannot read tlsCRLFile")
    );
}

#[test]
fn server_names() {
    assert!(matches!(
        server_name("127.0.0.1").unwrap(),
        ServerName::IpAddress(_)
    ));
    assert!(matches!(
        server_name("::1").unwrap(),
        ServerName::IpAddress(_)
    ));
    assert!(matches!(
        server_name("[::1]").unwrap(),
        ServerName::IpAddress(_)
    ));
    assert!(matches!(
        server_name("db.example.com").unwrap(),
        ServerName::DnsName(_)
    ));
    assert!(matches!(
        server_name("not a host!").unwrap_err(),
        TlsError::InvalidHost { .. }
    ));
}

#[test]
fn certificate_subject_errors() {
    let scratch = Scratch::new();
    let err = certificate_subject("/nonexistent/client.pem").unwrap_err();
    assert!(err.to_string().contains("/nonexistent/client.pem"), "{err}");
    let path = scratch.write("empty.pem", "");
    assert!(matches!(
        certificate_subject(&path).unwrap_err(),
        TlsError::InvalidFile {
            problem: FileProblem::NoCertificate,
            ..
        }
    ));
    assert!(matches!(
        certificate_subject_der(&[0x30, 0x00]).unwrap_err(),
        TlsError::InvalidCertificateDer { .. }
    ));
}

#[test]
fn crlf_pem_files() {
    let scratch = Scratch::new();
    let (pem, key) = certificate(CLIENT);
    let text = format!("{pem}{}", encrypt(&key, "pw")).replace('\n', "\r\n");
    let path = scratch.write("client.pem", text);
    let connector = TlsConnector::new(&settings_with_client(&path, None, Some("pw"))).unwrap();
    assert_eq!(connector.client_certificate_subject(), Some(CLIENT_SUBJECT));
}
