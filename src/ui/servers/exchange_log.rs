//! The exchange log dock at the bottom, like a browser's network panel: one row per request,
//! newest first; a row opens to its headers and bodies, redacted unless revealed (never in
//! presenter mode); Copy as curl writes `$CLIENT_SECRET`-style placeholders unless revealed.
//! In memory only.

use egui::{RichText, Ui};

use crate::ui::state::exchange_log::LoggedExchange;
use crate::ui::state::intent::Intent;
use crate::ui::state::servers::{ServerIntent, ServersState};
use crate::ui::widgets::style;

/// Draws the dock's contents (its panel is the caller's).
pub fn show(ui: &mut Ui, servers: &mut ServersState, presenter: bool) -> Vec<Intent> {
    let mut intents = Vec::new();
    ui.horizontal(|ui| {
        let words = format!(
            "{} exchange log ({})",
            if servers.log.open { "Hide" } else { "Show" },
            servers.log.rows.len()
        );
        if ui
            .add(egui::Button::new(RichText::new(words).strong()).frame(false))
            .on_hover_text("Every request to a server and its answer, newest first (memory only)")
            .clicked()
        {
            servers.log.open = !servers.log.open;
        }
        if servers.log.open && !servers.log.rows.is_empty() && ui.small_button("Clear").clicked() {
            servers.log.rows.clear();
        }
    });
    if !servers.log.open {
        return intents;
    }
    egui::ScrollArea::vertical()
        .id_salt("exchange-log")
        .max_height(260.0)
        .auto_shrink([false, true])
        .show_viewport(ui, |ui, viewport| {
            if servers.log.rows.is_empty() {
                ui.weak("No request yet.");
            }
            visible_rows(ui, viewport, &mut servers.log.rows, presenter, &mut intents);
        });
    intents
}

/// Lays out only the rows inside `viewport` (in the scrolled content's coordinates), newest
/// first, with the space of the others above and below them. The log holds up to
/// `MAX_EXCHANGES` rows and the window repaints every second while a countdown runs, so laying
/// out every row each frame would cost the whole log on every tick and every mouse move.
///
/// A row's height is the one it had when last drawn; a row never drawn is closed (opening
/// one takes a click on it), so it gets a closed row's height. An open row out of view keeps
/// its height from before a resize or a change of presenter mode until it is drawn again, so
/// the scroll bar is approximate until then.
fn visible_rows(
    ui: &mut Ui,
    viewport: egui::Rect,
    exchanges: &mut [LoggedExchange],
    presenter: bool,
    intents: &mut Vec<Intent>,
) {
    let closed = ui.spacing().interact_size.y + ui.spacing().item_spacing.y;
    let height = |logged: &LoggedExchange| logged.drawn_height.unwrap_or(closed);
    let mut newest_first = (0..exchanges.len()).rev().peekable();
    let mut above = 0.0;
    while let Some(&index) = newest_first.peek() {
        let next = height(&exchanges[index]);
        if above + next > viewport.min.y {
            break;
        }
        above += next;
        newest_first.next();
    }
    ui.add_space(above);
    let mut bottom = above;
    while bottom < viewport.max.y {
        let Some(index) = newest_first.next() else {
            break;
        };
        let top = ui.cursor().min.y;
        // An id of its own, so a row's widgets (focus, a selection in a body) keep theirs
        // whichever rows are skipped above it or trimmed from the log.
        let id = ui
            .unique_id()
            .with(("exchange-row", exchanges[index].serial));
        ui.scope_builder(egui::UiBuilder::new().scope_id(id), |ui| {
            row(ui, index, &mut exchanges[index], presenter, intents);
        });
        let drawn = ui.cursor().min.y - top;
        exchanges[index].drawn_height = Some(drawn);
        bottom += drawn;
    }
    let below: f32 = newest_first.map(|index| height(&exchanges[index])).sum();
    ui.add_space(below);
}

fn row(
    ui: &mut Ui,
    index: usize,
    logged: &mut LoggedExchange,
    presenter: bool,
    intents: &mut Vec<Intent>,
) {
    let exchange = &logged.exchange;
    let status = match exchange.status() {
        Some(s) => s.to_string(),
        None => "no answer".into(),
    };
    let color = match exchange.status() {
        Some(s) if (200..300).contains(&s) => style::green(ui),
        Some(_) => style::red(ui),
        None => style::amber(ui),
    };
    ui.horizontal(|ui| {
        let arrow = if logged.open { "▼" } else { "▶" };
        let summary = format!(
            "{arrow} {} {}  ·  {}  ·  {} ms",
            exchange.method,
            exchange.url,
            exchange.endpoint,
            exchange.duration.as_millis()
        );
        if ui
            .add(egui::Button::new(RichText::new(summary).monospace()).frame(false))
            .clicked()
        {
            logged.open = !logged.open;
        }
        ui.label(RichText::new(status).strong().color(color));
    });
    if !logged.open {
        return;
    }
    let reveal = logged.reveal && !presenter;
    ui.indent(("exchange", index), |ui| {
        ui.horizontal(|ui| {
            let words = if logged.reveal {
                "Redact"
            } else {
                "Reveal secrets"
            };
            if ui
                .add_enabled(!presenter, egui::Button::new(words))
                .on_disabled_hover_text("Presenter mode keeps secrets masked")
                .clicked()
            {
                logged.reveal = !logged.reveal;
            }
            if ui
                .button("Copy as curl")
                .on_hover_text("Secrets become $CLIENT_SECRET-style variables unless revealed")
                .clicked()
            {
                intents.push(Intent::Server(ServerIntent::CopyCurl(index)));
            }
            if let Some(skew) = exchange.clock_skew_finding() {
                ui.colored_label(style::amber(ui), format!("server clock off by {skew} s"));
            }
        });
        ui.label(RichText::new("Request").strong());
        for (name, value) in exchange.request_headers_text(reveal) {
            ui.monospace(format!("{name}: {value}"));
        }
        if let Some(body) = exchange.request_body_text(reveal) {
            ui.add(egui::Label::new(RichText::new(body).monospace()).wrap());
        }
        ui.label(RichText::new("Response").strong());
        for (name, value) in exchange.response_headers_text(reveal) {
            ui.monospace(format!("{name}: {value}"));
        }
        if presenter {
            // A body may name a person (userinfo) even with its tokens masked.
            ui.weak("(the body is hidden in presenter mode)");
        } else if let Some(body) = exchange.response_body_text(reveal) {
            // HTML and anything else stays text: never rendered.
            let cut = style::truncate(&body, 20_000);
            ui.add(egui::Label::new(RichText::new(cut.as_ref()).monospace()).wrap());
        }
    });
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use egui::{Pos2, RawInput, Rect, vec2};

    use super::*;
    use crate::oauth::exchange::{Endpoint, Exchange};
    use crate::ui::state::exchange_log::{ExchangeLog, MAX_EXCHANGES};

    /// A full log: the oldest drops off with the next exchange.
    const ROWS: usize = MAX_EXCHANGES;

    fn exchange(n: usize) -> Exchange {
        Exchange {
            endpoint: Endpoint::Token,
            method: "POST".into(),
            url: format!("https://as.example/token/{n}/"),
            request_headers: Vec::new(),
            request_body: None,
            started_at: chrono::DateTime::UNIX_EPOCH,
            duration: Duration::from_millis(3),
            response: None,
        }
    }

    /// The rows of a full log, exchange 0 the oldest.
    fn log() -> ExchangeLog {
        let mut log = ExchangeLog::default();
        for n in 0..ROWS {
            log.push(exchange(n));
        }
        log
    }

    /// The exchange number in a row's summary (its URL is `…/token/N/`).
    fn exchange_number(text: &str) -> Option<usize> {
        text.split("/token/")
            .nth(1)?
            .split('/')
            .next()?
            .parse()
            .ok()
    }

    /// The log's view (260 points high) scrolled to the top.
    fn top_view() -> Rect {
        Rect::from_min_size(Pos2::ZERO, vec2(1200.0, 260.0))
    }

    /// A context styled as the window is.
    fn window() -> egui::Context {
        let ctx = egui::Context::default();
        style::install(&ctx);
        ctx
    }

    /// One pass of the log's rows for `viewport`, on a screen tall enough for every row to be
    /// painted if it were laid out. Returns the exchange numbers of the rows painted, and the
    /// height the rows take in all (what the scroll bar covers).
    fn pass(
        ctx: &egui::Context,
        exchanges: &mut [LoggedExchange],
        viewport: Rect,
    ) -> (Vec<usize>, f32) {
        let input = RawInput {
            screen_rect: Some(Rect::from_min_size(Pos2::ZERO, vec2(1200.0, 20_000.0))),
            ..RawInput::default()
        };
        let mut height = 0.0;
        let mut output = ctx.run_ui(input, |ui| {
            let top = ui.cursor().min.y;
            visible_rows(ui, viewport, exchanges, false, &mut Vec::new());
            height = ui.cursor().min.y - top;
        });
        let painted = output
            .shapes
            .iter()
            .filter_map(|clipped| match &clipped.shape {
                egui::Shape::Text(text) => exchange_number(text.galley.text()),
                _ => None,
            })
            .collect();
        // Nothing uploads the font atlas here; epaint wants that said before the drop.
        output.textures_delta.clear();
        (painted, height)
    }

    #[test]
    fn only_the_rows_in_view_are_laid_out_newest_first() {
        let ctx = window();
        let mut log = log();
        let exchanges = &mut log.rows;
        let view = top_view();
        let (painted, height) = pass(&ctx, exchanges, view);
        assert_eq!(
            painted.first(),
            Some(&(ROWS - 1)),
            "newest first: {painted:?}"
        );
        assert!(
            (5..=12).contains(&painted.len()),
            "a 260-point view shows about nine rows, not {}: {painted:?}",
            painted.len()
        );
        assert!(painted.windows(2).all(|w| w[0] == w[1] + 1), "{painted:?}");
        let row = exchanges[ROWS - 1]
            .drawn_height
            .expect("the newest row was drawn");
        assert!(
            (height - row * ROWS as f32).abs() < ROWS as f32,
            "the scroll bar must cover all {ROWS} rows: {height} for rows of {row}"
        );
    }

    #[test]
    fn scrolled_to_the_end_the_oldest_rows_are_there() {
        let ctx = window();
        let mut log = log();
        let exchanges = &mut log.rows;
        let top = top_view();
        let (_, height) = pass(&ctx, exchanges, top);
        let end = Rect::from_min_max(Pos2::new(0.0, height - 260.0), Pos2::new(1200.0, height));
        let (painted, _) = pass(&ctx, exchanges, end);
        assert_eq!(painted.last(), Some(&0), "the oldest row last: {painted:?}");
        assert!(!painted.contains(&(ROWS - 1)), "{painted:?}");
        assert!(painted.len() <= 12, "{painted:?}");
    }

    #[test]
    fn an_opened_row_pushes_the_rows_below_it_down() {
        let ctx = window();
        let mut log = log();
        let exchanges = &mut log.rows;
        let view = top_view();
        let (closed, closed_height) = pass(&ctx, exchanges, view);
        exchanges[ROWS - 1].open = true;
        let (opened, opened_height) = pass(&ctx, exchanges, view);
        assert!(
            opened_height > closed_height,
            "{opened_height} ≤ {closed_height}"
        );
        assert!(
            opened.len() < closed.len(),
            "the opened row's details take the place of rows below: {opened:?} against {closed:?}"
        );
    }

    /// The accessibility node id of each painted row's summary button, by exchange number:
    /// the id egui keeps the row's widget state under.
    fn row_ids(
        ctx: &egui::Context,
        exchanges: &mut [LoggedExchange],
        viewport: Rect,
    ) -> Vec<(usize, egui::accesskit::NodeId)> {
        ctx.enable_accesskit();
        let mut output = ctx.run_ui(RawInput::default(), |ui| {
            visible_rows(ui, viewport, exchanges, false, &mut Vec::new());
        });
        output.textures_delta.clear();
        let update = output
            .platform_output
            .accesskit_update
            .expect("accesskit is on");
        update
            .nodes
            .iter()
            .filter_map(|(id, node)| Some((exchange_number(node.label()?)?, *id)))
            .collect()
    }

    #[test]
    fn a_row_keeps_its_id_when_the_log_scrolls_or_is_trimmed() {
        let ctx = window();
        let mut log = log();
        let exchanges = &mut log.rows;
        let top = top_view();
        let before = row_ids(&ctx, exchanges, top);
        let id_of = |ids: &[(usize, egui::accesskit::NodeId)], n: usize| {
            ids.iter().find(|(m, _)| *m == n).map(|(_, id)| *id)
        };
        let newest = ROWS - 1;
        let at_top = id_of(&before, newest).expect("the newest row is in view");
        let row = exchanges[newest].drawn_height.expect("drawn");
        // Scrolled down by two rows: the row two below the newest is now the first drawn.
        let third = newest - 2;
        let third_before = id_of(&before, third).expect("the third row is in view");
        let scrolled = row_ids(&ctx, exchanges, top.translate(vec2(0.0, 2.0 * row + 1.0)));
        assert!(id_of(&scrolled, newest).is_none(), "{scrolled:?}");
        assert_eq!(id_of(&scrolled, third), Some(third_before));
        // One more exchange: the oldest drops off, every row moves up one place in the log,
        // and each keeps its id.
        log.push(exchange(ROWS));
        assert_eq!(log.rows.len(), MAX_EXCHANGES);
        let after = row_ids(&ctx, &mut log.rows, top);
        assert_eq!(id_of(&after, newest), Some(at_top), "{after:?}");
    }
}
