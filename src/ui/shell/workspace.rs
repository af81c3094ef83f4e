//! The workspace: every token pasted this session with its kind, issuer and a live lifetime
//! badge; tokens from one token response are grouped. Select, rename, remove, clear all.

use egui::{Key, RichText, Sense, TextEdit, Ui, UiBuilder};

use crate::token::lifetime::{Lifetime, LifetimeState};
use crate::token::time::duration;

use crate::ui::state::app_state::AppState;
use crate::ui::state::entry::{Body, Entry};
use crate::ui::state::intent::Intent;
use crate::ui::widgets::style;
use crate::ui::widgets::style::shown;

/// Draws the workspace panel.
pub fn show(ui: &mut Ui, state: &mut AppState) -> Vec<Intent> {
    let mut intents = Vec::new();
    let opening = state.opening_at_launch().is_some();
    let AppState {
        entries,
        selected,
        groups,
        renaming,
        confirm_clear,
        ..
    } = state;

    egui::Panel::bottom("workspace-footer")
        .frame(style::panel(ui))
        .show(ui, |ui| {
            ui.add_space(4.0);
            ui.horizontal(|ui| {
                if *confirm_clear {
                    ui.label(format!("Remove all {}?", entries.len()));
                    if ui.button("Clear all").clicked() {
                        intents.push(Intent::ClearAll);
                    }
                    if ui.button("Keep them").clicked() {
                        *confirm_clear = false;
                    }
                } else if ui
                    .add_enabled(!entries.is_empty(), egui::Button::new("Clear all…"))
                    .clicked()
                {
                    *confirm_clear = true;
                }
            });
            ui.add_space(2.0);
        });

    ui.add_space(6.0);
    ui.horizontal(|ui| {
        style::section(ui, "Workspace");
        if !entries.is_empty() {
            ui.weak(format!(
                "{} token{}",
                entries.len(),
                if entries.len() == 1 { "" } else { "s" }
            ));
        }
    });
    ui.add_space(4.0);
    if entries.is_empty() {
        // While the launch's tokens are on their way the centre says so; "no tokens" here
        // would contradict it for those few frames.
        if !opening {
            ui.weak("No tokens yet. Paste one with Ctrl+V, press Paste, or drop a file here.");
        }
        return intents;
    }

    egui::ScrollArea::vertical()
        .auto_shrink([false; 2])
        .show(ui, |ui| {
            let mut last_group = None;
            for entry in entries.iter() {
                if entry.group != last_group {
                    last_group = entry.group;
                    if let Some(group) = entry.group.and_then(|g| groups.iter().find(|x| x.id == g))
                    {
                        ui.add_space(4.0);
                        let title = ui.label(
                            RichText::new(&group.title)
                                .small()
                                .strong()
                                .color(style::grey(ui)),
                        );
                        if !group.details.is_empty() {
                            title.on_hover_text(shown(&group.details.join("\n")).into_owned());
                        }
                    }
                }
                let is_selected = *selected == Some(entry.id);
                entry_card(ui, entry, is_selected, renaming, &mut intents);
            }
        });
    intents
}

fn entry_card(
    ui: &mut Ui,
    entry: &Entry,
    selected: bool,
    renaming: &mut Option<(u64, String)>,
    intents: &mut Vec<Intent>,
) {
    let indent = if entry.group.is_some() { 8.0 } else { 0.0 };
    let (badge, badge_color) = badge(ui, entry);
    let card = ui.scope_builder(
        UiBuilder::new()
            .id_salt(("entry", entry.id))
            .sense(Sense::click()),
        |ui| {
            let hovered = ui.response().hovered();
            let fill = if selected {
                ui.visuals().selection.bg_fill.gamma_multiply(0.45)
            } else if hovered {
                ui.visuals().widgets.hovered.weak_bg_fill
            } else {
                egui::Color32::TRANSPARENT
            };
            egui::Frame::new()
                .fill(fill)
                .corner_radius(6)
                .inner_margin(egui::Margin {
                    left: 8 + indent as i8,
                    right: 8,
                    top: 6,
                    bottom: 6,
                })
                .show(ui, |ui| {
                    ui.set_width(ui.available_width());
                    ui.horizontal(|ui| {
                        ui.add(
                            egui::Label::new(RichText::new(&entry.label).strong())
                                .selectable(false)
                                .truncate(),
                        );
                    });
                    ui.horizontal(|ui| {
                        let detail = match entry.report() {
                            Some(r) => match r.signature.alg.as_deref() {
                                Some(alg) => format!("{} · {alg}", entry.kind_label()),
                                None => entry.kind_label().to_string(),
                            },
                            None => "cannot be read".into(),
                        };
                        ui.add(egui::Label::new(RichText::new(detail).small()).selectable(false));
                        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                            ui.add(
                                egui::Label::new(
                                    RichText::new(&badge).small().strong().color(badge_color),
                                )
                                .selectable(false),
                            );
                        });
                    });
                    let issuer = entry
                        .report()
                        .and_then(|r| r.claim_str("iss"))
                        .map(|i| shown(i.trim_start_matches("https://")).into_owned());
                    if let Some(issuer) = issuer {
                        ui.add(
                            egui::Label::new(RichText::new(issuer).small().color(style::grey(ui)))
                                .selectable(false)
                                .truncate(),
                        );
                    }
                    if selected {
                        actions(ui, entry, renaming, intents);
                    }
                });
        },
    );
    let response = card.response;
    let name = if entry.label == entry.kind_label() {
        format!("{}, {badge}", entry.label)
    } else {
        format!("{}: {}, {badge}", entry.label, entry.kind_label())
    };
    response.widget_info(|| {
        egui::WidgetInfo::selected(egui::Role::ListBoxOption, true, selected, &name)
    });
    if response.clicked() && !selected {
        intents.push(Intent::Select(entry.id));
    }
    if response.double_clicked() {
        intents.push(Intent::StartRename(entry.id));
    }
}

/// Rename and remove, for the selected entry.
fn actions(
    ui: &mut Ui,
    entry: &Entry,
    renaming: &mut Option<(u64, String)>,
    intents: &mut Vec<Intent>,
) {
    match renaming {
        Some((id, name)) if *id == entry.id => {
            ui.horizontal(|ui| {
                let label = ui.label(RichText::new("New name").small());
                let edit = ui
                    .add(TextEdit::singleline(name).desired_width(ui.available_width() - 4.0))
                    .labelled_by(label.id);
                if !edit.has_focus() && !edit.lost_focus() && ui.memory(|m| m.focused().is_none()) {
                    edit.request_focus();
                }
                // Enter keeps the name, Escape drops it; a click elsewhere leaves the field open.
                if edit.lost_focus() {
                    if ui.input(|i| i.key_pressed(Key::Enter)) {
                        intents.push(Intent::FinishRename { keep: true });
                    } else if ui.input(|i| i.key_pressed(Key::Escape)) {
                        intents.push(Intent::FinishRename { keep: false });
                    }
                }
            });
            ui.horizontal(|ui| {
                if ui.small_button("Save name").clicked() {
                    intents.push(Intent::FinishRename { keep: true });
                }
                if ui.small_button("Cancel").clicked() {
                    intents.push(Intent::FinishRename { keep: false });
                }
            });
        }
        _ => {
            ui.horizontal(|ui| {
                if ui.small_button("Rename").clicked() {
                    intents.push(Intent::StartRename(entry.id));
                }
                if ui
                    .small_button("Remove")
                    .on_hover_text("Remove this token from the workspace (Delete)")
                    .clicked()
                {
                    intents.push(Intent::Remove(entry.id));
                }
            });
        }
    }
}

/// The short lifetime words and their colour: "9 min 58 s left", "expired 2 h ago".
fn badge(ui: &Ui, entry: &Entry) -> (String, egui::Color32) {
    if let Body::Malformed(_) = entry.body {
        return ("error".into(), style::red(ui));
    }
    let Some(live) = entry.live() else {
        return (String::new(), style::grey(ui));
    };
    (badge_text(live), style::lifetime(ui, live.state))
}

fn badge_text(live: &Lifetime) -> String {
    let secs = live.expires_in_seconds.unwrap_or_default();
    match live.state {
        LifetimeState::Valid | LifetimeState::Expiring => {
            format!("{} left", duration(secs.unsigned_abs()))
        }
        LifetimeState::Expired => format!("expired {} ago", duration(secs.unsigned_abs())),
        LifetimeState::NotYetValid => "not yet valid".into(),
        LifetimeState::NoExpiry => "no expiry".into(),
        LifetimeState::Invalid => "bad dates".into(),
        LifetimeState::Unknown => "lifetime unknown".into(),
    }
}
