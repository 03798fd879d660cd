//! A throwaway test PKI made with rcgen: a CA, server certificates (good, expired, wrong host name,
//! revoked), client certificates (plain, encrypted key, key in a file of its own, one from another
//! CA, one whose subject needs RFC 2253 escaping), a second CA and a CRL — written as PEM files to a
//! directory for the tests, the quickstart and the examples.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use rcgen::{
    BasicConstraints, CertificateParams, CertificateRevocationListParams, DistinguishedName,
    DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyIdMethod, KeyPair, KeyUsagePurpose,
    RevokedCertParams, SerialNumber, date_time_ymd,
};

/// The RFC 2253 subject of [`TestPki::client`], the MONGODB-X509 user it authenticates as.
pub const CLIENT_SUBJECT: &str = "CN=client,OU=clients,O=mongo-auth,L=Reykjavik,ST=Capital,C=IS";

/// The RFC 2253 subject of [`TestPki::client_escaped`]: every character RFC 2253 escapes.
pub const ESCAPED_CLIENT_SUBJECT: &str =
    r#"CN=\#Doe\, \"J\" \<j\>\; a\+b\\c\ ,OU=clients,O=mongo-auth"#;

/// The password of [`TestPki::client_encrypted`]'s key.
pub const KEY_PASSWORD: &str = "correct horse battery staple";

/// A certificate file, with the key in the same file (`pem`) and in files of their own.
#[derive(Clone, Debug)]
pub struct CertifiedFiles {
    /// The certificate followed by its private key (what `tlsCertificateKeyFile` takes).
    pub pem: PathBuf,
    /// The certificate alone.
    pub certificate: PathBuf,
    /// The private key alone (PKCS#8 PEM; encrypted for the encrypted-key client).
    pub key: PathBuf,
}

/// The generated PKI. The files live in [`TestPki::dir`], which is removed when this is dropped if it
/// was made by [`TestPki::generate_temporary`].
#[derive(Debug)]
pub struct TestPki {
    /// The directory holding every file.
    pub dir: PathBuf,
    /// The test CA certificate (`tlsCAFile`).
    pub ca: PathBuf,
    /// A second CA that signed nothing the server uses (a wrong `tlsCAFile`).
    pub other_ca: PathBuf,
    /// The server certificate for `localhost`, `127.0.0.1` and `::1`.
    pub server: CertifiedFiles,
    /// A server certificate that expired in 2001.
    pub server_expired: CertifiedFiles,
    /// A server certificate for `db.invalid` only.
    pub server_wrong_host: CertifiedFiles,
    /// A server certificate for the loopback names that [`TestPki::crl`] revokes.
    pub server_revoked: CertifiedFiles,
    /// A server certificate for the loopback names issued by the other CA.
    pub server_other_ca: CertifiedFiles,
    /// A CRL from the test CA revoking [`TestPki::server_revoked`].
    pub crl: PathBuf,
    /// A CRL from the test CA that revokes nothing and whose next update passed in 2001.
    pub crl_expired: PathBuf,
    /// The client certificate whose subject is [`CLIENT_SUBJECT`].
    pub client: CertifiedFiles,
    /// The same client certificate with its key encrypted (PKCS#8, PBES2) under [`KEY_PASSWORD`].
    pub client_encrypted: CertifiedFiles,
    /// A client certificate whose subject is [`ESCAPED_CLIENT_SUBJECT`].
    pub client_escaped: CertifiedFiles,
    /// A client certificate issued by the other CA (the server does not trust it).
    pub client_other_ca: CertifiedFiles,
    temporary: bool,
}

fn rcgen_error(e: rcgen::Error) -> io::Error {
    io::Error::other(format!("rcgen: {e}"))
}

struct Authority {
    issuer: Issuer<'static, KeyPair>,
    pem: String,
}

fn authority(common_name: &str) -> Result<Authority, rcgen::Error> {
    let key = KeyPair::generate()?;
    let mut params = CertificateParams::default();
    params.distinguished_name = DistinguishedName::new();
    params
        .distinguished_name
        .push(DnType::OrganizationName, "mongo-auth");
    params
        .distinguished_name
        .push(DnType::CommonName, common_name);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let certificate = params.self_signed(&key)?;
    Ok(Authority {
        pem: certificate.pem(),
        issuer: Issuer::new(params, key),
    })
}

struct Leaf {
    certificate_pem: String,
    key: KeyPair,
}

fn server_leaf(
    names: &[&str],
    ca: &Authority,
    serial: u64,
    expired: bool,
) -> Result<Leaf, rcgen::Error> {
    let key = KeyPair::generate()?;
    let mut params =
        CertificateParams::new(names.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>())?;
    params.distinguished_name = DistinguishedName::new();
    params
        .distinguished_name
        .push(DnType::OrganizationName, "mongo-auth");
    params.distinguished_name.push(DnType::CommonName, names[0]);
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    params.serial_number = Some(SerialNumber::from(serial));
    params.use_authority_key_identifier_extension = true;
    if expired {
        params.not_before = date_time_ymd(2000, 1, 1);
        params.not_after = date_time_ymd(2001, 1, 1);
    }
    Ok(Leaf {
        certificate_pem: params.signed_by(&key, &ca.issuer)?.pem(),
        key,
    })
}

fn client_leaf(
    subject: &[(DnType, &str)],
    ca: &Authority,
    serial: u64,
) -> Result<Leaf, rcgen::Error> {
    let key = KeyPair::generate()?;
    let mut params = CertificateParams::default();
    params.distinguished_name = DistinguishedName::new();
    for (kind, value) in subject {
        params.distinguished_name.push(kind.clone(), *value);
    }
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    params.serial_number = Some(SerialNumber::from(serial));
    params.use_authority_key_identifier_extension = true;
    Ok(Leaf {
        certificate_pem: params.signed_by(&key, &ca.issuer)?.pem(),
        key,
    })
}

/// Encrypts a PKCS#8 key with PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC), as
/// `openssl pkcs8 -topk8 -v2 aes-256-cbc` does, and returns the `ENCRYPTED PRIVATE KEY` PEM.
pub fn encrypt_pkcs8_pem(pkcs8_der: &[u8], password: &str) -> io::Result<String> {
    use pkcs8::pkcs5::pbes2;
    let mut salt = [0u8; 16];
    let mut iv = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| io::Error::other(format!("getrandom: {e}")))?;
    getrandom::fill(&mut iv).map_err(|e| io::Error::other(format!("getrandom: {e}")))?;
    let bad = |e: String| io::Error::other(format!("pkcs8: {e}"));
    let params = pbes2::Parameters::generate_pbkdf2_sha256_aes256cbc(2048, &salt, iv)
        .map_err(|e| bad(e.to_string()))?;
    let info = pkcs8::PrivateKeyInfoRef::try_from(pkcs8_der).map_err(|e| bad(e.to_string()))?;
    let encrypted = info
        .encrypt_with_params(params, password)
        .map_err(|e| bad(e.to_string()))?;
    let pem = encrypted
        .to_pem("ENCRYPTED PRIVATE KEY", pkcs8::LineEnding::LF)
        .map_err(|e| bad(e.to_string()))?;
    Ok(pem.to_string())
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

impl TestPki {
    /// Generates the PKI into a fresh directory under the system's temporary directory, removed on
    /// drop.
    pub fn generate_temporary() -> io::Result<Self> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let dir = std::env::temp_dir().join(format!(
            "mongo-auth-pki-{}-{}-{nanos}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let mut pki = Self::generate(&dir)?;
        pki.temporary = true;
        Ok(pki)
    }

    /// Generates the PKI into `dir` (created if missing; files in it are overwritten).
    pub fn generate(dir: impl AsRef<Path>) -> io::Result<Self> {
        let dir = dir.as_ref().to_owned();
        std::fs::create_dir_all(&dir)?;
        let write = |name: &str, contents: &str| -> io::Result<PathBuf> {
            let path = dir.join(name);
            std::fs::write(&path, contents)?;
            Ok(path)
        };
        let write_leaf = |name: &str, leaf: &Leaf| -> io::Result<CertifiedFiles> {
            let key = leaf.key.serialize_pem();
            Ok(CertifiedFiles {
                pem: write(
                    &format!("{name}.pem"),
                    &format!("{}{key}", leaf.certificate_pem),
                )?,
                certificate: write(&format!("{name}.crt"), &leaf.certificate_pem)?,
                key: write(&format!("{name}.key"), &key)?,
            })
        };

        let ca = authority("mongo-auth test CA").map_err(rcgen_error)?;
        let other_ca = authority("mongo-auth other CA").map_err(rcgen_error)?;
        let loopback = ["localhost", "127.0.0.1", "::1"];

        let server = server_leaf(&loopback, &ca, 10, false).map_err(rcgen_error)?;
        let server_expired = server_leaf(&loopback, &ca, 11, true).map_err(rcgen_error)?;
        let server_wrong_host =
            server_leaf(&["db.invalid"], &ca, 12, false).map_err(rcgen_error)?;
        let server_revoked = server_leaf(&loopback, &ca, 13, false).map_err(rcgen_error)?;
        let server_other_ca = server_leaf(&loopback, &other_ca, 14, false).map_err(rcgen_error)?;

        let client_subject = [
            (DnType::CountryName, "IS"),
            (DnType::StateOrProvinceName, "Capital"),
            (DnType::LocalityName, "Reykjavik"),
            (DnType::OrganizationName, "mongo-auth"),
            (DnType::OrganizationalUnitName, "clients"),
            (DnType::CommonName, "client"),
        ];
        let client = client_leaf(&client_subject, &ca, 20).map_err(rcgen_error)?;
        let client_escaped = client_leaf(
            &[
                (DnType::OrganizationName, "mongo-auth"),
                (DnType::OrganizationalUnitName, "clients"),
                (DnType::CommonName, r#"#Doe, "J" <j>; a+b\c "#),
            ],
            &ca,
            21,
        )
        .map_err(rcgen_error)?;
        let client_other_ca = client_leaf(&client_subject, &other_ca, 22).map_err(rcgen_error)?;

        let crl = CertificateRevocationListParams {
            this_update: date_time_ymd(2024, 1, 1),
            next_update: date_time_ymd(4000, 1, 1),
            crl_number: SerialNumber::from(1u64),
            issuing_distribution_point: None,
            revoked_certs: vec![RevokedCertParams {
                serial_number: SerialNumber::from(13u64),
                revocation_time: date_time_ymd(2024, 1, 1),
                reason_code: Some(rcgen::RevocationReason::KeyCompromise),
                invalidity_date: None,
            }],
            key_identifier_method: KeyIdMethod::Sha256,
        }
        .signed_by(&ca.issuer)
        .map_err(rcgen_error)?
        .pem()
        .map_err(rcgen_error)?;

        let crl_expired = CertificateRevocationListParams {
            this_update: date_time_ymd(2000, 1, 1),
            next_update: date_time_ymd(2001, 1, 1),
            crl_number: SerialNumber::from(2u64),
            issuing_distribution_point: None,
            revoked_certs: Vec::new(),
            key_identifier_method: KeyIdMethod::Sha256,
        }
        .signed_by(&ca.issuer)
        .map_err(rcgen_error)?
        .pem()
        .map_err(rcgen_error)?;

        let encrypted_key = encrypt_pkcs8_pem(&client.key.serialize_der(), KEY_PASSWORD)?;
        let client_encrypted = CertifiedFiles {
            pem: write(
                "client-encrypted.pem",
                &format!("{}{encrypted_key}", client.certificate_pem),
            )?,
            certificate: dir.join("client.crt"),
            key: write("client-encrypted.key", &encrypted_key)?,
        };

        Ok(Self {
            ca: write("ca.pem", &ca.pem)?,
            other_ca: write("other-ca.pem", &other_ca.pem)?,
            server: write_leaf("server", &server)?,
            server_expired: write_leaf("server-expired", &server_expired)?,
            server_wrong_host: write_leaf("server-wrong-host", &server_wrong_host)?,
            server_revoked: write_leaf("server-revoked", &server_revoked)?,
            server_other_ca: write_leaf("server-other-ca", &server_other_ca)?,
            crl: write("crl.pem", &crl)?,
            crl_expired: write("crl-expired.pem", &crl_expired)?,
            client: write_leaf("client", &client)?,
            client_encrypted,
            client_escaped: write_leaf("client-escaped", &client_escaped)?,
            client_other_ca: write_leaf("client-other-ca", &client_other_ca)?,
            dir,
            temporary: false,
        })
    }
}

impl Drop for TestPki {
    fn drop(&mut self) {
        if self.temporary {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}
