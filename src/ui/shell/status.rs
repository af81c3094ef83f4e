//! The status line at the bottom: background work (with Cancel), the last message, what was
//! stripped from the selected paste, and how many of its checks failed or warn.

use egui::{RichText, Ui};

use crate::token::CheckStatus;

use crate::ui::state::app_state::{AppState, Level};
use crate::ui::state::intent::Intent;
use crate::ui::widgets::style;

/// The status line.
pub fn status_line(ui: &mut Ui, state: &AppState) -> Vec<Intent> {
    let mut intents = Vec::new();
    let selected = state.selected.and_then(|id| state.entry(id));
    egui::Sides::new().shrink_left().height(24.0).show(
        ui,
        |ui| {
            let jobs = state.background_jobs();
            if jobs > 0 {
                ui.spinner();
                ui.label(if jobs == 1 {
                    "1 background job".to_string()
                } else {
                    format!("{jobs} background jobs")
                });
                if let Some(entry) = selected.filter(|e| e.verification.running.is_some())
                    && ui.small_button("Cancel verification").clicked()
                {
                    intents.push(Intent::CancelVerify(entry.id));
                }
                ui.separator();
            }
            match &state.notice {
                // A "working…" message outlives its job; once nothing runs, it is not shown.
                Some(notice) if notice.level != Level::Busy || jobs > 0 => {
                    let color = match notice.level {
                        Level::Info | Level::Busy => ui.visuals().text_color(),
                        Level::Warn => style::amber(ui),
                        Level::Error => style::red(ui),
                    };
                    ui.add(egui::Label::new(RichText::new(&notice.text).color(color)).truncate());
                }
                _ => {
                    ui.weak("Ready. Paste a token with Ctrl+V, or drop a file on the window.");
                }
            }
        },
        |ui| {
            let Some(entry) = selected else {
                return;
            };
            if let Some(report) = entry.report() {
                let count = |s| report.checks.iter().filter(|c| c.status == s).count();
                let (fail, warn) = (count(CheckStatus::Fail), count(CheckStatus::Warn));
                let (text, color) = match (fail, warn) {
                    (0, 0) => ("no failed checks".to_string(), style::green(ui)),
                    (0, w) => (plural(w, "warning"), style::amber(ui)),
                    (f, 0) => (format!("{} failed", plural(f, "check")), style::red(ui)),
                    (f, w) => (
                        format!("{} failed, {}", plural(f, "check"), plural(w, "warning")),
                        style::red(ui),
                    ),
                };
                ui.label(RichText::new(text).color(color));
            }
            if !entry.stripped.is_empty() {
                ui.separator();
                ui.weak(format!(
                    "Stripped from the paste: {}",
                    entry.stripped.join(", ")
                ))
                .on_hover_text("tokenscope removed these before reading the token");
            }
        },
    );
    intents
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}
