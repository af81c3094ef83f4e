//! `ops::fetch` and `ops::call` in-process, over the memory store, against a local server:
//! what is sent (the profile's scope, resources and audience, or the request's own), what is
//! stored, and what a skewed server clock adds to the findings and the token's report.

mod util;

use std::sync::Arc;

use base64::Engine as _;
use serde_json::json;
use tokenscope::oauth::http::HttpClient;
use tokenscope::ops::{
    self, CallRequest, Explanation, FetchRequest, Finding, Grant, Services, Target,
};
use tokenscope::profiles::{AuthMethod, EndpointUrl, Profile, ProfileName};
use tokenscope::secrets::{MemoryStore, SecretKind, SecretStore};
use tokenscope::token::CheckStatus;
use util::http_server::{Reply, Request, TestServer};

fn http_date(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

fn jwt(claims: &serde_json::Value) -> String {
    let b64 = |v: serde_json::Value| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string().as_bytes())
    };
    format!(
        "{}.{}.c2ln",
        b64(json!({"alg": "RS256"})),
        b64(claims.clone())
    )
}

fn setup(server: &TestServer) -> (Services, Arc<MemoryStore>, Target) {
    let store = Arc::new(MemoryStore::new());
    let name = ProfileName::new("shop").unwrap();
    store
        .set(&name, &SecretKind::ClientSecret, &"s3cret".into())
        .unwrap();
    let mut profile = Profile::new(EndpointUrl::new(&server.base).unwrap(), "shop-client");
    profile.auth_method = AuthMethod::ClientSecretPost;
    profile.scopes = vec!["orders:read".into(), "orders:write".into()];
    profile.resources = vec!["https://orders.example".into()];
    profile.audience = Some("orders".into());
    profile.endpoints.token = Some(EndpointUrl::new(&server.url("/token")).unwrap());
    let services = Services::new(HttpClient::new(), store.clone());
    (services, store, Target { name, profile })
}

fn form(r: &Request) -> Vec<(String, String)> {
    let mut f = r.form();
    f.sort();
    f
}

#[tokio::test]
async fn fetch_sends_the_profiles_parameters_or_the_requests_own_and_stores_the_refresh_token() {
    let token = jwt(&json!({"exp": chrono::Utc::now().timestamp() + 600, "scope": "orders:read"}));
    let body = json!({"access_token": token, "token_type": "bearer", "expires_in": 600,
                      "refresh_token": "rt-1"});
    let server = TestServer::start(move |_| {
        Reply::json(&body).header(
            "Date",
            &http_date(chrono::Utc::now() - chrono::Duration::seconds(300)),
        )
    });
    let (services, store, target) = setup(&server);

    let result = ops::fetch(
        &services,
        &target,
        FetchRequest::new(Grant::ClientCredentials),
    )
    .await
    .unwrap();
    let pairs = |v: &[(&str, &str)]| -> Vec<(String, String)> {
        let mut v: Vec<_> = v
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        form(&server.seen()[0]),
        pairs(&[
            ("grant_type", "client_credentials"),
            ("scope", "orders:read orders:write"),
            ("resource", "https://orders.example"),
            ("audience", "orders"),
            ("client_id", "shop-client"),
            ("client_secret", "s3cret"),
        ])
    );
    assert_eq!(
        store
            .get(&target.name, &SecretKind::RefreshToken)
            .unwrap()
            .map(|t| t.reveal().to_string()),
        Some("rt-1".into())
    );
    // The server is 5 minutes behind: said once as a finding, and as the token's clock check.
    let skew = result.clock_skew_seconds().expect("skewed");
    assert!((-302..=-298).contains(&skew), "{skew}");
    assert!(
        result
            .findings
            .contains(&Finding::ClockSkew { seconds: skew })
    );
    assert!(
        result
            .findings
            .contains(&Finding::RefreshTokenStored { persistent: false })
    );
    let report = &result.reports[0];
    assert_eq!(report.label, "access_token");
    let clock = report.report.check("clock").expect("a clock check");
    assert_eq!(clock.status, CheckStatus::Warn);
    assert!(
        clock.message.contains("5 min ahead of the server"),
        "{}",
        clock.message
    );

    let narrower = FetchRequest {
        scope: Some("orders:read".into()),
        resources: vec!["https://billing.example".into()],
        ..FetchRequest::new(Grant::Password {
            username: "ann".into(),
            password: "pw".into(),
        })
    };
    let result = ops::fetch(&services, &target, narrower).await.unwrap();
    assert!(result.findings.contains(&Finding::LegacyPasswordGrant));
    let sent = form(&server.seen()[1]);
    assert!(
        sent.contains(&("scope".into(), "orders:read".into())),
        "{sent:?}"
    );
    assert!(sent.contains(&("resource".into(), "https://billing.example".into())));
    assert!(!sent.contains(&("resource".into(), "https://orders.example".into())));
    assert!(sent.contains(&("grant_type".into(), "password".into())));
    assert!(sent.contains(&("username".into(), "ann".into())));
}

#[tokio::test]
async fn a_token_expired_only_by_the_servers_clock_is_explained_so() {
    // The API's clock is 10 minutes ahead; the token has 2 minutes left by this machine's.
    let server = TestServer::start(|_| {
        Reply::new(401, "text/plain", "")
            .header("WWW-Authenticate", r#"Bearer error="invalid_token""#)
            .header(
                "Date",
                &http_date(chrono::Utc::now() + chrono::Duration::seconds(600)),
            )
    });
    let services = Services::new(HttpClient::new(), Arc::new(MemoryStore::new()));
    let now = chrono::Utc::now().timestamp();
    let called = ops::call(
        &services,
        None,
        CallRequest {
            method: "GET".into(),
            url: server.url("/api"),
            headers: Vec::new(),
            body: None,
            token: Some(jwt(&json!({"exp": now + 120, "aud": server.base})).into()),
        },
    )
    .await
    .unwrap();
    assert_eq!(called.outcome.response.status, 401);
    let ago = match called.explanations.as_slice() {
        [
            Explanation::Expired {
                ago_seconds,
                by_server_clock: true,
            },
        ] => {
            assert!((475..=485).contains(ago_seconds), "{ago_seconds}");
            *ago_seconds
        }
        other => panic!("{other:?}"),
    };
    // The words follow the seconds measured: on a loaded machine that may be 7 min 58 s.
    let expected = format!(
        "the API says invalid_token; this token expired {}",
        tokenscope::token::time::duration(ago.unsigned_abs())
    );
    assert!(
        called.sentences()[0].starts_with(&expected),
        "{:?}",
        called.sentences()
    );
    assert!(matches!(called.findings[..], [Finding::ClockSkew { .. }]));
}
