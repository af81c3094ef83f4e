//! The window with the real OS keychain (gnome-keyring on the private D-Bus session that
//! `scripts/test` starts): the worker opens it on its own thread, a profile's client secret
//! typed in the Servers area lands there and nowhere on disk, and removing the profile removes
//! it. Skipped, saying so, outside `scripts/test`, so a developer's own keyring is never
//! written to by a test.

mod ui_common;

use tokenscope::profiles::ProfileName;
use tokenscope::secrets::{self, SecretKind};
use tokenscope::worker::ServerSetup;
use ui_common::servers::{add_profile, click};
use ui_common::{labels_containing, wait_for, window_with};

/// Every file under `dir`, read whole.
fn files_under(dir: &std::path::Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else if let Ok(bytes) = std::fs::read(&path) {
            out.push((path, bytes));
        }
    }
    out
}

#[test]
fn a_profile_secret_typed_in_the_window_lives_in_the_keychain_only() {
    if std::env::var_os("TOKENSCOPE_TEST_INNER").is_none() {
        eprintln!("skipped: the keychain tests run under scripts/test (a private gnome-keyring)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (mut harness, _clock) = window_with(ServerSetup {
        profiles_path: Some(dir.path().join("profiles.toml")),
        // None: the worker probes the OS keychain, as the real window does.
        secrets: None,
        scratch_dir: None,
    });
    let name = format!("ui-keychain-{}", std::process::id());
    let secret = format!("kc-secret-{}", std::process::id());
    harness.run();
    add_profile(
        &mut harness,
        &name,
        &[
            ("Issuer URL", "https://as.example"),
            ("Client ID", "c"),
            ("Client secret", &secret),
        ],
    );
    harness.run_steps(2);
    assert!(
        labels_containing(&harness, "Keychain:").is_empty(),
        "the keychain answered: no banner"
    );

    let keychain = secrets::open();
    assert!(keychain.warning.is_none());
    let profile = ProfileName::new(&name).unwrap();
    let stored = keychain
        .store
        .get(&profile, &SecretKind::ClientSecret)
        .unwrap()
        .expect("the secret is in the keychain");
    assert_eq!(stored.reveal(), secret);
    for (path, bytes) in files_under(dir.path()) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains(&secret),
            "{} holds the secret",
            path.display()
        );
    }

    click(&mut harness, "Remove…");
    click(&mut harness, "Remove profile");
    wait_for(&mut harness, "the removal", |h| {
        h.state().profile_names().is_empty()
    });
    assert_eq!(
        keychain.store.get(&profile, &SecretKind::ClientSecret),
        Ok(None)
    );
}
