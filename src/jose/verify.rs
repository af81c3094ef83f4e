//! Signature verification over the exact received `header.payload`, with the key chosen by
//! `kid` and bound to the token's algorithm family. jsonwebtoken is the primitive; ES512 goes
//! through aws-lc-rs, which jsonwebtoken lacks.

use crate::token::text::plural;
use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey};
use serde_json::Value;

use super::keys::{self, Curve, Key, KeyMaterial, OkpCurve};
use crate::token::parse::Jws;
use crate::token::report::{SignatureStatus, SignatureVerdict};

/// What an `alg` needs from a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    Hmac { min_len: usize },
    Rsa,
    Ec(Curve),
    Ed25519,
}

#[derive(Debug, Clone, Copy)]
enum Primitive {
    Jwt(Algorithm),
    Es512,
}

fn algorithm(alg: &str) -> Option<(Family, Primitive)> {
    use Algorithm::*;
    let j = Primitive::Jwt;
    Some(match alg {
        "HS256" => (Family::Hmac { min_len: 32 }, j(HS256)),
        "HS384" => (Family::Hmac { min_len: 48 }, j(HS384)),
        "HS512" => (Family::Hmac { min_len: 64 }, j(HS512)),
        "RS256" => (Family::Rsa, j(RS256)),
        "RS384" => (Family::Rsa, j(RS384)),
        "RS512" => (Family::Rsa, j(RS512)),
        "PS256" => (Family::Rsa, j(PS256)),
        "PS384" => (Family::Rsa, j(PS384)),
        "PS512" => (Family::Rsa, j(PS512)),
        "ES256" => (Family::Ec(Curve::P256), j(ES256)),
        "ES384" => (Family::Ec(Curve::P384), j(ES384)),
        "ES512" => (Family::Ec(Curve::P521), Primitive::Es512),
        "EdDSA" | "Ed25519" => (Family::Ed25519, j(EdDSA)),
        _ => return None,
    })
}

/// Options the user controls.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct VerifyOptions {
    /// Also try a key embedded in the header (`jwk`, `x5c`): proves nothing about the issuer.
    pub use_embedded_key: bool,
}

/// The verdict, and whether the token's `kid` was missing from the keys (worth a refetch).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    pub verdict: SignatureVerdict,
    pub unknown_kid: Option<String>,
}

fn verdict(status: SignatureStatus, detail: impl Into<String>) -> SignatureVerdict {
    SignatureVerdict {
        status,
        detail: detail.into(),
        hint: None,
        key: None,
        alg_problem: None,
        warnings: Vec::new(),
    }
}

/// A `kid` as it can be shown safely: quoted, control and bidi characters escaped.
#[must_use]
pub fn display_kid(kid: &str) -> String {
    crate::token::text::escape_invisible(&format!("{kid:?}"))
}

/// Verifies `jws` with `keys`: every failure is a verdict with its reason.
#[must_use]
pub fn verify(jws: &Jws, keys: &[Key], opts: VerifyOptions) -> Verification {
    let mut warnings = header_key_warnings(jws, opts);
    let done = |mut v: SignatureVerdict, warnings: Vec<String>| Verification {
        verdict: {
            v.warnings.extend(warnings);
            v
        },
        unknown_kid: None,
    };

    let Some(alg) = jws.alg() else {
        return done(
            verdict(
                SignatureStatus::Invalid,
                "the header has no alg, so there is nothing to verify",
            ),
            warnings,
        );
    };
    if jws.is_unsecured() {
        return done(
            verdict(
                SignatureStatus::NotSigned,
                format!("alg \"{alg}\": the token is not signed, no key can make it valid"),
            ),
            warnings,
        );
    }
    let Some((family, primitive)) = algorithm(alg) else {
        return done(
            verdict(
                SignatureStatus::Unsupported,
                format!(
                    "{alg} cannot be verified by tokenscope (supported: HS*, RS*, PS*, ES256/384/512, EdDSA with Ed25519)"
                ),
            ),
            warnings,
        );
    };

    let mut candidates: Vec<Key> = keys.to_vec();
    if opts.use_embedded_key {
        candidates.extend(embedded_key(jws));
    }
    let kid = jws.header.get("kid").and_then(Value::as_str);
    // A kid that names no key: only keys without a kid may still be tried. A key with another
    // kid is another key, whatever its type.
    let mut unmatched_kid = None;
    if let Some(kid) = kid {
        let any_match = candidates.iter().any(|k| k.kid.as_deref() == Some(kid));
        if any_match {
            candidates.retain(|k| k.kid.is_none() || k.kid.as_deref() == Some(kid));
        } else if candidates.iter().all(|k| k.kid.is_none()) {
            // A single PEM key or secret: nothing to look the kid up in.
        } else if candidates.iter().any(|k| k.kid.is_none()) {
            candidates.retain(|k| k.kid.is_none());
            unmatched_kid = Some(kid);
        } else {
            let known: Vec<String> = candidates
                .iter()
                .filter_map(|k| k.kid.as_deref())
                .map(display_kid)
                .collect();
            let mut v = verdict(
                SignatureStatus::Invalid,
                format!(
                    "no key with kid {} (keys there: {})",
                    display_kid(kid),
                    known.join(", ")
                ),
            );
            v.hint = Some("the issuer may have rotated its keys, or the token comes from another issuer or environment".into());
            return Verification {
                verdict: done(v, warnings).verdict,
                unknown_kid: Some(kid.to_string()),
            };
        }
    }

    // Whatever the keys without a kid say, a failure here may be key rotation: say which kid
    // was missing, and let the caller refetch.
    let done = |v: SignatureVerdict, warnings: Vec<String>| {
        let mut out = done(v, warnings);
        if let Some(kid) = unmatched_kid
            && out.verdict.status != SignatureStatus::Valid
        {
            out.verdict.detail = format!(
                "no key with kid {}, and the keys without a kid did not verify it: {}",
                display_kid(kid),
                out.verdict.detail
            );
            out.unknown_kid = Some(kid.to_string());
        }
        out
    };

    let mut refusals = Vec::new();
    let mut usable = Vec::new();
    for key in &candidates {
        match usable_for(key, alg, family) {
            Ok(()) => usable.push(key),
            Err(reason) => refusals.push((key, reason)),
        }
    }
    if usable.is_empty() {
        let reasons: Vec<String> = refusals
            .iter()
            .map(|(k, r)| format!("{}: {r}", k.describe()))
            .collect();
        let confused_key = refusals
            .iter()
            .find(|(_, r)| matches!(r, Refusal::Confusion(_)))
            .map(|(k, _)| k);
        let confusion = confused_key.is_some();
        // An HMAC secret offered for RS256 is a wrong key, not a forged token; the reverse
        // (a public key offered for HS256) is the attack, and the token is refused.
        let secret_for_public_key_alg = confusion
            && !matches!(family, Family::Hmac { .. })
            && refusals
                .iter()
                .all(|(k, _)| matches!(k.material, KeyMaterial::Hmac(_)));
        // Keys tokenscope cannot use (Ed448): nothing was checked, so nothing is invalid.
        let only_unsupported = !refusals.is_empty()
            && refusals
                .iter()
                .all(|(_, r)| matches!(r, Refusal::Unsupported(_)));
        let mut v = verdict(
            if secret_for_public_key_alg {
                SignatureStatus::Unverified
            } else if only_unsupported {
                SignatureStatus::Unsupported
            } else {
                SignatureStatus::Invalid
            },
            if reasons.is_empty() {
                "no key was given".to_string()
            } else if secret_for_public_key_alg {
                format!(
                    "not verified: {alg} is checked with the issuer's public key, and an HMAC secret was given"
                )
            } else {
                format!("no usable key for {alg}: {}", reasons.join("; "))
            },
        );
        if let Some(key) = confused_key {
            v.alg_problem = Some(format!(
                "{alg} does not fit the key given ({}): alg confusion refused (RFC 8725 §2.1)",
                key.material.describe()
            ));
        }
        if secret_for_public_key_alg {
            v.hint = Some(
                "give the issuer's public key: PEM, JWK or JWKS, its JWKS URL, or the issuer to discover it".into(),
            );
        }
        return done(v, warnings);
    }

    let signature = jws.signature();
    let signature_b64 = URL_SAFE_NO_PAD.encode(&signature);
    let mut last_failure = String::new();
    for key in &usable {
        warnings.extend(key.notices.iter().cloned());
        warnings.extend(weak_key_warning(key, family));
        match check_signature(jws, &signature, &signature_b64, key, family, primitive) {
            Ok(()) => {
                let embedded = key.embedded;
                let mut v = verdict(
                    SignatureStatus::Valid,
                    if embedded {
                        format!(
                            "self-signed by an embedded key — proves nothing about the issuer ({})",
                            key.describe()
                        )
                    } else {
                        format!("{alg} signature verified with {}", key.describe())
                    },
                );
                v.key = Some(key.describe());
                if embedded {
                    warnings.push("the key came from the token itself: anyone can sign a token with their own key".into());
                }
                return done(v, dedup(warnings));
            }
            Err(reason) => last_failure = reason,
        }
    }
    let tried: Vec<String> = usable.iter().map(|k| k.describe()).collect();
    let mut v = verdict(
        SignatureStatus::Invalid,
        if usable.len() == 1 {
            format!(
                "the signature does not match: {last_failure} (key: {})",
                tried[0]
            )
        } else {
            format!(
                "no key verified the signature ({} tried: {})",
                usable.len(),
                tried.join("; ")
            )
        },
    );
    v.key = (usable.len() == 1).then(|| tried[0].clone());
    v.hint = Some("the token was altered, or signed by another key: check the issuer, the kid and the key you gave".into());
    done(v, dedup(warnings))
}

fn dedup(mut v: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    v.retain(|w| seen.insert(w.clone()));
    v
}

/// Why a key cannot verify a token; the verdict's status depends on which.
enum Refusal {
    /// Its `use` or `key_ops` forbid verifying, or its curve is not the alg's.
    Unfit(String),
    /// Its type, or its JWK `alg`, does not fit the token's alg (RFC 8725 §2.1).
    Confusion(String),
    /// A kind of key tokenscope cannot verify with (Ed448).
    Unsupported(String),
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unfit(why) | Self::Confusion(why) | Self::Unsupported(why) => f.write_str(why),
        }
    }
}

/// Whether `key` may verify `alg`: its use, its key_ops, its alg and its type.
fn usable_for(key: &Key, alg: &str, family: Family) -> Result<(), Refusal> {
    if key.usage.as_deref().is_some_and(|u| u != "sig") {
        return Err(Refusal::Unfit(format!(
            "the key's use is \"{}\", not \"sig\"; it is not for verifying signatures",
            key.usage.as_deref().unwrap_or("")
        )));
    }
    if let Some(ops) = &key.key_ops
        && !ops.iter().any(|o| o == "verify")
    {
        return Err(Refusal::Unfit(format!(
            "the key's key_ops ({}) do not include \"verify\"",
            ops.join(", ")
        )));
    }
    if let Some(key_alg) = &key.alg
        && key_alg != alg
    {
        return Err(Refusal::Confusion(format!(
            "the key is for {key_alg} but the token says {alg} (alg confusion refused)"
        )));
    }
    let fits = match (family, &key.material) {
        (Family::Hmac { .. }, KeyMaterial::Hmac(_)) | (Family::Rsa, KeyMaterial::Rsa { .. }) => {
            true
        }
        (Family::Ec(want), KeyMaterial::Ec { curve, .. }) => {
            if want != *curve {
                return Err(Refusal::Unfit(format!(
                    "{alg} needs an EC {} key, this one is {}",
                    want.name(),
                    curve.name()
                )));
            }
            true
        }
        (Family::Ed25519, KeyMaterial::Okp { curve, .. }) => {
            if *curve != OkpCurve::Ed25519 {
                return Err(Refusal::Unsupported(format!(
                    "{} keys cannot be verified by tokenscope",
                    curve.name()
                )));
            }
            true
        }
        _ => false,
    };
    if !fits {
        return Err(Refusal::Confusion(format!(
            "{alg} does not fit this key, {} (alg confusion refused: RFC 8725 §2.1)",
            key.material.describe()
        )));
    }
    Ok(())
}

fn weak_key_warning(key: &Key, family: Family) -> Option<String> {
    match (&key.material, family) {
        (KeyMaterial::Hmac(secret), Family::Hmac { min_len }) if secret.len() < min_len => {
            Some(format!(
                "weak key: the HMAC secret is {}, shorter than the {min_len}-byte hash output (RFC 7518 §3.2)",
                plural(secret.len(), "byte", "bytes")
            ))
        }
        (m @ KeyMaterial::Rsa { .. }, _) if m.rsa_bits().is_some_and(|b| b < 2048) => {
            Some(format!(
                "weak key: RSA {} bits is under the 2048-bit minimum (RFC 7518 §3.3)",
                m.rsa_bits().unwrap_or(0)
            ))
        }
        _ => None,
    }
}

fn check_signature(
    jws: &Jws,
    signature: &[u8],
    signature_b64: &str,
    key: &Key,
    family: Family,
    primitive: Primitive,
) -> Result<(), String> {
    if let Family::Ec(curve) = family {
        check_ecdsa_shape(signature, curve)?;
    }
    let message = jws.signing_input().as_bytes();
    match (primitive, &key.material) {
        (Primitive::Es512, KeyMaterial::Ec { point, .. }) => {
            let public = aws_lc_rs::signature::UnparsedPublicKey::new(
                &aws_lc_rs::signature::ECDSA_P521_SHA512_FIXED,
                point,
            );
            public
                .verify(message, signature)
                .map_err(|_| "ES512 verification failed".to_string())
        }
        (Primitive::Jwt(alg), material) => {
            let decoding = match material {
                KeyMaterial::Hmac(secret) => DecodingKey::from_secret(secret),
                KeyMaterial::Rsa { n, e } => DecodingKey::from_rsa_raw_components(n, e),
                KeyMaterial::Ec { point, .. } => DecodingKey::from_ec_der(point),
                KeyMaterial::Okp { x, .. } => DecodingKey::from_ed_der(x),
            };
            match jsonwebtoken::crypto::verify(signature_b64, message, &decoding, alg) {
                Ok(true) => Ok(()),
                Ok(false) => Err(format!("{alg:?} verification failed")),
                Err(e) => Err(format!("the key was rejected: {e}")),
            }
        }
        (Primitive::Es512, other) => Err(format!(
            "ES512 needs an EC P-521 key, not {}",
            other.describe()
        )),
    }
}

/// Raw R‖S of the exact length, neither zero: DER signatures and the "psychic signature"
/// (r = s = 0, CVE-2022-21449) are refused before any library sees them.
fn check_ecdsa_shape(signature: &[u8], curve: Curve) -> Result<(), String> {
    let len = curve.coordinate_len();
    if signature.len() != 2 * len {
        let der = signature.first() == Some(&0x30);
        return Err(format!(
            "the ECDSA signature is {}; {} needs exactly {} bytes of raw R‖S{}",
            plural(signature.len(), "byte", "bytes"),
            curve.name(),
            2 * len,
            if der {
                " (this looks DER-encoded, which JWS forbids: RFC 7518 §3.4)"
            } else {
                ""
            }
        ));
    }
    let (r, s) = signature.split_at(len);
    if r.iter().all(|b| *b == 0) || s.iter().all(|b| *b == 0) {
        return Err("r or s is zero, an always-invalid ECDSA signature (CVE-2022-21449)".into());
    }
    Ok(())
}

/// Keys embedded in the header: never trusted, used only when the user asks.
fn embedded_key(jws: &Jws) -> Option<Key> {
    if let Some(jwk) = jws.header.get("jwk") {
        let mut key = keys::from_jwk(jwk, "embedded jwk header").ok()?;
        key.kid = None;
        key.embedded = true;
        return Some(key);
    }
    let cert = jws.header.get("x5c")?.as_array()?.first()?.as_str()?;
    let pem = format!("-----BEGIN CERTIFICATE-----\n{cert}\n-----END CERTIFICATE-----");
    let mut key = keys::from_pem(&pem).ok()?;
    key.origin = "embedded x5c certificate".into();
    key.embedded = true;
    Some(key)
}

fn header_key_warnings(jws: &Jws, opts: VerifyOptions) -> Vec<String> {
    let mut w = Vec::new();
    for (name, what) in [
        ("jwk", "an embedded key"),
        ("x5c", "an embedded certificate chain"),
    ] {
        if jws.header.contains_key(name) && !opts.use_embedded_key {
            w.push(format!(
                "the header carries {what} ({name}): untrusted and not used"
            ));
        }
    }
    for name in ["jku", "x5u"] {
        if let Some(url) = jws.header.get(name) {
            w.push(format!(
                "the header points at a key URL ({name} {url}): untrusted, never fetched"
            ));
        }
    }
    w
}
