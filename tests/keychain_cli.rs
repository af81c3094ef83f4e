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

/// Every file under `dir`, with whether it holds `needle`.
fn scan(dir: &Path, needle: &[u8]) -> Vec<(String, bool)> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
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
