//! The Server tab of a token: the introspection beside the decoded claims with differences
//! flagged, the rotation timeline of its group, the userinfo answer, and the Call API form
//! with the last call and why the API refused the token. Presenter mode hides personal values
//! and API bodies here as everywhere.

use egui::{RichText, TextEdit, Ui};
use serde_json::Value;

use crate::token::introspection::COMPARED;
use crate::token::time::HumanTime;

use crate::ui::state::entry::Entry;
use crate::ui::state::intent::Intent;
use crate::ui::state::servers::{CallForm, FetchedGroup, ServerIntent, TokenOp};
use crate::ui::widgets::mask::{HIDDEN, is_personal};
use crate::ui::widgets::style;

/// Draws the Server tab of `entry`.
pub fn show(
    ui: &mut Ui,
    entry: &mut Entry,
    group: Option<&FetchedGroup>,
    presenter: bool,
    now: i64,
) -> Vec<Intent> {
    let mut intents = Vec::new();
    egui::ScrollArea::vertical()
        .id_salt(("server-tab", entry.id))
        .auto_shrink([false; 2])
        .show(ui, |ui| {
            introspection(ui, entry, presenter, now);
            ui.add_space(12.0);
            timeline(ui, group, now);
            ui.add_space(12.0);
            userinfo(ui, entry, presenter);
            ui.add_space(12.0);
            call(ui, entry, presenter, &mut intents);
        });
    intents
}

fn shown_value(member: &str, value: &str, presenter: bool) -> String {
    if presenter && (is_personal(member) || member == "username") {
        HIDDEN.to_string()
    } else {
        value.to_string()
    }
}

fn introspection(ui: &mut Ui, entry: &Entry, presenter: bool, now: i64) {
    style::section(ui, "Introspection");
    let Some(view) = &entry.server.introspection else {
        ui.weak("Not introspected yet: press Introspect to ask the server about this token.");
        return;
    };
    ui.weak(format!("asked {}", HumanTime::new(view.at, now).relative()));
    if !view.active {
        ui.label(
            RichText::new("inactive: revoked, expired or unknown to this server")
                .strong()
                .color(style::amber(ui)),
        );
        return;
    }
    ui.label(RichText::new("active").strong().color(style::green(ui)));
    if view.differences.is_empty() {
        ui.label("The server agrees with the token's claims.");
    } else {
        for d in &view.differences {
            ui.colored_label(
                style::amber(ui),
                format!(
                    "differs: {}",
                    shown_value(d.member, &d.describe(), presenter)
                ),
            );
        }
    }
    let claims = entry.report().map(|r| &r.payload);
    egui::Grid::new(("introspection-grid", entry.id))
        .num_columns(3)
        .striped(true)
        .spacing([16.0, 4.0])
        .show(ui, |ui| {
            ui.label(RichText::new("member").strong());
            ui.label(RichText::new("in the token").strong());
            ui.label(RichText::new("the server says").strong());
            ui.end_row();
            let mut members: Vec<&str> = COMPARED.to_vec();
            if let Some(map) = view.raw.as_object() {
                for key in map.keys() {
                    if !members.contains(&key.as_str()) && key != "active" {
                        members.push(key);
                    }
                }
            }
            for member in members {
                let token = claims.and_then(|c| c.get(member)).map(compact);
                let server = view.raw.get(member).map(compact);
                if token.is_none() && server.is_none() {
                    continue;
                }
                let differs = view.differences.iter().any(|d| d.member == member);
                let name = if differs {
                    RichText::new(format!("{member} (differs)")).color(style::amber(ui))
                } else {
                    RichText::new(member)
                };
                ui.label(name);
                ui.label(shown_value(
                    member,
                    token.as_deref().unwrap_or("—"),
                    presenter,
                ));
                ui.label(shown_value(
                    member,
                    server.as_deref().unwrap_or("—"),
                    presenter,
                ));
                ui.end_row();
            }
        });
}

fn compact(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn timeline(ui: &mut Ui, group: Option<&FetchedGroup>, now: i64) {
    style::section(ui, "Rotation timeline");
    let Some(group) = group else {
        ui.weak("Tokens fetched from a profile keep their refresh history here.");
        return;
    };
    if group.timeline.is_empty() {
        ui.weak("No refresh yet.");
        return;
    }
    egui::Grid::new("rotation-timeline")
        .num_columns(4)
        .striped(true)
        .spacing([16.0, 4.0])
        .show(ui, |ui| {
            ui.label(RichText::new("when").strong());
            ui.label(RichText::new("refresh token").strong());
            ui.label(RichText::new("new access token expires").strong());
            ui.label("");
            ui.end_row();
            for row in group.timeline.iter().rev() {
                ui.label(HumanTime::new(row.at, now).local());
                let change = match &row.new {
                    Some(new) if *new != row.old => format!("{} → {new}", row.old),
                    _ => format!("{} (kept: not rotated)", row.old),
                };
                ui.monospace(change);
                ui.label(
                    row.access_expires_at
                        .map(|t| HumanTime::new(t, now).local())
                        .unwrap_or_else(|| "unknown".into()),
                );
                ui.weak(if row.automatic { "keep alive" } else { "" });
                ui.end_row();
            }
        });
}

fn userinfo(ui: &mut Ui, entry: &Entry, presenter: bool) {
    let Some(info) = &entry.server.userinfo else {
        return;
    };
    style::section(ui, "Userinfo");
    let Some(map) = info.as_object() else {
        ui.monospace(if presenter {
            HIDDEN.to_string()
        } else {
            compact(info)
        });
        return;
    };
    egui::Grid::new(("userinfo", entry.id))
        .num_columns(2)
        .striped(true)
        .show(ui, |ui| {
            for (k, v) in map {
                ui.label(k);
                ui.label(shown_value(k, &compact(v), presenter));
                ui.end_row();
            }
        });
}

fn call(ui: &mut Ui, entry: &mut Entry, presenter: bool, intents: &mut Vec<Intent>) {
    style::section(ui, "Call an API");
    let id = entry.id;
    let form = entry.server.call_form.get_or_insert_with(CallForm::default);
    ui.horizontal(|ui| {
        let l = ui.label("Method");
        egui::ComboBox::from_id_salt(("call-method", id))
            .selected_text(form.method.as_str())
            .show_ui(ui, |ui| {
                for m in ["GET", "POST", "PUT", "PATCH", "DELETE"] {
                    ui.selectable_value(&mut form.method, m.to_string(), m);
                }
            })
            .response
            .labelled_by(l.id);
        let l = ui.label("URL");
        ui.add(
            TextEdit::singleline(&mut form.url)
                .hint_text(style::placeholder(ui, "https://api.example.com/orders"))
                .desired_width(ui.available_width()),
        )
        .labelled_by(l.id);
    });
    let l = ui.label("Headers (Name: value, one a line)");
    // Headers may carry an API key: masked on a shared screen.
    ui.add(
        TextEdit::multiline(&mut form.headers)
            .password(presenter)
            .desired_rows(2)
            .desired_width(f32::INFINITY),
    )
    .labelled_by(l.id);
    if form.method != "GET" {
        let l = ui.label("Body");
        ui.add(
            TextEdit::multiline(&mut form.body)
                .desired_rows(3)
                .desired_width(f32::INFINITY),
        )
        .labelled_by(l.id);
    }
    if ui
        .add_enabled(
            !form.url.trim().is_empty(),
            egui::Button::new("Send with this token"),
        )
        .clicked()
    {
        intents.push(Intent::Server(ServerIntent::Act {
            entry: id,
            op: TokenOp::CallApi,
        }));
    }
    let Some(last) = &entry.server.last_call else {
        return;
    };
    ui.add_space(6.0);
    let color = if (200..300).contains(&last.status) {
        style::green(ui)
    } else {
        style::red(ui)
    };
    ui.horizontal_wrapped(|ui| {
        ui.label(
            RichText::new(format!("HTTP {}", last.status))
                .strong()
                .color(color),
        );
        ui.monospace(format!("{} {}", last.method, last.url));
    });
    for sentence in &last.sentences {
        ui.add(egui::Label::new(RichText::new(sentence).color(style::amber(ui))).wrap());
    }
    if presenter {
        ui.weak("(the API's answer is hidden in presenter mode)");
    } else if !last.body.is_empty() {
        egui::ScrollArea::vertical()
            .id_salt(("call-body", id))
            .max_height(200.0)
            .show(ui, |ui| {
                ui.add(egui::Label::new(RichText::new(&last.body).monospace()).wrap());
            });
    }
}
