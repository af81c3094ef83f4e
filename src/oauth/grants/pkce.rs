//! Proof Key for Code Exchange (RFC 7636), S256 only, and the other one-time values of an
//! interactive flow (`state`, `nonce`). Every value comes fresh from the system's CSPRNG.

use std::fmt;

use aws_lc_rs::digest::{SHA256, digest};
use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::sensitive::Sensitive;

/// Random bytes behind a verifier: 32 bytes are 43 base64url characters, the RFC's minimum
/// length and 256 bits of entropy (RFC 7636 §7.1).
const VERIFIER_BYTES: usize = 32;

/// Random bytes behind `state` and `nonce`: 128 bits, as unguessable as they need to be.
const NONCE_BYTES: usize = 16;

/// The only challenge method sent; `plain` offers no protection once the URL leaks.
pub const CHALLENGE_METHOD: &str = "S256";

/// The system random source failed; nothing safe can be sent without it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the system random number generator failed; no state, nonce or verifier can be made")]
pub struct RandomError;

/// `bytes` random bytes, base64url without padding.
pub fn random_text(bytes: usize) -> Result<String, RandomError> {
    let mut buf = vec![0u8; bytes];
    SystemRandom::new()
        .fill(&mut buf)
        .map_err(|_| RandomError)?;
    Ok(URL_SAFE_NO_PAD.encode(buf))
}

/// A fresh `state` or `nonce` value.
pub fn fresh_nonce() -> Result<String, RandomError> {
    random_text(NONCE_BYTES)
}

/// A code verifier and its S256 challenge. The verifier is the secret that proves, at the
/// token endpoint, that this app started the flow; it never appears in the browser.
#[derive(Clone, PartialEq, Eq)]
pub struct Pkce {
    pub verifier: Sensitive,
    /// BASE64URL(SHA256(verifier)), sent in the authorization URL.
    pub challenge: String,
}

impl fmt::Debug for Pkce {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pkce")
            .field("verifier", &self.verifier)
            .field("challenge", &self.challenge)
            .finish()
    }
}

impl Pkce {
    /// A new verifier (43 characters of base64url) and its challenge.
    pub fn fresh() -> Result<Self, RandomError> {
        Ok(Self::from_verifier(random_text(VERIFIER_BYTES)?.into()))
    }

    /// The challenge for a given verifier (RFC 7636 §4.2).
    #[must_use]
    pub fn from_verifier(verifier: Sensitive) -> Self {
        let challenge = URL_SAFE_NO_PAD.encode(digest(&SHA256, verifier.reveal().as_bytes()));
        Self {
            verifier,
            challenge,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_challenge_is_the_rfc_7636_appendix_b_value() {
        let p = Pkce::from_verifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk".into());
        assert_eq!(p.challenge, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
        assert!(!format!("{p:?}").contains("dBjftJ"));
    }

    #[test]
    fn verifiers_are_43_unreserved_characters_and_never_repeat() {
        let a = Pkce::fresh().unwrap();
        let b = Pkce::fresh().unwrap();
        assert_eq!(a.verifier.len(), 43);
        assert!(
            a.verifier
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-._~".contains(c))
        );
        assert_ne!(a.verifier, b.verifier);
        assert_ne!(fresh_nonce().unwrap(), fresh_nonce().unwrap());
    }
}
