//! The Flows window end to end, as a user drives it: open Flows, press Device login on a
//! profile, read the code (large, with its QR code), approve it on "another device"
//! (drive.js against the real test server), and see the flow finish with its tokens in the
//! workspace, where the token's Flow tab shows the same steps. A profile's page starts the
//! same flows from its Fetch area.

#[path = "support/oidc.rs"]
mod oidc;
mod ui_common;
mod util;

use egui_kittest::kittest::Queryable as _;
use std::sync::Arc;

use tokenscope::secrets::MemoryStore;
use tokenscope::worker::ServerSetup;
use ui_common::servers::{add_profile, click, type_into};
use ui_common::{labels_containing, wait_for, window, window_with};

#[test]
fn a_device_login_from_the_flows_window_ends_with_its_tokens_in_the_workspace() {
    let op = oidc::OidcServer::start("a");
    let config = tempfile::tempdir().unwrap();
    let add = util::tokenscope_with(
        &[
            "profile",
            "add",
            "tv",
            "--issuer",
            &op.issuer,
            "--client-id",
            "public-client",
            "--auth-method",
            "none",
            "--scope",
            "openid email",
        ],
        "",
        &[("TOKENSCOPE_CONFIG_DIR", config.path().as_os_str())],
    );
    assert_eq!(add.status, 0, "{}{}", add.stdout, add.stderr);
    let (mut harness, _clock) = window_with(ServerSetup {
        profiles_path: Some(config.path().join("profiles.toml")),
        secrets: Some(Arc::new(MemoryStore::new())),
        scratch_dir: None,
    });
    harness.get_by_label("Flows").click();
    wait_for(&mut harness, "the profiles", |h| {
        h.query_by_label("Device login").is_some()
    });
    harness.get_by_label("Device login").click();
    let qr = format!("QR code for {}/device?user_code=", op.issuer);
    wait_for(&mut harness, "the device code", |h| {
        !labels_containing(h, &qr).is_empty()
    });
    let label = labels_containing(&harness, &qr).remove(0);
    let code = label.rsplit('=').next().unwrap().to_string();
    assert!(!labels_containing(&harness, "the code expires in").is_empty());
    assert!(harness.get_all_by_label(&code).count() >= 1);

    let out = std::process::Command::new(std::env::var_os("NODE").unwrap_or_else(|| "node".into()))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["tests/oidc-server/drive.js", "device", &op.issuer, &code])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    wait_for(&mut harness, "the tokens", |h| {
        !h.state().entry_labels().is_empty()
    });
    assert!(!labels_containing(&harness, "tv: Device authorization (done)").is_empty());
    assert!(!labels_containing(&harness, "ID token checked").is_empty());
    // Where the refresh token went (here the memory store).
    assert!(!labels_containing(&harness, "the refresh token is").is_empty());
    // The code is gone from the screen once used.
    assert!(labels_containing(&harness, &qr).is_empty());

    // The flow stays next to its tokens: the token's Flow tab replays how it came to be.
    // The toolbar's toggle (the window's title says "Flows" too) closes the window.
    harness
        .get_by_role_and_label(egui::accesskit::Role::Button, "Flows")
        .click();
    harness.run_steps(3);
    assert!(labels_containing(&harness, "1. device code issued").is_empty());
    harness.get_by_label("Flow").click();
    harness.run_steps(3);
    assert!(!labels_containing(&harness, "1. device code issued").is_empty());
    assert!(!labels_containing(&harness, "ID token checked").is_empty());
    harness.get_by_label("Replay");

    // The login's tokens belong to the profile as a fetch's do: Refresh works on them and
    // its row joins the rotation timeline.
    assert!(
        harness
            .state()
            .entry_labels()
            .contains(&"Refresh token".to_string())
    );
    ui_common::servers::server_tab(&mut harness);
    assert!(!labels_containing(&harness, "No refresh yet.").is_empty());
    click(&mut harness, "Refresh");
    wait_for(&mut harness, "the refresh", |h| {
        h.state().background_jobs() == 0 && h.state().server_jobs() == 0
    });
    assert_eq!(labels_containing(&harness, " → ").len(), 1);
    // The new access token came from the refresh: its Flow tab shows that exchange now.
    harness.get_by_label("Flow").click();
    harness.run_steps(3);
    assert!(!labels_containing(&harness, "refresh token exchanged").is_empty());
}

#[test]
fn device_login_on_a_profiles_page_opens_the_flows_window_on_its_steps() {
    let op = oidc::OidcServer::start("a");
    let (mut harness, _clock) = window();
    harness.run();
    add_profile(
        &mut harness,
        "app",
        &[
            ("Issuer URL", &op.issuer),
            ("Client ID", "app-client"),
            ("Client secret", "app-secret"),
            ("Scopes", "openid"),
        ],
    );
    // The saved profile's page is open: its Fetch area has the login buttons, and what is
    // typed there counts for them.
    harness.get_by_label("Log in");
    type_into(&mut harness, "Scope", "openid email");
    click(&mut harness, "Device login");
    let qr = format!("QR code for {}/device?user_code=", op.issuer);
    wait_for(&mut harness, "the device code", |h| {
        !labels_containing(h, &qr).is_empty()
    });
    let label = labels_containing(&harness, &qr).remove(0);
    let code = label.rsplit('=').next().unwrap().to_string();
    let out = std::process::Command::new(std::env::var_os("NODE").unwrap_or_else(|| "node".into()))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["tests/oidc-server/drive.js", "device", &op.issuer, &code])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    wait_for(&mut harness, "the tokens", |h| {
        !h.state().entry_labels().is_empty()
    });
    assert!(!labels_containing(&harness, "app: Device authorization (done)").is_empty());
    // The device authorization request asked for the Fetch form's scope.
    harness
        .get_by_label_contains("/device/auth -> HTTP 200")
        .click();
    harness.run_steps(3);
    assert!(!labels_containing(&harness, "> scope=openid email").is_empty());
}
