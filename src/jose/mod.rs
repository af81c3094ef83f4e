//! Keys and signature verification. Pure and synchronous: fetching keys is `oauth`'s job.

mod der;
mod jwk;
pub mod keys;
mod material;
mod pem;
pub mod verify;

use crate::token::text::plural;
use std::fmt;

pub use keys::{Key, KeyError};
pub use verify::{Verification, VerifyOptions, verify};

/// Where the verification key comes from, as the user gave it.
#[derive(Clone, PartialEq, Eq)]
pub enum KeySource {
    /// An HMAC secret as text.
    Secret(String),
    /// An HMAC secret as base64 or base64url.
    SecretBase64(String),
    /// PEM (SPKI, PKCS#1, certificate, private key), a JWK or a JWKS, as text.
    KeyText(String),
    /// The same, read from a file, whose name the verdict gives.
    KeyFile { path: String, text: String },
    /// A JWKS to fetch.
    JwksUrl(String),
    /// An issuer: OIDC discovery, then RFC 8414, then its `jwks_uri`.
    Issuer(String),
}

impl KeySource {
    /// A short description that never contains a secret.
    #[must_use]
    pub fn describe(&self) -> String {
        match self {
            Self::Secret(s) | Self::SecretBase64(s) => {
                format!(
                    "HMAC secret ({})",
                    plural(s.chars().count(), "character", "characters")
                )
            }
            Self::KeyText(_) => "key text (PEM, JWK or JWKS)".to_string(),
            Self::KeyFile { path, .. } => format!("key file {path}"),
            Self::JwksUrl(u) => format!("JWKS at {u}"),
            Self::Issuer(i) => format!("issuer {i}"),
        }
    }
}

// Secrets must never reach a log line or a panic message.
impl fmt::Debug for KeySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}
