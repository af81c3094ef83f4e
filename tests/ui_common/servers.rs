//! Driving the Servers area and a token's server actions, as a user does.

use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use tokenscope::ui::App;

use super::wait_for;

/// Attaches the selected token to the profile `name` through the header strip's chooser.
pub fn attach(harness: &mut Harness<'_, App>, name: &str) {
    harness.get_by_label("Attach to profile").click();
    harness.run_steps(2);
    harness
        .query_all_by_label_contains(&format!("{name} ("))
        .next()
        .unwrap()
        .click();
    harness.run_steps(2);
}

pub fn type_into(harness: &mut Harness<'_, App>, label: &str, text: &str) {
    let field = harness.get_by_label(label);
    field.focus();
    field.type_text(text);
    harness.run_steps(2);
}

pub fn click(harness: &mut Harness<'_, App>, label: &str) {
    harness.get_by_label(label).click();
    harness.run_steps(2);
}

/// The secret field's text as assistive technology reads it.
pub fn secret_value(harness: &Harness<'_, App>) -> String {
    harness
        .get_by_label("Client secret")
        .accesskit_node()
        .value()
        .unwrap_or_default()
}

/// Fills the New profile form and saves it; waits until the profile is listed.
pub fn add_profile(harness: &mut Harness<'_, App>, name: &str, fields: &[(&str, &str)]) {
    click(harness, "New profile");
    type_into(harness, "Name", name);
    for (label, text) in fields {
        type_into(harness, label, text);
    }
    click(harness, "Save profile");
    wait_for(harness, "the saved profile", |h| {
        h.state().profile_names().iter().any(|n| n == name)
    });
}

/// Opens the Server tab of the selected token.
pub fn server_tab(harness: &mut Harness<'_, App>) {
    harness
        .get_all_by_role_and_label(egui::Role::Button, "Server")
        .next()
        .unwrap()
        .click();
    harness.run_steps(2);
}

/// Waits until no server job is running.
pub fn settle(harness: &mut Harness<'_, App>, what: &str) {
    wait_for(harness, what, |h| {
        h.state().background_jobs() == 0 && h.state().server_jobs() == 0
    });
}
