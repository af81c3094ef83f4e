//! JWK (RFC 7517) and JWK Set documents.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::{Map, Value};

use super::der;
use super::keys::{Curve, Key, KeyError, KeyMaterial, OkpCurve};

/// Every key of a JWKS. A key that cannot be read is skipped when others can, so one exotic
/// key does not hide the rest; the JWKS fails only when no key is usable.
pub fn from_jwks(value: &Value, origin: &str) -> Result<Vec<Key>, KeyError> {
    let keys = value
        .get("keys")
        .and_then(Value::as_array)
        .ok_or(KeyError::NotAJwks)?;
    let mut out = Vec::new();
    let mut first_error = None;
    for k in keys {
        match from_jwk(k, origin) {
            Ok(key) => out.push(key),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    match (out.is_empty(), first_error) {
        (true, Some(e)) => Err(e),
        _ => Ok(out),
    }
}

/// One JWK (RFC 7517).
pub fn from_jwk(value: &Value, origin: &str) -> Result<Key, KeyError> {
    let map = value.as_object().ok_or_else(|| KeyError::Jwk {
        kid: None,
        reason: "not a JSON object".into(),
    })?;
    let kid = map.get("kid").and_then(Value::as_str).map(str::to_string);
    let fail = |reason: String| KeyError::Jwk {
        kid: kid.clone(),
        reason,
    };
    // A kid that is not a string would be dropped, and the key would then match any kid.
    if let Some(other) = map.get("kid").filter(|k| !k.is_string()) {
        return Err(fail(format!(
            "\"kid\" must be a string, not {}",
            crate::token::parse::json_type(other)
        )));
    }
    let member = |name: &str| -> Result<Vec<u8>, KeyError> {
        let text = map
            .get(name)
            .and_then(Value::as_str)
            .ok_or_else(|| fail(format!("missing \"{name}\"")))?;
        URL_SAFE_NO_PAD
            .decode(text.trim_end_matches('='))
            .map_err(|e| fail(format!("\"{name}\" is not base64url: {e}")))
    };
    let kty = map
        .get("kty")
        .and_then(Value::as_str)
        .ok_or_else(|| fail("missing \"kty\"".into()))?;
    if let Some(cert) = certificate_only(map, kty) {
        let material = certificate_key(cert).map_err(|e| fail(format!("x5c[0]: {e}")))?;
        if material.kty() != kty {
            return Err(fail(format!(
                "kty is \"{kty}\" but the x5c certificate holds an {} key",
                material.kty()
            )));
        }
        return Ok(finish(Key::new(material, origin), map, kid, kty));
    }
    let material = match kty {
        "RSA" => KeyMaterial::Rsa {
            n: der::strip_zeros(&member("n")?).to_vec(),
            e: der::strip_zeros(&member("e")?).to_vec(),
        },
        "EC" => {
            let crv = map.get("crv").and_then(Value::as_str).unwrap_or("");
            let curve = Curve::from_name(crv)
                .ok_or_else(|| fail(format!("unsupported EC curve \"{crv}\"")))?;
            let (x, y) = (member("x")?, member("y")?);
            let len = curve.coordinate_len();
            if x.len() != len || y.len() != len {
                return Err(fail(format!(
                    "{} coordinates must be {len} bytes",
                    curve.name()
                )));
            }
            let mut point = Vec::with_capacity(1 + 2 * len);
            point.push(0x04);
            point.extend_from_slice(&x);
            point.extend_from_slice(&y);
            KeyMaterial::Ec { curve, point }
        }
        "OKP" => {
            let crv = map.get("crv").and_then(Value::as_str).unwrap_or("");
            let curve = match crv {
                "Ed25519" => OkpCurve::Ed25519,
                "Ed448" => OkpCurve::Ed448,
                _ => {
                    return Err(fail(format!(
                        "unsupported OKP curve \"{crv}\" (X25519/X448 are for encryption)"
                    )));
                }
            };
            let x = member("x")?;
            let len = match curve {
                OkpCurve::Ed25519 => 32,
                OkpCurve::Ed448 => 57,
            };
            if x.len() != len {
                return Err(fail(format!(
                    "{crv} \"x\" must be {len} bytes, not {}",
                    x.len()
                )));
            }
            KeyMaterial::Okp { curve, x }
        }
        "oct" => KeyMaterial::Hmac(member("k")?),
        other => return Err(fail(format!("unsupported kty \"{other}\""))),
    };
    Ok(finish(Key::new(material, origin), map, kid, kty))
}

/// The JWK's first x5c certificate when the key itself is not written out (no `n` or `x`):
/// some servers publish only the certificate chain.
fn certificate_only<'a>(map: &'a Map<String, Value>, kty: &str) -> Option<&'a str> {
    let key_member = match kty {
        "RSA" => "n",
        "EC" | "OKP" => "x",
        _ => return None,
    };
    if map.contains_key(key_member) {
        return None;
    }
    map.get("x5c")?.as_array()?.first()?.as_str()
}

/// The public key of a base64 (not base64url: RFC 7517 §4.7) DER certificate.
fn certificate_key(cert: &str) -> Result<KeyMaterial, KeyError> {
    let der_bytes = STANDARD
        .decode(cert.trim())
        .map_err(|e| KeyError::Der(format!("not base64: {e}")))?;
    der::parse_spki(&der::certificate_spki(&der_bytes)?)
}

/// kid, alg, use and key_ops, and a notice for private members.
fn finish(mut key: Key, map: &Map<String, Value>, kid: Option<String>, kty: &str) -> Key {
    key.kid = kid;
    key.alg = map.get("alg").and_then(Value::as_str).map(str::to_string);
    key.usage = map.get("use").and_then(Value::as_str).map(str::to_string);
    key.key_ops = map.get("key_ops").and_then(Value::as_array).map(|ops| {
        ops.iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect()
    });
    if kty != "oct" && has_private_members(map) {
        key.notices
            .push("the JWK holds private key members: only the public part is used".into());
    }
    key
}

fn has_private_members(map: &Map<String, Value>) -> bool {
    ["d", "p", "q", "dp", "dq", "qi"]
        .iter()
        .any(|m| map.contains_key(*m))
}
