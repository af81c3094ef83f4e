//! How long the window's server buttons take against the local test server
//! (node-oidc-provider), beside the bare HTTP round trip of the same request made by curl.
//!
//! A button press sends one command to the worker and the answer is drawn in the frame its
//! event wakes; this measures from the command to the event (what the press waits for) on
//! the worker the window runs, with a warm connection as a user pressing again would have.
//! curl's figure is its own `time_total`, without its process start-up.
//!
//!   scripts/measure-ops            (builds this in release, starts the test server)

#[path = "../tests/support/oidc.rs"]
mod oidc;

use std::process::Command as Process;
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use tokenscope::oauth::outcome::Reply;
use tokenscope::ops::{FetchRequest, Grant, Target};
use tokenscope::profiles::{EndpointUrl, Profile, ProfileName};
use tokenscope::secrets::MemoryStore;
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
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn curl_total(args: &[&str]) -> Duration {
    let out = Process::new("curl")
        .args(["-s", "-o", "/dev/null", "-w", "%{time_total}"])
        .args(args)
        .output()
        .expect("curl runs");
    let seconds: f64 = String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .expect("curl prints time_total");
    Duration::from_secs_f64(seconds)
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
    let target = Target {
        name: ProfileName::new("measure").expect("a valid name"),
        profile: Profile::new(
            EndpointUrl::new(&op.issuer).expect("the issuer"),
            "cc-client",
        ),
    };
    bench.run(
        |job| ServerCommand::SaveProfile {
            job,
            original: None,
            name: target.name.clone(),
            profile: Box::new(target.profile.clone()),
            secret: SecretChange::Set("cc-secret".into()),
        },
        |e, job| matches!(e, ServerEvent::Profiles { job: j, .. } if *j == job),
    );

    let fetch = |bench: &mut Bench| {
        let (took, event) = bench.run(
            |job| ServerCommand::Fetch {
                job,
                target: Box::new(target.clone()),
                request: FetchRequest::new(Grant::ClientCredentials),
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
    };
    // The first fetch also discovers the server and opens the connection.
    let (first, token) = fetch(&mut bench);
    let fetches: Vec<Duration> = (0..RUNS).map(|_| fetch(&mut bench).0).collect();
    let introspections: Vec<Duration> = (0..RUNS)
        .map(|_| {
            bench
                .run(
                    |job| ServerCommand::Introspect {
                        job,
                        target: Box::new(target.clone()),
                        token: token.clone(),
                        hint: None,
                    },
                    |e, job| matches!(e, ServerEvent::Introspected { job: j, .. } if *j == job),
                )
                .0
        })
        .collect();

    let token_url = op.url("/token");
    let introspection_url = op.url("/token/introspection");
    let token_form = format!("token={}", token.reveal());
    let curl_fetch: Vec<Duration> = (0..RUNS)
        .map(|_| {
            curl_total(&[
                "-u",
                "cc-client:cc-secret",
                "-d",
                "grant_type=client_credentials",
                &token_url,
            ])
        })
        .collect();
    let curl_introspect: Vec<Duration> = (0..RUNS)
        .map(|_| {
            curl_total(&[
                "-u",
                "cc-client:cc-secret",
                "-d",
                &token_form,
                &introspection_url,
            ])
        })
        .collect();

    println!("server operations against node-oidc-provider on 127.0.0.1, median of {RUNS}");
    println!("(tokenscope: command to the worker -> its answer event; curl: its time_total)");
    println!("{:<34} {:>12} {:>12}", "", "tokenscope", "curl");
    for (name, ours, theirs) in [
        ("Fetch (client_credentials)", fetches, curl_fetch),
        ("Introspect", introspections, curl_introspect),
    ] {
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
