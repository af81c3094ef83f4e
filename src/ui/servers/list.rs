//! The Servers section of the left side: the profiles (open one to edit, discover or fetch),
//! New and Import, and the banners for a profiles file that cannot be read and for a missing
//! keychain.

use egui::{RichText, Ui};

use crate::ui::state::intent::Intent;
use crate::ui::state::servers::{ServerIntent, ServersState};
use crate::ui::widgets::style;

/// Draws the Servers section.
pub fn show(ui: &mut Ui, servers: &mut ServersState) -> Vec<Intent> {
    let mut intents = Vec::new();
    ui.add_space(6.0);
    ui.horizontal(|ui| {
        style::section(ui, "Servers");
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui
                .small_button("Import…")
                .on_hover_text("Add profiles from TOML text (an export of tokenscope profiles)")
                .clicked()
            {
                servers.import_text = Some(String::new());
                servers.form = None;
            }
            if ui
                .small_button("New profile")
                .on_hover_text("Add an authorization server and a client of it")
                .clicked()
            {
                intents.push(Intent::Server(ServerIntent::NewProfile));
            }
        });
    });
    banners(ui, servers);
    let names = servers.names();
    if names.is_empty() && servers.file_error.is_none() {
        ui.weak("No server profiles yet: New profile adds one.");
    }
    for name in names {
        let open = servers.open.as_ref() == Some(&name);
        let issuer = servers
            .profile(&name)
            .map(|p| p.issuer.to_string())
            .unwrap_or_default();
        let busy = servers.fetching(&name).is_some();
        ui.horizontal(|ui| {
            let button = egui::Button::selectable(open, RichText::new(name.as_str()).strong());
            let response = ui.add(button).on_hover_text(issuer.as_str());
            if response.clicked() {
                intents.push(Intent::Server(ServerIntent::Open(name.clone())));
            }
            if busy {
                ui.spinner();
            }
            ui.add(
                egui::Label::new(
                    RichText::new(issuer.trim_start_matches("https://"))
                        .small()
                        .color(style::grey(ui)),
                )
                .truncate(),
            );
        });
    }
    intents
}

/// A profiles file that cannot be read, and a keychain that did not answer.
fn banners(ui: &mut Ui, servers: &mut ServersState) {
    if let Some(error) = &servers.file_error {
        egui::Frame::new()
            .fill(style::red(ui).gamma_multiply(0.15))
            .corner_radius(4)
            .inner_margin(6.0)
            .show(ui, |ui| {
                ui.add(
                    egui::Label::new(RichText::new(format!("Profiles file unusable: {error}")))
                        .wrap(),
                );
                ui.weak("It is left as it is; profiles cannot be changed here until it is fixed.");
            });
    }
    if let Some(warning) = &servers.keychain_warning
        && !servers.keychain_banner_closed
    {
        egui::Frame::new()
            .fill(style::amber(ui).gamma_multiply(0.15))
            .corner_radius(4)
            .inner_margin(6.0)
            .show(ui, |ui| {
                ui.add(egui::Label::new(format!("Keychain: {warning}")).wrap());
                if ui.small_button("Understood").clicked() {
                    servers.keychain_banner_closed = true;
                }
            });
    }
}
