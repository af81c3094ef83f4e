//! Secret stores: the real OS keychain (gnome-keyring's Secret Service on the private D-Bus
//! session that `scripts/test` starts) and the memory store pass the same tests. Outside
//! `scripts/test` the keychain tests are skipped, saying so, so that a developer's own
//! keyring is never written to by a test.

use std::process::Command;

use tokenscope::profiles::ProfileName;
use tokenscope::secrets::{self, MemoryStore, SERVICE, SecretKind, SecretStore};
use tokenscope::sensitive::Sensitive;

/// The real keychain, or `None` (with a note) outside `scripts/test`. Under `scripts/test`
/// the keychain must answer: a fallback to memory there is a failure.
fn keychain() -> Option<std::sync::Arc<dyn SecretStore>> {
    if std::env::var_os("TOKENSCOPE_TEST_INNER").is_none() {
        eprintln!("skipped: the keychain tests run under scripts/test (a private gnome-keyring)");
        return None;
    }
    let opened = secrets::open();
    if let Some(warning) = opened.warning {
        panic!("scripts/test started gnome-keyring, yet: {warning}");
    }
    assert!(opened.store.is_persistent());
    Some(opened.store)
}

/// A profile name no other test uses.
fn unique(test: &str) -> ProfileName {
    ProfileName::new(&format!("{test}-{}", std::process::id())).unwrap()
}

/// What `secret-tool` (libsecret, not our code) finds in the Secret Service.
fn secret_tool_lookup(account: &str) -> Option<String> {
    let output = Command::new("secret-tool")
        .args(["lookup", "service", SERVICE, "username", account])
        .output()
        .expect("secret-tool runs (scripts/install-deps test installs libsecret-tools)");
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

fn set_get_replace_delete(store: &dyn SecretStore, profile: &ProfileName) {
    let kind = SecretKind::ClientSecret;
    assert_eq!(
        store.get(profile, &kind).unwrap(),
        None,
        "nothing stored yet"
    );
    let first = Sensitive::from("first secret ✓ with = and & and spaces");
    store.set(profile, &kind, &first).unwrap();
    assert_eq!(store.get(profile, &kind).unwrap(), Some(first.clone()));

    let second = Sensitive::from("second");
    store.set(profile, &kind, &second).unwrap();
    assert_eq!(store.get(profile, &kind).unwrap(), Some(second));

    // Kinds and profiles are kept apart.
    let pinned = SecretKind::PinnedToken("t-1".into());
    assert_eq!(store.get(profile, &SecretKind::RefreshToken).unwrap(), None);
    store.set(profile, &pinned, &first).unwrap();
    assert_eq!(store.get(profile, &pinned).unwrap(), Some(first));
    let other = ProfileName::new(&format!("{profile}-other")).unwrap();
    assert_eq!(store.get(&other, &kind).unwrap(), None);

    assert!(store.delete(profile, &kind).unwrap());
    assert_eq!(store.get(profile, &kind).unwrap(), None);
    assert!(!store.delete(profile, &kind).unwrap(), "deleted twice");
    assert!(store.delete(profile, &pinned).unwrap());
}

#[test]
fn memory_store_sets_gets_replaces_and_deletes() {
    set_get_replace_delete(&MemoryStore::new(), &unique("memory"));
}

#[test]
fn keychain_sets_gets_replaces_and_deletes() {
    let Some(store) = keychain() else { return };
    let profile = unique("keychain");
    set_get_replace_delete(&*store, &profile);
}

#[test]
fn a_keychain_secret_is_in_the_secret_service_and_survives_a_new_store() {
    let Some(store) = keychain() else { return };
    let profile = unique("restart");
    let secret = Sensitive::from("survives-a-restart-8f2a");
    store
        .set(&profile, &SecretKind::RefreshToken, &secret)
        .unwrap();
    drop(store);

    let account = SecretKind::RefreshToken.account(&profile);
    assert_eq!(
        secret_tool_lookup(&account).as_deref(),
        Some(secret.reveal())
    );
    let again = keychain().expect("the keychain answered a moment ago");
    assert_eq!(
        again.get(&profile, &SecretKind::RefreshToken).unwrap(),
        Some(secret)
    );
    assert!(again.delete(&profile, &SecretKind::RefreshToken).unwrap());
    assert_eq!(secret_tool_lookup(&account), None);
}

#[test]
fn a_memory_secret_does_not_outlive_its_store() {
    let profile = unique("memory-restart");
    let store = MemoryStore::new();
    assert!(!store.is_persistent());
    store
        .set(&profile, &SecretKind::Password, &Sensitive::from("pw"))
        .unwrap();
    drop(store);
    assert_eq!(
        MemoryStore::new()
            .get(&profile, &SecretKind::Password)
            .unwrap(),
        None
    );
}

#[test]
fn a_store_with_a_limit_refuses_a_larger_secret_and_keeps_the_old_one() {
    let profile = unique("limit");
    let store = MemoryStore::with_limit(secrets::WINDOWS_MAX_SECRET_BYTES);
    let old = Sensitive::from("old");
    store
        .set(&profile, &SecretKind::PinnedToken("big".into()), &old)
        .unwrap();
    let big = Sensitive::from("x".repeat(4000));
    let err = store
        .set(&profile, &SecretKind::PinnedToken("big".into()), &big)
        .unwrap_err();
    assert!(
        err.to_string().contains("4000 bytes") && err.to_string().contains("at most 2560"),
        "{err}"
    );
    assert_eq!(
        store
            .get(&profile, &SecretKind::PinnedToken("big".into()))
            .unwrap(),
        Some(old)
    );
}

#[test]
fn a_keychain_that_does_not_answer_in_time_leaves_secrets_in_memory_with_a_warning() {
    // Only under scripts/test: the probe still runs to its end, against the test keyring.
    if keychain().is_none() {
        return;
    }
    // No D-Bus round trip finishes in no time: this is the locked keychain whose unlock
    // prompt nobody answers.
    let opened = secrets::open_with_timeout(std::time::Duration::ZERO);
    let warning = opened.warning.expect("a warning, not a wait");
    assert!(
        warning.to_string().contains("did not answer within 0 s"),
        "{warning}"
    );
    assert!(!opened.store.is_persistent());
    set_get_replace_delete(&*opened.store, &unique("timeout"));
}
