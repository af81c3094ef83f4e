//! The device authorization grant: end to end against the real test server (drive.js enters
//! the user code and approves or denies), and against a local fault server for what a real
//! server will not do on demand — slow_down, expired_token, a code that runs out — with an
//! injected clock so the poll spacing is checked without waiting.

#[path = "support/oidc.rs"]
mod oidc;
mod util;

use std::process::Command;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::json;
use tokenscope::oauth::client_auth::{AuthMethod, ClientAuth};
use tokenscope::oauth::discovery::{KeyResolver, discover};
use tokenscope::oauth::error::ErrorCode;
use tokenscope::oauth::flow::{
    CancelToken, DeviceFlow, DeviceFlowResult, FlowError, FlowResult, FlowStep,
};
use tokenscope::oauth::grants::TokenParams;
use tokenscope::oauth::grants::device::{PollClock, PollError, PollStatus};
use tokenscope::oauth::http::HttpClient;
use tokenscope::oauth::outcome::Reply;
use tokenscope::token::CheckStatus;
use tokio::sync::mpsc;
use util::http_server::{Reply as HttpReply, TestServer};

/// A clock whose sleeps take no real time (or a short real one, for a real server that
/// needs a moment) and are recorded.
#[derive(Default)]
struct FakeClock {
    now: Mutex<Duration>,
    sleeps: Mutex<Vec<Duration>>,
    real_pause: Duration,
}

impl PollClock for FakeClock {
    fn now(&self) -> Duration {
        *self.now.lock().unwrap()
    }

    fn sleep(&self, d: Duration) -> impl Future<Output = ()> + Send {
        *self.now.lock().unwrap() += d;
        self.sleeps.lock().unwrap().push(d);
        tokio::time::sleep(self.real_pause)
    }
}

fn secs(list: &[Duration]) -> Vec<u64> {
    list.iter().map(Duration::as_secs).collect()
}

fn drive(args: &[&str]) {
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
}

/// Runs the device flow against the real server; `approve` decides what the user does.
async fn real_flow(
    op: &oidc::OidcServer,
    approve: bool,
) -> (Result<DeviceFlowResult, FlowError>, Vec<FlowStep>) {
    let http = HttpClient::new();
    let metadata = discover(&http, &op.issuer).await.unwrap();
    let flow = DeviceFlow::from_metadata(
        &metadata,
        ClientAuth::confidential(
            "app-client",
            AuthMethod::ClientSecretBasic,
            "app-secret".into(),
        ),
        TokenParams {
            scope: Some("openid email".into()),
            ..TokenParams::default()
        },
    )
    .unwrap();
    let keys = KeyResolver::new();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let issuer = op.issuer.clone();
    let task = tokio::spawn(async move {
        let clock = FakeClock {
            real_pause: Duration::from_millis(250),
            ..FakeClock::default()
        };
        flow.run(&http, &keys, &clock, &CancelToken::new(), move |s| {
            let _ = tx.send(s);
        })
        .await
    });
    let mut steps = Vec::new();
    while let Some(step) = rx.recv().await {
        if let FlowStep::DeviceCodeIssued { user_code, .. } = &step {
            let (issuer, code) = (issuer.clone(), user_code.clone());
            tokio::task::spawn_blocking(move || {
                let mut args = vec!["device", &issuer, &code];
                if !approve {
                    args.push("--deny");
                }
                drive(&args);
            });
        }
        steps.push(step);
    }
    (task.await.unwrap(), steps)
}

fn finished(r: Result<DeviceFlowResult, FlowError>) -> FlowResult {
    match r {
        Ok(DeviceFlowResult::Finished(f)) => *f,
        other => panic!("expected a finished flow, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_device_flow_ends_with_tokens_once_the_user_approves() {
    let op = oidc::OidcServer::start("a");
    let (result, steps) = real_flow(&op, true).await;
    let result = finished(result);
    let tokens = result.outcome.success().expect("tokens");
    assert!(tokens.id_token.is_some() && tokens.refresh_token.is_some());
    let FlowStep::DeviceCodeIssued {
        user_code,
        verification_uri,
        verification_uri_complete,
        interval,
        ..
    } = &steps[0]
    else {
        panic!("the code comes first: {steps:?}");
    };
    assert!(!user_code.is_empty());
    assert_eq!(verification_uri, &op.url("/device"));
    assert!(
        verification_uri_complete
            .as_deref()
            .unwrap()
            .contains("user_code=")
    );
    assert_eq!(
        *interval,
        Duration::from_secs(5),
        "the server names none: 5 s"
    );
    let polls: Vec<_> = steps
        .iter()
        .filter_map(|s| match s {
            FlowStep::Polled { n, status, .. } => Some((*n, status.clone())),
            _ => None,
        })
        .collect();
    let (last, rest) = polls.split_last().unwrap();
    assert_eq!(last.1, PollStatus::Issued);
    assert!(
        rest.iter().all(|(_, s)| *s == PollStatus::Pending),
        "{polls:?}"
    );
    assert_eq!(last.0 as usize, polls.len());
    let check = result.id_token.expect("the ID token is checked");
    assert!(check.passed(), "{:?}", check.failures().collect::<Vec<_>>());
    assert_eq!(check.report.claim_str("sub"), Some("bob"));
    assert_eq!(
        check.report.check("signature").map(|c| c.status),
        Some(CheckStatus::Pass)
    );
    assert!(matches!(steps.last(), Some(FlowStep::Done)));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_user_who_denies_stops_the_polling_with_access_denied() {
    let op = oidc::OidcServer::start("a");
    let (result, steps) = real_flow(&op, false).await;
    let result = finished(result);
    assert_eq!(
        result.outcome.error().map(|e| e.code.clone()),
        Some(ErrorCode::AccessDenied)
    );
    assert!(steps.iter().any(|s| matches!(
        s,
        FlowStep::Polled {
            status: PollStatus::Stopped {
                error: ErrorCode::AccessDenied
            },
            ..
        }
    )));
    assert!(matches!(steps.last(), Some(FlowStep::Failed { .. })));
}

/// A fault server: /device/auth issues a code (`expires_in`, `interval`), /token answers
/// with `answers` in turn (the last one repeats). Returns the server and the flow.
fn fault_server(expires_in: u64, interval: u64, answers: &[&str]) -> (TestServer, DeviceFlow) {
    let answers: Vec<String> = answers.iter().map(|s| (*s).to_string()).collect();
    let polls = AtomicUsize::new(0);
    let server = TestServer::start(move |path| match path {
        "/device/auth" => HttpReply::json(&json!({
            "device_code": "dc-1", "user_code": "WXYZ-1234",
            "verification_uri": "http://127.0.0.1/device",
            "expires_in": expires_in, "interval": interval,
        })),
        "/token" => {
            let n = polls.fetch_add(1, Ordering::SeqCst).min(answers.len() - 1);
            match answers[n].as_str() {
                "tokens" => HttpReply::json(&json!({
                    "access_token": "at-1", "token_type": "Bearer", "expires_in": 60
                })),
                error => HttpReply::new(
                    400,
                    "application/json",
                    json!({"error": error, "error_description": format!("said {error}")})
                        .to_string(),
                ),
            }
        }
        _ => HttpReply::new(404, "text/plain", "no"),
    });
    let flow = DeviceFlow {
        issuer: None,
        device_authorization_endpoint: server.url("/device/auth"),
        token_endpoint: server.url("/token"),
        client: ClientAuth::public("tv-app"),
        params: TokenParams::default(),
    };
    (server, flow)
}

async fn run_fault(
    flow: &DeviceFlow,
    clock: &FakeClock,
) -> (Result<DeviceFlowResult, FlowError>, Vec<FlowStep>) {
    let mut steps = Vec::new();
    let r = flow
        .run(
            &HttpClient::new(),
            &KeyResolver::new(),
            clock,
            &CancelToken::new(),
            |s| steps.push(s),
        )
        .await;
    (r, steps)
}

fn poll_times(steps: &[FlowStep]) -> usize {
    steps
        .iter()
        .filter(|s| matches!(s, FlowStep::Polled { .. }))
        .count()
}

#[tokio::test]
async fn slow_down_adds_five_seconds_to_this_and_every_later_interval() {
    let (server, flow) = fault_server(
        600,
        2,
        &[
            "authorization_pending",
            "slow_down",
            "authorization_pending",
            "slow_down",
            "tokens",
        ],
    );
    let clock = FakeClock::default();
    let (r, steps) = run_fault(&flow, &clock).await;
    assert!(finished(r).outcome.success().is_some());
    assert_eq!(secs(&clock.sleeps.lock().unwrap()), [2, 2, 7, 7, 12]);
    let statuses: Vec<_> = steps
        .iter()
        .filter_map(|s| match s {
            FlowStep::Polled { status, .. } => Some(status.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        statuses[1],
        PollStatus::SlowDown {
            interval: Duration::from_secs(7)
        }
    );
    assert_eq!(statuses.len(), 5);
    let token_posts = server.seen().into_iter().filter(|r| r.path == "/token");
    for r in token_posts {
        let form = r.form();
        assert!(form.contains(&(
            "grant_type".into(),
            "urn:ietf:params:oauth:grant-type:device_code".into()
        )));
        assert!(form.contains(&("device_code".into(), "dc-1".into())));
        assert!(form.contains(&("client_id".into(), "tv-app".into())));
    }
}

#[tokio::test]
async fn expired_token_and_access_denied_stop_polling_with_the_reason() {
    for (code, expected) in [
        ("expired_token", ErrorCode::ExpiredToken),
        ("access_denied", ErrorCode::AccessDenied),
        ("invalid_client", ErrorCode::InvalidClient),
    ] {
        let (server, flow) = fault_server(600, 5, &["authorization_pending", code]);
        let clock = FakeClock::default();
        let (r, steps) = run_fault(&flow, &clock).await;
        let outcome = finished(r).outcome;
        let error = outcome.error().expect("the server's reason");
        assert_eq!(error.code, expected);
        assert_eq!(
            error.description.as_deref(),
            Some(format!("said {code}").as_str())
        );
        assert_eq!(poll_times(&steps), 2);
        assert_eq!(server.paths().iter().filter(|p| *p == "/token").count(), 2);
        assert!(
            matches!(steps.last(), Some(FlowStep::Failed { message }) if message.contains(code))
        );
    }
}

#[tokio::test]
async fn polling_stops_when_the_device_code_expires() {
    let (server, flow) = fault_server(12, 5, &["authorization_pending"]);
    let clock = FakeClock::default();
    let (r, steps) = run_fault(&flow, &clock).await;
    assert!(matches!(
        r,
        Err(FlowError::Poll(PollError::Expired { seconds: 12 }))
    ));
    // Polls at 5 s and 10 s; the next would be at 15 s, past the 12 s the code lives.
    assert_eq!(poll_times(&steps), 2);
    assert_eq!(server.paths().iter().filter(|p| *p == "/token").count(), 2);
    assert_eq!(*clock.now.lock().unwrap(), Duration::from_secs(12));
}

#[tokio::test]
async fn cancel_stops_polling() {
    let (server, flow) = fault_server(600, 5, &["authorization_pending"]);
    let clock = FakeClock::default();
    let cancel = CancelToken::new();
    let canceller = cancel.clone();
    let mut polls = 0;
    let r = flow
        .run(
            &HttpClient::new(),
            &KeyResolver::new(),
            &clock,
            &cancel,
            |s| {
                if matches!(s, FlowStep::Polled { .. }) {
                    polls += 1;
                    if polls == 3 {
                        canceller.cancel();
                    }
                }
            },
        )
        .await;
    assert!(matches!(r, Err(FlowError::Poll(PollError::Cancelled))));
    assert_eq!(server.paths().iter().filter(|p| *p == "/token").count(), 3);
}

#[tokio::test]
async fn a_refusal_at_the_device_endpoint_is_the_servers_answer() {
    let server = TestServer::start(|_| {
        HttpReply::new(
            400,
            "application/json",
            json!({"error": "unauthorized_client"}).to_string(),
        )
    });
    let flow = DeviceFlow {
        issuer: None,
        device_authorization_endpoint: server.url("/device/auth"),
        token_endpoint: server.url("/token"),
        client: ClientAuth::public("tv-app"),
        params: TokenParams::default(),
    };
    let (r, steps) = run_fault(&flow, &FakeClock::default()).await;
    let Ok(DeviceFlowResult::Refused(outcome)) = r else {
        panic!("expected a refusal, got {r:?}");
    };
    assert!(
        matches!(outcome.reply, Reply::Error(ref e) if e.code == ErrorCode::UnauthorizedClient)
    );
    assert_eq!(server.paths(), ["/device/auth"]);
    assert!(matches!(steps.as_slice(), [FlowStep::Failed { .. }]));
}
