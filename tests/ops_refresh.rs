//! The refresh rules of `ops`, in-process over the memory store against a local fault
//! server (a real server does not answer without a refresh token on demand, nor stall):
//! a rotated refresh token replaces the stored one, an answer without one keeps it, a failed
//! refresh never touches it, and two refreshes of one profile never race.

mod util;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use tokenscope::oauth::http::HttpClient;
use tokenscope::oauth::outcome::Reply;
use tokenscope::ops::{self, Finding, OpsError, RefreshRequest, RefreshSource, Services, Target};
use tokenscope::profiles::{AuthMethod, EndpointUrl, Profile, ProfileName};
use tokenscope::secrets::{MemoryStore, SecretKind, SecretStore};
use util::http_server::{Reply as Answer, Request, TestServer};

fn target(server: &TestServer) -> Target {
    let mut profile = Profile::new(EndpointUrl::new(&server.base).unwrap(), "app");
    profile.auth_method = AuthMethod::None;
    profile.endpoints.token = Some(EndpointUrl::new(&server.url("/token")).unwrap());
    Target {
        name: ProfileName::new("fault").unwrap(),
        profile,
    }
}

fn services_with(stored: &str) -> (Services, Arc<MemoryStore>) {
    let store = Arc::new(MemoryStore::new());
    let name = ProfileName::new("fault").unwrap();
    store
        .set(&name, &SecretKind::RefreshToken, &stored.into())
        .unwrap();
    let services = Services::new(
        HttpClient::new().with_timeout(Duration::from_secs(5)),
        store.clone(),
    );
    (services, store)
}

fn stored(store: &MemoryStore) -> String {
    store
        .get(
            &ProfileName::new("fault").unwrap(),
            &SecretKind::RefreshToken,
        )
        .unwrap()
        .expect("a refresh token is stored")
        .reveal()
        .to_string()
}

fn sent_refresh_token(r: &Request) -> String {
    r.form()
        .into_iter()
        .find(|(k, _)| k == "refresh_token")
        .map(|(_, v)| v)
        .unwrap_or_default()
}

fn stored_source() -> RefreshRequest {
    RefreshRequest {
        source: RefreshSource::Stored,
        scope: None,
    }
}

#[tokio::test]
async fn a_rotated_refresh_token_replaces_the_stored_one() {
    let server = TestServer::start(|_| {
        Answer::json(&json!({"access_token": "at-2", "token_type": "Bearer",
                             "expires_in": 60, "refresh_token": "rt-new"}))
    });
    let (services, store) = services_with("rt-old");
    let result = ops::refresh(&services, &target(&server), stored_source())
        .await
        .unwrap();
    assert!(result.outcome.success().is_some());
    assert_eq!(stored(&store), "rt-new");
    assert!(
        result
            .findings
            .contains(&Finding::RefreshTokenStored { persistent: false }),
        "{:?}",
        result.findings
    );
    assert_eq!(sent_refresh_token(&server.seen()[0]), "rt-old");
}

#[tokio::test]
async fn an_answer_without_a_refresh_token_keeps_the_stored_one() {
    let server = TestServer::start(|_| {
        Answer::json(&json!({"access_token": "at-2", "token_type": "Bearer", "expires_in": 60}))
    });
    let (services, store) = services_with("rt-keep");
    let result = ops::refresh(&services, &target(&server), stored_source())
        .await
        .unwrap();
    assert!(result.outcome.success().is_some());
    assert_eq!(stored(&store), "rt-keep");
    assert_eq!(result.findings, vec![Finding::RefreshTokenKept]);
}

#[tokio::test]
async fn invalid_grant_keeps_the_stored_token_and_says_it_is_dead() {
    let server = TestServer::start(|_| {
        Answer::new(
            400,
            "application/json",
            json!({"error": "invalid_grant", "error_description": "grant request is invalid"})
                .to_string(),
        )
    });
    let (services, store) = services_with("rt-dead");
    let result = ops::refresh(&services, &target(&server), stored_source())
        .await
        .unwrap();
    assert!(matches!(result.outcome.reply, Reply::Error(_)));
    assert_eq!(result.outcome.exit_status(), 1);
    assert_eq!(result.findings, vec![Finding::RefreshTokenDead]);
    assert!(result.findings[0].to_string().contains("fetch a new token"));
    assert_eq!(stored(&store), "rt-dead");
    assert_eq!(server.requests(), 1, "no retry");
}

#[tokio::test]
async fn an_html_answer_fails_with_exit_3_and_keeps_the_stored_token() {
    let server = TestServer::start(|_| {
        Answer::new(
            200,
            "application/json",
            "<html><title>Sign in</title><body>refresh_token</body></html>",
        )
    });
    let (services, store) = services_with("rt-html");
    let err = ops::refresh(&services, &target(&server), stored_source())
        .await
        .unwrap_err();
    assert_eq!(err.exit_status(), 3);
    assert_eq!(err.kind(), "html");
    assert!(err.to_string().contains("HTML page"), "{err}");
    assert_eq!(stored(&store), "rt-html");
}

#[tokio::test]
async fn a_truncated_answer_with_a_new_refresh_token_does_not_replace_the_stored_one() {
    let server = TestServer::start(|_| Answer {
        declared_length: Some(400),
        ..Answer::new(
            200,
            "application/json",
            r#"{"access_token":"at-2","token_type":"Bearer","refresh_token":"rt-half"#,
        )
    });
    let (services, store) = services_with("rt-whole");
    let err = ops::refresh(&services, &target(&server), stored_source())
        .await
        .unwrap_err();
    assert_eq!(err.exit_status(), 3);
    assert_eq!(stored(&store), "rt-whole");
}

/// A rotating server with reuse detection: a refresh token works once; a second use of it
/// is invalid_grant. Two refreshes started together must therefore run one after the other,
/// the second with the token the first stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_refreshes_of_one_profile_run_one_after_the_other() {
    let current = Arc::new(Mutex::new(("rt-0".to_string(), 0)));
    let state = current.clone();
    let server = TestServer::start_with(move |r: &Request| {
        let mut state = state.lock().unwrap();
        if sent_refresh_token(r) != state.0 {
            return Answer::new(400, "application/json", r#"{"error":"invalid_grant"}"#);
        }
        state.1 += 1;
        state.0 = format!("rt-{}", state.1);
        Answer {
            delay: Some(Duration::from_millis(300)),
            ..Answer::json(&json!({"access_token": format!("at-{}", state.1),
                                   "token_type": "Bearer", "refresh_token": state.0}))
        }
    });
    let (services, store) = services_with("rt-0");
    let target = target(&server);
    let (a, b) = tokio::join!(
        ops::refresh(&services, &target, stored_source()),
        ops::refresh(&services, &target, stored_source())
    );
    assert!(a.unwrap().outcome.success().is_some());
    assert!(b.unwrap().outcome.success().is_some());
    let sent: Vec<String> = server.seen().iter().map(sent_refresh_token).collect();
    assert_eq!(sent, ["rt-0", "rt-1"]);
    assert_eq!(stored(&store), "rt-2");
}

#[tokio::test]
async fn no_stored_refresh_token_is_a_configuration_error() {
    let server = TestServer::start(|_| Answer::json(&json!({})));
    let services = Services::new(HttpClient::new(), Arc::new(MemoryStore::new()));
    let err = ops::refresh(&services, &target(&server), stored_source())
        .await
        .unwrap_err();
    assert!(matches!(err, OpsError::NoRefreshToken(_)));
    assert_eq!(err.exit_status(), 2);
    assert_eq!(server.requests(), 0);
}

#[tokio::test]
async fn an_endpoint_the_server_does_not_advertise_is_a_typed_error() {
    let server = TestServer::start(|path| {
        if path.ends_with("openid-configuration") {
            // Like Entra ID: no introspection endpoint.
            Answer::json(&json!({"issuer": "ISSUER", "token_endpoint": "https://x.example/token"}))
        } else {
            Answer::new(404, "text/plain", "no")
        }
    });
    let issuer = server.base.clone();
    server.set(move |path| {
        if path.ends_with("openid-configuration") {
            Answer::json(
                &json!({"issuer": issuer, "token_endpoint": format!("{issuer}/token"),
                                 "jwks_uri": format!("{issuer}/jwks")}),
            )
        } else {
            Answer::new(404, "text/plain", "no")
        }
    });
    let services = Services::new(HttpClient::new(), Arc::new(MemoryStore::new()));
    let mut target = target(&server);
    target.profile.endpoints.token = None;
    let err = ops::introspect(&services, &target, &"tok".into(), None)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            OpsError::NotAdvertised {
                endpoint: tokenscope::profiles::endpoints::Endpoint::Introspection,
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("does not advertise"), "{err}");
    assert!(
        !server.paths().iter().any(|p| p.contains("introspect")),
        "nothing sent to a guessed URL: {:?}",
        server.paths()
    );
}
