//! `tokenscope inspect` as a user runs it: the real binary, its JSON, its text and its exit
//! status.

mod util;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use util::{check, fixture, tokenscope};

/// RFC 7519 §3.1: exp 1300819380 (2011-03-22 18:43:00 UTC).
const EXP: i64 = 1_300_819_380;

/// An unverifiable token whose signature has the length its alg produces, so only what a
/// test is about can fail.
fn jwt(header: Value, claims: Value) -> String {
    let sig_len = match header["alg"].as_str() {
        Some(a) if a.starts_with("RS") || a.starts_with("PS") => 256,
        Some("HS384") => 48,
        Some("ES384") => 96,
        Some("HS512" | "ES256" | "EdDSA") => 64,
        _ => 32,
    };
    format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string()),
        URL_SAFE_NO_PAD.encode(vec![7u8; sig_len])
    )
}

#[test]
fn json_report_for_a_valid_jws() {
    let now = (EXP - 380).to_string();
    let run = tokenscope(
        &[
            "inspect",
            "--json",
            "--now",
            &now,
            &fixture("rfc7515-a1-hs256.jwt"),
        ],
        "",
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    let r = run.json();
    assert_eq!(r["kind"], "jws");
    assert_eq!(r["header"]["alg"], "HS256");
    assert_eq!(r["payload"]["iss"], "joe");
    assert_eq!(r["signature"]["status"], "unverified");
    assert_eq!(r["lifetime"]["state"], "valid");
    assert_eq!(r["lifetime"]["expires_in_seconds"], 380);
    assert_eq!(check(&r, "exp")["status"], "pass");
    assert_eq!(check(&r, "signature")["status"], "info");
    // Not asked for: info, never pass.
    assert_eq!(check(&r, "aud")["status"], "info");
    assert_eq!(check(&r, "iss")["status"], "info");
}

#[test]
fn expired_token_fails_with_a_hint_and_exit_1() {
    let now = (EXP + 180).to_string();
    let run = tokenscope(
        &["inspect", "--json", "--now", &now, "-"],
        &fixture("rfc7519-s3.1.jwt"),
    );
    assert_eq!(run.status, 1);
    let r = run.json();
    assert_eq!(r["lifetime"]["state"], "expired");
    let exp = check(&r, "exp");
    assert_eq!(exp["status"], "fail");
    assert_eq!(exp["message"], "the token expired 3 min ago");
    assert!(exp["hint"].as_str().unwrap().contains("refresh"));
}

#[test]
fn within_leeway_is_a_warning_not_a_failure() {
    let now = (EXP + 30).to_string();
    let run = tokenscope(
        &[
            "inspect",
            "--json",
            "--now",
            &now,
            &fixture("rfc7519-s3.1.jwt"),
        ],
        "",
    );
    assert_eq!(run.status, 0);
    assert_eq!(check(&run.json(), "exp")["status"], "warn");
    let run = tokenscope(
        &[
            "inspect",
            "--json",
            "--now",
            &now,
            "--leeway",
            "0",
            &fixture("rfc7519-s3.1.jwt"),
        ],
        "",
    );
    assert_eq!(run.status, 1);
}

#[test]
fn audience_and_issuer_mismatch_show_both_values() {
    let token = jwt(
        json!({"alg": "RS256", "typ": "at+jwt"}),
        json!({"iss": "https://issuer.example/", "aud": "api://orders", "exp": EXP, "scope": "read"}),
    );
    let now = (EXP - 100).to_string();
    let run = tokenscope(
        &[
            "inspect",
            "--json",
            "--now",
            &now,
            "--aud",
            "api://billing",
            "--iss",
            "https://issuer.example",
            "--scope",
            "read write",
            &token,
        ],
        "",
    );
    assert_eq!(run.status, 1);
    let r = run.json();
    let aud = check(&r, "aud");
    assert_eq!(aud["status"], "fail");
    let msg = aud["message"].as_str().unwrap();
    assert!(
        msg.contains("api://orders") && msg.contains("api://billing"),
        "{msg}"
    );
    assert!(aud["hint"].as_str().unwrap().contains("another API"));
    let iss = check(&r, "iss");
    let message = iss["message"].as_str().unwrap();
    assert!(message.contains("trailing '/'"), "{message}");
    // A slip in spelling, not another server.
    let hint = iss["hint"].as_str().unwrap();
    assert!(
        hint.contains("the same issuer written differently"),
        "{hint}"
    );
    let scope = check(&r, "scope");
    assert_eq!(scope["status"], "fail");
    assert!(scope["message"].as_str().unwrap().contains("\"write\""));
    assert_eq!(r["token_type"], "access_token");
}

#[test]
fn matching_expectations_pass() {
    let token = jwt(
        json!({"alg": "RS256"}),
        json!({"iss": "https://i.example", "aud": ["a", "api"], "exp": EXP, "scp": ["read", "write"]}),
    );
    let now = (EXP - 100).to_string();
    let run = tokenscope(
        &[
            "inspect",
            "--json",
            "--now",
            &now,
            "--aud",
            "api",
            "--iss",
            "https://i.example",
            "--scope",
            "write",
            &token,
        ],
        "",
    );
    assert_eq!(run.status, 0, "{}", run.stdout);
    let r = run.json();
    for id in ["aud", "iss", "scope"] {
        assert_eq!(check(&r, id)["status"], "pass", "{id}");
    }
}

#[test]
fn authorization_header_on_stdin_is_stripped_and_said() {
    let input = format!("  Authorization: Bearer {}\n", fixture("rfc7519-s3.1.jwt"));
    let run = tokenscope(&["inspect", "--json", "--now", "0"], &input);
    let r = run.json();
    assert_eq!(r["kind"], "jws");
    let stripped = r["input"]["stripped"].as_array().unwrap();
    assert!(
        stripped.iter().any(|s| s == "\"Bearer\" scheme"),
        "{stripped:?}"
    );
}

#[test]
fn token_response_gives_one_report_per_token() {
    let response = json!({
        "access_token": "2YotnFZFEjr1zCsicMWpAA",
        "token_type": "Bearer",
        "id_token": fixture("rfc7519-s3.1.jwt"),
        "refresh_token": "tGzv3JOkF0XG5Qx2TlKWIA",
    });
    let run = tokenscope(&["inspect", "--json", "--now", "0"], &response.to_string());
    assert_eq!(run.status, 0, "{}", run.stdout);
    let reports = run.json();
    let labels: Vec<&str> = reports
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["input"]["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["access_token", "id_token", "refresh_token"]);
    assert_eq!(reports[0]["kind"], "opaque");
    assert_eq!(reports[0]["opaque"]["length"], 22);
    assert_eq!(reports[1]["kind"], "jws");
}

#[test]
fn malformed_token_exits_2_with_position() {
    // Neither the header nor the payload can be read: nothing to show.
    let token = "eyJhbGciOiJIUzI1NiJ9x.eyJzd=WIiOiJhIn0.c2ln";
    let run = tokenscope(&["inspect", "--json", token], "");
    assert_eq!(run.status, 2, "{}", run.stdout);
    let r = run.json();
    assert_eq!(r["ok"], false);
    assert_eq!(r["offset"], 20);
    assert!(
        r["error"].as_str().unwrap().contains("header (segment 1)"),
        "{r}"
    );

    let run = tokenscope(&["inspect", token], "");
    assert_eq!(run.status, 2);
    assert!(run.stdout.contains("length of 21"), "{}", run.stdout);
    assert!(
        run.stdout.contains('^'),
        "a caret points at the byte:\n{}",
        run.stdout
    );
}

#[test]
fn unsecured_jwe_and_opaque_kinds() {
    let run = tokenscope(
        &["inspect", "--json", &fixture("rfc7515-a5-unsecured.jwt")],
        "",
    );
    assert_eq!(run.status, 1);
    assert_eq!(run.json()["kind"], "unsecured");
    assert_eq!(run.json()["signature"]["status"], "not_signed");

    let run = tokenscope(&["inspect", "--json", &fixture("rfc7516-a2-jwe.jwt")], "");
    assert_eq!(run.status, 0);
    assert_eq!(run.json()["kind"], "jwe");
    assert_eq!(run.json()["header"]["enc"], "A128CBC-HS256");

    let run = tokenscope(
        &["inspect", "--json", "8f14e45fceea167a5a36dedd4bea2543"],
        "",
    );
    assert_eq!(run.json()["kind"], "opaque");
    assert_eq!(run.json()["opaque"]["charset"], "hex");
}

#[test]
fn malformed_dates_fail_instead_of_vanishing() {
    for bad in [
        json!("1300819380"),
        json!(null),
        json!(-5),
        json!(1e300),
        json!(18446744073709551616.0f64),
    ] {
        let token = jwt(json!({"alg": "HS256"}), json!({"exp": bad, "iat": bad}));
        let run = tokenscope(&["inspect", "--json", &token], "");
        assert_eq!(run.status, 1, "exp {bad}: {}", run.stderr);
        let r = run.json();
        assert_eq!(check(&r, "exp")["status"], "fail", "exp {bad}");
        assert_eq!(check(&r, "iat")["status"], "fail", "iat {bad}");
        assert_eq!(r["lifetime"]["state"], "invalid");
    }
}

#[test]
fn human_output_reads_like_a_report() {
    let now = (EXP + 7200).to_string();
    let run = tokenscope(
        &["inspect", "--now", &now, &fixture("rfc7519-s3.1.jwt")],
        "",
    );
    assert_eq!(run.status, 1);
    let text = &run.stdout;
    assert!(text.contains("2011-03-22 18:43:00 UTC"), "{text}");
    assert!(text.contains("2 h ago"), "{text}");
    assert!(text.contains("✗ exp"), "{text}");
    assert!(
        text.contains("→ request a new token or refresh it"),
        "{text}"
    );
    assert!(!text.contains('\x1b'), "no colour when not a terminal");
    // Failing checks come first.
    let first_check = text
        .split("Checks\n")
        .nth(1)
        .unwrap()
        .lines()
        .next()
        .unwrap();
    assert!(first_check.contains('✗'), "{first_check}");
}

#[test]
fn no_token_and_a_terminal_is_usage_error_but_empty_stdin_is_empty() {
    let run = tokenscope(&["inspect"], "");
    assert_eq!(run.status, 2);
    assert!(run.stderr.contains("empty"), "{}", run.stderr);
}

#[test]
fn claims_cannot_write_escape_sequences_or_reorder_the_terminal() {
    let token = jwt(
        json!({"alg": "HS256\u{1b}]0;pwned\u{7}", "kid": "\u{1b}[31m"}),
        json!({
            "iss": "https://\u{1b}[2J\u{202e}elpmaxe.live/",
            "aud": "api",
            "x\u{1b}]0;pwned\u{7}": 1,
        }),
    );
    let run = tokenscope(
        &["inspect", "--aud", "other", "--iss", "https://a/", &token],
        "",
    );
    assert_eq!(run.status, 1);
    let text = &run.stdout;
    assert!(!text.contains('\x1b'), "{text}");
    assert!(!text.contains('\u{202e}'), "{text}");
    assert!(!text.contains('\u{7}'), "{text}");
    // Still there, in a form a person can read.
    assert!(text.contains("\\u{1b}[2J\\u{202e}elpmaxe.live"), "{text}");
}

#[test]
fn a_failure_inside_a_nested_token_rejects_the_whole() {
    let inner = jwt(
        json!({"alg": "RS256"}),
        json!({"iss": "https://as/", "aud": "api", "exp": EXP}),
    );
    let outer = format!(
        "{}.{}.c2ln",
        URL_SAFE_NO_PAD.encode(json!({"alg": "HS256", "cty": "JWT"}).to_string()),
        URL_SAFE_NO_PAD.encode(&inner)
    );
    let now = (EXP + 3600).to_string();
    let run = tokenscope(&["inspect", "--json", "--now", &now, &outer], "");
    assert_eq!(run.status, 1, "the inner token expired: {}", run.stdout);
    let r = run.json();
    assert_eq!(check(&r["nested"], "exp")["status"], "fail");
    // The wrapper points at the token inside instead of calling its claims unreadable.
    assert_eq!(
        check(&r, "exp")["message"],
        "checked on the nested token (below)"
    );
    // The wrapper lives as long as the token inside it.
    assert_eq!(r["lifetime"]["state"], "expired");
    assert!(
        r["lifetime"]["summary"]
            .as_str()
            .unwrap()
            .contains("nested token"),
        "{}",
        r["lifetime"]
    );
}

#[test]
fn an_expectation_or_key_that_cannot_be_checked_is_not_accepted() {
    // An opaque token cannot show its audience.
    let run = tokenscope(
        &[
            "inspect",
            "--json",
            "--aud",
            "api://orders",
            "2YotnFZFEjr1zCsicMWpAA",
        ],
        "",
    );
    assert_eq!(run.status, 1, "{}", run.stdout);
    let aud = check(&run.json(), "aud").clone();
    assert_eq!(aud["status"], "fail");
    assert!(
        aud["hint"].as_str().unwrap().contains("introspect"),
        "{aud}"
    );
    // Without the expectation, the same token is fine.
    let run = tokenscope(&["inspect", "2YotnFZFEjr1zCsicMWpAA"], "");
    assert_eq!(run.status, 0, "{}", run.stdout);

    // A key was given, but the algorithm cannot be verified.
    let token = jwt(json!({"alg": "ES256K"}), json!({"sub": "a"}));
    let run = tokenscope(
        &["inspect", "--json", "--secret", "s3cr3t-s3cr3t", &token],
        "",
    );
    assert_eq!(run.status, 1, "{}", run.stdout);
    let r = run.json();
    assert_eq!(r["signature"]["status"], "unsupported");
    assert_eq!(check(&r, "signature")["status"], "fail");
}

#[test]
fn a_broken_auth_time_fails_and_a_scope_array_is_read() {
    let token = jwt(
        json!({"alg": "HS256"}),
        json!({"sub": "a", "auth_time": "yesterday", "updated_at": null,
               "scope": ["orders:read", "orders:write"]}),
    );
    let run = tokenscope(&["inspect", "--json", "--scope", "orders:read", &token], "");
    assert_eq!(run.status, 1, "{}", run.stdout);
    let r = run.json();
    let auth_time = check(&r, "auth_time");
    assert_eq!(auth_time["status"], "fail");
    assert!(
        auth_time["message"].as_str().unwrap().contains("string"),
        "{auth_time}"
    );
    assert_eq!(check(&r, "updated_at")["status"], "fail");
    assert_eq!(check(&r, "scope")["status"], "pass");
}

#[test]
fn an_error_response_on_stdin_says_what_the_server_said() {
    let run = tokenscope(
        &["inspect", "-"],
        r#"{"error":"invalid_grant","error_description":"Refresh token expired"}"#,
    );
    assert_eq!(run.status, 1, "the server said no: {}", run.stdout);
    assert!(
        run.stderr
            .contains("the server said invalid_grant: Refresh token expired")
            && run.stderr.contains("sign in again"),
        "{}",
        run.stderr
    );
    let run = tokenscope(
        &["inspect", "--json", "-"],
        r#"{"error":"invalid_grant","error_description":"Refresh token expired"}"#,
    );
    assert_eq!(run.status, 1);
    let r = run.json();
    assert_eq!(r["ok"], false);
    assert_eq!(r["error"], "invalid_grant");
    assert_eq!(r["error_description"], "Refresh token expired");
}

#[test]
fn a_malformed_refresh_token_is_never_printed() {
    let response = json!({
        "access_token": jwt(json!({"alg": "HS256"}), json!({"sub": "a"})),
        "refresh_token": "rt-SECRETSECRETSECRET SECRETSECRET2",
    });
    let run = tokenscope(&["inspect", "-"], &response.to_string());
    assert_eq!(run.status, 2, "{}", run.stdout);
    for output in [&run.stdout, &run.stderr] {
        assert!(!output.contains("SECRETSECRET"), "{output}");
    }
    assert!(
        run.stdout
            .contains("refresh_token: a space (U+0020) at byte 21"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_key_file_is_named_in_the_verdict() {
    let secret = b"a-32-byte-secret-for-hs256-tests";
    let token = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &json!({"sub": "alice"}),
        &jsonwebtoken::EncodingKey::from_secret(secret),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("team-signing.jwk.json");
    let k = URL_SAFE_NO_PAD.encode(secret);
    std::fs::write(&path, json!({"kty": "oct", "k": k}).to_string()).unwrap();
    let path = path.display().to_string();
    let run = tokenscope(&["inspect", "--json", "--key", &path, &token], "");
    assert_eq!(run.status, 0, "{}", run.stdout);
    let detail = run.json()["signature"]["detail"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(detail.contains("team-signing.jwk.json"), "{detail}");
}

/// Opaque tokens are base64url, whose alphabet has `-`: about one in 64 starts with it, and it
/// is still the token, not an option (node-oidc-provider hands such access tokens out).
#[test]
fn an_opaque_token_starting_with_a_hyphen_is_the_token() {
    let token = "-Yq3x_Wc9kT2rVn8bL0pZs4uE6hJ1mA7dG5fN";
    for args in [
        vec!["inspect", "--json", token],
        vec!["inspect", token, "--json"],
    ] {
        let run = tokenscope(&args, "");
        assert_eq!(run.status, 0, "{args:?}: {}", run.stderr);
        let r = run.json();
        assert_eq!(r["kind"], "opaque", "{args:?}");
        assert_eq!(r["opaque"]["length"], token.len(), "{args:?}: {r}");
    }
    let diff = tokenscope(&["diff", "--json", token, "-Zother_opaque_token_value"], "");
    assert!(
        !diff.stderr.contains("unexpected argument"),
        "{}",
        diff.stderr
    );
    // The server commands take it too: this one fails on the missing profile, after parsing.
    let userinfo = tokenscope(&["userinfo", "--profile", "no-such-profile", token], "");
    assert!(
        userinfo.stderr.contains("no-such-profile"),
        "{}",
        userinfo.stderr
    );
}
