//! The centre panel when there is no token to show: the first-run hint with its sample button,
//! and the error view of a paste that is not a readable token, pointing at the bad byte.

use egui::text::LayoutJob;
use egui::{Align, FontId, Layout, RichText, TextFormat, Ui};

use crate::ui::state::app_state::Opening;
use crate::ui::state::entry::{Body, Entry};
use crate::ui::state::intent::Intent;
use crate::ui::widgets::{mask, style};

/// Characters of context shown either side of a bad byte.
const CONTEXT: usize = 36;

/// The first-run view: what to do, and a sample to try.
pub fn first_run(ui: &mut Ui, loading: bool) -> Vec<Intent> {
    let mut intents = Vec::new();
    ui.scope_builder(egui::UiBuilder::new().max_rect(column(ui)).layout(Layout::top_down(Align::Center)), |ui| {
        ui.label(RichText::new("Paste a token to inspect it").size(style::size::HERO).strong());
        ui.add_space(10.0);
        for line in [
            "Press Ctrl+V anywhere in this window, use Paste, or drop a file.",
            "A bare JWT, an Authorization header, a redirect URL or a whole token response all work: tokenscope strips the extras and says what it removed.",
            "Everything stays on this machine. Only a JWKS URL or issuer you give for verification, and a server profile's buttons, go to the network, when you press them.",
        ] {
            // At the body size, as everywhere else: the window's first frame rasterises each
            // size's glyphs afresh, and a size of their own cost these lines ~70 more.
            ui.add(egui::Label::new(RichText::new(line).color(style::grey(ui))).wrap());
            ui.add_space(4.0);
        }
        ui.add_space(14.0);
        if loading {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Signing the samples…");
            });
        } else if ui
            .add(egui::Button::new(RichText::new("Try a sample token").size(style::size::TITLE)).min_size(egui::vec2(220.0, 38.0)))
            .on_hover_text("A valid RS256 access token that expires in 10 minutes and an expired ID token, signed now with a throwaway key")
            .clicked()
        {
            intents.push(Intent::LoadSamples);
        }
        ui.add_space(8.0);
        ui.weak("F1 lists the keyboard shortcuts.");
    });
    intents
}

/// The centre while the tokens the window was started with are on their way: one line where
/// the first-run page would stand, so a launch with files or samples does not show that page
/// for the few frames until they land (and its first frame lays out one line, not the page).
pub fn opening(ui: &mut Ui, opening: Opening) {
    let files = match opening.files {
        0 => None,
        1 => Some("Opening the file…".to_string()),
        n => Some(format!("Opening {n} files…")),
    };
    let samples = opening.samples.then(|| "Signing the samples…".to_string());
    ui.scope_builder(
        egui::UiBuilder::new()
            .max_rect(column(ui))
            .layout(Layout::top_down(Align::Center)),
        |ui| {
            ui.spinner();
            ui.add_space(6.0);
            for text in [samples, files].into_iter().flatten() {
                ui.label(text);
            }
        },
    );
}

/// Where the first-run page (and the line standing in for it) goes: a centred column up to
/// 600 points wide, a little above the middle.
fn column(ui: &Ui) -> egui::Rect {
    let area = ui.available_rect_before_wrap();
    let width = area.width().min(600.0);
    egui::Rect::from_min_size(
        egui::pos2(
            area.center().x - width / 2.0,
            area.top() + (area.height() * 0.22).max(20.0),
        ),
        egui::vec2(width, area.height() * 0.7),
    )
}

/// The error view of a token that cannot be read.
pub fn malformed(ui: &mut Ui, entry: &Entry, presenter: bool) -> Vec<Intent> {
    let mut intents = Vec::new();
    let Body::Malformed(error) = &entry.body else {
        return intents;
    };
    style::card(ui).show(ui, |ui| {
        ui.set_width(ui.available_width());
        ui.label(RichText::new("This token cannot be read").size(style::size::HEADING).strong().color(style::red(ui)));
        ui.add_space(4.0);
        ui.add(egui::Label::new(RichText::new(error.to_string()).size(style::size::BODY)).wrap());
        if let Some(offset) = error.token_offset() {
            ui.add_space(6.0);
            ui.label(format!("Position: byte {offset} of {}", entry.raw.len()));
            if presenter {
                ui.weak("(the token text is hidden in presenter mode)");
            } else if entry.token_masked(presenter) {
                ui.weak("(not shown: a refresh token is a long-lived credential)");
            } else {
                ui.label(snippet(ui, &entry.raw, offset));
            }
        }
        if !entry.stripped.is_empty() {
            ui.add_space(6.0);
            ui.weak(format!("Stripped from the paste first: {}", entry.stripped.join(", ")));
        }
        ui.add_space(6.0);
        ui.weak("Check that the whole token was copied: a JWT is base64url without padding, spaces or line breaks.");
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            if ui.button("Remove").clicked() {
                intents.push(Intent::Remove(entry.id));
            }
            if ui.button("Copy what was pasted").clicked() {
                intents.push(Intent::Copy {
                    text: entry.raw.clone(),
                    what: "the pasted text".into(),
                });
            }
        });
        if presenter {
            ui.weak(format!("Pasted text: {}", mask::mask(&entry.raw)));
        }
    });
    intents
}

/// The text around `offset`, with the byte at `offset` highlighted.
fn snippet(ui: &Ui, raw: &str, offset: usize) -> LayoutJob {
    let font = FontId::monospace(style::size::MONO);
    let at = floor_boundary(raw, offset.min(raw.len()));
    let bad_end = raw[at..].chars().next().map_or(at, |c| at + c.len_utf8());
    let start = floor_boundary(raw, at.saturating_sub(CONTEXT));
    let end = floor_boundary(raw, (bad_end + CONTEXT).min(raw.len()));
    let normal = TextFormat::simple(font.clone(), ui.visuals().text_color());
    let mut job = LayoutJob::default();
    if start > 0 {
        job.append("…", 0.0, normal.clone());
    }
    job.append(&raw[start..at], 0.0, normal.clone());
    let bad_text = match &raw[at..bad_end] {
        "" => "(end)".to_string(),
        c if c.trim().is_empty() => "·".to_string(),
        c => c.to_string(),
    };
    job.append(
        &bad_text,
        0.0,
        TextFormat {
            background: style::red(ui).gamma_multiply(0.35),
            color: style::red(ui),
            ..TextFormat::simple(font, ui.visuals().strong_text_color())
        },
    );
    job.append(&raw[bad_end..end], 0.0, normal.clone());
    if end < raw.len() {
        job.append("…", 0.0, normal);
    }
    job
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}
