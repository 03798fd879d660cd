//! The two relaxed server-certificate verifiers behind `tlsAllowInvalidHostnames` and
//! `tlsAllowInvalidCertificates`.

use std::sync::Arc;

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::{CertificateError, DigitallySignedStruct, DistinguishedName, SignatureScheme};
use rustls_pki_types::{CertificateDer, ServerName, UnixTime};

/// The handshake-signature methods of [`ServerCertVerifier`] (`verify_tls12_signature`,
/// `verify_tls13_signature`, `supported_verify_schemes`), each returning the expression given for
/// it. The caller names the receiver and the arguments so that its expressions can use them.
macro_rules! handshake_signatures {
    (
        $self:ident, $message:ident, $cert:ident, $dss:ident;
        tls12: $tls12:expr,
        tls13: $tls13:expr,
        schemes: $schemes:expr $(,)?
    ) => {
        fn verify_tls12_signature(
            &$self,
            $message: &[u8],
            $cert: &CertificateDer<'_>,
            $dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            $tls12
        }

        fn verify_tls13_signature(
            &$self,
            $message: &[u8],
            $cert: &CertificateDer<'_>,
            $dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            $tls13
        }

        fn supported_verify_schemes(&$self) -> Vec<SignatureScheme> {
            $schemes
        }
    };
}

/// `tlsAllowInvalidHostnames`: the WebPKI verifier with only the host-name mismatch forgiven.
///
/// rustls' WebPKI verifier checks the chain (issuer, dates, revocation) first and the name last,
/// so a name error means everything else passed; any other error is returned unchanged.
#[derive(Debug)]
pub(crate) struct NoHostnameCheck {
    inner: Arc<WebPkiServerVerifier>,
}

impl NoHostnameCheck {
    pub(crate) fn new(inner: Arc<WebPkiServerVerifier>) -> Self {
        Self { inner }
    }
}

impl ServerCertVerifier for NoHostnameCheck {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match self.inner.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        ) {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    handshake_signatures! {
        self, message, cert, dss;
        tls12: self.inner.verify_tls12_signature(message, cert, dss),
        tls13: self.inner.verify_tls13_signature(message, cert, dss),
        schemes: self.inner.supported_verify_schemes(),
    }

    fn root_hint_subjects(&self) -> Option<&[DistinguishedName]> {
        self.inner.root_hint_subjects()
    }
}

/// `tlsAllowInvalidCertificates`: no check of the certificate chain, its dates or its names.
///
/// The handshake signatures are still verified with the presented certificate's key, so the peer
/// must hold the private key of the certificate it presents.
#[derive(Debug)]
pub(crate) struct NoChainCheck {
    provider: Arc<CryptoProvider>,
}

impl NoChainCheck {
    pub(crate) fn new(provider: Arc<CryptoProvider>) -> Self {
        Self { provider }
    }
}

impl ServerCertVerifier for NoChainCheck {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    handshake_signatures! {
        self, message, cert, dss;
        tls12: rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        ),
        tls13: rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        ),
        schemes: self.provider.signature_verification_algorithms.supported_schemes(),
    }
}
