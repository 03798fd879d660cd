//! Reading the PEM files the TLS options name: CA bundles, client certificates and keys, CRLs.

use std::path::{Path, PathBuf};

use mongo_auth_core::Password;
use rustls_pki_types::pem::{PemObject, SectionKind};
use rustls_pki_types::{
    CertificateDer, CertificateRevocationListDer, PrivateKeyDer, PrivatePkcs1KeyDer,
    PrivatePkcs8KeyDer, PrivateSec1KeyDer,
};
use zeroize::{Zeroize, Zeroizing};

use super::error::{FileProblem, TlsError};
use super::{option, subject};

/// The PEM sections of one file, by kind.
#[derive(Default)]
struct Sections {
    certificates: Vec<CertificateDer<'static>>,
    keys: PrivateKeys,
    encrypted_keys: Vec<pkcs8::der::SecretDocument>,
    crls: Vec<CertificateRevocationListDer<'static>>,
}

/// Private keys read from a file: every one not handed on is zeroed when dropped.
#[derive(Default)]
struct PrivateKeys(Vec<PrivateKeyDer<'static>>);

impl PrivateKeys {
    fn push(&mut self, key: PrivateKeyDer<'static>) {
        self.0.push(key);
    }

    /// The first key, moved out; the others stay to be wiped.
    fn take_first(&mut self) -> Option<PrivateKeyDer<'static>> {
        (!self.0.is_empty()).then(|| self.0.remove(0))
    }
}

impl Drop for PrivateKeys {
    fn drop(&mut self) {
        self.0.iter_mut().for_each(Zeroize::zeroize);
    }
}

fn read(path: &Path, option: &'static str) -> Result<Zeroizing<Vec<u8>>, TlsError> {
    std::fs::read(path)
        .map(Zeroizing::new)
        .map_err(|source| TlsError::ReadFile {
            option,
            path: path.to_owned(),
            source,
        })
}

fn invalid(option: &'static str, path: &Path, problem: FileProblem) -> TlsError {
    TlsError::InvalidFile {
        option,
        path: path.to_owned(),
        problem,
    }
}

const ENCRYPTED_BEGIN: &str = "-----BEGIN ENCRYPTED PRIVATE KEY-----";
const ENCRYPTED_END: &str = "-----END ENCRYPTED PRIVATE KEY-----";

/// Reads and splits a PEM file. Unknown section kinds (and text between sections) are ignored, as
/// OpenSSL does; broken PEM is an error.
fn sections(path: &Path, option: &'static str) -> Result<Sections, TlsError> {
    let bytes = read(path, option)?;
    let mut out = Sections::default();
    let text = Zeroizing::new(String::from_utf8_lossy(&bytes).into_owned());
    if text.contains("Proc-Type: 4,ENCRYPTED") {
        return Err(invalid(option, path, FileProblem::LegacyEncryptedKey));
    }
    // `ENCRYPTED PRIVATE KEY` is not a section kind rustls-pki-types knows: each such block is
    // decoded by pkcs8's PEM support (RFC 7468) into a document that is zeroed when dropped.
    let mut rest: &str = &text;
    while let Some(start) = rest.find(ENCRYPTED_BEGIN) {
        let block = &rest[start..];
        let Some(end) = block
            .find(ENCRYPTED_END)
            .map(|end| end + ENCRYPTED_END.len())
        else {
            return Err(invalid(
                option,
                path,
                FileProblem::MalformedPem(format!("`{ENCRYPTED_BEGIN}` without its end line")),
            ));
        };
        let (_, document) = pkcs8::der::SecretDocument::from_pem(&block[..end]).map_err(|e| {
            invalid(
                option,
                path,
                FileProblem::MalformedPem(format!("an encrypted key: {e}")),
            )
        })?;
        out.encrypted_keys.push(document);
        rest = &block[end..];
    }
    for section in <(SectionKind, Vec<u8>) as PemObject>::pem_slice_iter(&bytes) {
        let (kind, der) =
            section.map_err(|e| invalid(option, path, FileProblem::MalformedPem(e.to_string())))?;
        match kind {
            SectionKind::Certificate => out.certificates.push(CertificateDer::from(der)),
            SectionKind::PrivateKey => out
                .keys
                .push(PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(der))),
            SectionKind::RsaPrivateKey => out
                .keys
                .push(PrivateKeyDer::Pkcs1(PrivatePkcs1KeyDer::from(der))),
            SectionKind::EcPrivateKey => out
                .keys
                .push(PrivateKeyDer::Sec1(PrivateSec1KeyDer::from(der))),
            SectionKind::Crl => out.crls.push(CertificateRevocationListDer::from(der)),
            _ => {}
        }
    }
    Ok(out)
}

/// `tlsCAFile`: every certificate in the bundle becomes a trust anchor; one that cannot is an error.
pub(crate) fn load_roots(path: &Path) -> Result<rustls::RootCertStore, TlsError> {
    let option = option::CA_FILE;
    let found = sections(path, option)?;
    if found.certificates.is_empty() {
        return Err(invalid(option, path, FileProblem::NoCertificate));
    }
    let mut roots = rustls::RootCertStore::empty();
    for (index, certificate) in found.certificates.into_iter().enumerate() {
        roots.add(certificate).map_err(|e| {
            invalid(
                option,
                path,
                FileProblem::InvalidCertificate(format!("certificate #{}: {e}", index + 1)),
            )
        })?;
    }
    Ok(roots)
}

/// `tlsCRLFile`: every CRL in the file; a file without one is an error.
pub(crate) fn load_crls(
    path: &Path,
) -> Result<Vec<CertificateRevocationListDer<'static>>, TlsError> {
    let option = option::CRL_FILE;
    let found = sections(path, option)?;
    if found.crls.is_empty() {
        return Err(invalid(option, path, FileProblem::NoCrl));
    }
    // Parse each now, so a broken CRL is reported with its file rather than at the first handshake.
    for (index, crl) in found.crls.iter().enumerate() {
        webpki::OwnedCertRevocationList::from_der(crl.as_ref()).map_err(|e| {
            invalid(
                option,
                path,
                FileProblem::InvalidCrl(format!("CRL #{}: {e}", index + 1)),
            )
        })?;
    }
    Ok(found.crls)
}

/// The client certificate chain, its key and its subject.
pub(crate) struct ClientIdentity {
    pub(crate) chain: Vec<CertificateDer<'static>>,
    pub(crate) key: PrivateKeyDer<'static>,
    pub(crate) subject: String,
}

/// `tlsCertificateKeyFile` (certificate and key in one file, or the key in `key_file`) and
/// `tlsCertificateKeyFilePassword`.
pub(crate) fn load_client_identity(
    certificate_file: &Path,
    key_file: Option<&Path>,
    key_password: Option<&Password>,
) -> Result<ClientIdentity, TlsError> {
    let option = option::CERTIFICATE_KEY_FILE;
    let certificate_sections = sections(certificate_file, option)?;
    if certificate_sections.certificates.is_empty() {
        return Err(invalid(
            option,
            certificate_file,
            FileProblem::NoCertificate,
        ));
    }
    let subject = subject::rfc2253_subject(&certificate_sections.certificates[0]).map_err(|e| {
        invalid(
            option,
            certificate_file,
            FileProblem::InvalidCertificate(e.to_owned()),
        )
    })?;

    let (mut key_sections, key_path): (Sections, PathBuf) = match key_file {
        Some(path) => (sections(path, option)?, path.to_owned()),
        None => (
            certificate_sections_keys(&certificate_sections),
            certificate_file.to_owned(),
        ),
    };
    let key = match (
        key_sections.keys.take_first(),
        key_sections.encrypted_keys.first(),
    ) {
        (Some(key), _) => key,
        (None, Some(encrypted)) => {
            let Some(password) = key_password else {
                return Err(TlsError::KeyPasswordMissing { path: key_path });
            };
            decrypt_key(encrypted.as_bytes(), password, &key_path)?
        }
        (None, None) => return Err(invalid(option, &key_path, FileProblem::NoPrivateKey)),
    };
    Ok(ClientIdentity {
        chain: certificate_sections.certificates,
        key,
        subject,
    })
}

/// The key sections of an already-split file (the certificates stay where they are).
fn certificate_sections_keys(all: &Sections) -> Sections {
    Sections {
        keys: PrivateKeys(all.keys.0.iter().map(PrivateKeyDer::clone_key).collect()),
        encrypted_keys: all.encrypted_keys.clone(),
        ..Sections::default()
    }
}

/// Decrypts a PKCS#8 `EncryptedPrivateKeyInfo` (PBES2) with the key password.
fn decrypt_key(
    der: &[u8],
    password: &Password,
    path: &Path,
) -> Result<PrivateKeyDer<'static>, TlsError> {
    let encrypted = pkcs8::EncryptedPrivateKeyInfoRef::try_from(der).map_err(|e| {
        invalid(
            option::CERTIFICATE_KEY_FILE,
            path,
            FileProblem::UnsupportedKeyEncryption(e.to_string()),
        )
    })?;
    if encrypted.encryption_algorithm.pbes2().is_none() {
        return Err(invalid(
            option::CERTIFICATE_KEY_FILE,
            path,
            FileProblem::UnsupportedKeyEncryption("PBES1".to_owned()),
        ));
    }
    let document = match encrypted.decrypt(password.expose_secret().as_bytes()) {
        Ok(document) => document,
        Err(pkcs8::Error::EncryptedPrivateKey(
            pkcs8::pkcs5::Error::UnsupportedAlgorithm { oid }
            | pkcs8::pkcs5::Error::AlgorithmParametersInvalid { oid },
        )) => {
            return Err(invalid(
                option::CERTIFICATE_KEY_FILE,
                path,
                FileProblem::UnsupportedKeyEncryption(format!("algorithm {oid}")),
            ));
        }
        // A wrong password shows as bad padding or, rarely, as plaintext that is not DER.
        Err(_) => {
            return Err(TlsError::KeyPasswordWrong {
                path: path.to_owned(),
            });
        }
    };
    Ok(PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
        document.as_bytes().to_vec(),
    )))
}

/// The subject of the first certificate of a PEM file.
pub(crate) fn first_certificate_subject(
    path: &Path,
    option: &'static str,
) -> Result<String, TlsError> {
    let found = sections(path, option)?;
    let first = found
        .certificates
        .first()
        .ok_or_else(|| invalid(option, path, FileProblem::NoCertificate))?;
    subject::rfc2253_subject(first)
        .map_err(|e| invalid(option, path, FileProblem::InvalidCertificate(e.to_owned())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_keys_not_handed_on_are_wiped() {
        let key = |byte: u8| PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(vec![byte; 32]));
        let mut keys = PrivateKeys::default();
        keys.push(key(1));
        keys.push(key(2));
        assert_eq!(keys.take_first().unwrap().secret_der(), &[1; 32]);
        // What stays is zeroed on drop: the same zeroing, run by hand here to look at it.
        keys.0.iter_mut().for_each(Zeroize::zeroize);
        assert!(keys.0[0].secret_der().iter().all(|&b| b == 0));
    }
}
