//! The flow view as an audience sees it: steps appear in order as the flow's events arrive,
//! a device login shows its code large with a QR code, presenter mode hides the secrets'
//! ends, and a finished flow replays step by step. The view is fed steps directly, as the
//! window feeds it the worker's events.

use std::time::Duration;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use tokenscope::oauth::exchange::{Endpoint, Exchange, ExchangeResponse, Header};
use tokenscope::oauth::flow::{FlowStep, Handoff};
use tokenscope::oauth::grants::device::PollStatus;
use tokenscope::ui::flow_run::{FlowKind, FlowRun, RunToken};
use tokenscope::ui::flow_view::{self, FlowAction};

const NOW_MS: i64 = 1_700_000_000_000;
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CODE: &str = "SplxlOBeZQQYbYS6WxSbIA-code";

struct View {
    run: FlowRun,
    presenter: bool,
    actions: Vec<FlowAction>,
}

fn harness(run: FlowRun) -> Harness<'static, View> {
    Harness::builder()
        .with_size([900.0, 1400.0])
        .build_ui_state(
            |ui, view: &mut View| {
                egui::ScrollArea::vertical().show(ui, |ui| {
                    let actions = flow_view::show(ui, &view.run, NOW_MS, view.presenter);
                    view.actions.extend(actions);
                });
            },
            View {
                run,
                presenter: false,
                actions: Vec::new(),
            },
        )
}

fn token_exchange(status: u16, body: &str) -> Box<Exchange> {
    Box::new(Exchange {
        endpoint: Endpoint::Token,
        method: "POST".into(),
        url: "http://127.0.0.1:3000/token".into(),
        request_headers: vec![Header {
            name: "content-type".into(),
            value: "application/x-www-form-urlencoded".into(),
        }],
        request_body: Some(format!("grant_type=authorization_code&code={CODE}").into()),
        started_at: chrono::Utc::now(),
        duration: Duration::from_millis(42),
        response: Some(ExchangeResponse {
            status,
            headers: Vec::new(),
            body: body.as_bytes().to_vec(),
            capped: false,
            server_date: None,
        }),
    })
}

fn auth_code_steps() -> Vec<FlowStep> {
    vec![
        FlowStep::ListenerBound {
            redirect_uri: "http://127.0.0.1:41234/callback".into(),
        },
        FlowStep::AuthorizationUrlReady {
            url: "http://127.0.0.1:3000/auth?response_type=code&client_id=app".into(),
            state: "st-1".into(),
            nonce: Some("n-1".into()),
            code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM".into(),
            code_verifier: VERIFIER.into(),
        },
        FlowStep::BrowserHandoff {
            handoff: Handoff::Opened,
        },
        FlowStep::CallbackReceived {
            code: CODE.into(),
            iss: Some("http://127.0.0.1:3000".into()),
        },
        FlowStep::CodeExchanged {
            exchange: token_exchange(200, r#"{"access_token":"at","token_type":"Bearer"}"#),
        },
        FlowStep::IdTokenChecked {
            passed: true,
            failures: Vec::new(),
        },
        FlowStep::Done,
    ]
}

/// The y of the label `text` on screen.
fn y_of(harness: &Harness<'_, View>, text: &str) -> f32 {
    harness.get_by_label(text).rect().min.y
}

fn shown(harness: &Harness<'_, View>, text: &str) -> bool {
    harness.query_by_label_contains(text).is_some()
}

#[test]
fn steps_appear_in_order_as_events_arrive() {
    let mut harness = harness(FlowRun::new(FlowKind::AuthCode, "demo"));
    harness.run();
    assert!(shown(&harness, "working"));
    let titles: Vec<String> = auth_code_steps()
        .iter()
        .enumerate()
        .map(|(i, s)| format!("{}. {}", i + 1, s.title()))
        .collect();
    for (i, step) in auth_code_steps().into_iter().enumerate() {
        assert!(
            !shown(&harness, &titles[i]),
            "{} before it arrived",
            titles[i]
        );
        harness
            .state_mut()
            .run
            .push(step, Duration::from_millis(100 * i as u64), NOW_MS);
        harness.run();
        // The new step is drawn, below every step before it.
        for pair in titles[..=i].windows(2) {
            assert!(
                y_of(&harness, &pair[0]) < y_of(&harness, &pair[1]),
                "{pair:?}"
            );
        }
        assert!(shown(&harness, &titles[i]));
        if i == 2 {
            // Between the browser and the callback, the view says what it waits for.
            assert!(shown(&harness, "the user logs in and consents"));
        }
    }
    // Each step says what it is for.
    assert!(shown(
        &harness,
        "the code_verifier proves this app started the flow"
    ));
    // The exchange is there, folded, with its status.
    assert!(shown(
        &harness,
        "POST http://127.0.0.1:3000/token -> HTTP 200"
    ));
    // Finished: no Cancel, a Replay instead.
    assert!(harness.query_by_label("Cancel").is_none());
    harness.get_by_label("Replay");
}

#[test]
fn secrets_are_masked_and_presenter_mode_hides_even_their_ends() {
    let mut run = FlowRun::new(FlowKind::AuthCode, "demo");
    for step in auth_code_steps() {
        run.push(step, Duration::ZERO, NOW_MS);
    }
    let mut harness = harness(run);
    harness
        .get_by_label_contains("POST http://127.0.0.1:3000/token")
        .click();
    harness.run();
    for secret in [VERIFIER, CODE] {
        assert!(!shown(&harness, secret), "{secret} is on screen");
    }
    // Outside presenter mode the ends tell two flows apart.
    assert!(shown(&harness, "dBjf…EjXk"));
    harness.state_mut().presenter = true;
    harness.run();
    assert!(!shown(&harness, "dBjf…EjXk"));
    assert!(!shown(&harness, "Splx…code"));
}

#[test]
fn a_device_step_shows_the_code_large_with_a_qr_code_and_a_countdown() {
    let mut run = FlowRun::new(FlowKind::Device, "tv");
    run.push(
        FlowStep::DeviceCodeIssued {
            user_code: "WDJB-MJHT".into(),
            verification_uri: "https://as.example/device".into(),
            verification_uri_complete: Some("https://as.example/device?user_code=WDJB-MJHT".into()),
            expires_in: 600,
            interval: Duration::from_secs(5),
            exchange: token_exchange(200, "{}"),
        },
        Duration::from_millis(40),
        NOW_MS - 2_000,
    );
    let mut harness = harness(run);
    harness.run();
    // Large enough to read across a room (the step below lists it in body text too).
    let tallest = harness
        .get_all_by_label("WDJB-MJHT")
        .map(|n| n.rect().height())
        .fold(0.0_f32, f32::max);
    assert!(tallest >= 40.0, "{tallest}");
    harness.get_by_label("QR code for https://as.example/device?user_code=WDJB-MJHT");
    assert!(shown(&harness, "the code expires in 9 min 58 s"));
    harness.get_by_label("Cancel").click();
    harness.run();
    assert_eq!(harness.state().actions, [FlowAction::Cancel]);

    // Polls fill in below; once the tokens come, the code and its QR code go away.
    let poll = |status| FlowStep::Polled {
        n: 1,
        status,
        exchange: token_exchange(400, r#"{"error":"authorization_pending"}"#),
    };
    harness
        .state_mut()
        .run
        .push(poll(PollStatus::Pending), Duration::from_secs(5), NOW_MS);
    harness
        .state_mut()
        .run
        .push(FlowStep::Done, Duration::from_secs(10), NOW_MS);
    harness.run();
    assert!(shown(&harness, "authorization_pending: not approved yet"));
    assert!(harness.query_by_label_contains("QR code for").is_none());
}

#[test]
fn a_finished_flow_keeps_its_tokens_and_replays_step_by_step() {
    let mut run = FlowRun::new(FlowKind::AuthCode, "demo");
    for step in auth_code_steps() {
        run.push(step, Duration::ZERO, NOW_MS);
    }
    run.tokens.push(RunToken {
        label: "access_token",
        token: "eyJhbGciOiJSUzI1NiJ9.payload.signature-tail".into(),
    });
    run.notes.push((
        false,
        "the refresh token is stored in the OS keychain under the profile".into(),
    ));
    let mut harness = harness(run);
    harness.run();
    assert!(shown(&harness, "eyJh…tail"));
    assert!(shown(&harness, "stored in the OS keychain"));
    harness.get_by_label("Replay").click();
    harness.run();
    let action = harness.state_mut().actions.pop().unwrap();
    let FlowAction::Replay(step) = action else {
        panic!("{action:?}")
    };
    harness.state_mut().run.replay(step);
    harness.run();
    // The audience sees the first step only, then one more per click.
    assert!(shown(&harness, "1. loopback listener bound"));
    assert!(!shown(&harness, "2. authorization URL ready"));
    assert!(shown(&harness, "step 1 of 7"));
    harness.get_by_label("Next step").click();
    harness.run();
    let FlowAction::Replay(step) = harness.state_mut().actions.pop().unwrap() else {
        panic!()
    };
    harness.state_mut().run.replay(step);
    harness.run();
    assert!(shown(&harness, "2. authorization URL ready"));
    assert!(!shown(&harness, "3. browser opened"));
    assert!(!shown(&harness, "eyJh…tail"), "tokens wait for the end");
}

#[test]
fn a_client_credentials_fetch_is_drawn_by_the_same_view() {
    let exchange = token_exchange(200, r#"{"access_token":"at","token_type":"Bearer"}"#);
    let run = FlowRun::of_exchanges(FlowKind::ClientCredentials, "svc", &[*exchange]);
    let mut harness = harness(run);
    harness.run();
    assert!(shown(
        &harness,
        "1. client authenticated at the token endpoint"
    ));
    assert!(shown(&harness, "no user is involved"));
    assert!(shown(
        &harness,
        "POST http://127.0.0.1:3000/token -> HTTP 200"
    ));
    harness.get_by_label("Replay");
}
