//! Verification keys from what a user has at hand: an HMAC secret, PEM (SPKI, PKCS#1,
//! certificate, or a private key whose public half is used), a JWK or a JWKS. Each key is
//! bound to one algorithm family so it can never be used as another (RFC 8725 §2.1).

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use serde_json::Value;

use super::der;
pub use super::jwk::{from_jwk, from_jwks};
pub use super::pem::from_pem;

pub use super::material::{Curve, KeyError, KeyMaterial, OkpCurve};

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
    /// Taken from the token's own header (`jwk`, `x5c`): a match proves nothing about the issuer.
    pub embedded: bool,
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
            embedded: false,
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
