//! The verification form: where the key comes from (an HMAC secret, PEM/JWK/JWKS text or a
//! key file (dropped or named by its path), a JWKS URL, an issuer to discover), a Verify button that hands the work to
//! the worker, a spinner with Cancel while it runs, and the verdict in words.

use egui::{RichText, TextEdit, Ui};

use crate::token::SignatureStatus;

use crate::ui::state::entry::{Entry, KeyKind};
use crate::ui::state::intent::Intent;
use crate::ui::widgets::secret_field::SecretBuffer;
use crate::ui::widgets::style;

/// Draws the verification form of `entry`.
pub fn show(ui: &mut Ui, entry: &mut Entry, presenter: bool) -> Vec<Intent> {
    let mut intents = Vec::new();
    style::section(ui, "Verify the signature");
    ui.add_space(2.0);
    if entry.jws().is_none() {
        ui.add(egui::Label::new(nothing_to_verify(entry)).wrap());
        return intents;
    }
    let key = &mut entry.key;
    let kind_before = key.kind;
    // Whether any field that makes up the key changed this frame (see `Intent::KeyChanged`).
    let mut changed = false;
    ui.horizontal(|ui| {
        let label = ui.label("Key from");
        egui::ComboBox::from_id_salt("key-from")
            .selected_text(key.kind.label())
            .show_ui(ui, |ui| {
                for kind in KeyKind::ALL {
                    ui.selectable_value(&mut key.kind, kind, kind.label());
                }
            })
            .response
            .labelled_by(label.id);
    });
    match key.kind {
        KeyKind::Secret | KeyKind::SecretBase64 => {
            let label = ui.label(if key.kind == KeyKind::Secret {
                "Secret"
            } else {
                "Secret (base64 or base64url)"
            });
            ui.horizontal(|ui| {
                let mut buffer = SecretBuffer(&mut key.secret);
                let edit = TextEdit::singleline(&mut buffer)
                    .password(presenter || !key.reveal)
                    .desired_width(ui.available_width() - 70.0);
                changed |= ui.add(edit).labelled_by(label.id).changed();
                ui.add_enabled(!presenter, egui::Checkbox::new(&mut key.reveal, "Show"));
            });
        }
        KeyKind::KeyText => {
            let label = ui.label("Key: PEM, JWK or JWKS");
            // A key that is already there is summarised, not shown: a wall of base64 says
            // nothing at a glance (and costs every frame to draw).
            let folded = !key.key_text.trim().is_empty() && (presenter || !key.editing);
            if folded {
                ui.horizontal_wrapped(|ui| {
                    ui.label(RichText::new(describe_key(&key.key_text)).strong());
                    ui.weak(format!("{} characters", key.key_text.chars().count()));
                    if presenter {
                        ui.weak("(hidden in presenter mode)");
                    } else if ui.small_button("Edit key").clicked() {
                        key.editing = true;
                    }
                });
            } else {
                egui::ScrollArea::vertical()
                    .id_salt("key-text")
                    .max_height(150.0)
                    .show(ui, |ui| {
                        let mut buffer = SecretBuffer(&mut key.key_text);
                        let edit = TextEdit::multiline(&mut buffer)
                            .code_editor()
                            .desired_rows(5)
                            .desired_width(f32::INFINITY)
                            .hint_text(style::placeholder(
                                ui,
                                "-----BEGIN PUBLIC KEY-----  or  {\"kty\": …}  or  {\"keys\": […]}",
                            ));
                        if ui.add(edit).labelled_by(label.id).changed() {
                            key.editing = true;
                            changed = true;
                        }
                    });
                if key.editing && ui.small_button("Done").clicked() {
                    key.editing = false;
                }
            }
            ui.horizontal(|ui| {
                let label = ui.label("Key file");
                let edit = TextEdit::singleline(&mut key.file_path)
                    .hint_text(style::placeholder(
                        ui,
                        "~/keys/issuer.pem   (or drop the file on the window)",
                    ))
                    .desired_width(ui.available_width() - 60.0);
                let field = ui.add(edit).labelled_by(label.id);
                let path = key.file_path.trim();
                let load = ui.add_enabled(!path.is_empty(), egui::Button::new("Load"));
                let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                if !path.is_empty() && (load.clicked() || entered) {
                    intents.push(Intent::ReadFile {
                        path: path.into(),
                        key_only: true,
                    });
                }
            });
        }
        KeyKind::JwksUrl => {
            let label = ui.label("JWKS URL");
            let edit = TextEdit::singleline(&mut key.jwks_url)
                .hint_text(style::placeholder(ui, "https://issuer.example/…/jwks.json"))
                .desired_width(f32::INFINITY);
            changed |= ui.add(edit).labelled_by(label.id).changed();
        }
        KeyKind::Issuer => {
            let label = ui.label("Issuer");
            let edit = TextEdit::singleline(&mut key.issuer)
                .hint_text(style::placeholder(ui, "https://issuer.example/…"))
                .desired_width(f32::INFINITY);
            changed |= ui.add(edit).labelled_by(label.id).changed();
            ui.weak("Its keys are found by OpenID Connect discovery, then RFC 8414 metadata.");
        }
    }
    if changed || key.kind != kind_before {
        intents.push(Intent::KeyChanged(entry.id));
    }
    ui.add_space(4.0);
    let ready = key.source().is_some();
    ui.horizontal(|ui| {
        if entry.verification.running.is_some() {
            ui.spinner();
            ui.label("Verifying…");
            if ui.button("Cancel").clicked() {
                intents.push(Intent::CancelVerify(entry.id));
            }
        } else if ui.add_enabled(ready, egui::Button::new("Verify")).clicked() {
            intents.push(Intent::Verify(entry.id));
        }
    });
    if let Some(trying) = &entry.verification.trying {
        ui.add(egui::Label::new(RichText::new(format!("with {trying}")).weak()).wrap());
        if entry.verification.verdict.is_some() {
            ui.add_space(4.0);
            ui.weak("Until it answers, the previous result:");
        }
    }
    let waiting = entry.verification.verdict.is_none() && entry.verification.running.is_none();
    if ready && waiting {
        ui.add_space(4.0);
        ui.label(
            RichText::new("Not verified with this key yet: press Verify").color(style::grey(ui)),
        );
    }
    verdict(ui, entry);
    intents
}

fn verdict(ui: &mut Ui, entry: &Entry) {
    let Some(verdict) = &entry.verification.verdict else {
        return;
    };
    ui.add_space(4.0);
    let (words, color) = match verdict.status {
        SignatureStatus::Valid => ("Valid signature", style::green(ui)),
        SignatureStatus::Invalid => ("Invalid signature", style::red(ui)),
        SignatureStatus::Unverified => ("Not verified", style::amber(ui)),
        SignatureStatus::NotSigned => ("Not signed", style::red(ui)),
        SignatureStatus::Unsupported => ("Cannot be checked", style::amber(ui)),
    };
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(words).strong().color(color));
        if let Some(used) = &entry.verification.used {
            ui.weak(format!("with {used}"));
        }
    });
    ui.add(egui::Label::new(&verdict.detail).wrap());
    if let Some(key) = verdict
        .key
        .as_ref()
        .filter(|k| !verdict.detail.contains(k.as_str()))
    {
        ui.add(egui::Label::new(RichText::new(format!("Key: {key}")).small()).wrap());
    }
    if let Some(problem) = &verdict.alg_problem {
        ui.add(egui::Label::new(RichText::new(problem).color(style::red(ui))).wrap());
    }
    if let Some(hint) = &verdict.hint {
        style::hint(ui, hint);
    }
    for warning in &verdict.warnings {
        ui.add(
            egui::Label::new(RichText::new(format!("! {warning}")).color(style::amber(ui))).wrap(),
        );
    }
}

/// Why a token that is not a signed JWT has nothing here.
fn nothing_to_verify(entry: &Entry) -> &'static str {
    use crate::token::report::Kind;
    match entry.report().map(|r| r.kind) {
        Some(Kind::Unsecured) => {
            "Nothing to verify: an unsecured JWT (alg: none) has no signature, and no verifier should accept it."
        }
        Some(Kind::Jwe) => {
            "Nothing to verify here: an encrypted token (JWE) must be decrypted before any signature inside can be checked."
        }
        Some(Kind::Opaque) => {
            "Nothing to verify: an opaque token carries no signature; only its issuer can say whether it is valid (introspection)."
        }
        _ => "Nothing to verify: the token cannot be read.",
    }
}

/// What kind of key text this is, from its markers (the verifier parses it for real).
fn describe_key(text: &str) -> &'static str {
    let text = text.trim_start();
    if let Some(at) = text.find("-----BEGIN ") {
        let text = &text[at..];
        if text.contains("CERTIFICATE") {
            "X.509 certificate (PEM)"
        } else if text.contains("PRIVATE KEY") {
            "private key (PEM): its public half is used"
        } else {
            "public key (PEM)"
        }
    } else if text.contains("\"keys\"") {
        "JWK Set (JWKS)"
    } else if text.contains("\"kty\"") {
        "JWK"
    } else {
        "key text (not PEM, JWK or JWKS?)"
    }
}

#[cfg(test)]
mod tests {
    use super::describe_key;

    #[test]
    fn key_text_is_named_by_its_markers() {
        assert_eq!(
            describe_key("-----BEGIN PUBLIC KEY-----\nMII"),
            "public key (PEM)"
        );
        assert_eq!(
            describe_key(r#"{"keys": [{"kty": "EC"}]}"#),
            "JWK Set (JWKS)"
        );
        assert_eq!(describe_key(r#"{"kty": "RSA"}"#), "JWK");
    }
}
