//! Compact serialisation parsing: JWS (3 segments), JWE (5), unsecured (`alg: none`) and
//! opaque tokens. Every error names the segment, the byte offset in the token and what was
//! found there.

use std::fmt;

use serde_json::{Map, Value};

use super::claim_set::{CheckedClaims, member_str};
use super::defect::Defect;
use super::lazy::LazyJson;
use super::text::{describe_char, human_size, plural};
use super::{b64, compact};

/// Largest input accepted: a token bigger than this is not a token a server would send.
pub const MAX_TOKEN_BYTES: usize = 1024 * 1024;
/// Nested JWTs (`cty: JWT`) are followed this deep and no deeper.
pub(super) const MAX_NESTING: usize = 4;

/// Which part of a compact token an error or a value belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Segment {
    Header,
    Payload,
    Signature,
    EncryptedKey,
    Iv,
    Ciphertext,
    Tag,
}

impl Segment {
    pub(super) fn jwe(index: usize) -> Self {
        [
            Self::Header,
            Self::EncryptedKey,
            Self::Iv,
            Self::Ciphertext,
            Self::Tag,
        ][index]
    }
    pub(super) fn number(self, jwe: bool) -> usize {
        match (self, jwe) {
            (Self::Header, _) => 1,
            (Self::Payload, _) | (Self::EncryptedKey, _) => 2,
            (Self::Signature, _) | (Self::Iv, _) => 3,
            (Self::Ciphertext, _) => 4,
            (Self::Tag, _) => 5,
        }
    }
}

impl fmt::Display for Segment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Header => "header",
            Self::Payload => "payload",
            Self::Signature => "signature",
            Self::EncryptedKey => "encrypted key",
            Self::Iv => "initialization vector",
            Self::Ciphertext => "ciphertext",
            Self::Tag => "authentication tag",
        })
    }
}

/// Why a pasted string could not be read as a token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("the input is empty: paste a token")]
    Empty,
    // The CLI stops reading just past the cap, so the size is a lower bound.
    #[error(
        "the input is over 1 MiB ({} read); tokens over {max} bytes (1 MiB) are refused",
        human_size(*len)
    )]
    TooLarge { len: usize, max: usize },
    #[error(
        "the input has more than 5 dot-separated segments; a JWS has 3, a JWE 5, and an opaque token is not split this way"
    )]
    TooManySegments,
    #[error(
        "this looks like a JWT but has {}; a JWS has 3 (header.payload.signature) and a JWE has 5",
        plural(*count, "segment", "segments")
    )]
    SegmentCount { count: usize },
    #[error("{segment} (segment {number}) is empty at byte {offset}")]
    EmptySegment {
        segment: Segment,
        number: usize,
        offset: usize,
    },
    #[error(
        "{segment} (segment {number}) is not base64url: {found} at byte {offset} of the token{hint}"
    )]
    Base64 {
        segment: Segment,
        number: usize,
        offset: usize,
        found: String,
        hint: String,
    },
    #[error(
        "{segment} (segment {number}) decodes to something that is not JSON: {message} at byte {offset} of the decoded {segment}"
    )]
    Json {
        segment: Segment,
        number: usize,
        offset: usize,
        message: String,
    },
    #[error("{segment} (segment {number}) is JSON but not an object: found {found}")]
    NotAnObject {
        segment: Segment,
        number: usize,
        found: &'static str,
    },
    #[error("{what}, not a token")]
    NotAToken { what: &'static str },
    #[error(
        "{found} at byte {offset}: a token never contains whitespace (several tokens? paste one at a time)"
    )]
    Whitespace { offset: usize, found: String },
    #[error("this is an OAuth error response, not a token: the server said {error}{}", description.as_ref().map(|d| format!(": {d}")).unwrap_or_default())]
    ErrorResponse {
        error: String,
        description: Option<String>,
    },
    #[error(
        "this JSON object holds no token: no access_token, id_token, refresh_token or issued_token (its members: {members}){hint}"
    )]
    NoTokenInJson { members: String, hint: &'static str },
}

impl ParseError {
    /// The byte offset into the token, when the error has one (the window highlights it).
    #[must_use]
    pub fn token_offset(&self) -> Option<usize> {
        match self {
            Self::Base64 { offset, .. }
            | Self::EmptySegment { offset, .. }
            | Self::Whitespace { offset, .. } => Some(*offset),
            _ => None,
        }
    }
}

/// A parsed token. Decoding never verifies anything: that is `diagnose`'s and `jose`'s job.
#[derive(Debug, Clone, PartialEq)]
pub enum Token {
    Jws(Jws),
    Jwe(Jwe),
    Opaque(Opaque),
}

/// A compact JWS (or unsecured JWT when `alg` is `none`).
#[derive(Clone, PartialEq)]
pub struct Jws {
    pub header: Map<String, Value>,
    pub payload: Payload,
    /// The token as received (`header.payload.signature`): the signing input and the
    /// signature are read from it when a key checks them, not on every inspect.
    pub(super) compact: String,
    /// The signature's length in bytes (0 when its segment cannot be decoded).
    pub(super) signature_len: usize,
    /// Segment lengths in the token as received, for display.
    pub segment_lengths: [usize; 3],
    /// Member names that appear twice, as JSON paths prefixed by `header` or `payload`.
    pub duplicates: Vec<String>,
    /// The inner token when `cty` is `JWT` and the payload parses as one.
    pub nested: Option<Box<Token>>,
    /// What is damaged in the compact form; empty for a well-formed token.
    pub defects: Vec<Defect>,
}

impl Jws {
    /// The header's `alg` when it is a string.
    #[must_use]
    pub fn alg(&self) -> Option<&str> {
        member_str(&self.header, "alg")
    }

    /// The exact ASCII `header.payload` the signature covers.
    #[must_use]
    pub fn signing_input(&self) -> &str {
        self.compact
            .rsplit_once('.')
            .map_or("", |(signed, _)| signed)
    }

    /// The signature's bytes; empty when its segment cannot be decoded (a defect says why).
    #[must_use]
    pub fn signature(&self) -> Vec<u8> {
        let (signed, text) = self.compact.rsplit_once('.').unwrap_or_default();
        b64::decode(Segment::Signature, 3, signed.len() + 1, text, true)
            .map(|decoded| decoded.bytes)
            .unwrap_or_default()
    }

    /// The signature's length in bytes, without decoding it.
    #[must_use]
    pub fn signature_len(&self) -> usize {
        self.signature_len
    }

    /// `alg: none` in any letter case: no signature at all (RFC 7519 §6).
    #[must_use]
    pub fn is_unsecured(&self) -> bool {
        self.alg().is_some_and(|a| a.eq_ignore_ascii_case("none"))
    }

    /// The claims when the payload is a JSON object (the whole tree: built on first use).
    #[must_use]
    pub fn claims(&self) -> Option<&Map<String, Value>> {
        match &self.payload {
            Payload::Json(json) => json.document.as_object(),
            _ => None,
        }
    }

    /// The claims the checks and the lifetime read (`scan::CHECKED_NAMES`), when the payload
    /// is a JSON object; cheaper than `claims` when the tree has not been built.
    #[must_use]
    pub fn checked_claims(&self) -> Option<&CheckedClaims> {
        match &self.payload {
            Payload::Json(json) => json.checked.as_ref(),
            _ => None,
        }
    }
}

/// A JSON payload: the document, and what the first pass over it read.
#[derive(Clone, PartialEq)]
pub struct JsonPayload {
    pub document: LazyJson,
    /// The checked claims, when the document is an object.
    pub checked: Option<CheckedClaims>,
    /// "an object", "an array" …
    pub json_type: &'static str,
}

/// What the payload of a JWS decodes to.
#[derive(Clone, PartialEq)]
pub enum Payload {
    /// Any JSON value; a JWT has an object here.
    Json(JsonPayload),
    /// UTF-8 that is not JSON (a nested JWT's compact form lands here too).
    Text(String),
    /// Bytes that are not UTF-8.
    Binary(Vec<u8>),
    /// The segment could not be decoded at all (see the token's defects).
    Unreadable,
}

// By hand: the signature, the signing input and a nested token are the token itself, which
// must not reach a log line or a test failure (a refresh token is a credential).
impl fmt::Debug for Jws {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Jws")
            .field("header", &self.header)
            .field("payload", &self.payload)
            .field("signature", &format_args!("<{} bytes>", self.signature_len))
            .field(
                "signing_input",
                &format_args!("<{} bytes>", self.signing_input().len()),
            )
            .field("duplicates", &self.duplicates)
            .field("nested", &self.nested)
            .field("defects", &self.defects)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for Payload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Json(json) => f.debug_tuple("Json").field(&json.document).finish(),
            Self::Text(t) => write!(f, "Text(<{} bytes>)", t.len()),
            Self::Binary(b) => write!(f, "Binary(<{} bytes>)", b.len()),
            Self::Unreadable => f.write_str("Unreadable"),
        }
    }
}

/// A compact JWE: only the protected header can be read without the key.
#[derive(Debug, Clone, PartialEq)]
pub struct Jwe {
    pub header: Map<String, Value>,
    pub duplicates: Vec<String>,
    /// Decoded lengths in bytes: encrypted key, IV, ciphertext, tag.
    pub encrypted_key_len: usize,
    pub iv_len: usize,
    pub ciphertext_len: usize,
    pub tag_len: usize,
    /// Padding or the standard alphabet, forgiven while decoding.
    pub defects: Vec<Defect>,
}

/// Anything that is not a JWT: shown by length and alphabet, introspected by the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opaque {
    pub length: usize,
    pub charset: Charset,
}

/// The alphabet an opaque token is written in, which often tells its format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Charset {
    Hex,
    Base64url,
    Base64,
    Ascii,
    Unicode,
}

impl Charset {
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            Self::Hex => "hexadecimal",
            Self::Base64url => "base64url characters (A-Z a-z 0-9 - _)",
            Self::Base64 => "base64 characters (A-Z a-z 0-9 + / =)",
            Self::Ascii => "printable ASCII",
            Self::Unicode => "includes non-ASCII characters",
        }
    }
}

/// Parses one already-normalised token string.
pub fn parse(token: &str) -> Result<Token, ParseError> {
    parse_nested(token, 0)
}

pub(super) fn parse_nested(token: &str, depth: usize) -> Result<Token, ParseError> {
    if token.is_empty() {
        return Err(ParseError::Empty);
    }
    if token.len() > MAX_TOKEN_BYTES {
        return Err(ParseError::TooLarge {
            len: token.len(),
            max: MAX_TOKEN_BYTES,
        });
    }
    // Whitespace inside is never part of a token. In a 3-segment JWS the base64 error names
    // the segment; anywhere else (two tokens on two lines look like a 5-segment JWE, an HTML
    // page like an opaque token) it is the error itself.
    let whitespace = || {
        token
            .char_indices()
            .find(|(_, c)| c.is_whitespace())
            .map(|(offset, c)| ParseError::Whitespace {
                offset,
                found: describe_char(c),
            })
    };
    // Markup is a page the server sent instead of a token (a login form, an error page).
    if token.starts_with('<') {
        return Err(ParseError::NotAToken {
            what: "this is HTML or XML (a page the server sent?)",
        });
    }
    // One linear pass (a vectorised search per dot); stop counting as soon as the shape is
    // impossible.
    let mut dots = [0usize; 4];
    let mut count = 0;
    let mut from = 0;
    while let Some(i) = find_dot(&token.as_bytes()[from..]).map(|i| from + i) {
        from = i + 1;
        if count == dots.len() {
            if let Some(e) = whitespace() {
                return Err(e);
            }
            return Err(ParseError::TooManySegments);
        }
        dots[count] = i;
        count += 1;
    }
    let segments = count + 1;
    let jose_marked = is_jose_marked(token, segments);
    if (segments != 3 || !jose_marked)
        && let Some(e) = whitespace()
    {
        return Err(e);
    }
    // Three or five segments is the shape of a JWS or JWE even when no segment decodes (a
    // damaged token must be called damaged, not opaque); other counts need a segment that
    // reads as a JOSE header or claims.
    if !jose_marked && segments != 3 && segments != 5 {
        return Ok(opaque(token));
    }
    let mut bounds = Vec::with_capacity(segments);
    let mut start = 0;
    for &dot in &dots[..count] {
        bounds.push((start, dot));
        start = dot + 1;
    }
    bounds.push((start, token.len()));
    match segments {
        3 => compact::parse_jws(token, &bounds, depth).map(Token::Jws),
        5 => compact::parse_jwe(token, &bounds).map(Token::Jwe),
        _ => Err(ParseError::SegmentCount { count: segments }),
    }
}

/// The first `.` in `haystack`, 16 bytes a step. Not `memchr::memchr`: that one asks the CPU
/// for AVX2 on its first call, and that `cpuid`, a trap to the hypervisor in a virtual machine,
/// cost the command line more than the search saves. SSE2 is part of x86-64 itself.
fn find_dot(haystack: &[u8]) -> Option<usize> {
    #[cfg(target_arch = "x86_64")]
    if let Some(sse2) = memchr::arch::x86_64::sse2::memchr::One::new(b'.') {
        return sse2.find(haystack);
    }
    memchr::arch::all::memchr::One::new(b'.').find(haystack)
}

/// A segment that starts like a JOSE object (`eyJ` is `{"`; `ew` is `{` and a line break, as
/// in RFC 7515 A.1) or decodes to a JSON object. Google's `ya29.…` has dots and neither.
fn is_jose_marked(token: &str, segments: usize) -> bool {
    let starts_like_jose =
        |s: &str| s.starts_with("eyJ") || s.starts_with("ew") || s.starts_with("eyA");
    if segments == 1 {
        return starts_like_jose(token);
    }
    token
        .split('.')
        .any(|s| starts_like_jose(s) || b64::decodes_to_object(s))
}

fn opaque(token: &str) -> Token {
    let bytes = token.as_bytes();
    let charset = if !token.is_ascii() {
        Charset::Unicode
    } else if bytes.iter().all(u8::is_ascii_hexdigit) {
        Charset::Hex
    } else if bytes
        .iter()
        .all(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_' || *b == b'.')
    {
        Charset::Base64url
    } else if bytes
        .iter()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
    {
        Charset::Base64
    } else {
        Charset::Ascii
    };
    Token::Opaque(Opaque {
        length: token.chars().count(),
        charset,
    })
}

/// The JSON type of a value, in words.
#[must_use]
pub fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jws_segments_and_signing_input() {
        let token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln";
        let Token::Jws(jws) = parse(token).unwrap() else {
            panic!("not a JWS")
        };
        assert_eq!(jws.alg(), Some("HS256"));
        assert_eq!(jws.claims().unwrap()["sub"], "a");
        assert_eq!(jws.signature(), b"sig");
        assert_eq!(jws.signature_len(), 3);
        assert_eq!(jws.signing_input(), "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0");
    }

    #[test]
    fn padding_is_read_and_named_with_its_offset() {
        let Token::Jws(jws) = parse("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0=.c2ln").unwrap() else {
            panic!("not a JWS")
        };
        assert_eq!(jws.claims().unwrap()["sub"], "a");
        let padding = &jws.defects[0];
        assert_eq!(padding.offset, Some(36));
        assert_eq!(padding.segment, Segment::Payload);
        assert!(padding.to_string().contains("'=' padding"), "{padding}");
        // '=' in the middle of a segment is not padding: the payload is unreadable there.
        let Token::Jws(jws) = parse("eyJhbGciOiJIUzI1NiJ9.eyJzd=WIiOiJhIn0.c2ln").unwrap() else {
            panic!("not a JWS")
        };
        assert_eq!(jws.payload, Payload::Unreadable);
        let words = jws.defects[0].to_string();
        assert!(
            words.contains("at byte 26") && words.contains("no '=' padding"),
            "{words}"
        );
    }

    #[test]
    fn opaque_tokens_report_their_alphabet() {
        assert_eq!(
            parse("2YotnFZFEjr1zCsicMWpAA").unwrap(),
            Token::Opaque(Opaque {
                length: 22,
                charset: Charset::Base64url
            })
        );
        assert!(matches!(
            parse("deadbeef").unwrap(),
            Token::Opaque(Opaque {
                charset: Charset::Hex,
                ..
            })
        ));
    }

    #[test]
    fn too_many_segments_stops_early() {
        let token = format!("eyJhbGciOiJub25lIn0{}", ".a".repeat(100_000));
        assert_eq!(parse(&token).unwrap_err(), ParseError::TooManySegments);
    }
}
