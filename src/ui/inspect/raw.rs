//! The raw view: the token as received with its segments coloured, its signature, and the
//! decoded header and payload as pretty JSON with syntax colours. Both long texts are drawn a
//! row at a time (`ScrollArea::show_rows`) from text prepared once per token.

use egui::text::LayoutJob;
use egui::{Color32, FontId, RichText, TextFormat, Ui};

use crate::ui::inspect::claims::Personal;
use crate::ui::state::entry::{Body, Entry, EntryId};
use crate::ui::state::intent::Intent;
use crate::ui::widgets::{mask, style};

/// Characters of the signature shown in full under the token.
const MAX_SIGNATURE_CHARS: usize = 1_024;

/// Draws the raw view.
pub fn show(ui: &mut Ui, entry: &mut Entry, presenter: bool) -> Vec<Intent> {
    let mut intents = Vec::new();
    let masked = entry.token_masked(presenter);
    let revealable = entry.is_refresh_token() && !presenter;
    let personal = Personal::of(entry, presenter);
    let Entry {
        id,
        raw,
        body,
        reveal_token,
        ..
    } = entry;
    let Body::Parsed(parsed) = body else {
        return intents;
    };
    let bounds = parsed.segments.as_slice();

    ui.horizontal_wrapped(|ui| {
        style::section(ui, "Token as received");
        ui.weak(format!("{} characters", parsed.chars));
        for (i, &(start, end)) in bounds.iter().enumerate() {
            let name = segment_name(bounds.len(), i);
            style::chip(ui, format!("{name} {}", end - start), segment_color(ui, i));
        }
        if revealable {
            ui.checkbox(reveal_token, "Show refresh token");
        }
        if ui.small_button("Copy token").clicked() {
            intents.push(Intent::Copy {
                text: raw.clone(),
                what: "the token".into(),
            });
        }
    });
    let font = FontId::monospace(style::size::MONO);
    if masked {
        ui.horizontal(|ui| {
            ui.monospace(mask::mask(raw));
            if presenter {
                ui.weak("(masked in presenter mode)");
            } else {
                ui.weak("(a refresh token is a long-lived secret)");
            }
        });
    } else {
        compact_rows(ui, *id, raw, bounds, &font);
    }
    if bounds.len() == 3 {
        let (start, end) = bounds[2];
        let signature = &raw[start..end];
        ui.horizontal_top(|ui| {
            ui.label(RichText::new("signature").color(segment_color(ui, 2)));
            let shown = if masked {
                format!("{} (masked)", mask::mask(signature))
            } else if signature.is_empty() {
                "(empty: the token is not signed)".to_string()
            } else {
                style::truncate(signature, MAX_SIGNATURE_CHARS).into_owned()
            };
            // Base64url has '-' and '_': break anywhere, not at those "word" boundaries.
            let mut job = LayoutJob::single_section(
                shown,
                TextFormat::simple(
                    FontId::monospace(style::size::MONO),
                    ui.visuals().text_color(),
                ),
            );
            job.wrap.break_anywhere = true;
            ui.add(egui::Label::new(job).wrap());
        });
    }

    ui.add_space(8.0);
    if masked && parsed.report.nested.is_some() {
        ui.weak(crate::ui::inspect::tree::NESTED_MASKED);
        return intents;
    }
    let hide = personal.hidden();
    let has_lines = !parsed.pretty(hide).lines.is_empty();
    ui.horizontal_wrapped(|ui| {
        style::section(ui, "Decoded JSON");
        // The copy is the JSON as decoded: what is hidden is hidden from the screen only.
        if has_lines && ui.small_button("Copy JSON").clicked() {
            intents.push(Intent::Copy {
                text: parsed.pretty(false).text.as_str().into(),
                what: "the decoded JSON".into(),
            });
        }
        personal.switch(ui, &parsed.report.payload, &mut intents);
    });
    let pretty = parsed.pretty(hide);
    if pretty.lines.is_empty() {
        ui.weak("Nothing to decode: an opaque token is only meaningful to its issuer.");
        return intents;
    }
    let row_height = ui.fonts_mut(|f| f.row_height(&font));
    egui::ScrollArea::both()
        .id_salt(("pretty-json", id))
        .auto_shrink([false; 2])
        .show_rows(ui, row_height, pretty.lines.len(), |ui, range| {
            for line in &pretty.lines[range] {
                let mut job = LayoutJob::default();
                for &(start, end, kind) in &line.spans {
                    job.append(
                        &line.text[start..end],
                        0.0,
                        TextFormat::simple(font.clone(), style::syntax(ui, kind)),
                    );
                }
                ui.add(egui::Label::new(job).extend());
            }
        });
    intents
}

/// The token wrapped to the panel's width, one row per screen line, coloured by segment.
fn compact_rows(ui: &mut Ui, id: EntryId, raw: &str, bounds: &[(usize, usize)], font: &FontId) {
    let char_width = ui.fonts_mut(|f| f.glyph_width(font, '0')).max(1.0);
    let row_height = ui.fonts_mut(|f| f.row_height(font));
    let per_row = ((ui.available_width() - 16.0) / char_width)
        .floor()
        .max(16.0) as usize;
    let rows = raw.len().div_ceil(per_row);
    let boundary = |mut i: usize| {
        i = i.min(raw.len());
        while !raw.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    egui::ScrollArea::vertical()
        .id_salt(("compact-token", id))
        .max_height((row_height + ui.spacing().item_spacing.y) * 6.0)
        .auto_shrink([false, true])
        // Six rows of a long token would look like all of it without a visible bar.
        .scroll_bar_visibility(egui::scroll_area::ScrollBarVisibility::AlwaysVisible)
        .show_rows(ui, row_height, rows, |ui, range| {
            for row in range {
                let (start, end) = (boundary(row * per_row), boundary((row + 1) * per_row));
                let mut job = LayoutJob::default();
                let mut at = start;
                while at < end {
                    let (color, stop) = colour_at(ui, bounds, at, end);
                    job.append(&raw[at..stop], 0.0, TextFormat::simple(font.clone(), color));
                    at = stop;
                }
                ui.add(egui::Label::new(job).extend());
            }
        });
}

/// The colour at byte `at` and where it stops (before `end`): a segment's colour, or grey for
/// the dots between segments.
fn colour_at(ui: &Ui, bounds: &[(usize, usize)], at: usize, end: usize) -> (Color32, usize) {
    for (i, &(s, e)) in bounds.iter().enumerate() {
        if at >= s && at < e {
            return (segment_color(ui, i), e.min(end));
        }
        if at < s {
            return (style::grey(ui), s.min(end));
        }
    }
    (style::grey(ui), end)
}

/// Byte ranges of the dot-separated segments (one range for an opaque token).
pub(in crate::ui) fn segments(raw: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::with_capacity(5);
    let mut start = 0;
    for (i, _) in raw.match_indices('.').take(4) {
        out.push((start, i));
        start = i + 1;
    }
    out.push((start, raw.len()));
    out
}

fn segment_name(count: usize, index: usize) -> &'static str {
    match (count, index) {
        (1, _) => "opaque",
        (3, 0) | (5, 0) => "header",
        (3, 1) => "payload",
        (3, 2) => "signature",
        (5, 1) => "encrypted key",
        (5, 2) => "IV",
        (5, 3) => "ciphertext",
        (5, 4) => "tag",
        _ => "segment",
    }
}

fn segment_color(ui: &Ui, index: usize) -> Color32 {
    match index {
        0..=2 => style::segment(ui, index),
        3 => style::green(ui),
        _ => style::amber(ui),
    }
}

#[cfg(test)]
mod tests {
    use super::segments;

    #[test]
    fn segments_are_found_by_dots() {
        assert_eq!(segments("aa.bbb.c"), [(0, 2), (3, 6), (7, 8)]);
        assert_eq!(segments("opaque"), [(0, 6)]);
    }
}
