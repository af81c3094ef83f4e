//! `tokenscope diff A B`: what a refresh changed, as a user reads it.

mod util;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use util::tokenscope;

fn jwt(claims: Value) -> String {
    format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(json!({"alg": "HS256", "typ": "JWT"}).to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string()),
        URL_SAFE_NO_PAD.encode([3u8; 32])
    )
}

const NOW: &str = "1800000000";

#[test]
fn before_and_after_a_refresh() {
    let before = jwt(json!({"sub": "u", "exp": 1_800_000_060_i64, "jti": "1", "scope": "a b"}));
    let after =
        jwt(json!({"sub": "u", "exp": 1_800_003_600_i64, "jti": "2", "scope": "a", "sid": "s"}));
    let run = tokenscope(&["diff", "--json", "--now", NOW, &before, &after], "");
    assert_eq!(run.status, 0, "{}", run.stderr);
    let d = run.json();
    assert_eq!(d["same"], false);
    let changes: Vec<(String, String)> = d["claims"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["path"].as_str().unwrap().into(),
                c["kind"].as_str().unwrap().into(),
            )
        })
        .collect();
    let expected = [
        ("exp", "changed"),
        ("jti", "changed"),
        ("scope", "changed"),
        ("sid", "added"),
    ];
    assert_eq!(
        changes,
        expected.map(|(p, k)| (p.to_string(), k.to_string()))
    );
    assert_eq!(d["a"]["lifetime"]["expires_in_seconds"], 60, "{d:#}");
    assert_eq!(d["b"]["lifetime"]["expires_in_seconds"], 3600);

    let run = tokenscope(&["diff", "--now", NOW, &before, "-"], &after);
    assert_eq!(run.status, 0);
    assert!(
        run.stdout.contains("~ jti    \"1\" → \"2\""),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("+ sid"), "{}", run.stdout);
}

#[test]
fn the_same_token_twice_and_an_unreadable_one() {
    let t = jwt(json!({"sub": "u"}));
    let run = tokenscope(&["diff", "--json", &t, &t], "");
    assert_eq!(run.json()["same"], true);
    let run = tokenscope(&["diff", "--json", &t, ".."], "");
    assert_eq!(run.status, 2);
    assert!(
        run.json()["error"].as_str().unwrap().starts_with("token B"),
        "{}",
        run.stdout
    );
}
