//! Where the time of one inspect goes, phase by phase (normalize, parse, parse + diagnose, the
//! whole inspect) beside the JSON parse alone, for the bench's typical 1.6 KB access token and
//! its 1 MiB token. The criterion bench (`make bench`) gives the totals with confidence
//! intervals; this says which phase to work on.
//!
//!   cargo run --release --example inspect_phases

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::json;
use std::hint::black_box;
use std::time::Instant;
use tokenscope::token::{self, Options};
fn typical_access_token() -> String {
    let header = json!({"alg": "RS256", "typ": "at+jwt", "kid": "2024-09-rsa-signing-key-01"});
    let claims = json!({
        "iss": "https://login.example.com/realms/production",
        "sub": "f1b2c3d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
        "aud": ["https://api.example.com/orders", "https://api.example.com/billing"],
        "exp": 1_900_000_000, "iat": 1_899_996_400, "nbf": 1_899_996_400,
        "jti": "5a2c9f0e-8d7b-4c6a-9e1f-3b2a1c0d9e8f",
        "client_id": "orders-web-frontend",
        "scope": "openid profile email orders:read orders:write billing:read offline_access",
        "azp": "orders-web-frontend", "sid": "9c1b7e4a-2f3d-4e5b-8a6c-7d9e0f1a2b3c",
        "acr": "urn:mace:incommon:iap:silver", "amr": ["pwd", "otp"],
        "auth_time": 1_899_996_300,
        "email": "jane.doe@example.com", "email_verified": true, "name": "Jane Doe",
        "preferred_username": "jane.doe",
        "realm_access": {"roles": ["offline_access", "uma_authorization", "orders-admin"]},
        "resource_access": {"orders-api": {"roles": ["read", "write", "admin"]},
                            "billing-api": {"roles": ["read"]}},
        "cnf": {"x5t#S256": "bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2"},
        "tenant": "eu-west-1-production", "org_id": "org_7f3a9c2e1b"
    });
    let signature = URL_SAFE_NO_PAD.encode([0x5au8; 256]);
    format!(
        "{}.{}.{signature}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    )
}

fn one_mib_token() -> String {
    let mut claims = serde_json::Map::new();
    claims.insert("iss".into(), json!("https://login.example.com"));
    claims.insert("exp".into(), json!(1_900_000_000));
    let mut i = 0;
    // Base64 grows by 4/3: stop a little under 1 MiB of token text.
    while serde_json::to_string(&claims).unwrap().len() < 760 * 1024 {
        claims.insert(
            format!("group_{i}"),
            json!({"id": i, "name": format!("group number {i}"), "roles": ["a", "b"]}),
        );
        i += 1;
    }
    let header = json!({"alg": "RS256"});
    format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(serde_json::to_string(&claims).unwrap()),
        URL_SAFE_NO_PAD.encode([1u8; 256])
    )
}

fn time<R>(name: &str, n: u32, mut f: impl FnMut() -> R) {
    for _ in 0..n / 10 {
        black_box(f());
    }
    let t = Instant::now();
    for _ in 0..n {
        black_box(f());
    }
    println!(
        "{name:<40} {:>10.2} us",
        t.elapsed().as_secs_f64() * 1e6 / f64::from(n)
    );
}
fn main() {
    let opts = Options::at(1_899_998_000);
    for (label, tok, n) in [
        ("typical", typical_access_token(), 20000u32),
        ("1MiB", one_mib_token(), 20),
    ] {
        println!("== {label}");
        time("normalize", n, || token::normalize(&tok).unwrap());
        let norm = token::normalize(&tok).unwrap();
        let found = &norm.tokens[0];
        time("parse", n, || token::parse(&found.token).unwrap());
        time("parse+diagnose", n, || {
            token::diagnose_owned(
                token::parse(&found.token).unwrap(),
                token::input_info(&norm, found),
                &opts,
                None,
            )
        });
        time("inspect", n, || token::inspect(&tok, &opts).unwrap());
        let seg = tok.split('.').nth(1).unwrap();
        time("b64 decode payload (crate)", n, || {
            URL_SAFE_NO_PAD.decode(seg).unwrap()
        });
        let bytes = URL_SAFE_NO_PAD.decode(seg).unwrap();
        time("json::parse (ours)", n, || {
            token::json::parse(&bytes).unwrap()
        });
        time("serde_json::from_slice Value", n, || {
            serde_json::from_slice::<serde_json::Value>(&bytes).unwrap()
        });
    }
}
