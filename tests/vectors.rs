//! RFC test vectors decode to exactly the bytes the RFCs show, and malformed input fails with
//! the right error at the right place.

mod util;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;
use tokenscope::token::defect::{Defect, DefectKind};
use tokenscope::token::parse::{Segment, Token};
use tokenscope::token::report::SignatureStatus;
use tokenscope::token::{self, Kind, Options, ParseError, parse};
use util::{fixture, fixture_bytes};

fn report(token_text: &str) -> token::Report {
    let t = parse(token_text).expect("parses");
    token::diagnose(&t, Default::default(), &Options::at(1_300_000_000), None)
}

/// The decoded segment bytes equal the RFC's bytes, and the parsed JSON equals them parsed.
fn assert_segments(prefix: &str, jwt: &str) {
    let text = fixture(jwt);
    let segments: Vec<&str> = text.split('.').collect();
    let header_bytes = fixture_bytes(&format!("{prefix}-header.json"));
    let payload_bytes = fixture_bytes(&format!("{prefix}-payload.json"));
    assert_eq!(URL_SAFE_NO_PAD.decode(segments[0]).unwrap(), header_bytes);
    assert_eq!(URL_SAFE_NO_PAD.decode(segments[1]).unwrap(), payload_bytes);

    let r = report(&text);
    let header: Value = serde_json::from_slice(&header_bytes).unwrap();
    let payload: Value = serde_json::from_slice(&payload_bytes).unwrap();
    assert_eq!(r.header, header, "{prefix} header");
    assert_eq!(r.payload, payload, "{prefix} payload");
    // Member order is kept as in the token, so the window shows what was sent.
    let keys: Vec<&String> = r.header.as_object().unwrap().keys().collect();
    let expected: Vec<&String> = header.as_object().unwrap().keys().collect();
    assert_eq!(keys, expected);
}

#[test]
fn rfc7515_a1_hs256_with_crlf_header() {
    assert!(
        fixture_bytes("rfc7515-a1-header.json")
            .windows(2)
            .any(|w| w == b"\r\n")
    );
    assert_segments("rfc7515-a1", "rfc7515-a1-hs256.jwt");
    let r = report(&fixture("rfc7515-a1-hs256.jwt"));
    assert_eq!(r.kind, Kind::Jws);
    assert_eq!(r.header["typ"], "JWT");
    assert_eq!(r.payload["http://example.com/is_root"], true);
    assert_eq!(r.signature.status, SignatureStatus::Unverified);
}

#[test]
fn rfc7515_a2_rs256() {
    assert_segments("rfc7515-a2", "rfc7515-a2-rs256.jwt");
    assert_eq!(
        report(&fixture("rfc7515-a2-rs256.jwt"))
            .signature
            .alg
            .as_deref(),
        Some("RS256")
    );
}

#[test]
fn rfc7515_a3_es256() {
    assert_segments("rfc7515-a3", "rfc7515-a3-es256.jwt");
    let Token::Jws(jws) = parse(&fixture("rfc7515-a3-es256.jwt")).unwrap() else {
        panic!()
    };
    assert_eq!(jws.signature().len(), 64, "raw R||S for P-256");
    assert_eq!(jws.signature_len(), 64);
}

#[test]
fn rfc7515_a5_unsecured_is_named_and_fails() {
    assert_segments("rfc7515-a5", "rfc7515-a5-unsecured.jwt");
    let r = report(&fixture("rfc7515-a5-unsecured.jwt"));
    assert_eq!(r.kind, Kind::Unsecured);
    assert_eq!(r.signature.status, SignatureStatus::NotSigned);
    assert_eq!(r.check("alg").unwrap().status, token::CheckStatus::Fail);
    assert!(r.has_failure());
}

#[test]
fn rfc7519_s3_1_example() {
    assert_segments("rfc7519-s3.1", "rfc7519-s3.1.jwt");
    let r = report(&fixture("rfc7519-s3.1.jwt"));
    let exp = r.claims.iter().find(|c| c.name == "exp").unwrap();
    assert_eq!(exp.time.as_ref().unwrap().utc(), "2011-03-22 18:43:00 UTC");
}

#[test]
fn rfc7516_a2_jwe_shows_protected_header_only() {
    let r = report(&fixture("rfc7516-a2-jwe.jwt"));
    assert_eq!(r.kind, Kind::Jwe);
    let header: Value = serde_json::from_slice(&fixture_bytes("rfc7516-a2-header.json")).unwrap();
    assert_eq!(r.header, header);
    assert_eq!(r.payload, Value::Null);
    assert!(r.jwe.as_ref().unwrap().ciphertext_bytes > 0);
}

const HEADER: &str = "eyJhbGciOiJIUzI1NiJ9"; // {"alg":"HS256"}
const PAYLOAD: &str = "eyJzdWIiOiJhIn0"; // {"sub":"a"}

/// A 32-byte signature: the length HS256 produces, so only what a test is about can fail.
const SIG: &str = "BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc";

fn err(token_text: &str) -> ParseError {
    parse(token_text).expect_err("must not parse")
}

/// The defects of a token that parses as a JWS despite them.
fn defects(token_text: &str) -> Vec<Defect> {
    match parse(token_text) {
        Ok(Token::Jws(jws)) => jws.defects,
        other => panic!("not a JWS: {other:?}"),
    }
}

/// The parse error behind the first segment that could not be read at all.
fn unreadable(token_text: &str) -> ParseError {
    defects(token_text)
        .into_iter()
        .find_map(|d| match d.kind {
            DefectKind::Unreadable(e) => Some(e),
            _ => None,
        })
        .expect("an unreadable segment")
}

#[test]
fn base64_errors_name_segment_offset_and_character() {
    // Padding and '+'/'/' are read, and named where they are.
    let d = defects(&format!("{HEADER}.{PAYLOAD}=.{SIG}"));
    assert_eq!(
        (d[0].segment, d[0].offset, &d[0].kind),
        (Segment::Payload, Some(36), &DefectKind::Padding)
    );
    let d = defects(&format!("{HEADER}.eyJzd+IiOiJhIn0.{SIG}"));
    assert_eq!(
        (d[0].offset, &d[0].kind),
        (Some(26), &DefectKind::StandardAlphabet)
    );

    let e = unreadable(&format!("{HEADER}.{PAYLOAD}.c2l n"));
    assert!(
        matches!(
            e,
            ParseError::Base64 {
                segment: Segment::Signature,
                offset: 40,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(e.to_string().contains("a space (U+0020)"), "{e}");

    // 5 characters cannot be base64url of anything.
    let e = unreadable(&format!("{HEADER}.{PAYLOAD}.abcde"));
    assert!(e.to_string().contains("length of 5"), "{e}");

    // Two characters carry one byte and four unused bits, which must be zero.
    let e = unreadable(&format!("{HEADER}.{PAYLOAD}.c3"));
    assert!(e.to_string().contains("non-zero unused bits"), "{e}");

    // When neither the header nor the claims read, nothing can be shown: an error.
    let e = err(&format!("{HEADER}x.eyJzd=WIiOiJhIn0.{SIG}"));
    assert_eq!(e.token_offset(), Some(20), "{e}");
}

#[test]
fn json_errors_name_segment_and_decoded_offset() {
    // {"alg":"HS256" (missing closing brace)
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256""#);
    let e = unreadable(&format!("{header}.{PAYLOAD}.{SIG}"));
    let ParseError::Json {
        segment, offset, ..
    } = &e
    else {
        panic!("{e:?}")
    };
    assert_eq!((*segment, *offset), (Segment::Header, 14));
    assert!(e.to_string().contains("header (segment 1)"), "{e}");

    let header = URL_SAFE_NO_PAD.encode(br#"["alg"]"#);
    let e = unreadable(&format!("{header}.{PAYLOAD}.{SIG}"));
    assert!(matches!(e, ParseError::NotAnObject { .. }), "{e:?}");
}

#[test]
fn a_dotted_string_with_a_header_that_is_not_an_object_is_a_malformed_jws() {
    let header = URL_SAFE_NO_PAD.encode(br#""a string header""#);
    let e = unreadable(&format!("{header}.{PAYLOAD}.{SIG}"));
    assert!(
        matches!(
            e,
            ParseError::NotAnObject {
                found: "a string",
                ..
            }
        ),
        "{e:?}"
    );
}

#[test]
fn segment_counts_and_sizes() {
    assert_eq!(
        err(&format!("{HEADER}.{PAYLOAD}")),
        ParseError::SegmentCount { count: 2 }
    );
    assert_eq!(
        err(&format!("{HEADER}.a.b.c")),
        ParseError::SegmentCount { count: 4 }
    );
    assert_eq!(
        err(&format!("{HEADER}.a.b.c.d.e")),
        ParseError::TooManySegments
    );
    let big = format!("{HEADER}.{}.c2ln", "A".repeat(1024 * 1024));
    assert!(matches!(err(&big), ParseError::TooLarge { .. }));
    assert_eq!(err(""), ParseError::Empty);
}

#[test]
fn non_json_payload_is_text_not_an_error() {
    let payload = URL_SAFE_NO_PAD.encode(b"hello, world");
    let r = report(&format!("{HEADER}.{payload}.{SIG}"));
    assert_eq!(*r.payload, "hello, world");
    assert_eq!(r.check("format").unwrap().status, token::CheckStatus::Warn);

    let payload = URL_SAFE_NO_PAD.encode([0xff, 0x00, 0x10]);
    let r = report(&format!("{HEADER}.{payload}.c2ln"));
    assert_eq!(*r.payload, "ff0010");
}

#[test]
fn duplicate_members_warn_by_name() {
    let payload = URL_SAFE_NO_PAD.encode(br#"{"sub":"a","sub":"b"}"#);
    let r = report(&format!("{HEADER}.{payload}.{SIG}"));
    let duplicates = r.check("duplicates").unwrap();
    assert_eq!(duplicates.status, token::CheckStatus::Warn);
    assert!(
        duplicates.message.contains("payload.sub"),
        "{}",
        duplicates.message
    );
    assert_eq!(r.payload["sub"], "b");
    assert_eq!(r.check("format").unwrap().status, token::CheckStatus::Pass);

    // Named twice in the header, alg is a disagreement between verifiers waiting to happen:
    // it fails, and another format problem does not hide it.
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","alg":"none"}"#);
    let r = report(&format!(
        "{header}.{}.c2ln",
        URL_SAFE_NO_PAD.encode(br#"{"sub":"a"}"#)
    ));
    let duplicates = r.check("duplicates").unwrap();
    assert_eq!(duplicates.status, token::CheckStatus::Fail);
    assert!(
        duplicates.message.contains("header.alg"),
        "{}",
        duplicates.message
    );
    assert_eq!(r.check("format").unwrap().status, token::CheckStatus::Fail);
}

#[test]
fn nested_jwt_is_detected() {
    let inner = fixture("rfc7515-a1-hs256.jwt");
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","cty":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(inner.as_bytes());
    let r = report(&format!("{header}.{payload}.c2ln"));
    let nested = r.nested.expect("nested report");
    assert_eq!(nested.payload["iss"], "joe");
}

#[test]
fn whitespace_inside_is_named_not_mistaken_for_another_kind() {
    // Two tokens on two lines: 5 segments, which is not a JWE.
    let two = format!("{HEADER}.{PAYLOAD}.c2ln\n{HEADER}.{PAYLOAD}.c2ln");
    let e = err(&two);
    assert_eq!(e.token_offset(), Some(two.find('\n').unwrap()));
    assert!(
        e.to_string().contains("a line break") && e.to_string().contains("one at a time"),
        "{e}"
    );
    // An HTML page is named as one, before its spaces.
    let e = err("<p>Sign in again</p>");
    assert!(e.to_string().contains("HTML or XML"), "{e}");
    // Whitespace in what could be an opaque token is named where it is.
    let e = err("2YotnFZF Ejr1zCsicMWpAA");
    assert!(
        e.to_string().starts_with("a space (U+0020) at byte 8"),
        "{e}"
    );
}

#[test]
fn markup_and_many_segments_are_not_opaque_tokens() {
    let e = err("<html><body>Login</body></html>");
    assert!(e.to_string().contains("HTML or XML"), "{e}");
    assert_eq!(err("a.b.c.d.e.f"), ParseError::TooManySegments);
    // An opaque token is still one.
    assert!(matches!(
        parse("2YotnFZFEjr1zCsicMWpAA"),
        Ok(tokenscope::token::parse::Token::Opaque(_))
    ));
}
