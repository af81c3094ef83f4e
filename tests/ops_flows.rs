//! `ops::log_in` and `ops::device_login` in-process over the memory store, against the real
//! test server (drive.js as the browser and the user): the opener gets the authorization URL
//! and its handoff is a step; the refresh token is stored under the profile only once the
//! answer came; a denied login stores nothing.

#[path = "support/oidc.rs"]
mod oidc;

use std::sync::{Arc, Mutex};

use tokenscope::oauth::flow::{CancelToken, FlowStep, Handoff};
use tokenscope::oauth::grants::device::TokioClock;
use tokenscope::oauth::http::HttpClient;
use tokenscope::ops::{self, FlowRequest, OpsError, Services, Target};
use tokenscope::profiles::{AuthMethod, EndpointUrl, Profile, ProfileName};
use tokenscope::secrets::{MemoryStore, SecretKind, SecretStore};

fn setup(op: &oidc::OidcServer) -> (Services, Arc<MemoryStore>, Target) {
    let store = Arc::new(MemoryStore::new());
    let mut profile = Profile::new(EndpointUrl::new(&op.issuer).unwrap(), "public-client");
    profile.auth_method = AuthMethod::None;
    profile.scopes = vec!["openid".into()];
    let target = Target {
        name: ProfileName::new("me").unwrap(),
        profile,
    };
    (
        Services::new(HttpClient::new(), store.clone()),
        store,
        target,
    )
}

fn drive(args: &[&str]) {
    let out = std::process::Command::new(std::env::var_os("NODE").unwrap_or_else(|| "node".into()))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("tests/oidc-server/drive.js")
        .args(args)
        .output()
        .expect("node runs drive.js");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_login_hands_the_url_to_the_opener_and_stores_the_refresh_token_it_got() {
    let op = oidc::OidcServer::start("a");
    let (services, store, target) = setup(&op);
    let opened = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&opened);
    // The "browser": logs in and follows the redirect, on its own thread as a browser would.
    let opener = move |url: &str| {
        seen.lock().unwrap().push(url.to_string());
        let url = url.to_string();
        std::thread::spawn(move || drive(&["authorize", &url, "--deliver"]));
        Handoff::Opened
    };
    let mut steps = Vec::new();
    let flow = ops::log_in(
        &services,
        &target,
        FlowRequest::default(),
        &opener,
        &CancelToken::new(),
        |s| steps.push(s),
    )
    .await
    .expect("the login finishes");
    assert_eq!(flow.exit_status(), 0);
    let urls = opened.lock().unwrap().clone();
    assert_eq!(urls.len(), 1);
    let FlowStep::AuthorizationUrlReady { url, .. } = &steps[1] else {
        panic!("{steps:?}")
    };
    assert_eq!(&urls[0], url);
    assert!(matches!(
        steps[2],
        FlowStep::BrowserHandoff {
            handoff: Handoff::Opened
        }
    ));
    let tokens = flow.tokens.outcome.success().unwrap();
    let stored = store
        .get(&target.name, &SecretKind::RefreshToken)
        .unwrap()
        .expect("stored");
    assert_eq!(
        stored.reveal(),
        tokens.refresh_token.as_ref().unwrap().reveal()
    );
    // The access and ID token come with their reports, as a fetch's do.
    let labels: Vec<_> = flow.tokens.reports.iter().map(|r| r.label).collect();
    assert!(labels.contains(&"id_token"), "{labels:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_denied_device_login_is_the_servers_answer_and_stores_nothing() {
    let op = oidc::OidcServer::start("a");
    let (services, store, target) = setup(&op);
    let issuer = op.issuer.clone();
    let flow = ops::device_login(
        &services,
        &target,
        FlowRequest::default(),
        &TokioClock::default(),
        &CancelToken::new(),
        move |s| {
            if let FlowStep::DeviceCodeIssued { user_code, .. } = s {
                let issuer = issuer.clone();
                std::thread::spawn(move || drive(&["device", &issuer, &user_code, "--deny"]));
            }
        },
    )
    .await
    .expect("the server answered");
    assert_eq!(flow.exit_status(), 1);
    assert_eq!(
        flow.tokens
            .outcome
            .error()
            .map(|e| e.code.as_str().to_string()),
        Some("access_denied".into())
    );
    assert!(
        store
            .get(&target.name, &SecretKind::RefreshToken)
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn a_profile_whose_redirect_uri_is_not_loopback_is_refused_before_a_browser_opens() {
    let op = oidc::OidcServer::start("a");
    let (services, _, mut target) = setup(&op);
    target.profile.redirect_uri = Some(EndpointUrl::new("https://app.example/callback").unwrap());
    let opener = |_: &str| -> Handoff { panic!("nothing to open") };
    let error = ops::log_in(
        &services,
        &target,
        FlowRequest::default(),
        &opener,
        &CancelToken::new(),
        |_| {},
    )
    .await
    .expect_err("not a loopback URI");
    assert!(matches!(error, OpsError::Flow(_)), "{error:?}");
    assert_eq!(error.exit_status(), 2);
    assert_eq!(error.kind(), "redirect_uri_not_loopback");
}
