//! The window's worker runs the interactive flows: a login streams each step under its job,
//! then its tokens; Cancel stops a device login with a last step saying so. Against the real
//! test server (node-oidc-provider), drive.js playing the browser and the user.

#[path = "support/oidc.rs"]
mod oidc;

use std::process::Command as Process;
use std::sync::mpsc;
use std::time::Duration;

use tokenscope::oauth::flow::FlowStep;
use tokenscope::ops::{FlowRequest, OpsError, Target};
use tokenscope::profiles::{AuthMethod, EndpointUrl, Profile, ProfileName};
use tokenscope::worker::{Command, Event, FlowCommand, FlowEvent, Worker};

fn worker() -> (Worker, mpsc::Receiver<()>) {
    let (woke_tx, woke) = mpsc::channel();
    let woke_tx = std::sync::Mutex::new(woke_tx);
    let worker = Worker::spawn(Box::new(move || {
        let _ = woke_tx.lock().map(|tx| tx.send(()));
    }))
    .unwrap();
    (worker, woke)
}

/// The flow events of `job`, in order, until it finishes (`on_step` sees each step first).
fn events_of(
    worker: &Worker,
    woke: &mpsc::Receiver<()>,
    mut on_step: impl FnMut(&FlowStep),
) -> (Vec<FlowStep>, FlowEvent) {
    let mut steps = Vec::new();
    loop {
        // A guard against a hang, not a timing assertion.
        woke.recv_timeout(Duration::from_secs(60)).expect("woken");
        for event in worker.drain() {
            match event {
                Event::Flow(FlowEvent::Step { step, .. }) => {
                    on_step(&step);
                    steps.push(*step);
                }
                Event::Flow(finished @ FlowEvent::Finished { .. }) => return (steps, finished),
                _ => {}
            }
        }
    }
}

fn target(op: &oidc::OidcServer) -> Box<Target> {
    let mut profile = Profile::new(EndpointUrl::new(&op.issuer).unwrap(), "public-client");
    profile.auth_method = AuthMethod::None;
    profile.scopes = vec!["openid".into(), "email".into()];
    Box::new(Target {
        name: ProfileName::new(&format!("worker-flow-{}", std::process::id())).unwrap(),
        profile,
    })
}

fn drive(args: Vec<String>) {
    std::thread::spawn(move || {
        let out = Process::new(std::env::var_os("NODE").unwrap_or_else(|| "node".into()))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .arg("tests/oidc-server/drive.js")
            .args(&args)
            .output()
            .expect("node runs drive.js");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    });
}

#[test]
fn a_login_in_the_worker_streams_its_steps_then_its_tokens() {
    let op = oidc::OidcServer::start("a");
    let (worker, woke) = worker();
    worker.send(Command::Flow(FlowCommand::StartAuthCode {
        job: 7,
        target: target(&op),
        request: FlowRequest::default(),
        open_browser: false,
    }));
    let (steps, finished) = events_of(&worker, &woke, |step| {
        if let FlowStep::AuthorizationUrlReady { url, .. } = step {
            drive(vec!["authorize".into(), url.clone(), "--deliver".into()]);
        }
    });
    let titles: Vec<_> = steps.iter().map(FlowStep::title).collect();
    assert_eq!(
        titles,
        [
            "loopback listener bound",
            "authorization URL ready",
            "URL left to the user",
            "callback received",
            "code exchanged",
            "ID token checked",
            "done"
        ]
    );
    let FlowEvent::Finished { job, result } = finished else {
        unreachable!()
    };
    assert_eq!(job, 7);
    let flow = result.expect("tokens");
    let tokens = flow.tokens.outcome.success().expect("not an error");
    assert!(tokens.id_token.is_some() && tokens.refresh_token.is_some());
    assert!(flow.id_token.expect("checked").passed());
}

#[test]
fn cancel_stops_a_device_login_with_a_last_step_saying_so() {
    let op = oidc::OidcServer::start("a");
    let (worker, woke) = worker();
    worker.send(Command::Flow(FlowCommand::StartDevice {
        job: 9,
        target: target(&op),
        request: FlowRequest::default(),
    }));
    let (steps, finished) = events_of(&worker, &woke, |step| {
        if matches!(step, FlowStep::DeviceCodeIssued { .. }) {
            worker.send(Command::Flow(FlowCommand::Cancel(9)));
        }
    });
    assert!(matches!(
        steps.first(),
        Some(FlowStep::DeviceCodeIssued { .. })
    ));
    let Some(FlowStep::Failed { message }) = steps.last() else {
        panic!("{steps:?}")
    };
    assert!(message.contains("cancelled"), "{message}");
    let FlowEvent::Finished { result, .. } = finished else {
        unreachable!()
    };
    let error = result.expect_err("cancelled");
    assert!(matches!(*error, OpsError::Flow(_)), "{error:?}");
    assert_eq!(error.kind(), "cancelled");
}
