//! The row of view tabs over the selected token, with the key panel's switch at its end.

use crate::ui::state::intent::Intent;
use crate::ui::state::settings::Tab;

/// The view tabs, and the key panel's switch at the row's right end when it fits there; in a
/// narrow centre the row wraps, so no tab is ever drawn under the switch.
pub fn tab_row(
    ui: &mut egui::Ui,
    tab: Tab,
    side_panel: bool,
    fits: bool,
    intents: &mut Vec<Intent>,
) {
    ui.horizontal_wrapped(|ui| {
        for t in Tab::ALL {
            if ui
                .add(egui::Button::selectable(tab == t, t.label()))
                .clicked()
            {
                intents.push(Intent::SetTab(t));
            }
        }
        let words = if side_panel && fits {
            "Hide key & expectations"
        } else {
            "Key & expectations"
        };
        let button = egui::Button::new(words);
        let width = ui
            .painter()
            .layout_no_wrap(
                words.to_string(),
                egui::TextStyle::Button.resolve(ui.style()),
                egui::Color32::WHITE,
            )
            .size()
            .x
            + 2.0 * ui.spacing().button_padding.x;
        // Less the gap egui puts before the button, and a pixel for rounding.
        // What is left of the tabs' line (`available_width` in a wrapping layout is the whole
        // width): space that does not fit there would widen the centre past its panel.
        let spare = ui.available_size_before_wrap().x - width - ui.spacing().item_spacing.x - 1.0;
        if spare > 0.0 {
            ui.add_space(spare);
        }
        let response = ui.add_enabled(fits, button);
        let response = response.on_disabled_hover_text(
            "The window is too narrow for this panel beside the token: widen it",
        );
        if response.clicked() {
            intents.push(Intent::ToggleSidePanel);
        }
    });
}
