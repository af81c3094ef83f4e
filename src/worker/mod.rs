//! The background runtime that serves the window: `Command` in, `Event` out.
//!
//! The window never waits: it sends a command and returns at once; the answer arrives as an
//! [`Event`] on a channel the UI drains at the start of each frame, and the worker calls the
//! waker (the UI passes one that requests a repaint) so that frame happens. Every job carries a
//! [`JobId`] chosen by the UI, so an answer for a token the user has since removed, or a job
//! the user cancelled, is recognised and dropped.
//!
//! This module knows nothing of egui: the waker is a plain callback (see STYLE.md item 5).

pub mod flows;
pub mod sample;
pub mod servers;

use std::collections::HashMap;
use std::fmt;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc;

use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use tokio::task::AbortHandle;

use crate::jose::KeySource;
use crate::oauth::discovery::KeyResolver;
use crate::sensitive::Sensitive;
use crate::token::SignatureVerdict;
use crate::token::parse::Jws;

pub use flows::{FlowCommand, FlowEvent};
pub use sample::Samples;
pub use servers::{ServerCommand, ServerEvent, ServerSetup};

/// Identifies one piece of background work; chosen by the caller, unique per process.
pub type JobId = u64;

/// Called (from a worker thread) after each event is queued, so the UI wakes up to read it.
pub type Waker = Box<dyn Fn() + Send + Sync>;

/// Largest file read for a drop: a token is at most 1 MiB, a key file far less.
pub const MAX_FILE_BYTES: u64 = 2 * 1024 * 1024;

/// What the UI asks of the worker.
pub enum Command {
    /// Verify a token's signature with the key(s) from `source`; may fetch a JWKS.
    Verify {
        job: JobId,
        jws: Arc<Jws>,
        source: KeySource,
    },
    /// Stop a running job; its answer never arrives.
    Cancel(JobId),
    /// Read a file the user dropped on the window (a token, a token response or a key).
    ReadFile { job: JobId, path: PathBuf },
    /// Build the sample tokens, signed with a fresh throwaway key, relative to `now`.
    MakeSamples { job: JobId, now: i64 },
    /// Profiles, discovery, the keychain and the server operations (see `servers`).
    Server(ServerCommand),
    /// Log in through the browser or another device, or cancel such a flow (see `flows`).
    Flow(FlowCommand),
}

// By hand: a command may hold a secret, which must never reach a log line.
impl fmt::Debug for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Verify { job, source, .. } => write!(f, "Verify({job}, {source:?})"),
            Self::Cancel(job) => write!(f, "Cancel({job})"),
            Self::ReadFile { job, path } => write!(f, "ReadFile({job}, {})", path.display()),
            Self::MakeSamples { job, now } => write!(f, "MakeSamples({job}, {now})"),
            // Its own Debug keeps every token and secret in `Sensitive`.
            Self::Server(command) => write!(f, "Server({command:?})"),
            Self::Flow(command) => write!(f, "Flow({command:?})"),
        }
    }
}

/// What the worker answers.
#[derive(Debug)]
pub enum Event {
    /// A verification finished (every failure is a verdict too).
    Verified {
        job: JobId,
        verdict: SignatureVerdict,
    },
    /// A dropped file was read, or could not be.
    FileRead {
        job: JobId,
        path: PathBuf,
        result: Result<Sensitive, String>,
    },
    /// The sample tokens are ready, or could not be made.
    Samples {
        job: JobId,
        result: Result<Samples, String>,
    },
    /// An answer from the server side (see `servers`).
    Server(ServerEvent),
    /// A flow's step, or its end (see `flows`).
    Flow(FlowEvent),
}

/// The handle the UI holds. Dropping it stops the worker: running jobs are cancelled.
pub struct Worker {
    commands: UnboundedSender<Command>,
    events: mpsc::Receiver<Event>,
}

impl fmt::Debug for Worker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Worker")
    }
}

impl Worker {
    /// Starts the background thread and its tokio runtime, with profiles in the config
    /// directory and secrets in the OS keychain.
    pub fn spawn(waker: Waker) -> std::io::Result<Self> {
        Self::spawn_with(waker, ServerSetup::default())
    }

    /// As `spawn`, with profiles and secrets where `setup` says (tests use a temporary
    /// directory and the memory store).
    pub fn spawn_with(waker: Waker, setup: ServerSetup) -> std::io::Result<Self> {
        let (commands, command_rx) = unbounded_channel();
        let (event_tx, events) = mpsc::channel();
        // One thread drives everything: the window's calls wait on the network, not on CPU,
        // and keychain calls (which block on D-Bus) go to the blocking pool. Two more worker
        // threads cost an idle window their stacks and malloc arenas for nothing.
        let runtime = tokio::runtime::Builder::new_current_thread()
            .thread_name("tokenscope-io")
            .enable_all()
            .build()?;
        let outbox = Outbox {
            events: event_tx,
            waker: Arc::new(waker),
        };
        std::thread::Builder::new()
            .name("tokenscope-worker".into())
            .spawn(move || {
                // A LocalSet, so the resolver's futures need not be `Send`.
                let local = tokio::task::LocalSet::new();
                runtime.block_on(local.run_until(serve(command_rx, outbox, setup)));
            })?;
        Ok(Self { commands, events })
    }

    /// Queues a command; returns at once. A command sent after the worker died is dropped
    /// (the UI shows the job as still running until the user cancels it).
    pub fn send(&self, command: Command) {
        let _ = self.commands.send(command);
    }

    /// Every event that has arrived since the last call, without waiting.
    pub fn drain(&self) -> Vec<Event> {
        self.events.try_iter().collect()
    }
}

/// Where finished jobs put their answer, then wake the UI.
#[derive(Clone)]
struct Outbox {
    events: mpsc::Sender<Event>,
    waker: Arc<Waker>,
}

impl Outbox {
    fn send(&self, event: Event) {
        // The UI is gone when this fails; nobody is left to tell.
        if self.events.send(event).is_ok() {
            (self.waker)();
        }
    }
}

async fn serve(mut commands: UnboundedReceiver<Command>, outbox: Outbox, setup: ServerSetup) {
    let resolver = Arc::new(KeyResolver::new());
    let server_side = servers::ServerSide::new(setup, outbox.clone());
    tokio::task::spawn_local(Arc::clone(&server_side).warm_up());
    let mut running: HashMap<JobId, AbortHandle> = HashMap::new();
    let mut flow_jobs = flows::FlowJobs::default();
    while let Some(command) = commands.recv().await {
        running.retain(|_, handle| !handle.is_finished());
        match command {
            Command::Verify { job, jws, source } => {
                let resolver = Arc::clone(&resolver);
                let outbox = outbox.clone();
                let task = tokio::task::spawn_local(async move {
                    let verdict = resolver.verify(&jws, &source).await;
                    outbox.send(Event::Verified { job, verdict });
                });
                running.insert(job, task.abort_handle());
            }
            Command::Cancel(job) => {
                if let Some(handle) = running.remove(&job) {
                    handle.abort();
                }
            }
            Command::ReadFile { job, path } => {
                let outbox = outbox.clone();
                let task = tokio::task::spawn_local(async move {
                    let read_path = path.clone();
                    let result = tokio::task::spawn_blocking(move || {
                        read_text(&read_path).map(Sensitive::from)
                    })
                    .await
                    .unwrap_or_else(|e| Err(format!("reading stopped: {e}")));
                    outbox.send(Event::FileRead { job, path, result });
                });
                running.insert(job, task.abort_handle());
            }
            Command::Server(command) => {
                let job = command.job();
                let task = tokio::task::spawn_local(Arc::clone(&server_side).run(command));
                running.insert(job, task.abort_handle());
            }
            Command::Flow(command) => {
                let side = Arc::clone(&server_side);
                let services = async move { side.services().await };
                if let Some((job, handle)) = flow_jobs.run(command, services, &outbox) {
                    running.insert(job, handle);
                }
            }
            Command::MakeSamples { job, now } => {
                let outbox = outbox.clone();
                let task = tokio::task::spawn_local(async move {
                    let result = tokio::task::spawn_blocking(move || sample::make(now))
                        .await
                        .unwrap_or_else(|e| Err(format!("sample generation stopped: {e}")));
                    outbox.send(Event::Samples { job, result });
                });
                running.insert(job, task.abort_handle());
            }
        }
    }
    // The UI dropped its handle: cancel whatever is still running.
    for handle in running.values() {
        handle.abort();
    }
    server_side.clean_up();
}

/// Reads a dropped or named file as UTF-8 text, refusing anything bigger than a token could be.
fn read_text(path: &Path) -> Result<String, String> {
    let path = expand_home(path);
    let file = std::fs::File::open(&path).map_err(|e| format!("cannot open it: {e}"))?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read it: {e}"))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(format!(
            "it is over {} MiB; a token or key file is far smaller",
            MAX_FILE_BYTES / (1024 * 1024)
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "it is not text (invalid UTF-8 at byte {}); drop a token, a token response or a PEM/JWK file",
            e.utf8_error().valid_up_to()
        )
    })
}

/// `~/keys/a.pem` as a shell would read it: a typed path is usually written that way.
fn expand_home(path: &Path) -> std::borrow::Cow<'_, Path> {
    let home = std::env::var_os("HOME").filter(|h| !h.is_empty());
    match (path.strip_prefix("~"), home) {
        (Ok(rest), Some(home)) => Path::new(&home).join(rest).into(),
        _ => path.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn worker() -> (Worker, mpsc::Receiver<()>) {
        let (woke_tx, woke) = mpsc::channel();
        let woke_tx = std::sync::Mutex::new(woke_tx);
        // The memory store: the keychain probe's warning would be one more event here.
        let setup = ServerSetup {
            profiles_path: None,
            secrets: Some(Arc::new(crate::secrets::MemoryStore::new())),
            scratch_dir: None,
        };
        let worker = Worker::spawn_with(
            Box::new(move || {
                let _ = woke_tx.lock().map(|tx| tx.send(()));
            }),
            setup,
        )
        .unwrap();
        (worker, woke)
    }

    fn next(worker: &Worker, woke: &mpsc::Receiver<()>) -> Event {
        woke.recv_timeout(Duration::from_secs(30)).expect("woken");
        worker.drain().pop().expect("an event")
    }

    #[test]
    fn a_typed_home_path_is_expanded_and_others_are_kept() {
        let home = std::env::var_os("HOME").expect("HOME is set in tests");
        assert_eq!(
            expand_home(Path::new("~/keys/a.pem")),
            Path::new(&home).join("keys/a.pem")
        );
        assert_eq!(
            expand_home(Path::new("/etc/a.pem")),
            Path::new("/etc/a.pem")
        );
        // Only a whole leading `~` component is the home directory.
        assert_eq!(
            expand_home(Path::new("~bob/a.pem")),
            Path::new("~bob/a.pem")
        );
    }

    #[test]
    fn reads_a_file_and_wakes_the_ui() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("token.txt");
        std::fs::write(&path, "abc.def.ghi\n").unwrap();
        let (worker, woke) = worker();
        worker.send(Command::ReadFile { job: 7, path });
        match next(&worker, &woke) {
            Event::FileRead { job, result, .. } => {
                assert_eq!(job, 7);
                assert_eq!(&*result.unwrap(), "abc.def.ghi\n");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn binary_files_are_refused_in_words() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("blob");
        std::fs::write(&path, [0x41, 0xff, 0x00]).unwrap();
        let (worker, woke) = worker();
        worker.send(Command::ReadFile { job: 1, path });
        let Event::FileRead { result, .. } = next(&worker, &woke) else {
            panic!()
        };
        assert!(result.unwrap_err().contains("byte 1"));
    }

    #[test]
    fn samples_come_back_with_their_job() {
        let (worker, woke) = worker();
        worker.send(Command::MakeSamples {
            job: 3,
            now: 1_700_000_000,
        });
        let Event::Samples { job, result } = next(&worker, &woke) else {
            panic!()
        };
        assert_eq!(job, 3);
        assert!(result.unwrap().access_token.starts_with("eyJ"));
    }
}
