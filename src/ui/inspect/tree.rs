//! The tree view of header and payload: expand and collapse, filter by key or value, copy any
//! value or path. Rows come from the per-token `TreeModel` and only the rows on screen are laid
//! out (`ScrollArea::show_rows`), so a 1 MiB payload scrolls as smoothly as a small one.

use egui::text::LayoutJob;
use egui::{FontId, RichText, Sense, TextEdit, TextFormat, Ui};
use serde_json::Value;

use crate::ui::inspect::claims::Personal;
use crate::ui::inspect::tree_model::{Row, RowValue, TreeModel};
use crate::ui::state::entry::{Body, Entry, TreeState};
use crate::ui::state::intent::Intent;
use crate::ui::widgets::mask;
use crate::ui::widgets::style::{self, Syntax};

/// Shown instead of a nested token's decoded text in presenter mode: that text is a token.
pub const NESTED_MASKED: &str = "The payload is a nested token: its text is masked (presenter mode, or an unrevealed refresh token). Its claims are in Checks & claims.";

/// Draws the tree view of a parsed token.
pub fn show(ui: &mut Ui, entry: &mut Entry, now: i64, presenter: bool) -> Vec<Intent> {
    let mut intents = Vec::new();
    // An unrevealed refresh token masks its text here too, as in the raw view.
    let masked = entry.token_masked(presenter);
    let personal = Personal::of(entry, presenter);
    let hide = personal.hidden();
    let Entry {
        id,
        body,
        tree: state,
        ..
    } = entry;
    let Body::Parsed(parsed) = body else {
        return intents;
    };
    if masked && parsed.report.nested.is_some() {
        ui.weak(NESTED_MASKED);
        return intents;
    }
    let (model, report) = parsed.tree_model(now);

    ui.horizontal_wrapped(|ui| {
        let label = ui.label("Search");
        let search = ui
            .add(
                TextEdit::singleline(&mut state.query)
                    .hint_text(style::placeholder(ui, "key or value"))
                    .desired_width(ui.available_width().clamp(120.0, 220.0)),
            )
            .labelled_by(label.id);
        if search.changed() {
            state.visible = None;
        }
        if ui.button("Expand all").clicked() {
            state.collapsed.clear();
            state.visible = None;
        }
        if ui.button("Collapse all").clicked() {
            state.collapsed = model.containers();
            state.visible = None;
        }
        personal.switch(ui, &report.payload, &mut intents);
    });
    ui.horizontal(|ui| {
        if let Some(row) = state.selected.and_then(|i| model.rows.get(i)) {
            copy_buttons(ui, row, report, &mut intents);
            ui.monospace(&row.path);
        } else {
            ui.weak("Click a row, then Copy value or Copy path (or right-click it).");
        }
    });
    ui.separator();

    if state.visible_hiding != hide {
        state.visible = None;
        state.visible_hiding = hide;
    }
    let visible = state
        .visible
        .get_or_insert_with(|| model.visible(&state.collapsed, &state.query, hide))
        .clone();
    if visible.is_empty() {
        ui.weak(if state.query.trim().is_empty() {
            "Nothing to show: this token has no decoded header or payload."
        } else {
            "Nothing matches the search."
        });
        return intents;
    }
    let row_height = ui.spacing().interact_size.y;
    egui::ScrollArea::vertical()
        .id_salt(("tree", id))
        .auto_shrink([false; 2])
        .show_rows(ui, row_height, visible.len(), |ui, range| {
            for &index in &visible[range] {
                draw_row(
                    ui,
                    model,
                    index,
                    state,
                    row_height,
                    report,
                    hide,
                    &mut intents,
                );
            }
        });
    intents
}

#[allow(clippy::too_many_arguments)]
fn draw_row(
    ui: &mut Ui,
    model: &TreeModel,
    index: usize,
    state: &mut TreeState,
    row_height: f32,
    report: &crate::token::Report,
    hide_personal: bool,
    intents: &mut Vec<Intent>,
) {
    let row = &model.rows[index];
    let rect = egui::Rect::from_min_size(
        ui.cursor().min,
        egui::vec2(ui.available_width(), row_height),
    );
    if state.selected == Some(index) {
        ui.painter().rect_filled(
            rect,
            3.0,
            ui.visuals().selection.bg_fill.gamma_multiply(0.4),
        );
    }
    ui.horizontal(|ui| {
        ui.set_height(row_height);
        ui.add_space(f32::from(row.depth) * 18.0);
        if let RowValue::Container { .. } = row.value {
            let open = !state.collapsed.contains(&index) || !state.query.trim().is_empty();
            let (arrow, words) = if open {
                ("▼", "Collapse")
            } else {
                ("▶", "Expand")
            };
            let toggle = ui
                .add(
                    egui::Button::new(RichText::new(arrow).monospace().size(style::size::SMALL))
                        .frame(false),
                )
                .on_hover_text(format!("{words} {}", row.path));
            if toggle.clicked() {
                if open {
                    state.collapsed.insert(index);
                } else {
                    state.collapsed.remove(&index);
                }
                state.visible = None;
            }
        } else {
            ui.add_space(18.0);
        }
        let label = ui.add(
            egui::Label::new(row_text(ui, row, hide_personal && row.personal))
                .sense(Sense::click())
                .truncate(),
        );
        if label.clicked() {
            state.selected = Some(index);
        }
        label.context_menu(|ui| {
            state.selected = Some(index);
            let before = intents.len();
            copy_buttons(ui, row, report, intents);
            if intents.len() > before {
                ui.close();
            }
        });
    });
}

/// `key: value` with syntax colours; containers show their size. A `hidden` leaf shows its
/// key only (a personal claim in presenter mode).
fn row_text(ui: &Ui, row: &Row, hidden: bool) -> LayoutJob {
    let font = FontId::monospace(style::size::MONO);
    let mut job = LayoutJob::default();
    let mut add = |text: &str, color: egui::Color32| {
        job.append(text, 0.0, TextFormat::simple(font.clone(), color));
    };
    let key_color = if row.depth == 0 {
        ui.visuals().strong_text_color()
    } else {
        style::syntax(ui, Syntax::Key)
    };
    add(&row.key, key_color);
    match &row.value {
        RowValue::Container { array, len } => {
            let (open, close) = if *array { ("[", "]") } else { ("{", "}") };
            let noun = match (*array, *len) {
                (true, 1) => "item",
                (true, _) => "items",
                (false, 1) => "member",
                (false, _) => "members",
            };
            add(&format!("  {open} {len} {noun} {close}"), style::grey(ui));
        }
        RowValue::Leaf { .. } if hidden => {
            add(": ", style::grey(ui));
            add(
                &format!("{} (personal, hidden)", mask::HIDDEN),
                style::grey(ui),
            );
        }
        RowValue::Leaf { text, syntax, note } => {
            add(": ", style::grey(ui));
            add(text, style::syntax(ui, *syntax));
            if let Some(note) = note {
                add(&format!("   {note}"), style::grey(ui));
            }
        }
    }
    job
}

fn copy_buttons(ui: &mut Ui, row: &Row, report: &crate::token::Report, intents: &mut Vec<Intent>) {
    if ui.button("Copy value").clicked() {
        let root = if row.in_payload {
            &report.payload
        } else {
            &report.header
        };
        let text = match root.pointer(&row.pointer) {
            Some(Value::String(s)) => s.clone(),
            Some(v) => serde_json::to_string_pretty(v).unwrap_or_default(),
            None => String::new(),
        };
        intents.push(Intent::Copy {
            text: text.into(),
            what: format!("the value of {}", row.path),
        });
    }
    if ui.button("Copy path").clicked() {
        intents.push(Intent::Copy {
            text: row.path.as_str().into(),
            what: format!("the path {}", row.path),
        });
    }
}
