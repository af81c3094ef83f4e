//! Test helper: runs the local OpenID Provider of `tests/oidc-server/`
//! (node-oidc-provider, see `tests/oidc-server/README.md` for its clients,
//! resources and the HTTP steps of its login/consent and device pages).
//!
//! Include it from an integration test with
//! `#[path = "support/oidc.rs"] mod oidc;` and use
//! `let op = oidc::OidcServer::start("a");` — the server lives until `op` is
//! dropped. Only `std` is used, so it builds with any dev-dependencies.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStderr, ChildStdout, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// How long `start` waits for the `READY <issuer>` line.
const READY_TIMEOUT: Duration = Duration::from_secs(30);

const INSTALL_HINT: &str = "run scripts/install-deps test";

/// A running `tests/oidc-server/server.js`, killed on drop.
pub struct OidcServer {
    /// `http://127.0.0.1:<port>`, without a trailing slash.
    pub issuer: String,
    child: Child,
    stderr: Arc<Mutex<Vec<u8>>>,
}

impl OidcServer {
    /// Starts a server on an ephemeral port with signing keys `keyset`
    /// (`"a"` or `"b"`; the kids are `<keyset>-rs256`, `<keyset>-es256`,
    /// `<keyset>-eddsa`) and waits until it is ready.
    pub fn start(keyset: &str) -> OidcServer {
        Self::start_on_port(keyset, 0)
    }

    /// As `start`, on a fixed port (0 = ephemeral). Restarting on the same
    /// port with another keyset keeps the issuer and changes the keys.
    pub fn start_on_port(keyset: &str, port: u16) -> OidcServer {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let server_dir = root.join("tests").join("oidc-server");
        check_installed(&server_dir);

        let node = std::env::var_os("NODE").unwrap_or_else(|| "node".into());
        let spawned = Command::new(&node)
            .arg(Path::new("tests").join("oidc-server").join("server.js"))
            .current_dir(&root)
            .env("PORT", port.to_string())
            .env("KEYSET", keyset)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn();
        let mut child = match spawned {
            Ok(child) => child,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => panic!(
                "cannot start the test OpenID Provider: `{}` (Node.js) was not found on PATH; {INSTALL_HINT}",
                node.to_string_lossy()
            ),
            Err(err) => panic!(
                "cannot start the test OpenID Provider (`{} tests/oidc-server/server.js`): {err}",
                node.to_string_lossy()
            ),
        };

        let stderr = Arc::new(Mutex::new(Vec::new()));
        let mut stderr_thread = Some(drain_stderr(
            child.stderr.take().expect("stderr is piped"),
            Arc::clone(&stderr),
        ));
        let lines = drain_stdout(child.stdout.take().expect("stdout is piped"));

        let deadline = Instant::now() + READY_TIMEOUT;
        let mut seen = Vec::new();
        let issuer = loop {
            let remaining = deadline.saturating_duration_since(Instant::now());
            match lines.recv_timeout(remaining) {
                Ok(line) => {
                    if let Some(issuer) = line.strip_prefix("READY ") {
                        break issuer.trim().trim_end_matches('/').to_string();
                    }
                    seen.push(line);
                }
                Err(RecvTimeoutError::Timeout) => startup_failure(
                    &mut child,
                    &mut stderr_thread,
                    &stderr,
                    &seen,
                    &format!(
                        "it printed no READY line within {} s",
                        READY_TIMEOUT.as_secs()
                    ),
                ),
                Err(RecvTimeoutError::Disconnected) => startup_failure(
                    &mut child,
                    &mut stderr_thread,
                    &stderr,
                    &seen,
                    "it exited (or closed stdout) before printing READY",
                ),
            }
        };
        // The stdout thread keeps draining (and discarding) what follows.
        drop(lines);

        OidcServer {
            issuer,
            child,
            stderr,
        }
    }

    /// The TCP port the server listens on.
    pub fn port(&self) -> u16 {
        self.issuer
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .expect("issuer ends with :<port>")
    }

    /// `issuer` + `path` (`path` starts with `/`), e.g. `op.url("/token")`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.issuer)
    }

    /// What the server wrote to stderr so far (warnings, errors), for
    /// assertion messages.
    pub fn stderr_output(&self) -> String {
        let buf = self.stderr.lock().unwrap_or_else(|e| e.into_inner());
        String::from_utf8_lossy(&buf).into_owned()
    }
}

impl Drop for OidcServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn check_installed(server_dir: &Path) {
    if !server_dir.join("server.js").is_file() {
        panic!(
            "test OpenID Provider not found: {} is missing",
            server_dir.join("server.js").display()
        );
    }
    if !server_dir
        .join("node_modules")
        .join("oidc-provider")
        .join("package.json")
        .is_file()
    {
        panic!(
            "the test OpenID Provider's npm packages are not installed ({} is missing); \
             {INSTALL_HINT} (it runs `npm ci` in tests/oidc-server)",
            server_dir
                .join("node_modules")
                .join("oidc-provider")
                .display()
        );
    }
}

/// Reads stdout line by line until EOF, forwarding lines while someone
/// listens, so the child never blocks on a full pipe.
fn drain_stdout(stdout: ChildStdout) -> Receiver<String> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        let mut buf = Vec::new();
        let mut tx = Some(tx);
        loop {
            buf.clear();
            match reader.read_until(b'\n', &mut buf) {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    let line = String::from_utf8_lossy(&buf).trim_end().to_string();
                    // Once the receiver is gone, just keep discarding.
                    let receiver_gone =
                        tx.as_ref().is_some_and(|sender| sender.send(line).is_err());
                    if receiver_gone {
                        tx = None;
                    }
                }
            }
        }
    });
    rx
}

/// Collects stderr into `sink` until EOF.
fn drain_stderr(mut stderr: ChildStderr, sink: Arc<Mutex<Vec<u8>>>) -> JoinHandle<()> {
    thread::spawn(move || {
        let mut chunk = [0u8; 4096];
        loop {
            match stderr.read(&mut chunk) {
                Ok(0) | Err(_) => break,
                Ok(n) => sink
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .extend_from_slice(&chunk[..n]),
            }
        }
    })
}

fn startup_failure(
    child: &mut Child,
    stderr_thread: &mut Option<JoinHandle<()>>,
    stderr: &Arc<Mutex<Vec<u8>>>,
    stdout_seen: &[String],
    what: &str,
) -> ! {
    let _ = child.kill();
    let status = child.wait();
    // Give the stderr thread a moment to read what is left in the pipe.
    if let Some(handle) = stderr_thread.take() {
        let until = Instant::now() + Duration::from_secs(2);
        while !handle.is_finished() && Instant::now() < until {
            thread::sleep(Duration::from_millis(20));
        }
        if handle.is_finished() {
            let _ = handle.join();
        }
    }
    let err = {
        let buf = stderr.lock().unwrap_or_else(|e| e.into_inner());
        String::from_utf8_lossy(&buf).into_owned()
    };
    let status = match status {
        Ok(s) => s.to_string(),
        Err(e) => format!("unknown ({e})"),
    };
    panic!(
        "the test OpenID Provider (node tests/oidc-server/server.js) failed to start: {what}; \
         exit status: {status}\n--- stdout ---\n{}\n--- stderr ---\n{err}\n\
         (if Node.js or its packages are missing: {INSTALL_HINT})",
        stdout_seen.join("\n"),
    );
}
