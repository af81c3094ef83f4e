//! `profile add --client-secret-stdin` with the real OS keychain (gnome-keyring on the
//! private D-Bus session of `scripts/test`): the secret lands in the Secret Service, no byte
//! of it in any file under the config dir or HOME, and `profile remove` deletes it there.
//! Skipped, saying so, outside `scripts/test`.

mod util;

use std::path::Path;
use std::process::Command;

fn secret_tool_lookup(account: &str) -> Option<String> {
    let output = Command::new("secret-tool")
        .args(["lookup", "service", "tokenscope", "username", account])
        .output()
        .expect("secret-tool runs (scripts/install-deps test installs libsecret-tools)");
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Every regular file under `dir`, with whether it holds `needle`.
fn scan(dir: &Path, needle: &[u8]) -> Vec<(String, bool)> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.is_file() {
                // Sockets and pipes (a keyring daemon's control socket) hold no bytes.
                let bytes = std::fs::read(&path).unwrap();
                let holds = bytes.windows(needle.len()).any(|w| w == needle);
                found.push((path.display().to_string(), holds));
            }
        }
    }
    found
}

#[test]
fn a_client_secret_goes_to_the_keychain_and_never_to_a_file() {
    if std::env::var_os("TOKENSCOPE_TEST_INNER").is_none() {
        eprintln!("skipped: the keychain tests run under scripts/test (a private gnome-keyring)");
        return;
    }
    let config = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let env = [
        ("TOKENSCOPE_CONFIG_DIR", config.path().as_os_str()),
        ("HOME", home.path().as_os_str()),
        ("XDG_CONFIG_HOME", home.path().as_os_str()),
        ("XDG_CACHE_HOME", home.path().as_os_str()),
    ];
    let name = format!("kc-cli-{}", std::process::id());
    let secret = "cli-secret-7d3f0a9e-never-in-a-file";
    let add = util::tokenscope_with(
        &[
            "profile",
            "add",
            &name,
            "--issuer",
            "http://127.0.0.1:1",
            "--client-id",
            "c",
            "--client-secret-stdin",
        ],
        &format!("{secret}\n"),
        &env,
    );
    assert_eq!(add.status, 0, "{}\n{}", add.stdout, add.stderr);
    assert_eq!(add.stderr, "", "the keychain answered: no warning");
    assert!(
        add.stdout.contains("stored in the OS keychain"),
        "{}",
        add.stdout
    );
    let account = format!("{name}/client_secret");
    assert_eq!(secret_tool_lookup(&account).as_deref(), Some(secret));

    let files: Vec<_> = scan(config.path(), secret.as_bytes())
        .into_iter()
        .chain(scan(home.path(), secret.as_bytes()))
        .collect();
    assert!(
        files.iter().any(|(p, _)| p.ends_with("profiles.toml")),
        "{files:?}"
    );
    let holding: Vec<_> = files.iter().filter(|(_, holds)| *holds).collect();
    assert!(holding.is_empty(), "the secret is in {holding:?}");

    let show = util::tokenscope_with(&["profile", "show", &name], "", &env);
    assert!(
        show.stdout
            .contains("client secret  stored in the OS keychain"),
        "{}",
        show.stdout
    );
    assert!(!show.stdout.contains(secret) && !show.stderr.contains(secret));

    let remove = util::tokenscope_with(&["profile", "remove", &name], "", &env);
    assert_eq!(remove.status, 0, "{}\n{}", remove.stdout, remove.stderr);
    assert_eq!(
        secret_tool_lookup(&account),
        None,
        "removed with its profile"
    );
}

/// A private D-Bus session with no unlocked keyring: the Secret Service is missing, or (where
/// D-Bus starts gnome-keyring on demand) it has no unlocked collection and refuses. Either
/// way the secret stays in memory: one warning, no crash, the profile saved, no secret in
/// any file. Runs everywhere: the bus is its own, so no real keyring is touched.
#[test]
fn a_keychain_that_refuses_leaves_one_warning_and_no_file() {
    let config = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let runtime = tempfile::tempdir().unwrap();
    let secret = "refused-keychain-secret-5c9e";
    let mut child = Command::new("dbus-run-session")
        .arg("--")
        .arg(assert_cmd::cargo::cargo_bin("tokenscope"))
        .args([
            "profile",
            "add",
            "refused",
            "--issuer",
            "https://as.example",
            "--client-id",
            "c",
            "--client-secret-stdin",
        ])
        .env("TOKENSCOPE_CONFIG_DIR", config.path())
        .env("HOME", home.path())
        .env("XDG_RUNTIME_DIR", runtime.path())
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        // Under scripts/test these point at its own unlocked keyring: not this bus's.
        .env_remove("GNOME_KEYRING_CONTROL")
        .env_remove("SSH_AUTH_SOCK")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("dbus-run-session runs (scripts/install-deps test installs dbus)");
    {
        use std::io::Write as _;
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(format!("{secret}\n").as_bytes()).unwrap();
    }
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let said = format!("stdout:\n{stdout}\nstderr:\n{stderr}");
    assert_eq!(output.status.code(), Some(0), "{said}");
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("tokenscope:"))
        .collect();
    assert_eq!(warnings.len(), 1, "{said}");
    assert!(warnings[0].contains("no OS keychain answered"), "{said}");
    // The service is there and refuses (no unlocked collection): the warning says what
    // would fix that, not to start one.
    assert!(warnings[0].contains("unlock the keychain"), "{said}");
    assert!(stdout.contains("NOT stored"), "{said}");
    assert!(
        !stdout.contains(secret) && !stderr.contains(secret),
        "{said}"
    );

    let config_files = scan(config.path(), secret.as_bytes());
    let names: Vec<&str> = config_files.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(names.len(), 1, "{names:?}");
    assert!(names[0].ends_with("profiles.toml"), "{names:?}");
    let holding: Vec<_> = config_files
        .into_iter()
        .chain(scan(home.path(), secret.as_bytes()))
        .filter(|(_, holds)| *holds)
        .collect();
    assert!(holding.is_empty(), "the secret is in {holding:?}");
}
