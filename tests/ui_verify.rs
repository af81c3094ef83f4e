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
    // A first verdict, with a key that does not match the made-up signature.
    let field = harness.get_by_label("Key: PEM, JWK or JWKS");
    field.focus();
    field.type_text(r#"{"kty": "oct", "k": "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA"}"#);
    harness.run();
    harness.get_by_label("Verify").click();
    ui_common::wait_for(&mut harness, "the first verdict", |h| {
        !labels_containing(h, "Invalid signature").is_empty()
    });
    harness.get_by_label("Key from").click();
    harness.run();
    harness.get_by_label("JWKS URL").click();
    harness.run();
    // Another key: the verdict of the key text is gone, not shown under the URL.
    assert!(labels_containing(&harness, "Invalid signature").is_empty());
    let field = harness.get_by_label("JWKS URL");
    field.focus();
    field.type_text(&url);
    harness.run();
    harness.get_by_label("Not verified with this key yet: press Verify");

    harness.get_by_label("Verify").click();
    // The spinner animates, so step rather than run to a standstill.
    harness.run_steps(3);
    harness.get_by_label("Verifying…");
    assert!(!labels_containing(&harness, "1 background job").is_empty());
    harness.get_by_label(&format!("with JWKS at {url}"));

    harness.get_by_label("Cancel").click();
    harness.run();
    assert!(harness.query_by_label("Verifying…").is_none());
    assert!(!labels_containing(&harness, "Verification cancelled").is_empty());
    assert!(labels_containing(&harness, "background job").is_empty());
    // Nothing from the cancelled job arrived.
    assert!(labels_containing(&harness, "Invalid signature").is_empty());
    assert!(labels_containing(&harness, "with JWKS at").is_empty());
    harness.get_by_label("Not verified with this key yet: press Verify");
    drop(server);
}

#[test]
fn a_new_key_clears_the_verdict_of_the_old_one() {
    let (mut harness, _clock) = window();
    paste(&mut harness, &fresh_token());
    let field = harness.get_by_label("Key: PEM, JWK or JWKS");
    field.focus();
    field.type_text(r#"{"kty": "oct", "k": "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA"}"#);
    harness.run();
    harness.get_by_label("Verify").click();
    ui_common::wait_for(&mut harness, "the first verdict", |h| {
        !labels_containing(h, "Invalid signature").is_empty()
    });
    harness.get_by_label("signature INVALID");

    // Another key pasted anywhere in the window lands in the form: the old verdict goes.
    harness.get_by_label("Done").click();
    harness.run();
    paste(
        &mut harness,
        r#"{"kty": "oct", "k": "YW5vdGhlci1zZWNyZXQtYW5vdGhlci1zZWNyZXQtYW5vdGhlcg"}"#,
    );
    assert!(labels_containing(&harness, "Invalid signature").is_empty());
    assert!(labels_containing(&harness, "signature INVALID").is_empty());
    harness.get_by_label("signature not verified");
    harness.get_by_label("Not verified with this key yet: press Verify");

    // The same for a key typed into the form, once it has a verdict again.
    harness.get_by_label("Verify").click();
    ui_common::wait_for(&mut harness, "the second verdict", |h| {
        !labels_containing(h, "Invalid signature").is_empty()
    });
    harness.get_by_label("Key from").click();
    harness.run();
    harness.get_by_label("HMAC secret").click();
    harness.run();
    let field = harness.get_by_label("Secret");
    field.focus();
    field.type_text("s");
    harness.run();
    assert!(labels_containing(&harness, "Invalid signature").is_empty());
    harness.get_by_label("Not verified with this key yet: press Verify");
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

#[test]
fn a_key_file_named_by_its_path_is_loaded_and_verifies_the_token() {
    let secret = b"a-32-byte-secret-for-hs256-tests";
    let token = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &serde_json::json!({"sub": "alice", "exp": ui_common::NOW + 600}),
        &jsonwebtoken::EncodingKey::from_secret(secret),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hmac.jwk.json");
    let k = base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, secret);
    std::fs::write(
        &path,
        format!(r#"{{"kty": "oct", "alg": "HS256", "k": "{k}"}}"#),
    )
    .unwrap();

    let (mut harness, _clock) = window();
    paste(&mut harness, &token);
    // A path that does not exist says so, and nothing is lost.
    load_key_file(&mut harness, &dir.path().join("missing.pem"));
    ui_common::wait_for(&mut harness, "the error", |h| {
        !labels_containing(h, "Cannot use missing.pem: cannot open it").is_empty()
    });
    // A file that holds no key (a bare secret) is refused, never added as a token.
    let secret_file = dir.path().join("secret.txt");
    std::fs::write(&secret_file, "s3cret-value").unwrap();
    load_key_file(&mut harness, &secret_file);
    ui_common::wait_for(&mut harness, "the refusal", |h| {
        !labels_containing(h, "secret.txt is not a key file").is_empty()
    });
    assert_eq!(harness.state().entry_labels().len(), 1);

    load_key_file(&mut harness, &path);
    ui_common::wait_for(&mut harness, "the key", |h| {
        !labels_containing(h, "Loaded the key from hmac.jwk.json").is_empty()
    });
    harness.get_by_label("JWK");
    harness.get_by_label("Verify").click();
    ui_common::wait_for(&mut harness, "the verdict", |h| {
        !labels_containing(h, "Valid signature").is_empty()
    });
}

#[test]
fn a_pasted_key_goes_to_the_selected_tokens_form() {
    let (mut harness, _clock) = window();
    // Nothing selected yet: the key is not lost in the workspace as a broken token.
    paste(
        &mut harness,
        r#"{"kty": "oct", "k": "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA"}"#,
    );
    assert!(harness.state().entry_labels().is_empty());
    assert!(!labels_containing(&harness, "holds a key, not a token").is_empty());

    paste(&mut harness, &fresh_token());
    paste(
        &mut harness,
        r#"{"kty": "oct", "k": "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA"}"#,
    );
    assert_eq!(harness.state().entry_labels().len(), 1);
    assert!(!labels_containing(&harness, "Loaded the key from the clipboard").is_empty());
    harness.get_by_label("JWK");
}

/// Types `path` into the key form's "Key file" field, replacing what is there, and presses Load.
fn load_key_file(
    harness: &mut egui_kittest::Harness<'_, tokenscope::ui::App>,
    path: &std::path::Path,
) {
    let field = harness.get_by_label("Key file");
    field.focus();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    field.type_text(&path.display().to_string());
    harness.run();
    harness.get_by_label("Load").click();
}
