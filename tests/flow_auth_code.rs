//! The authorization code + PKCE flow against the real test server (node-oidc-provider):
//! drive.js plays the browser and the user, the loopback listener takes the callback, the
//! code is exchanged and the ID token checked. A tampered state or iss, an access_denied
//! callback, a timeout and a cancel each stop the flow with no token request.

#[path = "support/oidc.rs"]
mod oidc;

use std::net::TcpStream;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokenscope::oauth::client_auth::{AuthMethod, ClientAuth};
use tokenscope::oauth::discovery::{KeyResolver, discover};
use tokenscope::oauth::error::ErrorCode;
use tokenscope::oauth::exchange::Endpoint;
use tokenscope::oauth::flow::{AuthCodeFlow, CancelToken, FlowError, FlowResult, FlowStep};
use tokenscope::oauth::grants::TokenParams;
use tokenscope::oauth::http::{ExchangeLog, HttpClient};
use tokenscope::oauth::loopback::CallbackError;
use tokenscope::token::CheckStatus;
use tokio::sync::mpsc;

/// What the test's browser does with the authorization URL.
#[derive(Clone, Copy)]
enum Browser {
    /// Log in, consent, and follow the redirect to the listener.
    Approve,
    /// Press Cancel on the login page and follow the redirect (error=access_denied).
    Deny,
    /// Log in and consent, then deliver the callback URL after `edit` changes it.
    Tamper(fn(&str) -> String),
}

struct Run {
    result: Result<FlowResult, FlowError>,
    steps: Vec<FlowStep>,
    token_requests: usize,
    redirect_uri: String,
    /// The listener's HTTP status for the delivered callback.
    delivered: Option<u16>,
}

fn drive(args: &[&str]) -> String {
    let out = Command::new(std::env::var_os("NODE").unwrap_or_else(|| "node".into()))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("tests/oidc-server/drive.js")
        .args(args)
        .output()
        .expect("node runs drive.js");
    assert!(
        out.status.success(),
        "drive.js {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn callback_line(stdout: &str) -> String {
    stdout
        .lines()
        .find_map(|l| l.strip_prefix("CALLBACK "))
        .unwrap_or_else(|| panic!("no CALLBACK in {stdout}"))
        .to_string()
}

fn set_param(url: &str, name: &str, value: Option<&str>) -> String {
    let mut u = url::Url::parse(url).unwrap();
    let pairs: Vec<(String, String)> = u
        .query_pairs()
        .filter(|(k, _)| k != name)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    {
        let mut q = u.query_pairs_mut();
        q.clear();
        for (k, v) in &pairs {
            q.append_pair(k, v);
        }
        if let Some(v) = value {
            q.append_pair(name, v);
        }
    }
    u.into()
}

async fn flow_for(op: &oidc::OidcServer, http: &HttpClient) -> AuthCodeFlow {
    let metadata = discover(http, &op.issuer).await.expect("discovery");
    AuthCodeFlow::from_metadata(
        &metadata,
        ClientAuth::confidential(
            "app-client",
            AuthMethod::ClientSecretBasic,
            "app-secret".into(),
        ),
        TokenParams {
            scope: Some("openid profile email".into()),
            ..TokenParams::default()
        },
    )
    .expect("the test server has both endpoints")
}

/// Runs the flow with `browser` acting on the URL, counting token endpoint requests.
async fn run(op: &oidc::OidcServer, browser: Browser) -> Run {
    let token_requests = Arc::new(AtomicUsize::new(0));
    let counter = token_requests.clone();
    let http = HttpClient::new().with_log(ExchangeLog::new(move |e| {
        if e.endpoint == Endpoint::Token {
            counter.fetch_add(1, Ordering::SeqCst);
        }
    }));
    let flow = flow_for(op, &http).await;
    let keys = KeyResolver::new().with_http(http.clone());
    let (tx, mut rx) = mpsc::unbounded_channel();
    let cancel = CancelToken::new();
    let task = tokio::spawn(async move {
        flow.run(&http, &keys, &cancel, move |step| {
            let _ = tx.send(step);
        })
        .await
    });
    let mut steps = Vec::new();
    let mut redirect_uri = String::new();
    let mut delivered = None;
    while let Some(step) = rx.recv().await {
        match &step {
            FlowStep::ListenerBound { redirect_uri: r } => redirect_uri = r.clone(),
            FlowStep::AuthorizationUrlReady { url, .. } => {
                let url = url.clone();
                delivered = tokio::task::spawn_blocking(move || play(browser, &url))
                    .await
                    .unwrap();
            }
            _ => {}
        }
        steps.push(step);
    }
    Run {
        result: task.await.unwrap(),
        steps,
        token_requests: token_requests.load(Ordering::SeqCst),
        redirect_uri,
        delivered,
    }
}

/// Plays the browser; the listener's status when the test itself delivered the callback.
fn play(browser: Browser, url: &str) -> Option<u16> {
    match browser {
        Browser::Approve => {
            assert!(drive(&["authorize", url, "--deliver"]).contains("DELIVERED 200"));
            None
        }
        Browser::Deny => {
            let out = drive(&["authorize", url, "--deny", "--deliver"]);
            assert!(callback_line(&out).contains("error=access_denied"), "{out}");
            None
        }
        Browser::Tamper(edit) => {
            let callback = edit(&callback_line(&drive(&["authorize", url])));
            let status = raw_http::get_status(&callback);
            Some(status)
        }
    }
}

/// A tiny blocking GET over std, so the test's browser needs no extra client features.
mod raw_http {
    use std::io::{Read, Write};
    use std::net::TcpStream;

    pub fn get_status(url: &str) -> u16 {
        let u = url::Url::parse(url).unwrap();
        let mut s = TcpStream::connect((u.host_str().unwrap(), u.port().unwrap())).unwrap();
        let target = match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_string(),
        };
        write!(
            s,
            "GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut text = String::new();
        s.read_to_string(&mut text).unwrap();
        text.split(' ').nth(1).unwrap().parse().unwrap()
    }
}

fn listener_is_closed(redirect_uri: &str) -> bool {
    let u = url::Url::parse(redirect_uri).unwrap();
    TcpStream::connect_timeout(
        &format!("127.0.0.1:{}", u.port().unwrap()).parse().unwrap(),
        Duration::from_secs(1),
    )
    .is_err()
}

fn names(steps: &[FlowStep]) -> Vec<&'static str> {
    steps.iter().map(FlowStep::title).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_login_through_the_loopback_listener_gets_tokens_whose_id_token_checks_pass() {
    let op = oidc::OidcServer::start("a");
    let run = run(&op, Browser::Approve).await;
    let result = run.result.expect("the flow finishes");
    let tokens = result.outcome.success().expect("tokens, not an error");
    assert!(tokens.refresh_token.is_some() && tokens.id_token.is_some());
    assert_eq!(run.token_requests, 1);
    assert_eq!(
        names(&run.steps),
        [
            "loopback listener bound",
            "authorization URL ready",
            "callback received",
            "code exchanged",
            "ID token checked",
            "done"
        ]
    );
    assert!(run.redirect_uri.starts_with("http://127.0.0.1:"));
    assert!(run.redirect_uri.ends_with("/callback"));
    let check = result.id_token.expect("an ID token was checked");
    let failures: Vec<_> = check.failures().collect();
    assert!(check.passed(), "{failures:?}");
    for id in ["signature", "iss", "aud", "nonce", "exp"] {
        assert_eq!(
            check.report.check(id).map(|c| c.status),
            Some(CheckStatus::Pass),
            "{id}: {:?}",
            check.report.check(id)
        );
    }
    assert_eq!(check.report.claim_str("sub"), Some("alice"));
    // The verifier and code are in the steps only as Sensitive: Debug never shows them.
    let debug = format!("{:?}", run.steps);
    let FlowStep::AuthorizationUrlReady { code_verifier, .. } = &run.steps[1] else {
        panic!("step 2 is the URL");
    };
    assert!(!debug.contains(code_verifier.reveal()));
    assert!(listener_is_closed(&run.redirect_uri));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tampered_state_is_refused_and_no_token_is_requested() {
    let op = oidc::OidcServer::start("a");
    let run = run(
        &op,
        Browser::Tamper(|cb| set_param(cb, "state", Some("forged-state"))),
    )
    .await;
    assert!(matches!(
        run.result,
        Err(FlowError::Callback(CallbackError::StateMismatch { received: Some(ref s) })) if s == "forged-state"
    ));
    assert_eq!(run.delivered, Some(400));
    assert_eq!(run.token_requests, 0);
    assert!(matches!(run.steps.last(), Some(FlowStep::Failed { .. })));
    assert!(listener_is_closed(&run.redirect_uri));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tampered_or_missing_iss_is_refused_and_no_token_is_requested() {
    let op = oidc::OidcServer::start("a");
    let run1 = run(
        &op,
        Browser::Tamper(|cb| set_param(cb, "iss", Some("http://127.0.0.1:1"))),
    )
    .await;
    assert!(matches!(
        run1.result,
        Err(FlowError::Callback(CallbackError::IssuerMismatch { ref received, .. })) if received == "http://127.0.0.1:1"
    ));
    assert_eq!(run1.token_requests, 0);
    // The server advertises authorization_response_iss_parameter_supported.
    let run2 = run(&op, Browser::Tamper(|cb| set_param(cb, "iss", None))).await;
    assert!(matches!(
        run2.result,
        Err(FlowError::Callback(CallbackError::IssuerMissing { .. }))
    ));
    assert_eq!(run2.token_requests, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn access_denied_in_the_browser_stops_the_flow_with_the_servers_reason() {
    let op = oidc::OidcServer::start("a");
    let run = run(&op, Browser::Deny).await;
    let Err(FlowError::Callback(CallbackError::Denied {
        error, description, ..
    })) = run.result
    else {
        panic!("expected access_denied, got {:?}", run.result);
    };
    assert_eq!(error, ErrorCode::AccessDenied);
    assert!(description.is_some());
    assert_eq!(run.token_requests, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_listener_takes_one_callback_then_refuses_connections() {
    let op = oidc::OidcServer::start("a");
    let http = HttpClient::new();
    let mut flow = flow_for(&op, &http).await;
    flow.redirect_uri = Some("http://127.0.0.1:0/cb".into());
    let keys = KeyResolver::new();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let cancel = CancelToken::new();
    let task = tokio::spawn(async move {
        flow.run(&http, &keys, &cancel, move |s| {
            let _ = tx.send(s);
        })
        .await
    });
    let Some(FlowStep::ListenerBound { redirect_uri }) = rx.recv().await else {
        panic!("the listener binds first");
    };
    assert!(redirect_uri.starts_with("http://127.0.0.1:") && redirect_uri.ends_with("/cb"));
    // Bound to loopback only: the port answers on 127.0.0.1 and nowhere else.
    let port = url::Url::parse(&redirect_uri).unwrap().port().unwrap();
    assert!(TcpStream::connect(("127.0.0.1", port)).is_ok());
    if let Some(other) = non_loopback_ip() {
        assert!(TcpStream::connect_timeout(&(other, port).into(), Duration::from_secs(1)).is_err());
    }
    // A request for another path (a favicon) is not the callback.
    let base = redirect_uri.trim_end_matches("/cb");
    assert_eq!(raw_http::get_status(&format!("{base}/favicon.ico")), 404);
    let Some(FlowStep::AuthorizationUrlReady { url, .. }) = rx.recv().await else {
        panic!("then the URL");
    };
    // drive.js --deliver uses the URL's own redirect_uri, here with path /cb, which the
    // server refuses (only /callback is registered): deliver a forged one instead.
    let status = raw_http::get_status(&format!("{redirect_uri}?code=x&state=nope"));
    assert_eq!(status, 400);
    assert!(url.contains("state="));
    assert!(matches!(
        task.await.unwrap(),
        Err(FlowError::Callback(CallbackError::StateMismatch { .. }))
    ));
    assert!(TcpStream::connect(("127.0.0.1", port)).is_err());
}

/// An address of this machine that is not loopback, when it has one.
fn non_loopback_ip() -> Option<std::net::IpAddr> {
    let probe = std::net::UdpSocket::bind("0.0.0.0:0").ok()?;
    probe.connect("192.0.2.1:9").ok()?;
    let ip = probe.local_addr().ok()?.ip();
    (!ip.is_loopback() && !ip.is_unspecified()).then_some(ip)
}

#[tokio::test]
async fn a_timeout_and_a_cancel_stop_the_wait_with_no_token_request() {
    let token_requests = Arc::new(AtomicUsize::new(0));
    let counter = token_requests.clone();
    let http = HttpClient::new().with_log(ExchangeLog::new(move |_| {
        counter.fetch_add(1, Ordering::SeqCst);
    }));
    let flow = AuthCodeFlow {
        issuer: Some("https://as.example".into()),
        iss_parameter_supported: true,
        authorization_endpoint: "https://as.example/auth".into(),
        token_endpoint: "https://as.example/token".into(),
        client: ClientAuth::public("app"),
        params: TokenParams::default(),
        token_extra: Vec::new(),
        redirect_uri: None,
        timeout: Duration::from_millis(200),
    };
    let keys = KeyResolver::new();
    let mut bound = String::new();
    let r = flow
        .run(&http, &keys, &CancelToken::new(), |s| {
            if let FlowStep::ListenerBound { redirect_uri } = s {
                bound = redirect_uri;
            }
        })
        .await;
    assert!(matches!(
        r,
        Err(FlowError::Callback(CallbackError::TimedOut { .. }))
    ));
    assert!(listener_is_closed(&bound));

    let cancel = CancelToken::new();
    let flow = AuthCodeFlow {
        timeout: Duration::from_secs(60),
        ..flow
    };
    let canceller = cancel.clone();
    let r = flow
        .run(&http, &keys, &cancel, move |s| {
            if matches!(s, FlowStep::AuthorizationUrlReady { .. }) {
                canceller.cancel();
            }
        })
        .await;
    assert!(matches!(
        r,
        Err(FlowError::Callback(CallbackError::Cancelled))
    ));
    assert_eq!(token_requests.load(Ordering::SeqCst), 0);
}
