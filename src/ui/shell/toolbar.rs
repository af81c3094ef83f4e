//! The toolbar: paste, the samples, the Flows window, presenter mode, the theme and help.

use egui::{Align, Layout, RichText, Ui};

use crate::ui::state::app_state::AppState;
use crate::ui::state::flows::FlowIntent;
use crate::ui::state::intent::Intent;
use crate::ui::state::settings::{Settings, ThemeChoice};
use crate::ui::widgets::style;

/// Draws the toolbar.
pub fn show(ui: &mut Ui, settings: &Settings, state: &AppState) -> Vec<Intent> {
    let mut intents = Vec::new();
    ui.add_space(4.0);
    ui.horizontal(|ui| {
        ui.label(RichText::new("tokenscope").strong().size(style::size::TITLE));
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
        if ui
            .selectable_label(state.flows.open, "Flows")
            .on_hover_text("Log in with a profile (browser or device) and watch each step")
            .clicked()
        {
            intents.push(Intent::Flow(FlowIntent::Open(!state.flows.open)));
        }
        ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
            if ui.button("Help").on_hover_text("Keyboard shortcuts (F1 or ?)").clicked() {
                intents.push(Intent::Help(Some(true)));
            }
            let mut theme = settings.theme;
            // Right to left: the box first, then its label to the left of it.
            let combo = egui::ComboBox::from_id_salt("theme")
                .selected_text(theme.label())
                .show_ui(ui, |ui| {
                    for choice in ThemeChoice::ALL {
                        ui.selectable_value(&mut theme, choice, choice.label());
                    }
                });
            let label = ui.label("Theme");
            combo.response.labelled_by(label.id);
            if theme != settings.theme {
                intents.push(Intent::SetTheme(theme));
            }
            let mut presenter = settings.presenter;
            if ui
                .checkbox(&mut presenter, "Presenter mode")
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
