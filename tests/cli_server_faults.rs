//! Server commands against a local fault server, for what a real server will not do on
//! demand: HTML with a 200, a stall past --timeout, an API's 401 with a skewed Date, a
//! refresh answer without a refresh token, invalid_grant. Exit statuses and `--json` objects
//! per DESIGN.md. The refresh tests keep a refresh token in the real keychain between runs,
//! so they run under scripts/test's private gnome-keyring and are skipped, saying so,
//! elsewhere; the rest run anywhere (no keychain: the warning, secrets in memory).

mod util;

use std::ffi::OsStr;
use std::process::Command;
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{Value, json};
use util::Run;
use util::http_server::{Reply, Request, TestServer};

/// A D-Bus address where nothing listens: no Secret Service.
const NO_BUS: &str = "unix:path=/nonexistent/tokenscope-test-bus";

struct Home {
    config: tempfile::TempDir,
    home: tempfile::TempDir,
    keychain: bool,
}

impl Home {
    fn without_keychain() -> Self {
        Self {
            config: tempfile::tempdir().unwrap(),
            home: tempfile::tempdir().unwrap(),
            keychain: false,
        }
    }

    fn with_keychain() -> Option<Self> {
        if std::env::var_os("TOKENSCOPE_TEST_INNER").is_none() {
            eprintln!(
                "skipped: the keychain tests run under scripts/test (a private gnome-keyring)"
            );
            return None;
        }
        Some(Self {
            keychain: true,
            ..Self::without_keychain()
        })
    }

    fn run(&self, args: &[&str], stdin: &str) -> Run {
        let mut env = vec![
            ("TOKENSCOPE_CONFIG_DIR", self.config.path().as_os_str()),
            ("HOME", self.home.path().as_os_str()),
            ("XDG_CONFIG_HOME", self.home.path().as_os_str()),
        ];
        if !self.keychain {
            env.push(("DBUS_SESSION_BUS_ADDRESS", OsStr::new(NO_BUS)));
        }
        util::tokenscope_with(args, stdin, &env)
    }

    /// A public client (no secret) whose token endpoint is `server`'s /token.
    fn add_profile(&self, name: &str, server: &TestServer) {
        let add = self.run(
            &[
                "profile",
                "add",
                name,
                "--issuer",
                &server.base,
                "--client-id",
                "app",
                "--auth-method",
                "none",
                "--token-endpoint",
                &server.url("/token"),
                "--introspection-endpoint",
                &server.url("/introspect"),
                "--revocation-endpoint",
                &server.url("/revoke"),
            ],
            "",
        );
        assert_eq!(add.status, 0, "{}{}", add.stdout, add.stderr);
    }
}

fn form_value(r: &Request, name: &str) -> Option<String> {
    r.form()
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

#[test]
fn an_html_page_with_200_exits_3_and_says_so() {
    let server = TestServer::start(|_| {
        Reply::new(
            200,
            "application/json",
            "<!DOCTYPE html><html><head><title>Corporate SSO</title></head><body>Sign in</body></html>",
        )
    });
    let home = Home::without_keychain();
    home.add_profile("html", &server);
    let run = home.run(&["fetch", "--profile", "html", "--json"], "");
    assert_eq!(run.status, 3, "{}{}", run.stdout, run.stderr);
    let out = run.json();
    assert_eq!(out["ok"], false);
    assert_eq!(out["http_status"], 200);
    assert_eq!(out["body_kind"], "html");
    assert_eq!(out["error"], "html");
    assert!(
        out["detail"]
            .as_str()
            .unwrap()
            .contains("the token endpoint")
            && out["detail"].as_str().unwrap().contains("Corporate SSO"),
        "{out}"
    );
    let human = home.run(&["fetch", "--profile", "html"], "");
    assert_eq!(human.status, 3);
    assert!(
        human
            .stderr
            .contains("the token endpoint answered HTTP 200 with an HTML page"),
        "{}",
        human.stderr
    );
    assert_eq!(human.stdout, "");
}

#[test]
fn a_stall_past_the_timeout_exits_3_in_well_under_30_s() {
    let server = TestServer::start(|_| Reply {
        delay: Some(Duration::from_secs(20)),
        ..Reply::json(&json!({"active": true}))
    });
    let home = Home::without_keychain();
    home.add_profile("stall", &server);
    let started = Instant::now();
    let run = home.run(
        &[
            "introspect",
            "--profile",
            "stall",
            "--timeout",
            "2",
            "--json",
            "tok",
        ],
        "",
    );
    let took = started.elapsed();
    assert_eq!(run.status, 3, "{}{}", run.stdout, run.stderr);
    assert!(took < Duration::from_secs(12), "took {took:?}");
    let out = run.json();
    assert_eq!(out["error"], "timeout");
    assert!(
        out["detail"]
            .as_str()
            .unwrap()
            .contains("the introspection endpoint"),
        "{out}"
    );
}

#[test]
fn an_inactive_token_is_a_result_with_exit_0() {
    let server = TestServer::start(|_| Reply::json(&json!({"active": false})));
    let home = Home::without_keychain();
    home.add_profile("inactive", &server);
    let run = home.run(
        &["introspect", "--profile", "inactive", "-"],
        "opaque-token\n",
    );
    assert_eq!(run.status, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("inactive: revoked, expired or unknown to this server"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("HTTP 200"), "{}", run.stdout);
}

/// An unsigned-looking JWT with `claims` (the signature is never checked by `call`).
fn jwt(claims: &Value) -> String {
    let b64 = |v: &Value| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string().as_bytes())
    };
    format!(
        "{}.{}.c2lnbmF0dXJl",
        b64(&json!({"alg": "RS256", "typ": "at+jwt"})),
        b64(claims)
    )
}

fn http_date(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

#[test]
fn call_explains_a_401_against_the_token_and_reports_the_server_clock() {
    let server = TestServer::start(|_| {
        let four_minutes_ahead = chrono::Utc::now() + chrono::Duration::seconds(240);
        Reply::new(401, "application/json", r#"{"message":"Unauthorized"}"#)
            .header(
                "WWW-Authenticate",
                r#"Bearer realm="orders", error="invalid_token", error_description="The access token expired""#,
            )
            .header("Date", &http_date(four_minutes_ahead))
    });
    let now = chrono::Utc::now().timestamp();
    let token = jwt(
        &json!({"iss": "https://as.example", "sub": "u1", "exp": now - 180,
                            "iat": now - 3780, "aud": server.base, "scope": "orders:read"}),
    );
    let home = Home::without_keychain();
    let run = home.run(&["call", &server.url("/orders"), "--json", &token], "");
    assert_eq!(run.status, 1, "{}{}", run.stdout, run.stderr);
    let out = run.json();
    assert_eq!(out["ok"], false);
    assert_eq!(out["http_status"], 401);
    assert_eq!(out["error"], "invalid_token");
    assert_eq!(out["error_description"], "The access token expired");
    let detail = out["detail"].as_str().unwrap();
    assert!(
        detail.contains("the API says invalid_token; this token expired 3 min ago"),
        "{detail}"
    );
    let skew = out["clock_skew_seconds"].as_i64().expect("a clock skew");
    assert!((236..=244).contains(&skew), "{skew}");
    assert_eq!(
        server.seen()[0].header("authorization"),
        Some(format!("Bearer {token}").as_str())
    );

    let human = home.run(&["call", &server.url("/orders"), "-"], &token);
    assert_eq!(human.status, 1);
    assert!(
        human.stdout.contains("the API (http://"),
        "{}",
        human.stdout
    );
    assert!(
        human
            .stdout
            .contains("this machine is 4 min behind the server"),
        "{}",
        human.stdout
    );
    assert!(!human.stdout.contains(&token), "the token is not echoed");
}

#[test]
fn call_names_the_missing_scope_and_the_audience() {
    let server = TestServer::start(|_| {
        Reply::new(403, "text/plain", "forbidden").header(
            "WWW-Authenticate",
            r#"Bearer error="insufficient_scope", scope="orders:write""#,
        )
    });
    let now = chrono::Utc::now().timestamp();
    let token = jwt(&json!({"exp": now + 600, "aud": "api://billing", "scope": "orders:read"}));
    let run = Home::without_keychain().run(
        &[
            "call",
            &server.url("/orders"),
            "--method",
            "POST",
            "--data",
            "{}",
            &token,
        ],
        "",
    );
    assert_eq!(run.status, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains(
            "the API says insufficient_scope; the API wants scope orders:write; this token has orders:read"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("aud is api://billing, you called 127.0.0.1"),
        "{}",
        run.stdout
    );
    assert_eq!(server.seen()[0].method, "POST");
    assert_eq!(server.seen()[0].body, "{}");
}

#[test]
fn a_device_login_against_a_server_without_a_device_endpoint_says_how_to_set_one() {
    // Discovery answers, naming this server as the issuer, with no device endpoint.
    let server = TestServer::start_with(|r: &Request| {
        let issuer = format!("http://{}", r.header("host").unwrap_or_default());
        Reply::json(&json!({"issuer": issuer, "token_endpoint": format!("{issuer}/token")}))
    });
    let home = Home::without_keychain();
    home.add_profile("dev", &server);
    let run = home.run(
        &[
            "fetch",
            "--profile",
            "dev",
            "--grant",
            "device_code",
            "--json",
        ],
        "",
    );
    assert_eq!(run.status, 2, "{}{}", run.stdout, run.stderr);
    let out = run.json();
    assert_eq!(out["error"], "endpoint_not_advertised");
    assert!(
        out["detail"]
            .as_str()
            .unwrap()
            .contains("--device-endpoint URL"),
        "{out}"
    );
    // Nothing was sent but the discovery request(s).
    assert!(
        server
            .paths()
            .iter()
            .all(|p| p.starts_with("/.well-known/"))
    );
}

/// A token endpoint that hands out `rt-A` on client_credentials and answers refreshes with
/// `refresh` (the refresh token sent is recorded by the server).
fn token_server(refresh: fn() -> Reply) -> TestServer {
    TestServer::start_with(
        move |r: &Request| match form_value(r, "grant_type").as_deref() {
            Some("client_credentials") => Reply::json(&json!({"access_token": "at-1",
                "token_type": "Bearer", "expires_in": 300, "refresh_token": "rt-A"})),
            _ => refresh(),
        },
    )
}

fn secret_tool(account: &str) -> Option<String> {
    let output = Command::new("secret-tool")
        .args(["lookup", "service", "tokenscope", "username", account])
        .output()
        .expect("secret-tool runs");
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

fn refreshes_sent(server: &TestServer) -> Vec<String> {
    server
        .seen()
        .iter()
        .filter(|r| form_value(r, "grant_type").as_deref() == Some("refresh_token"))
        .filter_map(|r| form_value(r, "refresh_token"))
        .collect()
}

#[test]
fn a_refresh_answer_without_a_refresh_token_keeps_the_stored_one() {
    let Some(home) = Home::with_keychain() else {
        return;
    };
    let server = token_server(|| {
        Reply::json(&json!({"access_token": "at-2", "token_type": "Bearer", "expires_in": 300}))
    });
    let name = format!("keep-{}", std::process::id());
    home.add_profile(&name, &server);
    let fetch = home.run(&["fetch", "--profile", &name, "--json"], "");
    assert_eq!(fetch.status, 0, "{}{}", fetch.stdout, fetch.stderr);
    assert_eq!(fetch.stderr, "", "the keychain answered: no warning");
    let account = format!("{name}/refresh_token");
    assert_eq!(secret_tool(&account).as_deref(), Some("rt-A"));

    for _ in 0..2 {
        let refresh = home.run(&["refresh", "--profile", &name, "--json"], "");
        assert_eq!(refresh.status, 0, "{}{}", refresh.stdout, refresh.stderr);
        assert_eq!(refresh.json()["response"]["access_token"], "at-2");
        assert_eq!(secret_tool(&account).as_deref(), Some("rt-A"));
    }
    assert_eq!(refreshes_sent(&server), ["rt-A", "rt-A"]);
    assert_eq!(home.run(&["profile", "remove", &name], "").status, 0);
    assert_eq!(secret_tool(&account), None);
}

#[test]
fn an_invalid_grant_refresh_exits_1_and_keeps_the_stored_token() {
    let Some(home) = Home::with_keychain() else {
        return;
    };
    let server = token_server(|| {
        Reply::new(
            400,
            "application/json",
            r#"{"error":"invalid_grant","error_description":"refresh token already used"}"#,
        )
    });
    let name = format!("dead-{}", std::process::id());
    home.add_profile(&name, &server);
    assert_eq!(home.run(&["fetch", "--profile", &name], "").status, 0);
    let account = format!("{name}/refresh_token");

    let refresh = home.run(&["refresh", "--profile", &name, "--json"], "");
    assert_eq!(refresh.status, 1, "{}{}", refresh.stdout, refresh.stderr);
    let out = refresh.json();
    assert_eq!(out["ok"], false);
    assert_eq!(out["http_status"], 400);
    assert_eq!(out["error"], "invalid_grant");
    assert_eq!(out["error_description"], "refresh token already used");
    assert_eq!(out["body_kind"], "json");
    assert!(
        out["detail"]
            .as_str()
            .unwrap()
            .contains("the refresh token is dead"),
        "{out}"
    );
    assert_eq!(secret_tool(&account).as_deref(), Some("rt-A"));

    let human = home.run(&["refresh", "--profile", &name], "");
    assert_eq!(human.status, 1);
    assert!(
        human
            .stderr
            .contains("the token endpoint (http://127.0.0.1:"),
        "{}",
        human.stderr
    );
    assert!(
        human.stderr.contains("refresh token already used"),
        "{}",
        human.stderr
    );
    assert_eq!(
        refreshes_sent(&server).len(),
        2,
        "one request per run: no retry"
    );
    assert_eq!(home.run(&["profile", "remove", &name], "").status, 0);
}

#[test]
fn without_a_keychain_the_refresh_token_stays_in_memory_and_out_of_every_file() {
    let server = token_server(|| Reply::new(500, "text/plain", "unused"));
    let home = Home::without_keychain();
    home.add_profile("memory", &server);
    let run = home.run(&["fetch", "--profile", "memory"], "");
    assert_eq!(run.status, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(
        run.stderr.matches("no OS keychain answered").count(),
        1,
        "the warning once: {}",
        run.stderr
    );
    assert!(
        run.stdout.contains("kept in memory for this run only"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("rt-A"), "{}", run.stdout);
    for dir in [home.config.path(), home.home.path()] {
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            for entry in std::fs::read_dir(&d).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else {
                    let bytes = std::fs::read(&path).unwrap();
                    assert!(
                        !bytes.windows(4).any(|w| w == b"rt-A"),
                        "{} holds the refresh token",
                        path.display()
                    );
                }
            }
        }
    }
    assert!(home.config.path().join("profiles.toml").is_file());
    // Nothing to refresh with in the next run: said, exit 2, nothing sent.
    let refresh = home.run(&["refresh", "--profile", "memory", "--json"], "");
    assert_eq!(refresh.status, 2, "{}{}", refresh.stdout, refresh.stderr);
    assert_eq!(refresh.json()["error"], "no_refresh_token");
    assert_eq!(refreshes_sent(&server).len(), 0);
}

#[test]
fn a_revocation_the_server_cannot_do_now_or_for_this_token_exits_1_and_says_why() {
    let server = TestServer::start(|_| {
        Reply::new(503, "text/html", "<html>busy</html>").header("Retry-After", "120")
    });
    let home = Home::without_keychain();
    home.add_profile("busy", &server);
    let run = home.run(&["revoke", "--profile", "busy", "--json", "tok"], "");
    assert_eq!(run.status, 1, "{}{}", run.stdout, run.stderr);
    let out = run.json();
    assert_eq!(out["ok"], false);
    assert_eq!(out["http_status"], 503);
    assert_eq!(out["error"], "temporarily_unavailable");
    let detail = out["detail"].as_str().unwrap();
    assert!(
        detail.contains("the token is still valid; try again in 2 min"),
        "{detail}"
    );

    server.set(|_| {
        Reply::new(
            400,
            "application/json",
            r#"{"error":"unsupported_token_type","error_description":"JWTs cannot be revoked"}"#,
        )
    });
    let run = home.run(
        &[
            "revoke",
            "--profile",
            "busy",
            "--hint",
            "access_token",
            "tok",
        ],
        "",
    );
    assert_eq!(run.status, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr
            .contains("the revocation endpoint (http://127.0.0.1:"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("HTTP 400 unsupported_token_type: \"JWTs cannot be revoked\""),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("try the other token_type_hint"),
        "{}",
        run.stderr
    );
    let sent = server.seen();
    assert!(
        sent[1]
            .form()
            .contains(&("token_type_hint".into(), "access_token".into())),
        "{:?}",
        sent[1].form()
    );
}

#[test]
fn a_2xx_api_answer_exits_0_and_a_long_body_is_cut_for_the_terminal_only() {
    let server = TestServer::start(|_| Reply::json(&json!({"items": "x".repeat(10_000)})));
    let home = Home::without_keychain();
    let human = home.run(&["call", &server.url("/items"), "opaque-token"], "");
    assert_eq!(human.status, 0, "{}{}", human.stdout, human.stderr);
    assert!(
        human.stdout.contains("answered HTTP 200"),
        "{}",
        human.stdout
    );
    assert!(
        human
            .stdout
            .contains("more characters; --json has the whole body")
    );
    let json = home.run(
        &["call", &server.url("/items"), "--json", "opaque-token"],
        "",
    );
    assert_eq!(json.status, 0);
    let out = json.json();
    assert_eq!(out["ok"], true);
    assert_eq!(out["http_status"], 200);
    assert_eq!(out["response"]["items"].as_str().unwrap().len(), 10_000);
    assert_eq!(
        server.seen()[0].header("authorization"),
        Some("Bearer opaque-token")
    );
}
