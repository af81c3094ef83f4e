//! A profile in the centre: its form (add, edit; the client secret masked with a reveal
//! button), or its page — the endpoints it uses and where each comes from, what Discover found
//! the server advertises (operations, grants, client authentication), Edit, Duplicate,
//! Remove, and its Fetch area. Also the import box.

use egui::{RichText, TextEdit, Ui};

use crate::profiles::endpoints::{Origin, resolve};
use crate::profiles::{AuthMethod, ProfileName};

use crate::ui::servers::fetch;
use crate::ui::state::intent::Intent;
use crate::ui::state::servers::{ProfileForm, ServerIntent, ServersState};
use crate::ui::widgets::secret_field::SecretBuffer;
use crate::ui::widgets::style;

/// Whether the centre belongs to the server side now (a form, a profile or the import box).
#[must_use]
pub fn wants_centre(servers: &ServersState) -> bool {
    servers.form.is_some() || servers.open.is_some() || servers.import_text.is_some()
}

/// Draws the profile form, the import box or the open profile's page.
pub fn show(ui: &mut Ui, servers: &mut ServersState, presenter: bool) -> Vec<Intent> {
    let mut intents = Vec::new();
    egui::ScrollArea::vertical()
        .id_salt("server-profile")
        .auto_shrink([false; 2])
        .show(ui, |ui| {
            if let Some(error) = &servers.profile_error {
                ui.colored_label(style::red(ui), error);
                ui.add_space(6.0);
            }
            if let Some(form) = &mut servers.form {
                form_view(ui, form, presenter, &mut intents);
            } else if servers.import_text.is_some() {
                import_view(ui, servers, &mut intents);
            } else if let Some(name) = servers.open.clone() {
                page(ui, servers, &name, &mut intents);
            }
        });
    intents
}

fn text_row(ui: &mut Ui, label: &str, text: &mut String, hint: &str) {
    ui.horizontal(|ui| {
        let l = ui.add_sized([140.0, 20.0], egui::Label::new(label));
        ui.add(
            TextEdit::singleline(text)
                .hint_text(style::placeholder(ui, hint))
                .desired_width(ui.available_width().min(520.0)),
        )
        .labelled_by(l.id);
    });
}

fn form_view(ui: &mut Ui, form: &mut ProfileForm, presenter: bool, intents: &mut Vec<Intent>) {
    let title = match &form.original {
        Some(name) => format!("Edit profile {name}"),
        None => "New server profile".to_string(),
    };
    ui.heading(title);
    ui.add_space(6.0);
    text_row(ui, "Name", &mut form.name, "staging");
    text_row(
        ui,
        "Issuer URL",
        &mut form.issuer,
        "https://login.example.com/",
    );
    text_row(ui, "Client ID", &mut form.client_id, "my-client");
    ui.horizontal(|ui| {
        let l = ui.add_sized([140.0, 20.0], egui::Label::new("Client authentication"));
        egui::ComboBox::from_id_salt("auth-method")
            .selected_text(form.auth_method.as_str())
            .show_ui(ui, |ui| {
                for method in [
                    AuthMethod::ClientSecretBasic,
                    AuthMethod::ClientSecretPost,
                    AuthMethod::None,
                ] {
                    ui.selectable_value(&mut form.auth_method, method, method.as_str());
                }
            })
            .response
            .labelled_by(l.id);
    });
    if form.auth_method.needs_secret() {
        secret_row(ui, form, presenter);
    }
    text_row(
        ui,
        "Scopes",
        &mut form.scopes,
        "openid profile (space-separated)",
    );
    text_row(
        ui,
        "Resources",
        &mut form.resources,
        "RFC 8707 resource indicators",
    );
    text_row(
        ui,
        "Audience",
        &mut form.audience,
        "for servers that take audience=",
    );
    ui.add_space(4.0);
    ui.label(RichText::new("Endpoints (empty: from discovery)").color(style::grey(ui)));
    for (endpoint, text) in &mut form.endpoints {
        let label = format!("{} endpoint", endpoint.name());
        text_row(ui, &label, text, "from discovery");
    }
    ui.checkbox(
        &mut form.allow_http,
        "Allow plain http:// to a host that is not loopback",
    );
    ui.add_space(8.0);
    ui.horizontal(|ui| {
        if ui.button("Save profile").clicked() {
            intents.push(Intent::Server(ServerIntent::SaveForm));
        }
        if ui.button("Cancel").clicked() {
            intents.push(Intent::Server(ServerIntent::CloseForm));
        }
    });
}

/// The client secret: masked unless revealed (never in presenter mode). An edited profile's
/// stored secret is never read back into the window: typing replaces it.
fn secret_row(ui: &mut Ui, form: &mut ProfileForm, presenter: bool) {
    ui.horizontal(|ui| {
        let l = ui.add_sized([140.0, 20.0], egui::Label::new("Client secret"));
        let hint = if form.original.is_some() {
            "stored in the keychain; type to replace it"
        } else {
            "kept in the OS keychain, never in a file"
        };
        let mut buffer = SecretBuffer(&mut form.secret);
        ui.add(
            TextEdit::singleline(&mut buffer)
                .password(presenter || !form.reveal)
                .hint_text(style::placeholder(ui, hint))
                .desired_width(ui.available_width().min(420.0) - 90.0),
        )
        .labelled_by(l.id);
        let words = if form.reveal { "Mask" } else { "Reveal" };
        let button = ui
            .add_enabled(!presenter, egui::Button::new(words))
            .on_disabled_hover_text("Presenter mode keeps secrets masked");
        if button.clicked() {
            form.reveal = !form.reveal;
        }
    });
    if form.original.is_some() {
        ui.horizontal(|ui| {
            ui.add_space(144.0);
            ui.checkbox(&mut form.clear_secret, "Remove the stored secret");
        });
    }
}

fn import_view(ui: &mut Ui, servers: &mut ServersState, intents: &mut Vec<Intent>) {
    ui.heading("Import profiles");
    ui.label("Paste profiles exported from tokenscope (TOML). Secrets are never in an export: add each client secret by editing the profile.");
    let text = servers.import_text.get_or_insert_with(String::new);
    let label = ui.label("Profiles TOML");
    ui.add(
        TextEdit::multiline(text)
            .code_editor()
            .desired_rows(10)
            .desired_width(f32::INFINITY),
    )
    .labelled_by(label.id);
    ui.horizontal(|ui| {
        if ui.button("Import").clicked() {
            intents.push(Intent::Server(ServerIntent::Import));
        }
        if ui.button("Cancel").clicked() {
            servers.import_text = None;
        }
    });
}

fn page(ui: &mut Ui, servers: &mut ServersState, name: &ProfileName, intents: &mut Vec<Intent>) {
    let Some(profile) = servers.profile(name).cloned() else {
        ui.weak("This profile is gone.");
        return;
    };
    ui.horizontal_wrapped(|ui| {
        ui.heading(name.as_str());
        ui.weak(profile.issuer.as_str());
    });
    ui.horizontal_wrapped(|ui| {
        ui.weak("client");
        ui.label(RichText::new(&profile.client_id).strong());
        ui.weak(profile.auth_method.as_str());
    });
    ui.add_space(4.0);
    ui.horizontal(|ui| {
        let discovering = servers
            .jobs
            .values()
            .any(|j| matches!(j, crate::ui::state::servers::ServerJob::Discover(n) if n == name));
        if discovering {
            ui.spinner();
            ui.label("discovering…");
        } else if ui
            .button("Discover")
            .on_hover_text("Read the server's metadata: its endpoints, grants and methods")
            .clicked()
        {
            intents.push(Intent::Server(ServerIntent::Discover(name.clone())));
        }
        if ui.button("Edit").clicked() {
            intents.push(Intent::Server(ServerIntent::Edit(name.clone())));
        }
        if ui.button("Duplicate").clicked() {
            intents.push(Intent::Server(ServerIntent::Duplicate(name.clone())));
        }
        if ui
            .button("Export")
            .on_hover_text("Copy every profile as TOML (never a secret)")
            .clicked()
        {
            intents.push(Intent::Server(ServerIntent::Export));
        }
        if servers.confirm_remove.as_ref() == Some(name) {
            ui.label("Remove it and its stored secrets?");
            if ui.button("Remove profile").clicked() {
                intents.push(Intent::Server(ServerIntent::Remove(name.clone())));
            }
            if ui.button("Keep it").clicked() {
                servers.confirm_remove = None;
            }
        } else if ui.button("Remove…").clicked() {
            servers.confirm_remove = Some(name.clone());
        }
    });
    ui.add_space(8.0);
    style::section(ui, "Endpoints");
    let metadata = servers.metadata.get(name).cloned();
    if let Some(error) = servers.discovery_errors.get(name) {
        ui.colored_label(style::red(ui), format!("Discovery failed: {error}"));
    } else if metadata.is_none() {
        ui.weak("Not discovered yet: press Discover to read what the server advertises.");
    }
    egui::Grid::new(("endpoints", name.as_str()))
        .num_columns(3)
        .spacing([12.0, 4.0])
        .show(ui, |ui| {
            for resolved in resolve(&profile, metadata.as_deref()) {
                ui.label(resolved.endpoint.name());
                match &resolved.url {
                    Some(url) => ui.monospace(url),
                    None => ui.weak("not advertised"),
                };
                match &resolved.origin {
                    Origin::Override => ui.weak("set in the profile"),
                    Origin::Discovery { document } => ui.weak(format!("from {document}")),
                    Origin::Unknown => ui.weak(""),
                };
                ui.end_row();
            }
        });
    if let Some(metadata) = &metadata {
        ui.add_space(6.0);
        for (key, title) in [
            ("grant_types_supported", "Grants advertised"),
            (
                "token_endpoint_auth_methods_supported",
                "Client authentication",
            ),
            ("scopes_supported", "Scopes"),
        ] {
            let list = metadata.list(key);
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new(title).color(style::grey(ui)));
                if list.is_empty() {
                    ui.weak("not said");
                } else {
                    ui.label(list.join(", "));
                }
            });
        }
    }
    ui.add_space(10.0);
    fetch::show(ui, servers, name, &profile, intents);
}
