//! The server commands against the real test server (node-oidc-provider), as a user runs
//! them: the client secret and the refresh token live in the real keychain (scripts/test's
//! private gnome-keyring), so these are skipped, saying so, outside it. After each run, no
//! secret or refresh token is in any file under the config dir or HOME.

#[path = "support/oidc.rs"]
mod oidc;
mod util;

use std::path::Path;
use std::process::Command;

use serde_json::Value;
use util::Run;

struct Home {
    config: tempfile::TempDir,
    home: tempfile::TempDir,
}

impl Home {
    fn new() -> Option<Self> {
        if std::env::var_os("TOKENSCOPE_TEST_INNER").is_none() {
            eprintln!(
                "skipped: the keychain tests run under scripts/test (a private gnome-keyring)"
            );
            return None;
        }
        Some(Self {
            config: tempfile::tempdir().unwrap(),
            home: tempfile::tempdir().unwrap(),
        })
    }

    fn run(&self, args: &[&str], stdin: &str) -> Run {
        let run = util::tokenscope_with(
            args,
            stdin,
            &[
                ("TOKENSCOPE_CONFIG_DIR", self.config.path().as_os_str()),
                ("HOME", self.home.path().as_os_str()),
                ("XDG_CONFIG_HOME", self.home.path().as_os_str()),
            ],
        );
        assert!(
            !run.stderr.contains("no OS keychain answered"),
            "the keychain must answer here: {}",
            run.stderr
        );
        run
    }

    fn add(&self, name: &str, op: &oidc::OidcServer, client: &str, secret: &str, more: &[&str]) {
        let mut args = vec![
            "profile",
            "add",
            name,
            "--issuer",
            &op.issuer,
            "--client-id",
            client,
            "--client-secret-stdin",
        ];
        args.extend_from_slice(more);
        let add = self.run(&args, &format!("{secret}\n"));
        assert_eq!(add.status, 0, "{}{}", add.stdout, add.stderr);
    }

    /// Removes the profile (and its keychain entries) and checks no file holds `needles`.
    fn finish(&self, name: &str, needles: &[&str]) {
        for needle in needles {
            for dir in [self.config.path(), self.home.path()] {
                let holding = files_holding(dir, needle.as_bytes());
                assert!(holding.is_empty(), "a secret is in {holding:?}");
            }
        }
        assert_eq!(self.run(&["profile", "remove", name], "").status, 0);
    }
}

/// Every file under `dir` that holds `needle` (the profiles file must exist and be read).
fn files_holding(dir: &Path, needle: &[u8]) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.is_file() {
                let bytes = std::fs::read(&path).unwrap();
                if bytes.windows(needle.len()).any(|w| w == needle) {
                    found.push(path.display().to_string());
                }
            }
        }
    }
    found
}

fn keychain(account: &str) -> Option<String> {
    let output = Command::new("secret-tool")
        .args(["lookup", "service", "tokenscope", "username", account])
        .output()
        .expect("secret-tool runs");
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

fn text<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("no string {key} in {v}"))
}

#[test]
fn client_credentials_then_introspect_revoke_and_introspect_inactive() {
    let Some(home) = Home::new() else { return };
    let op = oidc::OidcServer::start("a");
    let name = format!("cc-{}", std::process::id());
    home.add(
        &name,
        &op,
        "cc-client",
        "cc-secret",
        &["--scope", "api:read", "--resource", "urn:tokenscope:opaque"],
    );
    assert!(
        home.config.path().join("profiles.toml").is_file(),
        "the scan below reads the profiles file"
    );

    let fetch = home.run(&["fetch", "--profile", &name, "--json"], "");
    assert_eq!(fetch.status, 0, "{}{}", fetch.stdout, fetch.stderr);
    let out = fetch.json();
    assert_eq!(out["ok"], true);
    assert_eq!(out["http_status"], 200);
    assert_eq!(out["response"]["scope"], "api:read");
    assert_eq!(out["response"]["expires_in"], 300);
    let token = text(&out["response"], "access_token").to_string();
    assert!(
        !token.contains('.'),
        "the opaque resource gives an opaque token"
    );

    let active = home.run(
        &[
            "introspect",
            "--profile",
            &name,
            "--hint",
            "access_token",
            "--json",
            &token,
        ],
        "",
    );
    assert_eq!(active.status, 0, "{}{}", active.stdout, active.stderr);
    let out = active.json();
    assert_eq!(out["response"]["active"], true);
    assert_eq!(out["response"]["client_id"], "cc-client");
    assert_eq!(out["response"]["aud"], "urn:tokenscope:opaque");

    let revoke = home.run(&["revoke", "--profile", &name, "-", "--json"], &token);
    assert_eq!(revoke.status, 0, "{}{}", revoke.stdout, revoke.stderr);
    assert_eq!(revoke.json()["ok"], true);
    assert_eq!(revoke.json()["http_status"], 200);

    let inactive = home.run(&["introspect", "--profile", &name, "--json", &token], "");
    assert_eq!(inactive.status, 0, "active:false is a result");
    assert_eq!(inactive.json()["response"]["active"], false);
    let human = home.run(&["introspect", "--profile", &name, &token], "");
    assert_eq!(human.status, 0);
    assert!(
        human
            .stdout
            .contains("the introspection endpoint (http://127.0.0.1:"),
        "{}",
        human.stdout
    );
    assert!(
        human
            .stdout
            .contains("inactive: revoked, expired or unknown to this server"),
        "{}",
        human.stdout
    );
    home.finish(&name, &["cc-secret", &token]);
}

#[test]
fn password_grant_refresh_rotation_and_userinfo() {
    let Some(home) = Home::new() else { return };
    let op = oidc::OidcServer::start("a");
    let name = format!("pw-{}", std::process::id());
    home.add(
        &name,
        &op,
        "password-client",
        "password-secret",
        &["--scope", "openid profile"],
    );
    let account = format!("{name}/refresh_token");

    let fetch = home.run(
        &[
            "fetch",
            "--profile",
            &name,
            "--grant",
            "password",
            "--username",
            "tester",
            "--password-stdin",
            "--json",
        ],
        "tester-password\n",
    );
    assert_eq!(fetch.status, 0, "{}{}", fetch.stdout, fetch.stderr);
    let out = fetch.json();
    let first_rt = text(&out["response"], "refresh_token").to_string();
    let access = text(&out["response"], "access_token").to_string();
    assert_eq!(keychain(&account).as_deref(), Some(first_rt.as_str()));

    let userinfo = home.run(&["userinfo", "--profile", &name, "--json", &access], "");
    assert_eq!(userinfo.status, 0, "{}{}", userinfo.stdout, userinfo.stderr);
    assert_eq!(userinfo.json()["response"]["sub"], "tester");
    assert_eq!(userinfo.json()["response"]["name"], "Test User");

    let refresh = home.run(&["refresh", "--profile", &name, "--json"], "");
    assert_eq!(refresh.status, 0, "{}{}", refresh.stdout, refresh.stderr);
    let out = refresh.json();
    let second_rt = text(&out["response"], "refresh_token").to_string();
    assert_ne!(second_rt, first_rt, "the server rotates refresh tokens");
    assert_eq!(keychain(&account).as_deref(), Some(second_rt.as_str()));

    // The old one is now refused, and that failure leaves the stored (new) one alone.
    let reuse = home.run(
        &[
            "refresh",
            "--profile",
            &name,
            "--refresh-token-stdin",
            "--json",
        ],
        &format!("{first_rt}\n"),
    );
    assert_eq!(reuse.status, 1, "{}{}", reuse.stdout, reuse.stderr);
    let out = reuse.json();
    assert_eq!(out["ok"], false);
    assert_eq!(out["http_status"], 400);
    assert_eq!(out["error"], "invalid_grant");
    assert!(
        out["detail"]
            .as_str()
            .unwrap()
            .contains("refresh token is dead")
    );
    assert_eq!(keychain(&account).as_deref(), Some(second_rt.as_str()));

    let human = home.run(
        &[
            "fetch",
            "--profile",
            &name,
            "--grant",
            "password",
            "--username",
            "tester",
            "--password-stdin",
        ],
        "tester-password\n",
    );
    assert_eq!(human.status, 0, "{}{}", human.stdout, human.stderr);
    assert!(human.stdout.contains("legacy"), "{}", human.stdout);
    assert!(
        human
            .stdout
            .contains("refresh token is stored in the OS keychain"),
        "{}",
        human.stdout
    );
    let third_rt = keychain(&account).expect("a refresh token is stored");
    assert!(
        !human.stdout.contains(&third_rt),
        "the refresh token is never printed"
    );

    home.finish(
        &name,
        &[
            "password-secret",
            "tester-password",
            &first_rt,
            &second_rt,
            &third_rt,
        ],
    );
    assert_eq!(keychain(&account), None, "profile remove deletes it");
}
