//! Managing profiles in the Servers area: export copies TOML without the secret, import adds
//! profiles, duplicate makes a copy under a new name, and renaming moves the stored secret.

mod ui_common;

use std::sync::Arc;

use egui_kittest::kittest::Queryable as _;
use tokenscope::profiles::ProfileName;
use tokenscope::secrets::{MemoryStore, SecretKind, SecretStore};
use tokenscope::worker::ServerSetup;
use ui_common::servers::{add_profile, click, type_into};
use ui_common::{labels_containing, wait_for, window, window_with};

fn copied(harness: &egui_kittest::Harness<'_, tokenscope::ui::App>) -> Vec<String> {
    harness
        .output()
        .platform_output
        .commands
        .iter()
        .filter_map(|c| match c {
            egui::OutputCommand::CopyText(t) => Some(t.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn export_copies_toml_without_the_secret_and_import_adds_profiles() {
    let (mut harness, _clock) = window();
    harness.run();
    add_profile(
        &mut harness,
        "first",
        &[
            ("Issuer URL", "https://as.example"),
            ("Client ID", "client-one"),
            ("Client secret", "do-not-export-me"),
        ],
    );
    harness.get_by_label("Export").click();
    harness.step();
    let text = copied(&harness).join("\n");
    assert!(
        text.contains("[profiles.first]") && text.contains("client-one"),
        "{text}"
    );
    assert!(!text.contains("do-not-export-me"), "{text}");
    harness.run_steps(2);

    click(&mut harness, "Import…");
    let imported = text
        .replace("first", "second")
        .replace("client-one", "client-two");
    type_into(&mut harness, "Profiles TOML", &imported);
    click(&mut harness, "Import");
    wait_for(&mut harness, "the import", |h| {
        h.state().profile_names() == ["first", "second"]
    });
    assert!(!labels_containing(&harness, "Imported second").is_empty());

    // The same names again are refused, and nothing is added.
    click(&mut harness, "Import…");
    type_into(&mut harness, "Profiles TOML", &imported);
    click(&mut harness, "Import");
    wait_for(&mut harness, "the refusal", |h| {
        !labels_containing(h, "already exists").is_empty()
    });
    assert_eq!(harness.state().profile_names(), ["first", "second"]);
}

#[test]
fn duplicate_then_rename_moves_the_stored_secret() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(MemoryStore::new());
    let (mut harness, _clock) = window_with(ServerSetup {
        profiles_path: Some(dir.path().join("profiles.toml")),
        secrets: Some(store.clone()),
        scratch_dir: None,
    });
    harness.run();
    add_profile(
        &mut harness,
        "prod",
        &[
            ("Issuer URL", "https://as.example"),
            ("Client ID", "cli"),
            ("Client secret", "prod-secret"),
        ],
    );
    click(&mut harness, "Duplicate");
    assert!(!labels_containing(&harness, "New server profile").is_empty());
    click(&mut harness, "Save profile");
    wait_for(&mut harness, "the copy", |h| {
        h.state().profile_names() == ["prod", "prod-copy"]
    });

    // Open prod again and rename it: its secret follows the new name.
    harness
        .get_all_by_label("prod")
        .next()
        .expect("prod in the list")
        .click();
    harness.run_steps(2);
    click(&mut harness, "Edit");
    harness.get_by_label("Name").focus();
    harness.run_steps(1);
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.run_steps(1);
    harness.get_by_label("Name").type_text("staging");
    harness.run_steps(2);
    click(&mut harness, "Save profile");
    wait_for(&mut harness, "the rename", |h| {
        h.state().profile_names() == ["prod-copy", "staging"]
    });
    let secret = |n: &str| {
        store
            .get(&ProfileName::new(n).unwrap(), &SecretKind::ClientSecret)
            .unwrap()
            .map(|s| s.reveal().to_string())
    };
    assert_eq!(secret("staging").as_deref(), Some("prod-secret"));
    assert_eq!(secret("prod"), None);
    let file = std::fs::read_to_string(dir.path().join("profiles.toml")).unwrap();
    assert!(!file.contains("prod-secret"), "{file}");
}
