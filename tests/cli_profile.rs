//! `tokenscope profile add|list|show|remove` and `inspect --profile`, run as a user runs them,
//! against the real test server. Every run here points D-Bus nowhere, so no keychain answers
//! (the keychain itself is tested in keychain_*.rs): these runs also show that without one
//! tokenscope warns once and writes no secret anywhere.

#[path = "support/oidc.rs"]
mod oidc;
mod util;

use std::ffi::OsStr;
use std::path::Path;

use serde_json::Value;
use util::{Run, check};

/// A D-Bus address where nothing listens: no Secret Service.
const NO_BUS: &str = "unix:path=/nonexistent/tokenscope-test-bus";

/// A config dir and a HOME of their own, kept across several runs.
struct Home {
    config: tempfile::TempDir,
    home: tempfile::TempDir,
}

impl Home {
    fn new() -> Self {
        Self {
            config: tempfile::tempdir().unwrap(),
            home: tempfile::tempdir().unwrap(),
        }
    }

    fn run(&self, args: &[&str], stdin: &str) -> Run {
        util::tokenscope_with(
            args,
            stdin,
            &[
                ("TOKENSCOPE_CONFIG_DIR", self.config.path().as_os_str()),
                ("HOME", self.home.path().as_os_str()),
                ("XDG_CONFIG_HOME", self.home.path().as_os_str()),
                ("DBUS_SESSION_BUS_ADDRESS", OsStr::new(NO_BUS)),
            ],
        )
    }

    fn profiles_file(&self) -> std::path::PathBuf {
        self.config.path().join("profiles.toml")
    }
}

/// Every file under `dir` that holds `needle`.
fn files_holding(dir: &Path, needle: &[u8]) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    let mut files = 0;
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.is_file() {
                files += 1;
                let bytes = std::fs::read(&path).unwrap();
                if bytes.windows(needle.len()).any(|w| w == needle) {
                    found.push(path.display().to_string());
                }
            }
        }
    }
    assert!(files > 0, "no file at all under {}", dir.display());
    found
}

fn said(run: &Run) -> String {
    format!(
        "status {}\nstdout:\n{}\nstderr:\n{}",
        run.status, run.stdout, run.stderr
    )
}

#[test]
fn add_list_show_and_remove_a_profile_of_the_real_server() {
    let op = oidc::OidcServer::start("a");
    let home = Home::new();
    let add = home.run(
        &[
            "profile",
            "add",
            "local",
            "--issuer",
            &op.issuer,
            "--client-id",
            "public-client",
            "--auth-method",
            "none",
            "--scope",
            "openid profile",
            "--resource",
            "urn:tokenscope:rs256",
            "--userinfo-endpoint",
            "http://127.0.0.1:1/me",
        ],
        "",
    );
    assert_eq!(add.status, 0, "{}", said(&add));
    assert!(add.stdout.contains("added profile local"), "{}", said(&add));
    assert_eq!(add.stderr, "", "no keychain was needed");

    let list = home.run(&["profile", "list"], "");
    assert_eq!(list.status, 0, "{}", said(&list));
    assert!(
        list.stdout.contains("local") && list.stdout.contains(&op.issuer),
        "{}",
        said(&list)
    );

    let show = home.run(&["profile", "show", "local"], "");
    assert_eq!(show.status, 0, "{}", said(&show));
    let document = op.url("/.well-known/openid-configuration");
    for (name, url) in [
        ("token", op.url("/token")),
        ("introspection", op.url("/token/introspection")),
        ("jwks_uri", op.url("/jwks")),
    ] {
        let line = show
            .stdout
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{name} ")))
            .unwrap_or_else(|| panic!("no {name} line: {}", said(&show)));
        assert!(
            line.contains(&url) && line.contains(&format!("[discovery ({document})]")),
            "{line}"
        );
    }
    assert!(
        show.stdout.contains("http://127.0.0.1:1/me  [override]"),
        "{}",
        said(&show)
    );
    assert!(
        show.stdout.contains("none (a public client)"),
        "{}",
        said(&show)
    );
    assert!(show.stdout.contains("openid profile"), "{}", said(&show));

    let again = home.run(
        &[
            "profile",
            "add",
            "local",
            "--issuer",
            &op.issuer,
            "--client-id",
            "x",
        ],
        "",
    );
    assert_eq!(again.status, 2, "{}", said(&again));
    assert!(again.stderr.contains("already exists"), "{}", said(&again));

    let remove = home.run(&["profile", "remove", "local"], "");
    assert_eq!(remove.status, 0, "{}", said(&remove));
    assert!(
        remove.stdout.contains("removed profile local"),
        "{}",
        said(&remove)
    );
    let list = home.run(&["profile", "list"], "");
    assert!(list.stdout.starts_with("no profiles"), "{}", said(&list));
    let gone = home.run(&["profile", "show", "local"], "");
    assert_eq!(gone.status, 2, "{}", said(&gone));
    assert!(
        gone.stderr.contains("no profile named \"local\""),
        "{}",
        said(&gone)
    );
}

#[test]
fn show_says_the_network_failed_and_still_shows_what_the_profile_gives() {
    let home = Home::new();
    let add = home.run(
        &[
            "profile",
            "add",
            "down",
            "--issuer",
            "http://127.0.0.1:1",
            "--client-id",
            "c",
            "--auth-method",
            "none",
            "--token-endpoint",
            "http://127.0.0.1:1/token",
        ],
        "",
    );
    assert_eq!(add.status, 0, "{}", said(&add));
    let show = home.run(&["profile", "show", "down"], "");
    assert_eq!(show.status, 3, "{}", said(&show));
    assert!(
        show.stdout.contains("http://127.0.0.1:1/token  [override]"),
        "{}",
        said(&show)
    );
    assert!(
        show.stderr.contains("discovery failed") && show.stderr.contains("127.0.0.1:1"),
        "{}",
        said(&show)
    );
}

#[test]
fn show_reports_a_discovery_document_for_another_issuer() {
    let op = oidc::OidcServer::start("a");
    let home = Home::new();
    let misnamed = format!("http://localhost:{}", op.port());
    let add = home.run(
        &[
            "profile",
            "add",
            "misnamed",
            "--issuer",
            &misnamed,
            "--client-id",
            "c",
        ],
        "",
    );
    assert_eq!(add.status, 0, "{}", said(&add));
    let show = home.run(&["profile", "show", "misnamed"], "");
    assert_eq!(show.status, 2, "{}", said(&show));
    assert!(
        show.stderr
            .contains(&format!("says issuer \"{}\"", op.issuer)),
        "{}",
        said(&show)
    );
}

#[test]
fn bad_input_is_refused_with_status_2_and_nothing_written() {
    let home = Home::new();
    let cases: &[(&[&str], &str, &str)] = &[
        (
            &[
                "profile",
                "add",
                "a b",
                "--issuer",
                "https://as.example",
                "--client-id",
                "c",
            ],
            "",
            "profile name",
        ),
        (
            &[
                "profile",
                "add",
                "p",
                "--issuer",
                "http://as.example",
                "--client-id",
                "c",
            ],
            "",
            "allow_http",
        ),
        (
            &[
                "profile",
                "add",
                "p",
                "--issuer",
                "as.example",
                "--client-id",
                "c",
            ],
            "",
            "--issuer",
        ),
        (
            &[
                "profile",
                "add",
                "p",
                "--issuer",
                "https://as.example",
                "--client-id",
                "c",
                "--auth-method",
                "none",
                "--client-secret-stdin",
            ],
            "s\n",
            "public client has no secret",
        ),
        (
            &[
                "profile",
                "add",
                "p",
                "--issuer",
                "https://as.example",
                "--client-id",
                "c",
                "--client-secret-stdin",
            ],
            "\n",
            "held no secret",
        ),
        (
            &["profile", "show", "nope"],
            "",
            "no profile named \"nope\"",
        ),
        (
            &["profile", "remove", "nope"],
            "",
            "no profile named \"nope\"",
        ),
    ];
    for (args, stdin, words) in cases {
        let run = home.run(args, stdin);
        assert_eq!(run.status, 2, "{args:?}: {}", said(&run));
        assert!(run.stderr.contains(words), "{args:?}: {}", said(&run));
    }
    assert!(!home.profiles_file().exists());

    let http = home.run(
        &[
            "profile",
            "add",
            "p",
            "--issuer",
            "http://as.example",
            "--client-id",
            "c",
            "--allow-http",
        ],
        "",
    );
    assert_eq!(http.status, 0, "{}", said(&http));
}

#[test]
fn a_corrupt_profiles_file_stops_every_command_and_is_left_as_it_was() {
    let home = Home::new();
    let text = "[profiles.a]\nissuer = \"https://as.example\"\nclient_id = \"c\"\ntimeout_seconds = \"ten\"\n";
    std::fs::write(home.profiles_file(), text).unwrap();
    let path = home.profiles_file().display().to_string();
    for args in [
        &["profile", "list"][..],
        &["profile", "show", "a"],
        &["profile", "remove", "a"],
        &[
            "profile",
            "add",
            "b",
            "--issuer",
            "https://b.example",
            "--client-id",
            "c",
        ],
    ] {
        let run = home.run(args, "");
        assert_eq!(run.status, 2, "{args:?}: {}", said(&run));
        assert!(
            run.stderr.contains(&format!("{path}:4: ")),
            "{args:?}: {}",
            said(&run)
        );
        assert_eq!(
            std::fs::read(home.profiles_file()).unwrap(),
            text.as_bytes()
        );
    }
}

#[test]
fn without_a_keychain_a_secret_is_kept_nowhere_and_said_once() {
    let home = Home::new();
    let secret = "no-keychain-secret-4be1c0de";
    let add = home.run(
        &[
            "profile",
            "add",
            "nokeychain",
            "--issuer",
            "https://as.example",
            "--client-id",
            "c",
            "--client-secret-stdin",
        ],
        &format!("{secret}\n"),
    );
    assert_eq!(add.status, 0, "{}", said(&add));
    assert_eq!(
        add.stderr.matches("no OS keychain answered").count(),
        1,
        "{}",
        said(&add)
    );
    assert_eq!(add.stderr.lines().count(), 1, "{}", said(&add));
    assert!(add.stdout.contains("NOT stored"), "{}", said(&add));
    assert!(!add.stdout.contains(secret) && !add.stderr.contains(secret));
    assert!(home.profiles_file().exists());
    assert_eq!(
        files_holding(home.config.path(), secret.as_bytes()),
        Vec::<String>::new()
    );
    let home_files: Vec<_> = walk_count(home.home.path());
    assert_eq!(
        home_files,
        Vec::<String>::new(),
        "nothing written under HOME"
    );

    let show = home.run(&["profile", "show", "nokeychain"], "");
    assert!(
        show.stdout.contains("not known: no OS keychain answered"),
        "{}",
        said(&show)
    );
}

/// Every file under `dir`.
fn walk_count(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.is_file() {
                found.push(path.display().to_string());
            }
        }
    }
    found
}

/// A client_credentials access token for `resource`, fetched with plain HTTP.
fn token(issuer: &str, resource: &str) -> String {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let response: Value = runtime.block_on(async {
        reqwest::Client::new()
            .post(format!("{issuer}/token"))
            .basic_auth("cc-client", Some("cc-secret"))
            .form(&[
                ("grant_type", "client_credentials"),
                ("resource", resource),
                ("scope", "api:read"),
            ])
            .send()
            .await
            .expect("token endpoint reachable")
            .json()
            .await
            .expect("token response is JSON")
    });
    response["access_token"]
        .as_str()
        .unwrap_or_else(|| panic!("no access_token: {response}"))
        .to_string()
}

#[test]
fn inspect_with_a_profile_verifies_with_its_keys_and_checks_its_issuer() {
    let op = oidc::OidcServer::start("a");
    let home = Home::new();
    let add = |name: &str, extra: &[&str]| {
        let mut args = vec![
            "profile",
            "add",
            name,
            "--issuer",
            &op.issuer,
            "--client-id",
            "cc-client",
        ];
        args.extend_from_slice(extra);
        let run = home.run(&args, "");
        assert_eq!(run.status, 0, "{}", said(&run));
    };
    add("discovered", &[]);
    let jwks = op.url("/jwks");
    add("pinned-jwks", &["--jwks-uri", &jwks]);
    let access_token = token(&op.issuer, "urn:tokenscope:es256");

    for profile in ["discovered", "pinned-jwks"] {
        let run = home.run(
            &["inspect", "--json", "--profile", profile, "-"],
            &access_token,
        );
        assert_eq!(run.status, 0, "{profile}: {}", said(&run));
        let report = run.json();
        assert_eq!(report["signature"]["status"], "valid", "{report:#}");
        assert_eq!(check(&report, "iss")["status"], "pass", "{report:#}");
    }

    // A profile whose issuer is not the token's: the iss check fails.
    let other = home.run(
        &[
            "profile",
            "add",
            "elsewhere",
            "--issuer",
            "https://as.example",
            "--client-id",
            "c",
            "--jwks-uri",
            &jwks,
        ],
        "",
    );
    assert_eq!(other.status, 0, "{}", said(&other));
    let run = home.run(
        &["inspect", "--json", "--profile", "elsewhere", "-"],
        &access_token,
    );
    assert_eq!(run.status, 1, "{}", said(&run));
    let report = run.json();
    assert_eq!(report["signature"]["status"], "valid", "{report:#}");
    assert_eq!(check(&report, "iss")["status"], "fail", "{report:#}");

    let missing = home.run(
        &["inspect", "--json", "--profile", "nope", "-"],
        &access_token,
    );
    assert_eq!(missing.status, 2, "{}", said(&missing));
    assert!(
        missing.stdout.contains("no profile named"),
        "{}",
        said(&missing)
    );
}
