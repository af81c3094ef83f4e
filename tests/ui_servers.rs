//! The window talking to servers, as a user drives it: a profile added in the Servers area
//! (its secret masked until revealed), removed; a token fetched from the real test server
//! (node-oidc-provider), introspected, refreshed with rotation; the introspection set against
//! the claims with differences flagged; a stalled request that leaves the window running and
//! is cancelled. Secrets stay in the memory store (`App::new_for_test`).

#[path = "support/oidc.rs"]
mod oidc;
mod ui_common;
mod util;

use std::time::Duration;

use egui_kittest::kittest::{NodeT as _, Queryable as _};
use serde_json::json;
use ui_common::servers::{add_profile, attach, click, secret_value, server_tab, settle, type_into};
use ui_common::{NOW, fresh_token, labels_containing, paste, wait_for, window};
use util::http_server::{Reply, TestServer};

#[test]
fn a_profile_is_added_its_secret_revealed_and_masked_and_removed() {
    let (mut harness, _clock) = window();
    harness.run();
    click(&mut harness, "New profile");
    type_into(&mut harness, "Name", "staging");
    type_into(&mut harness, "Issuer URL", "https://login.example.com");
    type_into(&mut harness, "Client ID", "inspector");
    type_into(&mut harness, "Client secret", "s3cret-value");
    assert!(
        !secret_value(&harness).contains("s3cret"),
        "masked while typed"
    );

    click(&mut harness, "Reveal");
    assert_eq!(secret_value(&harness), "s3cret-value");
    click(&mut harness, "Mask");
    assert!(!secret_value(&harness).contains("s3cret"), "masked again");

    click(&mut harness, "Save profile");
    wait_for(&mut harness, "the saved profile", |h| {
        h.state().profile_names() == ["staging"]
    });
    // Saved, it opens: no secret is shown anywhere on its page.
    assert!(!labels_containing(&harness, "login.example.com").is_empty());
    assert!(labels_containing(&harness, "s3cret").is_empty());

    click(&mut harness, "Remove…");
    click(&mut harness, "Remove profile");
    wait_for(&mut harness, "the removal", |h| {
        h.state().profile_names().is_empty()
    });
    assert!(!labels_containing(&harness, "No server profiles yet").is_empty());
}

#[test]
fn presenter_mode_keeps_the_secret_masked() {
    let (mut harness, _clock) = window();
    harness.run();
    click(&mut harness, "New profile");
    type_into(&mut harness, "Client secret", "s3cret-value");
    harness.key_press_modifiers(
        egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
        egui::Key::P,
    );
    harness.run_steps(2);
    // Reveal is disabled: a click does nothing.
    click(&mut harness, "Reveal");
    assert!(!secret_value(&harness).contains("s3cret"));
}

#[test]
fn fetch_then_introspect_against_the_real_server() {
    let op = oidc::OidcServer::start("a");
    let (mut harness, _clock) = window();
    harness.run();
    add_profile(
        &mut harness,
        "local",
        &[
            ("Issuer URL", &op.issuer),
            ("Client ID", "cc-client"),
            ("Client secret", "cc-secret"),
            ("Scopes", "api:read"),
            ("Resources", "urn:tokenscope:opaque"),
        ],
    );
    click(&mut harness, "Discover");
    wait_for(&mut harness, "discovery", |h| {
        !labels_containing(h, "/token/introspection").is_empty()
    });
    // What the server advertises, from its metadata.
    assert!(!labels_containing(&harness, "authorization_code").is_empty());

    click(&mut harness, "Fetch");
    wait_for(&mut harness, "the token", |h| {
        !h.state().entry_labels().is_empty()
    });
    assert_eq!(harness.state().entry_labels(), ["Access token"]);
    // An opaque token counts down from expires_in at its arrival.
    assert!(!labels_containing(&harness, "Opaque token").is_empty());
    assert!(labels_containing(&harness, "lifetime unknown").is_empty());

    click(&mut harness, "Introspect");
    settle(&mut harness, "the introspection");
    server_tab(&mut harness);
    assert!(
        labels_containing(&harness, "active")
            .iter()
            .any(|l| l == "active")
    );
    assert!(
        !labels_containing(&harness, "cc-client").is_empty(),
        "the server's client_id"
    );

    // The exchange log has the token request, redacted.
    harness
        .query_all_by_label_contains("Show exchange log (")
        .next()
        .unwrap()
        .click();
    harness.run_steps(2);
    assert!(!labels_containing(&harness, "/token/introspection").is_empty());
}

#[test]
fn introspection_is_set_against_the_claims_and_differences_are_flagged() {
    let stub = TestServer::start(|path| match path {
        "/introspect" => Reply::json(&json!({
            "active": true, "sub": "alice", "scope": "orders:read orders:write",
            "exp": NOW + 60, "client_id": "c"
        })),
        _ => Reply::new(404, "text/plain", "no"),
    });
    let (mut harness, _clock) = window();
    harness.run();
    add_profile(
        &mut harness,
        "stub",
        &[
            ("Issuer URL", &stub.base),
            ("Client ID", "c"),
            ("Client secret", "s"),
            ("introspection endpoint", &stub.url("/introspect")),
        ],
    );
    paste(&mut harness, &fresh_token());
    attach(&mut harness, "stub");
    click(&mut harness, "Introspect");
    settle(&mut harness, "the introspection");
    server_tab(&mut harness);
    let flagged = labels_containing(&harness, "differs: ");
    assert!(flagged.iter().any(|l| l.contains("scope")), "{flagged:?}");
    assert!(flagged.iter().any(|l| l.contains("exp")), "{flagged:?}");
    assert!(
        !flagged.iter().any(|l| l.contains("sub")),
        "sub agrees: {flagged:?}"
    );
}

#[test]
fn an_inactive_token_is_an_answer_in_words() {
    let stub = TestServer::start(|_| Reply::json(&json!({"active": false})));
    let (mut harness, _clock) = window();
    harness.run();
    add_profile(
        &mut harness,
        "stub",
        &[
            ("Issuer URL", &stub.base),
            ("Client ID", "c"),
            ("Client secret", "s"),
            ("introspection endpoint", &stub.url("/introspect")),
        ],
    );
    paste(&mut harness, &fresh_token());
    attach(&mut harness, "stub");
    click(&mut harness, "Introspect");
    settle(&mut harness, "the introspection");
    server_tab(&mut harness);
    assert!(
        !labels_containing(
            &harness,
            "inactive: revoked, expired or unknown to this server"
        )
        .is_empty()
    );
}

#[test]
fn the_rotation_timeline_grows_on_each_refresh() {
    let op = oidc::OidcServer::start("a");
    let (mut harness, _clock) = window();
    harness.run();
    add_profile(
        &mut harness,
        "pw",
        &[
            ("Issuer URL", &op.issuer),
            ("Client ID", "password-client"),
            ("Client secret", "password-secret"),
            ("Scopes", "openid profile"),
        ],
    );
    harness.get_by_label("Grant").click();
    harness.run_steps(2);
    click(&mut harness, "password (legacy)");
    assert!(!labels_containing(&harness, "Legacy: the password grant").is_empty());
    type_into(&mut harness, "Username", "tester");
    type_into(&mut harness, "Password", "tester-password");
    click(&mut harness, "Fetch");
    wait_for(&mut harness, "the tokens", |h| {
        h.state().entry_labels().len() >= 2
    });
    assert!(
        harness
            .state()
            .entry_labels()
            .contains(&"Refresh token".to_string())
    );

    server_tab(&mut harness);
    assert!(!labels_containing(&harness, "No refresh yet.").is_empty());
    for rows in 1..=2 {
        click(&mut harness, "Refresh");
        wait_for(&mut harness, "the refresh", |h| {
            h.state().background_jobs() == 0 && h.state().server_jobs() == 0
        });
        let arrows = labels_containing(&harness, " → ");
        assert_eq!(arrows.len(), rows, "{arrows:?}");
    }
    // Rotated: two different fingerprints on each row.
    for row in labels_containing(&harness, " → ") {
        let (old, new) = row.split_once(" → ").unwrap();
        assert_ne!(old, new);
    }
}

#[test]
fn a_stalled_request_leaves_the_window_running_and_cancel_stops_it() {
    let stalled = TestServer::start(|_| Reply {
        delay: Some(Duration::from_secs(60)),
        ..Reply::json(&json!({}))
    });
    let (mut harness, _clock) = window();
    harness.run();
    add_profile(
        &mut harness,
        "slow",
        &[
            ("Issuer URL", &stalled.base),
            ("Client ID", "c"),
            ("Client secret", "s"),
            ("token endpoint", &stalled.url("/token")),
        ],
    );
    click(&mut harness, "Fetch");
    // Frames keep coming while the server says nothing; the window answers input.
    for _ in 0..20 {
        harness.step();
        std::thread::sleep(Duration::from_millis(25));
    }
    assert!(!labels_containing(&harness, "fetching…").is_empty());
    click(&mut harness, "Edit");
    assert!(!labels_containing(&harness, "Edit profile slow").is_empty());
    click(&mut harness, "Cancel");
    click(&mut harness, "Cancel");
    harness.run();
    assert!(labels_containing(&harness, "fetching…").is_empty());
    assert_eq!(harness.state().background_jobs(), 0);
    assert!(harness.state().entry_labels().is_empty());
}

#[test]
fn a_stalled_introspection_shows_a_spinner_on_the_token_and_cancel_stops_it() {
    let stalled = TestServer::start(|_| Reply {
        delay: Some(Duration::from_secs(60)),
        ..Reply::json(&json!({}))
    });
    let (mut harness, _clock) = window();
    harness.run();
    add_profile(
        &mut harness,
        "slow",
        &[
            ("Issuer URL", &stalled.base),
            ("Client ID", "c"),
            ("Client secret", "s"),
            ("introspection endpoint", &stalled.url("/introspect")),
        ],
    );
    paste(&mut harness, &fresh_token());
    attach(&mut harness, "slow");
    click(&mut harness, "Introspect");
    for _ in 0..20 {
        harness.step();
        std::thread::sleep(Duration::from_millis(25));
    }
    assert!(!labels_containing(&harness, "introspecting…").is_empty());
    // The rest of the window still answers: the tabs switch while the call hangs.
    click(&mut harness, "Raw");
    click(&mut harness, "Checks & claims");
    click(&mut harness, "Cancel");
    harness.run();
    assert!(labels_containing(&harness, "introspecting…").is_empty());
    assert_eq!(harness.state().server_jobs(), 0);
    assert!(
        !harness
            .get_by_label("Introspect")
            .accesskit_node()
            .is_disabled()
    );
}

#[test]
fn a_fetched_token_has_its_token_request_in_the_flow_tab() {
    let op = oidc::OidcServer::start("a");
    let (mut harness, _clock) = window();
    add_profile(
        &mut harness,
        "machine",
        &[
            ("Issuer URL", &op.issuer),
            ("Client ID", "cc-client"),
            ("Client secret", "cc-secret"),
        ],
    );
    click(&mut harness, "Fetch");
    wait_for(&mut harness, "the token", |h| {
        !h.state().entry_labels().is_empty()
    });
    click(&mut harness, "Flow");
    harness.run();
    // The one step: who talked to whom, what for, and the request as sent (redacted).
    assert!(
        !labels_containing(&harness, "client authenticated at the token endpoint").is_empty(),
        "the Flow tab shows the token request"
    );
    assert!(!labels_containing(&harness, "no user is involved").is_empty());
    assert!(
        labels_containing(&harness, "cc-secret").is_empty(),
        "the client secret is never drawn"
    );
}
