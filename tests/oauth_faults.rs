//! The OAuth core against a local fault server: every way a real-world server misbehaves
//! gets its own typed answer, with the exchange kept, and nothing hangs past the timeout.

mod util;

use std::time::{Duration, Instant};

use serde_json::json;
use tokenscope::oauth::client_auth::{AuthMethod, ClientAuth};
use tokenscope::oauth::endpoints::{
    ApiCall, IntrospectRequest, RetryAfter, Revocation, RevokeRequest, Userinfo, UserinfoRequest,
};
use tokenscope::oauth::error::{ErrorCode, OAuthError};
use tokenscope::oauth::grants::{
    ClientCredentialsRequest, RefreshRequest, TokenParams, TokenResponse,
};
use tokenscope::oauth::http::{CallError, HttpClient, MAX_BODY_BYTES};
use tokenscope::oauth::outcome::{Outcome, Reply};
use tokenscope::oauth::warning::Warning;
use tokenscope::sensitive::Sensitive;
use util::http_server::{Reply as Serve, TestServer};

fn client() -> ClientAuth {
    ClientAuth::confidential("app", AuthMethod::ClientSecretBasic, "s3cret".into())
}

async fn fetch(server: &TestServer) -> Result<Outcome<TokenResponse>, OAuthError> {
    fetch_with(&HttpClient::new(), server).await
}

async fn fetch_with(
    http: &HttpClient,
    server: &TestServer,
) -> Result<Outcome<TokenResponse>, OAuthError> {
    ClientCredentialsRequest {
        token_endpoint: server.url("/token"),
        client: client(),
        params: TokenParams {
            scope: Some("api:read".into()),
            resources: vec!["urn:a".into(), "urn:b".into()],
            ..TokenParams::default()
        },
    }
    .send(http)
    .await
}

fn call_error(result: Result<Outcome<TokenResponse>, OAuthError>) -> (CallError, OAuthError) {
    match result {
        Err(e @ OAuthError::Call { .. }) => (e.call_error().unwrap().clone(), e),
        other => panic!("expected a call error, got {other:?}"),
    }
}

fn token_json() -> serde_json::Value {
    json!({"access_token": "at-1", "token_type": "Bearer", "expires_in": 300})
}

#[tokio::test]
async fn the_request_carries_basic_auth_the_grant_and_every_resource() {
    let server = TestServer::start(|_| Serve::json(&token_json()));
    let outcome = fetch(&server).await.unwrap();
    let tokens = outcome.success().expect("a token");
    assert_eq!(&*tokens.access_token, "at-1");
    assert_eq!(tokens.expires_in, Some(300));
    let seen = &server.seen()[0];
    assert_eq!(seen.method, "POST");
    assert_eq!(seen.header("authorization"), Some("Basic YXBwOnMzY3JldA=="));
    let form = seen.form();
    let resources: Vec<&str> = form
        .iter()
        .filter(|(k, _)| k == "resource")
        .map(|(_, v)| v.as_str())
        .collect();
    assert_eq!(resources, ["urn:a", "urn:b"]);
    assert!(
        form.iter()
            .all(|(k, _)| k != "client_secret" && k != "client_id")
    );
    // The exchange log shows the call without its secrets.
    let log = format!(
        "{:?}{:?}{:?}",
        outcome.exchange,
        outcome.exchange.request_headers_text(false),
        outcome.exchange.response_body_text(false)
    );
    assert!(
        !log.contains("YXBwOnMzY3JldA") && !log.contains("at-1"),
        "{log}"
    );
}

#[tokio::test]
async fn an_html_page_with_a_json_content_type_is_html_with_its_title() {
    let server = TestServer::start(|_| {
        Serve::new(
            200,
            "application/json",
            "<!DOCTYPE html><html><head><title>Sign in - Corp SSO</title></head></html>",
        )
    });
    let (error, whole) = call_error(fetch(&server).await);
    match &error {
        CallError::Html { status, title, .. } => {
            assert_eq!(*status, 200);
            assert_eq!(title.as_deref(), Some("Sign in - Corp SSO"));
        }
        other => panic!("{other:?}"),
    }
    let message = error.to_string();
    assert!(
        message.contains(
            "the token endpoint answered HTTP 200 with an HTML page titled \"Sign in - Corp SSO\""
        ),
        "{message}"
    );
    let body = whole.exchange().unwrap().response_body_text(false).unwrap();
    assert!(
        body.contains("<title>Sign in"),
        "the page is kept as text: {body}"
    );
}

#[tokio::test]
async fn an_oauth_error_with_http_200_is_an_answer_not_a_failure() {
    let server = TestServer::start(|_| {
        Serve::json(&json!({"error": "invalid_client", "error_description": "bad secret"}))
    });
    let outcome = fetch(&server).await.expect("an answer");
    let error = outcome.error().expect("an OAuth error response");
    assert_eq!(error.code, ErrorCode::InvalidClient);
    assert_eq!(error.http_status, 200);
    assert_eq!(error.description.as_deref(), Some("bad secret"));
    assert!(error.advice().contains("auth method"));
}

#[tokio::test]
async fn json_as_text_plain_and_expires_in_as_a_string_are_accepted_with_warnings() {
    let server = TestServer::start(|_| {
        Serve::new(
            200,
            "text/plain",
            json!({"access_token": "at", "token_type": "bearer", "expires_in": "3600"}).to_string(),
        )
    });
    let outcome = fetch(&server).await.unwrap();
    let tokens = outcome.success().unwrap();
    assert_eq!(tokens.expires_in, Some(3600));
    assert!(tokens.is_bearer(), "lowercase bearer is Bearer");
    assert_eq!(tokens.token_type, "bearer", "kept as sent");
    assert_eq!(
        outcome.warnings,
        [
            Warning::JsonAsText {
                content_type: "text/plain".into()
            },
            Warning::ExpiresInAsString {
                value: "3600".into()
            }
        ]
    );
}

#[tokio::test]
async fn an_empty_body_and_truncated_json_are_their_own_errors() {
    let server = TestServer::start(|_| Serve::new(200, "application/json", ""));
    assert!(matches!(
        call_error(fetch(&server).await).0,
        CallError::Empty { status: 200, .. }
    ));

    server.set(|_| Serve::new(200, "application/json", r#"{"access_token":"abc","tok"#));
    let (error, _) = call_error(fetch(&server).await);
    assert!(
        matches!(error, CallError::Truncated { status: 200, .. }),
        "{error:?}"
    );

    // The connection closes before the announced length arrives.
    server.set(|_| Serve {
        declared_length: Some(500),
        ..Serve::new(200, "application/json", r#"{"access_token":"abc""#)
    });
    let (error, whole) = call_error(fetch(&server).await);
    match &error {
        CallError::Truncated { reason, .. } => {
            assert!(reason.contains("connection closed"), "{reason}")
        }
        other => panic!("{other:?}"),
    }
    assert!(whole.exchange().unwrap().response.is_some());
}

#[tokio::test]
async fn a_redirect_on_the_token_post_is_not_followed_and_names_its_location() {
    let server = TestServer::start(|path| match path {
        "/token" => Serve::redirect("https://login.example/sso?next=/token"),
        _ => Serve::json(&token_json()),
    });
    let (error, whole) = call_error(fetch(&server).await);
    match &error {
        CallError::Redirect {
            status, location, ..
        } => {
            assert_eq!(*status, 302);
            assert_eq!(
                location.as_deref(),
                Some("https://login.example/sso?next=/token")
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(error.to_string().contains("https://login.example/sso"));
    assert_eq!(server.paths(), ["/token"], "nothing followed the redirect");
    assert_eq!(whole.exchange().unwrap().status(), Some(302));
}

#[tokio::test]
async fn a_stall_past_the_timeout_is_a_timeout() {
    let server = TestServer::start(|_| Serve {
        delay: Some(Duration::from_secs(20)),
        ..Serve::json(&token_json())
    });
    let http = HttpClient::new().with_timeout(Duration::from_secs(2));
    let started = Instant::now();
    let (error, whole) = call_error(fetch_with(&http, &server).await);
    let took = started.elapsed();
    assert!(
        matches!(error, CallError::Timeout { seconds: 2, .. }),
        "{error:?}"
    );
    assert!(took >= Duration::from_secs(2), "gave up early: {took:?}");
    assert!(took < Duration::from_secs(10), "hung: {took:?}");
    assert!(whole.exchange().unwrap().response.is_none());
}

#[tokio::test]
async fn a_20_mib_body_is_cut_at_the_cap_and_the_connection_dropped() {
    let server = TestServer::start(|_| Serve {
        stream_extra: 20 * 1024 * 1024,
        ..Serve::new(200, "application/json", "{\"access_token\":\"")
    });
    let (error, whole) = call_error(fetch(&server).await);
    assert!(
        matches!(error, CallError::TooLarge { status: 200, .. }),
        "{error:?}"
    );
    let response = whole.exchange().unwrap().response.as_ref().unwrap();
    assert!(response.capped);
    assert_eq!(response.body.len(), MAX_BODY_BYTES, "kept exactly the cap");
    // The rest was never read: the server's writes fail once the client hangs up.
    let deadline = Instant::now() + Duration::from_secs(10);
    while !server.saw_client_close() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        server.saw_client_close(),
        "the server wrote {} bytes and never saw the connection close",
        server.bytes_sent()
    );
    assert!(server.bytes_sent() < 20 * 1024 * 1024);
}

#[tokio::test]
async fn connection_refused_is_named() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let result = ClientCredentialsRequest {
        token_endpoint: format!("http://127.0.0.1:{port}/token"),
        client: client(),
        params: TokenParams::default(),
    }
    .send(&HttpClient::new())
    .await;
    let (error, whole) = call_error(result);
    assert!(matches!(error, CallError::Refused { .. }), "{error:?}");
    assert!(error.to_string().contains("connection refused"));
    assert!(!whole.is_input());
    assert!(
        whole.exchange().is_some(),
        "the request is still in the log"
    );
}

#[tokio::test]
async fn a_refresh_without_refresh_token_keeps_the_old_one() {
    let server = TestServer::start(|_| Serve::json(&token_json()));
    let old = Sensitive::from("rt-old");
    let request = RefreshRequest {
        token_endpoint: server.url("/token"),
        client: ClientAuth::confidential("app", AuthMethod::ClientSecretPost, "s3cret".into()),
        refresh_token: old.clone(),
        params: TokenParams::default(),
    };
    let outcome = request.send(&HttpClient::new()).await.unwrap();
    let refreshed = outcome.success().unwrap();
    assert_eq!(refreshed.rotated, None);
    assert_eq!(refreshed.refresh_token_to_keep(&old), &old);
    let form = server.seen()[0].form();
    assert!(form.contains(&("grant_type".into(), "refresh_token".into())));
    assert!(form.contains(&("refresh_token".into(), "rt-old".into())));
    assert!(form.contains(&("client_secret".into(), "s3cret".into())));
    assert_eq!(
        server.seen()[0].header("authorization"),
        None,
        "post, not basic too"
    );

    server.set(|_| {
        Serve::json(
            &json!({"access_token": "at-2", "token_type": "Bearer", "refresh_token": "rt-new"}),
        )
    });
    let outcome = request.send(&HttpClient::new()).await.unwrap();
    let refreshed = outcome.success().unwrap();
    assert_eq!(refreshed.rotated.as_deref(), Some("rt-new"));
    assert_eq!(&**refreshed.refresh_token_to_keep(&old), "rt-new");
    assert_eq!(refreshed.tokens.refresh_token, None);
}

#[tokio::test]
async fn a_skewed_date_header_gives_the_skew() {
    let behind = (chrono::Utc::now() - chrono::Duration::minutes(4))
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string();
    let server = TestServer::start(move |_| Serve::json(&token_json()).header("Date", &behind));
    let outcome = fetch(&server).await.unwrap();
    let skew = outcome.clock_skew_finding().expect("a clock finding");
    assert!((-245..=-235).contains(&skew), "{skew}");

    let now = chrono::Utc::now()
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string();
    server.set(move |_| Serve::json(&token_json()).header("Date", &now));
    let outcome = fetch(&server).await.unwrap();
    assert_eq!(outcome.clock_skew_finding(), None);
    assert!(outcome.exchange.clock_skew_seconds().is_some());
}

#[tokio::test]
async fn an_api_401_explains_itself_through_its_challenge() {
    let server = TestServer::start(|_| {
        Serve::new(401, "application/json", "{}").header(
            "WWW-Authenticate",
            r#"Bearer realm="orders", error="insufficient_scope", scope="orders:write""#,
        )
    });
    let outcome = ApiCall {
        method: "POST".into(),
        url: server.url("/orders"),
        headers: vec![("X-Trace".into(), "1".into())],
        body: Some("{\"n\":1}".into()),
        token: Some("at-xyz".into()),
    }
    .send(&HttpClient::new())
    .await
    .unwrap();
    let r = &outcome.response;
    assert_eq!(r.status, 401);
    assert!(!r.is_success());
    let error = r.bearer_error.as_ref().unwrap();
    assert_eq!(error.code, ErrorCode::InsufficientScope);
    assert_eq!(r.challenges[0].scopes(), ["orders:write"]);
    let seen = &server.seen()[0];
    assert_eq!(seen.header("authorization"), Some("Bearer at-xyz"));
    assert_eq!(seen.body, "{\"n\":1}");
    assert!(outcome.exchange.to_curl(false).contains("$ACCESS_TOKEN"));
}

#[tokio::test]
async fn revoke_503_retry_after_and_introspection_inactive_are_answers() {
    let server = TestServer::start(|path| match path {
        "/revoke" => Serve::new(503, "text/html", "<html>busy</html>").header("Retry-After", "30"),
        "/revoke-jwt" => Serve::new(
            400,
            "application/json",
            json!({"error": "unsupported_token_type"}).to_string(),
        ),
        _ => Serve::json(&json!({"active": false})),
    });
    let http = HttpClient::new();
    let revoked = RevokeRequest {
        endpoint: server.url("/revoke"),
        client: client(),
        token: "t".into(),
        hint: None,
    }
    .send(&http)
    .await
    .unwrap();
    assert_eq!(
        revoked.success(),
        Some(&Revocation::Unavailable {
            retry_after: Some(RetryAfter::Seconds(30))
        })
    );
    let refused = RevokeRequest {
        endpoint: server.url("/revoke-jwt"),
        client: client(),
        token: "t".into(),
        hint: None,
    }
    .send(&http)
    .await
    .unwrap();
    let error = refused.error().expect("an OAuth error response");
    assert_eq!(error.code, ErrorCode::UnsupportedTokenType);
    assert!(
        error
            .advice()
            .contains("cannot introspect or revoke this kind of token")
    );
    assert_eq!(refused.exit_status(), 1);
    assert_eq!(revoked.exit_status(), 0);
    let inactive = IntrospectRequest {
        endpoint: server.url("/introspect"),
        client: client(),
        token: "t".into(),
        hint: None,
    }
    .send(&http)
    .await
    .unwrap();
    assert!(!inactive.success().unwrap().active);
}

#[tokio::test]
async fn a_jwt_userinfo_is_returned_raw_and_a_bare_401_challenge_is_an_answer() {
    let server = TestServer::start(|path| match path {
        "/jwt" => Serve::new(200, "application/jwt", "eyJhbGciOiJub25lIn0.e30."),
        _ => Serve::new(401, "text/plain", "").header(
            "WWW-Authenticate",
            r#"Bearer error="invalid_token", error_description="expired""#,
        ),
    });
    let http = HttpClient::new();
    let jwt = UserinfoRequest {
        endpoint: server.url("/jwt"),
        access_token: "at".into(),
    }
    .send(&http)
    .await
    .unwrap();
    assert!(matches!(jwt.success(), Some(Userinfo::Jwt(t)) if &**t == "eyJhbGciOiJub25lIn0.e30."));
    let refused = UserinfoRequest {
        endpoint: server.url("/me"),
        access_token: "at".into(),
    }
    .send(&http)
    .await
    .unwrap();
    let Reply::Error(error) = &refused.reply else {
        panic!("{:?}", refused.reply)
    };
    assert_eq!(
        (error.code.clone(), error.http_status),
        (ErrorCode::InvalidToken, 401)
    );
    assert_eq!(error.description.as_deref(), Some("expired"));
}

#[tokio::test]
async fn a_host_that_does_not_resolve_and_a_tls_failure_are_named() {
    let http = HttpClient::new().allow_http(true);
    let result = ClientCredentialsRequest {
        token_endpoint: "http://tokenscope-test.invalid/token".into(),
        client: client(),
        params: TokenParams::default(),
    }
    .send(&http)
    .await;
    let (error, _) = call_error(result);
    assert!(matches!(error, CallError::Dns { .. }), "{error:?}");

    // A plain-HTTP server spoken to over https: the handshake fails.
    let server = TestServer::start(|_| Serve::json(&token_json()));
    let result = ClientCredentialsRequest {
        token_endpoint: server.url("/token").replace("http://", "https://"),
        client: client(),
        params: TokenParams::default(),
    }
    .send(&http)
    .await;
    let (error, _) = call_error(result);
    assert!(matches!(error, CallError::Tls { .. }), "{error:?}");
}

#[tokio::test]
async fn plain_http_to_another_host_is_refused_before_sending() {
    let result = ClientCredentialsRequest {
        token_endpoint: "http://as.example/token".into(),
        client: client(),
        params: TokenParams::default(),
    }
    .send(&HttpClient::new())
    .await;
    let (error, whole) = call_error(result);
    assert!(matches!(error, CallError::BadUrl { .. }), "{error:?}");
    assert!(whole.is_input() && whole.exchange().is_none());
}

#[tokio::test]
async fn every_exchange_reaches_the_log_failures_and_discovery_included() {
    use std::sync::{Arc, Mutex};
    use tokenscope::oauth::exchange::{Endpoint, Exchange};
    use tokenscope::oauth::http::ExchangeLog;

    let server = TestServer::start(|path| match path {
        "/token" => Serve::json(&token_json()),
        "/html" => Serve::new(200, "application/json", "<html><title>WAF</title></html>"),
        _ => Serve::json(&json!({"issuer": "x"})),
    });
    let logged: Arc<Mutex<Vec<Exchange>>> = Arc::default();
    let sink = logged.clone();
    let http = HttpClient::new().with_log(ExchangeLog::new(move |e| {
        sink.lock().unwrap().push(e.clone());
    }));
    let fetched = fetch_with(&http, &server).await.unwrap();
    assert!(fetched.success().is_some());
    let failed = ClientCredentialsRequest {
        token_endpoint: server.url("/html"),
        client: client(),
        params: TokenParams::default(),
    }
    .send(&http)
    .await;
    assert!(failed.is_err());
    http.get_json(&server.url("/.well-known/openid-configuration"))
        .await
        .unwrap();
    let logged = logged.lock().unwrap();
    let seen: Vec<(Endpoint, Option<u16>)> =
        logged.iter().map(|e| (e.endpoint, e.status())).collect();
    assert_eq!(
        seen,
        [
            (Endpoint::Token, Some(200)),
            (Endpoint::Token, Some(200)),
            (Endpoint::Discovery, Some(200))
        ]
    );
    assert!(logged[1].response_body_text(false).unwrap().contains("WAF"));
    assert!(
        logged[2]
            .response_body_text(false)
            .unwrap()
            .contains("issuer")
    );
}

#[tokio::test]
async fn a_form_encoded_token_answer_is_not_json_and_its_token_stays_out_of_the_message() {
    let server = TestServer::start(|_| {
        Serve::new(
            200,
            "text/plain",
            "access_token=gho_SECRET123&token_type=bearer",
        )
    });
    let (error, whole) = call_error(fetch(&server).await);
    assert!(
        matches!(error, CallError::NotJson { status: 200, .. }),
        "{error:?}"
    );
    let message = format!("{error} {whole:?}");
    assert!(!message.contains("gho_SECRET123"), "{message}");
    assert!(message.contains("token_type=bearer"), "{message}");
}

/// A TLS server whose certificate no root vouches for (a self-signed test certificate): the
/// failure is recognised by rustls's own error type and named with its words.
#[tokio::test]
async fn a_certificate_no_root_vouches_for_is_a_tls_failure_in_rustls_words() {
    use tokio_rustls::rustls;
    use tokio_rustls::rustls::pki_types::pem::PemObject as _;
    use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};

    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let cert = CertificateDer::from_pem_file(dir.join("test-es256-cert.pem")).unwrap();
    let key = PrivateKeyDer::from_pem_file(dir.join("test-es256-cert-key.pem")).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(vec![cert], key)
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(std::sync::Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            // The client gives up at the certificate; the server's side just ends.
            let _ = acceptor.accept(stream).await;
        }
    });

    let http = HttpClient::new();
    let result = ClientCredentialsRequest {
        token_endpoint: format!("https://127.0.0.1:{port}/token"),
        client: client(),
        params: TokenParams::default(),
    }
    .send(&http)
    .await;
    let (error, _) = call_error(result);
    let CallError::Tls { reason, .. } = &error else {
        panic!("{error:?}")
    };
    assert!(reason.contains("certificate"), "{reason}");
    assert!(error.to_string().contains("TLS failed"), "{error}");
}
