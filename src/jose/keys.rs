//! Verification keys from what a user has at hand: an HMAC secret, PEM (SPKI, PKCS#1,
//! certificate, or a private key whose public half is used), a JWK or a JWKS. Each key is
//! bound to one algorithm family so it can never be used as another (RFC 8725 §2.1).

use crate::token::text::plural;
use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use serde_json::Value;

use super::der;
pub use super::jwk::{from_jwk, from_jwks};
pub use super::pem::from_pem;

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

/// A key with the metadata that decides whether it may verify a given token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    pub material: KeyMaterial,
    pub kid: Option<String>,
    /// JWK `alg`: when present the token's alg must equal it.
    pub alg: Option<String>,
    /// JWK `use`.
    pub usage: Option<String>,
    pub key_ops: Option<Vec<String>>,
    /// Where it came from: "PEM certificate", "JWKS at https://…", "HMAC secret".
    pub origin: String,
    /// Things the user should know (a private key was given, private JWK members …).
    pub notices: Vec<String>,
}

impl Key {
    pub(super) fn new(material: KeyMaterial, origin: impl Into<String>) -> Self {
        Self {
            material,
            kid: None,
            alg: None,
            usage: None,
            key_ops: None,
            origin: origin.into(),
            notices: Vec::new(),
        }
    }

    /// "kid \"abc\", RSA 2048-bit, thumbprint NzbL…, from JWKS at …".
    #[must_use]
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(kid) = &self.kid {
            parts.push(format!("kid {kid:?}"));
        }
        let material = self.material.describe();
        // "HMAC secret (6 bytes), from HMAC secret" says it twice.
        let origin_said = material.starts_with(self.origin.as_str());
        parts.push(material);
        if let Some(t) = self.material.thumbprint() {
            parts.push(format!("thumbprint {t}"));
        }
        if !origin_said {
            parts.push(format!("from {}", self.origin));
        }
        parts.join(", ")
    }
}

/// An HMAC secret given as text. A public key's text is refused: using a public key as an
/// HMAC secret is exactly the alg-confusion attack.
pub fn hmac_secret(text: &str) -> Result<Key, KeyError> {
    if text.is_empty() {
        return Err(KeyError::Empty);
    }
    refuse_key_shaped(text.as_bytes())?;
    Ok(Key::new(
        KeyMaterial::Hmac(text.as_bytes().to_vec()),
        "HMAC secret",
    ))
}

/// An HMAC secret given as base64 or base64url, padded or not.
pub fn hmac_secret_base64(text: &str) -> Result<Key, KeyError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(KeyError::Empty);
    }
    let bytes = [URL_SAFE_NO_PAD, URL_SAFE, STANDARD, STANDARD_NO_PAD]
        .iter()
        .find_map(|engine| engine.decode(t).ok())
        .ok_or_else(|| KeyError::SecretBase64("check for stray characters or truncation".into()))?;
    refuse_key_shaped(&bytes)?;
    Ok(Key::new(KeyMaterial::Hmac(bytes), "HMAC secret (base64)"))
}

fn refuse_key_shaped(bytes: &[u8]) -> Result<(), KeyError> {
    let text = String::from_utf8_lossy(bytes);
    let t = text.trim();
    // Anywhere: openssl puts "Bag Attributes" or the certificate as text before the block.
    if t.contains("-----BEGIN ") {
        return Err(KeyError::NotASecret(
            "this holds a PEM block (key or certificate); an RSA, EC or OKP key is never used as an HMAC secret (alg confusion, RFC 8725 §2.1). Give it as a key instead".into(),
        ));
    }
    if let Ok(Value::Object(map)) = serde_json::from_str::<Value>(t)
        && (map.contains_key("kty") || map.contains_key("keys"))
    {
        return Err(KeyError::NotASecret(
            "this is a JWK or JWKS; give it as a key, not as an HMAC secret".into(),
        ));
    }
    // Public key material in DER: what an attacker has and would offer as the "secret".
    if der::is_one_sequence(bytes)
        && (der::parse_spki(bytes).is_ok()
            || der::parse_pkcs1_public(bytes).is_ok()
            || der::certificate_spki(bytes).is_ok())
    {
        return Err(KeyError::NotASecret(
            "these bytes are DER (a key or a certificate); a public key is never used as an HMAC secret (alg confusion)".into(),
        ));
    }
    Ok(())
}

/// A PEM block (anywhere: openssl may put text before it), a JWK or a JWKS: a key file
/// rather than a token or a token response.
#[must_use]
pub fn looks_like_key(text: &str) -> bool {
    let t = text.trim();
    if t.contains("-----BEGIN ") {
        return true;
    }
    t.starts_with('{')
        && serde_json::from_str::<Value>(t)
            .is_ok_and(|v| v.get("kty").is_some() || v.get("keys").is_some_and(Value::is_array))
}

/// PEM, a JWK or a JWKS, recognised by shape.
pub fn from_text(text: &str, origin: &str) -> Result<Vec<Key>, KeyError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(KeyError::Empty);
    }
    if t.contains("-----BEGIN ") {
        return from_pem(t).map(|mut k| {
            k.origin = format!("{} in {origin}", k.origin);
            vec![k]
        });
    }
    if t.starts_with('{') {
        let value: Value = serde_json::from_str(t).map_err(|e| {
            KeyError::Unrecognised(format!("the text starts like JSON but is not: {e}"))
        })?;
        return if value.get("keys").is_some() {
            from_jwks(&value, origin)
        } else {
            from_jwk(&value, origin).map(|k| vec![k])
        };
    }
    Err(KeyError::Unrecognised(
        "expected \"-----BEGIN …\" (PEM) or a JSON object (JWK or JWKS)".into(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_files_are_told_from_tokens() {
        assert!(looks_like_key("-----BEGIN PUBLIC KEY-----\nMIIB"));
        assert!(looks_like_key(
            "Bag Attributes\n    friendlyName: signing\n-----BEGIN CERTIFICATE-----\nMIIB"
        ));
        assert!(looks_like_key(r#"{"keys": []}"#));
        assert!(looks_like_key(r#" {"kty": "RSA", "n": "x", "e": "AQAB"}"#));
        assert!(!looks_like_key(r#"{"access_token": "a.b.c"}"#));
        assert!(!looks_like_key("eyJhbGciOiJub25lIn0.e30."));
    }

    #[test]
    fn rfc7638_thumbprint_example() {
        // RFC 7638 §3.1: the example RSA key and its thumbprint.
        let jwk = serde_json::json!({
            "kty": "RSA",
            "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
            "e": "AQAB",
            "alg": "RS256",
            "kid": "2011-04-29"
        });
        let key = from_jwk(&jwk, "test").unwrap();
        assert_eq!(
            key.material.thumbprint().unwrap(),
            "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
        );
        assert_eq!(key.material.rsa_bits(), Some(2048));
    }

    #[test]
    fn a_random_secret_shaped_like_der_is_still_a_secret() {
        // 0x30 0x1e and 30 more bytes: one DER SEQUENCE by shape, but no key inside.
        let mut secret = vec![0x30, 0x1e];
        secret.extend((0u8..30).map(|i| i.wrapping_mul(37).wrapping_add(11)));
        assert!(super::der::is_one_sequence(&secret));
        let b64 = URL_SAFE_NO_PAD.encode(&secret);
        assert!(hmac_secret_base64(&b64).is_ok());
    }

    #[test]
    fn public_key_text_is_never_an_hmac_secret() {
        assert!(matches!(
            hmac_secret("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"),
            Err(KeyError::NotASecret(_))
        ));
        assert!(matches!(
            hmac_secret(r#"{"kty":"RSA","n":"AQAB","e":"AQAB"}"#),
            Err(KeyError::NotASecret(_))
        ));
        assert!(hmac_secret("a-real-shared-secret").is_ok());
    }

    #[test]
    fn debug_output_hides_secrets() {
        let key = hmac_secret("super-secret-value").unwrap();
        assert!(!format!("{key:?}").contains("super-secret"));
    }
}
