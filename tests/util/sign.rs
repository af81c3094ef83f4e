//! Test keys of every JOSE family, generated per run, that sign tokens and export their
//! public half as JWK or PEM.
#![allow(dead_code)]

use aws_lc_rs::encoding::AsDer as _;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{self, EcdsaKeyPair, Ed25519KeyPair, KeyPair as _};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::{Value, json};

pub fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

pub enum TestKey {
    Hmac(Vec<u8>),
    Rsa(aws_lc_rs::rsa::KeyPair),
    Ec(EcdsaKeyPair, &'static str),
    Ed(Ed25519KeyPair),
}

impl TestKey {
    /// A fresh key for `alg`.
    pub fn for_alg(alg: &str) -> Self {
        match alg {
            "HS256" | "HS384" | "HS512" => Self::Hmac(vec![7u8; 64]),
            a if a.starts_with("RS") || a.starts_with("PS") => Self::Rsa(
                aws_lc_rs::rsa::KeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048).unwrap(),
            ),
            "ES256" => Self::Ec(
                EcdsaKeyPair::generate(&signature::ECDSA_P256_SHA256_FIXED_SIGNING).unwrap(),
                "P-256",
            ),
            "ES384" => Self::Ec(
                EcdsaKeyPair::generate(&signature::ECDSA_P384_SHA384_FIXED_SIGNING).unwrap(),
                "P-384",
            ),
            "ES512" => Self::Ec(
                EcdsaKeyPair::generate(&signature::ECDSA_P521_SHA512_FIXED_SIGNING).unwrap(),
                "P-521",
            ),
            "EdDSA" => Self::Ed(Ed25519KeyPair::generate().unwrap()),
            other => panic!("no test key for {other}"),
        }
    }

    pub fn sign(&self, alg: &str, message: &[u8]) -> Vec<u8> {
        let rng = SystemRandom::new();
        match self {
            Self::Hmac(secret) => {
                let algorithm = match alg {
                    "HS256" => aws_lc_rs::hmac::HMAC_SHA256,
                    "HS384" => aws_lc_rs::hmac::HMAC_SHA384,
                    _ => aws_lc_rs::hmac::HMAC_SHA512,
                };
                aws_lc_rs::hmac::sign(&aws_lc_rs::hmac::Key::new(algorithm, secret), message)
                    .as_ref()
                    .to_vec()
            }
            Self::Rsa(pair) => {
                let padding: &'static dyn signature::RsaEncoding = match alg {
                    "RS256" => &signature::RSA_PKCS1_SHA256,
                    "RS384" => &signature::RSA_PKCS1_SHA384,
                    "RS512" => &signature::RSA_PKCS1_SHA512,
                    "PS256" => &signature::RSA_PSS_SHA256,
                    "PS384" => &signature::RSA_PSS_SHA384,
                    _ => &signature::RSA_PSS_SHA512,
                };
                let mut sig = vec![0; pair.public_modulus_len()];
                pair.sign(padding, &rng, message, &mut sig).unwrap();
                sig
            }
            Self::Ec(pair, _) => pair.sign(&rng, message).unwrap().as_ref().to_vec(),
            Self::Ed(pair) => pair.sign(message).as_ref().to_vec(),
        }
    }

    /// The public JWK (for HMAC, the oct JWK).
    pub fn jwk(&self, kid: Option<&str>) -> Value {
        let mut jwk = match self {
            Self::Hmac(secret) => json!({"kty": "oct", "k": b64(secret)}),
            Self::Rsa(pair) => {
                let public = pair.public_key();
                json!({
                    "kty": "RSA",
                    "n": b64(public.modulus().big_endian_without_leading_zero()),
                    "e": b64(public.exponent().big_endian_without_leading_zero()),
                })
            }
            Self::Ec(pair, crv) => {
                let point = pair.public_key().as_ref();
                let len = (point.len() - 1) / 2;
                json!({"kty": "EC", "crv": crv, "x": b64(&point[1..1 + len]), "y": b64(&point[1 + len..])})
            }
            Self::Ed(pair) => {
                json!({"kty": "OKP", "crv": "Ed25519", "x": b64(pair.public_key().as_ref())})
            }
        };
        if let Some(kid) = kid {
            jwk["kid"] = kid.into();
        }
        jwk
    }

    /// The public key as SPKI PEM.
    pub fn public_pem(&self) -> String {
        let der = match self {
            Self::Hmac(_) => panic!("no PEM for HMAC"),
            Self::Rsa(pair) => pair.public_key().as_der().unwrap().as_ref().to_vec(),
            Self::Ec(pair, _) => pair.public_key().as_der().unwrap().as_ref().to_vec(),
            Self::Ed(pair) => pair.public_key().as_der().unwrap().as_ref().to_vec(),
        };
        pem("PUBLIC KEY", &der)
    }
}

pub fn pem(label: &str, der: &[u8]) -> String {
    let body = STANDARD.encode(der);
    let lines: Vec<&str> = body
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
        lines.join("\n")
    )
}

/// A compact JWS of `header` and `claims` signed by `key` with the header's alg.
pub fn sign_jws(key: &TestKey, header: &Value, claims: &Value) -> String {
    let alg = header["alg"].as_str().unwrap();
    let input = format!(
        "{}.{}",
        b64(header.to_string().as_bytes()),
        b64(claims.to_string().as_bytes())
    );
    let sig = key.sign(alg, input.as_bytes());
    format!("{input}.{}", b64(&sig))
}
