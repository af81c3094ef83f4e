//! The built-in sample tokens, so a first run demonstrates the window with no server: a valid
//! RS256 access token (RFC 9068) that expires ten minutes after start-up, and an OpenID
//! Connect ID token that expired two hours ago. Both are signed at start-up with a throwaway
//! 2048-bit RSA key that is never stored; its public half comes along as a JWK so the window
//! can pre-fill it as the verification key.

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{KeyPair, KeySize};
use aws_lc_rs::signature::{KeyPair as _, RSA_PKCS1_SHA256};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

/// The key ID both samples name in their header and the JWK carries.
pub const SAMPLE_KID: &str = "tokenscope-sample-key";

/// The two sample tokens and the public key that verifies them.
#[derive(Debug, Clone)]
pub struct Samples {
    pub access_token: String,
    pub id_token: String,
    /// The public key as a JWK (`kty: RSA`), as a user would paste it.
    pub public_jwk: String,
}

/// Generates a key and signs both samples relative to `now` (seconds since 1970).
pub fn make(now: i64) -> Result<Samples, String> {
    let key = KeyPair::generate(KeySize::Rsa2048)
        .map_err(|_| "cannot generate an RSA key for the samples".to_string())?;
    let public = key.public_key();
    let public_jwk = json!({
        "kty": "RSA",
        "kid": SAMPLE_KID,
        "use": "sig",
        "alg": "RS256",
        "n": URL_SAFE_NO_PAD.encode(public.modulus().big_endian_without_leading_zero()),
        "e": URL_SAFE_NO_PAD.encode(public.exponent().big_endian_without_leading_zero()),
    });

    let access = json!({
        "iss": "https://auth.example.com/",
        "sub": "user-2718",
        "aud": "https://api.example.com",
        "client_id": "tokenscope-demo",
        "scope": "openid profile orders:read orders:write",
        "iat": now - 120,
        "nbf": now - 120,
        "exp": now + 600,
        "jti": format!("sample-{now}"),
        "auth_time": now - 900,
        "acr": "urn:example:loa:2",
        "realm_access": { "roles": ["viewer", "editor"] },
        "cnf": { "jkt": "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I" },
    });
    let id = json!({
        "iss": "https://auth.example.com/",
        "sub": "user-2718",
        "aud": "tokenscope-demo",
        "azp": "tokenscope-demo",
        "nonce": "n-0S6_WzA2Mj",
        "iat": now - 3 * 3600,
        "exp": now - 2 * 3600,
        "auth_time": now - 3 * 3600 - 30,
        "name": "Ada Lovelace",
        "email": "ada@example.com",
        "email_verified": true,
        "amr": ["pwd", "otp"],
    });
    Ok(Samples {
        access_token: sign(&key, "at+jwt", &access)?,
        id_token: sign(&key, "JWT", &id)?,
        public_jwk: serde_json::to_string_pretty(&public_jwk).map_err(|e| e.to_string())?,
    })
}

fn sign(key: &KeyPair, typ: &str, claims: &Value) -> Result<String, String> {
    let header = json!({ "alg": "RS256", "typ": typ, "kid": SAMPLE_KID });
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let mut signature = vec![0; key.public_modulus_len()];
    key.sign(
        &RSA_PKCS1_SHA256,
        &SystemRandom::new(),
        signing_input.as_bytes(),
        &mut signature,
    )
    .map_err(|_| "cannot sign the sample token".to_string())?;
    Ok(format!(
        "{signing_input}.{}",
        URL_SAFE_NO_PAD.encode(signature)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::{CheckStatus, Options, inspect, lifetime::LifetimeState};

    #[test]
    fn samples_read_as_intended() {
        let now = 1_700_000_000;
        let samples = make(now).unwrap();
        let access = inspect(&samples.access_token, &Options::at(now)).unwrap();
        let report = access[0].result.as_ref().unwrap();
        assert_eq!(report.lifetime.state, LifetimeState::Valid);
        assert_eq!(report.header_str("kid"), Some(SAMPLE_KID));
        assert!(!report.has_failure(), "{:?}", report.checks);

        let id = inspect(&samples.id_token, &Options::at(now)).unwrap();
        let report = id[0].result.as_ref().unwrap();
        assert_eq!(report.lifetime.state, LifetimeState::Expired);
        assert_eq!(report.check("exp").unwrap().status, CheckStatus::Fail);
        assert!(samples.public_jwk.contains("\"kty\": \"RSA\""));
    }
}
