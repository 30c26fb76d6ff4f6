// PATCH(client-cert-required): TLS for the plugin server, done here instead of by tonic.
//
// go-plugin servers *require* the client certificate terraform passes in PLUGIN_CLIENT_CERT.
// Upstream made it optional, and simply switching tonic's `client_auth_optional(false)` breaks
// every handshake: go-plugin's client key is ECDSA P-521 (signatures ecdsa_secp521r1_sha512),
// which rustls' ring provider cannot verify, so rustls never advertises that scheme and Go's
// TLS client then sends no certificate at all. Upstream's "optional" silently accepted that.
//
// Here the server:
// - pins the exact certificate from PLUGIN_CLIENT_CERT (byte equality: stronger than a chain
//   check, and go-plugin's self-signed CA-flagged certificate is not a valid webpki end entity);
// - verifies the handshake signature, with P-521/SHA-512 added through the pure-Rust `p521` crate;
// - refuses any client without that certificate.

use std::fmt;
use std::sync::Arc;

use rustls::client::danger::HandshakeSignatureValid;
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::{
    alg_id, AlgorithmIdentifier, CertificateDer, InvalidSignature, PrivateKeyDer,
    PrivatePkcs8KeyDer, SignatureVerificationAlgorithm, UnixTime,
};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{DigitallySignedStruct, DistinguishedName, SignatureScheme};

/// ECDSA over P-521 with SHA-512, the scheme of go-plugin's client certificates.
#[derive(Debug)]
struct EcdsaP521Sha512;

impl SignatureVerificationAlgorithm for EcdsaP521Sha512 {
    fn verify_signature(
        &self,
        public_key: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), InvalidSignature> {
        use p521::ecdsa::signature::Verifier;
        let key =
            p521::ecdsa::VerifyingKey::from_sec1_bytes(public_key).map_err(|_| InvalidSignature)?;
        let sig = p521::ecdsa::Signature::from_der(signature).map_err(|_| InvalidSignature)?;
        key.verify(message, &sig).map_err(|_| InvalidSignature)
    }

    fn public_key_alg_id(&self) -> AlgorithmIdentifier {
        alg_id::ECDSA_P521
    }

    fn signature_alg_id(&self) -> AlgorithmIdentifier {
        alg_id::ECDSA_SHA512
    }
}

static P521: &[&dyn SignatureVerificationAlgorithm] = &[&EcdsaP521Sha512];

/// ring's algorithms plus P-521.
fn algorithms() -> WebPkiSupportedAlgorithms {
    let ring = rustls::crypto::ring::default_provider().signature_verification_algorithms;
    let all: Vec<&'static dyn SignatureVerificationAlgorithm> = ring
        .all
        .iter()
        .copied()
        .chain(P521.iter().copied())
        .collect();
    let mapping: Vec<(
        SignatureScheme,
        &'static [&'static dyn SignatureVerificationAlgorithm],
    )> = std::iter::once((SignatureScheme::ECDSA_NISTP521_SHA512, P521))
        .chain(ring.mapping.iter().copied())
        .collect();
    // Built once per process (one server): leaking two small slices gives the 'static lifetime
    // rustls requires.
    WebPkiSupportedAlgorithms {
        all: Box::leak(all.into_boxed_slice()),
        mapping: Box::leak(mapping.into_boxed_slice()),
    }
}

/// Accepts exactly one client certificate.
struct PinnedClientCert {
    der: Vec<u8>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl fmt::Debug for PinnedClientCert {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PinnedClientCert").finish_non_exhaustive()
    }
}

impl ClientCertVerifier for PinnedClientCert {
    fn client_auth_mandatory(&self) -> bool {
        true
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        if end_entity.as_ref() == self.der.as_slice() {
            Ok(ClientCertVerified::assertion())
        } else {
            Err(rustls::Error::General(
                "client certificate is not the one terraform announced in PLUGIN_CLIENT_CERT"
                    .into(),
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// The server's rustls configuration: our certificate, terraform's pinned, HTTP/2 by ALPN.
pub(crate) fn server_config(
    client_cert_pem: &str,
    server_cert_der: Vec<u8>,
    server_key_pkcs8: Vec<u8>,
) -> anyhow::Result<Arc<rustls::ServerConfig>> {
    let client_der = rustls_pemfile::certs(&mut client_cert_pem.as_bytes())
        .next()
        .ok_or_else(|| anyhow::anyhow!("PLUGIN_CLIENT_CERT holds no PEM certificate"))??
        .as_ref()
        .to_vec();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = Arc::new(PinnedClientCert {
        der: client_der,
        algorithms: algorithms(),
    });
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_client_cert_verifier(verifier)
        .with_single_cert(
            vec![CertificateDer::from(server_cert_der)],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key_pkcs8)),
        )?;
    config.alpn_protocols = vec![b"h2".to_vec()];
    Ok(Arc::new(config))
}
