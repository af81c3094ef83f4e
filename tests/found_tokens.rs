//! Tokens where people find them: a log line, a curl command, a raw HTTP request, a JSON
//! object of headers, a quoted line from code, a URL-encoded header. tokenscope finds the
//! token and says where it was.

mod util;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use util::tokenscope;

fn jwt(sub: &str) -> String {
    format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(json!({"alg": "HS256", "typ": "JWT"}).to_string()),
        URL_SAFE_NO_PAD.encode(json!({"sub": sub, "exp": 4_000_000_000_i64}).to_string()),
        URL_SAFE_NO_PAD.encode([5u8; 32])
    )
}

fn inspect(input: &str) -> (i32, Value) {
    let run = tokenscope(&["inspect", "--json"], input);
    (run.status, run.json())
}

#[test]
fn a_log_line() {
    let (status, r) = inspect(&format!(
        "2026-12-03T04:00:00Z WARN auth failed token={} user=42\n",
        jwt("alice")
    ));
    assert_eq!(status, 0, "{r:#}");
    assert_eq!(r["payload"]["sub"], "alice");
    assert_eq!(r["input"]["found_in"], "a log line, after \"token=\"");
}

#[test]
fn a_curl_command_and_a_raw_http_request() {
    let (_, r) = inspect(&format!(
        "curl -sS -H 'Accept: application/json' -H 'Authorization: Bearer {}' https://api.example/orders",
        jwt("bob")
    ));
    assert_eq!(r["payload"]["sub"], "bob", "{r:#}");
    assert_eq!(
        r["input"]["found_in"],
        "the Authorization header of a curl command"
    );

    let (_, r) = inspect(&format!(
        "POST /orders HTTP/1.1\nHost: api.example\nAuthorization: Bearer {}\nContent-Type: application/json\n\n{{}}",
        jwt("carol")
    ));
    assert_eq!(r["payload"]["sub"], "carol", "{r:#}");
    assert_eq!(
        r["input"]["found_in"],
        "the Authorization header of an HTTP request"
    );
}

#[test]
fn a_json_object_of_headers() {
    let (_, r) = inspect(
        &json!({"Authorization": format!("Bearer {}", jwt("dan")), "Accept": "*/*"}).to_string(),
    );
    assert_eq!(r["payload"]["sub"], "dan", "{r:#}");
    assert!(
        r["input"]["found_in"]
            .as_str()
            .unwrap()
            .contains("Authorization")
    );
}

#[test]
fn quotes_with_a_trailing_comma_and_url_encoding() {
    let (_, r) = inspect(&format!("  \"{}\",\n", jwt("erin")));
    assert_eq!(r["payload"]["sub"], "erin", "{r:#}");
    let (_, r) = inspect(&format!("'{}',", jwt("erin")));
    assert_eq!(r["payload"]["sub"], "erin", "{r:#}");
    let (_, r) = inspect(&format!("Bearer%20{}", jwt("frank")));
    assert_eq!(r["payload"]["sub"], "frank", "{r:#}");
    assert!(
        r["input"]["stripped"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s == "URL encoding"),
        "{r:#}"
    );
}

#[test]
fn several_tokens_are_all_listed_with_their_places() {
    let (_, r) = inspect(&format!("access={} id={}\n", jwt("gina"), jwt("hank")));
    let reports = r.as_array().expect("one report per token");
    assert_eq!(reports.len(), 2);
    assert_eq!(reports[0]["payload"]["sub"], "gina");
    assert_eq!(reports[1]["payload"]["sub"], "hank");
    assert_eq!(reports[1]["input"]["found_in"], "a log line, after \"id=\"");
}

#[test]
fn prose_without_a_token_is_not_read_as_one() {
    let run = tokenscope(&["inspect", "--json"], "the login failed again today");
    assert_eq!(run.status, 2, "{}", run.stdout);
}
