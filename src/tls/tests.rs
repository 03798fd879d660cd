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

/// A small deterministic generator (xorshift64*), so that a failing corpus is the same on rerun.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

fn der(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else if len < 0x100 {
        out.extend([0x81, len as u8]);
    } else {
        out.extend([0x82, (len >> 8) as u8, len as u8]);
    }
    out.extend_from_slice(content);
    out
}

fn oid_content(arcs: &[u64]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encode = |mut value: u64| {
        let mut bytes = vec![(value & 0x7f) as u8];
        value >>= 7;
        while value > 0 {
            bytes.push(0x80 | (value & 0x7f) as u8);
            value >>= 7;
        }
        bytes.reverse();
        out.extend(bytes);
    };
    encode(arcs[0] * 40 + arcs[1]);
    for &arc in &arcs[2..] {
        encode(arc);
    }
    out
}

/// A random attribute value: the DER of a string of one of the types certificates use, holding
/// the characters RFC 2253 escapes, spaces and `#` at either end, control and non-ASCII characters;
/// now and then a SEQUENCE or BIT STRING, which OpenSSL dumps as hex.
fn random_value(random: &mut Random) -> Vec<u8> {
    const SPECIAL: &[char] = &[
        ',', '+', '"', '\\', '<', '>', ';', '#', ' ', '=', '\n', '\u{7f}', '\u{1}', 'é', 'ß', 'Ω',
        '€', '中', '😀', '\u{a0}', 'a', 'Z', '0', '-', '.', '@', '\'', '(', '*',
    ];
    if random.below(40) == 0 {
        // Values OpenSSL refuses to read in a name: the whole certificate is refused.
        let refused: [&[u8]; 5] = [
            b"\x1a\x02ab",       // VisibleString
            b"\x0c\x02\xff\xfe", // UTF8String that is not UTF-8
            b"\x1e\x02\xd8\x00", // BMPString holding a surrogate
            b"\x1e\x01\x00",     // BMPString of odd length
            b"\x02\x01\x05",     // INTEGER
        ];
        return random.pick(&refused).to_vec();
    }
    let len = random.below(12);
    let chars: Vec<char> = (0..len)
        .map(|_| {
            if random.below(3) == 0 {
                *random.pick(SPECIAL)
            } else {
                char::from(b'a' + random.below(26) as u8)
            }
        })
        .collect();
    match random.below(10) {
        0..=2 => der(0x0c, chars.iter().collect::<String>().as_bytes()),
        3 => der(
            0x13,
            &chars
                .iter()
                .map(|&c| (c as u32 % 0x80) as u8)
                .collect::<Vec<_>>(),
        ),
        4 => der(
            0x16,
            &chars
                .iter()
                .map(|&c| (c as u32 % 0x80) as u8)
                .collect::<Vec<_>>(),
        ),
        5 => der(
            0x14,
            &chars
                .iter()
                .map(|&c| (c as u32 % 0x100) as u8)
                .collect::<Vec<_>>(),
        ),
        6 => {
            let units: Vec<u8> = chars
                .iter()
                .filter(|&&c| (c as u32) < 0x10000)
                .flat_map(|&c| (c as u16).to_be_bytes())
                .collect();
            der(0x1e, &units)
        }
        7 => der(
            0x1c,
            &chars
                .iter()
                .flat_map(|&c| (c as u32).to_be_bytes())
                .collect::<Vec<_>>(),
        ),
        8 => der(
            0x12,
            &(0..len)
                .map(|_| b'0' + random.below(10) as u8)
                .collect::<Vec<_>>(),
        ),
        _ => match random.below(2) {
            0 => der(0x30, &der(0x0c, b"inner")),
            _ => der(0x03, &[0x00, random.next() as u8]),
        },
    }
}

/// A random subject `Name`: up to five RDNs, some multi-valued, of attribute types OpenSSL names
/// (the common ones and any object of its table) and types it does not know.
fn random_name(random: &mut Random) -> Vec<u8> {
    const COMMON: &[&[u64]] = &[
        &[2, 5, 4, 3],
        &[2, 5, 4, 6],
        &[2, 5, 4, 7],
        &[2, 5, 4, 8],
        &[2, 5, 4, 10],
        &[2, 5, 4, 11],
        &[2, 5, 4, 9],
        &[2, 5, 4, 5],
        &[2, 5, 4, 12],
        &[2, 5, 4, 42],
        &[2, 5, 4, 4],
        &[2, 5, 4, 43],
        &[2, 5, 4, 46],
        &[2, 5, 4, 65],
        &[2, 5, 4, 17],
        &[2, 5, 4, 15],
        &[2, 5, 4, 44],
        &[2, 5, 4, 13],
        &[2, 5, 4, 97],
        &[1, 2, 840, 113549, 1, 9, 1],
        &[1, 2, 840, 113549, 1, 9, 2],
        &[0, 9, 2342, 19200300, 100, 1, 1],
        &[0, 9, 2342, 19200300, 100, 1, 25],
        &[1, 3, 6, 1, 4, 1, 311, 60, 2, 1, 1],
        &[1, 3, 6, 1, 4, 1, 311, 60, 2, 1, 2],
        &[1, 3, 6, 1, 4, 1, 311, 60, 2, 1, 3],
    ];
    let mut rdns = Vec::new();
    for _ in 0..random.below(6) {
        let mut attributes = Vec::new();
        let count = if random.below(4) == 0 {
            2 + random.below(2)
        } else {
            1
        };
        for _ in 0..count {
            let oid = match random.below(6) {
                0 => {
                    let (dotted, _) = random.pick(super::openssl_names::OPENSSL_SHORT_NAMES);
                    let arcs: Vec<u64> = dotted.split('.').map(|a| a.parse().unwrap()).collect();
                    oid_content(&arcs)
                }
                1 => oid_content(&[
                    1,
                    3,
                    6,
                    1,
                    4,
                    1,
                    55_000 + random.below(1000) as u64,
                    random.below(9) as u64,
                ]),
                _ => oid_content(random.pick::<&[u64]>(COMMON)),
            };
            let mut attribute = der(0x06, &oid);
            attribute.extend(random_value(random));
            attributes.push(der(0x30, &attribute));
        }
        rdns.push(der(0x31, &attributes.concat()));
    }
    der(0x30, &rdns.concat())
}

/// `certificate` with its subject replaced by `name` (the signature no longer verifies, which
/// neither OpenSSL's `x509 -subject` nor the subject reader looks at).
fn with_subject(certificate: &[u8], name: &[u8]) -> Vec<u8> {
    fn split(input: &[u8]) -> (u8, &[u8], &[u8]) {
        let tag = input[0];
        let (len, header) = match input[1] {
            n if n < 0x80 => (usize::from(n), 2),
            0x81 => (usize::from(input[2]), 3),
            0x82 => ((usize::from(input[2]) << 8) | usize::from(input[3]), 4),
            other => panic!("length form {other:#x}"),
        };
        (tag, &input[header..header + len], &input[header + len..])
    }
    let (_, cert, _) = split(certificate);
    let (_, tbs, after_tbs) = split(cert);
    let mut fields = Vec::new();
    let mut rest = tbs;
    while !rest.is_empty() {
        let (_, _, after) = split(rest);
        fields.push(&rest[..rest.len() - after.len()]);
        rest = after;
    }
    // version, serial, signature algorithm, issuer, validity, subject, ...
    let subject_index = if fields[0][0] == 0xa0 { 5 } else { 4 };
    let mut new_tbs = Vec::new();
    for (index, field) in fields.iter().enumerate() {
        new_tbs.extend_from_slice(if index == subject_index { name } else { field });
    }
    let mut new_cert = der(0x30, &new_tbs);
    new_cert.extend_from_slice(after_tbs);
    der(0x30, &new_cert)
}

/// The subject reader against `openssl x509 -subject -nameopt RFC2253`, byte for byte, on a
/// generated corpus of certificates with random attribute types, string types, multi-valued RDNs
/// and values. The README test command installs the openssl CLI; without it (outside CI) the test
/// says it did not run.
#[test]
fn subject_matches_openssl_on_a_random_corpus() {
    if std::process::Command::new("openssl")
        .arg("version")
        .output()
        .is_err()
    {
        assert!(
            std::env::var_os("CI").is_none(),
            "the openssl CLI is missing: scripts/test-all.sh installs it"
        );
        eprintln!("not run: no openssl CLI to compare with (apt-get install openssl)");
        return;
    }
    const CORPUS: usize = 240;
    let scratch = Scratch::new();
    let template = {
        let (pem, _) = certificate(CLIENT);
        <rustls_pki_types::CertificateDer<'_> as rustls_pki_types::pem::PemObject>::from_pem_slice(
            pem.as_bytes(),
        )
        .unwrap()
        .to_vec()
    };
    let mut random = Random(0x5eed_2253_0000_0001);
    let mut compared = 0;
    for index in 0..CORPUS {
        let name = random_name(&mut random);
        let certificate = with_subject(&template, &name);
        let path = scratch.write(&format!("c{index}.der"), &certificate);
        let out = std::process::Command::new("openssl")
            .args([
                "x509", "-inform", "DER", "-noout", "-subject", "-nameopt", "RFC2253", "-in",
            ])
            .arg(&path)
            .output()
            .unwrap();
        let ours = subject::rfc2253_subject(&certificate);
        let theirs = out
            .status
            .success()
            .then(|| String::from_utf8(out.stdout).unwrap());
        match (ours, theirs) {
            (Ok(ours), Some(theirs)) => {
                let expected = theirs
                    .trim_end_matches('\n')
                    .strip_prefix("subject=")
                    .unwrap();
                assert_eq!(ours, expected, "certificate #{index}: name {name:02X?}");
                compared += 1;
            }
            (Err(_), None) => {}
            (ours, theirs) => panic!(
                "certificate #{index}: ours {ours:?}, openssl {theirs:?} ({}); name {name:02X?}",
                String::from_utf8_lossy(&out.stderr)
            ),
        }
    }
    eprintln!("{compared} of {CORPUS} subjects equal to OpenSSL's; the rest refused by both");
    assert!(compared >= 200, "only {compared} subjects compared");
}

/// Where RFC 2253 and OpenSSL part ways, the subject follows OpenSSL, as the server does: its own
/// names (`street`, `serialNumber`, `emailAddress`) rather than STREET and dotted OIDs.
#[test]
fn subject_uses_openssl_names() {
    let scratch = Scratch::new();
    let (pem, _) = certificate(&[
        (DnType::CustomDnType(vec![2, 5, 4, 9]), "1 Main St"),
        (DnType::CustomDnType(vec![2, 5, 4, 5]), "42"),
        (DnType::CommonName, "x"),
    ]);
    let path = scratch.write("c.crt", &pem);
    assert_eq!(
        certificate_subject(&path).unwrap(),
        "CN=x,serialNumber=42,street=1 Main St"
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
