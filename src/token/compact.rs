//! The segments of a compact JWS or JWE, decoded as far as they can be. A well-formed token
//! decodes cleanly; a damaged one keeps what is readable and records each defect, so the
//! report can show the claims of a token whose header lost a character, and say so.

use serde_json::{Map, Value};

use super::b64;
use super::claim_set::member_str;
use super::defect::{Defect, DefectKind, check_signature_length};
use super::json::{self, JsonError, ParsedJson};
use super::lazy::LazyJson;
use super::parse::{
    JsonPayload, Jwe, Jws, MAX_NESTING, ParseError, Payload, Segment, json_type, parse_nested,
};
use super::scan;

/// A JWS, with its defects. `Err` only when nothing at all can be shown: neither the header
/// nor the claims can be read.
pub(super) fn parse_jws(
    token: &str,
    bounds: &[(usize, usize)],
    depth: usize,
) -> Result<Jws, ParseError> {
    let text = |i: usize| &token[bounds[i].0..bounds[i].1];
    let mut defects = Vec::new();
    let mut duplicates = Vec::new();

    let (header, header_error) = match decode_object(Segment::Header, 1, bounds[0].0, text(0)) {
        Ok((map, dups, forgiven)) => {
            defects.extend(forgiven);
            duplicates.extend(prefixed("header", dups));
            (map, None)
        }
        Err(e) => {
            defects.push(header_defect(text(0), bounds[0].0, e.clone()));
            (Map::new(), Some(e))
        }
    };

    // RFC 7515 allows an empty payload (detached content); it is shown as empty text.
    let (pstart, _) = bounds[1];
    let payload = match b64::decode(Segment::Payload, 2, pstart, text(1), true) {
        Ok(decoded) => {
            defects.extend(decoded.forgiven);
            let (payload, dups, json_error) = payload_from_bytes(decoded.bytes);
            duplicates.extend(prefixed("payload", dups));
            if let Some(e) = json_error.filter(|_| should_be_json(&header, &payload)) {
                defects.push(Defect::new(
                    Segment::Payload,
                    None,
                    DefectKind::PayloadNotJson {
                        message: e.message,
                        decoded_offset: e.offset,
                    },
                ));
            }
            payload
        }
        Err(e) => {
            defects.push(Defect::new(
                Segment::Payload,
                e.token_offset(),
                DefectKind::Unreadable(e),
            ));
            Payload::Unreadable
        }
    };
    if let Some(e) = header_error
        && !matches!(&payload, Payload::Json(json) if json.checked.is_some())
    {
        return Err(e);
    }

    let (sstart, _) = bounds[2];
    // A well-formed signature is only measured here; its bytes are decoded when a key checks
    // them (`Jws::signature`). Anything else takes the decoder, which names what is wrong.
    let signature_len = match b64::strict_len(text(2)) {
        Some(len) => Ok(len),
        None => b64::decode(Segment::Signature, 3, sstart, text(2), true).map(|decoded| {
            defects.extend(decoded.forgiven);
            decoded.bytes.len()
        }),
    };
    let signature_len = match signature_len {
        Ok(len) => {
            signature_defects(&header, text(2), sstart, len, &mut defects);
            len
        }
        Err(e) => {
            defects.push(Defect::new(
                Segment::Signature,
                e.token_offset(),
                DefectKind::Unreadable(e),
            ));
            0
        }
    };

    let nested = match (&payload, member_str(&header, "cty")) {
        (Payload::Text(inner), Some(cty))
            if cty.eq_ignore_ascii_case("JWT") && depth < MAX_NESTING =>
        {
            match parse_nested(inner.trim(), depth + 1) {
                Ok(token) => Some(Box::new(token)),
                Err(e) => {
                    defects.push(Defect::new(
                        Segment::Payload,
                        None,
                        DefectKind::NestedUnreadable(e),
                    ));
                    None
                }
            }
        }
        _ => None,
    };
    Ok(Jws {
        header,
        payload,
        compact: token[..bounds[2].1].to_string(),
        signature_len,
        segment_lengths: [
            bounds[0].1 - bounds[0].0,
            bounds[1].1 - bounds[1].0,
            bounds[2].1 - bounds[2].0,
        ],
        duplicates,
        nested,
        defects,
    })
}

/// A JWE: only its protected header can be read, so a header that does not decode is an
/// error; padding or `+`/`/` in any segment is forgiven and recorded.
pub(super) fn parse_jwe(token: &str, bounds: &[(usize, usize)]) -> Result<Jwe, ParseError> {
    let (s, e) = bounds[0];
    let (header, dups, mut defects) = decode_object(Segment::Header, 1, s, &token[s..e])?;
    let mut lengths = [0usize; 5];
    for (i, &(s, e)) in bounds.iter().enumerate().skip(1) {
        let seg = Segment::jwe(i);
        // The encrypted key is empty for direct encryption (`alg: dir`), and the IV and tag
        // are empty for some algorithms.
        let decoded = b64::decode(seg, seg.number(true), s, &token[s..e], true)?;
        defects.extend(decoded.forgiven);
        lengths[i] = decoded.bytes.len();
    }
    Ok(Jwe {
        header,
        duplicates: prefixed("header", dups),
        encrypted_key_len: lengths[1],
        iv_len: lengths[2],
        ciphertext_len: lengths[3],
        tag_len: lengths[4],
        defects,
    })
}

type Object = (Map<String, Value>, Vec<String>, Vec<Defect>);

fn decode_object(
    segment: Segment,
    number: usize,
    start: usize,
    text: &str,
) -> Result<Object, ParseError> {
    let decoded = b64::decode(segment, number, start, text, false)?;
    let ParsedJson { value, duplicates } =
        json::parse(&decoded.bytes).map_err(|e| ParseError::Json {
            segment,
            number,
            offset: e.offset,
            message: e.message,
        })?;
    match value {
        Value::Object(map) => Ok((map, duplicates, decoded.forgiven)),
        other => Err(ParseError::NotAnObject {
            segment,
            number,
            found: json_type(&other),
        }),
    }
}

/// A header that does not read: when putting back the start of `eyJ` makes it read, the
/// first characters were lost in copying, the most common damage of all.
fn header_defect(text: &str, start: usize, error: ParseError) -> Defect {
    if !text.starts_with("eyJ") {
        for missing in 1..=3 {
            let candidate = format!("{}{text}", &"eyJ"[..missing]);
            if text.starts_with(&"eyJ"[missing..]) && b64::decodes_to_object(&candidate) {
                return Defect::new(
                    Segment::Header,
                    Some(start),
                    DefectKind::StartLost { missing },
                );
            }
        }
    }
    Defect::new(
        Segment::Header,
        error.token_offset().or(Some(start)),
        DefectKind::Unreadable(error),
    )
}

/// A payload that does not parse as JSON is damage, not text, when the header says it is a
/// JWT or its first byte says JSON.
fn should_be_json(header: &Map<String, Value>, payload: &Payload) -> bool {
    let typ_says_jwt = member_str(header, "typ").is_some_and(|t| {
        let t = t.to_ascii_lowercase();
        t == "jwt" || t.ends_with("+jwt") || t == "application/jwt"
    });
    let starts_like_json = match payload {
        Payload::Text(t) => t.trim_start().starts_with(['{', '[']),
        Payload::Binary(b) => matches!(b.trim_ascii_start().first(), Some(b'{' | b'[')),
        _ => false,
    };
    let nested = member_str(header, "cty").is_some_and(|c| c.eq_ignore_ascii_case("JWT"));
    !nested && (typ_says_jwt || starts_like_json)
}

fn signature_defects(
    header: &Map<String, Value>,
    text: &str,
    start: usize,
    len: usize,
    defects: &mut Vec<Defect>,
) {
    let Some(alg) = member_str(header, "alg") else {
        return;
    };
    if alg.eq_ignore_ascii_case("none") {
        return;
    }
    if text.is_empty() {
        defects.push(Defect::new(
            Segment::Signature,
            Some(start),
            DefectKind::SignatureStripped {
                alg: alg.to_string(),
            },
        ));
    } else if let Err(expected) = check_signature_length(alg, len) {
        defects.push(Defect::new(
            Segment::Signature,
            Some(start),
            DefectKind::SignatureLength {
                alg: alg.to_string(),
                bytes: len,
                expected,
            },
        ));
    }
}

fn prefixed(prefix: &str, paths: Vec<String>) -> Vec<String> {
    paths
        .into_iter()
        .map(|p| format!("{prefix}{}", p.trim_start_matches('$')))
        .collect()
}

/// The payload's JSON is scanned, not built: see `lazy`.
fn payload_from_bytes(bytes: Vec<u8>) -> (Payload, Vec<String>, Option<JsonError>) {
    let error = match scan::scan(&bytes) {
        Ok(scanned) => {
            let payload = Payload::Json(JsonPayload {
                document: LazyJson::parse_later(bytes),
                checked: scanned.checked,
                json_type: scanned.json_type,
            });
            return (payload, scanned.duplicates, None);
        }
        Err(e) => e,
    };
    let payload = match String::from_utf8(bytes) {
        Ok(text) => Payload::Text(text),
        Err(err) => Payload::Binary(err.into_bytes()),
    };
    (payload, Vec::new(), Some(error))
}
