//! The shortcuts overlay (F1 or ?) and the hint shown while a file is dragged over the window.

use egui::{Align2, Color32, FontId, Id, LayerId, Order, RichText};

use crate::ui::state::intent::Intent;
use crate::ui::widgets::style;

/// Every shortcut the window answers to, as the overlay lists them.
pub const SHORTCUTS: [(&str, &str); 12] = [
    (
        "Ctrl+V",
        "Paste a token, header, redirect URL or token response as new entries",
    ),
    (
        "Ctrl+Shift+P",
        "Presenter mode: mask tokens, signatures and secrets",
    ),
    ("F1 or ?", "Show or hide this help"),
    ("↑ / ↓", "Select the previous or next token"),
    ("Delete", "Remove the selected token"),
    ("Ctrl+1", "Checks & claims"),
    ("Ctrl+2", "Tree view"),
    ("Ctrl+3", "Raw view"),
    ("Ctrl+4", "Compare with another token"),
    (
        "Ctrl+5",
        "What the server said (introspection, refreshes, API calls)",
    ),
    ("Ctrl+6", "The flow that produced the token"),
    ("Esc", "Close this help, or stop renaming"),
];

/// Draws the help overlay; returns the intent to close it.
pub fn show(ctx: &egui::Context) -> Vec<Intent> {
    let mut intents = Vec::new();
    let modal = egui::Modal::new(Id::unique("help")).show(ctx, |ui| {
        ui.set_width(560.0);
        ui.heading("Keyboard shortcuts");
        ui.add_space(8.0);
        egui::Grid::new("shortcuts").num_columns(2).spacing([24.0, 8.0]).show(ui, |ui| {
            for (keys, what) in SHORTCUTS {
                ui.label(RichText::new(keys).monospace().strong());
                ui.label(what);
                ui.end_row();
            }
        });
        ui.add_space(10.0);
        ui.weak("Drop a file on the window to add the token in it; drop a PEM, JWK or JWKS file to use it as the selected token's key.");
        ui.weak("Tokens stay in memory: nothing is saved but the window size and view settings.");
        ui.add_space(8.0);
        if ui.button("Close").clicked() {
            intents.push(Intent::Help(Some(false)));
        }
    });
    if modal.should_close() {
        intents.push(Intent::Help(Some(false)));
    }
    intents
}

/// While files hover over the window, say what dropping them does.
pub fn drop_overlay(ctx: &egui::Context) {
    let hovering = ctx.input(|i| !i.raw.hovered_files.is_empty());
    if !hovering {
        return;
    }
    let painter = ctx.layer_painter(LayerId::new(Order::Foreground, Id::unique("drop-overlay")));
    let rect = ctx.content_rect();
    painter.rect_filled(rect, 0.0, Color32::from_black_alpha(170));
    painter.text(
        rect.center(),
        Align2::CENTER_CENTER,
        "Drop to add the token — or a key file to verify the selected token",
        FontId::proportional(style::size::HEADING),
        Color32::WHITE,
    );
}
