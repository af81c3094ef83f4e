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

/// The decoded length of `text` when it is canonical unpadded base64url (what `decode` takes
/// at once), found without decoding it; `None` for anything `decode` must forgive or refuse.
/// A signature's bytes are needed only when a key checks them, its length on every inspect.
pub(super) fn strict_len(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    // Without an early exit the compiler checks 16 characters at a time.
    let alphabet_only = bytes.iter().fold(true, |ok, &b| {
        ok & (b.is_ascii_alphanumeric() | (b == b'-') | (b == b'_'))
    });
    if !alphabet_only {
        return None;
    }
    let last = bytes.last().map_or(0, |&b| URL_SAFE_VALUE[usize::from(b)]);
    // The bits of the last character past the final byte must be zero, as `decode` requires.
    let (tail_bytes, unused_bits) = match bytes.len() % 4 {
        0 => (0, 0),
        1 => return None,
        2 => (1, 0b1111),
        _ => (2, 0b11),
    };
    (last & unused_bits == 0).then_some(bytes.len() / 4 * 3 + tail_bytes)
}

const NOT_BASE64URL: u8 = 0xff;

/// Each byte's 6-bit value in the base64url alphabet, or `NOT_BASE64URL`.
const URL_SAFE_VALUE: [u8; 256] = {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut table = [NOT_BASE64URL; 256];
    let mut i = 0;
    while i < alphabet.len() {
        table[alphabet[i] as usize] = i as u8;
        i += 1;
    }
    table
};

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_len_takes_what_the_strict_decoder_takes() {
        let mut texts: Vec<String> = (0..70u8)
            .map(|n| URL_SAFE_NO_PAD.encode((0..n).map(|i| i.wrapping_mul(37)).collect::<Vec<_>>()))
            .collect();
        // Changed last characters (non-zero unused bits), lengths one past a multiple of four,
        // padding, the standard alphabet, whitespace and non-ASCII.
        for base in ["QUJD", "QUI", "QQ", "_-8"] {
            for tail in ["B", "R", "x", "=", "+", "/", " ", "é", "AB", "A"] {
                texts.push(format!("{base}{tail}"));
            }
        }
        let (mut taken, mut refused) = (0, 0);
        for text in &texts {
            let strict = URL_SAFE_NO_PAD.decode(text);
            assert_eq!(
                strict_len(text),
                strict.as_ref().ok().map(Vec::len),
                "{text:?}: {strict:?}"
            );
            if strict.is_ok() {
                taken += 1
            } else {
                refused += 1
            }
        }
        assert!(
            taken > 60 && refused > 10,
            "{taken} taken, {refused} refused"
        );
    }
}
