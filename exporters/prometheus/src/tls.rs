//! TLS for the endpoints (`tls` feature; rustls with the `ring` provider, so
//! no C build tools beyond a C compiler are needed), optionally verifying
//! client certificates against a CA.

use std::path::Path;
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::WebPkiClientVerifier;
use rustls::{RootCertStore, ServerConfig};

use crate::error::BuildError;

/// Server certificate, key and optional client-certificate verification.
///
/// ```no_run
/// # fn main() -> Result<(), vitals_prometheus::BuildError> {
/// let tls = vitals_prometheus::TlsConfig::from_pem_files("server.crt", "server.key")?
///     .require_client_certificates_from_file("clients-ca.crt")?;
/// # let _ = tls; Ok(()) }
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "tls")))]
#[derive(Clone, Debug)]
pub struct TlsConfig {
    chain: Vec<CertificateDer<'static>>,
    key: Arc<PrivateKeyDer<'static>>,
    client_roots: Option<Arc<RootCertStore>>,
    client_optional: bool,
}

impl TlsConfig {
    /// From a PEM certificate chain (leaf first) and a PEM private key.
    pub fn from_pem(certificate_chain: &[u8], private_key: &[u8]) -> Result<Self, BuildError> {
        let chain = certificates(certificate_chain, "certificate")?;
        let key = PrivateKeyDer::from_pem_slice(private_key).map_err(|error| BuildError::Tls {
            what: "private key",
            reason: error.to_string(),
        })?;
        let config = Self {
            chain,
            key: Arc::new(key),
            client_roots: None,
            client_optional: false,
        };
        config.server_config()?;
        Ok(config)
    }

    /// From PEM files.
    pub fn from_pem_files(
        certificate_chain: impl AsRef<Path>,
        private_key: impl AsRef<Path>,
    ) -> Result<Self, BuildError> {
        Self::from_pem(
            &read(certificate_chain.as_ref())?,
            &read(private_key.as_ref())?,
        )
    }

    /// Requires every client to present a certificate signed by one of the
    /// CAs in `ca_pem`; the handshake fails otherwise.
    pub fn require_client_certificates(self, ca_pem: &[u8]) -> Result<Self, BuildError> {
        self.with_client_roots(ca_pem, false)
    }

    /// Verifies a client certificate against the CAs in `ca_pem` when the
    /// client presents one, and also serves clients without one: the
    /// handshake fails only for an untrusted certificate. Combine with a
    /// bearer token when anonymous clients must not read `/metrics`.
    pub fn verify_client_certificates_if_presented(
        self,
        ca_pem: &[u8],
    ) -> Result<Self, BuildError> {
        self.with_client_roots(ca_pem, true)
    }

    fn with_client_roots(mut self, ca_pem: &[u8], optional: bool) -> Result<Self, BuildError> {
        let mut roots = RootCertStore::empty();
        for certificate in certificates(ca_pem, "client CA")? {
            roots.add(certificate).map_err(|error| BuildError::Tls {
                what: "client CA",
                reason: error.to_string(),
            })?;
        }
        self.client_roots = Some(Arc::new(roots));
        self.client_optional = optional;
        self.server_config()?;
        Ok(self)
    }

    /// [`require_client_certificates`](Self::require_client_certificates) from a PEM file.
    pub fn require_client_certificates_from_file(
        self,
        ca_pem: impl AsRef<Path>,
    ) -> Result<Self, BuildError> {
        let pem = read(ca_pem.as_ref())?;
        self.require_client_certificates(&pem)
    }

    /// The rustls configuration. Built by each constructor and setter to
    /// refuse unusable material early, then once more by
    /// [`ExporterBuilder::build`](crate::ExporterBuilder::build): every bind
    /// of that exporter shares the result.
    pub(crate) fn server_config(&self) -> Result<Arc<ServerConfig>, BuildError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = ServerConfig::builder_with_provider(Arc::clone(&provider))
            .with_safe_default_protocol_versions()
            .map_err(|error| BuildError::Tls {
                what: "configuration",
                reason: error.to_string(),
            })?;
        let builder = match &self.client_roots {
            Some(roots) => {
                let mut verifier =
                    WebPkiClientVerifier::builder_with_provider(Arc::clone(roots), provider);
                if self.client_optional {
                    verifier = verifier.allow_unauthenticated();
                }
                let verifier = verifier.build().map_err(|error| BuildError::Tls {
                    what: "client CA",
                    reason: error.to_string(),
                })?;
                builder.with_client_cert_verifier(verifier)
            }
            None => builder.with_no_client_auth(),
        };
        let mut config = builder
            .with_single_cert(self.chain.clone(), self.key.clone_key())
            .map_err(|error| BuildError::Tls {
                what: "certificate",
                reason: error.to_string(),
            })?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Arc::new(config))
    }
}

fn certificates(
    pem: &[u8],
    what: &'static str,
) -> Result<Vec<CertificateDer<'static>>, BuildError> {
    let chain = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| BuildError::Tls {
            what,
            reason: error.to_string(),
        })?;
    if chain.is_empty() {
        return Err(BuildError::Tls {
            what,
            reason: "no PEM certificate found".to_owned(),
        });
    }
    Ok(chain)
}

fn read(path: &Path) -> Result<Vec<u8>, BuildError> {
    std::fs::read(path).map_err(|source| BuildError::ReadFile {
        path: path.to_owned(),
        source,
    })
}
