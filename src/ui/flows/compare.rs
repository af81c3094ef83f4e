//! The Compare tab: the selected token against another one from the workspace — claims and
//! header parameters added, removed and changed, and both lifetimes. The diff itself is the
//! core's (`token::diff`), the same one `tokenscope diff` prints.

use egui::{Grid, RichText, Ui};

use crate::token::diff::{Change, ChangeKind, Diff};
use crate::ui::state::entry::EntryId;
use crate::ui::state::intent::Intent;
use crate::ui::widgets::{mask, style};

/// What the tab needs, gathered before the selected entry is borrowed for drawing.
pub struct Compare {
    /// Every other readable token: its id and its workspace label.
    pub others: Vec<(EntryId, String)>,
    /// The token compared with, and the diff against it.
    pub chosen: Option<(EntryId, String, Diff)>,
}

/// Draws the tab; choosing another token is an intent.
pub fn show(ui: &mut Ui, compare: &Compare, presenter: bool) -> Vec<Intent> {
    let mut intents = Vec::new();
    if compare.others.is_empty() {
        ui.weak("Paste or fetch a second token to compare it with this one.");
        return intents;
    }
    ui.horizontal_wrapped(|ui| {
        let label = ui.label("Compare with");
        let current = compare
            .chosen
            .as_ref()
            .map_or("choose a token", |(_, name, _)| name.as_str());
        egui::ComboBox::from_id_salt("compare-with")
            .selected_text(current)
            .show_ui(ui, |ui| {
                for (id, name) in &compare.others {
                    let chosen = compare.chosen.as_ref().is_some_and(|(c, _, _)| c == id);
                    if ui.selectable_label(chosen, name).clicked() {
                        intents.push(Intent::CompareWith(*id));
                    }
                }
            })
            .response
            .labelled_by(label.id);
    });
    let Some((_, name, diff)) = &compare.chosen else {
        return intents;
    };
    ui.add_space(8.0);
    let [a, b] = &diff.lifetimes;
    ui.label(format!("This token: {}", a.summary));
    ui.label(format!("{name}: {}", b.summary));
    ui.add_space(8.0);
    if diff.same {
        ui.label("Same header and claims.");
        return intents;
    }
    egui::ScrollArea::vertical()
        .id_salt("compare-rows")
        .auto_shrink([false; 2])
        .show(ui, |ui| {
            section(ui, "Header", &diff.header, presenter, "compare-header");
            section(ui, "Claims", &diff.claims, presenter, "compare-claims");
        });
    intents
}

fn section(ui: &mut Ui, title: &str, changes: &[Change], presenter: bool, id: &str) {
    if changes.is_empty() {
        return;
    }
    style::section(ui, title);
    Grid::new(id).num_columns(3).striped(true).show(ui, |ui| {
        for change in changes {
            let color = match change.kind {
                ChangeKind::Added => style::green(ui),
                ChangeKind::Removed => style::red(ui),
                ChangeKind::Changed => style::amber(ui),
            };
            ui.label(
                RichText::new(change.kind.mark().to_string())
                    .monospace()
                    .color(color),
            );
            ui.label(RichText::new(style::shown(&change.path)).monospace());
            let personal =
                presenter && mask::is_personal(change.path.split('.').next().unwrap_or(""));
            let value = |v: &Option<serde_json::Value>| match v {
                _ if personal => mask::HIDDEN.to_string(),
                Some(v) => style::truncate(&v.to_string(), 200).into_owned(),
                None => String::new(),
            };
            let words = match change.kind {
                ChangeKind::Changed => {
                    format!("{} -> {}", value(&change.before), value(&change.after))
                }
                ChangeKind::Removed => value(&change.before),
                ChangeKind::Added => value(&change.after),
            };
            ui.label(style::shown(&words).into_owned());
            ui.end_row();
        }
    });
    ui.add_space(8.0);
}
