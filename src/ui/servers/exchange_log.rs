//! The exchange log dock at the bottom, like a browser's network panel: one row per request,
//! newest first; a row opens to its headers and bodies, redacted unless revealed (never in
//! presenter mode); Copy as curl writes `$CLIENT_SECRET`-style placeholders unless revealed.
//! In memory only.

use egui::{RichText, Ui};

use crate::ui::state::intent::Intent;
use crate::ui::state::servers::{LoggedExchange, ServerIntent, ServersState};
use crate::ui::widgets::style;

/// Draws the dock's contents (its panel is the caller's).
pub fn show(ui: &mut Ui, servers: &mut ServersState, presenter: bool) -> Vec<Intent> {
    let mut intents = Vec::new();
    ui.horizontal(|ui| {
        let words = format!(
            "{} exchange log ({})",
            if servers.log_open { "Hide" } else { "Show" },
            servers.exchanges.len()
        );
        if ui
            .add(egui::Button::new(RichText::new(words).strong()).frame(false))
            .on_hover_text("Every request to a server and its answer, newest first (memory only)")
            .clicked()
        {
            servers.log_open = !servers.log_open;
        }
        if servers.log_open && !servers.exchanges.is_empty() && ui.small_button("Clear").clicked() {
            servers.exchanges.clear();
        }
    });
    if !servers.log_open {
        return intents;
    }
    egui::ScrollArea::vertical()
        .id_salt("exchange-log")
        .max_height(260.0)
        .auto_shrink([false, true])
        .show(ui, |ui| {
            if servers.exchanges.is_empty() {
                ui.weak("No request yet.");
            }
            let count = servers.exchanges.len();
            for index in (0..count).rev() {
                let logged = &mut servers.exchanges[index];
                row(ui, index, logged, presenter, &mut intents);
            }
        });
    intents
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
