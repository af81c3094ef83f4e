//! The header strip: what the token is (kind, algorithm, key id, signature), who issued it
//! for whom, and the live countdown with a bar of how much of its lifetime (iat → exp) is used.

use egui::{RichText, Ui};

use crate::token::claims::explain_alg;
use crate::token::lifetime::{Lifetime, LifetimeState};
use crate::token::time::duration;
use crate::token::{Report, SignatureStatus};

use crate::ui::state::entry::Entry;
use crate::ui::widgets::style::shown;
use crate::ui::widgets::{mask, style};

/// Draws the header strip of a parsed token. It only shows: no actions live here.
pub fn show(ui: &mut Ui, entry: &Entry, presenter: bool, now: i64) {
    let (Some(report), Some(live)) = (entry.report(), entry.live()) else {
        return;
    };
    style::card(ui).show(ui, |ui| {
        ui.set_width(ui.available_width());
        ui.horizontal_wrapped(|ui| {
            ui.label(
                RichText::new(entry.kind_label())
                    .size(style::size::HEADING)
                    .strong(),
            )
            .on_hover_text(report.token_type_sentence());
            if let Some(alg) = &report.signature.alg {
                let chip = style::chip(ui, alg, style::blue(ui));
                if let Some(words) = explain_alg(alg) {
                    chip.on_hover_text(words);
                }
            }
            if let Some(kid) = &report.signature.kid {
                ui.weak("kid");
                if kid.is_empty() {
                    ui.weak("\"\" (empty)");
                } else {
                    // A kid is attacker-controlled text: bidi overrides must not reorder the strip.
                    ui.monospace(crate::token::text::escape_invisible(kid));
                }
            }
            signature_chip(ui, entry, report);
        });
        ui.add_space(2.0);
        ui.horizontal_wrapped(|ui| {
            field(ui, "issuer", report.claim_str("iss"));
            field(ui, "subject", report.claim_str("sub"));
            if let Some(source) = &entry.source {
                field(ui, "from", Some(source));
            }
            if presenter {
                field(ui, "token", Some(&mask::mask(&entry.raw)));
            }
        });
        ui.add_space(6.0);
        lifetime_row(ui, live, now);
    });
}

/// Characters of an issuer or subject shown in the strip: far more than a real one has (an
/// Entra or Cognito issuer ends in its tenant or pool id, which must stay visible).
const MAX_FIELD_CHARS: usize = 300;

fn field(ui: &mut Ui, name: &str, value: Option<&str>) {
    let Some(value) = value else {
        return;
    };
    ui.label(RichText::new(name).color(style::grey(ui)));
    // The value wraps onto the next line rather than being cut; only an absurd one is cut,
    // whole on hover.
    let value = shown(value);
    let cut = style::truncate(&value, MAX_FIELD_CHARS);
    let label = ui.add(egui::Label::new(RichText::new(cut.as_ref()).strong()).wrap());
    if cut.len() != value.len() {
        label.on_hover_text(value.as_ref());
    }
    ui.add_space(10.0);
}

fn signature_chip(ui: &mut Ui, entry: &Entry, report: &Report) {
    // An opaque or encrypted token has no signature to speak of here.
    if matches!(
        report.kind,
        crate::token::report::Kind::Opaque | crate::token::report::Kind::Jwe
    ) {
        return;
    }
    if entry.verification.running.is_some() {
        ui.spinner();
        ui.label("verifying signature…");
        return;
    }
    let (words, color) = match report.signature.status {
        SignatureStatus::Valid => ("signature valid", style::green(ui)),
        SignatureStatus::Invalid => ("signature INVALID", style::red(ui)),
        SignatureStatus::NotSigned => ("not signed", style::red(ui)),
        SignatureStatus::Unsupported => ("signature not checkable", style::amber(ui)),
        SignatureStatus::Unverified => ("signature not verified", style::grey(ui)),
    };
    style::chip(ui, words, color).on_hover_text(report.signature.detail.as_ref());
}

/// The countdown, the exact instants, and the bar.
fn lifetime_row(ui: &mut Ui, live: &Lifetime, now: i64) {
    let color = style::lifetime(ui, live.state);
    // Right-aligned when it fits; a long countdown ("not valid for another …") would
    // otherwise be drawn over, so then it takes a line of its own below.
    let inline = ui.available_width() >= EXPIRES_AT_WIDTH + countdown_width(ui, live);
    ui.horizontal(|ui| {
        ui.label(
            RichText::new(countdown_words(live))
                .size(style::size::COUNTDOWN)
                .strong()
                .color(color),
        );
        style::chip(ui, live.state.label(), color);
        if inline {
            expires_at(ui, live, now);
        }
    });
    if !inline {
        ui.horizontal(|ui| expires_at(ui, live, now));
    }
    if let Some(fraction) = live.used_fraction {
        let issued = live.not_before.as_ref().or(live.issued_at.as_ref());
        let span = match (issued, &live.expires_at) {
            (Some(start), Some(end)) => {
                format!(" {}", duration((end.unix - start.unix).unsigned_abs()))
            }
            _ => String::new(),
        };
        let text = format!("{:.0} % of its{span} lifetime used", fraction * 100.0);
        ui.horizontal(|ui| {
            lifetime_bar(ui, fraction as f32, color);
            ui.label(text);
        });
    }
}

/// A thin bar with a visible track in both themes; its words sit beside it, never on the
/// fill where half of them would lose their contrast.
fn lifetime_bar(ui: &mut Ui, fraction: f32, color: egui::Color32) {
    let width = (ui.available_width() - 240.0).max(80.0);
    let (rect, _) = ui.allocate_exact_size(egui::vec2(width, 10.0), egui::Sense::hover());
    let visuals = ui.visuals();
    ui.painter().rect(
        rect,
        5.0,
        visuals.extreme_bg_color,
        visuals.widgets.noninteractive.bg_stroke,
        egui::StrokeKind::Inside,
    );
    let used = egui::Rect::from_min_size(
        rect.min,
        egui::vec2(rect.width() * fraction.clamp(0.0, 1.0), rect.height()),
    );
    ui.painter().rect_filled(used, 5.0, color);
}

/// Room for "expires at 2026-11-22 23:54:39 +00:00" beside the countdown.
const EXPIRES_AT_WIDTH: f32 = 280.0;

fn expires_at(ui: &mut Ui, live: &Lifetime, now: i64) {
    let Some(exp) = &live.expires_at else {
        return;
    };
    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
        ui.label(RichText::new(exp.local()).monospace())
            .on_hover_text(format!(
                "{}\n{}",
                exp.utc(),
                crate::token::time::relative(exp.unix - now)
            ));
        ui.weak("expires at");
    });
}

/// How wide the countdown and its state chip are drawn, to know whether "expires at" fits.
fn countdown_width(ui: &Ui, live: &Lifetime) -> f32 {
    let width = |text: String, size: f32| {
        let galley = ui.painter().layout_no_wrap(
            text,
            egui::FontId::proportional(size),
            egui::Color32::WHITE,
        );
        galley.size().x
    };
    let spacing = ui.spacing().item_spacing.x;
    // The chip adds 7 px of padding on each side (style::chip).
    width(countdown_words(live), 24.0)
        + width(live.state.label().to_string(), 12.5)
        + 14.0
        + 2.0 * spacing
}

/// "expires in 4 min 03 s", "expired 2 h ago", "never expires (no exp claim)".
#[must_use]
pub fn countdown_words(live: &Lifetime) -> String {
    let left = live.expires_in_seconds.unwrap_or_default();
    match live.state {
        LifetimeState::Valid | LifetimeState::Expiring => {
            format!("expires in {}", countdown(left.unsigned_abs()))
        }
        LifetimeState::Expired if -left <= live.leeway_seconds as i64 => format!(
            "{} — still accepted within the {} s leeway",
            live.summary, live.leeway_seconds
        ),
        LifetimeState::NoExpiry => "never expires (no exp claim)".into(),
        _ => live.summary.clone(),
    }
}

/// A countdown that keeps its width: "4 min 03 s", "2 h 05 min", "42 s".
fn countdown(seconds: u64) -> String {
    match seconds {
        s if s < 60 => format!("{s} s"),
        s if s < 3_600 => format!("{} min {:02} s", s / 60, s % 60),
        s if s < 86_400 => format!("{} h {:02} min", s / 3_600, s % 3_600 / 60),
        s => duration(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn countdown_pads_the_smaller_unit() {
        assert_eq!(countdown(243), "4 min 03 s");
        assert_eq!(countdown(7_500), "2 h 05 min");
        assert_eq!(countdown(9), "9 s");
    }

    #[test]
    fn words_follow_the_state() {
        let claims = json!({"iat": 1000, "exp": 2000});
        let at = |now| countdown_words(&Lifetime::compute(claims.as_object(), now, 60));
        assert_eq!(at(1757), "expires in 4 min 03 s");
        assert_eq!(
            at(2030),
            "expired 30 s ago — still accepted within the 60 s leeway"
        );
        assert_eq!(at(9200), "expired 2 h ago");
    }
}
