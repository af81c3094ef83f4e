//! `tokenscope fetch --grant authorization_code | device_code` as a user runs it, against the
//! real test server (node-oidc-provider): the test reads the authorization URL or the user
//! code from the running command's stderr and plays the browser with drive.js over plain
//! HTTP. The profile is the server's public client, so no client secret is needed; under
//! scripts/test the refresh token lands in the private keychain and a `refresh` uses it.

#[path = "support/oidc.rs"]
mod oidc;
mod util;

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::Value;

/// A config dir and HOME of its own, with one profile for the public client.
static NEXT_PROFILE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

struct Home {
    config: tempfile::TempDir,
    home: tempfile::TempDir,
    profile: String,
}

impl Home {
    fn new(op: &oidc::OidcServer, scope: &str) -> Self {
        let home = Self {
            config: tempfile::tempdir().unwrap(),
            home: tempfile::tempdir().unwrap(),
            // Unique per test: the keychain is shared by the tests running in parallel.
            profile: format!(
                "flow-{}-{}",
                std::process::id(),
                NEXT_PROFILE.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            ),
        };
        let add = home.run(&[
            "profile",
            "add",
            &home.profile,
            "--issuer",
            &op.issuer,
            "--client-id",
            "public-client",
            "--auth-method",
            "none",
            "--scope",
            scope,
        ]);
        assert_eq!(add.status, 0, "{}{}", add.stdout, add.stderr);
        home
    }

    fn env(&self) -> [(&'static str, &std::ffi::OsStr); 3] {
        [
            ("TOKENSCOPE_CONFIG_DIR", self.config.path().as_os_str()),
            ("HOME", self.home.path().as_os_str()),
            ("XDG_CONFIG_HOME", self.home.path().as_os_str()),
        ]
    }

    fn run(&self, args: &[&str]) -> util::Run {
        util::tokenscope_with(args, "", &self.env())
    }

    /// Starts `tokenscope fetch --profile P ARGS -v --json`, its stderr read line by line.
    fn start(&self, args: &[&str]) -> Running {
        let mut child = Command::new(env!("CARGO_BIN_EXE_tokenscope"))
            .args(["fetch", "--profile", &self.profile, "-v", "--json"])
            .args(args)
            .envs(self.env())
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("tokenscope starts");
        let (tx, lines) = mpsc::channel();
        let stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Running {
            child,
            lines,
            seen: Vec::new(),
        }
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        // Takes the refresh token out of the keychain again.
        let _ = self.run(&["profile", "remove", &self.profile]);
    }
}

struct Running {
    child: Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
}

struct Finished {
    status: i32,
    json: Value,
    stderr: Vec<String>,
}

impl Running {
    /// The first stderr line `pick` accepts, mapped.
    fn wait_for<T>(&mut self, pick: impl Fn(&str) -> Option<T>) -> T {
        loop {
            // A guard against a hang, not a timing assertion.
            let line = self
                .lines
                .recv_timeout(Duration::from_secs(60))
                .unwrap_or_else(|e| panic!("{e}: stderr so far:\n{}", self.seen.join("\n")));
            let picked = pick(&line);
            self.seen.push(line);
            if let Some(found) = picked {
                return found;
            }
        }
    }

    fn finish(mut self) -> Finished {
        let mut stdout = String::new();
        self.child
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut stdout)
            .unwrap();
        let status = self.child.wait().unwrap().code().unwrap_or(-1);
        self.seen.extend(self.lines.iter());
        let json = serde_json::from_str(&stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}): {stdout}\nstderr:\n{}",
                self.seen.join("\n")
            )
        });
        Finished {
            status,
            json,
            stderr: self.seen,
        }
    }
}

impl Finished {
    /// How many token requests went out (`-v` prints each exchange's request line).
    fn token_requests(&self, op: &oidc::OidcServer) -> usize {
        let line = format!("> POST {}/token", op.issuer);
        self.stderr.iter().filter(|l| **l == line).count()
    }

    fn context(&self) -> String {
        format!("{:#}\nstderr:\n{}", self.json, self.stderr.join("\n"))
    }
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

/// The authorization URL: the stderr line that is nothing but the URL.
fn authorization_url(run: &mut Running, op: &oidc::OidcServer) -> String {
    let prefix = format!("{}/auth?", op.issuer);
    run.wait_for(|l| l.starts_with(&prefix).then(|| l.to_string()))
}

fn user_code(run: &mut Running) -> String {
    run.wait_for(|l| {
        let rest = l.split_once("enter the code ")?.1;
        Some(rest.split_whitespace().next()?.to_string())
    })
}

fn claims(jwt: &str) -> Value {
    use base64::Engine as _;
    let payload = jwt.split('.').nth(1).expect("a JWT");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

fn in_keychain_run() -> bool {
    std::env::var_os("TOKENSCOPE_TEST_INNER").is_some()
}

#[test]
fn a_browser_login_prints_the_url_alone_on_stderr_and_gets_tokens_whose_id_token_passes() {
    let op = oidc::OidcServer::start("a");
    let home = Home::new(&op, "openid email");
    let mut run = home.start(&["--grant", "authorization_code", "--no-browser"]);
    let url = authorization_url(&mut run, &op);
    let query: Vec<(String, String)> = url::Url::parse(&url)
        .unwrap()
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let get = |k: &str| query.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    assert_eq!(get("code_challenge_method"), Some("S256"));
    assert_eq!(get("client_id"), Some("public-client"));
    assert_eq!(get("scope"), Some("openid email"));
    let redirect = get("redirect_uri").unwrap();
    assert!(redirect.starts_with("http://127.0.0.1:") && redirect.ends_with("/callback"));
    assert!(drive(&["authorize", &url, "--deliver"]).contains("DELIVERED 200"));

    let done = run.finish();
    assert_eq!(done.status, 0, "{}", done.context());
    assert_eq!(done.json["ok"], true);
    assert_eq!(done.json["http_status"], 200);
    let id_token = done.json["response"]["id_token"].as_str().unwrap();
    assert_eq!(claims(id_token)["sub"], "alice");
    assert_eq!(claims(id_token)["nonce"], get("nonce").unwrap());
    assert_eq!(
        done.json["id_token_checks"]["passed"],
        true,
        "{}",
        done.context()
    );
    assert_eq!(done.token_requests(&op), 1);
    // The URL appears once, on its own line; nothing in stderr holds the tokens.
    assert_eq!(done.stderr.iter().filter(|l| l.contains(&url)).count(), 1);
    let access_token = done.json["response"]["access_token"].as_str().unwrap();
    let refresh_token = done.json["response"]["refresh_token"].as_str().unwrap();
    for secret in [access_token, refresh_token, id_token] {
        assert!(!done.stderr.iter().any(|l| l.contains(secret)));
    }
    // The listener is gone once the flow is over.
    let port = url::Url::parse(redirect).unwrap().port().unwrap();
    assert!(TcpStream::connect(("127.0.0.1", port)).is_err());

    if in_keychain_run() {
        // The refresh token went to the keychain: a plain `refresh` finds and uses it.
        let refreshed = home.run(&["refresh", "--profile", &home.profile, "--json"]);
        assert_eq!(
            refreshed.status, 0,
            "{}{}",
            refreshed.stdout, refreshed.stderr
        );
        assert_eq!(refreshed.json()["ok"], true);
    }
}

#[test]
fn pressing_cancel_in_the_browser_exits_1_with_access_denied_and_no_token_request() {
    let op = oidc::OidcServer::start("a");
    let home = Home::new(&op, "openid");
    let mut run = home.start(&["--grant", "authorization_code", "--no-browser"]);
    let url = authorization_url(&mut run, &op);
    drive(&["authorize", &url, "--deny", "--deliver"]);
    let done = run.finish();
    assert_eq!(done.status, 1, "{}", done.context());
    assert_eq!(done.json["ok"], false);
    assert_eq!(done.json["error"], "access_denied");
    assert!(
        done.json["error_description"].is_string(),
        "{}",
        done.context()
    );
    assert!(
        done.json["detail"]
            .as_str()
            .unwrap()
            .contains("no token was requested")
    );
    assert_eq!(done.token_requests(&op), 0);
}

#[test]
fn a_callback_with_a_tampered_state_is_refused_and_no_token_is_requested() {
    let op = oidc::OidcServer::start("a");
    let home = Home::new(&op, "openid");
    let mut run = home.start(&["--grant", "authorization_code", "--no-browser"]);
    let url = authorization_url(&mut run, &op);
    let out = drive(&["authorize", &url]);
    let callback = out
        .lines()
        .find_map(|l| l.strip_prefix("CALLBACK "))
        .unwrap();
    let mut forged = url::Url::parse(callback).unwrap();
    let pairs: Vec<(String, String)> = forged
        .query_pairs()
        .map(|(k, v)| {
            let v = if k == "state" { "forged".into() } else { v };
            (k.into_owned(), v.into_owned())
        })
        .collect();
    forged.query_pairs_mut().clear().extend_pairs(pairs);
    assert_eq!(get_status(forged.as_str()), 400);

    let done = run.finish();
    assert_eq!(done.status, 1, "{}", done.context());
    assert_eq!(done.json["error"], "state_mismatch");
    assert!(done.json["detail"].as_str().unwrap().contains("forged"));
    assert_eq!(done.token_requests(&op), 0);
}

#[test]
fn the_device_grant_prints_the_code_and_uri_polls_and_gets_tokens_once_approved() {
    let op = oidc::OidcServer::start("a");
    let home = Home::new(&op, "openid email");
    let mut run = home.start(&["--grant", "device_code"]);
    let code = user_code(&mut run);
    let line = run.seen.last().unwrap().clone();
    assert!(
        line.contains(&format!("open {}/device ", op.issuer)),
        "{line}"
    );
    drive(&["device", &op.issuer, &code]);
    let done = run.finish();
    assert_eq!(done.status, 0, "{}", done.context());
    let id_token = done.json["response"]["id_token"].as_str().unwrap();
    assert_eq!(claims(id_token)["sub"], "bob");
    assert_eq!(done.json["id_token_checks"]["passed"], true);
    // At least the poll that got the tokens; any before it were authorization_pending.
    assert!(done.token_requests(&op) >= 1);
}

#[test]
fn a_denied_device_login_exits_1_with_the_servers_reason() {
    let op = oidc::OidcServer::start("a");
    let home = Home::new(&op, "openid");
    let mut run = home.start(&["--grant", "device_code"]);
    let code = user_code(&mut run);
    drive(&["device", &op.issuer, &code, "--deny"]);
    let done = run.finish();
    assert_eq!(done.status, 1, "{}", done.context());
    assert_eq!(done.json["ok"], false);
    assert_eq!(done.json["error"], "access_denied");
}

#[test]
fn no_browser_belongs_to_the_browser_login() {
    let op = oidc::OidcServer::start("a");
    let home = Home::new(&op, "openid");
    let run = home.run(&[
        "fetch",
        "--profile",
        &home.profile,
        "--grant",
        "device_code",
        "--no-browser",
    ]);
    assert_eq!(run.status, 2);
    assert!(
        run.stderr
            .contains("--no-browser belongs to --grant authorization_code")
    );
}

/// A blocking GET over std: the test's browser delivering a forged callback.
fn get_status(url: &str) -> u16 {
    let u = url::Url::parse(url).unwrap();
    let mut s = TcpStream::connect((u.host_str().unwrap(), u.port().unwrap())).unwrap();
    let target = format!("{}?{}", u.path(), u.query().unwrap_or_default());
    write!(
        s,
        "GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut text = String::new();
    s.read_to_string(&mut text).unwrap();
    text.split(' ').nth(1).unwrap().parse().unwrap()
}
