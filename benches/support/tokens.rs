//! The tokens the inspect bench and `examples/inspect_phases.rs` measure, built in one place
//! so the two always time the same input.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::json;

pub fn typical_access_token() -> String {
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

pub fn one_mib_token() -> String {
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
