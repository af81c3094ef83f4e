//! The workspace panel: adding tokens (paste, token response, dropped file, sample), renaming,
//! removing, and what is saved between runs.

mod ui_common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use eframe::App as _;
use egui::Key;
use egui_kittest::kittest::Queryable as _;
use serde_json::json;
use ui_common::{NOW, fresh_token, labels_containing, paste, token, wait_for, window};

#[test]
fn removing_a_token_removes_it() {
    let (mut harness, _clock) = window();
    paste(&mut harness, &fresh_token());
    paste(&mut harness, &token(json!({"sub": "bob", "exp": NOW + 60})));
    assert_eq!(harness.state().entry_labels(), ["Access token", "JWT"]);
    assert!(!labels_containing(&harness, "bob").is_empty());

    // The second one is selected; its Remove button is the only one shown.
    harness.get_by_label("Remove").click();
    harness.run();
    assert_eq!(harness.state().entry_labels(), ["Access token"]);
    assert!(labels_containing(&harness, "bob").is_empty());
    // The remaining token is selected and shown.
    assert!(!labels_containing(&harness, "alice").is_empty());

    harness.get_by_label("Clear all…").click();
    harness.run();
    harness.get_by_label("Clear all").click();
    harness.run();
    assert!(harness.state().entry_labels().is_empty());
    harness.get_by_label("Paste a token to inspect it");
}

#[test]
fn a_token_response_becomes_a_group_of_entries() {
    let (mut harness, _clock) = window();
    let id_token = token(
        json!({"iss": "https://issuer.test/", "sub": "alice", "aud": "client", "nonce": "n", "iat": NOW, "exp": NOW + 300}),
    );
    let response = json!({
        "access_token": fresh_token(),
        "token_type": "Bearer",
        "expires_in": 600,
        "id_token": id_token,
        "refresh_token": "8xLOxBtZp8",
    });
    paste(&mut harness, &response.to_string());
    assert_eq!(
        harness.state().entry_labels(),
        ["Access token", "ID token", "Refresh token"]
    );
    assert!(!labels_containing(&harness, "Token response · ").is_empty());
    assert!(!labels_containing(&harness, "Added 3 tokens from the clipboard").is_empty());
    assert!(!labels_containing(&harness, "token endpoint response JSON").is_empty());
}

#[test]
fn renaming_keeps_the_new_name() {
    let (mut harness, _clock) = window();
    paste(&mut harness, &fresh_token());
    harness.get_by_label("Rename").click();
    harness.run();
    let field = harness.get_by_label("New name");
    field.focus();
    field.type_text(" for staging");
    harness.run();
    harness.key_press(Key::Enter);
    harness.run();
    assert_eq!(harness.state().entry_labels(), ["Access token for staging"]);
}

#[test]
fn the_sample_tokens_load_and_verify() {
    let (mut harness, _clock) = window();
    harness.get_by_label("Paste a token to inspect it");
    // The big button in the middle (the toolbar has one too).
    let buttons: Vec<_> = harness
        .get_all_by_role_and_label(egui::Role::Button, "Try a sample token")
        .collect();
    buttons.last().unwrap().click();
    wait_for(&mut harness, "the samples", |h| {
        h.state().entry_labels().len() == 2
    });
    assert_eq!(
        harness.state().entry_labels(),
        ["Sample access token", "Sample ID token (expired)"]
    );
    // The public key is pre-filled and verification runs through the worker.
    wait_for(&mut harness, "the verdict", |h| {
        !labels_containing(h, "signature valid").is_empty()
    });
    assert!(!labels_containing(&harness, "expires in 10 min 00 s").is_empty());
    assert!(
        !labels_containing(&harness, "expired 2 h ago").is_empty(),
        "the ID token's badge"
    );
}

#[test]
fn a_dropped_file_is_read_by_the_worker_and_added() {
    let (mut harness, _clock) = window();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("token.txt");
    std::fs::write(&path, format!("Bearer {}\n", fresh_token())).unwrap();
    harness
        .input_mut()
        .dropped_files
        .push(Arc::new(DroppedPath(path)));
    harness.step();
    wait_for(&mut harness, "the dropped token", |h| {
        h.state().entry_labels().len() == 1
    });
    assert!(!labels_containing(&harness, "alice").is_empty());
    assert!(!labels_containing(&harness, "Added a token from token.txt").is_empty());
}

#[test]
fn files_named_when_the_window_starts_are_opened_like_dropped_ones() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("token.txt");
    std::fs::write(&path, fresh_token()).unwrap();
    let launch = tokenscope::ui::LaunchOptions {
        files: vec![path],
        ..Default::default()
    };
    let (mut harness, _clock) = ui_common::window_launched(launch, isolated(dir.path()));
    wait_for(&mut harness, "the token from the file", |h| {
        h.state().entry_labels().len() == 1
    });
    assert!(!labels_containing(&harness, "alice").is_empty());
    assert!(!labels_containing(&harness, "Added a token from token.txt").is_empty());
}

#[test]
fn a_launch_with_files_says_what_it_opens_instead_of_flashing_the_first_run_page() {
    let dir = tempfile::tempdir().unwrap();
    let plain = ui_common::first_frame_text(Default::default(), isolated(dir.path()));
    assert!(
        plain.iter().any(|t| t == "Paste a token to inspect it"),
        "{plain:?}"
    );
    assert!(
        plain.iter().any(|t| t.starts_with("No tokens yet")),
        "{plain:?}"
    );

    let good = dir.path().join("token.txt");
    std::fs::write(&good, fresh_token()).unwrap();
    let launch = tokenscope::ui::LaunchOptions {
        files: vec![good, dir.path().join("gone.txt")],
        open_sample: true,
    };
    let first = ui_common::first_frame_text(launch.clone(), isolated(dir.path()));
    assert!(
        !first.iter().any(|t| t.starts_with("Paste a token")),
        "{first:?}"
    );
    assert!(
        !first.iter().any(|t| t.starts_with("No tokens yet")),
        "{first:?}"
    );
    assert!(
        first.iter().any(|t| t == "Signing the samples…"),
        "{first:?}"
    );
    assert!(first.iter().any(|t| t == "Opening 2 files…"), "{first:?}");

    let (harness, _clock) = ui_common::window_launched(launch, isolated(dir.path()));
    // Whichever landed first is first in the list.
    let mut labels = harness.state().entry_labels();
    labels.sort();
    assert_eq!(
        labels,
        [
            "Access token",
            "Sample ID token (expired)",
            "Sample access token"
        ]
    );
    assert!(harness.query_by_label("Opening 2 files…").is_none());
}

#[test]
fn when_the_launch_brings_nothing_the_first_run_page_follows() {
    let dir = tempfile::tempdir().unwrap();
    let launch = tokenscope::ui::LaunchOptions {
        files: vec![dir.path().join("gone.txt")],
        ..Default::default()
    };
    let first = ui_common::first_frame_text(launch.clone(), isolated(dir.path()));
    assert!(first.iter().any(|t| t == "Opening the file…"), "{first:?}");

    let (harness, _clock) = ui_common::window_launched(launch, isolated(dir.path()));
    harness.get_by_label("Paste a token to inspect it");
    assert!(!labels_containing(&harness, "No tokens yet").is_empty());
    assert!(harness.query_by_label("Opening the file…").is_none());
    assert!(!labels_containing(&harness, "Cannot use gone.txt").is_empty());
}

/// Profiles, secrets and scratch files under `dir`, never the user's.
fn isolated(dir: &Path) -> tokenscope::worker::ServerSetup {
    tokenscope::worker::ServerSetup {
        profiles_path: Some(dir.join("profiles.toml")),
        secrets: Some(Arc::new(tokenscope::secrets::MemoryStore::new())),
        scratch_dir: Some(dir.to_path_buf()),
    }
}

#[test]
fn saved_state_holds_no_token_and_no_secret() {
    let (mut harness, _clock) = window();
    let token = fresh_token();
    paste(&mut harness, &token);
    harness.get_by_label("Key from").click();
    harness.run();
    harness.get_by_label("HMAC secret").click();
    harness.run();
    let secret = harness.get_by_label("Secret");
    secret.focus();
    secret.type_text("hunter2-very-secret");
    harness.run();
    let mut storage = MemoryStorage::default();
    harness.state_mut().save(&mut storage);
    let saved = storage.0.values().cloned().collect::<Vec<_>>().join("\n");
    assert!(saved.contains("presenter"), "settings are saved: {saved}");
    assert!(!saved.contains(&token[..30]), "a token was saved: {saved}");
    assert!(!saved.contains("hunter2"), "a secret was saved: {saved}");
    assert!(
        !harness.state().persist_egui_memory(),
        "egui memory holds text-field contents"
    );
}

/// A file dropped on the window, as the platform integration hands it over.
#[derive(Debug)]
struct DroppedPath(PathBuf);

impl egui::DroppedFile for DroppedPath {
    fn path(&self) -> &Path {
        &self.0
    }
    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

#[derive(Default)]
struct MemoryStorage(HashMap<String, String>);

impl eframe::Storage for MemoryStorage {
    fn get_string(&self, key: &str) -> Option<String> {
        self.0.get(key).cloned()
    }
    fn set_string(&mut self, key: &str, value: String) {
        self.0.insert(key.to_string(), value);
    }
    fn remove_string(&mut self, key: &str) {
        self.0.remove(key);
    }
    fn flush(&mut self) {}
}

#[test]
fn the_keyboard_moves_the_selection_and_removes() {
    let (mut harness, _clock) = window();
    paste(&mut harness, &fresh_token());
    paste(&mut harness, &token(json!({"sub": "bob", "exp": NOW + 60})));
    // Click the first card, as a user would; the card then holds keyboard focus.
    let cards: Vec<_> = harness.get_all_by_role(egui::Role::ListBoxOption).collect();
    cards[0].click();
    harness.run();
    assert!(!labels_containing(&harness, "alice").is_empty());
    harness.key_press(Key::ArrowDown);
    harness.run();
    assert!(!labels_containing(&harness, "bob").is_empty());
    harness.key_press(Key::Delete);
    harness.run();
    assert_eq!(harness.state().entry_labels(), ["Access token"]);
}

#[test]
fn a_refresh_token_is_masked_until_revealed() {
    let (mut harness, _clock) = window();
    let refresh = "8xLOxBtZp8q2Wv7nR4kS1mD9fH3jL6cT";
    let response = json!({"access_token": fresh_token(), "refresh_token": refresh});
    paste(&mut harness, &response.to_string());
    // The card in the workspace comes first; the second match is the group's summary.
    harness
        .query_all_by_label("Refresh token")
        .next()
        .expect("the refresh token's card")
        .click();
    harness.run();
    harness.get_by_label("Raw").click();
    harness.run();
    assert!(
        labels_containing(&harness, refresh).is_empty(),
        "shown in full before reveal"
    );
    assert!(
        !labels_containing(&harness, "8xLO").is_empty(),
        "first four characters shown"
    );
    harness.get_by_label("Show refresh token").click();
    harness.run();
    assert!(
        !labels_containing(&harness, refresh).is_empty(),
        "shown after reveal"
    );
}

#[test]
fn the_paste_button_says_so_when_the_clipboard_holds_no_text() {
    let (mut harness, _clock) = window();
    harness
        .get_all_by_role_and_label(egui::Role::Button, "Paste")
        .next()
        .unwrap()
        .click();
    harness.run();
    assert!(
        !labels_containing(&harness, "The clipboard holds no text").is_empty(),
        "no word on an empty clipboard"
    );
    // A paste that does arrive is added, and says nothing of an empty clipboard.
    harness
        .get_all_by_role_and_label(egui::Role::Button, "Paste")
        .next()
        .unwrap()
        .click();
    harness.step();
    harness.event(egui::Event::Paste(fresh_token()));
    harness.run();
    assert_eq!(harness.state().entry_labels().len(), 1);
    assert!(labels_containing(&harness, "The clipboard holds no text").is_empty());
}

#[test]
fn no_keychain_switch_is_offered_before_keychain_storage_works() {
    let (mut harness, _clock) = window();
    paste(&mut harness, &fresh_token());
    assert!(
        harness
            .query_by_label_contains("Keep in keychain")
            .is_none()
    );
}
