//! The token's actions under its header strip: Introspect, Refresh, Revoke, Userinfo and Call
//! API, each enabled from the token's profile and what its server advertises (the tooltip of a
//! disabled one says why); attaching a pasted token to a profile; Keep alive and Keep in
//! keychain; a spinner and Cancel while a call runs; the last failure in words.

use egui::{RichText, Ui};

use crate::profiles::endpoints::Endpoint;
use crate::ui::state::entry::Entry;
use crate::ui::state::intent::Intent;
use crate::ui::state::servers::{ServerIntent, ServersState, TokenOp};
use crate::ui::widgets::style;

/// Whether the token's group can be refreshed, and by which means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Renewal {
    /// A refresh token is at hand (the token is one, or its group has one, or the profile
    /// keeps one).
    Refresh,
    /// A client_credentials group: fetch again.
    Refetch,
    None,
}

/// What the strip needs to know beyond the entry.
pub struct Context {
    pub renewal: Renewal,
    pub now: i64,
}

/// Why `op` cannot run for `entry` now, in words; `None` when it can.
#[must_use]
pub fn why_disabled(
    servers: &ServersState,
    entry: &Entry,
    op: TokenOp,
    renewal: Renewal,
) -> Option<String> {
    if op == TokenOp::CallApi {
        return entry
            .is_refresh_token()
            .then(|| "a refresh token is for the token endpoint only, never for an API".into());
    }
    let Some(name) = &entry.server.profile else {
        return Some("attach this token to a server profile first".into());
    };
    let Some(profile) = servers.profile(name) else {
        return Some(format!("the profile {name} no longer exists"));
    };
    match op {
        TokenOp::Userinfo if entry.is_refresh_token() => {
            return Some("userinfo takes an access token, not a refresh token".into());
        }
        TokenOp::Refresh if renewal == Renewal::None => {
            return Some("no refresh token came with this token".into());
        }
        TokenOp::Refresh if renewal == Renewal::Refetch => {
            return Some(
                "client_credentials gives no refresh token: fetch again (Keep alive does it for you)"
                    .into(),
            );
        }
        _ => {}
    }
    let endpoint = op.endpoint()?;
    if endpoint.override_in(&profile.endpoints).is_some() {
        return None;
    }
    let metadata = servers.metadata.get(name)?;
    if metadata.member(endpoint.metadata_key()).is_some() {
        return None;
    }
    Some(format!(
        "this server advertises no {} endpoint (and the profile sets none)",
        match endpoint {
            Endpoint::Introspection => "introspection",
            Endpoint::Revocation => "revocation",
            Endpoint::Userinfo => "userinfo",
            _ => endpoint.name(),
        }
    ))
}

/// Draws the action row of `entry`.
pub fn show(ui: &mut Ui, servers: &ServersState, entry: &Entry, ctx: &Context) -> Vec<Intent> {
    let mut intents = Vec::new();
    let id = entry.id;
    let running = servers.running_for(id);
    ui.horizontal_wrapped(|ui| {
        for op in TokenOp::ALL {
            let why = why_disabled(servers, entry, op, ctx.renewal);
            let enabled = why.is_none() && running.is_none();
            let mut response = ui.add_enabled(enabled, egui::Button::new(op.label()));
            if let Some(why) = &why {
                response = response.on_disabled_hover_text(why.as_str());
            }
            if response.clicked() {
                intents.push(Intent::Server(ServerIntent::Act { entry: id, op }));
            }
        }
        if let Some((job, what)) = running {
            ui.spinner();
            let words = match what {
                crate::ui::state::servers::ServerJob::Token { op, .. } => op.running_words(),
                _ => "working…",
            };
            ui.label(words);
            if ui.button("Cancel").clicked() {
                intents.push(Intent::Server(ServerIntent::Cancel(job)));
            }
        }
    });
    ui.horizontal_wrapped(|ui| {
        match &entry.server.profile {
            Some(name) => {
                ui.weak("profile");
                ui.label(RichText::new(name.as_str()).strong());
            }
            None => attach(ui, servers, id, &mut intents),
        }
        keep_alive(ui, entry, ctx, &mut intents);
        if entry.server.profile.is_some() {
            let mut kept = entry.server.kept;
            let response = ui
                .checkbox(&mut kept, "Keep in keychain")
                .on_hover_text("Store this token in the OS keychain under its profile and restore it at the next start");
            if response.changed() {
                intents.push(Intent::Server(ServerIntent::KeepInKeychain { entry: id, on: kept }));
            }
        }
    });
    if let Some(error) = &entry.server.error {
        ui.add(egui::Label::new(RichText::new(error).color(style::red(ui))).wrap());
    }
    if entry.server.revoked_at.is_some() {
        ui.horizontal_wrapped(|ui| {
            ui.colored_label(style::green(ui), "The server accepted the revocation.");
            let can = why_disabled(servers, entry, TokenOp::Introspect, ctx.renewal).is_none();
            if ui
                .add_enabled(
                    can && running.is_none(),
                    egui::Button::new("Introspect now"),
                )
                .on_hover_text("Confirm the token is inactive now")
                .clicked()
            {
                intents.push(Intent::Server(ServerIntent::Act {
                    entry: id,
                    op: TokenOp::Introspect,
                }));
            }
        });
    }
    intents
}

fn attach(ui: &mut Ui, servers: &ServersState, id: u64, intents: &mut Vec<Intent>) {
    let names = servers.names();
    if names.is_empty() {
        ui.weak("Add a server profile to introspect, refresh or revoke this token.");
        return;
    }
    let label = ui.label("Attach to profile");
    egui::ComboBox::from_id_salt(("attach", id))
        .selected_text("choose…")
        .show_ui(ui, |ui| {
            for name in names {
                let issuer = servers
                    .profile(&name)
                    .map(|p| p.issuer.to_string())
                    .unwrap_or_default();
                let words = format!("{name} ({issuer})");
                if ui.selectable_label(false, words).clicked() {
                    intents.push(Intent::Server(ServerIntent::Attach {
                        entry: id,
                        profile: name,
                    }));
                }
            }
        })
        .response
        .labelled_by(label.id);
}

fn keep_alive(ui: &mut Ui, entry: &Entry, ctx: &Context, intents: &mut Vec<Intent>) {
    if entry.is_refresh_token() || ctx.renewal == Renewal::None || entry.server.profile.is_none() {
        return;
    }
    let mut on = entry.server.keep_alive.is_some();
    let response = ui.checkbox(&mut on, "Keep alive").on_hover_text(
        "Refresh (or fetch again) when 80 % of the lifetime has passed; stops at the first failure",
    );
    if response.changed() {
        intents.push(Intent::Server(ServerIntent::KeepAlive {
            entry: entry.id,
            on,
        }));
    }
    if let Some(keep) = &entry.server.keep_alive {
        match (&keep.stopped, keep.next_at) {
            (Some(why), _) => {
                ui.colored_label(style::red(ui), format!("keep alive stopped: {why}"));
            }
            (None, Some(at)) => {
                let secs = (at - ctx.now).max(0).unsigned_abs();
                style::chip(
                    ui,
                    format!("auto-refresh in {}", crate::token::time::duration(secs)),
                    style::blue(ui),
                );
            }
            (None, None) => {
                ui.weak("no expiry known: nothing to plan");
            }
        }
    }
}
