//! A profile's Fetch area: the grant (client_credentials, or the password grant labelled as
//! legacy), scope, resource and audience overrides, and Fetch — with a spinner and Cancel
//! while it runs. The tokens arrive as a workspace group. Below it, Log in and Device login
//! start the interactive flows (see `ui::flows`).

use egui::{TextEdit, Ui};

use crate::profiles::{Profile, ProfileName};

use crate::ui::state::intent::Intent;
use crate::ui::state::servers::{FetchGrant, ServerIntent, ServersState};
use crate::ui::widgets::secret_field::SecretBuffer;
use crate::ui::widgets::style;

/// Draws the Fetch area of `name`.
pub fn show(
    ui: &mut Ui,
    servers: &mut ServersState,
    name: &ProfileName,
    profile: &Profile,
    intents: &mut Vec<Intent>,
) {
    style::section(ui, "Fetch a token");
    let running = servers.fetching(name);
    let form = servers.fetch_forms.entry(name.clone()).or_default();
    ui.horizontal(|ui| {
        let l = ui.add_sized([140.0, 20.0], egui::Label::new("Grant"));
        egui::ComboBox::from_id_salt(("grant", name.as_str()))
            .selected_text(grant_label(form.grant))
            .show_ui(ui, |ui| {
                for grant in [FetchGrant::ClientCredentials, FetchGrant::Password] {
                    ui.selectable_value(&mut form.grant, grant, grant_label(grant));
                }
            })
            .response
            .labelled_by(l.id);
    });
    if form.grant == FetchGrant::Password {
        ui.colored_label(
            style::amber(ui),
            "Legacy: the password grant hands the user's password to the client (RFC 9700 forbids it). Use it only against test servers.",
        );
        row(ui, "Username", &mut form.username, "");
        ui.horizontal(|ui| {
            let l = ui.add_sized([140.0, 20.0], egui::Label::new("Password"));
            let mut buffer = SecretBuffer(&mut form.password);
            ui.add(TextEdit::singleline(&mut buffer).password(true))
                .labelled_by(l.id);
        });
    }
    let scope_hint = if profile.scopes.is_empty() {
        "none".to_string()
    } else {
        profile.scopes.join(" ")
    };
    row(
        ui,
        "Scope",
        &mut form.scope,
        &format!("profile's: {scope_hint}"),
    );
    let resource_hint = if profile.resources.is_empty() {
        "none".to_string()
    } else {
        profile.resources.join(" ")
    };
    row(
        ui,
        "Resource",
        &mut form.resource,
        &format!("profile's: {resource_hint}"),
    );
    row(
        ui,
        "Audience",
        &mut form.audience,
        &format!(
            "profile's: {}",
            profile.audience.as_deref().unwrap_or("none")
        ),
    );
    ui.add_space(4.0);
    ui.horizontal(|ui| match running {
        Some(job) => {
            ui.spinner();
            ui.label("fetching…");
            if ui.button("Cancel").clicked() {
                intents.push(Intent::Server(ServerIntent::Cancel(job)));
            }
        }
        None => {
            if ui.button("Fetch").clicked() {
                intents.push(Intent::Server(ServerIntent::Fetch(name.clone())));
            }
        }
    });
    ui.add_space(8.0);
    style::section(ui, "Log in as a user");
    ui.horizontal(|ui| crate::ui::flows::flows_window::login_buttons(ui, name, intents));
}

fn row(ui: &mut Ui, label: &str, text: &mut String, hint: &str) {
    ui.horizontal(|ui| {
        let l = ui.add_sized([140.0, 20.0], egui::Label::new(label));
        ui.add(
            TextEdit::singleline(text)
                .hint_text(style::placeholder(ui, hint))
                .desired_width(ui.available_width().min(420.0)),
        )
        .labelled_by(l.id);
    });
}

/// The grant as the chooser names it.
#[must_use]
pub fn grant_label(grant: FetchGrant) -> &'static str {
    match grant {
        FetchGrant::ClientCredentials => "client_credentials",
        FetchGrant::Password => "password (legacy)",
    }
}
