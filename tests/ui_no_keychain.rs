//! The window when no keychain answers: a banner says so once, plainly, and secrets stay in
//! memory for the session, never in a file. The session bus is pointed at nothing for this
//! test binary alone (its only test), so no keychain — the developer's included — is reached.

mod ui_common;

use tokenscope::worker::ServerSetup;
use ui_common::servers::{add_profile, click};
use ui_common::{labels_containing, wait_for, window_with};

#[test]
fn without_a_keychain_a_banner_says_so_and_secrets_stay_in_memory() {
    // SAFETY: the only test of this binary, run before any thread of ours reads the
    // environment (the window and its worker start below).
    unsafe {
        std::env::set_var(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/tokenscope-bus",
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let (mut harness, _clock) = window_with(ServerSetup {
        profiles_path: Some(dir.path().join("profiles.toml")),
        secrets: None,
        scratch_dir: None,
    });
    wait_for(&mut harness, "the keychain banner", |h| {
        !labels_containing(h, "Keychain: no OS keychain answered").is_empty()
    });
    let banner = labels_containing(&harness, "Keychain: ").join(" ");
    assert!(
        banner.contains("kept in memory for this session only"),
        "{banner}"
    );
    // The bus is missing: the banner gives the server's words and what would fix it.
    assert!(banner.contains("tokenscope-bus"), "{banner}");
    assert!(
        banner.contains("make sure a Secret Service runs"),
        "{banner}"
    );

    add_profile(
        &mut harness,
        "mem",
        &[
            ("Issuer URL", "https://as.example"),
            ("Client ID", "c"),
            ("Client secret", "memory-only-secret"),
        ],
    );
    let file = std::fs::read_to_string(dir.path().join("profiles.toml")).unwrap();
    assert!(file.contains("[profiles.mem]") && !file.contains("memory-only-secret"));

    click(&mut harness, "Understood");
    assert!(labels_containing(&harness, "Keychain: ").is_empty());
}
