//! Against a real authorization server (node-oidc-provider from tests/oidc-server):
//! `inspect --discover` verifies its RS256, ES256 and EdDSA access tokens, and a token from a
//! second instance with other keys fails with "no key with kid".

#[path = "support/oidc.rs"]
mod oidc;
mod util;

use serde_json::Value;
use util::check;

/// A client_credentials access token for `resource`, fetched with plain HTTP.
async fn token(issuer: &str, resource: &str) -> String {
    let response: Value = reqwest::Client::new()
        .post(format!("{issuer}/token"))
        .basic_auth("cc-client", Some("cc-secret"))
        .form(&[
            ("grant_type", "client_credentials"),
            ("resource", resource),
            ("scope", "api:read"),
        ])
        .send()
        .await
        .expect("token endpoint reachable")
        .json()
        .await
        .expect("token response is JSON");
    response["access_token"]
        .as_str()
        .unwrap_or_else(|| panic!("no access_token: {response}"))
        .to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn discover_verifies_rs256_es256_and_eddsa_access_tokens() {
    let server = oidc::OidcServer::start("a");
    for (resource, alg, kid) in [
        ("urn:tokenscope:rs256", "RS256", "a-rs256"),
        ("urn:tokenscope:es256", "ES256", "a-es256"),
        ("urn:tokenscope:eddsa", "EdDSA", "a-eddsa"),
    ] {
        let access_token = token(&server.issuer, resource).await;
        let run = util::tokenscope(
            &[
                "inspect",
                "--json",
                "--discover",
                &server.issuer,
                "--iss",
                &server.issuer,
                "--aud",
                resource,
                "-",
            ],
            &access_token,
        );
        assert_eq!(run.status, 0, "{alg}: {}\n{}", run.stdout, run.stderr);
        let r = run.json();
        assert_eq!(r["header"]["alg"], alg);
        assert_eq!(
            r["signature"]["status"], "valid",
            "{alg}: {}",
            r["signature"]
        );
        assert!(
            r["signature"]["key"]
                .as_str()
                .unwrap()
                .contains(&format!("kid \"{kid}\""))
        );
        assert_eq!(check(&r, "signature")["status"], "pass");
        assert_eq!(check(&r, "iss")["status"], "pass");
        assert_eq!(check(&r, "aud")["status"], "pass");
        assert_eq!(r["token_type"], "access_token");
        assert_eq!(r["lifetime"]["state"], "valid");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_from_another_instance_fails_with_no_key_with_kid() {
    let server_a = oidc::OidcServer::start("a");
    let server_b = oidc::OidcServer::start("b");
    let foreign = token(&server_b.issuer, "urn:tokenscope:rs256").await;
    let run = util::tokenscope(
        &[
            "inspect",
            "--json",
            "--discover",
            &server_a.issuer,
            &foreign,
        ],
        "",
    );
    assert_eq!(run.status, 1, "{}", run.stderr);
    let r = run.json();
    assert_eq!(r["signature"]["status"], "invalid");
    let detail = r["signature"]["detail"].as_str().unwrap();
    assert!(
        detail.starts_with("no key with kid \"b-rs256\" at "),
        "{detail}"
    );
    assert!(
        detail.contains("\"a-rs256\""),
        "lists the kids that are there: {detail}"
    );
    assert!(
        check(&r, "signature")["hint"]
            .as_str()
            .unwrap()
            .contains("rotated")
    );
}
