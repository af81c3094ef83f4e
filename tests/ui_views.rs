//! The tree and raw views, the help overlay, and a 1 MiB-class payload that must stay cheap to
//! draw: only the rows on screen exist.

mod ui_common;

use egui::Key;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use serde_json::{Map, Value, json};
use ui_common::{NOW, labels_containing, paste, token, window};

fn nested_token() -> String {
    token(json!({
        "iss": "https://issuer.test/",
        "sub": "alice",
        "exp": NOW + 600,
        "realm_access": {"roles": ["viewer", "editor"]},
        "cnf": {"jkt": "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"},
    }))
}

#[test]
fn the_tree_filters_by_key_or_value_and_copies_paths() {
    let (mut harness, _clock) = window();
    paste(&mut harness, &nested_token());
    harness.get_by_label("Tree").click();
    harness.run();
    harness.get_by_label("sub: \"alice\"");
    harness.get_by_label("[1]: \"editor\"");

    let search = harness.get_by_label("Search");
    search.focus();
    search.type_text("EDIT");
    harness.run();
    harness.get_by_label("[1]: \"editor\"");
    // Its ancestors stay for context; unrelated rows go.
    assert!(!labels_containing(&harness, "realm_access").is_empty());
    assert!(harness.query_by_label("sub: \"alice\"").is_none());

    harness.get_by_label("[1]: \"editor\"").click();
    harness.run();
    harness.get_by_label("payload.realm_access.roles[1]");
    harness.get_by_label("Copy path").click();
    harness.run();
    assert!(
        !labels_containing(&harness, "Copied the path payload.realm_access.roles[1]").is_empty()
    );
}

#[test]
fn collapsing_a_node_hides_its_children() {
    let (mut harness, _clock) = window();
    paste(&mut harness, &nested_token());
    harness.get_by_label("Tree").click();
    harness.run();
    harness.get_by_label("Collapse all").click();
    harness.run();
    assert!(harness.query_by_label("[0]: \"viewer\"").is_none());
    harness.get_by_label("sub: \"alice\"");
    harness.get_by_label("Expand all").click();
    harness.run();
    harness.get_by_label("[0]: \"viewer\"");
}

#[test]
fn the_raw_view_shows_pretty_json_and_the_segments() {
    let (mut harness, _clock) = window();
    paste(&mut harness, &nested_token());
    harness.get_by_label("Raw").click();
    harness.run();
    harness.get_by_label("  \"sub\": \"alice\",");
    harness.get_by_label("// payload");
    assert!(!labels_containing(&harness, "signature 43").is_empty());
}

#[test]
fn a_huge_payload_lays_out_only_the_visible_rows() {
    let (mut harness, _clock) = window();
    let mut claims = Map::new();
    claims.insert("sub".into(), json!("alice"));
    claims.insert("exp".into(), json!(NOW + 600));
    for i in 0..10_000 {
        claims.insert(
            format!("claim_{i:05}"),
            json!(format!("value number {i} {}", "x".repeat(30))),
        );
    }
    let big = token(Value::Object(claims));
    // Close to the 1 MiB limit on what is accepted as a token.
    assert!(
        big.len() > 800_000 && big.len() < 1_048_576,
        "{} bytes",
        big.len()
    );
    paste(&mut harness, &big);
    // Checks & claims shows the first 200 claims and points to the tree.
    assert!(!labels_containing(&harness, "10002 in the payload").is_empty());

    for tab in ["Tree", "Raw"] {
        harness.get_by_label(tab).click();
        harness.run();
        let nodes = harness.root().children_recursive().count();
        assert!(
            nodes < 1_500,
            "{tab}: {nodes} accessibility nodes for 10 000 claims"
        );
    }
    harness.get_by_label("Tree").click();
    harness.run();
    harness.get_by_label("claim_00000: \"value number 0 xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"");
    assert!(
        harness.query_by_label_contains("claim_09999").is_none(),
        "off-screen rows are not laid out"
    );
}

#[test]
fn help_lists_the_shortcuts_and_escape_closes_it() {
    let (mut harness, _clock) = window();
    harness.key_press(Key::F1);
    harness.run();
    harness.get_by_label("Keyboard shortcuts");
    harness.get_by_label("Ctrl+Shift+P");
    harness.key_press(Key::Escape);
    harness.run();
    assert!(harness.query_by_label("Keyboard shortcuts").is_none());
}

#[test]
fn bidi_and_zero_width_characters_in_claims_are_shown_escaped_in_every_view() {
    // U+202E makes "elpmaxe.live" read as "evil.example" when drawn raw.
    let spoofed = "https://\u{202e}elpmaxe.live/";
    let (mut harness, _clock) = window();
    paste(
        &mut harness,
        &token(json!({
            "iss": spoofed,
            "sub": "al\u{200b}ice",
            "aud": ["api\u{2066}://orders"],
            "exp": NOW + 600,
            "ext\u{202e}": {"note": "a\u{202e}b"},
        })),
    );
    for tab in ["Checks & claims", "Tree", "Raw"] {
        harness.get_by_label(tab).click();
        harness.run();
        for hidden in ['\u{202e}', '\u{200b}', '\u{2066}'] {
            let raw = labels_containing(&harness, &hidden.to_string());
            assert!(
                raw.is_empty(),
                "{tab} draws U+{:04X} raw: {raw:?}",
                hidden as u32
            );
        }
        assert!(
            !labels_containing(&harness, "\\u202eelpmaxe.live").is_empty(),
            "{tab} shows the issuer escaped"
        );
    }
}

#[test]
fn a_nested_token_shows_its_claims_and_is_masked_in_presenter_mode() {
    let inner = token(json!({"iss": "https://inner.test/", "sub": "bob", "exp": NOW + 300}));
    let outer = format!(
        "{}.{}.{}",
        base64::Engine::encode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            json!({"alg": "HS256", "cty": "JWT"}).to_string()
        ),
        base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, &inner),
        ui_common::signature()
    );
    let (mut harness, clock) = window();
    paste(&mut harness, &outer);
    harness.get_by_label("Nested token");
    harness.get_by_label("bob");
    // The wrapper lives as long as the token inside, and its countdown ticks.
    clock.advance_seconds(10);
    harness.run();
    assert!(!labels_containing(&harness, "expires in 4 min 50 s").is_empty());
    assert!(labels_containing(&harness, "never expires").is_empty());

    let inner_body = &inner[inner.find('.').unwrap() + 1..inner.rfind('.').unwrap()];
    harness.key_press_modifiers(egui::Modifiers::COMMAND | egui::Modifiers::SHIFT, Key::P);
    for tab in ["Tree", "Raw"] {
        harness.get_by_label(tab).click();
        harness.run();
        assert!(
            labels_containing(&harness, &inner_body[..24]).is_empty(),
            "{tab} shows the nested token in presenter mode"
        );
        assert!(!labels_containing(&harness, "its text is masked").is_empty());
    }
}

#[test]
fn audience_and_scope_chips_wrap_whole_and_stay_one_line() {
    let audiences = [
        "https://api.example.com/orders",
        "https://api.example.com/billing",
        "https://api.example.com/inventory",
        "https://api.example.com/shipping",
    ];
    let (mut harness, _clock) = window();
    paste(
        &mut harness,
        &token(json!({
            "sub": "alice",
            "aud": audiences,
            "scope": "openid profile orders:read orders:write billing:read",
            "exp": NOW + 600,
        })),
    );
    for text in audiences
        .iter()
        .copied()
        .chain(["orders:write", "billing:read"])
    {
        let chip = harness.get_by_label(text);
        let rect = chip.rect();
        assert!(
            rect.height() < 30.0 && rect.width() > rect.height(),
            "the {text} chip is squeezed: {rect:?}"
        );
    }
}

#[test]
fn each_token_opens_at_the_top_of_its_checks() {
    let mut claims = Map::new();
    claims.insert("sub".into(), json!("alice"));
    for i in 0..60 {
        claims.insert(format!("claim_{i:02}"), json!(format!("value {i}")));
    }
    let (mut harness, _clock) = window();
    paste(&mut harness, &token(Value::Object(claims)));
    let top = harness.get_by_label("Checks").rect().top();
    for _ in 0..10 {
        harness.get_by_label("claim_05").scroll_down();
        harness.run();
    }
    assert!(
        harness.get_by_label("Checks").rect().top() < top - 100.0,
        "the overview did not scroll"
    );
    paste(&mut harness, &nested_token());
    // Its header strip may be a line taller or shorter; the checks are not scrolled away.
    let now_at = harness.get_by_label("Checks").rect().top();
    assert!((now_at - top).abs() < 40.0, "{now_at} vs {top}");
}

#[test]
fn a_long_scp_shows_every_scope_and_a_long_issuer_shows_whole() {
    // Entra ID writes delegated scopes as one space-separated `scp` string.
    let scopes = [
        "Calendars.Read",
        "Calendars.ReadWrite",
        "Contacts.Read",
        "Directory.Read.All",
        "Files.ReadWrite.All",
        "Group.Read.All",
        "Mail.Read",
        "Mail.Send",
        "offline_access",
        "openid",
        "profile",
        "Sites.Read.All",
        "User.Read",
        "User.ReadBasic.All",
    ];
    let issuer = "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0";
    let (mut harness, _clock) = ui_common::window_sized([800.0, 600.0]);
    paste(
        &mut harness,
        &token(json!({
            "iss": issuer,
            "sub": "alice",
            "aud": "00000003-0000-0000-c000-000000000000",
            "scp": scopes.join(" "),
            "exp": NOW + 600,
        })),
    );
    for scope in scopes {
        let chip = harness.get_by_label(scope);
        assert!(chip.rect().height() < 30.0, "the {scope} chip is squeezed");
    }
    // The header strip (above the tabs) shows the issuer whole, tenant id included.
    let tabs_top = harness.get_by_label("Checks & claims").rect().top();
    assert!(
        harness
            .query_all_by_label(issuer)
            .any(|n| n.rect().bottom() < tabs_top),
        "the header strip does not show the whole issuer"
    );
}

#[test]
fn presenter_mode_hides_personal_claims_in_every_view_until_revealed() {
    let email = "ada.lovelace@example.org";
    let (mut harness, _clock) = window();
    paste(
        &mut harness,
        &token(json!({
            "sub": "248289761001",
            "name": "Ada Lovelace",
            "email": email,
            "address": {"locality": "Marylebone"},
            "exp": NOW + 600,
        })),
    );
    assert!(!labels_containing(&harness, email).is_empty());

    harness.key_press_modifiers(egui::Modifiers::COMMAND | egui::Modifiers::SHIFT, Key::P);
    harness.run();
    for tab in ["Checks & claims", "Tree", "Raw"] {
        harness.get_by_label(tab).click();
        harness.run();
        for personal in [email, "Ada Lovelace", "Marylebone"] {
            assert!(
                labels_containing(&harness, personal).is_empty(),
                "{personal} is on screen in {tab} in presenter mode"
            );
        }
        // The subject is an identifier, not personal data: still shown.
        assert!(
            !labels_containing(&harness, "248289761001").is_empty(),
            "{tab}"
        );
    }
    // The tree's search does not give a hidden value away either.
    harness.get_by_label("Tree").click();
    harness.run();
    let search = harness.get_by_label("Search");
    search.focus();
    search.type_text("lovelace@");
    harness.run();
    harness.get_by_label("Nothing matches the search.");

    harness.get_by_label("Raw").click();
    harness.run();
    harness.get_by_label("Show personal claims").click();
    harness.run();
    assert!(!labels_containing(&harness, email).is_empty());
    harness.get_by_label("Checks & claims").click();
    harness.run();
    assert!(!labels_containing(&harness, email).is_empty());

    // Presenter mode started again hides them again.
    for _ in 0..2 {
        harness.key_press_modifiers(egui::Modifiers::COMMAND | egui::Modifiers::SHIFT, Key::P);
        harness.run();
    }
    assert!(labels_containing(&harness, email).is_empty());
}
