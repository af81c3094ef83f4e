//! The claims table: claim, value, meaning. Dates show local time (UTC, the Unix value and the
//! relative time on hover); `aud`, `scope` and friends show as chips; nested objects (`cnf`,
//! `act`, `realm_access`) expand in place. A huge payload shows its first claims here and
//! leaves the rest to the virtualised tree view.

use egui::{Align, Layout, RichText, Ui};
use serde_json::Value;

use crate::token::Report;
use crate::token::claims::ClaimView;
use crate::token::report::PayloadFormat;
use crate::token::time::relative;

use crate::ui::state::entry::{Entry, EntryId};
use crate::ui::state::intent::Intent;
use crate::ui::widgets::mask;
use crate::ui::widgets::style;
use crate::ui::widgets::style::shown;

/// More claims than this are left to the tree view.
const MAX_CLAIMS: usize = 200;
/// Members of a nested object shown in place.
const MAX_CHILDREN: usize = 100;
/// The value and meaning columns are side by side only when each gets this much.
const MIN_COLUMN: f32 = 140.0;
/// Characters of a value shown in a cell.
const MAX_VALUE_CHARS: usize = 300;

/// Whether a token's personal claims are hidden, and the token they belong to.
#[derive(Debug, Clone, Copy)]
pub struct Personal {
    pub entry: EntryId,
    pub presenter: bool,
    pub revealed: bool,
}

impl Personal {
    /// The personal claims of `entry` in presenter mode `presenter`.
    #[must_use]
    pub fn of(entry: &Entry, presenter: bool) -> Self {
        Self {
            entry: entry.id,
            presenter,
            revealed: entry.reveal_personal,
        }
    }

    /// Whether personal values are hidden now.
    #[must_use]
    pub fn hidden(self) -> bool {
        self.presenter && !self.revealed
    }

    /// In presenter mode, where `payload` holds personal claims: the switch that shows them.
    pub fn switch(self, ui: &mut Ui, payload: &Value, intents: &mut Vec<Intent>) {
        if !self.presenter || !mask::has_personal(payload) {
            return;
        }
        let mut revealed = self.revealed;
        let words = format!(
            "Hidden in presenter mode: {}",
            mask::PERSONAL_CLAIMS.join(", ")
        );
        if ui
            .checkbox(&mut revealed, "Show personal claims")
            .on_hover_text(words)
            .changed()
        {
            intents.push(Intent::RevealPersonal(self.entry, revealed));
        }
    }
}

/// Draws the claims of `report`.
pub fn show(ui: &mut Ui, report: &Report, now: i64, personal: Personal) -> Vec<Intent> {
    let mut intents = Vec::new();
    ui.horizontal_wrapped(|ui| {
        style::section(ui, "Claims");
        if !report.claims.is_empty() {
            ui.weak(format!("{} in the payload", report.claims.len()));
        }
        personal.switch(ui, &report.payload, &mut intents);
    });
    ui.add_space(4.0);
    if report.claims.is_empty() {
        ui.weak(match report.payload_format {
            PayloadFormat::Encrypted => {
                "The claims are encrypted: they cannot be read without the decryption key."
            }
            PayloadFormat::None => {
                "An opaque token has no claims to read here; introspection asks its issuer."
            }
            _ if report.nested.is_some() => "The payload is a nested token: its claims are below.",
            _ => "The payload is not a claims object; see the Raw view.",
        });
        return intents;
    }
    let total = ui.available_width();
    let name_w = (total * 0.25).clamp(60.0, 150.0);
    // The meaning gets a column of its own where there is room for one; in a narrow centre it
    // goes under the value, so nothing is drawn past the panel's edge.
    let rest = total - name_w - 2.0 * ui.spacing().item_spacing.x;
    let (value_w, meaning_w) = if rest >= 2.0 * MIN_COLUMN {
        let value_w = (rest * 0.5).max(MIN_COLUMN);
        (value_w, rest - value_w)
    } else {
        (rest.max(MIN_COLUMN), 0.0)
    };
    let columns: &[(&str, f32)] = if meaning_w > 0.0 {
        &[
            ("Claim", name_w),
            ("Value", value_w),
            ("Meaning", meaning_w),
        ]
    } else {
        &[("Claim", name_w), ("Value and meaning", value_w)]
    };
    ui.horizontal(|ui| {
        for &(text, w) in columns {
            cell(ui, w, |ui| {
                ui.label(RichText::new(text).small().strong().color(style::grey(ui)));
            });
        }
    });
    for (i, claim) in report.claims.iter().take(MAX_CLAIMS).enumerate() {
        let background = ui.painter().add(egui::Shape::Noop);
        let row = ui
            .horizontal_top(|ui| {
                cell(ui, name_w, |ui| {
                    ui.label(RichText::new(shown(&claim.name)).monospace().strong());
                });
                let value = report
                    .payload
                    .get(&claim.name)
                    .unwrap_or(&serde_json::Value::Null);
                cell(ui, value_w, |ui| {
                    if personal.hidden() && mask::is_personal(&claim.name) {
                        ui.weak(format!("{} (personal, hidden)", mask::HIDDEN));
                    } else {
                        value_cell(ui, claim, value, now, &mut intents);
                    }
                    if meaning_w == 0.0 {
                        meaning(ui, claim);
                    }
                });
                if meaning_w > 0.0 {
                    cell(ui, meaning_w, |ui| meaning(ui, claim));
                }
            })
            .response;
        if i % 2 == 0 {
            let rect = row.rect.expand2(egui::vec2(4.0, 2.0));
            ui.painter().set(
                background,
                egui::Shape::rect_filled(rect, 4.0, ui.visuals().faint_bg_color),
            );
        }
    }
    if report.claims.len() > MAX_CLAIMS {
        ui.weak(format!(
            "{} more claims: the Tree view (Ctrl+2) shows them all.",
            report.claims.len() - MAX_CLAIMS
        ));
    }
    intents
}

/// The chips of a list claim: one per scope even where `scp` is one space-separated string
/// (Entra ID), so a long list wraps scope by scope instead of being cut as one chip.
fn claim_items(claim: &ClaimView) -> impl Iterator<Item = &str> {
    let scopes = matches!(claim.name.as_str(), "scope" | "scp");
    claim.items.iter().flat_map(move |item| {
        let parts: Box<dyn Iterator<Item = &str>> = if scopes {
            Box::new(item.split_whitespace())
        } else {
            Box::new(std::iter::once(item.as_str()))
        };
        parts
    })
}

fn meaning(ui: &mut Ui, claim: &ClaimView) {
    match claim.explanation {
        Some(words) => ui.add(egui::Label::new(words).wrap()),
        None => ui.weak("not a registered claim"),
    };
}

fn cell(ui: &mut Ui, width: f32, add: impl FnOnce(&mut Ui)) {
    ui.allocate_ui_with_layout(egui::vec2(width, 0.0), Layout::top_down(Align::Min), |ui| {
        ui.set_width(width);
        add(ui);
    });
}

fn value_cell(
    ui: &mut Ui,
    claim: &ClaimView,
    value: &serde_json::Value,
    now: i64,
    intents: &mut Vec<Intent>,
) {
    if let Some(time) = &claim.time {
        let shown = ui.label(RichText::new(time.local()).monospace());
        shown.on_hover_text(format!(
            "{}\nUnix time {}\n{}",
            time.utc(),
            time.unix,
            relative(time.unix - now)
        ));
    } else if !claim.items.is_empty() {
        let color = if claim.name == "aud" {
            style::blue(ui)
        } else {
            style::purple(ui)
        };
        ui.horizontal_wrapped(|ui| {
            for item in claim_items(claim) {
                let text = shown(&style::truncate(item, MAX_VALUE_CHARS)).into_owned();
                let chip = style::chip(ui, text, color);
                chip.context_menu(|ui| {
                    copy_button(ui, item, &format!("{} item", claim.name), intents)
                });
            }
        });
    } else {
        nested(ui, &claim.name, value, 0, intents);
    }
    if let Some(problem) = &claim.problem {
        ui.add(
            egui::Label::new(RichText::new(format!("Problem: {problem}")).color(style::red(ui)))
                .wrap(),
        );
    }
}

/// A value, with objects and arrays as collapsible blocks.
fn nested(ui: &mut Ui, name: &str, value: &Value, depth: usize, intents: &mut Vec<Intent>) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            let title = format!(
                "{{…}} {} member{}",
                map.len(),
                if map.len() == 1 { "" } else { "s" }
            );
            egui::CollapsingHeader::new(title)
                .id_salt((name, depth))
                .show(ui, |ui| {
                    for (key, child) in map.iter().take(MAX_CHILDREN) {
                        ui.horizontal_top(|ui| {
                            ui.label(
                                RichText::new(format!("{}:", shown(key)))
                                    .monospace()
                                    .color(style::blue(ui)),
                            );
                            ui.vertical(|ui| nested(ui, key, child, depth + 1, intents));
                        });
                    }
                    more(ui, map.len());
                });
        }
        Value::Array(items) if !items.is_empty() => {
            let title = format!(
                "[…] {} item{}",
                items.len(),
                if items.len() == 1 { "" } else { "s" }
            );
            egui::CollapsingHeader::new(title)
                .id_salt((name, depth))
                .show(ui, |ui| {
                    for (i, child) in items.iter().take(MAX_CHILDREN).enumerate() {
                        ui.horizontal_top(|ui| {
                            ui.label(
                                RichText::new(format!("[{i}]"))
                                    .monospace()
                                    .color(style::grey(ui)),
                            );
                            ui.vertical(|ui| {
                                nested(ui, &format!("{name}[{i}]"), child, depth + 1, intents)
                            });
                        });
                    }
                    more(ui, items.len());
                });
        }
        Value::String(s) => {
            let text = shown(&style::truncate(s, MAX_VALUE_CHARS)).into_owned();
            let label = ui.add(egui::Label::new(text).wrap());
            label.context_menu(|ui| copy_button(ui, s, &format!("the value of {name}"), intents));
        }
        other => {
            let text = other.to_string();
            let label = ui.label(
                RichText::new(&text)
                    .monospace()
                    .color(style::syntax(ui, syntax_of(other))),
            );
            label.context_menu(|ui| {
                copy_button(ui, &text, &format!("the value of {name}"), intents)
            });
        }
    }
}

fn more(ui: &mut Ui, len: usize) {
    if len > MAX_CHILDREN {
        ui.weak(format!("… {} more: see the Tree view", len - MAX_CHILDREN));
    }
}

fn syntax_of(value: &Value) -> style::Syntax {
    match value {
        Value::Number(_) => style::Syntax::Number,
        Value::String(_) => style::Syntax::String,
        _ => style::Syntax::Literal,
    }
}

fn copy_button(ui: &mut Ui, text: &str, what: &str, intents: &mut Vec<Intent>) {
    if ui.button("Copy value").clicked() {
        intents.push(Intent::Copy {
            text: text.into(),
            what: what.to_string(),
        });
        ui.close();
    }
}
