//! How long each of the window's server buttons takes against the local test server
//! (node-oidc-provider), beside the bare HTTP round trip of the same request made by curl:
//! Fetch (client credentials and password), Refresh, Introspect, Revoke, Userinfo and Call API.
//!
//! A button press sends one command to the worker and the answer is drawn in the frame its
//! event wakes; this measures from the command to the event (what the press waits for) on
//! the worker the window runs, with a warm connection as a user pressing again would have.
//! That includes what curl does not do: reading the client secret and the refresh token,
//! storing a rotated refresh token, and the report on the token in each answer. Secrets are
//! kept in memory here; in the window the keychain's D-Bus round trips come on top. curl's
//! figure is its own `time_total`, without its process start-up. Every answer is checked to
//! be a success, so a fast failure cannot pass for a fast operation.
//!
//!   scripts/measure-ops            (builds this in release, starts the test server)

#[path = "../tests/support/oidc.rs"]
mod oidc;

use std::process::Command as Process;
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use tokenscope::oauth::outcome::Reply;
use tokenscope::ops::{CallRequest, FetchRequest, Grant, RefreshRequest, RefreshSource, Target};
use tokenscope::profiles::{EndpointUrl, Profile, ProfileName};
use tokenscope::secrets::MemoryStore;
use tokenscope::sensitive::Sensitive;
use tokenscope::worker::servers::SecretChange;
use tokenscope::worker::{Command, Event, ServerCommand, ServerEvent, ServerSetup, Worker};

const RUNS: usize = 50;

struct Bench {
    worker: Worker,
    woke: mpsc::Receiver<()>,
    next_job: u64,
}

impl Bench {
    /// Sends `command` (built with a fresh job id) and waits for the event `done` accepts.
    fn run(
        &mut self,
        command: impl FnOnce(u64) -> ServerCommand,
        done: impl Fn(&ServerEvent, u64) -> bool,
    ) -> (Duration, ServerEvent) {
        self.next_job += 1;
        let job = self.next_job;
        let start = Instant::now();
        self.worker.send(Command::Server(command(job)));
        loop {
            assert!(start.elapsed() < Duration::from_secs(30), "no answer");
            let _ = self.woke.recv_timeout(Duration::from_millis(100));
            for event in self.worker.drain() {
                if let Event::Server(event) = event
                    && done(&event, job)
                {
                    return (start.elapsed(), event);
                }
            }
        }
    }

    fn save(&mut self, target: &Target, secret: &str) {
        self.run(
            |job| ServerCommand::SaveProfile {
                job,
                original: None,
                name: target.name.clone(),
                profile: Box::new(target.profile.clone()),
                secret: SecretChange::Set(secret.into()),
            },
            |e, job| matches!(e, ServerEvent::Profiles { job: j, .. } if *j == job),
        );
    }

    /// A fetch: its time and the access token (the worker stores the refresh token).
    fn fetch(&mut self, target: &Target, grant: Grant) -> (Duration, Sensitive) {
        let (took, event) = self.run(
            |job| ServerCommand::Fetch {
                job,
                target: Box::new(target.clone()),
                request: FetchRequest::new(grant),
            },
            |e, job| matches!(e, ServerEvent::Fetched { job: j, .. } if *j == job),
        );
        let ServerEvent::Fetched { result, .. } = event else {
            unreachable!()
        };
        let tokens = result.expect("the fetch succeeds");
        let Reply::Success(response) = &tokens.outcome.reply else {
            panic!("the server refused the fetch")
        };
        (took, response.access_token.clone())
    }

    /// A refresh with the stored refresh token (the worker stores each rotated one).
    fn refresh(&mut self, target: &Target) -> Duration {
        let (took, event) = self.run(
            |job| ServerCommand::Refresh {
                job,
                target: Box::new(target.clone()),
                request: RefreshRequest {
                    source: RefreshSource::Stored,
                    scope: None,
                },
            },
            |e, job| matches!(e, ServerEvent::Refreshed { job: j, .. } if *j == job),
        );
        let ServerEvent::Refreshed { result, .. } = event else {
            unreachable!()
        };
        let tokens = result.expect("the refresh succeeds");
        assert!(
            tokens.outcome.success().is_some(),
            "the server refused the refresh"
        );
        took
    }

    fn introspect(&mut self, target: &Target, token: &Sensitive) -> Duration {
        let (took, event) = self.run(
            |job| ServerCommand::Introspect {
                job,
                target: Box::new(target.clone()),
                token: token.clone(),
                hint: None,
            },
            |e, job| matches!(e, ServerEvent::Introspected { job: j, .. } if *j == job),
        );
        let ServerEvent::Introspected { result, .. } = event else {
            unreachable!()
        };
        let answer = result.expect("introspection answers");
        assert!(answer.outcome.success().is_some(), "introspection refused");
        took
    }

    fn revoke(&mut self, target: &Target, token: &Sensitive) -> Duration {
        let (took, event) = self.run(
            |job| ServerCommand::Revoke {
                job,
                target: Box::new(target.clone()),
                token: token.clone(),
                hint: None,
            },
            |e, job| matches!(e, ServerEvent::Revoked { job: j, .. } if *j == job),
        );
        let ServerEvent::Revoked { result, .. } = event else {
            unreachable!()
        };
        let answer = result.expect("revocation answers");
        assert!(answer.outcome.success().is_some(), "revocation refused");
        took
    }

    fn userinfo(&mut self, target: &Target, token: &Sensitive) -> Duration {
        let (took, event) = self.run(
            |job| ServerCommand::Userinfo {
                job,
                target: Box::new(target.clone()),
                token: token.clone(),
            },
            |e, job| matches!(e, ServerEvent::Userinfo { job: j, .. } if *j == job),
        );
        let ServerEvent::Userinfo { result, .. } = event else {
            unreachable!()
        };
        let answer = result.expect("userinfo answers");
        assert!(answer.outcome.success().is_some(), "userinfo refused");
        took
    }

    fn call(&mut self, target: &Target, url: &str, token: &Sensitive) -> Duration {
        let (took, event) = self.run(
            |job| ServerCommand::Call {
                job,
                target: Some(Box::new(target.clone())),
                request: CallRequest {
                    method: "GET".into(),
                    url: url.into(),
                    headers: Vec::new(),
                    body: None,
                    token: Some(token.clone()),
                },
            },
            |e, job| matches!(e, ServerEvent::Called { job: j, .. } if *j == job),
        );
        let ServerEvent::Called { result, .. } = event else {
            unreachable!()
        };
        let called = result.expect("the API answers");
        assert_eq!(called.outcome.exchange.status(), Some(200), "the API call");
        took
    }
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// curl's own time for one request, and the body it got; the answer must be a 2xx, so a
/// fast refusal cannot pass for a fast baseline.
fn curl(args: &[&str]) -> (Duration, String) {
    let out = Process::new("curl")
        .args(["-s", "-w", "\n%{http_code} %{time_total}"])
        .args(args)
        .output()
        .expect("curl runs");
    assert!(out.status.success(), "curl failed: {}", out.status);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let (body, last) = text.rsplit_once('\n').expect("curl prints its -w line");
    let (code, seconds) = last.split_once(' ').expect("curl prints its -w line");
    assert!(
        code.starts_with('2'),
        "the server answered curl with HTTP {code}"
    );
    let seconds: f64 = seconds.trim().parse().expect("curl prints time_total");
    (Duration::from_secs_f64(seconds), body.to_owned())
}

/// A member of a JSON token response, as curl got it. A missing one names the members there
/// are, never the body: it holds tokens.
fn member(body: &str, name: &str) -> String {
    let json: serde_json::Value = serde_json::from_str(body).expect("a JSON answer");
    json[name].as_str().map_or_else(
        || {
            let names: Vec<&String> = json
                .as_object()
                .map(|o| o.keys().collect())
                .unwrap_or_default();
            panic!("no {name} in the answer (it has {names:?})")
        },
        str::to_owned,
    )
}

fn profile(name: &str, issuer: &str, client: &str) -> Target {
    Target {
        name: ProfileName::new(name).expect("a valid name"),
        profile: Profile::new(EndpointUrl::new(issuer).expect("the issuer"), client),
    }
}

fn main() {
    let op = oidc::OidcServer::start("a");
    let dir = tempfile::tempdir().expect("a scratch directory");
    let (tx, woke) = mpsc::channel();
    let tx = Mutex::new(tx);
    let worker = Worker::spawn_with(
        Box::new(move || {
            let _ = tx.lock().map(|t| t.send(()));
        }),
        ServerSetup {
            profiles_path: Some(dir.path().join("profiles.toml")),
            secrets: Some(Arc::new(MemoryStore::new())),
            scratch_dir: None,
        },
    )
    .expect("the worker starts");
    let mut bench = Bench {
        worker,
        woke,
        next_job: 0,
    };
    let machine = profile("machine", &op.issuer, "cc-client");
    let user = profile("user", &op.issuer, "password-client");
    bench.save(&machine, "cc-secret");
    bench.save(&user, "password-secret");
    let password = || Grant::Password {
        username: "tester".into(),
        password: "tester-password".into(),
    };

    // The first fetch also discovers the server and opens the connection.
    let (first, token) = bench.fetch(&machine, Grant::ClientCredentials);
    let (_, user_token) = bench.fetch(&user, password());
    let api = op.url("/me");
    let token_url = op.url("/token");
    let introspection_url = op.url("/token/introspection");
    let revocation_url = op.url("/token/revocation");
    let machine_auth = ["-u", "cc-client:cc-secret"];
    let user_auth = ["-u", "password-client:password-secret"];
    let machine_fetch = [
        &machine_auth[..],
        &["-d", "grant_type=client_credentials", &token_url],
    ]
    .concat();
    let user_fetch = [
        &user_auth[..],
        &[
            "-d",
            "grant_type=password",
            "-d",
            "username=tester",
            "-d",
            "password=tester-password",
            &token_url,
        ],
    ]
    .concat();
    let token_form = format!("token={}", token.reveal());
    let introspect = [&machine_auth[..], &["-d", &token_form, &introspection_url]].concat();
    let bearer = format!("Authorization: Bearer {}", user_token.reveal());
    let get_me = ["-H", bearer.as_str(), &api];
    let curl_runs = |args: &[&str]| runs_of(|| curl(args).0);
    // The refresh token rotates: each of curl's refreshes sends the one the last answer gave.
    let mut refresh_token = member(&curl(&user_fetch).1, "refresh_token");
    // Each revocation is of a token of its own, fetched beforehand (not timed).
    let ours_to_revoke: Vec<Sensitive> =
        runs_of(|| bench.fetch(&machine, Grant::ClientCredentials).1);
    let theirs_to_revoke: Vec<String> =
        runs_of(|| format!("token={}", member(&curl(&machine_fetch).1, "access_token")));

    // Each row: the operation, tokenscope's times, curl's times for the same request.
    let rows: Vec<(&str, Vec<Duration>, Vec<Duration>)> = vec![
        (
            "Fetch (client_credentials)",
            runs_of(|| bench.fetch(&machine, Grant::ClientCredentials).0),
            curl_runs(&machine_fetch),
        ),
        (
            "Fetch (password)",
            runs_of(|| bench.fetch(&user, password()).0),
            curl_runs(&user_fetch),
        ),
        (
            "Refresh (rotating)",
            runs_of(|| bench.refresh(&user)),
            runs_of(|| {
                let form = format!("refresh_token={refresh_token}");
                let args = [
                    &user_auth[..],
                    &["-d", "grant_type=refresh_token", "-d", &form, &token_url],
                ]
                .concat();
                let (took, body) = curl(&args);
                refresh_token = member(&body, "refresh_token");
                took
            }),
        ),
        (
            "Introspect",
            runs_of(|| bench.introspect(&machine, &token)),
            curl_runs(&introspect),
        ),
        (
            "Userinfo",
            runs_of(|| bench.userinfo(&user, &user_token)),
            curl_runs(&get_me),
        ),
        (
            "Call API (GET /me)",
            runs_of(|| bench.call(&user, &api, &user_token)),
            curl_runs(&get_me),
        ),
        (
            "Revoke",
            ours_to_revoke
                .iter()
                .map(|t| bench.revoke(&machine, t))
                .collect(),
            theirs_to_revoke
                .iter()
                .map(|form| curl(&[&machine_auth[..], &["-d", form, &revocation_url]].concat()).0)
                .collect(),
        ),
    ];

    println!("server operations against node-oidc-provider on 127.0.0.1, median of {RUNS}");
    println!("(tokenscope: command to the worker -> its answer event; curl: its time_total)");
    println!("{:<34} {:>12} {:>12}", "", "tokenscope", "curl");
    for (name, ours, theirs) in rows {
        println!(
            "{name:<34} {:>9.2} ms {:>9.2} ms",
            ms(median(ours)),
            ms(median(theirs))
        );
    }
    println!(
        "{:<34} {:>9.2} ms",
        "first Fetch (discovery included)",
        ms(first)
    );
}

/// RUNS results of `one`.
fn runs_of<T>(mut one: impl FnMut() -> T) -> Vec<T> {
    (0..RUNS).map(|_| one()).collect()
}
