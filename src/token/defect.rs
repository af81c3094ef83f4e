//! What is wrong with a token that still looks like a JWS or JWE: the findings of the `format`
//! check. A damaged JWT (a character lost in copying, a proxy that re-encoded it, a signature
//! cut off) is shown as far as it can be read, with each defect naming the segment, the byte
//! and the likely cause, so "why was my token rejected?" gets an answer instead of "opaque".

use std::fmt;

use super::parse::{ParseError, Segment};
use super::text::plural;

/// One thing wrong with the compact form of a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Defect {
    pub segment: Segment,
    /// Byte offset in the token where the defect is, when one place can be named.
    pub offset: Option<usize>,
    pub kind: DefectKind,
}

/// The kinds of damage tokenscope recognises; each has its own likely cause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DefectKind {
    /// The segment could not be read at all (base64url or JSON), with the parser's words.
    Unreadable(ParseError),
    /// The header does not start with `eyJ` but does once `missing` leading characters are
    /// put back: the start of the token was lost in copying.
    StartLost { missing: usize },
    /// `=` padding, which base64url in JWS/JWE omits (RFC 7515 §2).
    Padding,
    /// `+` or `/`: standard base64 instead of base64url (RFC 7515 §2).
    StandardAlphabet,
    /// The payload should be JSON (`typ: JWT`, or it starts like JSON) and is not.
    PayloadNotJson {
        message: String,
        decoded_offset: usize,
    },
    /// `cty: JWT` but the payload is not a token.
    NestedUnreadable(ParseError),
    /// A signed `alg` with an empty signature segment.
    SignatureStripped { alg: String },
    /// A signature whose length no key of the alg's kind produces.
    SignatureLength {
        alg: String,
        bytes: usize,
        expected: &'static str,
    },
}

impl Defect {
    #[must_use]
    pub fn new(segment: Segment, offset: Option<usize>, kind: DefectKind) -> Self {
        Self {
            segment,
            offset,
            kind,
        }
    }

    /// True when the defect leaves the claims unreadable (the lifetime is then unknown).
    #[must_use]
    pub fn hides_claims(&self) -> bool {
        match &self.kind {
            DefectKind::Unreadable(_) => self.segment == Segment::Payload,
            DefectKind::PayloadNotJson { .. } | DefectKind::NestedUnreadable(_) => true,
            _ => false,
        }
    }

    /// True when the header could not be read at all (alg and crit are then unknown).
    #[must_use]
    pub fn hides_header(&self) -> bool {
        self.segment == Segment::Header
            && matches!(
                self.kind,
                DefectKind::Unreadable(_) | DefectKind::StartLost { .. }
            )
    }

    /// The likely cause and what to do, in one line.
    #[must_use]
    pub fn hint(&self) -> &'static str {
        match &self.kind {
            DefectKind::StartLost { .. } => {
                "copy the whole token again: its first characters were lost"
            }
            DefectKind::Unreadable(ParseError::EmptySegment { .. })
                if self.segment == Segment::Header =>
            {
                "the token starts with a dot: its beginning was lost in copying"
            }
            DefectKind::Unreadable(_) if self.segment == Segment::Header => {
                "a JWT header starts with eyJ ({\"); the first characters may have been lost or altered in copying"
            }
            DefectKind::Unreadable(_) | DefectKind::PayloadNotJson { .. } => {
                "the token was altered after it was signed (a character changed in copying, or scrambled by a proxy); get it again from its source"
            }
            DefectKind::Padding | DefectKind::StandardAlphabet => {
                "something re-encoded the token (RFC 7515 §2 requires base64url without padding); most verifiers reject it as it is"
            }
            DefectKind::NestedUnreadable(_) => {
                "the inner token was damaged; get the token again from its source"
            }
            DefectKind::SignatureStripped { .. } => {
                "the signature was stripped (a log or proxy that drops it?); a verifier will reject this token"
            }
            DefectKind::SignatureLength { .. } => {
                "the signature was cut or altered in copying; copy the whole token again"
            }
        }
    }
}

impl fmt::Display for Defect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = |f: &mut fmt::Formatter<'_>| match self.offset {
            Some(o) => write!(f, " at byte {o}"),
            None => Ok(()),
        };
        match &self.kind {
            DefectKind::Unreadable(e) => write!(f, "{e}"),
            DefectKind::StartLost { missing: 1 } => {
                f.write_str("the header does not start with eyJ: its first character is missing")
            }
            DefectKind::StartLost { missing } => write!(
                f,
                "the header does not start with eyJ: its first {missing} characters are missing"
            ),
            DefectKind::Padding => {
                write!(f, "the {} has '=' padding", self.segment)?;
                at(f)?;
                f.write_str(", which base64url in a JWT never has (RFC 7515 §2)")
            }
            DefectKind::StandardAlphabet => {
                write!(f, "the {} uses standard base64 ('+' or '/')", self.segment)?;
                at(f)?;
                f.write_str(" where a JWT uses base64url ('-' and '_', RFC 7515 §2)")
            }
            DefectKind::PayloadNotJson {
                message,
                decoded_offset,
            } => write!(
                f,
                "the payload should be a JSON claims object but is not: {message} at byte {decoded_offset} of the decoded payload"
            ),
            DefectKind::NestedUnreadable(e) => {
                write!(f, "cty is JWT but the payload is not a readable token: {e}")
            }
            DefectKind::SignatureStripped { alg } => write!(
                f,
                "the signature segment is empty, but alg {alg} needs a signature"
            ),
            DefectKind::SignatureLength {
                alg,
                bytes,
                expected,
            } => write!(
                f,
                "the signature is {} long, which no {alg} key produces ({expected})",
                plural(*bytes, "byte", "bytes")
            ),
        }
    }
}

/// The signature length an alg produces, when a wrong one is certain to be damage.
/// `Err` describes what was expected.
pub(super) fn check_signature_length(alg: &str, len: usize) -> Result<(), &'static str> {
    let exact = |n: usize, words: &'static str| if len == n { Ok(()) } else { Err(words) };
    match alg {
        "HS256" => exact(32, "HS256 signatures are 32 bytes"),
        "HS384" => exact(48, "HS384 signatures are 48 bytes"),
        "HS512" => exact(64, "HS512 signatures are 64 bytes"),
        "ES256" | "ES256K" => exact(64, "ES256 signatures are 64 bytes"),
        "ES384" => exact(96, "ES384 signatures are 96 bytes"),
        "ES512" => exact(132, "ES512 signatures are 132 bytes"),
        "Ed25519" => exact(64, "Ed25519 signatures are 64 bytes"),
        "EdDSA" if len == 64 || len == 114 => Ok(()),
        "EdDSA" => Err("EdDSA signatures are 64 bytes (Ed25519) or 114 (Ed448)"),
        // An RSA signature is as long as the key's modulus; real keys come in whole 64-bit
        // steps of at least 1024 bits.
        "RS256" | "RS384" | "RS512" | "PS256" | "PS384" | "PS512" => {
            if len >= 128 && len.is_multiple_of(8) {
                Ok(())
            } else {
                Err("an RSA signature is as long as the key: 256 bytes for a 2048-bit key")
            }
        }
        _ => Ok(()),
    }
}
