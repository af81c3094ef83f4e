//! Verification of a typical RS256 access token against an already-fetched (cached) JWKS of
//! three keys, the path every Verify after the first takes.

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{self, KeyPair as _};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::json;
use std::hint::black_box;
use tokenscope::jose::{self, VerifyOptions, keys};
use tokenscope::token::{self, Token};

fn bench(c: &mut Criterion) {
    let b64 = |b: &[u8]| URL_SAFE_NO_PAD.encode(b);
    let pairs: Vec<_> = (0..3)
        .map(|_| aws_lc_rs::rsa::KeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048).unwrap())
        .collect();
    let jwks = json!({"keys": pairs.iter().enumerate().map(|(i, p)| json!({
        "kty": "RSA", "kid": format!("key-{i}"), "use": "sig", "alg": "RS256",
        "n": b64(p.public_key().modulus().big_endian_without_leading_zero()),
        "e": b64(p.public_key().exponent().big_endian_without_leading_zero()),
    })).collect::<Vec<_>>()});
    let cached = keys::from_jwks(&jwks, "bench").unwrap();

    let header = json!({"alg": "RS256", "typ": "at+jwt", "kid": "key-2"});
    let claims = json!({"iss": "https://login.example.com", "sub": "u-1", "aud": "api://orders",
        "exp": 1_900_000_000, "iat": 1_899_996_400, "scope": "orders:read orders:write",
        "client_id": "web", "jti": "5a2c9f0e-8d7b-4c6a-9e1f-3b2a1c0d9e8f"});
    let input = format!(
        "{}.{}",
        b64(header.to_string().as_bytes()),
        b64(claims.to_string().as_bytes())
    );
    let mut sig = vec![0; pairs[2].public_modulus_len()];
    pairs[2]
        .sign(
            &signature::RSA_PKCS1_SHA256,
            &SystemRandom::new(),
            input.as_bytes(),
            &mut sig,
        )
        .unwrap();
    let text = format!("{input}.{}", b64(&sig));

    c.bench_function("parse + verify RS256 with a cached 3-key JWKS", |b| {
        b.iter(|| {
            let Token::Jws(jws) = token::parse(black_box(&text)).unwrap() else {
                unreachable!()
            };
            let v = jose::verify(&jws, &cached, VerifyOptions::default());
            assert_eq!(v.verdict.status, token::SignatureStatus::Valid);
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
