//! Every supported algorithm verifies its own signature and rejects a tampered one; every
//! classic attack is refused with a reason a developer can act on.

#[path = "util/sign.rs"]
mod sign;
mod util;

use serde_json::{Value, json};
use sign::{TestKey, b64, pem, sign_jws};
use tokenscope::jose::{self, KeySource, VerifyOptions, keys};
use tokenscope::oauth::discovery::KeyResolver;
use tokenscope::token::parse::{Jws, Token};
use tokenscope::token::report::SignatureStatus;
use tokenscope::token::{self, CheckStatus, Options};
use util::fixture;

const ALGS: [&str; 13] = [
    "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256",
    "ES384", "ES512", "EdDSA",
];

fn jws(text: &str) -> Jws {
    match token::parse(text).unwrap() {
        Token::Jws(j) => j,
        other => panic!("not a JWS: {other:?}"),
    }
}

fn verify_text(token_text: &str, key_text: &str) -> token::SignatureVerdict {
    let keys = keys::from_text(key_text, "test").unwrap();
    jose::verify(&jws(token_text), &keys, VerifyOptions::default()).verdict
}

fn claims() -> Value {
    json!({"iss": "https://issuer.test", "sub": "alice", "exp": 4_000_000_000u64})
}

/// Flips one character of the payload segment.
fn tamper(token_text: &str) -> String {
    let mut parts: Vec<String> = token_text.split('.').map(str::to_string).collect();
    let claims = json!({"iss": "https://issuer.test", "sub": "mallory", "exp": 4_000_000_000u64});
    parts[1] = b64(claims.to_string().as_bytes());
    parts.join(".")
}

#[test]
fn every_algorithm_valid_and_tampered() {
    for alg in ALGS {
        let key = TestKey::for_alg(alg);
        let token_text = sign_jws(&key, &json!({"alg": alg, "kid": "k1"}), &claims());
        let jwk = key.jwk(Some("k1")).to_string();
        let v = verify_text(&token_text, &jwk);
        assert_eq!(v.status, SignatureStatus::Valid, "{alg}: {}", v.detail);
        assert!(
            v.key.as_deref().unwrap().contains("kid \"k1\""),
            "{alg}: names the key"
        );

        let v = verify_text(&tamper(&token_text), &jwk);
        assert_eq!(
            v.status,
            SignatureStatus::Invalid,
            "{alg} tampered: {}",
            v.detail
        );
        assert!(v.hint.as_deref().unwrap().contains("altered"), "{alg}");
    }
}

#[test]
fn pem_public_keys_verify() {
    for alg in ["RS256", "PS384", "ES256", "ES384", "ES512", "EdDSA"] {
        let key = TestKey::for_alg(alg);
        let token_text = sign_jws(&key, &json!({"alg": alg}), &claims());
        let v = verify_text(&token_text, &key.public_pem());
        assert_eq!(v.status, SignatureStatus::Valid, "{alg}: {}", v.detail);
        assert!(v.detail.contains("thumbprint"), "{}", v.detail);
    }
}

#[test]
fn private_key_pem_is_used_with_a_notice() {
    use aws_lc_rs::encoding::AsDer as _;
    let pair = aws_lc_rs::rsa::KeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048).unwrap();
    let der: aws_lc_rs::encoding::Pkcs8V1Der = pair.as_der().unwrap();
    let key = TestKey::Rsa(pair);
    let token_text = sign_jws(&key, &json!({"alg": "RS256"}), &claims());
    let v = verify_text(&token_text, &pem("PRIVATE KEY", der.as_ref()));
    assert_eq!(v.status, SignatureStatus::Valid, "{}", v.detail);
    assert!(
        v.warnings.iter().any(|w| w.contains("private key")),
        "{:?}",
        v.warnings
    );
}

#[test]
fn x509_certificate_pem_verifies() {
    let key_pem = fixture("test-es256-cert-key.pem");
    let der = base64::Engine::decode(
        &base64::engine::general_purpose::STANDARD,
        key_pem
            .lines()
            .filter(|l| !l.starts_with("-----"))
            .collect::<String>(),
    )
    .unwrap();
    let pair = aws_lc_rs::signature::EcdsaKeyPair::from_pkcs8(
        &aws_lc_rs::signature::ECDSA_P256_SHA256_FIXED_SIGNING,
        &der,
    )
    .unwrap();
    let token_text = sign_jws(
        &TestKey::Ec(pair, "P-256"),
        &json!({"alg": "ES256"}),
        &claims(),
    );
    let v = verify_text(&token_text, &fixture("test-es256-cert.pem"));
    assert_eq!(v.status, SignatureStatus::Valid, "{}", v.detail);
    assert!(v.detail.contains("PEM certificate"), "{}", v.detail);
    assert!(v.warnings.is_empty(), "a certificate is public: no notice");

    // A JWK that carries only the certificate chain (x5c, base64 DER), as some servers publish.
    let cert_b64: String = fixture("test-es256-cert.pem")
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let jwk = json!({"kty": "EC", "crv": "P-256", "kid": "c1", "x5c": [cert_b64]});
    let v = verify_text(&token_text, &jwk.to_string());
    assert_eq!(v.status, SignatureStatus::Valid, "{}", v.detail);
    let wrong = json!({"kty": "RSA", "x5c": [cert_b64]});
    let err = keys::from_text(&wrong.to_string(), "test").unwrap_err();
    assert!(err.to_string().contains("holds an EC key"), "{err}");
}

#[test]
fn malformed_jwk_members_are_named() {
    for (jwk, says) in [
        (
            json!({"kty": "OKP", "crv": "Ed25519", "x": "AAAA"}),
            "Ed25519 \"x\" must be 32 bytes, not 3",
        ),
        (
            json!({"kty": "oct", "k": "c2VjcmV0", "kid": 7}),
            "\"kid\" must be a string, not a number",
        ),
    ] {
        let err = keys::from_text(&jwk.to_string(), "test").unwrap_err();
        assert!(err.to_string().contains(says), "{err}");
    }
}

#[test]
fn rfc7515_vectors_verify_with_their_jwks() {
    for (token_file, key_file) in [
        ("rfc7515-a1-hs256.jwt", "rfc7515-a1-key.jwk.json"),
        ("rfc7515-a2-rs256.jwt", "rfc7515-a2-public.jwk.json"),
        ("rfc7515-a3-es256.jwt", "rfc7515-a3-public.jwk.json"),
    ] {
        let v = verify_text(&fixture(token_file), &fixture(key_file));
        assert_eq!(
            v.status,
            SignatureStatus::Valid,
            "{token_file}: {}",
            v.detail
        );
    }
}

#[test]
fn without_kid_every_key_of_the_right_type_is_tried_and_the_match_named() {
    let (a, b) = (TestKey::for_alg("RS256"), TestKey::for_alg("RS256"));
    let ec = TestKey::for_alg("ES256");
    let token_text = sign_jws(&b, &json!({"alg": "RS256"}), &claims());
    let jwks = json!({"keys": [ec.jwk(Some("ec")), a.jwk(Some("first")), b.jwk(Some("second"))]});
    let v = verify_text(&token_text, &jwks.to_string());
    assert_eq!(v.status, SignatureStatus::Valid, "{}", v.detail);
    assert!(v.key.unwrap().contains("\"second\""));
}

#[test]
fn unknown_kid_names_the_kids_there() {
    let key = TestKey::for_alg("ES256");
    let token_text = sign_jws(&key, &json!({"alg": "ES256", "kid": "rotated"}), &claims());
    let jwks = json!({"keys": [key.jwk(Some("old-1")), key.jwk(Some("old-2"))]});
    let keys = keys::from_text(&jwks.to_string(), "test").unwrap();
    let result = jose::verify(&jws(&token_text), &keys, VerifyOptions::default());
    assert_eq!(result.unknown_kid.as_deref(), Some("rotated"));
    assert!(
        result
            .verdict
            .detail
            .contains("no key with kid \"rotated\""),
        "{}",
        result.verdict.detail
    );
    assert!(result.verdict.detail.contains("\"old-1\", \"old-2\""));
}

#[test]
fn weak_keys_warn() {
    let key = TestKey::Hmac(b"short".to_vec());
    let token_text = sign_jws(&key, &json!({"alg": "HS256"}), &claims());
    let v = verify_text(&token_text, &key.jwk(None).to_string());
    assert_eq!(v.status, SignatureStatus::Valid);
    assert!(
        v.warnings.iter().any(|w| w.contains("weak key")),
        "{:?}",
        v.warnings
    );
}

// ---- attacks ----

#[test]
fn alg_none_in_every_spelling_is_never_valid() {
    let key = TestKey::for_alg("HS256");
    for none in ["none", "None", "NONE", "nOnE"] {
        let token_text = format!(
            "{}.{}.",
            b64(json!({"alg": none}).to_string().as_bytes()),
            b64(claims().to_string().as_bytes())
        );
        let v = verify_text(&token_text, &key.jwk(None).to_string());
        assert_eq!(v.status, SignatureStatus::NotSigned, "{none}");
        let report = token::diagnose(
            &token::parse(&token_text).unwrap(),
            Default::default(),
            &Options::at(0),
            Some(&v),
        );
        assert_eq!(
            report.check("alg").unwrap().status,
            CheckStatus::Fail,
            "{none}"
        );
        assert_eq!(
            report.check("signature").unwrap().status,
            CheckStatus::Fail,
            "{none}"
        );
    }
}

#[tokio::test]
async fn hs256_signed_with_the_rsa_public_key_pem_is_refused() {
    let rsa = TestKey::for_alg("RS256");
    let pem_text = rsa.public_pem();
    // The attacker signs HS256 with the PEM bytes as the secret.
    let forged = sign_jws(
        &TestKey::Hmac(pem_text.as_bytes().to_vec()),
        &json!({"alg": "HS256"}),
        &claims(),
    );
    let resolver = KeyResolver::new();
    // Given as a key: the RSA key refuses HS256.
    let v = resolver
        .verify(&jws(&forged), &KeySource::KeyText(pem_text.clone()))
        .await;
    assert_eq!(v.status, SignatureStatus::Invalid, "{}", v.detail);
    assert!(
        v.alg_problem.as_deref().unwrap().contains("alg confusion"),
        "{v:?}"
    );
    // Given as a "secret": the PEM text is refused as an HMAC secret.
    let err = resolver
        .try_verify(&jws(&forged), &KeySource::Secret(pem_text))
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("never used as an HMAC secret"),
        "{err}"
    );
    // And as JWK JSON.
    let err = resolver
        .try_verify(&jws(&forged), &KeySource::Secret(rsa.jwk(None).to_string()))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("JWK"), "{err}");
}

#[tokio::test]
async fn hs256_signed_with_certificate_bytes_or_a_prefixed_pem_is_refused() {
    let cert_pem = fixture("test-es256-cert.pem");
    let body: String = cert_pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let cert_der =
        base64::Engine::decode(&base64::engine::general_purpose::STANDARD, body).unwrap();
    // What `openssl pkcs12 -nokeys` writes: attributes before the block.
    let bagged = format!("Bag Attributes\n    friendlyName: signing\n{cert_pem}");
    let resolver = KeyResolver::new();
    for (secret_bytes, source) in [
        (cert_der.clone(), KeySource::SecretBase64(b64(&cert_der))),
        (
            bagged.clone().into_bytes(),
            KeySource::Secret(bagged.clone()),
        ),
    ] {
        let forged = sign_jws(
            &TestKey::Hmac(secret_bytes),
            &json!({"alg": "HS256"}),
            &claims(),
        );
        let err = resolver
            .try_verify(&jws(&forged), &source)
            .await
            .expect_err("a certificate is never an HMAC secret");
        assert!(
            err.to_string().contains("never used as an HMAC secret"),
            "{err}"
        );
    }
    // The prefixed PEM is still a usable key where a key is expected.
    let keys = keys::from_text(&bagged, "test").unwrap();
    assert_eq!(keys.len(), 1);
}

#[test]
fn jwk_alg_must_equal_token_alg() {
    let key = TestKey::for_alg("RS256");
    let token_text = sign_jws(&key, &json!({"alg": "PS256"}), &claims());
    let mut jwk = key.jwk(None);
    jwk["alg"] = "RS256".into();
    let v = verify_text(&token_text, &jwk.to_string());
    assert_eq!(v.status, SignatureStatus::Invalid);
    assert!(
        v.detail
            .contains("the key is for RS256 but the token says PS256"),
        "{}",
        v.detail
    );
}

#[test]
fn der_encoded_ecdsa_signature_is_refused() {
    let key = TestKey::for_alg("ES256");
    let token_text = sign_jws(&key, &json!({"alg": "ES256"}), &claims());
    let raw = jws(&token_text).signature();
    // Re-encode R||S as an ASN.1 SEQUENCE of two INTEGERs.
    let int = |b: &[u8]| {
        let mut v = b.to_vec();
        if v[0] & 0x80 != 0 {
            v.insert(0, 0);
        }
        let mut out = vec![0x02, v.len() as u8];
        out.extend(v);
        out
    };
    let body = [int(&raw[..32]), int(&raw[32..])].concat();
    let der = [vec![0x30, body.len() as u8], body].concat();
    let parts: Vec<&str> = token_text.split('.').collect();
    let der_token = format!("{}.{}.{}", parts[0], parts[1], b64(&der));
    let v = verify_text(&der_token, &key.jwk(None).to_string());
    assert_eq!(v.status, SignatureStatus::Invalid);
    assert!(v.detail.contains("DER-encoded"), "{}", v.detail);
}

#[test]
fn zero_r_and_s_is_refused() {
    for alg in ["ES256", "ES384", "ES512"] {
        let key = TestKey::for_alg(alg);
        let token_text = sign_jws(&key, &json!({"alg": alg}), &claims());
        let len = jws(&token_text).signature_len();
        let parts: Vec<&str> = token_text.split('.').collect();
        let psychic = format!("{}.{}.{}", parts[0], parts[1], b64(&vec![0u8; len]));
        let v = verify_text(&psychic, &key.jwk(None).to_string());
        assert_eq!(v.status, SignatureStatus::Invalid, "{alg}");
        assert!(v.detail.contains("CVE-2022-21449"), "{}", v.detail);
    }
}

#[test]
fn crit_with_an_unknown_extension_fails() {
    let key = TestKey::for_alg("HS256");
    let token_text = sign_jws(
        &key,
        &json!({"alg": "HS256", "crit": ["exp-tokenscope"], "exp-tokenscope": 1}),
        &claims(),
    );
    let v = verify_text(&token_text, &key.jwk(None).to_string());
    let report = token::diagnose(
        &token::parse(&token_text).unwrap(),
        Default::default(),
        &Options::at(0),
        Some(&v),
    );
    let crit = report.check("crit").unwrap();
    assert_eq!(crit.status, CheckStatus::Fail);
    assert!(crit.message.contains("exp-tokenscope"), "{}", crit.message);
    assert!(
        report.has_failure(),
        "a valid signature does not rescue an unknown crit"
    );
}

#[test]
fn embedded_attacker_jwk_is_not_used_unless_asked_and_then_proves_nothing() {
    let attacker = TestKey::for_alg("RS256");
    let real = TestKey::for_alg("RS256");
    let header = json!({"alg": "RS256", "jwk": attacker.jwk(None)});
    let token_text = sign_jws(&attacker, &header, &claims());
    let real_keys = keys::from_text(&real.jwk(None).to_string(), "issuer").unwrap();

    let v = jose::verify(&jws(&token_text), &real_keys, VerifyOptions::default()).verdict;
    assert_eq!(v.status, SignatureStatus::Invalid);
    assert!(
        v.warnings
            .iter()
            .any(|w| w.contains("embedded key (jwk): untrusted and not used")),
        "{:?}",
        v.warnings
    );

    let v = jose::verify(
        &jws(&token_text),
        &[],
        VerifyOptions {
            use_embedded_key: true,
        },
    )
    .verdict;
    assert_eq!(v.status, SignatureStatus::Valid);
    assert!(
        v.detail
            .starts_with("self-signed by an embedded key — proves nothing about the issuer"),
        "{}",
        v.detail
    );
}

#[tokio::test]
async fn jku_is_never_fetched() {
    let server = util::http_server::TestServer::start(|_| {
        util::http_server::Reply::json(&json!({"keys": []}))
    });
    let attacker = TestKey::for_alg("RS256");
    let header = json!({"alg": "RS256", "jku": server.url("/attacker-jwks.json")});
    let token_text = sign_jws(&attacker, &header, &claims());
    let real = TestKey::for_alg("RS256");
    let v = KeyResolver::new()
        .use_embedded_key(true)
        .verify(
            &jws(&token_text),
            &KeySource::KeyText(real.jwk(None).to_string()),
        )
        .await;
    assert_eq!(v.status, SignatureStatus::Invalid);
    assert!(
        v.warnings.iter().any(|w| w.contains("never fetched")),
        "{:?}",
        v.warnings
    );
    assert_eq!(server.requests(), 0, "the jku URL must not be requested");
}

#[test]
fn encryption_keys_and_keys_without_verify_are_refused() {
    let key = TestKey::for_alg("RS256");
    let token_text = sign_jws(&key, &json!({"alg": "RS256"}), &claims());
    let mut enc = key.jwk(None);
    enc["use"] = "enc".into();
    let v = verify_text(&token_text, &enc.to_string());
    assert_eq!(v.status, SignatureStatus::Invalid);
    assert!(v.detail.contains("use is \"enc\""), "{}", v.detail);

    let mut ops = key.jwk(None);
    ops["key_ops"] = json!(["encrypt", "wrapKey"]);
    let v = verify_text(&token_text, &ops.to_string());
    assert!(
        v.detail.contains("do not include \"verify\""),
        "{}",
        v.detail
    );
}

#[test]
fn unknown_algorithm_is_unsupported_not_invalid() {
    let key = TestKey::for_alg("HS256");
    let token_text = format!(
        "{}.{}.c2ln",
        b64(br#"{"alg":"ES256K"}"#),
        b64(claims().to_string().as_bytes())
    );
    let v = verify_text(&token_text, &key.jwk(None).to_string());
    assert_eq!(v.status, SignatureStatus::Unsupported);
    assert!(v.detail.contains("ES256K"));
}

#[test]
fn control_characters_in_kid_are_escaped() {
    let key = TestKey::for_alg("HS256");
    let token_text = sign_jws(
        &key,
        &json!({"alg": "HS256", "kid": "a\u{202e}b\n"}),
        &claims(),
    );
    let jwks = json!({"keys": [key.jwk(Some("other"))]});
    let v = verify_text(&token_text, &jwks.to_string());
    assert!(
        v.detail.contains("\\u{202e}") && v.detail.contains("\\n"),
        "{}",
        v.detail
    );
}

#[test]
fn an_hmac_secret_for_an_rs256_token_is_a_wrong_key_not_a_forgery() {
    let rsa = TestKey::for_alg("RS256");
    let token_text = sign_jws(&rsa, &json!({"alg": "RS256", "kid": "k1"}), &claims());
    let token = jws(&token_text);
    let keys = vec![keys::hmac_secret("a-shared-secret-of-32-bytes-long").unwrap()];
    let v = jose::verify(&token, &keys, VerifyOptions::default()).verdict;
    assert_eq!(v.status, SignatureStatus::Unverified, "{v:?}");
    assert!(v.detail.contains("public key"), "{}", v.detail);
    assert!(v.hint.as_deref().unwrap().contains("public key"), "{v:?}");
    // One key given: its kid is not looked up anywhere, so nothing is said of it.
    assert!(v.detail.starts_with("not verified:"), "{}", v.detail);
    // The alg still does not fit the key: that check fails, and so does the signature check.
    assert!(v.alg_problem.is_some(), "{v:?}");
    let run = util::tokenscope(
        &[
            "inspect",
            "--json",
            "--secret",
            "a-shared-secret-of-32-bytes-long",
            &token_text,
        ],
        "",
    );
    assert_eq!(run.status, 1, "{}", run.stdout);
    assert_eq!(util::check(&run.json(), "signature")["status"], "fail");
}

#[test]
fn a_kid_that_names_no_key_is_never_verified_by_a_key_with_another_kid() {
    let rsa = TestKey::for_alg("RS256");
    let token_text = sign_jws(&rsa, &json!({"alg": "RS256", "kid": "zz"}), &claims());
    let token = jws(&token_text);
    let other_ec = TestKey::for_alg("ES256");
    // The right key material, but named "other"; and a key without a kid of another type.
    let set = json!({"keys": [rsa.jwk(Some("other")), other_ec.jwk(None)]});
    let keys = keys::from_text(&set.to_string(), "test").unwrap();
    let v = jose::verify(&token, &keys, VerifyOptions::default());
    assert_ne!(v.verdict.status, SignatureStatus::Valid, "{:?}", v.verdict);
    assert!(
        v.verdict.detail.contains("no key with kid \"zz\""),
        "{}",
        v.verdict.detail
    );
    assert_eq!(
        v.unknown_kid.as_deref(),
        Some("zz"),
        "a refetch may find it"
    );

    // A key without a kid may still verify a token whose kid it does not carry.
    let set = json!({"keys": [rsa.jwk(None)]});
    let keys = keys::from_text(&set.to_string(), "test").unwrap();
    let v = jose::verify(&token, &keys, VerifyOptions::default());
    assert_eq!(v.verdict.status, SignatureStatus::Valid, "{:?}", v.verdict);
}

#[test]
fn an_ed448_key_is_unsupported_not_invalid() {
    let token_text = format!(
        "{}.{}.{}",
        b64(br#"{"alg":"EdDSA"}"#),
        b64(claims().to_string().as_bytes()),
        b64(&[7u8; 114])
    );
    let jwk = json!({"kty": "OKP", "crv": "Ed448", "x": b64(&[9u8; 57])});
    let v = verify_text(&token_text, &jwk.to_string());
    assert_eq!(v.status, SignatureStatus::Unsupported, "{v:?}");
    assert!(v.detail.contains("Ed448"), "{}", v.detail);
}
