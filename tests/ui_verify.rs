//! The verification form goes through the worker: a JWKS fetch that never answers shows a
//! spinner and can be cancelled, and its late answer (if any) is dropped.

mod ui_common;

use std::net::TcpListener;

use egui_kittest::kittest::Queryable as _;
use ui_common::{fresh_token, labels_containing, paste, window};

#[test]
fn a_hanging_jwks_fetch_shows_a_spinner_and_can_be_cancelled() {
    // Accepts connections and never answers.
    let server = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/jwks.json", server.local_addr().unwrap());

    let (mut harness, _clock) = window();
    paste(&mut harness, &fresh_token());
    harness.get_by_label("Key from").click();
    harness.run();
    harness.get_by_label("JWKS URL").click();
    harness.run();
    let field = harness.get_by_label("JWKS URL");
    field.focus();
    field.type_text(&url);
    harness.run();

    harness.get_by_label("Verify").click();
    // The spinner animates, so step rather than run to a standstill.
    harness.run_steps(3);
    harness.get_by_label("Verifying…");
    assert!(!labels_containing(&harness, "1 background job").is_empty());

    harness.get_by_label("Cancel").click();
    harness.run();
    assert!(harness.query_by_label("Verifying…").is_none());
    assert!(!labels_containing(&harness, "Verification cancelled").is_empty());
    assert!(labels_containing(&harness, "background job").is_empty());
    // Still unverified: nothing from the cancelled job arrived.
    assert!(!labels_containing(&harness, "signature not verified").is_empty());
    drop(server);
}

#[test]
fn a_typed_key_stays_editable_until_done_then_folds_to_a_summary() {
    let (mut harness, _clock) = window();
    paste(&mut harness, &fresh_token());
    let field = harness.get_by_label("Key: PEM, JWK or JWKS");
    field.focus();
    field.type_text(r#"{"kty": "oct", "k": "c2VjcmV0"}"#);
    harness.run();
    // Still an editor after the first keystrokes.
    harness.get_by_label("Key: PEM, JWK or JWKS").type_text(" ");
    harness.run();
    harness.get_by_label("Done").click();
    harness.run();
    harness.get_by_label("JWK");
    harness.get_by_label("Edit key");
}
