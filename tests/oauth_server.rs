//! The OAuth core against a real authorization server (node-oidc-provider, tests/oidc-server):
//! client_credentials → introspect → revoke → introspect, the password grant, userinfo, and
//! refresh-token rotation where the old refresh token is then refused.

#[path = "support/oidc.rs"]
mod oidc;

use std::process::Command;

use base64::Engine as _;
use serde_json::Value;
use tokenscope::oauth::client_auth::{AuthMethod, ClientAuth};
use tokenscope::oauth::discovery::discover;
use tokenscope::oauth::endpoints::TokenTypeHint;
use tokenscope::oauth::endpoints::introspect::Introspection;
use tokenscope::oauth::endpoints::{
    IntrospectRequest, Revocation, RevokeRequest, Userinfo, UserinfoRequest,
};
use tokenscope::oauth::error::ErrorCode;
use tokenscope::oauth::grants::{
    ClientCredentialsRequest, PasswordRequest, RefreshRequest, TokenParams,
};
use tokenscope::oauth::http::HttpClient;
use tokenscope::oauth::outcome::Reply;
use tokenscope::sensitive::Sensitive;

fn basic(id: &str, secret: &str) -> ClientAuth {
    ClientAuth::confidential(id, AuthMethod::ClientSecretBasic, secret.into())
}

async fn introspect(op: &oidc::OidcServer, client: ClientAuth, token: &Sensitive) -> Introspection {
    let outcome = IntrospectRequest {
        endpoint: op.url("/token/introspection"),
        client,
        token: token.clone(),
        hint: Some(TokenTypeHint::AccessToken),
    }
    .send(&HttpClient::new())
    .await
    .expect("introspection answered");
    outcome.success().expect("no OAuth error").clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn client_credentials_then_introspect_revoke_and_introspect_again() {
    let op = oidc::OidcServer::start("a");
    let http = HttpClient::new();
    // The endpoints come from discovery, as a profile gets them.
    let metadata = discover(&http, &op.issuer).await.expect("discovery");
    let endpoint = |e: Option<&str>| e.expect("advertised").to_string();
    let outcome = ClientCredentialsRequest {
        token_endpoint: endpoint(metadata.token_endpoint()),
        client: basic("cc-client", "cc-secret"),
        params: TokenParams {
            scope: Some("api:read".into()),
            resources: vec!["urn:tokenscope:opaque".into()],
            ..TokenParams::default()
        },
    }
    .send(&http)
    .await
    .expect("token endpoint answered");
    assert!(outcome.warnings.is_empty(), "{:?}", outcome.warnings);
    assert_eq!(outcome.http_status(), 200);
    let tokens = outcome.success().expect("a token").clone();
    assert!(!tokens.access_token.contains('.'), "an opaque token");
    assert!(tokens.is_bearer());
    assert_eq!(tokens.expires_in, Some(300));
    assert_eq!(tokens.scope.as_deref(), Some("api:read"));
    assert!(tokens.expires_at().is_some());

    let active = introspect(&op, basic("cc-client", "cc-secret"), &tokens.access_token).await;
    assert!(active.active);
    assert_eq!(active.client_id.as_deref(), Some("cc-client"));
    assert_eq!(
        metadata.introspection_endpoint(),
        Some(op.url("/token/introspection").as_str())
    );
    assert_eq!(active.aud, ["urn:tokenscope:opaque"]);
    assert_eq!(active.scope.as_deref(), Some("api:read"));
    assert!(active.exp.is_some());
    // Another client, authenticating in the form body, may introspect it too.
    let post = ClientAuth::confidential(
        "post-client",
        AuthMethod::ClientSecretPost,
        "post-secret".into(),
    );
    assert!(introspect(&op, post, &tokens.access_token).await.active);

    let revoked = RevokeRequest {
        endpoint: endpoint(metadata.revocation_endpoint()),
        client: basic("cc-client", "cc-secret"),
        token: tokens.access_token.clone(),
        hint: Some(TokenTypeHint::AccessToken),
    }
    .send(&http)
    .await
    .expect("revocation answered");
    assert_eq!(revoked.success(), Some(&Revocation::Accepted));
    assert_eq!(revoked.http_status(), 200);

    let inactive = introspect(&op, basic("cc-client", "cc-secret"), &tokens.access_token).await;
    assert!(!inactive.active, "revoked: {:?}", inactive.raw);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_password_grant_gives_a_token_that_userinfo_accepts() {
    let op = oidc::OidcServer::start("a");
    let http = HttpClient::new();
    let request = PasswordRequest {
        token_endpoint: op.url("/token"),
        client: basic("password-client", "password-secret"),
        username: "tester".into(),
        password: "tester-password".into(),
        params: TokenParams {
            scope: Some("openid profile".into()),
            ..TokenParams::default()
        },
    };
    let outcome = request.send(&http).await.expect("token endpoint answered");
    let tokens = outcome.success().expect("a token").clone();
    assert!(tokens.refresh_token.is_some());
    assert_eq!(tokens.scope.as_deref(), Some("openid profile"));

    let info = UserinfoRequest {
        endpoint: op.url("/me"),
        access_token: tokens.access_token.clone(),
    }
    .send(&http)
    .await
    .expect("userinfo answered");
    let Some(Userinfo::Claims(claims)) = info.success() else {
        panic!("{:?}", info.reply)
    };
    assert_eq!(claims["sub"], "tester");
    assert_eq!(claims["name"], "Test User");

    let wrong = PasswordRequest {
        password: "nope".into(),
        ..request
    }
    .send(&http)
    .await
    .expect("an answer, not a failure");
    let Reply::Error(error) = &wrong.reply else {
        panic!("{:?}", wrong.reply)
    };
    assert_eq!(error.code, ErrorCode::InvalidGrant);
    assert_eq!(error.http_status, 400);
}

/// A refresh token from the authorization code flow: drive.js plays the browser and the user.
async fn code_flow_refresh_token(
    op: &oidc::OidcServer,
    client_id: &str,
    secret: Option<&str>,
) -> (Sensitive, Sensitive) {
    let verifier = format!("tokenscope-test-verifier-{:032}", std::process::id());
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, verifier.as_bytes());
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest.as_ref());
    let redirect_uri = "http://127.0.0.1:49152/callback";
    let url = url::Url::parse_with_params(
        &op.url("/auth"),
        &[
            ("client_id", client_id),
            ("response_type", "code"),
            ("redirect_uri", redirect_uri),
            ("scope", "openid profile email"),
            ("state", "st-1"),
            ("nonce", "n-1"),
            ("code_challenge", challenge.as_str()),
            ("code_challenge_method", "S256"),
        ],
    )
    .unwrap();
    let out = Command::new(std::env::var_os("NODE").unwrap_or_else(|| "node".into()))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["tests/oidc-server/drive.js", "authorize", url.as_str()])
        .output()
        .expect("node runs drive.js");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let callback = stdout
        .lines()
        .find_map(|l| l.strip_prefix("CALLBACK "))
        .unwrap_or_else(|| panic!("{stdout}\n{}", String::from_utf8_lossy(&out.stderr)));
    let code = url::Url::parse(callback)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .expect("a code");
    let mut form = vec![
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", redirect_uri),
        ("code_verifier", verifier.as_str()),
    ];
    let mut post = reqwest::Client::new().post(op.url("/token"));
    match secret {
        Some(secret) => post = post.basic_auth(client_id, Some(secret)),
        None => form.push(("client_id", client_id)),
    }
    let response: Value = post.form(&form).send().await.unwrap().json().await.unwrap();
    let text = |k: &str| Sensitive::from(response[k].as_str().unwrap_or_else(|| panic!("{k}")));
    (text("access_token"), text("refresh_token"))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rotated_refresh_token_replaces_the_old_one_which_is_then_refused() {
    let op = oidc::OidcServer::start("a");
    let http = HttpClient::new();
    let (access_token, first) =
        code_flow_refresh_token(&op, "app-client", Some("app-secret")).await;

    let info = UserinfoRequest {
        endpoint: op.url("/me"),
        access_token,
    }
    .send(&http)
    .await
    .unwrap();
    assert!(matches!(info.success(), Some(Userinfo::Claims(c)) if c["sub"] == "alice"));

    let refresh = |token: &Sensitive| RefreshRequest {
        token_endpoint: op.url("/token"),
        client: basic("app-client", "app-secret"),
        refresh_token: token.clone(),
        params: TokenParams::default(),
    };
    let outcome = refresh(&first).send(&http).await.expect("answered");
    let refreshed = outcome.success().expect("refreshed");
    let second = refreshed.rotated.clone().expect("oidc-provider rotates");
    assert_ne!(second, first);
    assert_eq!(refreshed.refresh_token_to_keep(&first), &second);
    assert!(refreshed.tokens.id_token.is_some());
    assert!(refreshed.tokens.expires_in.is_some());

    let reused = refresh(&first).send(&http).await.expect("answered");
    let Reply::Error(error) = &reused.reply else {
        panic!("the old refresh token still worked: {:?}", reused.reply)
    };
    assert_eq!(error.code, ErrorCode::InvalidGrant);
    assert!(error.advice().contains("already used"));
    // The exchange of the refused call is kept, without the refresh token in it.
    let body = reused.exchange.request_body_text(false).unwrap();
    assert!(
        !body.contains(&*first) && body.contains("grant_type=refresh_token"),
        "{body}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_public_client_refreshes_with_its_client_id_alone() {
    let op = oidc::OidcServer::start("a");
    let (_, first) = code_flow_refresh_token(&op, "public-client", None).await;
    let outcome = RefreshRequest {
        token_endpoint: op.url("/token"),
        client: ClientAuth::public("public-client"),
        refresh_token: first.clone(),
        params: TokenParams::default(),
    }
    .send(&HttpClient::new())
    .await
    .expect("answered");
    let refreshed = outcome.success().expect("refreshed");
    assert!(refreshed.rotated.as_ref().is_some_and(|r| *r != first));
    let exchange = &outcome.exchange;
    assert!(
        exchange
            .request_headers
            .iter()
            .all(|h| !h.name.eq_ignore_ascii_case("authorization")),
        "no Basic header for a public client"
    );
    let body = exchange.request_body_text(false).unwrap();
    assert!(body.contains("client_id=public-client"), "{body}");
    assert!(!body.contains("client_secret"), "{body}");
}
