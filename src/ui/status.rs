//! The two thin bars: the toolbar on top (paste, sample, presenter mode, theme, help) and the
//! status line at the bottom (background work, the last message, what was stripped from the
//! selected paste, how many checks failed).

use egui::{Align, Layout, RichText, Ui};

use crate::token::CheckStatus;

use super::app::{AppState, Level};
use super::intent::Intent;
use super::settings::{Settings, ThemeChoice};
use super::style;

/// The toolbar.
pub fn toolbar(ui: &mut Ui, settings: &Settings, state: &AppState) -> Vec<Intent> {
    let mut intents = Vec::new();
    ui.add_space(4.0);
    ui.horizontal(|ui| {
        ui.label(RichText::new("tokenscope").strong().size(17.0));
        ui.separator();
        if ui
            .button("Paste")
            .on_hover_text("Paste a token, an Authorization header, a redirect URL or a token response (Ctrl+V anywhere)")
            .clicked()
        {
            intents.push(Intent::RequestPaste);
        }
        let loading = state.samples_job.is_some();
        if ui
            .add_enabled(!loading, egui::Button::new("Try a sample token"))
            .on_hover_text("A valid RS256 access token and an expired ID token, signed now with a throwaway key")
            .clicked()
        {
            intents.push(Intent::LoadSamples);
        }
        ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
            if ui.button("Help").on_hover_text("Keyboard shortcuts (F1 or ?)").clicked() {
                intents.push(Intent::Help(Some(true)));
            }
            let mut theme = settings.theme;
            egui::ComboBox::from_label("Theme")
                .selected_text(theme.label())
                .show_ui(ui, |ui| {
                    for choice in ThemeChoice::ALL {
                        ui.selectable_value(&mut theme, choice, choice.label());
                    }
                });
            if theme != settings.theme {
                intents.push(Intent::SetTheme(theme));
            }
            let mut presenter = settings.presenter;
            if ui
                .toggle_value(&mut presenter, "Presenter mode")
                .on_hover_text("Mask tokens, signatures and secrets for screen sharing (Ctrl+Shift+P)")
                .changed()
            {
                intents.push(Intent::TogglePresenter);
            }
            if settings.presenter {
                style::chip(ui, "MASKED FOR SHARING", style::red(ui));
            }
        });
    });
    ui.add_space(2.0);
    intents
}

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
