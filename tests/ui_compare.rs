//! The Compare tab: the selected token against another from the workspace, as a user sees it
//! after a refresh.

mod ui_common;

use egui_kittest::kittest::Queryable as _;
use serde_json::json;
use ui_common::{NOW, labels_containing, paste, token, window};

#[test]
fn compare_shows_what_a_refresh_changed() {
    let (mut harness, _clock) = window();
    paste(
        &mut harness,
        &token(json!({"sub": "alice", "exp": NOW + 60, "jti": "one", "email": "a@example.com"})),
    );
    paste(
        &mut harness,
        &token(
            json!({"sub": "alice", "exp": NOW + 3600, "jti": "two", "sid": "s-1", "email": "b@example.com"}),
        ),
    );
    harness.get_by_label("Compare").click();
    harness.run();
    // Nothing is chosen yet: the user picks the other token.
    harness.get_by_label("Compare with").click();
    harness.run();
    // The first token is "JWT" (the selected one is "JWT 2"); its option is the last "JWT"
    // on screen, after the workspace's.
    harness
        .get_all_by_label("JWT")
        .last()
        .expect("the other token is offered")
        .click();
    harness.run();
    // This token (the second) against the first: jti went from "two" to "one".
    assert!(!labels_containing(&harness, "\"two\" -> \"one\"").is_empty());
    harness.get_by_label("sid");
    assert!(
        !labels_containing(&harness, "b@example.com").is_empty(),
        "not hidden outside presenter mode"
    );

    // Presenter mode hides the personal values here too.
    harness.key_press_modifiers(
        egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
        egui::Key::P,
    );
    harness.run();
    assert!(labels_containing(&harness, "b@example.com").is_empty());
    assert!(labels_containing(&harness, "a@example.com").is_empty());
}

#[test]
fn with_one_token_the_tab_asks_for_a_second() {
    let (mut harness, _clock) = window();
    paste(
        &mut harness,
        &token(json!({"sub": "alice", "exp": NOW + 60})),
    );
    harness.get_by_label("Compare").click();
    harness.run();
    assert!(!labels_containing(&harness, "second token to compare").is_empty());
}
