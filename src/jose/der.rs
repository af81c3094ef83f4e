//! The few DER structures a public key arrives in: SubjectPublicKeyInfo (RFC 5280 §4.1),
//! PKCS#1 RSAPublicKey (RFC 8017 §A.1.1) and the public key inside an X.509 certificate.
//! A tiny reader is enough, and it reports where a structure is broken.

use super::material::{Curve, KeyError, KeyMaterial, OkpCurve};

const TAG_INTEGER: u8 = 0x02;
const TAG_BIT_STRING: u8 = 0x03;
const TAG_OID: u8 = 0x06;
const TAG_SEQUENCE: u8 = 0x30;

const OID_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
const OID_RSA_PSS: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a];
const OID_EC: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
const OID_P256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
const OID_P384: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x22];
const OID_P521: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x23];
const OID_SECP256K1: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x0a];
const OID_ED25519: &[u8] = &[0x2b, 0x65, 0x70];
const OID_ED448: &[u8] = &[0x2b, 0x65, 0x71];

/// A cursor over DER bytes.
pub struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Self { data, pos: 0 }
    }

    /// The next element's tag and contents.
    pub fn next(&mut self) -> Result<(u8, &'a [u8]), KeyError> {
        let bad = |what: &str, at: usize| KeyError::Der(format!("{what} at byte {at}"));
        let start = self.pos;
        let tag = *self
            .data
            .get(self.pos)
            .ok_or_else(|| bad("unexpected end", start))?;
        let first = *self
            .data
            .get(self.pos + 1)
            .ok_or_else(|| bad("missing length", start))?;
        self.pos += 2;
        let len = if first < 0x80 {
            usize::from(first)
        } else {
            let n = usize::from(first & 0x7f);
            if n == 0 || n > 4 {
                return Err(bad("unsupported length form", start));
            }
            let bytes = self
                .data
                .get(self.pos..self.pos + n)
                .ok_or_else(|| bad("truncated length", start))?;
            self.pos += n;
            bytes
                .iter()
                .fold(0usize, |acc, b| (acc << 8) | usize::from(*b))
        };
        let end = self
            .pos
            .checked_add(len)
            .ok_or_else(|| bad("length overflow", start))?;
        let content = self
            .data
            .get(self.pos..end)
            .ok_or_else(|| bad("truncated element", start))?;
        self.pos = end;
        Ok((tag, content))
    }

    pub fn expect(&mut self, tag: u8, what: &str) -> Result<&'a [u8], KeyError> {
        let at = self.pos;
        let (found, content) = self.next()?;
        if found != tag {
            return Err(KeyError::Der(format!(
                "expected {what} at byte {at}, found tag 0x{found:02x}"
            )));
        }
        Ok(content)
    }
}

/// SubjectPublicKeyInfo → key material.
pub fn parse_spki(der: &[u8]) -> Result<KeyMaterial, KeyError> {
    let mut outer = Reader::new(der);
    let spki = outer.expect(TAG_SEQUENCE, "SubjectPublicKeyInfo")?;
    let mut r = Reader::new(spki);
    let alg_id = r.expect(TAG_SEQUENCE, "AlgorithmIdentifier")?;
    let bits = r.expect(TAG_BIT_STRING, "subjectPublicKey")?;
    let key = bits
        .split_first()
        .filter(|(unused, _)| **unused == 0)
        .map(|(_, k)| k)
        .ok_or_else(|| KeyError::Der("malformed public key bit string".into()))?;
    let mut a = Reader::new(alg_id);
    let oid = a.expect(TAG_OID, "algorithm OID")?;
    match oid {
        OID_RSA | OID_RSA_PSS => parse_pkcs1_public(key),
        OID_EC => {
            let curve = match a.expect(TAG_OID, "named curve")? {
                OID_P256 => Curve::P256,
                OID_P384 => Curve::P384,
                OID_P521 => Curve::P521,
                OID_SECP256K1 => Curve::Secp256k1,
                _ => {
                    return Err(KeyError::Unsupported(
                        "an EC key on an unknown curve".into(),
                    ));
                }
            };
            Ok(KeyMaterial::Ec {
                curve,
                point: key.to_vec(),
            })
        }
        OID_ED25519 => Ok(KeyMaterial::Okp {
            curve: OkpCurve::Ed25519,
            x: key.to_vec(),
        }),
        OID_ED448 => Ok(KeyMaterial::Okp {
            curve: OkpCurve::Ed448,
            x: key.to_vec(),
        }),
        _ => Err(KeyError::Unsupported(
            "a public key of an unknown algorithm (not RSA, EC or Ed25519)".into(),
        )),
    }
}

/// PKCS#1 RSAPublicKey → key material.
pub fn parse_pkcs1_public(der: &[u8]) -> Result<KeyMaterial, KeyError> {
    let mut outer = Reader::new(der);
    let seq = outer.expect(TAG_SEQUENCE, "RSAPublicKey")?;
    let mut r = Reader::new(seq);
    let n = strip_zeros(r.expect(TAG_INTEGER, "modulus")?);
    let e = strip_zeros(r.expect(TAG_INTEGER, "public exponent")?);
    Ok(KeyMaterial::Rsa {
        n: n.to_vec(),
        e: e.to_vec(),
    })
}

/// Whether `bytes` are exactly one DER SEQUENCE: the shape of every key and certificate
/// encoding (SPKI, PKCS#1, PKCS#8, SEC1, X.509). A random secret has it now and then, so the
/// caller also parses the contents.
#[must_use]
pub fn is_one_sequence(bytes: &[u8]) -> bool {
    let mut r = Reader::new(bytes);
    matches!(r.next(), Ok((TAG_SEQUENCE, _))) && r.pos == bytes.len()
}

/// The SubjectPublicKeyInfo of an X.509 certificate (RFC 5280 §4.1), as DER.
pub fn certificate_spki(der: &[u8]) -> Result<Vec<u8>, KeyError> {
    let mut outer = Reader::new(der);
    let cert = outer.expect(TAG_SEQUENCE, "Certificate")?;
    let tbs = Reader::new(cert).expect(TAG_SEQUENCE, "TBSCertificate")?;
    let mut r = Reader::new(tbs);
    // version [0] is optional; serial, signature, issuer, validity, subject come next.
    let mut skipped = 0;
    loop {
        let start = r.pos;
        let (tag, _) = r.next()?;
        if tag == 0xa0 {
            continue;
        }
        skipped += 1;
        if skipped == 6 {
            if tag != TAG_SEQUENCE {
                return Err(KeyError::Der(
                    "certificate has no subjectPublicKeyInfo".into(),
                ));
            }
            return Ok(tbs[start..r.pos].to_vec());
        }
    }
}

/// A big-endian integer without its leading zero bytes.
pub(super) fn strip_zeros(bytes: &[u8]) -> &[u8] {
    let first = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    &bytes[first..]
}
