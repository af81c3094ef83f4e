//! More of the window's server side: revoke then "Introspect now" against the real server
//! (node-oidc-provider); keep alive refreshing at 80 % of the lifetime and stopping at the
//! first failure; a token kept in the keychain coming back at the next start; an unreadable
//! profiles file as a banner; a button disabled with the reason the server gives; a skewed
//! server clock as a `clock` check.

#[path = "support/oidc.rs"]
mod oidc;
mod ui_common;
mod util;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use egui_kittest::kittest::{NodeT as _, Queryable as _};
use serde_json::json;
use tokenscope::profiles::ProfileName;
use tokenscope::secrets::{MemoryStore, SecretKind, SecretStore};
use tokenscope::worker::ServerSetup;
use ui_common::servers::{add_profile, attach, click, server_tab, settle};
use ui_common::{NOW, fresh_token, labels_containing, paste, token, wait_for, window, window_with};
use util::http_server::{Reply, Request, TestServer};

#[test]
fn revoke_then_introspect_now_says_inactive() {
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
            ("Resources", "urn:tokenscope:opaque"),
        ],
    );
    click(&mut harness, "Fetch");
    wait_for(&mut harness, "the token", |h| {
        !h.state().entry_labels().is_empty()
    });
    click(&mut harness, "Revoke");
    settle(&mut harness, "the revocation");
    assert!(!labels_containing(&harness, "The server accepted the revocation.").is_empty());
    click(&mut harness, "Introspect now");
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

/// A token endpoint that hands out a JWT living 100 s from the test clock's `iat` and a
/// rotating refresh token; `fail` makes refreshes answer invalid_grant.
fn token_stub(fail: Arc<AtomicBool>) -> TestServer {
    TestServer::start_with(move |r: &Request| {
        let form = r.form();
        let grant = form
            .iter()
            .find(|(k, _)| k == "grant_type")
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        let refreshing = grant == "refresh_token";
        if refreshing && fail.load(Ordering::SeqCst) {
            return Reply::new(
                400,
                "application/json",
                json!({"error": "invalid_grant", "error_description": "refresh token revoked"})
                    .to_string(),
            );
        }
        let iat = if refreshing { NOW + 81 } else { NOW };
        let n = if refreshing { 2 } else { 1 };
        Reply::json(&json!({
            "access_token": token(json!({"sub": "alice", "iat": iat, "exp": iat + 100, "n": n})),
            "token_type": "Bearer",
            "expires_in": 100,
            "refresh_token": format!("rt-{n}-{iat}"),
        }))
    })
}

#[test]
fn keep_alive_refreshes_at_80_percent_and_stops_at_the_first_failure() {
    let fail = Arc::new(AtomicBool::new(false));
    let stub = token_stub(Arc::clone(&fail));
    let (mut harness, clock) = window();
    harness.run();
    add_profile(
        &mut harness,
        "stub",
        &[
            ("Issuer URL", &stub.base),
            ("Client ID", "c"),
            ("Client secret", "s"),
            ("token endpoint", &stub.url("/token")),
        ],
    );
    click(&mut harness, "Fetch");
    wait_for(&mut harness, "the tokens", |h| {
        h.state().entry_labels().len() == 2
    });
    click(&mut harness, "Keep alive");
    assert!(
        !labels_containing(&harness, "auto-refresh in 1 min 20 s").is_empty(),
        "80 % of a 100 s lifetime: {:?}",
        labels_containing(&harness, "auto-refresh")
    );

    clock.advance_seconds(81);
    harness.step();
    settle(&mut harness, "the automatic refresh");
    server_tab(&mut harness);
    assert_eq!(labels_containing(&harness, " → ").len(), 1);
    assert!(
        labels_containing(&harness, "keep alive")
            .iter()
            .any(|l| l == "keep alive")
    );
    assert!(!labels_containing(&harness, "auto-refresh in").is_empty());

    fail.store(true, Ordering::SeqCst);
    clock.advance_seconds(81);
    harness.step();
    settle(&mut harness, "the failing refresh");
    let stopped = labels_containing(&harness, "keep alive stopped:");
    assert!(
        stopped.iter().any(|l| l.contains("invalid_grant")),
        "{stopped:?}"
    );
    // Stopped means stopped: time passing starts nothing more.
    let requests = stub.requests();
    clock.advance_seconds(300);
    harness.run_steps(5);
    assert_eq!(stub.requests(), requests);
}

#[test]
fn a_token_kept_in_the_keychain_comes_back_at_the_next_start() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(MemoryStore::new());
    let setup = ServerSetup {
        profiles_path: Some(dir.path().join("profiles.toml")),
        secrets: Some(store.clone()),
        scratch_dir: None,
    };
    let (mut harness, _clock) = window_with(setup.clone());
    harness.run();
    add_profile(
        &mut harness,
        "keep",
        &[("Issuer URL", "https://as.example"), ("Client ID", "c")],
    );
    let kept = fresh_token();
    paste(&mut harness, &kept);
    attach(&mut harness, "keep");
    click(&mut harness, "Keep in keychain");
    settle(&mut harness, "keeping");
    let file = std::fs::read_to_string(dir.path().join("profiles.toml")).unwrap();
    assert!(file.contains("pinned"), "{file}");
    assert!(!file.contains(&kept[..40]), "the token is not in the file");
    drop(harness);

    let setup_again = setup.clone();
    let (mut again, _clock) = window_with(setup);
    wait_for(&mut again, "the kept token", |h| {
        !h.state().entry_labels().is_empty()
    });
    assert_eq!(again.state().entry_labels(), ["Kept token (keep)"]);
    assert!(!labels_containing(&again, "alice").is_empty());

    // Switched off, it leaves the keychain: the next start has no token.
    click(&mut again, "Keep in keychain");
    settle(&mut again, "forgetting");
    let file = std::fs::read_to_string(dir.path().join("profiles.toml")).unwrap();
    assert!(!file.contains("pinned"), "{file}");
    drop(again);
    let (mut third, _clock) = window_with(setup_again);
    wait_for(&mut third, "the profiles", |h| {
        !h.state().profile_names().is_empty()
    });
    third.run_steps(3);
    assert!(third.state().entry_labels().is_empty());
    let name = ProfileName::new("keep").unwrap();
    assert_eq!(store.get(&name, &SecretKind::RefreshToken), Ok(None));
}

#[test]
fn an_unreadable_profiles_file_is_a_banner_with_its_line_and_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("profiles.toml");
    let text = "[profiles.a]\nissuer = \"https://as.example\"\nclient_id = 3\n";
    std::fs::write(&path, text).unwrap();
    let (mut harness, _clock) = window_with(ServerSetup {
        profiles_path: Some(path.clone()),
        secrets: Some(Arc::new(MemoryStore::new())),
        scratch_dir: None,
    });
    wait_for(&mut harness, "the banner", |h| {
        !labels_containing(h, "Profiles file unusable").is_empty()
    });
    let banner = labels_containing(&harness, "Profiles file unusable").join(" ");
    assert!(banner.contains("profiles.toml:3"), "{banner}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
}

#[test]
fn a_server_without_introspection_disables_the_button_and_says_why() {
    let stub = TestServer::start(|_| Reply::new(404, "text/plain", "no"));
    let base = stub.base.clone();
    stub.set(move |path| match path {
        "/.well-known/openid-configuration" => Reply::json(&json!({
            "issuer": base, "token_endpoint": format!("{base}/token"),
            "grant_types_supported": ["client_credentials"]
        })),
        _ => Reply::new(404, "text/plain", "no"),
    });
    let (mut harness, _clock) = window();
    harness.run();
    add_profile(
        &mut harness,
        "bare",
        &[
            ("Issuer URL", &stub.base),
            ("Client ID", "c"),
            ("Client secret", "s"),
        ],
    );
    click(&mut harness, "Discover");
    settle(&mut harness, "discovery");
    wait_for(&mut harness, "the endpoints", |h| {
        !labels_containing(h, "not advertised").is_empty()
    });
    paste(&mut harness, &fresh_token());
    attach(&mut harness, "bare");
    let introspect = harness.get_by_label("Introspect");
    assert!(introspect.accesskit_node().is_disabled());
    introspect.hover();
    // A tooltip waits for the pointer to rest.
    harness.run_steps(60);
    assert!(
        !labels_containing(&harness, "this server advertises no introspection endpoint").is_empty()
    );
    assert!(
        harness
            .get_by_label("Revoke")
            .accesskit_node()
            .is_disabled()
    );
}

#[test]
fn a_skewed_server_clock_becomes_a_clock_check_on_the_token() {
    let date = (chrono::Utc::now() + chrono::Duration::minutes(10))
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string();
    let stub = TestServer::start(move |_| {
        Reply::json(&json!({
            "access_token": token(json!({"sub": "alice", "iat": NOW, "exp": NOW + 300})),
            "token_type": "Bearer", "expires_in": 300
        }))
        .header("Date", &date)
    });
    let (mut harness, _clock) = window();
    harness.run();
    add_profile(
        &mut harness,
        "skewed",
        &[
            ("Issuer URL", &stub.base),
            ("Client ID", "c"),
            ("Client secret", "s"),
            ("token endpoint", &stub.url("/token")),
        ],
    );
    click(&mut harness, "Fetch");
    wait_for(&mut harness, "the token", |h| {
        !h.state().entry_labels().is_empty()
    });
    let clock = labels_containing(&harness, "behind the server");
    assert!(
        clock.iter().any(|l| l.contains("10 min")),
        "the clock check: {clock:?}"
    );
}

#[test]
fn the_exchange_log_redacts_until_revealed_and_copies_curl_with_placeholders() {
    let access = token(json!({"sub": "alice", "iat": NOW, "exp": NOW + 300}));
    let answer = access.clone();
    let stub = TestServer::start(move |_| {
        Reply::json(&json!({"access_token": answer, "token_type": "Bearer", "expires_in": 300}))
    });
    let (mut harness, _clock) = window();
    harness.run();
    add_profile(
        &mut harness,
        "logged",
        &[
            ("Issuer URL", &stub.base),
            ("Client ID", "client-a"),
            ("Client secret", "very-secret-value"),
            ("token endpoint", &stub.url("/token")),
        ],
    );
    click(&mut harness, "Fetch");
    wait_for(&mut harness, "the token", |h| {
        !h.state().entry_labels().is_empty()
    });
    harness
        .query_all_by_label_contains("Show exchange log (1)")
        .next()
        .unwrap()
        .click();
    harness.run_steps(2);
    harness
        .query_all_by_label_contains("POST http")
        .next()
        .unwrap()
        .click();
    harness.run_steps(2);
    // base64("client-a:very-secret-value") starts with Y2xpZW50LWE6dmVye.
    let basic = "Y2xpZW50LWE6dmVye";
    assert!(!labels_containing(&harness, "Authorization").is_empty());
    assert!(labels_containing(&harness, basic).is_empty(), "redacted");
    assert!(
        labels_containing(&harness, &access[40..80]).is_empty(),
        "token redacted"
    );

    harness.get_by_label("Copy as curl").click();
    harness.step();
    let copied: Vec<String> = harness
        .output()
        .platform_output
        .commands
        .iter()
        .filter_map(|c| match c {
            egui::OutputCommand::CopyText(t) => Some(t.clone()),
            _ => None,
        })
        .collect();
    assert!(
        copied
            .iter()
            .any(|t| t.contains("$CLIENT_SECRET") && !t.contains("very-secret")),
        "{copied:?}"
    );
    harness.run_steps(2);

    click(&mut harness, "Reveal secrets");
    assert!(!labels_containing(&harness, basic).is_empty(), "revealed");
    assert!(!labels_containing(&harness, &access[40..80]).is_empty());
}

#[test]
fn userinfo_shows_the_claims_and_presenter_mode_hides_the_personal_ones() {
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
    ui_common::servers::type_into(&mut harness, "Username", "tester");
    ui_common::servers::type_into(&mut harness, "Password", "tester-password");
    click(&mut harness, "Fetch");
    wait_for(&mut harness, "the tokens", |h| {
        !h.state().entry_labels().is_empty()
    });
    click(&mut harness, "Userinfo");
    settle(&mut harness, "userinfo");
    // The answer opens the Server tab.
    assert!(!labels_containing(&harness, "Test User").is_empty());
    // The exchange log shows the answer too.
    harness
        .query_all_by_label_contains("Show exchange log (")
        .next()
        .unwrap()
        .click();
    harness.run_steps(2);
    harness
        .query_all_by_label_contains("GET http")
        .find(|n| {
            n.accesskit_node()
                .label()
                .is_some_and(|l| l.contains("/me"))
        })
        .unwrap()
        .click();
    harness.run_steps(2);
    assert!(labels_containing(&harness, "Test User").len() >= 2);
    harness.key_press_modifiers(
        egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
        egui::Key::P,
    );
    harness.run_steps(2);
    assert!(labels_containing(&harness, "Test User").is_empty());
}

#[test]
fn call_api_explains_the_refusal_against_the_token() {
    let api = TestServer::start(|_| {
        Reply::new(401, "application/json", "{}").header(
            "WWW-Authenticate",
            r#"Bearer error="insufficient_scope", scope="orders:write""#,
        )
    });
    let (mut harness, _clock) = window();
    harness.run();
    paste(&mut harness, &fresh_token());
    server_tab(&mut harness);
    ui_common::servers::type_into(&mut harness, "URL", &api.url("/orders"));
    click(&mut harness, "Send with this token");
    settle(&mut harness, "the call");
    assert!(!labels_containing(&harness, "HTTP 401").is_empty());
    let said = labels_containing(&harness, "the API says insufficient_scope");
    assert!(
        said.iter()
            .any(|l| l.contains("orders:write") && l.contains("orders:read")),
        "{said:?}"
    );
    let sent = api.seen();
    assert!(
        sent[0]
            .header("authorization")
            .is_some_and(|h| h.starts_with("Bearer eyJ"))
    );
}

#[test]
fn keep_alive_fetches_again_for_client_credentials() {
    let fetches = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = Arc::clone(&fetches);
    let stub = TestServer::start(move |_| {
        let n = counted.fetch_add(1, Ordering::SeqCst) as i64;
        let iat = NOW + 81 * n;
        Reply::json(&json!({
            "access_token": token(json!({"sub": "svc", "iat": iat, "exp": iat + 100, "n": n})),
            "token_type": "Bearer", "expires_in": 100
        }))
    });
    let (mut harness, clock) = window();
    harness.run();
    add_profile(
        &mut harness,
        "svc",
        &[
            ("Issuer URL", &stub.base),
            ("Client ID", "c"),
            ("Client secret", "s"),
            ("token endpoint", &stub.url("/token")),
        ],
    );
    click(&mut harness, "Fetch");
    wait_for(&mut harness, "the token", |h| {
        !h.state().entry_labels().is_empty()
    });
    // No refresh token came: Refresh says why, Keep alive fetches again instead.
    assert!(
        harness
            .get_by_label("Refresh")
            .accesskit_node()
            .is_disabled()
    );
    click(&mut harness, "Keep alive");
    assert!(!labels_containing(&harness, "auto-refresh in 1 min 20 s").is_empty());
    clock.advance_seconds(81);
    harness.step();
    settle(&mut harness, "the new fetch");
    assert_eq!(fetches.load(Ordering::SeqCst), 2);
    // The same entry holds the new token, still kept alive.
    assert_eq!(harness.state().entry_labels(), ["Access token"]);
    assert!(!labels_containing(&harness, "auto-refresh in").is_empty());
}
