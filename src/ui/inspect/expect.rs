//! Expectations per token: the audience, issuer and scopes an API requires and the clock
//! leeway it allows. They feed the same checks as `tokenscope inspect --aud --iss --scope
//! --leeway`, and the checklist updates as the user types.

use egui::{TextEdit, Ui};

use crate::ui::state::entry::Entry;
use crate::ui::state::intent::Intent;
use crate::ui::widgets::style;

/// Draws the expectations form of `entry`.
pub fn show(ui: &mut Ui, entry: &mut Entry) -> Vec<Intent> {
    let mut intents = Vec::new();
    style::section(ui, "Expectations");
    ui.add(
        egui::Label::new(
            egui::RichText::new(
                "What the receiving API checks. Leave a field empty to skip its check.",
            )
            .small()
            .color(style::grey(ui)),
        )
        .wrap(),
    );
    ui.add_space(4.0);
    let expect = &mut entry.expect;
    let mut changed = false;
    egui::Grid::new(("expectations", entry.id))
        .num_columns(2)
        .spacing([8.0, 6.0])
        .show(ui, |ui| {
            for (name, hint, value) in [
                (
                    "Expected audience",
                    "https://api.example/…",
                    &mut expect.audience,
                ),
                (
                    "Expected issuer",
                    "https://issuer.example/…",
                    &mut expect.issuer,
                ),
                ("Required scopes", "e.g. read write", &mut expect.scopes),
            ] {
                let label = ui.label(name);
                changed |= ui
                    .add(
                        TextEdit::singleline(value)
                            .hint_text(style::placeholder(ui, hint))
                            .desired_width(f32::INFINITY),
                    )
                    .labelled_by(label.id)
                    .changed();
                ui.end_row();
            }
            let label = ui.label("Leeway");
            changed |= ui
                .add(
                    egui::DragValue::new(&mut expect.leeway)
                        .range(0..=3600)
                        .suffix(" s"),
                )
                .labelled_by(label.id)
                .on_hover_text("Clock skew a verifier tolerates for exp, nbf and iat")
                .changed();
            ui.end_row();
        });
    if changed {
        intents.push(Intent::Rejudge(entry.id));
    }
    intents
}
