//! The checklist: every check of the report, failures first, each with its mark (✓ ✗ ! i),
//! what it found and — when something is wrong — what to do about it.

use egui::{Label, RichText, Sense, Stroke, Ui, pos2, vec2};

use crate::token::text::plural;
use crate::token::{CheckStatus, Report};
use crate::ui::inspect::hints::{self, KeyPanel};

use crate::ui::widgets::style;

/// Draws the checks of `report`; hints point at the key panel where `key_panel` says it is.
pub fn show(ui: &mut Ui, report: &Report, key_panel: KeyPanel) {
    let checks = report.checks_by_severity();
    ui.horizontal_wrapped(|ui| {
        style::section(ui, "Checks");
        for (status, one, many) in [
            (CheckStatus::Fail, "failed", "failed"),
            (CheckStatus::Warn, "warning", "warnings"),
            (CheckStatus::Pass, "passed", "passed"),
            (CheckStatus::Info, "for information", "for information"),
        ] {
            let n = checks.iter().filter(|c| c.status == status).count();
            if n > 0 {
                style::chip(ui, plural(n, one, many), style::check(ui, status));
            }
        }
    });
    ui.add_space(4.0);
    for check in checks {
        let color = style::check(ui, check.status);
        ui.horizontal_top(|ui| {
            mark(ui, check.status, color);
            ui.add_sized(
                [78.0, 18.0],
                Label::new(RichText::new(check.id).monospace().color(style::grey(ui))),
            );
            ui.vertical(|ui| {
                let message = RichText::new(style::shown(&check.message));
                let message = if check.status == CheckStatus::Fail {
                    message.color(color)
                } else {
                    message
                };
                ui.add(Label::new(message).wrap());
                if let Some(hint) = hints::for_check(check, key_panel) {
                    style::hint(ui, &style::shown(&hint));
                }
            });
        });
    }
}

/// The check's mark as a coloured disc: ✓ and ✗ drawn as strokes (the bundled fonts have no
/// such glyphs), ! and i as text. Its hover text names the status for screen readers too.
fn mark(ui: &mut Ui, status: CheckStatus, color: egui::Color32) {
    let (rect, response) = ui.allocate_exact_size(vec2(20.0, 20.0), Sense::hover());
    let c = rect.center();
    let painter = ui.painter();
    painter.circle_filled(c, 9.0, color);
    let ink = if ui.visuals().dark_mode {
        egui::Color32::from_gray(20)
    } else {
        egui::Color32::WHITE
    };
    let stroke = Stroke::new(2.0, ink);
    match status {
        CheckStatus::Pass => {
            painter.line_segment([c + vec2(-4.0, 0.5), c + vec2(-1.2, 3.5)], stroke);
            painter.line_segment([c + vec2(-1.2, 3.5), c + vec2(4.2, -3.2)], stroke);
        }
        CheckStatus::Fail => {
            painter.line_segment([c + vec2(-3.5, -3.5), c + vec2(3.5, 3.5)], stroke);
            painter.line_segment([c + vec2(-3.5, 3.5), c + vec2(3.5, -3.5)], stroke);
        }
        CheckStatus::Warn | CheckStatus::Info => {
            let text = if status == CheckStatus::Warn {
                "!"
            } else {
                "i"
            };
            painter.text(
                pos2(c.x, c.y + 0.5),
                egui::Align2::CENTER_CENTER,
                text,
                egui::FontId::proportional(style::size::CHIP),
                ink,
            );
        }
    }
    let words = match status {
        CheckStatus::Pass => "passed",
        CheckStatus::Fail => "failed",
        CheckStatus::Warn => "warning",
        CheckStatus::Info => "information: not checked",
    };
    response.on_hover_text(words);
}
