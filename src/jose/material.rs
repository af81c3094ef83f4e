//! What a key is, apart from where it was read: its material (HMAC bytes, RSA, EC, OKP), its
//! curve, and why key input could not be used. Shared by the PEM, JWK and DER readers and by
//! `keys`, so none of them needs another's module for its types.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::token::text::plural;

/// Why key input could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("the key input is empty")]
    Empty,
    #[error("not a PEM key, a JWK or a JWKS: {0}")]
    Unrecognised(String),
    #[error("PEM: {0}")]
    Pem(String),
    #[error("DER structure: {0}")]
    Der(String),
    #[error("JWK{}: {reason}", .kid.as_ref().map(|k| format!(" (kid {k:?})")).unwrap_or_default())]
    Jwk { kid: Option<String>, reason: String },
    #[error("the JWKS has no \"keys\" array")]
    NotAJwks,
    #[error("unsupported key: {0}")]
    Unsupported(String),
    #[error("refused as an HMAC secret: {0}")]
    NotASecret(String),
    #[error("the secret is not base64 or base64url: {0}")]
    SecretBase64(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Curve {
    P256,
    P384,
    P521,
    Secp256k1,
}

impl Curve {
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::P256 => "P-256",
            Self::P384 => "P-384",
            Self::P521 => "P-521",
            Self::Secp256k1 => "secp256k1",
        }
    }
    /// Bytes in one coordinate (and in r or s of a raw signature).
    #[must_use]
    pub fn coordinate_len(self) -> usize {
        match self {
            Self::P256 | Self::Secp256k1 => 32,
            Self::P384 => 48,
            Self::P521 => 66,
        }
    }
    pub(super) fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "P-256" => Self::P256,
            "P-384" => Self::P384,
            "P-521" => Self::P521,
            "secp256k1" => Self::Secp256k1,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OkpCurve {
    Ed25519,
    Ed448,
}

impl OkpCurve {
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Ed25519 => "Ed25519",
            Self::Ed448 => "Ed448",
        }
    }
}

/// The public (or, for HMAC, secret) part of a key, tied to one algorithm family.
#[derive(Clone, PartialEq, Eq)]
pub enum KeyMaterial {
    Hmac(Vec<u8>),
    /// Big-endian modulus and exponent, leading zeros stripped.
    Rsa {
        n: Vec<u8>,
        e: Vec<u8>,
    },
    /// Uncompressed point 0x04 ‖ x ‖ y.
    Ec {
        curve: Curve,
        point: Vec<u8>,
    },
    Okp {
        curve: OkpCurve,
        x: Vec<u8>,
    },
}

impl KeyMaterial {
    /// "RSA 2048-bit", "EC P-256", "OKP Ed25519", "HMAC secret (32 bytes)".
    #[must_use]
    pub fn describe(&self) -> String {
        match self {
            Self::Hmac(k) => format!("HMAC secret ({})", plural(k.len(), "byte", "bytes")),
            Self::Rsa { n, .. } => format!("RSA {}-bit", self.rsa_bits().unwrap_or(n.len() * 8)),
            Self::Ec { curve, .. } => format!("EC {}", curve.name()),
            Self::Okp { curve, .. } => format!("OKP {}", curve.name()),
        }
    }

    #[must_use]
    pub fn kty(&self) -> &'static str {
        match self {
            Self::Hmac(_) => "oct",
            Self::Rsa { .. } => "RSA",
            Self::Ec { .. } => "EC",
            Self::Okp { .. } => "OKP",
        }
    }

    #[must_use]
    pub fn rsa_bits(&self) -> Option<usize> {
        let Self::Rsa { n, .. } = self else {
            return None;
        };
        let first = n.first()?;
        Some((n.len() - 1) * 8 + (8 - first.leading_zeros() as usize))
    }

    /// The JWK thumbprint (RFC 7638): SHA-256 of the required members in lexicographic order.
    /// None for HMAC secrets: a hash of a secret is not something to show.
    #[must_use]
    pub fn thumbprint(&self) -> Option<String> {
        let b64 = |b: &[u8]| URL_SAFE_NO_PAD.encode(b);
        let canonical = match self {
            Self::Hmac(_) => return None,
            Self::Rsa { n, e } => format!(r#"{{"e":"{}","kty":"RSA","n":"{}"}}"#, b64(e), b64(n)),
            Self::Ec { curve, point } => {
                let len = curve.coordinate_len();
                let (x, y) = point.get(1..)?.split_at_checked(len)?;
                format!(
                    r#"{{"crv":"{}","kty":"EC","x":"{}","y":"{}"}}"#,
                    curve.name(),
                    b64(x),
                    b64(y)
                )
            }
            Self::Okp { curve, x } => format!(
                r#"{{"crv":"{}","kty":"OKP","x":"{}"}}"#,
                curve.name(),
                b64(x)
            ),
        };
        Some(b64(aws_lc_rs::digest::digest(
            &aws_lc_rs::digest::SHA256,
            canonical.as_bytes(),
        )
        .as_ref()))
    }
}

// Never print secret bytes.
impl fmt::Debug for KeyMaterial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}
