//! Damaged JWTs as people meet them: a character lost in copying, a proxy that re-encoded the
//! token, a signature cut off. Each is recognised as a malformed JWS, shown as far as it can
//! be read, and fails (exit 1) with a `format` check that names the segment and the cause;
//! real opaque tokens stay opaque.

#[path = "util/sign.rs"]
mod sign;
mod util;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::{Value, json};
use sign::{TestKey, b64, sign_jws};
use util::{check, tokenscope};

const NOW: i64 = 1_800_000_000;

fn claims() -> Value {
    json!({"iss": "https://login.example.com/", "sub": "42", "aud": "api://orders",
           "exp": NOW + 600, "iat": NOW - 60, "scope": "orders:read"})
}

fn rs256() -> String {
    let key = TestKey::for_alg("RS256");
    sign_jws(
        &key,
        &json!({"alg": "RS256", "typ": "JWT", "kid": "k1"}),
        &claims(),
    )
}

fn inspect(token: &str) -> util::Run {
    tokenscope(&["inspect", "--json", "--now", &NOW.to_string(), token], "")
}

fn format_check(run: &util::Run) -> Value {
    check(&run.json(), "format").clone()
}

#[test]
fn a_well_formed_token_still_passes() {
    let run = inspect(&rs256());
    assert_eq!(run.status, 0, "{}", run.stdout);
    assert_eq!(format_check(&run)["status"], "pass");
}

#[test]
fn the_first_character_lost_is_named_and_the_claims_are_still_shown() {
    let token = rs256();
    let run = inspect(&token[1..]);
    assert_eq!(run.status, 1, "{}", run.stdout);
    let r = run.json();
    assert_eq!(r["kind"], "jws", "never opaque: {r:#}");
    let format = check(&r, "format");
    assert_eq!(format["status"], "fail");
    let message = format["message"].as_str().unwrap();
    assert!(message.contains("first character is missing"), "{message}");
    assert!(
        format["hint"]
            .as_str()
            .unwrap()
            .contains("first characters were lost")
    );
    // The payload is intact: the user sees who and what the token is about.
    assert_eq!(r["payload"]["sub"], "42");
    assert_eq!(check(&r, "alg")["status"], "info");
}

#[test]
fn an_empty_header_or_a_non_object_header_is_malformed_not_opaque() {
    let token = rs256();
    let dot = token.find('.').unwrap();
    for (header, expect) in [
        (String::new(), "empty"),
        (b64(br#""a string header""#), "not an object"),
        (b64(b"[1,2]"), "not an object"),
    ] {
        let damaged = format!("{header}{}", &token[dot..]);
        let run = inspect(&damaged);
        assert_eq!(run.status, 1, "{header:?}: {}", run.stdout);
        let r = run.json();
        assert_eq!(r["kind"], "jws");
        let message = check(&r, "format")["message"].as_str().unwrap().to_string();
        assert!(
            message.contains(expect) && message.contains("header"),
            "{message}"
        );
    }
}

#[test]
fn dots_alone_cannot_be_shown_at_all() {
    let run = inspect("..");
    assert_eq!(run.status, 2, "{}{}", run.stdout, run.stderr);
    let r = run.json();
    assert_eq!(r["ok"], false);
    assert!(r["error"].as_str().unwrap().contains("header"), "{r}");
}

#[test]
fn one_changed_payload_character_fails_and_the_lifetime_is_unknown() {
    let header = b64(br#"{"alg":"HS256","typ":"JWT"}"#);
    // `{"sub":"42","exp":…}` with its fourth byte altered: not JSON any more.
    let mut payload = br#"{"sub":"42","exp":1800000600}"#.to_vec();
    payload[6] = b'!';
    let token = format!("{header}.{}.{}", b64(&payload), b64(&[9u8; 32]));
    let run = inspect(&token);
    assert_eq!(run.status, 1, "{}", run.stdout);
    let r = run.json();
    let format = check(&r, "format");
    assert_eq!(format["status"], "fail");
    assert!(
        format["message"]
            .as_str()
            .unwrap()
            .contains("should be a JSON claims object"),
        "{format}"
    );
    assert_eq!(
        r["lifetime"]["state"], "unknown",
        "never 'no expiry': {r:#}"
    );
}

#[test]
fn a_stripped_or_cut_signature_is_a_format_failure() {
    let token = rs256();
    let last_dot = token.rfind('.').unwrap();
    let stripped = &token[..=last_dot];
    let run = inspect(stripped);
    assert_eq!(run.status, 1);
    let message = format_check(&run)["message"].as_str().unwrap().to_string();
    assert!(
        message.contains("signature segment is empty") && message.contains("RS256"),
        "{message}"
    );

    // 249 bytes: no RSA key makes such a signature.
    let sig = URL_SAFE_NO_PAD.decode(&token[last_dot + 1..]).unwrap();
    let cut = format!("{}{}", &token[..=last_dot], b64(&sig[..249]));
    let run = inspect(&cut);
    assert_eq!(run.status, 1);
    let format = format_check(&run);
    assert!(
        format["message"].as_str().unwrap().contains("249 bytes"),
        "{format}"
    );
    assert!(format["hint"].as_str().unwrap().contains("cut"), "{format}");
}

#[test]
fn padding_and_the_standard_alphabet_are_decoded_and_named() {
    // Padding as Microsoft's documentation shows it: each segment padded to a multiple of 4.
    let pad = |s: &str| format!("{s}{}", "=".repeat((4 - s.len() % 4) % 4));
    let header = json!({"alg": "RS256", "typ": "JWT"}).to_string();
    let claims = json!({"sub": "a?b>", "exp": NOW + 600, "name": "ÿÿ??"}).to_string();
    let padded = format!(
        "{}.{}.{}",
        pad(&b64(header.as_bytes())),
        pad(&b64(claims.as_bytes())),
        pad(&b64(&[1u8; 256]))
    );
    assert!(
        padded.contains('='),
        "the test token must be padded: {padded}"
    );
    let run = inspect(&padded);
    assert_eq!(run.status, 1, "{}", run.stdout);
    let r = run.json();
    assert_eq!(r["payload"]["sub"], "a?b>", "decoded and shown");
    let message = check(&r, "format")["message"].as_str().unwrap().to_string();
    assert!(
        message.contains("'=' padding") && message.contains("RFC 7515 §2"),
        "{message}"
    );

    let standard = format!(
        "{}.{}.{}",
        STANDARD.encode(&header).trim_end_matches('='),
        STANDARD.encode(&claims).trim_end_matches('='),
        b64(&[1u8; 256])
    );
    assert!(
        standard.contains(['+', '/']),
        "the test token must use + or /: {standard}"
    );
    let run = inspect(&standard);
    assert_eq!(run.status, 1);
    let r = run.json();
    assert_eq!(r["payload"]["name"], "ÿÿ??");
    assert!(
        check(&r, "format")["message"]
            .as_str()
            .unwrap()
            .contains("standard base64"),
        "{r:#}"
    );
}

#[test]
fn real_opaque_tokens_stay_opaque() {
    for token in [
        "ya29.a0AfB_byC3xq9Yk2mQ7ZpLsT0vWnR4eHjK8dFgUiOoPaSdLkJhGfDsA0123",
        "2YotnFZFEjr1zCsicMWpAA",
        "gho_16C7e42F292c6912E7710c838347Ae178B4a",
    ] {
        let run = inspect(token);
        assert_eq!(run.status, 0, "{token}: {}", run.stdout);
        assert_eq!(run.json()["kind"], "opaque", "{token}");
    }
}

#[test]
fn a_failing_nested_token_fails_its_wrapper_visibly() {
    let key = TestKey::for_alg("HS256");
    let inner = sign_jws(
        &key,
        &json!({"alg": "HS256"}),
        &json!({"sub": "a", "exp": NOW - 3600}),
    );
    let input = format!(
        "{}.{}",
        b64(br#"{"alg":"HS256","cty":"JWT"}"#),
        b64(inner.as_bytes())
    );
    let sig = key.sign("HS256", input.as_bytes());
    let wrapper = format!("{input}.{}", b64(&sig));
    let run = inspect(&wrapper);
    assert_eq!(run.status, 1);
    let r = run.json();
    let nested = check(&r, "nested");
    assert_eq!(nested["status"], "fail", "{r:#}");
    assert!(
        nested["message"].as_str().unwrap().contains("exp"),
        "{nested}"
    );
}

#[test]
fn the_human_output_counts_in_words() {
    let header = b64(br#"{"alg":"HS256","kid":""}"#);
    let token = format!("{header}.{}.{}", b64(br#"{"sub":"a"}"#), b64(&[1u8; 32]));
    let run = tokenscope(&["inspect", "--now", &NOW.to_string(), &token], "");
    assert!(run.stdout.contains("kid \"\" (empty)"), "{}", run.stdout);
    let run = tokenscope(&["inspect", "eyJhbGciOiJub25lIn0"], "");
    assert_eq!(run.status, 2);
    // The parse error is the report of this input: on stdout, in the words every error uses.
    assert!(run.stdout.contains("has 1 segment;"), "{}", run.stdout);
    assert!(run.stdout.starts_with("tokenscope: "), "{}", run.stdout);
}
