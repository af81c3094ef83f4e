//! Decoding one segment of a compact token. Base64url without padding is what RFC 7515 §2
//! requires; padding and the standard alphabet are what a re-encoding proxy or a hand-made
//! token produce, so they are read anyway and reported as defects rather than refused whole
//! (a user comparing with a web decoder must see the same claims).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::defect::{Defect, DefectKind};
use super::parse::{ParseError, Segment};
use super::text::describe_char;

/// A decoded segment and what had to be forgiven to decode it.
pub(super) struct Decoded {
    pub bytes: Vec<u8>,
    pub forgiven: Vec<Defect>,
}

/// Decodes one segment starting at byte `start` of the token. Strict base64url first; then
/// `=` padding and `+`/`/` are forgiven (and named); anything else is an error naming the
/// first bad character.
pub(super) fn decode(
    segment: Segment,
    number: usize,
    start: usize,
    text: &str,
    allow_empty: bool,
) -> Result<Decoded, ParseError> {
    if text.is_empty() && !allow_empty {
        return Err(ParseError::EmptySegment {
            segment,
            number,
            offset: start,
        });
    }
    // The happy path decodes at once; only a failure pays for the rest.
    let error = match URL_SAFE_NO_PAD.decode(text) {
        Ok(bytes) => {
            return Ok(Decoded {
                bytes,
                forgiven: Vec::new(),
            });
        }
        Err(e) => e,
    };
    if let Some(decoded) = forgiving(segment, start, text) {
        return Ok(decoded);
    }
    Err(strict_error(segment, number, start, text, error))
}

/// Padding at the end and the standard alphabet, decoded as base64url would have been.
fn forgiving(segment: Segment, start: usize, text: &str) -> Option<Decoded> {
    let unpadded = text.trim_end_matches('=');
    let padding = text.len() - unpadded.len();
    let alphabet = unpadded.find(['+', '/']);
    if (padding == 0 || padding > 2) && alphabet.is_none() {
        return None;
    }
    let mapped: String = unpadded
        .chars()
        .map(|c| match c {
            '+' => '-',
            '/' => '_',
            c => c,
        })
        .collect();
    let bytes = URL_SAFE_NO_PAD.decode(mapped).ok()?;
    let mut forgiven = Vec::new();
    if let Some(i) = alphabet {
        forgiven.push(Defect::new(
            segment,
            Some(start + i),
            DefectKind::StandardAlphabet,
        ));
    }
    if padding > 0 {
        forgiven.push(Defect::new(
            segment,
            Some(start + unpadded.len()),
            DefectKind::Padding,
        ));
    }
    Some(Decoded { bytes, forgiven })
}

fn strict_error(
    segment: Segment,
    number: usize,
    start: usize,
    text: &str,
    error: base64::DecodeError,
) -> ParseError {
    let bad = |offset: usize, found: String, hint: &str| ParseError::Base64 {
        segment,
        number,
        offset: start + offset,
        found,
        hint: hint.to_string(),
    };
    for (i, c) in text.char_indices() {
        if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
            continue;
        }
        let hint = match c {
            '=' => "; base64url in JWTs has no '=' padding",
            '+' | '/' => "; this is standard base64, JWTs use '-' and '_' instead of '+' and '/'",
            c if c.is_whitespace() => "; remove line breaks and spaces from the token",
            _ => "",
        };
        return bad(i, describe_char(c), hint);
    }
    if text.len() % 4 == 1 {
        return bad(
            text.len() - 1,
            format!("a length of {} characters", text.len()),
            "; a base64url length is never 1 more than a multiple of 4 (truncated or extra character?)",
        );
    }
    match error {
        base64::DecodeError::InvalidLastSymbol { offset, symbol, .. } => bad(
            offset,
            format!(
                "final character {:?} with non-zero unused bits",
                symbol as char
            ),
            "; the segment was probably truncated or altered",
        ),
        other => bad(0, other.to_string(), ""),
    }
}

/// Whether `text` is a segment that decodes (leniently) to a JSON object: a sign that a
/// dotted string is a JOSE object even when its header is damaged.
pub(super) fn decodes_to_object(text: &str) -> bool {
    forgiving(Segment::Payload, 0, text)
        .map(|d| d.bytes)
        .or_else(|| URL_SAFE_NO_PAD.decode(text).ok())
        .is_some_and(|b| {
            let trimmed = b.trim_ascii_start();
            trimmed.starts_with(b"{") && serde_json::from_slice::<serde_json::Value>(&b).is_ok()
        })
}
