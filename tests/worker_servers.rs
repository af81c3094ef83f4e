//! The worker's server side against the real test server (node-oidc-provider), over the
//! memory store and a temporary profiles file: a saved profile is on disk without its secret,
//! every HTTP exchange arrives as its own event before its job's result, and Cancel stops a
//! stalled request.

#[path = "support/oidc.rs"]
mod oidc;

use std::io::Read as _;
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use tokenscope::oauth::outcome::Reply;
use tokenscope::ops::{FetchRequest, Grant, Target};
use tokenscope::profiles::{EndpointUrl, Profile, ProfileName};
use tokenscope::secrets::{MemoryStore, SecretKind, SecretStore};
use tokenscope::worker::servers::SecretChange;
use tokenscope::worker::{Command, Event, ServerCommand, ServerEvent, ServerSetup, Worker};

struct Setup {
    worker: Worker,
    woke: mpsc::Receiver<()>,
    store: Arc<MemoryStore>,
    dir: tempfile::TempDir,
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(MemoryStore::new());
    let (tx, woke) = mpsc::channel();
    let tx = std::sync::Mutex::new(tx);
    let worker = Worker::spawn_with(
        Box::new(move || {
            let _ = tx.lock().map(|t| t.send(()));
        }),
        ServerSetup {
            profiles_path: Some(dir.path().join("profiles.toml")),
            secrets: Some(store.clone()),
            scratch_dir: None,
        },
    )
    .unwrap();
    Setup {
        worker,
        woke,
        store,
        dir,
    }
}

impl Setup {
    /// Every server event up to and including the one `last` accepts.
    fn until(&self, last: impl Fn(&ServerEvent) -> bool) -> Vec<ServerEvent> {
        let start = Instant::now();
        let mut seen = Vec::new();
        loop {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "no answer: {seen:?}"
            );
            let _ = self.woke.recv_timeout(Duration::from_millis(200));
            for event in self.worker.drain() {
                let Event::Server(event) = event else {
                    continue;
                };
                let done = last(&event);
                seen.push(event);
                if done {
                    return seen;
                }
            }
        }
    }

    fn send(&self, command: ServerCommand) {
        self.worker.send(Command::Server(command));
    }
}

fn cc_target(op: &oidc::OidcServer) -> Target {
    let mut profile = Profile::new(EndpointUrl::new(&op.issuer).unwrap(), "cc-client");
    profile.resources = vec!["urn:tokenscope:opaque".into()];
    profile.scopes = vec!["api:read".into()];
    Target {
        name: ProfileName::new("local").unwrap(),
        profile,
    }
}

#[test]
fn a_saved_profile_fetches_and_every_exchange_comes_first() {
    let op = oidc::OidcServer::start("a");
    let s = setup();
    let target = cc_target(&op);
    s.send(ServerCommand::SaveProfile {
        job: 1,
        original: None,
        name: target.name.clone(),
        profile: Box::new(target.profile.clone()),
        secret: SecretChange::Set("cc-secret".into()),
    });
    let events = s.until(|e| matches!(e, ServerEvent::Profiles { job: 1, .. }));
    let Some(ServerEvent::Profiles { result, .. }) = events.last() else {
        panic!()
    };
    let file = &result.as_ref().unwrap().file;
    assert!(file.get(&target.name).is_some());
    let on_disk = std::fs::read_to_string(s.dir.path().join("profiles.toml")).unwrap();
    assert!(on_disk.contains("cc-client") && !on_disk.contains("cc-secret"));
    assert_eq!(
        s.store
            .get(&target.name, &SecretKind::ClientSecret)
            .unwrap()
            .unwrap()
            .reveal(),
        "cc-secret"
    );

    s.send(ServerCommand::Fetch {
        job: 2,
        target: Box::new(target.clone()),
        request: FetchRequest::new(Grant::ClientCredentials),
    });
    let events = s.until(|e| matches!(e, ServerEvent::Fetched { job: 2, .. }));
    let exchanges: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            ServerEvent::Exchange { job, exchange } => Some((*job, exchange.url.clone())),
            _ => None,
        })
        .collect();
    assert!(
        exchanges
            .iter()
            .any(|(j, u)| *j == Some(2) && u.ends_with("/token")),
        "{exchanges:?}"
    );
    assert!(
        exchanges
            .iter()
            .any(|(_, u)| u.ends_with("/.well-known/openid-configuration")),
        "discovery is in the log too: {exchanges:?}"
    );
    let Some(ServerEvent::Fetched { result, .. }) = events.last() else {
        panic!()
    };
    let tokens = result.as_ref().unwrap();
    let Reply::Success(response) = &tokens.outcome.reply else {
        panic!("{:?}", tokens.outcome.reply)
    };
    assert_eq!(response.expires_in, Some(300));

    s.send(ServerCommand::Introspect {
        job: 3,
        target: Box::new(target),
        token: response.access_token.clone(),
        hint: None,
    });
    let events = s.until(|e| matches!(e, ServerEvent::Introspected { job: 3, .. }));
    let Some(ServerEvent::Introspected { result, .. }) = events.last() else {
        panic!()
    };
    let answer = result.as_ref().unwrap();
    assert!(answer.outcome.success().unwrap().active);
}

#[test]
fn a_corrupt_profiles_file_is_reported_with_its_line_and_kept() {
    let s = setup();
    let path = s.dir.path().join("profiles.toml");
    let text = "[profiles.a]\nissuer = \"https://as.example\"\nclient_id = 3\n";
    std::fs::write(&path, text).unwrap();
    s.send(ServerCommand::LoadProfiles { job: 4 });
    let events = s.until(|e| matches!(e, ServerEvent::Profiles { job: 4, .. }));
    let Some(ServerEvent::Profiles { result, .. }) = events.last() else {
        panic!()
    };
    let said = result.as_ref().unwrap_err().to_string();
    assert!(said.contains("profiles.toml:3"), "{said}");
    // A save after that refuses too: the file is never written over.
    s.send(ServerCommand::RemoveProfile {
        job: 5,
        name: ProfileName::new("a").unwrap(),
    });
    s.until(|e| matches!(e, ServerEvent::Profiles { job: 5, .. }));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
}

#[test]
fn cancel_stops_a_stalled_request_and_its_answer_never_comes() {
    // Accepts one connection, reads the request and never answers; says when the client
    // hangs up.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (closed_tx, closed) = mpsc::channel();
    std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut buffer = [0u8; 4096];
        while matches!(stream.read(&mut buffer), Ok(n) if n > 0) {}
        let _ = closed_tx.send(());
    });
    let s = setup();
    let issuer = format!("http://127.0.0.1:{port}");
    let mut profile = Profile::new(EndpointUrl::new(&issuer).unwrap(), "c");
    profile.auth_method = tokenscope::profiles::AuthMethod::None;
    profile.endpoints.token = Some(EndpointUrl::new(&format!("{issuer}/token")).unwrap());
    s.send(ServerCommand::Fetch {
        job: 9,
        target: Box::new(Target {
            name: ProfileName::new("stall").unwrap(),
            profile,
        }),
        request: FetchRequest::new(Grant::ClientCredentials),
    });
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        closed.try_recv().is_err(),
        "the request is still waiting for its answer"
    );
    s.worker.send(Command::Cancel(9));
    // The connection is dropped at once, far before the 30 s timeout.
    closed
        .recv_timeout(Duration::from_secs(5))
        .expect("Cancel closes the connection");
    // A later job still answers, and the cancelled one never does.
    s.send(ServerCommand::LoadProfiles { job: 10 });
    let events = s.until(|e| matches!(e, ServerEvent::Profiles { job: 10, .. }));
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, ServerEvent::Fetched { .. })),
        "{events:?}"
    );
}
