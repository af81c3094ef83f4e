//! PEM documents: SPKI and PKCS#1 public keys, X.509 certificates, and private keys (PKCS#8,
//! PKCS#1, SEC1) whose public half is used with a notice.

use aws_lc_rs::signature::KeyPair as _;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::der;
use super::keys::{Curve, Key, KeyError, KeyMaterial, OkpCurve};

/// The first key or certificate in a PEM document.
pub fn from_pem(text: &str) -> Result<Key, KeyError> {
    let (label, der) = pem_block(text)?;
    let private_notice = || {
        "a private key was given: only its public half is used. Keep private keys out of tools that only need to verify".to_string()
    };
    let (material, origin, notice) = match label.as_str() {
        "PUBLIC KEY" => (der::parse_spki(&der)?, "PEM public key", None),
        "RSA PUBLIC KEY" => (der::parse_pkcs1_public(&der)?, "PEM RSA public key", None),
        "CERTIFICATE" => (
            der::parse_spki(&der::certificate_spki(&der)?)?,
            "PEM certificate",
            None,
        ),
        "PRIVATE KEY" => (
            public_from_pkcs8(&der)?,
            "PEM private key",
            Some(private_notice()),
        ),
        "RSA PRIVATE KEY" => {
            let pair = aws_lc_rs::rsa::KeyPair::from_der(&der)
                .map_err(|e| KeyError::Pem(format!("RSA private key rejected: {e}")))?;
            (
                der::parse_pkcs1_public(pair.public_key().as_ref())?,
                "PEM RSA private key",
                Some(private_notice()),
            )
        }
        "EC PRIVATE KEY" => (
            public_from_sec1(&der)?,
            "PEM EC private key",
            Some(private_notice()),
        ),
        other => {
            return Err(KeyError::Pem(format!(
                "a \"{other}\" block is not a key tokenscope can verify with (expected PUBLIC KEY, RSA PUBLIC KEY, CERTIFICATE or a private key)"
            )));
        }
    };
    let mut key = Key::new(material, origin);
    key.notices.extend(notice);
    Ok(key)
}

fn pem_block(text: &str) -> Result<(String, Vec<u8>), KeyError> {
    let begin = text
        .find("-----BEGIN ")
        .ok_or_else(|| KeyError::Pem("no BEGIN line".into()))?;
    let rest = &text[begin + 11..];
    let label_end = rest
        .find("-----")
        .ok_or_else(|| KeyError::Pem("unterminated BEGIN line".into()))?;
    let label = rest[..label_end].to_string();
    let body_start = label_end + 5;
    let end_marker = format!("-----END {label}-----");
    let body_end = rest
        .find(&end_marker)
        .ok_or_else(|| KeyError::Pem(format!("no \"{end_marker}\" line")))?;
    let body: String = rest[body_start..body_end]
        .lines()
        .filter(|l| !l.contains(':'))
        .flat_map(|l| l.chars().filter(|c| !c.is_whitespace()))
        .collect();
    let der = STANDARD
        .decode(&body)
        .map_err(|e| KeyError::Pem(format!("the body of the {label} block is not base64: {e}")))?;
    Ok((label, der))
}

fn public_from_pkcs8(der: &[u8]) -> Result<KeyMaterial, KeyError> {
    use aws_lc_rs::signature::{EcdsaKeyPair, Ed25519KeyPair};
    if let Ok(pair) = aws_lc_rs::rsa::KeyPair::from_pkcs8(der) {
        return der::parse_pkcs1_public(pair.public_key().as_ref());
    }
    if let Some(ec) = ec_public(|alg| EcdsaKeyPair::from_pkcs8(alg, der).ok()) {
        return Ok(ec);
    }
    if let Ok(pair) = Ed25519KeyPair::from_pkcs8_maybe_unchecked(der) {
        return Ok(KeyMaterial::Okp {
            curve: OkpCurve::Ed25519,
            x: pair.public_key().as_ref().to_vec(),
        });
    }
    Err(KeyError::Unsupported(
        "a PKCS#8 private key that is not RSA, EC P-256/384/521 or Ed25519".into(),
    ))
}

fn public_from_sec1(der: &[u8]) -> Result<KeyMaterial, KeyError> {
    use aws_lc_rs::signature::EcdsaKeyPair;
    ec_public(|alg| EcdsaKeyPair::from_private_key_der(alg, der).ok()).ok_or_else(|| {
        KeyError::Unsupported("an EC private key on a curve other than P-256/384/521".into())
    })
}

/// The public point of an EC private key, trying each supported curve in turn.
fn ec_public(
    load: impl Fn(
        &'static aws_lc_rs::signature::EcdsaSigningAlgorithm,
    ) -> Option<aws_lc_rs::signature::EcdsaKeyPair>,
) -> Option<KeyMaterial> {
    use aws_lc_rs::signature::{
        ECDSA_P256_SHA256_FIXED_SIGNING, ECDSA_P384_SHA384_FIXED_SIGNING,
        ECDSA_P521_SHA512_FIXED_SIGNING,
    };
    [
        (&ECDSA_P256_SHA256_FIXED_SIGNING, Curve::P256),
        (&ECDSA_P384_SHA384_FIXED_SIGNING, Curve::P384),
        (&ECDSA_P521_SHA512_FIXED_SIGNING, Curve::P521),
    ]
    .into_iter()
    .find_map(|(alg, curve)| {
        load(alg).map(|pair| KeyMaterial::Ec {
            curve,
            point: pair.public_key().as_ref().to_vec(),
        })
    })
}
