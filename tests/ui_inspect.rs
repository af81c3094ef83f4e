//! The inspector window, driven like a user would: paste, read, type expectations, move the
//! clock. egui_kittest queries the AccessKit tree, so no display is needed.

mod ui_common;

use std::time::Duration;

use egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable as _;
use serde_json::json;
use ui_common::{NOW, fresh_token, labels_containing, paste, signature, token, window};

#[test]
fn a_pasted_token_shows_its_claims() {
    let (mut harness, _clock) = window();
    paste(
        &mut harness,
        &format!("Authorization: Bearer {}", fresh_token()),
    );
    harness.get_by_label("sub");
    assert!(!labels_containing(&harness, "alice").is_empty());
    assert!(
        labels_containing(&harness, "Access token").len() >= 2,
        "kind in the list and the header"
    );
    // What was stripped is said, not done silently.
    assert!(!labels_containing(&harness, "\"Authorization:\" header name").is_empty());
}

#[test]
fn an_expired_token_says_so() {
    let (mut harness, _clock) = window();
    paste(
        &mut harness,
        &token(json!({"sub": "bob", "iat": NOW - 9000, "exp": NOW - 7200})),
    );
    let expired = labels_containing(&harness, "expired 2 h ago");
    assert!(!expired.is_empty(), "no 'expired' text");
    // The exp check fails, with what to do about it.
    assert!(!labels_containing(&harness, "the token expired 2 h ago").is_empty());
    assert!(!labels_containing(&harness, "request a new token or refresh it").is_empty());
}

#[test]
fn the_countdown_follows_the_clock() {
    let (mut harness, clock) = window();
    paste(&mut harness, &fresh_token());
    harness.get_by_label("expires in 10 min 00 s");
    clock.advance_seconds(5);
    harness.run();
    // The header's countdown and the exp check both say it.
    assert_eq!(
        labels_containing(&harness, "expires in 9 min 55 s").len(),
        2
    );
    assert!(labels_containing(&harness, "expires in 10 min 00 s").is_empty());
    // The badge in the workspace moves too.
    assert!(!labels_containing(&harness, "9 min 55 s left").is_empty());
}

#[test]
fn a_failing_audience_expectation_shows_the_check_and_its_hint() {
    let (mut harness, _clock) = window();
    paste(&mut harness, &fresh_token());
    let field = harness.get_by_label("Expected audience");
    field.focus();
    field.type_text("api://billing");
    harness.run();
    let failure = labels_containing(&harness, "but this API expects \"api://billing\"");
    assert_eq!(failure.len(), 1, "{failure:?}");
    assert!(
        failure[0].starts_with("aud is \"api://orders\""),
        "{failure:?}"
    );
    assert!(!labels_containing(&harness, "the token was issued for another API").is_empty());
    assert!(!labels_containing(&harness, "1 check failed").is_empty());
}

#[test]
fn presenter_mode_hides_the_signature() {
    let (mut harness, _clock) = window();
    paste(&mut harness, &fresh_token());
    harness.get_by_label("Raw").click();
    harness.run();
    let sig = signature();
    assert!(
        !labels_containing(&harness, &sig).is_empty(),
        "the raw view shows the signature"
    );

    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::P);
    harness.run();
    assert!(
        labels_containing(&harness, &sig[4..sig.len() - 4]).is_empty(),
        "signature still on screen"
    );
    let masked = format!("{}…{}", &sig[..4], &sig[sig.len() - 4..]);
    assert!(
        !labels_containing(&harness, &masked).is_empty(),
        "no masked signature"
    );
    assert!(!labels_containing(&harness, "MASKED FOR SHARING").is_empty());
}

#[test]
fn a_malformed_paste_shows_the_error_and_its_position() {
    let (mut harness, _clock) = window();
    // Neither the header (one character too many) nor the payload reads: nothing to show.
    paste(&mut harness, "eyJhbGciOiJIUzI1NiJ9x.eyJzd=WIiOiJhIn0.c2ln");
    assert!(!labels_containing(&harness, "a length of 21 characters at byte 20").is_empty());
    harness.get_by_label("Position: byte 20 of 43");
    harness.get_by_label("This token cannot be read");
    // A damaged token whose claims read is shown, its format check failing.
    paste(&mut harness, "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0=.c2ln");
    assert!(
        !labels_containing(&harness, "malformed token: the payload has '=' padding").is_empty()
    );
    // Worse input still never crashes the window.
    for junk in [
        "eyJ",
        "eyJhbGciOiJub25lIn0.%%%.",
        "{\"access_token\": 5}",
        "a.b.c.d.e.f",
        "   ",
    ] {
        paste(&mut harness, junk);
    }
    paste(&mut harness, &fresh_token());
    harness.get_by_label("sub");
}

#[test]
fn a_loaded_token_lets_the_window_settle() {
    let (mut harness, _clock) = window();
    // Nothing on screen ticks: no repaint is scheduled at all.
    harness.run();
    assert_eq!(repaint_delay(&harness), Duration::MAX);

    paste(&mut harness, &fresh_token());
    // `run` panics if a frame asks for an immediate repaint every time.
    let steps = harness.run();
    assert!(steps < 10, "{steps} steps to settle");
    // The countdown asks for the next second boundary (the clock is 250 ms past a second).
    let delay = repaint_delay(&harness);
    assert!(
        delay > Duration::from_millis(700) && delay <= Duration::from_secs(1),
        "{delay:?}"
    );
}

fn repaint_delay(harness: &egui_kittest::Harness<'_, tokenscope::ui::App>) -> Duration {
    harness.output().viewport_output[&egui::ViewportId::ROOT].repaint_delay
}

#[test]
fn a_long_countdown_never_draws_over_the_expiry_time() {
    let (mut harness, _clock) = window();
    paste(
        &mut harness,
        &token(json!({"sub": "alice", "iat": NOW, "nbf": NOW + 600, "exp": NOW + 3000})),
    );
    let expires_at = harness.get_by_label("expires at").rect();
    for countdown in harness.query_all_by_label_contains("not valid for another 10 min") {
        assert!(
            !expires_at.intersects(countdown.rect()),
            "{expires_at:?} overlaps {:?}",
            countdown.rect()
        );
    }
    for chip in harness.query_all_by_label("not yet valid") {
        assert!(
            !expires_at.intersects(chip.rect()),
            "{expires_at:?} overlaps the state chip {:?}",
            chip.rect()
        );
    }
}

/// Labels in the window that name a command-line flag (`--key`, `--jwks-url` …).
fn flag_texts(harness: &egui_kittest::Harness<'_, tokenscope::ui::App>) -> Vec<String> {
    ui_common::labels_containing(harness, "--")
        .into_iter()
        .filter(|text| {
            text.match_indices("--")
                .any(|(at, _)| text[at + 2..].starts_with(|c: char| c.is_ascii_lowercase()))
        })
        .collect()
}

#[test]
fn hints_in_the_window_speak_of_the_window_not_of_command_line_flags() {
    let (mut harness, _clock) = window();
    paste(&mut harness, &fresh_token());
    assert_eq!(flag_texts(&harness), Vec::<String>::new());
    assert!(
        !ui_common::labels_containing(&harness, "give a key in the panel on the right").is_empty()
    );

    // With the key panel folded away, the hint says where to open it.
    harness.get_by_label("Hide key & expectations").click();
    harness.run();
    assert_eq!(flag_texts(&harness), Vec::<String>::new());
    assert!(!ui_common::labels_containing(&harness, "open Key & expectations").is_empty());
}
